//! Django's `SecurityMiddleware`: the security headers every response should carry.

use super::{Hook, MiddlewareMixin};
use crate::conf::{Settings, settings};
use crate::http::{HttpRequest, HttpResponse, HttpResponsePermanentRedirect, PreparedHeader};

/// Sets `X-Content-Type-Options: nosniff`, `Referrer-Policy`, `Cross-Origin-Opener-Policy`,
/// and `Strict-Transport-Security` on secure requests when SECURE_HSTS_SECONDS is set;
/// redirects to HTTPS when SECURE_SSL_REDIRECT is on.
pub struct SecurityMiddleware {
    /// Strict-Transport-Security, for secure requests.
    hsts: Option<PreparedHeader>,
    /// The rest, for every response: built once from the settings.
    headers: Vec<PreparedHeader>,
}

/// The headers of `s`: Strict-Transport-Security (for secure requests), then the rest.
fn prepared(s: &Settings) -> (Option<PreparedHeader>, Vec<PreparedHeader>) {
    let hsts = (s.SECURE_HSTS_SECONDS > 0).then(|| {
        let mut value = format!("max-age={}", s.SECURE_HSTS_SECONDS);
        if s.SECURE_HSTS_INCLUDE_SUBDOMAINS {
            value.push_str("; includeSubDomains");
        }
        PreparedHeader::new("strict-transport-security", &value)
    });
    let mut headers = Vec::new();
    if s.SECURE_CONTENT_TYPE_NOSNIFF {
        headers.push(PreparedHeader::new("x-content-type-options", "nosniff"));
    }
    if let Some(policy) = &s.SECURE_REFERRER_POLICY {
        headers.push(PreparedHeader::new("referrer-policy", policy));
    }
    if let Some(policy) = &s.SECURE_CROSS_ORIGIN_OPENER_POLICY {
        headers.push(PreparedHeader::new("cross-origin-opener-policy", policy));
    }
    (hsts, headers)
}

impl MiddlewareMixin for SecurityMiddleware {
    fn new() -> Self {
        let (hsts, headers) = prepared(settings());
        SecurityMiddleware { hsts, headers }
    }

    fn process_request(&self, request: &HttpRequest) -> Hook<Option<HttpResponse>> {
        if settings().SECURE_SSL_REDIRECT && !request.is_secure() {
            return Hook::Ready(Some(HttpResponsePermanentRedirect(format!(
                "https://{}{}",
                request.get_host(),
                request.get_full_path()
            ))));
        }
        Hook::Ready(None)
    }

    fn process_response(
        &self,
        request: &HttpRequest,
        mut response: HttpResponse,
    ) -> Hook<HttpResponse> {
        // Under a test's override_settings, the settings of the moment, as Django reads them.
        let overridden = crate::conf::overridden().map(|o| prepared(&o.settings));
        let (hsts, headers) = match &overridden {
            Some((hsts, headers)) => (hsts, headers),
            None => (&self.hsts, &self.headers),
        };
        if let Some(hsts) = hsts
            && request.is_secure()
        {
            response.set_default(hsts);
        }
        for header in headers {
            response.set_default(header);
        }
        Hook::Ready(response)
    }
}
