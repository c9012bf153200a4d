//! The grammar of `urlpatterns![...]`, shared by the proc macro (which expands it in place) and
//! the generator (which reads it from files to write typed reverse functions), so both always
//! agree on what a URLconf says.
//!
//! ```text
//! urlpatterns![
//!     path("items/<int:item_id>/", views::item_detail, name = "item-detail"),
//!     include("blog/", crate::blog::urls),
//!     include("api/", crate::api::urls, namespace = "v1"),
//!     handler404 = views::not_found,
//! ];
//! ```

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, LitStr, Token};

use crate::routes::{self, Segment};

/// A URLconf file's top-level `urlpatterns![...]` (under any path: `urlpatterns!`,
/// `rjango::urls::urlpatterns!`): what the generator reads and the CLI edits.
pub fn find_macro(file: &syn::File) -> Option<&syn::Macro> {
    crate::project::top_level_macro(file, "urlpatterns")
}

/// A parsed `urlpatterns!` body.
pub struct UrlPatterns {
    pub entries: Vec<Entry>,
    pub handlers: Vec<ErrorHandler>,
}

pub enum Entry {
    Path(PathEntry),
    Include(IncludeEntry),
}

/// `path(route, view, name = "...")`
pub struct PathEntry {
    pub route: LitStr,
    pub segments: Vec<Segment>,
    pub view: Expr,
    pub name: Option<LitStr>,
}

/// `include(prefix, module, namespace = "...")`
pub struct IncludeEntry {
    pub prefix: LitStr,
    pub module: syn::Path,
    pub namespace: Option<LitStr>,
}

impl IncludeEntry {
    /// The namespace: the explicit one, else the app module's name (`crate::blog::urls` → "blog").
    pub fn namespace(&self) -> Option<String> {
        if let Some(ns) = &self.namespace {
            return Some(ns.value()).filter(|s| !s.is_empty());
        }
        let segs: Vec<String> = self
            .module
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        match segs.as_slice() {
            [.., app, last]
                if last == "urls" && !matches!(app.as_str(), "crate" | "self" | "super") =>
            {
                Some(app.clone())
            }
            [.., last]
                if last != "urls" && !matches!(last.as_str(), "crate" | "self" | "super") =>
            {
                Some(last.clone())
            }
            _ => None,
        }
    }
}

/// `handler404 = views::not_found` (also handler400, handler403, handler500).
pub struct ErrorHandler {
    pub kind: Ident,
    pub view: Expr,
}

pub const HANDLER_KINDS: [&str; 4] = ["handler400", "handler403", "handler404", "handler500"];

enum Item {
    Entry(Entry),
    Handler(ErrorHandler),
}

impl Parse for UrlPatterns {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let items = Punctuated::<Item, Token![,]>::parse_terminated(input)?;
        let mut entries = Vec::new();
        let mut handlers: Vec<ErrorHandler> = Vec::new();
        for item in items {
            match item {
                Item::Entry(e) => entries.push(e),
                Item::Handler(h) => {
                    if handlers.iter().any(|o| o.kind == h.kind) {
                        return Err(syn::Error::new(
                            h.kind.span(),
                            format!("{} is set twice", h.kind),
                        ));
                    }
                    handlers.push(h);
                }
            }
        }
        Ok(UrlPatterns { entries, handlers })
    }
}

impl Parse for Item {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let head: Ident = input.parse()?;
        let head_name = head.to_string();
        if HANDLER_KINDS.contains(&head_name.as_str()) {
            input.parse::<Token![=]>()?;
            let view: Expr = input.parse()?;
            return Ok(Item::Handler(ErrorHandler { kind: head, view }));
        }
        let content;
        syn::parenthesized!(content in input);
        match head_name.as_str() {
            "path" => parse_path(&content).map(|p| Item::Entry(Entry::Path(p))),
            "include" => parse_include(&content).map(|i| Item::Entry(Entry::Include(i))),
            "re_path" => Err(syn::Error::new(
                head.span(),
                "re_path() is not supported: use path() with converters (int, str, slug, uuid, path)",
            )),
            _ => Err(syn::Error::new(
                head.span(),
                format!(
                    "expected path(...), include(...) or handler400/403/404/500 = view, found `{head_name}`"
                ),
            )),
        }
    }
}

fn parse_path(input: ParseStream) -> syn::Result<PathEntry> {
    let route: LitStr = input.parse()?;
    let segments =
        routes::parse_route(&route.value()).map_err(|e| syn::Error::new(route.span(), e))?;
    input.parse::<Token![,]>()?;
    let view: Expr = input.parse()?;
    let mut name = None;
    for (key, value) in parse_keywords(input)? {
        match key.to_string().as_str() {
            "name" => name = Some(value),
            other => {
                return Err(syn::Error::new(
                    key.span(),
                    format!("path() takes `name = \"...\"`, not `{other}`"),
                ));
            }
        }
    }
    Ok(PathEntry {
        route,
        segments,
        view,
        name,
    })
}

fn parse_include(input: ParseStream) -> syn::Result<IncludeEntry> {
    let prefix: LitStr = input.parse()?;
    let segments =
        routes::parse_route(&prefix.value()).map_err(|e| syn::Error::new(prefix.span(), e))?;
    if segments
        .iter()
        .any(|s| matches!(s, Segment::Capture { .. }))
    {
        return Err(syn::Error::new(
            prefix.span(),
            "include() prefixes cannot capture parameters yet: capture them in the included path()s",
        ));
    }
    input.parse::<Token![,]>()?;
    let module: syn::Path = input.parse()?;
    let mut namespace = None;
    for (key, value) in parse_keywords(input)? {
        match key.to_string().as_str() {
            "namespace" => namespace = Some(value),
            other => {
                return Err(syn::Error::new(
                    key.span(),
                    format!("include() takes `namespace = \"...\"`, not `{other}`"),
                ));
            }
        }
    }
    Ok(IncludeEntry {
        prefix,
        module,
        namespace,
    })
}

/// `, key = "value"` pairs after the positional arguments.
fn parse_keywords(input: ParseStream) -> syn::Result<Vec<(Ident, LitStr)>> {
    let mut out = Vec::new();
    while input.peek(Token![,]) {
        input.parse::<Token![,]>()?;
        if input.is_empty() {
            break;
        }
        let key: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        out.push((key, input.parse()?));
    }
    if !input.is_empty() {
        return Err(input.error("unexpected tokens: expected `, name = \"...\"` or `)`"));
    }
    Ok(out)
}
