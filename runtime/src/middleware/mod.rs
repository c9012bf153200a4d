//! Django's middleware, in its two forms, listed in MIDDLEWARE in order (first listed =
//! outermost).
//!
//! A [`Middleware`] wraps `get_response`, the rest of the chain, as Django's middleware
//! factories and `__call__` do:
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
//!
//! A [`MiddlewareMixin`] is Django's `MiddlewareMixin`: `process_request` before the view and
//! `process_response` after it. The built-in middleware are written so. Neighbouring mixins
//! in MIDDLEWARE run in one layer, one future for all of them: a wrapping middleware costs a
//! future, an allocation and a panic guard of its own on every request.

pub mod clickjacking;
pub mod common;
pub mod csrf;
pub mod security;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::rc::Rc;

use futures_util::FutureExt;
use futures_util::future::{Either, LocalBoxFuture};

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

/// Django's `MiddlewareMixin`: hooks around the rest of the chain, rather than a call that
/// wraps it. rjango runs neighbouring mixins in one layer.
///
/// As in Django, a response from `process_request` answers the request: the middleware listed
/// after this one and the view are skipped, and `process_response` runs for this one and those
/// before it. A panic in a hook becomes the 500 page (the DEBUG page or handler500) in place
/// of this middleware's answer, and the middleware listed before it still see that response.
pub trait MiddlewareMixin: 'static {
    /// Django's `__init__`: built once per server worker.
    fn new() -> Self
    where
        Self: Sized;

    /// Before the view: `Hook::Ready(None)` to go on, `Hook::Ready(Some(response))` to answer.
    fn process_request(&self, request: &HttpRequest) -> Hook<Option<HttpResponse>> {
        let _ = request;
        Hook::Ready(None)
    }

    /// After the view (or after the `process_request` that answered): the response to send.
    fn process_response(
        &self,
        request: &HttpRequest,
        response: HttpResponse,
    ) -> Hook<HttpResponse> {
        let _ = request;
        Hook::Ready(response)
    }
}

/// What a hook of a [`MiddlewareMixin`] gives: its answer now, or work that waits (a session
/// saved to the database). Most requests need nothing that waits, so no future is made for
/// them; `Later` is for the rest.
pub enum Hook<T> {
    Ready(T),
    Later(LocalBoxFuture<'static, T>),
}

impl<T> Hook<T> {
    /// Work that waits: `Hook::later(async move { ... })`.
    pub fn later(future: impl Future<Output = T> + 'static) -> Self {
        Hook::Later(Box::pin(future))
    }
}

impl<T> From<T> for Hook<T> {
    fn from(value: T) -> Self {
        Hook::Ready(value)
    }
}

/// The rest of the chain: the next middleware, or the view with its error handling.
#[derive(Clone)]
pub struct GetResponse(Next);

#[derive(Clone)]
enum Next {
    Fn(Rc<dyn Fn(HttpRequest) -> LocalBoxFuture<'static, HttpResponse>>),
    /// A layer of mixins: the server awaits the outermost one in its own future, unboxed.
    Mixins(Rc<Mixins>),
    /// The handler's own dispatch to the view (URL resolution, the view, its errors).
    View,
}

impl std::fmt::Debug for GetResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GetResponse")
    }
}

impl GetResponse {
    pub fn from_fn(
        f: impl Fn(HttpRequest) -> LocalBoxFuture<'static, HttpResponse> + 'static,
    ) -> Self {
        GetResponse(Next::Fn(Rc::new(f)))
    }

    /// The innermost `get_response`: URL resolution and the view.
    pub(crate) fn view() -> Self {
        GetResponse(Next::View)
    }

    /// Runs the rest of the chain for `request`.
    pub fn call(&self, request: HttpRequest) -> LocalBoxFuture<'static, HttpResponse> {
        match &self.0 {
            Next::Fn(f) => f(request),
            Next::Mixins(_) => Box::pin(self.serve(request)),
            Next::View => Box::pin(crate::handlers::get_response(request)),
        }
    }

    /// As `call`, but the view's dispatch is not boxed: the layer of mixins that awaits it
    /// holds it in its own future, one allocation fewer per request.
    fn run(&self, request: HttpRequest) -> impl Future<Output = HttpResponse> + 'static {
        match &self.0 {
            Next::View => Either::Right(crate::handlers::get_response(request)),
            _ => Either::Left(self.call(request)),
        }
    }

    /// As `call`, for the server: neither the outermost layer of mixins (all of Django's
    /// default MIDDLEWARE) nor the view's dispatch is boxed, they are held in the server's
    /// future for the request.
    pub(crate) fn serve(
        &self,
        request: HttpRequest,
    ) -> impl Future<Output = HttpResponse> + 'static {
        match &self.0 {
            Next::Mixins(layer) => {
                let layer = layer.clone();
                Either::Left(async move { layer.call(request).await })
            }
            _ => Either::Right(self.run(request)),
        }
    }
}

/// One entry of MIDDLEWARE: how to build the middleware around a `GetResponse`.
#[derive(Clone, Copy)]
pub struct MiddlewareFactory {
    pub name: &'static str,
    kind: Kind,
}

#[derive(Clone, Copy)]
enum Kind {
    /// A [`Middleware`]: a layer of its own.
    Wraps(fn(GetResponse) -> GetResponse),
    /// A [`MiddlewareMixin`]: hooks, run with its neighbours.
    Hooks(fn() -> Box<dyn MiddlewareMixin>),
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
                Err(panic) => panicked(request, &panic).await,
            }
        })
    })
}

/// The 500 answer for a panic, boxed: it is rare, and a future awaited inline would make
/// every layer's larger. A plain function, so the caller holds only the box across its await.
fn panicked(
    request: HttpRequest,
    panic: &Box<dyn std::any::Any + Send>,
) -> LocalBoxFuture<'static, HttpResponse> {
    let message = crate::debug::panic_message(panic);
    Box::pin(crate::handlers::panicked(request, message))
}

/// A middleware that cannot work as configured (Django's ImproperlyConfigured): `why` is
/// logged and the request answered with the 500 page that says it.
pub(crate) fn improperly_configured(
    request: &HttpRequest,
    why: impl Into<String>,
) -> Hook<Option<HttpResponse>> {
    let why = why.into();
    crate::log::error(&why);
    let request = request.clone();
    Hook::later(async move { Some(crate::handlers::panicked(request, why).await) })
}

fn build_hooks<M: MiddlewareMixin>() -> Box<dyn MiddlewareMixin> {
    Box::new(M::new())
}

/// The MIDDLEWARE entry of a middleware type; `middleware![A, B]` is the usual spelling.
pub fn factory<M: Middleware>() -> MiddlewareFactory {
    MiddlewareFactory {
        name: std::any::type_name::<M>(),
        kind: Kind::Wraps(build::<M>),
    }
}

/// The MIDDLEWARE entry of a [`MiddlewareMixin`]; `middleware![A, B]` picks it for a mixin.
pub fn mixin_factory<M: MiddlewareMixin>() -> MiddlewareFactory {
    MiddlewareFactory {
        name: std::any::type_name::<M>(),
        kind: Kind::Hooks(build_hooks::<M>),
    }
}

/// Wraps `inner` in the middleware, the first entry outermost; neighbouring mixins share a
/// layer.
pub fn chain(middleware: &[MiddlewareFactory], inner: GetResponse) -> GetResponse {
    let mut next = inner;
    // The mixins met since the last wrapping middleware, innermost first.
    let mut hooks: Vec<Box<dyn MiddlewareMixin>> = Vec::new();
    for factory in middleware.iter().rev() {
        match factory.kind {
            Kind::Hooks(build) => hooks.push(build()),
            Kind::Wraps(build) => {
                next = build(mixins(std::mem::take(&mut hooks), next));
            }
        }
    }
    mixins(hooks, next)
}

/// One layer for `hooks` (innermost first) around `next`.
fn mixins(mut hooks: Vec<Box<dyn MiddlewareMixin>>, next: GetResponse) -> GetResponse {
    if hooks.is_empty() {
        return next;
    }
    hooks.reverse();
    GetResponse(Next::Mixins(Rc::new(Mixins { hooks, next })))
}

/// Neighbouring mixins, outermost first, around the rest of the chain.
struct Mixins {
    hooks: Vec<Box<dyn MiddlewareMixin>>,
    next: GetResponse,
}

/// Where the hooks on the way in stopped.
enum Entered {
    /// Every `process_request` went on: the rest of the chain answers.
    Through,
    /// Hook `i` answered; its own `process_response` runs.
    Answered(usize, HttpResponse),
    /// Hook `i` waits.
    Waits(usize, LocalBoxFuture<'static, Option<HttpResponse>>),
    /// Hook `i` panicked; its own `process_response` does not run.
    Panicked(usize, Box<dyn std::any::Any + Send>),
}

/// What the way in awaits next.
enum Inward {
    /// The rest of the chain.
    Rest,
    /// Hook `i`'s `process_request`, which waits.
    Hook(usize, LocalBoxFuture<'static, Option<HttpResponse>>),
    /// The 500 answer for hook `i`'s panic.
    Failed(usize, LocalBoxFuture<'static, HttpResponse>),
}

/// Where the hooks on the way out stopped.
enum Left {
    Done(HttpResponse),
    Waits(LocalBoxFuture<'static, HttpResponse>),
    Panicked(Box<dyn std::any::Any + Send>),
}

impl Mixins {
    /// Django's `MiddlewareMixin.__call__` of each, nested, with `convert_exception_to_response`
    /// around each. The hooks run in plain loops (`enter`, `leave`); this future only awaits
    /// what they hand it: the rest of the chain, and the hooks that wait.
    ///
    /// What each `match` decides is bound before anything is awaited: an async fn's future
    /// keeps room for every value whose scope spans an await (a match's scrutinee, a moved-out
    /// local), and this future is allocated on every request.
    async fn call(&self, request: HttpRequest) -> HttpResponse {
        let mut from = 0;
        // How many hooks see the response on the way out, and the response.
        let (mut upto, mut response) = loop {
            let waits = match self.enter(&request, from) {
                Entered::Through => Inward::Rest,
                Entered::Answered(i, response) => break (i + 1, response),
                Entered::Waits(i, future) => Inward::Hook(i, future),
                Entered::Panicked(i, panic) => Inward::Failed(i, panicked(request.clone(), &panic)),
            };
            let failed = match waits {
                Inward::Rest => {
                    let outcome = AssertUnwindSafe(self.next.run(request.clone()))
                        .catch_unwind()
                        .await;
                    match outcome {
                        Ok(response) => break (self.hooks.len(), response),
                        Err(panic) => (self.hooks.len(), panicked(request.clone(), &panic)),
                    }
                }
                Inward::Hook(i, future) => {
                    let outcome = AssertUnwindSafe(future).catch_unwind().await;
                    match outcome {
                        Ok(None) => {
                            from = i + 1;
                            continue;
                        }
                        Ok(Some(response)) => break (i + 1, response),
                        Err(panic) => (i, panicked(request.clone(), &panic)),
                    }
                }
                Inward::Failed(i, failed) => (i, failed),
            };
            break (failed.0, failed.1.await);
        };
        loop {
            let waits = match self.leave(&request, &mut upto, response) {
                Left::Done(response) => return response,
                Left::Waits(future) => Ok(future),
                Left::Panicked(panic) => Err(panicked(request.clone(), &panic)),
            };
            let failed = match waits {
                Ok(future) => {
                    let outcome = AssertUnwindSafe(future).catch_unwind().await;
                    match outcome {
                        Ok(next) => {
                            response = next;
                            continue;
                        }
                        Err(panic) => panicked(request.clone(), &panic),
                    }
                }
                Err(failed) => failed,
            };
            response = failed.await;
        }
    }

    /// `process_request` of the hooks from `from` on, until one answers, waits or panics.
    /// One panic guard for the loop: the hook it stopped in is the one that panicked.
    fn enter(&self, request: &HttpRequest, from: usize) -> Entered {
        let mut at = from;
        let run = std::panic::catch_unwind(AssertUnwindSafe(|| {
            for (i, hooks) in self.hooks.iter().enumerate().skip(from) {
                at = i;
                match hooks.process_request(request) {
                    Hook::Ready(None) => {}
                    Hook::Ready(Some(response)) => return Entered::Answered(i, response),
                    Hook::Later(future) => return Entered::Waits(i, future),
                }
            }
            Entered::Through
        }));
        run.unwrap_or_else(|panic| Entered::Panicked(at, panic))
    }

    /// `process_response` of the hooks under `upto`, innermost first, until one waits or
    /// panics (`upto` then counts the hooks still to run). One panic guard for the loop.
    fn leave(&self, request: &HttpRequest, upto: &mut usize, response: HttpResponse) -> Left {
        let run = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let mut response = response;
            while *upto > 0 {
                *upto -= 1;
                match self.hooks[*upto].process_response(request, response) {
                    Hook::Ready(next) => response = next,
                    Hook::Later(future) => return Left::Waits(future),
                }
            }
            Left::Done(response)
        }));
        run.unwrap_or_else(Left::Panicked)
    }
}

/// `MIDDLEWARE: middleware![SecurityMiddleware, crate::middleware::RequestIDMiddleware]`.
#[macro_export]
#[doc(hidden)]
macro_rules! __middleware {
    ($($m:path),* $(,)?) => {{
        // A mixin's entry where the type is one, else a wrapping middleware's (the type's
        // impls pick the method: the mixin's needs no auto-reference, so it is found first).
        #[allow(unused_imports)]
        use $crate::middleware::{PickMixin as _, PickWraps as _};
        vec![$((&$crate::middleware::Pick::<$m>::new()).factory()),*]
    }};
}

/// `middleware![M]`'s choice between [`factory`] and [`mixin_factory`].
#[doc(hidden)]
pub struct Pick<M>(std::marker::PhantomData<fn() -> M>);

impl<M> Pick<M> {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Pick(std::marker::PhantomData)
    }
}

#[doc(hidden)]
pub trait PickMixin {
    fn factory(&self) -> MiddlewareFactory;
}

impl<M: MiddlewareMixin> PickMixin for Pick<M> {
    fn factory(&self) -> MiddlewareFactory {
        mixin_factory::<M>()
    }
}

#[doc(hidden)]
pub trait PickWraps {
    fn factory(&self) -> MiddlewareFactory;
}

impl<M: Middleware> PickWraps for &Pick<M> {
    fn factory(&self) -> MiddlewareFactory {
        factory::<M>()
    }
}

pub use crate::__middleware as middleware;

#[cfg(test)]
mod future_sizes {
    //! The futures made on every request stay small. A layer of mixins is allocated per
    //! request, and past 1032 bytes glibc's per-thread cache does not take it: every request
    //! then pays malloc's slow path (about 150 instructions, bench/http). What grows them is a
    //! value whose scope spans an await, which an async fn keeps room for even once it is
    //! moved out.

    #[test]
    fn the_layer_the_dispatch_and_the_servers_handling_stay_small() {
        let layer = super::Mixins {
            hooks: Vec::new(),
            next: super::GetResponse::view(),
        };
        let request = crate::http::HttpRequest::builder("GET", "/").build();
        let dispatch = crate::handlers::get_response(request.clone());
        let call = layer.call(request.clone());
        let chain = super::GetResponse(super::Next::Mixins(std::rc::Rc::new(super::Mixins {
            hooks: Vec::new(),
            next: super::GetResponse::view(),
        })));
        let served = crate::server::handle(&chain, request, None);
        // 168, 280 and 488 bytes on rustc 1.95; the bounds leave room for the compiler's
        // layout, not for a response held across an await (112 bytes each). The server's
        // future for a request holds `handle`'s (the outermost layer and the dispatch
        // unboxed), and actix allocates it per request.
        assert!(
            std::mem::size_of_val(&dispatch) <= 256,
            "get_response's future: {} bytes",
            std::mem::size_of_val(&dispatch)
        );
        assert!(
            std::mem::size_of_val(&call) <= 512,
            "the layer's future: {} bytes",
            std::mem::size_of_val(&call)
        );
        assert!(
            std::mem::size_of_val(&served) <= 640,
            "the server's handling of a request: {} bytes",
            std::mem::size_of_val(&served)
        );
    }
}
