//! Django's static files storages: StaticFilesStorage (files copied as they are) and
//! ManifestStaticFilesStorage (also a copy named from the file's content, `site.55e7cbb9ba48.css`,
//! CSS `url()`s rewritten to those names, and `staticfiles.json` mapping one to the other).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use md5::Digest;

/// Django's `STORAGES["staticfiles"]["BACKEND"]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// `django.contrib.staticfiles.storage.StaticFilesStorage` (Django's default).
    StaticFiles,
    /// `django.contrib.staticfiles.storage.ManifestStaticFilesStorage`.
    Manifest,
}

/// The manifest's name in STATIC_ROOT, and its format's version (Django's).
pub const MANIFEST_NAME: &str = "staticfiles.json";
const MANIFEST_VERSION: &str = "1.1";

/// The first 12 hex digits of the content's MD5: Django's `file_hash`.
pub fn file_hash(content: &[u8]) -> String {
    let digest = md5::Md5::digest(content);
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// `css/site.css` with `hash`: `css/site.<hash>.css` (Django's `hashed_name`).
pub fn with_hash(name: &str, hash: &str) -> String {
    let (dir, file) = match name.rsplit_once('/') {
        Some((d, f)) => (format!("{d}/"), f),
        None => (String::new(), name),
    };
    match file.rsplit_once('.').filter(|(stem, _)| !stem.is_empty()) {
        Some((stem, ext)) => format!("{dir}{stem}.{hash}.{ext}"),
        None => format!("{dir}{file}.{hash}"),
    }
}

/// What collectstatic did: Django's summary line counts.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Collected {
    pub copied: usize,
    pub unmodified: usize,
    pub post_processed: usize,
}

impl Collected {
    /// Django's last line: `3 static files copied to '/srv/static', 1 unmodified, 3 post-processed.`
    pub fn summary(&self, root: &Path) -> String {
        let mut line = format!(
            "{} static file{} copied to '{}'",
            self.copied,
            if self.copied == 1 { "" } else { "s" },
            root.display()
        );
        if self.unmodified > 0 {
            line.push_str(&format!(", {} unmodified", self.unmodified));
        }
        if self.post_processed > 0 {
            line.push_str(&format!(", {} post-processed", self.post_processed));
        }
        line.push('.');
        line
    }
}

fn write_if_changed(path: &Path, content: &[u8]) -> std::io::Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == content) {
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // Atomic: a web server never serves half a file.
    let tmp = path.with_extension("rjango-tmp");
    std::fs::write(&tmp, content)?;
    std::fs::rename(&tmp, path)?;
    Ok(true)
}

/// Copies `files` (name, source) into `root`, and with the manifest storage their hashed copies
/// and the manifest: Django's `collectstatic`.
pub fn collect(
    files: &[(String, PathBuf)],
    root: &Path,
    storage: Storage,
) -> Result<Collected, String> {
    let mut done = Collected::default();
    let mut contents = BTreeMap::new();
    for (name, source) in files {
        let content = std::fs::read(source).map_err(|e| format!("{}: {e}", source.display()))?;
        let target = root.join(name);
        if write_if_changed(&target, &content).map_err(|e| format!("{}: {e}", target.display()))? {
            done.copied += 1;
        } else {
            done.unmodified += 1;
        }
        contents.insert(name.clone(), content);
    }
    if storage == Storage::Manifest {
        let hashed = hash_all(&contents)?;
        for (name, (hashed_name, content)) in &hashed {
            let target = root.join(hashed_name);
            write_if_changed(&target, content).map_err(|e| format!("{}: {e}", target.display()))?;
            let _ = name;
            done.post_processed += 1;
        }
        let paths: BTreeMap<&String, &String> =
            hashed.iter().map(|(name, (h, _))| (name, h)).collect();
        let manifest = serde_json::json!({
            "paths": paths,
            "version": MANIFEST_VERSION,
            "hash": manifest_hash(&paths),
        });
        write_if_changed(&root.join(MANIFEST_NAME), manifest.to_string().as_bytes())
            .map_err(|e| format!("{MANIFEST_NAME}: {e}"))?;
    }
    Ok(done)
}

/// Django's manifest hash: the file hash of `json.dumps(sorted(paths.items()))`.
fn manifest_hash(paths: &BTreeMap<&String, &String>) -> String {
    let py = |s: &str| {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 || !c.is_ascii() => {
                    let mut buf = [0u16; 2];
                    for unit in c.encode_utf16(&mut buf) {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
                c => out.push(c),
            }
        }
        out.push('"');
        out
    };
    let items: Vec<String> = paths
        .iter()
        .map(|(k, v)| format!("[{}, {}]", py(k), py(v)))
        .collect();
    file_hash(format!("[{}]", items.join(", ")).as_bytes())
}

/// Each file's hashed name and content; the references of CSS and JavaScript files rewritten
/// to the hashed names of what they point at, in passes until nothing changes (a CSS file
/// may import another), five at most as Django's.
#[allow(clippy::type_complexity)]
fn hash_all(
    contents: &BTreeMap<String, Vec<u8>>,
) -> Result<BTreeMap<String, (String, Vec<u8>)>, String> {
    let adjustable = |name: &str| {
        let lower = name.to_ascii_lowercase();
        lower.ends_with(".css") || lower.ends_with(".js")
    };
    let mut hashed: BTreeMap<String, (String, Vec<u8>)> = contents
        .iter()
        .map(|(name, content)| {
            (
                name.clone(),
                (with_hash(name, &file_hash(content)), content.clone()),
            )
        })
        .collect();
    for _ in 0..5 {
        let names: BTreeMap<String, String> = hashed
            .iter()
            .map(|(n, (h, _))| (n.clone(), h.clone()))
            .collect();
        let mut changed = false;
        for (name, content) in contents.iter().filter(|(n, _)| adjustable(n)) {
            let text = String::from_utf8_lossy(content);
            let rewritten = rewrite_references(name, &text, &names)?;
            let new_name = with_hash(name, &file_hash(rewritten.as_bytes()));
            if hashed[name].0 != new_name {
                changed = true;
            }
            hashed.insert(name.clone(), (new_name, rewritten.into_bytes()));
        }
        if !changed {
            break;
        }
    }
    Ok(hashed)
}

/// The references of a CSS file (`url(...)`, `@import "..."`, its source map) or a JavaScript
/// file (its source map) to other static files, pointed at their hashed names as Django's
/// `url_converter` does: the file name replaced, the directory, query and fragment kept,
/// `url()` written with double quotes. A reference to a file collectstatic does not have
/// fails, with Django's message.
pub fn rewrite_references(
    name: &str,
    text: &str,
    hashed: &BTreeMap<String, String>,
) -> Result<String, String> {
    let lower = name.to_ascii_lowercase();
    let mut text = text.to_owned();
    if lower.ends_with(".css") {
        text = replace_between(&text, "url(", ")", |inner| {
            let url = inner
                .trim_start_matches(['"', '\''])
                .trim_start()
                .trim_end_matches(['"', '\'']);
            Ok(convert(name, url, hashed)?.map(|u| format!("url(\"{u}\")")))
        })?;
        for quote in ['"', '\''] {
            text = replace_import(&text, quote, name, hashed)?;
        }
        text = replace_source_map(&text, "/*# sourceMappingURL=", " */", name, hashed)?;
    } else if lower.ends_with(".js") {
        text = replace_source_map(&text, "//# sourceMappingURL=", "", name, hashed)?;
    }
    Ok(text)
}

/// Each `open...close` in `text` given to `f` (the part between, without the marks); `Some`
/// replaces the whole match, `None` keeps it.
fn replace_between(
    text: &str,
    open: &str,
    close: &str,
    mut f: impl FnMut(&str) -> Result<Option<String>, String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(open) {
        let after = &rest[at + open.len()..];
        let Some(end) = after.find(close) else { break };
        out.push_str(&rest[..at]);
        let whole = &rest[at..at + open.len() + end + close.len()];
        match f(&after[..end])? {
            Some(replacement) => out.push_str(&replacement),
            None => out.push_str(whole),
        }
        rest = &after[end + close.len()..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `@import "x.css"` (Django's pattern: `@import`, spaces, a quote) as `@import url("...")`.
fn replace_import(
    text: &str,
    quote: char,
    name: &str,
    hashed: &BTreeMap<String, String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("@import") {
        let after = &rest[at + 7..];
        let spaces = after.len() - after.trim_start().len();
        let body = &after[spaces..];
        let Some(url_and_rest) = body.strip_prefix(quote) else {
            out.push_str(&rest[..at + 7]);
            rest = after;
            continue;
        };
        let Some(end) = url_and_rest.find(['"', '\'']) else {
            break;
        };
        let url = url_and_rest[..end].trim_start();
        out.push_str(&rest[..at]);
        match convert(name, url, hashed)? {
            Some(u) => out.push_str(&format!("@import url(\"{u}\")")),
            None => out.push_str(&rest[at..at + 7 + spaces + 1 + end + 1]),
        }
        rest = &url_and_rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A source-map comment on a line of its own: `/*# sourceMappingURL=x */` or `//# ...=x`.
fn replace_source_map(
    text: &str,
    open: &str,
    close: &str,
    name: &str,
    hashed: &BTreeMap<String, String>,
) -> Result<String, String> {
    let mut lines = Vec::new();
    for line in text.split('\n') {
        let replaced = match line.strip_prefix(open).and_then(|l| l.strip_suffix(close)) {
            Some(url) => convert(name, url.trim_end_matches([' ', '\t']), hashed)?
                .map(|u| format!("{open}{u}{close}")),
            None => None,
        };
        lines.push(replaced.unwrap_or_else(|| line.to_owned()));
    }
    Ok(lines.join("\n"))
}

/// One reference of file `name`, pointed at the hashed name of what it names; None when it
/// is left alone (another site's URL, a `data:` one, a fragment, a path outside STATIC_URL).
fn convert(
    name: &str,
    url: &str,
    hashed: &BTreeMap<String, String>,
) -> Result<Option<String>, String> {
    let scheme = url
        .split_once(':')
        .is_some_and(|(s, _)| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase()));
    if scheme || url.starts_with("//") {
        return Ok(None);
    }
    let prefix = super::static_prefix();
    if url.starts_with('/') && !url.starts_with(&prefix) {
        return Ok(None);
    }
    let (url_path, fragment) = url
        .split_once('#')
        .map_or((url, None), |(p, f)| (p, Some(f)));
    if url_path.is_empty() {
        return Ok(None);
    }
    let (path, query) = url_path
        .split_once('?')
        .map_or((url_path, None), |(p, q)| (p, Some(q)));
    let target = match path.strip_prefix(&prefix) {
        Some(in_static) => normalize(in_static),
        None => {
            let dir = name.rsplit_once('/').map_or("", |(d, _)| d);
            normalize(&format!("{dir}/{path}"))
        }
    };
    let target = percent_encoding::percent_decode_str(&target)
        .decode_utf8_lossy()
        .into_owned();
    let Some(hashed_target) = hashed.get(&target) else {
        return Err(format!(
            "The file '{target}' could not be found with ManifestStaticFilesStorage (it is referenced in '{name}')."
        ));
    };
    let hashed_file = hashed_target.rsplit('/').next().unwrap_or(hashed_target);
    let kept = path
        .rsplit_once('/')
        .map_or(String::new(), |(d, _)| format!("{d}/"));
    let mut out = format!("{kept}{hashed_file}");
    match (query, fragment) {
        (Some(q), _) => {
            out.push('?');
            out.push_str(q);
        }
        // Django keeps the `?` of `font.eot?#iefix`.
        (None, Some(_)) if url.contains("?#") => out.push('?'),
        _ => {}
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    Ok(Some(out))
}

/// `a/b/../c` as `a/c` (posixpath.normpath, relative).
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The hashed name of `path` from STATIC_ROOT's manifest, read once per STATIC_ROOT.
pub fn hashed_name(path: &str) -> Option<String> {
    type Manifest = Arc<BTreeMap<String, String>>;
    static LOADED: OnceLock<Mutex<Option<(PathBuf, Manifest)>>> = OnceLock::new();
    let root = crate::conf::try_settings()?.STATIC_ROOT.clone()?;
    let slot = LOADED.get_or_init(Mutex::default);
    let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
    let manifest = match slot.as_ref() {
        Some((r, m)) if *r == root => m.clone(),
        _ => {
            let text = std::fs::read_to_string(root.join(MANIFEST_NAME)).ok()?;
            let json: serde_json::Value = serde_json::from_str(&text).ok()?;
            let paths: BTreeMap<String, String> =
                serde_json::from_value(json.get("paths")?.clone()).ok()?;
            let m = Arc::new(paths);
            *slot = Some((root, m.clone()));
            m
        }
    };
    manifest.get(path).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_as_djangos() {
        // hashlib.md5(b"body{}").hexdigest()[:12]
        assert_eq!(file_hash(b"body{}"), "aa676972bbd2");
        assert_eq!(with_hash("css/site.css", "abc"), "css/site.abc.css");
        assert_eq!(with_hash("LICENSE", "abc"), "LICENSE.abc");
        assert_eq!(with_hash("a.b/.env", "abc"), "a.b/.env.abc");
        assert_eq!(with_hash("js/app.min.js", "abc"), "js/app.min.abc.js");
    }

    #[test]
    fn css_urls_point_at_hashed_names() {
        let hashed: BTreeMap<String, String> = [
            ("img/logo.png".to_owned(), "img/logo.123.png".to_owned()),
            ("css/font.woff".to_owned(), "css/font.456.woff".to_owned()),
        ]
        .into();
        let css = "a{background:url('../img/logo.png')} @font-face{src:url(font.woff?#iefix)} b{background:url(data:image/png;base64,xx)} c{background:url(\"/abs.png\")}";
        assert_eq!(
            rewrite_references("css/site.css", css, &hashed).unwrap(),
            "a{background:url(\"../img/logo.123.png\")} @font-face{src:url(\"font.456.woff?#iefix\")} b{background:url(data:image/png;base64,xx)} c{background:url(\"/abs.png\")}"
        );
        assert_eq!(
            rewrite_references("css/site.css", "x{background:url(missing.png)}", &hashed),
            Err("The file 'css/missing.png' could not be found with ManifestStaticFilesStorage (it is referenced in 'css/site.css').".into())
        );
    }
}
