//! The three registrations of a new app, as text edits of the user's own files:
//! `"blog",` in INSTALLED_APPS (src/settings.rs), `mod blog;` (src/main.rs) and
//! `include("blog/", crate::blog::urls),` in the root `urlpatterns!` (src/urls.rs).
//!
//! The files are parsed with syn only to find *where* to insert (span line/columns turned into
//! byte offsets); the edit itself splices a line into the original text, so the user's
//! comments, formatting and everything else survive byte for byte. Each edit is idempotent,
//! and an edit that cannot be placed safely is not made: the caller prints the line to add.

use std::path::Path;

use proc_macro2::extra::DelimSpan;
use proc_macro2::{Delimiter, LineColumn, Span, TokenStream, TokenTree};

pub mod items;

/// The result of trying one registration.
#[derive(Debug, PartialEq, Eq)]
pub enum Edit {
    /// The file's new text.
    Changed(String),
    /// The app is already registered there; nothing to do.
    AlreadyDone,
    /// The place to insert at is missing or unusual; why.
    NotFound(String),
    /// The file does not parse: `file:line:col: message`.
    Unparsable(String),
}

/// The line each registration adds, as printed when the user must add it by hand.
pub fn installed_app_line(app: &str) -> String {
    format!("\"{app}\",")
}

pub fn mod_line(app: &str) -> String {
    format!("mod {app};")
}

pub fn include_line(app: &str) -> String {
    format!("include(\"{app}/\", crate::{app}::urls),")
}

/// Adds `"app",` before the closing bracket of `INSTALLED_APPS: vec![...]`.
pub fn register_installed_app(text: &str, app: &str, file: &Path) -> Edit {
    Source::parse(text, file, |src, parsed| {
        let mut finder = rjango_codegen::project::FieldFinder {
            field: "INSTALLED_APPS",
            found: None,
        };
        syn::visit::Visit::visit_file(&mut finder, parsed);
        let Some(expr) = finder.found else {
            return Edit::NotFound("no `INSTALLED_APPS: vec![...]` field found".into());
        };
        let syn::Expr::Macro(mac) = expr else {
            return Edit::NotFound("INSTALLED_APPS is not a `vec![...]` literal".into());
        };
        if !mac.mac.path.is_ident("vec") {
            return Edit::NotFound("INSTALLED_APPS is not a `vec![...]` literal".into());
        }
        let items = chunks(mac.mac.tokens.clone());
        let registered = items.iter().any(|c| {
            syn::parse2::<syn::LitStr>(c.tokens.iter().cloned().collect())
                .is_ok_and(|s| s.value() == app)
        });
        if registered {
            return Edit::AlreadyDone;
        }
        let anchor = mac.mac.path.segments[0].ident.span();
        src.insert_entry(
            anchor,
            mac.mac.delimiter.span(),
            &items,
            &format!("\"{app}\""),
        )
    })
}

/// Adds `mod app;` on a new line after the last top-level `mod x;`.
pub fn register_mod(text: &str, app: &str, file: &Path) -> Edit {
    register_module(text, &mod_line(app), app, file)
}

/// Adds `line` (`mod app;`, `pub mod forms;`) declaring the module `name` on a new line after
/// the last top-level `mod x;`, unless `name` is declared already.
pub fn register_module(text: &str, line: &str, name: &str, file: &Path) -> Edit {
    Source::parse(text, file, |src, parsed| {
        let mods = parsed.items.iter().filter_map(|item| match item {
            syn::Item::Mod(m) => Some(m),
            _ => None,
        });
        if mods.clone().any(|m| m.ident == name) {
            return Edit::AlreadyDone;
        }
        // After the last plain `mod x;` (not a `#[cfg(test)] mod tests;` below the others).
        let plain = mods
            .clone()
            .rfind(|m| m.content.is_none() && m.attrs.is_empty());
        let Some(last) = plain.or_else(|| mods.clone().rfind(|m| m.content.is_none())) else {
            return Edit::NotFound("no top-level `mod x;` item to add it after".into());
        };
        let Some(semi) = last.semi else {
            return Edit::NotFound("no top-level `mod x;` item to add it after".into());
        };
        let end = src.offset(semi.span.end());
        let first = match &last.vis {
            syn::Visibility::Inherited => last.mod_token.span.start(),
            vis => syn::spanned::Spanned::span(vis).start(),
        };
        let indent = src.indent_at(src.offset(first));
        let line = format!("{indent}{line}");
        src.insert_line_after(end, &line)
    })
}

/// Adds `include("app/", crate::app::urls),` before the closing bracket of `urlpatterns![...]`.
pub fn register_include(text: &str, app: &str, file: &Path) -> Edit {
    Source::parse(text, file, |src, parsed| {
        let Some(mac) = rjango_codegen::urlpatterns::find_macro(parsed) else {
            return Edit::NotFound("no `urlpatterns![...]` item found".into());
        };
        let items = chunks(mac.tokens.clone());
        if items.iter().any(|c| includes_app(&c.tokens, app)) {
            return Edit::AlreadyDone;
        }
        let anchor = mac.path.segments[0].ident.span();
        let entry = format!("include(\"{app}/\", crate::{app}::urls)");
        src.insert_entry(anchor, mac.delimiter.span(), &items, &entry)
    })
}

/// Whether an entry is `include(_, ...app::urls ...)`.
fn includes_app(tokens: &[TokenTree], app: &str) -> bool {
    let [TokenTree::Ident(name), TokenTree::Group(args)] = tokens else {
        return false;
    };
    if name != "include" || args.delimiter() != Delimiter::Parenthesis {
        return false;
    }
    let args = chunks(args.stream());
    let Some(module) = args.get(1) else {
        return false;
    };
    let idents: Vec<String> = module
        .tokens
        .iter()
        .filter_map(|t| match t {
            TokenTree::Ident(i) => Some(i.to_string()),
            _ => None,
        })
        .collect();
    matches!(idents.as_slice(), [.., a, urls] if a == app && urls == "urls")
}

/// One top-level, comma-separated entry of a macro body.
struct Chunk {
    tokens: Vec<TokenTree>,
    start: LineColumn,
    end: LineColumn,
    comma_after: bool,
}

/// Splits a macro body at its top-level commas (commas inside groups stay in their entry).
fn chunks(stream: TokenStream) -> Vec<Chunk> {
    fn flush(out: &mut Vec<Chunk>, tokens: &mut Vec<TokenTree>, comma_after: bool) {
        if let (Some(first), Some(last)) = (tokens.first(), tokens.last()) {
            let (start, end) = (first.span().start(), last.span().end());
            out.push(Chunk {
                tokens: std::mem::take(tokens),
                start,
                end,
                comma_after,
            });
        }
    }
    let mut out = Vec::new();
    let mut current = Vec::new();
    for tree in stream {
        match &tree {
            TokenTree::Punct(p) if p.as_char() == ',' => flush(&mut out, &mut current, true),
            _ => current.push(tree),
        }
    }
    flush(&mut out, &mut current, false);
    out
}

/// A file's text with what is needed to turn span positions into byte offsets and to splice.
struct Source<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    newline: &'static str,
}

impl<'a> Source<'a> {
    /// Parses `text` (without a BOM, which is put back) and runs `edit` on it.
    fn parse(text: &str, file: &Path, edit: impl FnOnce(&Source, &syn::File) -> Edit) -> Edit {
        const BOM: &str = "\u{feff}";
        let (bom, body) = match text.strip_prefix(BOM) {
            Some(rest) => (BOM, rest),
            None => ("", text),
        };
        let parsed = match syn::parse_file(body) {
            Ok(parsed) => parsed,
            Err(e) => return Edit::Unparsable(rjango_codegen::Error::parse(file, &e).to_string()),
        };
        let src = Source {
            text: body,
            line_starts: std::iter::once(0)
                .chain(body.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
            newline: if body.contains("\r\n") { "\r\n" } else { "\n" },
        };
        match edit(&src, &parsed) {
            Edit::Changed(new) => Edit::Changed(format!("{bom}{new}")),
            other => other,
        }
    }

    /// The byte offset of a span position (1-based line, 0-based column counted in chars).
    fn offset(&self, at: LineColumn) -> usize {
        let start = self
            .line_starts
            .get(at.line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len());
        let line = &self.text[start..];
        start
            + line
                .char_indices()
                .nth(at.column)
                .map_or(line.len(), |(i, _)| i)
    }

    fn line_start(&self, offset: usize) -> usize {
        self.text[..offset].rfind('\n').map_or(0, |i| i + 1)
    }

    /// The leading whitespace of the line holding `offset`.
    fn indent_at(&self, offset: usize) -> &'a str {
        let line = &self.text[self.line_start(offset)..];
        &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
    }

    /// Whether only whitespace precedes `offset` on its line.
    fn starts_line(&self, offset: usize) -> bool {
        self.text[self.line_start(offset)..offset].trim().is_empty()
    }

    /// Inserts `line` on a line of its own after the line holding `offset`.
    fn insert_line_after(&self, offset: usize, line: &str) -> Edit {
        let nl = self.newline;
        let edit = match self.text[offset..].find('\n') {
            Some(i) => (offset + i + 1, format!("{line}{nl}")),
            None => (self.text.len(), format!("{nl}{line}{nl}")),
        };
        Edit::Changed(self.splice(vec![edit]))
    }

    /// Adds `entry` as the last element of a delimited, comma-separated list: on a line of its
    /// own (indented like the other entries, or one level deeper than the `anchor` line) when
    /// the list spans lines, inline when it is written on one line.
    fn insert_entry(&self, anchor: Span, delim: &DelimSpan, items: &[Chunk], entry: &str) -> Edit {
        let open = self.offset(delim.open().start());
        let close = self.offset(delim.close().start());
        if self
            .text
            .as_bytes()
            .get(close)
            .is_none_or(|&b| !matches!(b, b']' | b')' | b'}'))
        {
            return Edit::NotFound("could not locate the closing bracket".into());
        }
        let single_line = !self.text[open..close].contains('\n');
        let mut edits = Vec::new();
        if single_line {
            match items.last() {
                None => edits.push((close, entry.to_owned())),
                Some(last) => edits.push((self.offset(last.end), format!(", {entry}"))),
            }
            return Edit::Changed(self.splice(edits));
        }
        let base = self.indent_at(self.offset(anchor.start()));
        let unit = if base.contains('\t') { "\t" } else { "    " };
        let sibling = items
            .iter()
            .rev()
            .map(|c| self.offset(c.start))
            .find(|&o| self.starts_line(o))
            .map(|o| self.indent_at(o).to_owned());
        let indent = sibling.unwrap_or_else(|| format!("{base}{unit}"));
        if let Some(last) = items.last().filter(|c| !c.comma_after) {
            edits.push((self.offset(last.end), ",".to_owned()));
        }
        let nl = self.newline;
        if self.starts_line(close) {
            edits.push((self.line_start(close), format!("{indent}{entry},{nl}")));
        } else {
            let closing_indent = self.indent_at(self.offset(anchor.start()));
            edits.push((close, format!("{nl}{indent}{entry},{nl}{closing_indent}")));
        }
        Edit::Changed(self.splice(edits))
    }

    /// The text with each `(offset, insertion)` applied (offsets into the original).
    /// Insertions at the same offset keep their order (the first listed comes first).
    fn splice(&self, edits: Vec<(usize, String)>) -> String {
        let mut edits: Vec<(usize, usize, String)> = edits
            .into_iter()
            .enumerate()
            .map(|(i, (at, text))| (at, i, text))
            .collect();
        edits.sort_by_key(|&(at, i, _)| std::cmp::Reverse((at, i)));
        let mut out = self.text.to_owned();
        for (at, _, insertion) in edits {
            out.insert_str(at, &insertion);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(text: &str) -> Edit {
        register_installed_app(text, "blog", Path::new("src/settings.rs"))
    }

    fn changed(edit: Edit) -> String {
        match edit {
            Edit::Changed(text) => text,
            other => panic!("expected a change, got {other:?}"),
        }
    }

    #[test]
    fn installed_apps_empty_multiline() {
        let text = "fn s() -> S {\n    S {\n        INSTALLED_APPS: vec![\n        ],\n    }\n}\n";
        assert_eq!(
            changed(settings(text)),
            "fn s() -> S {\n    S {\n        INSTALLED_APPS: vec![\n            \"blog\",\n        ],\n    }\n}\n"
        );
    }

    #[test]
    fn installed_apps_follows_siblings_and_adds_missing_comma() {
        let text = "fn s() -> S { S {\n  INSTALLED_APPS: vec![\n      \"a\", // first\n      \"b\" // last\n  ],\n} }\n";
        assert_eq!(
            changed(settings(text)),
            "fn s() -> S { S {\n  INSTALLED_APPS: vec![\n      \"a\", // first\n      \"b\", // last\n      \"blog\",\n  ],\n} }\n"
        );
    }

    #[test]
    fn installed_apps_inline() {
        assert_eq!(
            changed(settings("fn s() -> S { S { INSTALLED_APPS: vec![] } }")),
            "fn s() -> S { S { INSTALLED_APPS: vec![\"blog\"] } }"
        );
        assert_eq!(
            changed(settings(
                "fn s() -> S { S { INSTALLED_APPS: vec![\"a\"] } }"
            )),
            "fn s() -> S { S { INSTALLED_APPS: vec![\"a\", \"blog\"] } }"
        );
    }

    #[test]
    fn installed_apps_closing_bracket_after_last_entry() {
        let text = "fn s() -> S { S {\n    INSTALLED_APPS: vec![\n        \"a\"],\n} }\n";
        assert_eq!(
            changed(settings(text)),
            "fn s() -> S { S {\n    INSTALLED_APPS: vec![\n        \"a\",\n        \"blog\",\n    ],\n} }\n"
        );
    }

    #[test]
    fn installed_apps_idempotent_and_not_found() {
        assert_eq!(
            settings("fn s() -> S { S { INSTALLED_APPS: vec![\"blog\"] } }"),
            Edit::AlreadyDone
        );
        assert!(matches!(
            settings("fn s() -> S { S { OTHER: 1 } }"),
            Edit::NotFound(_)
        ));
        assert!(matches!(
            settings("fn s() -> S { S { INSTALLED_APPS: apps() } }"),
            Edit::NotFound(_)
        ));
    }

    #[test]
    fn unparsable_reports_location() {
        let Edit::Unparsable(msg) = settings("fn s() {\n    let x = ;\n}\n") else {
            panic!()
        };
        assert!(msg.starts_with("src/settings.rs:2:"), "{msg}");
    }

    #[test]
    fn unicode_before_the_insertion_point() {
        let text = "// é ü 日本\nfn s() -> S { S { /* ß */ INSTALLED_APPS: vec![\"ä\"] } }\n";
        assert_eq!(
            changed(settings(text)),
            "// é ü 日本\nfn s() -> S { S { /* ß */ INSTALLED_APPS: vec![\"ä\", \"blog\"] } }\n"
        );
    }

    #[test]
    fn mod_after_last_mod_keeps_trailing_comment() {
        let text = "mod a;\nmod b; // the b\n\nfn main() {}\n";
        assert_eq!(
            changed(register_mod(text, "blog", Path::new("src/main.rs"))),
            "mod a;\nmod b; // the b\nmod blog;\n\nfn main() {}\n"
        );
        assert_eq!(
            register_mod("mod blog;\n", "blog", Path::new("m.rs")),
            Edit::AlreadyDone
        );
        assert!(matches!(
            register_mod("fn main() {}\n", "blog", Path::new("m.rs")),
            Edit::NotFound(_)
        ));
        assert_eq!(
            changed(register_mod("mod a;", "blog", Path::new("m.rs"))),
            "mod a;\nmod blog;\n"
        );
    }

    #[test]
    fn include_added_and_idempotent() {
        let text = "urlpatterns![\n];\n";
        let done = changed(register_include(text, "blog", Path::new("src/urls.rs")));
        assert_eq!(
            done,
            "urlpatterns![\n    include(\"blog/\", crate::blog::urls),\n];\n"
        );
        assert_eq!(
            register_include(&done, "blog", Path::new("src/urls.rs")),
            Edit::AlreadyDone
        );
        let other = "urlpatterns![ include(\"b/\", blog::urls, namespace = \"x\") ];";
        assert_eq!(
            register_include(other, "blog", Path::new("u.rs")),
            Edit::AlreadyDone
        );
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let text = "mod a;\r\nurlpatterns![\r\n    path(\"\", v, name = \"i\"),\r\n];\r\n";
        assert_eq!(
            changed(register_include(text, "blog", Path::new("u.rs"))),
            "mod a;\r\nurlpatterns![\r\n    path(\"\", v, name = \"i\"),\r\n    include(\"blog/\", crate::blog::urls),\r\n];\r\n"
        );
    }
}
