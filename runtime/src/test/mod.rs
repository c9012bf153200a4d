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
}

impl Client {
    /// Configures the project (settings, URLconf) for this process and builds its chain.
    pub fn new(project: Project) -> Self {
        let settings = crate::conf::configure((project.settings)());
        crate::urls::Resolver::install((project.root_urlconf)());
        Client {
            chain: crate::handlers::build_chain(settings),
            enforce_csrf_checks: false,
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

    /// Any request, built with `HttpRequest::builder`; the Host defaults to `testserver`.
    pub async fn request(&self, builder: crate::http::RequestBuilder) -> HttpResponse {
        let request = builder
            .default_host(TEST_HOST)
            .dont_enforce_csrf_checks(!self.enforce_csrf_checks)
            .build();
        crate::server::handle(&self.chain, request, Some(TEST_HOST)).await
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Client")
    }
}
