//! Django's deletion Collector: deleting rows applies each `on_delete` that points at them.
//!
//! The database's foreign keys carry no ON DELETE action (Django's schema has none), so the
//! rules run here, in one atomic block: rows that CASCADE are found (and theirs, in turn),
//! PROTECT and RESTRICT refuse before anything changes, SET_NULL and SET_DEFAULT update, and
//! the rows are deleted children first. Every `#[model]` registers its foreign keys (and its
//! many-to-many join tables) in [`RelatedColumn`]s, so a model learns what points at it
//! without naming those models.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use sea_orm::Value;

pub use rjango_schema::OnDelete;

use super::Model;
use super::meta::{app_label, pk_column};
use super::query::{QueryError, Result, read_i64};
use super::sql::Sql;
use crate::db::transaction::{Atomicity, Executor, atomic_with, executor};

/// A column pointing at another model's rows: a ForeignKey or OneToOneField, or one side of
/// a many-to-many join table (which CASCADEs). `#[model]` registers one per relation.
pub struct RelatedColumn {
    /// The module the model is declared in (for its app label).
    pub module: &'static str,
    /// The model (`Post`; `Post_tags` for a join table, as Django labels it).
    pub model: &'static str,
    /// The field (`author`), for messages.
    pub field: &'static str,
    pub table: fn() -> &'static str,
    pub pk_column: &'static str,
    pub column: &'static str,
    /// The table of the model it points at.
    pub target: fn() -> &'static str,
    pub on_delete: OnDelete,
    /// SET_DEFAULT's value.
    pub default: Option<i64>,
}

inventory::collect!(RelatedColumn);

/// What a delete removed: the total and the count of each model (Django's
/// `(total, {"blog.Post": n, ...})`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deleted {
    pub total: u64,
    pub per_model: BTreeMap<String, u64>,
}

impl Deleted {
    /// How many rows of the model `label` (`"blog.Post"`) were deleted.
    pub fn of(&self, label: &str) -> u64 {
        self.per_model.get(label).copied().unwrap_or(0)
    }
}

/// The rows of one table to delete.
struct Bucket {
    table: &'static str,
    pk: &'static str,
    label: String,
    pks: BTreeSet<i64>,
}

impl Bucket {
    /// The rows of `M` asked to be deleted: where the collection starts.
    fn of<M: Model>(pks: Vec<i64>) -> Bucket {
        Bucket {
            table: M::table(),
            pk: pk_column::<M>(),
            label: format!("{}.{}", app_label(M::MODULE), M::NAME),
            pks: pks.into_iter().collect(),
        }
    }
}

/// A rule that refused: the rows of `label` that point through `field`.
struct Refusal {
    table: &'static str,
    field: String,
    label: String,
    pks: Vec<i64>,
}

/// IN lists of at most this many keys (well under every backend's parameter limit).
const CHUNK: usize = 500;

/// Deletes the rows of `M` with these keys and applies every `on_delete` pointing at them.
pub(crate) async fn delete<M: Model>(alias: Option<&str>, pks: Vec<i64>) -> Result<Deleted> {
    if pks.is_empty() {
        return Ok(Deleted::default());
    }
    let options = Atomicity {
        using: alias.map(str::to_owned),
        durable: false,
    };
    atomic_with(options, || async move {
        let conn = executor(alias).await?;
        let mut collector = Collector::new(&conn);
        collector.collect(Bucket::of::<M>(pks)).await?;
        collector.check()?;
        collector.run().await
    })
    .await
}

/// What deleting some rows would take with them, found without deleting anything (the
/// admin's delete confirmation, Django's `get_deleted_objects`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Collected {
    /// Every row that would go, the asked ones first: (model label `blog.Post`, keys).
    pub deleted: Vec<(String, Vec<i64>)>,
    /// Rows whose PROTECT (or RESTRICT not overridden by a cascade) forbids it:
    /// (model label, field `Post.author`, keys).
    pub protected: Vec<(String, String, Vec<i64>)>,
}

/// Collects what deleting the rows of `M` with these keys would delete, as `delete()` would,
/// without changing anything.
pub async fn collect<M: Model>(alias: Option<&str>, pks: Vec<i64>) -> Result<Collected> {
    let conn = executor(alias).await?;
    let mut collector = Collector::new(&conn);
    collector.collect(Bucket::of::<M>(pks)).await?;
    let protected = collector
        .protected
        .iter()
        .chain(collector.refused_restrictions())
        .map(|r| (r.label.clone(), r.field.clone(), r.pks.clone()))
        .collect();
    Ok(Collected {
        deleted: collector
            .buckets
            .iter()
            .map(|b| (b.label.clone(), b.pks.iter().copied().collect()))
            .collect(),
        protected,
    })
}

/// Deletes the rows of `M` whose keys are `keys`, a model keyed by something other than an
/// integer: nothing can point at it (relations to and from such a model are refused at compile
/// time), so there is no `on_delete` to apply, as Django's fast delete. Keys are bound with
/// their own type, never read as numbers.
pub(crate) async fn delete_keyed<M: Model>(
    alias: Option<&str>,
    keys: Vec<Value>,
) -> Result<Deleted> {
    let mut deleted = Deleted::default();
    if keys.is_empty() {
        return Ok(deleted);
    }
    let options = Atomicity {
        using: alias.map(str::to_owned),
        durable: false,
    };
    atomic_with(options, || async move {
        let conn = executor(alias).await?;
        let label = format!("{}.{}", app_label(M::MODULE), M::NAME);
        for chunk in keys.chunks(CHUNK) {
            let mut sql = Sql::new(conn.dialect());
            sql.push("DELETE FROM ");
            sql.quote(M::table());
            sql.push(" WHERE ");
            sql.quote(pk_column::<M>());
            sql.push(" IN (");
            for (i, key) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.param(key.clone());
            }
            sql.push(")");
            let n = conn.run(&sql.text, sql.values).await?.rows_affected();
            if n > 0 {
                *deleted.per_model.entry(label.clone()).or_default() += n;
                deleted.total += n;
            }
        }
        Ok(deleted)
    })
    .await
}

struct Collector<'a> {
    conn: &'a Executor,
    buckets: Vec<Bucket>,
    /// SET_NULL / SET_DEFAULT: (table, column, new value, keys pointed at).
    updates: Vec<(&'static str, &'static str, Value, Vec<i64>)>,
    protected: Vec<Refusal>,
    restricted: Vec<Refusal>,
}

impl<'a> Collector<'a> {
    fn new(conn: &'a Executor) -> Self {
        Collector {
            conn,
            buckets: Vec::new(),
            updates: Vec::new(),
            protected: Vec::new(),
            restricted: Vec::new(),
        }
    }

    async fn collect(&mut self, root: Bucket) -> Result<()> {
        let mut queue: VecDeque<(usize, Vec<i64>)> = VecDeque::new();
        queue.push_back((0, root.pks.iter().copied().collect()));
        self.buckets.push(root);
        while let Some((index, pks)) = queue.pop_front() {
            let target = self.buckets[index].table;
            for rel in inventory::iter::<RelatedColumn> {
                if (rel.target)() != target {
                    continue;
                }
                let field = format!("{}.{}", rel.model, rel.field);
                let label = format!("{}.{}", app_label(rel.module), rel.model);
                match rel.on_delete {
                    OnDelete::DoNothing => {}
                    OnDelete::SetNull => self.updates.push((
                        (rel.table)(),
                        rel.column,
                        Value::BigInt(None),
                        pks.clone(),
                    )),
                    OnDelete::SetDefault => self.updates.push((
                        (rel.table)(),
                        rel.column,
                        Value::BigInt(rel.default),
                        pks.clone(),
                    )),
                    OnDelete::Cascade | OnDelete::Protect | OnDelete::Restrict => {
                        let children = self.pointing(rel, &pks).await?;
                        if children.is_empty() {
                            continue;
                        }
                        let table = (rel.table)();
                        match rel.on_delete {
                            OnDelete::Cascade => {
                                let i = match self.buckets.iter().position(|b| b.table == table) {
                                    Some(i) => i,
                                    None => {
                                        self.buckets.push(Bucket {
                                            table,
                                            pk: rel.pk_column,
                                            label,
                                            pks: BTreeSet::new(),
                                        });
                                        self.buckets.len() - 1
                                    }
                                };
                                let new: Vec<i64> = children
                                    .into_iter()
                                    .filter(|pk| self.buckets[i].pks.insert(*pk))
                                    .collect();
                                if !new.is_empty() {
                                    queue.push_back((i, new));
                                }
                            }
                            OnDelete::Protect => self.protected.push(Refusal {
                                table,
                                field,
                                label,
                                pks: children,
                            }),
                            _ => self.restricted.push(Refusal {
                                table,
                                field,
                                label,
                                pks: children,
                            }),
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The keys of `rel`'s rows that point at `pks`.
    async fn pointing(&self, rel: &RelatedColumn, pks: &[i64]) -> Result<Vec<i64>> {
        let mut out = Vec::new();
        for chunk in pks.chunks(CHUNK) {
            let mut sql = Sql::new(self.conn.dialect());
            sql.push("SELECT ");
            sql.quote(rel.pk_column);
            sql.push(" FROM ");
            sql.quote((rel.table)());
            sql.push(" WHERE ");
            sql.quote(rel.column);
            sql.in_keys(chunk);
            for row in self.conn.fetch(&sql.text, sql.values).await? {
                out.push(read_i64(&row, 0)?);
            }
        }
        Ok(out)
    }

    /// PROTECT always refuses; RESTRICT refuses unless the rows are deleted anyway through a
    /// CASCADE (Django's rule).
    fn check(&self) -> Result<()> {
        let root = self.buckets[0].label.rsplit('.').next().unwrap_or_default();
        if !self.protected.is_empty() {
            let protected: Vec<&Refusal> = self.protected.iter().collect();
            return Err(refused(root, "protected", &protected));
        }
        let restricted: Vec<&Refusal> = self.refused_restrictions().collect();
        if !restricted.is_empty() {
            return Err(refused(root, "restricted", &restricted));
        }
        Ok(())
    }

    /// The RESTRICT refusals that stand: rows not deleted anyway through a CASCADE.
    fn refused_restrictions(&self) -> impl Iterator<Item = &Refusal> {
        self.restricted.iter().filter(|r| {
            let deleted = self.buckets.iter().find(|b| b.table == r.table);
            !r.pks
                .iter()
                .all(|pk| deleted.is_some_and(|b| b.pks.contains(pk)))
        })
    }

    /// The updates, then the deletes, children before the rows they point at.
    async fn run(self) -> Result<Deleted> {
        for (table, column, value, pks) in &self.updates {
            for chunk in pks.chunks(CHUNK) {
                let mut sql = Sql::new(self.conn.dialect());
                sql.push("UPDATE ");
                sql.quote(table);
                sql.push(" SET ");
                sql.quote(column);
                sql.push(" = ");
                sql.param(value.clone());
                sql.push(" WHERE ");
                sql.quote(column);
                sql.in_keys(chunk);
                self.conn.run(&sql.text, sql.values).await?;
            }
        }
        let mut deleted = Deleted::default();
        for i in self.delete_order() {
            let b = &self.buckets[i];
            let pks: Vec<i64> = b.pks.iter().copied().collect();
            for chunk in pks.chunks(CHUNK) {
                let mut sql = Sql::new(self.conn.dialect());
                sql.push("DELETE FROM ");
                sql.quote(b.table);
                sql.push(" WHERE ");
                sql.quote(b.pk);
                sql.in_keys(chunk);
                let n = self.conn.run(&sql.text, sql.values).await?.rows_affected();
                if n > 0 {
                    *deleted.per_model.entry(b.label.clone()).or_default() += n;
                    deleted.total += n;
                }
            }
        }
        Ok(deleted)
    }

    /// A table is deleted from before any table it points at (MariaDB checks foreign keys at
    /// once); a cycle falls back to the reverse of the order the rows were found in.
    fn delete_order(&self) -> Vec<usize> {
        let points_at = |from: &str, to: &str| {
            from != to
                && inventory::iter::<RelatedColumn>
                    .into_iter()
                    .any(|r| (r.table)() == from && (r.target)() == to)
        };
        let mut left: Vec<usize> = (0..self.buckets.len()).rev().collect();
        let mut order = Vec::with_capacity(left.len());
        while !left.is_empty() {
            let free = left.iter().position(|&i| {
                !left
                    .iter()
                    .any(|&j| j != i && points_at(self.buckets[j].table, self.buckets[i].table))
            });
            order.push(left.remove(free.unwrap_or(0)));
        }
        order
    }
}

/// Django's ProtectedError / RestrictedError message.
fn refused(model: &str, kind: &str, refusals: &[&Refusal]) -> QueryError {
    let fields: Vec<String> = refusals.iter().map(|r| format!("'{}'", r.field)).collect();
    let mut rows: Vec<(String, Vec<i64>)> = Vec::new();
    for r in refusals {
        match rows.iter_mut().find(|(l, _)| *l == r.label) {
            Some((_, pks)) => pks.extend(&r.pks),
            None => rows.push((r.label.clone(), r.pks.clone())),
        }
    }
    QueryError::Protected {
        message: format!(
            "Cannot delete some instances of model '{model}' because they are referenced through {kind} foreign keys: {}.",
            fields.join(", ")
        ),
        rows,
    }
}
