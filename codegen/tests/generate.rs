//! The generator on a small project: the files it writes (snapshots), that it writes nothing
//! when nothing changed, and its located errors.

use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[package]\nname = \"mysite\"\nversion = \"0.1.0\"\n",
    );
    write(
        root,
        "src/settings.rs",
        "pub fn settings() -> Settings { Settings { DEBUG: true, INSTALLED_APPS: vec![\"blog\"], ..Settings::default() } }\n",
    );
    write(
        root,
        "src/urls.rs",
        r#"use crate::views;
urlpatterns![
    path("hello/", views::hello, name = "hello"),
    path("items/<int:item_id>/", views::item_detail, name = "item-detail"),
    path("files/<path:rest>", views::files, name = "files"),
    path("unnamed/", views::unnamed),
    path("café/", views::cafe, name = "self"),
    path("<path:rest>/", views::catch_all, name = "catch-all"),
    include("blog/", crate::blog::urls),
    include("archive/", crate::blog::urls, namespace = "archive"),
    handler404 = views::not_found,
];
"#,
    );
    write(
        root,
        "src/blog/urls.rs",
        r#"use super::views;
urlpatterns![
    path("", views::index, name = "index"),
    path("posts/<int:pk>/<slug:slug>/", views::post_detail, name = "post-detail"),
    path("by/<uuid:id>/", views::by_id, name = "type"),
];
"#,
    );
    // Management commands, as Django finds them; mod.rs and other files are not commands.
    for file in ["closepoll.rs", "send_digest.rs", "mod.rs", "notes.txt"] {
        write(root, &format!("src/blog/management/commands/{file}"), "");
    }
    dir
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({ snapshot_path => "../../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn generates_registry_and_typed_reverse() {
    let dir = project();
    let out = rjango_codegen::generate_project(dir.path()).unwrap();
    assert_eq!(
        out.written.len(),
        4,
        "mod.rs, reverse.rs, migrations.rs, commands.rs"
    );
    let read = |f: &str| std::fs::read_to_string(dir.path().join("src/generated").join(f)).unwrap();
    snapshot("codegen__generated_mod", &read("mod.rs"));
    snapshot("codegen__generated_reverse", &read("reverse.rs"));
    snapshot("codegen__generated_commands", &read("commands.rs"));

    // Nothing changed: nothing is rewritten (so build scripts do not loop).
    let again = rjango_codegen::generate_project(dir.path()).unwrap();
    assert!(again.written.is_empty(), "rewrote {:?}", again.written);
}

/// The trybuild test of reverse calls compiles against the generator's real output.
#[test]
fn compile_fail_fixture_is_current() {
    let dir = project();
    let fresh = rjango_codegen::reverse_functions(dir.path()).unwrap();
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime/tests/ui/fixtures/reverse.rs");
    if std::env::var_os("RJANGO_UPDATE_FIXTURES").is_some() {
        std::fs::write(&fixture, &fresh).unwrap();
    }
    let current = std::fs::read_to_string(&fixture).unwrap_or_default();
    assert_eq!(
        current,
        fresh,
        "run with RJANGO_UPDATE_FIXTURES=1 to refresh {}",
        fixture.display()
    );
}

#[test]
fn an_include_cycle_is_an_error() {
    let dir = project();
    write(
        dir.path(),
        "src/blog/urls.rs",
        "urlpatterns![\n    include(\"again/\", crate::urls),\n];\n",
    );
    let err = rjango_codegen::generate_project(dir.path())
        .unwrap_err()
        .to_string();
    assert!(err.contains("includes itself"), "{err}");
}

#[test]
fn errors_point_at_file_line_column() {
    let dir = project();
    write(
        dir.path(),
        "src/blog/urls.rs",
        "urlpatterns![\n    path(\"<float:x>/\", views::x),\n];\n",
    );
    let err = rjango_codegen::generate_project(dir.path())
        .unwrap_err()
        .to_string();
    assert!(err.contains("src/blog/urls.rs:2:10"), "{err}");
    assert!(err.contains("unknown converter \"float\""), "{err}");

    write(
        dir.path(),
        "src/blog/urls.rs",
        "urlpatterns![\n    path(\"a/\", v::a, name = \"x\"),\n    path(\"b/\", v::b, name = \"x\"),\n];\n",
    );
    let err = rjango_codegen::generate_project(dir.path())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("src/blog/urls.rs:3:29") && err.contains("used twice"),
        "{err}"
    );

    write(
        dir.path(),
        "src/settings.rs",
        "fn settings() -> Settings { Settings { INSTALLED_APPS: vec![blog], ..Default::default() } }",
    );
    let err = rjango_codegen::generate_project(dir.path())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("src/settings.rs:1:61") && err.contains("string literals"),
        "{err}"
    );
}

/// A command file named like a command of the rjango CLI could never run as `rjango <name>`:
/// refused at its place. The others are the project's commands, by name.
#[test]
fn a_command_cannot_take_a_cli_commands_name() {
    let dir = project();
    assert_eq!(
        rjango_codegen::project_commands(dir.path()).unwrap(),
        ["closepoll", "send_digest"]
    );
    write(dir.path(), "src/blog/management/commands/test.rs", "");
    let e = rjango_codegen::generate_project(dir.path())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("src/blog/management/commands/test.rs:1:1")
            && e.contains("`test` is a command of the rjango CLI"),
        "{e}"
    );
}
