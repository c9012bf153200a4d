//! Typed field handles and Django's lookups on them. `#[model]` declares one handle per field
//! (`post::title`, a unit struct named after the field), and a lookup exists only where it fits
//! the column: `post::title.icontains("django")` compiles, `post::views.icontains("1")` does
//! not, and the compiler's message names the model's field.

use std::marker::PhantomData;

use sea_orm::Value;

use super::Model;
use super::meta::ToSql;

/// A field of model `Self::Model`, as `#[model]` declares it.
pub trait Field: Copy + Send + Sync + 'static {
    type Model: Model;
    /// What lookups compare the column with (the field's type without `Option`).
    type Value;
    const NAME: &'static str;
    const COLUMN: &'static str;
    /// How the column's date parts are read: a DateTimeField is aware (UTC).
    const DATETIME: bool = false;
}

/// Fields whose lookups include `contains`, `icontains`, `iexact`, `startswith`, `regex` ...
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a text field: `contains`, `icontains`, `iexact`, `startswith`, `endswith` and `regex` need a CharField, TextField, SlugField, EmailField or URLField",
    label = "not a text field"
)]
pub trait TextLookups: Field {}

/// Fields with an order: `gt`, `gte`, `lt`, `lte`, `range`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no order to compare with: `gt`, `gte`, `lt`, `lte` and `range` need a number, text, date or time field",
    label = "not an ordered field"
)]
pub trait OrderedLookups: Field {}

/// Fields that may be NULL (`Option<...>` in the model): `isnull`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be NULL: `isnull` needs a field declared as `Option<...>`",
    label = "not a NULL-able field"
)]
pub trait NullLookups: Field {}

/// DateField and DateTimeField: `year`, `month`, `day`, `week_day`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a date: `year`, `month`, `day` and `week_day` need a DateField or DateTimeField",
    label = "not a date field"
)]
pub trait DateLookups: Field {}

/// DateTimeField: `date`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a DateTimeField: `date` needs one",
    label = "not a DateTimeField"
)]
pub trait DateTimeLookups: Field {}

/// The right-hand side of a lookup or an update: a value, another column (`F`), or arithmetic
/// on them.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Value(Value),
    Column(&'static str),
    Binary(Box<Operand>, char, Box<Operand>),
}

/// A value a field of type `T` can be compared with or set to; `F` is the field, named in the
/// compiler's message when the value does not fit.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a value for `{F}`, whose values are `{T}`",
    label = "expected a `{T}` (or an `F(...)` of such a field)"
)]
pub trait ValueFor<T, F> {
    fn operand(self) -> Operand;
}

macro_rules! value_for {
    ($($t:ty: $($v:ty),+;)*) => {$($(
        impl<F> ValueFor<$t, F> for $v {
            fn operand(self) -> Operand {
                Operand::Value(ToSql::to_sql(&<$t>::from(self)))
            }
        }
    )+)*};
}

value_for! {
    i16: i16;
    i32: i32, i16;
    i64: i64, i32, i16;
    f64: f64, f32, i32;
    bool: bool;
    String: String, &str, &String;
    rust_decimal::Decimal: rust_decimal::Decimal, i32, i64;
    chrono::NaiveDate: chrono::NaiveDate;
    chrono::NaiveTime: chrono::NaiveTime;
    chrono::DateTime<chrono::Utc>: chrono::DateTime<chrono::Utc>;
    uuid::Uuid: uuid::Uuid;
    serde_json::Value: serde_json::Value;
    Vec<u8>: Vec<u8>, &[u8];
}

impl<F> ValueFor<String, F> for &&str {
    fn operand(self) -> Operand {
        Operand::Value(ToSql::to_sql(&(*self).to_owned()))
    }
}

/// A relation compares by the related row's key: `post::author.eq(&ada)` or `.eq(ada.id)`.
impl<F, T: Model> ValueFor<super::ForeignKey<T>, F> for &T {
    fn operand(self) -> Operand {
        Operand::Value(self.pk())
    }
}

impl<F, T> ValueFor<super::ForeignKey<T>, F> for super::ForeignKey<T> {
    fn operand(self) -> Operand {
        Operand::Value(Value::BigInt(Some(self.id)))
    }
}

impl<F, T> ValueFor<super::ForeignKey<T>, F> for i64 {
    fn operand(self) -> Operand {
        Operand::Value(Value::BigInt(Some(self)))
    }
}

impl<F, T: Model> ValueFor<super::OneToOneField<T>, F> for &T {
    fn operand(self) -> Operand {
        Operand::Value(self.pk())
    }
}

impl<F, T> ValueFor<super::OneToOneField<T>, F> for i64 {
    fn operand(self) -> Operand {
        Operand::Value(Value::BigInt(Some(self)))
    }
}

/// Django's `F("field")`: the value of another column of the same row.
#[derive(Debug, Clone, Copy)]
#[allow(non_snake_case)]
pub struct F<G>(pub G);

impl<T, F1, G: Field<Value = T>> ValueFor<T, F1> for F<G> {
    fn operand(self) -> Operand {
        Operand::Column(G::COLUMN)
    }
}

/// `F(post::views) + 1`: arithmetic on a column, for filters and updates.
#[derive(Debug, Clone)]
pub struct Arithmetic<T> {
    operand: Operand,
    _t: PhantomData<fn() -> T>,
}

impl<T, F1> ValueFor<T, F1> for Arithmetic<T> {
    fn operand(self) -> Operand {
        self.operand
    }
}

macro_rules! arithmetic {
    ($($trait:ident $method:ident $op:literal),*) => {$(
        impl<G: Field, V: ValueFor<G::Value, G>> std::ops::$trait<V> for F<G> {
            type Output = Arithmetic<G::Value>;
            fn $method(self, rhs: V) -> Arithmetic<G::Value> {
                Arithmetic {
                    operand: Operand::Binary(
                        Box::new(Operand::Column(G::COLUMN)),
                        $op,
                        Box::new(rhs.operand()),
                    ),
                    _t: PhantomData,
                }
            }
        }
        impl<T, V: ValueFor<T, ()>> std::ops::$trait<V> for Arithmetic<T> {
            type Output = Arithmetic<T>;
            fn $method(self, rhs: V) -> Arithmetic<T> {
                Arithmetic {
                    operand: Operand::Binary(Box::new(self.operand), $op, Box::new(rhs.operand())),
                    _t: PhantomData,
                }
            }
        }
    )*};
}

arithmetic!(Add add '+', Sub sub '-', Mul mul '*', Div div '/');

/// Django's lookups, by their names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupKind {
    Exact,
    IExact,
    Contains,
    IContains,
    StartsWith,
    IStartsWith,
    EndsWith,
    IEndsWith,
    Gt,
    Gte,
    Lt,
    Lte,
    In,
    IsNull,
    Range,
    Regex,
    IRegex,
}

/// A date part read from a column before comparing: Django's transforms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    Year,
    Month,
    Day,
    WeekDay,
    Date,
}

/// One lookup: `column__kind=rhs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    pub column: &'static str,
    pub transform: Option<(Transform, bool)>,
    pub kind: LookupKind,
    pub rhs: Vec<Operand>,
}

/// A condition tree: Django's `Q`, combined with `&`, `|` and `!`.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Lookup(Lookup),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

/// A typed condition on rows of `M`.
#[derive(Debug, Clone)]
pub struct Q<M> {
    pub(crate) node: Node,
    _m: PhantomData<fn() -> M>,
}

impl<M> Q<M> {
    pub(crate) fn new(node: Node) -> Self {
        Q {
            node,
            _m: PhantomData,
        }
    }

    pub fn node(&self) -> &Node {
        &self.node
    }
}

impl<M> std::ops::BitAnd for Q<M> {
    type Output = Q<M>;
    fn bitand(self, rhs: Q<M>) -> Q<M> {
        Q::new(match self.node {
            Node::And(mut v) => {
                v.push(rhs.node);
                Node::And(v)
            }
            n => Node::And(vec![n, rhs.node]),
        })
    }
}

impl<M> std::ops::BitOr for Q<M> {
    type Output = Q<M>;
    fn bitor(self, rhs: Q<M>) -> Q<M> {
        Q::new(match self.node {
            Node::Or(mut v) => {
                v.push(rhs.node);
                Node::Or(v)
            }
            n => Node::Or(vec![n, rhs.node]),
        })
    }
}

impl<M> std::ops::Not for Q<M> {
    type Output = Q<M>;
    fn not(self) -> Q<M> {
        Q::new(Node::Not(Box::new(self.node)))
    }
}

fn lookup<G: Field>(kind: LookupKind, rhs: Vec<Operand>) -> Q<G::Model> {
    Q::new(Node::Lookup(Lookup {
        column: G::COLUMN,
        transform: None,
        kind,
        rhs,
    }))
}

/// One ORDER BY term of model `M`: `post::published.desc()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderBy<M> {
    pub(crate) column: String,
    pub(crate) descending: bool,
    _m: PhantomData<fn() -> M>,
}

impl<M> OrderBy<M> {
    pub(crate) fn new(column: impl Into<String>, descending: bool) -> Self {
        OrderBy {
            column: column.into(),
            descending,
            _m: PhantomData,
        }
    }
}

/// `field = value` in an UPDATE: `post::views.set(F(post::views) + 1)`.
#[derive(Debug, Clone)]
pub struct Assignment<M> {
    pub(crate) column: &'static str,
    pub(crate) value: Operand,
    _m: PhantomData<fn() -> M>,
}

/// The lookups of every field. Each one that needs a kind of column says so in its bounds.
pub trait Lookups: Field {
    /// `field=value` (`exact`).
    fn eq<V: ValueFor<Self::Value, Self>>(self, value: V) -> Q<Self::Model> {
        lookup::<Self>(LookupKind::Exact, vec![value.operand()])
    }
    /// Django's `exact`, the same as [`Lookups::eq`].
    fn exact<V: ValueFor<Self::Value, Self>>(self, value: V) -> Q<Self::Model> {
        self.eq(value)
    }
    fn iexact<V: ValueFor<Self::Value, Self>>(self, value: V) -> Q<Self::Model>
    where
        Self: TextLookups,
    {
        lookup::<Self>(LookupKind::IExact, vec![value.operand()])
    }
    fn contains<V: ValueFor<Self::Value, Self>>(self, value: V) -> Q<Self::Model>
    where
        Self: TextLookups,
    {
        lookup::<Self>(LookupKind::Contains, vec![value.operand()])
    }
    fn icontains<V: ValueFor<Self::Value, Self>>(self, value: V) -> Q<Self::Model>
    where
        Self: TextLookups,
    {
        lookup::<Self>(LookupKind::IContains, vec![value.operand()])
    }
    fn startswith<V: ValueFor<Self::Value, Self>>(self, value: V) -> Q<Self::Model>
    where
        Self: TextLookups,
    {
        lookup::<Self>(LookupKind::StartsWith, vec![value.operand()])
    }
    fn istartswith<V: ValueFor<Self::Value, Self>>(self, value: V) -> Q<Self::Model>
    where
        Self: TextLookups,
    {
        lookup::<Self>(LookupKind::IStartsWith, vec![value.operand()])
    }
    fn endswith<V: ValueFor<Self::Value, Self>>(self, value: V) -> Q<Self::Model>
    where
        Self: TextLookups,
    {
        lookup::<Self>(LookupKind::EndsWith, vec![value.operand()])
    }
    fn iendswith<V: ValueFor<Self::Value, Self>>(self, value: V) -> Q<Self::Model>
    where
        Self: TextLookups,
    {
        lookup::<Self>(LookupKind::IEndsWith, vec![value.operand()])
    }
    /// A regular expression in the database's own dialect (as in Django).
    fn regex<V: ValueFor<Self::Value, Self>>(self, value: V) -> Q<Self::Model>
    where
        Self: TextLookups,
    {
        lookup::<Self>(LookupKind::Regex, vec![value.operand()])
    }
    fn iregex<V: ValueFor<Self::Value, Self>>(self, value: V) -> Q<Self::Model>
    where
        Self: TextLookups,
    {
        lookup::<Self>(LookupKind::IRegex, vec![value.operand()])
    }
    fn gt<V: ValueFor<Self::Value, Self>>(self, value: V) -> Q<Self::Model>
    where
        Self: OrderedLookups,
    {
        lookup::<Self>(LookupKind::Gt, vec![value.operand()])
    }
    fn gte<V: ValueFor<Self::Value, Self>>(self, value: V) -> Q<Self::Model>
    where
        Self: OrderedLookups,
    {
        lookup::<Self>(LookupKind::Gte, vec![value.operand()])
    }
    fn lt<V: ValueFor<Self::Value, Self>>(self, value: V) -> Q<Self::Model>
    where
        Self: OrderedLookups,
    {
        lookup::<Self>(LookupKind::Lt, vec![value.operand()])
    }
    fn lte<V: ValueFor<Self::Value, Self>>(self, value: V) -> Q<Self::Model>
    where
        Self: OrderedLookups,
    {
        lookup::<Self>(LookupKind::Lte, vec![value.operand()])
    }
    /// `field__range=(low, high)`: both ends included (SQL BETWEEN).
    fn range<V: ValueFor<Self::Value, Self>>(self, low: V, high: V) -> Q<Self::Model>
    where
        Self: OrderedLookups,
    {
        lookup::<Self>(LookupKind::Range, vec![low.operand(), high.operand()])
    }
    /// `field__in=[...]`; an empty list matches no row, as in Django.
    fn is_in<V: ValueFor<Self::Value, Self>>(
        self,
        values: impl IntoIterator<Item = V>,
    ) -> Q<Self::Model> {
        lookup::<Self>(
            LookupKind::In,
            values.into_iter().map(ValueFor::operand).collect(),
        )
    }
    /// `field__isnull=true/false`.
    fn isnull(self, is_null: bool) -> Q<Self::Model>
    where
        Self: NullLookups,
    {
        lookup::<Self>(
            LookupKind::IsNull,
            vec![Operand::Value(Value::Bool(Some(is_null)))],
        )
    }
    fn year(self) -> Part<Self, i32>
    where
        Self: DateLookups,
    {
        Part::new(Transform::Year)
    }
    fn month(self) -> Part<Self, i32>
    where
        Self: DateLookups,
    {
        Part::new(Transform::Month)
    }
    fn day(self) -> Part<Self, i32>
    where
        Self: DateLookups,
    {
        Part::new(Transform::Day)
    }
    /// 1 (Sunday) to 7 (Saturday), as Django numbers them.
    fn week_day(self) -> Part<Self, i32>
    where
        Self: DateLookups,
    {
        Part::new(Transform::WeekDay)
    }
    /// The date of a DateTimeField, in UTC.
    fn date(self) -> Part<Self, chrono::NaiveDate>
    where
        Self: DateTimeLookups,
    {
        Part::new(Transform::Date)
    }
    /// Ascending order on this field.
    fn asc(self) -> OrderBy<Self::Model> {
        OrderBy::new(Self::COLUMN, false)
    }
    /// Descending order (Django's `"-field"`).
    fn desc(self) -> OrderBy<Self::Model> {
        OrderBy::new(Self::COLUMN, true)
    }
    /// `field = value` in [`QuerySet::update`](super::query::QuerySet::update).
    fn set<V: ValueFor<Self::Value, Self>>(self, value: V) -> Assignment<Self::Model> {
        Assignment {
            column: Self::COLUMN,
            value: value.operand(),
            _m: PhantomData,
        }
    }
}

impl<G: Field> Lookups for G {}

/// A date part of a field (`post::published.year()`), compared like a field of type `T`.
pub struct Part<G, T> {
    transform: Transform,
    _g: PhantomData<fn() -> (G, T)>,
}

impl<G: Field, T> Part<G, T> {
    fn new(transform: Transform) -> Self {
        Part {
            transform,
            _g: PhantomData,
        }
    }

    fn lookup(self, kind: LookupKind, rhs: Vec<Operand>) -> Q<G::Model> {
        Q::new(Node::Lookup(Lookup {
            column: G::COLUMN,
            transform: Some((self.transform, G::DATETIME)),
            kind,
            rhs,
        }))
    }

    pub fn eq<V: ValueFor<T, G>>(self, value: V) -> Q<G::Model> {
        self.lookup(LookupKind::Exact, vec![value.operand()])
    }
    pub fn gt<V: ValueFor<T, G>>(self, value: V) -> Q<G::Model> {
        self.lookup(LookupKind::Gt, vec![value.operand()])
    }
    pub fn gte<V: ValueFor<T, G>>(self, value: V) -> Q<G::Model> {
        self.lookup(LookupKind::Gte, vec![value.operand()])
    }
    pub fn lt<V: ValueFor<T, G>>(self, value: V) -> Q<G::Model> {
        self.lookup(LookupKind::Lt, vec![value.operand()])
    }
    pub fn lte<V: ValueFor<T, G>>(self, value: V) -> Q<G::Model> {
        self.lookup(LookupKind::Lte, vec![value.operand()])
    }
    pub fn is_in<V: ValueFor<T, G>>(self, values: impl IntoIterator<Item = V>) -> Q<G::Model> {
        self.lookup(
            LookupKind::In,
            values.into_iter().map(ValueFor::operand).collect(),
        )
    }
}
