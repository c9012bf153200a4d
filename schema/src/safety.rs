//! The migration safety lint: what an operation does to a database that is serving while it
//! runs. Django leaves this to third-party linters (django-migration-linter,
//! django-pg-zero-downtime-migrations); `makemigrations`, `migrate --plan` and
//! `migrate --check-safety` ask it here.
//!
//! Three risks, each judged from the operation and the state before it, per backend:
//!
//! - [`Risk::Locks`]: the table is locked against writes (or reads) while the statement works
//!   through every row: an index built without CONCURRENTLY, a type change that rewrites the
//!   table, a NOT NULL checked by a full scan. On PostgreSQL and MariaDB; SQLite has one writer
//!   at a time whatever the statement.
//! - [`Risk::LosesData`]: values are gone once it has run: a column or table dropped, a
//!   type or max_length narrowed.
//! - [`Risk::BreaksOldCode`]: a deploy runs the migration while the previous release still
//!   serves, and that release names every column of its models in its queries: a column
//!   dropped or renamed, a table renamed, a NOT NULL column it does not write.
//!
//! Each warning says the safer sequence. The lint knows the schema, not the table's size: a
//! lock on a table of a hundred rows is harmless, which is the reader's call.

use std::fmt;

use crate::operations::Operation;
use crate::state::{Constraint, FieldState, FieldType, ModelState, ProjectState};

/// The databases a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Backend {
    Sqlite,
    Postgres,
    /// MySQL and MariaDB (one SQL dialect; the lock rules are InnoDB's online DDL).
    Mariadb,
}

impl Backend {
    pub fn display_name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
            Backend::Mariadb => "MariaDB/MySQL",
        }
    }
}

/// What could go wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Risk {
    Locks,
    LosesData,
    BreaksOldCode,
}

impl Risk {
    pub fn label(self) -> &'static str {
        match self {
            Risk::Locks => "locks the table",
            Risk::LosesData => "loses data",
            Risk::BreaksOldCode => "breaks the running release",
        }
    }
}

/// One thing an operation risks, and how to do it safely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub risk: Risk,
    /// The backends it is true of; every backend when empty.
    pub backends: Vec<Backend>,
    pub what: String,
    pub safer: String,
}

impl Warning {
    /// Whether the warning is about `backend`.
    pub fn applies_to(&self, backend: Backend) -> bool {
        self.backends.is_empty() || self.backends.contains(&backend)
    }

    fn new(risk: Risk, backends: &[Backend], what: String, safer: impl Into<String>) -> Warning {
        Warning {
            risk,
            backends: backends.to_vec(),
            what,
            safer: safer.into(),
        }
    }
}

impl Warning {
    /// `loses data (every database): RemoveField drops ...`: the risk, where, and what.
    pub fn headline(&self) -> String {
        let on = if self.backends.is_empty() {
            "every database".to_owned()
        } else {
            self.backends
                .iter()
                .map(|b| b.display_name())
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!("{} ({on}): {}", self.risk.label(), self.what)
    }
}

impl fmt::Display for Warning {
    /// The headline and the safer way, on one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} Safer: {}", self.headline(), self.safer)
    }
}

const PG: &[Backend] = &[Backend::Postgres];
const SERVERS: &[Backend] = &[Backend::Postgres, Backend::Mariadb];
const ALL: &[Backend] = &[];

const POST_DEPLOY: &str = "apply it once the release that no longer uses it serves everywhere (a post-deploy migration), not before the new code starts.";
const NEW_COLUMN: &str = "add a new column of the new type, copy the values in batches, switch the code to it, then remove the old one in a later release.";

/// Judges operations in the order they run, each against the state before it. A table made
/// earlier in the same run (a migration's CreateModel, or an earlier one of the same plan) is
/// new and empty: nothing done to it risks anything, so the foreign keys an initial
/// migration adds after its models are not flagged.
#[derive(Debug, Clone, Default)]
pub struct Lint {
    state: ProjectState,
    created: std::collections::BTreeSet<(String, String)>,
}

impl Lint {
    pub fn new(state: ProjectState) -> Lint {
        Lint {
            state,
            created: Default::default(),
        }
    }

    /// Starts from `state` (the state before the next migration), keeping what the run made.
    pub fn set_state(&mut self, state: ProjectState) {
        self.state = state;
    }

    /// The warnings for `op` of a migration of `app`; then `op` is applied to the state.
    pub fn step(&mut self, app: &str, op: &Operation) -> Vec<Warning> {
        let key = |m: &str| (app.to_owned(), m.to_ascii_lowercase());
        let fresh = op
            .model_name()
            .is_some_and(|m| self.created.contains(&key(m)));
        let warnings = if fresh {
            Vec::new()
        } else {
            check(app, op, &self.state)
        };
        match op {
            Operation::CreateModel { name, .. } => {
                self.created.insert(key(name));
            }
            Operation::RenameModel { old_name, new_name }
                if self.created.remove(&key(old_name)) =>
            {
                self.created.insert(key(new_name));
            }
            _ => {}
        }
        // A state that cannot take the operation was refused before the lint ran.
        let _ = op.state_forwards(app, &mut self.state);
        warnings
    }
}

/// The warnings for `op`, a migration of `app`, applied to `before`.
pub fn check(app: &str, op: &Operation, before: &ProjectState) -> Vec<Warning> {
    let mut out = Vec::new();
    match op {
        Operation::DeleteModel { name } => {
            let table = table(before, app, name);
            out.push(Warning::new(
                Risk::LosesData,
                ALL,
                format!("DeleteModel drops the table {table} and every row in it."),
                format!(
                    "keep a copy if the rows may be wanted again (`dumpdata {app}.{name}`), and {POST_DEPLOY}"
                ),
            ));
            out.push(Warning::new(
                Risk::BreaksOldCode,
                ALL,
                format!("the previous release still queries {table} until it stops."),
                POST_DEPLOY,
            ));
        }
        Operation::RenameModel { old_name, new_name } => {
            if let Some(model) = before.get(app, old_name)
                && model.options.db_table.is_none()
            {
                let old = model.db_table();
                let new = format!("{app}_{}", new_name.to_ascii_lowercase());
                out.push(Warning::new(
                    Risk::BreaksOldCode,
                    ALL,
                    format!("renaming the model renames its table {old} to {new}, which the previous release still queries."),
                    "keep the struct's name (it names the table), or deploy this release with no server of the previous one running.",
                ));
            }
            let renamed = join_tables_renamed(before, app, old_name, new_name);
            if !renamed.is_empty() {
                out.push(Warning::new(
                    Risk::BreaksOldCode,
                    ALL,
                    format!(
                        "renaming the model renames, in the many-to-many join tables, {}, which the previous release still queries.",
                        renamed.join(", ")
                    ),
                    "keep the struct's name (it names these columns, even under a `db_table`), or deploy this release with no server of the previous one running.",
                ));
            }
        }
        Operation::AlterModelTable { name, table: new } => {
            let old = table(before, app, name);
            let new = new
                .clone()
                .unwrap_or_else(|| format!("{app}_{}", name.to_ascii_lowercase()));
            if old != new {
                out.push(Warning::new(
                    Risk::BreaksOldCode,
                    ALL,
                    format!("the table {old} is renamed to {new}, which the previous release still queries."),
                    format!("keep `db_table = \"{old}\"` until no release reads it, or {POST_DEPLOY}"),
                ));
            }
        }
        Operation::RemoveField { model_name, name } => {
            let Some(model) = before.get(app, model_name) else {
                return out;
            };
            let Some(field) = model.field(name) else {
                return out;
            };
            if matches!(field.field_type, FieldType::ManyToManyField { .. }) {
                out.push(Warning::new(
                    Risk::LosesData,
                    ALL,
                    format!(
                        "removing the many-to-many field {name} drops its join table and every link in it."
                    ),
                    format!("keep a copy if the links may be wanted again, and {POST_DEPLOY}"),
                ));
                return out;
            }
            let column = column(model, name, field);
            out.push(Warning::new(
                Risk::LosesData,
                ALL,
                format!("RemoveField drops the column {column} and every value in it."),
                "keep a copy if the values may be wanted again (`dumpdata`), or make the field nullable and stop using it for a release before removing it.",
            ));
            out.push(Warning::new(
                Risk::BreaksOldCode,
                ALL,
                format!(
                    "the previous release still selects {column} in every query of {}, and fails once it is gone.",
                    model.name
                ),
                format!(
                    "make the field nullable (or give it a default) one release earlier, so that the new code can insert rows without it; then {POST_DEPLOY}"
                ),
            ));
        }
        Operation::RenameField {
            model_name,
            old_name,
            new_name,
        } => {
            let Some(model) = before.get(app, model_name) else {
                return out;
            };
            let Some(field) = model.field(old_name) else {
                return out;
            };
            if let FieldType::ManyToManyField { db_table: None, .. } = &field.field_type {
                let table = model.db_table();
                out.push(Warning::new(
                    Risk::BreaksOldCode,
                    ALL,
                    format!("the join table {table}_{old_name} is renamed to {table}_{new_name}, which the previous release still queries."),
                    "deploy with no server of the previous release running, or keep the field's name.",
                ));
                return out;
            }
            let old = field.column(old_name);
            let new = field.column(new_name);
            if old != new && !matches!(field.field_type, FieldType::ManyToManyField { .. }) {
                out.push(Warning::new(
                    Risk::BreaksOldCode,
                    ALL,
                    format!(
                        "the column {}.{old} is renamed to {new}, which the previous release still selects.",
                        model.db_table()
                    ),
                    "add the new field beside the old one, copy the values (RunRust), switch the code to it, and remove the old field in a later release; or deploy with no server of the previous release running.",
                ));
            }
        }
        Operation::AddField {
            model_name,
            name,
            field,
            preserve_default,
        } => {
            let Some(model) = before.get(app, model_name) else {
                return out;
            };
            if matches!(field.field_type, FieldType::ManyToManyField { .. }) {
                return out;
            }
            let column = column(model, name, field);
            let default_kept = field.default.is_some() && *preserve_default;
            // (auto_now dates too: the existing rows are filled, and no default is kept.)
            if !field.null && !default_kept && !field.primary_key {
                out.push(Warning::new(
                    Risk::BreaksOldCode,
                    ALL,
                    format!(
                        "{column} is NOT NULL with no default in the database, and the previous release inserts rows without it."
                    ),
                    "add the field as nullable (`Option<...>`) or with a default first, fill it in, and make it required in a later release.",
                ));
            }
            if is_relation(field) {
                out.push(Warning::new(
                    Risk::Locks,
                    SERVERS,
                    format!("the foreign key on {column} is checked against every row while writes wait (PostgreSQL locks both tables; MariaDB copies the table), and its index is built without CONCURRENTLY."),
                    "add it while the table is small or writes can wait; on a large PostgreSQL table, write the column, the key (NOT VALID, then VALIDATE CONSTRAINT) and the index (CONCURRENTLY) as RunSql in a migration that says `atomic: false`, instead of this operation.",
                ));
            } else if field.unique || indexed(field) {
                out.push(index_lock(
                    &model.db_table(),
                    &[field.column(name)],
                    field.unique,
                ));
            }
        }
        Operation::AlterField {
            model_name,
            name,
            field: new,
            ..
        } => {
            let Some(model) = before.get(app, model_name) else {
                return out;
            };
            let Some(old) = model.field(name) else {
                return out;
            };
            let column = column(model, name, new);
            let was = old.column(name);
            if was != new.column(name) {
                out.push(Warning::new(
                    Risk::BreaksOldCode,
                    ALL,
                    format!(
                        "the column {}.{was} is renamed to {}, which the previous release still selects.",
                        model.db_table(),
                        new.column(name)
                    ),
                    "keep the column's name, or deploy with no server of the previous release running.",
                ));
            }
            out.extend(type_change(&column, &old.field_type, &new.field_type));
            if old.null && !new.null {
                out.push(Warning::new(
                    Risk::Locks,
                    PG,
                    format!("SET NOT NULL on {column} scans the whole table under an ACCESS EXCLUSIVE lock (no reads, no writes), after an UPDATE of every NULL row."),
                    "fill the NULLs in batches first; on PostgreSQL 12+ add CHECK (column IS NOT NULL) NOT VALID and VALIDATE it in a later migration, so that SET NOT NULL needs no scan.",
                ));
                out.push(Warning::new(
                    Risk::BreaksOldCode,
                    ALL,
                    format!("the previous release may still write NULL into {column}."),
                    format!("deploy code that always writes a value first; then {POST_DEPLOY}"),
                ));
            }
            let indexed = |f: &FieldState| f.unique || indexed(f);
            if !indexed(old) && indexed(new) {
                out.push(index_lock(
                    &model.db_table(),
                    &[new.column(name)],
                    new.unique,
                ));
            } else if !old.unique && new.unique {
                out.push(index_lock(&model.db_table(), &[new.column(name)], true));
            }
        }
        Operation::AddIndex { model_name, index } => {
            if let Some(model) = before.get(app, model_name) {
                let columns = columns(model, &index.fields);
                let mut w = index_lock(&model.db_table(), &columns, false);
                w.safer = "write AddIndexConcurrently instead of AddIndex in this migration, and `atomic: false` at its top (Django's AddIndexConcurrently, from django.contrib.postgres).".into();
                out.push(w);
            }
        }
        Operation::AddConstraint {
            model_name,
            constraint,
        } => {
            let Some(model) = before.get(app, model_name) else {
                return out;
            };
            match constraint {
                Constraint::Unique { fields, .. } => {
                    out.push(index_lock(&model.db_table(), &columns(model, fields), true));
                }
                Constraint::Check { name, .. } => out.push(Warning::new(
                    Risk::Locks,
                    PG,
                    format!("the check {name} is validated against every row of {} under an ACCESS EXCLUSIVE lock.", model.db_table()),
                    "add it NOT VALID, then VALIDATE CONSTRAINT in a later migration (RunSql), which lets writes go on.",
                )),
            }
        }
        Operation::AlterUniqueTogether {
            name,
            unique_together,
        } => {
            let Some(model) = before.get(app, name) else {
                return out;
            };
            for group in unique_together {
                if !model.options.unique_together.contains(group) {
                    out.push(index_lock(&model.db_table(), &columns(model, group), true));
                }
            }
        }
        Operation::CreateModel { .. }
        | Operation::AlterModelOptions { .. }
        | Operation::RemoveIndex { .. }
        | Operation::AddIndexConcurrently { .. }
        | Operation::RemoveIndexConcurrently { .. }
        | Operation::RemoveConstraint { .. }
        | Operation::RunSql { .. }
        | Operation::RunRust { .. } => {}
    }
    out
}

/// An index built the plain way: PostgreSQL blocks writes to the table until it is built
/// (MariaDB's InnoDB builds secondary indexes online).
fn index_lock(table: &str, columns: &[String], unique: bool) -> Warning {
    let kind = if unique {
        "a unique constraint"
    } else {
        "an index"
    };
    let safer = if unique {
        "add it while the table is small or the site can wait; on a large table, build it as a unique index with CREATE UNIQUE INDEX CONCURRENTLY in a RunSql of a migration that says `atomic: false`, instead of this operation."
    } else {
        "declare it in the model's `indexes` and write AddIndexConcurrently for it, in a migration that says `atomic: false` (Django's AddIndexConcurrently, from django.contrib.postgres)."
    };
    Warning::new(
        Risk::Locks,
        PG,
        format!(
            "{kind} on {table} ({}) is built without CONCURRENTLY, blocking {} the table until it is done.",
            columns.join(", "),
            if unique {
                "reads and writes of"
            } else {
                "writes to"
            }
        ),
        safer,
    )
}

/// What changing a column's type does: narrowing loses data, and most changes rewrite the
/// table.
fn type_change(column: &str, old: &FieldType, new: &FieldType) -> Vec<Warning> {
    if old == new {
        return Vec::new();
    }
    let mut out = Vec::new();
    let (from, to) = (type_text(old), type_text(new));
    // (SQLite enforces neither a length nor an integer's width: its remake copies the values
    // as they are.)
    if let Some(why) = narrowing(old, new) {
        out.push(Warning::new(
            Risk::LosesData,
            SERVERS,
            format!("{column} changes from {from} to {to}: {why}."),
            "check the longest or largest value first (and shorten it yourself), or keep the wider type.",
        ));
    }
    let widening_text = matches!(
        (max_length(old), max_length(new)),
        (Some(a), Some(b)) if b >= a
    ) || (max_length(old).is_some() && *new == FieldType::TextField);
    let same_column_type = same_sql_type(old, new);
    // More digits at the same scale: PostgreSQL only changes the constraint, MariaDB copies.
    let more_digits = matches!(
        (old, new),
        (
            FieldType::DecimalField { max_digits: d1, decimal_places: p1 },
            FieldType::DecimalField { max_digits: d2, decimal_places: p2 },
        ) if p1 == p2 && d2 >= d1
    );
    // MariaDB widens a VARCHAR in place only while its length prefix stays one byte (up to
    // 255 bytes: 63 characters of utf8mb4); past that, or to a TEXT, it copies the table.
    let copies_on_mariadb = widening_text
        && (*new == FieldType::TextField
            || matches!((max_length(old), max_length(new)), (Some(a), Some(b)) if a <= 63 && b > 63));
    if copies_on_mariadb {
        out.push(Warning::new(
            Risk::Locks,
            &[Backend::Mariadb],
            format!("{column} changes from {from} to {to}, which MariaDB does by copying the table, blocking writes (PostgreSQL only changes the type's limit)."),
            NEW_COLUMN,
        ));
    } else if more_digits {
        out.push(Warning::new(
            Risk::Locks,
            &[Backend::Mariadb],
            format!("{column} changes from {from} to {to}, which MariaDB does by copying the table, blocking writes."),
            NEW_COLUMN,
        ));
    } else if !same_column_type && !widening_text {
        out.push(Warning::new(
            Risk::Locks,
            SERVERS,
            format!("{column} changes from {from} to {to}, which rewrites the whole table (PostgreSQL holds an ACCESS EXCLUSIVE lock; MariaDB copies it, blocking writes)."),
            NEW_COLUMN,
        ));
    }
    out
}

/// Why `old` → `new` can lose values, if it can.
fn narrowing(old: &FieldType, new: &FieldType) -> Option<String> {
    use FieldType as T;
    if let (Some(a), Some(b)) = (max_length(old), max_length(new)) {
        return (b < a)
            .then(|| format!("values longer than {b} characters are cut or make it fail"));
    }
    if max_length(new).is_some() && matches!(old, T::TextField | T::JSONField) {
        return Some(format!(
            "text longer than {} characters is cut or makes it fail",
            max_length(new).unwrap_or_default()
        ));
    }
    if let (
        T::DecimalField {
            max_digits: d1,
            decimal_places: p1,
        },
        T::DecimalField {
            max_digits: d2,
            decimal_places: p2,
        },
    ) = (old, new)
    {
        return (p2 < p1 || d2 - p2.min(d2) < d1 - p1.min(d1))
            .then(|| "digits are rounded away or large values fail".to_owned());
    }
    let (Some(a), Some(b)) = (int_width(old), int_width(new)) else {
        return match (old, new) {
            (T::FloatField | T::DecimalField { .. }, _) if int_width(new).is_some() => {
                Some("fractions are rounded away".into())
            }
            (T::DateTimeField { .. }, T::DateField { .. }) => {
                Some("the time of day is dropped".into())
            }
            (_, T::BooleanField) if old != new => Some("every value becomes true or false".into()),
            _ => None,
        };
    };
    (b < a).then(|| "values out of the smaller range make it fail".to_owned())
}

/// The bytes of an integer column (signed or not), for narrowing.
fn int_width(t: &FieldType) -> Option<u8> {
    use FieldType as T;
    Some(match t {
        T::SmallIntegerField | T::PositiveSmallIntegerField | T::SmallAutoField => 2,
        T::IntegerField | T::PositiveIntegerField | T::AutoField => 4,
        T::BigIntegerField | T::PositiveBigIntegerField | T::BigAutoField => 8,
        _ => return None,
    })
}

fn max_length(t: &FieldType) -> Option<u32> {
    match t {
        FieldType::CharField { max_length }
        | FieldType::SlugField { max_length }
        | FieldType::EmailField { max_length }
        | FieldType::URLField { max_length } => Some(*max_length),
        _ => None,
    }
}

/// Whether two field types make the same column (CharField and SlugField of one max_length,
/// a date field's auto_now): no SQL type change at all.
fn same_sql_type(old: &FieldType, new: &FieldType) -> bool {
    use FieldType as T;
    let date_kind = |t: &FieldType| match t {
        T::DateField { .. } => Some(0),
        T::DateTimeField { .. } => Some(1),
        T::TimeField { .. } => Some(2),
        _ => None,
    };
    if let (Some(a), Some(b)) = (date_kind(old), date_kind(new)) {
        return a == b;
    }
    if max_length(old).is_some() && max_length(old) == max_length(new) {
        return true;
    }
    let relation_target = |t: &FieldType| match t {
        T::ForeignKey { to, .. } | T::OneToOneField { to, .. } => Some(to.clone()),
        _ => None,
    };
    if let (Some(a), Some(b)) = (relation_target(old), relation_target(new)) {
        return a == b;
    }
    false
}

fn type_text(t: &FieldType) -> String {
    match (max_length(t), t) {
        (Some(n), _) => format!("{}(max_length={n})", t.class_name()),
        (
            None,
            FieldType::DecimalField {
                max_digits,
                decimal_places,
            },
        ) => format!("DecimalField({max_digits}, {decimal_places})"),
        _ => t.class_name().to_owned(),
    }
}

/// Whether the schema editor gives the column an index of its own: `db_index`, a foreign
/// key, a SlugField (indexed unless it says otherwise, as in Django).
fn indexed(f: &FieldState) -> bool {
    f.db_index || is_relation(f) || matches!(f.field_type, FieldType::SlugField { .. })
}

fn is_relation(f: &FieldState) -> bool {
    matches!(
        f.field_type,
        FieldType::ForeignKey { .. } | FieldType::OneToOneField { .. }
    )
}

fn table(state: &ProjectState, app: &str, model: &str) -> String {
    state.get(app, model).map_or_else(
        || format!("{app}_{}", model.to_ascii_lowercase()),
        ModelState::db_table,
    )
}

/// What renaming model `old_name` of `app` to `new_name` renames in the many-to-many join
/// tables, as Django's RenameModel does: its own join tables (named after its table, unless
/// they or it have a `db_table`), and the column naming it in every join table that points at
/// it (`<model>_id`; `from_<model>_id` and `to_<model>_id` for one to itself), however the
/// tables are named.
fn join_tables_renamed(
    before: &ProjectState,
    app: &str,
    old_name: &str,
    new_name: &str,
) -> Vec<String> {
    let (old_l, new_l) = (old_name.to_ascii_lowercase(), new_name.to_ascii_lowercase());
    let Some(renamed) = before.get(app, old_name) else {
        return Vec::new();
    };
    if old_l == new_l {
        // A change of case names nothing anew.
        return Vec::new();
    }
    let is_renamed = |to: &str| {
        to.split_once('.')
            .map_or(to.eq_ignore_ascii_case(old_name), |(a, m)| {
                a == app && m.eq_ignore_ascii_case(old_name)
            })
    };
    let mut out = Vec::new();
    for ((model_app, _), model) in &before.models {
        let own = model_app == app && model.name_lower() == old_l;
        for (field, f) in &model.fields {
            let FieldType::ManyToManyField { to, db_table, .. } = &f.field_type else {
                continue;
            };
            let to_it = is_renamed(to);
            if !own && !to_it {
                continue;
            }
            let join = db_table
                .clone()
                .unwrap_or_else(|| format!("{}_{field}", model.db_table()));
            if own && db_table.is_none() && renamed.options.db_table.is_none() {
                out.push(format!("the table {join} to {app}_{new_l}_{field}"));
            }
            if own && to_it {
                out.push(format!(
                    "{join}.from_{old_l}_id and {join}.to_{old_l}_id to from_{new_l}_id and to_{new_l}_id"
                ));
            } else {
                out.push(format!("{join}.{old_l}_id to {new_l}_id"));
            }
        }
    }
    out
}

/// `table.column` of a field.
fn column(model: &ModelState, name: &str, field: &FieldState) -> String {
    format!("{}.{}", model.db_table(), field.column(name))
}

/// The columns of fields named in an index or constraint (`-` for descending dropped).
fn columns(model: &ModelState, fields: &[String]) -> Vec<String> {
    fields
        .iter()
        .map(|f| {
            let f = f.trim_start_matches('-');
            model.field(f).map_or_else(|| f.to_owned(), |s| s.column(f))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Index, ModelOptions, OnDelete};

    fn post() -> ProjectState {
        let mut state = ProjectState::default();
        let mut views = FieldState::new(FieldType::IntegerField);
        views.default = Some(crate::state::Value::Int(0));
        let mut summary = FieldState::new(FieldType::CharField { max_length: 200 });
        summary.null = true;
        let mut id = FieldState::new(FieldType::BigAutoField);
        id.primary_key = true;
        state.add(ModelState {
            app_label: "blog".into(),
            name: "Post".into(),
            fields: vec![
                ("id".into(), id),
                (
                    "title".into(),
                    FieldState::new(FieldType::CharField { max_length: 100 }),
                ),
                ("body".into(), FieldState::new(FieldType::TextField)),
                ("views".into(), views),
                ("summary".into(), summary),
            ],
            options: ModelOptions::default(),
        });
        state
    }

    fn risks(op: Operation) -> Vec<(Risk, Vec<Backend>)> {
        check("blog", &op, &post())
            .into_iter()
            .map(|w| (w.risk, w.backends))
            .collect()
    }

    fn alter(name: &str, field: FieldState) -> Operation {
        Operation::AlterField {
            model_name: "post".into(),
            name: name.into(),
            field,
            preserve_default: true,
        }
    }

    #[test]
    fn dropping_loses_data_and_breaks_the_running_release() {
        let warnings = check(
            "blog",
            &Operation::RemoveField {
                model_name: "post".into(),
                name: "body".into(),
            },
            &post(),
        );
        assert_eq!(warnings.len(), 2);
        assert_eq!(
            warnings[0].to_string(),
            "loses data (every database): RemoveField drops the column blog_post.body and every value in it. Safer: keep a copy if the values may be wanted again (`dumpdata`), or make the field nullable and stop using it for a release before removing it."
        );
        assert_eq!(warnings[1].risk, Risk::BreaksOldCode);
        assert!(
            warnings[1].what.contains("every query of Post"),
            "{}",
            warnings[1]
        );
        assert_eq!(
            risks(Operation::DeleteModel {
                name: "Post".into()
            }),
            [(Risk::LosesData, vec![]), (Risk::BreaksOldCode, vec![])]
        );
    }

    #[test]
    fn renames_break_the_running_release_and_say_how_to_keep_the_name() {
        let w = check(
            "blog",
            &Operation::RenameField {
                model_name: "post".into(),
                old_name: "body".into(),
                new_name: "text".into(),
            },
            &post(),
        );
        assert_eq!(w.len(), 1);
        assert!(w[0].safer.contains("add the new field beside"), "{}", w[0]);
        let w = check(
            "blog",
            &Operation::RenameModel {
                old_name: "Post".into(),
                new_name: "Article".into(),
            },
            &post(),
        );
        assert!(w[0].what.contains("blog_post to blog_article"), "{}", w[0]);
        assert!(w[0].safer.contains("keep the struct's name"), "{}", w[0]);
        assert_eq!(w.len(), 1, "no many-to-many field: no join table renamed");

        // Its many-to-many fields' join tables and the columns naming it in every join table
        // that points at it are renamed too, even when its own table keeps its name.
        let m2m = |to: &str, db_table: Option<&str>| {
            FieldState::new(FieldType::ManyToManyField {
                to: to.into(),
                related_name: None,
                db_table: db_table.map(Into::into),
            })
        };
        let mut state = post();
        let p = state.get_mut("blog", "post").unwrap();
        p.options.db_table = Some("posts".into());
        p.fields.push(("tags".into(), m2m("blog.Tag", None)));
        p.fields.push(("related".into(), m2m("blog.Post", None)));
        let mut id = FieldState::new(FieldType::BigAutoField);
        id.primary_key = true;
        state.add(ModelState {
            app_label: "blog".into(),
            name: "Tag".into(),
            fields: vec![
                ("id".into(), id),
                ("featured".into(), m2m("blog.Post", Some("featured_posts"))),
            ],
            options: ModelOptions::default(),
        });
        let w = check(
            "blog",
            &Operation::RenameModel {
                old_name: "Post".into(),
                new_name: "Article".into(),
            },
            &state,
        );
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].risk, Risk::BreaksOldCode);
        for renamed in [
            "posts_tags.post_id to article_id",
            "posts_related.from_post_id and posts_related.to_post_id to from_article_id and to_article_id",
            "featured_posts.post_id to article_id",
        ] {
            assert!(w[0].what.contains(renamed), "{renamed}: {}", w[0]);
        }
        assert!(
            !w[0].what.contains("the table"),
            "db_table keeps the names: {}",
            w[0]
        );
        state.get_mut("blog", "post").unwrap().options.db_table = None;
        let w = check(
            "blog",
            &Operation::RenameModel {
                old_name: "Post".into(),
                new_name: "Article".into(),
            },
            &state,
        );
        assert!(
            w[1].what
                .contains("the table blog_post_tags to blog_article_tags"),
            "{}",
            w[1]
        );
    }

    #[test]
    fn type_changes_narrowing_and_rewrites() {
        let char = |n| FieldState::new(FieldType::CharField { max_length: n });
        let servers = vec![Backend::Postgres, Backend::Mariadb];
        // Wider text: no rewrite on PostgreSQL, nothing lost; MariaDB copies the table past
        // 63 characters or to a TEXT.
        assert_eq!(risks(alter("title", char(200))), []);
        let mariadb = vec![Backend::Mariadb];
        assert_eq!(
            risks(alter("title", FieldState::new(FieldType::TextField))),
            [(Risk::Locks, mariadb.clone())]
        );
        let mut code = post();
        code.get_mut("blog", "post")
            .unwrap()
            .field_mut("title")
            .unwrap()
            .field_type = FieldType::CharField { max_length: 40 };
        let widened = check("blog", &alter("title", char(100)), &code);
        assert_eq!(widened.len(), 1);
        assert_eq!(widened[0].backends, mariadb);
        // Narrower: values may be cut (not on SQLite, which enforces no length), and every
        // row is checked under the lock.
        assert_eq!(
            risks(alter("title", char(50))),
            [
                (Risk::LosesData, servers.clone()),
                (Risk::Locks, servers.clone())
            ]
        );
        assert_eq!(
            risks(alter("body", char(10))),
            [
                (Risk::LosesData, servers.clone()),
                (Risk::Locks, servers.clone())
            ]
        );
        // A SlugField is indexed by default: a CharField made one gets an index.
        assert_eq!(
            risks(alter(
                "title",
                FieldState::new(FieldType::SlugField { max_length: 100 })
            )),
            [(Risk::Locks, vec![Backend::Postgres])]
        );
        // A column renamed through db_column.
        let mut renamed = char(100);
        renamed.db_column = Some("headline".into());
        let w = check("blog", &alter("title", renamed), &post());
        assert_eq!(w.len(), 1);
        assert!(
            w[0].what.contains("blog_post.title is renamed to headline"),
            "{}",
            w[0]
        );
        // int to bigint: nothing lost, but the table is rewritten.
        let mut big = FieldState::new(FieldType::BigIntegerField);
        big.default = Some(crate::state::Value::Int(0));
        assert_eq!(risks(alter("views", big)), [(Risk::Locks, servers)]);
        let mut small = FieldState::new(FieldType::SmallIntegerField);
        small.default = Some(crate::state::Value::Int(0));
        assert_eq!(risks(alter("views", small))[0].0, Risk::LosesData);
    }

    #[test]
    fn not_null_and_indexes_lock_postgresql() {
        // summary: NULL allowed, made required.
        let required = FieldState::new(FieldType::CharField { max_length: 200 });
        assert_eq!(
            risks(alter("summary", required)),
            [
                (Risk::Locks, vec![Backend::Postgres]),
                (Risk::BreaksOldCode, vec![])
            ]
        );
        let mut indexed = FieldState::new(FieldType::CharField { max_length: 100 });
        indexed.db_index = true;
        let w = check("blog", &alter("title", indexed), &post());
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].backends, [Backend::Postgres]);
        assert!(w[0].what.contains("blog_post (title)"), "{}", w[0]);
        assert!(w[0].safer.contains("AddIndexConcurrently"), "{}", w[0]);
        assert!(w[0].safer.contains("`atomic: false`"), "{}", w[0]);
        let add_index = Operation::AddIndex {
            model_name: "post".into(),
            index: Index {
                name: "blog_post_views".into(),
                fields: vec!["-views".into()],
            },
        };
        let w = check("blog", &add_index, &post());
        assert!(w[0].what.contains("blog_post (views)"), "{}", w[0]);
        assert!(!w[0].applies_to(Backend::Mariadb) && w[0].applies_to(Backend::Postgres));
    }

    #[test]
    fn an_added_required_column_breaks_the_running_releases_inserts() {
        let add = |field: FieldState, preserve_default| Operation::AddField {
            model_name: "post".into(),
            name: "rating".into(),
            field,
            preserve_default,
        };
        let mut with_default = FieldState::new(FieldType::IntegerField);
        with_default.default = Some(crate::state::Value::Int(3));
        assert_eq!(risks(add(with_default.clone(), true)), []);
        // A one-off default (makemigrations' question) is dropped after the column is added.
        assert_eq!(
            risks(add(with_default, false)),
            [(Risk::BreaksOldCode, vec![])]
        );
        let mut nullable = FieldState::new(FieldType::IntegerField);
        nullable.null = true;
        assert_eq!(risks(add(nullable, true)), []);
        let mut author = FieldState::new(FieldType::ForeignKey {
            to: "auth.User".into(),
            on_delete: OnDelete::Cascade,
            related_name: None,
        });
        author.null = true;
        assert_eq!(
            risks(add(author, true)),
            [(Risk::Locks, vec![Backend::Postgres, Backend::Mariadb])]
        );
        // auto_now_add fills the existing rows and keeps no default.
        assert_eq!(
            risks(add(
                FieldState::new(FieldType::DateTimeField {
                    auto_now: false,
                    auto_now_add: true
                }),
                true
            )),
            [(Risk::BreaksOldCode, vec![])]
        );
    }

    #[test]
    fn a_concurrent_index_and_a_new_table_risk_nothing() {
        let index = Index {
            name: "blog_post_views".into(),
            fields: vec!["views".into()],
        };
        assert_eq!(
            risks(Operation::AddIndexConcurrently {
                model_name: "post".into(),
                index: index.clone(),
            }),
            []
        );
        // A model made earlier in the same run: its foreign key and index are on an empty
        // table (an initial migration's deferred foreign keys).
        let mut lint = Lint::new(ProjectState::default());
        let create = Operation::CreateModel {
            name: "Post".into(),
            fields: post().get("blog", "post").unwrap().fields.clone(),
            options: ModelOptions::default(),
        };
        assert_eq!(lint.step("blog", &create), []);
        let add_index = Operation::AddIndex {
            model_name: "post".into(),
            index,
        };
        assert_eq!(lint.step("blog", &add_index), []);
        let remove = Operation::RemoveField {
            model_name: "post".into(),
            name: "body".into(),
        };
        assert_eq!(lint.step("blog", &remove), []);
        // The same on a table that was there before.
        let mut lint = Lint::new(post());
        assert_eq!(lint.step("blog", &remove).len(), 2);
    }
}
