//! The tables a project state needs on a backend (models and the join tables of their
//! many-to-many fields), their `CREATE TABLE`, and the named objects around them (indexes,
//! foreign keys, unique constraints) that the editor creates and drops by name.

use rjango_schema::{
    Condition, Constraint, FieldState, FieldType, ModelState, ProjectState, Value,
};

use super::SchemaError;
use super::names::{index_name, pg_object_name, truncate_name};
use super::types::{base_type, default_clause, literal, rel_db_type, type_check, type_suffix};
use crate::db::dialect::Dialect;

/// What a table stands for: a model, or the join table of a many-to-many field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Key {
    Model(String, String),
    Through(String, String, String),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Col {
    pub field: String,
    pub column: String,
    pub field_type: FieldType,
    pub ty: String,
    pub null: bool,
    pub default: Option<Value>,
    pub pk: bool,
    pub unique: bool,
    pub check: Option<String>,
    pub suffix: Option<&'static str>,
    /// (table, column) of the referenced primary key.
    pub fk: Option<(String, String)>,
    /// The model the foreign key points at.
    pub fk_key: Option<Key>,
    /// ForeignKey-like: an index on the column (Django's db_index=True), unless unique.
    pub is_fk_field: bool,
    pub index: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    pub key: Key,
    pub name: String,
    pub cols: Vec<Col>,
    pub unique_together: Vec<Vec<String>>,
    /// Meta.indexes: name, (column, descending).
    pub indexes: Vec<(String, Vec<(String, bool)>)>,
    /// Meta.constraints as the table has them: columns for fields, conditions rendered to
    /// SQL, and none the backend cannot have.
    pub constraints: Vec<Constraint>,
    /// UniqueConstraints with a condition: partial unique indexes (name, columns, WHERE SQL,
    /// nulls_distinct).
    pub unique_indexes: Vec<(String, Vec<String>, String, Option<bool>)>,
}

impl Table {
    pub fn col(&self, field: &str) -> Option<&Col> {
        self.cols.iter().find(|c| c.field == field)
    }

    fn column_of(&self, field: &str) -> Result<String, SchemaError> {
        self.col(field)
            .map(|c| c.column.clone())
            .ok_or_else(|| SchemaError::State(format!("table {} has no field {field}", self.name)))
    }
}

fn resolve<'a>(
    state: &'a ProjectState,
    app: &str,
    to: &str,
) -> Result<&'a ModelState, SchemaError> {
    let (a, m) = to.split_once('.').unwrap_or((app, to));
    state
        .get(a, m)
        .ok_or_else(|| SchemaError::State(format!("the related model {to} does not exist")))
}

fn pk(model: &ModelState) -> Result<(&str, &FieldState), SchemaError> {
    model
        .fields
        .iter()
        .find(|(_, f)| f.primary_key)
        .map(|(n, f)| (n.as_str(), f))
        .ok_or_else(|| SchemaError::State(format!("model {} has no primary key", model.name)))
}

/// The column a relation's target primary key has: (table, pk column, column type, model).
fn target(
    d: Dialect,
    state: &ProjectState,
    app: &str,
    to: &str,
) -> Result<(String, String, String, Key), SchemaError> {
    let m = resolve(state, app, to)?;
    let (name, f) = pk(m)?;
    let ty = match &f.field_type {
        FieldType::ForeignKey { to: t2, .. } | FieldType::OneToOneField { to: t2, .. } => {
            target(d, state, &m.app_label, t2)?.2
        }
        t => rel_db_type(d, t),
    };
    Ok((
        m.db_table(),
        f.column(name),
        ty,
        Key::Model(m.app_label.clone(), m.name_lower()),
    ))
}

fn col(
    d: Dialect,
    state: &ProjectState,
    app: &str,
    name: &str,
    f: &FieldState,
) -> Result<Col, SchemaError> {
    let column = f.column(name);
    let (ty, fk, fk_key) = match &f.field_type {
        FieldType::ForeignKey { to, .. } | FieldType::OneToOneField { to, .. } => {
            let (t, c, ty, key) = target(d, state, app, to)?;
            (ty, Some((t, c)), Some(key))
        }
        t => (base_type(d, t), None, None),
    };
    let is_fk = fk.is_some();
    let unique =
        !f.primary_key && (f.unique || matches!(f.field_type, FieldType::OneToOneField { .. }));
    // MySQL indexes a TEXT, BLOB or JSON column only by a prefix: Django's
    // `_field_should_be_indexed` leaves db_index out there (`_is_limited_data_type`).
    let indexable =
        !(d == Dialect::Mysql && MYSQL_LIMITED_TYPES.contains(&ty.to_ascii_lowercase().as_str()));
    Ok(Col {
        field: name.to_owned(),
        check: type_check(d, &f.field_type, &column),
        suffix: type_suffix(d, &f.field_type),
        column,
        field_type: f.field_type.clone(),
        ty,
        null: f.null,
        default: f.default.clone().filter(|v| *v != Value::Null),
        pk: f.primary_key,
        unique,
        fk,
        fk_key,
        is_fk_field: is_fk,
        // ForeignKey and SlugField default to db_index=True in Django.
        index: (f.db_index || is_fk || matches!(f.field_type, FieldType::SlugField { .. }))
            && !unique
            && !f.primary_key
            && indexable,
    })
}

/// MySQL's column types an index takes only a prefix of (Django's `_limited_data_types`).
const MYSQL_LIMITED_TYPES: [&str; 9] = [
    "tinyblob",
    "blob",
    "mediumblob",
    "longblob",
    "tinytext",
    "text",
    "mediumtext",
    "longtext",
    "json",
];

/// The tables of `state` (of the models in `only`, when given), models in key order, each
/// followed by its join tables. Foreign key targets resolve against the whole state.
pub(crate) fn tables(
    d: Dialect,
    state: &ProjectState,
    only: Option<&std::collections::BTreeSet<(String, String)>>,
) -> Result<Vec<Table>, SchemaError> {
    let mut out = Vec::new();
    for (key, m) in &state.models {
        if only.is_some_and(|keep| !keep.contains(key)) {
            continue;
        }
        let app = &m.app_label;
        let mut cols = Vec::new();
        for (n, f) in &m.fields {
            if f.field_type.has_column() {
                cols.push(col(d, state, app, n, f)?);
            }
        }
        let mut t = Table {
            key: Key::Model(app.clone(), m.name_lower()),
            name: m.db_table(),
            cols,
            unique_together: Vec::new(),
            indexes: Vec::new(),
            constraints: Vec::new(),
            unique_indexes: Vec::new(),
        };
        for ut in &m.options.unique_together {
            let cols = ut
                .iter()
                .map(|f| t.column_of(f))
                .collect::<Result<_, _>>()?;
            t.unique_together.push(cols);
        }
        for i in &m.options.indexes {
            let mut cols = Vec::new();
            for f in &i.fields {
                let (f, desc) = f
                    .strip_prefix('-')
                    .map_or((f.as_str(), false), |f| (f, true));
                cols.push((t.column_of(f)?, desc));
            }
            t.indexes.push((i.name.clone(), cols));
        }
        for c in &m.options.constraints {
            match c {
                Constraint::Unique {
                    name,
                    fields,
                    condition,
                    nulls_distinct,
                } => {
                    // What a backend cannot have, Django leaves out (its checks warn: models.W036
                    // for a condition on MySQL/MariaDB, W047 for nulls_distinct but on PostgreSQL).
                    if (condition.is_some() && d == Dialect::Mysql)
                        || (nulls_distinct.is_some() && d != Dialect::Postgres)
                    {
                        continue;
                    }
                    let columns = fields
                        .iter()
                        .map(|f| t.column_of(f))
                        .collect::<Result<_, _>>()?;
                    match condition {
                        Some(condition) => {
                            let sql = super::condition::condition_sql(d, &t, condition)?;
                            t.unique_indexes
                                .push((name.clone(), columns, sql, *nulls_distinct));
                        }
                        None => t.constraints.push(Constraint::Unique {
                            name: name.clone(),
                            fields: columns,
                            condition: None,
                            nulls_distinct: *nulls_distinct,
                        }),
                    }
                }
                Constraint::Check { name, check } => {
                    let sql = super::condition::condition_sql(d, &t, check)?;
                    t.constraints.push(Constraint::Check {
                        name: name.clone(),
                        check: Condition::Sql(sql),
                    });
                }
            }
        }
        let own_pk = pk(m)?;
        let own_pk_ty = match &own_pk.1.field_type {
            FieldType::ForeignKey { .. } | FieldType::OneToOneField { .. } => {
                col(d, state, app, own_pk.0, own_pk.1)?.ty
            }
            ty => rel_db_type(d, ty),
        };
        let own = (t.name.clone(), own_pk.1.column(own_pk.0), own_pk_ty);
        out.push(t);
        for (n, f) in &m.fields {
            let FieldType::ManyToManyField { to, db_table, .. } = &f.field_type else {
                continue;
            };
            let other = resolve(state, app, to)?;
            let (to_table, to_col, to_ty, to_key) = target(d, state, app, to)?;
            let (from, to_name) = if other.app_label == *app && other.name_lower() == m.name_lower()
            {
                (
                    format!("from_{}", m.name_lower()),
                    format!("to_{}", m.name_lower()),
                )
            } else {
                (m.name_lower(), other.name_lower())
            };
            let name = db_table
                .clone()
                .unwrap_or_else(|| truncate_name(&format!("{}_{n}", own.0)));
            let id = col(d, state, app, "id", &{
                let mut id = FieldState::new(rjango_schema::default_auto_field(app));
                id.primary_key = true;
                id
            })?;
            let fk_col = |field: String, table: &str, column: &str, ty: &str, key: &Key| Col {
                column: format!("{field}_id"),
                field,
                field_type: FieldType::BigIntegerField,
                ty: ty.to_owned(),
                null: false,
                default: None,
                pk: false,
                unique: false,
                check: None,
                suffix: None,
                fk: Some((table.to_owned(), column.to_owned())),
                fk_key: Some(key.clone()),
                is_fk_field: true,
                index: true,
            };
            let own_key = Key::Model(app.clone(), m.name_lower());
            let a = fk_col(from, &own.0, &own.1, &own.2, &own_key);
            let b = fk_col(to_name, &to_table, &to_col, &to_ty, &to_key);
            out.push(Table {
                key: Key::Through(app.clone(), m.name_lower(), n.clone()),
                unique_together: vec![vec![a.column.clone(), b.column.clone()]],
                name,
                cols: vec![id, a, b],
                indexes: Vec::new(),
                constraints: Vec::new(),
                unique_indexes: Vec::new(),
            });
        }
    }
    Ok(out)
}

/// Which statement a column definition is written for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    CreateTable,
    AddColumn,
}

/// A column's definition after its quoted name, in Django's order: type, DEFAULT, NOT NULL,
/// PRIMARY KEY/UNIQUE, CHECK, suffix, inline REFERENCES.
/// `default` is SQL: a literal, or an expression that fills existing rows.
pub(crate) fn column_def(d: Dialect, c: &Col, default: Option<&str>, mode: Mode) -> String {
    let mut s = c.ty.clone();
    if let Some(sql) = default {
        s += &format!(" DEFAULT {}", default_clause(d, &c.ty, sql));
    }
    if !c.null {
        s += " NOT NULL";
    } else if d != Dialect::Mysql {
        // MySQL's `implied_column_null`.
        s += " NULL";
    }
    if c.pk {
        s += " PRIMARY KEY";
    } else if c.unique && mode == Mode::CreateTable {
        // Elsewhere a named constraint, from `derived`.
        s += " UNIQUE";
    }
    // Elsewhere a named constraint from `derived` (on MySQL always: the name it would give
    // an inline CHECK, `<table>_chk_<n>`, depends on the table's history).
    if let Some(check) = &c.check
        && (d == Dialect::Sqlite || (d == Dialect::Postgres && mode == Mode::CreateTable))
    {
        s += &format!(" CHECK ({check})");
    }
    if let Some(suffix) = c.suffix {
        s += " ";
        s += suffix;
    }
    if let (Some((t, col)), Dialect::Sqlite) = (&c.fk, d) {
        s += &format!(
            " REFERENCES {} ({}) DEFERRABLE INITIALLY DEFERRED",
            d.quote(t),
            d.quote(col)
        );
    }
    s
}

fn cols_sql(d: Dialect, cols: &[String]) -> String {
    cols.iter()
        .map(|c| d.quote(c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `CREATE TABLE`, named `name` (the table's own name, or `new__<table>` in a remake).
pub(crate) fn create_table(d: Dialect, t: &Table, name: &str) -> String {
    let mut defs: Vec<String> = t
        .cols
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                d.quote(&c.column),
                column_def(
                    d,
                    c,
                    c.default
                        .as_ref()
                        .and_then(|v| literal(d, &c.field_type, v))
                        .as_deref(),
                    Mode::CreateTable
                )
            )
        })
        .collect();
    for c in &t.constraints {
        defs.push(constraint_sql(d, c));
    }
    format!("CREATE TABLE {} ({})", d.quote(name), defs.join(", "))
}

/// A constraint of a table (its fields already columns, its condition SQL).
fn constraint_sql(d: Dialect, c: &Constraint) -> String {
    match c {
        Constraint::Unique {
            name,
            fields,
            nulls_distinct,
            ..
        } => format!(
            "CONSTRAINT {} UNIQUE{} ({})",
            d.quote(name),
            nulls_sql(*nulls_distinct),
            cols_sql(d, fields)
        ),
        Constraint::Check { name, check } => {
            format!("CONSTRAINT {} CHECK ({})", d.quote(name), check_text(check))
        }
    }
}

/// PostgreSQL 15's `NULLS [NOT] DISTINCT`, as Django writes it when nulls_distinct is given.
fn nulls_sql(nulls_distinct: Option<bool>) -> &'static str {
    match nulls_distinct {
        None => "",
        Some(true) => " NULLS DISTINCT",
        Some(false) => " NULLS NOT DISTINCT",
    }
}

/// A table's check condition: always SQL by now ([`tables`] renders a Q). A Q here would be a
/// bug of the schema editor; it stops rather than create a CHECK that checks nothing.
fn check_text(check: &Condition) -> &str {
    match check {
        Condition::Sql(sql) => sql,
        Condition::Q(q) => unreachable!("the schema editor renders every Q before here: {q:?}"),
    }
}

/// What kind of object a `Derived` is (how it can be renamed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Index,
    Unique,
    Check,
    ForeignKey,
}

/// What an object is, independent of the names the database renames by itself (tables,
/// columns): its table's key, its fields (by name; by position in a join table), the model
/// it points at. An object whose `Sig` survives an operation needs at most a new name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sig {
    pub table: Key,
    pub kind: &'static str,
    pub fields: Vec<String>,
    pub target: Option<Key>,
    pub extra: String,
}

/// A named object of a table, created and dropped on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Derived {
    pub table: String,
    pub name: String,
    pub create: String,
    pub drop: String,
    /// Written inside CREATE TABLE (so not created again for a new table).
    pub inline: bool,
    pub kind: Kind,
    pub sig: Sig,
    /// Its columns, in order (none for a table CHECK).
    pub columns: Vec<String>,
}

fn drop_index(d: Dialect, table: &str, name: &str) -> String {
    match d {
        Dialect::Sqlite => format!("DROP INDEX {}", d.quote(name)),
        Dialect::Postgres => format!("DROP INDEX IF EXISTS {}", d.quote(name)),
        Dialect::Mysql => format!("DROP INDEX {} ON {}", d.quote(name), d.quote(table)),
    }
}

fn drop_constraint(d: Dialect, table: &str, name: &str, kind: Kind) -> String {
    let (t, n) = (d.quote(table), d.quote(name));
    match (d, kind) {
        (Dialect::Mysql, Kind::Unique | Kind::Index) => format!("ALTER TABLE {t} DROP INDEX {n}"),
        // MariaDB has no `DROP CHECK` (MySQL's spelling); `DROP CONSTRAINT` works on both
        // (MySQL 8.0.19+), as Django's MariaDB schema editor writes it.
        (Dialect::Mysql, Kind::ForeignKey) => format!("ALTER TABLE {t} DROP FOREIGN KEY {n}"),
        _ => format!("ALTER TABLE {t} DROP CONSTRAINT {n}"),
    }
}

/// The statement that renames `old` to `new`'s name, where the database has one.
pub(crate) fn rename(d: Dialect, old: &Derived, new: &Derived) -> Option<String> {
    let (t, o, n) = (d.quote(&new.table), d.quote(&old.name), d.quote(&new.name));
    match (d, old.kind) {
        (Dialect::Sqlite, _) => None,
        // Unique constraints in CREATE TABLE are indexes on SQLite only.
        (Dialect::Postgres, Kind::Index) if old.drop.starts_with("DROP INDEX") => {
            Some(format!("ALTER INDEX {o} RENAME TO {n}"))
        }
        (Dialect::Postgres, _) => Some(format!("ALTER TABLE {t} RENAME CONSTRAINT {o} TO {n}")),
        (Dialect::Mysql, Kind::Index | Kind::Unique) => {
            Some(format!("ALTER TABLE {t} RENAME INDEX {o} TO {n}"))
        }
        (Dialect::Mysql, _) => None,
    }
}

/// The operator class of the `_like` index Django's PostgreSQL schema editor adds to a
/// column with an index (db_index, unique or primary key) whose type is varchar or text.
fn like_opclass(d: Dialect, c: &Col) -> Option<&'static str> {
    if d != Dialect::Postgres || !(c.index || c.unique || c.pk) {
        return None;
    }
    if c.ty.starts_with("varchar") {
        Some("varchar_pattern_ops")
    } else if c.ty.starts_with("text") {
        Some("text_pattern_ops")
    } else {
        None
    }
}

/// The table's named objects, in the order Django's deferred SQL creates them.
pub(crate) fn derived(d: Dialect, t: &Table) -> Vec<Derived> {
    let q = |s: &str| d.quote(s);
    let tq = q(&t.name);
    // A column's identity: its field, or its position in a join table (whose field names
    // follow the models' names).
    let ident = |column: &str| match t.key {
        Key::Through(..) => t
            .cols
            .iter()
            .position(|c| c.column == column)
            .map_or_else(|| column.to_owned(), |i| format!("#{i}")),
        Key::Model(..) => t
            .cols
            .iter()
            .find(|c| c.column == column)
            .map_or_else(|| column.to_owned(), |c| c.field.clone()),
    };
    let mut out = Vec::new();
    let mut push = |name: String,
                    create: String,
                    drop: String,
                    inline: bool,
                    kind: Kind,
                    (sig_kind, columns, target, extra): (
        &'static str,
        Vec<&str>,
        Option<&Key>,
        String,
    )| {
        out.push(Derived {
            table: t.name.clone(),
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            sig: Sig {
                table: t.key.clone(),
                kind: sig_kind,
                fields: columns.iter().map(|c| ident(c)).collect(),
                target: target.cloned(),
                extra,
            },
            name,
            create,
            drop,
            inline,
            kind,
        })
    };
    if d != Dialect::Sqlite {
        for c in &t.cols {
            if c.unique {
                // The name the database gives the inline UNIQUE of CREATE TABLE.
                let name = match d {
                    Dialect::Postgres => pg_object_name(&t.name, &c.column, "key"),
                    _ => c.column.clone(),
                };
                let create = format!(
                    "ALTER TABLE {tq} ADD CONSTRAINT {} UNIQUE ({})",
                    q(&name),
                    q(&c.column)
                );
                let drop = drop_constraint(d, &t.name, &name, Kind::Unique);
                let sig = ("unique", vec![c.column.as_str()], None, String::new());
                push(name, create, drop, true, Kind::Unique, sig);
            }
            if let Some(check) = &c.check {
                let (name, inline) = match d {
                    Dialect::Postgres => (pg_object_name(&t.name, &c.column, "check"), true),
                    _ => (index_name(&t.name, &[&c.column], "_check"), false),
                };
                let create = format!(
                    "ALTER TABLE {tq} ADD CONSTRAINT {} CHECK ({check})",
                    q(&name)
                );
                let drop = drop_constraint(d, &t.name, &name, Kind::Check);
                let sig = (
                    "check",
                    vec![c.column.as_str()],
                    None,
                    c.field_type.class_name().to_owned(),
                );
                push(name, create, drop, inline, Kind::Check, sig);
            }
        }
        for c in &t.cols {
            if let Some((to_table, to_col)) = &c.fk {
                let name = index_name(&t.name, &[&c.column], &format!("_fk_{to_table}_{to_col}"));
                let deferrable = if d == Dialect::Postgres {
                    " DEFERRABLE INITIALLY DEFERRED"
                } else {
                    ""
                };
                let create = format!(
                    "ALTER TABLE {tq} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}){deferrable}",
                    q(&name),
                    q(&c.column),
                    q(to_table),
                    q(to_col)
                );
                let drop = drop_constraint(d, &t.name, &name, Kind::ForeignKey);
                let sig = (
                    "fk",
                    vec![c.column.as_str()],
                    c.fk_key.as_ref(),
                    String::new(),
                );
                push(name, create, drop, false, Kind::ForeignKey, sig);
            }
        }
    }
    for cols in &t.unique_together {
        let refs: Vec<&str> = cols.iter().map(String::as_str).collect();
        let name = index_name(&t.name, &refs, "_uniq");
        let (create, drop, kind) = if d == Dialect::Sqlite {
            (
                format!(
                    "CREATE UNIQUE INDEX {} ON {tq} ({})",
                    q(&name),
                    cols_sql(d, cols)
                ),
                drop_index(d, &t.name, &name),
                Kind::Index,
            )
        } else {
            (
                format!(
                    "ALTER TABLE {tq} ADD CONSTRAINT {} UNIQUE ({})",
                    q(&name),
                    cols_sql(d, cols)
                ),
                drop_constraint(d, &t.name, &name, Kind::Unique),
                Kind::Unique,
            )
        };
        push(
            name,
            create,
            drop,
            false,
            kind,
            ("unique_together", refs, None, String::new()),
        );
    }
    for c in &t.cols {
        // On MySQL too: InnoDB's own index for a foreign key is silently dropped when another
        // index starts with the column, and then that index cannot be dropped while the
        // foreign key needs it (Django's _create_missing_fk_index works around the same).
        // An explicit index is never dropped for the foreign key's sake.
        // MySQL's InnoDB indexes a foreign key's column by itself, so Django's MySQL schema
        // editor gives a ForeignKey no index of its own (`_field_should_be_indexed`).
        if c.index && !(d == Dialect::Mysql && c.fk.is_some()) {
            let name = index_name(&t.name, &[&c.column], "");
            let create = format!("CREATE INDEX {} ON {tq} ({})", q(&name), q(&c.column));
            let drop = drop_index(d, &t.name, &name);
            push(
                name,
                create,
                drop,
                false,
                Kind::Index,
                ("index", vec![c.column.as_str()], None, String::new()),
            );
        }
        // PostgreSQL's second index on an indexed varchar or text column, with the operator
        // class LIKE needs outside the C locale (Django's `_create_like_index_sql`).
        if let Some(opclass) = like_opclass(d, c) {
            let name = index_name(&t.name, &[&c.column], "_like");
            let create = format!(
                "CREATE INDEX {} ON {tq} ({} {opclass})",
                q(&name),
                q(&c.column)
            );
            let drop = drop_index(d, &t.name, &name);
            push(
                name,
                create,
                drop,
                false,
                Kind::Index,
                (
                    "like_index",
                    vec![c.column.as_str()],
                    None,
                    opclass.to_owned(),
                ),
            );
        }
    }
    for (name, cols) in &t.indexes {
        let sql: Vec<String> = cols
            .iter()
            .map(|(c, desc)| format!("{}{}", q(c), if *desc { " DESC" } else { "" }))
            .collect();
        let create = format!("CREATE INDEX {} ON {tq} ({})", q(name), sql.join(", "));
        let drop = drop_index(d, &t.name, name);
        let desc: String = cols
            .iter()
            .map(|(_, desc)| if *desc { 'D' } else { 'A' })
            .collect();
        let refs = cols.iter().map(|(c, _)| c.as_str()).collect();
        push(
            name.clone(),
            create,
            drop,
            false,
            Kind::Index,
            ("meta_index", refs, None, format!("{name}:{desc}")),
        );
    }
    for (name, cols, condition, nulls_distinct) in &t.unique_indexes {
        let create = format!(
            "CREATE UNIQUE INDEX {} ON {tq} ({}){} WHERE {condition}",
            q(name),
            cols_sql(d, cols),
            nulls_sql(*nulls_distinct)
        );
        let drop = drop_index(d, &t.name, name);
        let refs = cols.iter().map(String::as_str).collect();
        push(
            name.clone(),
            create,
            drop,
            false,
            Kind::Index,
            ("meta_constraint", refs, None, format!("{name}:{condition}")),
        );
    }
    if d != Dialect::Sqlite {
        for c in &t.constraints {
            let (kind, refs, extra) = match c {
                Constraint::Unique { fields, .. } => (
                    Kind::Unique,
                    fields.iter().map(String::as_str).collect(),
                    String::new(),
                ),
                Constraint::Check { check, .. } => {
                    (Kind::Check, Vec::new(), check_text(check).to_owned())
                }
            };
            let create = format!("ALTER TABLE {tq} ADD {}", constraint_sql(d, c));
            let drop = drop_constraint(d, &t.name, c.name(), kind);
            let sig = (
                "meta_constraint",
                refs,
                None,
                format!("{}:{extra}", c.name()),
            );
            push(c.name().to_owned(), create, drop, true, kind, sig);
        }
    }
    out
}
