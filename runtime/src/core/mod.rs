//! Django's `django.core`: the management commands of a project binary, signing, the cache,
//! serializers and the exceptions shared by forms and validators.

pub mod cache;
pub mod checks;
pub mod exceptions;
pub mod management;
mod migrate;
pub mod serializers;
pub mod signing;
