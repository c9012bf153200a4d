//! `changepassword [USERNAME] [--database ALIAS]`: Django's command. Asks for the new password
//! twice, three times at most, for the named user (the system's username by default).

use super::{getpass, interactive, open, system_username};
use crate::Project;
use crate::contrib::auth::models::User;

fn err(e: impl std::fmt::Display) -> String {
    format!("CommandError: {e}")
}

/// Django's MAX_TRIES.
const MAX_TRIES: usize = 3;

pub fn run(project: Project, username: Option<String>, database: String) -> Result<(), String> {
    crate::conf::configure((project.settings)());
    crate::__private::block_on(crate::db::connections::with_default(
        &database.clone(),
        async move {
            open(&database).await?;
            let username = username.unwrap_or_else(system_username);
            let mut user = match User::objects().get_by_natural_key(&username).await {
                Ok(user) => user,
                Err(e) if e.is_does_not_exist() => {
                    return Err(err(format!("user '{username}' does not exist")));
                }
                Err(e) => return Err(err(e)),
            };
            if !interactive() {
                return Err(err(
                    "changepassword asks for the password on a terminal; run it in one",
                ));
            }
            println!("Changing password for user '{username}'");
            for _ in 0..MAX_TRIES {
                let first = getpass("Password: ")?;
                let again = getpass("Password (again): ")?;
                if first != again {
                    println!("Passwords do not match. Please try again.");
                    continue;
                }
                user.set_password(&first).await;
                crate::models::Instance::save(&mut user)
                    .await
                    .map_err(err)?;
                println!("Password changed successfully for user '{username}'");
                return Ok(());
            }
            Err(err(format!(
                "Aborting password change for user '{username}' after {MAX_TRIES} attempts"
            )))
        },
    ))
}
