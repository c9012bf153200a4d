//! `clearsessions`: Django's command of the sessions app. Deletes the expired sessions of the
//! configured SESSION_ENGINE; meant to run from cron, since nothing else removes them.

use crate::Project;

pub fn run(project: Project) -> Result<(), String> {
    let settings = crate::conf::configure((project.settings)());
    if !settings.INSTALLED_APPS.contains(&"rjango.contrib.sessions") {
        return Err(
            "CommandError: clearsessions is a command of the app \"rjango.contrib.sessions\", which is not in INSTALLED_APPS"
                .into(),
        );
    }
    let engine = settings.SESSION_ENGINE.clone();
    if engine == "django.contrib.sessions.backends.cache" {
        // The cache expires its entries by itself (Django's clear_expired is a no-op there).
        return Ok(());
    }
    if engine != "django.contrib.sessions.backends.db" {
        // Django's message: the signed-cookie backend keeps nothing to clear.
        return Err(format!(
            "CommandError: Session engine '{engine}' doesn't support clearing expired sessions."
        ));
    }
    crate::__private::block_on(async {
        crate::db::connections::open_all()
            .await
            .map_err(|e| format!("CommandError: {e}"))?;
        crate::contrib::sessions::backends::clear_expired("default")
            .await
            .map(|_| ())
            .map_err(|e| format!("CommandError: {e}"))
    })
}
