//! Django's `CsrfViewMiddleware`: a POST (or PUT, PATCH, DELETE) is refused with 403 unless it
//! carries the token of the visitor's CSRF cookie, in the form (`csrfmiddlewaretoken`) or the
//! `X-CSRFToken` header, and comes from a trusted origin. The scheme is Django's 4.1+: the
//! cookie (`csrftoken`, a year, SameSite=Lax) holds a 32-character secret; each page gets the
//! secret masked afresh (64 characters), so the token in a page never repeats; the Origin header
//! is checked against the host and CSRF_TRUSTED_ORIGINS, and on HTTPS without Origin the Referer
//! is. A token masked by Django verifies here and the other way round.
//!
//! ```text
//! // in a view: the hidden input of a form, or the token for JavaScript
//! let input = csrf_input(&request);   // <input type="hidden" name="csrfmiddlewaretoken" value="...">
//! let token = get_token(&request);
//! ```

use std::sync::Mutex;

use actix_web::cookie::Cookie;
use actix_web::cookie::time::Duration as CookieDuration;

use crate::contrib::auth::hashers::get_random_string;
use crate::core::signing::constant_time_compare;
use crate::http::{HttpRequest, HttpResponse};
use crate::middleware::{Hook, MiddlewareMixin};

/// Django's `CSRF_SECRET_LENGTH`.
pub const CSRF_SECRET_LENGTH: usize = 32;
/// Django's `CSRF_TOKEN_LENGTH`: a mask and the masked secret.
pub const CSRF_TOKEN_LENGTH: usize = 2 * CSRF_SECRET_LENGTH;
const CSRF_ALLOWED_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

pub const REASON_BAD_ORIGIN: &str =
    "Origin checking failed - %s does not match any trusted origins.";
pub const REASON_NO_REFERER: &str = "Referer checking failed - no Referer.";
pub const REASON_BAD_REFERER: &str =
    "Referer checking failed - %s does not match any trusted origins.";
pub const REASON_NO_CSRF_COOKIE: &str = "CSRF cookie not set.";
pub const REASON_CSRF_TOKEN_MISSING: &str = "CSRF token missing.";
pub const REASON_MALFORMED_REFERER: &str = "Referer checking failed - Referer is malformed.";
pub const REASON_INSECURE_REFERER: &str =
    "Referer checking failed - Referer is insecure while host is secure.";

/// One request's CSRF state: the secret its cookie holds (or a new one), and whether the
/// cookie must be (re)set on the way out (Django's `CSRF_COOKIE` and
/// `CSRF_COOKIE_NEEDS_UPDATE`).
#[derive(Debug, Default)]
pub struct CsrfState {
    inner: Mutex<(Option<String>, bool)>,
    /// Why the request's cookie is unusable (its format), for the check after resolution.
    cookie_reason: Option<&'static str>,
    /// The secret is kept in the session (CSRF_USE_SESSIONS when the request came in), not
    /// in a cookie.
    in_session: bool,
}

impl CsrfState {
    fn lock(&self) -> std::sync::MutexGuard<'_, (Option<String>, bool)> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn index(c: u8) -> usize {
    CSRF_ALLOWED_CHARS
        .iter()
        .position(|&b| b == c)
        .expect("checked by check_token_format")
}

/// Django's `_mask_cipher_secret`: a fresh mask, then each character of the secret shifted
/// by the mask's (what a page's token is).
///
/// # Panics
/// When `secret` is not 32 letters and digits (a secret this module made always is).
pub fn mask_cipher_secret(secret: &str) -> String {
    assert!(
        secret.len() == CSRF_SECRET_LENGTH && check_token_format(secret).is_ok(),
        "a CSRF secret is 32 letters and digits"
    );
    let mask = get_random_string(CSRF_SECRET_LENGTH);
    let n = CSRF_ALLOWED_CHARS.len();
    let cipher: String = secret
        .bytes()
        .zip(mask.bytes())
        .map(|(x, y)| CSRF_ALLOWED_CHARS[(index(x) + index(y)) % n] as char)
        .collect();
    format!("{mask}{cipher}")
}

/// Django's `_unmask_cipher_token`.
fn unmask_cipher_token(token: &str) -> String {
    let (mask, cipher) = token.split_at(CSRF_SECRET_LENGTH);
    let n = CSRF_ALLOWED_CHARS.len();
    cipher
        .bytes()
        .zip(mask.bytes())
        .map(|(x, y)| CSRF_ALLOWED_CHARS[(index(x) + n - index(y)) % n] as char)
        .collect()
}

/// Django's `_check_token_format`: 32 or 64 letters and digits.
fn check_token_format(token: &str) -> Result<(), &'static str> {
    // Characters, as Python counts them (the reason is Django's for a non-ASCII token too).
    let length = token.chars().count();
    if length != CSRF_SECRET_LENGTH && length != CSRF_TOKEN_LENGTH {
        return Err("has incorrect length");
    }
    if !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err("has invalid characters");
    }
    Ok(())
}

/// Django's `_does_token_match`: a masked token unmasked, then compared in constant time.
/// `token` must have a valid format (32 or 64 letters and digits).
pub fn does_token_match(token: &str, secret: &str) -> bool {
    if check_token_format(token).is_err() || check_token_format(secret).is_err() {
        return false;
    }
    let token = if token.len() == CSRF_TOKEN_LENGTH {
        unmask_cipher_token(token)
    } else {
        token.to_owned()
    };
    constant_time_compare(token.as_bytes(), secret.as_bytes())
}

/// The CSRF token for a page (Django's `get_token`): the request's secret, masked afresh. A
/// visitor without a CSRF cookie gets one with this response.
///
/// Every call marks the cookie to be sent again (Django's `CSRF_COOKIE_NEEDS_UPDATE`), so a
/// page with a token always carries `Set-Cookie` and `Vary: Cookie`: no shared cache keeps
/// one visitor's token for another, and the cookie's year starts again. Without
/// CsrfViewMiddleware there is nothing to check against, but a token is still given, as
/// Django gives one.
pub fn get_token(request: &HttpRequest) -> String {
    let Some(state) = request.csrf_state() else {
        return mask_cipher_secret(&get_random_string(CSRF_SECRET_LENGTH));
    };
    let mut s = state.lock();
    let secret = match &s.0 {
        Some(secret) => secret.clone(),
        None => get_random_string(CSRF_SECRET_LENGTH),
    };
    *s = (Some(secret.clone()), true);
    mask_cipher_secret(&secret)
}

/// A new secret for the visitor (Django's `rotate_token`, which login calls): tokens of the
/// pages they had before no longer pass.
pub fn rotate_token(request: &HttpRequest) {
    if let Some(state) = request.csrf_state() {
        *state.lock() = (Some(get_random_string(CSRF_SECRET_LENGTH)), true);
    }
}

/// The hidden input a form posts its token in (Django's `{% csrf_token %}`).
pub fn csrf_input(request: &HttpRequest) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrfmiddlewaretoken\" value=\"{}\">",
        get_token(request)
    )
}

/// `django.middleware.csrf.CsrfViewMiddleware`.
pub struct CsrfViewMiddleware;

impl MiddlewareMixin for CsrfViewMiddleware {
    fn new() -> Self {
        CsrfViewMiddleware
    }

    /// The secret of the cookie (or the session, with CSRF_USE_SESSIONS); one of a bad format
    /// is replaced. Django's `process_view` runs once the URL is resolved (`process_view`
    /// below).
    fn process_request(&self, request: &HttpRequest) -> Hook<Option<HttpResponse>> {
        let settings = crate::conf::settings();
        if !settings.CSRF_USE_SESSIONS {
            let stored = request.COOKIES().get(&settings.CSRF_COOKIE_NAME);
            request.set_csrf_state(state_of(stored.map(String::as_str), false));
            return Hook::Ready(None);
        }
        if !request.has_session() {
            // Django's ImproperlyConfigured: every request is a 500 that says so.
            const NEEDS_SESSIONS: &str = "CSRF_USE_SESSIONS is enabled, but request.session is not set. SessionMiddleware must appear before CsrfViewMiddleware in MIDDLEWARE.";
            return crate::middleware::improperly_configured(request, NEEDS_SESSIONS);
        }
        let request = request.clone();
        Hook::later(async move {
            let stored: Option<String> = request.session().get(CSRF_SESSION_KEY).await;
            request.set_csrf_state(state_of(stored.as_deref(), true));
            None
        })
    }

    /// The cookie (or the session's key) when it is new or changed.
    fn process_response(
        &self,
        request: &HttpRequest,
        mut response: HttpResponse,
    ) -> Hook<HttpResponse> {
        let Some(state) = request.csrf_state() else {
            return Hook::Ready(response);
        };
        let secret = match &*state.lock() {
            (Some(secret), true) => secret.clone(),
            _ => return Hook::Ready(response),
        };
        if !state.in_session {
            set_cookie(&mut response, &secret);
            return Hook::Ready(response);
        }
        let request = request.clone();
        Hook::later(async move {
            request.session().set(CSRF_SESSION_KEY, secret).await;
            response
        })
    }
}

/// The request's CSRF state from the secret it brought (in its session when `in_session`).
fn state_of(stored: Option<&str>, in_session: bool) -> CsrfState {
    let mut state = CsrfState {
        in_session,
        ..CsrfState::default()
    };
    if let Some(stored) = stored {
        *state.lock() = match check_token_format(stored) {
            // A masked token in the cookie (Django before 4.1): its secret.
            Ok(()) if stored.len() == CSRF_TOKEN_LENGTH => {
                (Some(unmask_cipher_token(stored)), false)
            }
            Ok(()) => (Some(stored.to_owned()), false),
            Err(_) => (Some(get_random_string(CSRF_SECRET_LENGTH)), true),
        };
    }
    state.cookie_reason = stored.and_then(|c| check_token_format(c).err());
    state
}

/// Where CSRF_USE_SESSIONS keeps the secret: Django's `CSRF_SESSION_KEY`.
pub const CSRF_SESSION_KEY: &str = "_csrftoken";

/// Django's `process_view`, run by the handler once the URL resolved to a view: the 403 of a
/// refused request, or None to go on. Nothing when CsrfViewMiddleware is not in MIDDLEWARE.
pub(crate) fn process_view(request: &HttpRequest, csrf_exempt: bool) -> Option<HttpResponse> {
    let state = request.csrf_state()?;
    if csrf_exempt {
        return None;
    }
    check(request, state.cookie_reason)
        .err()
        .map(|reason| reject(request, &reason))
}

/// `csrf_exempt(views::webhook)` in `urlpatterns!`: the view takes unsafe requests without a
/// CSRF token (Django's `@csrf_exempt`), for callers that are no browser (webhooks).
pub fn csrf_exempt<H>(view: H) -> CsrfExempt<H> {
    CsrfExempt(view)
}

/// A view marked [`csrf_exempt`].
pub struct CsrfExempt<H>(pub H);

impl<Args, R, H: crate::urls::Handler<Args, R>> crate::urls::Handler<Args, R> for CsrfExempt<H> {
    fn call(
        &self,
        request: HttpRequest,
        args: Args,
    ) -> futures_util::future::LocalBoxFuture<'static, crate::http::ViewResult> {
        self.0.call(request, args)
    }
    fn csrf_exempt(&self) -> bool {
        true
    }
}

/// Django's `process_view` checks, in its order; Err is the reason of the 403.
fn check(request: &HttpRequest, cookie_reason: Option<&str>) -> Result<(), String> {
    if matches!(request.method(), "GET" | "HEAD" | "OPTIONS" | "TRACE")
        || request.dont_enforce_csrf_checks()
    {
        return Ok(());
    }
    if let Some(origin) = raw_header(request, "origin") {
        if !origin_verified(request, &origin) {
            return Err(REASON_BAD_ORIGIN.replace("%s", &origin));
        }
    } else if request.is_secure() {
        check_referer(request)?;
    }
    check_token(request, cookie_reason)
}

fn check_token(request: &HttpRequest, cookie_reason: Option<&str>) -> Result<(), String> {
    let settings = crate::conf::settings();
    if let Some(reason) = cookie_reason {
        return Err(format!("CSRF cookie {reason}."));
    }
    let secret = request
        .csrf_state()
        .and_then(|s| s.lock().0.clone())
        .ok_or_else(|| REASON_NO_CSRF_COOKIE.to_owned())?;
    let header = header_of(&settings.CSRF_HEADER_NAME);
    let mut token = String::new();
    let mut source = "POST".to_owned();
    if request.method() == "POST" {
        token = request
            .POST()
            .get("csrfmiddlewaretoken")
            .unwrap_or("")
            .to_owned();
    }
    if token.is_empty() {
        token = raw_header(request, &header).ok_or_else(|| REASON_CSRF_TOKEN_MISSING.to_owned())?;
        source = format!("the '{header}' HTTP header");
    }
    if let Err(reason) = check_token_format(&token) {
        return Err(format!("CSRF token from {source} {reason}."));
    }
    if !does_token_match(&token, &secret) {
        return Err(format!("CSRF token from {source} incorrect."));
    }
    Ok(())
}

/// A header's value as text, whatever bytes it holds: a present header that is not plain
/// ASCII still counts as present (and then fails its check), as in Django.
fn raw_header(request: &HttpRequest, name: &str) -> Option<String> {
    request
        .headers()
        .as_header_map()
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// Django's `HttpHeaders.parse_header_name`: `HTTP_X_CSRFTOKEN` is the `X-Csrftoken` header.
fn header_of(meta_name: &str) -> String {
    let name = meta_name.strip_prefix("HTTP_").unwrap_or(meta_name);
    name.split('_')
        .map(|part| {
            let lower = part.to_ascii_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Django's `is_same_domain`: `example.com` itself, or a subdomain for a `.example.com` pattern.
fn is_same_domain(host: &str, pattern: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    let host = host.to_ascii_lowercase();
    match pattern.strip_prefix('.') {
        Some(bare) => host.ends_with(&pattern) || host == bare,
        None => !pattern.is_empty() && host == pattern,
    }
}

/// `scheme://netloc` split, as `urlsplit` gives them (None for something else).
fn split_origin(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let netloc = rest.split(['/', '?', '#']).next().unwrap_or("");
    Some((scheme, netloc))
}

/// Django's `_origin_verified`: the request's own origin, an exact trusted origin, or a
/// trusted `scheme://*.domain`.
fn origin_verified(request: &HttpRequest, origin: &str) -> bool {
    let settings = crate::conf::settings();
    let scheme = if request.is_secure() { "https" } else { "http" };
    if origin == format!("{scheme}://{}", request.get_host()) {
        return true;
    }
    if settings
        .CSRF_TRUSTED_ORIGINS
        .iter()
        .any(|o| !o.contains('*') && o == origin)
    {
        return true;
    }
    let Some((origin_scheme, origin_netloc)) = split_origin(origin) else {
        return false;
    };
    settings
        .CSRF_TRUSTED_ORIGINS
        .iter()
        .filter(|o| o.contains('*'))
        .filter_map(|o| split_origin(o))
        .any(|(scheme, netloc)| {
            scheme == origin_scheme && is_same_domain(origin_netloc, netloc.trim_start_matches('*'))
        })
}

/// Django's `_check_referer`, for HTTPS requests without an Origin header.
fn check_referer(request: &HttpRequest) -> Result<(), String> {
    let settings = crate::conf::settings();
    let referer = raw_header(request, "referer").ok_or_else(|| REASON_NO_REFERER.to_owned())?;
    let referer = referer.as_str();
    let Some((scheme, netloc)) =
        split_origin(referer).filter(|(s, n)| !s.is_empty() && !n.is_empty())
    else {
        return Err(REASON_MALFORMED_REFERER.to_owned());
    };
    if scheme != "https" {
        return Err(REASON_INSECURE_REFERER.to_owned());
    }
    let trusted = settings
        .CSRF_TRUSTED_ORIGINS
        .iter()
        .filter_map(|o| split_origin(o))
        .any(|(_, host)| is_same_domain(netloc, host.trim_start_matches('*')));
    if trusted {
        return Ok(());
    }
    let good = match &settings.CSRF_COOKIE_DOMAIN {
        Some(domain) => {
            let port = crate::handlers::split_domain_port(request.get_host())
                .map(|(_, port)| port.to_owned())
                .unwrap_or_default();
            match port.as_str() {
                "" | "443" | "80" => domain.clone(),
                port => format!("{domain}:{port}"),
            }
        }
        None => request.get_host().to_owned(),
    };
    if !is_same_domain(netloc, &good) {
        return Err(REASON_BAD_REFERER.replace("%s", referer));
    }
    Ok(())
}

/// Django's `csrf_failure`: 403, the reason shown with DEBUG on and logged always.
fn reject(request: &HttpRequest, reason: &str) -> HttpResponse {
    // The reason holds the client's Origin or Referer: escaped, so it cannot forge lines.
    crate::log::warning(&format!(
        "Forbidden ({}): {}",
        crate::log::safe(reason),
        crate::log::safe(request.path())
    ));
    let debug = crate::conf::settings().DEBUG;
    let detail = if debug {
        format!(
            "<p>Reason given for failure:</p>\n<pre>\n    {}\n</pre>\n",
            crate::template::escape(reason)
        )
    } else {
        "<p>More information is available with DEBUG=True.</p>\n".to_owned()
    };
    HttpResponse::new(format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\">\n  <meta name=\"robots\" content=\"NONE,NOARCHIVE\">\n  <title>403 Forbidden</title>\n</head>\n<body>\n  <h1>Forbidden <span>(403)</span></h1>\n  <p>CSRF verification failed. Request aborted.</p>\n{detail}</body>\n</html>\n"
    ))
    .status(403)
}

fn set_cookie(response: &mut HttpResponse, secret: &str) {
    let settings = crate::conf::settings();
    let mut cookie = Cookie::new(settings.CSRF_COOKIE_NAME.clone(), secret.to_owned());
    let age = i64::try_from(settings.CSRF_COOKIE_AGE).unwrap_or(i64::MAX);
    cookie.set_max_age(CookieDuration::seconds(age));
    cookie.set_expires(
        actix_web::cookie::time::OffsetDateTime::now_utc() + CookieDuration::seconds(age),
    );
    cookie.set_path(settings.CSRF_COOKIE_PATH.clone());
    if let Some(domain) = &settings.CSRF_COOKIE_DOMAIN {
        cookie.set_domain(domain.clone());
    }
    if settings.CSRF_COOKIE_SECURE {
        cookie.set_secure(true);
    }
    if settings.CSRF_COOKIE_HTTPONLY {
        cookie.set_http_only(true);
    }
    cookie.set_same_site(crate::utils::cache::same_site(
        settings.CSRF_COOKIE_SAMESITE.as_deref(),
    ));
    response.set_cookie(cookie);
    crate::utils::cache::patch_vary_headers(response, &["Cookie"]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_round_trips_and_never_repeats() {
        let secret = get_random_string(CSRF_SECRET_LENGTH);
        let a = mask_cipher_secret(&secret);
        let b = mask_cipher_secret(&secret);
        assert_ne!(a, b);
        assert_eq!(a.len(), CSRF_TOKEN_LENGTH);
        assert_eq!(unmask_cipher_token(&a), secret);
        assert!(does_token_match(&a, &secret));
        assert!(does_token_match(&secret, &secret));
        assert!(!does_token_match(
            &mask_cipher_secret("x".repeat(32).as_str()),
            &secret
        ));
        assert_eq!(check_token_format("short"), Err("has incorrect length"));
        assert_eq!(
            check_token_format(&"!".repeat(32)),
            Err("has invalid characters")
        );
    }

    #[test]
    fn domains_and_headers_as_djangos() {
        assert!(is_same_domain("example.com", ".example.com"));
        assert!(is_same_domain("a.example.com", ".example.com"));
        assert!(!is_same_domain("evilexample.com", ".example.com"));
        assert!(is_same_domain("example.com", "example.com"));
        assert!(!is_same_domain("a.example.com", "example.com"));
        assert_eq!(header_of("HTTP_X_CSRFTOKEN"), "X-Csrftoken");
        assert_eq!(header_of("HTTP_X_XSRF_TOKEN"), "X-Xsrf-Token");
    }
}
