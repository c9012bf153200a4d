//! The statements an operation needs for its tables themselves (CREATE/DROP/RENAME TABLE,
//! ADD/DROP/RENAME/ALTER COLUMN, SQLite's remake); the named objects around them are diffed
//! by `super::forwards`.

use rjango_schema::{FieldType, Operation};

use super::SchemaError;
use super::tables::{Col, Key, Mode, Table, column_def, create_table};
use super::types::{default_clause, literal, quote_str, type_check};
use crate::db::dialect::Dialect;

/// The table statements, and which tables they create from scratch (`fresh`: every named
/// object of theirs must be created) or drop (`gone`: theirs vanish with them).
#[derive(Default)]
pub(crate) struct Plan {
    pub stmts: Vec<String>,
    pub fresh: Vec<String>,
    pub gone: Vec<String>,
}

/// The key a table of the state before `op` has after it.
pub(crate) fn map_key(app: &str, op: &Operation, k: &Key) -> Key {
    let lower = |s: &str| s.to_ascii_lowercase();
    match (op, k) {
        (Operation::RenameModel { old_name, new_name }, Key::Model(a, m))
            if a == app && *m == lower(old_name) =>
        {
            Key::Model(a.clone(), lower(new_name))
        }
        (Operation::RenameModel { old_name, new_name }, Key::Through(a, m, f))
            if a == app && *m == lower(old_name) =>
        {
            Key::Through(a.clone(), lower(new_name), f.clone())
        }
        (
            Operation::RenameField {
                model_name,
                old_name,
                new_name,
            },
            Key::Through(a, m, f),
        ) if a == app && *m == lower(model_name) && f == old_name => {
            Key::Through(a.clone(), m.clone(), new_name.clone())
        }
        _ => k.clone(),
    }
}

fn rename_table(d: Dialect, old: &str, new: &str) -> String {
    match d {
        Dialect::Mysql => format!("RENAME TABLE {} TO {}", d.quote(old), d.quote(new)),
        _ => format!("ALTER TABLE {} RENAME TO {}", d.quote(old), d.quote(new)),
    }
}

fn rename_column(d: Dialect, table: &str, old: &str, new: &str) -> String {
    format!(
        "ALTER TABLE {} RENAME COLUMN {} TO {}",
        d.quote(table),
        d.quote(old),
        d.quote(new)
    )
}

fn drop_table(d: Dialect, table: &str) -> String {
    match d {
        Dialect::Sqlite => format!("DROP TABLE {}", d.quote(table)),
        _ => format!("DROP TABLE {} CASCADE", d.quote(table)),
    }
}

pub(crate) fn core(
    d: Dialect,
    app: &str,
    op: &Operation,
    before: &[Table],
    after: &[Table],
) -> Result<Plan, SchemaError> {
    let mut plan = Plan::default();
    let mut pairs = Vec::new();
    let mut paired_after = vec![false; after.len()];
    let mut unpaired_before = Vec::new();
    for b in before {
        let k = map_key(app, op, &b.key);
        match after.iter().position(|a| a.key == k) {
            Some(i) => {
                paired_after[i] = true;
                pairs.push((b, &after[i]));
            }
            None => unpaired_before.push(b),
        }
    }
    for b in unpaired_before.iter().rev() {
        plan.stmts.push(drop_table(d, &b.name));
        plan.gone.push(b.name.clone());
    }
    for (b, a) in &pairs {
        if b.name != a.name {
            plan.stmts.push(rename_table(d, &b.name, &a.name));
        }
        if matches!(a.key, Key::Through(..)) {
            // Renames move a join table's targets; only an AlterField changes them.
            let retargeted = matches!(op, Operation::AlterField { .. })
                && b.cols.iter().zip(&a.cols).any(|(x, y)| x.fk != y.fk);
            if b.cols.len() != a.cols.len() || retargeted {
                return Err(SchemaError::Unsupported(format!(
                    "changing the target of the many-to-many table {}",
                    a.name
                )));
            }
            for (x, y) in b.cols.iter().zip(&a.cols) {
                if x.column != y.column {
                    plan.stmts
                        .push(rename_column(d, &a.name, &x.column, &y.column));
                }
            }
        }
    }
    if let Some(model) = altered_model(op) {
        let key = Key::Model(app.to_owned(), model.to_ascii_lowercase());
        if let Some((b, a)) = pairs.iter().find(|(_, a)| a.key == key) {
            match d {
                Dialect::Sqlite => sqlite_alter(op, b, a, &mut plan)?,
                _ => alter(d, op, b, a, &mut plan)?,
            }
        }
    }
    for (i, a) in after.iter().enumerate() {
        if !paired_after[i] {
            plan.stmts.push(create_table(d, a, &a.name));
            plan.fresh.push(a.name.clone());
        }
    }
    Ok(plan)
}

fn altered_model(op: &Operation) -> Option<&str> {
    match op {
        Operation::AddField { model_name, .. }
        | Operation::RemoveField { model_name, .. }
        | Operation::AlterField { model_name, .. }
        | Operation::RenameField { model_name, .. }
        | Operation::AddConstraint { model_name, .. }
        | Operation::RemoveConstraint { model_name, .. } => Some(model_name),
        _ => None,
    }
}

/// What fills the existing rows for the operation's field (Django's `effective_default`):
/// its default, kept or one-off; else, for a NOT NULL field, '' where Django allows empty
/// strings and the field is blank, or the current date/time for auto_now/auto_now_add.
fn fill_sql(d: Dialect, op: &Operation) -> Option<String> {
    use FieldType as T;
    let (Operation::AddField { field, .. } | Operation::AlterField { field, .. }) = op else {
        return None;
    };
    if let Some(lit) = field
        .default
        .as_ref()
        .and_then(|v| literal(d, &field.field_type, v))
    {
        return Some(lit);
    }
    if field.null {
        return None;
    }
    let now = |sqlite_pg: &str, mysql: &str| {
        Some(
            if d == Dialect::Mysql {
                mysql
            } else {
                sqlite_pg
            }
            .to_owned(),
        )
    };
    match &field.field_type {
        T::CharField { .. }
        | T::TextField
        | T::SlugField { .. }
        | T::EmailField { .. }
        | T::URLField { .. }
        | T::BinaryField
            if field.blank =>
        {
            Some(quote_str(d, ""))
        }
        T::DateTimeField {
            auto_now,
            auto_now_add,
        } if *auto_now || *auto_now_add => now("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP(6)"),
        T::DateField {
            auto_now,
            auto_now_add,
        } if *auto_now || *auto_now_add => now("CURRENT_DATE", "(CURRENT_DATE)"),
        T::TimeField {
            auto_now,
            auto_now_add,
        } if *auto_now || *auto_now_add => now("CURRENT_TIME", "(CURRENT_TIME(6))"),
        _ => None,
    }
}

/// The field of the table before `op` that a field after it comes from.
fn source_field<'a>(op: &'a Operation, field: &'a str) -> &'a str {
    match op {
        Operation::RenameField {
            old_name, new_name, ..
        } if new_name == field => old_name,
        _ => field,
    }
}

fn alter(
    d: Dialect,
    op: &Operation,
    b: &Table,
    a: &Table,
    plan: &mut Plan,
) -> Result<(), SchemaError> {
    let t = d.quote(&a.name);
    let s = &mut plan.stmts;
    match op {
        Operation::AddField { name, .. } => {
            let Some(c) = a.col(name) else { return Ok(()) };
            let fill = fill_sql(d, op);
            s.push(format!(
                "ALTER TABLE {t} ADD COLUMN {} {}",
                d.quote(&c.column),
                column_def(d, c, fill.as_deref(), Mode::AddColumn)
            ));
            // Only the rows there are take it: a one-off or an effective default.
            if fill.is_some() && c.default.is_none() {
                s.push(format!(
                    "ALTER TABLE {t} ALTER COLUMN {} DROP DEFAULT",
                    d.quote(&c.column)
                ));
            }
        }
        Operation::RemoveField { name, .. } => {
            if let Some(c) = b.col(name) {
                let cascade = if d == Dialect::Postgres {
                    " CASCADE"
                } else {
                    ""
                };
                s.push(format!(
                    "ALTER TABLE {t} DROP COLUMN {}{cascade}",
                    d.quote(&c.column)
                ));
            }
        }
        Operation::RenameField {
            old_name, new_name, ..
        } => {
            if let (Some(o), Some(n)) = (b.col(old_name), a.col(new_name))
                && o.column != n.column
            {
                s.push(rename_column(d, &a.name, &o.column, &n.column));
            }
        }
        Operation::AlterField { name, .. } => match (b.col(name), a.col(name)) {
            (Some(o), Some(n)) => alter_column(d, &a.name, o, n, fill_sql(d, op), s)?,
            (None, None) => {}
            _ => {
                return Err(SchemaError::Unsupported(format!(
                    "altering {}.{name} between a many-to-many field and a column",
                    a.name
                )));
            }
        },
        _ => {}
    }
    Ok(())
}

/// Django's `_alter_field` for PostgreSQL and MySQL: rename, type, default, nullability.
fn alter_column(
    d: Dialect,
    table: &str,
    o: &Col,
    n: &Col,
    fill: Option<String>,
    s: &mut Vec<String>,
) -> Result<(), SchemaError> {
    if o.pk != n.pk {
        return Err(SchemaError::Unsupported(format!(
            "changing the primary key of {table}"
        )));
    }
    let t = d.quote(table);
    let c = d.quote(&n.column);
    if o.column != n.column {
        s.push(rename_column(d, table, &o.column, &n.column));
    }
    let (old_default, new_default) = (
        o.default
            .as_ref()
            .and_then(|v| literal(d, &o.field_type, v)),
        n.default
            .as_ref()
            .and_then(|v| literal(d, &n.field_type, v)),
    );
    let set_default = |v: &Option<String>| match v {
        Some(l) => format!(
            "ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {}",
            default_clause(d, &n.ty, l)
        ),
        None => format!("ALTER TABLE {t} ALTER COLUMN {c} DROP DEFAULT"),
    };
    let fill_nulls = o.null && !n.null;
    if d == Dialect::Mysql {
        if fill_nulls && let Some(f) = &fill {
            s.push(format!("UPDATE {t} SET {c} = {f} WHERE {c} IS NULL"));
        }
        if o.ty != n.ty || o.null != n.null {
            let null = if n.null { "NULL" } else { "NOT NULL" };
            s.push(format!("ALTER TABLE {t} MODIFY {c} {} {null}", n.ty));
            // MODIFY restates the column: its default goes unless written again.
            if new_default.is_some() {
                s.push(set_default(&new_default));
            }
        } else if old_default != new_default {
            s.push(set_default(&new_default));
        }
        return Ok(());
    }
    // PostgreSQL casts a column's default with the column, and fails where the old default
    // does not cast (a kept default of 'once' on a column turning integer): it is dropped
    // before and the new one set after.
    let recast_default = o.ty != n.ty && old_default.is_some();
    if recast_default {
        s.push(set_default(&None));
    }
    if o.ty != n.ty {
        s.push(format!(
            "ALTER TABLE {t} ALTER COLUMN {c} TYPE {ty} USING {c}::{ty}",
            ty = n.ty
        ));
    }
    if (recast_default && new_default.is_some()) || (!recast_default && old_default != new_default)
    {
        s.push(set_default(&new_default));
    }
    if fill_nulls {
        if let Some(f) = &fill {
            s.push(format!("UPDATE {t} SET {c} = {f} WHERE {c} IS NULL"));
        }
        s.push(format!("ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL"));
    } else if !o.null && n.null {
        s.push(format!("ALTER TABLE {t} ALTER COLUMN {c} DROP NOT NULL"));
    }
    Ok(())
}

/// SQLite: ALTER TABLE where Django uses it, else Django's `_remake_table`.
fn sqlite_alter(op: &Operation, b: &Table, a: &Table, plan: &mut Plan) -> Result<(), SchemaError> {
    let d = Dialect::Sqlite;
    let t = d.quote(&a.name);
    match op {
        Operation::AddField { name, .. } => {
            let Some(c) = a.col(name) else { return Ok(()) };
            let fill = fill_sql(d, op);
            // SQLite cannot drop a default afterwards: a kept default, or none at all.
            let simple = !c.pk
                && !c.unique
                && if c.default.is_some() {
                    c.fk.is_none()
                } else {
                    c.null && fill.is_none()
                };
            if simple {
                plan.stmts.push(format!(
                    "ALTER TABLE {t} ADD COLUMN {} {}",
                    d.quote(&c.column),
                    column_def(d, c, fill.as_deref(), Mode::AddColumn)
                ));
                return Ok(());
            }
        }
        Operation::RemoveField { name, .. } => {
            let Some(c) = b.col(name) else { return Ok(()) };
            let used = b.unique_together.iter().flatten().any(|x| *x == c.column)
                || b.indexes
                    .iter()
                    .flat_map(|(_, cs)| cs)
                    .any(|(x, _)| *x == c.column)
                || !b.constraints.is_empty();
            if !c.pk && !c.unique && !c.index && c.fk.is_none() && c.check.is_none() && !used {
                plan.stmts.push(format!(
                    "ALTER TABLE {t} DROP COLUMN {}",
                    d.quote(&c.column)
                ));
                return Ok(());
            }
        }
        _ => {}
    }
    // Renames only: the table before, its columns renamed, is the table after.
    let mut renamed = b.clone();
    let mut renames = Vec::new();
    for c in &mut renamed.cols {
        let field = match op {
            Operation::RenameField {
                old_name, new_name, ..
            } if *old_name == c.field => new_name.clone(),
            _ => c.field.clone(),
        };
        if let Some(n) = a.col(&field)
            && n.column != c.column
        {
            renames.push((c.column.clone(), n.column.clone()));
            c.column = n.column.clone();
            c.field = field;
            c.check = type_check(d, &c.field_type, &c.column);
        }
    }
    if create_table(d, &renamed, "t") == create_table(d, a, "t") {
        for (old, new) in renames {
            plan.stmts.push(rename_column(d, &a.name, &old, &new));
        }
        return Ok(());
    }
    remake(op, b, a, plan);
    Ok(())
}

/// Django's `_remake_table`: a new table with the new definition, the rows copied over, the
/// old table dropped and the new one renamed to its name (its indexes follow as `fresh`).
fn remake(op: &Operation, b: &Table, a: &Table, plan: &mut Plan) {
    let d = Dialect::Sqlite;
    let new = format!("new__{}", a.name);
    plan.stmts.push(create_table(d, a, &new));
    let (mut cols, mut exprs) = (Vec::new(), Vec::new());
    for c in &a.cols {
        let fill = match op {
            Operation::AddField { name, .. } | Operation::AlterField { name, .. }
                if *name == c.field =>
            {
                fill_sql(d, op)
            }
            _ => None,
        }
        .or_else(|| {
            c.default
                .as_ref()
                .and_then(|v| literal(d, &c.field_type, v))
        });
        match b.col(source_field(op, &c.field)) {
            Some(o) => {
                let src = d.quote(&o.column);
                exprs.push(match (&fill, o.null && !c.null) {
                    (Some(f), true) => format!("coalesce({src}, {f})"),
                    _ => src,
                });
            }
            None => match fill {
                Some(f) => exprs.push(f),
                None => continue,
            },
        }
        cols.push(d.quote(&c.column));
    }
    if !cols.is_empty() {
        plan.stmts.push(format!(
            "INSERT INTO {} ({}) SELECT {} FROM {}",
            d.quote(&new),
            cols.join(", "),
            exprs.join(", "),
            d.quote(&b.name)
        ));
    }
    plan.stmts.push(format!("DROP TABLE {}", d.quote(&b.name)));
    plan.stmts.push(rename_table(d, &new, &a.name));
    plan.gone.push(b.name.clone());
    plan.fresh.push(a.name.clone());
}
