//! Django's QuerySet: lazy and chainable; nothing reaches the database until an async method
//! (`all`, `get`, `count`, ...) runs it. Built on the pool of the queryset's alias
//! ([`crate::db::connections`]), so no connection is passed around.

use std::marker::PhantomData;
use std::ops::{Bound, RangeBounds};

use sea_orm::Value;

use super::Model;
use super::lookups::{Assignment, Lookup, LookupKind, Node, Operand, OrderBy, Q};
use super::meta::is_unsaved;
use super::sql::Sql;
use crate::db::DbError;
use crate::db::transaction::{Executor, executor};

/// Why a query gave no answer: Django's `Model.DoesNotExist`, `MultipleObjectsReturned`, and
/// the database's own errors.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("{model} matching query does not exist.")]
    DoesNotExist { model: &'static str },
    #[error("get() returned more than one {model} -- it returned {count}!")]
    MultipleObjectsReturned { model: &'static str, count: String },
    #[error(transparent)]
    Database(#[from] DbError),
}

impl From<sea_orm::DbErr> for QueryError {
    fn from(e: sea_orm::DbErr) -> Self {
        QueryError::Database(DbError::Query(e.to_string()))
    }
}

impl QueryError {
    pub fn is_does_not_exist(&self) -> bool {
        matches!(self, QueryError::DoesNotExist { .. })
    }
}

pub type Result<T> = std::result::Result<T, QueryError>;

/// Django's `MAX_GET_RESULTS`: `get()` reads this many rows at most to say how many matched.
const MAX_GET_RESULTS: u64 = 21;

/// A lazy query over the rows of `M`.
pub struct QuerySet<M> {
    alias: Option<String>,
    filter: Vec<Node>,
    /// `None`: the model's Meta.ordering. `Some(empty)`: unordered (`order_by()`).
    ordering: Option<Vec<(String, bool)>>,
    low: u64,
    high: Option<u64>,
    distinct: bool,
    _m: PhantomData<fn() -> M>,
}

impl<M> Clone for QuerySet<M> {
    fn clone(&self) -> Self {
        QuerySet {
            alias: self.alias.clone(),
            filter: self.filter.clone(),
            ordering: self.ordering.clone(),
            low: self.low,
            high: self.high,
            distinct: self.distinct,
            _m: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for QuerySet<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuerySet")
            .field("alias", &self.alias)
            .field("filter", &self.filter)
            .field("ordering", &self.ordering)
            .finish()
    }
}

impl<M: Model> Default for QuerySet<M> {
    fn default() -> Self {
        QuerySet::new()
    }
}

impl<M: Model> QuerySet<M> {
    /// Every row of `M`: what `M::objects()` returns.
    pub fn new() -> Self {
        QuerySet {
            alias: None,
            filter: Vec::new(),
            ordering: None,
            low: 0,
            high: None,
            distinct: false,
            _m: PhantomData,
        }
    }

    /// Rows matching `q` too (Django's `filter`).
    pub fn filter(mut self, q: Q<M>) -> Self {
        self.filter.push(q.node);
        self
    }

    /// Rows not matching `q` (Django's `exclude`).
    pub fn exclude(mut self, q: Q<M>) -> Self {
        self.filter.push(Node::Not(Box::new(q.node)));
        self
    }

    /// Replaces the ordering; an empty list leaves the rows unordered (`order_by()`).
    pub fn order_by(mut self, terms: impl IntoIterator<Item = OrderBy<M>>) -> Self {
        self.ordering = Some(
            terms
                .into_iter()
                .map(|o| (o.column, o.descending))
                .collect(),
        );
        self
    }

    /// The same rows in the opposite order (Django's `reverse`).
    pub fn reverse(mut self) -> Self {
        self.ordering = Some(
            self.effective_ordering()
                .into_iter()
                .map(|(c, d)| (c, !d))
                .collect(),
        );
        self
    }

    /// Django's `qs[a:b]`: OFFSET/LIMIT, relative to any slice already taken.
    pub fn slice(mut self, range: impl RangeBounds<u64>) -> Self {
        let start = match range.start_bound() {
            Bound::Included(s) => *s,
            Bound::Excluded(s) => s + 1,
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(e) => Some(e + 1),
            Bound::Excluded(e) => Some(*e),
            Bound::Unbounded => None,
        };
        let low = self.low + start;
        let high = match (end.map(|e| self.low + e), self.high) {
            (Some(e), Some(h)) => Some(e.min(h)),
            (e, h) => e.or(h),
        };
        self.low = low;
        self.high = high.map(|h| h.max(low));
        self
    }

    /// Drops duplicate rows (SELECT DISTINCT).
    pub fn distinct(mut self) -> Self {
        self.distinct = true;
        self
    }

    /// Runs on the database `alias` of DATABASES instead of `default`.
    pub fn using(mut self, alias: &str) -> Self {
        self.alias = Some(alias.to_owned());
        self
    }

    async fn connection(&self) -> Result<Executor> {
        Ok(executor(self.alias.as_deref()).await?)
    }

    /// The ORDER BY in effect: the queryset's, else Meta.ordering.
    fn effective_ordering(&self) -> Vec<(String, bool)> {
        match &self.ordering {
            Some(o) => o.clone(),
            None => M::ORDERING
                .iter()
                .map(|term| {
                    let (name, desc) = match term.strip_prefix('-') {
                        Some(n) => (n, true),
                        None => (*term, false),
                    };
                    let column = M::FIELDS
                        .iter()
                        .find(|f| f.name == name)
                        .map_or(name, |f| f.column);
                    (column.to_owned(), desc)
                })
                .collect(),
        }
    }

    fn where_clause(&self, sql: &mut Sql) {
        if self.filter.is_empty() {
            return;
        }
        sql.push(" WHERE ");
        for (i, node) in self.filter.iter().enumerate() {
            if i > 0 {
                sql.push(" AND ");
            }
            sql.node(M::table(), node);
        }
    }

    fn select_sql(&self, conn: &Executor, ordering: &[(String, bool)], limit: Option<u64>) -> Sql {
        let table = M::table();
        let mut sql = Sql::new(conn.dialect());
        sql.push(if self.distinct {
            "SELECT DISTINCT "
        } else {
            "SELECT "
        });
        for (i, f) in M::FIELDS.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.column(table, f.column);
        }
        sql.push(" FROM ");
        sql.quote(table);
        self.where_clause(&mut sql);
        for (i, (column, desc)) in ordering.iter().enumerate() {
            sql.push(if i == 0 { " ORDER BY " } else { ", " });
            sql.column(table, column);
            sql.push(if *desc { " DESC" } else { " ASC" });
        }
        // Literal numbers, not parameters: SQLite prepares a statement again for every
        // different bound LIMIT (DESIGN.md, "Performance facts").
        let high = match (self.high, limit) {
            (Some(h), Some(l)) => Some(h.min(self.low + l)),
            (h, l) => h.or(l.map(|l| self.low + l)),
        };
        match (high, self.low) {
            (Some(h), low) => {
                sql.push(&format!(" LIMIT {}", h - low));
                if low > 0 {
                    sql.push(&format!(" OFFSET {low}"));
                }
            }
            (None, 0) => {}
            (None, low) => {
                // Every backend needs a LIMIT before OFFSET: Django writes the largest one.
                let max = match conn.dialect() {
                    crate::db::Dialect::Mysql => "18446744073709551615",
                    crate::db::Dialect::Sqlite => "-1",
                    crate::db::Dialect::Postgres => "ALL",
                };
                sql.push(&format!(" LIMIT {max} OFFSET {low}"));
            }
        }
        sql
    }

    async fn fetch(&self, ordering: &[(String, bool)], limit: Option<u64>) -> Result<Vec<M>> {
        let conn = self.connection().await?;
        let sql = self.select_sql(&conn, ordering, limit);
        let rows = conn.fetch(&sql.text, sql.values).await?;
        rows.iter()
            .map(|row| M::from_row(row, 0).map_err(QueryError::from))
            .collect()
    }

    /// Runs the query: every row it selects (Django's `list(qs)`).
    pub async fn all(&self) -> Result<Vec<M>> {
        self.fetch(&self.effective_ordering(), None).await
    }

    /// The one row matching `q`: [`QueryError::DoesNotExist`] when none does,
    /// [`QueryError::MultipleObjectsReturned`] when more than one does.
    pub async fn get(&self, q: Q<M>) -> Result<M> {
        let qs = self.clone().filter(q);
        // Unordered, as Django's get() clears the ordering, and never more than 21 rows.
        let mut rows = qs.fetch(&[], Some(MAX_GET_RESULTS)).await?;
        match rows.len() {
            0 => Err(QueryError::DoesNotExist { model: M::NAME }),
            1 => Ok(rows.remove(0)),
            n => Err(QueryError::MultipleObjectsReturned {
                model: M::NAME,
                count: if n as u64 == MAX_GET_RESULTS {
                    "more than 20".to_owned()
                } else {
                    n.to_string()
                },
            }),
        }
    }

    /// The first row, ordered by the primary key when the queryset has no order (Django's
    /// `first()`); `None` when there is none.
    pub async fn first(&self) -> Result<Option<M>> {
        let ordering = self.ordering_or_pk();
        Ok(self.fetch(&ordering, Some(1)).await?.into_iter().next())
    }

    /// The last row: the first of the reversed ordering (by primary key when unordered).
    pub async fn last(&self) -> Result<Option<M>> {
        let reversed: Vec<(String, bool)> = self
            .ordering_or_pk()
            .into_iter()
            .map(|(c, d)| (c, !d))
            .collect();
        Ok(self.fetch(&reversed, Some(1)).await?.into_iter().next())
    }

    /// The ordering in effect, or the primary key's when there is none (first/last).
    fn ordering_or_pk(&self) -> Vec<(String, bool)> {
        let mut ordering = self.effective_ordering();
        if ordering.is_empty() {
            ordering.push((pk_column::<M>().to_owned(), false));
        }
        ordering
    }

    /// How many rows match (SELECT COUNT(*)).
    pub async fn count(&self) -> Result<u64> {
        let conn = self.connection().await?;
        let mut sql = Sql::new(conn.dialect());
        if self.low > 0 || self.high.is_some() || self.distinct {
            // A sliced or distinct queryset is counted as a subquery, as Django does.
            let inner = self.select_sql(&conn, &[], None);
            sql.push("SELECT COUNT(*) FROM (");
            sql.push(&inner.text);
            sql.values = inner.values;
            sql.push(") subquery");
        } else {
            sql.push("SELECT COUNT(*) FROM ");
            sql.quote(M::table());
            self.where_clause(&mut sql);
        }
        let rows = conn.fetch(&sql.text, sql.values).await?;
        let n: i64 = rows
            .first()
            .map(|r| r.try_get_by_index::<i64>(0))
            .transpose()?
            .unwrap_or(0);
        Ok(n as u64)
    }

    /// Whether any row matches (SELECT 1 ... LIMIT 1).
    pub async fn exists(&self) -> Result<bool> {
        let conn = self.connection().await?;
        let mut sql = Sql::new(conn.dialect());
        sql.push("SELECT 1 AS a FROM ");
        sql.quote(M::table());
        self.where_clause(&mut sql);
        sql.push(" LIMIT 1");
        Ok(!conn.fetch(&sql.text, sql.values).await?.is_empty())
    }

    /// Sets columns of every matching row in one UPDATE; returns how many rows matched.
    /// `F` expressions read the row's own values: `post::views.set(F(post::views) + 1)`.
    pub async fn update(
        &self,
        assignments: impl IntoIterator<Item = Assignment<M>>,
    ) -> Result<u64> {
        let conn = self.connection().await?;
        let table = M::table();
        let mut sql = Sql::new(conn.dialect());
        sql.push("UPDATE ");
        sql.quote(table);
        sql.push(" SET ");
        for (i, a) in assignments.into_iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.quote(a.column);
            sql.push(" = ");
            sql.operand(table, &a.value);
        }
        self.where_clause(&mut sql);
        Ok(conn.run(&sql.text, sql.values).await?.rows_affected())
    }

    /// Deletes every matching row; returns how many were deleted.
    pub async fn delete(&self) -> Result<u64> {
        let conn = self.connection().await?;
        let mut sql = Sql::new(conn.dialect());
        sql.push("DELETE FROM ");
        sql.quote(M::table());
        self.where_clause(&mut sql);
        Ok(conn.run(&sql.text, sql.values).await?.rows_affected())
    }

    /// Inserts `instance` and returns it with its primary key (Django's `create`).
    pub async fn create(&self, mut instance: M) -> Result<M> {
        let conn = self.connection().await?;
        insert(&conn, &mut instance).await?;
        Ok(instance)
    }

    /// The row matching `q`, or `defaults` inserted: `(instance, created)`.
    pub async fn get_or_create(&self, q: Q<M>, defaults: impl FnOnce() -> M) -> Result<(M, bool)> {
        match self.get(q).await {
            Ok(found) => Ok((found, false)),
            Err(QueryError::DoesNotExist { .. }) => Ok((self.create(defaults()).await?, true)),
            Err(e) => Err(e),
        }
    }
}

fn pk_column<M: Model>() -> &'static str {
    M::FIELDS
        .iter()
        .find(|f| f.primary_key)
        .map_or("id", |f| f.column)
}

/// INSERT of one instance; the primary key the database assigns is stored back.
pub(crate) async fn insert<M: Model>(conn: &Executor, instance: &mut M) -> Result<()> {
    instance.touch(chrono::Utc::now(), true);
    let table = M::table();
    let values = instance.values();
    let auto_pk = M::FIELDS
        .iter()
        .position(|f| f.auto)
        .filter(|_| is_unsaved(&instance.pk()));
    let mut sql = Sql::new(conn.dialect());
    sql.push("INSERT INTO ");
    sql.quote(table);
    sql.push(" (");
    let mut first = true;
    for (i, f) in M::FIELDS.iter().enumerate() {
        if Some(i) == auto_pk {
            continue;
        }
        if !first {
            sql.push(", ");
        }
        first = false;
        sql.quote(f.column);
    }
    sql.push(") VALUES (");
    let mut first = true;
    for (i, v) in values.into_iter().enumerate() {
        if Some(i) == auto_pk {
            continue;
        }
        if !first {
            sql.push(", ");
        }
        first = false;
        sql.param(v);
    }
    sql.push(")");
    let Some(pk) = auto_pk else {
        conn.run(&sql.text, sql.values).await?;
        return Ok(());
    };
    let id = match conn.dialect() {
        crate::db::Dialect::Mysql => conn.run(&sql.text, sql.values).await?.last_insert_id() as i64,
        _ => {
            sql.push(" RETURNING ");
            sql.quote(M::FIELDS[pk].column);
            let rows = conn.fetch(&sql.text, sql.values).await?;
            let row = rows.first().ok_or_else(|| {
                QueryError::Database(DbError::Query("INSERT returned no key".into()))
            })?;
            row.try_get_by_index::<i64>(0)
                .or_else(|_| row.try_get_by_index::<i32>(0).map(i64::from))?
        }
    };
    instance.set_pk(id);
    Ok(())
}

/// UPDATE of one saved instance's columns; false when no row has its key.
pub(crate) async fn update_row<M: Model>(
    conn: &Executor,
    instance: &mut M,
    only: Option<&[&str]>,
) -> Result<bool> {
    instance.touch(chrono::Utc::now(), false);
    let table = M::table();
    let mut sql = Sql::new(conn.dialect());
    sql.push("UPDATE ");
    sql.quote(table);
    sql.push(" SET ");
    let mut first = true;
    let mut pk: Option<(&'static str, Value)> = None;
    for (f, v) in M::FIELDS.iter().zip(instance.values()) {
        if f.primary_key {
            pk = Some((f.column, v));
            continue;
        }
        if only.is_some_and(|o| !o.contains(&f.name)) {
            continue;
        }
        if !first {
            sql.push(", ");
        }
        first = false;
        sql.quote(f.column);
        sql.push(" = ");
        sql.param(v);
    }
    let Some((pk_col, pk_val)) = pk else {
        return Ok(false);
    };
    if first {
        // Nothing to set: Django's save(update_fields=[]) does nothing.
        return Ok(true);
    }
    sql.push(" WHERE ");
    sql.quote(pk_col);
    sql.push(" = ");
    sql.param(pk_val);
    Ok(conn.run(&sql.text, sql.values).await?.rows_affected() > 0)
}

/// What every model instance can do: Django's `save`, `delete` and `refresh_from_db`.
#[allow(async_fn_in_trait)]
pub trait Instance: Model {
    /// Inserts a new instance (its auto key still 0) or updates a saved one; an update that
    /// finds no row inserts, as Django's save does.
    async fn save(&mut self) -> Result<()> {
        let conn = executor(None).await?;
        if is_unsaved(&self.pk()) || !update_row(&conn, self, None).await? {
            insert(&conn, self).await?;
        }
        Ok(())
    }

    /// Updates only the named fields (Django's `save(update_fields=[...])`).
    async fn save_fields(&mut self, fields: &[&str]) -> Result<()> {
        let conn = executor(None).await?;
        if !update_row(&conn, self, Some(fields)).await? {
            return Err(QueryError::Database(DbError::Query(format!(
                "{} has no row to update: save_fields() needs a saved instance",
                Self::NAME
            ))));
        }
        Ok(())
    }

    /// Deletes this instance's row; returns how many rows were deleted.
    async fn delete(&self) -> Result<u64> {
        QuerySet::new().filter(this(self)).delete().await
    }

    /// Reads this instance's row again.
    async fn refresh_from_db(&mut self) -> Result<()> {
        *self = QuerySet::new().get(this(self)).await?;
        Ok(())
    }
}

/// The condition of exactly this instance's row: `pk = self.pk`.
fn this<M: Model>(instance: &M) -> Q<M> {
    Q::new(Node::Lookup(Lookup {
        column: pk_column::<M>(),
        transform: None,
        kind: LookupKind::Exact,
        rhs: vec![Operand::Value(instance.pk())],
    }))
}

impl<M: Model> Instance for M {}
