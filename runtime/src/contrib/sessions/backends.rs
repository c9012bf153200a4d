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
    /// Saves `data`, under `key` when the session has one (a new key otherwise); returns the
    /// key for the cookie.
    fn save<'a>(
        &'a self,
        key: Option<&'a str>,
        data: &'a Map<String, Value>,
    ) -> BoxFuture<'a, Result<String, SaveError>>;
    /// Forgets the session of `key`.
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, ()>;
    /// Whether a key that loads nothing is dropped, so the session gets a new one when saved
    /// (Django's server-side backends: a key the visitor chose is never used). The signed
    /// cookie backend keeps it: its key is its data.
    fn drops_unknown_keys(&self) -> bool {
        true
    }
}

/// Why a session could not be saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveError {
    /// Its row was deleted while the request ran (Django's `UpdateError`, answered with
    /// SessionInterrupted's 400): a logout in another tab, say.
    Interrupted,
    /// The store failed (a database error).
    Failed(String),
}

/// The engine SESSION_ENGINE names, or why it cannot be used.
pub fn engine(name: &str) -> Result<Arc<dyn SessionStore>, String> {
    match name {
        "django.contrib.sessions.backends.db" => Ok(Arc::new(Db)),
        "django.contrib.sessions.backends.cache" => Ok(Arc::new(CacheStore::configured())),
        "django.contrib.sessions.backends.signed_cookies" => Ok(Arc::new(SignedCookies)),
        other => Err(format!(
            "SESSION_ENGINE '{other}' is not available in rjango: set SESSION_ENGINE to \"django.contrib.sessions.backends.db\" (the default), \"django.contrib.sessions.backends.cache\" or \"django.contrib.sessions.backends.signed_cookies\" in settings.rs"
        )),
    }
}

/// The salt Django's server-side backends sign a session's data with:
/// `"django.contrib.sessions." + type(self).__qualname__`, and every such class is `SessionStore`.
const SESSION_STORE_SALT: &str = "django.contrib.sessions.SessionStore";

/// Django's session keys: 32 characters of lower-case letters and digits.
const VALID_KEY_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// A new session key, as Django's `_get_new_session_key` draws it.
pub fn new_session_key() -> String {
    crate::contrib::auth::hashers::get_random_string_of(32, VALID_KEY_CHARS)
}

/// A session's data as the server-side backends store it (Django's `SessionBase.encode`): JSON,
/// compressed when that is shorter, signed with a timestamp.
pub fn encode(data: &Map<String, Value>) -> String {
    crate::core::signing::dumps(data, SESSION_STORE_SALT, true)
}

/// The data of a stored session (Django's `SessionBase.decode`); None when it was not signed
/// with this SECRET_KEY (or a fallback).
pub fn decode(text: &str) -> Option<Map<String, Value>> {
    crate::core::signing::loads(text, SESSION_STORE_SALT, None).ok()
}

/// When a session saved now expires (Django's `get_expiry_date`): its own expiry (seconds from
/// now, or a date), else SESSION_COOKIE_AGE from now.
pub fn expiry_date(data: &Map<String, Value>) -> chrono::DateTime<chrono::Utc> {
    let now = chrono::Utc::now();
    let age = |s: u64| {
        now + chrono::TimeDelta::seconds(
            i64::try_from(s)
                .unwrap_or(i64::MAX / 1000)
                .min(i64::MAX / 1000),
        )
    };
    match data.get(super::EXPIRY_KEY) {
        Some(Value::Number(n)) => match n.as_u64() {
            Some(s) if s > 0 => age(s),
            _ => age(super::session_cookie_age()),
        },
        Some(Value::String(at)) => {
            super::parse_expiry(at).unwrap_or_else(|| age(super::session_cookie_age()))
        }
        _ => age(super::session_cookie_age()),
    }
}

/// Django's `db` backend (the default): each session a row of `django_session` (the
/// `rjango.contrib.sessions` app's table), its data signed JSON, read only before its
/// `expire_date`. Every process that shares the database shares the sessions.
#[derive(Debug, Clone, Copy, Default)]
pub struct Db;

impl SessionStore for Db {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<Map<String, Value>>> {
        use super::models::{Session, session};
        use crate::models::prelude::*;
        Box::pin(async move {
            let found = Session::objects()
                .filter(session::session_key.eq(key))
                .filter(session::expire_date.gt(chrono::Utc::now()))
                .first()
                .await;
            match found {
                Ok(Some(row)) => decode(&row.session_data),
                Ok(None) => None,
                Err(e) => {
                    // Django lets a database error through (a 500); a session that cannot be
                    // read is also no session, which is what the visitor sees.
                    crate::log::error(&format!("the session could not be read: {e}"));
                    None
                }
            }
        })
    }

    fn save<'a>(
        &'a self,
        key: Option<&'a str>,
        data: &'a Map<String, Value>,
    ) -> BoxFuture<'a, Result<String, SaveError>> {
        use super::models::{Session, session};
        use crate::models::prelude::*;
        Box::pin(async move {
            let session_data = encode(data);
            let expire_date = expiry_date(data);
            let failed = |e: crate::models::QueryError| SaveError::Failed(e.to_string());
            if let Some(key) = key {
                // Django's save(must_create=False): the row must still be there.
                let updated = Session::objects()
                    .filter(session::session_key.eq(key))
                    .update([
                        session::session_data.set(session_data.clone()),
                        session::expire_date.set(expire_date),
                    ])
                    .await
                    .map_err(failed)?;
                return if updated == 0 {
                    Err(SaveError::Interrupted)
                } else {
                    Ok(key.to_owned())
                };
            }
            // Django's create(): a new key, again if it is taken.
            loop {
                let row = Session {
                    session_key: new_session_key(),
                    session_data: session_data.clone(),
                    expire_date,
                };
                match Session::objects().create(row).await {
                    Ok(row) => return Ok(row.session_key),
                    Err(e) if e.is_integrity_error() => continue,
                    Err(e) => return Err(failed(e)),
                }
            }
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, ()> {
        use super::models::{Session, session};
        use crate::models::prelude::*;
        Box::pin(async move {
            if let Err(e) = Session::objects()
                .filter(session::session_key.eq(key))
                .delete()
                .await
            {
                crate::log::error(&format!("the session could not be deleted: {e}"));
            }
        })
    }
}

/// Django's `cache` backend: each session under `django.contrib.sessions.cache<key>` in the
/// cache SESSION_CACHE_ALIAS names, for its expiry age. With CACHES on Redis, every process
/// using that Redis shares the sessions. The value is the session's JSON (Django's RedisCache
/// pickles it: a Django process shares the database backend's sessions, not these).
pub struct CacheStore {
    alias: String,
    /// The cache, found in CACHES on first use (not on every request).
    cache: std::sync::OnceLock<Arc<dyn crate::core::cache::Cache>>,
}

/// Django's `KEY_PREFIX` of the cache backend.
const CACHE_KEY_PREFIX: &str = "django.contrib.sessions.cache";

impl CacheStore {
    /// The backend on the cache of `alias` in CACHES.
    pub fn new(alias: &str) -> Self {
        CacheStore {
            alias: alias.to_owned(),
            cache: std::sync::OnceLock::new(),
        }
    }

    /// The backend on the cache of SESSION_CACHE_ALIAS.
    pub fn configured() -> Self {
        let alias = crate::conf::try_settings()
            .map_or_else(|| "default".to_owned(), |s| s.SESSION_CACHE_ALIAS.clone());
        CacheStore::new(&alias)
    }

    fn cache(&self) -> Result<Arc<dyn crate::core::cache::Cache>, SaveError> {
        if let Some(cache) = self.cache.get() {
            return Ok(cache.clone());
        }
        let cache = crate::core::cache::caches(&self.alias)
            .map_err(|e| SaveError::Failed(e.to_string()))?;
        Ok(self.cache.get_or_init(|| cache).clone())
    }

    fn key(session_key: &str) -> String {
        crate::core::cache::make_key(&format!("{CACHE_KEY_PREFIX}{session_key}"))
    }
}

/// Seconds until a session saved now expires (Django's `get_expiry_age`), for the cache's
/// timeout.
fn expiry_age(data: &Map<String, Value>) -> Duration {
    let seconds = (expiry_date(data) - chrono::Utc::now())
        .num_seconds()
        .max(1);
    Duration::from_secs(u64::try_from(seconds).unwrap_or(1))
}

impl SessionStore for CacheStore {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<Map<String, Value>>> {
        Box::pin(async move {
            let cache = self.cache().ok()?;
            match cache.get(&Self::key(key)).await {
                Ok(value) => serde_json::from_str(&value?).ok(),
                Err(e) => {
                    crate::log::error(&format!("the session could not be read: {e}"));
                    None
                }
            }
        })
    }

    fn save<'a>(
        &'a self,
        key: Option<&'a str>,
        data: &'a Map<String, Value>,
    ) -> BoxFuture<'a, Result<String, SaveError>> {
        Box::pin(async move {
            let cache = self.cache()?;
            let value =
                serde_json::to_string(data).map_err(|e| SaveError::Failed(e.to_string()))?;
            let timeout = expiry_age(data);
            let failed = |e: crate::core::cache::CacheError| SaveError::Failed(e.to_string());
            if let Some(key) = key {
                // Django's save(must_create=False): the session must still be there.
                if cache.get(&Self::key(key)).await.map_err(failed)?.is_none() {
                    return Err(SaveError::Interrupted);
                }
                cache
                    .set(&Self::key(key), &value, timeout)
                    .await
                    .map_err(failed)?;
                return Ok(key.to_owned());
            }
            // Django's create(): a new key, again while it is taken (`cache.add`).
            for _ in 0..10_000 {
                let key = new_session_key();
                if cache
                    .add(&Self::key(&key), &value, timeout)
                    .await
                    .map_err(failed)?
                {
                    return Ok(key);
                }
            }
            Err(SaveError::Failed("no unused session key was found".into()))
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let Ok(cache) = self.cache() else {
                return;
            };
            if let Err(e) = cache.delete(&Self::key(key)).await {
                crate::log::error(&format!("the session could not be deleted: {e}"));
            }
        })
    }
}

/// Django's `clearsessions` for the database backend: deletes the expired rows, in one
/// statement (Django's collector fast-deletes them: nothing points at a session); returns how
/// many.
pub async fn clear_expired(alias: &str) -> Result<u64, crate::db::DbError> {
    let conn = crate::db::connections::get(alias).await?;
    let d = conn.dialect;
    let sql = format!(
        "DELETE FROM {} WHERE {} < %s",
        d.quote("django_session"),
        d.quote("expire_date")
    );
    let now = d.prepare(sea_orm::Value::from(chrono::Utc::now()));
    let done = conn.run(&d.placeholders(&sql, 1), vec![now]).await?;
    Ok(done.rows_affected())
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
    ) -> BoxFuture<'a, Result<String, SaveError>> {
        let _ = key;
        Box::pin(async move { Ok(crate::core::signing::dumps(data, SIGNED_COOKIES_SALT, true)) })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, ()> {
        let _ = key;
        Box::pin(async {})
    }

    fn drops_unknown_keys(&self) -> bool {
        false
    }
}
