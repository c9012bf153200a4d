//! Django's `django.db.connections`: one pool per alias of DATABASES, opened once and shared by
//! every query. Querysets ask for their alias here (`default` unless `.using(alias)`), so no
//! connection is handed from call to call. Pools open at start-up (`runserver` opens each
//! alias before serving) or on first use; tests and tools may add their own with [`add`].

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};
use std::time::Duration;

use super::{Connection, DbError};

static POOLS: LazyLock<RwLock<HashMap<String, Arc<Connection>>>> = LazyLock::new(Default::default);

/// Connections per pool: `DATABASE_POOL_SIZE`, 8 by default (DESIGN.md measured 4-8 serving
/// best, even on one core: sqlx runs each SQLite connection on its own thread).
pub fn pool_size() -> u32 {
    std::env::var("DATABASE_POOL_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(8)
}

/// How long a query waits for a free connection before failing with
/// [`DbError::PoolTimeout`] (a 503 in a view): `DATABASE_POOL_TIMEOUT` seconds, 10 by default.
pub fn pool_timeout() -> Duration {
    Duration::from_secs(
        std::env::var("DATABASE_POOL_TIMEOUT")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(10),
    )
}

tokio::task_local! {
    /// The alias that stands for `default` inside [`with_default`].
    static DEFAULT_ALIAS: String;
}

/// Runs `future` with `alias` standing for `default`: every queryset without `.using()` and
/// every instance's save/delete in it use that database. For tests (each its own database,
/// side by side in one process) and multi-tenant tools.
pub async fn with_default<F: std::future::Future>(alias: &str, future: F) -> F::Output {
    DEFAULT_ALIAS.scope(alias.to_owned(), future).await
}

/// The alias a query runs on: the one it names, else `default` (or what stands for it).
pub fn resolve(alias: Option<&str>) -> String {
    match alias {
        Some(a) => a.to_owned(),
        None => DEFAULT_ALIAS
            .try_with(Clone::clone)
            .unwrap_or_else(|_| "default".to_owned()),
    }
}

tokio::task_local! {
    /// The connection a migration runs on, while one of its RunRust functions runs.
    static MIGRATING: Arc<Connection>;
}

/// Runs `future` (a RunRust function) with the migrating connection answering for its alias:
/// querysets and cursors inside run on it, within the migration's transaction, as Django's
/// RunPython code runs on the schema editor's connection. An `atomic` block inside is a
/// savepoint of that transaction.
pub(crate) async fn while_migrating<F: std::future::Future>(
    conn: Arc<Connection>,
    future: F,
) -> F::Output {
    MIGRATING.scope(conn, future).await
}

/// The migrating connection, when a RunRust function on `alias` is running.
pub(crate) fn migrating(alias: &str) -> Option<Arc<Connection>> {
    MIGRATING
        .try_with(|c| (c.alias == alias).then(|| c.clone()))
        .ok()
        .flatten()
}

/// The pool of `alias`, opened from the settings' DATABASES on first use.
pub async fn get(alias: &str) -> Result<Arc<Connection>, DbError> {
    if crate::test::database::forbidden() {
        return Err(DbError::Forbidden(alias.to_owned()));
    }
    if let Some(conn) = migrating(alias) {
        return Ok(conn);
    }
    if let Some(conn) = POOLS.read().unwrap_or_else(|e| e.into_inner()).get(alias) {
        if let Some(down) = conn.refused() {
            return Err(down);
        }
        return Ok(conn.clone());
    }
    let url = crate::conf::try_settings()
        .and_then(|s| s.DATABASES.url(alias))
        .ok_or_else(|| DbError::UnknownAlias(alias.to_owned()))?;

    // Boxed, as every driver future the ORM awaits (see `transaction::Executor::fetch`).
    let open: futures_util::future::BoxFuture<'_, Result<Connection, DbError>> = Box::pin(
        Connection::open_pool(alias, &url, pool_size(), pool_timeout()),
    );
    let conn = Arc::new(open.await?);
    let mut pools = POOLS.write().unwrap_or_else(|e| e.into_inner());
    // Two tasks may have opened it at once: the first one registered wins.
    Ok(pools.entry(alias.to_owned()).or_insert(conn).clone())
}

/// Registers `conn` under its alias (replacing any pool there): for tests, and for programs
/// that open their databases themselves.
pub fn add(conn: Connection) -> Arc<Connection> {
    let conn = Arc::new(conn);
    POOLS
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .insert(conn.alias.clone(), conn.clone());
    conn
}

/// Puts `fresh` in place of its alias's pool after an outage (see [`super::health`]), unless
/// that pool was meanwhile replaced by one of another database: whether it did.
pub(super) fn renew(fresh: Connection, health: &Arc<super::health::Health>) -> bool {
    let mut pools = POOLS.write().unwrap_or_else(|e| e.into_inner());
    let ours = pools
        .get(&fresh.alias)
        .and_then(|c| c.health.as_ref())
        .is_some_and(|h| Arc::ptr_eq(h, health));
    if ours {
        pools.insert(fresh.alias.clone(), Arc::new(fresh));
    }
    ours
}

/// Opens every alias of DATABASES, so that a database that cannot be reached is reported at
/// start-up, not on the first request.
pub async fn open_all() -> Result<(), DbError> {
    let aliases: Vec<String> = crate::conf::try_settings()
        .map(|s| s.DATABASES.aliases().map(str::to_owned).collect())
        .unwrap_or_default();
    for alias in aliases {
        get(&alias).await?;
    }
    Ok(())
}
