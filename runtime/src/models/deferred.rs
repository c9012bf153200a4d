//! Django's `only()` and `defer()`: rows with some columns left unread (a large body, a blob),
//! for pages that do not show them.
//!
//! The user's struct is the row, so an unread field still holds a value: its type's default.
//! Django can load such a field on first access and save only the loaded ones; a plain struct
//! can do neither, and a `save()` of a row with placeholders would write them over the real
//! data. So these rows come back as [`Deferred<M>`]: read-only (it derefs to `M`, it has no
//! `save`), able to say which fields it lacks, and turned into a whole `M` by
//! [`Deferred::load`] (one query) before anything is changed.
//!
//! ```text
//! let posts = Post::objects().defer(post::body).all().await?;   // SELECT without body
//! for p in &posts { println!("{}", p.title); }                  // p: Deferred<Post>
//! let mut post = posts[0].clone().load().await?;                 // the whole row, to edit
//! ```

use std::ops::Deref;
use std::sync::Arc;

use super::Model;
use super::lookups::{Join, OwnField, Q};
use super::lookups::{LookupKind, Operand};
use super::query::{Columns, MAX_GET_RESULTS, QuerySet, Result, exactly_one, pk_lookup};

/// Fields named in `only()` and `defer()`: one of the model's own fields, or a tuple of them.
pub trait OwnFields {
    type Model: Model;
    fn columns() -> Vec<&'static str>;
}

impl<G: OwnField> OwnFields for G {
    type Model = G::Model;
    fn columns() -> Vec<&'static str> {
        vec![G::COLUMN]
    }
}

macro_rules! own_fields_tuple {
    ($($g:ident),+) => {
        impl<M: Model, $($g: OwnField<Model = M>),+> OwnFields for ($($g,)+) {
            type Model = M;
            fn columns() -> Vec<&'static str> {
                vec![$($g::COLUMN),+]
            }
        }
    };
}

own_fields_tuple!(A, B);
own_fields_tuple!(A, B, C);
own_fields_tuple!(A, B, C, D);
own_fields_tuple!(A, B, C, D, E);
own_fields_tuple!(A, B, C, D, E, G);
own_fields_tuple!(A, B, C, D, E, G, H);
own_fields_tuple!(A, B, C, D, E, G, H, I);

impl<M: Model> QuerySet<M> {
    /// Reads only these fields (and the primary key, as Django always does): `only("title")`.
    pub fn only<D: OwnFields<Model = M>>(self, fields: D) -> Deferring<M> {
        let _ = fields;
        let named = D::columns();
        Deferring::new(self, |column| named.contains(&column))
    }

    /// Reads every field but these: `defer("body")`. The primary key is always read.
    pub fn defer<D: OwnFields<Model = M>>(self, fields: D) -> Deferring<M> {
        let _ = fields;
        let named = D::columns();
        Deferring::new(self, |column| !named.contains(&column))
    }
}

/// A queryset whose rows leave some fields unread: what `only()` and `defer()` return. Filter,
/// order and slice before deferring; then read with `all`, `get` or `first`. `select_related`
/// does not carry over: the rows' foreign keys are not filled.
pub struct Deferring<M> {
    qs: QuerySet<M>,
    /// Per `M::FIELDS`: whether the column is read.
    loaded: Arc<[bool]>,
}

impl<M: Model> Deferring<M> {
    fn new(qs: QuerySet<M>, read: impl Fn(&str) -> bool) -> Self {
        let loaded = M::FIELDS
            .iter()
            .map(|f| f.primary_key || read(f.column))
            .collect();
        Deferring { qs, loaded }
    }

    /// Every row, in the queryset's order.
    pub async fn all(&self) -> Result<Vec<Deferred<M>>> {
        self.fetch(&self.qs.effective_ordering(), None).await
    }

    /// The one row matching `q` (DoesNotExist / MultipleObjectsReturned as `get`).
    pub async fn get(&self, q: Q<M>) -> Result<Deferred<M>> {
        let deferring = Deferring {
            qs: self.qs.clone().filter(q),
            loaded: self.loaded.clone(),
        };
        exactly_one::<M, _>(deferring.fetch(&[], Some(MAX_GET_RESULTS)).await?)
    }

    /// The first row (by primary key when the queryset has no order), if any.
    pub async fn first(&self) -> Result<Option<Deferred<M>>> {
        let ordering = self.qs.ordering_or_pk();
        Ok(self.fetch(&ordering, Some(1)).await?.into_iter().next())
    }

    async fn fetch(
        &self,
        ordering: &[(super::lookups::Term, bool)],
        limit: Option<u64>,
    ) -> Result<Vec<Deferred<M>>> {
        let columns: Vec<(Vec<Join>, &'static str)> = M::FIELDS
            .iter()
            .zip(self.loaded.iter())
            .filter(|(_, loaded)| **loaded)
            .map(|(f, _)| (Vec::new(), f.column))
            .collect();
        let conn = self.qs.connection().await?;
        let sql = self
            .qs
            .select(&conn, Columns::Values(&columns), ordering, limit);
        let rows = conn.fetch(&sql.text, sql.values).await?;
        rows.iter()
            .map(|row| {
                Ok(Deferred {
                    row: M::from_row_partial(row, &self.loaded)?,
                    loaded: self.loaded.clone(),
                    alias: self.qs.alias().map(str::to_owned),
                })
            })
            .collect()
    }
}

/// A row read with some fields left out: read it through `Deref`; [`load`](Self::load) it
/// whole to change and save it. An unread field holds its type's default, never the data.
#[derive(Clone)]
pub struct Deferred<M> {
    row: M,
    loaded: Arc<[bool]>,
    /// The database it was read from (`using()`), which `load()` reads again.
    alias: Option<String>,
}

impl<M: Model> Deferred<M> {
    /// The names of the fields left unread (Django's `get_deferred_fields()`).
    pub fn deferred_fields(&self) -> Vec<&'static str> {
        M::FIELDS
            .iter()
            .zip(self.loaded.iter())
            .filter(|(_, loaded)| !**loaded)
            .map(|(f, _)| f.name)
            .collect()
    }

    /// Whether `field` was read.
    pub fn is_loaded<G: OwnField<Model = M>>(&self, field: G) -> bool {
        let _ = field;
        M::FIELDS
            .iter()
            .zip(self.loaded.iter())
            .any(|(f, loaded)| f.column == G::COLUMN && *loaded)
    }

    /// The whole row, read again by its primary key (one query): the instance to edit and save.
    pub async fn load(self) -> Result<M> {
        let mut qs = QuerySet::<M>::new();
        if let Some(alias) = &self.alias {
            qs = qs.using(alias);
        }
        qs.get(pk_lookup(
            LookupKind::Exact,
            vec![Operand::Value(self.row.pk())],
        ))
        .await
    }
}

impl<M> Deref for Deferred<M> {
    type Target = M;
    fn deref(&self) -> &M {
        &self.row
    }
}

impl<M: std::fmt::Debug> std::fmt::Debug for Deferred<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Deferred").field(&self.row).finish()
    }
}
