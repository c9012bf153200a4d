//! `rjango startproject NAME [DIRECTORY]`: validate everything, then write the project's files
//! and its generated code, and tell the user what to do next.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::StartProject;
use crate::error::{Failure, Result};
use crate::scaffold::{self, ProjectContext};
use crate::{names, secret, ui};

pub fn run(args: StartProject) -> Result<ExitCode> {
    names::check_project(&args.name).map_err(Failure::new)?;
    let cwd = std::env::current_dir()
        .map_err(|e| Failure::new(format!("cannot read the current directory: {e}")))?;
    let (target, named_dir) = match &args.directory {
        Some(dir) => (cwd.join(dir), false),
        None => (cwd.join(&args.name), true),
    };
    check_target(&target, named_dir, args.force)?;

    let (rjango_dep, codegen_dep) = dependencies();
    let ctx = ProjectContext {
        name: args.name.clone(),
        secret_key: secret::secret_key().map_err(|e| {
            Failure::new(format!("the OS gave no randomness for the SECRET_KEY: {e}"))
        })?,
        rjango_dep,
        codegen_dep,
    };
    let files = scaffold::project_files(&ctx)?;
    let paths = files
        .iter()
        .map(|(p, _)| p.as_path())
        .chain(scaffold::GENERATED_FILES.iter().map(Path::new));
    if let Some(existing) = scaffold::first_existing(&target, paths) {
        return Err(Failure::new(format!(
            "{} already exists; rjango never overwrites a file. Move it away, or choose another directory.",
            target.join(existing).display()
        )));
    }
    scaffold::write_all(&target, &files)?;
    rjango_codegen::generate_project(&target).map_err(|e| super::located(e, &target))?;

    let shown = args.directory.as_deref().unwrap_or(Path::new(&args.name));
    ui::success(format!(
        "Created the project '{}' in {}",
        args.name,
        shown.display()
    ));
    ui::heading("Next steps:");
    if shown != Path::new(".") {
        ui::info(format!("  cd {}", shown.display()));
    }
    ui::info("  rjango startapp blog        # create an app");
    ui::info("  rjango runserver            # serve on http://127.0.0.1:8000/");
    Ok(ExitCode::SUCCESS)
}

/// The target must be new or empty, unless --force; a named ./NAME must not exist at all, as
/// with Django, since that is almost always a second run by mistake.
fn check_target(target: &Path, named_dir: bool, force: bool) -> Result<()> {
    let Ok(meta) = target.metadata() else {
        return Ok(());
    };
    if !meta.is_dir() {
        return Err(Failure::new(format!(
            "{} exists and is not a directory.",
            target.display()
        )));
    }
    let empty = std::fs::read_dir(target)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", target.display())))?
        .next()
        .is_none();
    if empty || force {
        return Ok(());
    }
    Err(Failure::new(if named_dir {
        format!(
            "{} already exists. Choose another name, or pass a directory and --force to add the project there (existing files are never overwritten).",
            target.display()
        )
    } else {
        format!(
            "{} is not empty. Use a new or empty directory, or pass --force to add the project beside what is there (existing files are never overwritten).",
            target.display()
        )
    }))
}

/// `rjango` and `rjango-codegen` dependency values for Cargo.toml: path dependencies on the
/// checkout this CLI was built from when it is still there (developing rjango itself), else
/// the published version.
fn dependencies() -> (String, String) {
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR"));
    // rjango's drivers are features: a new project compiles SQLite's, the database its
    // settings name (Cargo.toml says how to add another).
    let features = r#"default-features = false, features = ["sqlite"]"#;
    if checkout.join("runtime/Cargo.toml").is_file() {
        let path = |dir: &str| format!("path = {}", toml_string(&checkout.join(dir)));
        (
            format!("{{ {}, {features} }}", path("runtime")),
            format!("{{ {} }}", path("codegen")),
        )
    } else {
        (
            format!("{{ version = \"0.1\", {features} }}"),
            "\"0.1\"".to_owned(),
        )
    }
}

/// A TOML basic string holding `path`.
pub fn toml_string(path: &Path) -> String {
    let mut out = String::from('"');
    for c in path.to_string_lossy().chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_strings_escape() {
        assert_eq!(toml_string(Path::new("/a/b")), "\"/a/b\"");
        assert_eq!(
            toml_string(Path::new("/a \"q\"\\b")),
            "\"/a \\\"q\\\"\\\\b\""
        );
        assert_eq!(toml_string(Path::new("/a\tb")), "\"/a\\u0009b\"");
    }
}
