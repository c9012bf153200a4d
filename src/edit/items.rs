//! The edits `rjango generate crud` makes to an app's forms.rs, views.rs and urls.rs: the
//! `use` lines its code needs, added after the file's own where missing; its items, appended
//! at the end (with `--force`, the ones a first run wrote are cut out first, so the new ones
//! replace them, at the end); its routes,
//! added to `urlpatterns![...]`. As with startapp's edits, syn only finds the places: the rest
//! of the file, comments and formatting included, is kept byte for byte.

use std::path::Path;

use proc_macro2::TokenTree;
use syn::spanned::Spanned;

use super::{Edit, Source, chunks};
use crate::crud::rust::{Import, Item, Route};

/// Which of `names` the file declares at the top level: a struct (the views, the form), a
/// function (the tests), or the struct of an `rjango::page!`. Err: the file does not parse (`file:line:col: ...`).
pub fn declared(text: &str, names: &[String], file: &Path) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    let edit = Source::parse(text, file, |_, parsed| {
        for item in &parsed.items {
            if let Some(name) = declared_name(item)
                && names.contains(&name)
                && !found.contains(&name)
            {
                found.push(name);
            }
        }
        Edit::AlreadyDone
    });
    match edit {
        Edit::Unparsable(e) => Err(e),
        _ => Ok(found),
    }
}

/// The name a struct, a function (a test), or a `page!(... struct X ...)` declares.
fn declared_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Fn(f) => Some(f.sig.ident.to_string()),
        syn::Item::Macro(m) => {
            let tokens: Vec<TokenTree> = m.mac.tokens.clone().into_iter().collect();
            tokens.windows(2).find_map(|w| match w {
                [TokenTree::Ident(kw), TokenTree::Ident(name)] if kw == "struct" => {
                    Some(name.to_string())
                }
                _ => None,
            })
        }
        _ => None,
    }
}

/// The traits generate crud implements for its views; an impl of another trait, or an
/// inherent impl (but a `#[view]` one), is the user's own and survives `--force`.
const GENERATED_TRAITS: [&str; 5] = [
    "ListView",
    "DetailView",
    "CreateView",
    "UpdateView",
    "DeleteView",
];

/// Whether `item` is what a first run wrote for one of `names`: its struct, its page, its
/// generic view impl or its `#[view]` impl.
fn generated_for(item: &syn::Item, names: &[String]) -> bool {
    if let syn::Item::Impl(i) = item {
        let syn::Type::Path(ty) = &*i.self_ty else {
            return false;
        };
        let Some(name) = ty.path.segments.last().map(|s| s.ident.to_string()) else {
            return false;
        };
        let ours = match &i.trait_ {
            Some((path, _)) => path
                .segments
                .last()
                .is_some_and(|s| GENERATED_TRAITS.contains(&s.ident.to_string().as_str())),
            None => i.attrs.iter().any(|a| a.path().is_ident("view")),
        };
        return ours && names.contains(&name);
    }
    declared_name(item).is_some_and(|n| names.contains(&n))
}

/// Adds the missing `imports` and appends `items`. What a first run wrote for the names in
/// `replace` (the struct, its page, its generated impls) is cut out first, so a forced run's
/// items replace it (at the end of the file).
pub fn add_items(
    text: &str,
    imports: &[Import],
    items: &[Item],
    replace: &[String],
    file: &Path,
) -> Edit {
    Source::parse(text, file, |src, parsed| {
        let mut edits: Vec<(usize, usize, String)> = Vec::new();
        for item in &parsed.items {
            if generated_for(item, replace) {
                let start = src.line_start(src.offset(item.span().start()));
                let mut end = src.offset(item.span().end());
                // The line break after it, and one blank line, go with it.
                for _ in 0..2 {
                    if let Some(rest) = src.text[end..].strip_prefix(src.newline) {
                        end = src.text.len() - rest.len();
                    } else if src.text[end..].starts_with('\n') {
                        end += 1;
                    }
                }
                edits.push((start, end, String::new()));
            }
        }
        match missing_uses(parsed, imports, src.newline) {
            Ok(Some(uses)) => edits.push(uses_position(src, parsed, uses)),
            Ok(None) => {}
            Err(clash) => return Edit::NotFound(clash),
        }
        let nl = src.newline;
        let mut out = replace_ranges(src.text, edits);
        if !items.is_empty() {
            let trimmed = out.trim_end().len();
            out.truncate(trimmed);
            if !out.is_empty() {
                out.push_str(nl);
            }
            for item in items {
                out.push_str(nl);
                out.push_str(&item.text.replace('\n', nl));
            }
            if out.starts_with(nl) {
                out.drain(..nl.len());
            }
        }
        if out == src.text {
            Edit::AlreadyDone
        } else {
            Edit::Changed(out)
        }
    })
}

/// Adds each of `routes` whose name the `urlpatterns![...]` lacks, then the missing
/// `imports`. The names it already had are returned, to be reported.
pub fn add_routes(
    text: &str,
    imports: &[Import],
    routes: &[Route],
    file: &Path,
) -> (Edit, Vec<String>) {
    let mut current = text.to_owned();
    let mut existing = Vec::new();
    for route in routes {
        let step = Source::parse(&current, file, |src, parsed| {
            let Some(mac) = rjango_codegen::urlpatterns::find_macro(parsed) else {
                return Edit::NotFound("no `urlpatterns![...]` item found".into());
            };
            let entries = chunks(mac.tokens.clone());
            if entries.iter().any(|c| names_route(&c.tokens, &route.name)) {
                return Edit::AlreadyDone;
            }
            let anchor = mac.path.segments[0].ident.span();
            src.insert_entry(anchor, mac.delimiter.span(), &entries, &route.entry)
        });
        match step {
            Edit::Changed(next) => current = next,
            Edit::AlreadyDone => existing.push(route.name.clone()),
            other => return (other, existing),
        }
    }
    let edit = match add_items(&current, imports, &[], &[], file) {
        Edit::AlreadyDone if current != text => Edit::Changed(current),
        Edit::AlreadyDone => Edit::AlreadyDone,
        other => other,
    };
    (edit, existing)
}

/// Whether a `urlpatterns!` entry is a route named `name` (`name = "post-list"`).
fn names_route(tokens: &[TokenTree], name: &str) -> bool {
    let Some(TokenTree::Group(args)) = tokens.get(1) else {
        return false;
    };
    chunks(args.stream())
        .iter()
        .any(|arg| match arg.tokens.as_slice() {
            [
                TokenTree::Ident(key),
                TokenTree::Punct(eq),
                TokenTree::Literal(value),
            ] => {
                key == "name"
                    && eq.as_char() == '='
                    && syn::parse_str::<syn::LitStr>(&value.to_string())
                        .is_ok_and(|s| s.value() == name)
            }
            _ => false,
        })
}

/// Imports whose name must come from their own path: names a user may well import from
/// elsewhere (`rjango::urls::reverse`, an HTTP crate's `Client`), which would not have what
/// the generated code calls.
const EXACT: [&str; 4] = ["reverse", "api", "filters", "Client"];

/// The `use` lines for the imports the file lacks, grouped by path in the order given; None
/// when it has them all. A type imported under its name from anywhere counts (a re-export is
/// the same type); `reverse`, `api` and `filters` only from their own path; a glob only for
/// itself; a `#[cfg(...)]` import not at all. Err: a name the file already gives to
/// something else, which the import would clash with.
fn missing_uses(
    parsed: &syn::File,
    imports: &[Import],
    nl: &str,
) -> Result<Option<String>, String> {
    let mut have: Vec<(String, String)> = Vec::new();
    let mut own: Vec<String> = Vec::new();
    for item in &parsed.items {
        match item {
            syn::Item::Use(u) if !u.attrs.iter().any(|a| a.path().is_ident("cfg")) => {
                collect_uses(&u.tree, String::new(), &mut have);
            }
            syn::Item::Use(_) => {}
            // What the imports are (modules, types, traits) lives in the type namespace, so
            // only an item there clashes (a `fn post` does not hide the `post` module).
            syn::Item::Mod(m) => own.push(m.ident.to_string()),
            syn::Item::Struct(s) => own.push(s.ident.to_string()),
            syn::Item::Enum(e) => own.push(e.ident.to_string()),
            syn::Item::Trait(t) => own.push(t.ident.to_string()),
            syn::Item::Type(t) => own.push(t.ident.to_string()),
            _ => {}
        }
    }
    let mut missing: Vec<&Import> = Vec::new();
    for i in imports {
        if i.name == "*" {
            if !have
                .iter()
                .any(|(path, name)| name == "*" && *path == i.path)
            {
                missing.push(i);
            }
            continue;
        }
        let named: Vec<&String> = have
            .iter()
            .filter(|(_, name)| *name == i.name)
            .map(|(path, _)| path)
            .collect();
        let exact = EXACT.contains(&i.name.as_str());
        match named.first() {
            Some(path) if exact && !named.contains(&&i.path) => {
                return Err(format!(
                    "it imports `{}` from `{path}`, and the generated code needs `{}::{}` under that name; import yours under another (`use {path}::{} as ...;`) and run again",
                    i.name, i.path, i.name, i.name
                ));
            }
            Some(_) => {}
            None if own.contains(&i.name) => {
                return Err(format!(
                    "it declares its own `{}`, and the generated code imports `{}::{}` under that name; rename yours and run again",
                    i.name, i.path, i.name
                ));
            }
            None => missing.push(i),
        }
    }
    if missing.is_empty() {
        return Ok(None);
    }
    let mut paths: Vec<&str> = Vec::new();
    for i in &missing {
        if !paths.contains(&i.path.as_str()) {
            paths.push(&i.path);
        }
    }
    let mut lines = String::new();
    for path in paths {
        let names: Vec<&str> = missing
            .iter()
            .filter(|i| i.path == path)
            .map(|i| i.name.as_str())
            .collect();
        let line = match names.as_slice() {
            [one] => format!("use {path}::{one};"),
            many => {
                let line = format!("use {path}::{{{}}};", many.join(", "));
                if line.len() <= 100 {
                    line
                } else {
                    wrapped_use(path, many, nl)
                }
            }
        };
        lines.push_str(&line);
        lines.push_str(nl);
    }
    Ok(Some(lines))
}

/// A `use` of many names as rustfmt lays it out past 100 columns: the names on indented
/// lines between the braces.
fn wrapped_use(path: &str, names: &[&str], nl: &str) -> String {
    let body = crate::crud::rust::fill(names, 4);
    format!("use {path}::{{{nl}{}{nl}}};", body.join(nl))
}

/// Every (path, name) a use tree imports, a rename by its new name, a glob as `*`.
fn collect_uses(tree: &syn::UseTree, prefix: String, out: &mut Vec<(String, String)>) {
    let join = |name: String| {
        if prefix.is_empty() {
            name
        } else {
            format!("{prefix}::{name}")
        }
    };
    match tree {
        syn::UseTree::Path(p) => collect_uses(&p.tree, join(p.ident.to_string()), out),
        syn::UseTree::Name(n) => out.push((prefix.clone(), n.ident.to_string())),
        syn::UseTree::Rename(r) => out.push((prefix.clone(), r.rename.to_string())),
        syn::UseTree::Glob(_) => out.push((prefix.clone(), "*".to_owned())),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                collect_uses(t, prefix.clone(), out);
            }
        }
    }
}

/// Where the `use` lines go: after the file's last top-level `use`, else after its inner
/// doc comment (`//!`) and a blank line, else at the top.
fn uses_position(src: &Source, parsed: &syn::File, uses: String) -> (usize, usize, String) {
    let nl = src.newline;
    let last_use = parsed
        .items
        .iter()
        .rfind(|i| matches!(i, syn::Item::Use(_)));
    if let Some(last) = last_use {
        let end = src.offset(last.span().end());
        let at = src.text[end..]
            .find('\n')
            .map_or(src.text.len(), |i| end + i + 1);
        let prefix = if at == src.text.len() && !src.text.ends_with('\n') {
            nl
        } else {
            ""
        };
        return (at, at, format!("{prefix}{uses}"));
    }
    match parsed.attrs.last() {
        Some(attr) => {
            let end = src.offset(attr.span().end());
            let at = src.text[end..]
                .find('\n')
                .map_or(src.text.len(), |i| end + i + 1);
            (at, at, format!("{nl}{uses}"))
        }
        None => (0, 0, format!("{uses}{nl}")),
    }
}

/// The text with each (start, end) range replaced (ranges of the original, not overlapping).
fn replace_ranges(text: &str, mut edits: Vec<(usize, usize, String)>) -> String {
    edits.sort_by_key(|&(start, end, _)| std::cmp::Reverse((start, end)));
    let mut out = text.to_owned();
    for (start, end, with) in edits {
        out.replace_range(start..end, &with);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn import(path: &str, name: &str) -> Import {
        Import {
            path: path.into(),
            name: name.into(),
        }
    }

    fn item(name: &str, text: &str) -> Item {
        Item {
            name: name.into(),
            text: text.into(),
        }
    }

    fn changed(edit: Edit) -> String {
        match edit {
            Edit::Changed(text) => text,
            other => panic!("expected a change, got {other:?}"),
        }
    }

    #[test]
    fn uses_go_after_the_last_use_and_items_at_the_end() {
        let text =
            "//! Views.\n\nuse rjango::prelude::*; // all of it\n\n/// Mine.\npub fn index() {}\n";
        let out = changed(add_items(
            text,
            &[
                import("rjango::prelude", "*"),
                import("crate::blog::models", "Post"),
                import("crate::blog::models", "post"),
                import("crate::generated", "reverse"),
            ],
            &[item("PostList", "pub struct PostList;\n")],
            &[],
            Path::new("v.rs"),
        ));
        assert_eq!(
            out,
            "//! Views.\n\nuse rjango::prelude::*; // all of it\nuse crate::blog::models::{Post, post};\nuse crate::generated::reverse;\n\n/// Mine.\npub fn index() {}\n\npub struct PostList;\n"
        );
    }

    #[test]
    fn a_file_without_uses_gets_them_after_its_doc() {
        let out = changed(add_items(
            "//! Forms.\n",
            &[import("rjango::forms", "model_form")],
            &[item("PostForm", "pub struct PostForm;\n")],
            &[],
            Path::new("f.rs"),
        ));
        assert_eq!(
            out,
            "//! Forms.\n\nuse rjango::forms::model_form;\n\npub struct PostForm;\n"
        );
        let out = changed(add_items(
            "",
            &[import("a", "B")],
            &[item("X", "pub struct X;\n")],
            &[],
            Path::new("f.rs"),
        ));
        assert_eq!(out, "use a::B;\n\npub struct X;\n");
    }

    #[test]
    fn names_imported_in_a_group_or_renamed_count() {
        let text = "use crate::blog::models::{self, Post as P, post};\nuse crate::{generated::{reverse}};\n";
        assert_eq!(
            add_items(
                text,
                &[
                    import("crate::blog::models", "post"),
                    import("crate::generated", "reverse")
                ],
                &[],
                &[],
                Path::new("v.rs")
            ),
            Edit::AlreadyDone
        );
    }

    #[test]
    fn forced_items_replace_the_first_runs_and_keep_the_rest() {
        let text = "use a::B;\n\n/// Generated.\n#[derive(Default)]\npub struct PostList;\n\nimpl ListView for PostList {\n    type Model = Post;\n}\n\nrjango::page!(\n    /// Its page.\n    pub struct PostListPage(ListContext<Post>)\n);\n\n// The user's own.\npub fn mine() {}\n";
        assert_eq!(
            declared(
                text,
                &["PostList".into(), "PostListPage".into(), "Nope".into()],
                Path::new("v.rs")
            ),
            Ok(vec!["PostList".to_owned(), "PostListPage".to_owned()])
        );
        let out = changed(add_items(
            text,
            &[],
            &[item("PostList", "pub struct PostList; // new\n")],
            &["PostList".into(), "PostListPage".into()],
            Path::new("v.rs"),
        ));
        assert_eq!(
            out,
            "use a::B;\n\n// The user's own.\npub fn mine() {}\n\npub struct PostList; // new\n"
        );
    }

    #[test]
    fn forced_items_leave_the_users_own_impls() {
        let text = "pub struct PostList;\n\nimpl ListView for PostList {}\n\nimpl PostList {\n    fn mine(&self) {}\n}\n\nimpl std::fmt::Debug for PostList {}\n";
        let out = changed(add_items(
            text,
            &[],
            &[item("PostList", "pub struct PostList;\n")],
            &["PostList".into()],
            Path::new("v.rs"),
        ));
        assert_eq!(
            out,
            "impl PostList {\n    fn mine(&self) {}\n}\n\nimpl std::fmt::Debug for PostList {}\n\npub struct PostList;\n"
        );
    }

    #[test]
    fn clashing_and_gated_imports() {
        let needs = [import("crate::generated", "reverse")];
        let v = Path::new("v.rs");
        let Edit::NotFound(why) = add_items("use rjango::urls::reverse;\n", &needs, &[], &[], v)
        else {
            panic!()
        };
        assert!(
            why.starts_with("it imports `reverse` from `rjango::urls`"),
            "{why}"
        );
        let Edit::NotFound(why) = add_items("mod reverse {}\n", &needs, &[], &[], v) else {
            panic!()
        };
        assert!(why.starts_with("it declares its own `reverse`"), "{why}");
        // An import only tests see does not count.
        let gated = "#[cfg(test)]\nuse crate::generated::reverse;\n";
        assert_eq!(
            changed(add_items(gated, &needs, &[], &[], v)),
            format!("{gated}use crate::generated::reverse;\n")
        );
        // Nothing to add leaves the file as it is, trailing blank lines and all.
        let done = "use crate::generated::reverse;\n\n\n";
        assert_eq!(add_items(done, &needs, &[], &[], v), Edit::AlreadyDone);
    }

    #[test]
    fn routes_are_added_once_each() {
        let text = "use super::views;\nuse rjango::urls::urlpatterns;\n\nurlpatterns![\n    path(\"\", views::index, name = \"index\"), // home\n];\n";
        let routes = [
            Route {
                name: "post-list".into(),
                entry: "path(\"post/\", views::PostList::as_view(), name = \"post-list\")".into(),
            },
            Route {
                name: "index".into(),
                entry: "path(\"x/\", views::x, name = \"index\")".into(),
            },
        ];
        let (edit, existing) = add_routes(
            text,
            &[
                import("super", "views"),
                import("rjango::views::generic", "ListView"),
            ],
            &routes,
            Path::new("u.rs"),
        );
        assert_eq!(existing, ["index"]);
        let out = changed(edit);
        assert_eq!(
            out,
            "use super::views;\nuse rjango::urls::urlpatterns;\nuse rjango::views::generic::ListView;\n\nurlpatterns![\n    path(\"\", views::index, name = \"index\"), // home\n    path(\"post/\", views::PostList::as_view(), name = \"post-list\"),\n];\n"
        );
        let (again, existing) = add_routes(
            &out,
            &[import("super", "views")],
            &routes,
            Path::new("u.rs"),
        );
        assert_eq!(again, Edit::AlreadyDone);
        assert_eq!(existing, ["post-list", "index"]);
    }

    #[test]
    fn an_unparsable_file_is_located() {
        let Edit::Unparsable(e) = add_items("fn (", &[], &[], &[], Path::new("src/blog/views.rs"))
        else {
            panic!()
        };
        assert!(e.starts_with("src/blog/views.rs:1:"), "{e}");
    }
}
