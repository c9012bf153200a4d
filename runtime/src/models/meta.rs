//! What `#[model]` implements for a model: its table, its columns in order, and how a row
//! reads into the user's struct and back into SQL values. The struct is the row type: there
//! is no second struct to keep in sync (DESIGN.md, "Model declarations").

use sea_orm::{QueryResult, Value};

use super::ForeignKey;

/// One column of a model, in the order rows are selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldInfo {
    /// The field's name (`author`).
    pub name: &'static str,
    /// Django's attname: the field's value in `values()` (`author_id` for a foreign key, else
    /// the name).
    pub attname: &'static str,
    /// Its column (`author_id`).
    pub column: &'static str,
    pub primary_key: bool,
    /// The database assigns it (AutoField, BigAutoField, SmallAutoField).
    pub auto: bool,
    /// `DateTimeField(auto_now)` / `DateField(auto_now)`: set to now on every save.
    pub auto_now: bool,
    /// `auto_now_add`: set to now when the row is created.
    pub auto_now_add: bool,
    /// A DurationField: microseconds, written as an `interval` on PostgreSQL.
    pub duration: bool,
}

/// A model's name as Django's default `verbose_name` makes it: `BlogPost` is "blog post".
pub fn verbose_name(model_name: &str) -> String {
    let mut out = String::new();
    for (i, c) in model_name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Django's `Meta.verbose_name`: the model's own, else its name in words ("blog post").
pub fn model_verbose_name<M: Model>() -> String {
    M::VERBOSE_NAME.map_or_else(|| verbose_name(M::NAME), str::to_owned)
}

/// Django's `Meta.verbose_name_plural` by default: the verbose name and an "s".
pub fn model_verbose_name_plural<M: Model>() -> String {
    format!("{}s", model_verbose_name::<M>())
}

/// A new instance of a model, before it is saved: Django's `Post()`, each field its literal
/// `default` or its type's. Implemented by `#[model]`; a ModelForm's `save()` fills it.
pub trait NewInstance {
    fn new_instance() -> Self;
}

/// A declared model. Implemented by `#[model]`; the methods are what querysets and instances
/// are built on.
pub trait Model: Sized + Send + Sync + 'static {
    /// The model's name as declared (`Post`).
    const NAME: &'static str;
    /// Every column, the primary key among them, in SELECT order.
    const FIELDS: &'static [FieldInfo];
    /// Meta.ordering, in Django's spelling (`-published`).
    const ORDERING: &'static [&'static str];
    /// `Meta.db_table` when the model sets one.
    const DB_TABLE: Option<&'static str>;
    /// `Meta.verbose_name` when the model sets one (see [`model_verbose_name`]).
    const VERBOSE_NAME: Option<&'static str> = None;
    /// The module the model is declared in (`mysite::blog::models`): its app is the module
    /// above `models`, as Django's app_label is the package of models.py.
    const MODULE: &'static str;
    /// Whether the primary key is an integer (an auto key or an integer field). Relations,
    /// on_delete, `in_bulk` and an instance's `delete()` work by integer keys for now; a model
    /// keyed by a CharField or UUIDField is refused there (at compile time for relations),
    /// never read as a key of 0.
    const INTEGER_PK: bool;

    /// The table: `Meta.db_table`, or `<app>_<model>` as Django names it.
    fn table() -> &'static str;

    /// Meta.ordering as ORDER BY terms: `#[model]` writes it through the field handles, so an
    /// entry naming a foreign key is the related model's ordering, as in Django.
    fn default_ordering() -> Vec<(super::lookups::Term, bool)> {
        super::lookups::named_ordering::<Self>(Vec::new(), false)
    }
    /// Reads a row selected with [`Model::FIELDS`]' columns, in order, from `offset`.
    fn from_row(row: &QueryResult, offset: usize) -> Result<Self, sea_orm::DbErr>;
    /// Reads a row that selected only the columns `loaded` marks (per [`Model::FIELDS`], in
    /// order); every other field is its type's default (`only()` / `defer()`).
    fn from_row_partial(row: &QueryResult, loaded: &[bool]) -> Result<Self, sea_orm::DbErr>;
    /// The value of every column, in [`Model::FIELDS`] order.
    fn values(&self) -> Vec<Value>;
    /// The primary key's value (`0` for an auto key not saved yet).
    fn pk(&self) -> Value;
    /// Stores the key the database assigned on insert.
    fn set_pk(&mut self, id: i64);
    /// Sets auto_now fields (and auto_now_add ones on insert) to `now`.
    fn touch(&mut self, now: chrono::DateTime<chrono::Utc>, inserting: bool);

    /// Django's `str(row)`: the model's `Display` when it has one, else "Post object (1)".
    /// `#[model]` picks between the two (a generic function cannot ask whether a type has
    /// `Display`), so a template shows a foreign key's row as Django does (`{{ book.author }}`).
    fn object_str(&self) -> String {
        format!("{} object ({})", Self::NAME, pk_string(&self.pk()))
    }
}

/// The app of a model declared in `module`: the module above `models`, as Django's
/// app_label is the package of models.py.
pub fn app_label(module: &str) -> &str {
    let segments: Vec<&str> = module.split("::").collect();
    match segments.iter().rposition(|s| *s == "models") {
        Some(i) if i > 0 => segments[i - 1],
        _ => segments.last().copied().unwrap_or_default(),
    }
}

/// Whether `module` (a `module_path!()`) lies in an app's `models` module (`mysite::blog::models`,
/// or a module below it): the only place makemigrations reads models from. `#[model]` asserts
/// it at compile time, so a model declared elsewhere fails to build instead of failing at run
/// time with "no such table".
pub const fn in_models_module(module: &str) -> bool {
    let bytes = module.as_bytes();
    let needle = b"::models";
    let mut i = 0;
    while i + needle.len() <= bytes.len() {
        let mut j = 0;
        while j < needle.len() && bytes[i + j] == needle[j] {
            j += 1;
        }
        let end = i + needle.len();
        // `::models` ending the path, or followed by `::`.
        if j == needle.len() && (end == bytes.len() || bytes[end] == b':') {
            return true;
        }
        i += 1;
    }
    false
}

/// The primary key's column of `M`.
pub fn pk_column<M: Model>() -> &'static str {
    M::FIELDS
        .iter()
        .find(|f| f.primary_key)
        .map_or("id", |f| f.column)
}

/// The table name Django gives a model declared in `module`: `<app>_<model lower-cased>`.
pub fn table_name(module: &str, model: &str) -> String {
    format!("{}_{}", app_label(module), model.to_ascii_lowercase())
}

/// The join table of a ManyToManyField: `db_table`, else `<model's table>_<field>`
/// (shortened as Django shortens long names).
pub fn through_table(table: &str, field: &str, db_table: Option<&str>) -> String {
    match db_table {
        Some(t) => t.to_owned(),
        None => crate::db::migrations::schema_editor::truncate_name(&format!("{table}_{field}")),
    }
}

/// The primary key of a saved instance is never 0: an auto key is 0 until the first save.
pub fn is_unsaved(pk: &Value) -> bool {
    matches!(
        pk,
        Value::BigInt(Some(0)) | Value::Int(Some(0)) | Value::SmallInt(Some(0))
    )
}

/// A Rust value that goes into a column: every field type of `rjango::models`.
pub trait ToSql {
    fn to_sql(&self) -> Value;
    /// This type's NULL (SQL NULLs are typed for the drivers).
    fn null() -> Value;
}

/// A column's type as read across a relation that may find no row: `T` becomes `Option<T>`,
/// and an `Option<T>` stays itself (no row and a NULL are the same `None`, as in Django).
pub trait Nullable: FromSql + Quantize + Send {
    type OrNull: Nullable;
    /// `U`, NULL-able when this type is: what a function of a column reads into
    /// (`Length` of an `Option<String>` is an `Option<i32>`).
    type Keep<U: Nullable>: Nullable;
}

impl<T: FromSql + Quantize + Send> Nullable for Option<T> {
    type OrNull = Option<T>;
    type Keep<U: Nullable> = U::OrNull;
}

/// A Rust value read from a column.
pub trait FromSql: Sized {
    fn from_sql(row: &QueryResult, index: usize) -> Result<Self, sea_orm::DbErr>;
    /// The value, or None for NULL.
    fn from_sql_nullable(row: &QueryResult, index: usize) -> Result<Option<Self>, sea_orm::DbErr>;
}

macro_rules! plain_sql {
    ($($t:ty => $variant:ident),* $(,)?) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> Value {
                Value::$variant(Some(self.clone().into()))
            }
            fn null() -> Value {
                Value::$variant(None)
            }
        }
        impl Nullable for $t {
            type OrNull = Option<$t>;
            type Keep<U: Nullable> = U;
        }
        impl FromSql for $t {
            fn from_sql(row: &QueryResult, index: usize) -> Result<Self, sea_orm::DbErr> {
                row.try_get_by_index::<$t>(index)
            }
            fn from_sql_nullable(
                row: &QueryResult,
                index: usize,
            ) -> Result<Option<Self>, sea_orm::DbErr> {
                row.try_get_by_index::<Option<$t>>(index)
            }
        }
    )*};
}

/// Integers, also from MySQL's `UNSIGNED` columns, which Django makes of the positive fields
/// (`smallint UNSIGNED`, ...) and the driver decodes only as unsigned types.
macro_rules! integer_sql {
    ($($t:ty | $u:ty => $variant:ident),* $(,)?) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> Value {
                Value::$variant(Some(*self))
            }
            fn null() -> Value {
                Value::$variant(None)
            }
        }
        impl Nullable for $t {
            type OrNull = Option<$t>;
            type Keep<U: Nullable> = U;
        }
        impl FromSql for $t {
            fn from_sql(row: &QueryResult, index: usize) -> Result<Self, sea_orm::DbErr> {
                Self::from_sql_nullable(row, index)?.ok_or_else(|| {
                    sea_orm::DbErr::Type(format!("column {index}: NULL where a number was expected"))
                })
            }
            fn from_sql_nullable(
                row: &QueryResult,
                index: usize,
            ) -> Result<Option<Self>, sea_orm::DbErr> {
                match row.try_get_by_index::<Option<$t>>(index) {
                    Ok(v) => Ok(v),
                    Err(signed) => match row.try_get_by_index::<Option<$u>>(index) {
                        Ok(v) => v
                            .map(|n| {
                                <$t>::try_from(n).map_err(|_| {
                                    sea_orm::DbErr::Type(format!("column {index}: {n} is out of range"))
                                })
                            })
                            .transpose(),
                        Err(_) => Err(signed),
                    },
                }
            }
        }
    )*};
}

integer_sql! {
    i16 | u16 => SmallInt,
    i32 | u32 => Int,
    i64 | u64 => BigInt,
}

plain_sql! {
    f64 => Double,
    String => String,
    chrono::NaiveDate => ChronoDate,
    chrono::NaiveTime => ChronoTime,
    chrono::DateTime<chrono::Utc> => ChronoDateTimeUtc,
    serde_json::Value => Json,
    Vec<u8> => Bytes,
}

impl ToSql for rust_decimal::Decimal {
    fn to_sql(&self) -> Value {
        Value::Decimal(Some(*self))
    }
    fn null() -> Value {
        Value::Decimal(None)
    }
}

impl Nullable for rust_decimal::Decimal {
    type OrNull = Option<rust_decimal::Decimal>;
    type Keep<U: Nullable> = U;
}

/// A DecimalField as each backend gives it back: a decimal, or on SQLite (whose NUMERIC
/// columns keep `12.50` as a REAL and `0.00` as an INTEGER) a number of either kind.
impl FromSql for rust_decimal::Decimal {
    fn from_sql(row: &QueryResult, index: usize) -> Result<Self, sea_orm::DbErr> {
        Self::from_sql_nullable(row, index)?.ok_or_else(|| {
            sea_orm::DbErr::Type(format!("column {index}: NULL where a decimal was expected"))
        })
    }
    fn from_sql_nullable(row: &QueryResult, index: usize) -> Result<Option<Self>, sea_orm::DbErr> {
        if let Ok(v) = row.try_get_by_index::<Option<rust_decimal::Decimal>>(index) {
            return Ok(v);
        }
        if let Ok(v) = row.try_get_by_index::<Option<i64>>(index) {
            return Ok(v.map(rust_decimal::Decimal::from));
        }
        if let Ok(v) = row.try_get_by_index::<Option<f64>>(index) {
            return v
                .map(|f| {
                    // 15 significant digits, as Django's SQLite converter reads a REAL
                    // (`Context(prec=15).create_decimal_from_float`): 3.4000000000000004 is
                    // 3.40000000000000.
                    rust_decimal::Decimal::from_scientific(&format!("{f:.14e}")).map_err(|e| {
                        sea_orm::DbErr::Type(format!("column {index}: {f} is not a decimal: {e}"))
                    })
                })
                .transpose();
        }
        row.try_get_by_index::<Option<String>>(index)?
            .map(|s| {
                s.parse::<rust_decimal::Decimal>()
                    .map_err(|e| sea_orm::DbErr::Type(format!("column {index}: {s:?}: {e}")))
            })
            .transpose()
    }
}

impl ToSql for uuid::Uuid {
    fn to_sql(&self) -> Value {
        Value::Uuid(Some(*self))
    }
    fn null() -> Value {
        Value::Uuid(None)
    }
}

impl Nullable for uuid::Uuid {
    type OrNull = Option<uuid::Uuid>;
    type Keep<U: Nullable> = U;
}

/// A UUIDField as each backend keeps it: PostgreSQL's `uuid`, or Django's `char(32)` of hex
/// digits on SQLite and MySQL (a hyphenated text or a 16-byte blob is read too).
impl FromSql for uuid::Uuid {
    fn from_sql(row: &QueryResult, index: usize) -> Result<Self, sea_orm::DbErr> {
        Self::from_sql_nullable(row, index)?.ok_or_else(|| {
            sea_orm::DbErr::Type(format!("column {index}: NULL where a UUID was expected"))
        })
    }
    fn from_sql_nullable(row: &QueryResult, index: usize) -> Result<Option<Self>, sea_orm::DbErr> {
        if let Ok(v) = row.try_get_by_index::<Option<uuid::Uuid>>(index) {
            return Ok(v);
        }
        if let Ok(Some(text)) = row.try_get_by_index::<Option<String>>(index) {
            return uuid::Uuid::parse_str(&text)
                .map(Some)
                .map_err(|e| sea_orm::DbErr::Type(format!("column {index}: {text:?}: {e}")));
        }
        match row.try_get_by_index::<Option<Vec<u8>>>(index)? {
            None => Ok(None),
            Some(bytes) => uuid::Uuid::from_slice(&bytes)
                .map(Some)
                .map_err(|e| sea_orm::DbErr::Type(format!("column {index}: {e}"))),
        }
    }
}

/// A DecimalField's value with the field's decimal places, as Django's converter quantizes
/// what the database gives back (rounding half to even, as Python's decimal does).
pub trait Quantize {
    fn quantize(self, places: u32) -> Self;
}

impl Quantize for rust_decimal::Decimal {
    fn quantize(self, places: u32) -> Self {
        let mut d = self
            .round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointNearestEven);
        d.rescale(places);
        d
    }
}

impl<T: Quantize> Quantize for Option<T> {
    fn quantize(self, places: u32) -> Self {
        self.map(|d| d.quantize(places))
    }
}

/// Every other field's value is what it is (an aggregate over any field reads through
/// [`Quantize`], and only a DecimalField's has places).
macro_rules! unquantized {
    ($($t:ty),* $(,)?) => {$(
        impl Quantize for $t {
            fn quantize(self, _places: u32) -> Self {
                self
            }
        }
    )*};
}

unquantized!(
    i16,
    i32,
    i64,
    f64,
    bool,
    String,
    chrono::NaiveDate,
    chrono::NaiveTime,
    chrono::DateTime<chrono::Utc>,
    chrono::TimeDelta,
    uuid::Uuid,
    serde_json::Value,
    Vec<u8>,
);

/// `value` quantized to `places` when the field has them.
pub fn quantized<T: Quantize>(value: T, places: Option<u32>) -> T {
    match places {
        Some(places) => value.quantize(places),
        None => value,
    }
}

impl ToSql for bool {
    fn to_sql(&self) -> Value {
        Value::Bool(Some(*self))
    }
    fn null() -> Value {
        Value::Bool(None)
    }
}

impl Nullable for bool {
    type OrNull = Option<bool>;
    type Keep<U: Nullable> = U;
}

impl FromSql for bool {
    fn from_sql(row: &QueryResult, index: usize) -> Result<Self, sea_orm::DbErr> {
        row.try_get_by_index::<bool>(index)
    }
    fn from_sql_nullable(row: &QueryResult, index: usize) -> Result<Option<Self>, sea_orm::DbErr> {
        row.try_get_by_index::<Option<bool>>(index)
    }
}

/// A DurationField as Django keeps it: a count of microseconds outside PostgreSQL, an
/// `interval` there. Written as microseconds (the SQL turns them into an interval on
/// PostgreSQL, see `Sql::duration`); read from either.
impl ToSql for chrono::TimeDelta {
    fn to_sql(&self) -> Value {
        Value::BigInt(self.num_microseconds())
    }
    fn null() -> Value {
        Value::BigInt(None)
    }
}

impl Nullable for chrono::TimeDelta {
    type OrNull = Option<chrono::TimeDelta>;
    type Keep<U: Nullable> = U;
}

impl FromSql for chrono::TimeDelta {
    fn from_sql(row: &QueryResult, index: usize) -> Result<Self, sea_orm::DbErr> {
        Self::from_sql_nullable(row, index)?.ok_or_else(|| {
            sea_orm::DbErr::Type(format!(
                "column {index}: NULL where a duration was expected"
            ))
        })
    }
    fn from_sql_nullable(row: &QueryResult, index: usize) -> Result<Option<Self>, sea_orm::DbErr> {
        // PostgreSQL's `interval` (a DurationField there) is read from sqlx's row: SeaORM has
        // no type for it.
        #[cfg(feature = "postgres")]
        if let Some(pg) = row.try_as_pg_row() {
            use sea_orm::sqlx::Row;
            let interval: Option<sea_orm::sqlx::postgres::types::PgInterval> = pg
                .try_get(index)
                .map_err(|e| sea_orm::DbErr::Type(format!("column {index}: {e}")))?;
            return Ok(interval.map(|i| {
                // As psycopg reads an interval into a timedelta: a year is 365 days, a month
                // 30 (intervals the ORM writes have neither).
                let (years, months) = (i64::from(i.months) / 12, i64::from(i.months) % 12);
                let days = years * 365 + months * 30 + i64::from(i.days);
                chrono::TimeDelta::days(days) + chrono::TimeDelta::microseconds(i.microseconds)
            }));
        }
        Ok(row
            .try_get_by_index::<Option<i64>>(index)?
            .map(chrono::TimeDelta::microseconds))
    }
}

macro_rules! relation_sql {
    ($($name:ident),*) => {$(
        impl<T> ToSql for $name<T> {
            fn to_sql(&self) -> Value {
                Value::BigInt(Some(self.id))
            }
            fn null() -> Value {
                Value::BigInt(None)
            }
        }
        impl<T> Quantize for $name<T> {
            fn quantize(self, _places: u32) -> Self {
                self
            }
        }
        impl<T: Send + Sync> Nullable for $name<T> {
            type OrNull = Option<$name<T>>;
            type Keep<U: Nullable> = U;
        }
        impl<T> FromSql for $name<T> {
            fn from_sql(row: &QueryResult, index: usize) -> Result<Self, sea_orm::DbErr> {
                crate::models::query::read_i64(row, index).map($name::new)
            }
            fn from_sql_nullable(
                row: &QueryResult,
                index: usize,
            ) -> Result<Option<Self>, sea_orm::DbErr> {
                // As wide as the related key: `integer` for an AutoField, `bigint` for a
                // BigAutoField (PostgreSQL decodes neither as the other).
                row.try_get_by_index::<Option<i64>>(index)
                    .or_else(|_| row.try_get_by_index::<Option<i32>>(index).map(|v| v.map(i64::from)))
                    .or_else(|_| row.try_get_by_index::<Option<i16>>(index).map(|v| v.map(i64::from)))
                    .map(|v| v.map($name::new))
            }
        }
    )*};
}

relation_sql!(ForeignKey);

impl<T: ToSql> ToSql for Option<T> {
    fn to_sql(&self) -> Value {
        match self {
            Some(v) => v.to_sql(),
            None => T::null(),
        }
    }
    fn null() -> Value {
        T::null()
    }
}

impl<T: FromSql> FromSql for Option<T> {
    fn from_sql(row: &QueryResult, index: usize) -> Result<Self, sea_orm::DbErr> {
        T::from_sql_nullable(row, index)
    }
    fn from_sql_nullable(row: &QueryResult, index: usize) -> Result<Option<Self>, sea_orm::DbErr> {
        T::from_sql_nullable(row, index).map(Some)
    }
}

/// `str(obj)` for a model with `Display`, picked at compile time in the code
/// `#[admin::register]` and `#[model]`'s relation choices write (autoref specialization): `(&&ObjectStr(obj)).object_str()`.
#[doc(hidden)]
pub struct ObjectStr<'a, M>(pub &'a M);

#[doc(hidden)]
pub trait ViaDisplay {
    fn object_str(&self) -> String;
}

impl<M: std::fmt::Display> ViaDisplay for &ObjectStr<'_, M> {
    fn object_str(&self) -> String {
        self.0.to_string()
    }
}

#[doc(hidden)]
pub trait ViaDefault {
    fn object_str(&self) -> String;
}

impl<M: Model> ViaDefault for ObjectStr<'_, M> {
    /// Django's `Model.__str__`: "Post object (1)".
    fn object_str(&self) -> String {
        format!("{} object ({})", M::NAME, pk_string(&self.0.pk()))
    }
}

/// A primary key as text (Django's `str(obj.pk)`).
pub fn pk_string(value: &sea_orm::Value) -> String {
    use sea_orm::Value;
    match value {
        Value::String(Some(s)) => s.to_string(),
        Value::Uuid(Some(u)) => u.to_string(),
        other => crate::models::query::pk_i64(other).to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimals_keep_their_places() {
        use super::Quantize;
        let d = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
        assert_eq!(d("0.8").quantize(2).to_string(), "0.80");
        assert_eq!(d("12").quantize(2).to_string(), "12.00");
        assert_eq!(d("1.005").quantize(2).to_string(), "1.00");
        assert_eq!(d("1.015").quantize(2).to_string(), "1.02");
        assert_eq!(Some(d("3.5")).quantize(0), Some(d("4")));
    }

    #[test]
    fn tables_are_named_as_django_names_them() {
        assert_eq!(
            super::table_name("mysite::blog::models", "Post"),
            "blog_post"
        );
        assert_eq!(
            super::table_name("shop::models", "OrderLine"),
            "shop_orderline"
        );
        assert_eq!(
            super::table_name("mysite::blog::models::post", "Post"),
            "blog_post"
        );
    }

    #[test]
    fn models_live_in_a_models_module() {
        use super::in_models_module;
        assert!(in_models_module("mysite::blog::models"));
        assert!(in_models_module("mysite::blog::models::post"));
        assert!(in_models_module("main::blog::models::inner::deeper"));
        assert!(!in_models_module("mysite::blog::views"));
        assert!(!in_models_module("mysite::blog::modelsx"));
        assert!(!in_models_module("mysite::blog::my_models"));
        assert!(!in_models_module("models"));
    }
}
