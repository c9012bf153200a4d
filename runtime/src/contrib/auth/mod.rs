//! Django's `django.contrib.auth`: users, groups and permissions on Django's tables
//! ([`models`]), who the visitor is (`request.user().await`, given by
//! [`AuthenticationMiddleware`]), logging in and out ([`authenticate`], [`login`],
//! [`logout`]), views only signed-in users reach ([`login_required`],
//! [`permission_required`]), the permissions `migrate` creates ([`management`]) and the
//! password hashers ([`hashers`]).
//!
//! ```text
//! pub async fn sign_in(request: HttpRequest) -> Result<HttpResponse, ViewError> {
//!     let form = request.POST();
//!     let (username, password) = (form.get("username").unwrap_or(""), form.get("password").unwrap_or(""));
//!     match auth::authenticate(&request, username, password).await? {
//!         Some(user) => {
//!             auth::login(&request, &user).await?;
//!             Ok(redirect("/"))
//!         }
//!         None => Ok(HttpResponse::new("Please enter a correct username and password.")),
//!     }
//! }
//! ```
//!
//! The session keys and their values are Django's (`_auth_user_id`, `_auth_user_backend`,
//! `_auth_user_hash`), so a visitor signed in by a Django site sharing the database and
//! SECRET_KEY is signed in here, and the other way round.

pub mod admin;
pub mod backends;
pub mod base_user;
pub mod decorators;
pub mod forms;
pub mod hashers;
pub mod management;
pub mod middleware;
pub mod migrations;
pub mod models;
pub mod password_validation;
pub mod views;

use std::collections::BTreeSet;
use std::sync::Arc;

pub use decorators::{login_required, permission_required, redirect_to_login};
pub use middleware::AuthenticationMiddleware;

use crate::http::HttpRequest;
use crate::models::QueryError;
use models::User;

/// The session key of the signed-in user's primary key (Django's `SESSION_KEY`).
pub const SESSION_KEY: &str = "_auth_user_id";
/// The session key of the backend that authenticated the user (`BACKEND_SESSION_KEY`).
pub const BACKEND_SESSION_KEY: &str = "_auth_user_backend";
/// The session key of the user's password-derived hash (`HASH_SESSION_KEY`).
pub const HASH_SESSION_KEY: &str = "_auth_user_hash";
/// The query parameter the login page sends the visitor back by (`REDIRECT_FIELD_NAME`).
pub const REDIRECT_FIELD_NAME: &str = "next";

/// Who made a request: Django's `request.user`, a signed-in [`User`] or the anonymous user.
/// Cheap to clone; clones share the permission cache, filled on first use.
#[derive(Clone, Default)]
pub struct AuthUser {
    user: Option<Arc<User>>,
    permissions: Arc<tokio::sync::OnceCell<BTreeSet<String>>>,
}

impl std::fmt::Debug for AuthUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.user {
            Some(user) => write!(f, "AuthUser({:?})", user.username),
            None => f.write_str("AnonymousUser"),
        }
    }
}

impl From<User> for AuthUser {
    fn from(user: User) -> Self {
        AuthUser {
            user: Some(Arc::new(user)),
            permissions: Arc::default(),
        }
    }
}

impl AuthUser {
    /// Django's `AnonymousUser()`.
    pub fn anonymous() -> Self {
        AuthUser::default()
    }

    /// The signed-in user; None for the anonymous one.
    pub fn user(&self) -> Option<&User> {
        self.user.as_deref()
    }

    /// Django's `is_authenticated`.
    pub fn is_authenticated(&self) -> bool {
        self.user.is_some()
    }

    /// Django's `is_anonymous`.
    pub fn is_anonymous(&self) -> bool {
        self.user.is_none()
    }

    /// The primary key; None for the anonymous user.
    pub fn pk(&self) -> Option<i32> {
        self.user.as_ref().map(|u| u.id)
    }

    /// Django's `get_username()`: `""` for the anonymous user.
    pub fn username(&self) -> &str {
        self.user.as_ref().map_or("", |u| u.username.as_str())
    }

    pub fn is_staff(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.is_staff)
    }

    pub fn is_superuser(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.is_superuser)
    }

    pub fn is_active(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.is_active)
    }

    /// Django's `get_all_permissions()`: `"app_label.codename"`, the user's and its groups'
    /// (none for the anonymous user or an inactive one). Read once per request.
    pub async fn get_all_permissions(&self) -> Result<BTreeSet<String>, QueryError> {
        let Some(user) = &self.user else {
            return Ok(BTreeSet::new());
        };
        self.permissions
            .get_or_try_init(|| backends::get_all_permissions(user))
            .await
            .cloned()
    }

    /// Django's `has_perm("blog.change_post")`: an active superuser has every permission.
    pub async fn has_perm(&self, perm: &str) -> Result<bool, QueryError> {
        match &self.user {
            Some(user) if user.is_active && user.is_superuser => Ok(true),
            Some(_) => Ok(self.get_all_permissions().await?.contains(perm)),
            None => Ok(false),
        }
    }

    /// Django's `has_perms([...])`: every one of them.
    pub async fn has_perms(&self, perms: &[&str]) -> Result<bool, QueryError> {
        for perm in perms {
            if !self.has_perm(perm).await? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Django's `has_module_perms("blog")`: any permission of the app.
    pub async fn has_module_perms(&self, app_label: &str) -> Result<bool, QueryError> {
        match &self.user {
            Some(user) if user.is_active && user.is_superuser => Ok(true),
            Some(_) => {
                let prefix = format!("{app_label}.");
                Ok(self
                    .get_all_permissions()
                    .await?
                    .iter()
                    .any(|p| p.starts_with(&prefix)))
            }
            None => Ok(false),
        }
    }
}

/// Django's `authenticate(request, username=..., password=...)`: the active user with these
/// credentials, or None. It takes one password hash's time whether or not the user exists.
pub async fn authenticate(
    request: &HttpRequest,
    username: &str,
    password: &str,
) -> Result<Option<User>, QueryError> {
    let _ = request;
    backends::authenticate(username, password).await
}

/// Django's `login(request, user)`: remembers the user in the session, under a new session key
/// (a key known before login is worth nothing after), with a new CSRF token, and records the
/// login in `last_login`.
pub async fn login(request: &HttpRequest, user: &User) -> Result<(), QueryError> {
    let session = request.session();
    let hash = user.get_session_auth_hash();
    if session.contains(SESSION_KEY).await {
        // Another user's session, or a stale one: start an empty one.
        let same_user = session_user_pk(request).await == Some(user.id);
        let stored: String = session.get(HASH_SESSION_KEY).await.unwrap_or_default();
        if !same_user
            || !crate::core::signing::constant_time_compare(stored.as_bytes(), hash.as_bytes())
        {
            session.flush().await;
        }
    } else {
        session.cycle_key().await;
    }
    session.set(SESSION_KEY, user.id.to_string()).await;
    session
        .set(BACKEND_SESSION_KEY, backends::MODEL_BACKEND)
        .await;
    session.set(HASH_SESSION_KEY, hash).await;
    request.set_user(AuthUser::from(user.clone())).await;
    crate::middleware::csrf::rotate_token(request);
    // Django's user_logged_in receiver, update_last_login.
    use crate::models::prelude::*;
    models::User::objects()
        .filter(models::user::id.eq(user.id))
        .update([models::user::last_login.set(chrono::Utc::now())])
        .await?;
    Ok(())
}

/// Django's `logout(request)`: the session is flushed (its data deleted, a new key) and the
/// request's user is the anonymous one.
pub async fn logout(request: &HttpRequest) {
    request.session().flush().await;
    request.set_user(AuthUser::anonymous()).await;
}

/// Django's `update_session_auth_hash(request, user)`: after a password change, keeps this
/// session signed in (the others are signed out by the new hash).
pub async fn update_session_auth_hash(request: &HttpRequest, user: &User) {
    let session = request.session();
    session.cycle_key().await;
    if session_user_pk(request).await == Some(user.id) {
        session
            .set(HASH_SESSION_KEY, user.get_session_auth_hash())
            .await;
        request.set_user(AuthUser::from(user.clone())).await;
    }
}

/// The primary key the session holds (Django stores it as text).
async fn session_user_pk(request: &HttpRequest) -> Option<i32> {
    match request.session().get_value(SESSION_KEY).await? {
        serde_json::Value::String(s) => s.parse().ok(),
        serde_json::Value::Number(n) => n.as_i64().and_then(|n| i32::try_from(n).ok()),
        _ => None,
    }
}

/// Django's `get_user(request)`: the session's user, if its backend is Django's model backend,
/// the user still exists and is active, and the session's hash still matches the password
/// (else the session is flushed: a password change signs the other sessions out). A hash made
/// with one of SECRET_KEY_FALLBACKS is accepted and renewed.
pub async fn get_user(request: &HttpRequest) -> Result<AuthUser, QueryError> {
    let Some(pk) = session_user_pk(request).await else {
        return Ok(AuthUser::anonymous());
    };
    let session = request.session();
    let backend: Option<String> = session.get(BACKEND_SESSION_KEY).await;
    if backend.as_deref() != Some(backends::MODEL_BACKEND) {
        return Ok(AuthUser::anonymous());
    }
    let Some(user) = backends::get_user(pk).await? else {
        return Ok(AuthUser::anonymous());
    };
    let stored: Option<String> = session.get(HASH_SESSION_KEY).await;
    let current = user.get_session_auth_hash();
    let matches = |hash: &str| {
        stored.as_deref().is_some_and(|s| {
            crate::core::signing::constant_time_compare(s.as_bytes(), hash.as_bytes())
        })
    };
    if !matches(&current) {
        let fallbacks = crate::conf::settings().SECRET_KEY_FALLBACKS.clone();
        if fallbacks
            .iter()
            .any(|key| matches(&user.session_auth_hash_with(key)))
        {
            session.cycle_key().await;
            session.set(HASH_SESSION_KEY, current).await;
        } else {
            session.flush().await;
            return Ok(AuthUser::anonymous());
        }
    }
    Ok(AuthUser::from(user))
}
