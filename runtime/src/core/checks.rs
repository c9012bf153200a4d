//! Django's system checks (`django.core.checks`), for what only the project binary can see: the
//! models compiled into it against the schema its migrations build.
//!
//! makemigrations reads models.rs, the binary runs the migrations: a model the first never read
//! (declared where it does not look) or a change no migration holds would fail at run time with
//! "no such table" or "no such column". `check` and `runserver` find both before a request does.

use std::fmt;

use crate::db::migrations::ProjectState;
use crate::models::FieldInfo;

/// A model compiled into the binary: `#[model]` registers each one.
#[derive(Debug)]
pub struct RegisteredModel {
    /// `module_path!()` of the declaration: the app is the module above `models`.
    pub module: &'static str,
    pub name: &'static str,
    pub table: fn() -> &'static str,
    pub fields: &'static [FieldInfo],
}

inventory::collect!(RegisteredModel);

/// How serious a check's finding is, as Django's levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Warning,
    Error,
}

/// One finding: Django's `CheckMessage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckMessage {
    pub level: Level,
    /// `rjango.E001`.
    pub id: &'static str,
    /// What it is about (`blog.Post`).
    pub obj: String,
    pub msg: String,
    pub hint: Option<String>,
}

impl fmt::Display for CheckMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ({}) {}", self.obj, self.id, self.msg)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n\tHINT: {hint}")?;
        }
        Ok(())
    }
}

/// The checks of the settings themselves (Django's compatibility checks): today 4_0.E001, a
/// CSRF_TRUSTED_ORIGINS entry without a scheme, which would never match an origin.
pub fn check_settings(settings: &crate::conf::Settings) -> Vec<CheckMessage> {
    settings
        .CSRF_TRUSTED_ORIGINS
        .iter()
        .filter(|origin| !origin.contains("://"))
        .map(|origin| CheckMessage {
            level: Level::Error,
            id: "4_0.E001",
            obj: "?".into(),
            msg: format!(
                "As of Django 4.0, the values in the CSRF_TRUSTED_ORIGINS setting must start with a scheme (usually http:// or https://) but found {origin}. See the release notes for details."
            ),
            hint: None,
        })
        .collect()
}

/// Django's report of a check run: the errors, then the warnings, and the count.
pub fn report(messages: &[CheckMessage]) -> String {
    let mut out = String::new();
    if !messages.is_empty() {
        let errors = messages.iter().any(|m| m.level == Level::Error);
        out.push_str(if errors {
            "SystemCheckError: System check identified some issues:\n"
        } else {
            "System check identified some issues:\n"
        });
        for (level, heading) in [(Level::Error, "ERRORS"), (Level::Warning, "WARNINGS")] {
            let of_level: Vec<&CheckMessage> =
                messages.iter().filter(|m| m.level == level).collect();
            if !of_level.is_empty() {
                out.push_str(&format!("\n{heading}:\n"));
                for m in of_level {
                    out.push_str(&format!("{m}\n"));
                }
            }
        }
        out.push('\n');
    }
    let n = messages.len();
    match n {
        0 => out.push_str("System check identified no issues (0 silenced)."),
        1 => out.push_str("System check identified 1 issue (0 silenced)."),
        _ => out.push_str(&format!("System check identified {n} issues (0 silenced).")),
    }
    out
}

/// Every registered model against the installed apps and the migrations' state.
pub fn check_models(installed: &[&str], state: &ProjectState) -> Vec<CheckMessage> {
    let mut models: Vec<&RegisteredModel> = inventory::iter::<RegisteredModel>().collect();
    models.sort_by_key(|m| (m.module, m.name));
    let mut out = Vec::new();
    for m in models {
        let app = crate::models::meta::app_label(m.module);
        let label = format!("{app}.{}", m.name);
        if !installed.contains(&app) {
            out.push(CheckMessage {
                level: Level::Error,
                id: "rjango.E001",
                obj: label,
                msg: format!("The model is declared in app '{app}', which is not in INSTALLED_APPS."),
                hint: Some(format!(
                    "add \"{app}\" to INSTALLED_APPS in src/settings.rs (rjango startapp does), then run `rjango makemigrations`"
                )),
            });
            continue;
        }
        let Some(migrated) = state.get(app, &m.name.to_ascii_lowercase()) else {
            out.push(CheckMessage {
                level: Level::Error,
                id: "rjango.E002",
                obj: label,
                msg: format!(
                    "No migration of app '{app}' creates this model, so its table '{}' will not exist.",
                    (m.table)()
                ),
                hint: Some(format!(
                    "run `rjango makemigrations {app}`; makemigrations reads src/{app}/models.rs and the modules of src/{app}/models/"
                )),
            });
            continue;
        };
        let declared: Vec<&str> = m.fields.iter().map(|f| f.column).collect();
        let from_migrations: Vec<String> = migrated
            .fields
            .iter()
            .filter(|(_, f)| f.field_type.has_column())
            .map(|(n, f)| f.column(n))
            .collect();
        let missing: Vec<&str> = declared
            .iter()
            .copied()
            .filter(|c| !from_migrations.iter().any(|m| m == c))
            .collect();
        let extra: Vec<&str> = from_migrations
            .iter()
            .map(String::as_str)
            .filter(|c| !declared.contains(c))
            .collect();
        let table = (m.table)();
        let mut changes = Vec::new();
        if migrated.db_table() != table {
            changes.push(format!(
                "the table is '{table}' in the model and '{}' in the migrations",
                migrated.db_table()
            ));
        }
        if !missing.is_empty() {
            changes.push(format!("no migration adds column(s) {}", quoted(&missing)));
        }
        if !extra.is_empty() {
            changes.push(format!(
                "the migrations have column(s) {} that the model lacks",
                quoted(&extra)
            ));
        }
        if !changes.is_empty() {
            out.push(CheckMessage {
                level: Level::Error,
                id: "rjango.E003",
                obj: label,
                msg: format!(
                    "The model has changes that are not yet reflected in a migration: {}.",
                    changes.join("; ")
                ),
                hint: Some(format!("run `rjango makemigrations {app}`, then `migrate`")),
            });
        }
    }
    out
}

/// Django's model checks that depend on a database (`check --database`, and migrate's own):
/// a constraint the backend cannot create is left out of its schema, with models.W036 (a
/// unique constraint with a condition: no partial indexes on MySQL/MariaDB) or models.W047
/// (nulls_distinct: PostgreSQL 15 and later alone; the schema editor writes it for
/// PostgreSQL, so an older one refuses the migration after this warning).
pub fn check_database(state: &ProjectState, conn: &crate::db::Connection) -> Vec<CheckMessage> {
    use crate::db::Dialect;
    use rjango_schema::Constraint;
    let hint = || {
        Some(
            "A constraint won't be created. Silence this warning if you don't care about it."
                .to_owned(),
        )
    };
    let mut out = Vec::new();
    for m in state.models.values() {
        let label = format!("{}.{}", m.app_label, m.name);
        let unique = || {
            m.options.constraints.iter().filter_map(|c| match c {
                Constraint::Unique {
                    condition,
                    nulls_distinct,
                    ..
                } => Some((condition.is_some(), nulls_distinct.is_some())),
                Constraint::Check { .. } => None,
            })
        };
        if conn.dialect == Dialect::Mysql && unique().any(|(condition, _)| condition) {
            out.push(CheckMessage {
                level: Level::Warning,
                id: "models.W036",
                obj: label.clone(),
                msg: format!(
                    "{} does not support unique constraints with conditions.",
                    conn.display_name
                ),
                hint: hint(),
            });
        }
        if !conn.supports_nulls_distinct && unique().any(|(_, nulls)| nulls) {
            out.push(CheckMessage {
                level: Level::Warning,
                id: "models.W047",
                obj: label,
                msg: format!(
                    "{} does not support unique constraints with nulls distinct.",
                    conn.display_name
                ),
                hint: hint(),
            });
        }
    }
    out
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusted_origins_need_a_scheme() {
        let settings = crate::conf::Settings {
            CSRF_TRUSTED_ORIGINS: vec!["https://ok.example".into(), "example.com".into()],
            ..Default::default()
        };
        let found = check_settings(&settings);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "4_0.E001");
        assert!(found[0].msg.contains("but found example.com."));
    }

    #[test]
    fn reports_as_django_does() {
        assert_eq!(
            report(&[]),
            "System check identified no issues (0 silenced)."
        );
        let m = CheckMessage {
            level: Level::Error,
            id: "rjango.E002",
            obj: "blog.Post".into(),
            msg: "No migration.".into(),
            hint: Some("run makemigrations".into()),
        };
        assert_eq!(
            report(&[m]),
            "SystemCheckError: System check identified some issues:\n\nERRORS:\nblog.Post: (rjango.E002) No migration.\n\tHINT: run makemigrations\n\nSystem check identified 1 issue (0 silenced)."
        );
    }
}
