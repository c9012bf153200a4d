//! Django's `MigrationExecutor`: plans which migrations to apply or unapply, renders each
//! operation's SQL with the schema editor against the state before it, and runs it: in one
//! transaction per migration on SQLite and PostgreSQL (recorded inside it), statement by
//! statement on MySQL, where DDL commits itself (recorded only after every statement
//! succeeded, and a failure names the statement).

use std::collections::BTreeSet;

use rjango_schema::{Migration, ProjectState};

use super::code::{self, MigrationCode};
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
        "{migration} failed at statement {index} of {total} and was NOT recorded as applied:\n  {sql}\n  {error}\nThe migration ran statement by statement (MySQL cannot roll back DDL; a migration that says `atomic: false` asks for it): the statements before it ran and stay. Fix the cause, undo them by hand if needed, and migrate again."
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

/// What running one operation does: SQL statements, or a RunRust function called on the
/// connection (inside the migration's transaction where the database has one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Sql(String),
    Rust(String),
}

impl Action {
    /// As `sqlmigrate` prints it: Django writes this comment for RunPython.
    pub fn as_sql(&self) -> String {
        match self {
            Action::Sql(sql) => format!("{sql};"),
            Action::Rust(path) => format!("-- THIS OPERATION CANNOT BE WRITTEN AS SQL ({path})"),
        }
    }

    fn shown(&self) -> String {
        match self {
            Action::Sql(sql) => sql.clone(),
            Action::Rust(path) => format!("RunRust {path}"),
        }
    }
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
    /// The RunRust functions the migrations name (the project's `migration_code()`).
    pub code: Vec<MigrationCode>,
}

impl<'a> Executor<'a> {
    pub fn new(
        migrations: &'a [Migration],
        mut applied: BTreeSet<Key>,
    ) -> Result<Self, MigrateError> {
        let graph = Graph::new(migrations, &applied).map_err(MigrateError::Plan)?;
        // A squashed migration whose replaced ones are all applied counts as applied.
        for m in migrations.iter().filter(|m| !m.replaces.is_empty()) {
            if m.replaces.iter().all(|r| applied.contains(r)) {
                applied.insert((m.app_label.clone(), m.name.clone()));
            }
        }
        Ok(Executor {
            graph,
            applied,
            code: Vec::new(),
        })
    }

    /// The RunRust functions to call, from the project's generated `migrations::code()`.
    pub fn with_code(mut self, code: Vec<MigrationCode>) -> Self {
        self.code = code;
        self
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

    /// Django's injected `RenameContentType`: a RenameModel renames the model's content type
    /// too (forwards old → new, backwards new → old), so the permissions given on it stay
    /// given, when the contenttypes app's table exists. A content type already there under the
    /// new name is left as it is, as Django falls back (remove_stale_contenttypes's work).
    fn content_type_renames(
        &self,
        dialect: Dialect,
        step: &Step,
    ) -> Result<Vec<Action>, MigrateError> {
        let Some(m) = self.graph.get(&step.key) else {
            return Ok(Vec::new());
        };
        let renames: Vec<(String, String)> = m
            .operations
            .iter()
            .filter_map(|op| match op {
                rjango_schema::Operation::RenameModel { old_name, new_name } => {
                    Some((old_name.to_ascii_lowercase(), new_name.to_ascii_lowercase()))
                }
                _ => None,
            })
            .collect();
        // The table exists once the contenttypes app's migration is applied (in this run or
        // before).
        if renames.is_empty() || !self.applied.iter().any(|(app, _)| app == "contenttypes") {
            return Ok(Vec::new());
        }
        let q = |s: &str| dialect.quote(s);
        let lit = |s: &str| format!("'{}'", s.replace('\'', "''"));
        let app = &m.app_label;
        let ordered: Vec<(String, String)> = if step.backwards {
            renames
                .into_iter()
                .rev()
                .map(|(old, new)| (new, old))
                .collect()
        } else {
            renames
        };
        Ok(ordered
            .into_iter()
            .map(|(from, to)| {
                // MySQL reads its own table in an UPDATE only through a derived table.
                Action::Sql(format!(
                    "UPDATE {t} SET {model} = {to} WHERE {app_label} = {app} AND {model} = {from} AND NOT EXISTS (SELECT 1 FROM (SELECT {id} FROM {t} WHERE {app_label} = {app} AND {model} = {to}) AS {taken})",
                    t = q("django_content_type"),
                    model = q("model"),
                    app_label = q("app_label"),
                    id = q("id"),
                    taken = q("taken"),
                    app = lit(app),
                    from = lit(&from),
                    to = lit(&to),
                ))
            })
            .collect())
    }

    /// The SQL of one step, with Django's `-- description` comments per operation.
    pub fn sql(
        &self,
        dialect: Dialect,
        step: &Step,
    ) -> Result<Vec<(String, Vec<Action>)>, MigrateError> {
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
            if step.backwards {
                states.push(state.clone());
            } else {
                out.push((
                    op.describe(),
                    actions(
                        op,
                        schema_editor::forwards(dialect, &m.app_label, op, &state)
                            .map_err(schema)?,
                        false,
                    ),
                ));
            }
            op.state_forwards(&m.app_label, &mut state)
                .map_err(|e| MigrateError::Plan(e.to_string()))?;
        }
        if step.backwards {
            for (op, before) in m.operations.iter().zip(states).rev() {
                out.push((
                    op.describe(),
                    actions(
                        op,
                        schema_editor::backwards(dialect, &m.app_label, op, &before)
                            .map_err(schema)?,
                        true,
                    ),
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
        // A squashed migration is recorded as itself and as each migration it replaces, as
        // Django records it, so databases that ran either history agree.
        let replaces = self
            .graph
            .get(&step.key)
            .map(|m| m.replaces.clone())
            .unwrap_or_default();
        let record: Vec<String> = std::iter::once(step.key.clone())
            .chain(replaces)
            .map(|(a, n)| {
                if step.backwards {
                    recorder::unrecord_sql(conn.dialect, &a, &n)
                } else {
                    recorder::record_sql(conn.dialect, &a, &n)
                }
            })
            .collect();
        let mut statements: Vec<Action> = if fake {
            Vec::new()
        } else {
            self.sql(conn.dialect, step)?
                .into_iter()
                .flat_map(|(_, s)| s)
                .chain(self.content_type_renames(conn.dialect, step)?)
                .collect()
        };
        let total = statements.len();
        // Django's `atomic = False`: on PostgreSQL each statement on its own, as on MySQL (for
        // CREATE INDEX CONCURRENTLY, which PostgreSQL refuses in a transaction). SQLite keeps
        // the transaction, which its table remakes need.
        let atomic = self.graph.get(&step.key).is_none_or(|m| m.atomic);
        if atomic && conn.dialect == Dialect::Postgres && !fake {
            let concurrent = self.graph.get(&step.key).and_then(|m| {
                m.operations.iter().find_map(|op| match op {
                    rjango_schema::Operation::AddIndexConcurrently { .. } => {
                        Some("AddIndexConcurrently")
                    }
                    rjango_schema::Operation::RemoveIndexConcurrently { .. } => {
                        Some("RemoveIndexConcurrently")
                    }
                    _ => None,
                })
            });
            if let Some(op) = concurrent {
                return Err(MigrateError::Plan(format!(
                    "{label}: the {op} operation cannot be executed inside a transaction (set `atomic: false` on the migration, as Django's `atomic = False`)."
                )));
            }
        }
        match conn.dialect {
            dialect if dialect == Dialect::Mysql || (!atomic && dialect == Dialect::Postgres) => {
                for (i, action) in statements.iter().enumerate() {
                    self.perform(conn, app, name, action)
                        .await
                        .map_err(|error| MigrateError::PartiallyApplied {
                            migration: label.clone(),
                            index: i + 1,
                            total,
                            sql: action.shown(),
                            error,
                        })?;
                }
                for sql in &record {
                    conn.execute(sql).await?;
                }
            }
            dialect => {
                let sqlite = dialect == Dialect::Sqlite;
                if sqlite {
                    // Django's SQLite schema editor: remakes need foreign keys off, checked after.
                    conn.execute("PRAGMA foreign_keys = OFF").await?;
                }
                conn.execute("BEGIN").await?;
                statements.extend(record.into_iter().map(Action::Sql));
                let mut failure = None;
                for (i, action) in statements.iter().enumerate() {
                    if let Err(error) = self.perform(conn, app, name, action).await {
                        failure = Some(MigrateError::RolledBack {
                            migration: label.clone(),
                            index: i + 1,
                            total,
                            sql: action.shown(),
                            error,
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

    /// Runs one action on `conn`: a statement, or the RunRust function the project compiled in.
    async fn perform(
        &self,
        conn: &Connection,
        app: &str,
        name: &str,
        action: &Action,
    ) -> Result<(), String> {
        match action {
            Action::Sql(sql) => conn.execute(sql).await.map_err(|e| e.to_string()),
            Action::Rust(path) => {
                let run = code::find(&self.code, app, name, path).ok_or_else(|| {
                    format!(
                        "the function {path} is not compiled into this binary: regenerate the project (`rjango generate`) and build again"
                    )
                })?;
                // Querysets inside run on this connection, in the migration's transaction.
                let shared = std::sync::Arc::new(conn.clone());
                let call =
                    |conn| crate::db::connections::while_migrating(shared.clone(), run(conn));
                if conn.dialect.can_rollback_ddl() {
                    return call(conn).await;
                }
                // MySQL migrations are not atomic, but their RunRust functions are, as Django
                // wraps RunPython in atomic() there: its data changes commit or roll back whole.
                conn.execute("BEGIN").await.map_err(|e| e.to_string())?;
                match call(conn).await {
                    Ok(()) => conn.execute("COMMIT").await.map_err(|e| e.to_string()),
                    Err(e) => {
                        let _ = conn.execute("ROLLBACK").await;
                        Err(e)
                    }
                }
            }
        }
    }
}

/// The actions of one operation: its SQL, or its RunRust function (`code` forwards, the
/// inverse's `code`, which is the original's `reverse_code`, backwards).
fn actions(op: &rjango_schema::Operation, sql: Vec<String>, backwards: bool) -> Vec<Action> {
    match op {
        rjango_schema::Operation::RunRust { code, reverse_code } => {
            let path = if backwards {
                reverse_code
            } else {
                &Some(code.clone())
            };
            path.iter().cloned().map(Action::Rust).collect()
        }
        _ => sql.into_iter().map(Action::Sql).collect(),
    }
}
