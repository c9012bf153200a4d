//! Facts about a project read from its files: its root, its name, its installed apps.

use std::path::{Path, PathBuf};

use syn::spanned::Spanned;

use crate::{Error, Result};

/// Walks up from `start` to the directory holding a project (Cargo.toml, src/settings.rs,
/// src/urls.rs), as Django's manage.py lives at a project's root.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| is_project(dir))
        .map(Path::to_path_buf)
}

pub fn is_project(dir: &Path) -> bool {
    dir.join("Cargo.toml").is_file()
        && dir.join("src/settings.rs").is_file()
        && dir.join("src/urls.rs").is_file()
}

/// The package name in Cargo.toml's `[package]` table.
pub fn package_name(root: &Path) -> Result<String> {
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let mut in_package = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            let header: String = line
                .chars()
                .take_while(|c| *c != '#')
                .filter(|c| !c.is_whitespace())
                .collect();
            in_package = header == "[package]";
        } else if in_package
            && let Some((key, value)) = line.split_once('=')
            && key.trim() == "name"
        {
            // The quoted value, ignoring any comment after it.
            let value = value.trim();
            if let Some(rest) = value.strip_prefix('"')
                && let Some(end) = rest.find('"')
            {
                return Ok(rest[..end].to_owned());
            }
        }
    }
    Err(Error::io(
        &path,
        std::io::Error::new(std::io::ErrorKind::InvalidData, "no [package] name"),
    ))
}

/// The file's first top-level invocation of the macro `name`, under any path (`name!`,
/// `rjango::...::name!`).
pub fn top_level_macro<'a>(file: &'a syn::File, name: &str) -> Option<&'a syn::Macro> {
    file.items.iter().find_map(|item| match item {
        syn::Item::Macro(m) if m.mac.path.segments.last().is_some_and(|s| s.ident == name) => {
            Some(&m.mac)
        }
        _ => None,
    })
}

/// Reads and parses a Rust file.
pub fn parse_file(path: &Path) -> Result<syn::File> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    syn::parse_file(&text).map_err(|e| Error::parse(path, &e))
}

/// The app names listed in `INSTALLED_APPS: vec![...]` of src/settings.rs.
pub fn installed_apps(root: &Path) -> Result<Vec<String>> {
    let path = root.join("src/settings.rs");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    installed_apps_in(&path, &text)
}

/// The app names listed in `INSTALLED_APPS: vec![...]` of a settings.rs's `text`; `path`
/// names it in errors.
pub fn installed_apps_in(path: &Path, text: &str) -> Result<Vec<String>> {
    let path = path.to_path_buf();
    let file = syn::parse_file(text).map_err(|e| Error::parse(&path, &e))?;
    let mut finder = FieldFinder {
        field: "INSTALLED_APPS",
        found: None,
    };
    syn::visit::Visit::visit_file(&mut finder, &file);
    let Some(expr) = finder.found else {
        return Err(Error::Source {
            location: crate::error::Location {
                file: path,
                line: 1,
                column: 1,
            },
            message: "no `INSTALLED_APPS: vec![...]` field in the settings".into(),
            hint: Some("the Settings struct literal needs `INSTALLED_APPS: vec![\"blog\"]`".into()),
        });
    };
    let mac = match &expr {
        syn::Expr::Macro(m) => &m.mac,
        other => {
            return Err(Error::at(
                &path,
                other.span(),
                "INSTALLED_APPS must be a `vec![...]` of string literals",
                None,
            ));
        }
    };
    let items = mac
        .parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        .map_err(|e| Error::parse(&path, &e))?;
    let mut apps = Vec::new();
    for item in items {
        match item {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => {
                let name = s.value();
                if name.contains('.') && crate::contrib::by_name(&name).is_none() {
                    let known: Vec<&str> = crate::contrib::APPS.iter().map(|a| a.name).collect();
                    let hint = match name.strip_prefix("django.") {
                        Some(rest)
                            if crate::contrib::by_name(&format!("rjango.{rest}")).is_some() =>
                        {
                            format!("rjango's is \"rjango.{rest}\"")
                        }
                        _ => format!(
                            "a project's app is named by its directory under src/ (\"blog\"); rjango's own apps are {}",
                            known.join(", ")
                        ),
                    };
                    return Err(Error::at(
                        &path,
                        s.span(),
                        format!("no installed app can be named \"{name}\""),
                        Some(hint),
                    ));
                }
                apps.push(name);
            }
            other => {
                return Err(Error::at(
                    &path,
                    other.span(),
                    "INSTALLED_APPS entries must be string literals",
                    Some("write the app's name, e.g. \"blog\"".into()),
                ));
            }
        }
    }
    Ok(apps)
}

/// The label of an installed app: the last component of its name (`rjango.contrib.auth` is
/// `auth`), which names its tables and its migrations.
pub fn app_label(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// Finds the value of a named field in a struct literal anywhere in a file.
pub struct FieldFinder<'a> {
    pub field: &'a str,
    pub found: Option<syn::Expr>,
}

impl<'ast> syn::visit::Visit<'ast> for FieldFinder<'_> {
    fn visit_field_value(&mut self, fv: &'ast syn::FieldValue) {
        if let syn::Member::Named(name) = &fv.member
            && name == self.field
            && self.found.is_none()
        {
            self.found = Some(fv.expr.clone());
        }
        syn::visit::visit_field_value(self, fv);
    }
}
