//! Django's `django.contrib.messages`: one-time notices ("Saved.") added by a view and shown
//! on the next page, kept in a signed cookie between the two requests.
//!
//! ```text
//! messages::success(&request, "The post was saved.");
//! // the next page:
//! for m in messages::get_messages(&request) { /* m.tags(), m.message */ }
//! ```
//!
//! The cookie is Django's CookieStorage's (`messages`, signed with a key derived from
//! SECRET_KEY, compressed): a message Django added is shown by rjango and the other way round.

mod storage;

use std::sync::Mutex;

pub use storage::MessageMiddleware;
#[doc(hidden)]
pub use storage::{decode_cookie, encode_cookie};

use crate::http::HttpRequest;

/// Django's message levels.
pub const DEBUG: i32 = 10;
pub const INFO: i32 = 20;
pub const SUCCESS: i32 = 25;
pub const WARNING: i32 = 30;
pub const ERROR: i32 = 40;

/// One message: Django's `Message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub level: i32,
    pub message: String,
    /// Extra CSS classes, space-separated (Django's `extra_tags`).
    pub extra_tags: String,
}

impl Message {
    /// The level's tag (`success`), or the one MESSAGE_TAGS gives it: Django's `level_tag`.
    pub fn level_tag(&self) -> String {
        if let Some((_, tag)) = crate::conf::try_settings().and_then(|s| {
            s.MESSAGE_TAGS
                .iter()
                .find(|(level, _)| *level == self.level)
        }) {
            return tag.clone();
        }
        match self.level {
            DEBUG => "debug",
            INFO => "info",
            SUCCESS => "success",
            WARNING => "warning",
            ERROR => "error",
            _ => "",
        }
        .to_owned()
    }

    /// The extra tags and the level's tag, for a `class` attribute (Django's `tags`).
    pub fn tags(&self) -> String {
        [self.extra_tags.as_str(), self.level_tag().as_str()]
            .iter()
            .filter(|t| !t.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// One request's messages: those the cookie brought, and those added now.
#[derive(Debug, Default)]
pub struct MessageStore {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    loaded: Vec<Message>,
    queued: Vec<Message>,
    /// The messages were read (then the loaded ones are not kept).
    used: bool,
    /// The cookie could not be read (then it is replaced).
    broken: bool,
    /// The request brought the messages cookie (then an empty store deletes it).
    had_cookie: bool,
    /// The session held messages (then FallbackStorage rewrites its key, even with none).
    session_held: bool,
}

impl MessageStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Django's `add_message(request, level, message, extra_tags="")`. A level under
/// MESSAGE_LEVEL (INFO, so DEBUG is dropped) is not kept. Without MessageMiddleware the
/// message is dropped, as with Django's `fail_silently=True`.
pub fn add_message(request: &HttpRequest, level: i32, message: &str, extra_tags: &str) {
    let minimum = crate::conf::try_settings().map_or(INFO, |s| s.MESSAGE_LEVEL);
    if level < minimum {
        return;
    }
    if let Some(store) = request.messages() {
        store.lock().queued.push(Message {
            level,
            message: message.to_owned(),
            extra_tags: extra_tags.to_owned(),
        });
    }
}

pub fn debug(request: &HttpRequest, message: &str) {
    add_message(request, DEBUG, message, "");
}
pub fn info(request: &HttpRequest, message: &str) {
    add_message(request, INFO, message, "");
}
pub fn success(request: &HttpRequest, message: &str) {
    add_message(request, SUCCESS, message, "");
}
pub fn warning(request: &HttpRequest, message: &str) {
    add_message(request, WARNING, message, "");
}
pub fn error(request: &HttpRequest, message: &str) {
    add_message(request, ERROR, message, "");
}

/// The messages to show (Django's `get_messages(request)` iterated): the stored ones, then
/// those added in this request. Reading them marks them shown: they are not kept for the
/// next page.
pub fn get_messages(request: &HttpRequest) -> Vec<Message> {
    let Some(store) = request.messages() else {
        return Vec::new();
    };
    let mut state = store.lock();
    state.used = true;
    let mut all = state.loaded.clone();
    all.append(&mut state.queued);
    all
}
