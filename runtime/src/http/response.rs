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
}

impl HttpResponse {
    /// A 200 response with `text/html; charset=utf-8`, like Django's `HttpResponse(content)`.
    pub fn new(content: impl Into<Bytes>) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(
            actix_web::http::header::CONTENT_TYPE,
            HeaderValue::from_static(HTML),
        );
        HttpResponse {
            status: StatusCode::OK,
            headers,
            cookies: Vec::new(),
            content: content.into(),
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
    /// # Panics
    /// When the name or value cannot be sent (a newline in the value, say), as Django raises
    /// `BadHeaderError`; in a view that becomes a 500.
    pub fn set_header(&mut self, name: &str, value: impl AsRef<str>) {
        let value = value.as_ref();
        let name = HeaderName::try_from(name)
            .unwrap_or_else(|_| panic!("{name:?} is not a valid HTTP header name"));
        let value = HeaderValue::try_from(value)
            .unwrap_or_else(|_| panic!("header {name}: {value:?} is not a valid header value"));
        self.headers.insert(name, value);
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
        let mut cookie = Cookie::new(name.to_owned(), "");
        cookie.set_path("/");
        cookie.make_removal();
        self.set_cookie(cookie);
    }

    pub fn cookies(&self) -> &[Cookie<'static>] {
        &self.cookies
    }

    pub(crate) fn into_parts(self) -> (StatusCode, HeaderMap, Vec<Cookie<'static>>, Bytes) {
        (self.status, self.headers, self.cookies, self.content)
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

impl JsonResponse {
    /// Serializes `data` (anything `serde::Serialize`). Data that cannot be JSON (a map with
    /// non-string keys) gives a logged 500 rather than a panic; the error is not sent.
    pub fn new(data: impl serde::Serialize) -> Self {
        match serde_json::to_vec(&data) {
            Ok(body) => JsonResponse(HttpResponse::new(body).content_type("application/json")),
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

/// 302 to `url`.
#[allow(non_snake_case)]
pub fn HttpResponseRedirect(url: impl AsRef<str>) -> HttpResponse {
    HttpResponse::new(Bytes::new())
        .status(302)
        .with_header("Location", url)
}

/// 301 to `url`.
#[allow(non_snake_case)]
pub fn HttpResponsePermanentRedirect(url: impl AsRef<str>) -> HttpResponse {
    HttpResponse::new(Bytes::new())
        .status(301)
        .with_header("Location", url)
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
