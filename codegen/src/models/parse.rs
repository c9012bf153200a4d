//! Reads model declarations (`src/<app>/models.rs`) into the schema state (DESIGN.md, "Model
//! declarations").
//!
//! One parser serves two callers: the CLI and build.rs read whole files (`parse_models`,
//! `parse_app`, `project_state`) and report `file:line:col` errors, and the `#[model]` attribute
//! macro validates one struct (`parse_model_item`) so the same mistakes are compile errors at the
//! same spans. The checks are Django's system checks (their ids are cited), made errors because a
//! schema that Django would only warn about cannot be migrated correctly.

use std::collections::HashMap;
use std::path::Path;

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Ident, Lit, Token, Type, UnOp};

use super::discover::Found;
use super::state::{
    Condition, Constraint, FieldState, FieldType, Index, ModelOptions, ModelState, OnDelete,
    ProjectState, Q, Value,
};
use crate::error::{Error, Result};

/// The field types a model may use, by Django's class names.
pub const FIELD_TYPES: [&str; 27] = [
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "CharField",
    "TextField",
    "SlugField",
    "EmailField",
    "URLField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "BooleanField",
    "FloatField",
    "DecimalField",
    "DateField",
    "DateTimeField",
    "TimeField",
    "DurationField",
    "UUIDField",
    "JSONField",
    "BinaryField",
    "ForeignKey",
    "OneToOneField",
    "ManyToManyField",
];

/// The keys of `#[field(...)]`.
pub const FIELD_ATTRIBUTES: [&str; 17] = [
    "max_length",
    "default",
    "unique",
    "db_index",
    "db_column",
    "primary_key",
    "blank",
    "choices",
    "help_text",
    "verbose_name",
    "on_delete",
    "related_name",
    "max_digits",
    "decimal_places",
    "auto_now",
    "auto_now_add",
    "db_table",
];

/// The keys of `#[model(...)]` (Django's `Meta` options).
pub const MODEL_ATTRIBUTES: [&str; 6] = [
    "db_table",
    "ordering",
    "unique_together",
    "indexes",
    "constraints",
    "verbose_name",
];

/// Python's keywords: never a field or related name in Django (a Python attribute cannot be one).
const PYTHON_KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// What `#[model]` generates in a model's field module besides the field handles.
const GENERATED_ITEMS: [&str; 5] = ["Entity", "Column", "PrimaryKey", "Relation", "ActiveModel"];

/// Rust keywords that `r#` cannot escape, so no method, field or module can have their name.
pub const UNRAW_KEYWORDS: [&str; 5] = ["crate", "self", "super", "Self", "_"];

/// `BlogPost` -> `blog_post`: the module of a model's field handles (`blog_post::title`).
pub fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// An item of generated code named after a model or a related_name (a model's handles
/// module, a field's handle): `match` for `Match` is `r#match`, and the keywords no raw
/// identifier can spell get Rust's trailing underscore (`crate_` for `Crate`, `super_` for
/// `Super`).
pub fn field_ident(name: &str) -> syn::Ident {
    if UNRAW_KEYWORDS.contains(&name) {
        return quote::format_ident!("{}_", name);
    }
    syn::parse_str::<syn::Ident>(name)
        .unwrap_or_else(|_| syn::Ident::new_raw(name, proc_macro2::Span::call_site()))
}

/// A mistake in a model declaration. It carries a span rather than a file so that the macro can
/// turn it into a compile error and the CLI into `file:line:col` (`into_error`).
#[derive(Debug, Clone)]
pub struct ModelError {
    pub span: Span,
    pub message: String,
    pub hint: Option<String>,
}

impl ModelError {
    pub(crate) fn new(span: Span, message: impl Into<String>, hint: Option<String>) -> Self {
        ModelError {
            span,
            message: message.into(),
            hint,
        }
    }

    /// The error located in `file`, as the CLI reports it.
    pub fn into_error(self, file: &Path) -> Error {
        Error::at(file, self.span, self.message, self.hint)
    }

    /// The error as a compile error, with the hint on a second line (rustc indents it under
    /// the message).
    pub fn to_syn_error(&self) -> syn::Error {
        let mut message = self.message.clone();
        if let Some(hint) = &self.hint {
            message.push_str("\nhint: ");
            message.push_str(hint);
        }
        syn::Error::new(self.span, message)
    }
}

impl From<syn::Error> for ModelError {
    fn from(e: syn::Error) -> Self {
        ModelError::new(e.span(), e.to_string(), None)
    }
}

type MResult<T> = std::result::Result<T, ModelError>;

/// Where a model is declared: its app, and the names its file imports with `use`, which is how a
/// relation to another app's model is usually written (`use crate::accounts::models::User;`).
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Empty in the macro, which sees one struct and not its app; relations then resolve to
    /// `.Model`, which only the project-wide check (not the macro) looks at.
    pub app_label: String,
    /// Local name -> the full path it stands for.
    pub imports: HashMap<String, Vec<String>>,
    /// The module's path below the crate (`["blog", "models", "post"]`); empty in the macro.
    pub module: Vec<String>,
}

impl Scope {
    pub fn new(app_label: &str) -> Self {
        Scope {
            app_label: app_label.to_owned(),
            imports: HashMap::new(),
            module: Vec::new(),
        }
    }

    /// The scope of the module `module` (`["blog", "models", "post"]`) of an app's models:
    /// its `use` items (globs import no names we can know).
    pub fn of_items(app_label: &str, module: &[String], items: &[syn::Item]) -> Self {
        let mut scope = Scope::new(app_label);
        scope.module = module.to_vec();
        for item in items {
            if let syn::Item::Use(u) = item {
                collect_use(&u.tree, &mut Vec::new(), &mut scope.imports);
            }
        }
        scope
    }
}

fn collect_use(
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    out: &mut HashMap<String, Vec<String>>,
) {
    let mut bind = |ident: &Ident, local: &Ident| {
        let name = ident.unraw().to_string();
        let mut path = prefix.clone();
        if name != "self" {
            path.push(name);
        }
        let local = if local == "self" {
            path.last().cloned()
        } else {
            Some(local.unraw().to_string())
        };
        if let Some(local) = local {
            out.insert(local, path);
        }
    };
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.unraw().to_string());
            collect_use(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => bind(&n.ident, &n.ident),
        syn::UseTree::Rename(r) => bind(&r.ident, &r.rename),
        syn::UseTree::Glob(_) => {}
        syn::UseTree::Group(g) => {
            for t in &g.items {
                collect_use(t, prefix, out);
            }
        }
    }
}

/// A relation of a parsed model, with the span the project-wide check points at.
#[derive(Debug, Clone)]
pub struct RelationRef {
    pub field: String,
    /// "app.Model".
    pub to: String,
    /// The target type (`Author` in `ForeignKey<Author>`).
    pub span: Span,
}

/// A model with the spans that checks across models need (ModelState holds no spans, because
/// migrations replay it without a source).
#[derive(Debug, Clone)]
pub struct ParsedModel {
    pub state: ModelState,
    pub name_span: Span,
    pub relations: Vec<RelationRef>,
    /// Index and constraint names, which the database needs unique across all tables.
    pub index_names: Vec<(String, Span)>,
}

/// One `key = value` of `#[model(...)]` or `#[field(...)]`.
struct Arg {
    key: Ident,
    value: Expr,
}

fn parse_args(input: ParseStream) -> syn::Result<Vec<Arg>> {
    let args =
        Punctuated::<(Ident, Token![=], Expr), Token![,]>::parse_terminated_with(input, |input| {
            Ok((
                input.call(Ident::parse_any)?,
                input.parse()?,
                input.parse()?,
            ))
        })?;
    Ok(args
        .into_iter()
        .map(|(key, _, value)| Arg { key, value })
        .collect())
}

/// Validates one `#[model]` struct; `attr` is what the parentheses of `#[model(...)]` hold.
/// The macro calls this with an app-less `Scope`.
pub fn parse_model_item(
    item: &syn::ItemStruct,
    attr: TokenStream,
    scope: &Scope,
) -> MResult<ParsedModel> {
    let args = parse_args.parse2(attr)?;
    let model = model_from_args(item, args, scope)?;
    if let Some((_, e)) = super::checks::related_clashes(&[&model]) {
        return Err(e);
    }
    Ok(model)
}

/// The `#[model]` attribute of a struct, if it is a model.
pub(crate) fn model_attr(item: &syn::ItemStruct) -> Option<&syn::Attribute> {
    item.attrs
        .iter()
        .find(|a| a.path().segments.last().is_some_and(|s| s.ident == "model"))
}

/// A struct with its `#[model(...)]` attribute, as a file declares it.
pub(crate) fn parse_struct(
    s: &syn::ItemStruct,
    attr: &syn::Attribute,
    scope: &Scope,
) -> MResult<ParsedModel> {
    let args = match &attr.meta {
        syn::Meta::Path(_) => Vec::new(),
        syn::Meta::List(list) => list.parse_args_with(parse_args)?,
        syn::Meta::NameValue(nv) => {
            return Err(ModelError::new(
                nv.eq_token.span,
                "`#[model = ...]` is not a model declaration",
                Some("write `#[model]` or `#[model(ordering = [\"name\"])]`".into()),
            ));
        }
    };
    model_from_args(s, args, scope)
}

/// The models of one models.rs, in declaration order.
pub fn parse_models(app_label: &str, file: &Path, source: &str) -> Result<Vec<ModelState>> {
    Ok(parse_file_models(app_label, file, source)?
        .into_iter()
        .map(|m| m.state)
        .collect())
}

/// The models of one file (and of the modules it declares), with spans.
pub fn parse_file_models(app_label: &str, file: &Path, source: &str) -> Result<Vec<ParsedModel>> {
    let found = super::discover::file_models(app_label, file, source)?;
    check_app(app_label, &found)?;
    Ok(found.into_iter().map(|f| f.model).collect())
}

/// The checks within one app: model names are unique (case-insensitively, as Django's are),
/// and so are index and constraint names.
fn check_app(app_label: &str, found: &[Found]) -> Result<()> {
    for (i, f) in found.iter().enumerate() {
        let model = &f.model;
        if let Some(prev) = found[..i]
            .iter()
            .find(|p| p.model.state.name_lower() == model.state.name_lower())
        {
            return Err(Error::at(
                &f.file,
                model.name_span,
                format!(
                    "model `{}` is declared twice in app `{app_label}`",
                    model.state.name
                ),
                Some(format!(
                    "Django names models case-insensitively: `{}` is already declared; rename one",
                    prev.model.state.name
                )),
            ));
        }
    }
    check_index_names(found.iter().map(|f| (f.file.as_path(), &f.model)))
        .map_err(|(file, e)| e.into_error(file))
}

/// The models of one app: `root/src/<app>/models.rs` or its models package (none without).
fn read_app(root: &Path, app_label: &str) -> Result<Vec<Found>> {
    if let Some(contrib) = crate::contrib::by_name(app_label) {
        // An app of rjango's: its models.rs is built into the generator.
        let Some(source) = contrib.models else {
            return Ok(Vec::new());
        };
        let file = crate::contrib::display_path(contrib, "models.rs");
        return super::discover::file_models(contrib.label, &file, source);
    }
    let found = super::discover::app_models(root, app_label)?;
    check_app(app_label, &found)?;
    Ok(found)
}

/// The models of one app.
pub fn parse_app(root: &Path, app_label: &str) -> Result<Vec<ModelState>> {
    Ok(read_app(root, app_label)?
        .into_iter()
        .map(|f| f.model.state)
        .collect())
}

/// The models of every app, with the checks that need them all: each relation names a model
/// that exists (Django's fields.E300), index and constraint names are unique in the database
/// (models.E030/E032), and reverse relations clash with nothing (fields.E302-E305).
pub fn project_state(root: &Path, apps: &[String]) -> Result<ProjectState> {
    Ok(project_models(root, apps)?.0)
}

/// [`project_state`], with every model's (app, lower-cased name) in declaration order: apps in
/// INSTALLED_APPS order, each app's models as its files declare them (Django's registration
/// order, which dumpdata follows).
pub fn project_models(
    root: &Path,
    apps: &[String],
) -> Result<(ProjectState, Vec<(String, String)>)> {
    let mut found = Vec::new();
    for app in apps {
        found.extend(read_app(root, app)?);
    }
    let mut state = ProjectState::default();
    for f in &found {
        state.add(f.model.state.clone());
    }
    let known: Vec<String> = state
        .models
        .values()
        .map(|m| format!("{}.{}", m.app_label, m.name))
        .collect();
    let integer_key = |m: &rjango_schema::ModelState| {
        m.fields
            .iter()
            .find(|(_, f)| f.primary_key)
            .is_none_or(|(_, f)| f.field_type.is_integer())
    };
    for Found { file, model: m } in &found {
        for r in &m.relations {
            let (app, model) = r.to.split_once('.').unwrap_or(("", &r.to));
            if let Some(target) = state.get(app, model) {
                // What `#[model]` refuses at compile time, said here first, at the field.
                if !integer_key(target) || !integer_key(&m.state) {
                    return Err(Error::at(
                        file,
                        r.span,
                        format!(
                            "`{}.{}` relates `{}` and `{}`, and rjango relates models by integer primary keys only (for now)",
                            m.state.name, r.field, m.state.name, target.name
                        ),
                        Some(
                            "give both an AutoField/BigAutoField (or integer) primary key, and keep the CharField or UUIDField as a unique field instead".into(),
                        ),
                    ));
                }
                continue;
            }
            let mut hint = match closest(&r.to, known.iter().map(String::as_str)) {
                Some(c) => format!("did you mean `{c}`? "),
                None => String::new(),
            };
            if known.is_empty() {
                hint.push_str("no app declares any model");
            } else {
                hint.push_str(&format!("the models are: {}", known.join(", ")));
            }
            return Err(Error::at(
                file,
                r.span,
                format!(
                    "field `{}` of `{}.{}` is a relation to `{}`, which is not a model of an installed app",
                    r.field, m.state.app_label, m.state.name, r.to
                ),
                Some(hint),
            ));
        }
    }
    check_index_names(found.iter().map(|f| (f.file.as_path(), &f.model)))
        .map_err(|(file, e)| e.into_error(file))?;
    let models: Vec<&ParsedModel> = found.iter().map(|f| &f.model).collect();
    if let Some((i, e)) = super::checks::related_clashes(&models) {
        return Err(e.into_error(&found[i].file));
    }
    let order = found
        .iter()
        .map(|f| (f.model.state.app_label.clone(), f.model.state.name_lower()))
        .collect();
    Ok((state, order))
}

/// Index and constraint names are one namespace of the database, so they are unique across
/// models (a model's own duplicates are caught while parsing it).
fn check_index_names<'a>(
    models: impl Iterator<Item = (&'a Path, &'a ParsedModel)>,
) -> std::result::Result<(), (&'a Path, ModelError)> {
    let mut seen: HashMap<&str, &ModelState> = HashMap::new();
    for (file, m) in models {
        for (name, span) in &m.index_names {
            if let Some(other) = seen.insert(name, &m.state)
                && (other.app_label != m.state.app_label || other.name != m.state.name)
            {
                return Err((
                    file,
                    ModelError::new(
                        *span,
                        format!(
                            "index or constraint name `{name}` is already used by model `{}.{}`",
                            other.app_label, other.name
                        ),
                        Some(
                            "index and constraint names are unique in the database; rename one"
                                .into(),
                        ),
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn model_from_args(item: &syn::ItemStruct, args: Vec<Arg>, scope: &Scope) -> MResult<ParsedModel> {
    let name = item.ident.unraw().to_string();
    if !item.generics.params.is_empty() {
        return Err(ModelError::new(
            item.generics.params.span(),
            format!("model `{name}` cannot be generic"),
            Some("a model is one table; declare one struct per table".into()),
        ));
    }
    let named = match &item.fields {
        syn::Fields::Named(n) => n,
        _ => {
            return Err(ModelError::new(
                item.ident.span(),
                format!("model `{name}` must be a struct with named fields"),
                Some(
                    "e.g. `pub struct Post { #[field(max_length = 200)] pub title: CharField }`"
                        .into(),
                ),
            ));
        }
    };

    // Check the Meta keys before the fields: a misspelt key is the likelier mistake to report.
    let mut seen: Vec<String> = Vec::new();
    for arg in &args {
        let key = arg.key.unraw().to_string();
        if !MODEL_ATTRIBUTES.contains(&key.as_str()) {
            return Err(unknown_key(&arg.key, &key, "model", &MODEL_ATTRIBUTES));
        }
        if seen.contains(&key) {
            return Err(ModelError::new(
                arg.key.span(),
                format!("`{key}` is given twice"),
                None,
            ));
        }
        seen.push(key);
    }

    let mut fields: Vec<(String, FieldState)> = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    let mut relations = Vec::new();
    for f in &named.named {
        let (field_name, state, relation) = parse_field(f, &name, scope)?;
        if let Some((to, span)) = relation {
            relations.push(RelationRef {
                field: field_name.clone(),
                to,
                span,
            });
        }
        spans.push(f.ident.as_ref().map_or_else(|| f.ty.span(), Ident::span));
        fields.push((field_name, state));
    }

    // The field module `#[model]` generates (`post::title`) also holds the model's SeaORM entity
    // (`post::Entity`, ...) and each many-to-many's join-table entity (`post::tags_through`).
    for ((field_name, state), span) in fields.iter().zip(&spans) {
        let taken = if GENERATED_ITEMS.contains(&field_name.as_str()) {
            Some(format!("the model's SeaORM `{field_name}`"))
        } else {
            field_name.strip_suffix("_through").and_then(|m2m| {
                fields
                    .iter()
                    .any(|(n, f)| {
                        n == m2m && matches!(f.field_type, FieldType::ManyToManyField { .. })
                    })
                    .then(|| format!("the join table of `{m2m}`"))
            })
        };
        if let Some(taken) = taken {
            let hint = if state.field_type.has_column() {
                format!(
                    "rename the field; its column can keep the name: #[field(db_column = \"{field_name}\")]"
                )
            } else {
                "rename the field".to_owned()
            };
            return Err(ModelError::new(
                *span,
                format!(
                    "field `{field_name}` of `{name}` would share its name with {taken}, which #[model] generates beside the field handles"
                ),
                Some(hint),
            ));
        }
    }

    // The primary key: at most one (models.E026); else the implicit `id` (models.E004).
    let mut pk: Option<&str> = None;
    for ((field_name, state), span) in fields.iter().zip(&spans) {
        if state.primary_key {
            if let Some(first) = pk {
                return Err(ModelError::new(
                    *span,
                    format!("model `{name}` has more than one primary key: `{first}` and `{field_name}`"),
                    Some("keep primary_key = true on one field; use a UniqueConstraint for the others".into()),
                ));
            }
            pk = Some(field_name);
        }
    }
    if pk.is_none() {
        if let Some(i) = fields.iter().position(|(n, _)| n == "id") {
            return Err(ModelError::new(
                spans[i],
                format!("field `id` of `{name}` clashes with the implicit primary key `id`"),
                Some("set #[field(primary_key = true)] on it, or rename it".into()),
            ));
        }
        let mut id = FieldState::new(FieldType::BigAutoField);
        id.primary_key = true;
        fields.insert(0, ("id".to_owned(), id));
        spans.insert(0, item.ident.span());
    }

    // Column clashes (models.E007): `author` ForeignKey is column author_id.
    let mut columns: Vec<(String, &str)> = Vec::new();
    for ((field_name, state), span) in fields.iter().zip(&spans) {
        if !state.field_type.has_column() {
            continue;
        }
        let column = state.column(field_name);
        if let Some((_, other)) = columns.iter().find(|(c, _)| *c == column) {
            return Err(ModelError::new(
                *span,
                format!("field `{field_name}` of `{name}` has column `{column}`, which field `{other}` already uses"),
                Some("rename one of them, or give one another column with #[field(db_column = \"...\")]".into()),
            ));
        }
        columns.push((column, field_name));
    }

    let mut options = ModelOptions::default();
    let mut index_names: Vec<(String, Span)> = Vec::new();
    let model = ModelRefs {
        name: &name,
        fields: &fields,
    };
    for arg in &args {
        let key = arg.key.unraw().to_string();
        match key.as_str() {
            "db_table" => {
                let (table, span) = lit_str(&arg.value, &key)?;
                if table.is_empty() {
                    return Err(ModelError::new(span, "db_table cannot be empty", None));
                }
                options.db_table = Some(table);
            }
            "verbose_name" => options.verbose_name = Some(lit_str(&arg.value, &key)?.0),
            "ordering" => {
                for (entry, span) in str_list(&arg.value, &key)? {
                    model.check_ordering(&entry, span)?;
                    options.ordering.push(entry);
                }
            }
            "unique_together" => {
                let groups = match strip(&arg.value) {
                    // Django accepts one group written flat: unique_together = ("a", "b").
                    Expr::Array(a) if a.elems.iter().all(|e| matches!(strip(e), Expr::Lit(_))) => {
                        vec![str_list(&arg.value, &key)?]
                    }
                    Expr::Array(a) => a
                        .elems
                        .iter()
                        .map(|e| str_list(e, &key))
                        .collect::<MResult<_>>()?,
                    other => {
                        return Err(expected(
                            other,
                            &key,
                            "a list of field lists, e.g. [[\"a\", \"b\"]]",
                        ));
                    }
                };
                for group in groups {
                    let mut names = Vec::new();
                    for (field, span) in group {
                        model.check_field_ref(&field, span, "unique_together", false)?;
                        names.push(field);
                    }
                    options.unique_together.push(names);
                }
            }
            "indexes" => {
                for call in calls(&arg.value, &key, &["Index"])? {
                    let kwargs = kwargs(call, &["fields", "name"])?;
                    let fields = model.field_list(&kwargs, call, "Index", true)?;
                    let (index_name, span) = required_name(&kwargs, call, "Index")?;
                    push_name(&mut index_names, &name, index_name.clone(), span)?;
                    options.indexes.push(Index {
                        name: index_name,
                        fields,
                    });
                }
            }
            "constraints" => {
                for call in calls(&arg.value, &key, &["UniqueConstraint", "CheckConstraint"])? {
                    let (kwargs, class) =
                        if path_tail(&call.func).as_deref() == Some("UniqueConstraint") {
                            (
                                kwargs(call, &["fields", "name", "condition", "nulls_distinct"])?,
                                "UniqueConstraint",
                            )
                        } else {
                            // Django 5.1 renamed `check` to `condition`; both are accepted.
                            (
                                kwargs(call, &["check", "condition", "name"])?,
                                "CheckConstraint",
                            )
                        };
                    let (constraint_name, span) = required_name(&kwargs, call, class)?;
                    let constraint = if class == "UniqueConstraint" {
                        let condition = kwargs
                            .iter()
                            .find(|(k, _)| k == "condition")
                            .map(|(_, e)| model.condition(e))
                            .transpose()?;
                        let nulls_distinct = kwargs
                            .iter()
                            .find(|(k, _)| k == "nulls_distinct")
                            .map(|(k, e)| lit_bool(e, k))
                            .transpose()?;
                        Constraint::Unique {
                            name: constraint_name.clone(),
                            fields: model.field_list(&kwargs, call, class, false)?,
                            condition: condition.map(Condition::Q),
                            nulls_distinct,
                        }
                    } else {
                        let (_, e) = kwargs
                            .iter()
                            .find(|(k, _)| k == "check" || k == "condition")
                            .ok_or_else(|| {
                                ModelError::new(
                                    call.span(),
                                    "a CheckConstraint needs `check` (Django 5.1: `condition`)",
                                    Some("e.g. CheckConstraint(check = Q(views__gte = 0), name = \"views_gte_0\")".into()),
                                )
                            })?;
                        // A Q, rendered for each backend; or SQL written by hand, the escape
                        // hatch, used as written.
                        let check = match strip(e) {
                            Expr::Lit(_) => Condition::Sql(lit_str(e, "check")?.0),
                            _ => Condition::Q(model.condition(e)?),
                        };
                        Constraint::Check {
                            name: constraint_name.clone(),
                            check,
                        }
                    };
                    push_name(&mut index_names, &name, constraint_name, span)?;
                    options.constraints.push(constraint);
                }
            }
            _ => unreachable!("checked against MODEL_ATTRIBUTES above"),
        }
    }

    Ok(ParsedModel {
        state: ModelState {
            app_label: scope.app_label.clone(),
            name,
            fields,
            options,
        },
        name_span: item.ident.span(),
        relations,
        index_names,
    })
}

fn push_name(
    names: &mut Vec<(String, Span)>,
    model: &str,
    name: String,
    span: Span,
) -> MResult<()> {
    if name.is_empty() {
        return Err(ModelError::new(
            span,
            "an index or constraint name cannot be empty",
            None,
        ));
    }
    if names.iter().any(|(n, _)| *n == name) {
        return Err(ModelError::new(
            span,
            format!("index or constraint name `{name}` is used twice in model `{model}`"),
            Some("index and constraint names are unique in the database; rename one".into()),
        ));
    }
    names.push((name, span));
    Ok(())
}

/// A model's fields, for checking the names its options refer to.
struct ModelRefs<'a> {
    name: &'a str,
    fields: &'a [(String, FieldState)],
}

impl ModelRefs<'_> {
    /// A `Q` over this model's own fields, each lookup checked against its field's type.
    fn condition(&self, e: &Expr) -> MResult<Q> {
        let q = super::condition::parse_q(e)?;
        self.check_q(&q, e.span())?;
        Ok(q)
    }

    fn check_q(&self, q: &Q, span: Span) -> MResult<()> {
        match q {
            Q::And(items) | Q::Or(items) => items.iter().try_for_each(|q| self.check_q(q, span)),
            Q::Not(q) => self.check_q(q, span),
            Q::Lookup {
                field,
                lookup,
                value,
            } => {
                let known = |name: &str| {
                    self.find(name).ok_or_else(|| {
                        let names: Vec<&str> =
                            self.fields.iter().map(|(n, _)| n.as_str()).collect();
                        let hint = match closest(name, names.iter().copied()) {
                            Some(c) => format!("did you mean `{c}`?"),
                            None => format!("its fields are: {}", names.join(", ")),
                        };
                        ModelError::new(
                            span,
                            format!(
                                "the constraint's Q names `{name}`, which is not a field of `{}`",
                                self.name
                            ),
                            Some(hint),
                        )
                    })
                };
                let f = known(field)?;
                if matches!(f.field_type, FieldType::ManyToManyField { .. }) {
                    return Err(ModelError::new(
                        span,
                        format!(
                            "the constraint's Q names `{field}`, a ManyToManyField: a constraint checks the row's own columns"
                        ),
                        None,
                    ));
                }
                if let rjango_schema::QValue::F(other) = value {
                    known(other)?;
                }
                let text = matches!(
                    f.field_type,
                    FieldType::CharField { .. }
                        | FieldType::TextField
                        | FieldType::SlugField { .. }
                        | FieldType::EmailField { .. }
                        | FieldType::URLField { .. }
                );
                super::condition::value_fits(lookup, value, |v| f.field_type.accepts(v), text)
                    .map_err(|why| {
                        ModelError::new(
                            span,
                            format!(
                                "the constraint's lookup `{field}__{lookup}` on `{}`: {why}",
                                self.name
                            ),
                            None,
                        )
                    })
            }
        }
    }

    /// A field by its name or, for a ForeignKey, its attribute name (`author_id`), as Django's
    /// `_meta.get_field` finds it.
    fn find(&self, name: &str) -> Option<&FieldState> {
        self.fields.iter().find_map(|(n, f)| {
            let attname = matches!(
                f.field_type,
                FieldType::ForeignKey { .. } | FieldType::OneToOneField { .. }
            ) && name.strip_suffix("_id") == Some(n.as_str());
            (n == name || attname).then_some(f)
        })
    }

    fn unknown(&self, field: &str, span: Span, what: &str) -> ModelError {
        let names: Vec<&str> = self.fields.iter().map(|(n, _)| n.as_str()).collect();
        let mut hint = match closest(field, names.iter().copied()) {
            Some(c) => format!("did you mean `{c}`? "),
            None => String::new(),
        };
        hint.push_str(&format!(
            "the fields of `{}` are: {}",
            self.name,
            names.join(", ")
        ));
        ModelError::new(
            span,
            format!(
                "{what} refers to `{field}`, which is not a field of `{}`",
                self.name
            ),
            Some(hint),
        )
    }

    /// Django's models.E015: `-name` sorts descending, `?` randomly, `pk` is the primary key,
    /// and `author__name` follows a relation (its far side is checked by the database).
    fn check_ordering(&self, entry: &str, span: Span) -> MResult<()> {
        if entry == "?" {
            return Ok(());
        }
        let field = entry.strip_prefix('-').unwrap_or(entry);
        let (head, rest) = match field.split_once("__") {
            Some((h, r)) => (h, Some(r)),
            None => (field, None),
        };
        if head == "pk" && rest.is_none() {
            return Ok(());
        }
        match self.find(head) {
            Some(f) if rest.is_none() || f.field_type.is_relation() => Ok(()),
            Some(_) => Err(ModelError::new(
                span,
                format!(
                    "ordering refers to `{field}`, but `{head}` of `{}` is not a relation",
                    self.name
                ),
                Some(
                    "only a ForeignKey, OneToOneField or ManyToManyField can be followed with `__`"
                        .into(),
                ),
            )),
            None => Err(self.unknown(head, span, "ordering")),
        }
    }

    /// Django's models.E012 (no such field) and E013 (a ManyToManyField has no column).
    fn check_field_ref(
        &self,
        field: &str,
        span: Span,
        what: &str,
        descending: bool,
    ) -> MResult<()> {
        let name = if descending {
            field.strip_prefix('-').unwrap_or(field)
        } else {
            field
        };
        match self.find(name) {
            None => Err(self.unknown(name, span, what)),
            Some(f) if !f.field_type.has_column() => Err(ModelError::new(
                span,
                format!("{what} refers to the ManyToManyField `{name}`, which has no column"),
                Some(
                    "a many-to-many relation is a table of its own; name fields with a column"
                        .into(),
                ),
            )),
            Some(_) => Ok(()),
        }
    }

    fn field_list(
        &self,
        kwargs: &[(String, &Expr)],
        call: &syn::ExprCall,
        class: &str,
        descending: bool,
    ) -> MResult<Vec<String>> {
        let Some((_, expr)) = kwargs.iter().find(|(k, _)| k == "fields") else {
            return Err(ModelError::new(
                call.span(),
                format!("{class} needs `fields`"),
                Some(format!(
                    "e.g. {class}(fields = [\"title\"], name = \"...\")"
                )),
            ));
        };
        let fields = str_list(expr, "fields")?;
        if fields.is_empty() {
            return Err(ModelError::new(
                expr.span(),
                format!("{class} needs at least one field"),
                None,
            ));
        }
        let mut out = Vec::new();
        for (field, span) in fields {
            self.check_field_ref(&field, span, class, descending)?;
            out.push(field);
        }
        Ok(out)
    }
}

fn required_name(
    kwargs: &[(String, &Expr)],
    call: &syn::ExprCall,
    class: &str,
) -> MResult<(String, Span)> {
    match kwargs.iter().find(|(k, _)| k == "name") {
        Some((k, e)) => lit_str(e, k),
        None => Err(ModelError::new(
            call.span(),
            format!("{class} needs a name"),
            Some(format!(
                "migrations refer to it by name: {class}(..., name = \"<table>_<fields>_{}\")",
                if class == "Index" { "idx" } else { "key" }
            )),
        )),
    }
}

/// The `Name(...)` calls of a list option (`indexes = [Index(...), ...]`).
fn calls<'a>(expr: &'a Expr, key: &str, classes: &[&str]) -> MResult<Vec<&'a syn::ExprCall>> {
    let example = format!("a list of {}(...)", classes.join(" or "));
    let Expr::Array(array) = strip(expr) else {
        return Err(expected(expr, key, &example));
    };
    array
        .elems
        .iter()
        .map(|e| match strip(e) {
            Expr::Call(call)
                if path_tail(&call.func).is_some_and(|t| classes.contains(&t.as_str())) =>
            {
                Ok(call)
            }
            other => Err(expected(other, key, &example)),
        })
        .collect()
}

/// The `key = value` arguments of a call, checked against the keys it takes.
fn kwargs<'a>(call: &'a syn::ExprCall, known: &[&str]) -> MResult<Vec<(String, &'a Expr)>> {
    let class = path_tail(&call.func).unwrap_or_default();
    let mut out: Vec<(String, &Expr)> = Vec::new();
    for arg in &call.args {
        let Expr::Assign(assign) = arg else {
            return Err(ModelError::new(
                arg.span(),
                format!("{class} takes `key = value` arguments"),
                Some(format!("{class} takes: {}", known.join(", "))),
            ));
        };
        let key = match strip(&assign.left) {
            Expr::Path(p) if p.qself.is_none() && p.path.get_ident().is_some() => {
                p.path.get_ident().unwrap()
            }
            other => {
                return Err(ModelError::new(
                    other.span(),
                    format!("{class} takes `key = value` arguments"),
                    None,
                ));
            }
        };
        let name = key.unraw().to_string();
        if !known.contains(&name.as_str()) {
            return Err(unknown_key(key, &name, &class, known));
        }
        if out.iter().any(|(k, _)| *k == name) {
            return Err(ModelError::new(
                key.span(),
                format!("`{name}` is given twice"),
                None,
            ));
        }
        out.push((name, &assign.right));
    }
    Ok(out)
}

fn path_tail(expr: &Expr) -> Option<String> {
    match strip(expr) {
        Expr::Path(p) if p.qself.is_none() => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Parentheses and invisible groups (from macro expansion) say nothing about a value.
fn strip(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(p) => strip(&p.expr),
        Expr::Group(g) => strip(&g.expr),
        other => other,
    }
}

fn expected(expr: &Expr, key: &str, what: &str) -> ModelError {
    ModelError::new(expr.span(), format!("`{key}` takes {what}"), None)
}

fn lit_str(expr: &Expr, key: &str) -> MResult<(String, Span)> {
    match strip(expr) {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok((s.value(), s.span())),
        other => Err(expected(other, key, "a string, e.g. \"...\"")),
    }
}

fn lit_bool(expr: &Expr, key: &str) -> MResult<bool> {
    match strip(expr) {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Bool(b), ..
        }) => Ok(b.value),
        other => Err(expected(other, key, "true or false")),
    }
}

fn lit_u32(expr: &Expr, key: &str, min: u32) -> MResult<u32> {
    match strip(expr) {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Int(i), ..
        }) => match i.base10_parse::<u32>() {
            Ok(n) if n >= min => Ok(n),
            _ => Err(expected(
                expr,
                key,
                if min == 0 {
                    "an integer >= 0"
                } else {
                    "a positive integer"
                },
            )),
        },
        other => Err(expected(
            other,
            key,
            if min == 0 {
                "an integer >= 0"
            } else {
                "a positive integer"
            },
        )),
    }
}

fn str_list(expr: &Expr, key: &str) -> MResult<Vec<(String, Span)>> {
    match strip(expr) {
        Expr::Array(a) => a.elems.iter().map(|e| lit_str(e, key)).collect(),
        other => Err(expected(other, key, "a list of strings, e.g. [\"name\"]")),
    }
}

fn unknown_key(ident: &Ident, key: &str, what: &str, known: &[&str]) -> ModelError {
    let mut hint = match closest(key, known.iter().copied()) {
        Some(c) => format!("did you mean `{c}`? "),
        None => String::new(),
    };
    hint.push_str(&format!("the {what} attributes are: {}", known.join(", ")));
    ModelError::new(
        ident.span(),
        format!("unknown {what} attribute `{key}`"),
        Some(hint),
    )
}

/// The type of a field as written: `CharField`, `Option<ForeignKey<Author>>`.
struct FieldTy {
    kind: &'static str,
    null: bool,
    /// The field type's name (`CharField`), where errors about what it lacks point.
    span: Span,
    /// "app.Model" and the target type's span, for relations.
    target: Option<(String, Span)>,
}

/// What a Rust type spells in Django's terms, for the hint when one is used as a field type.
fn rust_type_hint(name: &str) -> Option<&'static str> {
    Some(match name {
        "String" | "str" => "use CharField (with max_length) or TextField",
        "i32" | "u32" => "use IntegerField",
        "i64" | "u64" => "use BigIntegerField",
        "i16" | "u16" => "use SmallIntegerField",
        "bool" => "use BooleanField",
        "f32" | "f64" => "use FloatField",
        "Decimal" => "use DecimalField",
        "Uuid" => "use UUIDField",
        "Vec" => "use BinaryField for bytes, or a ManyToManyField for related rows",
        _ => return None,
    })
}

fn parse_field_type(ty: &Type, model: &str, scope: &Scope, in_option: bool) -> MResult<FieldTy> {
    let segment = match ty {
        Type::Group(g) => return parse_field_type(&g.elem, model, scope, in_option),
        Type::Paren(p) => return parse_field_type(&p.elem, model, scope, in_option),
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    };
    let Some(segment) = segment else {
        return Err(ModelError::new(
            ty.span(),
            "a model field's type must be a field type such as CharField",
            Some(format!("the field types are: {}", FIELD_TYPES.join(", "))),
        ));
    };
    let name = segment.ident.to_string();
    let span = segment.ident.span();
    let type_args: Vec<&Type> = match &segment.arguments {
        syn::PathArguments::None => Vec::new(),
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .map(|arg| match arg {
                syn::GenericArgument::Type(t) => Ok(t),
                other => Err(ModelError::new(other.span(), "expected a type", None)),
            })
            .collect::<MResult<_>>()?,
        syn::PathArguments::Parenthesized(p) => {
            return Err(ModelError::new(p.span(), "expected a field type", None));
        }
    };
    if name == "Option" {
        let [inner] = type_args[..] else {
            return Err(ModelError::new(
                segment.span(),
                "`Option` takes one field type",
                None,
            ));
        };
        if in_option {
            return Err(ModelError::new(
                span,
                "a field type is nullable once: nested Option",
                None,
            ));
        }
        let mut t = parse_field_type(inner, model, scope, true)?;
        if t.kind == "ManyToManyField" {
            return Err(ModelError::new(
                span,
                "a ManyToManyField cannot be an Option: null has no effect on it (Django's fields.W340)",
                Some("a many-to-many relation is a join table, empty when nothing is related; drop the Option<...>".into()),
            ));
        }
        t.null = true;
        return Ok(t);
    }
    let Some(kind) = FIELD_TYPES.iter().copied().find(|k| *k == name) else {
        let mut hint = String::new();
        if let Some(rust) = rust_type_hint(&name) {
            hint.push_str(&format!(
                "a model declares its columns with Django's field types: {rust}. "
            ));
        } else if let Some(c) = closest(&name, FIELD_TYPES.iter().copied()) {
            hint.push_str(&format!("did you mean `{c}`? "));
        }
        hint.push_str(&format!("the field types are: {}", FIELD_TYPES.join(", ")));
        return Err(ModelError::new(
            span,
            format!("unknown field type `{name}`"),
            Some(hint),
        ));
    };
    let relation = matches!(kind, "ForeignKey" | "OneToOneField" | "ManyToManyField");
    let target = match (relation, &type_args[..]) {
        (false, []) => None,
        (false, _) => {
            return Err(ModelError::new(
                segment.arguments.span(),
                format!("{kind} takes no type parameters"),
                None,
            ));
        }
        (true, [target]) => Some((resolve_target(target, model, scope)?, target.span())),
        (true, _) => {
            return Err(ModelError::new(
                span,
                format!("{kind} takes the related model: {kind}<Model>"),
                Some(format!(
                    "e.g. {kind}<Author>, {kind}<Self> or {kind}<crate::accounts::models::User>"
                )),
            ));
        }
    };
    Ok(FieldTy {
        kind,
        null: false,
        span,
        target,
    })
}

/// "app.Model" of a relation target. A model of the same app is named bare (or `Self`); another
/// app's model by its path (`crate::accounts::models::User`) or a name imported from one.
fn resolve_target(ty: &Type, model: &str, scope: &Scope) -> MResult<String> {
    let hint = || {
        Some(
            "name a model of this app (`Author`, `Self`), or another app's as `crate::<app>::models::<Model>` \
             or a name imported with `use crate::<app>::models::<Model>;`"
                .to_owned(),
        )
    };
    let path = match ty {
        Type::Group(g) => return resolve_target(&g.elem, model, scope),
        Type::Path(p)
            if p.qself.is_none() && p.path.segments.iter().all(|s| s.arguments.is_none()) =>
        {
            &p.path
        }
        _ => {
            return Err(ModelError::new(
                ty.span(),
                "the related model must be a model's name",
                hint(),
            ));
        }
    };
    let mut segments: Vec<String> = path
        .segments
        .iter()
        .map(|s| s.ident.unraw().to_string())
        .collect();
    if path.leading_colon.is_none()
        && let Some(full) = scope.imports.get(&segments[0])
    {
        segments.splice(0..1, full.iter().cloned());
    }
    // In the macro the app is unknown: a model of the same app is named bare.
    let same_app = |m: &str| match scope.app_label.as_str() {
        "" => m.to_owned(),
        app => format!("{app}.{m}"),
    };
    let n = segments.len();
    let last = &segments[n - 1];
    let is_self = n == 1 && last == "Self";
    if !scope.module.is_empty() && !is_self {
        // A file's module is known: the path from the crate root decides, and the app is the
        // module above `models`, as the runtime names tables.
        let absolute = absolute_path(&scope.module, &segments, path.leading_colon.is_some());
        return match absolute.iter().rposition(|s| s == "models") {
            Some(i) if i > 0 && i + 1 < absolute.len() => {
                Ok(format!("{}.{}", absolute[i - 1], last))
            }
            _ => Err(ModelError::new(
                ty.span(),
                format!("cannot tell which app `{}` belongs to", segments.join("::")),
                hint(),
            )),
        };
    }
    // The macro sees one struct, not its module: it names the target well enough to compare
    // two relations of the struct, and leaves the app to makemigrations and build.rs, which
    // know the module (a path relative to a models package is fine there).
    match n {
        1 if last == "Self" => Ok(same_app(model)),
        1 => Ok(same_app(last)),
        2 if segments[0] == "self" => Ok(same_app(last)),
        // `super::models::X` from src/<app>/models.rs is this app's models module.
        3 if segments[0] == "super" && segments[1] == "models" => Ok(same_app(last)),
        _ => match segments.iter().rposition(|s| s == "models") {
            Some(i)
                if i > 0
                    && i + 1 < n
                    && !matches!(segments[i - 1].as_str(), "crate" | "self" | "super") =>
            {
                Ok(format!("{}.{}", segments[i - 1], last))
            }
            _ => Ok(format!("{}.{last}", segments[..n - 1].join("::"))),
        },
    }
}

/// `path` as written in the module `module`, from the crate root: `super::author::Author` in
/// `blog::models::post` is `blog::models::author::Author`; a bare name is the module's own.
fn absolute_path(module: &[String], path: &[String], leading_colon: bool) -> Vec<String> {
    if leading_colon {
        return path.to_vec();
    }
    let mut out = module.to_vec();
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => {
            out.clear();
            rest = &path[1..];
        }
        Some("self") => rest = &path[1..],
        Some("super") => {
            while let Some(("super", tail)) = rest.split_first().map(|(h, t)| (h.as_str(), t)) {
                out.pop();
                rest = tail;
            }
        }
        _ => {}
    }
    out.extend(rest.iter().cloned());
    out
}

/// Django's fields.E001/E002 and models.E003-like name checks: `pk` is the primary key's alias,
/// `__` separates lookups, and a trailing `_` would make lookups ambiguous.
fn check_field_name(name: &str, span: Span) -> MResult<()> {
    let problem = if name == "pk" {
        "`pk` is reserved: it names the primary key, whatever field that is (Django's models.E003)"
    } else if name.ends_with('_') {
        "field names cannot end with an underscore (Django's fields.E001)"
    } else if name.contains("__") {
        "field names cannot contain `__`: it separates lookups, as in `author__name` (Django's fields.E002)"
    } else {
        return Ok(());
    };
    Err(ModelError::new(
        span,
        format!("field `{name}`: {problem}"),
        Some("rename the field".into()),
    ))
}

/// A field's name, its state, and for a relation the target ("app.Model") and its span.
type ParsedField = (String, FieldState, Option<(String, Span)>);

/// Whether a field type takes an attribute, as Django's field classes take their arguments.
fn takes(kind: &str, attr: &str) -> bool {
    const COMMON: [&str; 9] = [
        "default",
        "unique",
        "db_index",
        "db_column",
        "primary_key",
        "blank",
        "choices",
        "help_text",
        "verbose_name",
    ];
    match kind {
        "ManyToManyField" => matches!(
            attr,
            "related_name" | "db_table" | "blank" | "help_text" | "verbose_name"
        ),
        "AutoField" | "BigAutoField" | "SmallAutoField" => {
            matches!(
                attr,
                "primary_key" | "db_column" | "help_text" | "verbose_name"
            )
        }
        "ForeignKey" | "OneToOneField" => {
            (attr != "choices" && COMMON.contains(&attr))
                || matches!(attr, "on_delete" | "related_name")
        }
        _ => {
            COMMON.contains(&attr)
                || match attr {
                    "max_length" => {
                        matches!(kind, "CharField" | "SlugField" | "EmailField" | "URLField")
                    }
                    "max_digits" | "decimal_places" => kind == "DecimalField",
                    "auto_now" | "auto_now_add" => {
                        matches!(kind, "DateField" | "DateTimeField" | "TimeField")
                    }
                    _ => false,
                }
        }
    }
}

fn parse_field(f: &syn::Field, model: &str, scope: &Scope) -> MResult<ParsedField> {
    let Some(ident) = &f.ident else {
        return Err(ModelError::new(
            f.span(),
            "a model's fields are named",
            None,
        ));
    };
    let name = ident.unraw().to_string();
    check_field_name(&name, ident.span())?;
    let ty = parse_field_type(&f.ty, model, scope, false)?;
    let kind = ty.kind;

    let mut args = Vec::new();
    for attr in f.attrs.iter().filter(|a| a.path().is_ident("field")) {
        args.extend(attr.parse_args_with(parse_args)?);
    }

    let mut state = FieldState::new(FieldType::TextField);
    state.null = ty.null;
    let mut max_length = None;
    let mut max_digits = None;
    let mut decimal_places = None;
    let mut auto_now = None;
    let mut auto_now_add = None;
    let mut on_delete = None;
    let mut related_name = None;
    let mut db_table = None;
    let mut default_span = None;
    let mut seen: Vec<String> = Vec::new();
    for arg in &args {
        let key = arg.key.unraw().to_string();
        if !FIELD_ATTRIBUTES.contains(&key.as_str()) {
            return Err(unknown_key(&arg.key, &key, "field", &FIELD_ATTRIBUTES));
        }
        if !takes(kind, &key) {
            let taken: Vec<&str> = FIELD_ATTRIBUTES
                .iter()
                .copied()
                .filter(|a| takes(kind, a))
                .collect();
            return Err(ModelError::new(
                arg.key.span(),
                format!("{kind} `{name}` does not take `{key}`"),
                Some(format!("a {kind} takes: {}", taken.join(", "))),
            ));
        }
        if seen.contains(&key) {
            return Err(ModelError::new(
                arg.key.span(),
                format!("`{key}` is given twice"),
                None,
            ));
        }
        seen.push(key.clone());
        let value = &arg.value;
        match key.as_str() {
            "max_length" => max_length = Some(lit_u32(value, &key, 1)?),
            "max_digits" => max_digits = Some(lit_u32(value, &key, 1)?),
            "decimal_places" => decimal_places = Some((lit_u32(value, &key, 0)?, value.span())),
            "default" => {
                state.default = Some(value_of(kind, state.null, value, "default", &name)?);
                default_span = Some(value.span());
            }
            "unique" => state.unique = lit_bool(value, &key)?,
            "db_index" => state.db_index = lit_bool(value, &key)?,
            "primary_key" => state.primary_key = lit_bool(value, &key)?,
            "blank" => state.blank = lit_bool(value, &key)?,
            "auto_now" => auto_now = lit_bool(value, &key)?.then(|| value.span()),
            "auto_now_add" => auto_now_add = lit_bool(value, &key)?.then(|| value.span()),
            "db_column" => state.db_column = Some(non_empty(lit_str(value, &key)?, &key)?),
            "help_text" => state.help_text = Some(lit_str(value, &key)?.0),
            "verbose_name" => state.verbose_name = Some(lit_str(value, &key)?.0),
            "db_table" => db_table = Some(non_empty(lit_str(value, &key)?, &key)?),
            "related_name" => {
                let (related, span) = lit_str(value, &key)?;
                // Django's fields.E306: an identifier, or ending in `+` for no reverse accessor.
                let body = related.strip_suffix('+').unwrap_or(&related);
                let ident_like = body
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_')
                    && body.chars().all(|c| c.is_alphanumeric() || c == '_');
                if !(ident_like || related.ends_with('+')) {
                    return Err(ModelError::new(
                        span,
                        format!("related_name `{related}` is not a valid identifier (Django's fields.E306)"),
                        Some("use a name like \"posts\", or one ending with `+` for no reverse relation".into()),
                    ));
                }
                if ident_like && PYTHON_KEYWORDS.contains(&body) {
                    return Err(ModelError::new(
                        span,
                        format!(
                            "related_name `{related}` is a Python keyword, which Django refuses (fields.E306)"
                        ),
                        Some("pick another name, e.g. \"posts\"".into()),
                    ));
                }
                if ident_like && !related.ends_with('+') && UNRAW_KEYWORDS.contains(&body) {
                    return Err(ModelError::new(
                        span,
                        format!(
                            "related_name `{related}` cannot name the reverse accessor: `{body}` is a Rust keyword that no raw identifier can spell"
                        ),
                        Some(
                            "pick another name, or end it with `+` for no reverse accessor".into(),
                        ),
                    ));
                }
                related_name = Some(related);
            }
            "on_delete" => on_delete = Some((parse_on_delete(value)?, value.span())),
            "choices" => {
                let Expr::Array(array) = strip(value) else {
                    return Err(expected(value, &key, "a list of (value, \"label\") pairs"));
                };
                for elem in &array.elems {
                    match strip(elem) {
                        Expr::Tuple(t) if t.elems.len() == 2 => {
                            let v = value_of(kind, state.null, &t.elems[0], "choice", &name)?;
                            let label = lit_str(&t.elems[1], "a choice's label")?.0;
                            state.choices.push((v, label));
                        }
                        other => {
                            return Err(expected(
                                other,
                                &key,
                                "a list of (value, \"label\") pairs",
                            ));
                        }
                    }
                }
            }
            _ => unreachable!("checked against FIELD_ATTRIBUTES above"),
        }
    }

    // Django's fields.E160: the date is set by the database write, not by a default.
    let stamps = [
        auto_now.map(|s| ("auto_now", s)),
        auto_now_add.map(|s| ("auto_now_add", s)),
        default_span.map(|s| ("default", s)),
    ];
    let stamps: Vec<(&str, Span)> = stamps.into_iter().flatten().collect();
    if stamps.len() > 1 {
        return Err(ModelError::new(
            stamps[1].1,
            format!(
                "`{}` and `{}` exclude each other on `{name}` (Django's fields.E160)",
                stamps[0].0, stamps[1].0
            ),
            Some(
                "auto_now sets the date on every save, auto_now_add on creation; keep one of them"
                    .into(),
            ),
        ));
    }

    let target = ty.target.clone().map(|(to, _)| to).unwrap_or_default();
    let require = |what: &str, example: &str| {
        ModelError::new(
            ty.span,
            format!("{kind} `{name}` needs {what}"),
            Some(format!("#[field({example})]")),
        )
    };
    state.field_type = match kind {
        "CharField" => FieldType::CharField {
            max_length: max_length
                .ok_or_else(|| require("max_length (Django's fields.E120)", "max_length = 200"))?,
        },
        "DecimalField" => {
            let example = "max_digits = 10, decimal_places = 2";
            let max_digits = max_digits.ok_or_else(|| {
                require(
                    "max_digits and decimal_places (Django's fields.E132)",
                    example,
                )
            })?;
            let (places, span) = decimal_places.ok_or_else(|| {
                require(
                    "max_digits and decimal_places (Django's fields.E130)",
                    example,
                )
            })?;
            if places > max_digits {
                return Err(ModelError::new(
                    span,
                    format!(
                        "decimal_places ({places}) of `{name}` is greater than max_digits ({max_digits}) (Django's fields.E134)"
                    ),
                    Some("max_digits counts all digits, those after the point included".into()),
                ));
            }
            FieldType::DecimalField {
                max_digits,
                decimal_places: places,
            }
        }
        "DateField" | "DateTimeField" | "TimeField" => {
            let (auto_now, auto_now_add) = (auto_now.is_some(), auto_now_add.is_some());
            match kind {
                "DateField" => FieldType::DateField {
                    auto_now,
                    auto_now_add,
                },
                "DateTimeField" => FieldType::DateTimeField {
                    auto_now,
                    auto_now_add,
                },
                _ => FieldType::TimeField {
                    auto_now,
                    auto_now_add,
                },
            }
        }
        "ForeignKey" | "OneToOneField" => {
            let (on_delete, span) = on_delete.ok_or_else(|| {
                require("on_delete, as Django requires it", "on_delete = Cascade")
            })?;
            if on_delete == OnDelete::SetNull && !state.null {
                return Err(ModelError::new(
                    span,
                    format!(
                        "`{name}` is on_delete = SetNull but cannot be null (Django's fields.E320)"
                    ),
                    Some(format!(
                        "declare `Option<{kind}<...>>`, or choose another on_delete"
                    )),
                ));
            }
            if on_delete == OnDelete::SetDefault && state.default.is_none() {
                return Err(ModelError::new(
                    span,
                    format!(
                        "`{name}` is on_delete = SetDefault but has no default (Django's fields.E321)"
                    ),
                    Some(
                        "add #[field(default = <primary key>)], or choose another on_delete".into(),
                    ),
                ));
            }
            if kind == "ForeignKey" {
                FieldType::ForeignKey {
                    to: target,
                    on_delete,
                    related_name,
                }
            } else {
                FieldType::OneToOneField {
                    to: target,
                    on_delete,
                    related_name,
                }
            }
        }
        "ManyToManyField" => FieldType::ManyToManyField {
            to: target,
            related_name,
            db_table,
        },
        // The rest take no parameters, or a max_length with Django's default.
        other => FieldType::from_class(other, max_length)
            .expect("FIELD_TYPES lists only the kinds FieldType knows"),
    };
    if state.field_type.is_auto() && !state.primary_key {
        return Err(ModelError::new(
            ty.span,
            format!("{kind} `{name}` must set primary_key = true (Django's fields.E100)"),
            Some("#[field(primary_key = true)]".into()),
        ));
    }
    if state.primary_key && state.null {
        return Err(ModelError::new(
            ident.span(),
            format!("primary key `{name}` cannot be null (Django's fields.E007)"),
            Some("drop the Option<...>".into()),
        ));
    }
    Ok((name, state, ty.target))
}

fn non_empty((value, span): (String, Span), key: &str) -> MResult<String> {
    if value.is_empty() {
        return Err(ModelError::new(
            span,
            format!("`{key}` cannot be empty"),
            None,
        ));
    }
    Ok(value)
}

fn parse_on_delete(expr: &Expr) -> MResult<OnDelete> {
    let names: Vec<&str> = OnDelete::ALL.iter().map(|(n, _)| *n).collect();
    let hint = |given: &str| {
        // Django spells them CASCADE, SET_NULL: suggest ours for those.
        let plain: String = given
            .chars()
            .filter(|c| *c != '_')
            .collect::<String>()
            .to_ascii_lowercase();
        let same = names.iter().find(|n| n.to_ascii_lowercase() == plain);
        let mut hint = match same
            .copied()
            .or_else(|| closest(given, names.iter().copied()))
        {
            Some(c) => format!("did you mean `{c}`? "),
            None => String::new(),
        };
        hint.push_str(&format!("on_delete is one of: {}", names.join(", ")));
        Some(hint)
    };
    match path_tail(expr) {
        Some(name) => OnDelete::from_name(&name).ok_or_else(|| {
            ModelError::new(
                expr.span(),
                format!("unknown on_delete `{name}`"),
                hint(&name),
            )
        }),
        None => Err(ModelError::new(
            expr.span(),
            "on_delete takes a name such as Cascade",
            hint(""),
        )),
    }
}

/// A literal as written, before it is checked against a field type.
enum Literal {
    Str(String),
    Int(i128),
    /// The digits as written, so a Decimal keeps them exactly.
    Float(String),
    Bool(bool),
    None,
}

fn literal(expr: &Expr) -> Option<Literal> {
    match strip(expr) {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Some(Literal::Str(s.value())),
            Lit::Int(i) => i.base10_parse::<i128>().ok().map(Literal::Int),
            Lit::Float(f) => Some(Literal::Float(f.base10_digits().to_owned())),
            Lit::Bool(b) => Some(Literal::Bool(b.value)),
            _ => None,
        },
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => match literal(&u.expr)? {
            Literal::Int(i) => Some(Literal::Int(-i)),
            Literal::Float(f) if !f.starts_with('-') => Some(Literal::Float(format!("-{f}"))),
            _ => None,
        },
        Expr::Path(p) if p.qself.is_none() && p.path.is_ident("None") => Some(Literal::None),
        _ => None,
    }
}

/// What a field type's literal values are, and an example of one, for messages.
fn expects(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "CharField" | "TextField" | "SlugField" | "EmailField" | "URLField" | "BinaryField" => {
            ("a string", "\"\"")
        }
        "BooleanField" => ("true or false", "false"),
        "FloatField" => ("a number", "0.0"),
        "DecimalField" => (
            "a decimal number, written as a string to keep its digits",
            "\"0.00\"",
        ),
        "DateField" => ("an ISO 8601 date string", "\"2024-01-31\""),
        "DateTimeField" => ("an ISO 8601 date-time string", "\"2024-01-31T12:00:00Z\""),
        "TimeField" => ("an ISO 8601 time string", "\"12:00:00\""),
        "UUIDField" => ("a UUID string", "\"00000000-0000-0000-0000-000000000000\""),
        "JSONField" => ("a string, number or boolean", "0"),
        // Django keeps a duration as microseconds where the database has no interval type.
        "DurationField" => ("an integer number of microseconds", "0"),
        "ForeignKey" | "OneToOneField" => ("the related row's primary key, an integer", "1"),
        _ => ("an integer", "0"),
    }
}

fn int_range(kind: &str) -> Option<(i128, i128)> {
    Some(match kind {
        "SmallIntegerField" => (i16::MIN.into(), i16::MAX.into()),
        "IntegerField" => (i32::MIN.into(), i32::MAX.into()),
        "BigIntegerField" | "DurationField" | "ForeignKey" | "OneToOneField" => {
            (i64::MIN.into(), i64::MAX.into())
        }
        "PositiveSmallIntegerField" => (0, i16::MAX.into()),
        "PositiveIntegerField" => (0, i32::MAX.into()),
        "PositiveBigIntegerField" => (0, i64::MAX.into()),
        _ => return None,
    })
}

fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && frac.chars().all(|c| c.is_ascii_digit())
}

/// A default or choice value, checked against the field's type.
fn value_of(kind: &str, null: bool, expr: &Expr, what: &str, field: &str) -> MResult<Value> {
    let span = expr.span();
    let (expected, example) = expects(kind);
    let hint = || {
        Some(if what == "default" {
            format!("e.g. #[field(default = {example})]")
        } else {
            format!("e.g. #[field(choices = [({example}, \"Label\")])]")
        })
    };
    let Some(lit) = literal(expr) else {
        return Err(ModelError::new(
            span,
            format!("the {what} of {kind} `{field}` must be a literal: {expected}"),
            hint(),
        ));
    };
    let found = match &lit {
        Literal::Str(_) => "a string",
        Literal::Int(_) => "an integer",
        Literal::Float(_) => "a number with a fraction",
        Literal::Bool(_) => "a boolean",
        Literal::None => "None",
    };
    let mismatch = || {
        ModelError::new(
            span,
            format!("wrong {what} for {kind} `{field}`: expected {expected}, found {found}"),
            hint(),
        )
    };
    let text = matches!(
        kind,
        "CharField"
            | "TextField"
            | "SlugField"
            | "EmailField"
            | "URLField"
            | "BinaryField"
            | "DateField"
            | "DateTimeField"
            | "TimeField"
            | "UUIDField"
    );
    Ok(match lit {
        Literal::None if null => Value::Null,
        Literal::None => {
            return Err(ModelError::new(
                span,
                format!("{what} None needs a nullable field, and `{field}` is not an Option"),
                Some(format!("declare `Option<{kind}>` to allow NULL")),
            ));
        }
        Literal::Str(s) if text || kind == "JSONField" => Value::Str(s),
        Literal::Str(s) if kind == "DecimalField" => {
            if !is_decimal(&s) {
                return Err(ModelError::new(
                    span,
                    format!("`{s}` is not a decimal number"),
                    hint(),
                ));
            }
            Value::Decimal(s)
        }
        Literal::Int(i) if kind == "DecimalField" => Value::Decimal(i.to_string()),
        Literal::Float(f) if kind == "DecimalField" => Value::Decimal(f),
        Literal::Int(i) if kind == "FloatField" => Value::Float(i as f64),
        Literal::Float(f) if matches!(kind, "FloatField" | "JSONField") => {
            Value::Float(f.parse().map_err(|_| mismatch())?)
        }
        Literal::Bool(b) if matches!(kind, "BooleanField" | "JSONField") => Value::Bool(b),
        Literal::Int(i) if kind == "JSONField" => {
            Value::Int(i64::try_from(i).map_err(|_| mismatch())?)
        }
        Literal::Int(i) => {
            let Some((min, max)) = int_range(kind) else {
                return Err(mismatch());
            };
            if i < min || i > max {
                return Err(ModelError::new(
                    span,
                    format!("{what} {i} is out of range for {kind} `{field}`: {min}..={max}"),
                    None,
                ));
            }
            Value::Int(i as i64)
        }
        _ => return Err(mismatch()),
    })
}

pub use rjango_schema::suggest::closest;
