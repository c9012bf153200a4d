//! Where an app's models are declared: `src/<app>/models.rs`, or the models package
//! `src/<app>/models/mod.rs` (Django's `models/__init__.py`) with its submodules, files
//! (`mod post;`) and inline (`mod extra { ... }`) alike, as deep as they go. Every `#[model]`
//! under the app's `models` module is found, since the runtime names its table after that app
//! too (the module above `models`).
//!
//! Something that looks like a model but is not one is an error here, never skipped: a struct
//! with `#[derive(Model)]`, an attribute that is a misspelt `#[model]`, or `#[field]`s on a
//! struct without `#[model]`. Each would fail the build later with a message about a missing
//! macro; makemigrations says what is wrong at its `file:line:col` instead.

use std::path::{Path, PathBuf};

use syn::spanned::Spanned;

use super::parse::{ParsedModel, Scope, closest};
use crate::error::{Error, Result};

/// One model found, with the file that declares it.
pub struct Found {
    pub file: PathBuf,
    pub model: ParsedModel,
}

/// The root file of an app's models: models.rs, or models/mod.rs. None when the app has none.
pub fn models_root(root: &Path, app_label: &str) -> Result<Option<PathBuf>> {
    let app = root.join("src").join(app_label);
    let flat = app.join("models.rs");
    let package = app.join("models/mod.rs");
    match (flat.is_file(), package.is_file()) {
        (true, true) => Err(Error::Source {
            location: crate::error::Location {
                file: package,
                line: 1,
                column: 1,
            },
            message: format!(
                "app `{app_label}` has both models.rs and models/mod.rs, and Rust accepts only one of them"
            ),
            hint: Some("keep models/mod.rs and move the models of models.rs into it".into()),
        }),
        (true, false) => Ok(Some(flat)),
        (false, true) => Ok(Some(package)),
        (false, false) => Ok(None),
    }
}

/// Every model of an app, in declaration order (a submodule's where its `mod` stands).
pub fn app_models(root: &Path, app_label: &str) -> Result<Vec<Found>> {
    let Some(file) = models_root(root, app_label)? else {
        return Ok(Vec::new());
    };
    let source = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
    file_models(app_label, &file, &source)
}

/// The models of one file and the modules it declares. `file` is where the source is from,
/// which locates the files of its `mod x;` declarations.
pub fn file_models(app_label: &str, file: &Path, source: &str) -> Result<Vec<Found>> {
    let ast = syn::parse_file(source).map_err(|e| Error::parse(file, &e))?;
    let module = vec![app_label.to_owned(), "models".to_owned()];
    let mut out = Vec::new();
    let mut walk = Walk {
        app_label,
        out: &mut out,
    };
    walk.items(&ast.items, file, &module_dir(file), &module)?;
    Ok(out)
}

struct Walk<'a> {
    app_label: &'a str,
    out: &'a mut Vec<Found>,
}

impl Walk<'_> {
    /// The items of one module: `file` holds them, `dir` is where its submodules' files are,
    /// `module` its path below the crate (`blog::models::post`).
    fn items(
        &mut self,
        items: &[syn::Item],
        file: &Path,
        dir: &Path,
        module: &[String],
    ) -> Result<()> {
        let scope = Scope::of_items(self.app_label, module, items);
        for item in items {
            match item {
                syn::Item::Struct(s) => match super::parse::model_attr(s) {
                    Some(attr) => {
                        let model = super::parse::parse_struct(s, attr, &scope)
                            .map_err(|e| e.into_error(file))?;
                        self.out.push(Found {
                            file: file.to_owned(),
                            model,
                        });
                    }
                    None => look_alike(s).map_or(Ok(()), |e| Err(e.into_error(file)))?,
                },
                syn::Item::Mod(m) => {
                    let mut path = module.to_vec();
                    path.push(m.ident.to_string().trim_start_matches("r#").to_owned());
                    let child_dir = dir.join(&path[path.len() - 1]);
                    match &m.content {
                        Some((_, items)) => self.items(items, file, &child_dir, &path)?,
                        None => {
                            let child = module_file(dir, m, file)?;
                            let source = std::fs::read_to_string(&child)
                                .map_err(|e| Error::io(&child, e))?;
                            let ast =
                                syn::parse_file(&source).map_err(|e| Error::parse(&child, &e))?;
                            self.items(&ast.items, &child, &module_dir(&child), &path)?;
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Where the submodules of the module in `file` live: beside a mod.rs, else in a directory
/// named after the file (`models.rs` -> `models/`).
fn module_dir(file: &Path) -> PathBuf {
    let parent = file.parent().unwrap_or(Path::new(""));
    match file.file_stem().and_then(|s| s.to_str()) {
        Some("mod") | None => parent.to_owned(),
        Some(stem) => parent.join(stem),
    }
}

/// The file of `mod name;` declared in a module whose directory is `dir`.
fn module_file(dir: &Path, m: &syn::ItemMod, declared_in: &Path) -> Result<PathBuf> {
    if let Some(attr) = m.attrs.iter().find(|a| a.path().is_ident("path")) {
        return Err(Error::at(
            declared_in,
            attr.span(),
            format!(
                "makemigrations does not follow #[path] to the models of `mod {}`",
                m.ident
            ),
            Some("move the file to where Rust looks by default, and drop #[path]".into()),
        ));
    }
    let name = m.ident.to_string();
    let name = name.trim_start_matches("r#");
    let flat = dir.join(format!("{name}.rs"));
    let nested = dir.join(name).join("mod.rs");
    [flat.clone(), nested]
        .into_iter()
        .find(|p| p.is_file())
        .ok_or_else(|| {
            Error::at(
                declared_in,
                m.ident.span(),
                format!("the file of `mod {name};` is missing"),
                Some(format!("create {}", flat.display())),
            )
        })
}

/// A struct that looks like a model declaration but is not one, and why.
fn look_alike(s: &syn::ItemStruct) -> Option<super::parse::ModelError> {
    let name = &s.ident;
    let hint = || {
        Some(format!(
            "write #[model] above `pub struct {name}` (from rjango::models::prelude)"
        ))
    };
    for attr in &s.attrs {
        if attr.path().is_ident("derive") {
            let mut model_derive = None;
            let _ = attr.parse_nested_meta(|meta| {
                if meta
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "Model")
                {
                    model_derive = Some(meta.path.span());
                }
                Ok(())
            });
            if let Some(span) = model_derive {
                return Some(super::parse::ModelError::new(
                    span,
                    format!(
                        "`{name}` derives `Model`, which declares no model: a model is an attribute, `#[model]`"
                    ),
                    hint(),
                ));
            }
            continue;
        }
        let Some(last) = attr.path().segments.last() else {
            continue;
        };
        let attr_name = last.ident.to_string();
        if attr_name != "model" && closest(&attr_name, std::iter::once("model")).is_some() {
            return Some(super::parse::ModelError::new(
                attr.span(),
                format!(
                    "`#[{attr_name}]` on struct `{name}` is not `#[model]`: did you mean `#[model]`?"
                ),
                hint(),
            ));
        }
    }
    if let syn::Fields::Named(fields) = &s.fields
        && let Some(attr) = fields
            .named
            .iter()
            .flat_map(|f| &f.attrs)
            .find(|a| a.path().is_ident("field"))
    {
        return Some(super::parse::ModelError::new(
            attr.span(),
            format!(
                "struct `{name}` has #[field] attributes but no #[model], so it is not a model"
            ),
            hint(),
        ));
    }
    None
}
