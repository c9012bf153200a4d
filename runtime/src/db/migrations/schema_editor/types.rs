//! Django 5.2's `data_types`, `data_types_suffix` and `data_type_check_constraints` of the
//! sqlite3, postgresql and mysql backends, and default values written as SQL literals.

use rjango_schema::{FieldState, FieldType, Value};

use crate::db::dialect::Dialect;

/// Django's `db_type` for a field type that is not a relation.
pub(crate) fn base_type(d: Dialect, t: &FieldType) -> String {
    use Dialect::*;
    use FieldType as T;
    let s: &str = match (t, d) {
        (T::AutoField, Sqlite | Postgres) => "integer",
        (T::AutoField, Mysql) => "integer AUTO_INCREMENT",
        (T::BigAutoField, Sqlite) => "integer",
        (T::BigAutoField, Postgres) => "bigint",
        (T::BigAutoField, Mysql) => "bigint AUTO_INCREMENT",
        (T::SmallAutoField, Sqlite) => "integer",
        (T::SmallAutoField, Postgres) => "smallint",
        (T::SmallAutoField, Mysql) => "smallint AUTO_INCREMENT",
        (
            T::CharField { max_length }
            | T::SlugField { max_length }
            | T::EmailField { max_length }
            | T::URLField { max_length },
            _,
        ) => return format!("varchar({max_length})"),
        (T::TextField, Sqlite | Postgres) => "text",
        (T::TextField, Mysql) => "longtext",
        (T::IntegerField, _) => "integer",
        (T::BigIntegerField, _) => "bigint",
        (T::SmallIntegerField, _) => "smallint",
        (T::PositiveIntegerField, Sqlite) => "integer unsigned",
        (T::PositiveIntegerField, Postgres) => "integer",
        (T::PositiveIntegerField, Mysql) => "integer UNSIGNED",
        (T::PositiveBigIntegerField, Sqlite) => "bigint unsigned",
        (T::PositiveBigIntegerField, Postgres) => "bigint",
        (T::PositiveBigIntegerField, Mysql) => "bigint UNSIGNED",
        (T::PositiveSmallIntegerField, Sqlite) => "smallint unsigned",
        (T::PositiveSmallIntegerField, Postgres) => "smallint",
        (T::PositiveSmallIntegerField, Mysql) => "smallint UNSIGNED",
        (T::BooleanField, Sqlite | Mysql) => "bool",
        (T::BooleanField, Postgres) => "boolean",
        (T::FloatField, Sqlite) => "real",
        (T::FloatField, Postgres | Mysql) => "double precision",
        (T::DecimalField { .. }, Sqlite) => "decimal",
        (
            T::DecimalField {
                max_digits,
                decimal_places,
            },
            Postgres | Mysql,
        ) => return format!("numeric({max_digits}, {decimal_places})"),
        (T::DateField { .. }, _) => "date",
        (T::DateTimeField { .. }, Sqlite) => "datetime",
        (T::DateTimeField { .. }, Postgres) => "timestamp with time zone",
        (T::DateTimeField { .. }, Mysql) => "datetime(6)",
        (T::TimeField { .. }, Sqlite | Postgres) => "time",
        (T::TimeField { .. }, Mysql) => "time(6)",
        (T::DurationField, Sqlite | Mysql) => "bigint",
        (T::DurationField, Postgres) => "interval",
        (T::UUIDField, Sqlite | Mysql) => "char(32)",
        (T::UUIDField, Postgres) => "uuid",
        (T::JSONField, Sqlite) => "text",
        (T::JSONField, Postgres) => "jsonb",
        (T::JSONField, Mysql) => "json",
        (T::BinaryField, Sqlite) => "BLOB",
        (T::BinaryField, Postgres) => "bytea",
        (T::BinaryField, Mysql) => "longblob",
        // Relations: the column of a ForeignKey to a BigAutoField primary key.
        (T::ForeignKey { .. } | T::OneToOneField { .. } | T::ManyToManyField { .. }, _) => {
            return rel_db_type(d, &T::BigAutoField);
        }
    };
    s.to_owned()
}

/// Django's `rel_db_type`: the type of a column that points at a primary key of type `target`.
pub(crate) fn rel_db_type(d: Dialect, target: &FieldType) -> String {
    use FieldType as T;
    match target {
        T::AutoField => base_type(d, &T::IntegerField),
        T::BigAutoField => base_type(d, &T::BigIntegerField),
        T::SmallAutoField => base_type(d, &T::SmallIntegerField),
        // `related_fields_match_type` is True on MySQL only.
        T::PositiveIntegerField if d != Dialect::Mysql => base_type(d, &T::IntegerField),
        T::PositiveBigIntegerField if d != Dialect::Mysql => base_type(d, &T::BigIntegerField),
        T::PositiveSmallIntegerField if d != Dialect::Mysql => base_type(d, &T::SmallIntegerField),
        t => base_type(d, t),
    }
}

/// Django's `db_type` on a backend: None for a ManyToManyField (a join table, no column). A
/// ForeignKey/OneToOneField is typed here as pointing at a BigAutoField (Django's
/// DEFAULT_AUTO_FIELD); the schema editor uses the real target's primary key.
pub fn column_type(dialect: Dialect, field: &FieldState) -> Option<String> {
    field
        .field_type
        .has_column()
        .then(|| base_type(dialect, &field.field_type))
}

/// `data_type_check_constraints`: the CHECK a column of this type carries.
pub(crate) fn type_check(d: Dialect, t: &FieldType, column: &str) -> Option<String> {
    use FieldType as T;
    let q = d.quote(column);
    match t {
        T::PositiveIntegerField | T::PositiveBigIntegerField | T::PositiveSmallIntegerField => {
            Some(format!("{q} >= 0"))
        }
        T::JSONField if d == Dialect::Sqlite => Some(format!("(JSON_VALID({q}) OR {q} IS NULL)")),
        _ => None,
    }
}

/// `data_types_suffix`: written after the column definition.
pub(crate) fn type_suffix(d: Dialect, t: &FieldType) -> Option<&'static str> {
    match d {
        _ if !t.is_auto() => None,
        Dialect::Sqlite => Some("AUTOINCREMENT"),
        Dialect::Postgres => Some("GENERATED BY DEFAULT AS IDENTITY"),
        Dialect::Mysql => None,
    }
}

/// A string literal: `'it''s'` (MySQL also doubles backslashes, its escape character).
pub(crate) fn quote_str(d: Dialect, s: &str) -> String {
    let s = s.replace('\'', "''");
    let s = if d == Dialect::Mysql {
        s.replace('\\', "\\\\")
    } else {
        s
    };
    format!("'{s}'")
}

fn is_number(s: &str) -> bool {
    let body = s.strip_prefix('-').unwrap_or(s);
    !body.is_empty()
        && body.chars().all(|c| c.is_ascii_digit() || c == '.')
        && body.chars().filter(|c| *c == '.').count() <= 1
        && body.chars().any(|c| c.is_ascii_digit())
}

fn json_text(v: &Value) -> String {
    match v {
        Value::Str(s) => serde_json::Value::String(s.clone()).to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(|n| n.to_string())
            .unwrap_or_else(|| "null".into()),
        Value::Bool(b) => b.to_string(),
        Value::Decimal(s) => s.clone(),
        Value::Null | Value::Now => "null".into(),
    }
}

/// A field's default as an SQL literal for column `t`; None for no default (None or NULL).
pub(crate) fn literal(d: Dialect, t: &FieldType, v: &Value) -> Option<String> {
    Some(match (t, v) {
        (_, Value::Null) => return None,
        (FieldType::JSONField, v) => quote_str(d, &json_text(v)),
        (FieldType::UUIDField, Value::Str(s)) if d != Dialect::Postgres => {
            // char(32): Django stores the hex digits without dashes.
            let hex: String = s.chars().filter(|c| *c != '-').collect();
            if hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
                quote_str(d, &hex.to_ascii_lowercase())
            } else {
                quote_str(d, s)
            }
        }
        (FieldType::DurationField, Value::Int(us)) if d == Dialect::Postgres => {
            format!("'{us} microseconds'")
        }
        (_, Value::Str(s)) => quote_str(d, s),
        (_, Value::Int(i)) => i.to_string(),
        (_, Value::Float(f)) if f.is_finite() => {
            let s = f.to_string();
            if is_number(&s) { s } else { format!("{f:e}") }
        }
        (_, Value::Float(f)) => quote_str(d, &f.to_string()),
        (_, Value::Bool(b)) => match d {
            Dialect::Postgres => if *b { "true" } else { "false" }.to_owned(),
            _ => if *b { "1" } else { "0" }.to_owned(),
        },
        (_, Value::Decimal(s)) if is_number(s) => s.clone(),
        (_, Value::Decimal(s)) => quote_str(d, s),
        (t, Value::Now) => quote_str(d, &now_text(d, t, chrono::Utc::now())?),
    })
}

/// Django's `timezone.now` as a one-off default: the moment the statement is written, as the
/// column stores it (UTC; a date or a time alone for those fields).
fn now_text(d: Dialect, t: &FieldType, now: chrono::DateTime<chrono::Utc>) -> Option<String> {
    Some(match t {
        FieldType::DateField { .. } => now.format("%Y-%m-%d").to_string(),
        FieldType::TimeField { .. } => now.format("%H:%M:%S%.6f").to_string(),
        FieldType::DateTimeField { .. } => match d {
            Dialect::Postgres => now.format("%Y-%m-%d %H:%M:%S%.6f+00:00").to_string(),
            // As the ORM binds a DateTimeField on SQLite (sqlx's RFC 3339), so rows compare.
            Dialect::Sqlite => now.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false),
            Dialect::Mysql => now.format("%Y-%m-%d %H:%M:%S%.6f").to_string(),
        },
        _ => return None,
    })
}

/// MySQL takes a default on TEXT, BLOB and JSON columns only as an expression: `DEFAULT ('x')`.
pub(crate) fn default_clause(d: Dialect, column_type: &str, lit: &str) -> String {
    if d == Dialect::Mysql && matches!(column_type, "longtext" | "longblob" | "json") {
        format!("({lit})")
    } else {
        lit.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timezone_now_is_the_moment_as_each_column_stores_it() {
        use chrono::TimeZone;
        let at = chrono::Utc.with_ymd_and_hms(2026, 12, 6, 1, 2, 3).unwrap();
        let datetime = FieldType::DateTimeField {
            auto_now: false,
            auto_now_add: false,
        };
        assert_eq!(
            now_text(Dialect::Postgres, &datetime, at).unwrap(),
            "2026-12-06 01:02:03.000000+00:00"
        );
        assert_eq!(
            now_text(Dialect::Sqlite, &datetime, at).unwrap(),
            "2026-12-06T01:02:03+00:00"
        );
        assert_eq!(
            now_text(Dialect::Mysql, &datetime, at).unwrap(),
            "2026-12-06 01:02:03.000000"
        );
        let date = FieldType::DateField {
            auto_now: false,
            auto_now_add: false,
        };
        assert_eq!(now_text(Dialect::Mysql, &date, at).unwrap(), "2026-12-06");
        assert!(now_text(Dialect::Mysql, &FieldType::TextField, at).is_none());
        assert!(literal(Dialect::Sqlite, &date, &Value::Now).is_some());
    }

    #[test]
    fn literals_per_dialect() {
        let t = FieldType::BooleanField;
        assert_eq!(
            literal(Dialect::Sqlite, &t, &Value::Bool(true)).unwrap(),
            "1"
        );
        assert_eq!(
            literal(Dialect::Postgres, &t, &Value::Bool(true)).unwrap(),
            "true"
        );
        let t = FieldType::TextField;
        let v = Value::Str("it's \\".into());
        assert_eq!(literal(Dialect::Postgres, &t, &v).unwrap(), "'it''s \\'");
        assert_eq!(literal(Dialect::Mysql, &t, &v).unwrap(), "'it''s \\\\'");
        let t = FieldType::UUIDField;
        let v = Value::Str("00000000-0000-0000-0000-0000000000AB".into());
        assert_eq!(
            literal(Dialect::Sqlite, &t, &v).unwrap(),
            "'000000000000000000000000000000ab'"
        );
        let t = FieldType::JSONField;
        assert_eq!(
            literal(Dialect::Sqlite, &t, &Value::Str("a".into())).unwrap(),
            "'\"a\"'"
        );
        let t = FieldType::DecimalField {
            max_digits: 5,
            decimal_places: 2,
        };
        assert_eq!(
            literal(Dialect::Mysql, &t, &Value::Decimal("1.50".into())).unwrap(),
            "1.50"
        );
        assert_eq!(literal(Dialect::Mysql, &t, &Value::Null), None);
    }
}
