//! Django's middleware: each one wraps `get_response`, the rest of the chain, in the order of
//! the MIDDLEWARE setting (first listed = outermost).
//!
//! ```text
//! pub struct RequestIDMiddleware { get_response: GetResponse }
//!
//! impl Middleware for RequestIDMiddleware {
//!     fn new(get_response: GetResponse) -> Self { Self { get_response } }
//!
//!     async fn call(&self, request: HttpRequest) -> HttpResponse {
//!         let mut response = self.get_response.call(request.clone()).await;
//!         let id = request.headers().get("X-Request-ID").unwrap_or("missing").to_owned();
//!         response.set_header("X-Request-ID", id);
//!         response
//!     }
//! }
//!
//! // settings.rs: MIDDLEWARE: middleware![..., crate::middleware::RequestIDMiddleware],
//! ```

pub mod clickjacking;
pub mod common;
pub mod csrf;
pub mod security;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::rc::Rc;

use futures_util::FutureExt;
use futures_util::future::LocalBoxFuture;

use crate::http::{HttpRequest, HttpResponse};

/// A middleware: built once per server worker around the rest of the chain.
pub trait Middleware: 'static {
    /// Django's `__init__(self, get_response)`.
    fn new(get_response: GetResponse) -> Self
    where
        Self: Sized;

    /// Django's `__call__(self, request)`.
    fn call(&self, request: HttpRequest) -> impl Future<Output = HttpResponse>;
}

/// The rest of the chain: the next middleware, or the view with its error handling.
#[derive(Clone)]
pub struct GetResponse(Rc<dyn Fn(HttpRequest) -> LocalBoxFuture<'static, HttpResponse>>);

impl std::fmt::Debug for GetResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GetResponse")
    }
}

impl GetResponse {
    pub fn from_fn(
        f: impl Fn(HttpRequest) -> LocalBoxFuture<'static, HttpResponse> + 'static,
    ) -> Self {
        GetResponse(Rc::new(f))
    }

    /// Runs the rest of the chain for `request`.
    pub fn call(&self, request: HttpRequest) -> LocalBoxFuture<'static, HttpResponse> {
        (self.0)(request)
    }
}

/// One entry of MIDDLEWARE: how to build the middleware around a `GetResponse`.
#[derive(Clone, Copy)]
pub struct MiddlewareFactory {
    pub name: &'static str,
    build: fn(GetResponse) -> GetResponse,
}

impl std::fmt::Debug for MiddlewareFactory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// Builds `M` around `next`. A panic inside the middleware becomes the 500 response right
/// there (the DEBUG page or handler500), so the middleware outside it still see a response,
/// as Django's `convert_exception_to_response` around each middleware gives.
fn build<M: Middleware>(next: GetResponse) -> GetResponse {
    let middleware = Rc::new(M::new(next));
    GetResponse::from_fn(move |request| {
        let middleware = middleware.clone();
        Box::pin(async move {
            let outcome = AssertUnwindSafe(middleware.call(request.clone()))
                .catch_unwind()
                .await;
            match outcome {
                Ok(response) => response,
                // Boxed: it is rare, and its future would otherwise make every layer's larger.
                Err(panic) => {
                    let message = crate::debug::panic_message(&panic);
                    Box::pin(crate::handlers::panicked(request, message)).await
                }
            }
        })
    })
}

/// The MIDDLEWARE entry of a middleware type; `middleware![A, B]` is the usual spelling.
pub fn factory<M: Middleware>() -> MiddlewareFactory {
    MiddlewareFactory {
        name: std::any::type_name::<M>(),
        build: build::<M>,
    }
}

/// Wraps `inner` in the middleware, the first entry outermost.
pub fn chain(middleware: &[MiddlewareFactory], inner: GetResponse) -> GetResponse {
    middleware
        .iter()
        .rev()
        .fold(inner, |next, factory| (factory.build)(next))
}

/// `MIDDLEWARE: middleware![SecurityMiddleware, crate::middleware::RequestIDMiddleware]`.
#[macro_export]
#[doc(hidden)]
macro_rules! __middleware {
    ($($m:path),* $(,)?) => {
        vec![$($crate::middleware::factory::<$m>()),*]
    };
}

pub use crate::__middleware as middleware;
