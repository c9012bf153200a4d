//! The model `generate crud` writes pages for, as read from the app's models.rs (with the
//! parser makemigrations uses): its names, its fields and how each is edited and shown.

use std::path::Path;

use rjango_schema::{FieldState, FieldType, ModelState};

use crate::error::{Failure, Result};
use crate::names::is_keyword;

/// A model and the names its generated code uses.
pub struct CrudModel {
    pub app: String,
    /// As declared: `Post`.
    pub name: String,
    /// Django's `model_name`: `blogpost` (its routes, templates and context name).
    pub lower: String,
    /// The module of its field handles, as `#[model]` names it: `blog_post`.
    pub handles: String,
    /// `post`, `blog post`.
    pub verbose: String,
    pub verbose_plural: String,
    /// The module the struct is declared in, from the crate root: `crate::blog::models`.
    pub module: String,
    /// The primary key's field name (`id`).
    pub pk: String,
    /// Whether `Meta.ordering` orders the rows (else the list orders them by key, since an
    /// unordered page may show a row twice).
    pub ordered: bool,
    pub fields: Vec<CrudField>,
}

/// One field of the model.
pub struct CrudField {
    pub name: String,
    /// Its verbose name, capitalised: "Published on".
    pub label: String,
    pub state: FieldState,
    /// Whether the form edits it (`--fields`, or every field a ModelForm can edit).
    pub in_form: bool,
    /// Named by a Rust keyword (`r#type`), which templates cannot name: left out.
    pub keyword: bool,
}

impl CrudField {
    /// A foreign key or one-to-one field (shown by its related row, read with
    /// `select_related`).
    pub fn is_relation(&self) -> bool {
        matches!(
            self.state.field_type,
            FieldType::ForeignKey { .. } | FieldType::OneToOneField { .. }
        )
    }

    /// Whether a page can show it: not the key, not bytes, not a many-to-many field (which
    /// needs a query of its own).
    pub fn shown(&self) -> bool {
        !self.keyword
            && !self.state.primary_key
            && !matches!(
                self.state.field_type,
                FieldType::BinaryField | FieldType::ManyToManyField { .. }
            )
    }

    /// Its type's name in Django ("DateTimeField"), for messages.
    pub fn kind(&self) -> String {
        let debug = format!("{:?}", self.state.field_type);
        debug
            .split([' ', '{', '('])
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}

impl CrudModel {
    /// The model `name` of `app` (its name as declared, or in any case), its form taking
    /// `fields` (None: every field a form can edit).
    pub fn read(root: &Path, app: &str, name: &str, fields: Option<&[String]>) -> Result<Self> {
        let found = rjango_codegen::models::discover::app_models(root, app)
            .map_err(|e| crate::commands::located(e, root))?;
        if found.is_empty() {
            return Err(Failure::new(format!(
                "the app '{app}' has no models: declare one in src/{app}/models.rs first"
            )));
        }
        let Some(model) = found
            .iter()
            .find(|f| f.model.state.name.eq_ignore_ascii_case(name))
        else {
            let names: Vec<&str> = found.iter().map(|f| f.model.state.name.as_str()).collect();
            return Err(Failure::new(format!(
                "the app '{app}' has no model '{name}'; its models are: {}",
                names.join(", ")
            )));
        };
        let state = &model.model.state;
        let module = module_of(root, app, &model.file);
        Self::from_state(state, module, fields)
    }

    fn from_state(state: &ModelState, module: String, chosen: Option<&[String]>) -> Result<Self> {
        let Some((pk, pk_state)) = state.fields.iter().find(|(_, f)| f.primary_key) else {
            return Err(Failure::new(format!("{} has no primary key", state.name)));
        };
        if !matches!(
            pk_state.field_type,
            FieldType::AutoField | FieldType::BigAutoField | FieldType::SmallAutoField
        ) {
            return Err(Failure::new(format!(
                "{}'s primary key `{pk}` is not an AutoField: the generic views find a row by `<int:pk>`, so generate crud needs a model with an integer key the database assigns",
                state.name
            )));
        }
        if let Some(chosen) = chosen {
            for name in chosen {
                let Some((_, f)) = state.fields.iter().find(|(n, _)| n == name) else {
                    let names: Vec<&str> = state.fields.iter().map(|(n, _)| n.as_str()).collect();
                    return Err(Failure::new(format!(
                        "--fields: {} has no field '{name}'; its fields are: {}",
                        state.name,
                        names.join(", ")
                    )));
                };
                if is_keyword(name) {
                    return Err(Failure::new(format!(
                        "--fields: {}.{name} is named by a Rust keyword, which the generated templates cannot name; leave it out of --fields",
                        state.name
                    )));
                }
                if f.form_field().is_none() {
                    return Err(Failure::new(format!(
                        "--fields: {}.{name} cannot be edited in a form ({}); leave it out of --fields",
                        state.name,
                        not_editable_reason(f)
                    )));
                }
            }
            if chosen.is_empty() {
                return Err(Failure::new("--fields: name at least one field"));
            }
        }
        let fields: Vec<CrudField> = state
            .fields
            .iter()
            .map(|(name, f)| CrudField {
                name: name.clone(),
                // Django's AutoField is "ID".
                label: match &f.verbose_name {
                    Some(v) => capfirst(v),
                    None if f.primary_key && name == "id" => "ID".to_owned(),
                    None => capfirst(&name.replace('_', " ")),
                },
                in_form: match chosen {
                    Some(chosen) => chosen.contains(name),
                    None => f.form_field().is_some() && !is_keyword(name),
                },
                keyword: is_keyword(name),
                state: f.clone(),
            })
            .collect();
        if !fields.iter().any(|f| f.in_form) {
            return Err(Failure::new(format!(
                "{} has no field a form can edit, so there is nothing to create or update",
                state.name
            )));
        }
        let verbose = state
            .options
            .verbose_name
            .clone()
            .unwrap_or_else(|| verbose_name(&state.name));
        Ok(CrudModel {
            app: state.app_label.clone(),
            name: state.name.clone(),
            lower: state.name_lower(),
            handles: rjango_codegen::models::parse::snake_case(&state.name),
            verbose_plural: format!("{verbose}s"),
            verbose,
            module,
            pk: pk.clone(),
            ordered: !state.options.ordering.is_empty(),
            fields,
        })
    }

    pub fn form_fields(&self) -> impl Iterator<Item = &CrudField> {
        self.fields.iter().filter(|f| f.in_form)
    }

    pub fn relations(&self) -> impl Iterator<Item = &CrudField> {
        self.fields.iter().filter(|f| f.is_relation())
    }

    /// The field that names a row on its pages (the first text field), if any.
    pub fn title_field(&self) -> Option<&CrudField> {
        self.fields.iter().find(|f| {
            !f.keyword
                && matches!(
                    f.state.field_type,
                    FieldType::CharField { .. }
                        | FieldType::SlugField { .. }
                        | FieldType::EmailField { .. }
                )
                && !f.state.null
        })
    }

    /// The fields the list shows as columns: the title field (else the key) first, linked to
    /// the row's page, then up to three more short ones.
    pub fn list_columns(&self) -> Vec<&CrudField> {
        let first = self
            .title_field()
            .or_else(|| self.fields.iter().find(|f| f.state.primary_key));
        let mut columns: Vec<&CrudField> = first.into_iter().collect();
        for f in &self.fields {
            if columns.len() == 4 {
                break;
            }
            let long = matches!(
                f.state.field_type,
                FieldType::TextField | FieldType::JSONField
            );
            if f.shown() && !long && !columns.iter().any(|c| c.name == f.name) {
                columns.push(f);
            }
        }
        columns
    }

    /// Required fields the form leaves out with nothing to fill them (a foreign key with no
    /// default): the create view must set them, or saving fails.
    pub fn unset_required(&self) -> Vec<&CrudField> {
        self.fields
            .iter()
            .filter(|f| !f.in_form && f.is_relation() && !f.state.null && f.state.default.is_none())
            .collect()
    }

    /// Fields a form cannot edit, left out when no `--fields` was given.
    pub fn left_out(&self) -> Vec<(&CrudField, &'static str)> {
        self.fields
            .iter()
            .filter(|f| !f.in_form && !f.state.primary_key && f.state.form_field().is_none())
            .map(|f| (f, not_editable_reason(&f.state)))
            .collect()
    }

    /// Fields named by a Rust keyword (`r#type`): neither edited nor shown.
    pub fn keyword_fields(&self) -> impl Iterator<Item = &CrudField> {
        self.fields.iter().filter(|f| f.keyword)
    }
}

/// Why a form cannot edit a field, in a few words.
fn not_editable_reason(f: &FieldState) -> &'static str {
    let (auto_now, auto_now_add) = f.field_type.auto_now();
    if f.primary_key {
        "the database sets the key"
    } else if auto_now || auto_now_add {
        "auto_now fields are set on save"
    } else {
        "forms do not edit this kind of field yet"
    }
}

/// The module path of the file declaring a model: `crate::blog::models`, or
/// `crate::blog::models::post` for src/blog/models/post.rs.
fn module_of(root: &Path, app: &str, file: &Path) -> String {
    let base = root.join("src").join(app).join("models");
    let mut module = format!("crate::{app}::models");
    if let Ok(rest) = file.strip_prefix(&base) {
        let mut parts: Vec<String> = rest
            .iter()
            .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
            .collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        for part in parts {
            module.push_str("::");
            module.push_str(&part);
        }
    }
    module
}

/// Django's default verbose name: `BlogPost` is "blog post".
fn verbose_name(model: &str) -> String {
    let mut out = String::new();
    for (i, c) in model.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Django's `capfirst`.
pub fn capfirst(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `word` with its indefinite article: "an author", "a book", "a user".
pub fn a(word: &str) -> String {
    let lower = word.to_lowercase();
    let vowel = lower.starts_with(['a', 'e', 'i', 'o'])
        || (lower.starts_with('u')
            && !["uni", "use", "usu", "uti", "uri", "ure"]
                .iter()
                .any(|p| lower.starts_with(p)));
    format!("{} {word}", if vowel { "an" } else { "a" })
}
