//! Django's `django.utils`.

pub mod cache;
pub mod encoding;
pub mod text;
pub mod timezone;
