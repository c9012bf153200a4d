//! Connections to the databases of the settings' DATABASES, by alias. SeaORM (over sqlx)
//! underneath; a database that cannot be reached is one clear error naming the alias, the URL
//! (password hidden) and what to check, never a panic.

use std::fmt;

use sea_orm::{ConnectOptions, ConnectionTrait, DatabaseConnection, DbBackend, Statement};

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
        "could not connect to the database '{alias}' ({url}): {message}. Is the server running, and is the URL right? Check DATABASES in src/settings.rs or the DATABASE_URL environment variable."
    )]
    Connect {
        alias: String,
        url: String,
        message: String,
    },
    #[error("{0}")]
    Query(String),
}

/// An open database, with the dialect its SQL is written in.
pub struct Connection {
    pub alias: String,
    pub dialect: Dialect,
    /// The URL with any password replaced by `***`, for messages.
    pub display_url: String,
    db: DatabaseConnection,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Connection({}, {})", self.alias, self.display_url)
    }
}

/// The URL without its password.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

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

    /// Opens a database by URL.
    pub async fn open_url(alias: &str, url: &str) -> Result<Connection, DbError> {
        let display_url = redact(url);
        let dialect = Dialect::from_url(url).ok_or_else(|| DbError::UnknownScheme {
            alias: alias.to_owned(),
            url: display_url.clone(),
        })?;
        let url = match dialect {
            Dialect::Sqlite => with_create(url),
            Dialect::Mysql => url.replacen("mariadb://", "mysql://", 1),
            Dialect::Postgres => url.to_owned(),
        };
        let mut options = ConnectOptions::new(url);
        options
            .max_connections(1)
            .min_connections(1)
            .connect_timeout(std::time::Duration::from_secs(10))
            .sqlx_logging(false);
        // Schema changes invalidate prepared statements ("cached plan must not change result
        // type" on PostgreSQL): a connection that migrates does not cache them.
        options
            .map_sqlx_postgres_opts(|o| o.statement_cache_capacity(0))
            .map_sqlx_mysql_opts(|o| o.statement_cache_capacity(0))
            .map_sqlx_sqlite_opts(|o| o.statement_cache_capacity(0));
        let db = sea_orm::Database::connect(options)
            .await
            .map_err(|e| DbError::Connect {
                alias: alias.to_owned(),
                url: display_url.clone(),
                message: short_error(&e.to_string()),
            })?;
        Ok(Connection {
            alias: alias.to_owned(),
            dialect,
            display_url,
            db,
        })
    }

    pub fn backend(&self) -> DbBackend {
        match self.dialect {
            Dialect::Sqlite => DbBackend::Sqlite,
            Dialect::Postgres => DbBackend::Postgres,
            Dialect::Mysql => DbBackend::MySql,
        }
    }

    /// Runs one statement.
    pub async fn execute(&self, sql: &str) -> Result<(), DbError> {
        self.db
            .execute_unprepared(sql)
            .await
            .map(|_| ())
            .map_err(|e| DbError::Query(short_error(&e.to_string())))
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
            .map_err(|e| DbError::Query(short_error(&e.to_string())))?;
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

    /// The underlying SeaORM connection, for anything the Django-style layer does not cover.
    pub fn sea_orm(&self) -> &DatabaseConnection {
        &self.db
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

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(super::redact("mysql://root@h/db"), "mysql://root@h/db");
        assert_eq!(super::redact("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
    }
}
