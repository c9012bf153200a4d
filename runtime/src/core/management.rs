//! The commands of a project binary (`cargo run -- <command>`): Django's `manage.py`.

use std::net::{SocketAddr, ToSocketAddrs};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::Project;
use crate::conf::{self, Settings};
use crate::urls::Resolver;

#[derive(Parser)]
#[command(
    about = "Manage this rjango project: the project binary's commands (Django's manage.py).",
    disable_help_subcommand = false
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the project over HTTP (default 127.0.0.1:8000).
    ///
    /// The project binary serves without reloading; `rjango runserver` rebuilds and restarts it
    /// when files change.
    Runserver {
        /// Port, or address:port (`8001`, `0.0.0.0:8000`, `[::1]:8000`).
        #[arg(default_value = "127.0.0.1:8000")]
        addrport: String,
        /// Accepted for Django compatibility; the project binary never reloads by itself.
        #[arg(long)]
        noreload: bool,
        /// Worker threads (default: one per CPU core).
        #[arg(long)]
        workers: Option<usize>,
        /// Do not print a line per request.
        #[arg(long)]
        quiet: bool,
    },
    /// Apply (or unapply) migrations: `migrate`, `migrate blog`, `migrate blog 0002`,
    /// `migrate blog zero`.
    Migrate {
        /// Only this app's migrations
        app_label: Option<String>,
        /// Migrate to this migration (a name or a unique prefix; `zero` unapplies all)
        migration_name: Option<String>,
        /// Record the migrations as applied (or unapplied) without running their SQL
        #[arg(long)]
        fake: bool,
        /// Show the operations that would run, and stop
        #[arg(long)]
        plan: bool,
        /// The DATABASES alias
        #[arg(long, default_value = "default")]
        database: String,
        /// Accepted for Django compatibility: migrate never asks
        #[arg(long, visible_alias = "no-input")]
        noinput: bool,
    },
    /// List each app's migrations: [X] applied, [ ] not.
    Showmigrations {
        app_labels: Vec<String>,
        #[arg(long, default_value = "default")]
        database: String,
    },
    /// Print the SQL of a migration for the configured database.
    Sqlmigrate {
        app_label: String,
        /// A migration name or a unique prefix (0002)
        migration_name: String,
        /// The SQL that unapplies it
        #[arg(long)]
        backwards: bool,
        #[arg(long, default_value = "default")]
        database: String,
    },
    /// Check the project for problems (settings, URL patterns) without serving.
    Check {
        /// Also apply the production checks, as with DEBUG off.
        #[arg(long)]
        deploy: bool,
    },
}

/// Runs the command named on the command line: Django's `execute_from_command_line`.
pub fn execute_from_command_line(project: Project) -> ExitCode {
    let command = Cli::command().name(project.name).bin_name(project.name);
    let matches = match command.try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(2);
        }
    };
    match run(project, cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run(project: Project, command: Command) -> Result<(), String> {
    // A setting read from a malformed environment variable (DEBUG=maybe) stops every command.
    conf::env::check().map_err(|e| e.to_string())?;
    match command {
        Command::Migrate {
            app_label,
            migration_name,
            fake,
            plan,
            database,
            ..
        } => {
            conf::configure((project.settings)());
            super::migrate::migrate(project, app_label, migration_name, fake, plan, &database)
        }
        Command::Showmigrations {
            app_labels,
            database,
        } => {
            conf::configure((project.settings)());
            super::migrate::showmigrations(project, &app_labels, &database)
        }
        Command::Sqlmigrate {
            app_label,
            migration_name,
            backwards,
            database,
        } => {
            conf::configure((project.settings)());
            super::migrate::sqlmigrate(project, &app_label, &migration_name, backwards, &database)
        }
        Command::Check { deploy } => {
            let settings = (project.settings)();
            let checked = if deploy {
                Settings {
                    DEBUG: false,
                    ..settings.clone()
                }
            } else {
                settings.clone()
            };
            checked.check().map_err(|e| format!("CommandError: {e}"))?;
            conf::configure(settings);
            Resolver::install((project.root_urlconf)());
            let migrations = (project.migrations)();
            let state = crate::db::migrations::project_state(&migrations)
                .map_err(|e| format!("CommandError: the migrations do not replay: {e}"))?;
            let apps: std::collections::BTreeSet<&str> =
                migrations.iter().map(|m| m.app_label.as_str()).collect();
            let plural =
                |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
            println!(
                "{} in {} {} to {}.",
                plural(migrations.len(), "migration"),
                plural(apps.len(), "app"),
                if migrations.len() == 1 {
                    "replays"
                } else {
                    "replay"
                },
                plural(state.models.len(), "model")
            );
            system_checks(project, &state)
        }
        Command::Runserver {
            addrport,
            workers,
            quiet,
            ..
        } => {
            let addr = parse_addrport(&addrport)?;
            let settings = conf::configure((project.settings)());
            settings.check().map_err(|e| format!("CommandError: {e}"))?;
            Resolver::install((project.root_urlconf)());
            let workers = workers
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            println!("Performing system checks...\n");
            let state = crate::db::migrations::project_state(&(project.migrations)())
                .map_err(|e| format!("CommandError: the migrations do not replay: {e}"))?;
            system_checks(project, &state)?;
            let banner = format!(
                "{}\nrjango version {}, using settings '{}::settings'\nStarting development server at http://{addr}/\nQuit the server with CONTROL-C.",
                crate::log::timestamp(),
                env!("CARGO_PKG_VERSION"),
                project.name
            );
            crate::server::serve(settings, addr, workers, !quiet, || println!("{banner}"))
                .map_err(|e| format!("Error: {e}"))
        }
    }
}

/// The system checks of the models against the migrations, reported as Django reports them:
/// an error stops the command (Django's SystemCheckError), warnings are printed.
fn system_checks(
    project: Project,
    state: &crate::db::migrations::ProjectState,
) -> Result<(), String> {
    let settings = (project.settings)();
    let messages = super::checks::check_models(&settings.INSTALLED_APPS, state);
    let report = super::checks::report(&messages);
    if messages
        .iter()
        .any(|m| m.level == super::checks::Level::Error)
    {
        return Err(report);
    }
    println!("{report}");
    Ok(())
}

/// `8000`, `0.0.0.0:8000`, `localhost:8000`, `[::1]:8000`, as Django's runserver accepts them.
pub fn parse_addrport(text: &str) -> Result<SocketAddr, String> {
    let bad = || format!("CommandError: {text:?} is not a valid port number or address:port pair.");
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
        let port: u16 = text.parse().map_err(|_| bad())?;
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    text.to_socket_addrs()
        .map_err(|_| bad())?
        .next()
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::parse_addrport;

    #[test]
    fn addrports() {
        assert_eq!(
            parse_addrport("8001").unwrap().to_string(),
            "127.0.0.1:8001"
        );
        assert_eq!(
            parse_addrport("0.0.0.0:80").unwrap().to_string(),
            "0.0.0.0:80"
        );
        assert_eq!(
            parse_addrport("[::1]:8000").unwrap().to_string(),
            "[::1]:8000"
        );
        assert!(parse_addrport("99999").is_err());
        assert!(parse_addrport("nope").is_err());
    }
}
