//! Django's auth views: LoginView, LogoutView (POST only, as Django 5), PasswordChangeView and
//! PasswordChangeDoneView.
//!
//! Their pages are the templates `registration/login.html`, `registration/logged_out.html`,
//! `registration/password_change_form.html` and `registration/password_change_done.html`.
//! rjango ships plain ones; a project overrides any of them by writing its own file of that
//! name under `templates/`. The template structs are written into the project
//! (`src/generated/auth.rs`, whose aliases the project's urls.rs routes to), so askama looks in
//! the project's templates first:
//!
//! ```text
//! use crate::generated::auth::{LoginView, LogoutView, PasswordChangeView, PasswordChangeDoneView};
//! urlpatterns![
//!     path("accounts/login/", LoginView::as_view(), name = "login"),
//!     path("accounts/logout/", LogoutView::as_view(), name = "logout"),
//!     path("accounts/password_change/", PasswordChangeView::as_view(), name = "password_change"),
//!     path("accounts/password_change/done/", PasswordChangeDoneView::as_view(), name = "password_change_done"),
//! ];
//! ```

use std::marker::PhantomData;
use std::sync::Arc;

use futures_util::future::LocalBoxFuture;

use super::forms::{AuthenticationForm, PasswordChangeForm};
use super::{REDIRECT_FIELD_NAME, redirect_to_login};
use crate::forms::{BoundForm, Form};
use crate::http::{HttpRequest, HttpResponse, HttpResponseRedirect, ViewError, ViewResult};
use crate::models::Instance;
use crate::template::{RequestContext, TemplateResponse};
use crate::utils::http::url_has_allowed_host_and_scheme;
use crate::views::{View, http_method_not_allowed, options_response};

/// The four pages' template types, implemented by the project's generated code.
pub trait Templates: 'static {
    type Login: askama::Template + From<LoginContext> + Send + Sync + 'static;
    type LoggedOut: askama::Template + From<LoggedOutContext> + Send + Sync + 'static;
    type PasswordChange: askama::Template + From<PasswordChangeContext> + Send + Sync + 'static;
    type PasswordChangeDone: askama::Template
        + From<PasswordChangeDoneContext>
        + Send
        + Sync
        + 'static;
}

/// What `registration/login.html` is given: Django's LoginView context.
#[derive(Debug)]
pub struct LoginContext {
    pub ctx: RequestContext,
    pub form: BoundForm<AuthenticationForm>,
    /// Where to go after signing in, if it is safe ("" otherwise), posted back in a hidden
    /// `next` input.
    pub next: String,
    pub redirect_field_name: &'static str,
    pub title: &'static str,
}

/// What `registration/logged_out.html` is given.
#[derive(Debug)]
pub struct LoggedOutContext {
    pub ctx: RequestContext,
    pub title: &'static str,
}

/// What `registration/password_change_form.html` is given.
#[derive(Debug)]
pub struct PasswordChangeContext {
    pub ctx: RequestContext,
    pub form: BoundForm<PasswordChangeForm>,
    pub title: &'static str,
}

/// What `registration/password_change_done.html` is given.
#[derive(Debug)]
pub struct PasswordChangeDoneContext {
    pub ctx: RequestContext,
    pub title: &'static str,
}

/// The redirect target a visitor asked for in `next` (POST first, then GET), if it is safe
/// (this host, and https when the request is): Django's RedirectURLMixin.get_redirect_url.
fn redirect_url(request: &HttpRequest) -> Option<String> {
    let next = request
        .POST()
        .get(REDIRECT_FIELD_NAME)
        .or_else(|| request.GET().get(REDIRECT_FIELD_NAME))?;
    url_has_allowed_host_and_scheme(next, &[request.get_host()], request.is_secure())
        .then(|| next.to_owned())
}

/// Django's `never_cache`: a login page or its answer is never kept by a cache.
fn never_cache(mut response: HttpResponse) -> HttpResponse {
    response.set_header(
        "Cache-Control",
        "max-age=0, no-cache, no-store, must-revalidate, private",
    );
    response.set_header(
        "Expires",
        chrono::Utc::now()
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string(),
    );
    response
}

fn internal(e: impl std::error::Error + Send + Sync + 'static) -> ViewError {
    ViewError::Internal(Box::new(e))
}

/// Implements `View` for a generic auth view: `get`/`post` as given, HEAD by `get`, OPTIONS,
/// 405 for the rest.
macro_rules! auth_view {
    ($view:ident, [$($method:literal => $handler:ident),*]) => {
        impl<T: Templates> View for $view<T> {
            type Args = ();
            const ALLOWED_METHODS: &'static [&'static str] = &[$($method,)* "OPTIONS"];

            fn dispatch(
                self: Arc<Self>,
                request: HttpRequest,
                _args: (),
            ) -> LocalBoxFuture<'static, ViewResult> {
                Box::pin(async move {
                    match request.method() {
                        $($method => self.$handler(request).await,)*
                        "OPTIONS" => Ok(options_response(Self::ALLOWED_METHODS)),
                        _ => Ok(http_method_not_allowed(&request, Self::ALLOWED_METHODS)),
                    }
                })
            }
        }

        impl<T: Templates> $view<T> {
            /// The view as a route handler (Django's `as_view()`).
            pub fn as_view() -> crate::views::AsView<Self> {
                View::as_view_with(Self::default())
            }
        }
    };
}

/// Django's `LoginView`: shows the login form; a valid POST signs the user in (a new session
/// key, a new CSRF token) and redirects to `next` when it is safe, else to `next_page` or
/// LOGIN_REDIRECT_URL. A wrong password shows the form again with Django's message.
pub struct LoginView<T> {
    /// Send a visitor already signed in on as after a login (Django's
    /// `redirect_authenticated_user`, default false).
    pub redirect_authenticated_user: bool,
    /// Where to go when `next` is absent (default LOGIN_REDIRECT_URL).
    pub next_page: Option<String>,
    templates: PhantomData<fn() -> T>,
}

impl<T> Default for LoginView<T> {
    fn default() -> Self {
        LoginView {
            redirect_authenticated_user: false,
            next_page: None,
            templates: PhantomData,
        }
    }
}

impl<T: Templates> LoginView<T> {
    fn success_url(&self, request: &HttpRequest) -> String {
        redirect_url(request).unwrap_or_else(|| {
            self.next_page
                .clone()
                .unwrap_or_else(|| crate::conf::settings().LOGIN_REDIRECT_URL.clone())
        })
    }

    async fn page(&self, request: &HttpRequest, form: BoundForm<AuthenticationForm>) -> ViewResult {
        // Only a safe `next` reaches the template (Django's get_redirect_url), so a page that
        // shows it as a link is no open redirect.
        let next = redirect_url(request).unwrap_or_default();
        let page = T::Login::from(LoginContext {
            ctx: RequestContext::new(request).await,
            form,
            next,
            redirect_field_name: REDIRECT_FIELD_NAME,
            title: "Log in",
        });
        TemplateResponse(request, page).map(never_cache)
    }

    async fn get(&self, request: HttpRequest) -> ViewResult {
        if self.redirect_authenticated_user && request.user().await.is_authenticated() {
            let to = self.success_url(&request);
            if to == request.path() {
                return Err(ViewError::Internal(
                    "Redirection loop for authenticated user detected. Check that your LOGIN_REDIRECT_URL doesn't point to a login page.".into(),
                ));
            }
            return Ok(HttpResponseRedirect(to));
        }
        self.page(&request, AuthenticationForm::unbound()).await
    }

    async fn post(&self, request: HttpRequest) -> ViewResult {
        let (form, user) = AuthenticationForm::authenticate(&request)
            .await
            .map_err(internal)?;
        match user {
            Some(user) => {
                super::login(&request, &user).await.map_err(internal)?;
                Ok(never_cache(HttpResponseRedirect(
                    self.success_url(&request),
                )))
            }
            None => self.page(&request, form).await,
        }
    }
}

auth_view!(LoginView, ["GET" => get, "HEAD" => get, "POST" => post]);

/// Django 5's `LogoutView`: POST only (a GET is 405, so a link or an image can't sign anyone
/// out); signs out, then redirects to a safe `next`, `next_page` or LOGOUT_REDIRECT_URL, or
/// shows `registration/logged_out.html`.
pub struct LogoutView<T> {
    pub next_page: Option<String>,
    templates: PhantomData<fn() -> T>,
}

impl<T> Default for LogoutView<T> {
    fn default() -> Self {
        LogoutView {
            next_page: None,
            templates: PhantomData,
        }
    }
}

impl<T: Templates> LogoutView<T> {
    async fn post(&self, request: HttpRequest) -> ViewResult {
        super::logout(&request).await;
        let to = redirect_url(&request).or_else(|| {
            self.next_page
                .clone()
                .or_else(|| crate::conf::settings().LOGOUT_REDIRECT_URL.clone())
        });
        match to {
            Some(to) if to != request.get_full_path() => Ok(never_cache(HttpResponseRedirect(to))),
            _ => {
                let page = T::LoggedOut::from(LoggedOutContext {
                    ctx: RequestContext::new(&request).await,
                    title: "Logged out",
                });
                TemplateResponse(&request, page).map(never_cache)
            }
        }
    }
}

auth_view!(LogoutView, ["POST" => post]);

/// Django's `PasswordChangeView` (login required): the old password and the new one twice;
/// on success the password is saved, this session stays signed in (the others are signed
/// out), and the visitor goes to the `password_change_done` route.
pub struct PasswordChangeView<T> {
    /// Where to go after the change (default: the route named `password_change_done`).
    pub success_url: Option<String>,
    templates: PhantomData<fn() -> T>,
}

impl<T> Default for PasswordChangeView<T> {
    fn default() -> Self {
        PasswordChangeView {
            success_url: None,
            templates: PhantomData,
        }
    }
}

/// The signed-in user, or the redirect to the login page (Django's `login_required`).
async fn signed_in(request: &HttpRequest) -> Result<super::models::User, HttpResponse> {
    match request.user().await.user() {
        Some(user) => Ok(user.clone()),
        None => Err(redirect_to_login(
            &request.get_full_path(),
            None,
            REDIRECT_FIELD_NAME,
        )),
    }
}

impl<T: Templates> PasswordChangeView<T> {
    async fn page(&self, request: &HttpRequest, form: BoundForm<PasswordChangeForm>) -> ViewResult {
        let page = T::PasswordChange::from(PasswordChangeContext {
            ctx: RequestContext::new(request).await,
            form,
            title: "Password change",
        });
        TemplateResponse(request, page).map(never_cache)
    }

    async fn get(&self, request: HttpRequest) -> ViewResult {
        if let Err(to_login) = signed_in(&request).await {
            return Ok(to_login);
        }
        self.page(&request, PasswordChangeForm::for_user()).await
    }

    async fn post(&self, request: HttpRequest) -> ViewResult {
        let mut user = match signed_in(&request).await {
            Ok(user) => user,
            Err(to_login) => return Ok(to_login),
        };
        let form = PasswordChangeForm::check(&request, &mut user)
            .await
            .map_err(internal)?;
        if !form.is_valid() {
            return self.page(&request, form).await;
        }
        user.save().await.map_err(internal)?;
        super::update_session_auth_hash(&request, &user).await;
        let to = match &self.success_url {
            Some(url) => url.clone(),
            None => crate::urls::reverse("password_change_done", &[]).map_err(internal)?,
        };
        Ok(never_cache(HttpResponseRedirect(to)))
    }
}

auth_view!(PasswordChangeView, ["GET" => get, "HEAD" => get, "POST" => post]);

/// Django's `PasswordChangeDoneView` (login required).
pub struct PasswordChangeDoneView<T> {
    templates: PhantomData<fn() -> T>,
}

impl<T> Default for PasswordChangeDoneView<T> {
    fn default() -> Self {
        PasswordChangeDoneView {
            templates: PhantomData,
        }
    }
}

impl<T: Templates> PasswordChangeDoneView<T> {
    async fn get(&self, request: HttpRequest) -> ViewResult {
        if let Err(to_login) = signed_in(&request).await {
            return Ok(to_login);
        }
        let page = T::PasswordChangeDone::from(PasswordChangeDoneContext {
            ctx: RequestContext::new(&request).await,
            title: "Password change successful",
        });
        TemplateResponse(&request, page)
    }
}

auth_view!(PasswordChangeDoneView, ["GET" => get, "HEAD" => get]);

/// The template structs of the auth views' pages, and the views on them, declared in the
/// caller's crate so askama finds the project's own `registration/*.html` before rjango's.
/// The generated code of a project with `rjango.contrib.auth` installed calls it
/// (`crate::generated::auth`); askama.toml lists `src/generated/templates`, where rjango's
/// defaults are written, after `templates`.
#[macro_export]
macro_rules! auth_templates {
    () => {
        $crate::auth_templates!(@page LoginPage, LoginContext, "registration/login.html");
        $crate::auth_templates!(@page LoggedOutPage, LoggedOutContext, "registration/logged_out.html");
        $crate::auth_templates!(@page PasswordChangePage, PasswordChangeContext, "registration/password_change_form.html");
        $crate::auth_templates!(@page PasswordChangeDonePage, PasswordChangeDoneContext, "registration/password_change_done.html");

        /// The project's templates of the auth views.
        pub struct Templates;

        impl $crate::contrib::auth::views::Templates for Templates {
            type Login = LoginPage;
            type LoggedOut = LoggedOutPage;
            type PasswordChange = PasswordChangePage;
            type PasswordChangeDone = PasswordChangeDonePage;
        }

        pub type LoginView = $crate::contrib::auth::views::LoginView<Templates>;
        pub type LogoutView = $crate::contrib::auth::views::LogoutView<Templates>;
        pub type PasswordChangeView = $crate::contrib::auth::views::PasswordChangeView<Templates>;
        pub type PasswordChangeDoneView =
            $crate::contrib::auth::views::PasswordChangeDoneView<Templates>;
    };
    (@page $page:ident, $context:ident, $path:literal) => {
        $crate::page!(
            #[doc = concat!("`", $path, "`: the project's file of that name, else rjango's.")]
            pub struct $page($crate::contrib::auth::views::$context) = $path;
        );
    };
}
