//! The SeaORM side of a model. `#[model]` generates, in the model's field module (`post`), a
//! SeaORM entity whose Model is the user's own struct: `post::Entity`, `post::Column`,
//! `post::PrimaryKey`, `post::Relation` (a belongs_to for each foreign key) and
//! `post::ActiveModel`. So plain SeaORM works on the same rows for anything the Django-style
//! layer does not cover:
//!
//! ```text
//! let p = post::Entity::find_by_id(1).one(db).await?;                 // Option<Post>
//! let with = post::Entity::find().find_also_related(author::Entity).all(db).await?;
//! ```
//!
//! What the generated code needs of the runtime is here: the link from a model to its entity,
//! and SeaORM's value traits for `ForeignKey<T>` (a BIGINT holding the related key).

use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, ValueType, ValueTypeErr};
use sea_orm::{
    ColIdx, EntityTrait, LinkDef, Linked, QueryResult, RelationDef, TryGetError, TryGetable, Value,
};

use super::ForeignKey;
use super::lookups::Reverse;

/// The SeaORM entity of a model: `<Post as HasEntity>::Entity` is `post::Entity`.
pub trait HasEntity {
    type Entity: EntityTrait;
}

/// A relation handle SeaORM can follow (`post::author`, `post::tags`): the hops from one
/// entity to the other. `#[model]` also makes each handle a SeaORM [`Linked`], so the handles
/// of the Django-style layer serve plain SeaORM too: `post.find_linked(post::tags)`, and read
/// backwards through `reverse()`: `author.find_linked(post::author.reverse())`.
pub trait SeaLink {
    type FromEntity: EntityTrait;
    type ToEntity: EntityTrait;
    fn hops() -> Vec<RelationDef>;
}

/// A relation read backwards is the same hops, in the other order, each turned around: from
/// an author to its posts (the related_name side), from a tag to the posts that have it.
impl<R: SeaLink> Linked for Reverse<R> {
    type FromEntity = R::ToEntity;
    type ToEntity = R::FromEntity;
    fn link(&self) -> Vec<LinkDef> {
        R::hops().into_iter().rev().map(RelationDef::rev).collect()
    }
}

impl<T> From<ForeignKey<T>> for Value {
    fn from(fk: ForeignKey<T>) -> Value {
        Value::BigInt(Some(fk.id))
    }
}

impl<T> Nullable for ForeignKey<T> {
    fn null() -> Value {
        Value::BigInt(None)
    }
}

impl<T> ValueType for ForeignKey<T> {
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        <i64 as ValueType>::try_from(v).map(ForeignKey::new)
    }

    fn type_name() -> String {
        "ForeignKey".to_owned()
    }

    fn array_type() -> ArrayType {
        ArrayType::BigInt
    }

    fn column_type() -> ColumnType {
        ColumnType::BigInteger
    }
}

impl<T> TryGetable for ForeignKey<T> {
    /// The key column is as wide as the related model's key: an `integer` for Django's
    /// AutoField (every contrib model's), a `bigint` for BigAutoField. PostgreSQL decodes
    /// neither as the other, so each width is tried (a NULL is then a `Null` error, which an
    /// `Option<ForeignKey>` reads as None).
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        match <i64 as TryGetable>::try_get_by(res, index) {
            Err(TryGetError::DbErr(_)) => <i32 as TryGetable>::try_get_by(res, index)
                .map(i64::from)
                .or_else(|_| <i16 as TryGetable>::try_get_by(res, index).map(i64::from)),
            other => other,
        }
        .map(ForeignKey::new)
    }
}
