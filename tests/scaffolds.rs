//! Snapshots of every file `rjango startproject` and `rjango startapp` write (and the edits
//! startapp makes), so a change to a template, the generator or the registration edits shows
//! up as a reviewable diff in snapshots/. The random SECRET_KEY and the checkout path are
//! redacted so the snapshots are the same on every machine.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn rjango(dir: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_rjango"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("CARGO", "/nonexistent/cargo")
        .output()
        .expect("run rjango");
    assert!(
        out.status.success(),
        "rjango {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every file under `root` (relative path → redacted contents).
fn files(root: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, redact(&std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// Replaces the 50 random characters of the SECRET_KEY and the path of this checkout.
fn redact(text: &str) -> String {
    let mut text = text.replace(env!("CARGO_MANIFEST_DIR"), "[CHECKOUT]");
    if let Some(start) = text.find("rjango-insecure-") {
        let key_start = start + "rjango-insecure-".len();
        let key_len = text[key_start..]
            .find('"')
            .expect("the key ends with a quote");
        assert_eq!(key_len, 50, "the SECRET_KEY has 50 random characters");
        text.replace_range(key_start..key_start + key_len, "[SECRET_KEY]");
    }
    text
}

fn snapshot(prefix: &str, files: &BTreeMap<String, String>) {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        for (path, text) in files {
            let name = format!("{prefix}__{}", path.replace(['/', '.'], "_").trim_start_matches('_'));
            insta::assert_snapshot!(name, text, path);
        }
    });
}

#[test]
fn startproject_files() {
    let tmp = tempfile::tempdir().unwrap();
    rjango(tmp.path(), &["startproject", "mysite"]);
    let mut written = files(&tmp.path().join("mysite"));
    // The lock is rjango's own, byte for byte: the versions its tests ran with.
    let lock = written
        .remove("Cargo.lock")
        .expect("startproject writes Cargo.lock");
    assert_eq!(
        lock,
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock")).unwrap()
    );
    // The contrib apps' templates are rjango's, byte for byte (no snapshot of a copy).
    let templates: Vec<String> = written
        .keys()
        .filter(|p| p.starts_with("src/generated/templates/"))
        .cloned()
        .collect();
    assert_eq!(templates.len(), 18, "{templates:?}");
    for path in templates {
        let text = written.remove(&path).unwrap();
        let theirs = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("runtime/templates")
            .join(path.trim_start_matches("src/generated/templates/"));
        assert_eq!(text, std::fs::read_to_string(theirs).unwrap(), "{path}");
    }
    let names: Vec<&str> = written.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            ".gitignore",
            "Cargo.toml",
            "askama.toml",
            "build.rs",
            "src/generated/admin.rs",
            "src/generated/auth.rs",
            "src/generated/commands.rs",
            "src/generated/migrations.rs",
            "src/generated/mod.rs",
            "src/generated/reverse.rs",
            "src/main.rs",
            "src/settings.rs",
            "src/urls.rs",
            "static/.gitkeep",
            "templates/base.html",
        ]
    );
    snapshot("startproject", &written);
}

#[test]
fn startapp_files_and_edits() {
    let tmp = tempfile::tempdir().unwrap();
    rjango(tmp.path(), &["startproject", "mysite"]);
    let root = tmp.path().join("mysite");
    let before = files(&root);
    rjango(&root, &["startapp", "blog"]);
    let after = files(&root);
    // Only what startapp wrote or changed.
    let changed: BTreeMap<String, String> = after
        .into_iter()
        .filter(|(path, text)| before.get(path) != Some(text))
        .collect();
    let names: Vec<&str> = changed.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "src/blog/admin.rs",
            "src/blog/migrations/mod.rs",
            "src/blog/mod.rs",
            "src/blog/models.rs",
            "src/blog/tests.rs",
            "src/blog/urls.rs",
            "src/blog/views.rs",
            "src/generated/mod.rs",
            "src/generated/reverse.rs",
            "src/main.rs",
            "src/settings.rs",
            "src/urls.rs",
            "templates/blog/.gitkeep",
        ]
    );
    snapshot("startapp", &changed);
}
