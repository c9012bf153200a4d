//! Django's checks of reverse relations (fields.E302-E305): each relation puts an accessor on
//! the model it points at (`author.posts()`) and a name lookups use backwards
//! (`Author.objects.filter(posts__title=...)`), and neither may clash with a field of that model
//! or with another relation's.
//!
//! makemigrations and build.rs run them over every installed app; `#[model]` runs them over the
//! one struct it sees, which catches two foreign keys of one model to one target without
//! related_name before rustc would report two methods of one name inside generated code.

use proc_macro2::Span;

use super::parse::{ModelError, ParsedModel};
use super::state::FieldType;

/// The methods every model has (the manager and the instance methods of `Instance`): an
/// accessor of one of these names would hide it.
const MODEL_METHODS: [&str; 11] = [
    "objects",
    "save",
    "save_using",
    "save_on",
    "save_fields",
    "save_fields_using",
    "save_fields_on",
    "delete",
    "delete_using",
    "refresh_from_db",
    "refresh_from_db_using",
];

/// One relation as its target sees it.
struct Reverse<'a> {
    /// Index of the declaring model in the checked slice.
    model: usize,
    /// "app.Model.field", as Django names it in these messages.
    label: String,
    /// "app.Model" of the target.
    target: &'a str,
    /// The reverse accessor (`posts`, `post_set`), None when hidden (`+`, a symmetrical
    /// many-to-many to itself).
    accessor: Option<String>,
    /// The reverse query name (`posts`, `post`).
    query: String,
    span: Span,
}

/// The first clash among the relations of `models`, with the index of the model that declares
/// the offending field. A target outside `models` has its fields unknown: only the relations'
/// clashes with each other are checked for it.
pub fn related_clashes(models: &[&ParsedModel]) -> Option<(usize, ModelError)> {
    let reverses = reverses(models);
    let label = |m: &ParsedModel| qualified(&m.state.app_label, &m.state.name);
    for r in &reverses {
        let target = models.iter().find(|m| label(m) == r.target);
        let object_name = r.target.rsplit('.').next().unwrap_or(r.target);
        let rename = |clash: &str| {
            Some(format!(
                "Rename field '{clash}', or add/change a related_name argument to the definition for field '{}'.",
                r.label
            ))
        };
        if let Some(target) = target {
            for (field, _) in &target.state.fields {
                let clash = format!("{}.{field}", r.target);
                if r.accessor.as_deref() == Some(field.as_str()) {
                    return Some((
                        r.model,
                        ModelError::new(
                            r.span,
                            format!(
                                "fields.E302: Reverse accessor '{object_name}.{field}' for '{}' clashes with field name '{clash}'.",
                                r.label
                            ),
                            rename(&clash),
                        ),
                    ));
                }
                if r.query == *field {
                    return Some((
                        r.model,
                        ModelError::new(
                            r.span,
                            format!(
                                "fields.E303: Reverse query name for '{}' clashes with field name '{clash}'.",
                                r.label
                            ),
                            rename(&clash),
                        ),
                    ));
                }
            }
        }
        if let Some(accessor) = &r.accessor
            && MODEL_METHODS.contains(&accessor.as_str())
        {
            return Some((
                r.model,
                ModelError::new(
                    r.span,
                    format!(
                        "fields.E302: Reverse accessor '{object_name}.{accessor}' for '{}' clashes with the method `{object_name}::{accessor}()` every model has.",
                        r.label
                    ),
                    Some(format!(
                        "Add or change a related_name argument to the definition for field '{}'.",
                        r.label
                    )),
                ),
            ));
        }
        for other in reverses
            .iter()
            .filter(|o| o.target == r.target && o.label != r.label)
        {
            let both = Some(format!(
                "Add or change a related_name argument to the definition for '{}' or '{}'.",
                r.label, other.label
            ));
            if r.accessor.is_some() && r.accessor == other.accessor {
                return Some((
                    r.model,
                    ModelError::new(
                        r.span,
                        format!(
                            "fields.E304: Reverse accessor '{object_name}.{}' for '{}' clashes with reverse accessor for '{}'.",
                            r.accessor.as_deref().unwrap_or_default(),
                            r.label,
                            other.label
                        ),
                        both,
                    ),
                ));
            }
            if other.accessor.as_deref() == Some(r.query.as_str()) {
                return Some((
                    r.model,
                    ModelError::new(
                        r.span,
                        format!(
                            "fields.E305: Reverse query name for '{}' clashes with reverse query name for '{}'.",
                            r.label, other.label
                        ),
                        both,
                    ),
                ));
            }
        }
    }
    None
}

/// `app.Model`, or `Model` where the app is not known (the macro sees one struct, not its app).
fn qualified(app: &str, model: &str) -> String {
    if app.is_empty() {
        model.to_owned()
    } else {
        format!("{app}.{model}")
    }
}

/// Every relation of `models`, with the names it adds to its target, as Django derives them.
fn reverses<'a>(models: &[&'a ParsedModel]) -> Vec<Reverse<'a>> {
    let mut out = Vec::new();
    for (i, m) in models.iter().enumerate() {
        let own = qualified(&m.state.app_label, &m.state.name);
        let lower = m.state.name.to_ascii_lowercase();
        for r in &m.relations {
            let Some((_, field)) = m.state.fields.iter().find(|(n, _)| *n == r.field) else {
                continue;
            };
            let (related_name, default, symmetrical) = match &field.field_type {
                FieldType::ForeignKey { related_name, .. } => {
                    (related_name, format!("{lower}_set"), false)
                }
                FieldType::OneToOneField { related_name, .. } => {
                    (related_name, lower.clone(), false)
                }
                FieldType::ManyToManyField { related_name, .. } => {
                    (related_name, format!("{lower}_set"), r.to == own)
                }
                _ => continue,
            };
            let hidden = symmetrical || related_name.as_deref().is_some_and(|n| n.ends_with('+'));
            out.push(Reverse {
                model: i,
                label: format!("{own}.{}", r.field),
                target: &r.to,
                accessor: (!hidden).then(|| related_name.clone().unwrap_or(default)),
                query: related_name.clone().unwrap_or_else(|| lower.clone()),
                span: r.span,
            });
        }
    }
    out
}
