//! rjango's code generator.
//!
//! Reads a project's declarations with `syn` (settings.rs for INSTALLED_APPS, each urls.rs for
//! its `urlpatterns!`), and writes `src/generated/` with `quote` + `prettyplease`: the app
//! registry, the typed reverse functions of every named route, and fingerprints that make stale
//! generated code fail to compile. Used by the `rjango` CLI and by a project's build.rs.

pub mod contrib;
pub mod error;
pub mod fingerprint;
pub mod fsutil;
pub mod migrations;
pub mod models;
pub mod project;
pub mod routes;
pub mod urlpatterns;
mod write;

pub use error::{Error, Result};
pub use write::{
    GENERATED_HEADER, Generated, build_script, generate_project, project_commands,
    reverse_functions,
};
