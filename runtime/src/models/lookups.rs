//! Typed field handles and Django's lookups on them. `#[model]` declares one handle per field
//! (`post::title`, a unit struct named after the field), and a lookup exists only where it fits
//! the column: `post::title.icontains("django")` compiles, `post::views.icontains("1")` does
//! not, and the compiler's message names the model's field.

use std::marker::PhantomData;

use sea_orm::Value;

use super::Model;
use super::meta::{Nullable, ToSql};

/// A field of model `Self::Model`: one of its own columns, as `#[model]` declares it, or a
/// column reached across relations (`post::author.then(author::name)`, Django's
/// `author__name`).
pub trait Field: Copy + Send + Sync + 'static {
    type Model: Model;
    /// What lookups compare the column with (the field's type without `Option`).
    type Value;
    /// The field's declared type (`Option<...>` when NULL-able): what a column reads into.
    /// Across a relation that may find no row it is an `Option` too (see [`Reach`]).
    type Stored: Nullable;
    const NAME: &'static str;
    const COLUMN: &'static str;
    /// How the column's date parts are read: a DateTimeField is aware (UTC).
    const DATETIME: bool = false;
    /// The column may hold NULL (or, across a relation, there may be no row to read it from).
    const NULL: bool = false;
    /// A DecimalField's decimal places: what its value and its Sum, Min and Max are quantized
    /// to when read back, as Django's converter quantizes them.
    const DECIMAL_PLACES: Option<u32> = None;
    /// The joins from `Self::Model`'s table to the column's: empty for an own column.
    fn path() -> Vec<Join> {
        Vec::new()
    }
    /// Django's lookup path of the field: `title`, or `author__name` across a relation (the
    /// keys of `values()`).
    fn lookup_name() -> String {
        Self::NAME.to_owned()
    }
    /// What ordering by this field means when it is not its own column: for a foreign key,
    /// the related model's Meta.ordering ([`related_ordering`]). None: the column.
    fn ordering(descending: bool) -> Option<Vec<(Term, bool)>> {
        let _ = descending;
        None
    }
}

/// A column of the model itself, not across a relation: what `set` (UPDATE) and `F` take.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a column of the model itself: updates, `OuterRef(...)`, `only` and `defer` take the model's own fields",
    label = "a field across a relation"
)]
pub trait OwnField: Field {}

/// One step of a path across relations: rows of `table` whose `to_column` equals the
/// `from_column` of the table before.
#[derive(Clone, Copy)]
pub struct Join {
    pub table: fn() -> &'static str,
    pub from_column: &'static str,
    pub to_column: &'static str,
    /// Many rows of `table` may match one row before (a reverse foreign key, a many-to-many):
    /// Django's multi-valued relation, which can repeat rows and which `exclude` reads as "no
    /// related row matches".
    pub multi: bool,
    /// Every row before finds one row here (a NOT NULL foreign key): the join is INNER, as
    /// Django's is, which `select_for_update` needs on PostgreSQL (it cannot lock the
    /// nullable side of an outer join).
    pub always: bool,
}

impl PartialEq for Join {
    fn eq(&self, other: &Join) -> bool {
        (self.table)() == (other.table)()
            && self.from_column == other.from_column
            && self.to_column == other.to_column
    }
}

impl std::fmt::Debug for Join {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "JOIN {} ON {} = {}{}",
            (self.table)(),
            self.from_column,
            self.to_column,
            if self.multi { " (many)" } else { "" }
        )
    }
}

/// Whether a relation finds a row for every row it starts from. A NOT NULL foreign key always
/// does ([`Always`]): `values_list(post::author.then(author::name))` reads `String`s. A
/// NULL-able one, a reverse relation or a many-to-many may not ([`Maybe`]): the same read
/// across one gives `Option`s, `None` where Django's gives `None`.
pub trait Reach: Send + Sync + 'static {
    /// A column of type `T` read across the relation.
    type Read<T: Nullable>: Nullable;
    /// This relation followed by one that reaches as `B` does.
    type And<B: Reach>: Reach;
}

/// A relation that always finds a row (a NOT NULL foreign key).
#[derive(Debug, Clone, Copy)]
pub struct Always;

/// A relation that may find no row.
#[derive(Debug, Clone, Copy)]
pub struct Maybe;

impl Reach for Always {
    type Read<T: Nullable> = T;
    type And<B: Reach> = B;
}

impl Reach for Maybe {
    type Read<T: Nullable> = T::OrNull;
    type And<B: Reach> = Maybe;
}

/// A relation from rows of `From` to rows of `To`: a ForeignKey or OneToOneField handle
/// (`post::author`), a ManyToManyField handle (`post::tags`), their reverse
/// (`post::author.reverse()`, Django's `author.posts`), or a chain of them.
pub trait Relation: Copy + Send + Sync + 'static {
    type From: Model;
    type To: Model;
    /// Whether every `From` row finds a `To` row.
    type Reach: Reach;
    /// The joins from `From`'s table to `To`'s.
    fn joins() -> Vec<Join>;
    /// Django's name of the relation in a lookup: the field's name (`author`, `tags`).
    fn lookup_name() -> String;
    /// The same read backwards: the related_name, else the model's name in lower case.
    fn reverse_lookup_name() -> String;

    /// A field of the related model, reached from this one (Django's `author__name`).
    fn then<G: Field<Model = Self::To>>(self, field: G) -> Path<Self, G> {
        Path(self, field)
    }

    /// The same relation read from the other side (Django's related_name).
    fn reverse(self) -> Reverse<Self> {
        Reverse(self)
    }
}

/// `relation.then(field)`: a field or relation of the related model.
#[derive(Debug, Clone, Copy)]
pub struct Path<R, G>(pub R, pub G);

impl<R: Relation, G: Field<Model = R::To>> Field for Path<R, G> {
    type Model = R::From;
    type Value = G::Value;
    type Stored = <R::Reach as Reach>::Read<G::Stored>;
    const NAME: &'static str = G::NAME;
    const COLUMN: &'static str = G::COLUMN;
    const DATETIME: bool = G::DATETIME;
    const NULL: bool = true;
    const DECIMAL_PLACES: Option<u32> = G::DECIMAL_PLACES;
    fn path() -> Vec<Join> {
        let mut joins = R::joins();
        joins.extend(G::path());
        joins
    }
    fn lookup_name() -> String {
        format!("{}__{}", R::lookup_name(), G::lookup_name())
    }
}

impl<R: Relation, S: Relation<From = R::To>> Relation for Path<R, S> {
    type From = R::From;
    type To = S::To;
    type Reach = <R::Reach as Reach>::And<S::Reach>;
    fn joins() -> Vec<Join> {
        let mut joins = R::joins();
        joins.extend(S::joins());
        joins
    }
    fn lookup_name() -> String {
        format!("{}__{}", R::lookup_name(), S::lookup_name())
    }
    fn reverse_lookup_name() -> String {
        format!("{}__{}", S::reverse_lookup_name(), R::reverse_lookup_name())
    }
}

impl<R: Relation, G: TextLookups<Model = R::To>> TextLookups for Path<R, G> {}
impl<R: Relation, G: OrderedLookups<Model = R::To>> OrderedLookups for Path<R, G> {}
impl<R: Relation, G: DateLookups<Model = R::To>> DateLookups for Path<R, G> {}
impl<R: Relation, G: DateTimeLookups<Model = R::To>> DateTimeLookups for Path<R, G> {}
/// Across a relation there may be no related row: `posts__isnull=True` is "has no post".
impl<R: Relation, G: Field<Model = R::To>> NullLookups for Path<R, G> {}

/// A relation read backwards: `post::author.reverse()` goes from an author to its posts.
#[derive(Debug, Clone, Copy)]
pub struct Reverse<R>(pub R);

impl<R: Relation> Relation for Reverse<R> {
    type From = R::To;
    type To = R::From;
    type Reach = Maybe;
    fn lookup_name() -> String {
        R::reverse_lookup_name()
    }
    fn reverse_lookup_name() -> String {
        R::lookup_name()
    }
    fn joins() -> Vec<Join> {
        let forward = R::joins();
        let mut tables: Vec<fn() -> &'static str> = vec![<R::From as Model>::table];
        tables.extend(forward.iter().map(|j| j.table));
        forward
            .iter()
            .enumerate()
            .rev()
            .map(|(i, j)| Join {
                table: tables[i],
                from_column: j.to_column,
                to_column: j.from_column,
                multi: !j.multi,
                always: false,
            })
            .collect()
    }
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
    /// A DurationField's value, in microseconds: a number outside PostgreSQL, an `interval`
    /// there (Django keeps durations the same way).
    Duration(Option<i64>),
    /// `CASE WHEN key = k1 THEN v1 ... END`: each row's own value, by its primary key
    /// (`bulk_update`).
    ByKey {
        key: &'static str,
        values: Vec<(Value, Operand)>,
    },
    /// A column of the row itself.
    Column(&'static str),
    /// A column across relations (`F(post::author.then(author::name))`): read from the
    /// table the joins of the path reach.
    Path(Vec<Join>, &'static str),
    Binary(Box<Operand>, char, Box<Operand>),
    /// A database function of its arguments (`Lower`, `Coalesce`, `Length`, ...).
    Func(super::functions::DbFunction, Vec<Operand>),
    /// `CASE WHEN condition THEN value ... ELSE default END` (Django's `Case`/`When`).
    Case(Vec<(Node, Operand)>, Box<Operand>),
    /// An aggregate over the rows of a group (`annotate`, `aggregate`).
    Aggregate(Box<super::aggregates::AggregateExpr>),
    /// `(SELECT ...)`: a queryset's single column, of one row (Django's `Subquery`).
    Subquery(super::expressions::SubquerySql),
    /// `EXISTS(SELECT ...)` (Django's `Exists`).
    Exists(super::expressions::SubquerySql),
    /// A column of the query around a subquery (Django's `OuterRef`): the table of its
    /// model, and the column.
    OuterRef(&'static str, &'static str),
    /// `NOT` of a boolean expression (`!Exists(...)`).
    Not(Box<Operand>),
}

impl Operand {
    /// Whether the value aggregates rows: then an annotation groups, and a condition on it
    /// is a HAVING.
    pub fn contains_aggregate(&self) -> bool {
        match self {
            Operand::Aggregate(_) => true,
            Operand::Binary(l, _, r) => l.contains_aggregate() || r.contains_aggregate(),
            Operand::Func(_, args) => args.iter().any(Operand::contains_aggregate),
            Operand::Case(whens, default) => {
                default.contains_aggregate() || whens.iter().any(|(_, v)| v.contains_aggregate())
            }
            Operand::Not(o) => o.contains_aggregate(),
            _ => false,
        }
    }

    /// The paths across relations the value reads (not those inside a subquery, which joins
    /// on its own).
    pub fn paths<'a>(&'a self, out: &mut Vec<&'a [Join]>) {
        match self {
            Operand::Path(path, _) => out.push(path),
            Operand::Aggregate(a) => {
                out.push(&a.path);
                if let Some(f) = &a.filter {
                    f.paths(out);
                }
            }
            Operand::Binary(l, _, r) => {
                l.paths(out);
                r.paths(out);
            }
            Operand::Func(_, args) => args.iter().for_each(|a| a.paths(out)),
            Operand::Case(whens, default) => {
                for (node, value) in whens {
                    node.paths(out);
                    value.paths(out);
                }
                default.paths(out);
            }
            Operand::ByKey { values, .. } => values.iter().for_each(|(_, v)| v.paths(out)),
            Operand::Not(o) => o.paths(out),
            _ => {}
        }
    }

    /// Whether the value reads another table: across a relation, or in a subquery.
    pub fn reaches_out(&self) -> bool {
        let mut paths = Vec::new();
        self.paths(&mut paths);
        !paths.iter().all(|p| p.is_empty()) || self.has_subquery()
    }

    fn has_subquery(&self) -> bool {
        match self {
            Operand::Subquery(_) | Operand::Exists(_) => true,
            Operand::Binary(l, _, r) => l.has_subquery() || r.has_subquery(),
            Operand::Func(_, args) => args.iter().any(Operand::has_subquery),
            Operand::Case(whens, default) => {
                default.has_subquery()
                    || whens
                        .iter()
                        .any(|(n, v)| n.has_subquery() || v.has_subquery())
            }
            Operand::Not(o) => o.has_subquery(),
            _ => false,
        }
    }
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

impl<F> ValueFor<chrono::TimeDelta, F> for chrono::TimeDelta {
    fn operand(self) -> Operand {
        Operand::Duration(self.num_microseconds())
    }
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

impl<F, T> ValueFor<super::ForeignKey<T>, F> for &super::ForeignKey<T> {
    fn operand(self) -> Operand {
        Operand::Value(Value::BigInt(Some(self.id)))
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

/// Django's `F("field")`: the value of another column of the same row, or across relations
/// (`F(post::author.then(author::name))`, Django's `F("author__name")`) in filters and
/// annotations; an UPDATE takes the row's own columns only, as Django's does.
#[derive(Debug, Clone, Copy)]
#[allow(non_snake_case)]
pub struct F<G>(pub G);

impl<T, F1, G: Field<Value = T>> ValueFor<T, F1> for F<G> {
    fn operand(self) -> Operand {
        field_operand::<G>()
    }
}

/// A field as a value: its own column, or the column across the path's joins.
pub(crate) fn field_operand<G: Field>() -> Operand {
    let path = G::path();
    if path.is_empty() {
        Operand::Column(G::COLUMN)
    } else {
        Operand::Path(path, G::COLUMN)
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
                        Box::new(field_operand::<G>()),
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
    /// The joins to the column's table (empty for the model's own column).
    pub path: Vec<Join>,
    /// An expression compared instead of the column (`Lower(author::name).eq("ada")`).
    pub lhs: Option<Box<Operand>>,
    pub column: &'static str,
    /// The column may be NULL: `exclude` then keeps the NULL rows, as Django's does.
    pub nullable: bool,
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
    /// A boolean expression as the condition (`filter(Exists(...))`).
    Expr(Operand),
}

impl Node {
    /// The paths across relations the condition reads.
    pub fn paths<'a>(&'a self, out: &mut Vec<&'a [Join]>) {
        match self {
            Node::Lookup(l) => {
                out.push(&l.path);
                if let Some(lhs) = &l.lhs {
                    lhs.paths(out);
                }
                l.rhs.iter().for_each(|r| r.paths(out));
            }
            Node::And(n) | Node::Or(n) => n.iter().for_each(|n| n.paths(out)),
            Node::Not(n) => n.paths(out),
            Node::Expr(o) => o.paths(out),
        }
    }

    /// Whether the condition reads another table (then UPDATE and DELETE go by key).
    pub fn reaches_out(&self) -> bool {
        match self {
            Node::Lookup(l) => {
                !l.path.is_empty()
                    || l.lhs.as_ref().is_some_and(|o| o.reaches_out())
                    || l.rhs.iter().any(Operand::reaches_out)
            }
            Node::And(n) | Node::Or(n) => n.iter().any(Node::reaches_out),
            Node::Not(n) => n.reaches_out(),
            Node::Expr(o) => o.reaches_out(),
        }
    }

    fn has_subquery(&self) -> bool {
        match self {
            Node::Lookup(l) => {
                l.lhs.as_ref().is_some_and(|o| o.has_subquery())
                    || l.rhs.iter().any(Operand::has_subquery)
            }
            Node::And(n) | Node::Or(n) => n.iter().any(Node::has_subquery),
            Node::Not(n) => n.has_subquery(),
            Node::Expr(o) => o.has_subquery(),
        }
    }
}

/// A typed condition on rows of `M`.
#[derive(Debug)]
pub struct Q<M> {
    pub(crate) node: Node,
    _m: PhantomData<fn() -> M>,
}

// By hand: a derive would ask `M: Clone`, which a model need not be.
impl<M> Clone for Q<M> {
    fn clone(&self) -> Self {
        Q::new(self.node.clone())
    }
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

/// `field = value` for a value already made SQL: what a ModelForm's unique check asks,
/// whatever the field's type.
#[doc(hidden)]
pub fn exact_sql<G: Field>(value: sea_orm::Value) -> Q<G::Model> {
    lookup::<G>(LookupKind::Exact, vec![Operand::Value(value)])
}

fn lookup<G: Field>(kind: LookupKind, rhs: Vec<Operand>) -> Q<G::Model> {
    Q::new(Node::Lookup(Lookup {
        path: G::path(),
        lhs: None,
        column: G::COLUMN,
        nullable: G::NULL,
        transform: None,
        kind,
        rhs,
    }))
}

/// What a queryset orders by: a column (across relations, Django's `author__name`), or an
/// annotation's expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    Column {
        path: Vec<Join>,
        column: &'static str,
    },
    /// An annotation's expression (an aggregate, a function, a subquery).
    Expr(Operand),
    /// Django's `nulls_first` (true) / `nulls_last` (false) on a term.
    Nulls(Box<Term>, bool),
}

impl Term {
    /// The column the term orders by, when it is one (under any NULLs placement).
    pub fn column(&self) -> Option<(&[Join], &'static str)> {
        match self {
            Term::Column { path, column } => Some((path, column)),
            Term::Nulls(t, _) => t.column(),
            Term::Expr(_) => None,
        }
    }

    /// The expression the term orders by, when it is one (under any NULLs placement).
    pub fn expr(&self) -> Option<&Operand> {
        match self {
            Term::Expr(e) => Some(e),
            Term::Nulls(t, _) => t.expr(),
            Term::Column { .. } => None,
        }
    }

    /// The same term in the opposite direction: NULLs first becomes NULLs last, as Django's
    /// `reverse()` swaps them.
    pub fn reversed(self) -> Term {
        match self {
            Term::Nulls(t, first) => Term::Nulls(t, !first),
            t => t,
        }
    }
}

/// One ORDER BY item of model `M`: `post::published.desc()`. Ordering by a relation
/// (`comment::post.asc()`) is the related model's Meta.ordering, as Django's `order_by("post")`
/// is, so one item may be several terms.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderBy<M> {
    pub(crate) terms: Vec<(Term, bool)>,
    _m: PhantomData<fn() -> M>,
}

impl<M> OrderBy<M> {
    pub(crate) fn new(term: Term, descending: bool) -> Self {
        OrderBy {
            terms: vec![(term, descending)],
            _m: PhantomData,
        }
    }

    /// The ORDER BY terms (what `#[model]`'s Meta.ordering is made of).
    #[doc(hidden)]
    pub fn into_terms(self) -> Vec<(Term, bool)> {
        self.terms
    }

    /// NULLs before every value, whatever the direction (Django's `nulls_first=True`).
    pub fn nulls_first(self) -> Self {
        self.nulls(true)
    }

    /// NULLs after every value (Django's `nulls_last=True`).
    pub fn nulls_last(self) -> Self {
        self.nulls(false)
    }

    fn nulls(self, first: bool) -> Self {
        OrderBy {
            terms: self
                .terms
                .into_iter()
                .map(|(t, d)| {
                    let inner = match t {
                        Term::Nulls(t, _) => *t,
                        t => t,
                    };
                    (Term::Nulls(Box::new(inner), first), d)
                })
                .collect(),
            _m: PhantomData,
        }
    }
}

/// The related model `T`'s Meta.ordering, read across `path` (each term's direction flipped
/// when the relation is ordered descending, as Django's `-post` flips Post's ordering); None
/// when `T` has none, and the foreign key's own column orders, as in Django. Orderings that
/// lead back to a model already being followed stop there (Django raises "Infinite loop
/// caused by ordering."; here the key's column orders).
pub fn related_ordering<T: Model>(path: Vec<Join>, descending: bool) -> Option<Vec<(Term, bool)>> {
    thread_local! {
        static FOLLOWING: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    if T::ORDERING.is_empty() || FOLLOWING.with(|f| f.borrow().contains(&T::NAME)) {
        return None;
    }
    FOLLOWING.with(|f| f.borrow_mut().push(T::NAME));
    let terms = T::default_ordering();
    FOLLOWING.with(|f| f.borrow_mut().pop());
    Some(
        terms
            .into_iter()
            .map(|(term, desc)| (prefixed(term, &path), desc != descending))
            .collect(),
    )
}

/// `term` read across `path` first.
fn prefixed(term: Term, path: &[Join]) -> Term {
    match term {
        Term::Column { path: p, column } => {
            let mut full = path.to_vec();
            full.extend(p);
            Term::Column { path: full, column }
        }
        Term::Nulls(t, first) => Term::Nulls(Box::new(prefixed(*t, path)), first),
        t => t,
    }
}

/// Meta.ordering from its names, each a column of `T` read across `path` (what a model whose
/// ordering `#[model]` could not write through its handles uses).
pub fn named_ordering<T: Model>(path: Vec<Join>, descending: bool) -> Vec<(Term, bool)> {
    T::ORDERING
        .iter()
        .map(|entry| {
            let (name, desc) = match entry.strip_prefix('-') {
                Some(n) => (n, true),
                None => (*entry, false),
            };
            let column = T::FIELDS
                .iter()
                .find(|f| f.name == name)
                .map_or(name, |f| f.column);
            (
                Term::Column {
                    path: path.clone(),
                    column,
                },
                desc != descending,
            )
        })
        .collect()
}

/// `field = value` in an UPDATE: `post::views.set(F(post::views) + 1)`.
#[derive(Debug, Clone)]
pub struct Assignment<M> {
    pub(crate) column: &'static str,
    pub(crate) value: Operand,
    _m: PhantomData<fn() -> M>,
}

impl<M> Assignment<M> {
    pub(crate) fn new(column: &'static str, value: Operand) -> Self {
        Assignment {
            column,
            value,
            _m: PhantomData,
        }
    }
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
    /// Ascending order on this field (on a relation, the related model's Meta.ordering).
    fn asc(self) -> OrderBy<Self::Model> {
        order_by::<Self>(false)
    }
    /// Descending order (Django's `"-field"`).
    fn desc(self) -> OrderBy<Self::Model> {
        order_by::<Self>(true)
    }
    /// `field = value` in [`QuerySet::update`](super::query::QuerySet::update).
    fn set<V: ValueFor<Self::Value, Self>>(self, value: V) -> Assignment<Self::Model>
    where
        Self: OwnField,
    {
        Assignment {
            column: Self::COLUMN,
            value: value.operand(),
            _m: PhantomData,
        }
    }
}

impl<G: Field> Lookups for G {}

fn order_by<G: Field>(descending: bool) -> OrderBy<G::Model> {
    match G::ordering(descending) {
        Some(terms) => OrderBy {
            terms,
            _m: PhantomData,
        },
        None => OrderBy::new(term::<G>(), descending),
    }
}

fn term<G: Field>() -> Term {
    Term::Column {
        path: G::path(),
        column: G::COLUMN,
    }
}

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
            path: G::path(),
            lhs: None,
            column: G::COLUMN,
            nullable: G::NULL,
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

/// Arithmetic is an expression's argument too: `When(cond, F(post::views) * 2)`.
impl<M, T: super::meta::Nullable> super::expressions::Arg<M> for Arithmetic<T> {
    type Output = T;
    type Stored = T;
    fn operand(self) -> Operand {
        self.operand
    }
}

/// The model a field, an expression or an aggregate is of: what ties an expression used as a
/// value (`post::title.eq(Lower(...))`) to the rows of the lookup.
pub trait ModelOf {
    type Model;
}

impl<G: Field> ModelOf for G {
    type Model = G::Model;
}
