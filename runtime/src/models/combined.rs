//! Django's `union()`, `intersection()` and `difference()`: the rows of several querysets of
//! one model combined by SQL's UNION, INTERSECT and EXCEPT (on every backend; MariaDB has
//! INTERSECT and EXCEPT since 10.3). The combined query can be ordered by the model's own
//! fields, sliced, counted and run; each part keeps its own filters (and its order only when
//! it is sliced, as Django's).

use std::ops::RangeBounds;

use super::Model;
use super::lookups::{OrderBy, Term};
use super::meta::FromSql;
use super::query::{Columns, QueryError, QuerySet, Result};
use super::sql::Sql;
use crate::db::DbError;

/// How two parts combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Union,
    UnionAll,
    Intersect,
    Except,
}

impl SetOp {
    fn sql(self) -> &'static str {
        match self {
            SetOp::Union => " UNION ",
            SetOp::UnionAll => " UNION ALL ",
            SetOp::Intersect => " INTERSECT ",
            SetOp::Except => " EXCEPT ",
        }
    }
}

/// Querysets of `M` combined (Django's combined queryset): lazy until `all()`/`count()`.
pub struct Combined<M> {
    first: QuerySet<M>,
    rest: Vec<(SetOp, QuerySet<M>)>,
    ordering: Vec<(Term, bool)>,
    slice: QuerySet<M>,
}

impl<M> Clone for Combined<M> {
    fn clone(&self) -> Self {
        Combined {
            first: self.first.clone(),
            rest: self.rest.clone(),
            ordering: self.ordering.clone(),
            slice: self.slice.clone(),
        }
    }
}

impl<M: Model> QuerySet<M> {
    /// The rows of this queryset or `other`, each once (Django's `union`).
    pub fn union(self, other: QuerySet<M>) -> Combined<M> {
        Combined::new(self).then(SetOp::Union, other)
    }

    /// The rows of both, duplicates kept (Django's `union(..., all=True)`).
    pub fn union_all(self, other: QuerySet<M>) -> Combined<M> {
        Combined::new(self).then(SetOp::UnionAll, other)
    }

    /// The rows in both (Django's `intersection`).
    pub fn intersection(self, other: QuerySet<M>) -> Combined<M> {
        Combined::new(self).then(SetOp::Intersect, other)
    }

    /// The rows of this queryset that are not in `other` (Django's `difference`).
    pub fn difference(self, other: QuerySet<M>) -> Combined<M> {
        Combined::new(self).then(SetOp::Except, other)
    }
}

impl<M: Model> Combined<M> {
    fn new(first: QuerySet<M>) -> Self {
        Combined {
            first,
            rest: Vec::new(),
            ordering: Vec::new(),
            slice: QuerySet::new(),
        }
    }

    fn then(mut self, op: SetOp, other: QuerySet<M>) -> Self {
        self.rest.push((op, other));
        self
    }

    /// These rows or `other`'s, each once.
    pub fn union(self, other: QuerySet<M>) -> Self {
        self.then(SetOp::Union, other)
    }

    /// These rows and `other`'s, duplicates kept.
    pub fn union_all(self, other: QuerySet<M>) -> Self {
        self.then(SetOp::UnionAll, other)
    }

    /// These rows that are also `other`'s.
    pub fn intersection(self, other: QuerySet<M>) -> Self {
        self.then(SetOp::Intersect, other)
    }

    /// These rows that are not `other`'s.
    pub fn difference(self, other: QuerySet<M>) -> Self {
        self.then(SetOp::Except, other)
    }

    /// Orders the combined rows by the model's own fields (as Django, which allows only the
    /// selected columns here).
    pub fn order_by(mut self, terms: impl IntoIterator<Item = OrderBy<M>>) -> Self {
        self.ordering = terms.into_iter().flat_map(|o| o.terms).collect();
        self
    }

    /// OFFSET/LIMIT of the combined rows (Django's `qs[a:b]`).
    pub fn slice(mut self, range: impl RangeBounds<u64>) -> Self {
        self.slice = self.slice.slice(range);
        self
    }

    /// The combined SELECT, its ORDER BY by column position.
    async fn sql(&self) -> Result<(crate::db::transaction::Executor, Sql)> {
        let conn = self.first.connection().await?;
        let mut sql = Sql::new(conn.dialect());
        let parts = std::iter::once((None, &self.first))
            .chain(self.rest.iter().map(|(op, qs)| (Some(*op), qs)));
        for (i, (op, part)) in parts.enumerate() {
            part.check(&conn)?;
            if let Some(op) = op {
                sql.push(op.sql());
            }
            // Each part as a derived table: SQLite allows no ORDER BY or LIMIT in a part of a
            // compound SELECT otherwise.
            sql.push("SELECT * FROM (");
            let part = part.for_combining();
            let ordering = if part.is_sliced() {
                part.effective_ordering()
            } else {
                Vec::new()
            };
            part.select_into(&mut sql, Columns::Rows, &ordering, None);
            sql.push(&format!(") c{i}"));
        }
        for (i, (term, descending)) in self.ordering.iter().enumerate() {
            let Some(position) = term
                .column()
                .filter(|(path, _)| path.is_empty())
                .and_then(|(_, column)| M::FIELDS.iter().position(|f| f.column == column))
            else {
                return Err(QueryError::Database(DbError::Database {
                    kind: crate::db::ErrorKind::Programming,
                    message: "ORDER BY term does not match any column in the result set."
                        .to_owned(),
                }));
            };
            sql.push(if i == 0 { " ORDER BY " } else { ", " });
            sql.push(&(position + 1).to_string());
            sql.push(if *descending { " DESC" } else { " ASC" });
            if let Term::Nulls(_, first) = term {
                if conn.dialect() == crate::db::Dialect::Mysql {
                    // MySQL orders a UNION by positions or names only, not by `IS NULL`.
                    return Err(QueryError::Database(DbError::Database {
                        kind: crate::db::ErrorKind::NotSupported,
                        message: "nulls_first/nulls_last on a combined query is not supported on MySQL and MariaDB.".to_owned(),
                    }));
                }
                sql.push(if *first {
                    " NULLS FIRST"
                } else {
                    " NULLS LAST"
                });
            }
        }
        if let Some(limit) = self.slice.limit_clause(conn.dialect()) {
            sql.push(&limit);
        }
        Ok((conn, sql))
    }

    /// Runs the combined query.
    pub async fn all(&self) -> Result<Vec<M>> {
        let (conn, sql) = self.sql().await?;
        let rows = conn.fetch(&sql.text, sql.values).await?;
        rows.iter()
            .map(|row| M::from_row(row, 0).map_err(QueryError::from))
            .collect()
    }

    /// How many rows the combined query gives.
    pub async fn count(&self) -> Result<u64> {
        let (conn, inner) = self.sql().await?;
        let text = format!("SELECT COUNT(*) FROM ({}) subquery", inner.text);
        let rows = conn.fetch(&text, inner.values).await?;
        let n = rows
            .first()
            .map(|r| i64::from_sql(r, 0))
            .transpose()?
            .unwrap_or(0);
        Ok(n as u64)
    }
}
