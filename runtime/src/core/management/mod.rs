//! The commands of a project binary (`cargo run -- <command>`): Django's `manage.py`, with the
//! project's own commands beside the built-in ones ([`base`]).

pub mod base;
pub mod commands;

use std::net::{SocketAddr, ToSocketAddrs};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

pub use base::{BaseCommand, CommandError, CustomCommand};

use super::checks;

use crate::Project;
use crate::conf::{self, Settings};
use crate::urls::Resolver;

#[derive(Parser)]
#[command(
    about = "Manage this rjango project: the project binary's commands (Django's manage.py).",
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The built-in commands, by name: a project's own command may not take one of these names.
pub const BUILTIN_COMMANDS: &[&str] = &[
    "changepassword",
    "check",
    "clearsessions",
    "collectstatic",
    "createsuperuser",
    "dbshell",
    "diffsettings",
    "dumpdata",
    "flush",
    "help",
    "loaddata",
    "migrate",
    "remove_stale_contenttypes",
    "runserver",
    "showmigrations",
    "sqlmigrate",
];

/// The built-in commands that belong to a contrib app: (command, app).
const APP_COMMANDS: &[(&str, &str)] = &[
    ("changepassword", "rjango.contrib.auth"),
    ("clearsessions", "rjango.contrib.sessions"),
    ("collectstatic", "rjango.contrib.staticfiles"),
    ("createsuperuser", "rjango.contrib.auth"),
    ("remove_stale_contenttypes", "rjango.contrib.contenttypes"),
];

#[derive(Subcommand)]
enum Command {
    /// List the commands, or show one's help (Django's `manage.py help`).
    Help {
        /// The command to show the help of
        command: Option<String>,
        /// Only the commands' names, one a line
        #[arg(long)]
        commands: bool,
    },
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
        /// Serve without running the system checks first (Django's `--skip-checks`): for a
        /// deployment whose pipeline ran `check` already.
        #[arg(long)]
        skip_checks: bool,
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
        /// Show the operations that would run, with what each risks on this database, and stop
        #[arg(long)]
        plan: bool,
        /// Check the operations that would run for what could lose data, lock a table or break
        /// the release still serving; exit 1 if any would, without applying anything
        #[arg(long, conflicts_with_all = ["plan", "fake"])]
        check_safety: bool,
        /// With --check-safety: a migration whose warnings you have dealt with (app.0002_name);
        /// its operations are listed but do not fail the check. Repeatable
        #[arg(long, value_name = "APP.MIGRATION", requires = "check_safety")]
        accept: Vec<String>,
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
        /// Every migration in the order migrate applies it, instead of by app
        #[arg(short, long)]
        plan: bool,
        /// With --plan, 2 also shows each migration's dependencies
        #[arg(short, long, default_value_t = 1)]
        verbosity: u8,
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
    /// Write the database's rows as a JSON fixture (Django's format), to stdout or --output.
    Dumpdata(commands::dumpdata::Options),
    /// Install fixtures (JSON, Django's format) into the database, in one transaction.
    Loaddata(commands::loaddata::Options),
    /// Delete the expired sessions of the database session backend (Django's
    /// `clearsessions`; run it from cron).
    Clearsessions,
    /// Copy the static files into STATIC_ROOT (with ManifestStaticFilesStorage, also under
    /// names made from their content, and staticfiles.json), after asking.
    Collectstatic {
        /// Do not ask
        #[arg(long, visible_alias = "no-input")]
        noinput: bool,
        /// Delete what STATIC_ROOT holds first
        #[arg(long)]
        clear: bool,
    },
    /// Create a superuser: asked at the terminal, or with --noinput from --username and the
    /// DJANGO_SUPERUSER_USERNAME, _EMAIL and _PASSWORD environment variables.
    Createsuperuser {
        /// The login of the superuser
        #[arg(long)]
        username: Option<String>,
        /// The email address of the superuser
        #[arg(long)]
        email: Option<String>,
        /// Ask nothing: the values come from the options and DJANGO_SUPERUSER_* variables
        #[arg(long, visible_alias = "no-input")]
        noinput: bool,
        /// The DATABASES alias
        #[arg(long, default_value = "default")]
        database: String,
    },
    /// Delete the content types of models the project no longer has, with the permissions on
    /// them, after asking.
    #[command(name = "remove_stale_contenttypes")]
    RemoveStaleContenttypes {
        /// Do not ask
        #[arg(long, visible_alias = "no-input")]
        noinput: bool,
        /// Also those of apps no longer in INSTALLED_APPS
        #[arg(long)]
        include_stale_apps: bool,
        /// The DATABASES alias
        #[arg(long, default_value = "default")]
        database: String,
        /// 2 names each content type deleted
        #[arg(short, long, default_value_t = 1)]
        verbosity: u8,
    },
    /// Change a user's password, asked twice at the terminal.
    Changepassword {
        /// The user (the system's username when left out)
        username: Option<String>,
        /// The DATABASES alias
        #[arg(long, default_value = "default")]
        database: String,
    },
    /// Remove every row from the database, after asking (Django's `flush`).
    Flush {
        /// Do not ask
        #[arg(long, visible_alias = "no-input")]
        noinput: bool,
        /// The DATABASES alias
        #[arg(long, default_value = "default")]
        database: String,
    },
    /// Run the database's own command-line client (sqlite3, psql, mysql) on it.
    Dbshell {
        /// The DATABASES alias
        #[arg(long, default_value = "default")]
        database: String,
        /// Arguments for the client, after `--`
        #[arg(last = true)]
        parameters: Vec<String>,
    },
    /// Show the settings that differ from the defaults.
    Diffsettings {
        /// Also show the settings that keep their default (marked `###`)
        #[arg(long)]
        all: bool,
        /// `hash` (Django's default) or `unified` (a diff)
        #[arg(long, default_value = "hash", value_parser = ["hash", "unified"])]
        output: String,
    },
    /// Check the project for problems (settings, URL patterns) without serving.
    Check {
        /// Also apply the production checks, as with DEBUG off.
        #[arg(long)]
        deploy: bool,
        /// Also run the checks that need this database (its backend's limits); repeatable
        #[arg(long = "database", value_name = "ALIAS")]
        databases: Vec<String>,
    },
}

/// The project binary's command line: the built-in commands and the project's own.
fn command_line(project: Project, custom: &[CustomCommand]) -> clap::Command {
    let mut command = Cli::command().name(project.name).bin_name(project.name);
    for c in custom {
        command = command.subcommand((c.command)().name(c.name));
    }
    command
}

/// Runs the command named on the command line: Django's `execute_from_command_line`.
pub fn execute_from_command_line(project: Project) -> ExitCode {
    let custom = (project.commands)();
    if let Some(c) = custom.iter().find(|c| BUILTIN_COMMANDS.contains(&c.name)) {
        eprintln!(
            "CommandError: the command `{name}` of app `{app}` (src/{app}/management/commands/{name}.rs) has the name of a built-in command: rename its file",
            name = c.name,
            app = c.app
        );
        return ExitCode::FAILURE;
    }
    let matches = match command_line(project, &custom).try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    // The settings, read once: a setting read from a malformed environment variable
    // (DEBUG=maybe) stops every command before it starts.
    conf::configure((project.settings)());
    if let Err(e) = conf::env::check() {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    if let Some((name, sub)) = matches.subcommand()
        && let Some(c) = custom.iter().find(|c| c.name == name)
    {
        return run_custom(project, c, sub);
    }
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(2);
        }
    };
    match run(project, cli.command, &custom) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// A project's own command, with the settings configured, the URLconf installed and the
/// system checks run (unless it opts out), as Django's BaseCommand.execute prepares them.
fn run_custom(project: Project, command: &CustomCommand, matches: &clap::ArgMatches) -> ExitCode {
    let prepared = (|| {
        Resolver::install((project.root_urlconf)());
        if command.system_checks {
            let state = crate::db::migrations::project_state(&(project.migrations)())
                .map_err(|e| format!("CommandError: the migrations do not replay: {e}"))?;
            let settings = conf::settings();
            let mut messages = checks::check_settings(settings);
            messages.extend(checks::check_models(&settings.INSTALLED_APPS, &state));
            if messages.iter().any(|m| m.level == checks::Level::Error) {
                return Err(checks::report(&messages));
            }
        }
        (command.parse)(matches).map_err(|e| e.to_string())
    })();
    let run = match prepared {
        Ok(run) => run,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    match crate::__private::block_on(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.returncode)
        }
    }
}

/// Django's `manage.py help`: every command, grouped by where it comes from.
fn help(
    project: Project,
    custom: &[CustomCommand],
    command: Option<&str>,
    names_only: bool,
) -> Result<(), String> {
    let mut line = command_line(project, custom);
    if let Some(name) = command {
        let Some(sub) = line.find_subcommand_mut(name) else {
            return Err(unknown_command(name, custom));
        };
        let mut sub = sub.clone().bin_name(format!("{} {name}", project.name));
        println!("{}", sub.render_long_help());
        return Ok(());
    }
    let mut groups: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    let installed = (project.settings)().INSTALLED_APPS;
    for name in BUILTIN_COMMANDS {
        // A contrib app's command is listed under the app, when it is installed, as Django's.
        match APP_COMMANDS.iter().find(|(command, _)| command == name) {
            Some((_, app)) if installed.contains(app) => groups
                .entry(crate::apps::label(app))
                .or_default()
                .push(name),
            Some(_) => {}
            None => groups.entry("rjango").or_default().push(name),
        }
    }
    for c in custom {
        groups.entry(c.app).or_default().push(c.name);
    }
    if names_only {
        let mut names: Vec<&str> = groups.values().flatten().copied().collect();
        names.sort_unstable();
        for name in names {
            println!("{name}");
        }
        return Ok(());
    }
    println!(
        "\nType '{} help <subcommand>' for help on a specific subcommand.\n\nAvailable subcommands:",
        project.name
    );
    for (group, mut names) in groups {
        names.sort_unstable();
        println!("\n[{group}]");
        for name in names {
            println!("    {name}");
        }
    }
    Ok(())
}

/// A contrib app's command exists only where the app is installed, as in Django.
fn app_installed(project: Project, command: &str, custom: &[CustomCommand]) -> Result<(), String> {
    let installed = (project.settings)().INSTALLED_APPS;
    match APP_COMMANDS.iter().find(|(c, _)| *c == command) {
        Some((_, app)) if !installed.contains(app) => Err(unknown_command(command, custom)),
        _ => Ok(()),
    }
}

/// Django's message for a command that does not exist, with the closest name.
fn unknown_command(name: &str, custom: &[CustomCommand]) -> String {
    let names = BUILTIN_COMMANDS
        .iter()
        .copied()
        .chain(custom.iter().map(|c| c.name));
    let mut message = format!("Unknown command: '{name}'.");
    if let Some(n) = rjango_schema::suggest::closest(name, names) {
        message.push_str(&format!(" Did you mean {n}?"));
    }
    message.push_str("\nType 'help' for usage.");
    message
}

fn run(project: Project, command: Command, custom: &[CustomCommand]) -> Result<(), String> {
    match command {
        Command::Help { command, commands } => help(project, custom, command.as_deref(), commands),
        Command::Flush { noinput, database } => commands::flush::run(project, &database, noinput),
        Command::Clearsessions => commands::clearsessions::run(project),
        Command::Collectstatic { noinput, clear } => {
            commands::collectstatic::run(project, noinput, clear)
        }
        Command::Createsuperuser {
            username,
            email,
            noinput,
            database,
        } => {
            app_installed(project, "createsuperuser", custom)?;
            crate::contrib::auth::management::commands::createsuperuser::run(
                project,
                crate::contrib::auth::management::commands::createsuperuser::Options {
                    username,
                    email,
                    noinput,
                    database,
                },
            )
        }
        Command::RemoveStaleContenttypes {
            noinput,
            include_stale_apps,
            database,
            verbosity,
        } => {
            app_installed(project, "remove_stale_contenttypes", custom)?;
            crate::contrib::contenttypes::management::commands::remove_stale_contenttypes::run(
                project,
                crate::contrib::contenttypes::management::commands::remove_stale_contenttypes::Options {
                    noinput,
                    include_stale_apps,
                    database,
                    verbosity,
                },
            )
        }
        Command::Changepassword { username, database } => {
            app_installed(project, "changepassword", custom)?;
            crate::contrib::auth::management::commands::changepassword::run(
                project, username, database,
            )
        }
        Command::Dumpdata(options) => commands::dumpdata::run(project, &options),
        Command::Loaddata(options) => commands::loaddata::run(project, &options),
        Command::Dbshell {
            database,
            parameters,
        } => {
            let settings = conf::configure((project.settings)());
            match commands::dbshell::run(settings, &database, &parameters)? {
                0 => Ok(()),
                code => std::process::exit(i32::from(code)),
            }
        }
        Command::Diffsettings { all, output } => {
            let lines = commands::diffsettings::diff(
                &(project.settings)(),
                &Settings::default(),
                all,
                output == "unified",
            );
            println!("{}", lines.join("\n"));
            Ok(())
        }
        Command::Migrate {
            app_label,
            migration_name,
            fake,
            plan,
            check_safety,
            accept,
            database,
            ..
        } => {
            conf::configure((project.settings)());
            let mode = match (plan, check_safety) {
                (true, _) => super::migrate::Mode::Plan,
                (_, true) => super::migrate::Mode::CheckSafety { accepted: accept },
                _ => super::migrate::Mode::Apply,
            };
            super::migrate::migrate(project, app_label, migration_name, fake, mode, &database)
        }
        Command::Showmigrations {
            app_labels,
            database,
            plan,
            verbosity,
        } => {
            conf::configure((project.settings)());
            super::migrate::showmigrations(project, &app_labels, &database, plan, verbosity)
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
        Command::Check { deploy, databases } => {
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
            let mut messages = Vec::new();
            if deploy {
                messages.extend(checks::check_deploy(conf::settings()));
            }
            for alias in &databases {
                let conn = crate::__private::block_on(crate::db::Connection::open(alias))
                    .map_err(|e| format!("CommandError: {e}"))?;
                messages.extend(checks::check_database(&state, &conn));
            }
            system_checks(project, &state, messages)
        }
        Command::Runserver {
            addrport,
            workers,
            quiet,
            skip_checks,
            ..
        } => {
            let addr = parse_addrport(&addrport)?;
            let settings = conf::configure((project.settings)());
            settings.check().map_err(|e| format!("CommandError: {e}"))?;
            Resolver::install((project.root_urlconf)());
            let workers = workers
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            if !skip_checks {
                println!("Performing system checks...\n");
                let state = crate::db::migrations::project_state(&(project.migrations)())
                    .map_err(|e| format!("CommandError: the migrations do not replay: {e}"))?;
                system_checks(project, &state, Vec::new())?;
            }
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
    mut messages: Vec<checks::CheckMessage>,
) -> Result<(), String> {
    let settings = (project.settings)();
    messages.splice(0..0, checks::check_models(&settings.INSTALLED_APPS, state));
    messages.splice(0..0, checks::check_settings(&settings));
    let report = checks::report(&messages);
    if messages.iter().any(|m| m.level == checks::Level::Error) {
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
