//! Django's CookieStorage and MessageMiddleware.

use actix_web::cookie::Cookie;
use serde_json::{Value, json};

use super::{Message, MessageStore};
use crate::core::signing::{Signer, TimestampSigner};
use crate::http::{HttpRequest, HttpResponse};
use crate::middleware::{GetResponse, Middleware};

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

/// The messages of a cookie, and whether it was all of them; None when it cannot be read.
fn decode(value: &str) -> Option<Vec<Message>> {
    let items: Vec<Value> = signer().unsign_object(value, None).ok()?;
    Some(
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
            .collect(),
    )
}

/// `django.contrib.messages.middleware.MessageMiddleware`, with Django's CookieStorage.
pub struct MessageMiddleware {
    get_response: GetResponse,
}

impl Middleware for MessageMiddleware {
    fn new(get_response: GetResponse) -> Self {
        MessageMiddleware { get_response }
    }

    async fn call(&self, request: HttpRequest) -> HttpResponse {
        let store = MessageStore::default();
        let had_cookie = request.COOKIES().contains_key(COOKIE_NAME);
        if let Some(value) = request.COOKIES().get(COOKIE_NAME) {
            let mut state = store.lock();
            match decode(value) {
                Some(messages) => state.loaded = messages,
                // A cookie that does not verify is dropped (Django marks it used).
                None => state.broken = true,
            }
        }
        request.set_messages(store);
        let mut response = self.get_response.call(request.clone()).await;
        let store = request.messages().expect("set above");
        let state = store.lock();
        // Django's `update`: after reading, only the new ones stay; else the old and new.
        let keep: Vec<&Message> = if state.used || state.broken {
            state.queued.iter().collect()
        } else if !state.queued.is_empty() {
            state.loaded.iter().chain(&state.queued).collect()
        } else {
            return response;
        };
        store_cookie(&keep, had_cookie, &mut response);
        response
    }
}

/// Django's `_store`: the cookie, the oldest messages dropped (with the not-finished mark)
/// while it is larger than 2 kB; deleted when nothing is left.
fn store_cookie(messages: &[&Message], had_cookie: bool, response: &mut HttpResponse) {
    let settings = crate::conf::settings();
    let parts: Vec<Value> = messages.iter().map(|m| encode_message(m)).collect();
    let mut value = encode(&parts);
    if value.as_ref().is_some_and(|v| v.len() > MAX_COOKIE_SIZE) {
        value = (0..=parts.len()).find_map(|dropped| {
            let mut kept = parts[dropped..].to_vec();
            kept.push(json!(NOT_FINISHED));
            let v = signer().sign_object(&kept, true);
            (v.len() <= MAX_COOKIE_SIZE).then_some(v)
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
