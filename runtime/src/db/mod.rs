//! Django's `django.db`: the SQL dialects, connections to the DATABASES of the settings, and
//! migrations (schema editor, recorder, executor), `transaction::atomic`, and a
//! [`cursor`] for SQL of your own.

pub mod connection;
pub mod connections;
pub mod creation;
mod cursor;
mod dialect;
pub mod errors;
pub mod flush;
pub mod health;
pub mod introspection;
pub mod migrations;
pub mod queries;
pub mod transaction;
pub mod url;

pub use connection::{Connection, DbError};
pub use cursor::{Cursor, Row, cursor, cursor_using};
pub use dialect::Dialect;
pub use errors::ErrorKind;
pub use queries::count_queries;
pub use transaction::{atomic, on_commit};

/// A value bound to a statement's placeholder (the cursor's and `raw`'s parameters):
/// `vec![10.into(), "draft".into()]`. SeaORM's, re-exported so a project names it without
/// depending on sea-orm itself.
pub use sea_orm::Value;
