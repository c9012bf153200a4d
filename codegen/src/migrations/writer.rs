//! Turns planned changes into migration files: Django's names (`0001_initial`,
//! `0002_post_views`, `0003_..._and_more`, `auto_<timestamp>`), numbers, dependencies, the
//! file text, and the report makemigrations prints.

use std::path::PathBuf;

use rjango_schema::Operation;

use super::autodetector::Planned;
use super::loader::Loader;
use super::syntax::{MigrationBody, migration_text};

/// A migration file about to be written.
#[derive(Debug, Clone)]
pub struct NewMigration {
    pub app: String,
    /// `0002_post_views`
    pub name: String,
    /// Relative to the project root: `src/blog/migrations/0002_post_views.rs`.
    pub path: PathBuf,
    pub body: MigrationBody,
}

impl NewMigration {
    /// The whole file.
    pub fn text(&self, written_at: &str) -> String {
        format!(
            "//! Migration {app}.{name}\n\
             //! Written by `rjango makemigrations` (rjango {version}) on {written_at}.\n\
             //! Yours to edit, like a Django migration: add RunSql or RunRust operations, or change\n\
             //! these. rjango reads this file back to know the schema, so keep it consistent.\n\n{body}",
            app = self.app,
            name = self.name,
            version = env!("CARGO_PKG_VERSION"),
            body = migration_text(&self.body),
        )
    }
}

/// Django 5.2's `Migration.suggest_name`.
pub fn suggest_name(initial: bool, operations: &[Operation], timestamp: &str) -> String {
    if initial {
        return "initial".to_owned();
    }
    let fragments: Vec<String> = operations
        .iter()
        .filter_map(Operation::migration_name_fragment)
        .map(|f| {
            f.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect()
        })
        .collect();
    if fragments.is_empty() || fragments.len() != operations.len() {
        return format!("auto_{timestamp}");
    }
    let mut name = fragments[0].clone();
    for fragment in &fragments[1..] {
        let longer = format!("{name}_{fragment}");
        if longer.len() > 52 {
            name.push_str("_and_more");
            break;
        }
        name = longer;
    }
    name
}

/// Numbers, names and dependencies for the planned migrations. `custom_name` is --name.
pub fn arrange(
    loader: &Loader,
    planned: Vec<Planned>,
    custom_name: Option<&str>,
    timestamp: &str,
) -> crate::Result<Vec<NewMigration>> {
    let mut out: Vec<NewMigration> = Vec::new();
    // The first new migration of each app, for other apps' dependencies.
    let mut first_new: std::collections::BTreeMap<String, String> = Default::default();
    let mut numbers: std::collections::BTreeMap<String, u32> = Default::default();
    let mut names = Vec::with_capacity(planned.len());
    for p in &planned {
        let number = numbers
            .entry(p.app.clone())
            .or_insert_with(|| loader.next_number(&p.app));
        let initial = *number == 1;
        let name = match custom_name {
            Some(n) => format!("{:04}_{n}", number),
            None => format!(
                "{:04}_{}",
                number,
                suggest_name(initial, &p.operations, timestamp)
            ),
        };
        *number += 1;
        first_new
            .entry(p.app.clone())
            .or_insert_with(|| name.clone());
        names.push((name, initial));
    }
    for (p, (name, initial)) in planned.into_iter().zip(names) {
        let mut dependencies = Vec::new();
        let own_previous = out
            .iter()
            .rev()
            .find(|m| m.app == p.app)
            .map(|m| m.name.clone());
        if let Some(prev) = own_previous.or(loader.leaf(&p.app)?) {
            dependencies.push((p.app.clone(), prev));
        }
        for other in &p.depends_on_apps {
            let target = match first_new.get(other) {
                Some(n) => Some(n.clone()),
                None => loader.leaf(other)?,
            };
            if let Some(t) = target {
                dependencies.push((other.clone(), t));
            }
        }
        out.push(NewMigration {
            path: PathBuf::from("src")
                .join(&p.app)
                .join("migrations")
                .join(format!("{name}.rs")),
            body: MigrationBody {
                initial,
                atomic: true,
                dependencies,
                operations: p.operations,
                replaces: Vec::new(),
                accepted: None,
            },
            app: p.app,
            name,
        });
    }
    Ok(out)
}

/// Django 5.2's symbol for an operation in makemigrations' report.
pub fn symbol(op: &Operation) -> char {
    match op {
        Operation::CreateModel { .. }
        | Operation::AddField { .. }
        | Operation::AddIndex { .. }
        | Operation::AddIndexConcurrently { .. }
        | Operation::AddConstraint { .. } => '+',
        Operation::DeleteModel { .. }
        | Operation::RemoveField { .. }
        | Operation::RemoveIndex { .. }
        | Operation::RemoveIndexConcurrently { .. }
        | Operation::RemoveConstraint { .. } => '-',
        Operation::RunSql { .. } => 's',
        Operation::RunRust { .. } => 'p',
        _ => '~',
    }
}

/// `2026-11-24 10:05 UTC` and Django's name timestamp `20261124_1005`, from the clock.
pub fn now() -> (String, String) {
    let (y, m, d, hh, mm, _) = rjango_schema::clock::now_utc();
    (
        format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02} UTC"),
        format!("{y:04}{m:02}{d:02}_{hh:02}{mm:02}"),
    )
}
