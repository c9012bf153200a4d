//! Which names a project or an app may have.
//!
//! A project's name becomes its Cargo package and crate name; an app's becomes a module of
//! that crate (`mod blog;`, `crate::blog::urls`). A name that is not a plain identifier, is a
//! keyword, or shadows a crate the project uses would give a project that does not compile, or
//! compiles to something surprising, so each is refused up front with one line saying why and
//! what to use instead.

use std::path::Path;

/// Every Rust keyword: strict, reserved and those of edition 2024 (`gen`), plus the weak
/// keyword `union` and `_`. `r#` raw identifiers could dodge some, but a project or module name
/// that needs `r#` everywhere is not worth having.
const KEYWORDS: &[&str] = &[
    "_", "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
    "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true",
    "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen",
    "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "union",
];

/// Whether `name` is a Rust keyword (which no module, variable or struct may be named).
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Crates Rust itself reserves (`test` and `build` are also refused by Cargo or clash with
/// build.rs conventions).
const RUST_CRATES: &[&str] = &["std", "core", "alloc", "proc_macro", "test", "build"];

/// Crates an rjango project depends on, directly or through the runtime: a project or app of
/// the same name would shadow them in `use` paths.
const PROJECT_CRATES: &[&str] = &[
    "rjango",
    "rjango_codegen",
    "rjango_macros",
    "actix_web",
    "actix_http",
    "actix_rt",
    "actix_router",
    "sea_orm",
    "sea_query",
    "sqlx",
    "askama",
    "askama_web",
    "tokio",
    "serde",
    "serde_json",
    "futures",
    "futures_util",
    "bytes",
    "uuid",
    "chrono",
    "tracing",
    "clap",
    "regex",
];

/// Module names a project already uses for itself (or that rjango's layout gives a meaning).
const PROJECT_MODULES: &[&str] = &[
    "settings",
    "urls",
    "generated",
    "main",
    "migrations",
    "tests",
    "static",
    "templates",
];

/// What is being named, for the wording of messages and suggestions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Project,
    App,
}

impl Kind {
    /// The suffix of a suggested alternative: `struct` → `struct_site` / `struct_app`.
    fn suffix(self) -> &'static str {
        match self {
            Kind::Project => "site",
            Kind::App => "app",
        }
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Why `name` cannot be used, without the "'x' is not a valid ... name: " prefix; None if fine.
fn problem(name: &str, kind: Kind) -> Option<String> {
    let suggest = |base: &str| format!("Choose another name, e.g. '{base}_{}'.", kind.suffix());
    if name.is_empty() {
        return Some(format!(
            "the name is empty. Choose a name like 'my{}'.",
            kind.suffix()
        ));
    }
    if !is_identifier(name) {
        let fixed: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let fixed = if fixed.starts_with(|c: char| c.is_ascii_digit()) {
            format!("{}_{fixed}", kind.suffix())
        } else {
            fixed
        };
        let why = if name.contains('-') {
            "hyphens are not allowed in Rust identifiers"
        } else if name.starts_with(|c: char| c.is_ascii_digit()) {
            "it must not start with a digit"
        } else {
            "it may hold only ASCII letters, digits and underscores, starting with a letter or underscore"
        };
        let hint = if problem(&fixed, kind).is_none() && fixed != name {
            format!("; use '{fixed}'.")
        } else {
            ".".to_owned()
        };
        return Some(format!("{why}{hint}"));
    }
    if KEYWORDS.contains(&name) {
        return Some(format!(
            "it is a Rust keyword. {}",
            suggest(name.trim_matches('_'))
        ));
    }
    if RUST_CRATES.contains(&name) {
        return Some(format!(
            "it is the name of a crate Rust reserves. {}",
            suggest(name)
        ));
    }
    if PROJECT_CRATES.contains(&name) {
        return Some(format!(
            "it is the name of a crate rjango projects depend on, and would shadow it. {}",
            suggest(name)
        ));
    }
    None
}

/// Checks a project name; the error is the whole one-line message.
pub fn check_project(name: &str) -> Result<(), String> {
    match problem(name, Kind::Project) {
        Some(why) => Err(format!("'{name}' is not a valid project name: {why}")),
        None => Ok(()),
    }
}

/// Checks an app name against the rules of names and against the project at `root`: the
/// project's own modules, its package name, and what already exists under src/.
pub fn check_app(name: &str, project: Option<&str>, root: &Path) -> Result<(), String> {
    let invalid = |why: String| Err(format!("'{name}' is not a valid app name: {why}"));
    if let Some(why) = problem(name, Kind::App) {
        return invalid(why);
    }
    if PROJECT_MODULES.contains(&name) {
        return invalid(format!(
            "the project already uses a module of that name. Choose another name, e.g. '{name}_app'."
        ));
    }
    if project == Some(name) {
        return invalid(format!(
            "it is the project's own name. Choose another name, e.g. '{name}_app'."
        ));
    }
    for existing in [format!("src/{name}"), format!("src/{name}.rs")] {
        if root.join(&existing).exists() {
            return Err(format!(
                "cannot create the app '{name}': {existing} already exists. Choose another name, or remove it first."
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_identifiers_pass() {
        for ok in ["mysite", "my_site", "_private", "Site2", "a"] {
            assert_eq!(check_project(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn hyphen_gets_the_underscore_hint() {
        let err = check_project("my-site").unwrap_err();
        assert!(err.contains("use 'my_site'"), "{err}");
    }

    #[test]
    fn keywords_and_crates_are_refused() {
        for bad in [
            "fn", "async", "gen", "Self", "union", "std", "tokio", "rjango", "build", "_",
        ] {
            assert!(check_project(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn leading_digit_suggests_a_valid_name() {
        let err = check_project("1site").unwrap_err();
        assert!(err.contains("use 'site_1site'"), "{err}");
    }

    #[test]
    fn app_reserved_modules_and_project_name() {
        let dir = std::env::temp_dir();
        assert!(
            check_app("settings", Some("mysite"), &dir)
                .unwrap_err()
                .contains("module")
        );
        assert!(
            check_app("mysite", Some("mysite"), &dir)
                .unwrap_err()
                .contains("own name")
        );
    }
}
