//! The four askama pages `generate crud` writes into templates/<app>/, rendered from
//! `scaffolds/crud/` (written in the `crud` syntax, `[[ ]]` and `[% %]`, since what they
//! produce is askama's `{{ }}` and `{% %}`). Every name they use is checked when the project
//! builds: a field the model lacks, a route that is not there, a context variable the page
//! does not have.

use std::path::PathBuf;

use askama::Template;
use rjango_schema::FieldType;

use super::model::{CrudField, CrudModel};
use crate::error::{Failure, Result};

/// A field as a page shows it: its label, and the askama expression of its value.
pub struct Shown {
    pub label: String,
    pub value: String,
}

/// What the four templates are rendered with.
pub struct PageContext {
    pub app: String,
    pub lower: String,
    pub pk: String,
    pub verbose: String,
    pub verbose_plural: String,
    /// "Blog posts".
    pub plural_title: String,
    /// The askama text naming one row (`{{ post.title }}`, else `Post {{ post.id }}`).
    pub title: String,
    pub columns: Vec<Shown>,
    pub rows: Vec<Shown>,
}

#[derive(Template)]
#[template(path = "crud/list.html.askama", syntax = "crud", escape = "none")]
struct ListHtml<'a> {
    c: &'a PageContext,
}

#[derive(Template)]
#[template(path = "crud/detail.html.askama", syntax = "crud", escape = "none")]
struct DetailHtml<'a> {
    c: &'a PageContext,
}

#[derive(Template)]
#[template(path = "crud/form.html.askama", syntax = "crud", escape = "none")]
struct FormHtml<'a> {
    c: &'a PageContext,
}

#[derive(Template)]
#[template(
    path = "crud/confirm_delete.html.askama",
    syntax = "crud",
    escape = "none"
)]
struct ConfirmDeleteHtml<'a> {
    c: &'a PageContext,
}

/// The askama expression showing `field` of the row `var`: Django's filters for what has no
/// plain text (`yesno` for a boolean, `date` for a date, `default_if_none` for a NULL), and
/// a choice's label (Django's `get_FOO_display()`).
fn value(var: &str, field: &CrudField) -> String {
    let v = format!("{var}.{}", field.name);
    let null = field.state.null;
    let string_choices = !field.state.choices.is_empty()
        && field
            .state
            .choices
            .iter()
            .all(|(v, _)| matches!(v, rjango_schema::Value::Str(_)));
    let shown = match field.state.field_type {
        FieldType::CharField { .. } if string_choices && !null => {
            format!("{var}.get_{}_display()", field.name)
        }
        FieldType::BooleanField if null => format!("{v}|yesno(\"Yes,No,Unknown\")"),
        FieldType::BooleanField => format!("{v}|yesno(\"Yes,No\")"),
        FieldType::DateField { .. } => format!("{v}|date(\"N j, Y\")"),
        FieldType::DateTimeField { .. } => format!("{v}|date(\"N j, Y, P\")"),
        _ if null => format!("{v}|default_if_none(\"\")"),
        _ => v,
    };
    format!("{{{{ {shown} }}}}")
}

/// Whether the pages of `m` use one of Django's filters (then views.rs imports them).
pub fn uses_filters(m: &CrudModel) -> bool {
    m.fields
        .iter()
        .filter(|f| f.shown())
        .any(|f| value("x", f).contains('|'))
}

/// HTML's five special characters, for labels taken from models.rs, and `{` (which could
/// begin askama's `{{`, `{%` or `{#` in the page).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('{', "&#123;")
}

impl PageContext {
    pub fn of(m: &CrudModel) -> Self {
        let var = m.lower.as_str();
        let title = match m.title_field() {
            Some(f) => value(var, f),
            None => format!(
                "{} {{{{ {var}.{} }}}}",
                escape(&super::model::capfirst(&m.verbose)),
                m.pk
            ),
        };
        let shown = |f: &CrudField| Shown {
            label: escape(&f.label),
            value: value(var, f),
        };
        PageContext {
            app: m.app.clone(),
            lower: m.lower.clone(),
            pk: m.pk.clone(),
            verbose: escape(&m.verbose),
            verbose_plural: escape(&m.verbose_plural),
            plural_title: escape(&super::model::capfirst(&m.verbose_plural)),
            title,
            columns: m.list_columns().into_iter().map(shown).collect(),
            rows: m.fields.iter().filter(|f| f.shown()).map(shown).collect(),
        }
    }
}

/// The four pages: (path from the project root, text).
pub fn pages(m: &CrudModel) -> Result<Vec<(PathBuf, String)>> {
    let c = PageContext::of(m);
    let dir = PathBuf::from("templates").join(&m.app);
    let file = |suffix: &str| dir.join(format!("{}_{suffix}.html", m.lower));
    let render = |r: askama::Result<String>| {
        r.map(|mut text| {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text
        })
        .map_err(|e| Failure::new(format!("could not render a page: {e}")))
    };
    Ok(vec![
        (file("list"), render(ListHtml { c: &c }.render())?),
        (file("detail"), render(DetailHtml { c: &c }.render())?),
        (file("form"), render(FormHtml { c: &c }.render())?),
        (
            file("confirm_delete"),
            render(ConfirmDeleteHtml { c: &c }.render())?,
        ),
    ])
}
