//! Connections to the databases of the settings' DATABASES, by alias. SeaORM (over sqlx)
//! underneath; a database that cannot be reached is one clear error naming the alias, the URL
//! (password hidden) and what to check, never a panic.

use std::fmt;

use sea_orm::{
    ConnectOptions, ConnectionTrait, DatabaseConnection, DbBackend, ExecResult, QueryResult,
    Statement, Value,
};

use super::Dialect;

/// Why a database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database alias '{0}' is not in DATABASES (src/settings.rs)")]
    UnknownAlias(String),
    #[error(
        "the database URL of '{alias}' ({url}) is not one rjango speaks: use sqlite://, postgres:// or mysql:// (mariadb://)"
    )]
    UnknownScheme { alias: String, url: String },
    #[error(
        "the database '{alias}' ({url}) is {name}, but this project was built without its driver: add \"{feature}\" to the features of rjango in Cargo.toml (rjango = {{ ..., features = [\"sqlite\", \"{feature}\"] }})",
        name = dialect.display_name(),
        feature = dialect.feature()
    )]
    DriverNotCompiled {
        alias: String,
        url: String,
        dialect: Dialect,
    },
    #[error(
        "could not connect to the database '{alias}' ({url}): {message}. Is the server running, and is the URL right? Check DATABASES in src/settings.rs or the DATABASE_URL environment variable."
    )]
    Connect {
        alias: String,
        url: String,
        message: String,
    },
    #[error(
        "Database queries to '{0}' are not allowed in this test: a plain #[rjango::test] is Django's SimpleTestCase, with no database. Use #[rjango::test(db)] (Django's TestCase) or #[rjango::test(transaction)] (TransactionTestCase) to give it a test database."
    )]
    Forbidden(String),
    /// A statement the database refused, with Django's class of the error
    /// (`kind == ErrorKind::Integrity` for a duplicate, on every backend).
    #[error("{message}")]
    Database {
        kind: super::ErrorKind,
        message: String,
    },
    /// Django's TransactionManagementError: a query in an atomic block after one of its
    /// statements failed, or a block used the wrong way (a durable one nested).
    #[error("{0}")]
    TransactionManagement(String),
    #[error("{0}")]
    Query(String),
    #[error("{0}")]
    Transaction(String),
    #[error(
        "no connection to the database '{alias}' came free within {seconds} s (the pool of {size} is busy): raise DATABASE_POOL_SIZE or find what holds connections"
    )]
    PoolTimeout {
        alias: String,
        seconds: u64,
        size: u32,
    },
    /// The connection failed, not the statement: the server refused, went away or restarted
    /// (see [`super::health`]). A 503 in a view, answered at once while the database is down.
    #[error(
        "the database '{alias}' ({url}) cannot be reached: {message}. Is its server running? rjango tries it again every second and serves it as soon as it answers."
    )]
    Unavailable {
        alias: String,
        url: String,
        message: String,
        /// Refused because the database is known to be down: the outage is logged once, by
        /// the watcher, not with each request it refuses.
        while_down: bool,
    },
}

impl DbError {
    /// Which of Django's database exceptions this is, for an error the database raised (a
    /// connection that failed or a busy pool is an OperationalError); None for rjango's own.
    pub fn kind(&self) -> Option<super::ErrorKind> {
        match self {
            DbError::Database { kind, .. } => Some(*kind),
            DbError::Connect { .. } | DbError::PoolTimeout { .. } | DbError::Unavailable { .. } => {
                Some(super::ErrorKind::Operational)
            }
            _ => None,
        }
    }

    /// Django's `except IntegrityError`.
    pub fn is_integrity_error(&self) -> bool {
        self.kind() == Some(super::ErrorKind::Integrity)
    }
}

/// An open database, with the dialect its SQL is written in. A clone shares the pool.
#[derive(Clone)]
pub struct Connection {
    pub alias: String,
    pub dialect: Dialect,
    /// The URL with any password replaced by `***`, for messages.
    pub display_url: String,
    /// Django's `connection.display_name`: SQLite, PostgreSQL, MySQL or MariaDB.
    pub display_name: &'static str,
    db: DatabaseConnection,
    /// The URL as the driver takes it (password included), for the health watcher's probes
    /// and the pool that replaces this one after an outage.
    pub(super) url: String,
    /// The pool's size and how long a query waits for a free connection (0 for the single
    /// connection that migrates).
    pub(super) pool_size: u32,
    pub(super) acquire_timeout: std::time::Duration,
    /// Whether the database answers: for pools of a server database only.
    pub(super) health: Option<std::sync::Arc<super::health::Health>>,
    /// Which of the pools that replaced each other after outages this is (see `health`).
    pub(super) generation: u64,
    /// `INSERT ... RETURNING` works: PostgreSQL, SQLite, MariaDB 10.5+ (not MySQL). Where it
    /// does, `bulk_create` gives every row its key, as Django's does.
    pub can_return_rows: bool,
    /// Django's `supports_nulls_distinct_unique_constraints`: PostgreSQL 15 and later.
    pub supports_nulls_distinct: bool,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Connection({}, {})", self.alias, self.display_url)
    }
}

/// How long a SQLite writer waits for another to finish: Django's default `timeout`.
#[cfg(feature = "sqlite")]
const SQLITE_BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// A SQLite URL that creates the file when it is missing, as Django's sqlite3 backend does.
fn with_create(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

impl Connection {
    /// Opens the database of `alias` from the configured settings. One connection: migrations
    /// need SQLite's PRAGMAs and the transaction on the same connection.
    pub async fn open(alias: &str) -> Result<Connection, DbError> {
        let url = crate::conf::settings()
            .DATABASES
            .url(alias)
            .ok_or_else(|| DbError::UnknownAlias(alias.to_owned()))?;
        Connection::open_url(alias, &url).await
    }

    /// Opens a database by URL: one connection, without a statement cache, for migrations.
    pub async fn open_url(alias: &str, url: &str) -> Result<Connection, DbError> {
        Connection::connect(alias, url, None).await
    }

    /// Opens a pool of `size` connections to a database by URL, for the ORM: prepared
    /// statements are cached, and a query waits `acquire_timeout` for a free connection.
    pub async fn open_pool(
        alias: &str,
        url: &str,
        size: u32,
        acquire_timeout: std::time::Duration,
    ) -> Result<Connection, DbError> {
        Connection::connect(alias, url, Some((size.max(1), acquire_timeout))).await
    }

    async fn connect(
        alias: &str,
        url: &str,
        pool: Option<(u32, std::time::Duration)>,
    ) -> Result<Connection, DbError> {
        let display_url = super::url::redact(url);
        let dialect = Dialect::from_url(url).ok_or_else(|| DbError::UnknownScheme {
            alias: alias.to_owned(),
            url: display_url.clone(),
        })?;
        if !dialect.compiled_in() {
            return Err(DbError::DriverNotCompiled {
                alias: alias.to_owned(),
                url: display_url,
                dialect,
            });
        }
        let url = match dialect {
            Dialect::Sqlite => with_create(url),
            Dialect::Mysql => url.replacen("mariadb://", "mysql://", 1),
            Dialect::Postgres => url.to_owned(),
        };
        let mut options = ConnectOptions::new(url.clone());
        let (size, acquire_timeout) = pool.unwrap_or((1, std::time::Duration::from_secs(30)));
        options
            .max_connections(size)
            .min_connections(if pool.is_some() { 0 } else { 1 })
            .connect_timeout(std::time::Duration::from_secs(10))
            .acquire_timeout(acquire_timeout)
            // sqlx pings each pooled connection before handing it out by default: ~13 % of a
            // point query on SQLite (DESIGN.md). A broken connection fails its query instead.
            .test_before_acquire(false)
            .sqlx_logging(false);
        // SQLite as Django's documentation recommends serving it: WAL, so that readers never
        // wait for a writer and a writer never waits for readers; synchronous=NORMAL, which is
        // durable in WAL mode but for the last transactions before a power cut; and a busy
        // timeout (Django's `timeout`, 5 s), so a writer waits for another instead of failing
        // with "database is locked". Atomic blocks begin IMMEDIATE ([`crate::db::transaction`]).
        #[cfg(feature = "sqlite")]
        options.map_sqlx_sqlite_opts(|o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            o.with_regexp()
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
        });
        // Django's MySQL backend runs its connections at READ COMMITTED (MySQL's default is
        // REPEATABLE READ): a read after a lost race (get_or_create) sees the winner's row.
        #[cfg(feature = "mysql")]
        options.map_sqlx_mysql_pool_opts(|o| {
            o.after_connect(|conn, _meta| {
                Box::pin(async move {
                    sea_orm::sqlx::Executor::execute(
                        &mut *conn,
                        "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
                    )
                    .await
                    .map(|_| ())
                })
            })
        });
        if pool.is_none() {
            // Schema changes invalidate prepared statements ("cached plan must not change
            // result type" on PostgreSQL): a connection that migrates does not cache them.
            #[cfg(feature = "postgres")]
            options.map_sqlx_postgres_opts(|o| o.statement_cache_capacity(0));
            #[cfg(feature = "mysql")]
            options.map_sqlx_mysql_opts(|o| o.statement_cache_capacity(0));
            #[cfg(feature = "sqlite")]
            options.map_sqlx_sqlite_opts(|o| o.statement_cache_capacity(0));
        }
        let db = sea_orm::Database::connect(options)
            .await
            .map_err(|e| DbError::Connect {
                alias: alias.to_owned(),
                url: display_url.clone(),
                message: short_error(&e.to_string()),
            })?;
        let (display_name, can_return_rows) = match dialect {
            Dialect::Mysql => {
                let version = server_version(&db).await;
                if version.contains("MariaDB") {
                    ("MariaDB", mariadb_at_least(&version, (10, 5)))
                } else {
                    ("MySQL", false)
                }
            }
            Dialect::Postgres => ("PostgreSQL", true),
            Dialect::Sqlite => ("SQLite", true),
        };
        let supports_nulls_distinct =
            dialect == Dialect::Postgres && postgres_version(&db).await >= 150000;
        let health = (pool.is_some() && dialect != Dialect::Sqlite)
            .then(|| std::sync::Arc::new(super::health::Health::new()));
        Ok(Connection {
            alias: alias.to_owned(),
            dialect,
            display_url,
            display_name,
            db,
            url,
            health,
            generation: 0,
            pool_size: size,
            acquire_timeout,
            can_return_rows,
            supports_nulls_distinct,
        })
    }

    pub fn backend(&self) -> DbBackend {
        self.dialect.backend()
    }

    /// Runs one statement.
    pub async fn execute(&self, sql: &str) -> Result<(), DbError> {
        self.db
            .execute_unprepared(sql)
            .await
            .map(|_| ())
            .map_err(|e| driver_error(&e))
    }

    /// Rows of a query, each column as text (NULL as None): for the recorder and checks.
    pub async fn query_strings(
        &self,
        sql: &str,
        columns: &[&str],
    ) -> Result<Vec<Vec<Option<String>>>, DbError> {
        let rows = self
            .db
            .query_all_raw(Statement::from_string(self.backend(), sql.to_owned()))
            .await
            .map_err(|e| driver_error(&e))?;
        Ok(rows
            .iter()
            .map(|row| {
                columns
                    .iter()
                    .map(|c| {
                        // The column's own type decides which of these decodes it.
                        let text = |v: Option<String>| v;
                        row.try_get::<Option<String>>("", c)
                            .ok()
                            .and_then(text)
                            .or_else(|| {
                                row.try_get::<Option<i64>>("", c)
                                    .ok()
                                    .flatten()
                                    .map(|v| v.to_string())
                            })
                            .or_else(|| {
                                row.try_get::<Option<i32>>("", c)
                                    .ok()
                                    .flatten()
                                    .map(|v| v.to_string())
                            })
                            .or_else(|| {
                                row.try_get::<Option<i16>>("", c)
                                    .ok()
                                    .flatten()
                                    .map(|v| v.to_string())
                            })
                            .or_else(|| {
                                row.try_get::<Option<bool>>("", c)
                                    .ok()
                                    .flatten()
                                    .map(|v| u8::from(v).to_string())
                            })
                            .or_else(|| {
                                row.try_get::<Option<f64>>("", c)
                                    .ok()
                                    .flatten()
                                    .map(|v| v.to_string())
                            })
                    })
                    .collect()
            })
            .collect())
    }

    /// Rows of a statement with bound parameters.
    pub async fn fetch(&self, sql: &str, values: Vec<Value>) -> Result<Vec<QueryResult>, DbError> {
        let statement = Statement::from_sql_and_values(self.backend(), sql, values);
        self.guarded(self.db.query_all_raw(statement))
            .await
            .map_err(|e| self.error(e, sql))
    }

    /// Runs a statement with bound parameters.
    pub async fn run(&self, sql: &str, values: Vec<Value>) -> Result<ExecResult, DbError> {
        let statement = Statement::from_sql_and_values(self.backend(), sql, values);
        self.guarded(self.db.execute_raw(statement))
            .await
            .map_err(|e| self.error(e, sql))
    }

    /// A driver error as rjango reports it: a connection that failed is its own error (a 503
    /// in a view), anything else names the statement.
    pub(crate) fn error(&self, e: sea_orm::DbErr, sql: &str) -> DbError {
        self.lost(&e).unwrap_or_else(|| statement_error(e, sql))
    }

    /// The error for `e` when it says the connection failed, not the statement: a pool that
    /// stayed busy, or a database that went away. Either sets the health watcher going.
    pub(crate) fn lost(&self, e: &sea_orm::DbErr) -> Option<DbError> {
        use super::health::{self, Lost};
        let how = health::lost(e)?;
        let busy = || DbError::PoolTimeout {
            alias: self.alias.clone(),
            seconds: self.acquire_timeout.as_secs(),
            size: self.pool_size,
        };
        let Some(h) = &self.health else {
            // Nothing watches this database (SQLite, a migration's own connection): a broken
            // connection is its statement's error.
            return (how == Lost::Busy).then(busy);
        };
        health::suspect(self, h, how);
        if h.is_down() {
            return Some(health::unavailable(self, h));
        }
        Some(match how {
            Lost::Busy => busy(),
            Lost::Broken => DbError::Unavailable {
                alias: self.alias.clone(),
                url: self.display_url.clone(),
                message: short_error(&e.to_string()),
                while_down: false,
            },
        })
    }

    /// Runs `query` against a server database that may not answer: the pool may have to open
    /// a connection (sqlx retries a refused one until the pool timeout), or the server (or
    /// the network to it) may have stopped answering a connection it holds, which nothing
    /// else would ever time out. So a query not done within [`super::health::RETRY`] has the
    /// watcher try the database meanwhile; if the watcher finds it down (no connection of
    /// its own within the pool timeout), the query stops waiting and fails as the database's
    /// outage (a 503), and the retries give up (see `health`). A query that is merely slow
    /// on a database that answers runs on.
    pub(crate) async fn guarded<T>(
        &self,
        query: impl std::future::Future<Output = Result<T, sea_orm::DbErr>>,
    ) -> Result<T, sea_orm::DbErr> {
        let Some(h) = self.health.as_ref() else {
            return query.await;
        };
        let down = || {
            // Read by `lost` as the pool's timeout; the database being down, a 503.
            Err(sea_orm::DbErr::ConnectionAcquire(
                sea_orm::ConnAcquireErr::Timeout,
            ))
        };
        if h.is_down() {
            // A request that began before the outage was found: its connection would not
            // answer either (a ROLLBACK after a failed statement, say).
            return down();
        }
        let mut query = std::pin::pin!(query);
        tokio::select! {
            biased;
            done = &mut query => return done,
            () = tokio::time::sleep(super::health::RETRY) => {}
        }
        super::health::suspect(self, h, super::health::Lost::Busy);
        tokio::select! {
            biased;
            done = &mut query => done,
            () = h.down() => down(),
        }
    }

    /// The error of a query refused at once because the database is down, if it is.
    pub(crate) fn refused(&self) -> Option<DbError> {
        let h = self.health.as_ref()?;
        h.is_down().then(|| super::health::unavailable(self, h))
    }

    /// The underlying SeaORM connection, for anything the Django-style layer does not cover.
    pub fn sea_orm(&self) -> &DatabaseConnection {
        &self.db
    }
}

/// A failed statement: the driver's first line, and the SQL.
pub(crate) fn statement_error(e: sea_orm::DbErr, sql: &str) -> DbError {
    DbError::Database {
        kind: super::errors::classify(&e),
        message: format!("{}\n  SQL: {sql}", short_error(&e.to_string())),
    }
}

/// A failed statement whose SQL is not worth repeating: the driver's first line.
pub(crate) fn driver_error(e: &sea_orm::DbErr) -> DbError {
    DbError::Database {
        kind: super::errors::classify(e),
        message: short_error(&e.to_string()),
    }
}

/// The first line of a driver error, without sqlx's wrapping.
fn short_error(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message);
    first
        .trim_start_matches("Connection Error: ")
        .trim_start_matches("Execution Error: ")
        .trim_start_matches("Query Error: ")
        .to_owned()
}

/// PostgreSQL's `server_version_num` (150002 for 15.2); 0 when it cannot be read.
async fn postgres_version(db: &DatabaseConnection) -> u32 {
    db.query_one_raw(Statement::from_string(
        DbBackend::Postgres,
        "SELECT current_setting('server_version_num')".to_owned(),
    ))
    .await
    .ok()
    .flatten()
    .and_then(|row| row.try_get_by_index::<String>(0).ok())
    .and_then(|v| v.parse().ok())
    .unwrap_or(0)
}

/// `SELECT VERSION()` of a MySQL-protocol server: `10.11.19-MariaDB-0+deb12u1`, `8.4.0`.
async fn server_version(db: &DatabaseConnection) -> String {
    db.query_one_raw(Statement::from_string(
        DbBackend::MySql,
        "SELECT VERSION()".to_owned(),
    ))
    .await
    .ok()
    .flatten()
    .and_then(|row| row.try_get_by_index::<String>(0).ok())
    .unwrap_or_default()
}

/// Whether a MariaDB `version` is at least `min` (`10.11.19-MariaDB-0+deb12u1` is 10.11): 10.5
/// has INSERT … RETURNING (Django's `can_return_rows_from_bulk_insert`); MySQL has none.
fn mariadb_at_least(version: &str, min: (u32, u32)) -> bool {
    if !version.contains("MariaDB") {
        return false;
    }
    let mut parts = version
        .split(['.', '-'])
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    (major, minor) >= min
}

#[cfg(test)]
mod returning_tests {
    use super::mariadb_at_least;

    #[test]
    fn mariadb_has_returning_from_10_5() {
        assert!(mariadb_at_least("10.11.19-MariaDB-0+deb12u1", (10, 5)));
        assert!(mariadb_at_least("10.5.0-MariaDB", (10, 5)));
        assert!(mariadb_at_least("11.4.2-MariaDB-log", (10, 5)));
        assert!(!mariadb_at_least("10.4.30-MariaDB", (10, 5)));
        assert!(
            !mariadb_at_least("8.0.36", (10, 5)),
            "MySQL has no RETURNING"
        );
    }
}
