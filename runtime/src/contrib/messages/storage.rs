//! Django's message storages, CookieStorage, SessionStorage and FallbackStorage (the default:
//! the cookie, and the session for what the cookie cannot hold), and MessageMiddleware.

use actix_web::cookie::Cookie;
use serde_json::{Value, json};

use super::{Message, MessageStore};
use crate::core::signing::{Signer, TimestampSigner};
use crate::http::{HttpRequest, HttpResponse};
use crate::middleware::{Hook, MiddlewareMixin};

const COOKIE_NAME: &str = "messages";
/// Django's limit: half of the 4 kB some servers allow for all headers.
const MAX_COOKIE_SIZE: usize = 2048;
const NOT_FINISHED: &str = "__messagesnotfinished__";
const MESSAGE_KEY: &str = "__json_message";

/// Django's `get_cookie_signer(salt="django.contrib.messages")`: its SIGNING_BACKEND (a
/// TimestampSigner) with a key of its own for cookies (`"django.http.cookies" + SECRET_KEY`).
fn signer() -> TimestampSigner {
    let settings = crate::conf::settings();
    let cookie_key = |k: &str| format!("django.http.cookies{k}");
    TimestampSigner::with(
        Signer::new()
            .key(&cookie_key(&settings.SECRET_KEY))
            .fallback_keys(settings.SECRET_KEY_FALLBACKS.iter().map(|k| cookie_key(k)))
            .salt("django.contrib.messages"),
    )
}

fn encode_message(m: &Message) -> Value {
    json!([MESSAGE_KEY, 0, m.level, m.message, m.extra_tags])
}

/// The cookie's value for `messages` (None: delete the cookie).
fn encode(messages: &[Value]) -> Option<String> {
    (!messages.is_empty()).then(|| signer().sign_object(messages, true))
}

/// The messages of a cookie; None when it cannot be read.
fn decode(value: &str) -> Option<Vec<Message>> {
    decode_all(value).map(|(messages, _)| messages)
}

/// The messages of a cookie, and whether they are all of them (no not-finished mark: the rest
/// are in the session); None when it cannot be read.
fn decode_all(value: &str) -> Option<(Vec<Message>, bool)> {
    let items: Vec<Value> = signer().unsign_object(value, None).ok()?;
    let finished = items.last().and_then(Value::as_str) != Some(NOT_FINISHED);
    Some((parse_messages(&items), finished))
}

/// Django's MessageDecoder: the `["__json_message", safe, level, message, extra_tags]` items.
fn parse_messages(items: &[Value]) -> Vec<Message> {
    {
        items
            .iter()
            .filter_map(|item| {
                let parts = item.as_array()?;
                if parts.first()?.as_str()? != MESSAGE_KEY {
                    return None;
                }
                Some(Message {
                    level: parts.get(2)?.as_i64()? as i32,
                    message: parts.get(3)?.as_str()?.to_owned(),
                    extra_tags: parts
                        .get(4)
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                })
            })
            .collect()
    }
}

/// Django's SessionStorage key.
const SESSION_KEY: &str = "_messages";

/// Which storage MESSAGE_STORAGE names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Storage {
    Cookie,
    Session,
    Fallback,
}

fn storage() -> Result<Storage, String> {
    let name = crate::conf::try_settings().map_or_else(
        || crate::conf::Settings::default().MESSAGE_STORAGE,
        |s| s.MESSAGE_STORAGE.clone(),
    );
    match name.as_str() {
        "django.contrib.messages.storage.cookie.CookieStorage" => Ok(Storage::Cookie),
        "django.contrib.messages.storage.session.SessionStorage" => Ok(Storage::Session),
        "django.contrib.messages.storage.fallback.FallbackStorage" => Ok(Storage::Fallback),
        other => Err(format!(
            "MESSAGE_STORAGE '{other}' is not one of Django's storages rjango has: django.contrib.messages.storage.fallback.FallbackStorage (the default), .cookie.CookieStorage or .session.SessionStorage"
        )),
    }
}

/// Django's ImproperlyConfigured for a session storage without sessions.
const NEEDS_SESSIONS: &str = "The session-based temporary message storage requires session middleware to be installed, and come before the message middleware in the MIDDLEWARE list.";

/// The messages the session holds (SessionStorage's `_get`): Django keeps them as JSON text.
async fn session_messages(request: &HttpRequest) -> Vec<Message> {
    match request.session().get_value(SESSION_KEY).await {
        Some(Value::String(text)) => serde_json::from_str::<Vec<Value>>(&text)
            .map(|items| parse_messages(&items))
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// SessionStorage's `_store`: the messages as Django's MessageEncoder writes them, or the key
/// removed when there are none.
async fn store_session(request: &HttpRequest, messages: &[&Message]) {
    let session = request.session();
    if messages.is_empty() {
        if session.contains(SESSION_KEY).await {
            session.delete(SESSION_KEY).await;
        }
        return;
    }
    let items: Vec<Value> = messages.iter().map(|m| encode_message(m)).collect();
    session
        .set(
            SESSION_KEY,
            Value::String(serde_json::to_string(&items).unwrap_or_default()),
        )
        .await;
}

/// `django.contrib.messages.middleware.MessageMiddleware`, on the storage MESSAGE_STORAGE
/// names.
pub struct MessageMiddleware {
    storage: Result<Storage, String>,
}

impl MiddlewareMixin for MessageMiddleware {
    fn new() -> Self {
        MessageMiddleware { storage: storage() }
    }

    fn process_request(&self, request: &HttpRequest) -> Hook<Option<HttpResponse>> {
        let storage = match &self.storage {
            Ok(storage) => *storage,
            Err(why) => return crate::middleware::improperly_configured(request, why.as_str()),
        };
        if storage != Storage::Cookie && !request.has_session() {
            return crate::middleware::improperly_configured(request, NEEDS_SESSIONS);
        }
        let store = MessageStore::default();
        let cookie = request.COOKIES().get(COOKIE_NAME);
        // The session is read only where its messages may be: for SessionStorage, and for
        // FallbackStorage when the cookie says it could not hold them all (Django's rule).
        let mut from_session = storage == Storage::Session;
        {
            let mut state = store.lock();
            state.had_cookie = cookie.is_some();
            if storage != Storage::Session
                && let Some(value) = cookie
            {
                match decode_all(value) {
                    Some((messages, finished)) => {
                        state.loaded = messages;
                        from_session = storage == Storage::Fallback && !finished;
                    }
                    // A cookie that does not verify is dropped (Django marks it used).
                    None => state.broken = true,
                }
            }
        }
        if !from_session {
            request.set_messages(store);
            return Hook::Ready(None);
        }
        let request = request.clone();
        Hook::later(async move {
            let more = session_messages(&request).await;
            {
                let mut state = store.lock();
                state.session_held = !more.is_empty();
                state.loaded.extend(more);
            }
            request.set_messages(store);
            None
        })
    }

    fn process_response(
        &self,
        request: &HttpRequest,
        mut response: HttpResponse,
    ) -> Hook<HttpResponse> {
        let (Ok(storage), Some(store)) = (&self.storage, request.messages()) else {
            return Hook::Ready(response);
        };
        // Django's `update`: after reading, only the new ones stay; else the old and new.
        let (keep, had_cookie, session_held): (Vec<Message>, bool, bool) = {
            let state = store.lock();
            let keep = if state.used || state.broken {
                state.queued.clone()
            } else if !state.queued.is_empty() {
                state.loaded.iter().chain(&state.queued).cloned().collect()
            } else {
                return Hook::Ready(response);
            };
            (keep, state.had_cookie, state.session_held)
        };
        let unstored: Vec<Message> = match storage {
            Storage::Cookie => {
                store_cookie(
                    &keep.iter().collect::<Vec<_>>(),
                    had_cookie,
                    true,
                    &mut response,
                );
                return Hook::Ready(response);
            }
            Storage::Session => keep,
            Storage::Fallback => {
                // The cookie first, the newest messages that do not fit to the session.
                let keep: Vec<&Message> = keep.iter().collect();
                let unstored = store_cookie(&keep, had_cookie, false, &mut response);
                if unstored.is_empty() && !session_held {
                    return Hook::Ready(response);
                }
                unstored.into_iter().cloned().collect()
            }
        };
        let request = request.clone();
        Hook::later(async move {
            store_session(&request, &unstored.iter().collect::<Vec<_>>()).await;
            response
        })
    }
}

/// Django's CookieStorage `_store`: the cookie, deleted when nothing is left. While it is larger
/// than 2 kB, messages are left out with the not-finished mark: the oldest dropped
/// (`remove_oldest`, CookieStorage alone), or the newest handed back for the session
/// (FallbackStorage). Returns the messages left out for the session.
fn store_cookie<'m>(
    messages: &[&'m Message],
    had_cookie: bool,
    remove_oldest: bool,
    response: &mut HttpResponse,
) -> Vec<&'m Message> {
    let settings = crate::conf::settings();
    let parts: Vec<Value> = messages.iter().map(|m| encode_message(m)).collect();
    let mut value = encode(&parts);
    let mut unstored = Vec::new();
    if value.as_ref().is_some_and(|v| v.len() > MAX_COOKIE_SIZE) {
        value = (1..=parts.len()).find_map(|left_out| {
            let mut kept = if remove_oldest {
                parts[left_out..].to_vec()
            } else {
                parts[..parts.len() - left_out].to_vec()
            };
            kept.push(json!(NOT_FINISHED));
            let v = signer().sign_object(&kept, true);
            if v.len() > MAX_COOKIE_SIZE {
                return None;
            }
            if !remove_oldest {
                unstored = messages[messages.len() - left_out..].to_vec();
            }
            Some(v)
        });
    }
    let same_site = crate::utils::cache::same_site(settings.SESSION_COOKIE_SAMESITE.as_deref());
    match value {
        Some(value) => {
            let mut cookie = Cookie::new(COOKIE_NAME, value);
            cookie.set_path("/");
            if let Some(domain) = &settings.SESSION_COOKIE_DOMAIN {
                cookie.set_domain(domain.clone());
            }
            if settings.SESSION_COOKIE_SECURE {
                cookie.set_secure(true);
            }
            if settings.SESSION_COOKIE_HTTPONLY {
                cookie.set_http_only(true);
            }
            cookie.set_same_site(same_site);
            response.set_cookie(cookie);
        }
        None if had_cookie => response.delete_cookie_at(
            COOKIE_NAME,
            "/",
            settings.SESSION_COOKIE_DOMAIN.as_deref(),
            settings.SESSION_COOKIE_SAMESITE.as_deref(),
        ),
        None => {}
    }
    unstored
}

/// The cookie value Django's CookieStorage would write for these messages (for tests and
/// tools that talk to a Django site).
#[doc(hidden)]
pub fn encode_cookie(messages: &[Message]) -> Option<String> {
    encode(&messages.iter().map(encode_message).collect::<Vec<_>>())
}

/// The messages of a cookie Django's CookieStorage wrote.
#[doc(hidden)]
pub fn decode_cookie(value: &str) -> Option<Vec<Message>> {
    decode(value)
}
