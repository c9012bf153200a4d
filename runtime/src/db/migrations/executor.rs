//! Django's `MigrationExecutor`: plans which migrations to apply or unapply, renders each
//! operation's SQL with the schema editor against the state before it, and runs it: in one
//! transaction per migration on SQLite and PostgreSQL (recorded inside it), statement by
//! statement on MySQL, where DDL commits itself (recorded only after every statement
//! succeeded, and a failure names the statement).

use std::collections::BTreeSet;

use rjango_schema::{Migration, ProjectState};

use super::graph::{Graph, Key};
use super::{recorder, schema_editor};
use crate::db::{Connection, DbError, Dialect};

/// What went wrong while migrating.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("{0}")]
    Plan(String),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("{migration}: {message}")]
    Schema { migration: String, message: String },
    #[error(
        "{migration} failed at statement {index} of {total} and was rolled back:\n  {sql}\n  {error}"
    )]
    RolledBack {
        migration: String,
        index: usize,
        total: usize,
        sql: String,
        error: String,
    },
    #[error(
        "{migration} failed at statement {index} of {total} and was NOT recorded as applied:\n  {sql}\n  {error}\nMySQL cannot roll back DDL: the statements before it ran and stay. Fix the cause, undo them by hand if needed, and migrate again."
    )]
    PartiallyApplied {
        migration: String,
        index: usize,
        total: usize,
        sql: String,
        error: String,
    },
    #[error(
        "{migration}: after the migration, rows point at rows that do not exist (PRAGMA foreign_key_check): {rows}. The migration was rolled back."
    )]
    ForeignKeyCheck { migration: String, rows: String },
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub key: Key,
    pub backwards: bool,
}

/// What to migrate to: every app's latest, one app's latest, a named migration, or zero.
#[derive(Debug, Clone)]
pub enum Target {
    All,
    AppLatest(String),
    Migration(Key),
    Zero(String),
}

pub struct Executor<'a> {
    pub graph: Graph<'a>,
    pub applied: BTreeSet<Key>,
}

impl<'a> Executor<'a> {
    pub fn new(migrations: &'a [Migration], applied: BTreeSet<Key>) -> Result<Self, MigrateError> {
        Ok(Executor {
            graph: Graph::new(migrations).map_err(MigrateError::Plan)?,
            applied,
        })
    }

    /// Django's `migration_plan`.
    pub fn plan(&self, target: &Target) -> Vec<Step> {
        let mut steps: Vec<Step> = Vec::new();
        let mut seen: BTreeSet<Key> = BTreeSet::new();
        let forwards_to = |key: &Key, steps: &mut Vec<Step>, seen: &mut BTreeSet<Key>| {
            for k in self.graph.forwards_plan(key) {
                if !self.applied.contains(&k) && seen.insert(k.clone()) {
                    steps.push(Step {
                        key: k,
                        backwards: false,
                    });
                }
            }
        };
        let backwards_from = |key: &Key, steps: &mut Vec<Step>, seen: &mut BTreeSet<Key>| {
            for k in self.graph.backwards_plan(key) {
                if self.applied.contains(&k) && seen.insert(k.clone()) {
                    steps.push(Step {
                        key: k,
                        backwards: true,
                    });
                }
            }
        };
        match target {
            Target::All => {
                for app in self.graph.apps() {
                    for leaf in self.graph.leaves(app) {
                        forwards_to(&leaf, &mut steps, &mut seen);
                    }
                }
            }
            Target::AppLatest(app) => {
                for leaf in self.graph.leaves(app) {
                    forwards_to(&leaf, &mut steps, &mut seen);
                }
            }
            Target::Zero(app) => {
                for root in self.graph.roots(app) {
                    backwards_from(&root, &mut steps, &mut seen);
                }
            }
            Target::Migration(key) => {
                if self.applied.contains(key) {
                    // Applied: unapply what came after it in its app (and what depends on that).
                    for child in self.graph.app_children(key) {
                        backwards_from(&child, &mut steps, &mut seen);
                    }
                } else {
                    forwards_to(key, &mut steps, &mut seen);
                }
            }
        }
        steps
    }

    /// The state just before `key`: every migration it depends on, replayed.
    pub fn state_before(&self, key: &Key) -> Result<ProjectState, MigrateError> {
        let mut state = ProjectState::default();
        for k in self.graph.forwards_plan(key) {
            if &k == key {
                break;
            }
            if let Some(m) = self.graph.get(&k) {
                m.state_forwards(&mut state)
                    .map_err(|e| MigrateError::Plan(e.to_string()))?;
            }
        }
        Ok(state)
    }

    /// The SQL of one step, with Django's `-- description` comments per operation.
    pub fn sql(
        &self,
        dialect: Dialect,
        step: &Step,
    ) -> Result<Vec<(String, Vec<String>)>, MigrateError> {
        let m = self.graph.get(&step.key).ok_or_else(|| {
            MigrateError::Plan(format!("{}.{} is not known", step.key.0, step.key.1))
        })?;
        let label = format!("{}.{}", m.app_label, m.name);
        let schema = |e: schema_editor::SchemaError| MigrateError::Schema {
            migration: label.clone(),
            message: e.to_string(),
        };
        let mut state = self.state_before(&step.key)?;
        let mut states = Vec::with_capacity(m.operations.len());
        let mut out = Vec::with_capacity(m.operations.len());
        for op in &m.operations {
            if let rjango_schema::Operation::RunRust { code, .. } = op {
                // Never record a migration whose code did not run.
                return Err(MigrateError::Schema {
                    migration: label.clone(),
                    message: format!(
                        "RunRust ({code}) cannot run yet: the executor does not call project functions in this release. Run the code by hand, then `migrate --fake` past this migration."
                    ),
                });
            }
            if step.backwards {
                states.push(state.clone());
            } else {
                out.push((
                    op.describe(),
                    schema_editor::forwards(dialect, &m.app_label, op, &state).map_err(schema)?,
                ));
            }
            op.state_forwards(&m.app_label, &mut state)
                .map_err(|e| MigrateError::Plan(e.to_string()))?;
        }
        if step.backwards {
            for (op, before) in m.operations.iter().zip(states).rev() {
                out.push((
                    op.describe(),
                    schema_editor::backwards(dialect, &m.app_label, op, &before).map_err(schema)?,
                ));
            }
        }
        Ok(out)
    }

    /// Applies or unapplies one step (with `fake`, only records it).
    pub async fn run(
        &mut self,
        conn: &Connection,
        step: &Step,
        fake: bool,
    ) -> Result<(), MigrateError> {
        let (app, name) = (&step.key.0, &step.key.1);
        let label = format!("{app}.{name}");
        let record = if step.backwards {
            recorder::unrecord_sql(conn.dialect, app, name)
        } else {
            recorder::record_sql(conn.dialect, app, name)
        };
        let mut statements: Vec<String> = if fake {
            Vec::new()
        } else {
            self.sql(conn.dialect, step)?
                .into_iter()
                .flat_map(|(_, s)| s)
                .collect()
        };
        let total = statements.len();
        match conn.dialect {
            Dialect::Mysql => {
                for (i, sql) in statements.iter().enumerate() {
                    conn.execute(sql)
                        .await
                        .map_err(|e| MigrateError::PartiallyApplied {
                            migration: label.clone(),
                            index: i + 1,
                            total,
                            sql: sql.clone(),
                            error: e.to_string(),
                        })?;
                }
                conn.execute(&record).await?;
            }
            dialect => {
                let sqlite = dialect == Dialect::Sqlite;
                if sqlite {
                    // Django's SQLite schema editor: remakes need foreign keys off, checked after.
                    conn.execute("PRAGMA foreign_keys = OFF").await?;
                }
                conn.execute("BEGIN").await?;
                statements.push(record);
                let mut failure = None;
                for (i, sql) in statements.iter().enumerate() {
                    if let Err(e) = conn.execute(sql).await {
                        failure = Some(MigrateError::RolledBack {
                            migration: label.clone(),
                            index: i + 1,
                            total,
                            sql: sql.clone(),
                            error: e.to_string(),
                        });
                        break;
                    }
                }
                if failure.is_none() && sqlite {
                    let rows = conn
                        .query_strings("PRAGMA foreign_key_check", &["table", "rowid", "parent"])
                        .await?;
                    if !rows.is_empty() {
                        let shown: Vec<String> = rows
                            .iter()
                            .take(5)
                            .map(|r| {
                                format!(
                                    "{}.rowid {} → {}",
                                    r[0].clone().unwrap_or_default(),
                                    r[1].clone().unwrap_or_default(),
                                    r[2].clone().unwrap_or_default()
                                )
                            })
                            .collect();
                        failure = Some(MigrateError::ForeignKeyCheck {
                            migration: label.clone(),
                            rows: shown.join(", "),
                        });
                    }
                }
                let end = if failure.is_some() {
                    "ROLLBACK"
                } else {
                    "COMMIT"
                };
                let ended = conn.execute(end).await;
                if sqlite {
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                }
                if let Some(f) = failure {
                    return Err(f);
                }
                ended?;
            }
        }
        if step.backwards {
            self.applied.remove(&step.key);
        } else {
            self.applied.insert(step.key.clone());
        }
        Ok(())
    }
}
