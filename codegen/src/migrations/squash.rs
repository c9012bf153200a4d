//! `squashmigrations app [start] end`: Django's squashing. The app's migrations from `start`
//! (default: its first) to `end` become one migration that `replaces` them: their operations,
//! optimized, with the dependencies the first had and those the others had on other apps.
//! The old files stay until every database has applied them (the loader and `migrate`
//! decide which history a database follows).

use std::path::PathBuf;

use rjango_schema::Operation;

use super::loader::Loader;
use super::syntax::MigrationBody;
use super::writer::NewMigration;

/// What to squash.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub app: &'a str,
    pub start: Option<&'a str>,
    pub end: &'a str,
    pub squashed_name: Option<&'a str>,
    pub optimize: bool,
}

/// The squash, ready to write.
#[derive(Debug, Clone)]
pub struct Squash {
    /// The names squashed, in order.
    pub names: Vec<String>,
    /// Operations before and after optimizing.
    pub before: usize,
    pub migration: NewMigration,
}

/// One migration of the app by name or unique prefix, as Django resolves it (its messages).
fn resolve(loader: &Loader, app: &str, name: &str) -> Result<String, String> {
    let names: Vec<&String> = loader
        .migrations
        .keys()
        .filter(|(a, _)| a == app)
        .map(|(_, n)| n)
        .collect();
    if names.iter().any(|n| *n == name) {
        return Ok(name.to_owned());
    }
    let matches: Vec<&&String> = names.iter().filter(|n| n.starts_with(name)).collect();
    match matches.as_slice() {
        [one] => Ok((**one).clone()),
        [] => Err(format!(
            "Cannot find a migration matching '{name}' from app '{app}'."
        )),
        _ => Err(format!(
            "More than one migration matches '{name}' in app '{app}'. Please be more specific."
        )),
    }
}

/// Plans the squash (Django's checks and messages, without asking or writing).
pub fn plan(loader: &Loader, request: &Request) -> Result<Squash, String> {
    let app = request.app;
    if !loader.migrations.keys().any(|(a, _)| a == app) {
        return Err(format!(
            "App '{app}' does not have migrations (so squashmigrations on it makes no sense)"
        ));
    }
    let end = resolve(loader, app, request.end)?;
    let start = request.start.map(|s| resolve(loader, app, s)).transpose()?;
    let order = loader.order().map_err(|e| e.to_string())?;
    // The app's migrations up to `end`, in the order they apply.
    let ancestors = {
        let mut seen = std::collections::BTreeSet::new();
        let mut todo = vec![(app.to_owned(), end.clone())];
        while let Some(key) = todo.pop() {
            if seen.insert(key.clone())
                && let Some(l) = loader.migrations.get(&key)
            {
                todo.extend(l.migration.dependencies.iter().cloned());
            }
        }
        seen
    };
    let mut chain: Vec<&rjango_schema::Migration> = order
        .iter()
        .map(|l| &l.migration)
        .filter(|m| m.app_label == app && ancestors.contains(&(app.to_owned(), m.name.clone())))
        .collect();
    if let Some(start) = &start {
        let Some(at) = chain.iter().position(|m| &m.name == start) else {
            return Err(format!(
                "The migration '{start}' cannot be found. Maybe it comes after the migration '{end}'?\nHave a look at:\n  rjango showmigrations {app}\nto debug this issue."
            ));
        };
        chain.drain(..at);
    }
    if chain.iter().any(|m| !m.replaces.is_empty()) {
        return Err("You cannot squash squashed migrations! Please transition it to a normal migration first".into());
    }
    let names: Vec<String> = chain.iter().map(|m| m.name.clone()).collect();
    let squashed: Vec<(String, String)> =
        names.iter().map(|n| (app.to_owned(), n.clone())).collect();
    let mut dependencies: Vec<(String, String)> = Vec::new();
    for (i, m) in chain.iter().enumerate() {
        for dep in &m.dependencies {
            let keep = if i == 0 {
                !squashed.contains(dep)
            } else {
                dep.0 != app
            };
            if keep && !dependencies.contains(dep) {
                dependencies.push(dep.clone());
            }
        }
    }
    let operations: Vec<Operation> = chain
        .iter()
        .flat_map(|m| m.operations.iter().cloned())
        .collect();
    let before = operations.len();
    let operations = if request.optimize {
        super::optimizer::optimize(app, operations)
    } else {
        operations
    };
    let first = &names[0];
    let last = names.last().unwrap_or(first);
    let name = match (request.squashed_name, &start) {
        (Some(custom), None) => format!("0001_{custom}"),
        (Some(custom), Some(s)) => format!("{}_{custom}", s.split('_').next().unwrap_or("0001")),
        (None, None) => format!("0001_squashed_{last}"),
        (None, Some(s)) => format!("{s}_squashed_{last}"),
    };
    if loader
        .migrations
        .contains_key(&(app.to_owned(), name.clone()))
    {
        return Err(format!(
            "Migration {name} already exists. Use a different name."
        ));
    }
    Ok(Squash {
        names,
        before,
        migration: NewMigration {
            path: PathBuf::from("src")
                .join(app)
                .join("migrations")
                .join(format!("{name}.rs")),
            body: MigrationBody {
                initial: start.is_none(),
                // One migration that must run outside a transaction (AddIndexConcurrently on
                // PostgreSQL) makes the squash so too: inside one, PostgreSQL would refuse it.
                atomic: chain.iter().all(|m| m.atomic),
                dependencies,
                operations,
                replaces: squashed,
                // The squash is a new migration: its warnings are read again.
                accepted: None,
            },
            app: app.to_owned(),
            name,
        },
    })
}
