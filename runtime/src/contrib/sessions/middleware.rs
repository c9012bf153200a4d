//! Django's `SessionMiddleware`: gives each request its session (`request.session()`) and,
//! on the way out, saves a changed session and sets its cookie, or deletes the cookie of an
//! emptied one.

use std::sync::Arc;

use actix_web::cookie::time::{Duration as CookieDuration, OffsetDateTime};
use actix_web::cookie::{Cookie, SameSite};

use super::{Session, SessionStore};
use crate::http::{HttpRequest, HttpResponse};
use crate::middleware::{Hook, MiddlewareMixin};

/// `django.contrib.sessions.middleware.SessionMiddleware`.
pub struct SessionMiddleware {
    store: Result<Arc<dyn SessionStore>, String>,
}

impl MiddlewareMixin for SessionMiddleware {
    fn new() -> Self {
        let settings = crate::conf::try_settings();
        let engine = settings.map_or_else(
            || crate::conf::Settings::default().SESSION_ENGINE,
            |s| s.SESSION_ENGINE.clone(),
        );
        let installed =
            settings.is_none_or(|s| s.INSTALLED_APPS.contains(&"rjango.contrib.sessions"));
        let store = if engine == "django.contrib.sessions.backends.db" && !installed {
            // Django fails on the Session model of an app that is not installed.
            Err("SESSION_ENGINE is the database backend (the default), whose table belongs to the app \"rjango.contrib.sessions\": add it to INSTALLED_APPS and run `migrate`, or set SESSION_ENGINE to \"django.contrib.sessions.backends.signed_cookies\"".to_owned())
        } else {
            super::backends::engine(&engine)
        };
        SessionMiddleware { store }
    }

    fn process_request(&self, request: &HttpRequest) -> Hook<Option<HttpResponse>> {
        let store = match &self.store {
            Ok(store) => store.clone(),
            Err(why) => return crate::middleware::improperly_configured(request, why.as_str()),
        };
        request.set_session_store(store);
        Hook::Ready(None)
    }

    fn process_response(
        &self,
        request: &HttpRequest,
        mut response: HttpResponse,
    ) -> Hook<HttpResponse> {
        // No store: it is misconfigured (process_request answered with the 500).
        if !request.has_session() {
            return Hook::Ready(response);
        }
        let settings = crate::conf::settings();
        let had_cookie = request
            .COOKIES()
            .contains_key(&settings.SESSION_COOKIE_NAME);
        let session = match request.session_if_set() {
            Some(session) => session,
            // Not made: neither read nor changed, but there may be a cookie to answer.
            None if had_cookie || settings.SESSION_SAVE_EVERY_REQUEST => request.session(),
            None => return Hook::Ready(response),
        };
        // A request that neither brought a session nor touched one has nothing to answer with.
        if !(had_cookie
            || session.accessed()
            || session.modified()
            || settings.SESSION_SAVE_EVERY_REQUEST)
        {
            return Hook::Ready(response);
        }
        let session = session.clone();
        Hook::later(async move {
            process_response(&session, had_cookie, &mut response).await;
            response
        })
    }
}

/// The session key of the request's cookie. Django's `_validate_session_key`: a key under 8
/// characters is no key.
pub(crate) fn key_from_cookie(request: &HttpRequest) -> Option<String> {
    let name = &crate::conf::settings().SESSION_COOKIE_NAME;
    request
        .COOKIES()
        .get(name)
        .filter(|k| k.len() >= 8)
        .cloned()
}

/// Django's `process_response`.
async fn process_response(session: &Session, had_cookie: bool, response: &mut HttpResponse) {
    let settings = crate::conf::settings();
    if had_cookie && session.is_empty() {
        // The session was flushed: delete its cookie, as Django does.
        response.delete_cookie_at(
            &settings.SESSION_COOKIE_NAME,
            &settings.SESSION_COOKIE_PATH,
            settings.SESSION_COOKIE_DOMAIN.as_deref(),
            settings.SESSION_COOKIE_SAMESITE.as_deref(),
        );
        patch_vary_cookie(response);
        return;
    }
    if session.accessed() {
        patch_vary_cookie(response);
    }
    let changed = session.modified() || settings.SESSION_SAVE_EVERY_REQUEST;
    if !changed || session.is_empty() || response.status_code() >= 500 {
        return;
    }
    let at_close = session.get_expire_at_browser_close().await;
    let age = session.get_expiry_age().await;
    let key = match session.save().await {
        Ok(key) => key,
        Err(super::SaveError::Interrupted) => {
            // Django's SessionInterrupted, a SuspiciousOperation: a 400 through handler400.
            response.refuse(crate::http::BadRequest::new(
                "The request's session was deleted before the request completed. The user may have logged out in a concurrent request, for example.",
            ));
            return;
        }
        Err(super::SaveError::Failed(why)) => {
            crate::log::error(&format!("the session could not be saved: {why}"));
            *response = crate::handlers::default_500();
            return;
        }
    };
    let mut cookie = Cookie::new(settings.SESSION_COOKIE_NAME.clone(), key);
    if !at_close {
        let age = i64::try_from(age).unwrap_or(i64::MAX);
        cookie.set_max_age(CookieDuration::seconds(age));
        cookie.set_expires(OffsetDateTime::now_utc() + CookieDuration::seconds(age));
    }
    cookie.set_path(settings.SESSION_COOKIE_PATH.clone());
    if let Some(domain) = &settings.SESSION_COOKIE_DOMAIN {
        cookie.set_domain(domain.clone());
    }
    if settings.SESSION_COOKIE_SECURE {
        cookie.set_secure(true);
    }
    if settings.SESSION_COOKIE_HTTPONLY {
        cookie.set_http_only(true);
    }
    cookie.set_same_site(same_site(&settings.SESSION_COOKIE_SAMESITE));
    response.set_cookie(cookie);
    patch_vary_cookie(response);
}

fn same_site(value: &Option<String>) -> Option<SameSite> {
    crate::utils::cache::same_site(value.as_deref())
}

/// Django's `patch_vary_headers(response, ("Cookie",))`.
fn patch_vary_cookie(response: &mut HttpResponse) {
    crate::utils::cache::patch_vary_headers(response, &["Cookie"]);
}
