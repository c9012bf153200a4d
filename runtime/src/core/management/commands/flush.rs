//! `flush [--noinput] [--database ALIAS]`: Django's flush. Empties every table of the installed
//! apps (django_migrations is kept), after asking Django's question.

use std::io::{BufRead, Write};

use crate::Project;
use crate::db::Connection;

pub fn run(project: Project, database: &str, noinput: bool) -> Result<(), String> {
    let settings = crate::conf::configure((project.settings)());
    let url = settings.DATABASES.url(database).ok_or_else(|| {
        format!("CommandError: the database alias '{database}' is not in DATABASES")
    })?;
    if !noinput {
        print!(
            "You have requested a flush of the database.\nThis will IRREVERSIBLY DESTROY all data currently in the \"{}\" database,\nand return each table to an empty state.\nAre you sure you want to do this?\n\n    Type 'yes' to continue, or 'no' to cancel: ",
            crate::db::url::name(&url).unwrap_or_default()
        );
        let _ = std::io::stdout().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if answer.trim() != "yes" {
            println!("Flush cancelled.");
            return Ok(());
        }
    }
    let state = crate::db::migrations::project_state(&(project.migrations)())
        .map_err(|e| format!("CommandError: the migrations do not replay: {e}"))?;
    crate::__private::block_on(async {
        let conn = Connection::open_url(database, &url)
            .await
            .map_err(|e| format!("CommandError: {e}"))?;
        crate::db::flush::flush(&conn, &state).await.map_err(|e| {
            format!(
                "CommandError: Database {} couldn't be flushed. Possible reasons:\n  * The database isn't running or isn't configured correctly.\n  * At least one of the expected database tables doesn't exist (run `migrate`).\n  * The SQL was invalid.\n{e}",
                crate::db::url::name(&url).unwrap_or_default()
            )
        })?;
        // Django's flush sends post_migrate: the content types and permissions come back.
        crate::contrib::post_migrate(&conn, project.apps, project.models, &state)
            .await
            .map_err(|e| format!("CommandError: {e}"))
    })?;
    Ok(())
}
