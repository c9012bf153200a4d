//! End-to-end tests of the `rjango` binary: arguments, refusals, files written and edits made.
//! None of them builds a generated project (that needs the runtime); runserver is tested only
//! up to the checks it makes before building.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn rjango(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rjango"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        // Any attempt to run cargo fails loudly: these tests must never build a project.
        .env("CARGO", "/nonexistent/cargo")
        .output()
        .expect("run rjango")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every file and directory under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            out.push(path.strip_prefix(base).unwrap().display().to_string());
            if path.is_dir() {
                walk(base, &path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// A refusal: exit 1, exactly one line on stderr containing each of `needles`.
#[track_caller]
fn assert_refused(out: &Output, needles: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "one line expected, got: {err}");
    assert!(err.starts_with("error: "), "{err}");
    for needle in needles {
        assert!(err.contains(needle), "{needle:?} not in {err:?}");
    }
}

/// A temp dir holding a fresh project `mysite`; returns (temp, project root).
fn project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = rjango(tmp.path(), &["startproject", "mysite"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let root = tmp.path().join("mysite");
    (tmp, root)
}

#[test]
fn version() {
    let out = rjango(Path::new("."), &["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out).trim(),
        format!("rjango {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_of_rjango_and_every_command() {
    let out = rjango(Path::new("."), &["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    for command in [
        "startproject",
        "startapp",
        "generate",
        "makemigrations",
        "runserver",
        "check",
        "migrate",
        "showmigrations",
        "sqlmigrate",
    ] {
        assert!(
            help.contains(command),
            "{command} missing from --help:\n{help}"
        );
        let out = rjango(Path::new("."), &[command, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{command} --help");
        let text = stdout(&out);
        assert!(
            text.contains(&format!("Usage: rjango {command}")),
            "{command}:\n{text}"
        );
        assert!(
            text.contains("Example"),
            "{command} --help has no example:\n{text}"
        );
        assert!(
            text.contains(&format!("rjango {command}")),
            "{command}:\n{text}"
        );
    }
    assert!(help.contains("Example"), "{help}");
}

#[test]
fn no_command_is_a_usage_error() {
    let out = rjango(Path::new("."), &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_project_names_are_refused_and_nothing_is_written() {
    let cases: &[(&str, &[&str])] = &[
        ("struct", &["'struct'", "Rust keyword", "struct_site"]),
        ("match", &["'match'", "Rust keyword"]),
        ("async", &["'async'", "Rust keyword"]),
        ("gen", &["'gen'", "Rust keyword"]),
        ("Self", &["'Self'", "Rust keyword"]),
        ("std", &["'std'", "crate"]),
        ("tokio", &["'tokio'", "crate"]),
        ("rjango", &["'rjango'", "crate"]),
        ("1site", &["'1site'", "digit"]),
        ("my-site", &["'my-site'", "hyphen", "use 'my_site'"]),
        ("my site", &["'my site'", "letters, digits and underscores"]),
        ("", &["''", "empty"]),
        ("café", &["'café'", "ASCII"]),
    ];
    for (name, needles) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let out = rjango(tmp.path(), &["startproject", name]);
        assert_refused(&out, needles);
        assert_eq!(
            tree(tmp.path()),
            Vec::<String>::new(),
            "{name}: something was written"
        );
        // The same with an explicit directory: still nothing, not even the directory.
        let out = rjango(tmp.path(), &["startproject", name, "dest"]);
        assert_refused(&out, needles);
        assert_eq!(
            tree(tmp.path()),
            Vec::<String>::new(),
            "{name}: something was written"
        );
    }
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = rjango(tmp.path(), &["startproject", "mysite", "--bogus"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--bogus"));
    assert_eq!(tree(tmp.path()), Vec::<String>::new());
}

#[test]
fn existing_project_directory_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("mysite")).unwrap();
    std::fs::write(tmp.path().join("mysite/notes.txt"), "mine").unwrap();
    let out = rjango(tmp.path(), &["startproject", "mysite"]);
    assert_refused(&out, &["mysite", "already exists"]);
    assert_eq!(tree(tmp.path()), ["mysite", "mysite/notes.txt"]);
}

#[test]
fn non_empty_directory_needs_force_and_force_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("dest");
    std::fs::create_dir(&dest).unwrap();
    std::fs::write(dest.join("notes.txt"), "mine").unwrap();

    let out = rjango(tmp.path(), &["startproject", "mysite", "dest"]);
    assert_refused(&out, &["dest", "not empty", "--force"]);
    assert_eq!(tree(&dest), ["notes.txt"]);

    std::fs::create_dir(dest.join("src")).unwrap();
    std::fs::write(dest.join("src/main.rs"), "fn main() {}\n").unwrap();
    let out = rjango(tmp.path(), &["startproject", "mysite", "dest", "--force"]);
    assert_refused(&out, &["src/main.rs", "already exists"]);
    assert_eq!(tree(&dest), ["notes.txt", "src", "src/main.rs"]);
    assert_eq!(read(dest.join("src/main.rs")), "fn main() {}\n");

    std::fs::remove_dir_all(dest.join("src")).unwrap();
    let out = rjango(tmp.path(), &["startproject", "mysite", "dest", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(read(dest.join("notes.txt")), "mine");
    assert!(dest.join("src/settings.rs").is_file());
}

#[test]
fn startproject_into_an_empty_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let out = rjango(tmp.path(), &["startproject", "mysite", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(tmp.path().join("Cargo.toml").is_file());
    assert!(!stdout(&out).contains("cd "), "{}", stdout(&out));
}

#[test]
fn startproject_writes_the_project() {
    let (tmp, root) = project();
    let expected = [
        ".gitignore",
        "Cargo.lock",
        "Cargo.toml",
        "askama.toml",
        "build.rs",
        "src",
        "src/generated",
        "src/generated/admin.rs",
        "src/generated/auth.rs",
        "src/generated/commands.rs",
        "src/generated/migrations.rs",
        "src/generated/mod.rs",
        "src/generated/reverse.rs",
        "src/generated/templates",
        "src/generated/templates/admin",
        "src/generated/templates/admin/app_index.html",
        "src/generated/templates/admin/auth",
        "src/generated/templates/admin/auth/user",
        "src/generated/templates/admin/auth/user/change_password.html",
        "src/generated/templates/admin/base.html",
        "src/generated/templates/admin/change_form.html",
        "src/generated/templates/admin/change_list.html",
        "src/generated/templates/admin/delete_confirmation.html",
        "src/generated/templates/admin/delete_selected_confirmation.html",
        "src/generated/templates/admin/index.html",
        "src/generated/templates/admin/logged_out.html",
        "src/generated/templates/admin/login.html",
        "src/generated/templates/admin/object_history.html",
        "src/generated/templates/admin/password_change_done.html",
        "src/generated/templates/admin/password_change_form.html",
        "src/generated/templates/registration",
        "src/generated/templates/registration/base.html",
        "src/generated/templates/registration/logged_out.html",
        "src/generated/templates/registration/login.html",
        "src/generated/templates/registration/password_change_done.html",
        "src/generated/templates/registration/password_change_form.html",
        "src/main.rs",
        "src/settings.rs",
        "src/urls.rs",
        "static",
        "static/.gitkeep",
        "templates",
        "templates/base.html",
    ];
    assert_eq!(tree(&root), expected);
    assert!(read(root.join("Cargo.toml")).contains("name = \"mysite\""));
    let settings = read(root.join("src/settings.rs"));
    let key_start = settings.find("rjango-insecure-").expect("a secret key");
    let key: String = settings[key_start..]
        .chars()
        .take_while(|&c| c != '"')
        .collect();
    assert_eq!(key.len(), "rjango-insecure-".len() + 50, "{key}");
    let out = stdout(&rjango(tmp.path(), &["startproject", "othersite"]));
    assert!(
        out.contains("cd othersite")
            && out.contains("rjango startapp")
            && out.contains("rjango runserver"),
        "{out}"
    );
    let other = read(tmp.path().join("othersite/src/settings.rs"));
    assert!(
        !other.contains(&key),
        "two projects got the same SECRET_KEY"
    );
}

#[test]
fn startapp_outside_a_project() {
    let tmp = tempfile::tempdir().unwrap();
    let out = rjango(tmp.path(), &["startapp", "blog"]);
    assert_refused(&out, &["not inside an rjango project", "startproject"]);
    assert_eq!(tree(tmp.path()), Vec::<String>::new());
}

#[test]
fn startapp_creates_and_registers_the_app() {
    let (_tmp, root) = project();
    let out = rjango(&root.join("src"), &["startapp", "blog"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for file in [
        "mod.rs",
        "models.rs",
        "views.rs",
        "urls.rs",
        "admin.rs",
        "tests.rs",
        "migrations/mod.rs",
    ] {
        assert!(root.join("src/blog").join(file).is_file(), "{file}");
    }
    assert!(root.join("templates/blog/.gitkeep").is_file());
    assert!(read(root.join("src/settings.rs")).contains(
        "            \"rjango.contrib.staticfiles\",\n            \"blog\",\n        ],"
    ));
    assert!(read(root.join("src/main.rs")).contains("mod urls;\nmod blog;\n"));
    // The app's include goes last, after the auth pages a new project routes.
    assert!(
        read(root.join("src/urls.rs"))
            .contains("        name = \"password_change_done\"\n    ),\n    include(\"blog/\", crate::blog::urls),\n];")
    );
    let generated = read(root.join("src/generated/mod.rs"));
    assert!(generated.contains("name: \"blog\""), "{generated}");
    assert!(read(root.join("src/generated/reverse.rs")).contains("pub mod blog"));

    // A second app goes after the first everywhere.
    let out = rjango(&root, &["startapp", "shop"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        read(root.join("src/settings.rs"))
            .contains("            \"blog\",\n            \"shop\",\n        ],")
    );
    assert!(read(root.join("src/main.rs")).contains("mod blog;\nmod shop;\n"));
    assert!(read(root.join("src/urls.rs")).contains(
        "    include(\"blog/\", crate::blog::urls),\n    include(\"shop/\", crate::shop::urls),\n];"
    ));
}

#[test]
fn startapp_with_a_directory_argument() {
    let (tmp, root) = project();
    let out = rjango(tmp.path(), &["startapp", "blog", "mysite"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(root.join("src/blog/mod.rs").is_file());
}

#[test]
fn startapp_refusals_write_nothing() {
    let (_tmp, root) = project();
    let out = rjango(&root, &["startapp", "blog"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = tree(&root);
    let settings = read(root.join("src/settings.rs"));
    let cases: &[(&str, &[&str])] = &[
        ("blog", &["src/blog already exists"]),
        ("struct", &["'struct'", "Rust keyword"]),
        ("my-blog", &["'my-blog'", "use 'my_blog'"]),
        ("serde", &["'serde'", "crate"]),
        ("settings", &["'settings'", "module"]),
        ("generated", &["'generated'", "module"]),
        ("migrations", &["'migrations'", "module"]),
        ("mysite", &["'mysite'", "project's own name"]),
        ("", &["empty"]),
    ];
    for (name, needles) in cases {
        let out = rjango(&root, &["startapp", name]);
        assert_refused(&out, needles);
        assert_eq!(tree(&root), before, "{name}: files changed");
        assert_eq!(read(root.join("src/settings.rs")), settings);
    }
    std::fs::write(root.join("src/helpers.rs"), "").unwrap();
    assert_refused(
        &rjango(&root, &["startapp", "helpers"]),
        &["src/helpers.rs already exists"],
    );
}

const USER_SETTINGS: &str = r#"// My settings, hand-tuned.
use rjango::conf::Settings;

/// Extra helper the user wrote.
fn apps_doc() -> &'static str { "apps" }

pub fn settings() -> Settings {
    Settings {
        DEBUG:   true,   // aligned on purpose
        INSTALLED_APPS: vec![
              "accounts",   // custom indentation
              // "disabled_app",
              "shop" /* no trailing comma */
        ],
        ..Settings::default()
    }
}
"#;

const EXPECTED_SETTINGS: &str = r#"// My settings, hand-tuned.
use rjango::conf::Settings;

/// Extra helper the user wrote.
fn apps_doc() -> &'static str { "apps" }

pub fn settings() -> Settings {
    Settings {
        DEBUG:   true,   // aligned on purpose
        INSTALLED_APPS: vec![
              "accounts",   // custom indentation
              // "disabled_app",
              "shop", /* no trailing comma */
              "blog",
        ],
        ..Settings::default()
    }
}
"#;

const USER_MAIN: &str = "//! My project.\n\n#![allow(unused)]\n\nmod generated;\nmod settings;   // the settings\nmod urls;\n#[cfg(test)]\nmod helpers { }\n\n// main comes last\nfn main() -> std::process::ExitCode {\n    rjango::core::management::execute_from_command_line(generated::project())\n}\n";

const EXPECTED_MAIN: &str = "//! My project.\n\n#![allow(unused)]\n\nmod generated;\nmod settings;   // the settings\nmod urls;\nmod blog;\n#[cfg(test)]\nmod helpers { }\n\n// main comes last\nfn main() -> std::process::ExitCode {\n    rjango::core::management::execute_from_command_line(generated::project())\n}\n";

const USER_URLS: &str = r#"//! Root URLconf with a user's touch.

use rjango::urls::urlpatterns;

mod views {}

urlpatterns![
	path("", views::home, name = "home"),   // tab-indented
	path("about/", views::about, name = "about")
];

// trailing comment
"#;

const EXPECTED_URLS: &str = r#"//! Root URLconf with a user's touch.

use rjango::urls::urlpatterns;

mod views {}

urlpatterns![
	path("", views::home, name = "home"),   // tab-indented
	path("about/", views::about, name = "about"),
	include("blog/", crate::blog::urls),
];

// trailing comment
"#;

#[test]
fn registration_preserves_user_content_exactly() {
    let (_tmp, root) = project();
    std::fs::write(root.join("src/settings.rs"), USER_SETTINGS).unwrap();
    std::fs::write(root.join("src/main.rs"), USER_MAIN).unwrap();
    std::fs::write(root.join("src/urls.rs"), USER_URLS).unwrap();
    let out = rjango(&root, &["startapp", "blog"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(read(root.join("src/settings.rs")), EXPECTED_SETTINGS);
    assert_eq!(read(root.join("src/main.rs")), EXPECTED_MAIN);
    assert_eq!(read(root.join("src/urls.rs")), EXPECTED_URLS);
    assert!(read(root.join("src/generated/mod.rs")).contains("name: \"blog\""));

    // Registering again changes nothing (edits are idempotent).
    std::fs::remove_dir_all(root.join("src/blog")).unwrap();
    let out = rjango(&root, &["startapp", "blog"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("already registered in src/settings.rs"),
        "{}",
        stdout(&out)
    );
    assert_eq!(read(root.join("src/settings.rs")), EXPECTED_SETTINGS);
    assert_eq!(read(root.join("src/main.rs")), EXPECTED_MAIN);
    assert_eq!(read(root.join("src/urls.rs")), EXPECTED_URLS);
}

#[test]
fn missing_urlpatterns_leaves_urls_untouched_and_prints_the_line() {
    let (_tmp, root) = project();
    let urls = "//! Routes come later.\nuse rjango::urls::urlpatterns;\n";
    std::fs::write(root.join("src/urls.rs"), urls).unwrap();
    let out = rjango(&root, &["startapp", "blog"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(read(root.join("src/urls.rs")), urls);
    assert!(
        err.contains("warning: src/urls.rs: no `urlpatterns![...]` item found"),
        "{err}"
    );
    assert!(
        err.lines().any(|l| l == "  add to urlpatterns![...] in src/urls.rs:  include(\"blog/\", crate::blog::urls),"),
        "{err}"
    );
    // The other two registrations were still made, and the app written.
    assert!(read(root.join("src/settings.rs")).contains("\"blog\","));
    assert!(read(root.join("src/main.rs")).contains("mod blog;"));
    assert!(root.join("src/blog/views.rs").is_file());
}

#[test]
fn unparsable_settings_is_reported_with_its_location() {
    let (_tmp, root) = project();
    let broken = "pub fn settings() -> Settings {\n    Settings {\n        INSTALLED_APPS: vec![ ,, ],\n        DEBUG: = true,\n    }\n}\n";
    std::fs::write(root.join("src/settings.rs"), broken).unwrap();
    let out = rjango(&root, &["startapp", "blog"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(read(root.join("src/settings.rs")), broken);
    assert!(err.contains("error: src/settings.rs:4:"), "{err}");
    assert!(
        err.lines()
            .any(|l| l == "  add to INSTALLED_APPS in src/settings.rs:  \"blog\","),
        "{err}"
    );
    assert!(read(root.join("src/main.rs")).contains("mod blog;"));
}

#[test]
fn generate_reports_up_to_date() {
    let (_tmp, root) = project();
    let out = rjango(&root, &["generate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "src/generated is up to date");
    std::fs::remove_file(root.join("src/generated/reverse.rs")).unwrap();
    let out = rjango(&root, &["generate"]);
    assert_eq!(stdout(&out).trim(), "wrote src/generated/reverse.rs");
}

#[test]
fn generate_outside_a_project() {
    let tmp = tempfile::tempdir().unwrap();
    assert_refused(
        &rjango(tmp.path(), &["generate"]),
        &["not inside an rjango project"],
    );
}

#[test]
fn runserver_outside_a_project() {
    let tmp = tempfile::tempdir().unwrap();
    assert_refused(
        &rjango(tmp.path(), &["runserver"]),
        &["not inside an rjango project"],
    );
}

#[test]
fn runserver_bad_addrport_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    for bad in ["abc", "70000", "1.2.3.4:", "localhost:port", "0"] {
        let out = rjango(tmp.path(), &["runserver", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stderr(&out));
        assert!(stderr(&out).contains(bad), "{}", stderr(&out));
    }
}

#[test]
fn runserver_with_the_port_taken_fails_before_building() {
    let (_tmp, root) = project();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let out = rjango(&root, &["runserver", &port.to_string()]);
    assert_refused(
        &out,
        &[&format!(
            "error: port {port} is already in use on 127.0.0.1. Stop the other server, or pick another port: rjango runserver {}",
            port + 1
        )],
    );
    assert!(!root.join("target").exists());
    drop(listener);
}

#[test]
fn pass_through_commands_need_a_project() {
    let tmp = tempfile::tempdir().unwrap();
    assert_refused(
        &rjango(tmp.path(), &["check", "--deploy"]),
        &["not inside an rjango project"],
    );
}

/// `copytemplate`: a copy of rjango's template in templates/, the project's own from then on;
/// never over the project's file without --force; an unknown name lists the known ones.
#[test]
fn copytemplate_starts_an_override() {
    let (_tmp, root) = project();
    let out = rjango(&root, &["copytemplate", "admin/change_list.html"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let copy = root.join("templates/admin/change_list.html");
    let theirs =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime/templates/admin/change_list.html");
    assert_eq!(read(&copy), read(&theirs));

    std::fs::write(&copy, "mine").unwrap();
    let out = rjango(&root, &["copytemplate", "admin/change_list.html"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("templates/admin/change_list.html exists"),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&copy), "mine", "kept without --force");
    let out = rjango(
        &root,
        &["copytemplate", "admin/change_list.html", "--force"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(read(&copy), read(&theirs));

    let out = rjango(&root, &["copytemplate", "admin/nothing.html"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "rjango has no template \"admin/nothing.html\"; its templates are: admin/base.html"
        ),
        "{}",
        stderr(&out)
    );
}
