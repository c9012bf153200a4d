//! A Django user's first day, end to end with the real CLI: the models.rs scaffold's example
//! taken as written, a models package, a command of one's own, fixtures that Django itself loads
//! and dumps (Django 5.2 from PyPI) byte for byte like rjango, the everyday manage.py commands,
//! the checks that catch a model without a migration, and project tests on a test database.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use support::project;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/first_day");

struct Built {
    _dir: tempfile::TempDir,
    root: PathBuf,
    binary: PathBuf,
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(FIXTURES).join(name)).unwrap()
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The example model the models.rs scaffold shows, as code: what a newcomer gets by taking
/// the comment at its word.
fn scaffold_example(models_rs: &str) -> String {
    let lines: Vec<&str> = models_rs
        .lines()
        .map(|l| l.strip_prefix("//!").unwrap_or(l))
        .collect();
    let start = lines
        .iter()
        .position(|l| l.trim() == "```text")
        .expect("an example block")
        + 1;
    let end = start
        + lines[start..]
            .iter()
            .position(|l| l.trim() == "```")
            .unwrap();
    lines[start..end]
        .iter()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The project: `notes` (the scaffold's example), `blog` (a command of its own, the fixture
/// models), `shop` (a models package), migrated by makemigrations; built once per run.
fn first_day() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let root = project::startproject(dir.path(), "firstday");
        for app in ["notes", "blog", "shop"] {
            project::run_rjango(&root, &["startapp", app]);
        }
        let scaffold = std::fs::read_to_string(root.join("src/notes/models.rs")).unwrap();
        let example = scaffold_example(&scaffold);
        assert!(example.contains("#[model("), "{example}");
        write(&root, "src/notes/models.rs", &example);
        write(&root, "src/blog/models.rs", &fixture("blog_models.rs"));
        write(
            &root,
            "src/blog/management/commands/feature.rs",
            &fixture("feature.rs"),
        );
        std::fs::remove_file(root.join("src/shop/models.rs")).unwrap();
        write(
            &root,
            "src/shop/models/mod.rs",
            &fixture("shop_models_mod.rs"),
        );
        write(&root, "src/shop/models/item.rs", &fixture("shop_item.rs"));
        let made = project::run_rjango(&root, &["makemigrations", "--noinput"]);
        for file in [
            "notes/migrations/0001_initial.rs",
            "blog/migrations/0001_initial.rs",
            "shop/migrations/0001_initial.rs",
        ] {
            assert!(made.contains(file), "{made}");
        }
        let binary = project::build(&root, "firstday");
        Built {
            _dir: dir,
            root,
            binary,
        }
    })
}

/// A copy of the built project as a package of its own named `name` (so the shared build is
/// not disturbed), without its database; with `every_driver`, PostgreSQL's and MySQL's
/// compiled in, as the e2e tests' seed project has them (the same build of rjango).
fn copy_of(built: &Built, name: &str, every_driver: bool) -> (tempfile::TempDir, PathBuf) {
    let copy = tempfile::tempdir().unwrap();
    let root = copy.path().join(name);
    let status = Command::new("cp")
        .arg("-r")
        .arg(&built.root)
        .arg(&root)
        .status()
        .unwrap();
    assert!(status.success());
    let _ = std::fs::remove_file(root.join("db.sqlite3"));
    let mut toml = std::fs::read_to_string(root.join("Cargo.toml"))
        .unwrap()
        .replacen("name = \"firstday\"", &format!("name = \"{name}\""), 1);
    if every_driver {
        toml = toml.replacen(
            r#"features = ["sqlite"]"#,
            r#"features = ["sqlite", "postgres", "mysql"]"#,
            1,
        );
    }
    write(&root, "Cargo.toml", &toml);
    (copy, root)
}

/// A database of the test's own (tests run side by side): its DATABASE_URL.
struct Db {
    _dir: tempfile::TempDir,
    url: String,
}

fn own_db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/db.sqlite3", dir.path().display());
    Db { _dir: dir, url }
}

/// The project binary run with `args` in the project, on `db`, with DEBUG on; (exit code,
/// output).
fn manage(db: &Db, args: &[&str]) -> (Option<i32>, String) {
    manage_with(db, args, &[], None)
}

fn manage_with(
    db: &Db,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&str>,
) -> (Option<i32>, String) {
    let built = first_day();
    let mut cmd = Command::new(&built.binary);
    cmd.args(args)
        .current_dir(&built.root)
        .env("DEBUG", "true")
        .env("DATABASE_URL", &db.url)
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    (out.status.code(), combined(&out))
}

/// A finished command's stdout, then its stderr.
fn combined(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The models.rs scaffold's example, a models package and a typed CheckConstraint all get
/// migrations, and the compiled-in models agree with them (check); the settings' and the
/// migrations' everyday commands answer as Django's.
#[test]
fn the_scaffold_and_a_models_package_migrate_and_check() {
    let db = own_db();
    let (code, out) = manage(&db, &["check"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("7 migrations in 7 apps replay to 11 models"),
        "{out}"
    );
    assert!(
        out.contains("System check identified no issues (0 silenced)."),
        "{out}"
    );

    let (code, out) = manage(&db, &["migrate"]);
    assert_eq!(code, Some(0), "{out}");
    let (_, out) = manage(&db, &["showmigrations", "--plan"]);
    assert!(out.contains("[X]  notes.0001_initial\n"), "{out}");
    assert!(out.contains("[X]  shop.0001_initial\n"), "{out}");
    let (_, out) = manage(&db, &["showmigrations", "--plan", "-v", "2"]);
    assert!(
        out.contains("[X]  shop.0001_initial ... (blog.0001_initial)"),
        "{out}"
    );

    let (_, out) = manage(&db, &["diffsettings"]);
    assert!(out.contains("DEBUG = true"), "{out}");
    assert!(
        out.contains("INSTALLED_APPS = [\"rjango.contrib.admin\", \"rjango.contrib.auth\", \"rjango.contrib.contenttypes\", \"rjango.contrib.sessions\", \"rjango.contrib.messages\", \"rjango.contrib.staticfiles\", \"notes\", \"blog\", \"shop\"]"),
        "{out}"
    );
    assert!(
        !out.contains("APPEND_SLASH"),
        "defaults are left out: {out}"
    );

    // The typed check constraint is in the database.
    let (code, out) = manage(
        &db,
        &[
            "dbshell",
            "--",
            "INSERT INTO shop_item (name, stock) VALUES ('x', -1);",
        ],
    );
    assert_eq!(code, Some(19), "the client's own exit status: {out}");
    assert!(out.contains("CHECK constraint failed"), "{out}");
    assert!(out.contains("CommandError: \"sqlite3"), "{out}");
    let (code, out) = manage(&db, &["dbshell", "--", "SELECT COUNT(*) FROM shop_item;"]);
    assert_eq!((code, out.trim()), (Some(0), "0"));
    // Through the CLI too: what follows `--` reaches the client.
    let out = project::rjango()
        .args(["dbshell", "--", "SELECT COUNT(*) + 2 FROM shop_item;"])
        .current_dir(&first_day().root)
        .env("DEBUG", "true")
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert_eq!(
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).trim()
        ),
        (Some(0), "2"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // check --deploy: Django's deployment warnings, with its ids; warnings do not fail it.
    let key = "a-long-random-production-key-0123456789-abcdefghijklmnopqrstuvwxyz";
    let env = [("SECRET_KEY", key), ("ALLOWED_HOSTS", "example.com")];
    let (code, out) = manage_with(&db, &["check", "--deploy"], &env, None);
    assert_eq!(code, Some(0), "{out}");
    // What Django's startproject gets: HSTS, the SSL redirect, and the session and CSRF
    // cookies without Secure.
    for id in [
        "security.W004",
        "security.W008",
        "security.W012",
        "security.W016",
    ] {
        assert!(out.contains(&format!("({id})")), "{id} in {out}");
    }
    for id in ["security.W001", "security.W003"] {
        assert!(
            !out.contains(&format!("({id})")),
            "the security and CSRF middleware are listed: {out}"
        );
    }

    // A malformed DEBUG stops every command with a message, not a guess.
    let (code, out) = manage_with(&db, &["check"], &[("DEBUG", "maybe")], None);
    assert_eq!(code, Some(1));
    assert!(
        out.contains("the environment variable DEBUG=\"maybe\" is not a boolean"),
        "{out}"
    );
}

/// A command of one's own: listed by `help` under its app, run with its arguments by the
/// project binary and by `rjango`, with the database ready; a CommandError is Django's.
#[test]
fn a_management_command_of_ones_own() {
    let built = first_day();
    let db = own_db();
    let (_, out) = manage(&db, &["help"]);
    assert!(
        out.contains("Type 'firstday help <subcommand>' for help on a specific subcommand."),
        "{out}"
    );
    assert!(out.contains("[blog]\n    feature\n"), "{out}");
    assert!(out.contains("[rjango]\n    check\n"), "{out}");
    let (_, out) = manage(&db, &["help", "feature"]);
    assert!(out.contains("Marks the given posts as featured"), "{out}");
    assert!(out.contains("--undo"), "{out}");

    manage(&db, &["migrate"]);
    manage(&db, &["flush", "--noinput"]);
    let (code, out) = manage(
        &db,
        &["loaddata", &format!("{FIXTURES}/django_fixture.json")],
    );
    assert_eq!(
        (code, out.as_str()),
        (Some(0), "Installed 6 object(s) from 1 fixture(s)\n")
    );
    let (code, out) = manage(&db, &["feature", "2"]);
    assert_eq!(
        (code, out.as_str()),
        (Some(0), "Successfully featured post \"2\"\n")
    );
    let out = project::rjango()
        .args(["feature", "9"])
        .current_dir(&built.root)
        .env("DEBUG", "true")
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "CommandError: Post \"9\" does not exist\n"
    );
    let (code, out) = manage(&db, &["feature"]);
    assert_eq!(code, Some(2), "clap's usage error: {out}");
    // A typo is caught before anything is built, in Django's words.
    let out = project::rjango()
        .args(["featur", "2"])
        .current_dir(&built.root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: Unknown command: 'featur'. Did you mean feature? Type 'rjango help' for usage.\n"
    );

    // flush asks Django's question; anything but "yes" keeps the rows.
    let (code, out) = manage_with(&db, &["flush"], &[], Some("no\n"));
    assert_eq!(code, Some(0));
    assert!(
        out.contains("Type 'yes' to continue, or 'no' to cancel: Flush cancelled."),
        "{out}"
    );
    let (_, out) = manage(&db, &["dumpdata", "blog.author"]);
    assert!(
        out.starts_with(
            "[{\"model\": \"blog.author\", \"pk\": 1, \"fields\": {\"name\": \"Ada\"}}, "
        ),
        "{out}"
    );
    let (code, _) = manage(&db, &["flush", "--noinput"]);
    assert_eq!(code, Some(0));
    let (_, out) = manage(&db, &["dumpdata", "blog"]);
    assert_eq!(out, "[]");
}

/// A Django 5.2 virtualenv (from PyPI), made once under target/; None when it cannot be made.
fn django_python() -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/django-venv");
    let python = venv.join("bin/python");
    let ready = || {
        Command::new(&python)
            .args(["-c", "import django; assert django.VERSION[:2] == (5, 2)"])
            .status()
            .is_ok_and(|s| s.success())
    };
    if !ready() {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "Django==5.2.*"])
                .status()
                .is_ok_and(|s| s.success());
        if !made || !ready() {
            support::skip::skip(
                "the fixture compatibility test",
                "Django 5.2 could not be installed from PyPI",
            );
            return None;
        }
    }
    Some(python)
}

/// Django's loaddata/dumpdata against the same database: a fixture loaded by Django dumps the
/// same from rjango as from Django, and one loaded by rjango dumps the same from Django.
#[test]
fn fixtures_load_and_dump_as_djangos_do() {
    let Some(python) = django_python() else {
        return;
    };
    let db = own_db();
    let db_path = db._dir.path().join("db.sqlite3");
    let (code, out) = manage(&db, &["migrate"]);
    assert_eq!(code, Some(0), "{out}");
    let django = |command: &str, arg: &str| {
        let out = Command::new(&python)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/django_fixtures.py"))
            .args([db_path.to_str().unwrap(), command, arg])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "Django's {command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let fixture = format!("{FIXTURES}/django_fixture.json");
    let dumped = db._dir.path().join("django.json");

    // The stored values themselves, as SQLite keeps them (storage class and text).
    let stored = || {
        let out = Command::new("sqlite3")
            .arg(&db_path)
            .arg(
                "SELECT typeof(published), published, typeof(price), price FROM blog_post ORDER BY id;",
            )
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };

    // Django writes the rows; rjango reads them and writes Django's dump byte for byte.
    django("loaddata", &fixture);
    let django_stored = stored();
    assert!(
        django_stored.contains("text|2"),
        "Django's datetimes are text: {django_stored}"
    );
    django("dumpdata", dumped.to_str().unwrap());
    let from_django = std::fs::read_to_string(&dumped).unwrap();
    let (code, from_rjango) = manage(&db, &["dumpdata", "blog", "--indent", "2"]);
    assert_eq!(code, Some(0), "{from_rjango}");
    assert_eq!(from_rjango, from_django);
    assert_eq!(
        from_django,
        fixture_text(),
        "the fixture is in Django's own form"
    );

    // rjango writes the rows; Django reads them and dumps the same.
    let (code, out) = manage(&db, &["flush", "--noinput"]);
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = manage(&db, &["loaddata", &fixture]);
    assert_eq!(
        (code, out.as_str()),
        (Some(0), "Installed 6 object(s) from 1 fixture(s)\n")
    );
    assert_eq!(
        stored(),
        django_stored,
        "rjango stores each value as Django stores it"
    );
    django("dumpdata", dumped.to_str().unwrap());
    assert_eq!(std::fs::read_to_string(&dumped).unwrap(), fixture_text());
}

fn fixture_text() -> String {
    fixture("django_fixture.json")
}

/// A model added without makemigrations is caught by `check` before a request meets "no such
/// column"; a project's tests run on a migrated test database (`rjango test`).
#[test]
fn check_catches_a_model_without_its_migration_and_tests_run() {
    let built = first_day();
    let out = project::rjango()
        .args(["test", "blog"])
        .current_dir(&built.root)
        .output()
        .unwrap();
    let text = combined(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("test blog::tests::index_answers ... ok"),
        "{text}"
    );
    assert!(
        text.contains("Creating test database for alias 'default'..."),
        "{text}"
    );
    assert!(!text.contains("notes::tests"), "only blog's: {text}");

    // A copy of the project (a package of its own, so the shared build is not disturbed) whose
    // model gained a field nobody ran makemigrations for.
    let (_copy, root) = copy_of(built, "drift", false);
    let models = std::fs::read_to_string(root.join("src/notes/models.rs")).unwrap();
    write(
        &root,
        "src/notes/models.rs",
        &models.replacen(
            "pub body: TextField,",
            "pub body: TextField,\n    #[field(default = 0)]\n    pub likes: IntegerField,",
            1,
        ),
    );
    let binary = project::build(&root, "drift");
    // The drifted binary run in its project with DEBUG on: (exit code, output).
    let drift = |args: &[&str]| {
        let out = Command::new(&binary)
            .args(args)
            .current_dir(&root)
            .env("DEBUG", "true")
            .output()
            .unwrap();
        (out.status.code(), combined(&out))
    };
    let (code, text) = drift(&["check"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("notes.Post: (rjango.E003) The model has changes that are not yet reflected in a migration: no migration adds column(s) 'likes'."),
        "{text}"
    );
    assert!(
        text.contains("HINT: run `rjango makemigrations notes`, then `migrate`"),
        "{text}"
    );
    let (code, text) = drift(&["runserver", "127.0.0.1:1"]);
    assert_eq!(code, Some(1), "runserver refuses too: {text}");
    // --skip-checks goes on to listen: on a port taken here, which stops it with one line.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (code, text) = drift(&["runserver", &addr, "--skip-checks"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains(&format!("That port is already in use ({addr})")),
        "{text}"
    );
    assert!(!text.contains("Performing system checks"), "{text}");
    assert!(!text.contains("rjango.E003"), "{text}");
}

/// makemigrations never skips what looks like a model: a derive(Model) struct is an error at
/// its place.
#[test]
fn a_look_alike_model_is_named_not_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let root = project::startproject(dir.path(), "lookalike");
    project::run_rjango(&root, &["startapp", "blog"]);
    write(
        &root,
        "src/blog/models.rs",
        "use rjango::models::prelude::*;\n\n#[derive(Debug, Model)]\npub struct Post {\n    #[field(max_length = 200)]\n    pub title: CharField,\n}\n",
    );
    let out = project::rjango()
        .args(["makemigrations"])
        .current_dir(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("src/blog/models.rs:3:17: `Post` derives `Model`, which declares no model: a model is an attribute, `#[model]`"),
        "{stderr}"
    );
}

/// The project binary run on a pseudo-terminal (tests/support/pty_drive.py), answering each
/// prompt: (exit code, what the terminal showed).
fn on_a_terminal(db: &Db, answers: &[&str], args: &[&str]) -> (i32, String) {
    let built = first_day();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/pty_drive.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(&built.root)
        .args(answers)
        .arg("--")
        .arg(&built.binary)
        .args(args)
        .env("DEBUG", "true")
        .env("DATABASE_URL", &db.url)
        .output()
        .expect("python3 runs the pty driver");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// createsuperuser and changepassword as Django's: --noinput from DJANGO_SUPERUSER_*, the
/// questions at a terminal with Django's errors, and passwords Django itself accepts.
#[test]
fn createsuperuser_and_changepassword() {
    let db = own_db();
    let (code, out) = manage(&db, &["migrate"]);
    assert_eq!(code, Some(0), "{out}");

    let (code, out) = manage(&db, &["createsuperuser", "--noinput"]);
    assert_eq!(code, Some(1));
    assert!(
        out.contains("CommandError: You must use --username with --noinput."),
        "{out}"
    );
    let env = [
        ("DJANGO_SUPERUSER_USERNAME", "admin"),
        ("DJANGO_SUPERUSER_EMAIL", "admin@EXAMPLE.com"),
        ("DJANGO_SUPERUSER_PASSWORD", "admin-password"),
    ];
    let (code, out) = manage_with(&db, &["createsuperuser", "--noinput"], &env, None);
    assert_eq!(
        (code, out.trim()),
        (Some(0), "Superuser created successfully.")
    );
    let (code, out) = manage_with(&db, &["createsuperuser", "--noinput"], &env, None);
    assert_eq!(code, Some(1));
    assert!(
        out.contains("CommandError: Error: That username is already taken."),
        "{out}"
    );
    // Without a terminal and without --noinput: Django's notice, nothing made.
    let (code, out) = manage(&db, &["createsuperuser"]);
    assert_eq!(code, Some(0));
    assert!(
        out.contains("Superuser creation skipped due to not running in a TTY."),
        "{out}"
    );

    // At a terminal: a taken username, passwords that differ, then a good answer.
    let (code, screen) = on_a_terminal(
        &db,
        &[
            r"Username \(leave blank to use '[^']*'\): |Username: ",
            "admin",
            r"That username is already taken",
            "ada",
            r"Email address: ",
            "ada@example.com",
            r"Password: ",
            "first-secret",
            r"Password \(again\): ",
            "second-secret",
            r"didn't match[\s\S]*Password: ",
            "ada-secret",
            r"Password \(again\): ",
            "ada-secret",
        ],
        &["createsuperuser"],
    );
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("Error: Your passwords didn't match."),
        "{screen}"
    );
    assert!(
        screen.contains("Superuser created successfully."),
        "{screen}"
    );
    assert!(
        !screen.contains("ada-secret"),
        "passwords are not echoed: {screen}"
    );

    let (code, screen) = on_a_terminal(
        &db,
        &[
            r"Password: ",
            "one",
            r"Password \(again\): ",
            "two",
            r"Please try again[\s\S]*Password: ",
            "new-ada-secret",
            r"Password \(again\): ",
            "new-ada-secret",
        ],
        &["changepassword", "ada"],
    );
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("Changing password for user 'ada'"),
        "{screen}"
    );
    assert!(
        screen.contains("Passwords do not match. Please try again."),
        "{screen}"
    );
    assert!(
        screen.contains("Password changed successfully for user 'ada'"),
        "{screen}"
    );
    let (code, out) = manage(&db, &["changepassword", "nobody"]);
    assert_eq!(code, Some(1));
    assert!(
        out.contains("CommandError: user 'nobody' does not exist"),
        "{out}"
    );

    // Django checks the passwords rjango stored, and sees the superusers.
    let Some(python) = django_python() else {
        return;
    };
    let path = db.url.trim_start_matches("sqlite://");
    let check = "import sqlite3, sys\n\
        import django\n\
        from django.conf import settings\n\
        settings.configure()\n\
        from django.contrib.auth.hashers import check_password\n\
        rows = dict(sqlite3.connect(sys.argv[1]).execute('SELECT username, password FROM auth_user WHERE is_superuser AND is_staff AND is_active'))\n\
        print(check_password('admin-password', rows['admin']), check_password('new-ada-secret', rows['ada']), check_password('ada-secret', rows['ada']))";
    let out = Command::new(&python)
        .args(["-c", check, path])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "True True False",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// remove_stale_contenttypes: the content type of a model the code no longer has is listed with
/// the permissions on it, kept on "no", deleted with them on "yes", as Django's command does.
#[test]
fn stale_content_types_are_removed_after_asking() {
    let db = own_db();
    let (code, out) = manage(&db, &["migrate"]);
    assert_eq!(code, Some(0), "{out}");
    let path = db.url.trim_start_matches("sqlite://").to_owned();
    let sql = |query: &str| {
        let out = Command::new("python3")
            .args([
                "-c",
                "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nrows = c.execute(sys.argv[2]).fetchall()\nc.commit()\nprint(rows)",
                &path,
                query,
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    sql("INSERT INTO django_content_type (app_label, model) VALUES ('blog', 'ghost')");
    sql(
        "INSERT INTO auth_permission (name, content_type_id, codename) SELECT 'Can haunt ghost', id, 'haunt_ghost' FROM django_content_type WHERE model = 'ghost'",
    );

    let (code, out) = manage_with(
        &db,
        &["remove_stale_contenttypes", "-v", "2"],
        &[],
        Some("no\n"),
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("The content types and dependent objects that would be deleted are:\n\n    - Content type for blog.ghost\n    - 1 auth.Permission object(s)\n"),
        "{out}"
    );
    assert!(out.contains("Stale content types remain."), "{out}");
    assert_eq!(
        sql("SELECT count(*) FROM django_content_type WHERE model = 'ghost'"),
        "[(1,)]"
    );

    let (code, out) = manage_with(
        &db,
        &["remove_stale_contenttypes", "-v", "2"],
        &[],
        Some("yes\n"),
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("Deleting stale content type 'blog | ghost'"),
        "{out}"
    );
    assert_eq!(
        sql("SELECT count(*) FROM django_content_type WHERE model = 'ghost'"),
        "[(0,)]"
    );
    assert_eq!(
        sql("SELECT count(*) FROM auth_permission WHERE codename = 'haunt_ghost'"),
        "[(0,)]"
    );
    // The models the code has keep theirs.
    assert_ne!(sql("SELECT count(*) FROM auth_permission"), "[(0,)]");
}

/// The migration safety lint, end to end: a model change that drops a column, narrows a
/// max_length and indexes a column is written by makemigrations with a warning under each
/// operation; the project binary's `migrate --plan` shows what each risks on its database, and
/// `migrate --check-safety` fails on them without applying anything, on SQLite and on
/// PostgreSQL (where the index's lock is one more), and passes once they are applied.
#[test]
fn risky_migrations_are_named_before_they_run() {
    let built = first_day();
    // Every driver, as the seed project of the e2e tests has them (the same build of
    // rjango): it is checked on PostgreSQL too.
    let (_copy, root) = copy_of(built, "risky", true);
    let models = fixture("blog_models.rs")
        .replacen("    pub body: TextField,\n", "", 1)
        .replacen(
            "#[field(max_length = 200)]\n    pub title",
            "#[field(max_length = 100)]\n    pub title",
            1,
        )
        .replacen(
            "#[field(default = 0)]\n    pub views",
            "#[field(default = 0, db_index = true)]\n    pub views",
            1,
        );
    write(&root, "src/blog/models.rs", &models);
    let out = project::rjango()
        .args(["makemigrations", "blog", "--noinput"])
        .current_dir(&root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "{stdout}{stderr}");
    let file = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("src/blog/migrations/"))
        .and_then(|f| f.strip_suffix(".rs"))
        .unwrap_or_else(|| panic!("{stdout}"))
        .to_owned();
    assert_eq!(
        stdout,
        format!(
            "Migrations for 'blog':\n  src/blog/migrations/{file}.rs\n    - Remove field body from post\n    ~ Alter field title on post\n    ~ Alter field views on post\n"
        ),
        "the report is Django's; the warnings go to stderr"
    );
    for line in [
        "      ! loses data (every database): RemoveField drops the column blog_post.body and every value in it.",
        "      ! breaks the running release (every database): the previous release still selects blog_post.body in every query of Post, and fails once it is gone.",
        "      ! loses data (PostgreSQL, MariaDB/MySQL): blog_post.title changes from CharField(max_length=200) to CharField(max_length=100): values longer than 100 characters are cut or make it fail.",
        "      ! locks the table (PostgreSQL): an index on blog_post (views) is built without CONCURRENTLY, blocking writes to the table until it is done.",
        "        Safer: declare it in the model's `indexes` and write AddIndexConcurrently for it, in a migration that says `atomic: false` (Django's AddIndexConcurrently, from django.contrib.postgres).",
        "warning: 3 operations above could lose data, lock a table or break the release that serves while the migration runs. `migrate --check-safety` fails on them, for CI.",
    ] {
        assert!(stderr.contains(line), "{line}\nnot in:\n{stderr}");
    }

    let binary = project::build(&root, "risky");
    let db = own_db();
    let run = |url: &str, args: &[&str]| {
        let out = Command::new(&binary)
            .args(args)
            .current_dir(&root)
            .env("DEBUG", "true")
            .env("DATABASE_URL", url)
            .output()
            .unwrap();
        (out.status.code(), combined(&out))
    };
    // On a fresh database every table is new and empty: nothing is risky.
    let (code, text) = run(&db.url, &["migrate", "--check-safety"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("No unsafe operations in the "), "{text}");
    // A database in production's state: the release before this one applied 0001.
    assert_eq!(
        run(&db.url, &["migrate", "blog", "0001_initial"]).0,
        Some(0)
    );
    let (code, text) = run(&db.url, &["migrate", "--plan"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains(&format!("blog.{file}\n    Remove field body from post\n      ! loses data (every database): RemoveField drops the column blog_post.body")),
        "{text}"
    );
    assert!(
        !text.contains("(PostgreSQL)"),
        "on SQLite, what only PostgreSQL risks is left out: {text}"
    );
    let (code, text) = run(&db.url, &["migrate", "--check-safety"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "blog.{file}: Remove field body from post\n  ! loses data"
        )),
        "{text}"
    );
    assert!(
        text.contains("CommandError: 1 operation of the migrations to apply could lose data, lock a table or break the release that serves while it runs, on SQLite (above)."),
        "{text}"
    );
    let (code, text) = run(&db.url, &["showmigrations", "blog"]);
    assert!(
        code == Some(0) && text.contains(&format!("[ ] {file}")),
        "--check-safety applies nothing: {text}"
    );
    assert_eq!(run(&db.url, &["migrate"]).0, Some(0));
    let (code, text) = run(&db.url, &["migrate", "--check-safety"]);
    assert_eq!(
        (code, text.trim()),
        (
            Some(0),
            "No unsafe operations in the 0 migrations to apply on SQLite."
        )
    );
    // Going back is linted too: undoing RemoveField adds back a NOT NULL column the release
    // then serving does not write.
    let (code, text) = run(
        &db.url,
        &["migrate", "blog", "0001_initial", "--check-safety"],
    );
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "blog.{file}: Undo Remove field body from post\n  ! breaks the running release (every database): blog_post.body is NOT NULL"
        )),
        "{text}"
    );

    let Ok(admin) = std::env::var("RJANGO_TEST_POSTGRES") else {
        return support::skip::skip(
            "the PostgreSQL part of the safety lint test",
            "RJANGO_TEST_POSTGRES is not set",
        );
    };
    let pg = support::databases::TempDatabase::create(
        support::databases::Server::Postgres,
        &admin,
        "safety",
    );
    assert_eq!(
        run(&pg.url, &["migrate", "blog", "0001_initial"]).0,
        Some(0)
    );
    let (code, text) = run(&pg.url, &["migrate", "--check-safety"]);
    assert_eq!(code, Some(1), "{text}");
    for line in [
        "  ! loses data (PostgreSQL, MariaDB/MySQL): blog_post.title changes from CharField(max_length=200) to CharField(max_length=100)",
        "  ! locks the table (PostgreSQL): an index on blog_post (views) is built without CONCURRENTLY",
        "  ! locks the table (PostgreSQL, MariaDB/MySQL): blog_post.title changes from CharField(max_length=200) to CharField(max_length=100), which rewrites the whole table",
        "CommandError: 3 operations of the migrations to apply could lose data, lock a table or break the release that serves while it runs, on PostgreSQL (above).",
    ] {
        assert!(text.contains(line), "{line}\nnot in:\n{text}");
    }
    // A migration made safe (or whose risks are taken knowingly) is accepted by name.
    let accept = format!("blog.{file}");
    let (code, text) = run(&pg.url, &["migrate", "--check-safety", "--accept", &accept]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains(&format!("{accept}: Remove field body from post (accepted)")),
        "{text}"
    );
    let (code, text) = run(
        &pg.url,
        &["migrate", "--check-safety", "--accept", "blog.0009_nothing"],
    );
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("--accept blog.0009_nothing: no such migration"),
        "{text}"
    );
    // Or in its file, with the reason, which the next reader sees: rebuilt, the binary passes
    // it, and `migrate --plan` says so.
    let path = format!("src/blog/migrations/{file}.rs");
    let text = std::fs::read_to_string(root.join(&path)).unwrap();
    write(
        &root,
        &path,
        &text.replacen(
            "rjango::migration! {\n",
            "rjango::migration! {\n    accepted: \"body is unused since 1.4; posts has 300 rows\",\n",
            1,
        ),
    );
    let binary = project::build(&root, "risky");
    let out = Command::new(&binary)
        .args(["migrate", "--check-safety"])
        .current_dir(&root)
        .env("DEBUG", "true")
        .env("DATABASE_URL", &pg.url)
        .output()
        .unwrap();
    let text = combined(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains(&format!(
            "{accept}: Remove field body from post (accepted: body is unused since 1.4; posts has 300 rows)"
        )),
        "{text}"
    );
    let out = Command::new(&binary)
        .args(["migrate", "--plan"])
        .current_dir(&root)
        .env("DEBUG", "true")
        .env("DATABASE_URL", &pg.url)
        .output()
        .unwrap();
    assert!(
        combined(&out).contains(&format!(
            "{accept} (accepted: body is unused since 1.4; posts has 300 rows)\n    Remove field body from post\n      ! loses data"
        )),
        "{}",
        combined(&out)
    );
}
