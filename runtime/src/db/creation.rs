//! Django's test databases (`django.db.backends.base.creation`): beside the database an alias
//! names, a database of the same server called `test_<NAME>`, made anew for each test run; on
//! SQLite an in-memory database, as Django's default is.

use super::{Connection, DbError, Dialect};

/// A test database made for one alias.
pub struct TestDatabase {
    pub alias: String,
    pub dialect: Dialect,
    /// Its URL, for the pool the tests query through.
    pub url: String,
    /// The server's URL and the database's name, to drop it (None for SQLite).
    server: Option<(String, String)>,
    /// An in-memory SQLite database lives while a connection to it is open: this one.
    _keep_alive: Option<Connection>,
}

impl std::fmt::Debug for TestDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "TestDatabase({}, {})",
            self.alias,
            super::url::redact(&self.url)
        )
    }
}

impl TestDatabase {
    /// Makes the test database of `alias`, whose own database is at `url`: Django's
    /// `create_test_db`. A test database left by an earlier run is dropped first, as Django's
    /// test runner does when it may not ask.
    pub async fn create(alias: &str, url: &str) -> Result<TestDatabase, DbError> {
        let dialect = Dialect::from_url(url).ok_or_else(|| DbError::UnknownScheme {
            alias: alias.to_owned(),
            url: super::url::redact(url),
        })?;
        match dialect {
            Dialect::Sqlite => {
                // Named per process and alias: test binaries running side by side never meet.
                let url = format!(
                    "sqlite:file:rjango_test_{alias}_{}?mode=memory&cache=shared",
                    std::process::id()
                );
                let keep_alive = Connection::open_url(alias, &url).await?;
                Ok(TestDatabase {
                    alias: alias.to_owned(),
                    dialect,
                    url,
                    server: None,
                    _keep_alive: Some(keep_alive),
                })
            }
            Dialect::Postgres | Dialect::Mysql => {
                let own = super::url::name(url).unwrap_or_else(|| "rjango".to_owned());
                let name = format!("test_{own}");
                let admin = maintenance(alias, dialect, url).await?;
                admin.execute(&drop_sql(dialect, &name)).await?;
                admin
                    .execute(&format!("CREATE DATABASE {}", dialect.quote(&name)))
                    .await?;
                Ok(TestDatabase {
                    alias: alias.to_owned(),
                    dialect,
                    url: super::url::with_database(url, &name),
                    server: Some((url.to_owned(), name)),
                    _keep_alive: None,
                })
            }
        }
    }

    /// Drops the test database: Django's `destroy_test_db`. (SQLite's goes with the process.)
    pub async fn destroy(&self) -> Result<(), DbError> {
        let Some((server, name)) = &self.server else {
            return Ok(());
        };
        let admin = maintenance(&self.alias, self.dialect, server).await?;
        admin.execute(&drop_sql(self.dialect, name)).await
    }
}

/// A connection to the server that is not to the project's own database, as Django's
/// `_nodb_cursor`: PostgreSQL's `postgres` database (the project's own when that one is
/// missing, with Django's warning), MySQL with no database. So the test database is made even
/// where the project's own does not exist yet, and nothing runs on the latter.
async fn maintenance(alias: &str, dialect: Dialect, url: &str) -> Result<Connection, DbError> {
    match dialect {
        Dialect::Postgres => {
            match Connection::open_url(alias, &super::url::with_database(url, "postgres")).await {
                Ok(conn) => Ok(conn),
                // Only a missing `postgres` database: a wrong password is said as it is.
                Err(DbError::Connect { message, .. }) if message.contains("does not exist") => {
                    crate::log::warning(
                        "Normally rjango will use a connection to the 'postgres' database to avoid running initialization queries against the production database when it's not needed (for example, when running tests). rjango was unable to create a connection to the 'postgres' database and will use the project's own database instead.",
                    );
                    Connection::open_url(alias, url).await
                }
                Err(e) => Err(e),
            }
        }
        _ => Connection::open_url(alias, &super::url::with_database(url, "")).await,
    }
}

/// Drops the test database `name` if it exists; PostgreSQL's even with sessions still open on
/// it (a test binary that was killed).
fn drop_sql(dialect: Dialect, name: &str) -> String {
    let force = if dialect == Dialect::Postgres {
        " WITH (FORCE)"
    } else {
        ""
    };
    format!("DROP DATABASE IF EXISTS {}{force}", dialect.quote(name))
}
