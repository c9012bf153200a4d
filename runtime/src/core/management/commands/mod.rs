//! Built-in commands of a project binary beyond the migration ones (`core::migrate`), each in
//! its own module as Django keeps them in `django/core/management/commands/`.

pub mod clearsessions;
pub mod collectstatic;
pub mod dbshell;
pub mod diffsettings;
pub mod dumpdata;
pub mod flush;
pub mod loaddata;
