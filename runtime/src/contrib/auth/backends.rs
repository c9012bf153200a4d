//! Django's `ModelBackend`: users authenticated by username and password against `auth_user`,
//! and their permissions, their own and their groups', as `"app_label.codename"`.

use std::collections::BTreeSet;

use super::base_user::blocking;
use super::hashers;
use super::models::{User, user};
use crate::models::QueryError;
use crate::models::prelude::*;

/// The dotted path Django stores in the session at login (`_auth_user_backend`), so a session
/// made by Django's login is accepted here, and the other way round.
pub const MODEL_BACKEND: &str = "django.contrib.auth.backends.ModelBackend";

/// Django's `ModelBackend.authenticate`: the active user whose username and password these
/// are. A username nobody has costs one password hash too, so the time of an answer does not
/// tell which usernames exist (Django's #20760).
pub async fn authenticate(username: &str, password: &str) -> Result<Option<User>, QueryError> {
    let username = super::base_user::normalize_username(username);
    let found = match User::objects().get_by_natural_key(&username).await {
        Ok(user) => Some(user),
        Err(e) if e.is_does_not_exist() => None,
        Err(e) => return Err(e),
    };
    let Some(mut user) = found else {
        let raw = password.to_owned();
        blocking(move || hashers::make_password(&raw)).await;
        return Ok(None);
    };
    if user.check_password(password).await? && user.is_active {
        Ok(Some(user))
    } else {
        Ok(None)
    }
}

/// Django's `ModelBackend.get_user(pk)`: the user of a session, if still active.
pub async fn get_user(pk: i32) -> Result<Option<User>, QueryError> {
    match User::objects().get(user::id.eq(pk)).await {
        Ok(user) if user.is_active => Ok(Some(user)),
        Ok(_) => Ok(None),
        Err(e) if e.is_does_not_exist() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Permissions as `"app_label.codename"`, in one query.
async fn permissions_of(
    user: Option<&User>,
    source: Source,
) -> Result<BTreeSet<String>, QueryError> {
    // The cursor runs where the ORM would: inside the request's or test's atomic block.
    let mut cursor = crate::db::cursor().await.map_err(QueryError::Database)?;
    let d = cursor.dialect();
    let q = |s: &str| d.quote(s);
    let join = match source {
        Source::User => format!(
            "INNER JOIN {up} ON {up}.{pid} = {p}.{id} WHERE {up}.{uid} = %s",
            up = q("auth_user_user_permissions"),
            pid = q("permission_id"),
            p = q("auth_permission"),
            id = q("id"),
            uid = q("user_id"),
        ),
        Source::Group => format!(
            "INNER JOIN {gp} ON {gp}.{pid} = {p}.{id} INNER JOIN {ug} ON {ug}.{gid} = {gp}.{gid} WHERE {ug}.{uid} = %s",
            gp = q("auth_group_permissions"),
            ug = q("auth_user_groups"),
            pid = q("permission_id"),
            gid = q("group_id"),
            p = q("auth_permission"),
            id = q("id"),
            uid = q("user_id"),
        ),
        Source::All => String::new(),
    };
    let sql = format!(
        "SELECT {ct}.{app} AS app_label, {p}.{code} AS codename FROM {p} INNER JOIN {ct} ON {ct}.{id} = {p}.{ctid} {join}",
        ct = q("django_content_type"),
        app = q("app_label"),
        p = q("auth_permission"),
        code = q("codename"),
        id = q("id"),
        ctid = q("content_type_id"),
    );
    let params: Vec<sea_orm::Value> = user.map(|u| u.id.into()).into_iter().collect();
    let rows = cursor
        .fetch_all(&sql, params)
        .await
        .map_err(QueryError::Database)?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let app = row.get_by_name::<String>("app_label").ok()?;
            let codename = row.get_by_name::<String>("codename").ok()?;
            Some(format!("{app}.{codename}"))
        })
        .collect())
}

/// Where permissions come from.
#[derive(Clone, Copy)]
enum Source {
    /// Given to the user itself.
    User,
    /// Given to a group of the user.
    Group,
    /// Every permission there is.
    All,
}

/// The permissions of `source` for `user`: none for an inactive user, all of them for a
/// superuser, as Django's backend answers.
async fn permissions_from(user: &User, source: Source) -> Result<BTreeSet<String>, QueryError> {
    if !user.is_active {
        return Ok(BTreeSet::new());
    }
    if user.is_superuser {
        return permissions_of(None, Source::All).await;
    }
    permissions_of(Some(user), source).await
}

/// Django's `get_user_permissions`: the permissions given to the user itself.
pub async fn get_user_permissions(user: &User) -> Result<BTreeSet<String>, QueryError> {
    permissions_from(user, Source::User).await
}

/// Django's `get_group_permissions`: the permissions the user has through its groups.
pub async fn get_group_permissions(user: &User) -> Result<BTreeSet<String>, QueryError> {
    permissions_from(user, Source::Group).await
}

/// Django's `get_all_permissions`: the user's own and its groups'.
pub async fn get_all_permissions(user: &User) -> Result<BTreeSet<String>, QueryError> {
    let mut all = get_user_permissions(user).await?;
    if !user.is_superuser {
        all.extend(get_group_permissions(user).await?);
    }
    Ok(all)
}
