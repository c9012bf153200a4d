//! Django's `SecurityMiddleware`: the security headers every response should carry.

use super::{GetResponse, Middleware};
use crate::conf::settings;
use crate::http::{HttpRequest, HttpResponse, HttpResponsePermanentRedirect};

/// Sets `X-Content-Type-Options: nosniff`, `Referrer-Policy`, `Cross-Origin-Opener-Policy`,
/// and `Strict-Transport-Security` on secure requests when SECURE_HSTS_SECONDS is set;
/// redirects to HTTPS when SECURE_SSL_REDIRECT is on.
pub struct SecurityMiddleware {
    get_response: GetResponse,
    /// The Strict-Transport-Security value, built once from the settings.
    hsts: Option<String>,
}

impl Middleware for SecurityMiddleware {
    fn new(get_response: GetResponse) -> Self {
        let s = settings();
        let hsts = (s.SECURE_HSTS_SECONDS > 0).then(|| {
            let mut value = format!("max-age={}", s.SECURE_HSTS_SECONDS);
            if s.SECURE_HSTS_INCLUDE_SUBDOMAINS {
                value.push_str("; includeSubDomains");
            }
            value
        });
        SecurityMiddleware { get_response, hsts }
    }

    async fn call(&self, request: HttpRequest) -> HttpResponse {
        let s = settings();
        if s.SECURE_SSL_REDIRECT && !request.is_secure() {
            return HttpResponsePermanentRedirect(format!(
                "https://{}{}",
                request.get_host(),
                request.get_full_path()
            ));
        }
        let secure = request.is_secure();
        let mut response = self.get_response.call(request).await;
        if let Some(hsts) = &self.hsts
            && secure
        {
            response.set_default_header("Strict-Transport-Security", hsts);
        }
        if s.SECURE_CONTENT_TYPE_NOSNIFF {
            response.set_default_header("X-Content-Type-Options", "nosniff");
        }
        if let Some(policy) = &s.SECURE_REFERRER_POLICY {
            response.set_default_header("Referrer-Policy", policy);
        }
        if let Some(policy) = &s.SECURE_CROSS_ORIGIN_OPENER_POLICY {
            response.set_default_header("Cross-Origin-Opener-Policy", policy);
        }
        response
    }
}
