//! What README.md and docs/ show is what works: every ```rust block in them is compiled, in a
//! project made by the real CLI, where its directive puts it. Models go through makemigrations
//! too, so a declaration the docs show is one makemigrations accepts.
//!
//! Each ```rust block is preceded by an HTML comment (invisible on GitHub) saying where it goes:
//!
//! - `<!-- check: file src/blog/models.rs -->` appends it to that file (created if new, and
//!   declared as a module where the project needs it);
//! - `<!-- check: fn src/blog/examples.rs -->` wraps it in an async function there (for
//!   statements: queries, a view's body), returning `Result<(), ViewError>`;
//! - `<!-- check: replace src/urls.rs -->` makes it the whole file;
//! - `<!-- check: generated src/library/views.rs -->` marks what `rjango generate crud` writes
//!   there, which tests/generate_crud.rs checks against the generator's own output (and the
//!   e2e test builds); it is not compiled here.
//!
//! A comment with lines after its first holds hidden code for the same place (what the reader
//! already has: the models a query uses), added before the block. A ```rust block without a
//! directive fails this test: nothing the docs show goes unchecked. Other fences (`sh`, `text`,
//! `toml`) are not compiled.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use support::project;

/// One ```rust block and where it goes.
#[derive(Debug)]
struct Example {
    doc: String,
    line: usize,
    mode: String,
    path: String,
    hidden: String,
    code: String,
}

/// The examples of one markdown file.
fn examples(doc: &str, text: &str) -> Vec<Example> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut pending: Option<(usize, String, String, String)> = None;
    // A directive whose hidden code needs no block after it (models a later example uses).
    let flush = |pending: &mut Option<(usize, String, String, String)>, out: &mut Vec<Example>| {
        if let Some((line, mode, path, hidden)) = pending.take() {
            assert!(
                !hidden.is_empty(),
                "{doc}:{line}: a check comment must come right before its block"
            );
            out.push(Example {
                doc: doc.to_owned(),
                line,
                mode,
                path,
                hidden,
                code: String::new(),
            });
        }
    };
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if let Some(rest) = line.strip_prefix("<!-- check:") {
            flush(&mut pending, &mut out);
            let at = i + 1;
            let (head, mut hidden, mut closed) = match rest.split_once("-->") {
                Some((head, _)) => (head.trim().to_owned(), String::new(), true),
                None => (rest.trim().to_owned(), String::new(), false),
            };
            while !closed {
                i += 1;
                let l = lines
                    .get(i)
                    .unwrap_or_else(|| panic!("{doc}:{at}: unclosed check comment"));
                if l.trim() == "-->" {
                    closed = true;
                } else {
                    hidden.push_str(l);
                    hidden.push('\n');
                }
            }
            let mut parts = head.split_whitespace();
            let mode = parts.next().unwrap_or_default().to_owned();
            let path = parts.next().unwrap_or_default().to_owned();
            assert!(
                ["file", "fn", "replace", "generated"].contains(&mode.as_str())
                    && (path.starts_with("src/") || path.starts_with("templates/")),
                "{doc}:{at}: `<!-- check: {head} -->` is not `file|fn|replace|generated src/...|templates/...`"
            );
            pending = Some((at, mode, path, hidden));
        } else if let Some(lang) = line.strip_prefix("```").filter(|l| !l.is_empty()) {
            let start = i + 1;
            let mut code = String::new();
            i += 1;
            while i < lines.len() && lines[i].trim() != "```" {
                code.push_str(lines[i]);
                code.push('\n');
                i += 1;
            }
            match pending.take() {
                Some((_, mode, path, hidden)) => out.push(Example {
                    doc: doc.to_owned(),
                    line: start,
                    mode,
                    path,
                    hidden,
                    code,
                }),
                None => assert!(
                    lang != "rust",
                    "{doc}:{start}: a ```rust block without a `<!-- check: ... -->` comment before it"
                ),
            }
        } else if !line.is_empty() {
            flush(&mut pending, &mut out);
        }
        i += 1;
    }
    flush(&mut pending, &mut out);
    out
}

/// The markdown files whose examples are checked: the README and every page of docs/.
fn documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    docs.insert(0, root.join("README.md"));
    docs
}

/// Adds `mod name;` for a new file where the module tree needs it.
fn declare(root: &Path, rel: &str) {
    let path = Path::new(rel);
    let name = path.file_stem().unwrap().to_str().unwrap();
    let parent = path.parent().unwrap();
    if name == "mod" || name == "main" {
        return;
    }
    let (owner, line) = if parent == Path::new("src") {
        (root.join("src/main.rs"), format!("mod {name};\n"))
    } else if parent.file_name().is_some_and(|f| f == "commands") {
        return; // management commands are found by the code generator
    } else {
        let owner = root.join(parent).join("mod.rs");
        if !owner.exists() {
            std::fs::write(&owner, "").unwrap();
            declare(root, &format!("{}.rs", parent.display()));
        }
        (owner, format!("pub mod {name};\n"))
    };
    let text = std::fs::read_to_string(&owner).unwrap();
    if !text.contains(line.trim()) {
        std::fs::write(&owner, format!("{text}{line}")).unwrap();
    }
}

#[test]
fn every_example_in_the_docs_compiles() {
    let mut all = Vec::new();
    for doc in documents() {
        let name = doc
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap()
            .display()
            .to_string();
        all.extend(examples(
            name.trim_start_matches('/'),
            &std::fs::read_to_string(&doc).unwrap(),
        ));
    }
    // What generate crud writes is checked by tests/generate_crud.rs.
    all.retain(|e| e.mode != "generated");
    assert!(all.len() > 10, "the docs hold examples: {}", all.len());
    // A second `replace` of a file would silently drop the first example.
    let mut replaced = std::collections::BTreeSet::new();
    for e in all.iter().filter(|e| e.mode == "replace") {
        assert!(
            replaced.insert(&e.path),
            "{}:{}: {} is replaced by another example already; add to it with `file` instead",
            e.doc,
            e.line,
            e.path
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let root = project::startproject(dir.path(), "docsite");
    for app in ["blog", "music", "polls", "reference"] {
        project::run_rjango(&root, &["startapp", app]);
    }
    // The files examples add to, in order; replacements first.
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for (n, e) in all.iter().enumerate() {
        let template = e.path.starts_with("templates/");
        let origin = if template {
            String::new()
        } else {
            format!("// {}:{}\n", e.doc, e.line)
        };
        let entry = files.entry(e.path.clone()).or_default();
        let (hidden, body) = match e.mode.as_str() {
            // In a function: the hidden `use`s go to the file (once), the rest into its body.
            "fn" => {
                let (uses, lets): (Vec<&str>, Vec<&str>) = e
                    .hidden
                    .lines()
                    .partition(|l| l.trim_start().starts_with("use "));
                let uses: String = uses
                    .into_iter()
                    .filter(|u| !entry.contains(u.trim()))
                    .map(|u| format!("{u}\n"))
                    .collect();
                let body = format!(
                    "{origin}#[allow(unused, unused_mut, unreachable_code, clippy::all)]\npub async fn doc_example_{n}(request: ::rjango::http::HttpRequest) -> ::std::result::Result<(), ::rjango::http::ViewError> {{\n{}\n{}\n    Ok(())\n}}\n",
                    lets.join("\n"),
                    e.code
                );
                (uses, body)
            }
            _ => (e.hidden.clone(), format!("{origin}{}", e.code)),
        };
        if e.mode == "replace" {
            *entry = format!("{hidden}{body}");
        } else {
            entry.push_str(&hidden);
            entry.push_str(&body);
        }
    }
    for (rel, text) in &files {
        let path = root.join(rel);
        let existing = std::fs::read_to_string(&path).ok();
        let replaced = all.iter().any(|e| &e.path == rel && e.mode == "replace");
        // Examples add to what startproject and startapp wrote (the build may warn: an example
        // need not use everything it declares).
        let text = match (existing, replaced) {
            (Some(old), false) => format!("{old}\n{text}"),
            _ => text.clone(),
        };
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        if rel.starts_with("src/") && !rel.ends_with("/models.rs") && !rel.contains("/models/") {
            declare(&root, rel);
        }
    }
    let made = project::rjango()
        .args(["makemigrations", "--noinput"])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "makemigrations refused a model the docs show:\n{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let out = std::process::Command::new(env!("CARGO"))
        .args(["build", "--color=never"])
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", project::shared_target_dir())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "an example in the docs does not compile:\n{stderr}"
    );
    println!(
        "{} examples from {} documents compiled",
        all.len(),
        documents().len()
    );
}
