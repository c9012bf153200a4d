//! Django's query expressions: what `annotate`, `filter`, `order_by` and `update` take besides
//! fields and plain values. [`Expression`] is what an annotation is (an aggregate, a database
//! function, `Case`/`When`, a `Subquery`, `Exists`, `Value`, `F`); [`Func`] is the one type
//! every non-aggregate expression has, typed by what it reads into (`Func<Post, String>`) and
//! by what it compares with.
//!
//! ```text
//! // Each author with the title of their latest post (Subquery + OuterRef):
//! let latest = Post::objects()
//!     .filter(post::author.eq(OuterRef(author::id)))
//!     .order_by([post::published.desc()])
//!     .values_list(post::title)
//!     .slice(..1);
//! Author::objects().annotate(Subquery(latest)).all().await?;
//! ```

use std::marker::PhantomData;
use std::sync::Arc;

use sea_orm::QueryResult;

use super::Model;
use super::lookups::{F, Field, LookupKind, ModelOf, Node, Operand, OrderBy, Q, Term, ValueFor};
use super::meta::{FromSql, Nullable, ToSql};
use super::query::QuerySet;
use super::sql::Sql;
use super::values::{Tuples, ValuesOf};

/// A value computed by the database for each row (or each group) of `Self::Model`, read back
/// as `Self::Output`: what [`QuerySet::annotate`] takes (one, or a tuple of them).
pub trait Expression: Clone + Send + Sync + 'static {
    type Model: Model;
    type Output: FromSql + Send;
    /// What a condition on it compares with (the output without `Option`).
    type Compare;
    /// The expression as SQL to be.
    fn operand(&self) -> Operand;
    /// Reads its value from column `index`.
    fn read(row: &QueryResult, index: usize) -> Result<Self::Output, sea_orm::DbErr> {
        Self::Output::from_sql(row, index)
    }
    /// Its name in `values(...).annotate(...)`: Django's default alias for an aggregate
    /// (`posts__count`), the function's name otherwise, unless [`Expression::named`].
    fn alias(&self) -> String;

    /// The same expression under the name `alias`: Django's `annotate(n=...)`.
    fn named(self, alias: &'static str) -> Named<Self> {
        Named {
            expression: self,
            alias,
        }
    }

    /// Ascending order by this expression (Django's `order_by("n")` of an annotation, or
    /// `order_by(Lower("name"))`).
    fn asc(self) -> OrderBy<Self::Model> {
        OrderBy::new(Term::Expr(self.operand()), false)
    }
    /// Descending order (`order_by("-n")`, `Lower("name").desc()`).
    fn desc(self) -> OrderBy<Self::Model> {
        OrderBy::new(Term::Expr(self.operand()), true)
    }
}

/// An expression given its own name ([`Expression::named`]).
#[derive(Debug, Clone, Copy)]
pub struct Named<E> {
    pub(crate) expression: E,
    pub(crate) alias: &'static str,
}

impl<E: Expression> Expression for Named<E> {
    type Model = E::Model;
    type Output = E::Output;
    type Compare = E::Compare;
    fn operand(&self) -> Operand {
        self.expression.operand()
    }
    fn read(row: &QueryResult, index: usize) -> Result<Self::Output, sea_orm::DbErr> {
        E::read(row, index)
    }
    fn alias(&self) -> String {
        self.alias.to_owned()
    }
}

/// A non-aggregate expression over rows of `M`, read as `T`, compared with `C`: what the
/// database functions, `Case`, `Subquery`, `Exists`, `Value` and `F` make.
pub struct Func<M, T, C = T> {
    pub(crate) operand: Operand,
    name: &'static str,
    _p: Typed<M, T, C>,
}

/// The model, the output and the compared type of a [`Func`]: types only, never values.
type Typed<M, T, C> = PhantomData<fn() -> (M, T, C)>;

impl<M, T, C> Clone for Func<M, T, C> {
    fn clone(&self) -> Self {
        Func {
            operand: self.operand.clone(),
            name: self.name,
            _p: PhantomData,
        }
    }
}

impl<M, T, C> std::fmt::Debug for Func<M, T, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple(self.name).field(&self.operand).finish()
    }
}

impl<M, T, C> Func<M, T, C> {
    pub(crate) fn new(name: &'static str, operand: Operand) -> Self {
        Func {
            operand,
            name,
            _p: PhantomData,
        }
    }

    fn lookup(self, kind: LookupKind, rhs: Vec<Operand>) -> Q<M> {
        Q::new(Node::Lookup(super::lookups::Lookup {
            path: Vec::new(),
            lhs: Some(Box::new(self.operand)),
            column: "",
            nullable: true,
            transform: None,
            kind,
            rhs,
        }))
    }

    /// `expression = value` (a WHERE condition): `Lower(author::name).eq("ada")`.
    pub fn eq<V: ValueFor<C, Self>>(self, value: V) -> Q<M> {
        self.lookup(LookupKind::Exact, vec![value.operand()])
    }
    pub fn gt<V: ValueFor<C, Self>>(self, value: V) -> Q<M> {
        self.lookup(LookupKind::Gt, vec![value.operand()])
    }
    pub fn gte<V: ValueFor<C, Self>>(self, value: V) -> Q<M> {
        self.lookup(LookupKind::Gte, vec![value.operand()])
    }
    pub fn lt<V: ValueFor<C, Self>>(self, value: V) -> Q<M> {
        self.lookup(LookupKind::Lt, vec![value.operand()])
    }
    pub fn lte<V: ValueFor<C, Self>>(self, value: V) -> Q<M> {
        self.lookup(LookupKind::Lte, vec![value.operand()])
    }
    pub fn is_in<V: ValueFor<C, Self>>(self, values: impl IntoIterator<Item = V>) -> Q<M> {
        self.lookup(
            LookupKind::In,
            values.into_iter().map(ValueFor::operand).collect(),
        )
    }
    /// `expression IS NULL` (true) or `IS NOT NULL` (false).
    pub fn isnull(self, is_null: bool) -> Q<M> {
        self.lookup(
            LookupKind::IsNull,
            vec![Operand::Value(sea_orm::Value::Bool(Some(is_null)))],
        )
    }
}

impl<M: Model, T: FromSql + Send + 'static, C: 'static> Expression for Func<M, T, C> {
    type Model = M;
    type Output = T;
    type Compare = C;
    fn operand(&self) -> Operand {
        self.operand.clone()
    }
    fn alias(&self) -> String {
        self.name.to_ascii_lowercase()
    }
}

/// An expression's value is a value for a field or another expression of its type:
/// `post::title.eq(Lower(post::slug))`, `post::views.set(Case(...))`.
impl<M, T, C, F1: ModelOf<Model = M>> ValueFor<C, F1> for Func<M, T, C> {
    fn operand(self) -> Operand {
        self.operand
    }
}

impl<M, T, C> ModelOf for Func<M, T, C> {
    type Model = M;
}

impl<E: Expression> ModelOf for Named<E> {
    type Model = E::Model;
}

/// A boolean expression is a condition: `filter(Exists(...))`.
impl<M> From<Func<M, bool>> for Q<M> {
    fn from(e: Func<M, bool>) -> Q<M> {
        Q::new(Node::Expr(e.operand))
    }
}

/// `!Exists(...)`: Django's `~Exists(...)`.
impl<M> std::ops::Not for Func<M, bool> {
    type Output = Func<M, bool>;
    fn not(self) -> Func<M, bool> {
        Func::new(self.name, Operand::Not(Box::new(self.operand)))
    }
}

/// What an expression takes as an argument, over rows of `M`: a field of `M` (its column, or
/// across relations), a plain Rust value (Django's `Value`), or another expression. `Output`
/// is what it compares as; `Stored` what it reads as (an `Option` when it may be NULL).
pub trait Arg<M> {
    type Output;
    type Stored: Nullable;
    fn operand(self) -> Operand;
}

impl<G: Field> Arg<G::Model> for G {
    type Output = G::Value;
    type Stored = G::Stored;
    fn operand(self) -> Operand {
        super::lookups::field_operand::<G>()
    }
}

impl<G: Field> Arg<G::Model> for F<G> {
    type Output = G::Value;
    type Stored = G::Stored;
    fn operand(self) -> Operand {
        super::lookups::field_operand::<G>()
    }
}

impl<M, T: Nullable, C> Arg<M> for Func<M, T, C> {
    type Output = C;
    type Stored = T;
    fn operand(self) -> Operand {
        self.operand
    }
}

macro_rules! literal_arg {
    ($($t:ty => $out:ty),* $(,)?) => {$(
        impl<M> Arg<M> for $t {
            type Output = $out;
            type Stored = $out;
            fn operand(self) -> Operand {
                Operand::Value(ToSql::to_sql(&<$out>::from(self)))
            }
        }
    )*};
}

literal_arg! {
    &str => String,
    String => String,
    i16 => i16,
    i32 => i32,
    i64 => i64,
    f64 => f64,
    bool => bool,
    rust_decimal::Decimal => rust_decimal::Decimal,
    chrono::NaiveDate => chrono::NaiveDate,
    chrono::NaiveTime => chrono::NaiveTime,
    chrono::DateTime<chrono::Utc> => chrono::DateTime<chrono::Utc>,
    uuid::Uuid => uuid::Uuid,
}

/// Django's `Value(x)`: a plain value as an expression of its own (an annotation that is the
/// same for every row, or a piece of `Concat`).
#[allow(non_snake_case)]
pub fn Value<M, A: Arg<M>>(value: A) -> Func<M, A::Stored, A::Output> {
    Func::new("Value", value.operand())
}

/// One branch of [`Case`]: where `condition` holds, `then`.
pub struct When<M, T> {
    condition: Node,
    then: Operand,
    _p: PhantomData<fn() -> (M, T)>,
}

/// Django's `When(condition, then=value)`.
#[allow(non_snake_case)]
pub fn When<M, A: Arg<M>>(condition: impl Into<Q<M>>, then: A) -> When<M, A::Output> {
    When {
        condition: condition.into().node,
        then: then.operand(),
        _p: PhantomData,
    }
}

/// Django's `Case(When(...), ..., default=...)`: the value of the first branch whose
/// condition holds, else `default`. Every branch and the default have one type.
#[allow(non_snake_case)]
pub fn Case<M, T, A: Arg<M, Output = T>>(
    whens: impl IntoIterator<Item = When<M, T>>,
    default: A,
) -> Func<M, A::Stored, T> {
    let whens = whens.into_iter().map(|w| (w.condition, w.then)).collect();
    Func::new("Case", Operand::Case(whens, Box::new(default.operand())))
}

/// A queryset rendered as a subquery of another: it writes its SELECT into the outer
/// statement's SQL (so parameters are numbered in one sequence), its table under an alias
/// of its own.
#[derive(Clone)]
pub struct SubquerySql(Arc<dyn Fn(&mut Sql) + Send + Sync>);

impl SubquerySql {
    pub(crate) fn new(write: impl Fn(&mut Sql) + Send + Sync + 'static) -> Self {
        SubquerySql(Arc::new(write))
    }

    pub(crate) fn write(&self, sql: &mut Sql) {
        (self.0)(sql)
    }
}

impl std::fmt::Debug for SubquerySql {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Subquery(..)")
    }
}

/// Two subqueries are the same only when they are the same value.
impl PartialEq for SubquerySql {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Django's `OuterRef("field")`: in a subquery's filter, the column of the row of the query
/// around it. `field` is one of the outer queryset's model's own fields (not across a
/// relation); it is read from the nearest enclosing query of that model.
#[derive(Debug, Clone, Copy)]
#[allow(non_snake_case)]
pub struct OuterRef<G>(pub G);

/// What a field's values can be compared with besides their own type: a foreign key with the
/// related model's key (`post::author.eq(OuterRef(author::id))`).
pub trait Comparable<T> {}

impl<T> Comparable<T> for T {}
impl<T> Comparable<super::ForeignKey<T>> for i64 {}
impl<T> Comparable<i64> for super::ForeignKey<T> {}

impl<T, F1, G: super::lookups::OwnField> ValueFor<T, F1> for OuterRef<G>
where
    G::Value: Comparable<T>,
{
    fn operand(self) -> Operand {
        Operand::OuterRef(<G::Model as Model>::table(), G::COLUMN)
    }
}

/// Django's `Subquery(qs.values("field")[:1])`: for each row, the first value of one field
/// of another queryset, usually filtered by [`OuterRef`]. NULL (`None`) when the subquery
/// finds no row.
#[allow(non_snake_case)]
pub fn Subquery<M, N: Model, G: Field<Model = N>>(
    values: ValuesOf<N, G, Tuples>,
) -> Func<M, <G::Stored as Nullable>::OrNull, G::Value> {
    let qs = values.into_queryset();
    Func::new(
        "Subquery",
        Operand::Subquery(SubquerySql::new(move |sql| {
            qs.write_subquery(sql, &[(G::path(), G::COLUMN)], false)
        })),
    )
}

/// Django's `Exists(qs)`: whether the queryset finds any row, for each row of the query
/// around it. A condition (`filter(Exists(...))`, `filter(!Exists(...))`) or an annotation
/// (a `bool`).
#[allow(non_snake_case)]
pub fn Exists<M, N: Model>(qs: QuerySet<N>) -> Func<M, bool> {
    Func::new(
        "Exists",
        Operand::Exists(SubquerySql::new(move |sql| {
            qs.write_subquery(sql, &[], true)
        })),
    )
}
