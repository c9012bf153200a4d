//! Errors of the code generator, each pointing at the file, line and column it is about.

use std::fmt;
use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A declaration the generator cannot use, or a file it cannot read or write.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A problem in a source file, located by a syn span.
    #[error("{location}: {message}{}", hint.as_ref().map(|h| format!("\n  hint: {h}")).unwrap_or_default())]
    Source {
        location: Location,
        message: String,
        hint: Option<String>,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// `file:line:col` of a declaration (1-based line and column, like rustc prints them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// An error at a span of a parsed file.
    pub fn at(
        file: impl Into<PathBuf>,
        span: proc_macro2::Span,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Self {
        let start = span.start();
        Error::Source {
            location: Location {
                file: file.into(),
                line: start.line,
                column: start.column + 1,
            },
            message: message.into(),
            hint,
        }
    }

    /// A syn parse error of a file, located at its span.
    pub fn parse(file: impl Into<PathBuf>, err: &syn::Error) -> Self {
        Self::at(file, err.span(), err.to_string(), None)
    }
}
