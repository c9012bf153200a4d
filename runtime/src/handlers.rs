//! The innermost `get_response`: resolve the URL, call the view, and turn whatever it raised
//! (Http404, PermissionDenied, BadRequest, an error, a panic) into a response, the way
//! Django's `convert_exception_to_response` and `response_for_exception` do.

use std::borrow::Cow;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use futures_util::future::LocalBoxFuture;

use crate::conf::{Settings, settings};
use crate::debug;
use crate::http::{Http404, HttpRequest, HttpResponse, ViewError};
use crate::log;
use crate::middleware::{self, GetResponse};
use crate::urls::{Resolved, Resolver};

/// The full chain for a project: MIDDLEWARE around the view handler.
pub fn build_chain(settings: &Settings) -> GetResponse {
    middleware::chain(&settings.MIDDLEWARE, GetResponse::view())
}

pub(crate) async fn get_response(request: HttpRequest) -> HttpResponse {
    let Some(resolver) = crate::urls::resolver_installed() else {
        return HttpResponse::new("no URLconf installed").status(500);
    };
    // Only the view's future is held across its await, and the rare answers are one boxed
    // future made by plain functions: an async fn's future keeps room for every local whose
    // scope spans an await (moved out or not), and every layer of middleware around this one
    // carries it. (A layer's future past 1032 bytes leaves glibc's per-thread cache, and every
    // request pays malloc's slow path.)
    let failure = {
        let dispatched = dispatch(resolver, &request);
        match dispatched {
            Dispatched::View(future) => {
                match viewed(
                    resolver,
                    &request,
                    AssertUnwindSafe(future).catch_unwind().await,
                ) {
                    Ok(response) => return response,
                    Err(failure) => failure,
                }
            }
            Dispatched::Answered(response) => return response,
            Dispatched::Panicked(panic) => {
                let error = ViewError::Internal(debug::panic_message(&panic).into());
                Box::pin(view_failed(resolver, request.clone(), error))
            }
            Dispatched::NotFound(tried) => {
                let error = ViewError::NotFound(Http404::unresolved(tried));
                Box::pin(response_for_error(resolver, request.clone(), error))
            }
        }
    };
    failure.await
}

/// The view's answer, or the boxed work that answers its error, its panic or a refused
/// header it returned.
fn viewed(
    resolver: &'static Resolver,
    request: &HttpRequest,
    outcome: Result<crate::http::ViewResult, Box<dyn std::any::Any + Send>>,
) -> Result<HttpResponse, LocalBoxFuture<'static, HttpResponse>> {
    let error = match outcome {
        // A refused header the view returned is its error, as Django's DisallowedRedirect
        // is raised in the view: the middleware see its 400, answered once.
        Ok(Ok(response)) => match response.refused().cloned() {
            None => return Ok(response),
            Some(e) => {
                let error = ViewError::BadRequest(e);
                return Err(Box::pin(response_for_error(
                    resolver,
                    request.clone(),
                    error,
                )));
            }
        },
        Ok(Err(error)) => error,
        Err(panic) => ViewError::Internal(debug::panic_message(&panic).into()),
    };
    Err(Box::pin(view_failed(resolver, request.clone(), error)))
}

/// The answer to a view's error or panic. A refused header in the answer (a
/// ViewError::Response's) is the view's error too: the middleware see its 400, not the
/// refused response.
async fn view_failed(resolver: &Resolver, request: HttpRequest, error: ViewError) -> HttpResponse {
    let response = response_for_error(resolver, request.clone(), error).await;
    match response.refused().cloned() {
        Some(e) => response_for_error(resolver, request, ViewError::BadRequest(e)).await,
        None => response,
    }
}

/// Where the request's URL led, before anything is awaited.
enum Dispatched {
    /// The view's answer, to await.
    View(futures_util::future::LocalBoxFuture<'static, crate::http::ViewResult>),
    /// The view panicked before it made its future.
    Panicked(Box<dyn std::any::Any + Send>),
    /// Answered without the view (CsrfViewMiddleware's process_view refused it).
    Answered(HttpResponse),
    /// No route matched: the patterns tried.
    NotFound(Vec<String>),
}

/// Resolves the URL, runs Django's `process_view` of CsrfViewMiddleware and calls the view.
fn dispatch(resolver: &Resolver, request: &HttpRequest) -> Dispatched {
    match resolver.resolve(request.path(), settings().DEBUG) {
        Resolved::Match(found) => {
            request.set_resolver_match(found.resolver_match);
            // After resolution, so an unknown URL is a 404 and a csrf_exempt view is let
            // through.
            if let Some(refused) = crate::middleware::csrf::process_view(request, found.csrf_exempt)
            {
                return Dispatched::Answered(refused);
            }
            match std::panic::catch_unwind(AssertUnwindSafe(|| {
                (found.view)(request.clone(), &found.args)
            })) {
                Ok(future) => Dispatched::View(future),
                Err(panic) => Dispatched::Panicked(panic),
            }
        }
        Resolved::NotFound(tried) => Dispatched::NotFound(tried),
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
                if e.is_resolver_404()
                    && (resolver.is_empty()
                        || (request.path() == "/" && resolver.is_startproject_default()))
                {
                    return debug::welcome_page();
                }
                return debug::technical_404(&request, &e, resolver.module());
            }
            match &resolver.handlers.handler404 {
                Some(h) => run_handler(h(request.clone(), e)).await,
                None => default_404(),
            }
        }
        ViewError::PermissionDenied(e) => match &resolver.handlers.handler403 {
            Some(h) => run_handler(h(request.clone(), e)).await,
            None => default_403(),
        },
        ViewError::BadRequest(e) => {
            log::warning(&format!("Bad Request: {}: {e}", log::safe(request.path())));
            if s.DEBUG {
                return debug::technical_500(&request, "BadRequest", &e.to_string(), 400);
            }
            match &resolver.handlers.handler400 {
                Some(h) => run_handler(h(request.clone(), e)).await,
                None => default_400(),
            }
        }
        ViewError::Internal(e) if unavailable(e.as_ref()).is_some() => {
            // Every connection stayed busy (the server is overloaded, not broken), or the
            // connection failed: logged with the request, unless the database is known to be
            // down (logged once, by its health watcher).
            use crate::db::DbError;
            let why = unavailable(e.as_ref());
            let busy = matches!(why, Some(DbError::PoolTimeout { .. }));
            let while_down = matches!(
                why,
                Some(DbError::Unavailable {
                    while_down: true,
                    ..
                })
            );
            if !while_down {
                log::error(&format!(
                    "Service Unavailable: {}\n{e}",
                    log::safe(request.path())
                ));
            }
            let (name, why) = if busy {
                ("PoolTimeout", "The server is busy")
            } else {
                ("DatabaseUnavailable", "The database cannot be reached")
            };
            if s.DEBUG {
                return debug::technical_500(&request, name, &e.to_string(), 503);
            }
            let mut response = HttpResponse::new(format!(
                "<h1>Service Unavailable</h1><p>{why}; try again shortly.</p>"
            ));
            response.set_status_code(503);
            response.set_header("Retry-After", "1");
            response
        }
        ViewError::Internal(e) => {
            log::error(&format!(
                "Internal Server Error: {}\n{e}",
                log::safe(request.path())
            ));
            if s.DEBUG {
                return debug::technical_500(&request, "Error", &e.to_string(), 500);
            }
            server_error(resolver, request).await
        }
    }
}

/// The database error behind a 503: a pool that gave no connection in time, or a database
/// that cannot be reached, however the view's error wrapped it.
fn unavailable<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a crate::db::DbError> {
    use crate::db::DbError;
    let is_503 =
        |e: &DbError| matches!(e, DbError::PoolTimeout { .. } | DbError::Unavailable { .. });
    let mut current = Some(e);
    while let Some(e) = current {
        if let Some(db) = e.downcast_ref::<DbError>()
            && is_503(db)
        {
            return Some(db);
        }
        if let Some(crate::models::QueryError::Database(db)) =
            e.downcast_ref::<crate::models::QueryError>()
            && is_503(db)
        {
            return Some(db);
        }
        current = e.source();
    }
    None
}

/// handler500, or the default page.
pub(crate) async fn server_error(resolver: &Resolver, request: HttpRequest) -> HttpResponse {
    match &resolver.handlers.handler500 {
        Some(h) => run_handler(h(request, ())).await,
        None => default_500(),
    }
}

/// Runs a custom error handler. If it fails too, the answer is a 500, as Django's
/// `handle_uncaught_exception` gives.
async fn run_handler(
    future: futures_util::future::LocalBoxFuture<'static, crate::http::ViewResult>,
) -> HttpResponse {
    match AssertUnwindSafe(future).catch_unwind().await {
        Ok(Ok(response)) => response,
        Ok(Err(ViewError::Response(response))) => response,
        _ => {
            log::error("the custom error handler failed; answering 500");
            default_500()
        }
    }
}

fn page(status: u16, html: &'static str) -> HttpResponse {
    HttpResponse::new(html).status(status)
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

/// Django's `split_domain_port`: `(domain, port)` of a Host header, the domain lower case
/// without one trailing dot; None when the Host is not a valid name or IP literal.
pub(crate) fn split_domain_port(host: &str) -> Option<(Cow<'_, str>, &str)> {
    let (domain, port, upper) = if host.starts_with('[') {
        let end = host.find(']')?;
        let (d, rest) = host.split_at(end + 1);
        let inner = &d[1..d.len() - 1];
        let (before, after) = inner.split_once(':')?;
        let hex = |s: &str, extra: &str| {
            s.chars()
                .all(|c| c.is_ascii_hexdigit() || extra.contains(c))
        };
        if !hex(before, "") || after.is_empty() || !hex(after, ".:") {
            return None;
        }
        (d, rest, d.bytes().any(|b| b.is_ascii_uppercase()))
    } else {
        // One pass by bytes: this runs on every request, and a Host is ASCII or refused.
        let mut end = host.len();
        let mut upper = false;
        for (i, b) in host.bytes().enumerate() {
            match b {
                b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' => {}
                b'A'..=b'Z' => upper = true,
                b':' => {
                    end = i;
                    break;
                }
                _ => return None,
            }
        }
        if end == 0 {
            return None;
        }
        let (d, rest) = host.split_at(end);
        (d, rest, upper)
    };
    let port = match port.strip_prefix(':') {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p,
        None if port.is_empty() => "",
        _ => return None,
    };
    // Lower case, copied only when it is not already (the Host header of nearly every
    // request is).
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    let domain = if upper {
        Cow::Owned(domain.to_ascii_lowercase())
    } else {
        Cow::Borrowed(domain)
    };
    Some((domain, port))
}

/// Django's `validate_host`: exact names, `.example.com` for a domain and its subdomains,
/// `*` for any. `allowed` must be lower case (see `allowed_hosts`).
pub fn validate_host(host: &str, allowed: &[String]) -> bool {
    let Some((domain, _)) = split_domain_port(host) else {
        return false;
    };
    !domain.is_empty()
        && allowed.iter().any(|pattern| {
            pattern == "*"
                || *pattern == *domain
                || (pattern.starts_with('.')
                    && (domain.ends_with(pattern.as_str()) || *domain == pattern[1..]))
        })
}

/// The request's Host checked against ALLOWED_HOSTS, remembering on each thread the last
/// one that passed: nearly every request a server sees carries the same Host, and the check
/// scans its bytes and the list each time. Under `override_settings`, whose list changes,
/// nothing is remembered.
pub(crate) fn host_allowed(host: &str) -> bool {
    thread_local!(static PASSED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) });
    if crate::conf::overridden().is_some() {
        return validate_host(host, allowed_hosts());
    }
    if PASSED.with_borrow(|passed| !passed.is_empty() && passed == host) {
        return true;
    }
    let allowed = validate_host(host, allowed_hosts());
    if allowed {
        PASSED.with_borrow_mut(|passed| {
            passed.clear();
            passed.push_str(host);
        });
    }
    allowed
}

/// ALLOWED_HOSTS as the host check applies it, lower-cased once per process (or per
/// `override_settings`).
pub(crate) fn allowed_hosts() -> &'static [String] {
    static ALLOWED: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    if let Some(o) = crate::conf::overridden() {
        return &o.allowed_hosts;
    }
    ALLOWED.get_or_init(|| {
        settings()
            .effective_allowed_hosts()
            .into_iter()
            .map(|h| h.to_ascii_lowercase())
            .collect()
    })
}

/// The 400 for a Host outside ALLOWED_HOSTS (Django's DisallowedHost): the DEBUG page, or
/// the URLconf's handler400.
pub(crate) async fn disallowed_host(request: HttpRequest) -> HttpResponse {
    let host = log::safe(request.get_host());
    let mut message = format!("Invalid HTTP_HOST header: {host:?}.");
    match split_domain_port(request.get_host()) {
        Some((domain, _)) if !domain.is_empty() => {
            message.push_str(&format!(
                " You may need to add {domain:?} to ALLOWED_HOSTS."
            ));
        }
        _ => message.push_str(" The domain name provided is not valid according to RFC 1034/1035."),
    }
    log::warning(&format!("DisallowedHost: {message}"));
    if settings().DEBUG {
        return debug::technical_500(&request, "DisallowedHost", &message, 400);
    }
    match crate::urls::resolver_installed().and_then(|r| r.handlers.handler400.clone()) {
        Some(h) => run_handler(h(request, crate::http::BadRequest::new(message))).await,
        None => default_400(),
    }
}

/// `response`, unless a middleware set a header that was refused (a newline from a client's
/// input, an unsafe redirect; the view's own refusals were answered inside the chain): then the
/// 400 of that refusal, through handler400, as Django answers a SuspiciousOperation. Nothing
/// of the refused response is sent.
pub(crate) async fn unless_refused(request: HttpRequest, response: HttpResponse) -> HttpResponse {
    let Some(e) = response.refused().cloned() else {
        return response;
    };
    match crate::urls::resolver_installed() {
        Some(resolver) => response_for_error(resolver, request, ViewError::BadRequest(e)).await,
        None => default_400(),
    }
}

/// The 400 for a query string or form with more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields
/// (Django's TooManyFieldsSent).
pub(crate) async fn too_many_fields(request: HttpRequest) -> HttpResponse {
    let e = crate::http::BadRequest::new(
        "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.",
    );
    match crate::urls::resolver_installed() {
        Some(resolver) => response_for_error(resolver, request, ViewError::BadRequest(e)).await,
        None => default_400(),
    }
}

/// The 400 for a multipart body that could not be read (Django's MultiPartParserError,
/// TooManyFieldsSent, TooManyFilesSent).
pub(crate) async fn unreadable_body(
    request: HttpRequest,
    e: crate::http::MultiPartParserError,
) -> HttpResponse {
    let e = crate::http::BadRequest::new(e.to_string());
    match crate::urls::resolver_installed() {
        Some(resolver) => response_for_error(resolver, request, ViewError::BadRequest(e)).await,
        None => default_400(),
    }
}

/// The 500 for a panic outside a view (in a middleware): the DEBUG page or handler500, as
/// Django's `convert_exception_to_response` gives around every middleware.
pub(crate) async fn panicked(request: HttpRequest, message: String) -> HttpResponse {
    match crate::urls::resolver_installed() {
        Some(resolver) => {
            response_for_error(resolver, request, ViewError::Internal(message.into())).await
        }
        None => default_500(),
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
        for bad in [
            "evil.com",
            "example.com.evil",
            "",
            "api.test.evil",
            "a b",
            "example.com:evil",
            "[::1]evil",
            "exa_mple.com",
            "example.com:",
            "[::1",
            "[zz::1]",
            "example.com..",
        ] {
            assert!(!validate_host(bad, &allowed), "{bad}");
        }
        assert!(validate_host("anything.io", &["*".to_owned()]));
    }
}
