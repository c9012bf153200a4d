//! actix-web's server underneath, with one service per worker that reads the body (within
//! DATA_UPLOAD_MAX_MEMORY_SIZE), builds an `HttpRequest`, runs the project's chain, and writes
//! the `HttpResponse` back. URL resolution is rjango's own, so middleware sees every response,
//! 404s included, as in Django.
//!
//! The service takes actix-http's request, not an actix-web `App`'s: an `App` would route
//! every request a second time (to its one catch-all service), build its own request object
//! from a pool, and box the service's future; about 1,200 instructions a request that rjango
//! has no use for (bench/http). `HttpServer` still binds, spawns the workers, sets the
//! timeouts and stops gracefully.

use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;

use actix_http::Request;
use actix_web::HttpServer;
use actix_web::dev::fn_service;
use actix_web::http::header::HeaderMap;
use actix_web::http::{Method, StatusCode};
use bytes::{Bytes, BytesMut};
use futures_util::{FutureExt, StreamExt};

use crate::conf::{Settings, settings};
use crate::handlers;
use crate::http::{HttpRequest, HttpResponse};
use crate::log;
use crate::middleware::GetResponse;

/// Runs `request` through the chain as the server does: the body and field limits, the host
/// check, the middleware and view; a panic anywhere gives the 500 page, never a dropped
/// connection. `extra_host` is allowed besides ALLOWED_HOSTS (the test client's `testserver`).
pub(crate) async fn handle(
    chain: &GetResponse,
    request: HttpRequest,
    extra_host: Option<&str>,
) -> HttpResponse {
    let s = settings();
    if request.body().len() > s.DATA_UPLOAD_MAX_MEMORY_SIZE {
        return too_large();
    }
    let host = request.get_host();
    // The rare answers below are boxed: an async fn's future is as large as its largest
    // branch, and this one is moved and allocated on every request.
    if extra_host != Some(host) && !handlers::host_allowed(host) {
        return Box::pin(handlers::disallowed_host(request)).await;
    }
    // Django's StaticFilesHandler: under DEBUG, STATIC_URL's files before any middleware.
    if let Some(response) = crate::contrib::staticfiles::handlers::serve_if_static(&request) {
        return response;
    }
    if let Some(limit) = s.DATA_UPLOAD_MAX_NUMBER_FIELDS
        && too_many_fields(&request, limit)
    {
        return Box::pin(handlers::too_many_fields(request)).await;
    }
    if s.DEBUG {
        return Box::pin(handle_counting_queries(chain, request)).await;
    }
    let outcome = AssertUnwindSafe(chain.serve(request.clone()))
        .catch_unwind()
        .await;
    match outcome {
        Ok(_) if request.unreadable_post().is_some() => Box::pin(unreadable(request)).await,
        Ok(response) if response.refused().is_none() => response,
        Ok(response) => Box::pin(handlers::unless_refused(request, response)).await,
        Err(panic) => {
            let message = crate::debug::panic_message(&panic);
            Box::pin(handlers::panicked(request, message)).await
        }
    }
}

/// The 400 of a multipart body Django would refuse, once a middleware or the view has read
/// `POST()` or `FILES()` (Django raises there, and its handler answers 400); what they
/// answered with the empty form is dropped. A view that never reads them answers as usual.
async fn unreadable(request: HttpRequest) -> HttpResponse {
    let e =
        request
            .unreadable_post()
            .cloned()
            .unwrap_or(crate::http::MultiPartParserError::Malformed(
                "The multipart body could not be read.",
            ));
    handlers::unreadable_body(request, e).await
}

/// With DEBUG on, each response says how many statements it took (as Django's debug
/// toolbar does): a page whose count grows with its rows has an N+1 query.
async fn handle_counting_queries(chain: &GetResponse, request: HttpRequest) -> HttpResponse {
    let call = AssertUnwindSafe(chain.call(request.clone())).catch_unwind();
    let (outcome, queries) = crate::db::count_queries(call).await;
    let mut response = match outcome {
        Ok(_) if request.unreadable_post().is_some() => unreadable(request).await,
        Ok(response) => handlers::unless_refused(request, response).await,
        Err(panic) => handlers::panicked(request, crate::debug::panic_message(&panic)).await,
    };
    response.set_header(QUERY_COUNT_HEADER, queries.len().to_string());
    response
}

/// The header a DEBUG response carries its number of SQL statements in.
pub const QUERY_COUNT_HEADER: &str = "X-Rjango-Queries";

/// More fields in the query string, or in a form body, than `limit`: Django counts `&`- and
/// `;`-separated pieces before parsing, so a huge form never becomes a huge dictionary.
fn too_many_fields(request: &HttpRequest, limit: usize) -> bool {
    // A field takes a byte at least, so text no longer than the limit holds no more fields
    // than it: most requests are not counted at all.
    let count = |bytes: &[u8]| {
        if bytes.len() <= limit {
            return 0;
        }
        bytes
            .split(|b| *b == b'&' || *b == b';')
            .filter(|piece| !piece.is_empty())
            .count()
    };
    count(request.query_string().as_bytes()) > limit
        || (!request.body().is_empty()
            && request.content_type() == "application/x-www-form-urlencoded"
            && count(request.body()) > limit)
}

fn too_large() -> HttpResponse {
    HttpResponse::new(
        "<h1>Request Entity Too Large (413)</h1><p>The request body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE.</p>",
    )
    .status(413)
}

/// gunicorn's limits, which a Django site has in front of it (`limit_request_line`,
/// `limit_request_field_size`, `limit_request_fields`): actix alone would take a header of
/// up to its 128 KiB buffer.
const MAX_REQUEST_LINE: usize = 4094;
const MAX_HEADER_FIELD: usize = 8190;
const MAX_HEADER_FIELDS: usize = 100;

/// The refusal of a request whose target or headers are past gunicorn's limits: 414, or 431.
fn oversized(req: &Request, headers: &HeaderMap) -> Option<HttpResponse> {
    let target = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if target > MAX_REQUEST_LINE {
        return Some(
            HttpResponse::new(format!(
                "<h1>Request-URI Too Long (414)</h1><p>The request's path and query are longer than {MAX_REQUEST_LINE} bytes.</p>"
            ))
            .status(414),
        );
    }
    let too_big = headers.len() > MAX_HEADER_FIELDS
        || headers
            .iter()
            .any(|(n, v)| n.as_str().len() + v.len() > MAX_HEADER_FIELD);
    too_big.then(|| {
        HttpResponse::new(format!(
            "<h1>Request Header Fields Too Large (431)</h1><p>More than {MAX_HEADER_FIELDS} headers, or one longer than {MAX_HEADER_FIELD} bytes.</p>"
        ))
        .status(431)
    })
}

/// True for HTTPS: the proxy header of SECURE_PROXY_SSL_HEADER (the server itself speaks
/// plain HTTP, behind a proxy that ends TLS, as Django's runserver and gunicorn do). Never
/// `X-Forwarded-Proto`/`Forwarded` on their own: any client can send those.
fn is_secure(headers: &HeaderMap) -> bool {
    settings()
        .SECURE_PROXY_SSL_HEADER
        .as_ref()
        .is_some_and(|(name, value)| {
            headers
                .get(name.as_str())
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.split(',').next().unwrap_or("").trim() == value)
        })
}

async fn entry(
    mut req: Request,
    chain: GetResponse,
    log_requests: bool,
) -> Result<actix_http::Response<Bytes>, actix_web::Error> {
    let limit = settings().DATA_UPLOAD_MAX_MEMORY_SIZE;
    // The headers move into rjango's request: actix is done with them once it has parsed the
    // request line (keep-alive and `Expect` are decided by then), and a copy would cost a
    // hash table and an allocation per header on every request. They move back at the end,
    // so actix's pooled head reuses the map's allocation for the connection's next request.
    let mut headers = std::mem::take(&mut req.head_mut().headers);
    let payload = req.take_payload();
    // A request without a body (no Content-Length, or 0, and not chunked) has no payload:
    // its Content-Length is not looked up.
    let declared = match payload {
        actix_web::dev::Payload::None => None,
        _ => headers
            .get(actix_web::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok()),
    };
    let response = if let Some(refusal) = oversized(&req, &headers) {
        refusal
    } else if declared.is_some_and(|n| n > limit) {
        too_large()
    } else {
        // Most requests have no body: no future is made to read one.
        let body = match payload {
            actix_web::dev::Payload::None => Body::Read(Bytes::new()),
            payload => read_body(payload, declared, limit).await,
        };
        match body {
            Body::Read(body) => {
                // A request line in absolute form names the host; a request without a Host
                // header (HTTP/1.0) takes it from there. Most requests have no authority, so
                // that is looked at first.
                if let Some(authority) = req.uri().authority()
                    && !headers.contains_key(actix_web::http::header::HOST)
                    && let Ok(authority) = authority.as_str().parse()
                {
                    headers.insert(actix_web::http::header::HOST, authority);
                }
                let secure = is_secure(&headers);
                let target = req
                    .uri()
                    .path_and_query()
                    .cloned()
                    .unwrap_or_else(|| actix_web::http::uri::PathAndQuery::from_static("/"));
                let request = HttpRequest::server_builder(method(&req), target)
                    .headers(headers)
                    .body(body)
                    .secure(secure)
                    .peer_addr(req.peer_addr())
                    .build();
                let response = handle(&chain, request.clone(), None).await;
                if let Some(headers) = request.into_headers() {
                    req.head_mut().headers = headers;
                }
                response
            }
            Body::TooLarge => too_large(),
            Body::Broken => return Ok(empty(StatusCode::BAD_REQUEST)),
            Body::Stalled => {
                let mut timeout = empty(StatusCode::REQUEST_TIMEOUT);
                timeout
                    .head_mut()
                    .set_connection_type(actix_http::ConnectionType::Close);
                return Ok(timeout);
            }
        }
    };
    if log_requests {
        // The request line is actix's still: only its headers moved.
        eprintln!(
            "[{}] \"{} {} {:?}\" {} {}",
            log::timestamp(),
            req.method(),
            log::safe(req.uri().path_and_query().map_or("/", |p| p.as_str())),
            req.version(),
            response.status_code(),
            response.content().len()
        );
    }
    Ok(to_actix(response))
}

/// The request's method, upper-cased as Django's REQUEST_METHOD is: actix keeps `get` as an
/// unknown method of its own, which no view or CSRF check would take for GET.
fn method(req: &Request) -> Method {
    let method = req.method();
    if method.as_str().bytes().any(|b| b.is_ascii_lowercase()) {
        Method::from_bytes(method.as_str().to_ascii_uppercase().as_bytes())
            .unwrap_or_else(|_| method.clone())
    } else {
        method.clone()
    }
}

enum Body {
    Read(Bytes),
    TooLarge,
    Broken,
    /// The client did not send it whole within BODY_TIMEOUT.
    Stalled,
}

/// How long a request body may take to arrive before the request is answered 408 and its
/// connection closed: gunicorn's worker timeout, which a Django site has in front of it.
/// actix bounds the head (5 s) but not the body, so a client could otherwise hold a
/// connection and a worker's task forever by sending a body slowly, or part of one.
const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The request body, within DATA_UPLOAD_MAX_MEMORY_SIZE and BODY_TIMEOUT.
async fn read_body(
    mut payload: actix_web::dev::Payload,
    declared: Option<usize>,
    limit: usize,
) -> Body {
    let mut body = BytesMut::with_capacity(declared.unwrap_or(0));
    let mut deadline = None;
    loop {
        // A body already here (every GET's empty one) takes no timer.
        let next = match payload.next().now_or_never() {
            Some(next) => next,
            None => {
                let deadline =
                    *deadline.get_or_insert_with(|| tokio::time::Instant::now() + BODY_TIMEOUT);
                match tokio::time::timeout_at(deadline, payload.next()).await {
                    Ok(next) => next,
                    Err(_) => return Body::Stalled,
                }
            }
        };
        let Some(chunk) = next else { break };
        match chunk {
            Ok(chunk) if body.len() + chunk.len() <= limit => body.extend_from_slice(&chunk),
            Ok(_) => return Body::TooLarge,
            Err(_) => return Body::Broken,
        }
    }
    Body::Read(body.freeze())
}

/// rjango's response as actix's: the header map moves over whole (no header is parsed or
/// hashed again); cookies become Set-Cookie headers; the length is actix's to write.
fn to_actix(response: HttpResponse) -> actix_http::Response<Bytes> {
    let (status, headers, cookies, body) = response.into_parts();
    let mut out = actix_http::Response::with_body(status, body);
    crate::http::header_maps::give_back(std::mem::replace(out.headers_mut(), headers));
    for cookie in cookies {
        // A cookie that cannot be a header value is a 500, as actix-web's `add_cookie` gives.
        match actix_web::http::header::HeaderValue::from_str(&cookie.to_string()) {
            Ok(value) => out
                .headers_mut()
                .append(actix_web::http::header::SET_COOKIE, value),
            Err(_) => return empty(StatusCode::INTERNAL_SERVER_ERROR),
        }
    }
    out
}

/// A response of `status` alone, for what the server answers before or without the chain.
fn empty(status: StatusCode) -> actix_http::Response<Bytes> {
    actix_http::Response::with_body(status, Bytes::new())
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("That port is already in use ({0}). Stop the other server, or pick another port.")]
    AddrInUse(SocketAddr),
    #[error("You don't have permission to access that port ({0}).")]
    PermissionDenied(SocketAddr),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("the server stopped: {0}")]
    Run(std::io::Error),
    #[error("{0}")]
    Database(#[from] crate::db::DbError),
}

/// Serves until Ctrl-C (or SIGTERM), with `workers` threads.
///
/// Every database of DATABASES is opened first, so one that cannot be reached stops the server
/// before it listens rather than failing its first request. The pools are opened on this
/// thread's runtime, which runs until the server stops: their connections and maintenance
/// tasks live there, and every worker shares them (a pool per worker would multiply the
/// connections a database sees by the number of workers).
pub fn serve(
    settings: &'static Settings,
    addr: SocketAddr,
    workers: usize,
    log_requests: bool,
    on_ready: impl FnOnce(),
) -> Result<(), ServeError> {
    actix_web::rt::System::new().block_on(async move {
        crate::db::connections::open_all().await?;
        let server = HttpServer::new(move || {
            let chain = handlers::build_chain(settings);
            fn_service(move |req: Request| entry(req, chain.clone(), log_requests))
        })
        .workers(workers.max(1))
        .shutdown_timeout(5)
        .bind(addr)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => ServeError::AddrInUse(addr),
            std::io::ErrorKind::PermissionDenied => ServeError::PermissionDenied(addr),
            _ => ServeError::Bind(addr, e),
        })?;
        on_ready();
        server.run().await.map_err(ServeError::Run)
    })
}
