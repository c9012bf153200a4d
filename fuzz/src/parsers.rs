//! The checks of the declaration parsers' fuzz targets: models.rs, migration files,
//! `urlpatterns!` and route strings, settings.rs. Each never panics (libFuzzer reports a panic as
//! a crash), and every refusal is located for the user: `file:line:col` inside the text.
//!
//! Shared by the fuzz targets (fuzz/fuzz_targets/) and by the stable test that replays the
//! corpus kept in the repository (codegen/tests/fuzz_corpus.rs), which includes this file. Under
//! cargo-fuzz, proc-macro2 (built with `cfg(fuzzing)`) records no source positions, so there
//! `lines` is false and only the shape of the location is checked; the replay checks the line
//! and column too.

use std::path::Path;

use rjango_codegen::migrations::syntax::{MigrationBody, migration_text, parse_body};

/// An app's models.rs, as makemigrations reads it.
pub fn models(data: &[u8], lines: bool) {
    let Some(text) = text(data) else {
        return;
    };
    let file = Path::new("/nonexistent/blog/models.rs");
    match rjango_codegen::models::parse::parse_file_models("blog", file, text) {
        Ok(models) => {
            let refs: Vec<_> = models.iter().collect();
            if let Some((_, e)) = rjango_codegen::models::checks::related_clashes(&refs) {
                located(&e.into_error(file), file, text, lines);
            }
        }
        Err(e) => located(&e, file, text, lines),
    }
    forget_spans();
}

/// A migration file, as makemigrations and migrate read it; what parses is written back as
/// makemigrations writes it and must read back the same.
pub fn migration(data: &[u8], lines: bool) {
    let Some(text) = text(data) else {
        return;
    };
    let file = Path::new("/nonexistent/blog/migrations/0002_fuzz.rs");
    match rjango_codegen::migrations::loader::parse_migration("blog", file, text) {
        Ok(_) => {
            let read = body(text);
            let written = migration_text(&read);
            assert_eq!(read, body(&written), "written back as\n{written}");
        }
        Err(e) => located(&e, file, text, lines),
    }
    forget_spans();
}

/// The body of a migration file's `migration! { ... }`.
fn body(text: &str) -> MigrationBody {
    let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{e}:\n{text}"));
    let mac = rjango_codegen::migrations::loader::migration_macro(&file)
        .expect("a migration! invocation");
    parse_body(mac.tokens.clone()).unwrap_or_else(|e| panic!("{e}:\n{text}"))
}

/// An app's urls.rs with its `urlpatterns!`, each route string in it, and the text as one
/// route string, as the CLI reads them to write the route table.
pub fn urlpatterns(data: &[u8], lines: bool) {
    let Some(text) = text(data) else {
        return;
    };
    if let Err(e) = rjango_codegen::routes::parse_route(text) {
        assert!(!e.0.trim().is_empty(), "an empty message for {text:?}");
    }
    let file = Path::new("/nonexistent/blog/urls.rs");
    if let Ok(parsed) = syn::parse_file(text)
        && let Some(mac) = rjango_codegen::urlpatterns::find_macro(&parsed)
    {
        match mac.parse_body::<rjango_codegen::urlpatterns::UrlPatterns>() {
            Ok(patterns) => {
                for entry in &patterns.entries {
                    if let rjango_codegen::urlpatterns::Entry::Path(p) = entry {
                        rjango_codegen::routes::parse_route(&p.route.value())
                            .expect("a route urlpatterns! took parses");
                    }
                }
            }
            Err(e) => located(&rjango_codegen::Error::parse(file, &e), file, text, lines),
        }
    }
    forget_spans();
}

/// A project's settings.rs, as the CLI reads its INSTALLED_APPS.
pub fn settings(data: &[u8], lines: bool) {
    let Some(text) = text(data) else {
        return;
    };
    let file = Path::new("/nonexistent/src/settings.rs");
    if let Err(e) = rjango_codegen::project::installed_apps_in(file, text) {
        located(&e, file, text, lines);
    }
    forget_spans();
}

/// A refusal must point into the file: `file:line:col` within the text, and a message. An I/O
/// error can only be about a file the text names (`mod x;`), which the fuzz inputs' paths put
/// under a directory that does not exist.
fn located(error: &rjango_codegen::Error, file: &Path, text: &str, lines: bool) {
    match error {
        rjango_codegen::Error::Source {
            location, message, ..
        } => {
            assert_eq!(location.file, file, "{error}");
            assert!(!message.trim().is_empty(), "an empty message at {location}");
            let shown = error.to_string();
            assert!(
                shown.starts_with(&format!(
                    "{}:{}:{}: ",
                    file.display(),
                    location.line,
                    location.column
                )),
                "{shown}"
            );
            if lines {
                let count = text.split('\n').count();
                assert!(
                    location.line >= 1 && location.line <= count && location.column >= 1,
                    "{error}: line {} column {} is outside the {count} lines given",
                    location.line,
                    location.column
                );
            }
        }
        rjango_codegen::Error::Io { path, .. } => {
            assert!(
                path.starts_with("/nonexistent"),
                "{error}: an I/O error about a file the text does not name"
            );
        }
    }
}

/// The text of an input, or None when it is not UTF-8 (a Rust source file always is: the CLI
/// refuses the others when it reads them).
fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// proc-macro2 keeps every parsed source for its spans' line numbers until told to forget
/// them; a long run would grow without it.
fn forget_spans() {
    proc_macro2::extra::invalidate_current_thread_spans();
}
