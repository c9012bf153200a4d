//! Django's `django.core`: the management commands of a project binary.

pub mod cache;
pub mod checks;
pub mod management;
mod migrate;
pub mod serializers;
pub mod signing;
