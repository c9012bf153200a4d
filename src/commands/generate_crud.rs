//! `rjango generate crud APP MODEL`: the list, detail, create, update and delete pages of a
//! model, written into the app as the user's own code (see [`crate::crud`]).
//!
//! Every edit is worked out before anything is written, so a file that does not parse stops
//! the command with nothing changed. What exists already is kept and reported (unless
//! `--force`), and only what is missing is added: a second run changes nothing, and a run
//! with `--api` after one without adds just the JSON views and their routes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{located, project_root};
use crate::cli::Crud;
use crate::crud::{self, CrudModel};
use crate::edit::{self, Edit};
use crate::error::{Failure, Result};
use crate::ui;

/// Names the generated code gives a meaning of its own in views.rs and the pages (the
/// context's fields, the imported modules, the views' locals): a model whose lower-case
/// name, or handles module, is one of them would be shadowed or clash.
const CLASHING: &[&str] = &[
    "api",
    "context",
    "ctx",
    "filters",
    "form",
    "is_paginated",
    "object",
    "object_list",
    "page",
    "page_obj",
    "pk",
    "request",
    "reverse",
    "views",
];

/// A file's new text, with what to say once it is written.
struct Planned {
    path: PathBuf,
    text: String,
    said: String,
}

pub fn run(args: Crud) -> Result<ExitCode> {
    let root = project_root(None)?;
    let app = &args.app;
    if !root.join("src").join(app).join("mod.rs").is_file() {
        return Err(Failure::new(format!(
            "this project has no app '{app}' (no src/{app}/mod.rs); create it with: rjango startapp {app}"
        )));
    }
    let model = CrudModel::read(&root, app, &args.model, args.fields.as_deref())?;
    if crate::names::is_keyword(&model.lower) {
        return Err(Failure::new(format!(
            "the model's lower-case name `{}` is a Rust keyword, which its pages would use as a variable; rename the model",
            model.lower
        )));
    }
    if let Some(clash) = CLASHING
        .iter()
        .find(|n| **n == model.lower || **n == model.handles)
    {
        return Err(Failure::new(format!(
            "a model named {} would clash with `{clash}`, a name its generated views and pages use; rename the model, or write its views by hand",
            model.name
        )));
    }
    for field in model.keyword_fields() {
        ui::warning(format!(
            "{}.{} is named by a Rust keyword, which templates cannot name: left out of the form and the pages",
            model.name, field.name
        ));
    }
    for (field, why) in model.left_out() {
        ui::warning(format!(
            "{}.{} ({}) is not in {}Form: {why}; the pages show it",
            model.name,
            field.name,
            field.kind(),
            model.name
        ));
    }
    for field in model.unset_required() {
        ui::warning(format!(
            "{}.{} is required and not in --fields: set it in {}Create::new_object, or creating a {} fails",
            model.name, field.name, model.name, model.verbose
        ));
    }

    let mut planned: Vec<Planned> = Vec::new();
    let mut kept: Vec<String> = Vec::new();
    let mut by_hand: Vec<String> = Vec::new();
    let src = PathBuf::from("src").join(app);

    // forms.rs (created with its `pub mod forms;` when the app has none).
    let forms_path = module_file(&root, &src, "forms");
    let forms_text = read_or(
        &root,
        &forms_path,
        &format!("//! The {app} app's forms (Django's forms.py).\n"),
    )?;
    let forms = crud::rust::forms(&model);
    plan_items(
        &forms_path,
        &forms_text,
        forms,
        args.force,
        &mut planned,
        &mut kept,
    )?;
    let mod_path = src.join("mod.rs");
    let mod_text = read(&root, &mod_path)?;
    match edit::register_module(&mod_text, "pub mod forms;", "forms", &mod_path) {
        Edit::Changed(text) => planned.push(Planned {
            path: mod_path.clone(),
            text,
            said: format!("declared `pub mod forms;` in {}", mod_path.display()),
        }),
        Edit::AlreadyDone => {}
        Edit::NotFound(_) => {
            by_hand.push(format!("add to {}:  pub mod forms;", mod_path.display()))
        }
        Edit::Unparsable(e) => return Err(unparsable(&e)),
    }

    // views.rs: the pages and views, then urls.rs: their routes.
    let views_path = module_file(&root, &src, "views");
    let views_text = read_or(&root, &views_path, &format!("//! The {app} app's views.\n"))?;
    let views = crud::rust::views(&model, args.api, crud::html::uses_filters(&model));
    plan_items(
        &views_path,
        &views_text,
        views,
        args.force,
        &mut planned,
        &mut kept,
    )?;
    let urls_path = module_file(&root, &src, "urls");
    let urls_text = read(&root, &urls_path)?;
    let (imports, routes) = crud::rust::routes(&model, args.api);
    let (outcome, existing) = edit::items::add_routes(&urls_text, &imports, &routes, &urls_path);
    for name in &existing {
        kept.push(format!("the route \"{name}\" in {}", urls_path.display()));
    }
    match outcome {
        Edit::Changed(text) => planned.push(Planned {
            path: urls_path.clone(),
            text,
            said: match routes.len() - existing.len() {
                0 => format!("added the routes' `use` lines to {}", urls_path.display()),
                1 => format!("added 1 route to {}", urls_path.display()),
                n => format!("added {n} routes to {}", urls_path.display()),
            },
        }),
        Edit::AlreadyDone => {}
        Edit::NotFound(why) => {
            by_hand.push(format!(
                "{}: {why}; left it untouched. Add these yourself, the `use` lines beside the others and the routes to its urlpatterns![...]:",
                urls_path.display()
            ));
            by_hand.extend(
                imports
                    .iter()
                    .map(|i| format!("    use {}::{};", i.path, i.name)),
            );
            by_hand.extend(routes.iter().map(|r| format!("    {},", r.entry)));
        }
        Edit::Unparsable(e) => return Err(unparsable(&e)),
    }

    // tests.rs: the pages' tests, when the app has its tests module.
    let tests_path = module_file(&root, &src, "tests");
    if root.join(&tests_path).is_file() {
        let tests_text = read(&root, &tests_path)?;
        let tests = crud::rust::tests(&model, args.api);
        plan_items(
            &tests_path,
            &tests_text,
            tests,
            args.force,
            &mut planned,
            &mut kept,
        )?;
    } else {
        ui::info(format!(
            "{} is missing, so no tests were written for the {} pages",
            tests_path.display(),
            model.verbose
        ));
    }

    // The four pages.
    for (path, text) in crud::html::pages(&model)? {
        if root.join(&path).exists() && !args.force {
            kept.push(path.display().to_string());
            continue;
        }
        planned.push(Planned {
            said: format!("wrote {}", path.display()),
            path,
            text,
        });
    }

    for p in &planned {
        let full = root.join(&p.path);
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| Failure::new(format!("cannot create {}: {e}", dir.display())))?;
        }
        rjango_codegen::fsutil::write_atomic(&full, p.text.as_bytes())?;
        ui::success(&p.said);
    }
    if !kept.is_empty() {
        ui::info(format!(
            "Already there, kept as they are (--force replaces what generate crud writes):\n  {}",
            kept.join("\n  ")
        ));
    }
    for line in &by_hand {
        ui::warning(line);
    }
    if planned.is_empty() {
        if by_hand.is_empty() {
            ui::info(format!(
                "Nothing to add: the {} pages exist.",
                model.verbose
            ));
        }
        return Ok(ExitCode::SUCCESS);
    }
    match rjango_codegen::generate_project(&root) {
        Ok(_) => {}
        Err(e) if !by_hand.is_empty() => ui::warning(format!(
            "src/generated/ was not regenerated; it will be on the next build once the lines above are added:\n  {}",
            located(e, &root)
        )),
        Err(e) => {
            return Err(Failure::new(format!(
                "{}\n  the files above are written, but src/generated/ (the reverse functions of the new routes) was not regenerated: fix this, then build",
                located(e, &root)
            )));
        }
    }
    ui::heading("Next steps:");
    ui::info("  rjango makemigrations && rjango migrate   # if the model is new");
    ui::info(format!(
        "  rjango runserver            # then open http://127.0.0.1:8000/{app}/{}/",
        model.lower
    ));
    Ok(ExitCode::SUCCESS)
}

/// Plans adding `code`'s items to the file at `path` (whose text is `text`): those it
/// declares already are kept (and reported), or with `force` replaced.
fn plan_items(
    path: &Path,
    text: &str,
    code: crud::rust::RustCode,
    force: bool,
    planned: &mut Vec<Planned>,
    kept: &mut Vec<String>,
) -> Result<()> {
    let names: Vec<String> = code.items.iter().map(|i| i.name.clone()).collect();
    let existing = edit::items::declared(text, &names, path).map_err(|e| unparsable(&e))?;
    let (replace, items): (Vec<String>, Vec<crud::rust::Item>) = if force {
        (existing.clone(), code.items)
    } else {
        for name in &existing {
            kept.push(format!("{name} in {}", path.display()));
        }
        let missing = code
            .items
            .into_iter()
            .filter(|i| !existing.contains(&i.name))
            .collect();
        (Vec::new(), missing)
    };
    if items.is_empty() {
        return Ok(());
    }
    let added: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
    let said = format!(
        "{} {} in {}",
        if replace.is_empty() { "added" } else { "wrote" },
        added.join(", "),
        path.display()
    );
    match edit::items::add_items(text, &code.imports, &items, &replace, path) {
        Edit::Changed(text) => planned.push(Planned {
            path: path.to_owned(),
            text,
            said,
        }),
        Edit::Unparsable(e) => return Err(unparsable(&e)),
        Edit::NotFound(clash) => {
            return Err(Failure::new(format!(
                "{}: {clash}; generate crud changed nothing",
                path.display()
            )));
        }
        Edit::AlreadyDone => {}
    }
    Ok(())
}

/// The file of the app's module `name`: `name.rs`, or `name/mod.rs` when the app keeps it as
/// a package.
fn module_file(root: &Path, app_dir: &Path, name: &str) -> PathBuf {
    let package = app_dir.join(name).join("mod.rs");
    if root.join(&package).is_file() {
        package
    } else {
        app_dir.join(format!("{name}.rs"))
    }
}

fn read(root: &Path, path: &Path) -> Result<String> {
    std::fs::read_to_string(root.join(path))
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))
}

/// The file's text, or `new` when there is no such file yet.
fn read_or(root: &Path, path: &Path, new: &str) -> Result<String> {
    if root.join(path).exists() {
        read(root, path)
    } else {
        Ok(new.to_owned())
    }
}

fn unparsable(error: &str) -> Failure {
    Failure::new(format!(
        "{error}\n  the file does not parse, so generate crud changed nothing; fix it and run again"
    ))
}
