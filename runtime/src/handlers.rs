//! The innermost `get_response`: resolve the URL, call the view, and turn whatever it raised
//! (Http404, PermissionDenied, BadRequest, an error, a panic) into a response, the way
//! Django's `convert_exception_to_response` and `response_for_exception` do.

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;

use crate::conf::{Settings, settings};
use crate::debug;
use crate::http::{Http404, HttpRequest, HttpResponse, ViewError};
use crate::log;
use crate::middleware::{self, GetResponse};
use crate::urls::{Resolved, Resolver};

/// The full chain for a project: MIDDLEWARE around the view handler.
pub fn build_chain(settings: &Settings) -> GetResponse {
    let inner = GetResponse::from_fn(|request| Box::pin(get_response(request)));
    middleware::chain(&settings.MIDDLEWARE, inner)
}

async fn get_response(request: HttpRequest) -> HttpResponse {
    let Some(resolver) = crate::urls::resolver_installed() else {
        return HttpResponse::new("no URLconf installed").status(500);
    };
    match resolver.resolve(request.path()) {
        Resolved::Match(found) => {
            request.set_resolver_match(found.resolver_match);
            let call = std::panic::catch_unwind(AssertUnwindSafe(|| {
                (found.view)(request.clone(), &found.args)
            }));
            let outcome = match call {
                Ok(future) => AssertUnwindSafe(future).catch_unwind().await,
                Err(panic) => Err(panic),
            };
            match outcome {
                Ok(Ok(response)) => response,
                Ok(Err(error)) => response_for_error(resolver, request, error).await,
                Err(panic) => {
                    let message = debug::panic_message(&panic);
                    response_for_error(resolver, request, ViewError::Internal(message.into())).await
                }
            }
        }
        Resolved::NotFound(tried) => {
            let e = Http404::unresolved(tried);
            response_for_error(resolver, request, ViewError::NotFound(e)).await
        }
    }
}

/// Django's `response_for_exception`.
pub(crate) async fn response_for_error(
    resolver: &Resolver,
    request: HttpRequest,
    error: ViewError,
) -> HttpResponse {
    let s = settings();
    match error {
        ViewError::Response(r) => r,
        ViewError::NotFound(e) => {
            if s.DEBUG {
                if e.is_resolver_404() && resolver.is_empty() {
                    return debug::welcome_page();
                }
                return debug::technical_404(&request, &e, resolver.module());
            }
            match &resolver.handlers.handler404 {
                Some(h) => run_handler(h(request.clone(), e), default_404).await,
                None => default_404(),
            }
        }
        ViewError::PermissionDenied(e) => match &resolver.handlers.handler403 {
            Some(h) => run_handler(h(request.clone(), e), default_403).await,
            None => default_403(),
        },
        ViewError::BadRequest(e) => {
            log::warning(&format!("Bad Request: {}: {e}", request.path()));
            if s.DEBUG {
                return debug::technical_500(&request, "BadRequest", &e.to_string(), 400);
            }
            match &resolver.handlers.handler400 {
                Some(h) => run_handler(h(request.clone(), e), default_400).await,
                None => default_400(),
            }
        }
        ViewError::Internal(e) => {
            log::error(&format!("Internal Server Error: {}\n{e}", request.path()));
            if s.DEBUG {
                return debug::technical_500(&request, "Error", &e.to_string(), 500);
            }
            server_error(resolver, request).await
        }
    }
}

/// handler500, or the default page.
pub(crate) async fn server_error(resolver: &Resolver, request: HttpRequest) -> HttpResponse {
    match &resolver.handlers.handler500 {
        Some(h) => run_handler(h(request, ()), default_500).await,
        None => default_500(),
    }
}

/// Runs a custom error handler; if it fails too, the plain default page answers.
async fn run_handler(
    future: futures_util::future::LocalBoxFuture<'static, crate::http::ViewResult>,
    fallback: impl FnOnce() -> HttpResponse,
) -> HttpResponse {
    match AssertUnwindSafe(future).catch_unwind().await {
        Ok(Ok(response)) => response,
        Ok(Err(ViewError::Response(response))) => response,
        _ => {
            log::error("the custom error handler failed; answering with the default page");
            fallback()
        }
    }
}

fn page(status: u16, html: &str) -> HttpResponse {
    HttpResponse::new(html.to_owned()).status(status)
}

pub(crate) fn default_400() -> HttpResponse {
    page(
        400,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Bad Request (400)</title>\n</head>\n<body>\n  <h1>Bad Request (400)</h1><p></p>\n</body>\n</html>\n",
    )
}

fn default_403() -> HttpResponse {
    page(
        403,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>403 Forbidden</title>\n</head>\n<body>\n  <h1>403 Forbidden</h1><p></p>\n</body>\n</html>\n",
    )
}

fn default_404() -> HttpResponse {
    page(
        404,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n",
    )
}

pub(crate) fn default_500() -> HttpResponse {
    page(
        500,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n",
    )
}

/// Django's `validate_host`: exact names, `.example.com` for a domain and its subdomains,
/// `*` for any. The port is ignored; a trailing dot is allowed.
pub fn validate_host(host: &str, allowed: &[String]) -> bool {
    let host = host.to_ascii_lowercase();
    let domain = split_port(&host).trim_end_matches('.');
    if domain.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.:[]_".contains(c))
    {
        return false;
    }
    allowed.iter().any(|pattern| {
        let pattern = pattern.to_ascii_lowercase();
        pattern == "*"
            || pattern == domain
            || (pattern.starts_with('.') && (domain.ends_with(&pattern) || domain == &pattern[1..]))
    })
}

fn split_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map(|i| &host[..=i]).unwrap_or(host);
    }
    host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host)
}

/// The 400 for a Host outside ALLOWED_HOSTS (Django's DisallowedHost).
pub(crate) fn disallowed_host(request: &HttpRequest) -> HttpResponse {
    let host = request.get_host();
    let mut message = format!("Invalid HTTP_HOST header: {host:?}.");
    let domain = split_port(host);
    if !domain.is_empty() {
        message.push_str(&format!(
            " You may need to add {domain:?} to ALLOWED_HOSTS."
        ));
    }
    log::warning(&format!("DisallowedHost: {message}"));
    if settings().DEBUG {
        debug::technical_500(request, "DisallowedHost", &message, 400)
    } else {
        default_400()
    }
}

#[cfg(test)]
mod tests {
    use super::validate_host;

    #[test]
    fn hosts_as_django_matches_them() {
        let allowed = vec![
            ".example.com".to_owned(),
            "api.test".to_owned(),
            "[::1]".to_owned(),
        ];
        for ok in [
            "example.com",
            "www.example.com:8000",
            "API.test",
            "[::1]:80",
            "example.com.",
        ] {
            assert!(validate_host(ok, &allowed), "{ok}");
        }
        for bad in ["evil.com", "example.com.evil", "", "api.test.evil", "a b"] {
            assert!(!validate_host(bad, &allowed), "{bad}");
        }
        assert!(validate_host("anything.io", &["*".to_owned()]));
    }
}
