//! Views as typed handlers. `urlpatterns!` derives each route's argument tuple from its
//! converters (`<int:pk>` → `(i64,)`) and requires `Handler<(i64,), Route>` of the view, so a
//! view whose parameters do not fit its route is a compile error naming the route.

use std::future::Future;
use std::sync::Arc;

use futures_util::future::LocalBoxFuture;

use crate::http::{BadRequest, Http404, HttpRequest, IntoResponse, PermissionDenied, ViewResult};

/// A view for a route whose converters pass `Args`. `Route` is a marker type named after the
/// route, there only so that compile errors can name it.
#[diagnostic::on_unimplemented(
    message = "the view of `{Route}` must take the request, then the values of the route's converters: {Args}",
    label = "this view's parameters do not match the converters of `{Route}`",
    note = "converters pass int → i64, str/slug/path → String, uuid → Uuid, in the order they appear in the route",
    note = "a function view is `async fn(request: HttpRequest, ...) -> impl IntoResponse`; a class-based view is `MyView::as_view()` on a `#[view]` impl"
)]
pub trait Handler<Args, Route = ()>: Send + Sync + 'static {
    fn call(&self, request: HttpRequest, args: Args) -> LocalBoxFuture<'static, ViewResult>;
    /// Whether CsrfViewMiddleware lets unsafe requests to this view through without a token
    /// (`csrf_exempt(view)`, Django's `@csrf_exempt`).
    fn csrf_exempt(&self) -> bool {
        false
    }
}

/// One captured value, already checked by its converter during URL resolution.
pub trait FromParam: Sized {
    fn from_param(raw: &str) -> Option<Self>;
}

impl FromParam for i64 {
    fn from_param(raw: &str) -> Option<Self> {
        raw.parse().ok()
    }
}

impl FromParam for String {
    fn from_param(raw: &str) -> Option<Self> {
        Some(raw.to_owned())
    }
}

impl FromParam for uuid::Uuid {
    fn from_param(raw: &str) -> Option<Self> {
        raw.parse().ok()
    }
}

/// A tuple of captured values, in route order.
pub trait FromParams: Sized {
    fn from_params(raw: &[String]) -> Option<Self>;
}

macro_rules! tuples {
    ($($A:ident $i:tt),*) => {
        impl<$($A: FromParam),*> FromParams for ($($A,)*) {
            #[allow(unused_variables)]
            fn from_params(raw: &[String]) -> Option<Self> {
                Some(($($A::from_param(raw.get($i)?)?,)*))
            }
        }

        impl<F, Fut, Out, Route, $($A),*> Handler<($($A,)*), Route> for F
        where
            F: Fn(HttpRequest $(, $A)*) -> Fut + Send + Sync + 'static,
            Fut: Future<Output = Out> + 'static,
            Out: IntoResponse,
            $($A: FromParam + 'static,)*
        {
            #[allow(non_snake_case)]
            fn call(&self, request: HttpRequest, args: ($($A,)*)) -> LocalBoxFuture<'static, ViewResult> {
                let ($($A,)*) = args;
                let fut = (self)(request $(, $A)*);
                Box::pin(async move { fut.await.into_response() })
            }
        }
    };
}

tuples!();
tuples!(A0 0);
tuples!(A0 0, A1 1);
tuples!(A0 0, A1 1, A2 2);
tuples!(A0 0, A1 1, A2 2, A3 3);
tuples!(A0 0, A1 1, A2 2, A3 3, A4 4);
tuples!(A0 0, A1 1, A2 2, A3 3, A4 4, A5 5);

/// A view with its argument types erased, as the resolver stores it.
pub(crate) type ErasedView =
    Arc<dyn Fn(HttpRequest, &[String]) -> LocalBoxFuture<'static, ViewResult> + Send + Sync>;

pub(crate) fn erase<Args: FromParams + 'static, R, H: Handler<Args, R>>(view: H) -> ErasedView {
    Arc::new(move |request, raw| match Args::from_params(raw) {
        Some(args) => view.call(request, args),
        // Converters validated every value during resolution; this is unreachable in practice.
        None => Box::pin(async { Err(Http404::new("a URL parameter did not convert").into()) }),
    })
}

/// An error view: `handler404 = views::not_found` where
/// `async fn not_found(request: HttpRequest, exception: Http404) -> impl IntoResponse`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an error handler taking {E}",
    note = "handler400/403/404 are `async fn(request: HttpRequest, exception: BadRequest | PermissionDenied | Http404) -> impl IntoResponse`; handler500 is `async fn(request: HttpRequest) -> impl IntoResponse`"
)]
pub trait ErrorHandler<E>: Send + Sync + 'static {
    fn call(&self, request: HttpRequest, exception: E) -> LocalBoxFuture<'static, ViewResult>;
}

macro_rules! error_handlers {
    ($($E:ty),*) => {$(
        impl<F, Fut, Out> ErrorHandler<$E> for F
        where
            F: Fn(HttpRequest, $E) -> Fut + Send + Sync + 'static,
            Fut: Future<Output = Out> + 'static,
            Out: IntoResponse,
        {
            fn call(&self, request: HttpRequest, exception: $E) -> LocalBoxFuture<'static, ViewResult> {
                let fut = (self)(request, exception);
                Box::pin(async move { fut.await.into_response() })
            }
        }
    )*};
}

error_handlers!(Http404, BadRequest, PermissionDenied);

impl<F, Fut, Out> ErrorHandler<()> for F
where
    F: Fn(HttpRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Out> + 'static,
    Out: IntoResponse,
{
    fn call(&self, request: HttpRequest, _: ()) -> LocalBoxFuture<'static, ViewResult> {
        let fut = (self)(request);
        Box::pin(async move { fut.await.into_response() })
    }
}

pub(crate) type ErasedErrorHandler<E> =
    Arc<dyn Fn(HttpRequest, E) -> LocalBoxFuture<'static, ViewResult> + Send + Sync>;

pub(crate) fn erase_error<E: 'static, H: ErrorHandler<E>>(h: H) -> ErasedErrorHandler<E> {
    Arc::new(move |request, e| h.call(request, e))
}
