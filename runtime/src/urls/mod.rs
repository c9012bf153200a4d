//! Django's `django.urls`: URL patterns (`urlpatterns!` with `path` and `include`), converters,
//! resolution, and `reverse`. Each urls.rs declares `urlpatterns![...]`; the macro type-checks
//! every view against its route where it is written, and the runtime resolves URLs with
//! Django's semantics (first match wins, `tried` patterns listed on the DEBUG 404 page).

mod conf;
mod escape;
mod handler;
mod params;
mod resolver;

pub use conf::{Converter, Segment, UrlConf};
pub use escape::{escape_leading_slashes, escape_path, escape_segment, escape_uri_path};
pub use handler::{ErrorHandler, FromParam, FromParams, Handler};
pub use params::{IntParam, UuidParam};
pub use resolver::{NoReverseMatch, reverse};
pub use rjango_macros::urlpatterns;
pub use uuid::Uuid;

pub(crate) use resolver::{Resolved, Resolver, installed as resolver_installed};

/// True when `path` resolves to a view: Django's `is_valid_path` (used by APPEND_SLASH).
pub fn is_valid_path(path: &str) -> bool {
    resolver::installed().is_some_and(|r| matches!(r.resolve(path, false), Resolved::Match(_)))
}

#[doc(hidden)]
pub mod __private {
    pub use super::conf::route;
}
