//! `rjango test [LABELS...] [-- ARGS]`: Django's `manage.py test`, on cargo's test runner.
//! Django's labels (`blog`, `blog.tests`, `blog.tests.index_answers`) become test-name filters
//! (`blog::`, `blog::tests::`, `blog::tests::index_answers`); the test databases are the
//! runtime's (`#[rjango::test(db)]`).

use std::process::{Command, ExitCode};

use super::{located, project_root};
use crate::cli::TestArgs;
use crate::error::{Failure, Result};

pub fn run(args: TestArgs) -> Result<ExitCode> {
    let root = project_root(None)?;
    rjango_codegen::generate_project(&root).map_err(|e| located(e, &root))?;
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .arg("test")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .arg("--")
        .args(args.labels.iter().map(|l| filter(l)))
        .args(&args.args)
        .current_dir(&root)
        .status()
        .map_err(|e| Failure::new(format!("could not run cargo test: {e}")))?;
    let code = status.code().unwrap_or(1);
    Ok(ExitCode::from(u8::try_from(code).unwrap_or(1)))
}

/// A Django test label as a test-name filter: an app or module matches everything inside it.
pub fn filter(label: &str) -> String {
    let path = label.replace('.', "::");
    let parts = label.split('.').count();
    if parts >= 3 {
        path
    } else {
        format!("{path}::")
    }
}

#[cfg(test)]
mod tests {
    use super::filter;

    #[test]
    fn labels_are_test_paths() {
        assert_eq!(filter("blog"), "blog::");
        assert_eq!(filter("blog.tests"), "blog::tests::");
        assert_eq!(
            filter("blog.tests.index_answers"),
            "blog::tests::index_answers"
        );
    }
}
