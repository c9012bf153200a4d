//! `rjango makemigrations`: Django's makemigrations. Reads every installed app's models.rs and
//! its migration files (no compile, no database), diffs the two states, asks where Django
//! asks, and writes the new migration files.

use std::path::Path;
use std::process::ExitCode;

use rjango_codegen::migrations::autodetector::{self, Planned};
use rjango_codegen::migrations::loader::Loader;
use rjango_codegen::migrations::questioner::{NonInteractive, Questioner};
use rjango_codegen::migrations::writer::{self, NewMigration};
use rjango_codegen::{fsutil, models, project};
use rjango_schema::ProjectState;
use rjango_schema::safety;

use super::{located, project_root, relative};
use crate::cli::MakeMigrations;
use crate::error::{Failure, Result};
use crate::{questioner, ui};

pub fn run(args: MakeMigrations) -> Result<ExitCode> {
    let root = project_root(None)?;
    let installed = project::installed_apps(&root).map_err(|e| located(e, &root))?;
    // Apps by label; rjango's own apps (rjango.contrib.*) ship their migrations.
    let labels: Vec<String> = installed
        .iter()
        .map(|a| project::app_label(a).to_owned())
        .collect();
    let own: Vec<String> = installed
        .iter()
        .filter(|a| rjango_codegen::contrib::by_name(a).is_none())
        .cloned()
        .collect();
    for app in &args.apps {
        if let Some(contrib) = installed
            .iter()
            .filter_map(|a| rjango_codegen::contrib::by_name(a))
            .find(|c| c.label == app)
        {
            return Err(Failure {
                message: format!(
                    "App '{app}' is {}, part of rjango: its migrations ship with rjango, so makemigrations writes none for it.",
                    contrib.name
                ),
                code: 2,
            });
        }
        if !labels.contains(app) {
            return Err(Failure {
                message: format!(
                    "App '{app}' could not be found. Is it in INSTALLED_APPS (src/settings.rs)?"
                ),
                code: 2,
            });
        }
    }
    if let Some(name) = &args.name
        && (name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
    {
        return Err(Failure {
            message: format!(
                "The migration name must be letters, digits and underscores: {name:?}"
            ),
            code: 2,
        });
    }
    if args.empty && args.apps.is_empty() {
        return Err(Failure {
            message: "You must supply at least one app label when using --empty.".into(),
            code: 2,
        });
    }
    let targets: Vec<String> = if args.apps.is_empty() {
        own.clone()
    } else {
        args.apps.clone()
    };

    let loader = Loader::load(&root, &installed).map_err(|e| located(e, &root))?;
    if args.merge {
        return merge(&root, &loader, &args);
    }
    for app in &labels {
        loader.leaf(app).map_err(|e| located(e, &root))?;
    }
    let planned: Vec<Planned> = if args.empty {
        targets
            .iter()
            .map(|app| Planned {
                app: app.clone(),
                operations: Vec::new(),
                depends_on_apps: Default::default(),
                after_own: 0,
            })
            .collect()
    } else {
        let from = loader.project_state().map_err(|e| located(e, &root))?;
        let to = models::parse::project_state(&root, &installed).map_err(|e| located(e, &root))?;
        let mut terminal = questioner::Terminal;
        let mut noinput = NonInteractive;
        let q: &mut dyn Questioner = if args.noinput {
            &mut noinput
        } else {
            &mut terminal
        };
        autodetector::detect(&from, &to, &targets, q).map_err(|quit| Failure::new(quit.0))?
    };

    if planned.is_empty() {
        match args.apps.as_slice() {
            [] => ui::info("No changes detected"),
            [one] => ui::info(format!("No changes detected in app '{one}'")),
            many => ui::info(format!(
                "No changes detected in apps '{}'",
                many.join("', '")
            )),
        }
        return Ok(ExitCode::SUCCESS);
    }

    let (written_at, stamp) = writer::now();
    let migrations = writer::arrange(&loader, planned, args.name.as_deref(), &stamp)
        .map_err(|e| located(e, &root))?;
    let before = loader.project_state().map_err(|e| located(e, &root))?;
    report(&migrations, &root, &args, &written_at, before);
    if args.check {
        return Ok(ExitCode::FAILURE);
    }
    if args.dry_run {
        return Ok(ExitCode::SUCCESS);
    }
    for m in &migrations {
        let path = root.join(&m.path);
        if path.exists() {
            return Err(Failure::new(format!(
                "{} already exists; rjango never overwrites a migration.",
                m.path.display()
            )));
        }
        fsutil::write_atomic(&path, m.text(&written_at).as_bytes())
            .map_err(|e| located(e, &root))?;
    }
    // The new files are compiled in through src/generated/migrations.rs.
    rjango_codegen::generate_project(&root).map_err(|e| located(e, &root))?;
    Ok(ExitCode::SUCCESS)
}

/// Django's report: the app, the file, one line per operation, each followed by what the
/// safety lint says of it (on stderr), and a last line to point at `migrate --check-safety`.
fn report(
    migrations: &[NewMigration],
    root: &Path,
    args: &MakeMigrations,
    written_at: &str,
    before: ProjectState,
) {
    let mut current_app: Option<&str> = None;
    let mut risky = 0;
    let mut lint = safety::Lint::new(before);
    for m in migrations {
        if current_app != Some(m.app.as_str()) {
            ui::heading(format!("Migrations for '{}':", m.app));
            current_app = Some(&m.app);
        }
        ui::info(format!("  {}", relative(&root.join(&m.path), root)));
        for op in &m.body.operations {
            ui::info(format!("    {} {}", writer::symbol(op), op.describe()));
            let warnings = lint.step(&m.app, op);
            risky += usize::from(!warnings.is_empty());
            for w in &warnings {
                ui::caution(w.headline(), &w.safer);
            }
        }
        if args.dry_run && args.verbosity >= 3 {
            ui::info(m.text(written_at));
        }
    }
    if risky > 0 {
        ui::warning(format!(
            "{risky} {} above could lose data, lock a table or break the release that serves while the migration runs. `migrate --check-safety` fails on them, for CI.",
            if risky == 1 {
                "operation"
            } else {
                "operations"
            }
        ));
    }
}

/// `makemigrations --merge`: for each app with two leaves, the branches' operations, Django's
/// question, and a merge migration depending on both.
fn merge(root: &Path, loader: &Loader, args: &MakeMigrations) -> Result<ExitCode> {
    use rjango_codegen::migrations::merge;
    let conflicts: Vec<merge::Conflict> = merge::conflicts(loader)
        .into_iter()
        .filter(|c| args.apps.is_empty() || args.apps.contains(&c.app))
        .collect();
    if conflicts.is_empty() {
        ui::info("No conflicts detected to merge.");
        return Ok(ExitCode::SUCCESS);
    }
    let (written_at, stamp) = writer::now();
    for conflict in &conflicts {
        ui::heading(format!("Merging {}", conflict.app));
        for branch in merge::branches(loader, conflict).map_err(|e| located(e, root))? {
            ui::info(format!("  Branch {}", branch.leaf));
            for op in &branch.operations {
                ui::info(format!("    {} {}", writer::symbol(op), op.describe()));
            }
        }
        let proceed =
            args.noinput || questioner::confirm_merge().map_err(|quit| Failure::new(quit.0))?;
        if !proceed {
            continue;
        }
        let m = merge::merge_migration(conflict, args.name.as_deref(), &stamp);
        if args.dry_run {
            if args.verbosity >= 3 {
                ui::info(format!(
                    "Full merge migrations file '{}':",
                    m.path.display()
                ));
                ui::info(m.text(&written_at));
            }
            continue;
        }
        let path = root.join(&m.path);
        if path.exists() {
            return Err(Failure::new(format!(
                "{} already exists; rjango never overwrites a migration.",
                m.path.display()
            )));
        }
        fsutil::write_atomic(&path, m.text(&written_at).as_bytes())
            .map_err(|e| located(e, root))?;
        ui::info(format!("\nCreated new merge migration {}", path.display()));
    }
    rjango_codegen::generate_project(root).map_err(|e| located(e, root))?;
    Ok(ExitCode::SUCCESS)
}
