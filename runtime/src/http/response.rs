//! `HttpResponse` and Django's response classes. Django's subclasses (`HttpResponseRedirect`,
//! `HttpResponseBadRequest`, ...) are constructor functions here, so call sites read the same:
//! `return Err(HttpResponseBadRequest("invalid JSON"))`.

use std::ops::{Deref, DerefMut};

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use bytes::Bytes;

const HTML: &str = "text/html; charset=utf-8";

/// An HTTP response: status, headers, cookies and a body.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    status: StatusCode,
    headers: HeaderMap,
    cookies: Vec<Cookie<'static>>,
    content: Bytes,
    /// What few responses carry, boxed so every response stays small.
    extras: Option<Box<Extras>>,
}

#[derive(Debug, Clone, Default)]
struct Extras {
    /// A header that could not be set (a newline in a value that came from a request, an
    /// unsafe redirect): the handler answers the request with a 400 instead of this response.
    refused: Option<super::BadRequest>,
    /// The template value a TemplateResponse rendered, for tests (Django's response.context).
    context: Option<std::sync::Arc<dyn std::any::Any + Send + Sync>>,
    /// The code set a Content-Length: the server drops it and sends the body's own length
    /// (kept here, so that a response without one costs the server no lookup).
    content_length: bool,
}

/// A header a middleware sets on every response, its name and value checked once when the
/// middleware is built (from the settings) rather than on each response.
#[derive(Debug, Clone)]
pub struct PreparedHeader {
    name: HeaderName,
    /// The value, or the text that is not a valid one: set as any other header, it makes the
    /// response refused (a 400), as an invalid value always does.
    value: Result<HeaderValue, String>,
}

impl PreparedHeader {
    /// `name` must be a valid header name in lower case (the middleware's own constant).
    ///
    /// # Panics
    /// When it is not: a programming error.
    pub fn new(name: &'static str, value: &str) -> Self {
        let name = HeaderName::from_static(name);
        let value = match HeaderValue::from_str(value) {
            Ok(v) if !value.contains(['\r', '\n']) => Ok(v),
            _ => Err(value.to_owned()),
        };
        PreparedHeader { name, value }
    }
}

/// Django's `BadHeaderError`: a header name or value that cannot be sent, such as a value with
/// a CR or LF (which would let a client inject headers). With `?` in a view it is a 400 (so it
/// is not a `std::error::Error`, which `?` would make a 500).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadHeaderError(pub String);

impl std::fmt::Display for BadHeaderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<BadHeaderError> for super::BadRequest {
    fn from(e: BadHeaderError) -> Self {
        super::BadRequest(e.0)
    }
}

impl From<BadHeaderError> for super::ViewError {
    fn from(e: BadHeaderError) -> Self {
        super::ViewError::BadRequest(e.into())
    }
}

impl HttpResponse {
    /// A 200 response with `text/html; charset=utf-8`, like Django's `HttpResponse(content)`.
    pub fn new(content: impl Into<Bytes>) -> Self {
        Self::typed(content.into(), HeaderValue::from_static(HTML))
    }

    /// A 200 of `content_type`: a constant, so nothing is parsed, checked or replaced.
    fn typed(content: Bytes, content_type: HeaderValue) -> Self {
        let mut headers = header_maps::take();
        headers.append(actix_web::http::header::CONTENT_TYPE, content_type);
        HttpResponse {
            status: StatusCode::OK,
            headers,
            cookies: Vec::new(),
            content,
            extras: None,
        }
    }

    /// Sets the status: `HttpResponse::new("created").status(201)`.
    ///
    /// # Panics
    /// On a code outside 100..=999, a programming error Django also refuses.
    pub fn status(mut self, code: u16) -> Self {
        self.set_status_code(code);
        self
    }

    pub fn status_code(&self) -> u16 {
        self.status.as_u16()
    }

    /// The reason phrase: `Not Found` for 404.
    pub fn reason_phrase(&self) -> &'static str {
        self.status
            .canonical_reason()
            .unwrap_or("Unknown Status Code")
    }

    /// # Panics
    /// On a code outside 100..=999.
    pub fn set_status_code(&mut self, code: u16) {
        self.status = StatusCode::from_u16(code)
            .unwrap_or_else(|_| panic!("{code} is not an HTTP status code (100 to 999)"));
    }

    /// Sets the Content-Type: `.content_type("text/plain")`.
    pub fn content_type(self, value: &str) -> Self {
        self.with_header("Content-Type", value)
    }

    /// The value of a response header: Django's `response["X-Request-ID"]`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn has_header(&self, name: &str) -> bool {
        self.headers.contains_key(name)
    }

    /// Sets a header, replacing any value: Django's `response["X-Request-ID"] = "example"`.
    ///
    /// A name or value that cannot be sent (a CR or LF in the value, as a client's input may
    /// hold) never reaches the client and never panics: the request is answered with a 400
    /// instead of this response, as Django answers a SuspiciousOperation. Use
    /// [`try_set_header`](Self::try_set_header) to handle it yourself.
    pub fn set_header(&mut self, name: &str, value: impl AsRef<str>) {
        if let Err(e) = self.try_set_header(name, value)
            && self.refused().is_none()
        {
            self.extras.get_or_insert_default().refused = Some(e.into());
        }
    }

    /// Sets a header, or says why it cannot be sent (Django's `BadHeaderError`).
    pub fn try_set_header(
        &mut self,
        name: &str,
        value: impl AsRef<str>,
    ) -> Result<(), BadHeaderError> {
        let value = value.as_ref();
        let header = HeaderName::try_from(name)
            .map_err(|_| BadHeaderError(format!("{name:?} is not a valid HTTP header name")))?;
        if value.contains(['\r', '\n']) {
            return Err(BadHeaderError(format!(
                "Header values can't contain newlines (got {value:?} for {name})"
            )));
        }
        let value = HeaderValue::try_from(value).map_err(|_| {
            BadHeaderError(format!("{value:?} is not a valid value for header {name}"))
        })?;
        if header == actix_web::http::header::CONTENT_LENGTH {
            self.extras.get_or_insert_default().content_length = true;
        }
        self.headers.insert(header, value);
        Ok(())
    }

    /// Marks the response as refused: the request is answered with handler400's 400 for `why`
    /// instead (a middleware's SuspiciousOperation).
    pub(crate) fn refuse(&mut self, why: super::BadRequest) {
        if self.refused().is_none() {
            self.extras.get_or_insert_default().refused = Some(why);
        }
    }

    /// Why this response cannot be sent, when a header was refused.
    pub fn refused(&self) -> Option<&super::BadRequest> {
        self.extras.as_ref()?.refused.as_ref()
    }

    /// The template value a [`TemplateResponse`](crate::template::TemplateResponse) rendered:
    /// Django's `response.context` in a test, typed. None for another type, or a response
    /// that rendered none.
    pub fn context<T: std::any::Any>(&self) -> Option<&T> {
        self.extras.as_ref()?.context.as_deref()?.downcast_ref()
    }

    pub(crate) fn set_context(&mut self, context: std::sync::Arc<dyn std::any::Any + Send + Sync>) {
        self.extras.get_or_insert_default().context = Some(context);
    }

    /// Builder form of `set_header`.
    pub fn with_header(mut self, name: &str, value: impl AsRef<str>) -> Self {
        self.set_header(name, value);
        self
    }

    /// Sets a header only when it is absent: Django's `response.setdefault(...)`.
    pub fn set_default_header(&mut self, name: &str, value: &str) {
        if !self.has_header(name) {
            self.set_header(name, value);
        }
    }

    /// [`set_default_header`](Self::set_default_header) for a header checked once, when a
    /// middleware was built: nothing is parsed, copied or validated per response.
    pub fn set_default(&mut self, header: &PreparedHeader) {
        match &header.value {
            Ok(value) => {
                // `append` to a name known absent: actix's `insert` also builds and drops
                // the values it replaces, on every response.
                if !self.headers.contains_key(&header.name) {
                    if header.name == actix_web::http::header::CONTENT_LENGTH {
                        self.extras.get_or_insert_default().content_length = true;
                    }
                    self.headers.append(header.name.clone(), value.clone());
                }
            }
            Err(raw) => self.set_default_header(header.name.as_str(), raw),
        }
    }

    pub fn remove_header(&mut self, name: &str) {
        self.headers.remove(name);
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body: Django's `response.content`.
    pub fn content(&self) -> &[u8] {
        &self.content
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.content).into_owned()
    }

    pub fn set_content(&mut self, content: impl Into<Bytes>) {
        self.content = content.into();
    }

    /// Sets a cookie: `response.set_cookie(Cookie::build("theme", "dark").path("/").finish())`.
    pub fn set_cookie(&mut self, cookie: Cookie<'static>) {
        self.cookies.retain(|c| c.name() != cookie.name());
        self.cookies.push(cookie);
    }

    /// Expires a cookie in the browser: Django's `response.delete_cookie(name)`.
    pub fn delete_cookie(&mut self, name: &str) {
        self.delete_cookie_at(name, "/", None, None);
    }

    /// Django's `delete_cookie(key, path, domain, samesite)`: the cookie expired where it was
    /// set, Secure when a browser would otherwise ignore the deletion (SameSite=None, or a
    /// `__Secure-`/`__Host-` name), so a logout always takes.
    pub fn delete_cookie_at(
        &mut self,
        name: &str,
        path: &str,
        domain: Option<&str>,
        samesite: Option<&str>,
    ) {
        let mut cookie = Cookie::new(name.to_owned(), "");
        cookie.set_path(path.to_owned());
        if let Some(domain) = domain {
            cookie.set_domain(domain.to_owned());
        }
        cookie.set_same_site(crate::utils::cache::same_site(samesite));
        if samesite.is_some_and(|s| s.eq_ignore_ascii_case("none"))
            || name.starts_with("__Secure-")
            || name.starts_with("__Host-")
        {
            cookie.set_secure(true);
        }
        cookie.make_removal();
        self.set_cookie(cookie);
    }

    pub fn cookies(&self) -> &[Cookie<'static>] {
        &self.cookies
    }

    /// The parts the server sends, the headers without a Content-Length the code set (the
    /// server writes the body's own).
    pub(crate) fn into_parts(self) -> (StatusCode, HeaderMap, Vec<Cookie<'static>>, Bytes) {
        let mut headers = self.headers;
        if self.extras.is_some_and(|e| e.content_length) {
            headers.remove(actix_web::http::header::CONTENT_LENGTH);
        }
        (self.status, headers, self.cookies, self.content)
    }
}

/// The header maps of responses, reused on each server thread. A map holds room for a few
/// headers (a few KiB: actix keeps up to four values of a name inline); allocating and freeing
/// one per response showed in every request's profile. The server hands the map actix's
/// response came with (from actix's own pool, empty) back here for the next response.
pub(crate) mod header_maps {
    use std::cell::RefCell;

    use actix_web::http::header::HeaderMap;

    /// Room for the default middleware's headers and a few of the view's, so the map is not
    /// grown: 7 fills hashbrown's 8 buckets.
    const ROOM: usize = 7;
    /// Maps kept per thread: a response in flight holds one each.
    const KEPT: usize = 32;

    thread_local! {
        static FREE: RefCell<Vec<HeaderMap>> = const { RefCell::new(Vec::new()) };
    }

    pub(crate) fn take() -> HeaderMap {
        FREE.with_borrow_mut(Vec::pop)
            .unwrap_or_else(|| HeaderMap::with_capacity(ROOM))
    }

    /// Keeps `map` for a later response, emptied, unless it has grown large.
    pub(crate) fn give_back(mut map: HeaderMap) {
        if map.capacity() < ROOM || map.capacity() > 4 * ROOM {
            return;
        }
        // actix's pool hands its maps over emptied already.
        if !map.is_empty() {
            map.clear();
        }
        FREE.with_borrow_mut(|free| {
            if free.len() < KEPT {
                free.push(map);
            }
        });
    }
}

impl Default for HttpResponse {
    fn default() -> Self {
        HttpResponse::new(Bytes::new())
    }
}

/// A JSON response: `JsonResponse::new(json!({"ok": true}))`. Derefs to `HttpResponse`, so
/// `resp.set_header("X-Request-ID", "example")` works as Django's `resp["X-Request-ID"] = ...`.
#[derive(Debug, Clone)]
pub struct JsonResponse(HttpResponse);

/// How [`JsonResponse`] writes JSON: the JSON_STYLE setting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum JsonStyle {
    /// No spaces: `{"a":1,"b":[1,2]}`, non-ASCII as UTF-8. The fewest bytes.
    #[default]
    Compact,
    /// Django's (`json.dumps` defaults): `{"a": 1, "b": [1, 2]}`, every character outside
    /// printable ASCII escaped (`"caf\u00e9"`).
    Django,
}

/// `data` as JSON, in the project's JSON_STYLE.
fn to_json(data: &impl serde::Serialize) -> Result<Vec<u8>, serde_json::Error> {
    let style = crate::conf::try_settings().map_or(JsonStyle::Compact, |s| s.JSON_STYLE);
    match style {
        JsonStyle::Compact => serde_json::to_vec(data),
        JsonStyle::Django => {
            let mut out = Vec::with_capacity(128);
            let formatter = crate::core::serializers::PythonFormatter::dumps();
            let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
            data.serialize(&mut ser)?;
            Ok(out)
        }
    }
}

impl JsonResponse {
    /// Serializes `data` (anything `serde::Serialize`), in the JSON_STYLE setting's style.
    /// Data that cannot be JSON (a map with non-string keys) gives a logged 500 rather than a
    /// panic; the error is not sent.
    pub fn new(data: impl serde::Serialize) -> Self {
        match to_json(&data) {
            Ok(body) => JsonResponse(HttpResponse::typed(
                body.into(),
                HeaderValue::from_static("application/json"),
            )),
            Err(e) => {
                crate::log::error(&format!("JsonResponse: the data is not serializable: {e}"));
                JsonResponse(
                    HttpResponse::new("Server Error (500)")
                        .status(500)
                        .content_type("text/plain; charset=utf-8"),
                )
            }
        }
    }

    /// Sets the status: `JsonResponse::new(...).status(201)`.
    pub fn status(self, code: u16) -> Self {
        JsonResponse(self.0.status(code))
    }

    pub fn with_header(self, name: &str, value: impl AsRef<str>) -> Self {
        JsonResponse(self.0.with_header(name, value))
    }

    pub fn into_inner(self) -> HttpResponse {
        self.0
    }
}

impl Deref for JsonResponse {
    type Target = HttpResponse;
    fn deref(&self) -> &HttpResponse {
        &self.0
    }
}

impl DerefMut for JsonResponse {
    fn deref_mut(&mut self) -> &mut HttpResponse {
        &mut self.0
    }
}

impl From<JsonResponse> for HttpResponse {
    fn from(r: JsonResponse) -> Self {
        r.0
    }
}

/// 302 to `url`, quoted as Django quotes it (`iri_to_uri`: a space or a newline is
/// percent-encoded, so it cannot split the header). A URL whose scheme is not http, https or ftp
/// (`javascript:`, `data:`) is refused as Django refuses it (DisallowedRedirect): the request
/// is answered with a 400.
#[allow(non_snake_case)]
pub fn HttpResponseRedirect(url: impl AsRef<str>) -> HttpResponse {
    redirect_response(302, url.as_ref())
}

/// 301 to `url`, refused as [`HttpResponseRedirect`] refuses it.
#[allow(non_snake_case)]
pub fn HttpResponsePermanentRedirect(url: impl AsRef<str>) -> HttpResponse {
    redirect_response(301, url.as_ref())
}

fn redirect_response(status: u16, url: &str) -> HttpResponse {
    let mut response = HttpResponse::new(Bytes::new()).status(status);
    match unsafe_scheme(url) {
        Some(scheme) => {
            response.extras.get_or_insert_default().refused = Some(super::BadRequest(format!(
                "Unsafe redirect to URL with protocol '{scheme}'"
            )));
        }
        None => response.set_header("Location", crate::utils::encoding::iri_to_uri(url)),
    }
    response
}

/// The scheme of `url` when it is not one Django redirects to (http, https, ftp).
fn unsafe_scheme(url: &str) -> Option<&str> {
    // As browsers read it: leading spaces and control characters are ignored.
    let url = url.trim_start_matches(|c: char| c <= ' ');
    let (scheme, _) = url.split_once(':')?;
    let is_scheme = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '\t' | '\n' | '\r')
        });
    if !is_scheme {
        return None;
    }
    let clean: String = scheme
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    (!["http", "https", "ftp"].contains(&clean.to_ascii_lowercase().as_str())).then_some(scheme)
}

#[allow(non_snake_case)]
pub fn HttpResponseNotModified() -> HttpResponse {
    let mut r = HttpResponse::new(Bytes::new()).status(304);
    r.remove_header("content-type");
    r
}

#[allow(non_snake_case)]
pub fn HttpResponseBadRequest(content: impl Into<Bytes>) -> HttpResponse {
    HttpResponse::new(content).status(400)
}

#[allow(non_snake_case)]
pub fn HttpResponseForbidden(content: impl Into<Bytes>) -> HttpResponse {
    HttpResponse::new(content).status(403)
}

#[allow(non_snake_case)]
pub fn HttpResponseNotFound(content: impl Into<Bytes>) -> HttpResponse {
    HttpResponse::new(content).status(404)
}

/// 405 with the `Allow` header listing the permitted methods.
#[allow(non_snake_case)]
pub fn HttpResponseNotAllowed(permitted_methods: &[&str]) -> HttpResponse {
    HttpResponse::new(Bytes::new())
        .status(405)
        .with_header("Allow", permitted_methods.join(", "))
}

#[allow(non_snake_case)]
pub fn HttpResponseGone(content: impl Into<Bytes>) -> HttpResponse {
    HttpResponse::new(content).status(410)
}

#[allow(non_snake_case)]
pub fn HttpResponseServerError(content: impl Into<Bytes>) -> HttpResponse {
    HttpResponse::new(content).status(500)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepared_headers_are_defaults() {
        let nosniff = PreparedHeader::new("x-content-type-options", "nosniff");
        let mut r = HttpResponse::new("x");
        r.set_default(&nosniff);
        assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
        // Django's setdefault: the view's own value stays.
        let mut r = HttpResponse::new("x").with_header("X-Content-Type-Options", "mine");
        r.set_default(&nosniff);
        assert_eq!(r.header("X-Content-Type-Options"), Some("mine"));
        // A value that cannot be sent refuses the response, as set_header does.
        let bad = PreparedHeader::new("referrer-policy", "same-origin\r\nX-Evil: 1");
        let mut r = HttpResponse::new("x");
        r.set_default(&bad);
        assert!(r.refused().is_some());
        assert_eq!(r.header("X-Evil"), None);
    }

    #[test]
    fn headers_status_and_json() {
        let mut r = JsonResponse::new(serde_json::json!({"ok": true}));
        r.set_header("X-Request-ID", "example");
        assert_eq!(r.header("x-request-id"), Some("example"));
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.text(), r#"{"ok":true}"#);
        let r = HttpResponseNotAllowed(&["GET", "HEAD"]);
        assert_eq!(
            (r.status_code(), r.header("allow")),
            (405, Some("GET, HEAD"))
        );
        let bad = JsonResponse::new(std::collections::HashMap::from([((1, 2), 3)]));
        assert_eq!(bad.status_code(), 500);
    }
}
