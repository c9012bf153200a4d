//! Django's database functions (`django.db.models.functions`), typed by what they apply to:
//! `Lower(post::title)` compiles, `Lower(post::views)` does not, and the compiler's message
//! names the field's type. Each is written as the backend's own SQL, as Django's `as_sqlite`,
//! `as_postgresql` and `as_mysql` write them, so each answers what Django's answers.
//!
//! A function of a NULL-able column is NULL-able (`Length` of an `Option<String>` reads an
//! `Option<i32>`), as in SQL.

use super::expressions::{Arg, Func};
use super::lookups::{DateLookups, DateTimeLookups, Field, Operand, Transform};
use super::meta::Nullable;

/// The functions as SQL knows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbFunction {
    Lower,
    Upper,
    /// In characters, not bytes (MySQL's `CHAR_LENGTH`).
    Length,
    /// Pieces of text joined, a NULL one read as empty (Django's `Concat`).
    Concat,
    /// `Substr(text, position, length)`: 1-based position.
    Substr,
    Coalesce,
    /// The statement's time (PostgreSQL's `STATEMENT_TIMESTAMP()`, as Django's `Now`).
    Now,
    /// A date part, or the date of a datetime (the column's, in UTC).
    Extract(Transform, bool),
    /// `CAST(x AS <type>)`, the type as PostgreSQL, MySQL and SQLite name it.
    Cast([&'static str; 3]),
    /// The date truncated to its year, month, week or day (in UTC): `QuerySet::dates`.
    Trunc(DateKind, bool),
    /// A datetime truncated to a datetime (in UTC): `TruncHour`, `QuerySet::datetimes`.
    TruncDateTime(DateTimeKind),
}

/// Text functions take text: a text field, a string, or a function that gives text.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not text: this function takes a CharField, TextField, SlugField, EmailField or URLField, a string, or a function that gives text",
    label = "not text"
)]
pub trait Text<M>: Arg<M, Output = String> {}

impl<M, A: Arg<M, Output = String>> Text<M> for A {}

fn call(f: DbFunction, args: Vec<Operand>) -> Operand {
    Operand::Func(f, args)
}

/// Django's `Lower`: the text in lower case.
#[allow(non_snake_case)]
pub fn Lower<M, A: Text<M>>(text: A) -> Func<M, A::Stored, String> {
    Func::new("Lower", call(DbFunction::Lower, vec![text.operand()]))
}

/// Django's `Upper`: the text in upper case.
#[allow(non_snake_case)]
pub fn Upper<M, A: Text<M>>(text: A) -> Func<M, A::Stored, String> {
    Func::new("Upper", call(DbFunction::Upper, vec![text.operand()]))
}

/// Django's `Length`: the number of characters.
#[allow(non_snake_case)]
pub fn Length<M, A: Text<M>>(text: A) -> Func<M, <A::Stored as Nullable>::Keep<i32>, i32> {
    Func::new("Length", call(DbFunction::Length, vec![text.operand()]))
}

/// Django's `Substr(expression, pos, length)`: `length` characters from position `pos`
/// (1-based); `None` for the rest of the text.
#[allow(non_snake_case)]
pub fn Substr<M, A: Text<M>>(
    text: A,
    position: i32,
    length: impl Into<Option<i32>>,
) -> Func<M, A::Stored, String> {
    let mut args = vec![
        text.operand(),
        Operand::Value(sea_orm::Value::Int(Some(position))),
    ];
    if let Some(n) = length.into() {
        args.push(Operand::Value(sea_orm::Value::Int(Some(n))));
    }
    Func::new("Substr", call(DbFunction::Substr, args))
}

/// The pieces [`Concat`] joins: a tuple of texts.
pub trait Pieces<M> {
    fn operands(self) -> Vec<Operand>;
}

macro_rules! pieces {
    ($($a:ident $i:tt),+) => {
        impl<M, $($a: Text<M>),+> Pieces<M> for ($($a,)+) {
            fn operands(self) -> Vec<Operand> {
                vec![$(self.$i.operand()),+]
            }
        }
    };
}

pieces!(A 0, B 1);
pieces!(A 0, B 1, C 2);
pieces!(A 0, B 1, C 2, D 3);
pieces!(A 0, B 1, C 2, D 3, E 4);
pieces!(A 0, B 1, C 2, D 3, E 4, G 5);

/// Django's `Concat(a, b, ...)`: the texts joined, a NULL one as empty text (so the result is
/// never NULL, as Django's).
#[allow(non_snake_case)]
pub fn Concat<M>(pieces: impl Pieces<M>) -> Func<M, String> {
    Func::new("Concat", call(DbFunction::Concat, pieces.operands()))
}

/// Django's `Coalesce(a, b)`: `a`, or `b` where `a` is NULL. Both of one type; NULL-able as
/// `b` is (`Coalesce(post::published, Now())` is never NULL). Nest it for more than two.
#[allow(non_snake_case)]
pub fn Coalesce<M, T, A: Arg<M, Output = T>, B: Arg<M, Output = T>>(
    first: A,
    then: B,
) -> Func<M, B::Stored, T> {
    Func::new(
        "Coalesce",
        call(DbFunction::Coalesce, vec![first.operand(), then.operand()]),
    )
}

/// Django's `Now()`: the current time on the database server, the same for every row.
#[allow(non_snake_case)]
pub fn Now<M>() -> Func<M, chrono::DateTime<chrono::Utc>> {
    Func::new("Now", call(DbFunction::Now, Vec::new()))
}

fn extract<G: Field, T>(name: &'static str, part: Transform) -> Func<G::Model, T, i32> {
    Func::new(
        name,
        call(
            DbFunction::Extract(part, G::DATETIME),
            vec![super::lookups::field_operand::<G>()],
        ),
    )
}

/// Django's `ExtractYear`.
#[allow(non_snake_case)]
pub fn ExtractYear<G: DateLookups>(
    field: G,
) -> Func<G::Model, <G::Stored as Nullable>::Keep<i32>, i32> {
    let _ = field;
    extract::<G, _>("ExtractYear", Transform::Year)
}

/// Django's `ExtractMonth` (1 to 12).
#[allow(non_snake_case)]
pub fn ExtractMonth<G: DateLookups>(
    field: G,
) -> Func<G::Model, <G::Stored as Nullable>::Keep<i32>, i32> {
    let _ = field;
    extract::<G, _>("ExtractMonth", Transform::Month)
}

/// Django's `ExtractDay`.
#[allow(non_snake_case)]
pub fn ExtractDay<G: DateLookups>(
    field: G,
) -> Func<G::Model, <G::Stored as Nullable>::Keep<i32>, i32> {
    let _ = field;
    extract::<G, _>("ExtractDay", Transform::Day)
}

/// Django's `ExtractWeekDay`: 1 (Sunday) to 7 (Saturday).
#[allow(non_snake_case)]
pub fn ExtractWeekDay<G: DateLookups>(
    field: G,
) -> Func<G::Model, <G::Stored as Nullable>::Keep<i32>, i32> {
    let _ = field;
    extract::<G, _>("ExtractWeekDay", Transform::WeekDay)
}

/// Django's `TruncDate`: the date of a DateTimeField, in UTC.
#[allow(non_snake_case)]
pub fn TruncDate<G: DateTimeLookups>(
    field: G,
) -> Func<G::Model, <G::Stored as Nullable>::Keep<chrono::NaiveDate>, chrono::NaiveDate> {
    let _ = field;
    Func::new(
        "TruncDate",
        call(
            DbFunction::Extract(Transform::Date, G::DATETIME),
            vec![super::lookups::field_operand::<G>()],
        ),
    )
}

/// A type [`Cast`] converts to: the SQL type each backend names it by (Django's
/// `output_field`'s `cast_db_type`).
pub trait CastTarget: Nullable {
    fn sql_type(dialect: crate::db::Dialect) -> &'static str;
}

macro_rules! cast_target {
    ($($t:ty => $pg:literal, $my:literal, $lite:literal;)*) => {$(
        impl CastTarget for $t {
            fn sql_type(dialect: crate::db::Dialect) -> &'static str {
                match dialect {
                    crate::db::Dialect::Postgres => $pg,
                    crate::db::Dialect::Mysql => $my,
                    crate::db::Dialect::Sqlite => $lite,
                }
            }
        }
    )*};
}

cast_target! {
    i32 => "integer", "signed integer", "integer";
    i64 => "bigint", "signed integer", "integer";
    f64 => "double precision", "double", "real";
    String => "text", "char", "text";
}

/// Django's `Cast(expression, output_field)`: `Cast::<f64>::of(post::views)` reads the views
/// as floats. The target is a Rust type: `i32`, `i64`, `f64` or `String`.
pub struct Cast<T>(std::marker::PhantomData<T>);

impl<T: CastTarget> Cast<T> {
    /// `value` converted to `T` by the database.
    pub fn of<M, A: Arg<M>>(value: A) -> Func<M, <A::Stored as Nullable>::Keep<T>, T> {
        Func::new(
            "Cast",
            call(
                DbFunction::Cast([
                    T::sql_type(crate::db::Dialect::Postgres),
                    T::sql_type(crate::db::Dialect::Mysql),
                    T::sql_type(crate::db::Dialect::Sqlite),
                ]),
                vec![value.operand()],
            ),
        )
    }
}

/// How `QuerySet::dates` truncates: Django's `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateKind {
    Year,
    Month,
    /// The Monday of the week, as Django's weeks start.
    Week,
    Day,
}

/// How far `Trunc*` of a DateTimeField and `QuerySet::datetimes` truncate: Django's `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateTimeKind {
    Year,
    Month,
    /// The Monday of the week, at midnight.
    Week,
    Day,
    Hour,
    Minute,
    Second,
}

/// What a `Trunc*` function gives for a field: a date for a DateField, an aware datetime (in
/// UTC) for a DateTimeField, as Django's output field follows the input's.
pub trait Truncated {
    type Output: Nullable;
    /// The SQL: a date truncated to a date, or a datetime truncated to a datetime.
    fn function(kind: DateTimeKind) -> DbFunction;
}

impl Truncated for chrono::NaiveDate {
    type Output = chrono::NaiveDate;
    fn function(kind: DateTimeKind) -> DbFunction {
        DbFunction::Trunc(
            match kind {
                DateTimeKind::Year => DateKind::Year,
                DateTimeKind::Month => DateKind::Month,
                DateTimeKind::Week => DateKind::Week,
                _ => DateKind::Day,
            },
            false,
        )
    }
}

impl Truncated for chrono::DateTime<chrono::Utc> {
    type Output = chrono::DateTime<chrono::Utc>;
    fn function(kind: DateTimeKind) -> DbFunction {
        DbFunction::TruncDateTime(kind)
    }
}

/// What `Trunc*` of the field `G` gives: `Func<model, read type, compared type>`.
pub type TruncOf<G> = Func<
    <G as Field>::Model,
    <<G as Field>::Stored as Nullable>::Keep<<<G as Field>::Value as Truncated>::Output>,
    <<G as Field>::Value as Truncated>::Output,
>;

fn truncate<G: Field>(name: &'static str, kind: DateTimeKind) -> TruncOf<G>
where
    G::Value: Truncated,
{
    Func::new(
        name,
        call(
            <G::Value as Truncated>::function(kind),
            vec![super::lookups::field_operand::<G>()],
        ),
    )
}

macro_rules! trunc_functions {
    ($($(#[$doc:meta])* $name:ident $kind:ident $bound:ident;)*) => {$(
        $(#[$doc])*
        #[allow(non_snake_case)]
        pub fn $name<G: $bound>(field: G) -> TruncOf<G>
        where
            G::Value: Truncated,
        {
            let _ = field;
            truncate::<G>(stringify!($name), DateTimeKind::$kind)
        }
    )*};
}

trunc_functions! {
    /// Django's `TruncYear`: January 1st (a date for a DateField, midnight UTC for a
    /// DateTimeField).
    TruncYear Year DateLookups;
    /// Django's `TruncMonth`: the first of the month.
    TruncMonth Month DateLookups;
    /// Django's `TruncWeek`: the Monday of the week.
    TruncWeek Week DateLookups;
    /// Django's `TruncDay`: the day (midnight UTC for a DateTimeField).
    TruncDay Day DateLookups;
    /// Django's `TruncHour` of a DateTimeField.
    TruncHour Hour DateTimeLookups;
    /// Django's `TruncMinute` of a DateTimeField.
    TruncMinute Minute DateTimeLookups;
    /// Django's `TruncSecond` of a DateTimeField.
    TruncSecond Second DateTimeLookups;
}
