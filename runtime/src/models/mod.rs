//! Django's `django.db.models` for declaring models: the field types and `#[model]`.
//!
//! A model is a plain struct whose fields have Django's field types (`CharField`, `ForeignKey<T>`,
//! ...). Most are type aliases of the Rust type a column reads into, so a row is ordinary Rust
//! data (`post.title` is a `String`); what the alias name adds is the column's kind, which
//! `#[model]` and the code generator read from the source (DESIGN.md, "Model declarations").
//! `Option<T>` is Django's `null=True`.
//!
//! ```text
//! use rjango::models::prelude::*;
//!
//! #[model(ordering = ["-published"])]
//! pub struct Post {
//!     #[field(on_delete = Cascade, related_name = "posts")]
//!     pub author: ForeignKey<Author>,
//!     #[field(max_length = 200)]
//!     pub title: CharField,
//!     pub published: Option<DateTimeField>,
//! }
//! ```

use std::any::Any;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::panic::RefUnwindSafe;
use std::sync::Arc;

pub mod aggregates;
pub mod combined;
pub mod deferred;
pub mod deletion;
pub mod entity;
pub mod expressions;
pub mod functions;
pub mod lookups;
pub mod meta;
pub mod paginator;
pub mod query;
pub mod relations;
pub(crate) mod sql;
pub mod values;

pub use aggregates::{Aggregate, Avg, Count, Max, Min, Sum};
pub use deferred::{Deferred, Deferring};
pub use deletion::Deleted;
pub use expressions::{Case, Exists, Expression, Func, OuterRef, Subquery, Value, When};
pub use functions::{
    Cast, Coalesce, Concat, DateKind, DateTimeKind, ExtractDay, ExtractMonth, ExtractWeekDay,
    ExtractYear, Length, Lower, Now, Substr, TruncDate, TruncDay, TruncHour, TruncMinute,
    TruncMonth, TruncSecond, TruncWeek, TruncYear, Upper,
};
pub use lookups::{F, Field, Lookups, Q, Relation};
pub use meta::{FieldInfo, FromSql, Model, NewInstance, ToSql};
pub use paginator::{Page, Paginator};
pub use query::{ForUpdate, Instance, LockOf, OnConflict, Order, QueryError, QuerySet};
pub use relations::{
    ManyRelated, Prefetch, Prefetched, SelectRelated, prefetch_in, prefetch_related_objects,
};
pub use rjango_macros::model;
pub use values::{Values, ValuesList, ValuesOf};

/// `CHAR`/`VARCHAR(max_length)`: `#[field(max_length = ...)]` is required, as in Django.
pub type CharField = String;
/// Unlimited text.
pub type TextField = String;
/// A `CharField` for URL slugs (max_length 50 unless given).
pub type SlugField = String;
/// A `CharField` for e-mail addresses (max_length 254 unless given).
pub type EmailField = String;
/// A `CharField` for URLs (max_length 200 unless given).
pub type URLField = String;
/// A 32-bit integer.
pub type IntegerField = i32;
/// A 64-bit integer.
pub type BigIntegerField = i64;
/// A 16-bit integer.
pub type SmallIntegerField = i16;
/// A 32-bit integer the database keeps at 0 or more (Django's `CHECK (col >= 0)`). Signed in
/// Rust, because the column is a signed integer with a check, not an unsigned type: its values
/// are `0..=i32::MAX`.
pub type PositiveIntegerField = i32;
/// A 64-bit integer kept at 0 or more (`0..=i64::MAX`); signed for the same reason.
pub type PositiveBigIntegerField = i64;
/// A 16-bit integer kept at 0 or more (`0..=i16::MAX`); signed for the same reason.
pub type PositiveSmallIntegerField = i16;
/// A 32-bit auto-incrementing primary key.
pub type AutoField = i32;
/// A 64-bit auto-incrementing primary key: the implicit `id` of every model.
pub type BigAutoField = i64;
/// A 16-bit auto-incrementing primary key.
pub type SmallAutoField = i16;
pub type BooleanField = bool;
/// A double-precision float.
pub type FloatField = f64;
/// An exact decimal (`#[field(max_digits = ..., decimal_places = ...)]` required).
pub type DecimalField = rust_decimal::Decimal;
pub type DateField = chrono::NaiveDate;
/// An aware date and time, in UTC (Django with `USE_TZ = True`, its default).
pub type DateTimeField = chrono::DateTime<chrono::Utc>;
pub type TimeField = chrono::NaiveTime;
/// A span of time (`interval` on PostgreSQL, microseconds elsewhere).
pub type DurationField = chrono::TimeDelta;
pub type UUIDField = uuid::Uuid;
pub type JSONField = serde_json::Value;
pub type BinaryField = Vec<u8>;

/// A many-to-one relation to `T`: the row holds the related row's primary key (the column
/// `<field>_id`, Django's `post.author_id`), and, after `select_related`, the related row
/// itself. `#[field(on_delete = ...)]` is required.
pub struct ForeignKey<T> {
    /// The related row's primary key.
    pub id: i64,
    /// The related row, after `select_related`. Held without naming `T`: a field typed by the
    /// related model would make the compiler follow every chain of foreign keys to the end
    /// when it checks drops (a project of a few hundred models chained by foreign keys failed
    /// with E0320, "overflow while adding drop-check rules"). Only `cache` sets it, with a `T`.
    /// `RefUnwindSafe` as the rows are, so a model stays `UnwindSafe`.
    cached: Option<Arc<dyn Any + Send + Sync + RefUnwindSafe>>,
    related: PhantomData<fn() -> T>,
}

/// A one-to-one relation to `T`: a ForeignKey whose column is unique. The same type in Rust;
/// `#[model]` and makemigrations read the name to make the column unique.
pub type OneToOneField<T> = ForeignKey<T>;

impl<T> ForeignKey<T> {
    /// A relation to the row whose primary key is `id`.
    pub fn new(id: i64) -> Self {
        ForeignKey {
            id,
            cached: None,
            related: PhantomData,
        }
    }

    /// The related row's primary key (Django's `post.author_id`).
    pub fn pk(&self) -> i64 {
        self.id
    }
}

impl<T: Send + Sync + 'static> ForeignKey<T> {
    /// The related row when the query read it (`select_related`), without a query.
    pub fn cached(&self) -> Option<&T> {
        let row: &(dyn Any + Send + Sync) = self.cached.as_deref()?;
        row.downcast_ref()
    }

    /// The cached row, shared.
    fn cached_arc(&self) -> Option<Arc<T>> {
        let row = Arc::clone(self.cached.as_ref()?);
        let row: Arc<dyn Any + Send + Sync> = row;
        row.downcast().ok()
    }
}

impl<T: Send + Sync + RefUnwindSafe + 'static> ForeignKey<T> {
    /// Keeps `row` as the related row (what `select_related` does).
    pub fn cache(&mut self, row: T) {
        self.cached = Some(Arc::new(row));
    }
}

impl<T: Model> ForeignKey<T> {
    /// The related row: the cached one, or read now (Django's `post.author`).
    pub async fn get(&self) -> query::Result<Arc<T>> {
        if let Some(row) = self.cached_arc() {
            return Ok(row);
        }
        let pk = query::pk_in::<T>(&[self.id]);
        Ok(Arc::new(QuerySet::<T>::new().get(pk).await?))
    }

    /// `get()` from the database `alias`, for a row read with `.using(alias)`.
    pub async fn get_using(&self, alias: &str) -> query::Result<Arc<T>> {
        if let Some(row) = self.cached_arc() {
            return Ok(row);
        }
        let pk = query::pk_in::<T>(&[self.id]);
        Ok(Arc::new(QuerySet::<T>::new().using(alias).get(pk).await?))
    }
}

/// A relation to a saved row: `ForeignKey::from(&ada)` (keeps `ada` as the cached row when
/// it can be cloned).
impl<T: Model + Clone + RefUnwindSafe> From<&T> for ForeignKey<T> {
    fn from(row: &T) -> Self {
        let mut fk = ForeignKey::new(query::pk_i64(&row.pk()));
        fk.cache(row.clone());
        fk
    }
}

// By hand rather than derived: a derive would ask `T: Debug` and so on of the related model.
impl<T> fmt::Debug for ForeignKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ForeignKey").field("id", &self.id).finish()
    }
}

impl<T> Clone for ForeignKey<T> {
    fn clone(&self) -> Self {
        ForeignKey {
            id: self.id,
            cached: self.cached.clone(),
            related: PhantomData,
        }
    }
}

/// An unset key (0), as an unsaved row's: what a field left out by `only()`/`defer()` holds.
impl<T> Default for ForeignKey<T> {
    fn default() -> Self {
        ForeignKey::new(0)
    }
}

/// Two relations are equal when they point at the same row.
impl<T> PartialEq for ForeignKey<T> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl<T> Eq for ForeignKey<T> {}

impl<T> Hash for ForeignKey<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

/// Django's `{{ book.author }}`: the related row as `str()` shows it when the query read it
/// (`select_related`), else Django's default text for the row ("Author object (3)"), since a
/// template cannot wait for a query.
impl<T: Model> fmt::Display for ForeignKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cached() {
            Some(row) => f.write_str(&row.object_str()),
            None => write!(f, "{} object ({})", T::NAME, self.id),
        }
    }
}

impl<T> serde::Serialize for ForeignKey<T> {
    /// As Django's serializers write a foreign key: its primary key.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.id)
    }
}

/// A many-to-many relation to `T`. It has no column (the pairs live in a join table), so in the
/// row it is a zero-sized marker.
pub struct ManyToManyField<T> {
    _to: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for ManyToManyField<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ManyToManyField")
    }
}

impl<T> Clone for ManyToManyField<T> {
    fn clone(&self) -> Self {
        ManyToManyField::default()
    }
}

impl<T> Default for ManyToManyField<T> {
    fn default() -> Self {
        ManyToManyField { _to: PhantomData }
    }
}

/// What a models.rs needs: `use rjango::models::prelude::*;`.
pub mod prelude {
    pub use super::aggregates::Aggregate;
    pub use super::expressions::{Case, Exists, Expression, OuterRef, Subquery, Value, When};
    pub use super::functions::{
        Cast, Coalesce, Concat, ExtractDay, ExtractMonth, ExtractWeekDay, ExtractYear, Length,
        Lower, Now, Substr, TruncDate, TruncDay, TruncHour, TruncMinute, TruncMonth, TruncSecond,
        TruncWeek, TruncYear, Upper,
    };
    pub use super::{
        AutoField, BigAutoField, BigIntegerField, BinaryField, BooleanField, CharField, DateField,
        DateTimeField, DecimalField, DurationField, EmailField, FloatField, ForeignKey,
        IntegerField, JSONField, ManyToManyField, Model, OneToOneField, PositiveBigIntegerField,
        PositiveIntegerField, PositiveSmallIntegerField, SlugField, SmallAutoField,
        SmallIntegerField, TextField, TimeField, URLField, UUIDField, model,
    };
    pub use super::{
        Avg, Count, F, Instance, Lookups, Max, Min, Q, QueryError, QuerySet, Relation, Sum,
    };
}
