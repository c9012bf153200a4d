//! Commands the compiled project runs itself (check, migrate, showmigrations, sqlmigrate):
//! regenerate, build quietly, then hand over to `<project binary> <command> <args...>` and
//! exit with its code, so `rjango check` behaves exactly like `cargo run -- check`.

use std::process::{Command, ExitCode};

use super::{located, project_root};
use crate::cargo::{self, Verbosity};
use crate::error::{Failure, Result};

pub fn run(command: &str, args: &[String]) -> Result<ExitCode> {
    let root = project_root(None)?;
    run_in(&root, command, args)
}

/// A command of the project's own (`src/<app>/management/commands/<name>.rs`); a name no app
/// has is refused before anything is built, in Django's words.
pub fn run_own(command_line: &[String]) -> Result<ExitCode> {
    let Some((command, args)) = command_line.split_first() else {
        return Err(Failure::new(
            "no command given. Type 'rjango help' for usage.",
        ));
    };
    let root = project_root(None)?;
    let names = rjango_codegen::project_commands(&root).map_err(|e| located(e, &root))?;
    if !names.iter().any(|n| n == command) {
        let mut message = format!("Unknown command: '{command}'.");
        let cli = <crate::cli::Cli as clap::CommandFactory>::command();
        let builtins = cli.get_subcommands().map(|c| c.get_name());
        if let Some(n) = rjango_schema::suggest::closest(
            command,
            names.iter().map(String::as_str).chain(builtins),
        ) {
            message.push_str(&format!(" Did you mean {n}?"));
        }
        message.push_str(" Type 'rjango help' for usage.");
        return Err(Failure::new(message));
    }
    run_in(&root, command, args)
}

fn run_in(root: &std::path::Path, command: &str, args: &[String]) -> Result<ExitCode> {
    let root = root.to_path_buf();
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
