//! Django's test client: requests through the project's full chain (host check, middleware,
//! URL resolution, views, error handlers) in-process, without a socket.
//!
//! ```text
//! #[rjango::test]
//! async fn index_answers() {
//!     let client = Client::new(crate::generated::project());
//!     assert_eq!(client.get("/blog/").await.status_code(), 200);
//! }
//! ```

use crate::Project;
use crate::http::{HttpRequest, HttpResponse};
use crate::middleware::GetResponse;

pub mod database;
mod skip;

pub use crate::conf::override_settings;
pub use database::Isolation;
pub use rjango_macros::test;
pub use skip::skip;

/// The Host the client sends; allowed besides ALLOWED_HOSTS, as Django's test runner allows it.
pub const TEST_HOST: &str = "testserver";

pub struct Client {
    chain: GetResponse,
    enforce_csrf_checks: bool,
    /// The cookies responses set, sent with the next requests (Django's `client.cookies`).
    cookies: std::sync::Mutex<Vec<(String, String)>>,
}

impl Client {
    /// Configures the project (settings, URLconf) for this process and builds its chain.
    pub fn new(project: Project) -> Self {
        crate::conf::configure((project.settings)());
        crate::urls::Resolver::install((project.root_urlconf)());
        Client {
            // The settings of an override_settings around the client, if any.
            chain: crate::handlers::build_chain(crate::conf::settings()),
            enforce_csrf_checks: false,
            cookies: Default::default(),
        }
    }

    /// Checks CSRF tokens as a browser's requests are checked. Off by default, as Django's
    /// `Client(enforce_csrf_checks=False)`: a test posts without a token.
    pub fn enforce_csrf_checks(mut self, enforce: bool) -> Self {
        self.enforce_csrf_checks = enforce;
        self
    }

    pub async fn get(&self, path: &str) -> HttpResponse {
        self.request(HttpRequest::builder("GET", path)).await
    }

    /// A POST with a body of the given content type.
    pub async fn post(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<bytes::Bytes>,
    ) -> HttpResponse {
        self.request(
            HttpRequest::builder("POST", path)
                .header("Content-Type", content_type)
                .body(body),
        )
        .await
    }

    /// A form POST, as a browser sends one (Django's `client.post(path, {"name": "value"})`).
    pub async fn post_form(&self, path: &str, data: &[(&str, &str)]) -> HttpResponse {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(data)
            .finish();
        self.post(path, "application/x-www-form-urlencoded", body)
            .await
    }

    /// A multipart form POST with files, as a browser sends a form with a file input
    /// (Django's `client.post(path, {"name": "value", "photo": file})`): `files` are
    /// (field, file name, content type, bytes).
    pub async fn post_multipart(
        &self,
        path: &str,
        data: &[(&str, &str)],
        files: &[(&str, &str, &str, &[u8])],
    ) -> HttpResponse {
        self.post(
            path,
            &format!("multipart/form-data; boundary={MULTIPART_BOUNDARY}"),
            encode_multipart(MULTIPART_BOUNDARY, data, files),
        )
        .await
    }

    /// Any request, built with `HttpRequest::builder`; the Host defaults to `testserver`.
    /// The client's cookies go with it, unless the request sets a Cookie header itself.
    pub async fn request(&self, builder: crate::http::RequestBuilder) -> HttpResponse {
        let mut builder = builder;
        if !builder.has_header("cookie") {
            let jar = self.jar();
            if !jar.is_empty() {
                let header: Vec<String> = jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
                builder = builder.header("Cookie", &header.join("; "));
            }
        }
        let request = builder
            .default_host(TEST_HOST)
            .dont_enforce_csrf_checks(!self.enforce_csrf_checks)
            .build();
        let response = crate::server::handle(&self.chain, request, Some(TEST_HOST)).await;
        for cookie in response.cookies() {
            let deleted = cookie.value().is_empty()
                || cookie
                    .max_age()
                    .is_some_and(|age| age.is_zero() || age.is_negative());
            self.set_cookie(cookie.name(), (!deleted).then(|| cookie.value()));
        }
        response
    }

    fn jar(&self) -> std::sync::MutexGuard<'_, Vec<(String, String)>> {
        self.cookies.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cookies the client holds, as responses set them (Django's `client.cookies`).
    pub fn cookies(&self) -> Vec<(String, String)> {
        self.jar().clone()
    }

    /// Sets (or, with None, forgets) a cookie the next requests send.
    pub fn set_cookie(&self, name: &str, value: Option<&str>) {
        let mut jar = self.jar();
        jar.retain(|(k, _)| k != name);
        if let Some(value) = value {
            jar.push((name.to_owned(), value.to_owned()));
        }
    }

    /// Django's `client.force_login(user)`: the next requests are `user`'s, through a session
    /// made as `login()` makes it (SessionMiddleware's engine, its cookie in the client).
    pub async fn force_login(&self, user: &crate::contrib::auth::models::User) {
        let settings = crate::conf::settings();
        let store = crate::contrib::sessions::backends::engine(&settings.SESSION_ENGINE)
            .unwrap_or_else(|why| panic!("force_login: {why}"));
        let session = crate::contrib::sessions::Session::new(store, None);
        let request = HttpRequest::builder("GET", "/").build();
        request.set_session(session.clone());
        crate::contrib::auth::login(&request, user)
            .await
            .unwrap_or_else(|e| panic!("force_login: {e}"));
        let key = session
            .save()
            .await
            .unwrap_or_else(|e| panic!("force_login: the session was not saved: {e:?}"));
        self.set_cookie(&settings.SESSION_COOKIE_NAME, Some(&key));
    }

    /// Django's `client.login(username=..., password=...)`: whether the credentials are an
    /// active user's; then the next requests are that user's.
    pub async fn login(&self, username: &str, password: &str) -> bool {
        let request = HttpRequest::builder("GET", "/").build();
        match crate::contrib::auth::authenticate(&request, username, password).await {
            Ok(Some(user)) => {
                self.force_login(&user).await;
                true
            }
            Ok(None) => false,
            Err(e) => panic!("login: {e}"),
        }
    }

    /// Django's `client.logout()`: the session flushed and the client's cookies forgotten.
    pub async fn logout(&self) {
        let settings = crate::conf::settings();
        let key = self
            .jar()
            .iter()
            .find(|(k, _)| *k == settings.SESSION_COOKIE_NAME)
            .map(|(_, v)| v.clone());
        if let Some(key) = key
            && let Ok(store) = crate::contrib::sessions::backends::engine(&settings.SESSION_ENGINE)
        {
            store.delete(&key).await;
        }
        self.jar().clear();
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Client")
    }
}

/// The boundary `Client::post_multipart` separates parts with (Django's test client's).
pub const MULTIPART_BOUNDARY: &str = "BoUnDaRyStRiNg";

/// A `multipart/form-data` body of these fields and files ((field, file name, content type,
/// bytes)): Django's `encode_multipart`.
pub fn encode_multipart(
    boundary: &str,
    data: &[(&str, &str)],
    files: &[(&str, &str, &str, &[u8])],
) -> Vec<u8> {
    let quoted = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let mut body = Vec::new();
    for (name, value) in data {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n{value}\r\n",
                quoted(name)
            )
            .as_bytes(),
        );
    }
    for (name, filename, content_type, content) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {content_type}\r\n\r\n",
                quoted(name),
                quoted(filename)
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}
