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
pub use super::expressions::{Expression, Named};
use super::lookups::{Field, Join, LookupKind, Node, OrderedLookups, Q, Relation};
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

/// An aggregate as SQL: `FUNCTION([DISTINCT] alias.column)` over the joins of `path`, of the
/// rows `filter` keeps (Django's `filter=`), `default` where it is NULL (Django's `default=`).
#[derive(Debug, Clone, PartialEq)]
pub struct AggregateExpr {
    pub function: Function,
    pub distinct: bool,
    pub path: Vec<Join>,
    /// `None`: `COUNT(*)`.
    pub column: Option<&'static str>,
    pub cast: Cast,
    pub filter: Option<Node>,
    pub default: Option<Operand>,
}

/// An aggregate over rows of `Self::Model`: an [`Expression`] whose conditions are on groups
/// (SQL HAVING).
pub trait Aggregate: Expression {
    /// The aggregate as SQL to be.
    fn aggregate(&self) -> AggregateExpr;

    /// Over the rows matching `q` only: Django's `Count("posts", filter=Q(...))`.
    fn filter(self, q: Q<Self::Model>) -> Filtered<Self> {
        Filtered {
            aggregate: self,
            filter: q.node,
        }
    }

    /// `value` instead of NULL over no rows: Django's `Sum("views", default=0)`. The result
    /// is no longer an `Option`.
    fn default<V: ValueFor<Self::Compare, Self>>(self, value: V) -> Defaulted<Self>
    where
        Self: Expression<Output = Option<<Self as Expression>::Compare>>,
        <Self as Expression>::Compare: FromSql + Send + 'static,
    {
        Defaulted {
            aggregate: self,
            default: value.operand(),
        }
    }

    /// `n__exact`, on an annotated queryset (SQL HAVING).
    fn eq<V: ValueFor<Self::Compare, Self>>(self, value: V) -> Having<Self::Model> {
        Having::new(self.operand(), LookupKind::Exact, value)
    }
    fn gt<V: ValueFor<Self::Compare, Self>>(self, value: V) -> Having<Self::Model> {
        Having::new(self.operand(), LookupKind::Gt, value)
    }
    fn gte<V: ValueFor<Self::Compare, Self>>(self, value: V) -> Having<Self::Model> {
        Having::new(self.operand(), LookupKind::Gte, value)
    }
    fn lt<V: ValueFor<Self::Compare, Self>>(self, value: V) -> Having<Self::Model> {
        Having::new(self.operand(), LookupKind::Lt, value)
    }
    fn lte<V: ValueFor<Self::Compare, Self>>(self, value: V) -> Having<Self::Model> {
        Having::new(self.operand(), LookupKind::Lte, value)
    }
}

/// An aggregate over some rows ([`Aggregate::filter`]).
#[derive(Debug, Clone)]
pub struct Filtered<A> {
    aggregate: A,
    filter: Node,
}

/// An aggregate with a value for no rows ([`Aggregate::default`]).
#[derive(Debug, Clone)]
pub struct Defaulted<A> {
    aggregate: A,
    default: Operand,
}

impl<A: Aggregate> Expression for Filtered<A> {
    type Model = A::Model;
    type Output = A::Output;
    type Compare = A::Compare;
    fn operand(&self) -> Operand {
        Operand::Aggregate(Box::new(self.aggregate()))
    }
    fn read(row: &QueryResult, index: usize) -> Result<Self::Output, sea_orm::DbErr> {
        A::read(row, index)
    }
    fn alias(&self) -> String {
        self.aggregate.alias()
    }
}

impl<A: Aggregate> Aggregate for Filtered<A> {
    fn aggregate(&self) -> AggregateExpr {
        let mut a = self.aggregate.aggregate();
        a.filter = Some(match a.filter.take() {
            Some(before) => Node::And(vec![before, self.filter.clone()]),
            None => self.filter.clone(),
        });
        a
    }
}

impl<A: Aggregate<Output = Option<<A as Expression>::Compare>>> Expression for Defaulted<A>
where
    A::Compare: FromSql + Send + 'static,
{
    type Model = A::Model;
    type Output = A::Compare;
    type Compare = A::Compare;
    fn operand(&self) -> Operand {
        Operand::Aggregate(Box::new(self.aggregate()))
    }
    fn read(row: &QueryResult, index: usize) -> Result<Self::Output, sea_orm::DbErr> {
        // The wrapped aggregate reads an Option (and quantizes a decimal); with a default
        // there is always a value.
        A::read(row, index)?.ok_or_else(|| {
            sea_orm::DbErr::Type(format!(
                "column {index}: NULL despite the aggregate's default"
            ))
        })
    }
    fn alias(&self) -> String {
        self.aggregate.alias()
    }
}

impl<A: Aggregate<Output = Option<<A as Expression>::Compare>>> Aggregate for Defaulted<A>
where
    A::Compare: FromSql + Send + 'static,
{
    fn aggregate(&self) -> AggregateExpr {
        let mut a = self.aggregate.aggregate();
        a.default = Some(self.default.clone());
        a
    }
}

/// Named aggregates stay aggregates (their conditions are HAVING).
impl<A: Aggregate> Aggregate for Named<A> {
    fn aggregate(&self) -> AggregateExpr {
        self.expression.aggregate()
    }
}

/// Django's default alias of an aggregate over `lookup`.
fn default_alias(lookup: String, function: Function) -> String {
    format!("{lookup}__{}", format!("{function:?}").to_ascii_lowercase())
}

/// A condition on an annotation: `n.gt(2)`, Django's `filter(n__gt=2)` after `annotate`.
#[derive(Debug, Clone)]
pub struct Having<M> {
    pub(crate) node: Node,
    _m: PhantomData<fn() -> M>,
}

impl<M> Having<M> {
    fn new<V: ValueFor<T, A>, T, A>(expr: Operand, kind: LookupKind, value: V) -> Self {
        Having {
            node: Node::Lookup(super::lookups::Lookup {
                path: Vec::new(),
                lhs: Some(Box::new(expr)),
                column: "",
                nullable: false,
                transform: None,
                kind,
                rhs: vec![value.operand()],
            }),
            _m: PhantomData,
        }
    }
}

/// Every aggregate type is an expression: the SQL is its aggregate's.
macro_rules! aggregate_expression {
    ($($ty:ident<$g:ident: $bound:path> $(where $w:ty: $wb:path)?;)*) => {$(
        impl<$g: $bound> Expression for $ty<$g> $(where $w: $wb)? {
            type Model = <Self as AggregateOf>::Model;
            type Output = <Self as AggregateOf>::Output;
            type Compare = <Self as AggregateOf>::Compare;
            fn operand(&self) -> Operand {
                Operand::Aggregate(Box::new(<Self as AggregateOf>::expr(self)))
            }
            fn read(row: &QueryResult, index: usize) -> Result<Self::Output, sea_orm::DbErr> {
                <Self as AggregateOf>::read(row, index)
            }
            fn alias(&self) -> String {
                <Self as AggregateOf>::alias(self)
            }
        }
        impl<$g: $bound> super::lookups::ModelOf for $ty<$g> $(where $w: $wb)? {
            type Model = <Self as AggregateOf>::Model;
        }
        impl<$g: $bound> Aggregate for $ty<$g> $(where $w: $wb)? {
            fn aggregate(&self) -> AggregateExpr {
                <Self as AggregateOf>::expr(self)
            }
        }
    )*};
}

impl<A: Aggregate> super::lookups::ModelOf for Filtered<A> {
    type Model = A::Model;
}

impl<A: Aggregate> super::lookups::ModelOf for Defaulted<A> {
    type Model = A::Model;
}

aggregate_expression! {
    Count<C: Countable>;
    CountDistinct<C: Countable>;
    CountAll<M: Model>;
    Sum<G: Field> where G::Value: Summable;
    Avg<G: Field> where G::Value: Summable;
    Min<G: OrderedLookups> where G::Value: MinMax;
    Max<G: OrderedLookups> where G::Value: MinMax;
}

/// What Min and Max read: a value of the field's own type.
pub trait MinMax: FromSql + Quantize + Send + 'static {}
impl<T: FromSql + Quantize + Send + 'static> MinMax for T {}

/// One aggregate function's types and SQL (what each aggregate struct says of itself).
#[doc(hidden)]
pub trait AggregateOf {
    type Model: Model;
    type Output: FromSql + Send;
    type Compare;
    fn expr(&self) -> AggregateExpr;
    fn read(row: &QueryResult, index: usize) -> Result<Self::Output, sea_orm::DbErr> {
        Self::Output::from_sql(row, index)
    }
    fn alias(&self) -> String;
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
        filter: None,
        default: None,
    }
}

impl<C: Countable> AggregateOf for Count<C> {
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

impl<C: Countable> AggregateOf for CountDistinct<C> {
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

impl<M: Model> AggregateOf for CountAll<M> {
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
            filter: None,
            default: None,
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
        filter: None,
        default: None,
    }
}

/// `Sum(field)`: NULL (`None`) over no rows.
#[derive(Debug, Clone, Copy)]
#[allow(non_snake_case)]
pub struct Sum<G>(pub G);

impl<G: Field> AggregateOf for Sum<G>
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

impl<G: Field> AggregateOf for Avg<G>
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

impl<G: OrderedLookups> AggregateOf for Min<G>
where
    G::Value: MinMax,
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

impl<G: OrderedLookups> AggregateOf for Max<G>
where
    G::Value: MinMax,
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

/// One expression (an aggregate, a function, a subquery...) or a tuple of them: what
/// `annotate` and `aggregate` take, read back as one value or a tuple.
pub trait Aggregates: Send + Sync + 'static {
    type Model: Model;
    type Output: Send;
    fn exprs(&self) -> Vec<Operand>;
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

impl<A: Expression> AggregateValues for A
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

impl<A: Expression> Aggregates for A {
    type Model = A::Model;
    type Output = A::Output;
    fn exprs(&self) -> Vec<Operand> {
        vec![self.operand()]
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
        impl<M: Model, $($a: Expression<Model = M>),+> Aggregates for ($($a,)+) {
            type Model = M;
            type Output = ($($a::Output,)+);
            fn exprs(&self) -> Vec<Operand> {
                vec![$(self.$i.operand()),+]
            }
            fn aliases(&self) -> Vec<String> {
                vec![$(self.$i.alias()),+]
            }
            fn read(row: &QueryResult, offset: usize) -> Result<Self::Output, sea_orm::DbErr> {
                Ok(($($a::read(row, offset + $i)?,)+))
            }
        }
        impl<M: Model, $($a: Expression<Model = M>),+> AggregateValues for ($($a,)+)
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
