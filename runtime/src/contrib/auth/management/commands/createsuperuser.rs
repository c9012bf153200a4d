//! `createsuperuser [--username U] [--email E] [--noinput] [--database ALIAS]`: Django's
//! command. It asks for the username (the system's by default), the email address and the
//! password twice, with Django's prompts and errors; with `--noinput` it reads
//! DJANGO_SUPERUSER_USERNAME, DJANGO_SUPERUSER_EMAIL and DJANGO_SUPERUSER_PASSWORD (no
//! password: an unusable one), as Django's does.

use super::{getpass, interactive, open, system_username, validate_email, validate_username};
use crate::Project;
use crate::contrib::auth::models::{User, user};
use crate::models::QueryError;
use crate::models::prelude::*;

/// The command's options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub username: Option<String>,
    pub email: Option<String>,
    pub noinput: bool,
    pub database: String,
}

fn err(e: impl std::fmt::Display) -> String {
    format!("CommandError: {e}")
}

async fn taken(username: &str) -> Result<bool, String> {
    User::objects()
        .filter(user::username.eq(username))
        .exists()
        .await
        .map_err(err)
}

pub fn run(project: Project, options: Options) -> Result<(), String> {
    crate::conf::configure((project.settings)());
    crate::__private::block_on(crate::db::connections::with_default(
        &options.database.clone(),
        async move {
            open(&options.database).await?;
            if options.noinput {
                return noinput(options).await;
            }
            if !interactive() {
                // Django's words, for a command run where nobody can answer.
                println!(
                    "Superuser creation skipped due to not running in a TTY. You can run `{} createsuperuser` in your project to create one manually.",
                    project.name
                );
                return Ok(());
            }
            ask(options).await
        },
    ))
}

async fn noinput(options: Options) -> Result<(), String> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let username = options
        .username
        .or_else(|| env("DJANGO_SUPERUSER_USERNAME"))
        .ok_or_else(|| err("You must use --username with --noinput."))?;
    let username = crate::contrib::auth::base_user::normalize_username(&username);
    validate_username(&username).map_err(|e| err(format!("Error: {e}")))?;
    if taken(&username).await? {
        return Err(err("Error: That username is already taken."));
    }
    let email = options
        .email
        .or_else(|| env("DJANGO_SUPERUSER_EMAIL"))
        .unwrap_or_default();
    validate_email(&email).map_err(|e| err(format!("Error: {e}")))?;
    let password = env("DJANGO_SUPERUSER_PASSWORD");
    create(&username, &email, password.as_deref()).await
}

async fn create(username: &str, email: &str, password: Option<&str>) -> Result<(), String> {
    User::objects()
        .create_superuser(username, email, password)
        .await
        .map_err(|e: QueryError| err(e))?;
    println!("Superuser created successfully.");
    Ok(())
}

async fn ask(options: Options) -> Result<(), String> {
    let interrupted = |_| err("Operation cancelled.");
    // Username: the option's, or asked, with the system's as the default when it is free.
    let username = match options.username {
        Some(u) => {
            let u = crate::contrib::auth::base_user::normalize_username(&u);
            validate_username(&u).map_err(|e| err(format!("Error: {e}")))?;
            if taken(&u).await? {
                return Err(err("Error: That username is already taken."));
            }
            u
        }
        None => {
            let mut default = system_username();
            if validate_username(&default).is_err() || taken(&default).await? {
                default.clear();
            }
            loop {
                let prompt = if default.is_empty() {
                    "Username".to_owned()
                } else {
                    format!("Username (leave blank to use '{default}')")
                };
                let answer: String = dialoguer::Input::new()
                    .with_prompt(prompt)
                    .allow_empty(true)
                    .interact_text()
                    .map_err(interrupted)?;
                let answer = if answer.is_empty() {
                    default.clone()
                } else {
                    answer
                };
                let answer = crate::contrib::auth::base_user::normalize_username(&answer);
                if let Err(e) = validate_username(&answer) {
                    eprintln!("Error: {e}");
                    continue;
                }
                if taken(&answer).await? {
                    eprintln!("Error: That username is already taken.");
                    continue;
                }
                break answer;
            }
        }
    };
    let email = match options.email {
        Some(e) => {
            validate_email(&e).map_err(|e| err(format!("Error: {e}")))?;
            e
        }
        None => loop {
            let answer: String = dialoguer::Input::new()
                .with_prompt("Email address")
                .allow_empty(true)
                .interact_text()
                .map_err(interrupted)?;
            match validate_email(&answer) {
                Ok(()) => break answer,
                Err(e) => eprintln!("Error: {e}"),
            }
        },
    };
    let password = loop {
        let first = getpass("Password: ")?;
        let again = getpass("Password (again): ")?;
        if first != again {
            eprintln!("Error: Your passwords didn't match.");
            continue;
        }
        if first.trim().is_empty() {
            eprintln!("Error: Blank passwords aren't allowed.");
            continue;
        }
        break first;
    };
    create(&username, &email, Some(&password)).await
}
