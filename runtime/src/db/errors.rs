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
            if let Some(mysql) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
                return mysql_kind(mysql.number());
            }
            let code = db.code().unwrap_or_default();
            if db
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .is_some()
            {
                postgres_kind(&code)
            } else {
                code.parse().map_or(ErrorKind::Other, sqlite_kind)
            }
        }
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => {
            ErrorKind::Operational
        }
        _ => ErrorKind::Other,
    }
}

/// psycopg's classes by SQLSTATE class (its first two characters).
fn postgres_kind(sqlstate: &str) -> ErrorKind {
    match sqlstate.get(..2).unwrap_or_default() {
        "23" => ErrorKind::Integrity,
        "22" => ErrorKind::Data,
        "42" | "2F" | "34" | "3D" | "3F" | "44" => ErrorKind::Programming,
        "0A" => ErrorKind::NotSupported,
        "25" | "2D" | "XX" => ErrorKind::Internal,
        "08" | "40" | "53" | "54" | "55" | "57" | "58" | "F0" | "HV" | "P0" => {
            ErrorKind::Operational
        }
        _ => ErrorKind::Other,
    }
}

/// mysqlclient's classes by MySQL error number, with Django's remapping of some operational
/// errors to IntegrityError (`codes_for_integrityerror`: 1048, 1690, 3819, 4025).
fn mysql_kind(number: u16) -> ErrorKind {
    match number {
        // Duplicate key, foreign key, NULL in a NOT NULL column, CHECK constraint (MySQL,
        // MariaDB), out-of-range value.
        1022 | 1048 | 1062 | 1169 | 1216 | 1217 | 1451 | 1452 | 1557 | 1586 | 1690 | 1761
        | 1762 | 3819 | 4025 => ErrorKind::Integrity,
        // Data too long, out of range, incorrect value, division by zero, invalid date.
        1264 | 1265 | 1292 | 1365 | 1366 | 1367 | 1406 | 1411 => ErrorKind::Data,
        // Syntax, unknown table / column / database, table exists, wrong arguments.
        1044 | 1049 | 1050 | 1051 | 1054 | 1064 | 1109 | 1110 | 1146 | 1149 | 1166 | 1176
        | 1210 => ErrorKind::Programming,
        1235 | 1289 => ErrorKind::NotSupported,
        _ => ErrorKind::Operational,
    }
}

/// Python's sqlite3 classes by SQLite result code (the primary code is the low byte of an
/// extended one: 2067, a UNIQUE failure, is SQLITE_CONSTRAINT, 19).
fn sqlite_kind(code: u32) -> ErrorKind {
    match code & 0xff {
        19 | 20 => ErrorKind::Integrity,
        18 | 25 => ErrorKind::Data,
        2 | 12 => ErrorKind::Internal,
        21 => ErrorKind::Programming,
        _ => ErrorKind::Operational,
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
        assert_eq!(sqlite_kind(2067), ErrorKind::Integrity);
        assert_eq!(sqlite_kind(787), ErrorKind::Integrity);
        assert_eq!(sqlite_kind(1), ErrorKind::Operational);
    }
}
