//! Django's `connection.cursor()`: SQL of your own, with parameters, for whatever the ORM does
//! not say. Each statement runs where the ORM's would: inside an open atomic block on the
//! cursor's alias, in that block's transaction; and it counts towards
//! [`count_queries`](super::count_queries).
//!
//! ```text
//! let mut cursor = rjango::db::cursor().await?;
//! let changed = cursor.execute("UPDATE blog_post SET views = 0 WHERE views < %s", vec![10.into()]).await?;
//! let rows = cursor.fetch_all("SELECT title, views FROM blog_post", vec![]).await?;
//! let title: String = rows[0].get(0)?;
//! ```
//!
//! Rust has no tuple-of-anything rows, so Django's `execute()` then `fetchall()` is split in two:
//! [`Cursor::execute`] for statements that change rows (it answers `rowcount`), and
//! [`Cursor::fetch_all`] / [`Cursor::fetch_one`] for statements that return them. Placeholders
//! are Django's on every backend, `%s` (`%%` for a literal `%`), as with `raw`: never format
//! values into the SQL.

use sea_orm::{QueryResult, TryGetable, Value};

use super::transaction::{Executor, executor};
use super::{DbError, Dialect};

/// A cursor on the `default` database (or the alias standing for it).
pub async fn cursor() -> Result<Cursor, DbError> {
    cursor_using("default").await
}

/// A cursor on the database `alias` of DATABASES: Django's `connections[alias].cursor()`.
pub async fn cursor_using(alias: &str) -> Result<Cursor, DbError> {
    let alias = (alias != "default").then(|| alias.to_owned());
    // Opened now, so a database that cannot be reached fails here, not at the first statement.
    let dialect = executor(alias.as_deref()).await?.dialect();
    Ok(Cursor { alias, dialect })
}

/// SQL of your own on one database. It holds no connection: each statement finds its own,
/// as the ORM's do, so a cursor made before an atomic block runs inside it when used there,
/// and one kept after the block never holds the block's transaction open.
pub struct Cursor {
    alias: Option<String>,
    dialect: Dialect,
}

impl Cursor {
    /// The dialect the SQL must be written in.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    async fn executor(&self) -> Result<Executor, DbError> {
        executor(self.alias.as_deref()).await
    }

    /// Runs a statement that returns no rows; answers how many rows it changed (Django's
    /// `cursor.rowcount`).
    pub async fn execute(&mut self, sql: &str, params: Vec<Value>) -> Result<u64, DbError> {
        let sql = self.dialect.placeholders(sql, params.len());
        Ok(self
            .executor()
            .await?
            .run(&sql, params)
            .await?
            .rows_affected())
    }

    /// Every row of a query (Django's `fetchall()`).
    pub async fn fetch_all(&mut self, sql: &str, params: Vec<Value>) -> Result<Vec<Row>, DbError> {
        let sql = self.dialect.placeholders(sql, params.len());
        let rows = self.executor().await?.fetch(&sql, params).await?;
        Ok(rows.into_iter().map(Row).collect())
    }

    /// The first row of a query, if any (Django's `fetchone()`).
    pub async fn fetch_one(
        &mut self,
        sql: &str,
        params: Vec<Value>,
    ) -> Result<Option<Row>, DbError> {
        Ok(self.fetch_all(sql, params).await?.into_iter().next())
    }
}

/// One row a cursor read. Columns are read by position, as Django's tuples are, or by name.
pub struct Row(QueryResult);

impl Row {
    /// Column `index` (from 0) as `T`; `Option<T>` for a column that may be NULL.
    pub fn get<T: TryGetable>(&self, index: usize) -> Result<T, DbError> {
        self.0
            .try_get_by_index(index)
            .map_err(|e| DbError::Query(format!("column {index}: {e}")))
    }

    /// Column `name` as `T`.
    pub fn get_by_name<T: TryGetable>(&self, name: &str) -> Result<T, DbError> {
        self.0
            .try_get("", name)
            .map_err(|e| DbError::Query(format!("column {name:?}: {e}")))
    }

    /// The row as SeaORM reads it, for types of your own.
    pub fn as_query_result(&self) -> &QueryResult {
        &self.0
    }
}
