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

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

pub mod lookups;
pub mod meta;
pub mod query;
mod sql;

pub use lookups::{F, Field, Lookups, Q};
pub use meta::{FieldInfo, FromSql, Model, ToSql};
pub use query::{Instance, QueryError, QuerySet};
pub use rjango_macros::model;

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
/// `<field>_id`, Django's `post.author_id`). `#[field(on_delete = ...)]` is required.
pub struct ForeignKey<T> {
    /// The related row's primary key.
    pub id: i64,
    // `fn() -> T`: the relation neither owns a `T` nor makes the row !Send/!Sync for it.
    _to: PhantomData<fn() -> T>,
}

/// A one-to-one relation to `T`: a ForeignKey whose column is unique.
pub struct OneToOneField<T> {
    /// The related row's primary key.
    pub id: i64,
    _to: PhantomData<fn() -> T>,
}

/// Implements what a relation needs without requiring it of the related model (a derive would
/// ask `T: Debug` and so on).
macro_rules! relation {
    ($name:ident) => {
        impl<T> $name<T> {
            /// A relation to the row whose primary key is `id`.
            pub fn new(id: i64) -> Self {
                $name {
                    id,
                    _to: PhantomData,
                }
            }

            /// The related row's primary key (Django's `post.author_id`).
            pub fn pk(&self) -> i64 {
                self.id
            }
        }

        impl<T> fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("id", &self.id)
                    .finish()
            }
        }

        impl<T> Clone for $name<T> {
            fn clone(&self) -> Self {
                *self
            }
        }

        impl<T> Copy for $name<T> {}

        impl<T> PartialEq for $name<T> {
            fn eq(&self, other: &Self) -> bool {
                self.id == other.id
            }
        }

        impl<T> Eq for $name<T> {}

        impl<T> Hash for $name<T> {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.id.hash(state);
            }
        }
    };
}

relation!(ForeignKey);
relation!(OneToOneField);

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
    pub use super::{
        AutoField, BigAutoField, BigIntegerField, BinaryField, BooleanField, CharField, DateField,
        DateTimeField, DecimalField, DurationField, EmailField, FloatField, ForeignKey,
        IntegerField, JSONField, ManyToManyField, Model, OneToOneField, PositiveBigIntegerField,
        PositiveIntegerField, PositiveSmallIntegerField, SlugField, SmallAutoField,
        SmallIntegerField, TextField, TimeField, URLField, UUIDField, model,
    };
    pub use super::{F, Instance, Lookups, Q, QueryError, QuerySet};
}
