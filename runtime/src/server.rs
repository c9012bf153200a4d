//! actix-web underneath: one catch-all service per worker that reads the body (within
//! DATA_UPLOAD_MAX_MEMORY_SIZE), builds an `HttpRequest`, runs the project's chain, and writes
//! the `HttpResponse` back. URL resolution is rjango's own, so middleware sees every response,
//! 404s included, as in Django.

use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;

use actix_web::{App, HttpServer, web};
use bytes::BytesMut;
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
    if extra_host != Some(host) && !handlers::validate_host(host, handlers::allowed_hosts()) {
        return handlers::disallowed_host(request).await;
    }
    // Django's StaticFilesHandler: under DEBUG, STATIC_URL's files before any middleware.
    if let Some(response) = crate::contrib::staticfiles::handlers::serve_if_static(&request) {
        return response;
    }
    if let Some(limit) = s.DATA_UPLOAD_MAX_NUMBER_FIELDS
        && too_many_fields(&request, limit)
    {
        return handlers::too_many_fields(request).await;
    }
    let call = AssertUnwindSafe(chain.call(request.clone())).catch_unwind();
    if s.DEBUG {
        // With DEBUG on, each response says how many statements it took (as Django's debug
        // toolbar does): a page whose count grows with its rows has an N+1 query.
        let (outcome, queries) = crate::db::count_queries(call).await;
        let mut response = match outcome {
            Ok(response) => handlers::unless_refused(request, response).await,
            Err(panic) => handlers::panicked(request, crate::debug::panic_message(&panic)).await,
        };
        response.set_header(QUERY_COUNT_HEADER, queries.len().to_string());
        return response;
    }
    match call.await {
        Ok(response) => handlers::unless_refused(request, response).await,
        Err(panic) => handlers::panicked(request, crate::debug::panic_message(&panic)).await,
    }
}

/// The header a DEBUG response carries its number of SQL statements in.
pub const QUERY_COUNT_HEADER: &str = "X-Rjango-Queries";

/// More fields in the query string, or in a form body, than `limit`: Django counts `&`- and
/// `;`-separated pieces before parsing, so a huge form never becomes a huge dictionary.
fn too_many_fields(request: &HttpRequest, limit: usize) -> bool {
    let count = |bytes: &[u8]| {
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

/// True for HTTPS: TLS on this connection, or the proxy header of SECURE_PROXY_SSL_HEADER.
/// Never `X-Forwarded-Proto`/`Forwarded` on their own: any client can send those.
fn is_secure(req: &actix_web::HttpRequest) -> bool {
    if req.app_config().secure() {
        return true;
    }
    settings()
        .SECURE_PROXY_SSL_HEADER
        .as_ref()
        .is_some_and(|(name, value)| {
            req.headers()
                .get(name.as_str())
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.split(',').next().unwrap_or("").trim() == value)
        })
}

async fn entry(
    req: actix_web::HttpRequest,
    mut payload: web::Payload,
    chain: GetResponse,
    log_requests: bool,
) -> actix_web::HttpResponse {
    let limit = settings().DATA_UPLOAD_MAX_MEMORY_SIZE;
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    let response = if declared.is_some_and(|n| n > limit) {
        too_large()
    } else {
        let mut body = BytesMut::with_capacity(declared.unwrap_or(0));
        let mut over = false;
        while let Some(chunk) = payload.next().await {
            match chunk {
                Ok(chunk) if body.len() + chunk.len() <= limit => body.extend_from_slice(&chunk),
                Ok(_) => {
                    over = true;
                    break;
                }
                Err(_) => return actix_web::HttpResponse::BadRequest().finish(),
            }
        }
        if over {
            too_large()
        } else {
            let path = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let mut headers = req.headers().clone();
            if !headers.contains_key("host")
                && let Some(authority) = req.uri().authority().and_then(|a| a.as_str().parse().ok())
            {
                headers.insert(actix_web::http::header::HOST, authority);
            }
            let request = HttpRequest::builder(req.method().as_str(), path)
                .headers(headers)
                .body(body.freeze())
                .secure(is_secure(&req))
                .peer_addr(req.peer_addr())
                .build();
            handle(&chain, request, None).await
        }
    };
    if log_requests {
        eprintln!(
            "[{}] \"{} {} {:?}\" {} {}",
            log::timestamp(),
            req.method(),
            log::safe(
                req.uri()
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/")
            ),
            req.version(),
            response.status_code(),
            response.content().len()
        );
    }
    to_actix(response)
}

fn to_actix(response: HttpResponse) -> actix_web::HttpResponse {
    let (status, headers, cookies, body) = response.into_parts();
    let mut builder = actix_web::HttpResponse::build(status);
    for (name, value) in headers {
        if name != actix_web::http::header::CONTENT_LENGTH {
            builder.append_header((name, value));
        }
    }
    for cookie in cookies {
        builder.cookie(cookie);
    }
    builder.body(body)
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
            App::new().default_service(web::to(
                move |req: actix_web::HttpRequest, payload: web::Payload| {
                    entry(req, payload, chain.clone(), log_requests)
                },
            ))
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
