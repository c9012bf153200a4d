//! Django's `django.utils`.

pub mod cache;
pub mod encoding;
pub mod timezone;
