//! `rjango generate`: rewrite src/generated/ from the declarations, and say what changed.

use std::process::ExitCode;

use super::{located, project_root, relative};
use crate::error::Result;
use crate::ui;

pub fn run() -> Result<ExitCode> {
    let root = project_root(None)?;
    let generated = rjango_codegen::generate_project(&root).map_err(|e| located(e, &root))?;
    if generated.written.is_empty() {
        ui::info("src/generated is up to date");
    }
    for path in &generated.written {
        ui::success(format!("wrote {}", relative(path, &root)));
    }
    for warning in &generated.warnings {
        ui::warning(warning);
    }
    Ok(ExitCode::SUCCESS)
}
