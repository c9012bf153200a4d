//! Django's `ListView`: a page of a queryset's rows, paginated when asked.

use std::sync::Arc;

use crate::http::{Http404, HttpRequest, ViewError, ViewResult};
use crate::models::{Model, Page, Paginator, QuerySet};
use crate::template::{RequestContext, TemplateResponse};
use crate::views::AsView;

/// What a ListView's template is given.
#[derive(Debug)]
pub struct ListContext<M> {
    pub ctx: RequestContext,
    /// The rows (of the page, when paginated); also under the model's name
    /// (`question_list`) in a page from `rjango::page!`.
    pub object_list: Arc<[M]>,
    /// The page, when `PAGINATE_BY` is set: Django's `page_obj`.
    pub page_obj: Option<Page<M>>,
    pub is_paginated: bool,
}

/// Django's `ListView`.
#[allow(async_fn_in_trait)]
pub trait ListView: Sized + Send + Sync + 'static {
    type Model: Model + Clone;
    type Template: askama::Template + From<ListContext<Self::Model>> + Send + Sync + 'static;
    /// Rows per page (Django's `paginate_by`); the page is `?page=N` (or `last`), an invalid
    /// one a 404.
    const PAGINATE_BY: Option<u64> = None;

    /// The rows to list (Django's `get_queryset`): every row by default.
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
    fn as_view() -> AsView<ListViewHandler<Self>>
    where
        Self: Default,
    {
        crate::views::View::as_view_with(ListViewHandler(Self::default()))
    }
}

async fn list<V: ListView>(view: &V, request: &HttpRequest, _args: ()) -> ViewResult {
    let queryset = view.get_queryset(request);
    let (object_list, page_obj) = match V::PAGINATE_BY {
        None => (queryset.all().await.map_err(super::internal)?, None),
        Some(per_page) => {
            let page = page_of(request, queryset, per_page).await?;
            (page.object_list.clone(), Some(page))
        }
    };
    let is_paginated = page_obj.as_ref().is_some_and(|p| p.num_pages > 1);
    let mut page = V::Template::from(ListContext {
        ctx: RequestContext::new(request).await,
        object_list: object_list.into(),
        page_obj,
        is_paginated,
    });
    view.get_context_data(request, &mut page).await?;
    TemplateResponse(request, page)
}

/// The page `?page=N` (or `last`) asks for, `per_page` rows to a page: Django's
/// `MultipleObjectMixin.paginate_queryset`, its 404s included (a page that is not a number,
/// or past the end).
pub(crate) async fn page_of<M: Model + Clone>(
    request: &HttpRequest,
    queryset: QuerySet<M>,
    per_page: u64,
) -> Result<Page<M>, ViewError> {
    let paginator = Paginator::new(queryset, per_page);
    let asked = request.GET().get("page").unwrap_or("1");
    let number = if asked == "last" {
        paginator
            .page(1)
            .await
            .map(|p| p.num_pages.max(1))
            .unwrap_or(1)
    } else {
        asked
            .parse::<u64>()
            .map_err(|_| Http404::new("Page is not “last”, nor can it be converted to an int."))?
    };
    match paginator.page(number).await {
        Ok(page) => Ok(page),
        Err(crate::models::paginator::PageError::Query(e)) => Err(super::internal(e)),
        Err(e) => Err(Http404::new(format!("Invalid page ({number}): {e}")).into()),
    }
}

super::handler!(ListViewHandler<V: ListView>, (), ["GET" => list, "HEAD" => list]);
