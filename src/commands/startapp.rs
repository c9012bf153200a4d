//! `rjango startapp NAME`: write the app's files, then register it in settings.rs, main.rs and
//! urls.rs by editing those lines only (see [`crate::edit`]), then regenerate.
//!
//! Exit codes: 0 when the app was created, even if a registration must be done by hand (the
//! exact line is printed as a warning); 1 when nothing was created (bad name, not in a
//! project, a file already exists) or when one of the three files does not parse, as the
//! project would not build until it is fixed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{located, project_root};
use crate::cli::StartApp;
use crate::edit::{self, Edit};
use crate::error::{Failure, Result};
use crate::scaffold::{self, AppContext};
use crate::{names, ui};

/// One registration: the file, how to edit it, and the words of its by-hand instruction.
struct Registration {
    file: &'static str,
    apply: fn(&str, &str, &Path) -> Edit,
    line: fn(&str) -> String,
    place: &'static str,
}

const REGISTRATIONS: [Registration; 3] = [
    Registration {
        file: "src/settings.rs",
        apply: edit::register_installed_app,
        line: edit::installed_app_line,
        place: "add to INSTALLED_APPS in src/settings.rs",
    },
    Registration {
        file: "src/main.rs",
        apply: edit::register_mod,
        line: edit::mod_line,
        place: "add to src/main.rs, after the other `mod` lines",
    },
    Registration {
        file: "src/urls.rs",
        apply: edit::register_include,
        line: edit::include_line,
        place: "add to urlpatterns![...] in src/urls.rs",
    },
];

pub fn run(args: StartApp) -> Result<ExitCode> {
    let app = args.name;
    let root = project_root(args.directory.as_deref())?;
    let project = rjango_codegen::project::package_name(&root).ok();
    names::check_app(&app, project.as_deref(), &root).map_err(Failure::new)?;

    let mut files = scaffold::app_files(&AppContext { app: app.clone() })?;
    let templates = PathBuf::from("templates").join(&app);
    if !root.join(&templates).exists() {
        files.push((templates.join(".gitkeep"), String::new()));
    }
    if let Some(existing) = scaffold::first_existing(&root, files.iter().map(|(p, _)| p.as_path()))
    {
        return Err(Failure::new(format!(
            "{} already exists; rjango never overwrites a file.",
            existing.display()
        )));
    }

    // Work out every edit before writing anything, so a read error stops us with nothing done.
    let mut edits = Vec::new();
    for reg in &REGISTRATIONS {
        let path = root.join(reg.file);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Failure::new(format!("cannot read {}: {e}", reg.file)))?;
        edits.push((reg, path, (reg.apply)(&text, &app, Path::new(reg.file))));
    }

    scaffold::write_all(&root, &files)?;
    ui::success(format!("Created the app '{app}' in src/{app}/"));

    let mut by_hand = false;
    let mut broken = false;
    for (reg, path, outcome) in edits {
        let manual = || ui::detail(format!("{}:  {}", reg.place, (reg.line)(&app)));
        match outcome {
            Edit::Changed(text) => {
                rjango_codegen::fsutil::write_atomic(&path, text.as_bytes())?;
                ui::success(format!("Registered '{app}' in {}", reg.file));
            }
            Edit::AlreadyDone => ui::info(format!("'{app}' is already registered in {}", reg.file)),
            Edit::NotFound(why) => {
                by_hand = true;
                ui::warning(format!(
                    "{}: {why}; left it untouched. Add the line yourself:",
                    reg.file
                ));
                manual();
            }
            Edit::Unparsable(error) => {
                broken = true;
                ui::error(format!(
                    "{error}\n  {} does not parse; left it untouched. Fix it, then:",
                    reg.file
                ));
                manual();
            }
        }
    }

    match rjango_codegen::generate_project(&root) {
        Ok(_) => {}
        Err(e) if by_hand || broken => {
            ui::warning(format!(
                "src/generated/ was not regenerated; it will be on the next build once the lines above are added:\n  {}",
                located(e, &root)
            ));
        }
        Err(e) => return Err(located(e, &root)),
    }

    if broken {
        return Ok(ExitCode::from(1));
    }
    ui::heading("Next steps:");
    ui::info(format!("  edit src/{app}/views.rs and src/{app}/urls.rs"));
    ui::info(format!(
        "  rjango runserver            # then open http://127.0.0.1:8000/{app}/"
    ));
    Ok(ExitCode::SUCCESS)
}
