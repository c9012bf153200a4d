//! The migrations of `rjango.contrib.auth`, compiled into every project that installs it
//! (the project's generated migration list calls [`all`]). makemigrations reads the same files,
//! built into rjango-codegen.

#[path = "0001_squashed_0012_alter_user_first_name_max_length.rs"]
mod m0001;

/// The app's migrations.
pub fn all() -> Vec<crate::db::migrations::Migration> {
    vec![m0001::migration(
        "auth",
        "0001_squashed_0012_alter_user_first_name_max_length",
    )]
}

/// The RunRust functions they name (none).
pub fn code() -> Vec<crate::db::migrations::MigrationCode> {
    vec![m0001::code(
        "auth",
        "0001_squashed_0012_alter_user_first_name_max_length",
    )]
}
