//! The one error type commands return: a message for the user and the exit code it means.
//!
//! User errors are values, never panics, so `main` can print them once, in one format, and
//! exit with the code scripts rely on (1 for errors, 2 for usage, as clap does).

use std::fmt;

/// A failure to report on stderr as `error: <message>`.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    /// An error the user can fix (exit code 1).
    pub fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 1,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<rjango_codegen::Error> for Failure {
    fn from(e: rjango_codegen::Error) -> Self {
        Failure::new(e.to_string())
    }
}

pub type Result<T, E = Failure> = std::result::Result<T, E>;
