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
            super::connection::redact(&self.url)
        )
    }
}

/// `url` with its database name replaced by `name` (the path of a server URL).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map(|(b, q)| (b, format!("?{q}")))
        .unwrap_or((url, String::new()));
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    format!("{}/{name}{query}", &base[..path_start])
}

/// The database name of a server URL (`mysite` of `postgres://u@h/mysite`).
pub fn database_name(url: &str) -> Option<String> {
    let base = url.split('?').next()?;
    let rest = &base[base.find("://")? + 3..];
    let name = rest.split_once('/')?.1;
    (!name.is_empty()).then(|| name.to_owned())
}

impl TestDatabase {
    /// Makes the test database of `alias`, whose own database is at `url`: Django's
    /// `create_test_db`. A test database left by an earlier run is dropped first, as Django's
    /// test runner does when it may not ask.
    pub async fn create(alias: &str, url: &str) -> Result<TestDatabase, DbError> {
        let dialect = Dialect::from_url(url).ok_or_else(|| DbError::UnknownScheme {
            alias: alias.to_owned(),
            url: super::connection::redact(url),
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
                let own = database_name(url).unwrap_or_else(|| "rjango".to_owned());
                let name = format!("test_{own}");
                let admin = Connection::open_url(alias, url).await?;
                let quoted = dialect.quote(&name);
                let force = if dialect == Dialect::Postgres {
                    " WITH (FORCE)"
                } else {
                    ""
                };
                admin
                    .execute(&format!("DROP DATABASE IF EXISTS {quoted}{force}"))
                    .await?;
                admin.execute(&format!("CREATE DATABASE {quoted}")).await?;
                Ok(TestDatabase {
                    alias: alias.to_owned(),
                    dialect,
                    url: with_database(url, &name),
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
        let admin = Connection::open_url(&self.alias, server).await?;
        let force = if self.dialect == Dialect::Postgres {
            " WITH (FORCE)"
        } else {
            ""
        };
        admin
            .execute(&format!(
                "DROP DATABASE IF EXISTS {}{force}",
                self.dialect.quote(name)
            ))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            with_database(
                "postgres://u:p@h:5432/mysite?sslmode=disable",
                "test_mysite"
            ),
            "postgres://u:p@h:5432/test_mysite?sslmode=disable"
        );
        assert_eq!(
            with_database("mysql://root@127.0.0.1:3306", "test_x"),
            "mysql://root@127.0.0.1:3306/test_x"
        );
        assert_eq!(
            database_name("postgres://u@h/mysite?x=1").as_deref(),
            Some("mysite")
        );
        assert_eq!(database_name("mysql://root@127.0.0.1:3306"), None);
    }
}
