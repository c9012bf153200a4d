//! Django's `django.utils`.

pub mod encoding;
pub mod timezone;
