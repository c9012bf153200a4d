//! `HttpRequest`: what a view receives. Cheap to clone (one shared allocation), so middleware
//! can hand it to `get_response` and still read it afterwards, as Django middleware does.

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use actix_web::http::Method;
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use bytes::Bytes;

use super::QueryDict;
use super::slot::Slot;

/// An HTTP request, with Django's accessors: `method()`, `path()`, `GET()`, `POST()`, `body()`,
/// `headers()`, `content_type()`, `COOKIES()`.
#[derive(Clone)]
pub struct HttpRequest {
    inner: Arc<Inner>,
}

struct Inner {
    method: Method,
    target: Target,
    headers: Headers,
    body: Bytes,
    scheme: &'static str,
    peer_addr: Option<SocketAddr>,
    get: Slot<QueryDict>,
    post: Slot<PostData>,
    cookies: Slot<HashMap<String, String>>,
    content_type: Slot<Cow<'static, str>>,
    resolver_match: Slot<ResolverMatch>,
    /// Given by SessionMiddleware: where the session is kept.
    session_store: Slot<Arc<dyn crate::contrib::sessions::SessionStore>>,
    /// The session, made on first use from the store and the request's cookie (most
    /// requests never touch it).
    session: Slot<crate::contrib::sessions::Session>,
    /// Given by CsrfViewMiddleware.
    csrf: Slot<crate::middleware::csrf::CsrfState>,
    /// Given by MessageMiddleware.
    messages: Slot<crate::contrib::messages::MessageStore>,
    /// Given by AuthenticationMiddleware: the user, once read from the session.
    user: Slot<tokio::sync::Mutex<Option<crate::contrib::auth::AuthUser>>>,
    /// The test client's default: unsafe requests pass without a CSRF token, as Django's
    /// `_dont_enforce_csrf_checks`.
    dont_enforce_csrf_checks: bool,
}

/// The request target, path and query, as it came. The server's is shared with actix's
/// (a reference count, not a copy); the path is read from it unless it had to change.
#[derive(Debug)]
struct Target {
    raw: RawTarget,
    /// Where the query starts (after `?`), if there is one.
    query_at: Option<usize>,
    /// The path when it is not the target's own: percent-escapes decoded, or `/` added.
    path: Option<String>,
}

#[derive(Debug)]
enum RawTarget {
    Shared(actix_web::http::uri::PathAndQuery),
    Owned(String),
}

impl RawTarget {
    fn as_str(&self) -> &str {
        match self {
            RawTarget::Shared(p) => p.as_str(),
            RawTarget::Owned(s) => s.as_str(),
        }
    }
}

impl Target {
    fn new(raw: RawTarget) -> Self {
        let text = raw.as_str();
        // By bytes, and decoded only when there is an escape: this runs on every request.
        let query_at = text.bytes().position(|b| b == b'?');
        let raw_path = &text[..query_at.unwrap_or(text.len())];
        let decoded = raw_path.as_bytes().contains(&b'%').then(|| {
            percent_encoding::percent_decode_str(raw_path)
                .decode_utf8_lossy()
                .into_owned()
        });
        let path = match decoded {
            Some(p) if p.starts_with('/') => Some(p),
            Some(p) => Some(format!("/{p}")),
            None if raw_path.starts_with('/') => None,
            None => Some(format!("/{raw_path}")),
        };
        Target {
            raw,
            query_at: query_at.map(|at| at + 1),
            path,
        }
    }

    fn path(&self) -> &str {
        match &self.path {
            Some(path) => path,
            None => {
                let text = self.raw.as_str();
                &text[..self.query_at.map_or(text.len(), |at| at - 1)]
            }
        }
    }

    fn query(&self) -> &str {
        self.query_at.map_or("", |at| &self.raw.as_str()[at..])
    }
}

/// A POST body, read once: Django's `_post` and `_files`, and why a multipart body was
/// refused.
#[derive(Default)]
struct PostData {
    post: QueryDict,
    files: super::Files,
    error: Option<super::MultiPartParserError>,
}

/// Which route answered a request: Django's `request.resolver_match`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolverMatch {
    /// The full route, prefixes of includes joined: `blog/posts/<int:pk>/`.
    pub route: Cow<'static, str>,
    /// The route's name, if it has one (`post-detail`).
    pub url_name: Option<&'static str>,
    /// Namespaces from the outermost include in: `["blog"]`.
    pub namespaces: Vec<&'static str>,
    /// Captured parameters by name, as text.
    pub kwargs: Vec<(String, String)>,
}

impl ResolverMatch {
    /// `blog:post-detail`, Django's `view_name` for a named route.
    pub fn view_name(&self) -> Option<String> {
        let name = self.url_name?;
        Some(
            self.namespaces
                .iter()
                .copied()
                .chain([name])
                .collect::<Vec<_>>()
                .join(":"),
        )
    }
}

/// Request headers, looked up case-insensitively: `request.headers().get("X-Request-ID")`.
#[derive(Debug, Clone, Default)]
pub struct Headers(HeaderMap);

impl Headers {
    /// The first value of a header, when it is valid text.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(|v| v.to_str().ok())
    }

    /// Every value of a header that occurs more than once.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        self.0
            .get_all(name)
            .filter_map(|v| v.to_str().ok())
            .collect()
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// Every (name, value) pair; names are lower case.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)))
    }

    pub fn as_header_map(&self) -> &HeaderMap {
        &self.0
    }
}

#[allow(non_snake_case)]
impl HttpRequest {
    /// Starts a request by hand: for tests and for servers other than the built-in one.
    pub fn builder(method: &str, path_and_query: &str) -> RequestBuilder {
        RequestBuilder::new(method, path_and_query)
    }

    /// The built-in server's start: the method as actix parsed it.
    pub(crate) fn server_builder(
        method: Method,
        path_and_query: actix_web::http::uri::PathAndQuery,
    ) -> RequestBuilder {
        RequestBuilder::with_method(method, path_and_query)
    }

    /// `GET`, `POST`, ...: Django's `request.method`.
    pub fn method(&self) -> &str {
        self.inner.method.as_str()
    }

    /// The percent-decoded path, leading slash included: Django's `request.path`.
    pub fn path(&self) -> &str {
        self.inner.target.path()
    }

    /// The raw query string, without `?`.
    pub fn query_string(&self) -> &str {
        self.inner.target.query()
    }

    /// Path (re-escaped for use in a URL, as Django's `escape_uri_path` does) and query
    /// string: Django's `request.get_full_path()`. Safe to put in a `Location` header.
    pub fn get_full_path(&self) -> String {
        let path = crate::urls::escape_uri_path(self.path());
        match self.query_string() {
            "" => path,
            query => format!("{path}?{query}"),
        }
    }

    /// The query string's parameters: Django's `request.GET`.
    pub fn GET(&self) -> &QueryDict {
        self.inner
            .get
            .get_or_init(|| QueryDict::parse(self.query_string().as_bytes()))
    }

    /// A POST form body's fields (`application/x-www-form-urlencoded` or
    /// `multipart/form-data`): Django's `request.POST`. Empty for other methods and content
    /// types (read those from `body()`), and for a multipart body Django would refuse: the
    /// server then answers the request 400, whatever the view answered, as Django's raise
    /// from `request.POST` does.
    pub fn POST(&self) -> &QueryDict {
        &self.post_data().post
    }

    /// The files of a `multipart/form-data` POST, by field name: Django's `request.FILES`.
    pub fn FILES(&self) -> &super::Files {
        &self.post_data().files
    }

    /// Why the multipart body could not be read, once `POST()` or `FILES()` has read it and
    /// found it could not: the server's 400.
    pub(crate) fn unreadable_post(&self) -> Option<&super::MultiPartParserError> {
        self.inner.post.get().and_then(|data| data.error.as_ref())
    }

    fn post_data(&self) -> &PostData {
        self.inner.post.get_or_init(|| {
            if self.method() != "POST" {
                return PostData::default();
            }
            match self.content_type() {
                "application/x-www-form-urlencoded" => PostData {
                    post: QueryDict::parse(&self.inner.body),
                    ..PostData::default()
                },
                "multipart/form-data" => {
                    let limits = crate::conf::try_settings()
                        .map(|s| super::multipart::Limits {
                            fields: s.DATA_UPLOAD_MAX_NUMBER_FIELDS,
                            files: s.DATA_UPLOAD_MAX_NUMBER_FILES,
                        })
                        .unwrap_or_default();
                    let header = self.headers().get("content-type").unwrap_or_default();
                    match super::multipart::parse(header, &self.inner.body, limits) {
                        Ok((post, files)) => PostData {
                            post,
                            files,
                            error: None,
                        },
                        Err(e) => PostData {
                            error: Some(e),
                            ..PostData::default()
                        },
                    }
                }
                _ => PostData::default(),
            }
        })
    }

    /// The headers back, when this is the request's last handle (the server's, once the
    /// response is made): for actix's pooled head to reuse.
    pub(crate) fn into_headers(mut self) -> Option<HeaderMap> {
        Arc::get_mut(&mut self.inner).map(|inner| std::mem::take(&mut inner.headers.0))
    }

    /// The raw body bytes: Django's `request.body`.
    pub fn body(&self) -> &[u8] {
        &self.inner.body
    }

    /// The body as JSON. A body that is not valid UTF-8 or not valid JSON is a `BadRequest`,
    /// so `request.json::<T>()?` answers 400 rather than 500. So is an integer past 64 bits:
    /// Django keeps it exact, serde_json's numbers cannot, and rjango never rounds it silently.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, super::BadRequest> {
        let text = std::str::from_utf8(self.body())
            .map_err(|_| super::BadRequest::new("invalid JSON: the body is not UTF-8"))?;
        let value = serde_json::from_str(text)
            .map_err(|e| super::BadRequest::new(format!("invalid JSON: {e}")))?;
        if let Some(n) = super::json_body::inexact_integer(text) {
            return Err(super::BadRequest::new(format!(
                "invalid JSON: the integer {n} does not fit in 64 bits and would lose digits; send it as a string"
            )));
        }
        Ok(value)
    }

    pub fn headers(&self) -> &Headers {
        &self.inner.headers
    }

    /// The media type without parameters, lower case (`application/json`), or "" when
    /// absent: Django's `request.content_type`.
    pub fn content_type(&self) -> &str {
        self.inner.content_type.get_or_init(|| {
            let media_type = self
                .inner
                .headers
                .0
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map_or("", |ct| ct.split(';').next().unwrap_or("").trim());
            // The usual ones without an allocation.
            const KNOWN: [&str; 6] = [
                "",
                "application/json",
                "application/x-www-form-urlencoded",
                "multipart/form-data",
                "text/plain",
                "text/html",
            ];
            match KNOWN.iter().find(|k| **k == media_type) {
                Some(known) => Cow::Borrowed(*known),
                None => Cow::Owned(media_type.to_ascii_lowercase()),
            }
        })
    }

    /// Cookies sent with the request: Django's `request.COOKIES`, parsed as Django's
    /// `parse_cookie` does: `;`-separated pairs, a pair without `=` is a value with an empty
    /// name, surrounding quotes are removed, and a later duplicate wins.
    pub fn COOKIES(&self) -> &HashMap<String, String> {
        self.inner.cookies.get_or_init(|| {
            let mut out = HashMap::new();
            for header in self.headers().as_header_map().get_all(header::COOKIE) {
                let header = String::from_utf8_lossy(header.as_bytes());
                for chunk in header.split(';') {
                    let (name, value) = chunk.split_once('=').unwrap_or(("", chunk));
                    let (name, value) = (name.trim(), value.trim());
                    if !name.is_empty() || !value.is_empty() {
                        out.insert(name.to_owned(), unquote_cookie(value));
                    }
                }
            }
            out
        })
    }

    /// The Host header (port included), unvalidated. The handler has already refused hosts not
    /// in ALLOWED_HOSTS before a view runs, so in a view this is Django's `get_host()`.
    pub fn get_host(&self) -> &str {
        // The name as actix's constant: a `&str` would be parsed into a name on each call.
        self.inner
            .headers
            .0
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn scheme(&self) -> &str {
        self.inner.scheme
    }

    pub fn is_secure(&self) -> bool {
        self.inner.scheme == "https"
    }

    /// The absolute URL of `location` (this request's URL when None), resolved against the
    /// request's path as a browser would: Django's `build_absolute_uri`.
    pub fn build_absolute_uri(&self, location: Option<&str>) -> String {
        let full = self.get_full_path();
        let location = location.unwrap_or(&full);
        if location.contains("://") {
            return location.to_owned();
        }
        let base = format!("{}://{}", self.scheme(), self.get_host());
        if location.starts_with("//") {
            format!("{}:{location}", self.scheme())
        } else if location.starts_with('/') {
            format!("{base}{location}")
        } else {
            let path = self.path();
            let dir = &path[..=path.rfind('/').unwrap_or(0)];
            format!("{base}{}{location}", crate::urls::escape_uri_path(dir))
        }
    }

    /// The client's address, when known.
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.inner.peer_addr
    }

    /// The route that answered, once URL resolution has run.
    /// The visitor's session (Django's `request.session`), given by
    /// [`SessionMiddleware`](crate::contrib::sessions::SessionMiddleware): MIDDLEWARE must
    /// list it, before anything that uses the session.
    pub fn session(&self) -> &crate::contrib::sessions::Session {
        self.inner.session.get_or_init(|| {
            let store = self.inner.session_store.get().expect(
                "request.session() needs rjango::contrib::sessions::SessionMiddleware in MIDDLEWARE",
            );
            crate::contrib::sessions::Session::new(
                store.clone(),
                crate::contrib::sessions::middleware::key_from_cookie(self),
            )
        })
    }

    /// Whether SessionMiddleware gave the request its session.
    pub(crate) fn has_session(&self) -> bool {
        self.inner.session_store.get().is_some() || self.inner.session.get().is_some()
    }

    /// The session, when it has been made (read or written) already.
    pub(crate) fn session_if_set(&self) -> Option<&crate::contrib::sessions::Session> {
        self.inner.session.get()
    }

    /// Whether AuthenticationMiddleware gave this request a user (then `user()` may be called).
    pub(crate) fn has_user_slot(&self) -> bool {
        self.inner.user.get().is_some()
    }

    /// Who made the request (Django's `request.user`): the signed-in user or the anonymous
    /// one, given by [`AuthenticationMiddleware`](crate::contrib::auth::AuthenticationMiddleware)
    /// (MIDDLEWARE must list it, after SessionMiddleware). Read from the session and the
    /// database on first use, one query at most per request; a database error is logged and
    /// reads as the anonymous user.
    pub async fn user(&self) -> crate::contrib::auth::AuthUser {
        let slot = self.inner.user.get().expect(
            "request.user() needs rjango::contrib::auth::AuthenticationMiddleware in MIDDLEWARE",
        );
        let mut user = slot.lock().await;
        if let Some(user) = user.as_ref() {
            return user.clone();
        }
        let loaded = match crate::contrib::auth::get_user(self).await {
            Ok(loaded) => loaded,
            Err(e) => {
                crate::log::error(&format!("the request's user could not be read: {e}"));
                crate::contrib::auth::AuthUser::anonymous()
            }
        };
        *user = Some(loaded.clone());
        loaded
    }

    /// Gives the request its lazily read user (AuthenticationMiddleware's work).
    pub(crate) fn enable_user(&self) {
        let _ = self.inner.user.set(tokio::sync::Mutex::new(None));
    }

    /// Sets the request's user (login and logout).
    pub(crate) async fn set_user(&self, user: crate::contrib::auth::AuthUser) {
        if let Some(slot) = self.inner.user.get() {
            *slot.lock().await = Some(user);
        }
    }

    /// Gives the request its session's store (SessionMiddleware's work); the session itself
    /// is made when first used.
    pub(crate) fn set_session_store(&self, store: Arc<dyn crate::contrib::sessions::SessionStore>) {
        let _ = self.inner.session_store.set(store);
    }

    /// Sets the session itself (the test client's logins).
    pub(crate) fn set_session(&self, session: crate::contrib::sessions::Session) {
        let _ = self.inner.session.set(session);
    }

    /// The request's messages, when MessageMiddleware runs.
    pub(crate) fn messages(&self) -> Option<&crate::contrib::messages::MessageStore> {
        self.inner.messages.get()
    }

    pub(crate) fn set_messages(&self, store: crate::contrib::messages::MessageStore) {
        let _ = self.inner.messages.set(store);
    }

    /// The request's CSRF state, when CsrfViewMiddleware runs.
    pub(crate) fn csrf_state(&self) -> Option<&crate::middleware::csrf::CsrfState> {
        self.inner.csrf.get()
    }

    pub(crate) fn set_csrf_state(&self, state: crate::middleware::csrf::CsrfState) {
        let _ = self.inner.csrf.set(state);
    }

    /// Whether the CSRF check is skipped (the test client's requests, unless it enforces).
    pub(crate) fn dont_enforce_csrf_checks(&self) -> bool {
        self.inner.dont_enforce_csrf_checks
    }

    pub fn resolver_match(&self) -> Option<&ResolverMatch> {
        self.inner.resolver_match.get()
    }

    pub(crate) fn set_resolver_match(&self, m: ResolverMatch) {
        let _ = self.inner.resolver_match.set(m);
    }
}

/// Django's cookie unquoting: `"a\"b"` → `a"b`; an unquoted value is kept as it is.
fn unquote_cookie(value: &str) -> String {
    let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
        return value.to_owned();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match (c, chars.clone().next()) {
            ('\\', Some(next)) => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "<HttpRequest: {} {:?}>",
            self.method(),
            self.get_full_path()
        )
    }
}

/// Builds an `HttpRequest`: `HttpRequest::builder("POST", "/items/?x=1").header(..).body(..)`.
#[derive(Debug)]
pub struct RequestBuilder {
    method: Method,
    target: Target,
    headers: HeaderMap,
    body: Bytes,
    scheme: &'static str,
    peer_addr: Option<SocketAddr>,
    dont_enforce_csrf_checks: bool,
}

impl RequestBuilder {
    /// # Panics
    /// When `method` is not an HTTP method token (a test's typo; servers pass valid ones).
    fn new(method: &str, path_and_query: &str) -> Self {
        let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())
            .unwrap_or_else(|_| panic!("{method:?} is not an HTTP method"));
        Self::with_target(
            method,
            Target::new(RawTarget::Owned(path_and_query.to_owned())),
        )
    }

    /// The server's start: the method parsed already, and the target shared with actix's.
    pub(crate) fn with_method(
        method: Method,
        path_and_query: actix_web::http::uri::PathAndQuery,
    ) -> Self {
        Self::with_target(method, Target::new(RawTarget::Shared(path_and_query)))
    }

    fn with_target(method: Method, target: Target) -> Self {
        RequestBuilder {
            method,
            target,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            scheme: "http",
            peer_addr: None,
            dont_enforce_csrf_checks: false,
        }
    }

    /// Adds a header; an invalid name or value is skipped (it could not arrive over HTTP).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            self.headers.append(n, v);
        }
        self
    }

    pub(crate) fn headers(mut self, headers: HeaderMap) -> Self {
        self.headers = headers;
        self
    }

    /// Sets the Host header unless one is set already.
    /// Whether a header of this name was set (the test client sends its cookies only when the
    /// test set none itself).
    pub(crate) fn has_header(&self, name: &str) -> bool {
        self.headers.contains_key(name)
    }

    pub fn default_host(mut self, host: &str) -> Self {
        if !self.headers.contains_key("host")
            && let Ok(value) = HeaderValue::try_from(host)
        {
            self.headers.insert(actix_web::http::header::HOST, value);
        }
        self
    }

    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    pub fn secure(mut self, secure: bool) -> Self {
        self.scheme = if secure { "https" } else { "http" };
        self
    }

    /// Skips the CSRF check for this request (what the test client does unless it enforces
    /// the check, as Django's).
    pub fn dont_enforce_csrf_checks(mut self, skip: bool) -> Self {
        self.dont_enforce_csrf_checks = skip;
        self
    }

    pub fn peer_addr(mut self, addr: Option<SocketAddr>) -> Self {
        self.peer_addr = addr;
        self
    }

    pub fn build(self) -> HttpRequest {
        HttpRequest {
            inner: Arc::new(Inner {
                method: self.method,
                target: self.target,
                headers: Headers(self.headers),
                body: self.body,
                scheme: self.scheme,
                peer_addr: self.peer_addr,
                get: Slot::new(),
                post: Slot::new(),
                cookies: Slot::new(),
                session_store: Slot::new(),
                session: Slot::new(),
                csrf: Slot::new(),
                messages: Slot::new(),
                user: Slot::new(),
                dont_enforce_csrf_checks: self.dont_enforce_csrf_checks,
                content_type: Slot::new(),
                resolver_match: Slot::new(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn django_accessors() {
        let r = HttpRequest::builder("POST", "/a%20b/?q=abc&page=2")
            .header(
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .header("Cookie", "sessionid=xyz; theme=dark")
            .header("X-Request-ID", "r1")
            .body("title=Hi&tag=a&tag=b")
            .build();
        assert_eq!(r.method(), "POST");
        assert_eq!(r.path(), "/a b/");
        assert_eq!(r.GET().get("page"), Some("2"));
        assert_eq!(r.POST().getlist("tag"), vec!["a", "b"]);
        assert_eq!(r.content_type(), "application/x-www-form-urlencoded");
        assert_eq!(r.headers().get("x-request-id"), Some("r1"));
        assert_eq!(r.COOKIES().get("theme").map(String::as_str), Some("dark"));
        assert_eq!(r.get_full_path(), "/a%20b/?q=abc&page=2");
    }

    #[test]
    fn django_normalisation() {
        let r = HttpRequest::builder("get", "/x/%0Ay")
            .header("Content-Type", "Application/JSON")
            .header("Cookie", "a=\"q\\\"t\"; b=%41; c")
            .body("k=v")
            .build();
        assert_eq!(r.method(), "GET");
        assert_eq!(r.content_type(), "application/json");
        assert_eq!(
            r.get_full_path(),
            "/x/%0Ay",
            "a path is re-escaped before it reaches a header"
        );
        assert!(r.POST().is_empty(), "POST is parsed for POST requests only");
        let c = r.COOKIES();
        assert_eq!(
            (c["a"].as_str(), c["b"].as_str(), c[""].as_str()),
            ("q\"t", "%41", "c")
        );
        let r = HttpRequest::builder("GET", "/a/b/c")
            .header("Host", "h")
            .build();
        assert_eq!(r.build_absolute_uri(Some("d/")), "http://h/a/b/d/");
        assert_eq!(r.build_absolute_uri(Some("/e")), "http://h/e");
    }

    #[test]
    fn json_errors_are_bad_requests() {
        let bad = HttpRequest::builder("POST", "/")
            .body(vec![0xff, 0xfe])
            .build();
        assert!(
            bad.json::<serde_json::Value>()
                .unwrap_err()
                .to_string()
                .contains("UTF-8")
        );
        let ok = HttpRequest::builder("POST", "/").body(r#"{"a":1}"#).build();
        assert_eq!(ok.json::<serde_json::Value>().unwrap()["a"], 1);
    }
}
