//! The command line, as clap types: every command and argument with the help it prints.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::reload::{AddrPort, parse_addrport};

/// Told under each pass-through command: how to reach the project binary's own help.
const PASS_THROUGH_HELP: &str =
    "Arguments go to the project binary unchanged; `rjango migrate -- --help` shows its own help.";

/// Django's developer experience in Rust.
#[derive(Debug, Parser)]
#[command(
    name = "rjango",
    version,
    about = "Django's developer experience in Rust: create projects and apps, generate code, run the dev server",
    long_about = "rjango is Django's workflow for Rust web projects: `rjango startproject` and \
`rjango startapp` lay out a project the way Django does, `rjango runserver` rebuilds and \
restarts it as you edit, and the commands that need the compiled project (check) \
run through its binary after regenerating and building it.\n\n\
Example:\n    rjango startproject mysite\n    cd mysite\n    rjango startapp blog\n    rjango runserver",
    after_help = "Run `rjango <command> --help` for the details of a command. Any other command \
is the project's own (src/<app>/management/commands/<name>.rs): `rjango <name>` builds the project \
and runs it; the project binary's own `help` (`cargo run -- help`) lists every command of the project.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new project: Cargo.toml, settings, URLconf and the generated code
    #[command(
        name = "startproject",
        long_about = "Creates an rjango project: Cargo.toml, build.rs, src/main.rs (the project's \
manage.py), src/settings.rs with a fresh development SECRET_KEY, src/urls.rs (the root URLconf), \
templates/base.html, static/ and the generated code in src/generated/.\n\n\
Without DIRECTORY the project is created in ./NAME/. With DIRECTORY the files go there; it must \
not exist yet or be empty, unless --force is given. Existing files are never overwritten, even \
with --force. NAME must be a Rust identifier that is not a keyword and not the name of a crate \
the project uses (std, tokio, serde, rjango, ...).\n\n\
Examples:\n    rjango startproject mysite\n    rjango startproject mysite .          # into the current (empty) directory"
    )]
    Startproject(StartProject),

    /// Create an app in the current project and register it
    #[command(
        name = "startapp",
        long_about = "Creates an app in the current project: src/NAME/ with mod.rs, models.rs, \
views.rs, urls.rs, admin.rs, tests.rs and migrations/, plus templates/NAME/. Then registers it: \
\"NAME\" in INSTALLED_APPS (src/settings.rs), `mod NAME;` (src/main.rs) and \
`include(\"NAME/\", crate::NAME::urls)` in the root URLconf (src/urls.rs), editing only those \
lines so your own code and comments stay as they are.\n\n\
When one of those places cannot be found, the file is left untouched and the exact line to add \
is printed as a warning; the command still succeeds (exit 0). When one of the three files does \
not parse, its file:line:col is printed, the line to add is shown, and the command exits 1 after \
creating the app, since the project would not build as it is.\n\n\
Example:\n    rjango startapp blog"
    )]
    Startapp(StartApp),

    /// Regenerate src/generated/, or write code for a model (`generate crud`)
    #[command(
        long_about = "Without a subcommand: regenerates src/generated/ (the app registry and the \
typed reverse functions of every named route) from src/settings.rs and the URLconfs. A project's \
build.rs does the same on every `cargo build`; run this to see what changed, or to check \
declarations without building. Files whose contents did not change are not rewritten.\n\n\
`rjango generate crud APP MODEL` writes the pages that list, show, create, update and delete a \
model's rows into the app, as your own code to edit (see `rjango generate crud --help`).\n\n\
Examples:\n    rjango generate\n    rjango generate crud blog Post",
        args_conflicts_with_subcommands = true
    )]
    Generate(Generate),

    /// Copy one of rjango's templates into templates/, to override it
    #[command(
        name = "copytemplate",
        long_about = "Writes a copy of one of rjango's own templates (the admin's `admin/change_list.html` and the others, the auth pages' `registration/login.html` and the others) into the project's templates/, where askama finds it before rjango's: the project's page from then on, to edit. An existing file is kept unless --force is given.

Examples:
    rjango copytemplate admin/change_list.html
    rjango copytemplate registration/login.html --force"
    )]
    Copytemplate(CopyTemplate),

    /// Create new migrations from the changes to the models (Django's makemigrations)
    #[command(
        name = "makemigrations",
        long_about = "Reads every installed app's src/<app>/models.rs and its migration files (no \
compile and no database needed), works out what changed the way Django's autodetector does, and \
writes new migration files to src/<app>/migrations/: 0001_initial, then names from the \
operations (0002_post_views, 0003_remove_post_body, 0004_rename_title_post_headline).\n\n\
Where Django asks, it asks: whether a field or a model was renamed, and for a one-off default \
when a non-null field is added to an existing model or a nullable field becomes non-null. With \
--noinput no rename is assumed and a missing default is an error.\n\n\
Examples:\n    rjango makemigrations\n    rjango makemigrations blog --name add_views\n    \
rjango makemigrations --check          # in CI: exit 1 when models have changes without migrations\n    \
rjango makemigrations blog --empty     # a migration to write RunSql/RunRust into"
    )]
    Makemigrations(MakeMigrations),

    /// Squash an app's migrations into one (Django's squashmigrations)
    #[command(
        name = "squashmigrations",
        long_about = "Writes one migration that replaces an app's migrations from START (default: \
its first) to END: their operations, optimized as Django's optimizer does (a model created and \
then changed is created as it ends up; a field added then removed is nothing). The old files stay: \
a database that applied some of them goes on with them, a new one runs the squashed migration. \
Once every database has applied them all, delete them and remove `replaces`.\n\n\
Examples:\n    rjango squashmigrations blog 0004\n    rjango squashmigrations blog 0002 0004 --squashed-name tidy"
    )]
    Squashmigrations(SquashMigrations),

    /// Build and serve the project, rebuilding and restarting it when a file changes
    #[command(
        name = "runserver",
        long_about = "Regenerates the code, builds the project with cargo and starts its server \
on ADDRPORT (default 127.0.0.1:8000). While it runs, changes under src/ and templates/ trigger a \
rebuild; the new server replaces the old one only when the build succeeds, so a typo never takes \
the site down. Quit with CONTROL-C.\n\n\
Examples:\n    rjango runserver\n    rjango runserver 8001\n    rjango runserver 0.0.0.0:8000\n    rjango runserver --noreload"
    )]
    Runserver(RunServer),

    /// Check the project for problems (runs the project binary's `check`)
    #[command(after_help = PASS_THROUGH_HELP, long_about = "Regenerates the code, builds the project quietly and runs its \
`check` command: settings and URLconfs are validated. Arguments after `check` are passed to the \
project binary as they are.\n\nExample:\n    rjango check")]
    Check(PassThrough),

    /// Apply migrations to the database (runs the project binary's `migrate`)
    #[command(after_help = PASS_THROUGH_HELP, long_about = "Regenerates the code, builds the project quietly and runs its \
`migrate` command with the arguments given, exiting with its exit code.\n\n\
Examples:\n    rjango migrate\n    rjango migrate blog 0002\n    rjango migrate blog zero\n    rjango migrate --plan\n    rjango migrate blog 0001 --fake")]
    Migrate(PassThrough),

    /// List migrations and whether they are applied (runs the project binary's `showmigrations`)
    #[command(after_help = PASS_THROUGH_HELP, long_about = "Regenerates the code, builds the project quietly and runs its \
`showmigrations` command: [X] applied, [ ] not.\n\nExample:\n    rjango showmigrations blog")]
    Showmigrations(PassThrough),

    /// Run the project's tests, each database test on a migrated test database (Django's `test`)
    #[command(
        long_about = "Regenerates the code and runs the project's tests with `cargo test`. Tests marked #[rjango::test(db)] run in a transaction rolled back at their end (Django's TestCase), #[rjango::test(transaction)] ones commit and the tables are emptied after (TransactionTestCase), on test databases made for the run: in memory for SQLite, `test_<NAME>` on PostgreSQL and MySQL/MariaDB, dropped when the tests end. Your own database is never touched.\n\n\
LABELS pick tests as Django's do: an app (`blog`), a module (`blog.tests`) or one test \
(`blog.tests.index_answers`). Arguments after `--` go to the test binaries.\n\n\
Examples:\n    rjango test\n    rjango test blog\n    rjango test blog.tests.index_answers -- --nocapture"
    )]
    Test(TestArgs),

    /// Print the SQL of a migration (runs the project binary's `sqlmigrate`)
    #[command(after_help = PASS_THROUGH_HELP, long_about = "Regenerates the code, builds the project quietly and runs its \
`sqlmigrate` command: the SQL a migration runs on the configured database.\n\n\
Examples:\n    rjango sqlmigrate blog 0002\n    rjango sqlmigrate blog 0002 --backwards")]
    Sqlmigrate(PassThrough),

    /// Write the database's rows as a JSON fixture (runs the project binary's `dumpdata`)
    #[command(after_help = PASS_THROUGH_HELP, long_about = "Regenerates the code, builds the project quietly and runs its \
`dumpdata` command: the rows of every installed app (or of the apps and models named) in \
Django's JSON fixture format, byte for byte as Django writes it.\n\n\
Examples:\n    rjango dumpdata --indent 2 > all.json\n    rjango dumpdata blog.Post -o posts.json\n    rjango dumpdata blog -e blog.Tag")]
    Dumpdata(PassThrough),

    /// Install JSON fixtures into the database (runs the project binary's `loaddata`)
    #[command(after_help = PASS_THROUGH_HELP, long_about = "Regenerates the code, builds the project quietly and runs its \
`loaddata` command: each fixture (a path, or a name found in src/<app>/fixtures/, FIXTURE_DIRS \
or the current directory) is installed in one transaction, rows updated or inserted by key.\n\n\
Examples:\n    rjango loaddata initial_data\n    rjango loaddata ./exports/posts.json")]
    Loaddata(PassThrough),

    /// Empty every table of the installed apps (runs the project binary's `flush`)
    #[command(after_help = PASS_THROUGH_HELP, long_about = "Regenerates the code, builds the project quietly and runs its \
`flush` command, which asks Django's question first (`--noinput` does not ask). The table of \
applied migrations is kept.\n\nExample:\n    rjango flush --noinput")]
    Flush(PassThrough),

    /// Open the database's own client: sqlite3, psql or mysql (runs the project binary's `dbshell`)
    #[command(
        long_about = "Regenerates the code, builds the project quietly and runs its \
`dbshell` command, which starts the database's command-line client on the configured database; \
arguments after `--` go to the client.\n\nExamples:\n    rjango dbshell\n    rjango dbshell -- -c 'SELECT 1'"
    )]
    Dbshell(Dbshell),

    /// Show the settings that differ from the defaults (runs the project binary's `diffsettings`)
    #[command(after_help = PASS_THROUGH_HELP, long_about = "Regenerates the code, builds the project quietly and runs its \
`diffsettings` command.\n\nExamples:\n    rjango diffsettings\n    rjango diffsettings --all --output unified")]
    Diffsettings(PassThrough),

    /// Any other command is the project's own (src/<app>/management/commands/<name>.rs)
    #[command(external_subcommand)]
    External(Vec<String>),
}

#[derive(Debug, Args)]
pub struct CopyTemplate {
    /// The template, as rjango names it: admin/change_list.html
    pub template: String,
    /// Replace the project's file if it has one
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct MakeMigrations {
    /// Only these apps (default: every installed app)
    pub apps: Vec<String>,
    /// Show what would be written, without writing (with -v 3, the files too)
    #[arg(long)]
    pub dry_run: bool,
    /// Exit with status 1 when migrations are missing, without writing them
    #[arg(long)]
    pub check: bool,
    /// The migration's name instead of the one suggested (0002_NAME)
    #[arg(short, long)]
    pub name: Option<String>,
    /// Write an empty migration for each given app (for RunSql / RunRust)
    #[arg(long)]
    pub empty: bool,
    /// Fix conflicting migrations (two leaves in an app) with a merge migration
    #[arg(long)]
    pub merge: bool,
    /// Never ask: assume no renames, and fail when a default is missing
    #[arg(long, visible_alias = "no-input")]
    pub noinput: bool,
    /// 0 = quiet, 1 = normal, 2 = verbose, 3 = also print the migration files (with --dry-run)
    #[arg(short, long, default_value_t = 1)]
    pub verbosity: u8,
}

#[derive(Debug, Args)]
pub struct SquashMigrations {
    /// The app whose migrations to squash
    pub app_label: String,
    /// The first migration to squash (name or unique prefix); with END given
    #[arg(value_name = "START")]
    pub start_migration_name: Option<String>,
    /// The last migration to squash (name or unique prefix)
    #[arg(value_name = "END")]
    pub migration_name: Option<String>,
    /// The squashed migration's name (0001_NAME)
    #[arg(long)]
    pub squashed_name: Option<String>,
    /// Keep every operation as it is
    #[arg(long)]
    pub no_optimize: bool,
    /// Do not ask before writing
    #[arg(long, visible_alias = "no-input")]
    pub noinput: bool,
}

#[derive(Debug, Args)]
pub struct StartProject {
    /// The project's name: its Cargo package and crate name (e.g. mysite)
    pub name: String,
    /// Where to write the project (default: ./NAME); must not exist or be empty
    pub directory: Option<PathBuf>,
    /// Write into a non-empty DIRECTORY (existing files are still never overwritten)
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct Generate {
    #[command(subcommand)]
    pub what: Option<GenerateWhat>,
}

#[derive(Debug, Subcommand)]
pub enum GenerateWhat {
    /// Write list, detail, create, update and delete pages for a model into its app
    #[command(
        long_about = "Writes the pages that list, show, create, update and delete the rows of a \
model of the app's models.rs, as the code a Django user writes by hand, on rjango's generic views \
and forms, yours to edit from then on:\n\n\
- src/APP/forms.rs: `MODELForm`, a ModelForm of the chosen fields (the file and its \
`pub mod forms;` are created when missing);\n\
- src/APP/views.rs: the pages (`rjango::page!`) and `MODELList` (20 to a page), \
`MODELDetail`, `MODELCreate`, `MODELUpdate` and `MODELDelete`, with success messages and \
success URLs that reverse by name;\n\
- src/APP/urls.rs: five routes named `model-list`, `model-detail`, `model-create`, \
`model-update` and `model-delete`;\n\
- templates/APP/model_list.html, _detail.html, _form.html and _confirm_delete.html, extending \
base.html;\n\
- src/APP/tests.rs: tests of the pages (and of the API) that need no rows, passing as written.\n\n\
Code is added to the end of your files and `use` lines after yours; nothing else in them \
changes. What exists already (a view, form or test of the same name, a template) is kept and \
reported, unless --force is given; a route of the same name is always kept. The project's build then checks every generated name.\n\n\
Examples:\n    rjango generate crud blog Post\n    rjango generate crud blog Post --fields title,body --api"
    )]
    Crud(Crud),
}

#[derive(Debug, Args)]
pub struct Crud {
    /// The app whose models.rs declares the model (e.g. blog)
    pub app: String,
    /// The model, as declared (e.g. Post)
    pub model: String,
    /// The fields the form edits, comma-separated (default: every field a form can edit)
    #[arg(long, value_delimiter = ',', value_name = "FIELD,...")]
    pub fields: Option<Vec<String>>,
    /// Also write JSON views: `api/model/` (GET a page, POST) and `api/model/<pk>/` (GET, PUT,
    /// PATCH, DELETE), validated by the same form, answering 400 with the field errors
    #[arg(long)]
    pub api: bool,
    /// Replace what a previous run wrote (views, form, tests, templates), your edits to them
    /// included, instead of keeping it
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct StartApp {
    /// The app's name: its module under src/ and its URL namespace (e.g. blog)
    pub name: String,
    /// A directory of the project to add the app to (default: the current directory)
    pub directory: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RunServer {
    /// Port, or address:port, to listen on: 8001, 0.0.0.0:8001, [::1]:8000
    #[arg(value_name = "ADDRPORT", default_value = "127.0.0.1:8000", value_parser = parse_addrport)]
    pub addrport: AddrPort,
    /// Serve without watching for changes
    #[arg(long)]
    pub noreload: bool,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Tests to run: an app, app.module or app.module.test (default: all)
    pub labels: Vec<String>,
    /// Passed to the test binaries (after `--`): --nocapture, --test-threads N, ...
    #[arg(last = true)]
    pub args: Vec<String>,
}

#[derive(Debug, Args)]
pub struct Dbshell {
    /// The DATABASES alias
    #[arg(long, default_value = "default")]
    pub database: String,
    /// Arguments for the client, after `--`
    #[arg(last = true)]
    pub parameters: Vec<String>,
}

#[derive(Debug, Args)]
pub struct PassThrough {
    /// Arguments passed on to the project binary's command
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    pub args: Vec<String>,
}

impl Command {
    /// The name a pass-through command has in the project binary, and its arguments there.
    pub fn project_command(&self) -> Option<(&str, Vec<String>)> {
        let pass = |name, p: &PassThrough| Some((name, p.args.clone()));
        match self {
            Command::Dbshell(d) => {
                let mut args = vec!["--database".to_owned(), d.database.clone()];
                if !d.parameters.is_empty() {
                    args.push("--".to_owned());
                    args.extend(d.parameters.iter().cloned());
                }
                Some(("dbshell", args))
            }
            Command::Check(p) => pass("check", p),
            Command::Migrate(p) => pass("migrate", p),
            Command::Showmigrations(p) => pass("showmigrations", p),
            Command::Sqlmigrate(p) => pass("sqlmigrate", p),
            Command::Dumpdata(p) => pass("dumpdata", p),
            Command::Loaddata(p) => pass("loaddata", p),
            Command::Flush(p) => pass("flush", p),
            Command::Diffsettings(p) => pass("diffsettings", p),
            Command::External(args) => args
                .split_first()
                .map(|(name, rest)| (name.as_str(), rest.to_vec())),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn pass_through_keeps_flags() {
        let cli = Cli::try_parse_from(["rjango", "check", "--deploy", "-v", "2"]).unwrap();
        let (name, args) = cli.command.project_command().unwrap();
        assert_eq!(name, "check");
        assert_eq!(args, ["--deploy", "-v", "2"]);
    }

    /// The client's arguments stay behind `--`, so the project's dbshell hands them on
    /// instead of reading them as its own.
    #[test]
    fn dbshell_keeps_the_clients_arguments_apart() {
        let cli = Cli::try_parse_from(["rjango", "dbshell", "--", "-c", "SELECT 1"]).unwrap();
        let (name, args) = cli.command.project_command().unwrap();
        assert_eq!(name, "dbshell");
        assert_eq!(args, ["--database", "default", "--", "-c", "SELECT 1"]);
    }
}
