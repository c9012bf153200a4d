//! Django's `django.contrib`: the apps a site with users, sessions and forms needs, each
//! installed by its name in INSTALLED_APPS (`"rjango.contrib.auth"`), with its models and
//! migrations inside rjango (Django's tables, column for column). Built slice by slice
//! (issue 17): `contenttypes`, `auth` (users, groups, permissions, login, the password
//! hashers), `sessions` (database, cache and signed-cookie backends) and `messages` (Django's
//! fallback, cookie and session storages).

pub mod admin;
pub mod auth;
pub mod contenttypes;
pub mod messages;
pub mod sessions;
pub mod staticfiles;

use crate::apps::AppConfig;
use crate::db::migrations::ProjectState;
use crate::db::{Connection, DbError};

/// What Django's `post_migrate` signal does for rjango's apps, after `migrate` (and after
/// `flush`, and when a test database is made): for each installed app in INSTALLED_APPS
/// order, the content types of its models, then their permissions, as Django's
/// `create_contenttypes` and `create_permissions` receive the signal app by app. Only the
/// models whose tables `state` (the applied migrations) has count; without contenttypes (or
/// its table) nothing is done, without auth no permissions.
pub async fn post_migrate(
    conn: &Connection,
    apps: &[AppConfig],
    models: &[(&str, &str)],
    state: &ProjectState,
) -> Result<(), DbError> {
    let installed = |name: &str| apps.iter().any(|a| a.name == name);
    if !installed("rjango.contrib.contenttypes")
        || state.get("contenttypes", "contenttype").is_none()
    {
        return Ok(());
    }
    let permissions = installed("rjango.contrib.auth") && state.get("auth", "permission").is_some();
    for app in apps {
        let of_app: Vec<&rjango_schema::ModelState> = models
            .iter()
            .filter(|(a, _)| *a == app.label)
            .filter_map(|(a, m)| state.get(a, m))
            .collect();
        if of_app.is_empty() {
            continue;
        }
        let names: Vec<String> = of_app.iter().map(|m| m.name_lower()).collect();
        let ids = contenttypes::management::create_contenttypes(conn, app.label, &names).await?;
        if permissions {
            let with_ct: Vec<(String, String, i64)> = of_app
                .iter()
                .filter_map(|m| {
                    let verbose = m
                        .options
                        .verbose_name
                        .clone()
                        .unwrap_or_else(|| crate::utils::text::camel_case_to_spaces(&m.name));
                    Some((m.name_lower(), verbose, *ids.get(&m.name_lower())?))
                })
                .collect();
            auth::management::create_permissions(conn, &with_ct).await?;
        }
    }
    Ok(())
}
