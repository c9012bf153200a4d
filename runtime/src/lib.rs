//! rjango: Django's API in Rust idiom, on actix-web. This is the runtime crate an rjango
//! project depends on; its modules mirror Django's packages so a Django user finds things where
//! they expect them (`rjango::http`, `rjango::urls`, `rjango::views`, `rjango::shortcuts`,
//! `rjango::middleware`, `rjango::conf`, `rjango::core::management`, `rjango::test`).

// The generated code of `#[model]` and `migration!` names `::rjango`, which rjango's own
// contrib apps use too.
extern crate self as rjango;

pub mod apps;
pub mod conf;
pub mod contrib;
pub mod core;
pub mod db;
pub mod debug;
pub mod forms;
pub mod http;
pub mod middleware;
pub mod models;
pub mod shortcuts;
pub mod template;
pub mod test;
pub mod urls;
pub mod utils;
pub mod views;

mod handlers;
mod log;
mod server;

pub use askama;
pub use handlers::validate_host;

// The crates whose types models and queries are made of, so a project names them through
// rjango (`rjango::chrono::Utc`, `rjango::rust_decimal::Decimal`) with no second dependency to
// keep in step: DateTimeField is a chrono type, DecimalField a rust_decimal one, UUIDField a
// uuid one, JSONField a serde_json one, and every generated entity a SeaORM one
// (`rjango::sea_orm::EntityTrait`).
pub use chrono;
pub use rjango_macros::{migration, page, test};
pub use rust_decimal;
pub use sea_orm;
pub use serde_json;
pub use serde_json::json;
pub use uuid;

/// Everything the runtime needs to run a project; the generated `project()` builds it.
#[derive(Clone, Copy)]
pub struct Project {
    /// The package name (`mysite`).
    pub name: &'static str,
    /// The project's `settings()` function.
    pub settings: fn() -> conf::Settings,
    /// The root URLconf's `urlpatterns()`.
    pub root_urlconf: fn() -> urls::UrlConf,
    pub apps: &'static [apps::AppConfig],
    /// Every model, (app, lower-cased name), in the order its app declares them (Django's
    /// registry order, which dumpdata follows).
    pub models: &'static [(&'static str, &'static str)],
    /// Every migration of the installed apps (src/generated/migrations.rs).
    pub migrations: fn() -> Vec<db::migrations::Migration>,
    /// The RunRust functions those migrations name.
    pub migration_code: fn() -> Vec<db::migrations::MigrationCode>,
    /// The project's own management commands (src/<app>/management/commands/).
    pub commands: fn() -> Vec<core::management::CustomCommand>,
}

impl std::fmt::Debug for Project {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Project")
            .field("name", &self.name)
            .field("apps", &self.apps)
            .finish_non_exhaustive()
    }
}

/// What views and URLconfs usually need: `use rjango::prelude::*;`.
pub mod prelude {
    pub use crate::db::transaction;
    pub use crate::http::{
        BadHeaderError, BadRequest, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest,
        HttpResponseForbidden, HttpResponseNotAllowed, HttpResponseNotFound,
        HttpResponsePermanentRedirect, HttpResponseRedirect, HttpResponseServerError, IntoResponse,
        JsonResponse, PermissionDenied, ViewError, ViewResult,
    };
    pub use crate::json;
    pub use crate::middleware::{GetResponse, Hook, Middleware, MiddlewareMixin};
    pub use crate::models::{F, Instance, Lookups, Q, QueryError, QuerySet};
    pub use crate::shortcuts::{
        get_list_or_404, get_object_or_404, redirect, redirect_permanent, render,
    };
    pub use crate::template::TemplateResponse;
    pub use crate::urls::{reverse, urlpatterns};
    pub use crate::views::{View, view};
    pub use askama::Template;
}

#[doc(hidden)]
pub mod __private {
    pub use chrono;
    pub use futures_util::future::LocalBoxFuture;
    pub use inventory;
    pub use sea_orm;

    /// Runs a test body on a current-thread runtime (used by `#[rjango::test]`).
    pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime for the test")
            .block_on(future)
    }
}
