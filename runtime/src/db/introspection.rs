//! Django's `connection.introspection`, the part rjango needs: which tables exist.

use std::collections::BTreeSet;

use super::{Connection, DbError, Dialect};

/// The tables of the connection's database (its current schema on PostgreSQL), as
/// `introspection.table_names()` lists them.
pub async fn table_names(conn: &Connection) -> Result<BTreeSet<String>, DbError> {
    let sql = match conn.dialect {
        Dialect::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        }
        Dialect::Postgres => {
            "SELECT c.relname::text AS name FROM pg_catalog.pg_class c \
             WHERE c.relkind IN ('r', 'p') AND pg_catalog.pg_table_is_visible(c.oid)"
        }
        Dialect::Mysql => {
            "SELECT table_name AS name FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"
        }
    };
    Ok(conn
        .query_strings(sql, &["name"])
        .await?
        .into_iter()
        .filter_map(|mut row| row.pop().flatten())
        .collect())
}

/// Whether SQLite keeps AUTOINCREMENT counters (`sqlite_sequence`) in this database.
pub async fn has_sqlite_sequence(conn: &Connection) -> Result<bool, DbError> {
    Ok(!conn
        .query_strings(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'",
            &["name"],
        )
        .await?
        .is_empty())
}
