//! Django's `django.core.cache`, as far as sessions need it: CACHES names a cache per alias by
//! URL, `redis://host:port/db` (Django's RedisCache, what lets several processes share
//! sessions) or `locmem://` (Django's default LocMemCache, one process's memory), and
//! [`caches`] gives the one of an alias. Keys are made as Django makes them
//! (`:1:<key>`: KEY_PREFIX empty, VERSION 1).

mod locmem;
mod redis;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use futures_util::future::BoxFuture;

pub use locmem::LocMemCache;
pub use redis::RedisCache;

/// Why a cache could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cache '{alias}': {message}")]
pub struct CacheError {
    pub alias: String,
    pub message: String,
}

/// A cache backend: Django's `BaseCache`, the operations sessions use. Values are text.
pub trait Cache: Send + Sync {
    /// The value of `key`; None when there is none or it expired.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>, CacheError>>;
    /// Stores `value` under `key` for `timeout`.
    fn set<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
        timeout: Duration,
    ) -> BoxFuture<'a, Result<(), CacheError>>;
    /// Stores `value` only where `key` holds nothing; whether it did (Django's `add`).
    fn add<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
        timeout: Duration,
    ) -> BoxFuture<'a, Result<bool, CacheError>>;
    /// Forgets `key`; whether it held something.
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<bool, CacheError>>;
}

/// Django's `make_key`: `KEY_PREFIX:VERSION:key`, with Django's defaults (no prefix, 1).
pub fn make_key(key: &str) -> String {
    format!(":1:{key}")
}

/// Django's CACHES: a URL per alias. The default is Django's: `default` in this process's
/// memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caches(std::collections::BTreeMap<String, String>);

impl Default for Caches {
    fn default() -> Self {
        Caches(std::collections::BTreeMap::from([(
            "default".to_owned(),
            "locmem://".to_owned(),
        )]))
    }
}

impl Caches {
    /// No cache at all (add them with [`with`](Self::with)).
    pub fn new() -> Self {
        Caches(Default::default())
    }

    /// Adds (or replaces) an alias: `redis://127.0.0.1:6379/0`, `locmem://`.
    pub fn with(mut self, alias: &str, url: impl Into<String>) -> Self {
        self.0.insert(alias.to_owned(), url.into());
        self
    }

    pub fn url(&self, alias: &str) -> Option<&str> {
        self.0.get(alias).map(String::as_str)
    }
}

/// The cache of `alias` in CACHES: Django's `caches[alias]`, made once per process.
pub fn caches(alias: &str) -> Result<Arc<dyn Cache>, CacheError> {
    type Made = Mutex<Vec<(String, Arc<dyn Cache>)>>;
    static MADE: OnceLock<Made> = OnceLock::new();
    let made = MADE.get_or_init(Default::default);
    let mut made = made.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, cache)) = made.iter().find(|(a, _)| a == alias) {
        return Ok(cache.clone());
    }
    let settings = crate::conf::settings();
    let url = settings.CACHES.url(alias).ok_or_else(|| CacheError {
        alias: alias.to_owned(),
        message: "no such alias in CACHES".into(),
    })?;
    let cache: Arc<dyn Cache> = if url.starts_with("locmem://") {
        Arc::new(LocMemCache::default())
    } else if url.starts_with("redis://") {
        Arc::new(RedisCache::from_url(alias, url)?)
    } else {
        return Err(CacheError {
            alias: alias.to_owned(),
            message: format!(
                "{url:?} names no cache rjango has: use redis://host:port/db or locmem://"
            ),
        });
    };
    made.push((alias.to_owned(), cache.clone()));
    Ok(cache)
}
