//! Django's `django.shortcuts`.

use crate::http::{
    HttpRequest, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect, ViewError,
};

/// Renders a template into a 200 HTML response: Django's `render(request, "home.html", context)`.
/// In rjango the template and its context are one struct, checked at compile time:
///
/// ```text
/// #[derive(Template)]
/// #[template(path = "home.html")]        // templates/home.html
/// struct HomePage<'a> { title: &'a str }
///
/// async fn home(request: HttpRequest) -> impl IntoResponse {
///     render(&request, HomePage { title: "Home" })
/// }
/// ```
pub fn render(
    _request: &HttpRequest,
    template: impl askama::Template,
) -> Result<HttpResponse, ViewError> {
    let html = template
        .render()
        .map_err(|e| ViewError::Internal(Box::new(e)))?;
    Ok(HttpResponse::new(html))
}

/// A 302 to `to`: `redirect(reverse::item_detail(42))`, or a URL. Django's `redirect`
/// also takes a view name; here the typed reverse function (or `reverse(name, args)?`) gives
/// the URL, so a wrong name or argument is caught before the redirect is built.
pub fn redirect(to: impl AsRef<str>) -> HttpResponse {
    HttpResponseRedirect(to)
}

/// A 301 to `to`: Django's `redirect(to, permanent=True)`.
pub fn redirect_permanent(to: impl AsRef<str>) -> HttpResponse {
    HttpResponsePermanentRedirect(to)
}

/// The one row of `queryset` matching `q`, or Http404: Django's
/// `get_object_or_404(Widget, pk=widget_id)` is
/// `get_object_or_404(Widget::objects(), widget::id.eq(widget_id)).await?`.
/// A query matching several rows, or a database error, is a 500 as in Django.
pub async fn get_object_or_404<M: crate::models::Model>(
    queryset: crate::models::QuerySet<M>,
    q: crate::models::Q<M>,
) -> Result<M, ViewError> {
    match queryset.get(q).await {
        Ok(found) => Ok(found),
        Err(crate::models::QueryError::DoesNotExist { model }) => {
            Err(crate::http::Http404::new(format!("No {model} matches the given query.")).into())
        }
        Err(e) => Err(ViewError::Internal(Box::new(e))),
    }
}

/// Every row of `queryset`, or Http404 when there is none: Django's
/// `get_list_or_404(Post, published=True)` is
/// `get_list_or_404(Post::objects().filter(post::published.isnull(false))).await?`.
pub async fn get_list_or_404<M: crate::models::Model>(
    queryset: crate::models::QuerySet<M>,
) -> Result<Vec<M>, ViewError> {
    let rows = queryset
        .all()
        .await
        .map_err(|e| ViewError::Internal(Box::new(e)))?;
    if rows.is_empty() {
        return Err(
            crate::http::Http404::new(format!("No {} matches the given query.", M::NAME)).into(),
        );
    }
    Ok(rows)
}
