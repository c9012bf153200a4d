//! `rjango copytemplate admin/change_list.html`: a copy of one of rjango's own templates (the
//! admin's, the auth pages') in the project's templates/, to start an override from. askama
//! finds the project's file first, as Django's template loaders do.

use std::process::ExitCode;

use super::{project_root, relative};
use crate::cli::CopyTemplate;
use crate::error::{Failure, Result};
use crate::ui;

pub fn run(args: CopyTemplate) -> Result<ExitCode> {
    let root = project_root(None)?;
    let known: Vec<&(&str, &str)> = rjango_codegen::contrib::APPS
        .iter()
        .flat_map(|app| app.templates.iter())
        .collect();
    let Some((name, source)) = known.iter().find(|(path, _)| *path == args.template) else {
        let names: Vec<&str> = known.iter().map(|(path, _)| *path).collect();
        return Err(Failure::new(format!(
            "rjango has no template {:?}; its templates are: {}",
            args.template,
            names.join(", ")
        )));
    };
    let target = root.join("templates").join(name);
    if target.exists() && !args.force {
        return Err(Failure::new(format!(
            "{} exists; it already overrides rjango's (use --force to replace it with rjango's)",
            relative(&target, &root)
        )));
    }
    rjango_codegen::fsutil::write_atomic(&target, source.as_bytes())
        .map_err(|e| Failure::new(e.to_string()))?;
    ui::success(format!(
        "wrote {}: the project's {name} from now on",
        relative(&target, &root)
    ));
    Ok(ExitCode::SUCCESS)
}
