//! A constraint's `Q` as SQL for one backend: Django renders a CheckConstraint's condition (and
//! a UniqueConstraint's) with the values written in, as literals, since DDL takes no
//! parameters. Columns are the table's, fields named by their name or attname (`author_id`).

use rjango_schema::{Condition, FieldType, Q, QValue, Value};

use super::SchemaError;
use super::tables::Table;
use super::types::{literal, quote_str};
use crate::db::Dialect;

/// The SQL of `condition` on `table`: a Q rendered for `d`, or the SQL written by hand.
pub(crate) fn condition_sql(
    d: Dialect,
    table: &Table,
    condition: &Condition,
) -> Result<String, SchemaError> {
    match condition {
        Condition::Sql(sql) => Ok(sql.clone()),
        Condition::Q(q) => q_sql(d, table, q),
    }
}

fn q_sql(d: Dialect, t: &Table, q: &Q) -> Result<String, SchemaError> {
    match q {
        Q::And(items) | Q::Or(items) => {
            let op = if matches!(q, Q::And(_)) {
                " AND "
            } else {
                " OR "
            };
            let parts = items
                .iter()
                .map(|q| q_sql(d, t, q))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(format!("({})", parts.join(op)))
        }
        Q::Not(inner) => Ok(format!("NOT ({})", q_sql(d, t, inner)?)),
        Q::Lookup {
            field,
            lookup,
            value,
        } => lookup_sql(d, t, field, lookup, value),
    }
}

/// A field's column and type, by name or attname.
fn column<'a>(t: &'a Table, field: &str) -> Result<(String, &'a FieldType), SchemaError> {
    let col = t.col(field).or_else(|| {
        let base = field.strip_suffix("_id")?;
        t.col(base).filter(|c| c.is_fk_field)
    });
    col.map(|c| (c.column.clone(), &c.field_type))
        .ok_or_else(|| {
            SchemaError::State(format!(
                "a constraint of {} names {field}, which it has no column for",
                t.name
            ))
        })
}

fn lookup_sql(
    d: Dialect,
    t: &Table,
    field: &str,
    lookup: &str,
    value: &QValue,
) -> Result<String, SchemaError> {
    let (col, ty) = column(t, field)?;
    let col = d.quote(&col);
    // A value as the column stores it (booleans, UUIDs and JSON differ between backends).
    let lit = |v: &Value| literal(d, ty, v).unwrap_or_else(|| "NULL".to_owned());
    let one = || -> Result<String, SchemaError> {
        match value {
            QValue::Value(v) => Ok(lit(v)),
            QValue::F(other) => Ok(d.quote(&column(t, other)?.0)),
            QValue::List(_) => Err(SchemaError::State(format!(
                "the lookup {field}__{lookup} takes one value"
            ))),
        }
    };
    let list = || match value {
        QValue::List(items) => Ok(items.iter().map(lit).collect::<Vec<_>>()),
        _ => Err(SchemaError::State(format!(
            "the lookup {field}__{lookup} takes a list"
        ))),
    };
    let text = || match value {
        QValue::Value(Value::Str(s)) => Ok(s.clone()),
        _ => Err(SchemaError::State(format!(
            "the lookup {field}__{lookup} takes a string"
        ))),
    };
    // LIKE patterns match `%`, `_` and `\` in the value literally, as Django's do.
    let like = |before: &str, after: &str, fold: bool| -> Result<String, SchemaError> {
        let escaped = text()?
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = quote_str(d, &format!("{before}{escaped}{after}"));
        let escape = if d == Dialect::Mysql {
            "'\\\\'"
        } else {
            "'\\'"
        };
        Ok(match (d, fold) {
            (Dialect::Postgres, true) => {
                format!("UPPER({col}::text) LIKE UPPER({pattern}) ESCAPE {escape}")
            }
            (Dialect::Mysql, false) => format!("{col} LIKE BINARY {pattern} ESCAPE {escape}"),
            _ => format!("{col} LIKE {pattern} ESCAPE {escape}"),
        })
    };
    Ok(match lookup {
        // Django's exact and iexact with None: IS NULL.
        "exact" | "iexact" if matches!(value, QValue::Value(Value::Null)) => {
            format!("{col} IS NULL")
        }
        "exact" => format!("{col} = {}", one()?),
        "iexact" => match d {
            Dialect::Postgres => format!("UPPER({col}::text) = UPPER({})", one()?),
            _ => format!("LOWER({col}) = LOWER({})", one()?),
        },
        "gt" => format!("{col} > {}", one()?),
        "gte" => format!("{col} >= {}", one()?),
        "lt" => format!("{col} < {}", one()?),
        "lte" => format!("{col} <= {}", one()?),
        "in" => format!("{col} IN ({})", list()?.join(", ")),
        "range" => match list()?.as_slice() {
            [low, high] => format!("{col} BETWEEN {low} AND {high}"),
            _ => {
                return Err(SchemaError::State(format!(
                    "the lookup {field}__range takes two values"
                )));
            }
        },
        "isnull" => match value {
            QValue::Value(Value::Bool(true)) => format!("{col} IS NULL"),
            _ => format!("{col} IS NOT NULL"),
        },
        "contains" => like("%", "%", false)?,
        "icontains" => like("%", "%", true)?,
        "startswith" => like("", "%", false)?,
        "istartswith" => like("", "%", true)?,
        "endswith" => like("%", "", false)?,
        "iendswith" => like("%", "", true)?,
        other => {
            return Err(SchemaError::State(format!(
                "the lookup {field}__{other} is not supported in a constraint"
            )));
        }
    })
}
