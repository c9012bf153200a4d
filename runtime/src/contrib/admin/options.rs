//! Django's `ModelAdmin`: how the admin shows and edits one model. Its options are given to
//! `#[admin::register(Post, list_display = [...], ...)]` on the `impl ModelAdmin`, which checks
//! every field name against the model when it compiles (Django checks them at start-up:
//! admin.E108 and friends) and writes them as typed code; its hooks are the impl's methods.

use crate::contrib::auth::AuthUser;
use crate::forms::ModelForm;
use crate::http::HttpRequest;
use crate::models::lookups::OrderBy;
use crate::models::{Instance, Model, NewInstance, Q, QueryError, QuerySet};

/// One column of the change list (Django's `list_display` entry).
pub struct Column<M> {
    /// The field's name (`title`), or `__str__`.
    pub name: &'static str,
    /// Its header: the field's verbose name, capitalized.
    pub label: String,
    /// The cell's text (not yet escaped).
    pub display: fn(&M) -> Cell,
    /// Ordering by this column, when it is a field (`true`: descending).
    pub order: Option<fn(bool) -> OrderBy<M>>,
}

/// What a change-list cell shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A boolean field: Django's icon, "True" / "False" for screen readers.
    Boolean(Option<bool>),
}

pub use super::filters::{FilterChoices, ListFilter};

/// What an action answers: `None` goes back to the change list (Django's returning None), or
/// a response of its own (an intermediate page, a download).
pub type ActionResult = Result<Option<crate::http::HttpResponse>, crate::http::ViewError>;

/// An action's future, borrowing the request.
pub type ActionFuture<'a> = futures_util::future::LocalBoxFuture<'a, ActionResult>;

/// An action of the change list: `#[admin::action]` on an async fn implements it, and
/// `#[admin::register(.., actions = [make_published])]` lists it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is no admin action on `{M}`",
    label = "not an action on this model",
    note = "an action is `#[admin::action(description = \"...\")] async fn name(request: &HttpRequest, queryset: QuerySet<{M}>) -> ActionResult`"
)]
pub trait Action<M>: 'static {
    /// The name posted by the action select (the function's).
    const NAME: &'static str;
    /// What the select shows; `%(verbose_name_plural)s` becomes the model's ("posts").
    const DESCRIPTION: &'static str;
    /// The model permissions a user needs to see and run it (Django's `permissions=`):
    /// "view", "add", "change", "delete".
    const PERMISSIONS: &'static [&'static str];
    /// Runs the action on the selected rows (Django's `action(modeladmin, request,
    /// queryset)`).
    fn run<'a>(request: &'a HttpRequest, queryset: QuerySet<M>) -> ActionFuture<'a>;
}

/// An action as the ModelAdmin's options keep it.
pub struct ActionEntry<M> {
    pub name: &'static str,
    pub description: &'static str,
    pub permissions: &'static [&'static str],
    pub run: for<'a> fn(&'a HttpRequest, QuerySet<M>) -> ActionFuture<'a>,
}

impl<M: Model> ActionEntry<M> {
    pub fn of<X: Action<M>>() -> Self {
        ActionEntry {
            name: X::NAME,
            description: X::DESCRIPTION,
            permissions: X::PERMISSIONS,
            run: X::run,
        }
    }

    /// Whether a user with `perms` may see and run it.
    pub fn allowed(&self, perms: &ModelPerms) -> bool {
        self.permissions.iter().all(|p| match *p {
            "view" => perms.view_or_change(),
            "add" => perms.add,
            "change" => perms.change,
            "delete" => perms.delete,
            _ => false,
        })
    }
}

/// One entry of `ordering`: the field, descending, and the order it makes.
pub type Ordering<M> = (&'static str, bool, fn(bool) -> OrderBy<M>);

/// One entry of `search_fields`: the condition a search word puts on a row.
pub type SearchField<M> = fn(&str) -> Q<M>;

/// The options `#[admin::register]` writes from its arguments.
pub struct Options<M> {
    pub list_display: Vec<Column<M>>,
    /// The columns linking to the change form (Django's `list_display_links`; the first by
    /// default).
    pub list_display_links: Vec<&'static str>,
    pub search_fields: Vec<SearchField<M>>,
    /// The change list's sidebar of filters (Django's `list_filter`).
    pub list_filter: Vec<ListFilter<M>>,
    /// The change list's order when the visitor sorts nothing (Django's `ordering`, else the
    /// model's Meta.ordering): (field, descending, the order).
    pub ordering: Vec<Ordering<M>>,
    /// Reads the foreign keys the columns show in the page's own query (Django's
    /// `list_select_related`, on by default for foreign keys in `list_display`).
    pub select_related: fn(QuerySet<M>) -> QuerySet<M>,
    /// Rows per page (Django's default, 100).
    pub list_per_page: u64,
    /// "Save as new" on the change form.
    pub save_as: bool,
    /// The save buttons above the form too.
    pub save_on_top: bool,
    /// The related rows edited on the change form (Django's `inlines`).
    pub inlines: super::inlines::Inlines<M>,
    /// The change list's actions after "Delete selected" (Django's `actions`).
    pub actions: Vec<ActionEntry<M>>,
    /// Values the change form shows as text (Django's `readonly_fields`).
    pub readonly_fields: Vec<Column<M>>,
    /// The change form's layout (Django's `fieldsets`, or `fields` as one); empty: one
    /// fieldset of every form field, then every read-only one.
    pub fieldsets: Vec<Fieldset>,
    /// The drill-down by year, month and day above the change list (Django's
    /// `date_hierarchy`).
    pub date_hierarchy: Option<DateHierarchy<M>>,
    /// The fields of `list_display` edited on the change list (Django's `list_editable`).
    pub list_editable: Option<super::list_editable::ListEditable<M>>,
    /// The foreign keys shown as their key, searched or looked up, rather than as a select
    /// of every related row (Django's `raw_id_fields` and `autocomplete_fields`).
    pub relation_widgets: Vec<super::widgets::RelationWidget>,
    /// The fields filled in from others as they are typed, on the add form (Django's
    /// `prepopulated_fields`): (field, the fields it is made from).
    pub prepopulated_fields: Vec<(&'static str, &'static [&'static str])>,
}

/// The distinct dates of a date hierarchy's rows.
pub type DatesFuture =
    futures_util::future::LocalBoxFuture<'static, Result<Vec<chrono::NaiveDate>, QueryError>>;

/// Django's `date_hierarchy` on a date or date-time field: its dates (UTC for a date-time),
/// and the rows of a year, month or day.
pub struct DateHierarchy<M> {
    /// The field's name: the parameters are `<field>__year`, `__month` and `__day`.
    pub field: &'static str,
    /// The distinct dates of the rows, truncated to a year, a month or a day.
    pub dates: fn(QuerySet<M>, crate::models::functions::DateKind) -> DatesFuture,
    /// The rows of a year, of a month of it, of a day of that.
    pub condition: fn(i32, Option<i32>, Option<i32>) -> Q<M>,
}

/// One fieldset of the change form: Django's `(name, {"fields": ..., "classes": ...,
/// "description": ...})`.
#[derive(Debug, Clone, Copy)]
pub struct Fieldset {
    pub name: Option<&'static str>,
    /// CSS classes; `collapse` folds it (a `<details>`, as Django 5's admin does).
    pub classes: &'static str,
    pub description: Option<&'static str>,
    /// Form fields and read-only fields, in order.
    pub fields: &'static [&'static str],
}

impl<M: crate::models::Model> Options<M> {
    /// Django's defaults: the object's text as the one column, 100 rows a page.
    pub fn new() -> Self {
        Options {
            list_display: Vec::new(),
            list_display_links: Vec::new(),
            search_fields: Vec::new(),
            list_filter: Vec::new(),
            ordering: Vec::new(),
            select_related: |q| q,
            list_per_page: 100,
            save_as: false,
            save_on_top: false,
            inlines: super::inlines::Inlines::new(),
            actions: Vec::new(),
            readonly_fields: Vec::new(),
            fieldsets: Vec::new(),
            date_hierarchy: None,
            list_editable: None,
            relation_widgets: Vec::new(),
            prepopulated_fields: Vec::new(),
        }
    }
}

impl<M: crate::models::Model> Default for Options<M> {
    fn default() -> Self {
        Options::new()
    }
}

/// What a user may do with a model in the admin (Django's `has_*_permission`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModelPerms {
    pub view: bool,
    pub add: bool,
    pub change: bool,
    pub delete: bool,
}

impl ModelPerms {
    /// Whether the model shows in the admin at all: Django's `has_view_or_change_permission`
    /// or add.
    pub fn any(&self) -> bool {
        self.view || self.add || self.change || self.delete
    }

    pub fn view_or_change(&self) -> bool {
        self.view || self.change
    }
}

/// The permissions of the signed-in user, read once per request: `blog.change_post`, ...
#[derive(Debug, Clone, Default)]
pub struct UserPerms {
    pub superuser: bool,
    pub perms: std::collections::BTreeSet<String>,
}

impl UserPerms {
    pub async fn of(user: &AuthUser) -> Result<UserPerms, QueryError> {
        if !user.is_active() {
            return Ok(UserPerms::default());
        }
        Ok(UserPerms {
            superuser: user.is_superuser(),
            perms: user.get_all_permissions().await?,
        })
    }

    pub fn has(&self, perm: &str) -> bool {
        self.superuser || self.perms.contains(perm)
    }
}

/// Django's `ModelAdmin`. `#[admin::register(Post, ...)]` on the impl sets `Model`, `Form`
/// and `options()`; the methods below are Django's hooks, each with Django's default.
#[allow(async_fn_in_trait)]
pub trait ModelAdmin: Default + Send + Sync + 'static {
    type Model: Model + Instance + NewInstance + Clone + Send + Sync;
    /// The add and change form: a ModelForm of the `fields` option (every field the model
    /// lets forms edit by default).
    type Form: ModelForm<Model = Self::Model>;

    #[doc(hidden)]
    fn options() -> Options<Self::Model>;

    /// The object as text, where Django calls `str(obj)`: the model's `Display` when it has
    /// one, else Django's "Post object (1)". `#[admin::register]` writes it.
    fn object_str(object: &Self::Model) -> String;

    /// The rows the admin lists and edits (Django's `get_queryset`).
    fn get_queryset(&self, _request: &HttpRequest) -> QuerySet<Self::Model> {
        QuerySet::new()
    }

    /// Django's `has_view_permission` and the others: the user's `<app>.<action>_<model>`
    /// permissions by default.
    fn has_view_permission(&self, _request: &HttpRequest, perms: &UserPerms) -> bool {
        model_permission::<Self::Model>(perms, "view")
    }

    fn has_add_permission(&self, _request: &HttpRequest, perms: &UserPerms) -> bool {
        model_permission::<Self::Model>(perms, "add")
    }

    fn has_change_permission(&self, _request: &HttpRequest, perms: &UserPerms) -> bool {
        model_permission::<Self::Model>(perms, "change")
    }

    fn has_delete_permission(&self, _request: &HttpRequest, perms: &UserPerms) -> bool {
        model_permission::<Self::Model>(perms, "delete")
    }

    /// Saves the object the add or change form filled (Django's `save_model`).
    async fn save_model(
        &self,
        _request: &HttpRequest,
        object: &mut Self::Model,
        _change: bool,
    ) -> Result<(), QueryError> {
        object.save().await
    }

    /// Django's UserAdmin's `<id>/password/` page: a ModelAdmin of users names the page that
    /// sets an object's password (`rjango::contrib::auth::admin::UserAdmin` does). None: no
    /// such page.
    #[doc(hidden)]
    fn password_page() -> Option<PasswordPage<Self::Model>> {
        None
    }

    /// After the password page saved the object: UserAdmin keeps a staff member who changed
    /// their own password signed in (Django's `update_session_auth_hash`).
    #[doc(hidden)]
    async fn password_saved(&self, _request: &HttpRequest, _object: &Self::Model) {}

    /// Deletes the object, with what its relations' `on_delete` says (Django's
    /// `delete_model`).
    async fn delete_model(
        &self,
        _request: &HttpRequest,
        object: &Self::Model,
    ) -> Result<(), QueryError> {
        object.delete().await.map(|_| ())
    }
}

/// The password page of a ModelAdmin of users: the form checks and sets the password on the
/// object (not saved), answering the form to show again when it refuses.
pub type PasswordPage<M> = for<'a> fn(
    &'a HttpRequest,
    &'a mut M,
) -> futures_util::future::LocalBoxFuture<'a, PasswordOutcome>;

/// What the password page's form made of a POST: set, or the form (with its errors) again.
pub enum PasswordOutcome {
    Set,
    Refused(Box<crate::forms::BoundForm<crate::contrib::auth::forms::AdminPasswordChangeForm>>),
}

/// Django's default `has_<action>_permission`: the user's `<app>.<action>_<model>`
/// permission; viewing is allowed by the change permission too.
pub fn model_permission<M: Model>(perms: &UserPerms, action: &str) -> bool {
    perms.has(&codename::<M>(action)) || (action == "view" && perms.has(&codename::<M>("change")))
}

/// `blog.change_post`: the permission Django's post_migrate made for the model and action.
pub fn codename<M: Model>(action: &str) -> String {
    format!(
        "{}.{action}_{}",
        crate::models::meta::app_label(M::MODULE),
        M::NAME.to_lowercase()
    )
}
