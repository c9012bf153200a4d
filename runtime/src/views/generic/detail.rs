//! Django's `DetailView`: one row, by the primary key in the URL (`<int:pk>/`).

use std::sync::Arc;

use crate::http::{Http404, HttpRequest, ViewError, ViewResult};
use crate::models::{Model, QuerySet};
use crate::template::{RequestContext, TemplateResponse};
use crate::views::AsView;

/// What a DetailView's template is given.
#[derive(Debug)]
pub struct DetailContext<M> {
    pub ctx: RequestContext,
    /// The row; also under the model's name (`question`) in a page from `rjango::page!`.
    pub object: Arc<M>,
}

/// The row of `queryset` whose key is `pk`, or Django's 404 ("No question found matching the
/// query").
pub(crate) async fn get_object<M: Model>(
    queryset: QuerySet<M>,
    pk: i64,
) -> Result<M, crate::http::ViewError> {
    let mut found = queryset.in_bulk([pk]).await.map_err(super::internal)?;
    found.remove(&pk).ok_or_else(|| {
        Http404::new(format!(
            "No {} found matching the query",
            crate::models::meta::verbose_name(M::NAME)
        ))
        .into()
    })
}

/// Django's `DetailView`, its route taking the primary key: `path("<int:pk>/", ...)`.
#[allow(async_fn_in_trait)]
pub trait DetailView: Sized + Send + Sync + 'static {
    type Model: Model;
    type Template: askama::Template + From<DetailContext<Self::Model>> + Send + Sync + 'static;

    /// Where the row is looked for (Django's `get_queryset`): every row by default, so a
    /// narrower one makes the others 404.
    fn get_queryset(&self, _request: &HttpRequest) -> QuerySet<Self::Model> {
        QuerySet::new()
    }

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
    fn as_view() -> AsView<DetailViewHandler<Self>>
    where
        Self: Default,
    {
        crate::views::View::as_view_with(DetailViewHandler(Self::default()))
    }
}

async fn detail<V: DetailView>(view: &V, request: &HttpRequest, (pk,): (i64,)) -> ViewResult {
    let object = get_object(view.get_queryset(request), pk).await?;
    let mut page = V::Template::from(DetailContext {
        ctx: RequestContext::new(request).await,
        object: Arc::new(object),
    });
    view.get_context_data(request, &mut page).await?;
    TemplateResponse(request, page)
}

super::handler!(DetailViewHandler<V: DetailView>, (i64,), ["GET" => detail, "HEAD" => detail]);
