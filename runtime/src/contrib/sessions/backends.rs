//! Where sessions are kept (Django's `SESSION_ENGINE`).

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use serde_json::{Map, Value};

/// A session backend: Django's `SessionStore` class of an engine.
pub trait SessionStore: Send + Sync {
    /// The data of the session whose cookie holds `key`; None when there is none (unknown,
    /// expired or forged).
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<Map<String, Value>>>;
    /// Saves `data`, under `key` when the session has one; returns the key for the cookie
    /// (None when it could not be saved).
    fn save<'a>(
        &'a self,
        key: Option<&'a str>,
        data: &'a Map<String, Value>,
    ) -> BoxFuture<'a, Option<String>>;
    /// Forgets the session of `key`.
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, ()>;
}

/// The engine SESSION_ENGINE names, or why it cannot be used.
pub fn engine(name: &str) -> Result<Arc<dyn SessionStore>, String> {
    match name {
        "django.contrib.sessions.backends.signed_cookies" => Ok(Arc::new(SignedCookies)),
        other => Err(format!(
            "SESSION_ENGINE '{other}' is not available in rjango yet: set SESSION_ENGINE to \"django.contrib.sessions.backends.signed_cookies\" in settings.rs"
        )),
    }
}

/// Django's `signed_cookies` backend: the session's data is the cookie, JSON signed with
/// SECRET_KEY (readable by the client, not changeable), valid for SESSION_COOKIE_AGE. Nothing
/// is stored on the server, so any process with the key reads it.
#[derive(Debug, Clone, Copy, Default)]
pub struct SignedCookies;

/// The salt Django's backend signs with.
const SIGNED_COOKIES_SALT: &str = "django.contrib.sessions.backends.signed_cookies";

impl SessionStore for SignedCookies {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<Map<String, Value>>> {
        Box::pin(async move {
            crate::core::signing::loads(
                key,
                SIGNED_COOKIES_SALT,
                Some(Duration::from_secs(super::session_cookie_age())),
            )
            .ok()
        })
    }

    fn save<'a>(
        &'a self,
        key: Option<&'a str>,
        data: &'a Map<String, Value>,
    ) -> BoxFuture<'a, Option<String>> {
        let _ = key;
        Box::pin(async move { Some(crate::core::signing::dumps(data, SIGNED_COOKIES_SALT, true)) })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, ()> {
        let _ = key;
        Box::pin(async {})
    }
}
