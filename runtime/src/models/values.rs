//! Django's `values_list()` and `values()`: the rows as tuples or dictionaries instead of model
//! instances. Both are lazy, like the queryset they come from: `.await` runs them, and
//! `.annotate(...)` first makes them Django's GROUP BY idiom,
//! `Post.objects.values("author").annotate(n=Count("id"))`: one row per distinct value of the
//! fields, with the aggregates of its group.

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::ops::RangeBounds;
use std::pin::Pin;

use sea_orm::{QueryResult, Value};

use super::aggregates::{AggregateValues, Aggregates};
use super::lookups::{Field, Join, OrderBy, Q};
use super::meta::{FromSql, quantized};
use super::query::{Columns, Condition, QueryError, QuerySet, Result, queryset_builders};
use super::{FieldInfo, Model};
use crate::db::DbError;

/// What `values_list` reads: one field, or a tuple of fields.
pub trait ValuesList: 'static {
    type Model: Model;
    type Output: Send + 'static;
    fn columns() -> Vec<(Vec<Join>, &'static str)>;
    fn read(row: &QueryResult) -> std::result::Result<Self::Output, sea_orm::DbErr>;
}

impl<G: Field> ValuesList for G {
    type Model = G::Model;
    type Output = G::Stored;
    fn columns() -> Vec<(Vec<Join>, &'static str)> {
        vec![(G::path(), G::COLUMN)]
    }
    fn read(row: &QueryResult) -> std::result::Result<G::Stored, sea_orm::DbErr> {
        // A DecimalField with its places on every backend, as Django's converter gives it.
        Ok(quantized(G::Stored::from_sql(row, 0)?, G::DECIMAL_PLACES))
    }
}

macro_rules! values_tuple {
    ($($g:ident $i:tt),+) => {
        impl<M: Model, $($g: Field<Model = M>),+> ValuesList for ($($g,)+) {
            type Model = M;
            type Output = ($($g::Stored,)+);
            fn columns() -> Vec<(Vec<Join>, &'static str)> {
                vec![$(($g::path(), $g::COLUMN)),+]
            }
            fn read(row: &QueryResult) -> std::result::Result<Self::Output, sea_orm::DbErr> {
                Ok(($(quantized($g::Stored::from_sql(row, $i)?, $g::DECIMAL_PLACES),)+))
            }
        }
        values_dict_tuple!($($g $i),+);
    };
}

/// Fields `values()` reads into dictionaries: one field, or a tuple of them, whose values
/// serialize to JSON.
pub trait Values: ValuesList {
    /// The keys: each field's lookup name.
    fn names() -> Vec<String>;
    /// The row's values, in the order of `names()`.
    fn read_json(row: &QueryResult) -> Result<Vec<serde_json::Value>>;
}

/// A value as `values()` shows it.
fn json_of<T: serde::Serialize>(value: T) -> Result<serde_json::Value> {
    serde_json::to_value(value)
        .map_err(|e| QueryError::Database(DbError::Query(format!("values(): {e}"))))
}

impl<G: Field> Values for G
where
    G::Stored: serde::Serialize,
{
    fn names() -> Vec<String> {
        vec![G::lookup_name()]
    }
    fn read_json(row: &QueryResult) -> Result<Vec<serde_json::Value>> {
        // Nullable even for a NOT NULL column: across a relation there may be no row (null).
        let value = G::Stored::from_sql_nullable(row, 0)?;
        Ok(vec![json_of(quantized(value, G::DECIMAL_PLACES))?])
    }
}

macro_rules! values_dict_tuple {
    ($($g:ident $i:tt),+) => {
        impl<M: Model, $($g: Field<Model = M>),+> Values for ($($g,)+)
        where
            $($g::Stored: serde::Serialize),+
        {
            fn names() -> Vec<String> {
                vec![$($g::lookup_name()),+]
            }
            fn read_json(row: &QueryResult) -> Result<Vec<serde_json::Value>> {
                Ok(vec![$(json_of(quantized(
                    $g::Stored::from_sql_nullable(row, $i)?,
                    $g::DECIMAL_PLACES,
                ))?),+])
            }
        }
    };
}

values_tuple!(A 0);
values_tuple!(A 0, B 1);
values_tuple!(A 0, B 1, C 2);
values_tuple!(A 0, B 1, C 2, D 3);
values_tuple!(A 0, B 1, C 2, D 3, E 4);
values_tuple!(A 0, B 1, C 2, D 3, E 4, F 5);
values_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
values_tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

/// `values_list(...)` reads tuples (or single values).
pub struct Tuples;

/// `values(...)` reads dictionaries keyed by lookup names.
pub struct Dicts;

/// Not annotated: one row per row of the queryset.
pub struct Ungrouped;

/// A `values_list(...)` or `values(...)` query, lazy until `.await`. `F` is what each row
/// reads into ([`Tuples`] or [`Dicts`]), `A` the aggregates of `.annotate(...)`, if any.
pub struct ValuesOf<M, V, F, A = Ungrouped> {
    qs: QuerySet<M>,
    aliases: Vec<String>,
    _p: Shape<V, F, A>,
}

impl<M, V, F, A> Clone for ValuesOf<M, V, F, A> {
    fn clone(&self) -> Self {
        ValuesOf {
            qs: self.qs.clone(),
            aliases: self.aliases.clone(),
            _p: PhantomData,
        }
    }
}

/// The fields, the form and the aggregates: types only, never values.
type Shape<V, F, A> = PhantomData<fn() -> (V, F, A)>;

impl<M: Model, V, F, A> ValuesOf<M, V, F, A> {
    pub(crate) fn new(qs: QuerySet<M>) -> Self {
        ValuesOf {
            qs,
            aliases: Vec::new(),
            _p: PhantomData,
        }
    }

    /// Values of an annotated queryset (`annotate(...).values(...)`).
    pub(crate) fn annotated(qs: QuerySet<M>, aliases: Vec<String>) -> Self {
        ValuesOf {
            qs,
            aliases,
            _p: PhantomData,
        }
    }

    /// The queryset underneath (what a `Subquery` writes).
    pub(crate) fn into_queryset(self) -> QuerySet<M> {
        self.qs
    }

    queryset_builders! {
        /// Leaves out the rows matching `q` (the queryset's `exclude`, still available here).
        fn exclude(q: Q<M>);
        /// Orders the rows: by fields, or by the annotations once annotated (`n.desc()`).
        fn order_by(terms: impl IntoIterator<Item = OrderBy<M>>);
        fn slice(range: impl RangeBounds<u64>);
        /// Each distinct row once (`values(...).distinct()`).
        fn distinct();
        fn using(alias: &str);
    }
}

impl<M: Model, V, F> ValuesOf<M, V, F, Ungrouped> {
    /// The rows matching `q`.
    pub fn filter(mut self, q: Q<M>) -> Self {
        self.qs = self.qs.filter(q);
        self
    }

    /// One row per distinct value of the fields, with the aggregates over its rows: Django's
    /// `values("author").annotate(n=Count("id"))`. The model's Meta.ordering does not apply
    /// to it (as in Django since 3.1); `order_by` does, and may order by the aggregates.
    pub fn annotate<A: Aggregates<Model = M>>(mut self, aggregates: A) -> ValuesOf<M, V, F, A> {
        self.qs.annotations = aggregates.exprs();
        ValuesOf {
            qs: self.qs,
            aliases: aggregates.aliases(),
            _p: PhantomData,
        }
    }
}

impl<M: Model, V, F, A: Aggregates<Model = M>> ValuesOf<M, V, F, A> {
    /// The rows matching a condition (`Q`), or the groups whose aggregates match one
    /// (`Count(post::id).gt(2)`, Django's `filter(n__gt=2)`: SQL HAVING).
    pub fn filter(mut self, condition: impl Condition<M>) -> Self {
        condition.apply(&mut self.qs);
        self
    }
}

impl<M: Model, V: ValuesList<Model = M>, F, A> ValuesOf<M, V, F, A> {
    /// Runs the SELECT of `V`'s columns (and the aggregates, grouped by the columns).
    async fn rows(&self) -> Result<Vec<QueryResult>> {
        let conn = self.qs.connection().await?;
        self.qs.check(&conn)?;
        let columns = V::columns();
        let ordering = if !self.qs.grouped() {
            self.qs.effective_ordering()
        } else {
            // Django (3.1+) leaves Meta.ordering out of a GROUP BY query.
            self.qs.ordering.clone().unwrap_or_default()
        };
        let sql = self
            .qs
            .select(&conn, Columns::Values(&columns), &ordering, None);
        Ok(conn.fetch(&sql.text, sql.values).await?)
    }
}

impl<M: Model, V: ValuesList<Model = M>, F, A> ValuesOf<M, V, F, A> {
    /// How many rows the values query gives (distinct ones after `distinct()`, groups after
    /// `annotate()`), as Django's `count()` on it.
    pub async fn count(&self) -> Result<u64> {
        let conn = self.qs.connection().await?;
        self.qs.check(&conn)?;
        let columns = V::columns();
        let mut sql = super::sql::Sql::new(conn.dialect());
        sql.push("SELECT COUNT(*) FROM (");
        // Named col1, col2...: `values_list((post::id, author::id))` selects two `id`s.
        sql.col_aliases = true;
        self.qs
            .select_into(&mut sql, Columns::Values(&columns), &[], None);
        sql.push(") subquery");
        let rows = conn.fetch(&sql.text, sql.values).await?;
        let n = rows
            .first()
            .map(|r| super::query::read_i64(r, 0))
            .transpose()?
            .unwrap_or(0);
        Ok(n as u64)
    }

    /// Whether the values query gives any row.
    pub async fn exists(&self) -> Result<bool> {
        let conn = self.qs.connection().await?;
        self.qs.check(&conn)?;
        let columns = V::columns();
        let sql = self
            .qs
            .select(&conn, Columns::Values(&columns), &[], Some(1));
        Ok(!conn.fetch(&sql.text, sql.values).await?.is_empty())
    }

    /// The first row, by the query's order (by primary key when it has none and is not
    /// grouped), as Django's `first()`.
    pub async fn first<T>(self) -> Result<Option<T>>
    where
        Self: IntoFuture<Output = Result<Vec<T>>>,
    {
        let mut this = self;
        if this.qs.ordering.is_none() && M::ORDERING.is_empty() && !this.qs.grouped() {
            this.qs.ordering = Some(this.qs.ordering_or_pk());
        }
        this.qs = this.qs.slice(..1);
        Ok(this.await?.into_iter().next())
    }
}

/// What `.await` on a values query gives: a boxed future, as every driver future the ORM
/// awaits (see `transaction::Executor::fetch`).
type Running<T> = Pin<Box<dyn Future<Output = Result<Vec<T>>> + Send>>;

impl<M: Model, V: ValuesList<Model = M>> IntoFuture for ValuesOf<M, V, Tuples, Ungrouped> {
    type Output = Result<Vec<V::Output>>;
    type IntoFuture = Running<V::Output>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            self.rows()
                .await?
                .iter()
                .map(|row| V::read(row).map_err(QueryError::from))
                .collect()
        })
    }
}

/// One dictionary: the keys, then the values in their order.
pub type Dict = serde_json::Map<String, serde_json::Value>;

impl<M: Model, V: Values<Model = M>> IntoFuture for ValuesOf<M, V, Dicts, Ungrouped> {
    type Output = Result<Vec<Dict>>;
    type IntoFuture = Running<Dict>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let names = V::names();
            self.rows()
                .await?
                .iter()
                .map(|row| Ok(names.iter().cloned().zip(V::read_json(row)?).collect()))
                .collect()
        })
    }
}

impl<M: Model, V: ValuesList<Model = M>, A: Aggregates<Model = M>> IntoFuture
    for ValuesOf<M, V, Tuples, A>
{
    type Output = Result<Vec<(V::Output, A::Output)>>;
    type IntoFuture = Running<(V::Output, A::Output)>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let offset = V::columns().len();
            self.rows()
                .await?
                .iter()
                .map(|row| Ok((V::read(row)?, A::read(row, offset)?)))
                .collect()
        })
    }
}

impl<M: Model, V: Values<Model = M>, A: AggregateValues<Model = M>> IntoFuture
    for ValuesOf<M, V, Dicts, A>
{
    type Output = Result<Vec<Dict>>;
    type IntoFuture = Running<Dict>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let offset = V::columns().len();
            let names: Vec<String> = V::names().into_iter().chain(self.aliases.clone()).collect();
            // Django refuses a name given twice rather than lose a value.
            if let Some(twice) = names
                .iter()
                .enumerate()
                .find_map(|(i, n)| names[..i].contains(n).then_some(n))
            {
                return Err(QueryError::Database(DbError::Query(format!(
                    "The annotation '{twice}' conflicts with another name in values(): give it \
                     another with .named(\"...\")"
                ))));
            }
            self.rows()
                .await?
                .iter()
                .map(|row| {
                    let mut values = V::read_json(row)?;
                    values.extend(A::read_json(row, offset)?);
                    Ok(names.iter().cloned().zip(values).collect())
                })
                .collect()
        })
    }
}

/// A column's value as `values()` shows it: what serde makes of the Rust value it reads into,
/// so `values_all()` and `values(fields)` agree (a duration too, though its column holds
/// microseconds).
pub(crate) fn json_of_value(field: &FieldInfo, value: Value) -> Result<serde_json::Value> {
    use serde_json::Value as Json;
    Ok(match value {
        Value::BigInt(us) if field.duration => json_of(us.map(chrono::TimeDelta::microseconds))?,
        Value::Bool(v) => v.map_or(Json::Null, Json::Bool),
        Value::TinyInt(v) => json_of(v)?,
        Value::SmallInt(v) => json_of(v)?,
        Value::Int(v) => json_of(v)?,
        Value::BigInt(v) => json_of(v)?,
        Value::Float(v) => json_of(v)?,
        Value::Double(v) => json_of(v)?,
        Value::String(v) => json_of(v)?,
        Value::Decimal(v) => json_of(v)?,
        Value::ChronoDate(v) => json_of(v)?,
        Value::ChronoTime(v) => json_of(v)?,
        Value::ChronoDateTimeUtc(v) => json_of(v)?,
        Value::Uuid(v) => json_of(v)?,
        Value::Json(v) => v.map_or(Json::Null, |j| *j),
        Value::Bytes(v) => json_of(v)?,
        other => {
            return Err(QueryError::Database(DbError::Query(format!(
                "values(): no JSON form for {other:?}"
            ))));
        }
    })
}
