//! Whether a database server can be reached, so that an outage costs a request nothing.
//!
//! Django opens a connection per request and answers a refused one at once. A pool does not:
//! sqlx retries a refused connection until the pool timeout, so while PostgreSQL or MariaDB is
//! down every request that needs it would wait 10 s for its 503, and pile up under load.
//!
//! So each pool of a server database keeps a [`Health`]. The first error that says the
//! connection is gone (a refused or reset socket, the server shutting down, a pool that gave
//! no connection) starts one watcher task, which tries a fresh connection of its own:
//!
//! - it fails: the database is *down*. The watcher logs that once, and until a connection
//!   succeeds again every query fails at once with [`DbError::Unavailable`] (a 503 with
//!   Retry-After), without touching the pool. It tries again every [`RETRY`].
//! - it succeeds: the database is up. The pool is replaced by a fresh one when the old one's
//!   connections cannot be trusted (the database was down, or a connection broke, so the
//!   server may have restarted under the others), the recovery logged once.
//!
//! A pool that was only busy (every connection in use, the database answering) stays as it is.
//! SQLite has no server to lose: its pools have no watcher.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{Connection, DbError};

/// How often a watcher tries the database while it is down, and the Retry-After of a 503
/// answered meanwhile.
pub const RETRY: Duration = Duration::from_secs(1);

/// The reachability of one database, shared by its pool and the pools that replace it.
#[derive(Debug, Default)]
pub(crate) struct Health {
    down: AtomicBool,
    /// How many pools have replaced the first: a pool of an older generation was closed,
    /// and its errors say nothing about the database.
    generation: AtomicU64,
    watching: AtomicBool,
    /// When the outage was noticed, and the error that showed it.
    outage: Mutex<Option<(Instant, String)>>,
    /// Woken when the database is found down: the queries that were already waiting for it
    /// (a server that stopped answering, not one that refused) stop waiting.
    went_down: tokio::sync::Notify,
    /// The runtime the pool was opened on (the server's main one), where the watcher runs and
    /// opens the pool that replaces it: a worker's runtime may end before the server does.
    runtime: Option<tokio::runtime::Handle>,
}

impl Health {
    /// The health of a pool being opened on the current runtime.
    pub(crate) fn new() -> Health {
        Health {
            runtime: tokio::runtime::Handle::try_current().ok(),
            ..Health::default()
        }
    }

    pub(crate) fn is_down(&self) -> bool {
        self.down.load(Ordering::Relaxed)
    }

    /// Resolves once the watcher finds the database down (at once if it is).
    pub(crate) async fn down(&self) {
        let notified = self.went_down.notified();
        let mut notified = std::pin::pin!(notified);
        notified.as_mut().enable();
        if self.is_down() {
            return;
        }
        notified.await;
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Why the database is down, for the error of a query refused meanwhile.
    fn cause(&self) -> String {
        self.outage
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map_or_else(|| "the connection was lost".to_owned(), |(_, e)| e.clone())
    }
}

/// What a driver error says about the connection it happened on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lost {
    /// The connection broke or could not be made: the server went away, or restarted.
    Broken,
    /// No connection came free within the pool timeout: busy, or unable to connect.
    Busy,
}

/// Whether `e` means the connection, not the statement, failed.
pub(crate) fn lost(e: &sea_orm::DbErr) -> Option<Lost> {
    use sea_orm::sqlx::Error;
    use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr};
    let sqlx = match e {
        DbErr::ConnectionAcquire(ConnAcquireErr::Timeout) => return Some(Lost::Busy),
        DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed) => return Some(Lost::Broken),
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        _ => return None,
    };
    match &**sqlx {
        Error::PoolTimedOut => Some(Lost::Busy),
        Error::Io(_) | Error::Tls(_) | Error::PoolClosed => Some(Lost::Broken),
        Error::Database(db) => server_gone(db.as_ref()).then_some(Lost::Broken),
        // Protocol errors included: the drivers also raise them for a statement they refuse
        // (too many parameters, a NUL byte), which is the statement's fault, a 500.
        _ => None,
    }
}

/// A server's error that says it is going or gone: PostgreSQL's connection exceptions (08xxx
/// but a protocol violation) and shutdown (57P01-57P03); MySQL/MariaDB's shutdown (1053),
/// lost connection (2006, 2013) and killed connection (1927), by number (MySQL files some
/// statement errors under SQLSTATE 08S01, a packet too large among them).
fn server_gone(db: &dyn sea_orm::sqlx::error::DatabaseError) -> bool {
    #[cfg(feature = "mysql")]
    if let Some(e) = db.try_downcast_ref::<sea_orm::sqlx::mysql::MySqlDatabaseError>() {
        return matches!(e.number(), 1053 | 1927 | 2006 | 2013);
    }
    #[cfg(feature = "postgres")]
    if db
        .try_downcast_ref::<sea_orm::sqlx::postgres::PgDatabaseError>()
        .is_some()
    {
        let code = db.code().unwrap_or_default();
        return (code.starts_with("08") && code != "08P01")
            || matches!(&*code, "57P01" | "57P02" | "57P03");
    }
    let _ = db;
    false
}

/// The error of a query refused while `conn`'s database is down.
pub(crate) fn unavailable(conn: &Connection, health: &Health) -> DbError {
    DbError::Unavailable {
        alias: conn.alias.clone(),
        url: conn.display_url.clone(),
        message: health.cause(),
        while_down: true,
    }
}

/// Starts the watcher of `conn`'s database, unless one is running (or there is no runtime to
/// run it on: a command that is ending anyway), or `conn` is a pool already replaced.
pub(crate) fn suspect(conn: &Connection, health: &Arc<Health>, how: Lost) {
    if conn.generation != health.generation() || health.watching.swap(true, Ordering::AcqRel) {
        return;
    }
    let Some(runtime) = health
        .runtime
        .clone()
        .or_else(|| tokio::runtime::Handle::try_current().ok())
    else {
        health.watching.store(false, Ordering::Release);
        return;
    };
    let watching = Watching(health.clone());
    runtime.spawn(watch(conn.clone(), watching, how));
}

/// The watcher's claim: released when the watcher ends, however it ends (a runtime that shuts
/// down drops it mid-sleep), so that the next error can start another.
struct Watching(Arc<Health>);

impl Drop for Watching {
    fn drop(&mut self) {
        self.0.watching.store(false, Ordering::Release);
    }
}

/// Tries the database until a connection succeeds, marking it down meanwhile; then puts a
/// fresh pool in place of one that cannot be trusted.
async fn watch(conn: Connection, watching: Watching, how: Lost) {
    let health = &watching.0;
    loop {
        match probe(&conn).await {
            Err(error) => {
                if !health.down.swap(true, Ordering::AcqRel) {
                    *health.outage.lock().unwrap_or_else(|e| e.into_inner()) =
                        Some((Instant::now(), error.clone()));
                    refuse_new_connections(&conn);
                    health.went_down.notify_waiters();
                    crate::log::error(&format!(
                        "the database '{}' ({}) cannot be reached: {error}. Requests that need it are answered 503 until it is back; trying again every {} s.",
                        conn.alias,
                        conn.display_url,
                        RETRY.as_secs()
                    ));
                }
                tokio::time::sleep(RETRY).await;
            }
            Ok(()) => {
                let was_down = health.is_down();
                if (was_down || how == Lost::Broken) && !renew(&conn, health).await {
                    tokio::time::sleep(RETRY).await;
                    continue;
                }
                if was_down {
                    let since = health
                        .outage
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .take();
                    health.down.store(false, Ordering::Release);
                    crate::log::info(&format!(
                        "the database '{}' is reachable again, after {:.1} s.",
                        conn.alias,
                        since.map_or(0.0, |(at, _)| at.elapsed().as_secs_f64())
                    ));
                }
                return;
            }
        }
    }
}

/// Points the old pool's new connections at a socket that cannot exist, so that they fail
/// at once: sqlx retries a refused connection until the pool timeout, and requests that were
/// already waiting for one when the database went down would otherwise wait all of it. The
/// retry loop reads the options on every attempt, so they give up at their next one. The pool
/// is replaced by a fresh one when the database is back.
fn refuse_new_connections(conn: &Connection) {
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    const NOWHERE: &str = "/nonexistent/rjango-database-is-down";
    match conn.dialect {
        #[cfg(feature = "postgres")]
        super::Dialect::Postgres => {
            let pool = conn.sea_orm().get_postgres_connection_pool();
            pool.set_connect_options((*pool.connect_options()).clone().socket(NOWHERE));
        }
        #[cfg(feature = "mysql")]
        super::Dialect::Mysql => {
            let pool = conn.sea_orm().get_mysql_connection_pool();
            pool.set_connect_options((*pool.connect_options()).clone().socket(NOWHERE));
        }
        _ => {}
    }
}

/// One connection of the watcher's own, made and closed: Ok when the server answers (even
/// with an error of its own: too many connections, a wrong password; the pool's queries
/// report those), or why it could not be reached.
async fn probe(conn: &Connection) -> Result<(), String> {
    use sea_orm::sqlx::Error;
    let attempt = async move {
        match conn.dialect {
            #[cfg(feature = "postgres")]
            super::Dialect::Postgres => {
                use sea_orm::sqlx::Connection as _;
                sea_orm::sqlx::postgres::PgConnection::connect(&conn.url)
                    .await?
                    .close()
                    .await
            }
            #[cfg(feature = "mysql")]
            super::Dialect::Mysql => {
                use sea_orm::sqlx::Connection as _;
                sea_orm::sqlx::mysql::MySqlConnection::connect(&conn.url)
                    .await?
                    .close()
                    .await
            }
            _ => Ok(()),
        }
    };
    match tokio::time::timeout(conn.acquire_timeout, attempt).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e @ (Error::Io(_) | Error::Tls(_)))) => Err(e.to_string()),
        Ok(Err(Error::Database(db))) if server_gone(db.as_ref()) => Err(db.to_string()),
        Ok(Err(_)) => Ok(()),
        Err(_) => Err(format!(
            "no connection within {} s",
            conn.acquire_timeout.as_secs()
        )),
    }
}

/// Opens a fresh pool for `conn`'s alias and puts it in the old one's place; the old one is
/// closed, its connections dropped as their queries end. False when the database refused.
async fn renew(conn: &Connection, health: &Arc<Health>) -> bool {
    let fresh =
        Connection::open_pool(&conn.alias, &conn.url, conn.pool_size, conn.acquire_timeout).await;
    match fresh {
        Ok(mut fresh) => {
            fresh.health = Some(health.clone());
            // From here the old pool's errors say nothing about the database.
            fresh.generation = health.generation.fetch_add(1, Ordering::AcqRel) + 1;
            if !super::connections::renew(fresh, health) {
                // The alias now names a pool of another database: nothing to replace.
                return true;
            }
            // Closing waits for the connections still in use to come back: not the watcher's
            // business.
            let old = conn.sea_orm().clone();
            tokio::spawn(async move {
                let _ = old.close_by_ref().await;
            });
            true
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use sea_orm::sqlx::Error;
    use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr};

    use super::{Lost, lost};

    fn io(kind: std::io::ErrorKind) -> Error {
        Error::Io(std::io::Error::from(kind))
    }

    #[test]
    fn a_failed_connection_is_told_from_a_failed_statement() {
        let sqlx = |e: Error| RuntimeErr::SqlxError(Arc::new(e));
        let refused = io(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(lost(&DbErr::Conn(sqlx(refused))), Some(Lost::Broken));
        let reset = io(std::io::ErrorKind::ConnectionReset);
        assert_eq!(lost(&DbErr::Query(sqlx(reset))), Some(Lost::Broken));
        let eof = io(std::io::ErrorKind::UnexpectedEof);
        assert_eq!(lost(&DbErr::Exec(sqlx(eof))), Some(Lost::Broken));
        assert_eq!(
            lost(&DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed)),
            Some(Lost::Broken)
        );
        assert_eq!(
            lost(&DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)),
            Some(Lost::Busy)
        );
        assert_eq!(lost(&DbErr::Query(sqlx(Error::RowNotFound))), None);
        assert_eq!(lost(&DbErr::RecordNotFound("x".into())), None);
    }
}
