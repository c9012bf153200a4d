//! Django's `AuthenticationMiddleware`: gives each request `request.user()`, read from the
//! session on first use (one query at most per request), so it must come after
//! SessionMiddleware in MIDDLEWARE.

use crate::http::{HttpRequest, HttpResponse};
use crate::middleware::{GetResponse, Middleware};

/// `django.contrib.auth.middleware.AuthenticationMiddleware`.
pub struct AuthenticationMiddleware {
    get_response: GetResponse,
}

/// Django's ImproperlyConfigured message, in rjango's names.
const NEEDS_SESSIONS: &str = "The rjango authentication middleware requires session middleware to be installed. Edit your MIDDLEWARE setting to insert rjango::contrib::sessions::SessionMiddleware before rjango::contrib::auth::AuthenticationMiddleware.";

impl Middleware for AuthenticationMiddleware {
    fn new(get_response: GetResponse) -> Self {
        AuthenticationMiddleware { get_response }
    }

    async fn call(&self, request: HttpRequest) -> HttpResponse {
        if !request.has_session() {
            crate::log::error(NEEDS_SESSIONS);
            return Box::pin(crate::handlers::panicked(
                request,
                NEEDS_SESSIONS.to_owned(),
            ))
            .await;
        }
        request.enable_user();
        self.get_response.call(request).await
    }
}
