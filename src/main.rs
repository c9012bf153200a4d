//! `rjango`: Django's developer experience in Rust. Parses the command line and dispatches to
//! one module per command; every user error comes back here as a value, is printed once as
//! `error: ...`, and becomes the exit code (1 errors, 2 usage).

mod cargo;
mod child;
mod cli;
mod commands;
mod crud;
mod edit;
mod error;
mod names;
mod questioner;
mod reload;
mod scaffold;
mod secret;
mod ui;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    // Parse errors exit 2 with clap's usage message; --help and --version exit 0.
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Startproject(args) => commands::startproject::run(args),
        Command::Startapp(args) => commands::startapp::run(args),
        Command::Generate(cli::Generate { what: None }) => commands::generate::run(),
        Command::Generate(cli::Generate {
            what: Some(cli::GenerateWhat::Crud(crud)),
        }) => commands::generate_crud::run(crud),
        Command::Copytemplate(args) => commands::copytemplate::run(args),
        Command::Makemigrations(args) => commands::makemigrations::run(args),
        Command::Squashmigrations(args) => commands::squashmigrations::run(args),
        Command::Runserver(args) => commands::runserver::run(args),
        Command::Test(args) => commands::test::run(args),
        Command::External(ref args) => commands::project_cmd::run_own(args),
        ref pass_through => {
            let (name, args) = pass_through
                .project_command()
                .expect("every other command passes through");
            commands::project_cmd::run(name, &args)
        }
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            ui::error(&failure);
            ExitCode::from(failure.code)
        }
    }
}
