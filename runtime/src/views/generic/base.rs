//! Django's `TemplateView` and `RedirectView`.

use crate::http::{HttpRequest, HttpResponse, ViewError, ViewResult};
use crate::template::{RequestContext, TemplateResponse};
use crate::views::AsView;

/// What a TemplateView's template is given: the request's context.
#[derive(Debug)]
pub struct TemplateContext {
    pub ctx: RequestContext,
}

/// Django's `TemplateView`: a page that needs nothing but the request's context, and what its
/// `get_context_data` adds.
#[allow(async_fn_in_trait)]
pub trait TemplateView: Sized + Send + Sync + 'static {
    type Template: askama::Template + From<TemplateContext> + Send + Sync + 'static;

    /// Django's `get_context_data`: fills the page's own fields (those in braces in its
    /// `rjango::page!`) once the view's context is made. Nothing by default.
    async fn get_context_data(
        &self,
        _request: &HttpRequest,
        _page: &mut Self::Template,
    ) -> Result<(), ViewError> {
        Ok(())
    }

    /// The view as a route handler.
    fn as_view() -> AsView<TemplateViewHandler<Self>>
    where
        Self: Default,
    {
        crate::views::View::as_view_with(TemplateViewHandler(Self::default()))
    }
}

async fn show<V: TemplateView>(view: &V, request: &HttpRequest, _args: ()) -> ViewResult {
    let mut page = V::Template::from(TemplateContext {
        ctx: RequestContext::new(request).await,
    });
    view.get_context_data(request, &mut page).await?;
    TemplateResponse(request, page)
}

super::handler!(TemplateViewHandler<V: TemplateView>, (), ["GET" => show, "HEAD" => show]);

/// Django's `RedirectView`: a route that sends the visitor to `url`, with the request's query
/// string when `query_string` is set; 302, or 301 when `permanent`. With no url, 410 Gone.
#[derive(Debug, Clone, Default)]
pub struct RedirectView {
    pub url: Option<String>,
    pub permanent: bool,
    pub query_string: bool,
}

impl RedirectView {
    /// A redirect to `url` (Django's `RedirectView.as_view(url=...)`).
    pub fn to(url: impl Into<String>) -> Self {
        RedirectView {
            url: Some(url.into()),
            ..Default::default()
        }
    }

    pub fn permanent(mut self) -> Self {
        self.permanent = true;
        self
    }

    pub fn query_string(mut self) -> Self {
        self.query_string = true;
        self
    }

    /// The view as a route handler.
    pub fn as_view(self) -> AsView<Self> {
        crate::views::View::as_view_with(self)
    }
}

impl crate::views::View for RedirectView {
    type Args = ();
    const ALLOWED_METHODS: &'static [&'static str] =
        &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    fn dispatch(
        self: std::sync::Arc<Self>,
        request: HttpRequest,
        _args: (),
    ) -> futures_util::future::LocalBoxFuture<'static, ViewResult> {
        Box::pin(async move {
            if request.method() == "OPTIONS" {
                return Ok(crate::views::options_response(Self::ALLOWED_METHODS));
            }
            let Some(mut url) = self.url.clone() else {
                crate::log::warning(&format!("Gone: {}", request.path()));
                return Ok(HttpResponse::new(bytes::Bytes::new()).status(410));
            };
            let query = request.query_string();
            if self.query_string && !query.is_empty() {
                url = format!("{url}?{query}");
            }
            Ok(if self.permanent {
                crate::http::HttpResponsePermanentRedirect(url)
            } else {
                crate::http::HttpResponseRedirect(url)
            })
        })
    }
}
