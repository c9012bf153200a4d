//! `remove_stale_contenttypes [--noinput] [--include-stale-apps] [--database ALIAS] [-v N]`:
//! Django's command. Deletes the content types of models the project no longer has (a model
//! deleted, or renamed without its migration saying so), with the permissions on them, after
//! listing what goes and asking Django's question.

use std::io::{BufRead, Write};

use crate::Project;
use crate::contrib::auth::models::{Permission, permission};
use crate::contrib::contenttypes::models::{ContentType, content_type};
use crate::models::prelude::*;

/// The command's options.
#[derive(Debug, Clone)]
pub struct Options {
    pub noinput: bool,
    pub include_stale_apps: bool,
    pub database: String,
    pub verbosity: u8,
}

fn err(e: impl std::fmt::Display) -> String {
    format!("CommandError: {e}")
}

pub fn run(project: Project, options: Options) -> Result<(), String> {
    let settings = crate::conf::configure((project.settings)());
    let installed: Vec<&str> = project.apps.iter().map(|a| a.label).collect();
    let auth = settings.INSTALLED_APPS.contains(&"rjango.contrib.auth");
    let database = options.database.clone();
    crate::__private::block_on(crate::db::connections::with_default(
        &database,
        async move {
            let all = ContentType::objects()
                .order_by([content_type::app_label.asc(), content_type::model.asc()])
                .all()
                .await
                .map_err(err)?;
            // Stale: a model the project's code does not declare (Django's `model_class() is
            // None`), in an installed app unless --include-stale-apps.
            let mut by_app: Vec<(String, Vec<ContentType>)> = Vec::new();
            for ct in all {
                if !options.include_stale_apps && !installed.contains(&ct.app_label.as_str()) {
                    continue;
                }
                if project
                    .models
                    .iter()
                    .any(|(app, model)| *app == ct.app_label && *model == ct.model)
                {
                    continue;
                }
                match by_app.last_mut() {
                    Some((app, cts)) if *app == ct.app_label => cts.push(ct),
                    _ => by_app.push((ct.app_label.clone(), vec![ct])),
                }
            }
            for (_, stale) in by_app {
                let yes = if options.noinput {
                    true
                } else {
                    let mut lines = Vec::new();
                    for ct in &stale {
                        lines.push(format!(
                            "    - Content type for {}.{}",
                            ct.app_label, ct.model
                        ));
                        if auth {
                            let n = Permission::objects()
                                .filter(permission::content_type.eq(ct))
                                .count()
                                .await
                                .map_err(err)?;
                            if n > 0 {
                                lines.push(format!("    - {n} auth.Permission object(s)"));
                            }
                        }
                    }
                    println!(
                        "Some content types in your database are stale and can be deleted.\nAny objects that depend on these content types will also be deleted.\nThe content types and dependent objects that would be deleted are:\n\n{}\n\nThis list doesn't include any cascade deletions to data outside of Django's\nmodels (uncommon).\n\nAre you sure you want to delete these content types?\nIf you're unsure, answer 'no'.",
                        lines.join("\n")
                    );
                    print!("Type 'yes' to continue, or 'no' to cancel: ");
                    let _ = std::io::stdout().flush();
                    let mut answer = String::new();
                    let _ = std::io::stdin().lock().read_line(&mut answer);
                    answer.trim() == "yes"
                };
                if !yes {
                    if options.verbosity >= 2 {
                        println!("Stale content types remain.");
                    }
                    continue;
                }
                for ct in stale {
                    if options.verbosity >= 2 {
                        println!(
                            "Deleting stale content type '{} | {}'",
                            ct.app_label, ct.model
                        );
                    }
                    // The collector deletes the permissions on it, and their groups' and users'
                    // rows, as Django's ct.delete() does.
                    ContentType::objects()
                        .filter(content_type::id.eq(ct.id))
                        .delete()
                        .await
                        .map_err(err)?;
                }
            }
            Ok(())
        },
    ))
}
