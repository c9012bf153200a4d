//! Django's `django.core.exceptions.ValidationError`: what a form's clean methods and the
//! password validators refuse a value with.

use std::fmt;

/// One or more messages refusing a value. Raised for the form as a whole (Django's
/// `non_field_errors`) unless it names a field: `ValidationError::new("...")` or
/// `ValidationError::for_field("email", "...")` (Django's `add_error(field, ...)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    field: Option<String>,
    messages: Vec<String>,
}

impl ValidationError {
    pub fn new(message: impl Into<String>) -> Self {
        ValidationError {
            field: None,
            messages: vec![message.into()],
        }
    }

    /// Several messages at once (Django's `ValidationError([...])`).
    pub fn list(messages: Vec<String>) -> Self {
        ValidationError {
            field: None,
            messages,
        }
    }

    /// A message for one field of the form.
    pub fn for_field(field: &str, message: impl Into<String>) -> Self {
        ValidationError {
            field: Some(field.to_owned()),
            messages: vec![message.into()],
        }
    }

    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    pub fn messages(&self) -> &[String] {
        &self.messages
    }

    pub fn into_messages(self) -> Vec<String> {
        self.messages
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.messages.join(" "))
    }
}

impl std::error::Error for ValidationError {}
