//! Reads the migrations an app already has (src/<app>/migrations/NNNN_name.rs), checks their
//! dependency graph, and replays them into the project state they describe: Django's
//! `MigrationLoader` and `MigrationGraph`, working from files only (no compile, no database).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rjango_schema::{Migration, ProjectState};

use super::syntax;
use crate::{Error, Result};

/// A migration read from its file.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub migration: Migration,
    pub file: PathBuf,
}

/// Every migration of the installed apps, keyed by (app, name).
#[derive(Debug, Default)]
pub struct Loader {
    pub migrations: BTreeMap<(String, String), Loaded>,
}

/// Django's migration file names: four digits, an underscore, a name.
pub fn is_migration_file(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".rs") else {
        return false;
    };
    let (number, rest) = stem.split_at(stem.len().min(4));
    number.len() == 4
        && number.bytes().all(|b| b.is_ascii_digit())
        && rest.starts_with('_')
        && rest.len() > 1
        && rest[1..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The migration files of an app, sorted by name.
pub fn migration_files(root: &Path, app: &str) -> Result<Vec<PathBuf>> {
    let dir = root.join("src").join(app).join("migrations");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(is_migration_file)
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Parses one migration file.
pub fn read_migration(app: &str, file: &Path) -> Result<Migration> {
    let text = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
    parse_migration(app, file, &text)
}

/// The file's `migration! { ... }` invocation.
pub fn migration_macro(file: &syn::File) -> Option<&syn::Macro> {
    crate::project::top_level_macro(file, "migration")
}

/// Parses a migration's source; `file` names it (its stem is the migration's name).
pub fn parse_migration(app: &str, file: &Path, text: &str) -> Result<Migration> {
    let parsed = syn::parse_file(text).map_err(|e| Error::parse(file, &e))?;
    let mac = migration_macro(&parsed)
        .ok_or_else(|| Error::Source {
            location: crate::error::Location { file: file.to_owned(), line: 1, column: 1 },
            message: "no `rjango::migration! { ... }` in this migration file".into(),
            hint: Some("a migration file holds one `rjango::migration! { dependencies: [...], operations: [...] }`".into()),
        })?;
    let body = syntax::parse_body(mac.tokens.clone()).map_err(|e| Error::parse(file, &e))?;
    let name = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_owned();
    Ok(Migration {
        app_label: app.to_owned(),
        name,
        initial: body.initial,
        dependencies: body.dependencies,
        operations: body.operations,
        replaces: body.replaces,
        atomic: body.atomic,
        accepted: body.accepted,
    })
}

fn graph_error(file: &Path, message: String, hint: &str) -> Error {
    Error::Source {
        location: crate::error::Location {
            file: file.to_owned(),
            line: 1,
            column: 1,
        },
        message,
        hint: Some(hint.to_owned()),
    }
}

impl Loader {
    /// Reads every migration of `apps` and checks that each dependency exists.
    pub fn load(root: &Path, apps: &[String]) -> Result<Self> {
        let mut loader = Loader::default();
        for app in apps {
            if let Some(contrib) = crate::contrib::by_name(app) {
                // An app of rjango's: its migrations are built into the generator.
                for (stem, text) in contrib.migrations {
                    let file =
                        crate::contrib::display_path(contrib, &format!("migrations/{stem}.rs"));
                    let migration = parse_migration(contrib.label, &file, text)?;
                    loader.migrations.insert(
                        (contrib.label.to_owned(), migration.name.clone()),
                        Loaded { migration, file },
                    );
                }
                continue;
            }
            for file in migration_files(root, app)? {
                let migration = read_migration(app, &file)?;
                loader.migrations.insert(
                    (app.clone(), migration.name.clone()),
                    Loaded { migration, file },
                );
            }
        }
        loader.replace_squashed();
        for loaded in loader.migrations.values() {
            for dep in &loaded.migration.dependencies {
                if !loader.migrations.contains_key(dep) {
                    return Err(graph_error(
                        &loaded.file,
                        format!(
                            "migration {}.{} depends on {}.{}, which does not exist",
                            loaded.migration.app_label, loaded.migration.name, dep.0, dep.1
                        ),
                        "restore the missing migration file, or fix the dependency",
                    ));
                }
            }
        }
        loader.order()?;
        Ok(loader)
    }

    /// A squashed migration stands for the ones it replaces, as Django's loader has it when
    /// no database says otherwise: they leave the graph, and what depended on one of them
    /// depends on the squashed migration instead. (Their files stay, for databases that
    /// applied some of them; `migrate` decides there.)
    fn replace_squashed(&mut self) {
        type Key = (String, String);
        let squashes: Vec<(Key, Vec<Key>)> = self
            .migrations
            .iter()
            .filter(|(_, l)| !l.migration.replaces.is_empty())
            .map(|(k, l)| (k.clone(), l.migration.replaces.clone()))
            .collect();
        for (squash, replaced) in squashes {
            for key in &replaced {
                self.migrations.remove(key);
            }
            for loaded in self.migrations.values_mut() {
                if loaded.migration.name == squash.1 && loaded.migration.app_label == squash.0 {
                    continue;
                }
                let mut deps = Vec::new();
                for dep in loaded.migration.dependencies.drain(..) {
                    let dep = if replaced.contains(&dep) {
                        squash.clone()
                    } else {
                        dep
                    };
                    if !deps.contains(&dep) {
                        deps.push(dep);
                    }
                }
                loaded.migration.dependencies = deps;
            }
        }
    }

    /// Every migration in an order that applies dependencies first (ties by app and name).
    pub fn order(&self) -> Result<Vec<&Loaded>> {
        let mut done: BTreeSet<&(String, String)> = BTreeSet::new();
        let mut out = Vec::with_capacity(self.migrations.len());
        while out.len() < self.migrations.len() {
            let next = self.migrations.iter().find(|(key, loaded)| {
                !done.contains(key)
                    && loaded
                        .migration
                        .dependencies
                        .iter()
                        .all(|d| done.contains(d))
            });
            match next {
                Some((key, loaded)) => {
                    done.insert(key);
                    out.push(loaded);
                }
                None => {
                    let stuck = self
                        .migrations
                        .iter()
                        .find(|(k, _)| !done.contains(k))
                        .map(|(_, l)| l);
                    let file = stuck.map(|l| l.file.clone()).unwrap_or_default();
                    return Err(graph_error(
                        &file,
                        "the migrations depend on each other in a circle".into(),
                        "remove one of the dependencies that close the circle",
                    ));
                }
            }
        }
        Ok(out)
    }

    /// The state all migrations describe: what the database looks like once they are applied.
    pub fn project_state(&self) -> Result<ProjectState> {
        let mut state = ProjectState::default();
        for loaded in self.order()? {
            loaded.migration.state_forwards(&mut state).map_err(|e| {
                graph_error(
                    &loaded.file,
                    e.to_string(),
                    "a migration was edited into a history that does not fit; fix the operation",
                )
            })?;
        }
        Ok(state)
    }

    /// The app's latest migration (the one no other migration of the app depends on). Two
    /// leaves are a conflict, as in Django (two branches made the same number).
    pub fn leaf(&self, app: &str) -> Result<Option<String>> {
        let names: Vec<&String> = self
            .migrations
            .keys()
            .filter(|(a, _)| a == app)
            .map(|(_, n)| n)
            .collect();
        let depended: BTreeSet<&String> = self
            .migrations
            .values()
            .filter(|l| l.migration.app_label == app)
            .flat_map(|l| {
                l.migration
                    .dependencies
                    .iter()
                    .filter(|(a, _)| a == app)
                    .map(|(_, n)| n)
            })
            .collect();
        let leaves: Vec<&&String> = names.iter().filter(|n| !depended.contains(**n)).collect();
        match leaves.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some((**one).clone())),
            many => {
                let list: Vec<&str> = many.iter().map(|s| s.as_str()).collect();
                let file = self
                    .migrations
                    .get(&(app.to_owned(), (*many[0]).clone()))
                    .map(|l| l.file.clone())
                    .unwrap_or_default();
                Err(graph_error(
                    &file,
                    format!(
                        "Conflicting migrations detected; multiple leaf nodes in the migration graph: ({} in {app})",
                        list.join(", ")
                    ),
                    "To fix them run 'rjango makemigrations --merge'",
                ))
            }
        }
    }

    /// The number the app's next migration takes.
    pub fn next_number(&self, app: &str) -> u32 {
        self.migrations
            .values()
            .filter(|l| l.migration.app_label == app)
            .filter_map(|l| l.migration.number())
            .max()
            .map_or(1, |n| n + 1)
    }
}
