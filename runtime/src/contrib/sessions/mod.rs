//! Django's `django.contrib.sessions`: per-visitor data kept between requests, reached in a
//! view as `request.session()`, loaded on first use and saved by [`SessionMiddleware`] when
//! changed, with Django's cookie (`sessionid`, two weeks, HttpOnly, SameSite=Lax).
//!
//! ```text
//! pub async fn visit(request: HttpRequest) -> HttpResponse {
//!     let session = request.session();
//!     let visits: i64 = session.get("visits").await.unwrap_or(0) + 1;
//!     session.set("visits", visits).await;
//!     HttpResponse::new(format!("visit {visits}"))
//! }
//! ```
//!
//! Backends, by SESSION_ENGINE ([`backends`]): `django.contrib.sessions.backends.db` (the
//! default: rows of `django_session`, [`models::Session`]), `.cache` (the cache
//! SESSION_CACHE_ALIAS names, Redis to share them between processes) and `.signed_cookies`
//! (the data itself in the cookie, signed), all in Django's formats.

pub mod backends;
pub mod middleware;
pub mod migrations;
pub mod models;

use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};

pub use backends::{SaveError, SessionStore};
pub use middleware::SessionMiddleware;

/// The data key Django keeps a session's own expiry under.
const EXPIRY_KEY: &str = "_session_expiry";

/// When a session's cookie expires (Django's `set_expiry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// SESSION_COOKIE_AGE (and SESSION_EXPIRE_AT_BROWSER_CLOSE): Django's `set_expiry(None)`.
    Default,
    /// When the browser closes: `set_expiry(0)`.
    AtBrowserClose,
    /// After this many seconds of inactivity: `set_expiry(300)`.
    Seconds(u64),
}

/// One request's session: Django's `request.session`. Cheap to clone; every clone is the same
/// session.
#[derive(Clone)]
pub struct Session(Arc<Inner>);

struct Inner {
    store: Arc<dyn SessionStore>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The key the request's cookie gave (for signed cookies, the cookie value itself).
    key: Option<String>,
    data: Option<Map<String, Value>>,
    modified: bool,
    accessed: bool,
    /// `cycle_key` asked for a new key, given when the session is saved: the session is not
    /// empty meanwhile, as Django's has its new key at once.
    renewing: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key: it is the visitor's credential (for signed cookies, their data).
        let state = self.state();
        f.debug_struct("Session")
            .field("has_key", &state.key.is_some())
            .field("modified", &state.modified)
            .finish()
    }
}

impl Session {
    /// The session of a request whose cookie holds `key` (None: no cookie yet).
    pub fn new(store: Arc<dyn SessionStore>, key: Option<String>) -> Self {
        Session(Arc::new(Inner {
            store,
            state: Mutex::new(State {
                key,
                ..State::default()
            }),
        }))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads the data from the store on first use (Django's lazy `_session`).
    async fn load(&self) {
        let key = {
            let mut state = self.state();
            state.accessed = true;
            if state.data.is_some() {
                return;
            }
            state.key.clone()
        };
        let loaded = match key {
            Some(key) => self.0.store.load(&key).await,
            None => None,
        };
        let mut state = self.state();
        if state.data.is_none() {
            match loaded {
                Some(data) => state.data = Some(data),
                None if self.0.store.drops_unknown_keys() => {
                    // A missing or expired session starts empty, without its key: a key the
                    // visitor holds is never reused (Django's `_session_key = None`), and an
                    // empty session's cookie is deleted on the way out.
                    state.key = None;
                    state.data = Some(Map::new());
                }
                None => {
                    // A forged or expired signed cookie starts empty, and its cookie is
                    // replaced on the way out, as Django's `create()` marks it.
                    if state.key.is_some() {
                        state.modified = true;
                    }
                    state.data = Some(Map::new());
                }
            }
        }
    }

    fn with_data<T>(&self, f: impl FnOnce(&mut Map<String, Value>) -> T) -> T {
        let mut state = self.state();
        f(state.data.get_or_insert_with(Map::new))
    }

    /// The value under `key`, as `T`; None when there is none or it is not a `T`.
    pub async fn get<T: serde::de::DeserializeOwned>(&self, key: &str) -> Option<T> {
        self.get_value(key)
            .await
            .and_then(|v| serde_json::from_value(v).ok())
    }

    /// The value under `key` as JSON.
    pub async fn get_value(&self, key: &str) -> Option<Value> {
        self.load().await;
        self.with_data(|d| d.get(key).cloned())
    }

    /// Stores `value` under `key` (Django's `request.session[key] = value`).
    pub async fn set(&self, key: &str, value: impl serde::Serialize) {
        self.load().await;
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.with_data(|d| d.insert(key.to_owned(), value));
        self.state().modified = true;
    }

    /// Removes `key` and returns its value (Django's `pop`, and `del` without the KeyError).
    pub async fn delete(&self, key: &str) -> Option<Value> {
        self.load().await;
        let old = self.with_data(|d| d.remove(key));
        if old.is_some() {
            self.state().modified = true;
        }
        old
    }

    /// Whether `key` is set (Django's `key in request.session`).
    pub async fn contains(&self, key: &str) -> bool {
        self.load().await;
        self.with_data(|d| d.contains_key(key))
    }

    /// The keys, in the order they were set.
    pub async fn keys(&self) -> Vec<String> {
        self.load().await;
        self.with_data(|d| d.keys().cloned().collect())
    }

    /// Whether the session has no key and holds nothing (Django's `is_empty`).
    pub fn is_empty(&self) -> bool {
        let state = self.state();
        state.key.is_none() && !state.renewing && state.data.as_ref().is_none_or(Map::is_empty)
    }

    /// Removes every value, keeping the session (Django's `clear`).
    pub async fn clear(&self) {
        let mut state = self.state();
        state.data = Some(Map::new());
        state.accessed = true;
        state.modified = true;
    }

    /// Deletes the session and its data, and gives it a new key (Django's `flush`, what
    /// logout does): the old cookie no longer reads anything.
    pub async fn flush(&self) {
        let key = {
            let mut state = self.state();
            state.data = Some(Map::new());
            state.modified = true;
            state.accessed = true;
            state.renewing = false;
            state.key.take()
        };
        if let Some(key) = key {
            self.0.store.delete(&key).await;
        }
    }

    /// Keeps the data under a new key (Django's `cycle_key`, what login does, so a key known
    /// before login is worth nothing after).
    pub async fn cycle_key(&self) {
        self.load().await;
        let old = {
            let mut state = self.state();
            state.modified = true;
            state.renewing = true;
            state.key.take()
        };
        if let Some(key) = old {
            self.0.store.delete(&key).await;
        }
    }

    /// When the session expires (Django's `set_expiry`).
    pub async fn set_expiry(&self, expiry: Expiry) {
        match expiry {
            Expiry::Default => {
                self.delete(EXPIRY_KEY).await;
            }
            Expiry::AtBrowserClose => self.set(EXPIRY_KEY, 0).await,
            Expiry::Seconds(s) => self.set(EXPIRY_KEY, s).await,
        }
    }

    /// Seconds until the session expires (Django's `get_expiry_age`): its own expiry (seconds,
    /// or a date Django wrote as ISO text), else SESSION_COOKIE_AGE.
    pub async fn get_expiry_age(&self) -> u64 {
        match self.get_value(EXPIRY_KEY).await {
            Some(Value::Number(n)) => match n.as_u64() {
                Some(s) if s > 0 => s,
                _ => session_cookie_age(),
            },
            Some(Value::String(at)) => match parse_expiry(&at) {
                Some(at) => (at - chrono::Utc::now()).num_seconds().max(0) as u64,
                None => session_cookie_age(),
            },
            _ => session_cookie_age(),
        }
    }

    /// Whether the cookie lasts only until the browser closes (Django's
    /// `get_expire_at_browser_close`).
    pub async fn get_expire_at_browser_close(&self) -> bool {
        match self.get_value(EXPIRY_KEY).await {
            Some(Value::Number(n)) => n.as_u64() == Some(0),
            Some(_) => false,
            None => crate::conf::try_settings().is_some_and(|s| s.SESSION_EXPIRE_AT_BROWSER_CLOSE),
        }
    }

    /// The key the session's cookie holds now (None before it is saved, or after flush).
    pub fn session_key(&self) -> Option<String> {
        self.state().key.clone()
    }

    /// Whether the session was changed in this request (then it is saved).
    pub fn modified(&self) -> bool {
        self.state().modified
    }

    /// Whether the session was read or changed in this request (then the response varies by
    /// Cookie).
    pub fn accessed(&self) -> bool {
        self.state().accessed
    }

    /// Saves the data and returns the key to put in the cookie (Django's `save`).
    pub(crate) async fn save(&self) -> Result<String, backends::SaveError> {
        let (key, data) = {
            let state = self.state();
            (state.key.clone(), state.data.clone().unwrap_or_default())
        };
        let key = self.0.store.save(key.as_deref(), &data).await?;
        let mut state = self.state();
        state.key = Some(key.clone());
        state.renewing = false;
        Ok(key)
    }
}

/// An expiry Django stored as a datetime (`set_expiry(datetime)`): ISO text, aware or naive
/// (naive read as UTC).
fn parse_expiry(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&chrono::Utc));
    }
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|n| n.and_utc())
}

/// SESSION_COOKIE_AGE: Django's two weeks unless set.
pub(crate) fn session_cookie_age() -> u64 {
    crate::conf::try_settings().map_or(1_209_600, |s| s.SESSION_COOKIE_AGE)
}
