//! The SQL dialects rjango speaks, as Django's database backends.

/// A database backend: which SQL to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    Sqlite,
    Postgres,
    /// MySQL and MariaDB.
    Mysql,
}

impl Dialect {
    /// The dialect of a database URL (`sqlite://`, `postgres://`/`postgresql://`,
    /// `mysql://`/`mariadb://`).
    pub fn from_url(url: &str) -> Option<Dialect> {
        let scheme = url.split(':').next()?.to_ascii_lowercase();
        match scheme.as_str() {
            "sqlite" => Some(Dialect::Sqlite),
            "postgres" | "postgresql" => Some(Dialect::Postgres),
            "mysql" | "mariadb" => Some(Dialect::Mysql),
            _ => None,
        }
    }

    /// Django's `vendor`: `sqlite`, `postgresql`, `mysql`.
    pub fn vendor(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgresql",
            Dialect::Mysql => "mysql",
        }
    }

    /// Quotes an identifier: `"name"`, or `` `name` `` on MySQL.
    pub fn quote(self, name: &str) -> String {
        match self {
            Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// SeaORM's name for this dialect.
    pub fn backend(self) -> sea_orm::DbBackend {
        match self {
            Dialect::Sqlite => sea_orm::DbBackend::Sqlite,
            Dialect::Postgres => sea_orm::DbBackend::Postgres,
            Dialect::Mysql => sea_orm::DbBackend::MySql,
        }
    }

    /// A value as this backend stores it, as Django's `get_db_prep_value` prepares it: a UUID
    /// is PostgreSQL's `uuid`, and elsewhere the 32 hex digits of Django's `char(32)` column
    /// (`uuid.hex`), so rows Django wrote and rows rjango writes compare equal.
    pub fn prepare(self, value: sea_orm::Value) -> sea_orm::Value {
        match (self, value) {
            (Dialect::Sqlite | Dialect::Mysql, sea_orm::Value::Uuid(u)) => {
                sea_orm::Value::String(u.map(|u| u.simple().to_string()))
            }
            (_, value) => value,
        }
    }

    /// Whether DDL runs inside a transaction (Django's `can_rollback_ddl`): not on MySQL.
    pub fn can_rollback_ddl(self) -> bool {
        !matches!(self, Dialect::Mysql)
    }
}
