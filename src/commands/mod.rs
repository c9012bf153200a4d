//! One module per command; each returns the exit code or a [`Failure`] for `main` to print.

pub mod copytemplate;
pub mod generate;
pub mod generate_crud;
pub mod makemigrations;
pub mod project_cmd;
pub mod runserver;
pub mod squashmigrations;
pub mod startapp;
pub mod startproject;
pub mod test;

use std::path::{Path, PathBuf};

use crate::error::{Failure, Result};

/// The root of the project containing `start` (default: the current directory), found as
/// Django finds manage.py's directory: the nearest one with Cargo.toml, src/settings.rs and
/// src/urls.rs.
pub fn project_root(start: Option<&Path>) -> Result<PathBuf> {
    let start = match start {
        Some(dir) => {
            std::path::absolute(dir).map_err(|e| Failure::new(format!("{}: {e}", dir.display())))?
        }
        None => std::env::current_dir()
            .map_err(|e| Failure::new(format!("cannot read the current directory: {e}")))?,
    };
    rjango_codegen::project::find_root(&start).ok_or_else(|| {
        Failure::new(
            "not inside an rjango project (no Cargo.toml with src/settings.rs and src/urls.rs here or above). \
Run startproject first, or cd into your project.",
        )
    })
}

/// A path relative to the project root, for messages.
pub fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// A code generator error with paths shown relative to the project root, as the user typed them.
pub fn located(error: rjango_codegen::Error, root: &Path) -> Failure {
    let prefix = format!("{}/", root.display());
    Failure::new(error.to_string().replace(&prefix, ""))
}
