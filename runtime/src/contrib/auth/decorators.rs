//! Django's `login_required` and `permission_required`, wrapping a view in `urlpatterns!`:
//!
//! ```text
//! path("drafts/", login_required(views::drafts), name = "drafts"),
//! path("posts/<int:id>/edit/", permission_required(&["blog.change_post"], views::edit), name = "edit"),
//! path("reports/", login_required(views::ReportView::as_view()), name = "reports"),
//! ```
//!
//! A visitor who may not see the view is sent to LOGIN_URL with the page in `next`
//! (`/accounts/login/?next=/drafts/`); `permission_required(...).raise_exception()` answers a
//! signed-in visitor without the permission with 403 instead.

use std::sync::Arc;

use futures_util::future::LocalBoxFuture;

use super::REDIRECT_FIELD_NAME;
use crate::http::{HttpRequest, HttpResponse, HttpResponseRedirect, PermissionDenied, ViewResult};
use crate::urls::Handler;

/// Django's `redirect_to_login(next, login_url, redirect_field_name)`: a redirect to the login
/// page (LOGIN_URL when None) with `next` in its query string.
pub fn redirect_to_login(
    next: &str,
    login_url: Option<&str>,
    redirect_field_name: &str,
) -> HttpResponse {
    let login_url =
        login_url.map_or_else(|| crate::conf::settings().LOGIN_URL.clone(), str::to_owned);
    HttpResponseRedirect(with_query_param(&login_url, redirect_field_name, next))
}

/// `url` with `key=value` in its query string (replacing one there), written as Django's
/// `QueryDict.urlencode(safe="/")` writes it.
fn with_query_param(url: &str, key: &str, value: &str) -> String {
    if key.is_empty() {
        return url.to_owned();
    }
    let (base, fragment) = url
        .split_once('#')
        .map_or((url, None), |(b, f)| (b, Some(f)));
    let (path, query) = base.split_once('?').unwrap_or((base, ""));
    let quote = |s: &str| crate::utils::http::quote_plus(s, "/");
    let mut pairs: Vec<String> = form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k != key)
        .map(|(k, v)| format!("{}={}", quote(&k), quote(&v)))
        .collect();
    pairs.push(format!("{}={}", quote(key), quote(value)));
    let mut out = format!("{path}?{}", pairs.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// Where the login page should send the visitor back: the path and query string, or the whole
/// URL when LOGIN_URL is on another scheme or host (Django's `user_passes_test`).
fn next_of(request: &HttpRequest, login_url: &str) -> String {
    let absolute = request.build_absolute_uri(None);
    let (login_scheme, login_host) = scheme_and_host(login_url);
    let (scheme, host) = scheme_and_host(&absolute);
    if (login_scheme.is_empty() || login_scheme == scheme)
        && (login_host.is_empty() || login_host == host)
    {
        request.get_full_path()
    } else {
        absolute
    }
}

fn scheme_and_host(url: &str) -> (&str, &str) {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) if !s.contains('/') => (s, r),
        _ => return ("", ""),
    };
    (scheme, rest.split(['/', '?', '#']).next().unwrap_or(""))
}

/// Django's `@login_required`: the view for signed-in visitors; the others are sent to the
/// login page.
pub fn login_required<H>(view: H) -> LoginRequired<H> {
    LoginRequired {
        view: Arc::new(view),
        login_url: None,
        redirect_field_name: REDIRECT_FIELD_NAME,
    }
}

/// A view wrapped by [`login_required`].
pub struct LoginRequired<H> {
    view: Arc<H>,
    login_url: Option<&'static str>,
    redirect_field_name: &'static str,
}

impl<H> LoginRequired<H> {
    /// `login_required(login_url="/signin/")`.
    pub fn login_url(mut self, url: &'static str) -> Self {
        self.login_url = Some(url);
        self
    }

    /// `login_required(redirect_field_name="from")`; `""` sends no `next`.
    pub fn redirect_field_name(mut self, name: &'static str) -> Self {
        self.redirect_field_name = name;
        self
    }
}

impl<Args: 'static, R, H: Handler<Args, R>> Handler<Args, R> for LoginRequired<H> {
    fn call(&self, request: HttpRequest, args: Args) -> LocalBoxFuture<'static, ViewResult> {
        let view = self.view.clone();
        let (login_url, field) = (self.login_url, self.redirect_field_name);
        Box::pin(async move {
            if request.user().await.is_authenticated() {
                return view.call(request, args).await;
            }
            let url =
                login_url.map_or_else(|| crate::conf::settings().LOGIN_URL.clone(), str::to_owned);
            Ok(redirect_to_login(
                &next_of(&request, &url),
                Some(&url),
                field,
            ))
        })
    }

    fn csrf_exempt(&self) -> bool {
        self.view.csrf_exempt()
    }
}

/// Django's `@permission_required(perms)`: the view for visitors with every one of `perms`
/// (`"app_label.codename"`); the others are sent to the login page, or answered with 403 after
/// [`PermissionRequired::raise_exception`].
pub fn permission_required<H>(perms: &[&'static str], view: H) -> PermissionRequired<H> {
    PermissionRequired {
        view: Arc::new(view),
        perms: perms.to_vec(),
        login_url: None,
        raise_exception: false,
    }
}

/// A view wrapped by [`permission_required`].
pub struct PermissionRequired<H> {
    view: Arc<H>,
    perms: Vec<&'static str>,
    login_url: Option<&'static str>,
    raise_exception: bool,
}

impl<H> PermissionRequired<H> {
    /// `permission_required(..., raise_exception=True)`: 403 instead of the login page.
    pub fn raise_exception(mut self) -> Self {
        self.raise_exception = true;
        self
    }

    /// `permission_required(..., login_url="/signin/")`.
    pub fn login_url(mut self, url: &'static str) -> Self {
        self.login_url = Some(url);
        self
    }
}

impl<Args: 'static, R, H: Handler<Args, R>> Handler<Args, R> for PermissionRequired<H> {
    fn call(&self, request: HttpRequest, args: Args) -> LocalBoxFuture<'static, ViewResult> {
        let view = self.view.clone();
        let perms = self.perms.clone();
        let (login_url, raise) = (self.login_url, self.raise_exception);
        Box::pin(async move {
            let user = request.user().await;
            let allowed = user
                .has_perms(&perms)
                .await
                .map_err(|e| crate::http::ViewError::Internal(Box::new(e)))?;
            if allowed {
                return view.call(request, args).await;
            }
            if raise {
                return Err(PermissionDenied(None).into());
            }
            let url =
                login_url.map_or_else(|| crate::conf::settings().LOGIN_URL.clone(), str::to_owned);
            Ok(redirect_to_login(
                &next_of(&request, &url),
                Some(&url),
                REDIRECT_FIELD_NAME,
            ))
        })
    }

    fn csrf_exempt(&self) -> bool {
        self.view.csrf_exempt()
    }
}

#[cfg(test)]
mod tests {
    use super::with_query_param;

    #[test]
    fn next_is_written_as_djangos_querydict_writes_it() {
        assert_eq!(
            with_query_param("/accounts/login/", "next", "/blog/?page=2"),
            "/accounts/login/?next=/blog/%3Fpage%3D2"
        );
        assert_eq!(
            with_query_param("/login/?a=1&next=x", "next", "/p/"),
            "/login/?a=1&next=/p/"
        );
    }
}
