//! Django's `AdminSite`: the registry of ModelAdmins, and the site-wide pages (the index of
//! apps and models, login, logout). Its URLs are one prefix (`/admin/`); the site finds the
//! page from the rest of the path, as Django's `get_urls` patterns do.

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::sync::Arc;

use futures_util::future::LocalBoxFuture;

use super::options::{ModelAdmin, ModelPerms, UserPerms};
use super::templates::{
    AdminContext, AppEntry, IndexContext, LoggedOutContext, LoginContext, ModelEntry,
    OwnPasswordChangeContext, PasswordChangeDoneContext, RecentAction, Templates,
};
use super::views::{ModelPage, Registration};
use crate::contrib::auth::forms::AuthenticationForm;
use crate::forms::Form;
use crate::http::{Http404, HttpRequest, HttpResponseRedirect, ViewError, ViewResult};
use crate::template::{RequestContext, TemplateResponse};
use crate::utils::http::url_has_allowed_host_and_scheme;

/// A registered ModelAdmin with its types erased: what the site routes to.
pub(crate) trait Registered: Send + Sync {
    fn app_label(&self) -> &'static str;
    /// `post`: Django's `model_name`.
    fn model_name(&self) -> String;
    fn object_name(&self) -> &'static str;
    fn verbose_name(&self) -> String;
    fn verbose_name_plural(&self) -> String;
    /// `str(obj)` of the rows with these keys (those that exist), for the delete confirmation.
    fn object_strs<'a>(
        &'a self,
        request: &'a HttpRequest,
        pks: &'a [i64],
    ) -> LocalBoxFuture<'a, Result<std::collections::HashMap<i64, String>, ViewError>>;
    fn perms(&self, request: &HttpRequest, perms: &UserPerms) -> ModelPerms;
    /// The model an autocomplete field of this one points at (app label, model name); None
    /// for a name that is no field of `autocomplete_fields`.
    fn autocomplete_target(&self, field: &str) -> Option<(&'static str, String)>;
    /// The rows of this model matching `term` by its `search_fields`, a page of them, as the
    /// autocomplete endpoint answers (Django's `AutocompleteJsonView`).
    fn autocomplete<'a>(
        &'a self,
        request: &'a HttpRequest,
        perms: &'a UserPerms,
        term: &'a str,
        page: u64,
    ) -> LocalBoxFuture<'a, ViewResult>;
    fn page<'a>(
        &'a self,
        site: &'a SiteInfo,
        request: HttpRequest,
        page: ModelPage,
        perms: UserPerms,
    ) -> LocalBoxFuture<'a, ViewResult>;
}

/// What model pages need of their site: its prefix, titles and templates.
pub(crate) struct SiteInfo {
    pub site_header: String,
    pub site_title: String,
    /// Every registered ModelAdmin, for what a page shows of other models (the objects a
    /// deletion takes, their permissions, links).
    pub models: Vec<Arc<dyn Registered>>,
}

impl SiteInfo {
    /// The ModelAdmin of `app.model` (`model` as Django's model_name, lower case).
    pub(crate) fn registered(&self, app: &str, model: &str) -> Option<&Arc<dyn Registered>> {
        self.models
            .iter()
            .find(|m| m.app_label() == app && m.model_name() == model)
    }
}

/// Django's `AdminSite`: `site.register::<PostAdmin>()`, then its pages under one prefix.
pub struct AdminSite<T> {
    /// The `<h1>` of every page (Django's `site_header`).
    pub site_header: String,
    /// The end of every `<title>` (Django's `site_title`).
    pub site_title: String,
    /// The index page's title (Django's `index_title`).
    pub index_title: String,
    models: Vec<Arc<dyn Registered>>,
    templates: PhantomData<fn() -> T>,
}

impl<T: Templates> Default for AdminSite<T> {
    fn default() -> Self {
        AdminSite::new()
    }
}

/// Django's "Please enter the correct username and password for a staff account. ..."
pub const STAFF_LOGIN_ERROR: &str = "Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive.";

impl<T: Templates> AdminSite<T> {
    pub fn new() -> Self {
        AdminSite {
            site_header: "rjango administration".into(),
            site_title: "rjango site admin".into(),
            index_title: "Site administration".into(),
            models: Vec::new(),
            templates: PhantomData,
        }
    }

    /// Registers a ModelAdmin (Django's `site.register(Post, PostAdmin)`). Registering a model
    /// twice panics, as Django's `AlreadyRegistered` stops start-up.
    pub fn register<A: ModelAdmin>(&mut self) {
        let entry: Arc<dyn Registered> = Arc::new(Registration::<A, T>::new());
        if let Some(old) = self
            .models
            .iter()
            .find(|m| m.app_label() == entry.app_label() && m.model_name() == entry.model_name())
        {
            panic!(
                "The model {} is already registered with '{}.{}'.",
                entry.object_name(),
                old.app_label(),
                old.object_name()
            );
        }
        self.models.push(entry);
    }

    fn info(&self) -> SiteInfo {
        SiteInfo {
            site_header: self.site_header.clone(),
            site_title: self.site_title.clone(),
            models: self.models.clone(),
        }
    }

    /// Answers the admin page at `rest`, the path after the site's prefix.
    pub async fn dispatch(&self, request: HttpRequest, rest: &str) -> ViewResult {
        let parts: Vec<&str> = rest.split('/').collect();
        // Every admin URL ends in a slash. The catch-all route matches without it, so
        // APPEND_SLASH cannot add it: the site redirects itself, as Django's catch_all_view.
        let Some((&"", parts)) = parts.split_last() else {
            let query = request.query_string();
            let to = if query.is_empty() {
                format!("{}/", request.path())
            } else {
                format!("{}/?{query}", request.path())
            };
            return Ok(crate::http::HttpResponsePermanentRedirect(to));
        };
        match parts {
            [] => self.index(request, None).await,
            ["login"] => self.login(request).await,
            ["logout"] => self.logout(request).await,
            _ => {
                let user = request.user().await;
                if !(user.is_active() && user.is_staff()) {
                    return Ok(redirect_to_login(&request));
                }
                let perms = UserPerms::of(&user).await?;
                match parts {
                    ["autocomplete"] => self.autocomplete(request, perms).await,
                    ["password_change"] => self.password_change(request).await,
                    ["password_change", "done"] => {
                        let mut admin = self
                            .context(&request, "Password change successful".into())
                            .await;
                        admin.breadcrumbs = vec![
                            ("Home".into(), Some(prefix(&request))),
                            ("Password change".into(), None),
                        ];
                        let page = T::PasswordChangeDone::from(PasswordChangeDoneContext { admin });
                        TemplateResponse(&request, page)
                    }
                    [app] => self.index(request, Some(app)).await,
                    [app, model, rest @ ..] => {
                        let page = ModelPage::parse(rest)
                            .ok_or_else(|| Http404::new("No admin page here"))?;
                        let registered = self
                            .models
                            .iter()
                            .find(|m| m.app_label() == *app && m.model_name() == *model)
                            .ok_or_else(|| Http404::new("No admin page here"))?;
                        let info = self.info();
                        registered.page(&info, request, page, perms).await
                    }
                    [] => unreachable!("matched above"),
                }
            }
        }
    }

    /// Django's `autocomplete_view` (`/admin/autocomplete/?term=&app_label=&model_name=&
    /// field_name=&page=`): the rows of the model the field points at that match the term,
    /// `{"results": [{"id": "1", "text": "..."}], "pagination": {"more": false}}`. A field
    /// that is not one of its model's `autocomplete_fields` is refused (403), as is a user who
    /// may not view the rows.
    async fn autocomplete(&self, request: HttpRequest, perms: UserPerms) -> ViewResult {
        let get = request.GET();
        let param = |name: &str| get.get(name).unwrap_or_default().to_owned();
        let term = param("term");
        // Django's paginator: a page that is no number is the first, one past the rows 404.
        let page = match param("page").trim() {
            "" => 1,
            p => p
                .parse::<u64>()
                .ok()
                .filter(|p| (1..=1_000_000).contains(p))
                .ok_or_else(|| crate::http::Http404::new("Invalid page."))?,
        };
        let source = self
            .models
            .iter()
            .find(|m| m.app_label() == param("app_label") && m.model_name() == param("model_name"));
        let Some((app, model)) = source.and_then(|s| s.autocomplete_target(&param("field_name")))
        else {
            return Err(crate::http::PermissionDenied(None).into());
        };
        let Some(target) = self
            .models
            .iter()
            .find(|m| m.app_label() == app && m.model_name() == model)
        else {
            return Err(crate::http::PermissionDenied(None).into());
        };
        target.autocomplete(&request, &perms, &term, page).await
    }

    /// The index of apps and models (or one app's, `<app>/`), each model the user may see.
    async fn index(&self, request: HttpRequest, app: Option<&str>) -> ViewResult {
        let user = request.user().await;
        if !(user.is_active() && user.is_staff()) {
            return Ok(redirect_to_login(&request));
        }
        let perms = UserPerms::of(&user).await?;
        let mut apps: BTreeMap<&str, AppEntry> = BTreeMap::new();
        for m in &self.models {
            if app.is_some_and(|a| a != m.app_label()) {
                continue;
            }
            let p = m.perms(&request, &perms);
            if !p.any() {
                continue;
            }
            let base = format!("{}{}/{}/", prefix(&request), m.app_label(), m.model_name());
            let entry = apps.entry(m.app_label()).or_insert_with(|| AppEntry {
                name: app_verbose_name(m.app_label()),
                app_label: m.app_label().to_owned(),
                app_url: format!("{}{}/", prefix(&request), m.app_label()),
                models: Vec::new(),
            });
            entry.models.push(ModelEntry {
                name: capfirst(&m.verbose_name_plural()),
                object_name: m.object_name(),
                admin_url: p.view_or_change().then(|| base.clone()),
                add_url: p.add.then(|| format!("{base}add/")),
                view_only: !p.change,
            });
        }
        let mut app_list: Vec<AppEntry> = apps.into_values().collect();
        // Django orders the apps by their names.
        app_list.sort_by_key(|a| a.name.to_lowercase());
        for a in &mut app_list {
            a.models.sort_by(|x, y| x.name.cmp(&y.name));
        }
        if let Some(label) = app {
            // Django's app_index: 404 for an app with nothing the user may see.
            if app_list.is_empty() {
                return Err(Http404::new("The requested admin page does not exist.").into());
            }
            let title = format!("{} administration", app_verbose_name(label));
            let mut admin = self.context(&request, title).await;
            admin.breadcrumbs = vec![
                ("Home".into(), Some(prefix(&request))),
                (app_verbose_name(label), None),
            ];
            let page = T::AppIndex::from(IndexContext {
                admin,
                app_list,
                recent_actions: Vec::new(),
            });
            return TemplateResponse(&request, page);
        }
        let recent_actions = recent_actions(self, &request, &user).await?;
        let admin = self.context(&request, self.index_title.clone()).await;
        let page = T::Index::from(IndexContext {
            admin,
            app_list,
            recent_actions,
        });
        TemplateResponse(&request, page)
    }

    pub(crate) async fn context(&self, request: &HttpRequest, title: String) -> AdminContext {
        admin_context(&self.info(), request, title).await
    }

    /// The admin's login: staff only, with Django's message for anyone else.
    async fn login(&self, request: HttpRequest) -> ViewResult {
        let index = prefix(&request);
        let next = request
            .POST()
            .get("next")
            .or_else(|| request.GET().get("next"))
            .filter(|n| {
                url_has_allowed_host_and_scheme(n, &[request.get_host()], request.is_secure())
            })
            .map(str::to_owned);
        if request.method() == "POST" {
            let (mut form, user) = AuthenticationForm::authenticate(&request)
                .await
                .map_err(|e| ViewError::Internal(Box::new(e)))?;
            let mut error = None;
            match user {
                Some(user) if user.is_staff && user.is_active => {
                    crate::contrib::auth::login(&request, &user)
                        .await
                        .map_err(|e| ViewError::Internal(Box::new(e)))?;
                    return Ok(HttpResponseRedirect(next.unwrap_or(index)));
                }
                Some(_) => {
                    form = AuthenticationForm::bind(request.POST());
                    error = Some(STAFF_LOGIN_ERROR.to_owned());
                }
                None => {}
            }
            return self.login_page(&request, form, error, next).await;
        }
        let user = request.user().await;
        if user.is_active() && user.is_staff() {
            return Ok(HttpResponseRedirect(index));
        }
        self.login_page(&request, AuthenticationForm::unbound(), None, next)
            .await
    }

    async fn login_page(
        &self,
        request: &HttpRequest,
        form: crate::forms::BoundForm<AuthenticationForm>,
        error: Option<String>,
        next: Option<String>,
    ) -> ViewResult {
        let mut admin = self.context(request, "Log in".into()).await;
        admin.user_name = None;
        let page = T::Login::from(LoginContext {
            admin,
            error,
            form,
            next: next.unwrap_or_else(|| prefix(request)),
        });
        TemplateResponse(request, page)
    }

    /// Django 5's admin logout: POST only.
    async fn logout(&self, request: HttpRequest) -> ViewResult {
        if request.method() != "POST" {
            return Ok(crate::views::http_method_not_allowed(
                &request,
                &["POST", "OPTIONS"],
            ));
        }
        crate::contrib::auth::logout(&request).await;
        let mut admin = self.context(&request, "Logged out".into()).await;
        admin.user_name = None;
        let page = T::LoggedOut::from(LoggedOutContext { admin });
        TemplateResponse(&request, page)
    }
}

impl<T: Templates> AdminSite<T> {
    /// Django's `AdminSite.password_change`: the signed-in staff member's own password, the
    /// old one first; they stay signed in.
    async fn password_change(&self, request: HttpRequest) -> ViewResult {
        use crate::contrib::auth::forms::PasswordChangeForm;
        let auth = request.user().await;
        let Some(mut user) = auth.user().cloned() else {
            return Ok(redirect_to_login(&request));
        };
        let form = if request.method() == "POST" {
            let form = PasswordChangeForm::check(&request, &mut user).await?;
            if form.is_valid() {
                crate::models::Instance::save(&mut user).await?;
                crate::contrib::auth::update_session_auth_hash(&request, &user).await;
                return Ok(HttpResponseRedirect(format!(
                    "{}password_change/done/",
                    prefix(&request)
                )));
            }
            form
        } else {
            PasswordChangeForm::for_user()
        };
        let mut admin = self.context(&request, "Password change".into()).await;
        admin.breadcrumbs = vec![
            ("Home".into(), Some(prefix(&request))),
            ("Password change".into(), None),
        ];
        let errors = form.errors().iter().map(|(_, e)| e.len()).sum::<usize>();
        let (rows, hidden) = super::views::form_rows(&form, None);
        let page = T::PasswordChange::from(OwnPasswordChangeContext {
            admin,
            rows,
            hidden,
            error_note: super::views::error_note(form.is_bound(), errors),
        });
        TemplateResponse(&request, page)
    }
}

/// An app's name as the admin shows it (Django's `AppConfig.verbose_name`): the contrib apps'
/// own ("Authentication and Authorization"), else the label in title case ("Blog"), as
/// Django's default `label.title()`.
pub(crate) fn app_verbose_name(label: &str) -> String {
    match label {
        "auth" => "Authentication and Authorization".into(),
        "admin" => "Administration".into(),
        "contenttypes" => "Content Types".into(),
        "sessions" => "Sessions".into(),
        "messages" => "Messages".into(),
        "staticfiles" => "Static Files".into(),
        // Python's `str.title()`: each run of letters capitalized ("my_app" is "My_App").
        _ => {
            let mut after_letter = false;
            label
                .chars()
                .map(|c| {
                    let out = if after_letter {
                        c.to_ascii_lowercase()
                    } else {
                        c.to_ascii_uppercase()
                    };
                    after_letter = c.is_alphabetic();
                    out
                })
                .collect()
        }
    }
}

/// The site's prefix (`/admin/`), read from the request's resolved route.
pub(crate) fn prefix(request: &HttpRequest) -> String {
    crate::urls::reverse("admin:index", &[]).unwrap_or_else(|_| {
        let path = request.path();
        match path.find("/admin/") {
            Some(i) => path[..i + "/admin/".len()].to_owned(),
            None => "/admin/".to_owned(),
        }
    })
}

/// To the admin's login page, back here after it.
pub(crate) fn redirect_to_login(request: &HttpRequest) -> crate::http::HttpResponse {
    let next = crate::utils::http::quote_plus(&request.get_full_path(), "/");
    HttpResponseRedirect(format!("{}login/?next={next}", prefix(request)))
}

pub(crate) async fn admin_context(
    site: &SiteInfo,
    request: &HttpRequest,
    title: String,
) -> AdminContext {
    let user = request.user().await;
    let index_url = prefix(request);
    AdminContext {
        ctx: RequestContext::new(request).await,
        site_header: site.site_header.clone(),
        site_title: site.site_title.clone(),
        title,
        user_name: user.is_authenticated().then(|| {
            let u = user.user().expect("an authenticated user");
            if u.first_name.is_empty() {
                u.username.clone()
            } else {
                u.first_name.clone()
            }
        }),
        breadcrumbs: Vec::new(),
        logout_url: format!("{index_url}logout/"),
        password_change_url: format!("{index_url}password_change/"),
        index_url,
    }
}

/// The user's ten latest admin actions (Django's "Recent actions").
async fn recent_actions<T: Templates>(
    site: &AdminSite<T>,
    request: &HttpRequest,
    user: &crate::contrib::auth::AuthUser,
) -> Result<Vec<RecentAction>, ViewError> {
    use super::models::{LogEntry, log_entry};
    use crate::models::Lookups;
    let Some(pk) = user.pk() else {
        return Ok(Vec::new());
    };
    let entries = LogEntry::objects()
        .filter(log_entry::user.eq(pk as i64))
        .select_related(log_entry::content_type)
        .slice(..10)
        .all()
        .await?;
    let base = prefix(request);
    let info = site.info();
    Ok(entries
        .into_iter()
        .map(|e| {
            let ct = e.content_type.as_ref().and_then(|c| c.cached());
            let url = match (ct, &e.object_id) {
                (Some(ct), Some(id)) if e.action_flag != super::models::DELETION => Some(format!(
                    "{base}{}/{}/{}/change/",
                    ct.app_label,
                    ct.model,
                    crate::utils::http::quote_plus(id, "")
                )),
                _ => None,
            };
            RecentAction {
                object_repr: e.object_repr.clone(),
                url,
                kind: match e.action_flag {
                    super::models::ADDITION => "addition",
                    super::models::DELETION => "deletion",
                    _ => "change",
                },
                model: ct
                    .map(|c| match info.registered(&c.app_label, &c.model) {
                        Some(m) => capfirst(&m.verbose_name()),
                        None => capfirst(&c.model),
                    })
                    .unwrap_or_default(),
            }
        })
        .collect())
}

pub(crate) use super::display::capfirst;
