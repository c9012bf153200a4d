//! Django's database exceptions (`django.db.utils`: PEP 249's classes under DatabaseError), as
//! each backend's driver raises them, so code matches on what went wrong instead of on message
//! text: a duplicate is [`ErrorKind::Integrity`] on SQLite, PostgreSQL and MariaDB alike.

use std::ops::Deref;

use sea_orm::sqlx;

/// Which of Django's database exceptions a failed statement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// `IntegrityError`: a unique, foreign key, NOT NULL or CHECK constraint refused the row.
    Integrity,
    /// `DataError`: a value the column cannot hold (too long, out of range, malformed).
    Data,
    /// `OperationalError`: the database's own trouble (a lock timeout, a deadlock, a lost
    /// connection; on SQLite also a missing table, as Python's sqlite3 raises it).
    Operational,
    /// `ProgrammingError`: the SQL is wrong (a syntax error, an unknown table or column).
    Programming,
    /// `NotSupportedError`: the database lacks what the statement asks for.
    NotSupported,
    /// `InternalError`: the database's internal state (PostgreSQL's aborted transaction).
    Internal,
    /// `InterfaceError`: the driver was used wrongly (SQLite's misuse, a parameter out of
    /// range).
    Interface,
    /// `DatabaseError`, none of the above.
    Other,
}

impl ErrorKind {
    /// Django's class name: `IntegrityError`.
    pub fn django_name(self) -> &'static str {
        match self {
            ErrorKind::Integrity => "IntegrityError",
            ErrorKind::Data => "DataError",
            ErrorKind::Operational => "OperationalError",
            ErrorKind::Programming => "ProgrammingError",
            ErrorKind::NotSupported => "NotSupportedError",
            ErrorKind::Internal => "InternalError",
            ErrorKind::Interface => "InterfaceError",
            ErrorKind::Other => "DatabaseError",
        }
    }
}

/// The kind of a driver error, as the Python driver Django uses on that backend classifies it
/// (sqlite3, psycopg, mysqlclient with Django's own remapping).
pub fn classify(e: &sea_orm::DbErr) -> ErrorKind {
    use sea_orm::{DbErr, RuntimeErr};
    let (DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e))) = e else {
        return ErrorKind::Other;
    };
    match e.deref() {
        sqlx::Error::Database(db) => {
            #[cfg(feature = "mysql")]
            if let Some(mysql) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
                return mysql_kind(mysql.number());
            }
            let code = db.code().unwrap_or_default();
            #[cfg(feature = "postgres")]
            if db
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .is_some()
            {
                return postgres_kind(&code);
            }
            code.parse().map_or(ErrorKind::Other, sqlite_kind)
        }
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => {
            ErrorKind::Operational
        }
        _ => ErrorKind::Other,
    }
}

/// psycopg's classes by SQLSTATE class (its first two characters).
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
fn postgres_kind(sqlstate: &str) -> ErrorKind {
    match sqlstate.get(..2).unwrap_or_default() {
        "23" => ErrorKind::Integrity,
        "22" => ErrorKind::Data,
        "20" | "21" | "26" | "34" | "3D" | "3F" | "42" | "44" | "P0" => ErrorKind::Programming,
        "0A" => ErrorKind::NotSupported,
        "24" | "25" | "2B" | "2D" | "XX" => ErrorKind::Internal,
        "08" | "27" | "28" | "2F" | "38" | "39" | "3B" | "40" | "53" | "54" | "55" | "57"
        | "58" | "F0" | "HV" => ErrorKind::Operational,
        _ => ErrorKind::Other,
    }
}

/// mysqlclient's classes by MySQL error number (an unlisted one is an OperationalError, or an
/// InternalError below 1000, the client's own), with Django's remapping of some of them to
/// IntegrityError (`codes_for_integrityerror`: 1048, 1690, 3819, 4025).
#[cfg_attr(not(feature = "mysql"), allow(dead_code))]
fn mysql_kind(number: u16) -> ErrorKind {
    match number {
        // Duplicate key, foreign keys, NULL or no default for a NOT NULL column, out-of-range
        // value, CHECK constraint (MySQL, MariaDB).
        1048 | 1062 | 1215 | 1216 | 1217 | 1364 | 1451 | 1452 | 1690 | 3819 | 4025 => {
            ErrorKind::Integrity
        }
        // Data too long, out of range, truncated, NULL into NOT NULL, wrong string length.
        1171 | 1230 | 1263 | 1264 | 1265 | 1406 | 1441 => ErrorKind::Data,
        // Syntax, no such table, database exists, wrong names, misuse of GROUP functions.
        1007 | 1064 | 1102 | 1103 | 1111 | 1112 | 1113 | 1146 | 1149 | 1179 => {
            ErrorKind::Programming
        }
        1196 | 1235 | 1286 | 1289 => ErrorKind::NotSupported,
        n if n < 1000 => ErrorKind::Internal,
        _ => ErrorKind::Operational,
    }
}

/// Python's sqlite3 classes by SQLite result code (the primary code is the low byte of an
/// extended one: 2067, a UNIQUE failure, is SQLITE_CONSTRAINT, 19).
fn sqlite_kind(code: u32) -> ErrorKind {
    match code & 0xff {
        19 | 20 => ErrorKind::Integrity,
        18 => ErrorKind::Data,
        2 | 12 => ErrorKind::Internal,
        21 | 25 => ErrorKind::Interface,
        1 | 3..=10 | 13..=17 => ErrorKind::Operational,
        _ => ErrorKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_as_djangos_drivers_map_them() {
        assert_eq!(postgres_kind("23505"), ErrorKind::Integrity);
        assert_eq!(postgres_kind("22001"), ErrorKind::Data);
        assert_eq!(postgres_kind("42P01"), ErrorKind::Programming);
        assert_eq!(postgres_kind("25P02"), ErrorKind::Internal);
        assert_eq!(postgres_kind("40P01"), ErrorKind::Operational);
        assert_eq!(mysql_kind(1062), ErrorKind::Integrity);
        assert_eq!(mysql_kind(4025), ErrorKind::Integrity);
        assert_eq!(mysql_kind(1406), ErrorKind::Data);
        assert_eq!(mysql_kind(1146), ErrorKind::Programming);
        assert_eq!(mysql_kind(1213), ErrorKind::Operational);
        // mysqlclient's OperationalError, as Django users see it: (1054, "Unknown column").
        assert_eq!(mysql_kind(1054), ErrorKind::Operational);
        assert_eq!(mysql_kind(1366), ErrorKind::Operational);
        assert_eq!(mysql_kind(2013), ErrorKind::Operational);
        assert_eq!(postgres_kind("21000"), ErrorKind::Programming);
        assert_eq!(sqlite_kind(11), ErrorKind::Other);
        assert_eq!(sqlite_kind(21), ErrorKind::Interface);
        assert_eq!(sqlite_kind(2067), ErrorKind::Integrity);
        assert_eq!(sqlite_kind(787), ErrorKind::Integrity);
        assert_eq!(sqlite_kind(1), ErrorKind::Operational);
    }
}
