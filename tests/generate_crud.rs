//! `rjango generate crud`: snapshots of every file it writes or edits for a model with every
//! field kind, a second run that keeps the user's edits, `--api` added later, `--force`, and
//! its refusals. (The e2e test builds what it writes and drives it in a browser.)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/crud");

fn rjango(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rjango"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("CARGO", "/nonexistent/cargo")
        .output()
        .expect("run rjango")
}

/// Runs rjango, asserting it succeeds; returns stdout and stderr together.
fn ok(dir: &Path, args: &[&str]) -> String {
    let out = rjango(dir, args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "rjango {args:?}:\n{text}");
    text
}

/// A project `name` with the app `app`, whose models.rs is the fixture `models`.
fn project_with(name: &str, app: &str, models: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    ok(tmp.path(), &["startproject", name]);
    let root = tmp.path().join(name);
    ok(&root, &["startapp", app]);
    std::fs::copy(
        Path::new(FIXTURES).join(models),
        root.join("src").join(app).join("models.rs"),
    )
    .unwrap();
    (tmp, root)
}

/// A project with the app `catalog` holding the every-kind models.
fn project() -> (tempfile::TempDir, PathBuf) {
    project_with("shop", "catalog", "catalog_models.rs")
}

fn files(root: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn changed(
    before: &BTreeMap<String, String>,
    after: BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    after
        .into_iter()
        .filter(|(path, text)| before.get(path) != Some(text))
        .collect()
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.contains(from),
        "{} lacks {from:?}:\n{text}",
        path.display()
    );
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn every_generated_file_for_a_model_with_every_field_kind() {
    let (_tmp, root) = project();
    let before = files(&root);
    let said = ok(&root, &["generate", "crud", "catalog", "Product", "--api"]);
    // What the form cannot edit is said, one line each, and shown on the pages.
    for line in [
        "Product.price (DecimalField) is not in ProductForm: forms do not edit this kind of field yet; the pages show it",
        "Product.created (DateTimeField) is not in ProductForm: auto_now fields are set on save",
        "Product.type is named by a Rust keyword, which templates cannot name: left out of the form and the pages",
    ] {
        assert!(said.contains(line), "{said}");
    }
    let mut written = changed(&before, files(&root));
    // src/generated/ is rebuilt by every build (its snapshots are codegen's); here it must
    // hold the new routes' reverse functions.
    let reverse = written.remove("src/generated/reverse.rs").unwrap();
    assert!(
        reverse.contains("pub fn product_update(pk: impl ::rjango::urls::IntParam) -> String"),
        "{reverse}"
    );
    assert!(
        reverse.contains("pub fn product_api_list() -> String"),
        "{reverse}"
    );
    written.retain(|path, _| !path.starts_with("src/generated/"));
    let names: Vec<&str> = written.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "src/catalog/forms.rs",
            "src/catalog/mod.rs",
            "src/catalog/tests.rs",
            "src/catalog/urls.rs",
            "src/catalog/views.rs",
            "templates/catalog/product_confirm_delete.html",
            "templates/catalog/product_detail.html",
            "templates/catalog/product_form.html",
            "templates/catalog/product_list.html",
        ]
    );
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        for (path, text) in &written {
            let name = format!("generate_crud__{}", path.replace(['/', '.'], "_"));
            insta::assert_snapshot!(name, text, path);
        }
    });
}

/// `generate crud` of Product with three of its fields.
const SOME_FIELDS: &[&str] = &[
    "generate",
    "crud",
    "catalog",
    "Product",
    "--fields",
    "name,slug,maker",
];

#[test]
fn a_second_run_keeps_the_users_edits_and_says_what_exists() {
    let (_tmp, root) = project();
    ok(&root, SOME_FIELDS);
    let views = root.join("src/catalog/views.rs");
    let list = root.join("templates/catalog/product_list.html");
    // The user's own changes to a generated view and template.
    edit(
        &views,
        "Some(\"The product was created.\".to_owned())",
        "Some(\"Saved!\".to_owned())",
    );
    edit(&list, "<h1>Products</h1>", "<h1>Our products</h1>");
    let before = files(&root);

    let said = ok(&root, SOME_FIELDS);
    assert_eq!(files(&root), before, "a second run changed a file:\n{said}");
    for line in [
        "Already there, kept as they are (--force replaces what generate crud writes):",
        "ProductForm in src/catalog/forms.rs",
        "ProductCreate in src/catalog/views.rs",
        "product_pages in src/catalog/tests.rs",
        "the route \"product-list\" in src/catalog/urls.rs",
        "templates/catalog/product_list.html",
        "Nothing to add: the product pages exist.",
    ] {
        assert!(said.contains(line), "{line:?} not in:\n{said}");
    }

    // --api later adds only the JSON views and their routes; the edits stay.
    let said = ok(&root, &["generate", "crud", "catalog", "Product", "--api"]);
    assert!(
        said.contains("added ProductApiList, ProductApiDetail in src/catalog/views.rs"),
        "{said}"
    );
    assert!(
        said.contains("added product_api in src/catalog/tests.rs"),
        "{said}"
    );
    assert!(
        said.contains("added 2 routes to src/catalog/urls.rs"),
        "{said}"
    );
    let views_text = std::fs::read_to_string(&views).unwrap();
    assert!(
        views_text.contains("Some(\"Saved!\".to_owned())"),
        "{views_text}"
    );
    assert_eq!(views_text.matches("pub struct ProductCreate;").count(), 1);
    assert!(
        std::fs::read_to_string(&list)
            .unwrap()
            .contains("<h1>Our products</h1>")
    );
    let forms = std::fs::read_to_string(root.join("src/catalog/forms.rs")).unwrap();
    assert!(forms.contains("fields = [name, slug, maker]"), "{forms}");

    // --force puts the generated code back in place of the edited one, and keeps the rest of
    // the file (the app's own index view) as it was.
    ok(
        &root,
        &["generate", "crud", "catalog", "Product", "--force"],
    );
    let views_text = std::fs::read_to_string(&views).unwrap();
    assert!(!views_text.contains("Saved!"), "{views_text}");
    assert_eq!(views_text.matches("pub struct ProductCreate;").count(), 1);
    assert_eq!(views_text.matches("pub struct ProductApiList;").count(), 1);
    assert!(views_text.contains("pub async fn index(_request: HttpRequest)"));
    assert!(
        std::fs::read_to_string(&list)
            .unwrap()
            .contains("<h1>Products</h1>")
    );
}

#[test]
fn refusals_are_one_line_and_change_nothing() {
    let (_tmp, root) = project();
    let before = files(&root);
    let refused = |args: &[&str], message: &str| {
        let out = rjango(&root, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains(message),
            "{args:?}: {message:?} not in {stderr}"
        );
        assert_eq!(files(&root), before, "{args:?} changed a file");
    };
    refused(
        &["generate", "crud", "shop", "Product"],
        "error: this project has no app 'shop' (no src/shop/mod.rs); create it with: rjango startapp shop",
    );
    refused(
        &["generate", "crud", "catalog", "Widget"],
        "error: the app 'catalog' has no model 'Widget'; its models are: Maker, Tag, Product",
    );
    refused(
        &[
            "generate",
            "crud",
            "catalog",
            "Product",
            "--fields",
            "name,colour",
        ],
        "error: --fields: Product has no field 'colour'; its fields are: id, name,",
    );
    refused(
        &[
            "generate",
            "crud",
            "catalog",
            "Product",
            "--fields",
            "name,price",
        ],
        "error: --fields: Product.price cannot be edited in a form (forms do not edit this kind of field yet); leave it out of --fields",
    );
    std::fs::write(root.join("src/catalog/views.rs"), "pub fn broken( {\n").unwrap();
    let before = files(&root);
    let out = rjango(&root, &["generate", "crud", "catalog", "Product"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("src/catalog/views.rs:1:"), "{stderr}");
    assert!(stderr.contains("generate crud changed nothing"), "{stderr}");
    assert_eq!(files(&root), before);
    // A usage error is clap's, exit 2.
    let out = rjango(&root, &["generate", "crud", "catalog"]);
    assert_eq!(out.status.code(), Some(2));
}

/// docs/generate.md shows what generate crud writes: each block marked
/// `<!-- check: generated PATH -->` is in PATH as written for the library fixture's models
/// (which the e2e test builds).
#[test]
fn the_docs_show_what_it_writes() {
    let (_tmp, root) = project_with("mysite", "library", "library_models.rs");
    ok(&root, &["generate", "crud", "library", "Author"]);
    ok(&root, &["generate", "crud", "library", "Book", "--api"]);
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/generate.md"))
            .unwrap();
    let lines: Vec<&str> = doc.lines().collect();
    let mut checked = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some(path) = line
            .strip_prefix("<!-- check: generated ")
            .and_then(|rest| rest.strip_suffix(" -->"))
        else {
            continue;
        };
        assert!(
            lines[i + 1].starts_with("```"),
            "docs/generate.md:{}: no block after the comment",
            i + 1
        );
        let block: Vec<&str> = lines[i + 2..]
            .iter()
            .take_while(|l| !l.starts_with("```"))
            .copied()
            .collect();
        let block = block.join("\n");
        let written = std::fs::read_to_string(root.join(path)).unwrap();
        assert!(
            written.contains(&block),
            "docs/generate.md:{}: {path} does not hold this block:\n{block}\n--- it holds:\n{written}",
            i + 1
        );
        checked += 1;
    }
    assert_eq!(checked, 5, "the blocks of docs/generate.md checked");
}
