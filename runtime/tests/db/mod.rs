//! Real databases for the migration tests: SQLite always, PostgreSQL and MariaDB when
//! RJANGO_TEST_POSTGRES / RJANGO_TEST_MYSQL hold a server URL (CI sets both). Each test gets a
//! uniquely named database, dropped afterwards; a missing server is a printed notice, never a
//! silent pass. Introspection reads each schema back into one comparable shape.

#![allow(dead_code)]

use std::collections::BTreeSet;

use rjango::db::migrations::schema::{FieldType, ProjectState, Value};
use rjango::db::migrations::schema_editor;
use rjango::db::{Connection, Dialect};

/// A test database, dropped when the test ends.
pub struct TestDb {
    pub conn: Connection,
    /// The database's URL, for opening more connections to it.
    pub url: String,
    admin_url: Option<String>,
    name: String,
    _dir: Option<tempfile::TempDir>,
}

fn unique_name() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "rjango_test_{}_{}_{}",
        std::process::id(),
        nanos,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestDb {
    /// Opens a fresh database of `dialect`, or None (with a notice) when its server is not configured.
    pub async fn open(dialect: Dialect) -> Option<TestDb> {
        let name = unique_name();
        match dialect {
            Dialect::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}/db.sqlite3", dir.path().display());
                let conn = Connection::open_url("default", &url)
                    .await
                    .expect("open sqlite");
                Some(TestDb {
                    conn,
                    url,
                    admin_url: None,
                    name,
                    _dir: Some(dir),
                })
            }
            Dialect::Postgres | Dialect::Mysql => {
                let var = if dialect == Dialect::Postgres {
                    "RJANGO_TEST_POSTGRES"
                } else {
                    "RJANGO_TEST_MYSQL"
                };
                let Ok(server) = std::env::var(var) else {
                    rjango::test::skip(
                        &format!("the {} part of a test", dialect.vendor()),
                        &format!("{var} is not set"),
                    );
                    return None;
                };
                let admin = Connection::open_url("admin", &server)
                    .await
                    .unwrap_or_else(|e| panic!("{var}: {e}"));
                admin
                    .execute(&format!("CREATE DATABASE {}", dialect.quote(&name)))
                    .await
                    .expect("create the test database");
                let url = rjango::db::url::with_database(&server, &name);
                let conn = Connection::open_url("default", &url)
                    .await
                    .expect("open the test database");
                Some(TestDb {
                    conn,
                    url,
                    admin_url: Some(server),
                    name,
                    _dir: None,
                })
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(server) = self.admin_url.clone() else {
            return;
        };
        let name = self.name.clone();
        let dialect = self.conn.dialect;
        // Our connection must close before the database can be dropped: do it on a new runtime
        // after this connection is gone (it is dropped with self after this returns), so use
        // FORCE on PostgreSQL.
        std::thread::spawn(move || {
            rjango::__private::block_on(async move {
                if let Ok(admin) = Connection::open_url("admin", &server).await {
                    let force = if dialect == Dialect::Postgres {
                        " WITH (FORCE)"
                    } else {
                        ""
                    };
                    let _ = admin
                        .execute(&format!(
                            "DROP DATABASE IF EXISTS {}{force}",
                            dialect.quote(&name)
                        ))
                        .await;
                }
            })
        })
        .join()
        .ok();
    }
}

/// Every dialect to test; the ones without a server are skipped with a notice by `TestDb::open`.
pub const DIALECTS: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql];

/// One column as the tests compare it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Column {
    pub name: String,
    pub ty: String,
    pub nullable: bool,
    pub default: Option<String>,
    pub primary_key: bool,
}

/// A table's schema in a comparable shape.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub columns: BTreeSet<Column>,
    /// (column, referenced table)
    pub foreign_keys: BTreeSet<(String, String)>,
    /// Column lists of unique constraints and unique indexes (primary key excluded).
    pub uniques: BTreeSet<Vec<String>>,
    /// Column lists of non-unique indexes.
    pub indexes: BTreeSet<Vec<String>>,
    /// Names of table-level CHECK constraints (a column's own checks, such as PostgreSQL's for
    /// PositiveIntegerField, belong to its type and are left out).
    pub checks: BTreeSet<String>,
}

/// Lower case, no display widths, and each dialect's synonyms folded to Django's spelling.
pub fn canonical_type(dialect: Dialect, ty: &str) -> String {
    let mut t = ty.trim().to_ascii_lowercase();
    // Auto-increment is a column attribute the databases report apart from the type.
    t = t
        .replace(" auto_increment", "")
        .replace(" generated by default as identity", "");
    if dialect == Dialect::Sqlite {
        t = t.replace(" primary key autoincrement", "");
    }
    if dialect == Dialect::Mysql {
        for (from, to) in [
            ("bigint(20)", "bigint"),
            ("int(11)", "integer"),
            ("int(10)", "integer"),
            ("smallint(6)", "smallint"),
            ("smallint(5)", "smallint"),
            ("tinyint(1)", "bool"),
            ("bigint(20) unsigned", "bigint unsigned"),
        ] {
            if t == from || t.starts_with(&format!("{from} ")) {
                t = t.replacen(from, to, 1);
            }
        }
        t = t
            .replace("int(11)", "integer")
            .replace("int(10)", "integer");
        if t == "int" {
            t = "integer".into();
        }
        t = t.replace("decimal(", "numeric(");
        // MariaDB's JSON is LONGTEXT with a json_valid CHECK; MySQL's DOUBLE PRECISION is DOUBLE.
        if t == "json" {
            t = "longtext".into();
        }
        t = t.replace("double precision", "double");
    }
    if dialect == Dialect::Postgres {
        t = t
            .replace("character varying", "varchar")
            .replace("time without time zone", "time")
            .replace("timestamp without time zone", "timestamp");
    }
    t.replace(", ", ",")
}

/// The expected schema of each table, from the state the models declare.
pub fn expected(
    dialect: Dialect,
    state: &ProjectState,
) -> std::collections::BTreeMap<String, Table> {
    let mut out = std::collections::BTreeMap::new();
    for model in state.models.values() {
        let mut table = Table::default();
        for (name, field) in &model.fields {
            let Some(ty) = column_type(dialect, state, field) else {
                continue;
            };
            let column = field.column(name);
            table.columns.insert(Column {
                name: column.clone(),
                ty: canonical_type(dialect, &ty),
                nullable: field.null,
                default: field
                    .default
                    .as_ref()
                    .and_then(|v| canonical_default(dialect, Some(&literal(v)))),
                primary_key: field.primary_key,
            });
            if let Some(target) = field.field_type.related_model()
                && matches!(
                    field.field_type,
                    FieldType::ForeignKey { .. } | FieldType::OneToOneField { .. }
                )
            {
                let (app, m) = target.split_once('.').unwrap();
                let target_table = state.get(app, m).map(|t| t.db_table()).unwrap_or_default();
                table.foreign_keys.insert((column.clone(), target_table));
            }
            let unique =
                field.unique || matches!(field.field_type, FieldType::OneToOneField { .. });
            // PostgreSQL's `_like` index (varchar_pattern_ops) beside an indexed text column.
            let indexed = unique
                || field.primary_key
                || field.db_index
                || matches!(field.field_type, FieldType::SlugField { .. });
            if dialect == Dialect::Postgres
                && indexed
                && (ty.starts_with("varchar") || ty.starts_with("text"))
            {
                table.indexes.insert(vec![column.clone()]);
            }
            if unique && !field.primary_key {
                table.uniques.insert(vec![column.clone()]);
            } else if (field.db_index
                || matches!(
                    field.field_type,
                    FieldType::ForeignKey { .. } | FieldType::SlugField { .. }
                ))
                && !field.primary_key
                // MySQL indexes TEXT, BLOB and JSON only by a prefix: Django leaves them out.
                && !(dialect == Dialect::Mysql
                    && ["longtext", "longblob", "json"].contains(&ty.as_str()))
            {
                table.indexes.insert(vec![column.clone()]);
            }
        }
        let col = |f: &str| {
            model
                .field(f)
                .map(|fs| fs.column(f))
                .unwrap_or_else(|| f.to_owned())
        };
        for ut in &model.options.unique_together {
            table.uniques.insert(ut.iter().map(|f| col(f)).collect());
        }
        for idx in &model.options.indexes {
            table
                .indexes
                .insert(idx.fields.iter().map(|f| col(f)).collect());
        }
        for c in &model.options.constraints {
            match c {
                rjango::db::migrations::schema::Constraint::Unique { fields, .. } => {
                    table
                        .uniques
                        .insert(fields.iter().map(|f| col(f)).collect());
                }
                rjango::db::migrations::schema::Constraint::Check { name, .. } => {
                    table.checks.insert(name.clone());
                }
            }
        }
        fold_fk_indexes(dialect, &mut table);
        out.insert(model.db_table(), table);
    }
    out
}

/// A field's column type; a relation's is its target's primary key's, an auto field's as the
/// plain integer it holds (Django's `rel_db_type`).
fn column_type(
    dialect: Dialect,
    state: &ProjectState,
    field: &rjango::db::migrations::schema::FieldState,
) -> Option<String> {
    let target_pk = match &field.field_type {
        FieldType::ForeignKey { .. } | FieldType::OneToOneField { .. } => field
            .field_type
            .related_model()
            .and_then(|t| t.split_once('.'))
            .and_then(|(app, m)| state.get(app, m))
            .and_then(|m| m.fields.iter().find(|(_, f)| f.primary_key))
            .map(|(_, pk)| pk.field_type.clone()),
        _ => None,
    };
    let Some(pk) = target_pk else {
        return schema_editor::column_type(dialect, field);
    };
    let held = match pk {
        FieldType::AutoField => FieldType::IntegerField,
        FieldType::BigAutoField => FieldType::BigIntegerField,
        FieldType::SmallAutoField => FieldType::SmallIntegerField,
        other => other,
    };
    let mut column = field.clone();
    column.field_type = held;
    schema_editor::column_type(dialect, &column)
}

fn literal(v: &Value) -> String {
    match v {
        Value::Str(s) | Value::Decimal(s) => format!("'{s}'"),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => {
            if *b {
                "1".into()
            } else {
                "0".into()
            }
        }
        // A one-off default only: no column keeps it.
        Value::Null | Value::Now => "NULL".into(),
    }
}

/// A default as the database reports it, reduced to its value: quotes, casts and
/// parentheses removed, booleans as 1/0.
pub fn canonical_default(_dialect: Dialect, d: Option<&str>) -> Option<String> {
    let mut s = d?.trim().to_owned();
    if s.eq_ignore_ascii_case("null") || s.is_empty() {
        return None;
    }
    while s.starts_with('(') && s.ends_with(')') {
        s = s[1..s.len() - 1].trim().to_owned();
    }
    if let Some(i) = s.find("::") {
        s.truncate(i);
    }
    let s = s.trim_matches('\'').to_owned();
    Some(match s.to_ascii_lowercase().as_str() {
        "true" => "1".into(),
        "false" => "0".into(),
        _ => s,
    })
}

/// Reads every table but the recorder's and SQLite's own back from the database.
pub async fn introspect(conn: &Connection) -> std::collections::BTreeMap<String, Table> {
    let d = conn.dialect;
    let tables: Vec<String> = match d {
        Dialect::Sqlite => conn.query_strings("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", &["name"]).await,
        Dialect::Postgres => conn.query_strings("SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public'", &["name"]).await,
        Dialect::Mysql => conn.query_strings("SELECT CAST(table_name AS CHAR) AS name FROM information_schema.tables WHERE table_schema = DATABASE()", &["name"]).await,
    }
    .unwrap()
    .into_iter()
    .filter_map(|r| r[0].clone())
    .filter(|t| t != "django_migrations")
    .collect();
    let mut out = std::collections::BTreeMap::new();
    for t in tables {
        out.insert(t.clone(), table(conn, &t).await);
    }
    out
}

async fn rows(conn: &Connection, sql: &str, cols: &[&str]) -> Vec<Vec<String>> {
    conn.query_strings(sql, cols)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|r| r.into_iter().map(|c| c.unwrap_or_default()).collect())
        .collect()
}

async fn table(conn: &Connection, t: &str) -> Table {
    let d = conn.dialect;
    let mut table = Table::default();
    match d {
        Dialect::Sqlite => {
            for r in rows(conn, &format!("SELECT name, type, \"notnull\" AS nn, dflt_value AS dflt, pk FROM pragma_table_info('{t}')"), &["name", "type", "nn", "dflt", "pk"]).await {
                table.columns.insert(Column {
                    name: r[0].clone(),
                    ty: canonical_type(d, &r[1]),
                    nullable: r[2] == "0",
                    default: canonical_default(d, Some(&r[3]).filter(|s| !s.is_empty()).map(|s| s.as_str())),
                    primary_key: r[4] != "0",
                });
            }
            for r in rows(
                conn,
                &format!(
                    "SELECT \"from\" AS col, \"table\" AS tbl FROM pragma_foreign_key_list('{t}')"
                ),
                &["col", "tbl"],
            )
            .await
            {
                table.foreign_keys.insert((r[0].clone(), r[1].clone()));
            }
            for r in rows(
                conn,
                &format!("SELECT name, \"unique\" AS u, origin FROM pragma_index_list('{t}')"),
                &["name", "u", "origin"],
            )
            .await
            {
                if r[2] == "pk" {
                    continue;
                }
                let cols: Vec<String> = rows(
                    conn,
                    &format!(
                        "SELECT name FROM pragma_index_info('{}') ORDER BY seqno",
                        r[0]
                    ),
                    &["name"],
                )
                .await
                .into_iter()
                .map(|c| c[0].clone())
                .collect();
                if r[1] == "1" {
                    table.uniques.insert(cols)
                } else {
                    table.indexes.insert(cols)
                };
            }
            // SQLite keeps no catalogue of CHECK constraints: read their names off the table's SQL.
            let sql = rows(
                conn,
                &format!("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{t}'"),
                &["sql"],
            )
            .await;
            let sql = sql.first().map(|r| r[0].clone()).unwrap_or_default();
            for part in sql.split("CONSTRAINT \"").skip(1) {
                if let Some((name, rest)) = part.split_once('"')
                    && rest.trim_start().starts_with("CHECK")
                {
                    table.checks.insert(name.to_owned());
                }
            }
        }
        Dialect::Postgres => {
            for r in rows(conn, &format!(
                "SELECT c.column_name::text AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS ty, c.is_nullable::text AS nullable, c.column_default::text AS dflt, \
                 CASE WHEN EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY(i.indkey)) THEN '1' ELSE '0' END AS pk \
                 FROM information_schema.columns c JOIN pg_attribute a ON a.attrelid = '\"{t}\"'::regclass AND a.attname = c.column_name \
                 WHERE c.table_schema = 'public' AND c.table_name = '{t}'"), &["name", "ty", "nullable", "dflt", "pk"]).await
            {
                table.columns.insert(Column {
                    name: r[0].clone(),
                    ty: canonical_type(d, &r[1]),
                    nullable: r[2] == "YES",
                    default: canonical_default(d, Some(&r[3]).filter(|s| !s.is_empty()).map(|s| s.as_str())),
                    primary_key: r[4] == "1",
                });
            }
            for r in rows(conn, &format!(
                "SELECT a.attname::text AS col, cl.relname::text AS tbl FROM pg_constraint co JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = co.conkey[1] \
                 JOIN pg_class cl ON cl.oid = co.confrelid WHERE co.contype = 'f' AND co.conrelid = '\"{t}\"'::regclass"), &["col", "tbl"]).await
            {
                table.foreign_keys.insert((r[0].clone(), r[1].clone()));
            }
            for r in rows(conn, &format!(
                "SELECT CASE WHEN i.indisunique THEN '1' ELSE '0' END AS u, string_agg(a.attname::text, ',' ORDER BY k.ord) AS cols FROM pg_index i \
                 CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
                 WHERE i.indrelid = '\"{t}\"'::regclass AND NOT i.indisprimary GROUP BY i.indexrelid, i.indisunique"), &["u", "cols"]).await
            {
                let cols: Vec<String> = r[1].split(',').map(str::to_owned).collect();
                if r[0] == "1" { table.uniques.insert(cols) } else { table.indexes.insert(cols) };
            }
            let column_checks: Vec<String> = table
                .columns
                .iter()
                .map(|c| format!("{t}_{}_check", c.name))
                .collect();
            for r in rows(conn, &format!(
                "SELECT conname::text AS name FROM pg_constraint WHERE contype = 'c' AND conrelid = '\"{t}\"'::regclass"), &["name"]).await
            {
                if !column_checks.contains(&r[0]) {
                    table.checks.insert(r[0].clone());
                }
            }
        }
        Dialect::Mysql => {
            for r in rows(conn, &format!(
                "SELECT CAST(column_name AS CHAR) AS name, CAST(column_type AS CHAR) AS ty, CAST(is_nullable AS CHAR) AS nullable, CAST(column_default AS CHAR) AS dflt, CAST(column_key AS CHAR) AS k \
                 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '{t}'"), &["name", "ty", "nullable", "dflt", "k"]).await
            {
                table.columns.insert(Column {
                    name: r[0].clone(),
                    ty: canonical_type(d, &r[1]),
                    nullable: r[2] == "YES",
                    default: canonical_default(d, Some(&r[3]).filter(|s| !s.is_empty()).map(|s| s.as_str())),
                    primary_key: r[4] == "PRI",
                });
            }
            for r in rows(conn, &format!(
                "SELECT CAST(column_name AS CHAR) AS col, CAST(referenced_table_name AS CHAR) AS tbl FROM information_schema.key_column_usage \
                 WHERE table_schema = DATABASE() AND table_name = '{t}' AND referenced_table_name IS NOT NULL"), &["col", "tbl"]).await
            {
                table.foreign_keys.insert((r[0].clone(), r[1].clone()));
            }
            for r in rows(conn, &format!(
                "SELECT CAST(index_name AS CHAR) AS name, CAST(MAX(non_unique) AS CHAR) AS nu, CAST(GROUP_CONCAT(column_name ORDER BY seq_in_index) AS CHAR) AS cols \
                 FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = '{t}' AND index_name <> 'PRIMARY' GROUP BY index_name"), &["name", "nu", "cols"]).await
            {
                let cols: Vec<String> = r[2].split(',').map(str::to_owned).collect();
                if r[1] == "0" { table.uniques.insert(cols) } else { table.indexes.insert(cols) };
            }
            for r in rows(conn, &format!(
                "SELECT CAST(constraint_name AS CHAR) AS name FROM information_schema.check_constraints \
                 WHERE constraint_schema = DATABASE() AND table_name = '{t}' AND level = 'Table'"), &["name"]).await
            {
                // A positive field's own CHECK, named `<table>_<column>_<hash>_check` by rjango,
                // belongs to its type.
                let own = table.columns.iter().any(|c| {
                    c.ty.ends_with(" unsigned")
                        && r[0]
                            .strip_prefix(&format!("{t}_{}_", c.name))
                            .and_then(|rest| rest.strip_suffix("_check"))
                            .is_some_and(|hash| {
                                hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit())
                            })
                });
                if !own {
                    table.checks.insert(r[0].clone());
                }
            }
        }
    }
    table
}

/// On MySQL a foreign key's column has InnoDB's own index unless another index starts with
/// the column (InnoDB then drops its own; Django's MySQL editor creates none).
pub fn fold_fk_indexes(dialect: Dialect, table: &mut Table) {
    if dialect != Dialect::Mysql {
        return;
    }
    let fks: Vec<String> = table.foreign_keys.iter().map(|(c, _)| c.clone()).collect();
    for fk in fks {
        let covered = table
            .uniques
            .iter()
            .chain(table.indexes.iter())
            .any(|cols| cols.len() > 1 && cols[0] == fk);
        if covered {
            table.indexes.remove(&vec![fk]);
        }
    }
}
