//! Django's staticfiles finders: FileSystemFinder (STATICFILES_DIRS) then AppDirectoriesFinder
//! (each installed app's `static/`, here `src/<app>/static/`), the first match winning.

use std::path::{Component, Path, PathBuf};

/// The directories searched, in order.
pub fn locations() -> Vec<PathBuf> {
    let Some(s) = crate::conf::try_settings() else {
        return Vec::new();
    };
    let base = s.BASE_DIR.clone().unwrap_or_else(|| PathBuf::from("."));
    let mut dirs: Vec<PathBuf> = s
        .STATICFILES_DIRS
        .iter()
        .map(|d| {
            if d.is_absolute() {
                d.clone()
            } else {
                base.join(d)
            }
        })
        .collect();
    for app in &s.INSTALLED_APPS {
        if app.starts_with("rjango.") {
            continue; // rjango's apps have no static files yet (the admin's will)
        }
        let label = app.rsplit('.').next().unwrap_or(app);
        let dir = base.join("src").join(label).join("static");
        if dir.is_dir() {
            dirs.push(dir);
        }
    }
    dirs
}

/// `path` (a URL's path below STATIC_URL, decoded) as relative components, or None when it
/// tries to leave the directory (`..`), names a drive or a root, or holds a backslash or NUL.
pub fn safe_relative(path: &str) -> Option<PathBuf> {
    if path.contains(['\\', '\0']) {
        return None;
    }
    let mut out = PathBuf::new();
    for part in Path::new(path.trim_start_matches('/')).components() {
        match part {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// The file `relative` inside `root`, if it is a file there: a symlink that leads out of the
/// root is refused as a `..` is.
pub fn within(root: &Path, relative: &Path) -> Option<PathBuf> {
    let root = root.canonicalize().ok()?;
    let file = root.join(relative).canonicalize().ok()?;
    (file.starts_with(&root) && file.is_file()).then_some(file)
}

/// Django's `finders.find(path)`: the first location's file.
pub fn find(path: &str) -> Option<PathBuf> {
    let relative = safe_relative(path)?;
    locations().iter().find_map(|root| within(root, &relative))
}

/// Every static file, (relative path with `/`, file), the first location's for each name:
/// what collectstatic copies.
pub fn list() -> Vec<(String, PathBuf)> {
    let mut seen = std::collections::BTreeMap::new();
    for root in locations() {
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                // Django's default ignore patterns, for directories too: CVS, .* and *~ (a
                // vendored checkout's .git is never published).
                let base = entry.file_name().to_string_lossy().into_owned();
                if base == "CVS" || base.starts_with('.') || base.ends_with('~') {
                    continue;
                }
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(rel) = path.strip_prefix(&root) {
                    let name = rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    seen.entry(name).or_insert(path);
                }
            }
        }
    }
    seen.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        assert_eq!(
            safe_relative("css/site.css"),
            Some(PathBuf::from("css/site.css"))
        );
        assert_eq!(
            safe_relative("/css/./site.css"),
            Some(PathBuf::from("css/site.css"))
        );
        for bad in [
            "../secret",
            "css/../../secret",
            "..",
            "a\\..\\b",
            "a\0b",
            "",
        ] {
            assert_eq!(safe_relative(bad), None, "{bad:?}");
        }
    }
}
