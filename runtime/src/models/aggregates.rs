//! Django's aggregates: `Count`, `Sum`, `Avg`, `Min`, `Max`, for
//! [`QuerySet::aggregate`](super::QuerySet::aggregate) (one answer for the rows) and
//! [`QuerySet::annotate`](super::QuerySet::annotate) (one answer per row, grouped as Django
//! groups: by every column of the model), and `values(...).annotate(...)` (one answer per
//! distinct value of the named fields, see [`super::values`]).
//!
//! An aggregate is typed by what it reads: `Sum(post::views)` answers `Option<i64>` (NULL when
//! there are no rows, as in Django), `Count(...)` an `i64`, `Avg` an `Option<f64>`, `Min`/`Max`
//! the field's own type.

use std::marker::PhantomData;

use sea_orm::QueryResult;

use super::Model;
use super::lookups::{Field, Join, LookupKind, OrderBy, OrderedLookups, Relation, Term};
use super::lookups::{Operand, Path, Reverse, ValueFor};
use super::meta::{FromSql, Quantize, pk_column, quantized};

/// The SQL aggregate functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    Count,
    Sum,
    Avg,
    Min,
    Max,
}

/// How an aggregate's result is cast so each driver reads the type Django returns (SUM of an
/// integer column is NUMERIC on PostgreSQL and DECIMAL on MariaDB; AVG is NUMERIC/DECIMAL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cast {
    None,
    Integer,
    Float,
}

/// An aggregate as SQL: `FUNCTION([DISTINCT] alias.column)` over the joins of `path`.
#[derive(Debug, Clone, PartialEq)]
pub struct AggregateExpr {
    pub function: Function,
    pub distinct: bool,
    pub path: Vec<Join>,
    /// `None`: `COUNT(*)`.
    pub column: Option<&'static str>,
    pub cast: Cast,
}

/// An aggregate over rows of `Self::Model`, read back as `Self::Output`.
pub trait Aggregate: Copy + Send + Sync + 'static {
    type Model: Model;
    type Output: FromSql + Send;
    /// What a condition on it compares with (the output without `Option`).
    type Compare;
    fn expr(&self) -> AggregateExpr;
    /// Reads the aggregate's value from column `index` (a DecimalField's Sum, Min and Max with
    /// the field's decimal places, as Django's converter gives them).
    fn read(row: &QueryResult, index: usize) -> Result<Self::Output, sea_orm::DbErr> {
        Self::Output::from_sql(row, index)
    }
    /// The annotation's name in `values(...).annotate(...)`: Django's default alias,
    /// `<lookup>__<function>` (`posts__count`, `views__sum`), unless [`Aggregate::named`].
    fn alias(&self) -> String;

    /// The same aggregate under the name `alias`: Django's `annotate(n=Count("posts"))`.
    fn named(self, alias: &'static str) -> Named<Self> {
        Named {
            aggregate: self,
            alias,
        }
    }

    /// Ascending order by this annotation (Django's `order_by("n")`).
    fn asc(self) -> OrderBy<Self::Model> {
        OrderBy::new(Term::Aggregate(self.expr()), false)
    }
    /// Descending order by this annotation (`order_by("-n")`).
    fn desc(self) -> OrderBy<Self::Model> {
        OrderBy::new(Term::Aggregate(self.expr()), true)
    }
    /// `n__exact`, on an annotated queryset (SQL HAVING).
    fn eq<V: ValueFor<Self::Compare, Self>>(self, value: V) -> Having<Self::Model> {
        Having::new(self.expr(), LookupKind::Exact, value)
    }
    fn gt<V: ValueFor<Self::Compare, Self>>(self, value: V) -> Having<Self::Model> {
        Having::new(self.expr(), LookupKind::Gt, value)
    }
    fn gte<V: ValueFor<Self::Compare, Self>>(self, value: V) -> Having<Self::Model> {
        Having::new(self.expr(), LookupKind::Gte, value)
    }
    fn lt<V: ValueFor<Self::Compare, Self>>(self, value: V) -> Having<Self::Model> {
        Having::new(self.expr(), LookupKind::Lt, value)
    }
    fn lte<V: ValueFor<Self::Compare, Self>>(self, value: V) -> Having<Self::Model> {
        Having::new(self.expr(), LookupKind::Lte, value)
    }
}

/// An aggregate given its own name ([`Aggregate::named`]).
#[derive(Debug, Clone, Copy)]
pub struct Named<A> {
    aggregate: A,
    alias: &'static str,
}

impl<A: Aggregate> Aggregate for Named<A> {
    type Model = A::Model;
    type Output = A::Output;
    type Compare = A::Compare;
    fn expr(&self) -> AggregateExpr {
        self.aggregate.expr()
    }
    fn read(row: &QueryResult, index: usize) -> Result<Self::Output, sea_orm::DbErr> {
        A::read(row, index)
    }
    fn alias(&self) -> String {
        self.alias.to_owned()
    }
}

/// Django's default alias of an aggregate over `lookup`.
fn default_alias(lookup: String, function: Function) -> String {
    format!("{lookup}__{}", format!("{function:?}").to_ascii_lowercase())
}

/// A condition on an annotation: `n.gt(2)`, Django's `filter(n__gt=2)` after `annotate`.
#[derive(Debug, Clone)]
pub struct Having<M> {
    pub(crate) expr: AggregateExpr,
    pub(crate) kind: LookupKind,
    /// A value (a duration's stays one: an interval on PostgreSQL) or an `F(...)`.
    pub(crate) value: Operand,
    _m: PhantomData<fn() -> M>,
}

impl<M> Having<M> {
    fn new<V: ValueFor<T, A>, T, A>(expr: AggregateExpr, kind: LookupKind, value: V) -> Self {
        Having {
            expr,
            kind,
            value: value.operand(),
            _m: PhantomData,
        }
    }
}

/// What `Count` counts: a field's non-NULL values, or related rows across a relation.
pub trait Countable: Copy + Send + Sync + 'static {
    type Model: Model;
    /// The joins to the counted column, and the column.
    fn target() -> (Vec<Join>, &'static str);
    /// Django's lookup of what is counted (`posts`, `author__name`).
    fn lookup_name() -> String;
}

impl<R: Relation, G: Field<Model = R::To>> Countable for Path<R, G> {
    type Model = R::From;
    fn target() -> (Vec<Join>, &'static str) {
        (<Self as Field>::path(), G::COLUMN)
    }
    fn lookup_name() -> String {
        <Self as Field>::lookup_name()
    }
}

/// Counting a reverse relation counts the related rows (`Count("posts")`).
impl<R: Relation> Countable for Reverse<R> {
    type Model = R::To;
    fn target() -> (Vec<Join>, &'static str) {
        (Self::joins(), pk_column::<R::From>())
    }
    fn lookup_name() -> String {
        R::reverse_lookup_name()
    }
}

/// `Count(x)`: how many non-NULL values (or related rows); `Count::distinct(x)` counts each
/// value once (`Count("x", distinct=True)`).
#[derive(Debug, Clone, Copy)]
#[allow(non_snake_case)]
pub struct Count<C>(pub C);

/// `Count::distinct(x)`.
#[derive(Debug, Clone, Copy)]
pub struct CountDistinct<C>(pub C);

impl<C> Count<C> {
    pub fn distinct(counted: C) -> CountDistinct<C> {
        CountDistinct(counted)
    }
}

fn count_expr<C: Countable>(distinct: bool) -> AggregateExpr {
    let (path, column) = C::target();
    AggregateExpr {
        function: Function::Count,
        distinct,
        path,
        column: Some(column),
        cast: Cast::None,
    }
}

impl<C: Countable> Aggregate for Count<C> {
    type Model = C::Model;
    type Output = i64;
    type Compare = i64;
    fn expr(&self) -> AggregateExpr {
        count_expr::<C>(false)
    }
    fn alias(&self) -> String {
        default_alias(C::lookup_name(), Function::Count)
    }
}

impl<C: Countable> Aggregate for CountDistinct<C> {
    type Model = C::Model;
    type Output = i64;
    type Compare = i64;
    fn expr(&self) -> AggregateExpr {
        count_expr::<C>(true)
    }
    fn alias(&self) -> String {
        default_alias(C::lookup_name(), Function::Count)
    }
}

/// `Count` of every row (`Count("*")`, SQL `COUNT(*)`).
pub struct CountAll<M>(PhantomData<fn() -> M>);

impl<M> Clone for CountAll<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for CountAll<M> {}

impl<M> CountAll<M> {
    /// `COUNT(*)` of the rows of `M`.
    pub fn new() -> Self {
        CountAll(PhantomData)
    }
}

impl<M> Default for CountAll<M> {
    fn default() -> Self {
        CountAll::new()
    }
}

impl<M: Model> Aggregate for CountAll<M> {
    type Model = M;
    type Output = i64;
    type Compare = i64;
    fn expr(&self) -> AggregateExpr {
        AggregateExpr {
            function: Function::Count,
            distinct: false,
            path: Vec::new(),
            column: None,
            cast: Cast::None,
        }
    }
    /// Django asks `Count("*")` for a name (a TypeError without one); rjango calls it `count`.
    fn alias(&self) -> String {
        "count".to_owned()
    }
}

/// A number a SUM can add: what the sum and the average read back as (Django's output fields:
/// an integer sum, a float average of integers and floats, a decimal sum and average of
/// decimals).
pub trait Summable {
    type Sum: FromSql + Quantize + Send;
    const CAST: Cast;
    type Avg: FromSql + Send;
    const AVG_CAST: Cast;
}

macro_rules! summable {
    ($($t:ty => $sum:ty, $cast:ident, $avg:ty, $avg_cast:ident;)*) => {$(
        impl Summable for $t {
            type Sum = $sum;
            const CAST: Cast = Cast::$cast;
            type Avg = $avg;
            const AVG_CAST: Cast = Cast::$avg_cast;
        }
    )*};
}

summable! {
    i16 => i64, Integer, f64, Float;
    i32 => i64, Integer, f64, Float;
    i64 => i64, Integer, f64, Float;
    f64 => f64, Float, f64, Float;
    rust_decimal::Decimal => rust_decimal::Decimal, None, rust_decimal::Decimal, None;
}

fn field_expr<G: Field>(function: Function, cast: Cast) -> AggregateExpr {
    AggregateExpr {
        function,
        distinct: false,
        path: G::path(),
        column: Some(G::COLUMN),
        cast,
    }
}

/// `Sum(field)`: NULL (`None`) over no rows.
#[derive(Debug, Clone, Copy)]
#[allow(non_snake_case)]
pub struct Sum<G>(pub G);

impl<G: Field> Aggregate for Sum<G>
where
    G::Value: Summable,
{
    type Model = G::Model;
    type Output = Option<<G::Value as Summable>::Sum>;
    type Compare = <G::Value as Summable>::Sum;
    fn expr(&self) -> AggregateExpr {
        field_expr::<G>(Function::Sum, <G::Value as Summable>::CAST)
    }
    fn read(row: &QueryResult, index: usize) -> Result<Self::Output, sea_orm::DbErr> {
        Ok(quantized(
            Self::Output::from_sql(row, index)?,
            G::DECIMAL_PLACES,
        ))
    }
    fn alias(&self) -> String {
        default_alias(G::lookup_name(), Function::Sum)
    }
}

/// `Avg(field)`: a float, or a decimal for a DecimalField (Django's output field).
#[derive(Debug, Clone, Copy)]
#[allow(non_snake_case)]
pub struct Avg<G>(pub G);

impl<G: Field> Aggregate for Avg<G>
where
    G::Value: Summable,
{
    type Model = G::Model;
    type Output = Option<<G::Value as Summable>::Avg>;
    type Compare = <G::Value as Summable>::Avg;
    fn expr(&self) -> AggregateExpr {
        field_expr::<G>(Function::Avg, <G::Value as Summable>::AVG_CAST)
    }
    fn alias(&self) -> String {
        default_alias(G::lookup_name(), Function::Avg)
    }
}

/// `Min(field)`.
#[derive(Debug, Clone, Copy)]
#[allow(non_snake_case)]
pub struct Min<G>(pub G);

/// `Max(field)`.
#[derive(Debug, Clone, Copy)]
#[allow(non_snake_case)]
pub struct Max<G>(pub G);

impl<G: OrderedLookups> Aggregate for Min<G>
where
    G::Value: FromSql + Quantize + Send,
{
    type Model = G::Model;
    type Output = Option<G::Value>;
    type Compare = G::Value;
    fn expr(&self) -> AggregateExpr {
        field_expr::<G>(Function::Min, Cast::None)
    }
    fn read(row: &QueryResult, index: usize) -> Result<Self::Output, sea_orm::DbErr> {
        Ok(quantized(
            Self::Output::from_sql(row, index)?,
            G::DECIMAL_PLACES,
        ))
    }
    fn alias(&self) -> String {
        default_alias(G::lookup_name(), Function::Min)
    }
}

impl<G: OrderedLookups> Aggregate for Max<G>
where
    G::Value: FromSql + Quantize + Send,
{
    type Model = G::Model;
    type Output = Option<G::Value>;
    type Compare = G::Value;
    fn expr(&self) -> AggregateExpr {
        field_expr::<G>(Function::Max, Cast::None)
    }
    fn read(row: &QueryResult, index: usize) -> Result<Self::Output, sea_orm::DbErr> {
        Ok(quantized(
            Self::Output::from_sql(row, index)?,
            G::DECIMAL_PLACES,
        ))
    }
    fn alias(&self) -> String {
        default_alias(G::lookup_name(), Function::Max)
    }
}

/// One aggregate or a tuple of them, read back as one value or a tuple.
pub trait Aggregates: Send + Sync + 'static {
    type Model: Model;
    type Output: Send;
    fn exprs(&self) -> Vec<AggregateExpr>;
    /// Each aggregate's name ([`Aggregate::alias`]).
    fn aliases(&self) -> Vec<String>;
    fn read(row: &QueryResult, offset: usize) -> Result<Self::Output, sea_orm::DbErr>;
}

/// Aggregates whose values serialize to JSON: what `values(...).annotate(...)` reads into
/// dictionaries.
pub trait AggregateValues: Aggregates {
    fn read_json(
        row: &QueryResult,
        offset: usize,
    ) -> Result<Vec<serde_json::Value>, sea_orm::DbErr>;
}

fn json_of<T: serde::Serialize>(value: T) -> Result<serde_json::Value, sea_orm::DbErr> {
    serde_json::to_value(value).map_err(|e| sea_orm::DbErr::Type(format!("annotate(): {e}")))
}

impl<A: Aggregate> AggregateValues for A
where
    A::Output: serde::Serialize,
{
    fn read_json(
        row: &QueryResult,
        offset: usize,
    ) -> Result<Vec<serde_json::Value>, sea_orm::DbErr> {
        Ok(vec![json_of(A::read(row, offset)?)?])
    }
}

impl<A: Aggregate> Aggregates for A {
    type Model = A::Model;
    type Output = A::Output;
    fn exprs(&self) -> Vec<AggregateExpr> {
        vec![self.expr()]
    }
    fn aliases(&self) -> Vec<String> {
        vec![self.alias()]
    }
    fn read(row: &QueryResult, offset: usize) -> Result<A::Output, sea_orm::DbErr> {
        A::read(row, offset)
    }
}

macro_rules! aggregate_tuple {
    ($($a:ident $i:tt),+) => {
        impl<M: Model, $($a: Aggregate<Model = M>),+> Aggregates for ($($a,)+) {
            type Model = M;
            type Output = ($($a::Output,)+);
            fn exprs(&self) -> Vec<AggregateExpr> {
                vec![$(self.$i.expr()),+]
            }
            fn aliases(&self) -> Vec<String> {
                vec![$(self.$i.alias()),+]
            }
            fn read(row: &QueryResult, offset: usize) -> Result<Self::Output, sea_orm::DbErr> {
                Ok(($($a::read(row, offset + $i)?,)+))
            }
        }
        impl<M: Model, $($a: Aggregate<Model = M>),+> AggregateValues for ($($a,)+)
        where
            $($a::Output: serde::Serialize),+
        {
            fn read_json(
                row: &QueryResult,
                offset: usize,
            ) -> Result<Vec<serde_json::Value>, sea_orm::DbErr> {
                Ok(vec![$(json_of($a::read(row, offset + $i)?)?),+])
            }
        }
    };
}

aggregate_tuple!(A 0, B 1);
aggregate_tuple!(A 0, B 1, C 2);
aggregate_tuple!(A 0, B 1, C 2, D 3);
aggregate_tuple!(A 0, B 1, C 2, D 3, E 4);
