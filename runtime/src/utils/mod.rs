//! Django's `django.utils`.

pub mod cache;
pub mod encoding;
pub mod http;
pub mod text;
pub mod timezone;
