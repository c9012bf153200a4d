//! The migrations of `rjango.contrib.sessions`, compiled into every project that installs it
//! (the project's generated migration list calls [`all`]). makemigrations reads the same files,
//! built into rjango-codegen.

#[path = "0001_initial.rs"]
mod m0001;

/// The app's migrations.
pub fn all() -> Vec<crate::db::migrations::Migration> {
    vec![m0001::migration("sessions", "0001_initial")]
}

/// The RunRust functions they name (none).
pub fn code() -> Vec<crate::db::migrations::MigrationCode> {
    vec![m0001::code("sessions", "0001_initial")]
}
