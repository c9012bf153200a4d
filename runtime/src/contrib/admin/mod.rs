//! Django's admin site (`django.contrib.admin`): pages to list, search, sort, add, change and
//! delete the rows of every registered model, for staff users, each page and action checked
//! against the user's permissions, every change kept in `django_admin_log`.
//!
//! An app registers its models in its admin.rs, Django's `@admin.register` on the
//! `impl ModelAdmin`, the options checked against the model when the project compiles:
//!
//! ```text
//! use rjango::contrib::admin::{self, ModelAdmin};
//! use crate::blog::models::{Post, post};
//!
//! #[derive(Default)]
//! pub struct PostAdmin;
//!
//! #[admin::register(Post, list_display = [title, published], search_fields = [title])]
//! impl ModelAdmin for PostAdmin {}
//! ```
//!
//! The project's generated code gathers every registration into its `AdminSite`
//! (`crate::generated::admin`), whose URLconf the root one includes at `admin/`.

mod changelist;
pub mod display;
pub mod filters;
mod inlines;
mod list_editable;
pub mod migrations;
pub mod models;
mod options;
mod sites;
pub mod templates;
#[doc(hidden)]
pub mod utils;
mod views;
pub mod widgets;

pub use display::{AdminDisplay, DisplayColumn};
pub use filters::{DateRange, FilterKind, FilterOf, SimpleListFilter};
pub use inlines::{InlineBox, InlineModelAdmin, InlineOf, InlineOptions, Inlines};
pub use list_editable::ListEditable;
pub use options::{
    Action, ActionEntry, ActionFuture, ActionResult, Cell, Column, DateHierarchy, Fieldset,
    FilterChoices, ListFilter, ModelAdmin, ModelPerms, Options, PasswordOutcome, PasswordPage,
    SearchField, UserPerms, codename,
};
pub use rjango_macros::admin_action as action;
pub use rjango_macros::admin_display as display;
pub use rjango_macros::admin_register as register;
pub use rjango_macros::{
    admin_stacked_inline as stacked_inline, admin_tabular_inline as tabular_inline,
};
pub use sites::{AdminSite, STAFF_LOGIN_ERROR};
pub use widgets::{AutocompleteTarget, RelationWidget, RelationWidgetKind};

#[doc(hidden)]
pub use rjango_macros::__admin_register;
