//! Django's `AuthenticationMiddleware`: gives each request `request.user()`, read from the
//! session on first use (one query at most per request), so it must come after
//! SessionMiddleware in MIDDLEWARE.

use crate::http::{HttpRequest, HttpResponse};
use crate::middleware::{Hook, MiddlewareMixin};

/// `django.contrib.auth.middleware.AuthenticationMiddleware`.
pub struct AuthenticationMiddleware;

/// Django's ImproperlyConfigured message, in rjango's names.
const NEEDS_SESSIONS: &str = "The rjango authentication middleware requires session middleware to be installed. Edit your MIDDLEWARE setting to insert rjango::contrib::sessions::SessionMiddleware before rjango::contrib::auth::AuthenticationMiddleware.";

impl MiddlewareMixin for AuthenticationMiddleware {
    fn new() -> Self {
        AuthenticationMiddleware
    }

    fn process_request(&self, request: &HttpRequest) -> Hook<Option<HttpResponse>> {
        if !request.has_session() {
            return crate::middleware::improperly_configured(request, NEEDS_SESSIONS);
        }
        request.enable_user();
        Hook::Ready(None)
    }
}
