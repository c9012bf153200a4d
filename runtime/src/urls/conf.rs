//! A URLconf as `urlpatterns!` builds it: routes and includes in order, plus error handlers.

use super::handler::{self, ErasedErrorHandler, ErasedView, FromParams, Handler};
use crate::http::{BadRequest, Http404, PermissionDenied};

/// The converters of Django's `path()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Converter {
    Int,
    Str,
    Slug,
    Uuid,
    Path,
}

impl Converter {
    pub(crate) fn regex(self) -> &'static str {
        match self {
            Converter::Int => "[0-9]+",
            Converter::Str => "[^/]+",
            Converter::Slug => "[-a-zA-Z0-9_]+",
            Converter::Uuid => "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            Converter::Path => ".+",
        }
    }

    /// Whether a whole value is one this converter produces (used by `reverse`, which must not
    /// build a URL that would not resolve back). Checked by hand: no regex per call.
    pub(crate) fn matches_whole(self, value: &str) -> bool {
        let hex = |s: &str, n: usize| {
            s.len() == n && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        };
        !value.is_empty()
            && match self {
                Converter::Int => value.bytes().all(|b| b.is_ascii_digit()) && self.accepts(value),
                Converter::Str => !value.contains('/'),
                Converter::Slug => value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                Converter::Uuid => {
                    let parts: Vec<&str> = value.split('-').collect();
                    parts.len() == 5 && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| hex(p, n))
                }
                Converter::Path => true,
            }
    }

    /// Django's `to_python`: a value the regex matched but the type cannot hold (an int past
    /// i64) makes the pattern not match, and resolution goes on to the next one.
    pub(crate) fn accepts(self, value: &str) -> bool {
        match self {
            Converter::Int => value.parse::<i64>().is_ok(),
            _ => true,
        }
    }
}

/// A piece of a route, pre-parsed by `urlpatterns!` at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    Literal(&'static str),
    Capture(Converter, &'static str),
}

pub(crate) struct Route {
    pub route: &'static str,
    pub segments: &'static [Segment],
    pub name: Option<&'static str>,
    pub view: ErasedView,
    pub csrf_exempt: bool,
}

pub(crate) struct Include {
    pub prefix: &'static str,
    pub segments: &'static [Segment],
    pub namespace: Option<&'static str>,
    pub conf: UrlConf,
}

pub(crate) enum Entry {
    Route(Route),
    Include(Include),
}

/// The error views of a root URLconf.
#[derive(Default, Clone)]
pub(crate) struct ErrorHandlers {
    pub handler400: Option<ErasedErrorHandler<BadRequest>>,
    pub handler403: Option<ErasedErrorHandler<PermissionDenied>>,
    pub handler404: Option<ErasedErrorHandler<Http404>>,
    pub handler500: Option<ErasedErrorHandler<()>>,
}

/// The patterns of one urls.rs, built by its `urlpatterns!` (`crate::blog::urls::urlpatterns()`).
pub struct UrlConf {
    pub(crate) module: &'static str,
    pub(crate) entries: Vec<Entry>,
    pub(crate) handlers: ErrorHandlers,
}

/// One `path(...)` entry, type-checked: see `Handler`.
pub fn route<Args: FromParams + 'static, R, H: Handler<Args, R>>(
    route: &'static str,
    segments: &'static [Segment],
    name: Option<&'static str>,
    view: H,
) -> impl FnOnce(&mut UrlConf) {
    let csrf_exempt = view.csrf_exempt();
    let view = handler::erase::<Args, R, H>(view);
    move |conf: &mut UrlConf| {
        conf.entries.push(Entry::Route(Route {
            route,
            segments,
            name,
            view,
            csrf_exempt,
        }));
    }
}

impl std::fmt::Debug for UrlConf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries: Vec<String> = self
            .entries
            .iter()
            .map(|e| match e {
                Entry::Route(r) => format!("path({:?}, name = {:?})", r.route, r.name),
                Entry::Include(i) => format!("include({:?}, {:?})", i.prefix, i.conf),
            })
            .collect();
        f.debug_struct("UrlConf")
            .field("module", &self.module)
            .field("entries", &entries)
            .finish()
    }
}

impl UrlConf {
    pub fn new(module: &'static str) -> Self {
        UrlConf {
            module,
            entries: Vec::new(),
            handlers: ErrorHandlers::default(),
        }
    }

    /// The module that declared these patterns (`mysite::urls`).
    pub fn module(&self) -> &'static str {
        self.module
    }

    /// True when no pattern is declared: DEBUG then shows the welcome page on every path, as
    /// Django does (and at `/` for startproject's URLconf, see the resolver).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    #[doc(hidden)]
    pub fn path(mut self, add: impl FnOnce(&mut UrlConf)) -> Self {
        add(&mut self);
        self
    }

    #[doc(hidden)]
    pub fn include(
        mut self,
        prefix: &'static str,
        segments: &'static [Segment],
        namespace: Option<&'static str>,
        conf: UrlConf,
    ) -> Self {
        self.entries.push(Entry::Include(Include {
            prefix,
            segments,
            namespace,
            conf,
        }));
        self
    }

    #[doc(hidden)]
    pub fn handler400(mut self, h: impl handler::ErrorHandler<BadRequest>) -> Self {
        self.handlers.handler400 = Some(handler::erase_error(h));
        self
    }

    #[doc(hidden)]
    pub fn handler403(mut self, h: impl handler::ErrorHandler<PermissionDenied>) -> Self {
        self.handlers.handler403 = Some(handler::erase_error(h));
        self
    }

    #[doc(hidden)]
    pub fn handler404(mut self, h: impl handler::ErrorHandler<Http404>) -> Self {
        self.handlers.handler404 = Some(handler::erase_error(h));
        self
    }

    #[doc(hidden)]
    pub fn handler500(mut self, h: impl handler::ErrorHandler<()>) -> Self {
        self.handlers.handler500 = Some(handler::erase_error(h));
        self
    }
}
