//! Django's class-based `View`. Write the handlers of the methods you answer in an impl block
//! marked `#[view]`; it implements `View` for you, including the 405 (with `Allow`) for every
//! other method, HEAD answered by `get`, and OPTIONS.
//!
//! ```text
//! #[derive(Default)]
//! pub struct PingView;
//!
//! #[view]
//! impl PingView {
//!     async fn get(&self, request: HttpRequest) -> HttpResponse {
//!         HttpResponse::new("pong")
//!     }
//! }
//!
//! // urls.rs: path("ping/", views::PingView::as_view(), name = "ping"),
//! ```

use std::sync::Arc;

use futures_util::future::LocalBoxFuture;

use crate::http::{HttpRequest, HttpResponse, HttpResponseNotAllowed, ViewResult};
use crate::urls::{FromParams, Handler};

pub use rjango_macros::view;

/// A class-based view; implemented by `#[view]`.
pub trait View: Send + Sync + Sized + 'static {
    /// The route parameters each method handler takes after the request.
    type Args: FromParams + 'static;

    /// The methods this view answers, upper case (`GET`, `HEAD`, `OPTIONS`, ...).
    const ALLOWED_METHODS: &'static [&'static str];

    /// Calls the handler of the request's method.
    fn dispatch(
        self: Arc<Self>,
        request: HttpRequest,
        args: Self::Args,
    ) -> LocalBoxFuture<'static, ViewResult>;

    /// The view as a route handler, with this instance: Django's `as_view(**initkwargs)`.
    #[allow(clippy::wrong_self_convention)] // named for Django's as_view(**initkwargs)
    fn as_view_with(self) -> AsView<Self> {
        AsView(Arc::new(self))
    }
}

/// A class-based view bound into a URL pattern: `PingView::as_view()`.
pub struct AsView<V>(Arc<V>);

impl<V> std::fmt::Debug for AsView<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AsView<{}>", std::any::type_name::<V>())
    }
}

impl<V> Clone for AsView<V> {
    fn clone(&self) -> Self {
        AsView(self.0.clone())
    }
}

impl<V: View, R> Handler<V::Args, R> for AsView<V> {
    fn call(&self, request: HttpRequest, args: V::Args) -> LocalBoxFuture<'static, ViewResult> {
        self.0.clone().dispatch(request, args)
    }
}

/// The 405 of a class-based view, logged as Django logs it.
pub fn http_method_not_allowed(request: &HttpRequest, allowed: &[&str]) -> HttpResponse {
    crate::log::warning(&format!(
        "Method Not Allowed ({}): {}",
        request.method(),
        request.path()
    ));
    HttpResponseNotAllowed(allowed)
}

/// The answer to OPTIONS: 200, an empty body and `Allow`.
pub fn options_response(allowed: &[&str]) -> HttpResponse {
    let mut r = HttpResponse::new(bytes::Bytes::new()).with_header("Allow", allowed.join(", "));
    r.set_header("Content-Length", "0");
    r
}

pub mod api;
pub mod generic;
