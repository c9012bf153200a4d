//! Django's `django.db.transaction`: `atomic` blocks whose queries commit together or roll back
//! together, without a transaction handed to each query. The outermost block opens a database
//! transaction on its alias's pool and puts it in a task-local slot; every queryset and
//! instance method inside picks it up ([`executor`]). Nested blocks are savepoints, so an inner
//! failure rolls back only the inner block. `on_commit` callbacks wait for the outermost commit
//! and are dropped by any rollback that covers them.
//!
//! ```text
//! transaction::atomic(|| async {
//!     Account::objects().filter(account::id.eq(a)).update([account::balance.set(F(account::balance) - amount)]).await?;
//!     Account::objects().filter(account::id.eq(b)).update([account::balance.set(F(account::balance) + amount)]).await?;
//!     Ok::<_, QueryError>(())
//! }).await?;
//! ```

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, ExecResult, QueryResult, SqliteTransactionMode,
    Statement, TransactionOptions, TransactionTrait, Value,
};

use super::{Connection, DbError, Dialect, connections};

type Callback = Box<dyn FnOnce() + Send>;

/// The open transaction of an atomic block and its nesting.
struct Atomic {
    alias: String,
    /// The pool the transaction came from: its errors say when the connection failed.
    conn: Arc<Connection>,
    dialect: Dialect,
    can_return_rows: bool,
    tx: DatabaseTransaction,
    /// Savepoints opened so far (for unique names) and the ones open now.
    state: Mutex<Nesting>,
}

#[derive(Default)]
struct Nesting {
    opened: usize,
    open: Vec<usize>,
    /// Callbacks with the savepoints open when they were registered (Django's `sids`): a
    /// savepoint's rollback drops the callbacks registered inside it, and no others.
    on_commit: Vec<(Vec<usize>, Callback)>,
    /// Django's `needs_rollback`: a statement failed since the innermost open block began.
    /// Every query is refused until that block ends, which then rolls back (to its savepoint,
    /// or the whole transaction), so nothing of a failed block can commit.
    needs_rollback: bool,
}

/// Django's message for a query in a block whose statement failed.
const BROKEN: &str = "An error occurred in the current transaction. You can't execute queries until the end of the 'atomic' block.";

/// The block's own result when it ended with a statement failed inside it (its error caught):
/// the block was rolled back, which the caller must hear of.
const ROLLED_BACK: &str = "A statement failed inside this atomic block and its error was caught there: the block was rolled back at its end. Let the error leave the block, or wrap the statement that may fail in an atomic block of its own (a savepoint) to go on after it.";

impl Atomic {
    /// Refuses a query while the block is marked for rollback.
    fn usable(&self) -> Result<(), DbError> {
        if self.nesting().needs_rollback {
            return Err(DbError::TransactionManagement(BROKEN.into()));
        }
        Ok(())
    }

    /// Marks the innermost open block for rollback when `outcome` is a failed statement.
    fn watch<T>(&self, outcome: Result<T, DbError>) -> Result<T, DbError> {
        if outcome.is_err() {
            self.nesting().needs_rollback = true;
        }
        outcome
    }

    fn nesting(&self) -> std::sync::MutexGuard<'_, Nesting> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the block that just ended must roll back; the mark is cleared, as the rollback
    /// (to a savepoint, or of everything) leaves a usable transaction or none.
    fn take_needs_rollback(&self) -> bool {
        std::mem::take(&mut self.nesting().needs_rollback)
    }
}

tokio::task_local! {
    static ATOMIC: Arc<Atomic>;
}

/// Where a query runs: the pool of its alias, or the atomic block open on that alias.
pub enum Executor {
    Pool(Arc<Connection>),
    Atomic(Arc<AtomicHandle>),
}

/// An atomic block's transaction, as queries see it.
pub struct AtomicHandle(Arc<Atomic>);

/// The executor for `alias` (resolved: `None` is `default`) in the current task.
pub async fn executor(alias: Option<&str>) -> Result<Executor, DbError> {
    let alias = connections::resolve(alias);
    if let Ok(atomic) = ATOMIC.try_with(Clone::clone)
        && atomic.alias == alias
    {
        return Ok(Executor::Atomic(Arc::new(AtomicHandle(atomic))));
    }
    Ok(Executor::Pool(connections::get(&alias).await?))
}

impl Executor {
    pub fn dialect(&self) -> Dialect {
        match self {
            Executor::Pool(c) => c.dialect,
            Executor::Atomic(a) => a.0.dialect,
        }
    }

    /// `INSERT ... RETURNING` works here ([`Connection::can_return_rows`]).
    pub fn can_return_rows(&self) -> bool {
        match self {
            Executor::Pool(c) => c.can_return_rows,
            Executor::Atomic(a) => a.0.can_return_rows,
        }
    }

    /// Rows of a statement with bound parameters.
    pub async fn fetch(&self, sql: &str, values: Vec<Value>) -> Result<Vec<QueryResult>, DbError> {
        crate::db::queries::count(sql);
        let values = prepared(self.dialect(), values);
        // Boxed: the driver's futures nest deeply, and a view awaiting several queries would
        // otherwise make rustc's layout computation overflow its recursion limit.
        let future: BoxFuture<'_, Result<Vec<QueryResult>, DbError>> = match self {
            Executor::Pool(c) => Box::pin(c.fetch(sql, values)),
            Executor::Atomic(a) => {
                let stmt = Statement::from_sql_and_values(a.0.dialect.backend(), sql, values);
                Box::pin(async move {
                    a.0.usable()?;
                    let rows = a.0.conn.guarded(a.0.tx.query_all_raw(stmt)).await;
                    a.0.watch(rows.map_err(|e| a.0.conn.error(e, sql)))
                })
            }
        };
        future.await
    }

    /// Runs a statement with bound parameters.
    pub async fn run(&self, sql: &str, values: Vec<Value>) -> Result<ExecResult, DbError> {
        crate::db::queries::count(sql);
        let values = prepared(self.dialect(), values);
        let future: BoxFuture<'_, Result<ExecResult, DbError>> = match self {
            Executor::Pool(c) => Box::pin(c.run(sql, values)),
            Executor::Atomic(a) => {
                let stmt = Statement::from_sql_and_values(a.0.dialect.backend(), sql, values);
                Box::pin(async move {
                    a.0.usable()?;
                    let done = a.0.conn.guarded(a.0.tx.execute_raw(stmt)).await;
                    a.0.watch(done.map_err(|e| a.0.conn.error(e, sql)))
                })
            }
        };
        future.await
    }
}

/// Parameters as the backend stores them (the cursor's and `raw`'s included): see
/// [`Dialect::prepare`].
fn prepared(dialect: Dialect, values: Vec<Value>) -> Vec<Value> {
    values.into_iter().map(|v| dialect.prepare(v)).collect()
}

/// How an atomic block ended: the block's own error, or the database's.
pub trait AtomicError: From<DbError> {}
impl<E: From<DbError>> AtomicError for E {}

/// Options of [`atomic_with`]: Django's `atomic(using=..., durable=...)`.
#[derive(Debug, Clone, Default)]
pub struct Atomicity {
    /// The database alias (`default` when None).
    pub using: Option<String>,
    /// Refuse to run inside another atomic block: this block's commit is the real commit.
    pub durable: bool,
}

/// Runs `block` atomically on `default`: commit if it returns `Ok`, roll back if it returns
/// `Err` or panics (the panic then continues). Inside another atomic block it is a savepoint.
pub async fn atomic<T, E, Fut>(block: impl FnOnce() -> Fut) -> Result<T, E>
where
    Fut: Future<Output = Result<T, E>>,
    E: From<DbError>,
{
    atomic_with(Atomicity::default(), block).await
}

/// [`atomic`] with Django's options (`using`, `durable`).
pub async fn atomic_with<T, E, Fut>(options: Atomicity, block: impl FnOnce() -> Fut) -> Result<T, E>
where
    Fut: Future<Output = Result<T, E>>,
    E: From<DbError>,
{
    let alias = connections::resolve(options.using.as_deref());
    let current = ATOMIC
        .try_with(Clone::clone)
        .ok()
        .filter(|a| a.alias == alias);
    match current {
        Some(atomic) => {
            if options.durable {
                return Err(DbError::TransactionManagement(
                    "A durable atomic block cannot be nested within another atomic block.".into(),
                )
                .into());
            }
            savepoint(atomic, block).await
        }
        None => match connections::migrating(&alias) {
            Some(conn) => migration_savepoint(&conn, block).await,
            None => outermost(alias, block).await,
        },
    }
}

/// An atomic block inside a RunRust function: a savepoint of the migration's own transaction,
/// which the executor opened on its one connection (the block's queries run there too).
async fn migration_savepoint<T, E, Fut>(
    conn: &Connection,
    block: impl FnOnce() -> Fut,
) -> Result<T, E>
where
    Fut: Future<Output = Result<T, E>>,
    E: From<DbError>,
{
    static OPENED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let name = format!(
        "rjango_migration_sp_{}",
        OPENED.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let exec = |sql: String| async move {
        crate::db::queries::count(&sql);
        conn.execute(&sql)
            .await
            .map_err(|e| DbError::Transaction(format!("{sql}: {e}")))
    };
    exec(format!("SAVEPOINT {name}")).await?;
    match AssertUnwindSafe(block()).catch_unwind().await {
        Ok(Ok(value)) => {
            exec(format!("RELEASE SAVEPOINT {name}")).await?;
            Ok(value)
        }
        Ok(Err(e)) => {
            exec(format!("ROLLBACK TO SAVEPOINT {name}")).await?;
            Err(e)
        }
        Err(panic) => {
            let _ = exec(format!("ROLLBACK TO SAVEPOINT {name}")).await;
            std::panic::resume_unwind(panic)
        }
    }
}

/// Runs `body` inside a transaction on `alias` that is rolled back at its end whatever happens:
/// Django's TestCase isolation. Atomic blocks inside are savepoints; `on_commit` callbacks are
/// dropped, as nothing commits.
pub(crate) async fn rolled_back<T>(
    alias: &str,
    body: impl Future<Output = T>,
) -> Result<T, DbError> {
    let conn = connections::get(alias).await?;
    let begin: BoxFuture<'_, Result<DatabaseTransaction, sea_orm::DbErr>> =
        Box::pin(conn.sea_orm().begin());
    let tx = begin.await.map_err(|e| {
        DbError::Transaction(format!("could not begin a transaction on '{alias}': {e}"))
    })?;
    let atomic = Arc::new(Atomic {
        alias: alias.to_owned(),
        conn: conn.clone(),
        dialect: conn.dialect,
        can_return_rows: conn.can_return_rows,
        tx,
        state: Mutex::new(Nesting::default()),
    });
    let outcome = ATOMIC
        .scope(atomic.clone(), AssertUnwindSafe(body).catch_unwind())
        .await;
    if let Ok(atomic) = Arc::try_unwrap(atomic) {
        let rollback: BoxFuture<'_, Result<(), sea_orm::DbErr>> =
            Box::pin(atomic.conn.guarded(atomic.tx.rollback()));
        let _ = rollback.await;
    }
    match outcome {
        Ok(value) => Ok(value),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

async fn outermost<T, E, Fut>(alias: String, block: impl FnOnce() -> Fut) -> Result<T, E>
where
    Fut: Future<Output = Result<T, E>>,
    E: From<DbError>,
{
    let conn = connections::get(&alias).await?;
    crate::db::queries::count("BEGIN");
    // On SQLite the block takes the write lock at BEGIN (Django's `transaction_mode`
    // "IMMEDIATE"): two deferred blocks that both read and then write deadlock on the lock
    // upgrade, and SQLite fails one at once with "database is locked" instead of letting the
    // busy timeout wait it out.
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    let begin: BoxFuture<'_, Result<DatabaseTransaction, sea_orm::DbErr>> =
        Box::pin(conn.guarded(conn.sea_orm().begin_with_options(options)));
    let tx = begin.await.map_err(|e| {
        conn.lost(&e).unwrap_or_else(|| {
            DbError::Transaction(format!("could not begin a transaction on '{alias}': {e}"))
        })
    })?;
    let atomic = Arc::new(Atomic {
        alias,
        conn: conn.clone(),
        dialect: conn.dialect,
        can_return_rows: conn.can_return_rows,
        tx,
        state: Mutex::new(Nesting::default()),
    });
    let outcome = ATOMIC
        .scope(atomic.clone(), AssertUnwindSafe(block()).catch_unwind())
        .await;
    let atomic = Arc::try_unwrap(atomic).map_err(|_| {
        DbError::Transaction(
            "a spawned task still holds this atomic block's transaction: await it inside the block"
                .into(),
        )
    })?;
    let callbacks = std::mem::take(
        &mut atomic
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .on_commit,
    );
    let outcome = match outcome {
        // A statement failed and the block caught its error: roll back, and say so.
        Ok(Ok(_)) if atomic.take_needs_rollback() => Ok(Err(DbError::TransactionManagement(
            ROLLED_BACK.into(),
        )
        .into())),
        other => other,
    };
    match outcome {
        Ok(Ok(value)) => {
            crate::db::queries::count("COMMIT");
            let commit: BoxFuture<'_, Result<(), sea_orm::DbErr>> =
                Box::pin(atomic.conn.guarded(atomic.tx.commit()));
            commit.await.map_err(|e| {
                conn.lost(&e)
                    .unwrap_or_else(|| DbError::Transaction(format!("COMMIT failed: {e}")))
            })?;
            for (_, callback) in callbacks {
                callback();
            }
            Ok(value)
        }
        Ok(Err(e)) => {
            crate::db::queries::count("ROLLBACK");
            let rollback: BoxFuture<'_, Result<(), sea_orm::DbErr>> =
                Box::pin(atomic.conn.guarded(atomic.tx.rollback()));
            let _ = rollback.await;
            Err(e)
        }
        Err(panic) => {
            crate::db::queries::count("ROLLBACK");
            let rollback: BoxFuture<'_, Result<(), sea_orm::DbErr>> =
                Box::pin(atomic.conn.guarded(atomic.tx.rollback()));
            let _ = rollback.await;
            std::panic::resume_unwind(panic)
        }
    }
}

async fn savepoint<T, E, Fut>(atomic: Arc<Atomic>, block: impl FnOnce() -> Fut) -> Result<T, E>
where
    Fut: Future<Output = Result<T, E>>,
    E: From<DbError>,
{
    let id = {
        let mut state = atomic.state.lock().unwrap_or_else(|e| e.into_inner());
        state.opened += 1;
        let id = state.opened;
        state.open.push(id);
        id
    };
    let name = format!("rjango_sp_{id}");
    if let Err(e) = atomic.usable() {
        atomic.nesting().open.retain(|s| *s != id);
        return Err(e.into());
    }
    let exec = |sql: String| {
        let atomic = atomic.clone();
        async move {
            crate::db::queries::count(&sql);
            atomic
                .conn
                .guarded(atomic.tx.execute_unprepared(&sql))
                .await
                .map(|_| ())
                .map_err(|e| {
                    atomic
                        .conn
                        .lost(&e)
                        .unwrap_or_else(|| DbError::Transaction(format!("{sql}: {e}")))
                })
        }
    };
    if let Err(e) = exec(format!("SAVEPOINT {name}")).await {
        atomic.nesting().open.retain(|s| *s != id);
        return Err(e.into());
    }
    let outcome = AssertUnwindSafe(block()).catch_unwind().await;
    atomic.nesting().open.retain(|s| *s != id);
    let roll_back = |atomic: &Atomic| {
        // Callbacks registered inside this savepoint die with it.
        atomic
            .nesting()
            .on_commit
            .retain(|(open, _)| !open.contains(&id));
    };
    // A failure inside this savepoint ends with it: rolling back to it makes the transaction
    // usable again (PostgreSQL's aborted state included), as Django's savepoint rollback does.
    let failed_inside = atomic.take_needs_rollback();
    let outcome = match outcome {
        Ok(Ok(_)) if failed_inside => Ok(Err(
            DbError::TransactionManagement(ROLLED_BACK.into()).into()
        )),
        other => other,
    };
    // When the savepoint's own statement fails (a deadlock already rolled the whole transaction
    // back, say), the enclosing block is doomed, as Django marks it, and the block's own error
    // is what the caller sees.
    let doom = |atomic: &Atomic| atomic.nesting().needs_rollback = true;
    match outcome {
        Ok(Ok(value)) => match exec(format!("RELEASE SAVEPOINT {name}")).await {
            Ok(()) => Ok(value),
            Err(e) => {
                doom(&atomic);
                Err(e.into())
            }
        },
        Ok(Err(e)) => {
            roll_back(&atomic);
            if exec(format!("ROLLBACK TO SAVEPOINT {name}")).await.is_err() {
                doom(&atomic);
            }
            Err(e)
        }
        Err(panic) => {
            roll_back(&atomic);
            if exec(format!("ROLLBACK TO SAVEPOINT {name}")).await.is_err() {
                doom(&atomic);
            }
            std::panic::resume_unwind(panic)
        }
    }
}

/// Django's `transaction.on_commit`: runs `callback` after the outermost atomic block commits,
/// never after a rollback; outside any atomic block it runs now.
pub fn on_commit(callback: impl FnOnce() + Send + 'static) {
    match ATOMIC.try_with(Clone::clone) {
        Ok(atomic) => {
            let mut state = atomic.state.lock().unwrap_or_else(|e| e.into_inner());
            let open = state.open.clone();
            state.on_commit.push((open, Box::new(callback)));
        }
        Err(_) => callback(),
    }
}

/// Whether the current task is inside an atomic block (on any alias).
pub fn in_atomic_block() -> bool {
    ATOMIC.try_with(|_| ()).is_ok()
}
