//! Django's `django.utils`.

pub mod timezone;
