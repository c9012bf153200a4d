//! `rjango squashmigrations app [start] end`: plan the squash (rjango-codegen's `squash`), ask
//! Django's question, write the migration, and say what to do with the old files.

use std::process::ExitCode;

use rjango_codegen::migrations::loader::Loader;
use rjango_codegen::migrations::squash::{self, Request};
use rjango_codegen::migrations::writer;
use rjango_codegen::{fsutil, project};

use super::{located, project_root};
use crate::cli::SquashMigrations;
use crate::error::{Failure, Result};
use crate::{questioner, ui};

pub fn run(args: SquashMigrations) -> Result<ExitCode> {
    let root = project_root(None)?;
    let installed = project::installed_apps(&root).map_err(|e| located(e, &root))?;
    if let Some(contrib) = rjango_codegen::contrib::installed_by_label(&installed, &args.app_label)
    {
        return Err(Failure {
            message: format!(
                "App '{}' is {}, part of rjango: its migrations ship with rjango.",
                args.app_label, contrib.name
            ),
            code: 2,
        });
    }
    if !installed.contains(&args.app_label) {
        return Err(Failure {
            message: format!(
                "App '{}' could not be found. Is it in INSTALLED_APPS (src/settings.rs)?",
                args.app_label
            ),
            code: 2,
        });
    }
    // Django's arguments: `app end` or `app start end`.
    let (start, end) = match (&args.start_migration_name, &args.migration_name) {
        (Some(start), Some(end)) => (Some(start.as_str()), end.as_str()),
        (Some(end), None) => (None, end.as_str()),
        (None, _) => {
            return Err(Failure {
                message: "squashmigrations needs the last migration to squash: rjango squashmigrations APP [START] END".into(),
                code: 2,
            });
        }
    };
    let loader = Loader::load(&root, &installed).map_err(|e| located(e, &root))?;
    let plan = squash::plan(
        &loader,
        &Request {
            app: &args.app_label,
            start,
            end,
            squashed_name: args.squashed_name.as_deref(),
            optimize: !args.no_optimize,
        },
    )
    .map_err(Failure::new)?;
    if !args.noinput && !questioner::confirm_squash(&plan.names).map_err(|q| Failure::new(q.0))? {
        return Ok(ExitCode::SUCCESS);
    }
    if args.no_optimize {
        ui::info("(Skipping optimization.)");
    } else {
        ui::info("Optimizing...");
        let after = plan.migration.body.operations.len();
        if after == plan.before {
            ui::info("  No optimizations possible.");
        } else {
            ui::info(format!(
                "  Optimized from {} operations to {after} operations.",
                plan.before
            ));
        }
    }
    let (written_at, _) = writer::now();
    let path = root.join(&plan.migration.path);
    if path.exists() {
        return Err(Failure::new(format!(
            "Migration {} already exists. Use a different name.",
            plan.migration.name
        )));
    }
    fsutil::write_atomic(&path, plan.migration.text(&written_at).as_bytes())
        .map_err(|e| located(e, &root))?;
    rjango_codegen::generate_project(&root).map_err(|e| located(e, &root))?;
    ui::success(format!("Created new squashed migration {}", path.display()));
    ui::info(
        "  You should commit this migration but leave the old ones in place;\n  the new migration will be used for new installs. Once you are sure\n  all instances of the codebase have applied the migrations you squashed,\n  you can delete them.",
    );
    Ok(ExitCode::SUCCESS)
}
