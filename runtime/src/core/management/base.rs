//! Django's `BaseCommand`, for a project's own management commands: a file per command in an
//! app, `src/<app>/management/commands/<name>.rs`, holding a `Command` with its arguments
//! (clap) and its `handle`. rjango's code generator finds the files, as Django finds the
//! modules, and compiles each into the project binary: `cargo run -- <name>` and
//! `rjango <name>` run it, and `help` lists it under its app.
//!
//! ```text
//! // src/polls/management/commands/closepoll.rs
//! use rjango::core::management::{BaseCommand, CommandError};
//!
//! /// Closes the specified poll for voting.
//! #[derive(clap::Parser)]
//! pub struct Command {
//!     /// The polls to close
//!     poll_ids: Vec<i64>,
//! }
//!
//! impl BaseCommand for Command {
//!     async fn handle(self) -> Result<(), CommandError> {
//!         for id in self.poll_ids { ... }
//!         println!("Successfully closed the polls");
//!         Ok(())
//!     }
//! }
//! ```
//!
//! The settings are configured, the URLconf installed (for `reverse`) and the databases of
//! DATABASES reachable through the ORM when `handle` runs, as in Django.

use std::future::Future;
use std::pin::Pin;

/// Django's `CommandError`: printed as `CommandError: <message>`, and the program exits with
/// `returncode` (1 unless set). `?` turns any error into one.
#[derive(Debug)]
pub struct CommandError {
    pub message: String,
    pub returncode: u8,
}

impl CommandError {
    pub fn new(message: impl Into<String>) -> Self {
        CommandError {
            message: message.into(),
            returncode: 1,
        }
    }

    /// The same error, exiting with `code` (Django's `CommandError(msg, returncode=code)`).
    pub fn with_returncode(mut self, code: u8) -> Self {
        self.returncode = code;
        self
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CommandError: {}", self.message)
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for CommandError {
    fn from(e: E) -> Self {
        CommandError::new(e.to_string())
    }
}

/// A management command of the project: its arguments are the struct's fields (clap), its
/// help the struct's doc comment.
pub trait BaseCommand: clap::Parser + 'static {
    /// Django's `requires_system_checks`: the system checks (models against migrations) run
    /// first, and an error stops the command.
    const REQUIRES_SYSTEM_CHECKS: bool = true;

    /// Does the command's work.
    fn handle(self) -> impl Future<Output = Result<(), CommandError>>;
}

type Run = Pin<Box<dyn Future<Output = Result<(), CommandError>>>>;

/// One command of the project, as the generated code registers it.
#[derive(Clone, Copy)]
pub struct CustomCommand {
    /// The app it belongs to (`help` lists it under `[app]`).
    pub app: &'static str,
    /// Its name: the file's (`closepoll`).
    pub name: &'static str,
    pub(crate) command: fn() -> clap::Command,
    pub(crate) parse: fn(&clap::ArgMatches) -> Result<Run, clap::Error>,
    pub(crate) system_checks: bool,
}

impl std::fmt::Debug for CustomCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CustomCommand({}.{})", self.app, self.name)
    }
}

impl CustomCommand {
    /// The command `C` of app `app`, named `name`.
    pub fn of<C: BaseCommand>(app: &'static str, name: &'static str) -> Self {
        CustomCommand {
            app,
            name,
            command: C::command,
            parse: |matches| {
                let command = <C as clap::FromArgMatches>::from_arg_matches(matches)?;
                Ok(Box::pin(command.handle()))
            },
            system_checks: C::REQUIRES_SYSTEM_CHECKS,
        }
    }
}
