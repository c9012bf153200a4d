//! Django's generic class-based views (`django.views.generic`): a view is a struct that
//! implements one of these traits, saying which model, template and queryset; `as_view()`
//! routes it.
//!
//! ```text
//! rjango::page!(pub struct IndexPage(ListContext<Question>)); // polls/question_list.html
//!
//! #[derive(Default)]
//! pub struct IndexView;
//!
//! impl ListView for IndexView {
//!     type Model = Question;
//!     type Template = IndexPage;
//!     fn get_queryset(&self, _request: &HttpRequest) -> QuerySet<Question> {
//!         Question::objects().order_by([question::pub_date.desc()]).slice(..5)
//!     }
//! }
//! // urls.rs: path("", views::IndexView::as_view(), name = "index"),
//! ```
//!
//! Each page's template is given its view's context struct (`ListContext`, `DetailContext`,
//! `FormContext`, ...), which `rjango::page!` wraps; the template reads its fields:
//! `object_list`, `object`, `form`, `page_obj` and `ctx` (a [`RequestContext`]), the object
//! under the model's name too (`question_list`, `question`), and the page's own fields, which
//! the view's `get_context_data` fills. Login and
//! permissions go around `as_view()` in urls.rs, as Django's decorators do:
//! `login_required(IndexView::as_view())`.
//!
//! [`RequestContext`]: crate::template::RequestContext

mod base;
mod detail;
mod edit;
mod list;

pub use base::{RedirectView, TemplateContext, TemplateView, TemplateViewHandler};
pub use detail::{DetailContext, DetailView, DetailViewHandler};
pub use edit::{
    CreateView, CreateViewHandler, DeleteContext, DeleteView, DeleteViewHandler, FormContext,
    FormView, FormViewHandler, ModelFormContext, UpdateView, UpdateViewHandler,
};
pub(crate) use list::page_of;
pub use list::{ListContext, ListView, ListViewHandler};

use std::sync::Arc;

use crate::http::{HttpRequest, ViewError, ViewResult};
use crate::views::{http_method_not_allowed, options_response};

/// What a generic view's context holds under Django's context object name (`question_list`,
/// `question`), which `rjango::page!` gives the page as a field of that name: the rows or the
/// row, shared with `object_list` / `object` rather than copied.
pub trait ContextObject {
    type Object;
    fn context_object(&self) -> Self::Object;
}

impl<M> ContextObject for ListContext<M> {
    type Object = Arc<[M]>;
    fn context_object(&self) -> Arc<[M]> {
        self.object_list.clone()
    }
}

impl<M> ContextObject for DetailContext<M> {
    type Object = Arc<M>;
    fn context_object(&self) -> Arc<M> {
        self.object.clone()
    }
}

impl<M> ContextObject for DeleteContext<M> {
    type Object = Arc<M>;
    fn context_object(&self) -> Arc<M> {
        self.object.clone()
    }
}

impl<F: crate::forms::ModelForm> ContextObject for ModelFormContext<F> {
    type Object = Option<Arc<F::Model>>;
    fn context_object(&self) -> Self::Object {
        self.object.clone()
    }
}

/// Answers OPTIONS and refuses (405) a method a view does not take, as Django's `View` does.
pub(crate) fn other_method(request: &HttpRequest, allowed: &[&str]) -> ViewResult {
    if request.method() == "OPTIONS" {
        Ok(options_response(allowed))
    } else {
        Ok(http_method_not_allowed(request, allowed))
    }
}

pub(crate) fn internal(e: impl std::error::Error + Send + Sync + 'static) -> ViewError {
    ViewError::Internal(Box::new(e))
}

/// Implements `View` for a generic view's handler: the listed methods, OPTIONS, 405.
macro_rules! handler {
    ($handler:ident<$v:ident: $tr:path>, $args:ty, [$($method:literal => $f:ident),*]) => {
        /// The route handler of a generic view (what `as_view()` gives).
        pub struct $handler<$v>(pub $v);

        impl<$v: $tr> crate::views::View for $handler<$v> {
            type Args = $args;
            const ALLOWED_METHODS: &'static [&'static str] = &[$($method,)* "OPTIONS"];

            fn dispatch(
                self: std::sync::Arc<Self>,
                request: crate::http::HttpRequest,
                args: $args,
            ) -> futures_util::future::LocalBoxFuture<'static, crate::http::ViewResult> {
                Box::pin(async move {
                    match request.method() {
                        $($method => $f(&self.0, &request, args).await,)*
                        _ => super::other_method(&request, Self::ALLOWED_METHODS),
                    }
                })
            }
        }
    };
}
pub(crate) use handler;
