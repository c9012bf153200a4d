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

    /// The feature of the rjango crate that compiles this database's driver.
    pub fn feature(self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
        }
    }

    /// Whether this build has the database's driver (its feature of the rjango crate).
    pub fn compiled_in(self) -> bool {
        match self {
            Dialect::Sqlite => cfg!(feature = "sqlite"),
            Dialect::Postgres => cfg!(feature = "postgres"),
            Dialect::Mysql => cfg!(feature = "mysql"),
        }
    }

    /// The database's name, for messages: `SQLite`, `PostgreSQL`, `MySQL or MariaDB`.
    pub fn display_name(self) -> &'static str {
        match self {
            Dialect::Sqlite => "SQLite",
            Dialect::Postgres => "PostgreSQL",
            Dialect::Mysql => "MySQL or MariaDB",
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

    /// Quotes an identifier: `"name"`, or `` `name` `` on MySQL, a quote inside it doubled
    /// (the one quoting of the crate: the ORM's SQL builder writes through [`Dialect::quote_into`]).
    pub fn quote(self, name: &str) -> String {
        let mut out = String::with_capacity(name.len() + 2);
        self.quote_into(&mut out, name);
        out
    }

    /// [`Dialect::quote`], written at the end of `out`.
    pub fn quote_into(self, out: &mut String, name: &str) {
        let mark = match self {
            Dialect::Mysql => '`',
            _ => '"',
        };
        out.push(mark);
        for c in name.chars() {
            if c == mark {
                out.push(mark);
            }
            out.push(c);
        }
        out.push(mark);
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
        use sea_orm::Value as V;
        match (self, value) {
            (Dialect::Sqlite | Dialect::Mysql, V::Uuid(u)) => {
                V::String(u.map(|u| u.simple().to_string()))
            }
            // SQLite has no date types: Django keeps text it compares as text, so values are
            // written exactly as Django writes them (`str()` of a naive UTC datetime, of a
            // time), or a filter's bound against rows Django wrote would compare wrongly.
            (Dialect::Sqlite, V::ChronoDateTimeUtc(t)) => V::String(t.map(|t| {
                django_text(
                    t.naive_utc().format("%Y-%m-%d %H:%M:%S"),
                    t.timestamp_subsec_micros(),
                )
            })),
            (Dialect::Sqlite, V::ChronoDateTimeWithTimeZone(t)) => V::String(t.map(|t| {
                let t = t.naive_utc();
                django_text(
                    t.format("%Y-%m-%d %H:%M:%S"),
                    t.and_utc().timestamp_subsec_micros(),
                )
            })),
            (Dialect::Sqlite, V::ChronoDateTimeLocal(t)) => V::String(t.map(|t| {
                let t = t.naive_utc();
                django_text(
                    t.format("%Y-%m-%d %H:%M:%S"),
                    t.and_utc().timestamp_subsec_micros(),
                )
            })),
            (Dialect::Sqlite, V::ChronoDateTime(t)) => V::String(t.map(|t| {
                django_text(
                    t.format("%Y-%m-%d %H:%M:%S"),
                    t.and_utc().timestamp_subsec_micros(),
                )
            })),
            (Dialect::Sqlite, V::ChronoTime(t)) => V::String(t.map(|t| {
                use chrono::Timelike;
                django_text(t.format("%H:%M:%S"), t.nanosecond() / 1000)
            })),
            (Dialect::Sqlite, V::ChronoDate(d)) => {
                V::String(d.map(|d| d.format("%Y-%m-%d").to_string()))
            }
            (_, value) => value,
        }
    }

    /// SQL written with Django's placeholders, `%s` (and `%%` for a literal `%`), in this
    /// backend's own: `?`, or `$1, $2, ...` on PostgreSQL, as Django's backends take one style
    /// everywhere. Without parameters nothing is replaced (Django leaves such SQL as it is).
    pub fn placeholders(self, sql: &str, params: usize) -> std::borrow::Cow<'_, str> {
        if params == 0 || !sql.contains('%') {
            return std::borrow::Cow::Borrowed(sql);
        }
        let mut out = String::with_capacity(sql.len() + params * 2);
        let mut n = 0;
        let mut chars = sql.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek()) {
                ('%', Some('%')) => {
                    chars.next();
                    out.push('%');
                }
                ('%', Some('s')) => {
                    chars.next();
                    n += 1;
                    match self {
                        Dialect::Postgres => {
                            out.push('$');
                            out.push_str(&n.to_string());
                        }
                        _ => out.push('?'),
                    }
                }
                _ => out.push(c),
            }
        }
        std::borrow::Cow::Owned(out)
    }

    /// Whether DDL runs inside a transaction (Django's `can_rollback_ddl`): not on MySQL.
    pub fn can_rollback_ddl(self) -> bool {
        !matches!(self, Dialect::Mysql)
    }
}

/// Python's `str()` of a datetime or time: the microseconds only when there are some.
fn django_text(seconds: impl std::fmt::Display, micros: u32) -> String {
    if micros == 0 {
        seconds.to_string()
    } else {
        format!("{seconds}.{micros:06}")
    }
}

#[cfg(test)]
mod tests {
    use super::Dialect;

    #[test]
    fn sqlite_dates_are_djangos_text() {
        use chrono::{NaiveTime, TimeZone, Utc};
        use sea_orm::Value as V;
        let at = Utc.with_ymd_and_hms(2023, 12, 31, 23, 59, 59).unwrap();
        let text = |v: V| match v {
            V::String(Some(s)) => s,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            text(Dialect::Sqlite.prepare(V::ChronoDateTimeUtc(Some(at)))),
            "2023-12-31 23:59:59"
        );
        let precise = at + chrono::TimeDelta::microseconds(999_999);
        assert_eq!(
            text(Dialect::Sqlite.prepare(V::ChronoDateTimeUtc(Some(precise)))),
            "2023-12-31 23:59:59.999999"
        );
        let t = NaiveTime::from_hms_micro_opt(9, 5, 0, 500).unwrap();
        assert_eq!(
            text(Dialect::Sqlite.prepare(V::ChronoTime(Some(t)))),
            "09:05:00.000500"
        );
        // The servers have date types of their own.
        assert_eq!(
            Dialect::Postgres.prepare(V::ChronoDateTimeUtc(Some(at))),
            V::ChronoDateTimeUtc(Some(at))
        );
    }

    #[test]
    fn djangos_placeholders_become_the_backends() {
        let sql = "SELECT * FROM t WHERE a = %s AND b LIKE '10%%' AND c IN (%s, %s)";
        assert_eq!(
            Dialect::Postgres.placeholders(sql, 3),
            "SELECT * FROM t WHERE a = $1 AND b LIKE '10%' AND c IN ($2, $3)"
        );
        assert_eq!(
            Dialect::Sqlite.placeholders(sql, 3),
            "SELECT * FROM t WHERE a = ? AND b LIKE '10%' AND c IN (?, ?)"
        );
        assert_eq!(Dialect::Mysql.placeholders("x = %s", 1), "x = ?");
        // Without parameters the SQL is left as it is, as Django leaves it.
        assert_eq!(Dialect::Mysql.placeholders("LIKE '10%%'", 0), "LIKE '10%%'");
        assert_eq!(Dialect::Mysql.placeholders("%%s", 1), "%s");
    }

    #[test]
    fn identifiers_are_quoted_with_their_quotes_doubled() {
        assert_eq!(Dialect::Postgres.quote("blog_post"), "\"blog_post\"");
        assert_eq!(Dialect::Sqlite.quote("we\"ird"), "\"we\"\"ird\"");
        assert_eq!(Dialect::Mysql.quote("we`ird"), "`we``ird`");
    }
}
