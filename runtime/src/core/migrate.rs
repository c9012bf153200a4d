//! The migration commands of a project binary: `migrate`, `showmigrations`, `sqlmigrate`,
//! printing what Django prints.

use crate::Project;
use crate::db::Connection;
use crate::db::migrations::executor::{Executor, MigrateError, Step, Target};
use crate::db::migrations::{Migration, recorder};
use rjango_schema::safety;

type Result<T> = std::result::Result<T, String>;

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    crate::__private::block_on(f)
}

fn err(e: impl std::fmt::Display) -> String {
    format!("CommandError: {e}")
}

async fn open(database: &str) -> Result<Connection> {
    Connection::open(database).await.map_err(err)
}

/// What `migrate` does besides applying: Django's `--plan`, and rjango's `--check-safety`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Apply,
    /// Print the operations that would run, with the safety lint's warnings, and stop.
    Plan,
    /// Lint the operations that would run; fail if any is unsafe on this database, but for
    /// those of the migrations `accepted` (`app.0002_name`), which are listed only.
    CheckSafety { accepted: Vec<String> },
}

/// `migrate [app] [target] [--fake] [--plan | --check-safety]`
pub fn migrate(
    project: Project,
    app: Option<String>,
    target: Option<String>,
    fake: bool,
    mode: Mode,
    database: &str,
) -> Result<()> {
    let migrations = (project.migrations)();
    block_on(async {
        let conn = open(database).await?;
        // Django's migrate runs the checks for its database first: what this backend leaves
        // out is said before it is left out. (Migrations that do not replay are reported by
        // the executor below, with the migration that fails.)
        if let Ok(state) = crate::db::migrations::project_state(&migrations) {
            let warnings = crate::core::checks::check_database(&state, &conn);
            if !warnings.is_empty() {
                eprintln!("{}", crate::core::checks::report(&warnings));
            }
        }
        recorder::ensure_table(&conn).await.map_err(err)?;
        let applied = recorder::applied(&conn).await.map_err(err)?;
        let mut executor = Executor::new(&migrations, applied)
            .map_err(err)?
            .with_code((project.migration_code)());
        let conflicts = executor.graph.conflicts();
        if !conflicts.is_empty() {
            let list: Vec<String> = conflicts
                .iter()
                .map(|(app, leaves)| format!("{} in {app}", leaves.join(", ")))
                .collect();
            return Err(err(format!(
                "Conflicting migrations detected; multiple leaf nodes in the migration graph: ({}).\nTo fix them run 'rjango makemigrations --merge'",
                list.join("; ")
            )));
        }
        let target = resolve_target(&executor, &migrations, app.as_deref(), target.as_deref())?;
        let steps = executor.plan(&target);
        if mode == Mode::Plan {
            println!("Planned operations:");
            if steps.is_empty() {
                println!("  No planned migration operations.");
            }
            let mut walk = safety::Lint::default();
            for step in &steps {
                print_planned(&executor, conn.dialect, step, &mut walk)?;
            }
            return Ok(());
        }
        if let Mode::CheckSafety { accepted } = &mode {
            return check_safety(&executor, &conn, &steps, accepted);
        }
        println!("Operations to perform:");
        match &target {
            Target::All => {
                let apps: Vec<&str> = executor.graph.apps().into_iter().collect();
                println!(
                    "  Apply all migrations: {}",
                    if apps.is_empty() {
                        "(none)".into()
                    } else {
                        apps.join(", ")
                    }
                );
            }
            Target::AppLatest(a) => println!("  Apply all migrations: {a}"),
            Target::Zero(a) => println!("  Unapply all migrations: {a}"),
            Target::Migration((a, n)) => println!("  Target specific migration: {n}, from {a}"),
        }
        println!("Running migrations:");
        if steps.is_empty() {
            println!("  No migrations to apply.");
        }
        for step in &steps {
            let verb = if step.backwards {
                "Unapplying"
            } else {
                "Applying"
            };
            print!("  {verb} {}.{}...", step.key.0, step.key.1);
            let _ = std::io::Write::flush(&mut std::io::stdout());
            match executor.run(&conn, step, fake).await {
                Ok(()) => println!("{}", if fake { " FAKED" } else { " OK" }),
                Err(e) => {
                    println!(" FAILED");
                    return Err(err(e));
                }
            }
        }
        // Django's post_migrate: content types and permissions of the migrated models.
        let applied = recorder::applied(&conn).await.map_err(err)?;
        let state = crate::db::migrations::applied_state(&migrations, &applied).map_err(err)?;
        crate::contrib::post_migrate(&conn, project.apps, project.models, &state)
            .await
            .map_err(err)?;
        Ok(())
    })
}

fn resolve_target(
    executor: &Executor<'_>,
    migrations: &[Migration],
    app: Option<&str>,
    target: Option<&str>,
) -> Result<Target> {
    let Some(app) = app else {
        return Ok(Target::All);
    };
    if !migrations.iter().any(|m| m.app_label == app) {
        return Err(err(format!("App '{app}' does not have migrations.")));
    }
    match target {
        None => Ok(Target::AppLatest(app.to_owned())),
        Some("zero") => Ok(Target::Zero(app.to_owned())),
        Some(name) => executor
            .graph
            .resolve(app, name)
            .map(Target::Migration)
            .map_err(err),
    }
}

fn print_planned(
    executor: &Executor<'_>,
    dialect: crate::db::Dialect,
    step: &Step,
    walk: &mut safety::Lint,
) -> Result<()> {
    let m = executor
        .graph
        .get(&step.key)
        .ok_or_else(|| err("unknown migration"))?;
    match &m.accepted {
        Some(why) => println!("{}.{} (accepted: {why})", m.app_label, m.name),
        None => println!("{}.{}", m.app_label, m.name),
    }
    for (op, warnings) in lint(executor, dialect, step, walk)? {
        if step.backwards {
            println!("    Undo {}", op.describe());
            if !op.is_reversible() {
                println!("      Raw SQL operation -> IRREVERSIBLE");
            }
        } else {
            println!("    {}", op.describe());
        }
        for w in warnings {
            println!("      ! {}", w.headline());
            println!("        Safer: {}", w.safer);
        }
    }
    Ok(())
}

/// The safety lint's warnings on `dialect` for each operation of a step, judged against the
/// state before it; unapplying, the operations that undo each (undoing an AddField is a
/// RemoveField), last first, as they run.
fn lint<'m>(
    executor: &'m Executor<'_>,
    dialect: crate::db::Dialect,
    step: &Step,
    walk: &mut safety::Lint,
) -> Result<Vec<(&'m rjango_schema::Operation, Vec<safety::Warning>)>> {
    let m = executor
        .graph
        .get(&step.key)
        .ok_or_else(|| err("unknown migration"))?;
    let backend = match dialect {
        crate::db::Dialect::Sqlite => safety::Backend::Sqlite,
        crate::db::Dialect::Postgres => safety::Backend::Postgres,
        crate::db::Dialect::Mysql => safety::Backend::Mariadb,
    };
    let before = executor.state_before(&step.key).map_err(err)?;
    let app = m.app_label.as_str();
    if !step.backwards {
        walk.set_state(before);
        return Ok(m
            .operations
            .iter()
            .map(|op| {
                let warnings = walk
                    .step(app, op)
                    .into_iter()
                    .filter(|w| w.applies_to(backend))
                    .collect();
                (op, warnings)
            })
            .collect());
    }
    // The state before each operation, and after the last.
    let mut states = vec![before];
    for op in &m.operations {
        let mut next = states[states.len() - 1].clone();
        op.state_forwards(app, &mut next).map_err(err)?;
        states.push(next);
    }
    let mut out = Vec::new();
    for (i, op) in m.operations.iter().enumerate().rev() {
        let undo =
            crate::db::migrations::schema_editor::inverse(app, op, &states[i]).unwrap_or_default();
        walk.set_state(states[i + 1].clone());
        let warnings = undo
            .iter()
            .flat_map(|u| walk.step(app, u))
            .filter(|w| w.applies_to(backend))
            .collect();
        out.push((op, warnings));
    }
    Ok(out)
}

/// `migrate --check-safety`: the operations of the migrations `migrate` would apply that
/// could lose data, lock a table or break the release still serving, on this database;
/// exit 1 when there is one, for a deploy pipeline to stop at.
fn check_safety(
    executor: &Executor<'_>,
    conn: &Connection,
    steps: &[Step],
    accepted: &[String],
) -> Result<()> {
    for a in accepted {
        let known = a
            .split_once('.')
            .is_some_and(|(app, name)| executor.graph.get(&(app.into(), name.into())).is_some());
        if !known {
            return Err(err(format!(
                "--accept {a}: no such migration (write it as app.0002_name, the full name)"
            )));
        }
    }
    let mut unsafe_ops = 0;
    let mut walk = safety::Lint::default();
    for step in steps {
        let label = format!("{}.{}", step.key.0, step.key.1);
        // Accepted on the command line, or in the file (`accepted: "why"`).
        let accept = match executor
            .graph
            .get(&step.key)
            .and_then(|m| m.accepted.as_ref())
        {
            Some(why) => Some(format!("accepted: {why}")),
            None => accepted.contains(&label).then(|| "accepted".to_owned()),
        };
        for (op, warnings) in lint(executor, conn.dialect, step, &mut walk)? {
            if warnings.is_empty() {
                continue;
            }
            let what = if step.backwards {
                format!("Undo {}", op.describe())
            } else {
                op.describe()
            };
            if let Some(accept) = &accept {
                println!("{label}: {what} ({accept})");
                continue;
            }
            unsafe_ops += 1;
            println!("{label}: {what}");
            for w in warnings {
                println!("  ! {}", w.headline());
                println!("    Safer: {}", w.safer);
            }
        }
    }
    if unsafe_ops == 0 {
        println!(
            "No unsafe operations in the {} migrations to apply on {}.",
            steps.len(),
            conn.display_name
        );
        return Ok(());
    }
    Err(err(format!(
        "{unsafe_ops} {} of the migrations to apply could lose data, lock a table or break the release that serves while it runs, on {} (above). Split {} as each one says, or accept a migration you have made safe with `--accept app.migration`.",
        if unsafe_ops == 1 {
            "operation"
        } else {
            "operations"
        },
        conn.display_name,
        if unsafe_ops == 1 { "it" } else { "them" },
    )))
}

/// `showmigrations [app ...] [--plan] [-v 2]`: each app's migrations, [X] applied, [ ] not;
/// with `--plan`, every migration in the order `migrate` would apply it (Django's format:
/// `[X]  blog.0001_initial`, and at verbosity 2 `... (dependencies)`).
pub fn showmigrations(
    project: Project,
    apps: &[String],
    database: &str,
    plan: bool,
    verbosity: u8,
) -> Result<()> {
    let migrations = (project.migrations)();
    block_on(async {
        let conn = open(database).await?;
        recorder::ensure_table(&conn).await.map_err(err)?;
        let applied = recorder::applied(&conn).await.map_err(err)?;
        let executor = Executor::new(&migrations, applied).map_err(err)?;
        for a in apps {
            if !project.apps.iter().any(|c| c.label == a) {
                return Err(err(format!("No installed app with label '{a}'.")));
            }
        }
        if plan {
            let mut leaves: Vec<_> = executor
                .graph
                .apps()
                .into_iter()
                .filter(|app| apps.is_empty() || apps.iter().any(|a| a == app))
                .flat_map(|app| executor.graph.leaves(app))
                .collect();
            leaves.sort();
            let mut shown = std::collections::BTreeSet::new();
            for leaf in leaves {
                for key in executor.graph.forwards_plan(&leaf) {
                    if !shown.insert(key.clone()) {
                        continue;
                    }
                    let mark = if executor.applied.contains(&key) {
                        "X"
                    } else {
                        " "
                    };
                    let mut line = format!("[{mark}]  {}.{}", key.0, key.1);
                    if verbosity >= 2
                        && let Some(m) = executor.graph.get(&key)
                    {
                        let mut deps: Vec<String> = m
                            .dependencies
                            .iter()
                            .map(|(a, n)| format!("{a}.{n}"))
                            .collect();
                        deps.sort();
                        if !deps.is_empty() {
                            line.push_str(&format!(" ... ({})", deps.join(", ")));
                        }
                    }
                    println!("{line}");
                }
            }
            if shown.is_empty() {
                println!("(no migrations)");
            }
            return Ok(());
        }
        let labels: Vec<String> = if apps.is_empty() {
            // Django's `sorted(loader.migrated_apps)`: a contrib app without migrations
            // (messages) has no migrations module there and is not listed.
            let mut labels: Vec<String> = project
                .apps
                .iter()
                .filter(|a| {
                    !a.name.starts_with("rjango.contrib.")
                        || !executor.graph.app_nodes(a.label).is_empty()
                })
                .map(|a| a.label.to_owned())
                .collect();
            labels.sort();
            labels
        } else {
            apps.to_vec()
        };
        for app in labels {
            println!("{app}");
            let nodes = executor.graph.app_nodes(&app);
            if nodes.is_empty() {
                println!(" (no migrations)");
            }
            for key in nodes {
                let mark = if executor.applied.contains(&key) {
                    "X"
                } else {
                    " "
                };
                let squashed = executor.graph.get(&key).map_or(0, |m| m.replaces.len());
                if squashed > 0 {
                    println!(" [{mark}] {} ({squashed} squashed migrations)", key.1);
                } else {
                    println!(" [{mark}] {}", key.1);
                }
            }
        }
        Ok(())
    })
}

/// `sqlmigrate app name [--backwards]`: the SQL a migration runs on the configured database.
pub fn sqlmigrate(
    project: Project,
    app: &str,
    name: &str,
    backwards: bool,
    database: &str,
) -> Result<()> {
    let migrations = (project.migrations)();
    let url = crate::conf::settings()
        .DATABASES
        .url(database)
        .ok_or_else(|| {
            err(format!(
                "the database alias '{database}' is not in DATABASES"
            ))
        })?;
    let dialect = crate::db::Dialect::from_url(&url).ok_or_else(|| {
        err(format!(
            "unknown database URL scheme: {}",
            crate::db::url::redact(&url)
        ))
    })?;
    if !migrations.iter().any(|m| m.app_label == app) {
        return Err(err(format!("App '{app}' does not have migrations")));
    }
    let executor = Executor::new(&migrations, Default::default()).map_err(err)?;
    let key = executor.graph.resolve(app, name).map_err(err)?;
    let step = Step { key, backwards };
    let sql = executor
        .sql(dialect, &step)
        .map_err(|e: MigrateError| err(e))?;
    // As migrate runs it: in a transaction where DDL rolls back, unless the migration says
    // `atomic: false` (kept on SQLite, whose remakes need the transaction).
    let declared = executor.graph.get(&step.key).is_none_or(|m| m.atomic);
    let atomic = dialect.can_rollback_ddl() && (declared || dialect == crate::db::Dialect::Sqlite);
    if atomic {
        println!("BEGIN;");
    }
    for (description, statements) in sql {
        println!("--\n-- {description}\n--");
        for action in statements {
            println!("{}", action.as_sql());
        }
    }
    if atomic {
        println!("COMMIT;");
    }
    Ok(())
}
