//! Commands the compiled project runs itself (check, migrate, showmigrations, sqlmigrate):
//! regenerate, build quietly, then hand over to `<project binary> <command> <args...>` and
//! exit with its code, so `rjango check` behaves exactly like `cargo run -- check`.

use std::process::{Command, ExitCode};

use super::{located, project_root};
use crate::cargo::{self, Verbosity};
use crate::error::{Failure, Result};

pub fn run(command: &str, args: &[String]) -> Result<ExitCode> {
    let root = project_root(None)?;
    rjango_codegen::generate_project(&root).map_err(|e| located(e, &root))?;
    let package = rjango_codegen::project::package_name(&root)?;
    let bin = cargo::build(&root, &package, Verbosity::Quiet)?;
    let status = Command::new(&bin)
        .arg(command)
        .args(args)
        .current_dir(&root)
        .status()
        .map_err(|e| Failure::new(format!("could not run {}: {e}", bin.display())))?;
    let code = status.code().unwrap_or(1);
    Ok(ExitCode::from(u8::try_from(code).unwrap_or(1)))
}
