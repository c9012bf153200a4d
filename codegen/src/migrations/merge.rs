//! `makemigrations --merge`: Django's fix for two branches that each made the app's next
//! migration (two leaves). The merge migration depends on both leaves and has no operations;
//! it is named after them (`0004_merge_0003_a_0003_b`), or after the time when that would be
//! long.

use std::collections::BTreeSet;
use std::path::PathBuf;

use rjango_schema::Operation;

use super::loader::Loader;
use super::syntax::MigrationBody;
use super::writer::NewMigration;
use crate::{Error, Result};

/// An app whose migrations end in more than one leaf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub app: String,
    /// The leaves, sorted.
    pub leaves: Vec<String>,
}

/// The apps with conflicting migrations, in app order.
pub fn conflicts(loader: &Loader) -> Vec<Conflict> {
    let apps: BTreeSet<&String> = loader.migrations.keys().map(|(a, _)| a).collect();
    apps.into_iter()
        .filter_map(|app| {
            let leaves = leaves(loader, app);
            (leaves.len() > 1).then(|| Conflict {
                app: app.clone(),
                leaves,
            })
        })
        .collect()
}

/// The migrations of `app` that no other migration of the app depends on.
fn leaves(loader: &Loader, app: &str) -> Vec<String> {
    let depended: BTreeSet<&String> = loader
        .migrations
        .values()
        .filter(|l| l.migration.app_label == app)
        .flat_map(|l| l.migration.dependencies.iter())
        .filter(|(a, _)| a == app)
        .map(|(_, n)| n)
        .collect();
    loader
        .migrations
        .keys()
        .filter(|(a, n)| a == app && !depended.contains(n))
        .map(|(_, n)| n.clone())
        .collect()
}

/// `key` and every migration of its app it depends on, directly or not.
fn ancestors(loader: &Loader, app: &str, name: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![name.to_owned()];
    while let Some(n) = todo.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        if let Some(l) = loader.migrations.get(&(app.to_owned(), n)) {
            todo.extend(
                l.migration
                    .dependencies
                    .iter()
                    .filter(|(a, _)| a == app)
                    .map(|(_, n)| n.clone()),
            );
        }
    }
    seen
}

/// One branch of a conflict: its leaf, and the operations of its migrations since the point
/// where the branches parted, in order.
#[derive(Debug, Clone)]
pub struct Branch {
    pub leaf: String,
    pub operations: Vec<Operation>,
}

/// The branches of a conflict.
pub fn branches(loader: &Loader, conflict: &Conflict) -> Result<Vec<Branch>> {
    let app = &conflict.app;
    let sets: Vec<BTreeSet<String>> = conflict
        .leaves
        .iter()
        .map(|leaf| ancestors(loader, app, leaf))
        .collect();
    let common: BTreeSet<String> = sets.iter().skip(1).fold(sets[0].clone(), |acc, s| {
        acc.intersection(s).cloned().collect()
    });
    if common.is_empty() {
        let file = loader
            .migrations
            .get(&(app.clone(), conflict.leaves[0].clone()))
            .map(|l| l.file.clone())
            .unwrap_or_default();
        return Err(Error::Source {
            location: crate::error::Location {
                file,
                line: 1,
                column: 1,
            },
            message: format!(
                "Could not find common ancestor of {}",
                conflict.leaves.join(", ")
            ),
            hint: Some(
                "the branches share no migration: make one depend on the other by hand".into(),
            ),
        });
    }
    let order = loader.order()?;
    Ok(conflict
        .leaves
        .iter()
        .zip(&sets)
        .map(|(leaf, set)| Branch {
            leaf: leaf.clone(),
            operations: order
                .iter()
                .filter(|l| &l.migration.app_label == app)
                .filter(|l| set.contains(&l.migration.name) && !common.contains(&l.migration.name))
                .flat_map(|l| l.migration.operations.iter().cloned())
                .collect(),
        })
        .collect())
}

/// The merge migration of a conflict: numbered after the highest leaf, named after the leaves
/// (Django: `merge_` and the leaves joined, or the time when that passes 47 characters).
pub fn merge_migration(
    conflict: &Conflict,
    custom_name: Option<&str>,
    timestamp: &str,
) -> NewMigration {
    let number = conflict
        .leaves
        .iter()
        .filter_map(|l| rjango_schema::migration_number(l))
        .max()
        .unwrap_or(0)
        + 1;
    let joined = conflict.leaves.join("_");
    let suffix = match custom_name {
        Some(name) => name.to_owned(),
        None if joined.len() > 47 => format!("merge_{timestamp}"),
        None => format!("merge_{joined}"),
    };
    let name = format!("{number:04}_{suffix}");
    NewMigration {
        path: PathBuf::from("src")
            .join(&conflict.app)
            .join("migrations")
            .join(format!("{name}.rs")),
        body: MigrationBody {
            initial: false,
            atomic: true,
            dependencies: conflict
                .leaves
                .iter()
                .map(|l| (conflict.app.clone(), l.clone()))
                .collect(),
            operations: Vec::new(),
            replaces: Vec::new(),
            accepted: None,
        },
        app: conflict.app.clone(),
        name,
    }
}
