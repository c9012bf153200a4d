//! Django's LocMemCache: this process's memory, so it is never shared between processes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;

use super::{Cache, CacheError};

#[derive(Default)]
pub struct LocMemCache {
    entries: Mutex<HashMap<String, (String, Instant)>>,
}

impl LocMemCache {
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, (String, Instant)>) -> T) -> T {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        entries.retain(|_, (_, until)| *until > now);
        f(&mut entries)
    }
}

impl Cache for LocMemCache {
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<String>, CacheError>> {
        let value = self.with(|e| e.get(key).map(|(v, _)| v.clone()));
        Box::pin(async move { Ok(value) })
    }

    fn set<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
        timeout: Duration,
    ) -> BoxFuture<'a, Result<(), CacheError>> {
        self.with(|e| e.insert(key.to_owned(), (value.to_owned(), Instant::now() + timeout)));
        Box::pin(async { Ok(()) })
    }

    fn add<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
        timeout: Duration,
    ) -> BoxFuture<'a, Result<bool, CacheError>> {
        let added = self.with(|e| {
            if e.contains_key(key) {
                false
            } else {
                e.insert(key.to_owned(), (value.to_owned(), Instant::now() + timeout));
                true
            }
        });
        Box::pin(async move { Ok(added) })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<bool, CacheError>> {
        let had = self.with(|e| e.remove(key).is_some());
        Box::pin(async move { Ok(had) })
    }
}
