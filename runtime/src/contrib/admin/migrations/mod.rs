//! The migrations of `rjango.contrib.admin`, compiled into every project that installs it
//! (the project's generated migration list calls [`all`]). makemigrations reads the same files,
//! built into rjango-codegen.

#[path = "0001_squashed_0003_logentry_add_action_flag_choices.rs"]
mod m0001;

const NAME: &str = "0001_squashed_0003_logentry_add_action_flag_choices";

/// The app's migrations.
pub fn all() -> Vec<crate::db::migrations::Migration> {
    vec![m0001::migration("admin", NAME)]
}

/// The RunRust functions they name (none).
pub fn code() -> Vec<crate::db::migrations::MigrationCode> {
    vec![m0001::code("admin", NAME)]
}
