//! Django's `flush` (`sql_flush`): every existing table of the installed apps emptied, and its
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

/// Empties every table of `state` that exists on `conn` (a model whose migration has not run
/// yet has none, as Django's `only_existing`), on one connection, which MySQL's session
/// setting needs. PostgreSQL and SQLite do it in one transaction; MySQL's TRUNCATE commits by
/// itself, so there a failure can leave some tables emptied. Returns the number of tables.
pub async fn flush(conn: &Connection, state: &ProjectState) -> Result<usize, DbError> {
    let existing = super::introspection::table_names(conn).await?;
    let tables: Vec<String> = table_names(conn.dialect, state)
        .map_err(|e| DbError::Query(e.to_string()))?
        .into_iter()
        .filter(|t| existing.contains(t))
        .collect();
    let sqlite_sequence =
        conn.dialect == Dialect::Sqlite && super::introspection::has_sqlite_sequence(conn).await?;
    let statements = flush_sql(conn.dialect, &tables, sqlite_sequence);
    let fail = |e: sea_orm::DbErr| DbError::Query(e.to_string());
    let tx = conn.sea_orm().begin().await.map_err(fail)?;
    for sql in &statements {
        crate::db::queries::count(sql);
        if let Err(e) = tx.execute_unprepared(sql).await {
            if conn.dialect == Dialect::Mysql {
                // The connection goes back to the pool: never with its foreign keys unchecked.
                let _ = tx.execute_unprepared("SET FOREIGN_KEY_CHECKS = 1").await;
            }
            return Err(fail(e));
        }
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
