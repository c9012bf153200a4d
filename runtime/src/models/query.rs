//! Django's QuerySet: lazy and chainable; nothing reaches the database until an async method
//! (`all`, `get`, `count`, ...) runs it. Built on the pool of the queryset's alias
//! ([`crate::db::connections`]), so no connection is passed around.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::ops::{Bound, RangeBounds};

use sea_orm::{QueryResult, Value};

use super::Model;
use super::aggregates::{Aggregates, Having};
use super::deletion::{self, Deleted};
use super::functions::{DateKind, DateTimeKind, DbFunction};
use super::lookups::Term;
use super::lookups::{
    Assignment, DateLookups, DateTimeLookups, Join, Lookup, LookupKind, Node, Operand, OrderBy, Q,
    Relation,
};
use super::meta::{is_unsaved, pk_column};
use super::relations::{SelectRelated, SelectedLevel};
use super::sql::{Joins, Scope, Sql, field_operand};
use super::values::{Dicts, Tuples, Values, ValuesList, ValuesOf, json_of_value};
use crate::db::transaction::{Executor, executor};
use crate::db::{DbError, Dialect};

/// Why a query gave no answer: Django's `Model.DoesNotExist`, `MultipleObjectsReturned`,
/// `ProtectedError`/`RestrictedError`, and the database's own errors.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("{model} matching query does not exist.")]
    DoesNotExist { model: &'static str },
    #[error("get() returned more than one {model} -- it returned {count}!")]
    MultipleObjectsReturned { model: &'static str, count: String },
    /// Nothing was deleted: rows of other models still point at these with `on_delete`
    /// PROTECT (or RESTRICT, outside a cascade).
    #[error("{message}")]
    Protected {
        message: String,
        /// The protecting rows: (model label, primary keys).
        rows: Vec<(String, Vec<i64>)>,
    },
    #[error(transparent)]
    Database(#[from] DbError),
}

impl From<sea_orm::DbErr> for QueryError {
    fn from(e: sea_orm::DbErr) -> Self {
        QueryError::Database(crate::db::connection::driver_error(&e))
    }
}

impl QueryError {
    pub fn is_does_not_exist(&self) -> bool {
        matches!(self, QueryError::DoesNotExist { .. })
    }

    /// Which of Django's database exceptions this is, when the database raised it.
    pub fn kind(&self) -> Option<crate::db::ErrorKind> {
        match self {
            QueryError::Database(e) => e.kind(),
            _ => None,
        }
    }

    /// Django's `except IntegrityError`: a unique, foreign key, NOT NULL or CHECK constraint
    /// refused the row.
    pub fn is_integrity_error(&self) -> bool {
        self.kind() == Some(crate::db::ErrorKind::Integrity)
    }
}

pub type Result<T> = std::result::Result<T, QueryError>;

/// Django's `MAX_GET_RESULTS`: `get()` reads this many rows at most to say how many matched.
pub(crate) const MAX_GET_RESULTS: u64 = 21;

/// Reads the related rows a `select_related` join selected into the row's ForeignKeys.
type Attach<M> = fn(&QueryResult, usize, &mut M) -> std::result::Result<(), sea_orm::DbErr>;

/// One `select_related` relation: each model it joins (its path and columns, outermost
/// first), and how to attach the rows.
struct Related<M> {
    levels: Vec<SelectedLevel>,
    attach: Attach<M>,
}

impl<M> Related<M> {
    /// Every model this one reads, `other` reads along the same joins (it starts `other`'s
    /// chain).
    fn within(&self, other: &Related<M>) -> bool {
        self.levels.len() <= other.levels.len()
            && self
                .levels
                .iter()
                .zip(&other.levels)
                .all(|((a, _), (b, _))| a == b)
    }

    /// How many columns it selects.
    fn width(&self) -> usize {
        self.levels.iter().map(|(_, fields)| fields.len()).sum()
    }
}

impl<M> Clone for Related<M> {
    fn clone(&self) -> Self {
        Related {
            levels: self.levels.clone(),
            attach: self.attach,
        }
    }
}

/// What a SELECT reads.
pub(crate) enum Columns<'a> {
    /// The model's columns, its select_related ones, then the annotations.
    Rows,
    /// The model's columns, then one more: the key of the row a prefetch reads them for.
    Keyed(&'a (Vec<Join>, &'static str)),
    /// These columns (`values_list`, `values`), then the annotations, grouped by the columns.
    Values(&'a [(Vec<Join>, &'static str)]),
    /// Only the aggregates (`aggregate`).
    Aggregates(&'a [Operand]),
    /// The primary key (updates and deletes across relations).
    Pk,
    /// `1`: whether there is a row (`Exists`).
    One,
}

/// Builder methods of a type that wraps a queryset in `qs`: each does the queryset's own.
macro_rules! queryset_builders {
    ($($(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),*);)*) => {$(
        $(#[$doc])*
        pub fn $name(mut self, $($arg: $ty),*) -> Self {
            self.qs = self.qs.$name($($arg),*);
            self
        }
    )*};
}
pub(crate) use queryset_builders;

/// A lazy query over the rows of `M`.
pub struct QuerySet<M> {
    alias: Option<String>,
    filter: Vec<Node>,
    /// `None`: the model's Meta.ordering. `Some(empty)`: unordered (`order_by()`).
    pub(crate) ordering: Option<Vec<(Term, bool)>>,
    low: u64,
    high: Option<u64>,
    distinct: bool,
    /// PostgreSQL's `DISTINCT ON (...)`: Django's `distinct(*fields)`.
    distinct_on: Option<Vec<(Vec<Join>, &'static str)>>,
    for_update: Option<ForUpdate>,
    related: Vec<Related<M>>,
    /// The annotations' expressions (aggregates, functions, subqueries...).
    pub(crate) annotations: Vec<Operand>,
    /// Conditions on the aggregates (SQL HAVING).
    having: Vec<Node>,
    /// `annotate()` before `values()`: the groups are the model's rows, not the values.
    group_by_pk: bool,
    /// Set by a reverse accessor (`author.posts()`): the row the set belongs to, so `create`
    /// and `add` fill in the foreign key, as Django's related manager does.
    owner: Option<Owner<M>>,
    _m: PhantomData<fn() -> M>,
}

/// The row a reverse relation's set belongs to (Django's related manager's `instance`).
struct Owner<M> {
    /// Sets the foreign key of a row of the set to the owner.
    set: fn(&mut M, i64),
    /// The foreign key's column.
    column: &'static str,
    /// The owner's primary key.
    pk: i64,
}

impl<M> Clone for Owner<M> {
    fn clone(&self) -> Self {
        Owner {
            set: self.set,
            column: self.column,
            pk: self.pk,
        }
    }
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
            distinct_on: self.distinct_on.clone(),
            group_by_pk: self.group_by_pk,
            for_update: self.for_update.clone(),
            related: self.related.clone(),
            annotations: self.annotations.clone(),
            having: self.having.clone(),
            owner: self.owner.clone(),
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
            distinct_on: None,
            group_by_pk: false,
            for_update: None,
            related: Vec::new(),
            annotations: Vec::new(),
            having: Vec::new(),
            owner: None,
            _m: PhantomData,
        }
    }

    /// The set of a reverse relation: the rows whose foreign key (column `column`, set by
    /// `set`) is `owner`. `#[model]`'s reverse accessors (`author.posts()`) make it.
    #[doc(hidden)]
    pub fn related_to(q: Q<M>, set: fn(&mut M, i64), column: &'static str, owner: i64) -> Self {
        let mut qs = QuerySet::new().filter(q);
        qs.owner = Some(Owner {
            set,
            column,
            pk: owner,
        });
        qs
    }

    /// Rows matching `q` too (Django's `filter`). Conditions across a multi-valued relation
    /// in one call must hold for the same related row; in two calls, for any.
    pub fn filter(mut self, q: impl Into<Q<M>>) -> Self {
        self.filter.push(q.into().node);
        self
    }

    /// Rows not matching `q` (Django's `exclude`): across a multi-valued relation, rows with
    /// no related row that matches.
    pub fn exclude(mut self, q: impl Into<Q<M>>) -> Self {
        self.filter.push(Node::Not(Box::new(q.into().node)));
        self
    }

    /// Replaces the ordering; an empty list leaves the rows unordered (`order_by()`).
    pub fn order_by(mut self, terms: impl IntoIterator<Item = OrderBy<M>>) -> Self {
        self.ordering = Some(terms.into_iter().flat_map(|o| o.terms).collect());
        self
    }

    /// The same rows in the opposite order (Django's `reverse`).
    pub fn reverse(mut self) -> Self {
        self.ordering = Some(
            self.effective_ordering()
                .into_iter()
                .map(|(c, d)| (c.reversed(), !d))
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

    /// Locks the selected rows until the transaction ends (`SELECT ... FOR UPDATE`); SQLite,
    /// which locks the whole database for a write, ignores it as Django does. As in Django,
    /// it runs only inside an atomic block (TransactionManagementError outside one).
    pub fn select_for_update(self) -> Self {
        self.select_for_update_with(ForUpdate::default())
    }

    /// `select_for_update` with Django's options: `nowait` (fail at once on a locked row:
    /// an OperationalError), `skip_locked` (leave locked rows out), `no_key` (PostgreSQL's
    /// weaker `FOR NO KEY UPDATE`).
    pub fn select_for_update_with(mut self, options: ForUpdate) -> Self {
        self.for_update = Some(options);
        self
    }

    /// Each distinct value of `fields` once, the first row of each in the queryset's order
    /// (PostgreSQL's `DISTINCT ON`, Django's `distinct(*fields)`): order by the same fields
    /// first. Other databases have no DISTINCT ON, and say so (NotSupportedError), as Django
    /// does.
    pub fn distinct_on<V: ValuesList<Model = M>>(mut self, fields: V) -> Self {
        let _ = fields;
        self.distinct_on = Some(V::columns());
        self
    }

    /// What the database refuses before any statement runs, in Django's words.
    pub(crate) fn check(&self, conn: &Executor) -> Result<()> {
        let dialect = conn.dialect();
        let refuse = |kind, message: &str| {
            Err(QueryError::Database(DbError::Database {
                kind,
                message: message.to_owned(),
            }))
        };
        if self.distinct_on.is_some() && dialect != Dialect::Postgres {
            return refuse(
                crate::db::ErrorKind::NotSupported,
                "DISTINCT ON fields is not supported by this database backend.",
            );
        }
        if let Some(lock) = &self.for_update {
            if lock.nowait && lock.skip_locked {
                return refuse(
                    crate::db::ErrorKind::Programming,
                    "The nowait option cannot be used with skip_locked.",
                );
            }
            if lock.no_key && dialect == Dialect::Mysql {
                return refuse(
                    crate::db::ErrorKind::NotSupported,
                    "FOR NO KEY UPDATE is not supported on this database backend.",
                );
            }
            if !lock.of.is_empty() && dialect == Dialect::Mysql {
                // MariaDB has no FOR UPDATE OF; MySQL 8 has, but rjango does not tell them apart
                // yet and refuses on both.
                return refuse(
                    crate::db::ErrorKind::NotSupported,
                    "FOR UPDATE OF is not supported on this database backend.",
                );
            }
            let followed: Vec<&[Join]> = self
                .related
                .iter()
                .flat_map(|r| &r.levels)
                .map(|(p, _)| p.as_slice())
                .collect();
            let invalid: Vec<&str> = lock
                .of
                .iter()
                .filter_map(|o| match o {
                    LockOf::Related { name, path } if !followed.contains(&path.as_slice()) => {
                        Some(name.as_str())
                    }
                    _ => None,
                })
                .collect();
            if !invalid.is_empty() {
                return refuse(
                    crate::db::ErrorKind::Programming,
                    &format!(
                        "Invalid field name(s) given in select_for_update(of=(...)): {}. Only relational fields followed in the query are allowed.",
                        invalid.join(", ")
                    ),
                );
            }
            if dialect != Dialect::Sqlite && !matches!(conn, Executor::Atomic(_)) {
                return Err(QueryError::Database(DbError::TransactionManagement(
                    "select_for_update cannot be used outside of a transaction.".to_owned(),
                )));
            }
        }
        Ok(())
    }

    /// Runs on the database `alias` of DATABASES instead of `default`.
    pub fn using(mut self, alias: &str) -> Self {
        self.alias = Some(alias.to_owned());
        self
    }

    /// The alias named by `using()`, if any.
    pub(crate) fn alias(&self) -> Option<&str> {
        self.alias.as_deref()
    }

    /// Reads the row a foreign key points at in the same query (a JOIN), so that
    /// `post.author.cached()` needs no query of its own (Django's `select_related`). A chain
    /// of foreign keys reads every row along it: `select_related(song::album.then(album::artist))`
    /// is Django's `select_related("album__artist")`.
    /// Calls that overlap merge, as Django's do: a chain already read is not read again, and
    /// a longer chain replaces the shorter one it extends.
    pub fn select_related<R: SelectRelated<M>>(mut self, relation: R) -> Self {
        let _ = relation;
        let new = Related {
            levels: R::levels(),
            attach: R::attach,
        };
        if self.related.iter().any(|r| new.within(r)) {
            return self;
        }
        self.related.retain(|r| !r.within(&new));
        self.related.push(new);
        self
    }

    /// Each row with the aggregate `a` (or a tuple of them) computed over its related rows
    /// (Django's `annotate`); filter on it with `a.gt(..)` and order by it with `a.desc()`.
    pub fn annotate<A: Aggregates<Model = M>>(mut self, a: A) -> Annotated<M, A> {
        self.annotations = a.exprs();
        Annotated {
            qs: self,
            aliases: a.aliases(),
            _a: PhantomData,
        }
    }

    /// The aggregate `a` (or a tuple of them) over the matching rows (Django's `aggregate`).
    pub async fn aggregate<A: Aggregates<Model = M>>(&self, a: A) -> Result<A::Output> {
        let conn = self.connection().await?;
        self.check(&conn)?;
        let exprs = a.exprs();
        let sql = self.select(&conn, Columns::Aggregates(&exprs), &[], None);
        let rows = conn.fetch(&sql.text, sql.values).await?;
        let row = rows
            .first()
            .ok_or_else(|| QueryError::Database(DbError::Query("no aggregate row".into())))?;
        Ok(A::read(row, 0)?)
    }

    /// The values of the given fields for each row (Django's `values_list`): one field gives
    /// its values (`flat=True`), a tuple of fields gives tuples. Run it with `.await`, or
    /// group it first with [`ValuesOf::annotate`].
    pub fn values_list<V: ValuesList<Model = M>>(&self, fields: V) -> ValuesOf<M, V, Tuples> {
        let _ = fields;
        ValuesOf::new(self.clone())
    }

    /// Each row as a dictionary from the fields' lookup names to their values: Django's
    /// `values("title", "author__name")`, for JSON and templates that want no struct. Keys
    /// across relations are Django's (`author__name`); a foreign key gives its id. Run it with
    /// `.await`; `.annotate(...)` first makes it Django's GROUP BY idiom.
    pub fn values<V: Values<Model = M>>(&self, fields: V) -> ValuesOf<M, V, Dicts> {
        let _ = fields;
        ValuesOf::new(self.clone())
    }

    /// Every column of each row as a dictionary: Django's `values()` with no fields, keyed by
    /// each field's attname (`author_id` for a foreign key).
    pub async fn values_all(&self) -> Result<Vec<serde_json::Map<String, serde_json::Value>>> {
        let conn = self.connection().await?;
        let ordering = self.effective_ordering();
        let sql = self.select(&conn, Columns::Rows, &ordering, None);
        let rows = conn.fetch(&sql.text, sql.values).await?;
        rows.iter()
            .map(|row| {
                let instance = M::from_row(row, 0)?;
                M::FIELDS
                    .iter()
                    .zip(instance.values())
                    .map(|(f, v)| Ok((f.attname.to_owned(), json_of_value(f, v)?)))
                    .collect()
            })
            .collect()
    }

    pub(crate) async fn connection(&self) -> Result<Executor> {
        Ok(executor(self.alias.as_deref()).await?)
    }

    /// The ORDER BY in effect: the queryset's, else Meta.ordering.
    pub(crate) fn effective_ordering(&self) -> Vec<(Term, bool)> {
        match &self.ordering {
            Some(o) => o.clone(),
            None => M::default_ordering(),
        }
    }

    /// The joins of the filters, select_related, ordering, values and annotations.
    fn joins(&self, columns: &Columns, ordering: &[(Term, bool)]) -> Joins {
        let mut joins = Joins::default();
        for (group, node) in self.filter.iter().enumerate() {
            joins.collect(group, node);
        }
        if matches!(columns, Columns::Rows) {
            for (path, _) in self.related.iter().flat_map(|r| &r.levels) {
                joins.add(None, path);
            }
        }
        let mut paths: Vec<&[Join]> = Vec::new();
        if let Columns::Values(values) = columns {
            paths.extend(values.iter().map(|(p, _)| p.as_slice()));
        }
        if let Columns::Keyed((path, _)) = columns {
            paths.push(path);
        }
        let expressions: &[Operand] = match columns {
            Columns::Aggregates(a) => a,
            Columns::Rows | Columns::Values(_) => &self.annotations,
            _ => &[],
        };
        for e in expressions {
            e.paths(&mut paths);
        }
        for node in &self.having {
            node.paths(&mut paths);
        }
        for (term, _) in ordering {
            term_paths(term, &mut paths);
        }
        for path in paths {
            if !path.is_empty() && joins.find(None, path).is_none() {
                joins.add(None, path);
            }
        }
        joins
    }

    fn where_clause(&self, sql: &mut Sql, joins: &Joins, base: &str) {
        if self.filter.is_empty() {
            return;
        }
        sql.push(" WHERE ");
        for (group, node) in self.filter.iter().enumerate() {
            if group > 0 {
                sql.push(" AND ");
            }
            let scope = Scope {
                base,
                joins,
                group: Some(group),
                split: true,
            };
            sql.node(&scope, node);
        }
    }

    /// Whether the query groups, as Django's does: an annotation aggregates rows, or a
    /// condition is on an aggregate (a HAVING).
    pub(crate) fn grouped(&self) -> bool {
        self.annotations.iter().any(Operand::contains_aggregate) || !self.having.is_empty()
    }

    /// The SELECT for `columns`, every clause in Django's order.
    pub(crate) fn select(
        &self,
        conn: &Executor,
        columns: Columns,
        ordering: &[(Term, bool)],
        limit: Option<u64>,
    ) -> Sql {
        let mut sql = Sql::new(conn.dialect());
        self.select_into(&mut sql, columns, ordering, limit);
        sql
    }

    /// This queryset as a subquery of the statement `sql` is writing: `columns` of it
    /// (Django's `Subquery(qs.values("x")[:1])`), or `SELECT 1 ... LIMIT 1` for `Exists`.
    pub(crate) fn write_subquery(
        &self,
        sql: &mut Sql,
        columns: &[(Vec<Join>, &'static str)],
        exists: bool,
    ) {
        if exists {
            // Django's Exists drops the ordering and reads one row.
            self.select_into(sql, Columns::One, &[], Some(1));
        } else {
            let ordering = self.effective_ordering();
            self.select_into(sql, Columns::Values(columns), &ordering, None);
        }
    }

    /// Writes the SELECT into `sql`: at the top of a statement, or inside one as a subquery
    /// (then its table has an alias of its own, and `OuterRef` reads the query around it).
    pub(crate) fn select_into(
        &self,
        sql: &mut Sql,
        columns: Columns,
        ordering: &[(Term, bool)],
        limit: Option<u64>,
    ) {
        let table = M::table();
        let dialect = sql.dialect;
        let name = sql.enter(table);
        let base = name.as_str();
        let joins = self.joins(&columns, ordering);
        let scope = Scope {
            base,
            joins: &joins,
            group: None,
            split: true,
        };
        // The alias a path's column is read from: the table itself, or the join's.
        let at = |path: &[Join]| -> &str { scope.at(path) };
        let grouped = matches!(columns, Columns::Rows | Columns::Values(_)) && self.grouped();
        sql.push("SELECT ");
        if let Some(fields) = &self.distinct_on {
            sql.push("DISTINCT ON (");
            for (i, (path, column)) in fields.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.column(at(path), column);
            }
            sql.push(") ");
        } else if self.distinct {
            sql.push("DISTINCT ");
        }
        // The columns a row reads (and a grouped query groups by): the model's and its
        // select_related ones, or those `values()` names.
        let mut grouped_columns: Vec<(&str, &'static str)> = match &columns {
            Columns::Rows | Columns::Keyed(_) => {
                let mut own: Vec<(&str, &'static str)> =
                    M::FIELDS.iter().map(|f| (base, f.column)).collect();
                if matches!(columns, Columns::Rows) {
                    for (path, fields) in self.related.iter().flat_map(|r| &r.levels) {
                        let alias = at(path);
                        own.extend(fields.iter().map(|f| (alias, f.column)));
                    }
                }
                own
            }
            Columns::Values(values) => values
                .iter()
                .map(|(path, column)| (at(path), *column))
                .collect(),
            _ => Vec::new(),
        };
        // The 1-based positions of the non-aggregate annotations: a grouped query groups by
        // them too (by position, so a subquery's parameters are not bound twice).
        let mut positions: Vec<usize> = Vec::new();
        // The 1-based position of each annotation in the select list.
        let mut annotation_at: Vec<usize> = Vec::new();
        match &columns {
            Columns::Rows | Columns::Keyed(_) | Columns::Values(_) => {
                for (i, (t, c)) in grouped_columns.iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.column(t, c);
                    sql.item_alias();
                }
                if let Columns::Keyed((path, column)) = &columns {
                    sql.push(", ");
                    sql.column(at(path), column);
                    sql.item_alias();
                } else {
                    let mut selected = grouped_columns.len();
                    for a in &self.annotations {
                        sql.push(", ");
                        sql.operand(&scope, a);
                        sql.item_alias();
                        selected += 1;
                        annotation_at.push(selected);
                        if !a.contains_aggregate() {
                            positions.push(selected);
                        }
                    }
                }
                // SELECT DISTINCT must select what it orders by (PostgreSQL insists): Django
                // adds the ordering's columns, after the row's, where nothing reads them.
                if self.distinct {
                    let mut extra: Vec<(&str, &'static str)> = Vec::new();
                    for (term, _) in ordering {
                        if let Some((path, column)) = term.column()
                            && !grouped_columns.contains(&(at(path), column))
                            && !extra.contains(&(at(path), column))
                        {
                            extra.push((at(path), column));
                            sql.push(", ");
                            sql.column(at(path), column);
                            sql.item_alias();
                        }
                    }
                }
                if self.group_by_pk {
                    grouped_columns.push((base, pk_column::<M>()));
                }
            }
            Columns::Aggregates(aggregates) => {
                for (i, a) in aggregates.iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.operand(&scope, a);
                    sql.item_alias();
                }
            }
            Columns::Pk => {
                sql.column(base, pk_column::<M>());
                sql.item_alias();
            }
            Columns::One => sql.push("1 AS a"),
        }
        sql.push(" FROM ");
        sql.quote(table);
        if base != table {
            sql.push(" ");
            sql.quote(base);
        }
        joins.write(sql, base);
        self.where_clause(sql, &joins, base);
        if grouped {
            // Django groups an annotated queryset by every selected column: the model's, or
            // those `values()` names, and the annotations that are no aggregates; and by what
            // it orders by (a related model's column when ordering by a relation), so each
            // group keeps one order.
            for (term, _) in ordering {
                if let Some((path, column)) = term.column()
                    && !grouped_columns.contains(&(at(path), column))
                {
                    grouped_columns.push((at(path), column));
                }
            }
            sql.push(" GROUP BY ");
            for (i, (t, c)) in grouped_columns.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.column(t, c);
            }
            for p in &positions {
                sql.push(&format!(", {p}"));
            }
            // An ordering by an expression that is no aggregate groups too, as Django's does
            // (an annotation already is, by its position).
            for (term, _) in ordering {
                if let Some(e) = term.expr()
                    && !e.contains_aggregate()
                    && !self.annotations.contains(e)
                {
                    sql.push(", ");
                    sql.operand(&scope, e);
                }
            }
            for (i, node) in self.having.iter().enumerate() {
                sql.push(if i == 0 { " HAVING " } else { " AND " });
                sql.node(&scope, node);
            }
        }
        // An ordering by an annotation names its position: the same expression written again
        // would bind its parameters again, and PostgreSQL would not see them as one.
        let positional = |e: &Operand| {
            self.annotations
                .iter()
                .position(|a| a == e)
                .and_then(|i| annotation_at.get(i).copied())
        };
        for (i, (term, desc)) in ordering.iter().enumerate() {
            sql.push(if i == 0 { " ORDER BY " } else { ", " });
            order_term(sql, &scope, term, *desc, &positional);
        }
        if let Some(clause) = self.limited(limit).limit_clause(dialect) {
            sql.push(&clause);
        }
        if let Some(lock) = &self.for_update
            && dialect != Dialect::Sqlite
        {
            sql.push(if lock.no_key && dialect == Dialect::Postgres {
                " FOR NO KEY UPDATE"
            } else {
                " FOR UPDATE"
            });
            for (i, of) in lock.of.iter().enumerate() {
                sql.push(if i == 0 { " OF " } else { ", " });
                match of {
                    LockOf::Own => sql.quote(base),
                    LockOf::Related { path, .. } => sql.quote(at(path)),
                }
            }
            if lock.nowait {
                sql.push(" NOWAIT");
            } else if lock.skip_locked {
                sql.push(" SKIP LOCKED");
            }
        }
        sql.leave();
    }

    /// The slice with at most `limit` rows more taken (`first()`, `get()`).
    fn limited(&self, limit: Option<u64>) -> Slice {
        let high = match (self.high, limit) {
            (Some(h), Some(l)) => Some(h.min(self.low + l)),
            (h, l) => h.or(l.map(|l| self.low + l)),
        };
        Slice {
            low: self.low,
            high,
        }
    }

    /// ` LIMIT n OFFSET m` of the queryset's slice, if it has one.
    pub(crate) fn limit_clause(&self, dialect: Dialect) -> Option<String> {
        self.limited(None).limit_clause(dialect)
    }

    /// Whether the queryset is sliced (`qs[a:b]`).
    pub(crate) fn is_sliced(&self) -> bool {
        self.low > 0 || self.high.is_some()
    }

    /// The queryset as a part of a union: the model's columns only.
    pub(crate) fn for_combining(&self) -> QuerySet<M> {
        let mut qs = self.clone();
        qs.related.clear();
        qs.annotations.clear();
        qs.having.clear();
        qs
    }

    /// Reads one selected row: the model, then its select_related rows.
    fn read(&self, row: &QueryResult) -> Result<M> {
        let mut m = M::from_row(row, 0)?;
        let mut offset = M::FIELDS.len();
        for r in &self.related {
            (r.attach)(row, offset, &mut m)?;
            offset += r.width();
        }
        Ok(m)
    }

    async fn fetch(&self, ordering: &[(Term, bool)], limit: Option<u64>) -> Result<Vec<M>> {
        let conn = self.connection().await?;
        self.check(&conn)?;
        let sql = self.select(&conn, Columns::Rows, ordering, limit);
        let rows = conn.fetch(&sql.text, sql.values).await?;
        rows.iter().map(|row| self.read(row)).collect()
    }

    /// Every row with the integer in the column `key` selected after it (a prefetch's owner).
    pub(crate) async fn all_with_key(
        &self,
        key: (Vec<Join>, &'static str),
    ) -> Result<Vec<(i64, M)>> {
        let conn = self.connection().await?;
        self.check(&conn)?;
        let ordering = self.effective_ordering();
        let sql = self.select(&conn, Columns::Keyed(&key), &ordering, None);
        let rows = conn.fetch(&sql.text, sql.values).await?;
        rows.iter()
            .map(|row| Ok((read_i64(row, M::FIELDS.len())?, M::from_row(row, 0)?)))
            .collect()
    }

    /// Runs the query: every row it selects (Django's `list(qs)`).
    pub async fn all(&self) -> Result<Vec<M>> {
        self.fetch(&self.effective_ordering(), None).await
    }

    /// The rows in chunks of `chunk_size`, each chunk one query, for reading more rows than
    /// fit in memory at once (Django's `iterator(chunk_size)`). The chunks are slices of the
    /// queryset's order, so give it an order that does not change under the reader (by primary
    /// key when unordered).
    pub fn iterator(&self, chunk_size: u64) -> Chunks<M> {
        let mut qs = self.clone();
        qs.ordering = Some(qs.ordering_or_pk());
        Chunks {
            qs,
            chunk_size: chunk_size.max(1),
            next: 0,
            done: false,
        }
    }

    /// The rows whose primary key is in `ids`, by key (Django's `in_bulk`).
    pub async fn in_bulk(&self, ids: impl IntoIterator<Item = i64>) -> Result<HashMap<i64, M>> {
        integer_keys::<M>("in_bulk()")?;
        let ids: Vec<Operand> = ids
            .into_iter()
            .map(|id| Operand::Value(Value::BigInt(Some(id))))
            .collect();
        let rows = self
            .clone()
            .filter(pk_lookup(LookupKind::In, ids))
            .all()
            .await?;
        Ok(rows.into_iter().map(|m| (pk_i64(&m.pk()), m)).collect())
    }

    /// Rows of `M` from SQL of your own, with parameters (Django's `Manager.raw`). The SQL
    /// must select the model's columns in declaration order (`SELECT * FROM blog_post ...`).
    pub async fn raw(&self, sql: &str, params: Vec<Value>) -> Result<Vec<M>> {
        let conn = self.connection().await?;
        let sql = conn.dialect().placeholders(sql, params.len());
        let rows = conn.fetch(&sql, params).await?;
        rows.iter()
            .map(|row| M::from_row(row, 0).map_err(QueryError::from))
            .collect()
    }

    /// The one row matching `q`: [`QueryError::DoesNotExist`] when none does,
    /// [`QueryError::MultipleObjectsReturned`] when more than one does.
    pub async fn get(&self, q: Q<M>) -> Result<M> {
        let qs = self.clone().filter(q);
        // Unordered, as Django's get() clears the ordering, and never more than 21 rows.
        exactly_one::<M, M>(qs.fetch(&[], Some(MAX_GET_RESULTS)).await?)
    }

    /// The first row, ordered by the primary key when the queryset has no order (Django's
    /// `first()`); `None` when there is none.
    pub async fn first(&self) -> Result<Option<M>> {
        let ordering = self.ordering_or_pk();
        Ok(self.fetch(&ordering, Some(1)).await?.into_iter().next())
    }

    /// The last row: the first of the reversed ordering (by primary key when unordered).
    pub async fn last(&self) -> Result<Option<M>> {
        let reversed: Vec<(Term, bool)> = self
            .ordering_or_pk()
            .into_iter()
            .map(|(c, d)| (c.reversed(), !d))
            .collect();
        Ok(self.fetch(&reversed, Some(1)).await?.into_iter().next())
    }

    /// The ordering in effect, or the primary key's when there is none (first/last).
    pub(crate) fn ordering_or_pk(&self) -> Vec<(Term, bool)> {
        let mut ordering = self.effective_ordering();
        if ordering.is_empty() {
            ordering.push((
                Term::Column {
                    path: Vec::new(),
                    column: pk_column::<M>(),
                },
                false,
            ));
        }
        ordering
    }

    /// How many rows the queryset selects (SELECT COUNT(*)): a row repeated by a join across
    /// a multi-valued relation counts each time, as `len(qs)` would.
    pub async fn count(&self) -> Result<u64> {
        let conn = self.connection().await?;
        self.check(&conn)?;
        let mut sql = Sql::new(conn.dialect());
        let grouped = self.grouped();
        if self.low > 0
            || self.high.is_some()
            || self.distinct
            || self.distinct_on.is_some()
            || grouped
            || !self.annotations.is_empty()
        {
            // A sliced, distinct, grouped or annotated queryset is counted as a subquery, as
            // Django does (an annotation's joins may repeat rows); its columns are named
            // col1, col2... so two of one name do not clash in the derived table.
            sql.push("SELECT COUNT(*) FROM (");
            sql.col_aliases = true;
            self.select_into(&mut sql, Columns::Rows, &[], None);
            sql.push(") subquery");
        } else {
            let joins = self.joins(&Columns::Pk, &[]);
            sql.push("SELECT COUNT(*) FROM ");
            sql.quote(M::table());
            // Registered as the statement's table, so that a subquery in the filters reads
            // it through OuterRef and names its own table apart.
            sql.enter(M::table());
            joins.write(&mut sql, M::table());
            self.where_clause(&mut sql, &joins, M::table());
            sql.leave();
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
        self.check(&conn)?;
        let mut sql = Sql::new(conn.dialect());
        if self.distinct_on.is_some() || self.grouped() {
            sql = self.select(&conn, Columns::Rows, &[], Some(1));
        } else {
            self.select_into(&mut sql, Columns::One, &[], Some(1));
        }
        Ok(!conn.fetch(&sql.text, sql.values).await?.is_empty())
    }

    /// The distinct dates of `field` truncated to `kind`, in order (Django's
    /// `dates("published", "month")`): a DateTimeField's in UTC; rows where it is NULL are
    /// left out.
    pub async fn dates<G: DateLookups<Model = M>>(
        &self,
        field: G,
        kind: DateKind,
        order: Order,
    ) -> Result<Vec<chrono::NaiveDate>> {
        let _ = field;
        let trunc = Operand::Func(
            DbFunction::Trunc(kind, G::DATETIME),
            vec![super::lookups::field_operand::<G>()],
        );
        self.distinct_of(G::path(), G::COLUMN, trunc, order).await
    }

    /// The distinct datetimes of a DateTimeField truncated to `kind`, in UTC, in order
    /// (Django's `datetimes("published", "hour")`); NULLs are left out.
    pub async fn datetimes<G: DateTimeLookups<Model = M>>(
        &self,
        field: G,
        kind: DateTimeKind,
        order: Order,
    ) -> Result<Vec<chrono::DateTime<chrono::Utc>>> {
        let _ = field;
        let trunc = Operand::Func(
            DbFunction::TruncDateTime(kind),
            vec![super::lookups::field_operand::<G>()],
        );
        self.distinct_of(G::path(), G::COLUMN, trunc, order).await
    }

    /// Each distinct value of `expr` over the rows where the column is not NULL, ordered.
    async fn distinct_of<T: super::meta::FromSql>(
        &self,
        path: Vec<Join>,
        column: &'static str,
        expr: Operand,
        order: Order,
    ) -> Result<Vec<T>> {
        let mut qs = self.clone().distinct();
        qs.filter.push(Node::Lookup(Lookup {
            path,
            lhs: None,
            column,
            nullable: true,
            transform: None,
            kind: LookupKind::IsNull,
            rhs: vec![Operand::Value(Value::Bool(Some(false)))],
        }));
        let conn = qs.connection().await?;
        qs.check(&conn)?;
        let exprs = [expr.clone()];
        let ordering = [(Term::Expr(expr), order == Order::Desc)];
        let sql = qs.select(&conn, Columns::Aggregates(&exprs), &ordering, None);
        let rows = conn.fetch(&sql.text, sql.values).await?;
        rows.iter().map(|r| Ok(T::from_sql(r, 0)?)).collect()
    }

    /// The database's plan for this queryset's SELECT, as text (Django's `explain()`):
    /// PostgreSQL's `EXPLAIN`, SQLite's `EXPLAIN QUERY PLAN`, MySQL's and MariaDB's
    /// `EXPLAIN`, one line per row of it, its columns separated by spaces.
    pub async fn explain(&self) -> Result<String> {
        let conn = self.connection().await?;
        self.check(&conn)?;
        let select = self.select(&conn, Columns::Rows, &self.effective_ordering(), None);
        let prefix = match conn.dialect() {
            Dialect::Sqlite => "EXPLAIN QUERY PLAN ",
            _ => "EXPLAIN ",
        };
        let rows = conn
            .fetch(&format!("{prefix}{}", select.text), select.values)
            .await?;
        let cell = |row: &QueryResult, i: usize| -> String {
            if let Ok(Some(s)) = row.try_get_by_index::<Option<String>>(i) {
                return s;
            }
            if let Ok(Some(n)) = row.try_get_by_index::<Option<i64>>(i) {
                return n.to_string();
            }
            if let Ok(Some(n)) = row.try_get_by_index::<Option<f64>>(i) {
                return n.to_string();
            }
            if let Ok(Some(b)) = row.try_get_by_index::<Option<Vec<u8>>>(i) {
                return String::from_utf8_lossy(&b).into_owned();
            }
            "None".to_owned()
        };
        Ok(rows
            .iter()
            .map(|row| {
                (0..row.column_names().len())
                    .map(|i| cell(row, i))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("\n"))
    }

    /// Whether the filters reach across relations (then UPDATE and DELETE go by primary key).
    fn has_joins(&self) -> bool {
        self.filter.iter().any(Node::reaches_out)
    }

    /// The primary keys of the matching rows (read first when an UPDATE or DELETE filters
    /// across relations: MariaDB cannot read the table it changes in a subquery).
    pub(crate) async fn pks(&self) -> Result<Vec<i64>> {
        let conn = self.connection().await?;
        self.check(&conn)?;
        let sliced = self.high.is_some() || self.low > 0;
        let ordering = if sliced {
            self.effective_ordering()
        } else {
            Vec::new()
        };
        let sql = self.select(&conn, Columns::Pk, &ordering, None);
        let rows = conn.fetch(&sql.text, sql.values).await?;
        let mut pks: Vec<i64> = rows
            .iter()
            .map(|r| read_i64(r, 0))
            .collect::<std::result::Result<_, _>>()?;
        pks.sort_unstable();
        pks.dedup();
        Ok(pks)
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
        sql.enter(table);
        sql.push("UPDATE ");
        sql.quote(table);
        sql.push(" SET ");
        let scope = Scope::plain(table);
        for (i, a) in assignments.into_iter().enumerate() {
            let mut paths = Vec::new();
            a.value.paths(&mut paths);
            if paths.iter().any(|p| !p.is_empty()) || a.value.contains_aggregate() {
                return Err(QueryError::Database(DbError::Database {
                    kind: crate::db::ErrorKind::Programming,
                    message: if a.value.contains_aggregate() {
                        "Aggregate functions are not allowed in this query.".to_owned()
                    } else {
                        "Joined field references are not permitted in this query".to_owned()
                    },
                }));
            }
            if i > 0 {
                sql.push(", ");
            }
            sql.quote(a.column);
            sql.push(" = ");
            sql.operand(&scope, &a.value);
        }
        if self.has_joins() {
            let pks = self.pks().await?;
            if pks.is_empty() {
                return Ok(0);
            }
            let by_pk = QuerySet::<M>::new().filter(pk_in(&pks));
            by_pk.where_clause(&mut sql, &Joins::default(), table);
        } else {
            self.where_clause(&mut sql, &Joins::default(), table);
        }
        Ok(conn.run(&sql.text, sql.values).await?.rows_affected())
    }

    /// Writes the named fields of each instance to its row, in as few UPDATE statements as
    /// the database's parameter limit allows, in one atomic block: Django's
    /// `bulk_update(objs, fields)`. Rows the queryset's filters leave out are not updated.
    /// Returns how many rows were updated. As in Django, auto_now fields are not touched and
    /// the instances' keys must be set.
    pub async fn bulk_update(&self, instances: &[M], fields: &[&str]) -> Result<u64> {
        let usage = |message: String| Err(QueryError::Database(DbError::Query(message)));
        if fields.is_empty() {
            return usage("bulk_update() needs the names of the fields to update".into());
        }
        let mut columns: Vec<usize> = Vec::with_capacity(fields.len());
        for name in fields {
            match M::FIELDS
                .iter()
                .position(|f| f.name == *name || f.attname == *name)
            {
                None => {
                    return usage(format!(
                        "{} has no field named '{name}': bulk_update() takes the model's own fields",
                        M::NAME
                    ));
                }
                Some(i) if M::FIELDS[i].primary_key => {
                    return usage("bulk_update() cannot be used with primary key fields".into());
                }
                // Named twice: set once (PostgreSQL refuses two assignments to one column).
                Some(i) if columns.contains(&i) => {}
                Some(i) => columns.push(i),
            }
        }
        if instances.iter().any(|i| is_unsaved(&i.pk())) {
            return usage("All bulk_update() objects must have a primary key set.".into());
        }
        if instances.is_empty() {
            return Ok(0);
        }
        // Each row binds its key once per field (WHEN) and once in IN, and one value per
        // field; the queryset's own filters bind a few more, well inside the margin.
        let per_row = 1 + columns.len() * 2;
        let batch = (BULK_UPDATE_PARAMETERS / per_row).max(1);
        let options = crate::db::transaction::Atomicity {
            using: self.alias.clone(),
            ..Default::default()
        };
        crate::db::transaction::atomic_with(options, || async {
            let mut updated = 0;
            for chunk in instances.chunks(batch) {
                let rows: Vec<Vec<Value>> = chunk.iter().map(Model::values).collect();
                let keys: Vec<Value> = chunk.iter().map(Model::pk).collect();
                let assignments = columns.iter().map(|&c| {
                    let field = &M::FIELDS[c];
                    let values = keys
                        .iter()
                        .zip(&rows)
                        .map(|(k, row)| (k.clone(), field_operand(field, row[c].clone())))
                        .collect();
                    Assignment::new(
                        field.column,
                        Operand::ByKey {
                            key: pk_column::<M>(),
                            values,
                        },
                    )
                });
                let these = keys.iter().cloned().map(Operand::Value).collect();
                updated += self
                    .clone()
                    .filter(pk_lookup(LookupKind::In, these))
                    .update(assignments)
                    .await?;
            }
            Ok(updated)
        })
        .await
    }

    /// Deletes every matching row and, as their `on_delete` says, the rows that point at
    /// them: CASCADE deletes, PROTECT and RESTRICT refuse (nothing is deleted), SET_NULL and
    /// SET_DEFAULT update, DO_NOTHING leaves them. Returns Django's counts: the total and
    /// how many of each model.
    pub async fn delete(&self) -> Result<Deleted> {
        if !M::INTEGER_PK {
            let keys = self.all().await?.iter().map(Model::pk).collect();
            return deletion::delete_keyed::<M>(self.alias.as_deref(), keys).await;
        }
        let pks = self.pks().await?;
        deletion::delete::<M>(self.alias.as_deref(), pks).await
    }

    /// Inserts `instance` and returns it with its primary key (Django's `create`).
    pub async fn create(&self, mut instance: M) -> Result<M> {
        if let Some(owner) = &self.owner {
            // A related set's create: the row belongs to the owner (Django's related manager).
            (owner.set)(&mut instance, owner.pk);
        }
        let conn = self.connection().await?;
        insert(&conn, &mut instance).await?;
        Ok(instance)
    }

    /// Django's related manager `add(*objs)`, on a reverse relation's set
    /// (`author.posts().add(&mut [post])`): each row is given to the owner, in memory and in
    /// one UPDATE. The rows must be saved already; anything else is refused before a
    /// statement runs.
    pub async fn add(&self, rows: &mut [M]) -> Result<u64> {
        let Some(owner) = &self.owner else {
            return Err(QueryError::Database(DbError::Query(format!(
                "add() belongs to a reverse relation's set (`author.posts().add(...)`), not to a queryset of {}",
                M::NAME
            ))));
        };
        if rows.iter().any(|r| is_unsaved(&r.pk())) {
            return Err(QueryError::Database(DbError::Query(format!(
                "{} instance isn't saved. Save the object first.",
                M::NAME
            ))));
        }
        if rows.is_empty() {
            return Ok(0);
        }
        for row in rows.iter_mut() {
            (owner.set)(row, owner.pk);
        }
        let conn = self.connection().await?;
        let mut sql = Sql::new(conn.dialect());
        sql.push("UPDATE ");
        sql.quote(M::table());
        sql.push(" SET ");
        sql.quote(owner.column);
        sql.push(" = ");
        sql.param(Value::BigInt(Some(owner.pk)));
        sql.push(" WHERE ");
        sql.quote(pk_column::<M>());
        sql.push(" IN (");
        for (i, row) in rows.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.param(row.pk());
        }
        sql.push(")");
        Ok(conn.run(&sql.text, sql.values).await?.rows_affected())
    }

    /// Inserts every instance in as few statements as the database allows (Django's
    /// `bulk_create`); the keys the database assigns are stored back where INSERT has
    /// RETURNING (PostgreSQL, SQLite, MariaDB 10.5+), as Django does; on MySQL only a single
    /// row gets its key (Django sets none there).
    pub async fn bulk_create(&self, mut instances: Vec<M>) -> Result<Vec<M>> {
        let conn = self.connection().await?;
        for chunk in instances.chunks_mut(500) {
            insert_many(&conn, chunk).await?;
        }
        Ok(instances)
    }

    /// `bulk_create` with Django's conflict options: [`OnConflict::Ignore`]
    /// (`ignore_conflicts=True`: rows that would break a unique constraint are skipped, and
    /// no keys are set) or [`OnConflict::Update`] (`update_conflicts=True`: such rows update
    /// the existing row's `update_fields` instead; PostgreSQL and SQLite need the
    /// `unique_fields` the conflict is on, MySQL and MariaDB refuse them, as in Django).
    pub async fn bulk_create_with(
        &self,
        mut instances: Vec<M>,
        conflict: OnConflict,
    ) -> Result<Vec<M>> {
        let conn = self.connection().await?;
        conflict.check::<M>(conn.dialect())?;
        for chunk in instances.chunks_mut(500) {
            insert_many_with(&conn, chunk, &conflict).await?;
        }
        Ok(instances)
    }

    /// The row matching `q`, or `defaults()` created: `(instance, created)`, as Django's
    /// `get_or_create`. The insert runs in an atomic block (a savepoint inside another), so a
    /// caller that loses a race to create the same unique row finds the winner's row instead of
    /// an IntegrityError, and its own transaction goes on.
    pub async fn get_or_create(&self, q: Q<M>, defaults: impl FnOnce() -> M) -> Result<(M, bool)> {
        match self.get(q.clone()).await {
            Ok(found) => return Ok((found, false)),
            Err(QueryError::DoesNotExist { .. }) => {}
            Err(e) => return Err(e),
        }
        let options = crate::db::transaction::Atomicity {
            using: self.alias.clone(),
            durable: false,
        };
        let created = crate::db::transaction::atomic_with(options, || async {
            self.create(defaults()).await
        })
        .await;
        match created {
            Ok(row) => Ok((row, true)),
            Err(e) if e.is_integrity_error() => match self.get(q).await {
                Ok(found) => Ok((found, false)),
                Err(QueryError::DoesNotExist { .. }) => Err(e),
                Err(other) => Err(other),
            },
            Err(e) => Err(e),
        }
    }

    /// The row matching `q` changed by `update` and saved, or `create()` inserted:
    /// `(instance, created)`. Runs in an atomic block with the row locked, through
    /// [`get_or_create`](Self::get_or_create), as Django's does.
    pub async fn update_or_create(
        &self,
        q: Q<M>,
        update: impl FnOnce(&mut M) + Send,
        create: impl FnOnce() -> M + Send,
    ) -> Result<(M, bool)> {
        let options = crate::db::transaction::Atomicity {
            using: self.alias.clone(),
            durable: false,
        };
        let locked = self.clone().select_for_update();
        crate::db::transaction::atomic_with(options, || async move {
            let (mut found, created) = locked.get_or_create(q, create).await?;
            if created {
                return Ok((found, true));
            }
            update(&mut found);
            let conn = locked.connection().await?;
            update_row(&conn, &mut found, None).await?;
            Ok((found, false))
        })
        .await
    }
}

/// A queryset whose rows carry aggregates: `(row, value)` (Django's `annotate`).
pub struct Annotated<M, A> {
    qs: QuerySet<M>,
    /// The annotations' names (what `values()` keys them by).
    aliases: Vec<String>,
    _a: PhantomData<fn() -> A>,
}

impl<M, A> Clone for Annotated<M, A> {
    fn clone(&self) -> Self {
        Annotated {
            qs: self.qs.clone(),
            aliases: self.aliases.clone(),
            _a: PhantomData,
        }
    }
}

/// A condition on an annotated queryset: on the rows (`Q`, SQL WHERE) or on the annotation
/// (`Having`, SQL HAVING).
pub trait Condition<M> {
    fn apply(self, qs: &mut QuerySet<M>);
}

impl<M: Model> Condition<M> for Q<M> {
    fn apply(self, qs: &mut QuerySet<M>) {
        qs.filter.push(self.node);
    }
}

impl<M: Model> Condition<M> for super::expressions::Func<M, bool> {
    fn apply(self, qs: &mut QuerySet<M>) {
        qs.filter.push(Node::Expr(self.operand));
    }
}

impl<M: Model> Condition<M> for Having<M> {
    fn apply(self, qs: &mut QuerySet<M>) {
        qs.having.push(self.node);
    }
}

impl<M: Model, A: Aggregates<Model = M>> Annotated<M, A> {
    /// Rows (`Q`) or annotations (`n.gt(2)`) matching the condition.
    pub fn filter(mut self, condition: impl Condition<M>) -> Self {
        condition.apply(&mut self.qs);
        self
    }

    queryset_builders! {
        fn exclude(q: Q<M>);
        /// Orders by fields or annotations (`n.desc()`).
        fn order_by(terms: impl IntoIterator<Item = OrderBy<M>>);
        fn slice(range: impl RangeBounds<u64>);
        fn using(alias: &str);
    }

    /// Every row with its annotation.
    pub async fn all(&self) -> Result<Vec<(M, A::Output)>> {
        let conn = self.qs.connection().await?;
        self.qs.check(&conn)?;
        let ordering = self.qs.effective_ordering();
        let sql = self.qs.select(&conn, Columns::Rows, &ordering, None);
        let rows = conn.fetch(&sql.text, sql.values).await?;
        let offset = M::FIELDS.len() + self.qs.related.iter().map(Related::width).sum::<usize>();
        rows.iter()
            .map(|row| Ok((self.qs.read(row)?, A::read(row, offset)?)))
            .collect()
    }

    /// How many rows (groups) there are.
    pub async fn count(&self) -> Result<u64> {
        self.qs.count().await
    }

    /// The first row with its annotation, by the queryset's order (by primary key when it
    /// has none), as Django's `first()`.
    pub async fn first(&self) -> Result<Option<(M, A::Output)>> {
        let mut qs = self.clone();
        qs.qs.ordering = Some(qs.qs.ordering_or_pk());
        qs.qs = qs.qs.slice(..1);
        Ok(qs.all().await?.into_iter().next())
    }

    /// The fields' values with the annotations after them, one row per row of the model
    /// (Django's `annotate(...).values_list(...)`: grouped by the row, not by the values).
    pub fn values_list<V: ValuesList<Model = M>>(self, fields: V) -> ValuesOf<M, V, Tuples, A> {
        let _ = fields;
        let mut qs = self.qs;
        qs.group_by_pk = true;
        ValuesOf::annotated(qs, self.aliases)
    }

    /// The fields and the annotations as dictionaries, one per row of the model (Django's
    /// `annotate(n=...).values("name", "n")`).
    pub fn values<V: Values<Model = M>>(self, fields: V) -> ValuesOf<M, V, Dicts, A> {
        let _ = fields;
        let mut qs = self.qs;
        qs.group_by_pk = true;
        ValuesOf::annotated(qs, self.aliases)
    }
}

/// The chunks of [`QuerySet::iterator`].
pub struct Chunks<M> {
    qs: QuerySet<M>,
    chunk_size: u64,
    next: u64,
    done: bool,
}

impl<M: Model> Chunks<M> {
    /// The next chunk of rows; `None` after the last.
    pub async fn next(&mut self) -> Result<Option<Vec<M>>> {
        if self.done {
            return Ok(None);
        }
        let chunk = self
            .qs
            .clone()
            .slice(self.next..self.next + self.chunk_size)
            .all()
            .await?;
        self.next += self.chunk_size;
        if (chunk.len() as u64) < self.chunk_size {
            self.done = true;
        }
        if chunk.is_empty() {
            return Ok(None);
        }
        Ok(Some(chunk))
    }
}

/// The paths across relations an ORDER BY term reads.
fn term_paths<'a>(term: &'a Term, out: &mut Vec<&'a [Join]>) {
    match term {
        Term::Column { path, .. } => out.push(path),
        Term::Expr(e) => e.paths(out),
        Term::Nulls(t, _) => term_paths(t, out),
    }
}

/// One ORDER BY item. NULLs placement is SQL's `NULLS FIRST/LAST` where the database has it
/// (PostgreSQL, SQLite); MySQL and MariaDB sort by `IS NULL` first, as Django writes it.
fn order_term(
    sql: &mut Sql,
    scope: &Scope,
    term: &Term,
    descending: bool,
    positional: &dyn Fn(&Operand) -> Option<usize>,
) {
    let write = |sql: &mut Sql, term: &Term| match term {
        Term::Column { path, column } => sql.column(scope.at(path), column),
        Term::Expr(e) => match positional(e) {
            Some(n) => sql.push(&n.to_string()),
            None => sql.operand(scope, e),
        },
        Term::Nulls(..) => unreachable!("NULLs placement wraps a column or an expression"),
    };
    let direction = if descending { " DESC" } else { " ASC" };
    match term {
        Term::Nulls(inner, first) if sql.dialect == Dialect::Mysql => {
            // `n IS NULL` would test a number: write the expression itself here.
            let plain = |sql: &mut Sql| match &**inner {
                Term::Expr(e) => sql.operand(scope, e),
                t => write(sql, t),
            };
            plain(sql);
            sql.push(if *first {
                " IS NOT NULL, "
            } else {
                " IS NULL, "
            });
            write(sql, inner);
            sql.push(direction);
        }
        Term::Nulls(inner, first) => {
            write(sql, inner);
            sql.push(direction);
            sql.push(if *first {
                " NULLS FIRST"
            } else {
                " NULLS LAST"
            });
        }
        term => {
            write(sql, term);
            sql.push(direction);
        }
    }
}

/// OFFSET/LIMIT rows.
struct Slice {
    low: u64,
    high: Option<u64>,
}

impl Slice {
    /// ` LIMIT n OFFSET m`, as literal numbers, not parameters: SQLite prepares a statement
    /// again for every different bound LIMIT (DESIGN.md, "Performance facts").
    fn limit_clause(&self, dialect: Dialect) -> Option<String> {
        match (self.high, self.low) {
            (Some(h), 0) => Some(format!(" LIMIT {}", h - self.low)),
            (Some(h), low) => Some(format!(" LIMIT {} OFFSET {low}", h - low)),
            (None, 0) => None,
            (None, low) => {
                // Every backend needs a LIMIT before OFFSET: Django writes the largest one.
                let max = match dialect {
                    Dialect::Mysql => "18446744073709551615",
                    Dialect::Sqlite => "-1",
                    Dialect::Postgres => "ALL",
                };
                Some(format!(" LIMIT {max} OFFSET {low}"))
            }
        }
    }
}

/// Ascending or descending, for [`QuerySet::dates`] (Django's `order="ASC"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    #[default]
    Asc,
    Desc,
}

/// What `bulk_create_with` does when a row conflicts with a unique constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum OnConflict {
    /// The INSERT fails (an IntegrityError): plain `bulk_create`.
    #[default]
    Error,
    /// Skip the row (Django's `ignore_conflicts=True`).
    Ignore,
    /// Update the existing row's `update_fields` (Django's `update_conflicts=True`), the
    /// conflict being on `unique_fields` (field names).
    Update {
        update_fields: Vec<&'static str>,
        unique_fields: Vec<&'static str>,
    },
}

impl OnConflict {
    /// Django's checks of the options, in its words, before any statement runs.
    fn check<M: Model>(&self, dialect: Dialect) -> Result<()> {
        let OnConflict::Update {
            update_fields,
            unique_fields,
        } = self
        else {
            return Ok(());
        };
        let refuse =
            |kind, message: String| Err(QueryError::Database(DbError::Database { kind, message }));
        let value_error = crate::db::ErrorKind::Programming;
        if update_fields.is_empty() {
            return refuse(
                value_error,
                "Fields that will be updated when a row insertion fails on conflicts must be provided.".into(),
            );
        }
        if dialect == Dialect::Mysql && !unique_fields.is_empty() {
            return refuse(
                crate::db::ErrorKind::NotSupported,
                "This database backend does not support updating conflicts with specifying unique fields that can trigger the upsert.".into(),
            );
        }
        if dialect != Dialect::Mysql && unique_fields.is_empty() {
            return refuse(
                value_error,
                "Unique fields that can trigger the upsert must be provided.".into(),
            );
        }
        for name in update_fields.iter().chain(unique_fields) {
            match M::FIELDS
                .iter()
                .find(|f| f.name == *name || f.attname == *name)
            {
                None => {
                    return refuse(
                        value_error,
                        format!("{} has no field named '{name}'", M::NAME),
                    );
                }
                Some(f) if f.primary_key && update_fields.contains(name) => {
                    return refuse(
                        value_error,
                        "bulk_create() cannot be used with primary keys in update_fields.".into(),
                    );
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

/// Django's `select_for_update` options (`QuerySet::select_for_update_with`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ForUpdate {
    /// Fail at once when a row is locked (`NOWAIT`), instead of waiting.
    pub nowait: bool,
    /// Leave locked rows out (`SKIP LOCKED`).
    pub skip_locked: bool,
    /// `FOR NO KEY UPDATE` on PostgreSQL (a lock that lets other rows refer to this one).
    pub no_key: bool,
    /// Which of the selected tables to lock (Django's `of=`): empty locks every one the
    /// query reads. Built with [`ForUpdate::of_self`] and [`ForUpdate::of`].
    pub of: Vec<LockOf>,
}

/// A table `select_for_update(of=...)` locks.
#[derive(Debug, Clone, PartialEq)]
pub enum LockOf {
    /// The queryset's own model (Django's `"self"`).
    Own,
    /// A model the query reads through `select_related`: its lookup name and joins.
    Related { name: String, path: Vec<Join> },
}

impl ForUpdate {
    /// Locks the queryset's own rows (Django's `of=("self",)`).
    pub fn of_self(mut self) -> Self {
        self.of.push(LockOf::Own);
        self
    }

    /// Locks the rows of a relation the query follows with `select_related` (Django's
    /// `of=("author",)`).
    pub fn of<R: Relation>(mut self, relation: R) -> Self {
        let _ = relation;
        self.of.push(LockOf::Related {
            name: R::lookup_name(),
            path: R::joins(),
        });
        self
    }
}

/// How many parameters one `bulk_update` statement binds at most: under SQLite's limit
/// (32766) and PostgreSQL's (65535).
const BULK_UPDATE_PARAMETERS: usize = 30_000;

/// An integer primary key read from column `index`, whatever its width.
pub(crate) fn read_i64(
    row: &QueryResult,
    index: usize,
) -> std::result::Result<i64, sea_orm::DbErr> {
    row.try_get_by_index::<i64>(index)
        .or_else(|_| row.try_get_by_index::<i32>(index).map(i64::from))
        .or_else(|_| row.try_get_by_index::<i16>(index).map(i64::from))
}

/// An instance's `delete()`: by its integer key through the Collector (its `on_delete` rules),
/// or by its key as it is when the model has another kind (nothing points at such a model).
async fn delete_instance<M: Model>(instance: &M, alias: Option<&str>) -> Result<Deleted> {
    if M::INTEGER_PK {
        deletion::delete::<M>(alias, vec![pk_i64(&instance.pk())]).await
    } else {
        deletion::delete_keyed::<M>(alias, vec![instance.pk()]).await
    }
}

/// The integer key of the owner of a reverse relation's set (relations go by integer keys;
/// `#[model]` refuses others at compile time).
#[doc(hidden)]
pub fn owner_pk<M: Model>(owner: &M) -> i64 {
    pk_i64(&owner.pk())
}

/// Refuses what goes by integer keys on a model keyed otherwise (a CharField or UUIDField
/// primary key), before any statement runs: such a key must never be read as 0.
pub(crate) fn integer_keys<M: Model>(what: &str) -> Result<()> {
    if M::INTEGER_PK {
        return Ok(());
    }
    Err(QueryError::Database(DbError::Database {
        kind: crate::db::ErrorKind::NotSupported,
        message: format!(
            "{what} on {} goes by integer primary keys, and its primary key is not an integer: rjango does not support that yet (delete it with {}::objects().filter(...).delete())",
            M::NAME,
            M::NAME
        ),
    }))
}

/// An integer key's value (0 for another kind of key: callers check
/// [`Model::INTEGER_PK`] first, and relations refuse other keys at compile time).
pub(crate) fn pk_i64(v: &Value) -> i64 {
    match v {
        Value::BigInt(Some(n)) => *n,
        Value::Int(Some(n)) => i64::from(*n),
        Value::SmallInt(Some(n)) => i64::from(*n),
        _ => 0,
    }
}

/// The one row a `get()` fetched (at most [`MAX_GET_RESULTS`]): Django's DoesNotExist and
/// MultipleObjectsReturned, naming the model.
pub(crate) fn exactly_one<M: Model, T>(mut rows: Vec<T>) -> Result<T> {
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

pub(crate) fn pk_lookup<M: Model>(kind: LookupKind, rhs: Vec<Operand>) -> Q<M> {
    Q::new(Node::Lookup(Lookup {
        path: Vec::new(),
        lhs: None,
        column: pk_column::<M>(),
        nullable: false,
        transform: None,
        kind,
        rhs,
    }))
}

/// `pk IN (...)`.
pub(crate) fn pk_in<M: Model>(pks: &[i64]) -> Q<M> {
    pk_lookup(
        LookupKind::In,
        pks.iter()
            .map(|id| Operand::Value(Value::BigInt(Some(*id))))
            .collect(),
    )
}

/// INSERT of one instance; the primary key the database assigns is stored back.
pub(crate) async fn insert<M: Model>(conn: &Executor, instance: &mut M) -> Result<()> {
    insert_many(conn, std::slice::from_mut(instance)).await
}

/// One INSERT of several instances (all new, or all with their keys).
async fn insert_many<M: Model>(conn: &Executor, instances: &mut [M]) -> Result<()> {
    insert_many_with(conn, instances, &OnConflict::Error).await
}

/// One INSERT of several instances, with what a conflict on a unique column does.
async fn insert_many_with<M: Model>(
    conn: &Executor,
    instances: &mut [M],
    conflict: &OnConflict,
) -> Result<()> {
    let Some(unsaved) = instances.first().map(|i| is_unsaved(&i.pk())) else {
        return Ok(());
    };
    let dialect = conn.dialect();
    let now = chrono::Utc::now();
    for i in instances.iter_mut() {
        i.touch(now, true);
    }
    let table = M::table();
    let auto_pk = M::FIELDS.iter().position(|f| f.auto).filter(|_| unsaved);
    let mut sql = Sql::new(dialect);
    let ignore = matches!(conflict, OnConflict::Ignore);
    sql.push(match (ignore, dialect) {
        (true, Dialect::Sqlite) => "INSERT OR IGNORE INTO ",
        (true, Dialect::Mysql) => "INSERT IGNORE INTO ",
        _ => "INSERT INTO ",
    });
    sql.quote(table);
    sql.push(" (");
    let mut first_column = true;
    for (i, f) in M::FIELDS.iter().enumerate() {
        if Some(i) == auto_pk {
            continue;
        }
        if !first_column {
            sql.push(", ");
        }
        first_column = false;
        sql.quote(f.column);
    }
    sql.push(") VALUES ");
    for (n, instance) in instances.iter().enumerate() {
        sql.push(if n == 0 { "(" } else { ", (" });
        let mut first_value = true;
        for (i, (f, v)) in M::FIELDS.iter().zip(instance.values()).enumerate() {
            if Some(i) == auto_pk {
                continue;
            }
            if !first_value {
                sql.push(", ");
            }
            first_value = false;
            sql.field_value(f, v);
        }
        sql.push(")");
    }
    let column = |name: &str| {
        M::FIELDS
            .iter()
            .find(|f| f.name == name || f.attname == name)
            .map(|f| f.column)
            .unwrap_or("")
    };
    match (conflict, dialect) {
        (OnConflict::Ignore, Dialect::Postgres) => sql.push(" ON CONFLICT DO NOTHING"),
        (OnConflict::Update { update_fields, .. }, Dialect::Mysql) => {
            sql.push(" ON DUPLICATE KEY UPDATE ");
            for (i, name) in update_fields.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.quote(column(name));
                sql.push(" = VALUES(");
                sql.quote(column(name));
                sql.push(")");
            }
        }
        (
            OnConflict::Update {
                update_fields,
                unique_fields,
            },
            _,
        ) => {
            sql.push(" ON CONFLICT(");
            for (i, name) in unique_fields.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.quote(column(name));
            }
            sql.push(") DO UPDATE SET ");
            for (i, name) in update_fields.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.quote(column(name));
                sql.push(" = EXCLUDED.");
                sql.quote(column(name));
            }
        }
        _ => {}
    }
    let Some(pk) = auto_pk.filter(|_| !ignore) else {
        // Rows a conflict skipped have no key to give back: Django sets none either.
        conn.run(&sql.text, sql.values).await?;
        return Ok(());
    };
    if !conn.can_return_rows() {
        // MySQL: the first key of the INSERT, which is one row's key only.
        let id = conn.run(&sql.text, sql.values).await?.last_insert_id() as i64;
        if let [one] = instances {
            one.set_pk(id);
        }
        return Ok(());
    }
    sql.push(" RETURNING ");
    sql.quote(M::FIELDS[pk].column);
    let rows = conn.fetch(&sql.text, sql.values).await?;
    if rows.len() != instances.len() {
        return Err(QueryError::Database(DbError::Query(
            "INSERT returned no key".into(),
        )));
    }
    for (instance, row) in instances.iter_mut().zip(&rows) {
        instance.set_pk(read_i64(row, 0)?);
    }
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
        sql.field_value(f, v);
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
        save_on(None, self).await
    }

    /// `save()` on the database `alias` (Django's `save(using=...)`). A plain struct does not
    /// remember the database it was read from, so an instance read through `.using(alias)`
    /// is saved back with `save_using(alias)`.
    async fn save_using(&mut self, alias: &str) -> Result<()> {
        save_on(Some(alias), self).await
    }

    /// Updates only the named fields (Django's `save(update_fields=[...])`).
    async fn save_fields(&mut self, fields: &[&str]) -> Result<()> {
        save_fields_on(None, self, fields).await
    }

    /// `save_fields()` on the database `alias`.
    async fn save_fields_using(&mut self, alias: &str, fields: &[&str]) -> Result<()> {
        save_fields_on(Some(alias), self, fields).await
    }

    /// Deletes this instance's row and what its `on_delete` rules say; returns Django's
    /// counts.
    async fn delete(&self) -> Result<Deleted> {
        delete_instance(self, None).await
    }

    /// `delete()` on the database `alias` (Django's `delete(using=...)`).
    async fn delete_using(&self, alias: &str) -> Result<Deleted> {
        delete_instance(self, Some(alias)).await
    }

    /// Reads this instance's row again.
    async fn refresh_from_db(&mut self) -> Result<()> {
        *self = QuerySet::new().get(this(self)).await?;
        Ok(())
    }

    /// `refresh_from_db()` from the database `alias` (Django's `refresh_from_db(using=...)`).
    async fn refresh_from_db_using(&mut self, alias: &str) -> Result<()> {
        *self = QuerySet::new().using(alias).get(this(self)).await?;
        Ok(())
    }
}

/// Django's save: an UPDATE of a saved instance, an INSERT when it is new or has no row.
async fn save_on<M: Model>(alias: Option<&str>, instance: &mut M) -> Result<()> {
    let conn = executor(alias).await?;
    if is_unsaved(&instance.pk()) || !update_row(&conn, instance, None).await? {
        insert(&conn, instance).await?;
    }
    Ok(())
}

/// Django's save(update_fields=...): only an UPDATE, which must find the row.
async fn save_fields_on<M: Model>(
    alias: Option<&str>,
    instance: &mut M,
    fields: &[&str],
) -> Result<()> {
    let conn = executor(alias).await?;
    if !update_row(&conn, instance, Some(fields)).await? {
        return Err(QueryError::Database(DbError::Query(format!(
            "{} has no row to update: save_fields() needs a saved instance",
            M::NAME
        ))));
    }
    Ok(())
}

/// The condition of exactly this instance's row: `pk = self.pk`.
fn this<M: Model>(instance: &M) -> Q<M> {
    pk_lookup(LookupKind::Exact, vec![Operand::Value(instance.pk())])
}

impl<M: Model> Instance for M {}
