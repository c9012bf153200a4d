//! The admin's pages: what each template is given, and the template types a project declares
//! (`rjango::admin_site!`, in its generated code), so askama finds the project's
//! `templates/admin/<name>.html` before rjango's own (Django's override rule).
//!
//! The contexts hold what the pages show already made into text and URLs: one template serves
//! every model, as in Django.

use crate::template::RequestContext;

/// What every admin page is given (Django's `each_context`).
#[derive(Debug)]
pub struct AdminContext {
    pub ctx: RequestContext,
    pub site_header: String,
    pub site_title: String,
    /// The page's title (`<title>` and `<h1>`).
    pub title: String,
    /// The signed-in staff member's name, when there is one.
    pub user_name: Option<String>,
    /// The links above the title: (text, URL; none for the current page).
    pub breadcrumbs: Vec<(String, Option<String>)>,
    /// URLs of the site's pages.
    pub index_url: String,
    pub logout_url: String,
    pub password_change_url: String,
}

/// One model on the index page.
#[derive(Debug, Clone)]
pub struct ModelEntry {
    /// Its verbose name, plural and capitalized ("Posts").
    pub name: String,
    pub object_name: &'static str,
    pub admin_url: Option<String>,
    pub add_url: Option<String>,
    /// The user may only view (a "View" link rather than "Change").
    pub view_only: bool,
}

/// One app on the index page, its models in name order.
#[derive(Debug, Clone)]
pub struct AppEntry {
    /// "Blog" (the label, capitalized).
    pub name: String,
    pub app_label: String,
    pub app_url: String,
    pub models: Vec<ModelEntry>,
}

/// One of the user's recent changes, on the index page.
#[derive(Debug, Clone)]
pub struct RecentAction {
    pub object_repr: String,
    /// Its change page while it exists.
    pub url: Option<String>,
    /// "addition", "change" or "deletion" (the CSS class).
    pub kind: &'static str,
    /// "Post", the model it was.
    pub model: String,
}

/// `admin/index.html` (and `admin/app_index.html`: one app).
#[derive(Debug)]
pub struct IndexContext {
    pub admin: AdminContext,
    pub app_list: Vec<AppEntry>,
    pub recent_actions: Vec<RecentAction>,
}

/// `admin/login.html`.
#[derive(Debug)]
pub struct LoginContext {
    pub admin: AdminContext,
    pub form: crate::forms::BoundForm<crate::contrib::auth::forms::AuthenticationForm>,
    /// Django's message when the user signs in but is no staff member.
    pub error: Option<String>,
    pub next: String,
}

/// `admin/logged_out.html` (Django's admin overrides `registration/logged_out.html`; rjango names its own, so the auth views keep theirs).
#[derive(Debug)]
pub struct LoggedOutContext {
    pub admin: AdminContext,
}

/// A change-list column header.
#[derive(Debug, Clone)]
pub struct Header {
    pub label: String,
    /// The URL sorting by this column (toggled), when it is sortable.
    pub sort_url: Option<String>,
    /// `Some(true)` sorted ascending, `Some(false)` descending.
    pub sorted: Option<bool>,
    /// Its rank among the sorted columns (1 first).
    pub sort_priority: usize,
    /// The URL that stops sorting by it.
    pub remove_url: Option<String>,
    /// The column's field name, for its CSS class (`column-title`).
    pub name: String,
}

/// A change-list cell, escaped and ready (`{{ cell.html|safe }}`).
#[derive(Debug, Clone)]
pub struct CellHtml {
    pub html: String,
    /// The change page, when the column links to it.
    pub link: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub pk: String,
    pub cells: Vec<CellHtml>,
}

/// A page link of the change list: a number, or `None` for Django's ellipsis.
#[derive(Debug, Clone)]
pub struct PageLink {
    pub number: Option<u64>,
    pub url: String,
    pub current: bool,
}

/// One filter of the change list's sidebar.
#[derive(Debug, Clone)]
pub struct FilterSpec {
    pub title: String,
    /// "All" first, then each choice.
    pub choices: Vec<FilterChoice>,
}

#[derive(Debug, Clone)]
pub struct FilterChoice {
    pub label: String,
    pub url: String,
    pub selected: bool,
}

/// An action of the change list's select ("Delete selected posts").
#[derive(Debug, Clone)]
pub struct ActionChoice {
    pub name: String,
    pub description: String,
}

/// `admin/change_list.html`.
#[derive(Debug)]
pub struct ChangeListContext {
    pub admin: AdminContext,
    /// "post", "Post", "posts"
    pub model_name: String,
    pub verbose_name: String,
    pub verbose_name_plural: String,
    pub headers: Vec<Header>,
    pub rows: Vec<Row>,
    /// The sidebar (Django's `list_filter`).
    pub filters: Vec<FilterSpec>,
    /// Rows matching the search.
    pub result_count: u64,
    /// Every row (shown when a search narrows them).
    pub full_result_count: u64,
    pub has_search: bool,
    pub search_query: String,
    /// The link that shows every row again.
    pub clear_search_url: String,
    pub pages: Vec<PageLink>,
    pub show_all_url: Option<String>,
    pub add_url: Option<String>,
    pub actions: Vec<ActionChoice>,
    /// The page's query string, kept by the actions form.
    pub query_string: String,
    /// The drill-down by dates above the list (Django's `date_hierarchy`).
    pub date_hierarchy: Option<DateHierarchyContext>,
    /// The list in a raw-id field's lookup window: a row's link sends its key back.
    pub popup: bool,
    /// The rows' formset when fields are edited on the list (Django's `list_editable`).
    pub list_editable: Option<ListEditableContext>,
}

/// The change list's formset (Django's `cl.formset`): its management form, the rows' hidden
/// keys, and its refusals.
#[derive(Debug, Clone)]
pub struct ListEditableContext {
    pub management_form: String,
    pub hidden_fields: Vec<String>,
    /// "Please correct the error below." when the formset was refused.
    pub error_note: Option<String>,
    pub non_form_errors: Vec<String>,
}

/// Django's date hierarchy: the link back up ("‹ 2026"), and the years, months or days to go
/// into (the day chosen has no link).
#[derive(Debug, Clone)]
pub struct DateHierarchyContext {
    pub back: Option<(String, String)>,
    pub choices: Vec<(String, Option<String>)>,
}

/// One field of the change form.
#[derive(Debug, Clone)]
pub struct FormRow {
    pub name: String,
    /// The input's id (`id_title`, `id_post_set-0-title`).
    pub html_id: String,
    /// The label's text, for a value shown read-only.
    pub label: String,
    pub label_tag: String,
    pub widget: String,
    pub errors: Vec<String>,
    pub help_text: String,
    pub is_checkbox: bool,
    pub required: bool,
    pub readonly: Option<String>,
}

/// `admin/change_form.html`: adding (no `object_id`) or changing an object.
#[derive(Debug)]
pub struct ChangeFormContext {
    pub admin: AdminContext,
    /// Django's `model_name` (`post`): the form's id is `post_form`.
    pub model_name: String,
    pub verbose_name: String,
    /// The change list, where "Close" goes.
    pub changelist_url: String,
    pub object_id: Option<String>,
    pub object_str: Option<String>,
    /// The form's fields and read-only values, laid out by `fieldsets` (one unnamed
    /// fieldset by default).
    pub fieldsets: Vec<FieldsetContext>,
    pub hidden: Vec<String>,
    pub non_field_errors: Vec<String>,
    /// "Please correct the error below." / "...errors below."
    pub error_note: Option<String>,
    pub has_change_permission: bool,
    pub has_add_permission: bool,
    /// "Save and continue editing" leads back to this page, which needs view or change.
    pub has_view_permission: bool,
    pub delete_url: Option<String>,
    pub history_url: Option<String>,
    /// The user's password page (Django's UserAdmin links it from the password row).
    pub password_url: Option<String>,
    pub save_as: bool,
    pub save_on_top: bool,
    /// The user may only view: no form buttons, the values as text.
    pub view_only: bool,
    /// The model's inlines the user may see, in order.
    pub inlines: Vec<InlineContext>,
    /// Django's `prepopulated_fields_json`: the fields the page's script fills in from others
    /// as they are typed (`[{"id": "#id_slug", "dependency_ids": ["#id_title"], ...}]`), empty
    /// when none.
    pub prepopulated_fields: String,
}

/// `admin/password_change_form.html`: the signed-in staff member's own password.
#[derive(Debug)]
pub struct OwnPasswordChangeContext {
    pub admin: AdminContext,
    pub rows: Vec<FormRow>,
    pub hidden: Vec<String>,
    pub error_note: Option<String>,
}

/// `admin/password_change_done.html`.
#[derive(Debug)]
pub struct PasswordChangeDoneContext {
    pub admin: AdminContext,
}

/// `admin/auth/user/change_password.html`: a staff member sets a user's password.
#[derive(Debug)]
pub struct PasswordChangeContext {
    pub admin: AdminContext,
    pub username: String,
    pub rows: Vec<FormRow>,
    pub hidden: Vec<String>,
    pub error_note: Option<String>,
    pub non_field_errors: Vec<String>,
    /// The user's change page.
    pub change_url: String,
}

/// One fieldset of the change form.
#[derive(Debug, Clone)]
pub struct FieldsetContext {
    /// Its heading, when it has one.
    pub name: Option<String>,
    /// Its CSS classes (`wide`, `collapse`).
    pub classes: String,
    /// Folded until opened (the `collapse` class).
    pub collapsed: bool,
    pub description: Option<String>,
    pub rows: Vec<FormRow>,
}

/// One inline of the change form (Django's `InlineAdminFormSet`).
#[derive(Debug, Clone)]
pub struct InlineContext {
    /// The formset's prefix (`post_set`): its fields are `post_set-0-title`, ...
    pub prefix: String,
    /// "post"
    pub verbose_name: String,
    /// "Posts": the heading.
    pub verbose_name_plural: String,
    /// StackedInline (a fieldset per row) rather than TabularInline (a table).
    pub stacked: bool,
    /// The management form's hidden inputs.
    pub management_form: String,
    pub non_form_errors: Vec<String>,
    /// The table's column headers: (label, required).
    pub headers: Vec<(String, bool)>,
    /// Rows may be deleted: a "Delete?" column.
    pub can_delete: bool,
    pub forms: Vec<InlineFormContext>,
}

/// One row of an inline: an existing one (`original`), or a blank one to add.
#[derive(Debug, Clone)]
pub struct InlineFormContext {
    /// The row as text, for an existing row.
    pub original: Option<String>,
    pub rows: Vec<FormRow>,
    /// The hidden inputs, the row's key among them.
    pub hidden: Vec<String>,
    pub non_field_errors: Vec<String>,
    /// The "Delete?" checkbox, for an existing row that may be deleted.
    pub delete: Option<String>,
    /// Its number from 1 ("Post: #3" for a blank row).
    pub number: usize,
}

/// `admin/delete_confirmation.html` (one object) and
/// `admin/delete_selected_confirmation.html` (the action).
#[derive(Debug)]
pub struct DeleteContext {
    pub admin: AdminContext,
    pub verbose_name: String,
    /// What goes: each deleted object as "Post: Hello", nested under what makes it go.
    pub deleted_objects: Vec<DeletedObject>,
    /// Per model: ("posts", 3).
    pub model_count: Vec<(String, u64)>,
    /// Objects whose PROTECT or RESTRICT forbids the deletion.
    pub protected: Vec<String>,
    /// Models the user may not delete.
    pub perms_lacking: Vec<String>,
    pub object_str: String,
    /// The selected keys, posted back by the action's confirmation.
    pub selected: Vec<String>,
    pub cancel_url: String,
}

/// An object a deletion takes with it.
#[derive(Debug, Clone)]
pub struct DeletedObject {
    pub text: String,
    pub url: Option<String>,
    pub depth: usize,
}

/// A line of an object's history.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub action_time: String,
    pub user: String,
    pub message: String,
}

/// `admin/object_history.html`.
#[derive(Debug)]
pub struct HistoryContext {
    pub admin: AdminContext,
    pub object_str: String,
    pub entries: Vec<HistoryEntry>,
}

/// The admin's page types, implemented by the project's generated code.
pub trait Templates: 'static {
    type Index: askama::Template + From<IndexContext> + Send + Sync + 'static;
    type AppIndex: askama::Template + From<IndexContext> + Send + Sync + 'static;
    type Login: askama::Template + From<LoginContext> + Send + Sync + 'static;
    type LoggedOut: askama::Template + From<LoggedOutContext> + Send + Sync + 'static;
    type ChangeList: askama::Template + From<ChangeListContext> + Send + Sync + 'static;
    type ChangeForm: askama::Template + From<ChangeFormContext> + Send + Sync + 'static;
    type DeleteConfirmation: askama::Template + From<DeleteContext> + Send + Sync + 'static;
    type DeleteSelectedConfirmation: askama::Template + From<DeleteContext> + Send + Sync + 'static;
    type ObjectHistory: askama::Template + From<HistoryContext> + Send + Sync + 'static;
    type ChangePassword: askama::Template + From<PasswordChangeContext> + Send + Sync + 'static;
    type PasswordChange: askama::Template + From<OwnPasswordChangeContext> + Send + Sync + 'static;
    type PasswordChangeDone: askama::Template
        + From<PasswordChangeDoneContext>
        + Send
        + Sync
        + 'static;
}

/// Declares the admin site of a project: its page types (on the project's
/// `templates/admin/*.html` first, rjango's otherwise) and the registered ModelAdmins. The
/// generated `crate::generated::admin` calls it with every `#[admin::register]` of the
/// installed apps' admin.rs:
///
/// ```text
/// rjango::admin_site!(crate::blog::admin::PostAdmin, crate::blog::admin::AuthorAdmin);
/// ```
///
/// It defines `site()` (the `AdminSite`) and the views its URLconf routes.
#[macro_export]
macro_rules! admin_site {
    ($($admin:path),* $(,)?) => {
        #[allow(unused_imports)]
        use $crate::template::filters;

        $crate::admin_site!(@page AdminIndexPage, IndexContext, "admin/index.html");
        $crate::admin_site!(@page AdminAppIndexPage, IndexContext, "admin/app_index.html");
        $crate::admin_site!(@page AdminLoginPage, LoginContext, "admin/login.html");
        $crate::admin_site!(@page AdminLoggedOutPage, LoggedOutContext, "admin/logged_out.html");
        $crate::admin_site!(@page AdminChangeListPage, ChangeListContext, "admin/change_list.html");
        $crate::admin_site!(@page AdminChangeFormPage, ChangeFormContext, "admin/change_form.html");
        $crate::admin_site!(@page AdminDeletePage, DeleteContext, "admin/delete_confirmation.html");
        $crate::admin_site!(@page AdminDeleteSelectedPage, DeleteContext, "admin/delete_selected_confirmation.html");
        $crate::admin_site!(@page AdminHistoryPage, HistoryContext, "admin/object_history.html");
        $crate::admin_site!(@page AdminChangePasswordPage, PasswordChangeContext, "admin/auth/user/change_password.html");
        $crate::admin_site!(@page AdminPasswordChangePage, OwnPasswordChangeContext, "admin/password_change_form.html");
        $crate::admin_site!(@page AdminPasswordChangeDonePage, PasswordChangeDoneContext, "admin/password_change_done.html");

        /// The project's admin templates.
        pub struct Templates;

        impl $crate::contrib::admin::templates::Templates for Templates {
            type Index = AdminIndexPage;
            type AppIndex = AdminAppIndexPage;
            type Login = AdminLoginPage;
            type LoggedOut = AdminLoggedOutPage;
            type ChangeList = AdminChangeListPage;
            type ChangeForm = AdminChangeFormPage;
            type DeleteConfirmation = AdminDeletePage;
            type DeleteSelectedConfirmation = AdminDeleteSelectedPage;
            type ObjectHistory = AdminHistoryPage;
            type ChangePassword = AdminChangePasswordPage;
            type PasswordChange = AdminPasswordChangePage;
            type PasswordChangeDone = AdminPasswordChangeDonePage;
        }

        /// The admin site (Django's `admin.site`), with every registered ModelAdmin.
        pub fn site() -> &'static $crate::contrib::admin::AdminSite<Templates> {
            static SITE: ::std::sync::OnceLock<$crate::contrib::admin::AdminSite<Templates>> =
                ::std::sync::OnceLock::new();
            SITE.get_or_init(|| {
                #[allow(unused_mut)]
                let mut site = $crate::contrib::admin::AdminSite::new();
                $(site.register::<$admin>();)*
                site
            })
        }

        /// `admin:index`.
        pub async fn index(
            request: $crate::http::HttpRequest,
        ) -> $crate::http::ViewResult {
            site().dispatch(request, "").await
        }

        /// `admin:login`.
        pub async fn login(
            request: $crate::http::HttpRequest,
        ) -> $crate::http::ViewResult {
            site().dispatch(request, "login/").await
        }

        /// `admin:logout`.
        pub async fn logout(
            request: $crate::http::HttpRequest,
        ) -> $crate::http::ViewResult {
            site().dispatch(request, "logout/").await
        }

        /// Every other admin page: `<app>/`, `<app>/<model>/`, `.../add/`,
        /// `.../<id>/change/`, `.../<id>/delete/`, `.../<id>/history/`, and a user's
        /// `.../<id>/password/`.
        pub async fn page(
            request: $crate::http::HttpRequest,
            rest: ::std::string::String,
        ) -> $crate::http::ViewResult {
            site().dispatch(request, &rest).await
        }
    };
    (@page $page:ident, $context:ident, $path:literal) => {
        $crate::page!(
            #[doc = concat!("`", $path, "`: the project's file of that name, else rjango's.")]
            pub struct $page($crate::contrib::admin::templates::$context) = $path;
        );
    };
}
