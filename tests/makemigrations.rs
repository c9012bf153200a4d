//! `rjango makemigrations` through the real binary: Django's output, its flags, its exit
//! codes, and the questions answered on a pseudo-terminal, as a person at a terminal would.

#[path = "../runtime/src/test/skip.rs"]
mod skip;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn rjango(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rjango"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run rjango")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    assert!(
        rjango(tmp.path(), &["startproject", "site"])
            .status
            .success()
    );
    let root = tmp.path().join("site");
    assert!(rjango(&root, &["startapp", "blog"]).status.success());
    (tmp, root)
}

fn models(root: &Path, body: &str) {
    std::fs::write(
        root.join("src/blog/models.rs"),
        format!("use rjango::models::prelude::*;\n{body}"),
    )
    .unwrap();
}

fn migrations(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("src/blog/migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "mod.rs")
        .collect();
    names.sort();
    names
}

const POST: &str =
    "#[model]\npub struct Post {\n    #[field(max_length = 200)]\n    pub title: CharField,\n}\n";

#[test]
fn initial_then_nothing_then_check() {
    let (_tmp, root) = project();
    let out = rjango(&root, &["makemigrations"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        text(&out),
        "No changes detected\n",
        "an app without models has nothing to migrate"
    );

    models(&root, POST);
    let out = rjango(&root, &["makemigrations", "--check"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "--check fails when migrations are missing"
    );
    assert!(migrations(&root).is_empty(), "--check writes nothing");

    let out = rjango(&root, &["makemigrations", "--dry-run", "-v", "3"]);
    assert!(out.status.success());
    assert!(
        text(&out).contains("CreateModel {"),
        "-v 3 shows the file: {}",
        text(&out)
    );
    assert!(migrations(&root).is_empty(), "--dry-run writes nothing");

    let out = rjango(&root, &["makemigrations"]);
    assert_eq!(
        text(&out),
        "Migrations for 'blog':\n  src/blog/migrations/0001_initial.rs\n    + Create model Post\n"
    );
    assert_eq!(migrations(&root), ["0001_initial.rs"]);
    let generated = std::fs::read_to_string(root.join("src/generated/migrations.rs")).unwrap();
    assert!(
        generated.contains("\"../blog/migrations/0001_initial.rs\""),
        "compiled in: {generated}"
    );

    let out = rjango(&root, &["makemigrations", "blog", "--check"]);
    assert_eq!(
        (out.status.code(), text(&out).as_str()),
        (Some(0), "No changes detected in app 'blog'\n")
    );
}

#[test]
fn flags_and_refusals() {
    let (_tmp, root) = project();
    models(&root, POST);
    let out = rjango(&root, &["makemigrations", "--name", "first_cut"]);
    assert!(out.status.success());
    assert_eq!(migrations(&root), ["0001_first_cut.rs"]);

    let out = rjango(&root, &["makemigrations", "blog", "--empty"]);
    assert!(out.status.success());
    assert!(
        text(&out).contains("src/blog/migrations/0002_auto_"),
        "{}",
        text(&out)
    );

    let out = rjango(&root, &["makemigrations", "--empty"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("at least one app label"));
    let out = rjango(&root, &["makemigrations", "shop"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("App 'shop' could not be found"));
    let out = rjango(&root, &["makemigrations", "--name", "bad name"]);
    assert_eq!(out.status.code(), Some(2));

    // A models.rs error is located, and nothing is written.
    models(
        &root,
        "#[model]\npub struct Post {\n    pub title: CharField,\n}\n",
    );
    let out = rjango(&root, &["makemigrations"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("src/blog/models.rs:4:"),
        "{}",
        text(&out)
    );
    assert_eq!(migrations(&root).len(), 2);

    // --noinput: a non-null field without a default is a clear error, nothing written.
    models(
        &root,
        "#[model]\npub struct Post {\n    #[field(max_length = 200)]\n    pub title: CharField,\n    pub views: IntegerField,\n}\n",
    );
    let out = rjango(&root, &["makemigrations", "--noinput"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("non-nullable field 'views' to post"),
        "{}",
        text(&out)
    );
    assert_eq!(migrations(&root).len(), 2);
    // Without a terminal to ask on, it says so rather than hanging.
    let out = rjango(&root, &["makemigrations"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("no terminal to ask on"),
        "{}",
        text(&out)
    );
    assert_eq!(migrations(&root).len(), 2);
}

/// The questioner answered through a pseudo-terminal (tests/support/pty_drive.py).
fn on_a_terminal(root: &Path, answers: &[&str]) -> (i32, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/pty_drive.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(root)
        .args(answers)
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_rjango"))
        .arg("makemigrations")
        .output()
        .expect("python3 runs the pty driver");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn questions_on_a_pseudo_terminal() {
    if Command::new("python3").arg("--version").output().is_err() {
        return skip::skip("questions_on_a_pseudo_terminal", "python3 is not installed");
    }
    let (_tmp, root) = project();
    models(&root, POST);
    assert!(rjango(&root, &["makemigrations"]).status.success());

    // A rename, confirmed.
    models(&root, &POST.replace("pub title", "pub headline"));
    let (code, screen) = on_a_terminal(
        &root,
        &[
            r"Was post\.title renamed to post\.headline \(a CharField\)\? \[y/N\]",
            "y",
        ],
    );
    assert_eq!(code, 0, "{screen}");
    assert_eq!(
        migrations(&root),
        ["0001_initial.rs", "0002_rename_title_post_headline.rs"]
    );

    // A non-null field: option 1, a wrong value refused, then a one-off default.
    models(
        &root,
        &POST
            .replace("pub title", "pub headline")
            .replace("}\n", "    pub views: IntegerField,\n}\n"),
    );
    let (code, screen) = on_a_terminal(
        &root,
        &[
            "Select an option",
            "1",
            ">>>",
            "\"ten\"",
            "not a value for IntegerField",
            "10",
        ],
    );
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("It is impossible to add a non-nullable field 'views' to post without specifying a default."), "{screen}");
    assert!(
        screen.contains("1) Provide a one-off default now"),
        "{screen}"
    );
    let file =
        std::fs::read_to_string(root.join("src/blog/migrations/0003_post_views.rs")).unwrap();
    assert!(
        file.contains("field: IntegerField { default: 10 },\n            preserve_default: false,"),
        "{file}"
    );

    // Quitting writes nothing and exits 1.
    models(
        &root,
        &POST.replace("pub title", "pub headline").replace(
            "}\n",
            "    pub views: IntegerField,\n    pub likes: IntegerField,\n}\n",
        ),
    );
    let (code, screen) = on_a_terminal(&root, &["Select an option", "2"]);
    assert_eq!(code, 1, "{screen}");
    assert_eq!(migrations(&root).len(), 3);

    // A date and time: Django's timezone.now, typed; then an auto_now_add field, which offers
    // it as the default of an empty answer.
    let with_views = POST
        .replace("pub title", "pub headline")
        .replace("}\n", "    pub views: IntegerField,\n}\n");
    models(
        &root,
        &with_views.replace("}\n", "    pub published: DateTimeField,\n}\n"),
    );
    let (code, screen) = on_a_terminal(&root, &["Select an option", "1", ">>>", "timezone.now"]);
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("timezone.now is available"), "{screen}");
    let file =
        std::fs::read_to_string(root.join("src/blog/migrations/0004_post_published.rs")).unwrap();
    assert!(
        file.contains(
            "field: DateTimeField { default: timezone::now },\n            preserve_default: false,"
        ),
        "{file}"
    );
    models(
        &root,
        &with_views.replace(
            "}\n",
            "    pub published: DateTimeField,\n    #[field(auto_now_add = true)]\n    pub created: DateTimeField,\n}\n",
        ),
    );
    let (code, screen) = on_a_terminal(
        &root,
        &[
            "Select an option",
            "1",
            r"\[default: timezone\.now\] >>>",
            "",
        ],
    );
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("It is impossible to add the field 'created' with 'auto_now_add=true' to post without providing a default."),
        "{screen}"
    );
    let file =
        std::fs::read_to_string(root.join("src/blog/migrations/0005_post_created.rs")).unwrap();
    assert!(file.contains("default: timezone::now"), "{file}");
}

/// `makemigrations --merge` and `squashmigrations` through the real binary, as a user types
/// them: Django's reports, and the files they write.
#[test]
fn merge_and_squash_from_the_command_line() {
    let (_tmp, root) = project();
    models(&root, POST);
    assert!(rjango(&root, &["makemigrations"]).status.success());
    let branch = |field: &str| {
        format!(
            "rjango::migration! {{\n    dependencies: [(\"blog\", \"0001_initial\")],\n    operations: [\n        AddField {{ model_name: \"post\", name: \"{field}\", field: IntegerField {{ default: 0 }} }},\n    ],\n}}\n"
        )
    };
    let dir = root.join("src/blog/migrations");
    std::fs::write(dir.join("0002_post_likes.rs"), branch("likes")).unwrap();
    std::fs::write(dir.join("0002_post_shares.rs"), branch("shares")).unwrap();

    // Without --merge, the conflict stops makemigrations with Django's message.
    let out = rjango(&root, &["makemigrations"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("Conflicting migrations detected"),
        "{}",
        text(&out)
    );
    let out = rjango(&root, &["makemigrations", "--merge", "--noinput"]);
    assert!(out.status.success(), "{}", text(&out));
    let shown = text(&out);
    assert!(
        shown.contains("Merging blog\n  Branch 0002_post_likes\n    + Add field likes to post\n  Branch 0002_post_shares\n    + Add field shares to post\n"),
        "{shown}"
    );
    assert!(shown.contains("Created new merge migration"), "{shown}");
    assert!(
        migrations(&root).contains(&"0003_merge_0002_post_likes_0002_post_shares.rs".to_owned())
    );
    let out = rjango(&root, &["makemigrations", "--merge"]);
    assert_eq!(text(&out), "No conflicts detected to merge.\n");

    // The models now have both fields: the merged history is complete.
    models(
        &root,
        &POST.replace(
            "}\n",
            "    #[field(default = 0)]\n    pub likes: IntegerField,\n    #[field(default = 0)]\n    pub shares: IntegerField,\n}\n",
        ),
    );
    let out = rjango(&root, &["makemigrations", "--check"]);
    assert!(out.status.success(), "{}", text(&out));

    // Squash it all: Django's report, one file that replaces the five.
    let out = rjango(&root, &["squashmigrations", "blog", "0003", "--noinput"]);
    assert!(out.status.success(), "{}", text(&out));
    let shown = text(&out);
    assert!(
        shown.contains("Optimizing...\n  Optimized from 3 operations to 1 operations."),
        "{shown}"
    );
    assert!(shown.contains("Created new squashed migration"), "{shown}");
    assert!(shown.contains("you can delete them."), "{shown}");
    let file = std::fs::read_to_string(
        dir.join("0001_squashed_0003_merge_0002_post_likes_0002_post_shares.rs"),
    )
    .unwrap();
    assert!(
        file.contains("replaces: [\n        (\"blog\", \"0001_initial\"),"),
        "{file}"
    );
    let out = rjango(&root, &["makemigrations", "--check"]);
    assert!(
        out.status.success(),
        "the squash replays to the models: {}",
        text(&out)
    );
    let out = rjango(&root, &["squashmigrations", "blog", "0099", "--noinput"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("Cannot find a migration matching '0099' from app 'blog'."),
        "{}",
        text(&out)
    );
}
