//! Django's `flush` (`sql_flush`): every table of the installed apps emptied, and its
//! auto-increment counters reset, in one go; the table of applied migrations kept. The
//! `flush` command and `#[rjango::test(transaction)]` (Django's TransactionTestCase) use it.

use sea_orm::{ConnectionTrait, TransactionTrait};

use super::migrations::ProjectState;
use super::migrations::schema_editor::table_names;
use super::{Connection, DbError, Dialect};

/// The statements that empty `tables` on `d`, in order.
pub fn flush_sql(d: Dialect, tables: &[String], sqlite_sequence: bool) -> Vec<String> {
    if tables.is_empty() {
        return Vec::new();
    }
    let quoted: Vec<String> = tables.iter().map(|t| d.quote(t)).collect();
    match d {
        // One statement: PostgreSQL checks foreign keys once, at its end.
        Dialect::Postgres => vec![format!("TRUNCATE {} RESTART IDENTITY", quoted.join(", "))],
        Dialect::Mysql => std::iter::once("SET FOREIGN_KEY_CHECKS = 0".to_owned())
            .chain(quoted.iter().map(|t| format!("TRUNCATE {t}")))
            .chain(std::iter::once("SET FOREIGN_KEY_CHECKS = 1".to_owned()))
            .collect(),
        // Foreign keys are DEFERRABLE INITIALLY DEFERRED: checked at the commit, by which
        // time every table is empty.
        Dialect::Sqlite => {
            let mut out: Vec<String> = quoted.iter().map(|t| format!("DELETE FROM {t}")).collect();
            if sqlite_sequence {
                let names: Vec<String> = tables
                    .iter()
                    .map(|t| format!("'{}'", t.replace('\'', "''")))
                    .collect();
                out.push(format!(
                    "UPDATE \"sqlite_sequence\" SET \"seq\" = 0 WHERE \"name\" IN ({})",
                    names.join(", ")
                ));
            }
            out
        }
    }
}

/// Empties every table of `state` on `conn`, in one transaction (on one connection, which
/// MySQL's session setting needs). Returns the number of tables.
pub async fn flush(conn: &Connection, state: &ProjectState) -> Result<usize, DbError> {
    let tables = table_names(conn.dialect, state).map_err(|e| DbError::Query(e.to_string()))?;
    let sqlite_sequence = conn.dialect == Dialect::Sqlite
        && !conn
            .query_strings(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'",
                &["name"],
            )
            .await?
            .is_empty();
    let statements = flush_sql(conn.dialect, &tables, sqlite_sequence);
    let fail = |e: sea_orm::DbErr| DbError::Query(e.to_string());
    let tx = conn.sea_orm().begin().await.map_err(fail)?;
    for sql in &statements {
        crate::db::queries::count(sql);
        tx.execute_unprepared(sql).await.map_err(fail)?;
    }
    tx.commit().await.map_err(fail)?;
    Ok(tables.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_per_backend() {
        let tables = vec!["blog_post".to_owned(), "blog_author".to_owned()];
        assert_eq!(
            flush_sql(Dialect::Postgres, &tables, false),
            ["TRUNCATE \"blog_post\", \"blog_author\" RESTART IDENTITY"]
        );
        assert_eq!(
            flush_sql(Dialect::Mysql, &tables, false),
            [
                "SET FOREIGN_KEY_CHECKS = 0",
                "TRUNCATE `blog_post`",
                "TRUNCATE `blog_author`",
                "SET FOREIGN_KEY_CHECKS = 1"
            ]
        );
        assert_eq!(
            flush_sql(Dialect::Sqlite, &tables, true),
            [
                "DELETE FROM \"blog_post\"",
                "DELETE FROM \"blog_author\"",
                "UPDATE \"sqlite_sequence\" SET \"seq\" = 0 WHERE \"name\" IN ('blog_post', 'blog_author')"
            ]
        );
        assert!(flush_sql(Dialect::Sqlite, &[], true).is_empty());
    }
}
