//! Django's `BoundField`: one field of one form instance, with its value and errors, and the
//! pieces a template lays out (label, widget, help text, errors).

use super::fields::{FieldKind, FieldSpec};
use super::utils::{Attrs, ErrorList};
use crate::template::escape;

/// One field of a form as a template sees it.
#[derive(Debug, Clone)]
pub struct BoundField<'a> {
    spec: &'a FieldSpec,
    html_name: String,
    value: Option<String>,
    errors: &'a [String],
    help_text: &'a str,
    /// Choices set at run time, which replace the spec's.
    choices: Option<&'a [(String, String)]>,
    /// Whether a required field's widget says so (off in a formset, whose blank forms
    /// may stay blank).
    use_required_attribute: bool,
}

impl<'a> BoundField<'a> {
    pub(crate) fn new(
        spec: &'a FieldSpec,
        html_name: String,
        value: Option<String>,
        errors: &'a [String],
        help_text: &'a str,
    ) -> Self {
        BoundField {
            spec,
            html_name,
            value,
            errors,
            help_text,
            choices: None,
            use_required_attribute: true,
        }
    }

    pub(crate) fn with_required_attribute(mut self, on: bool) -> Self {
        self.use_required_attribute = on;
        self
    }

    pub(crate) fn with_choices(mut self, choices: Option<&'a [(String, String)]>) -> Self {
        self.choices = choices;
        self
    }

    /// The choices a select shows: the run-time ones, else the declared ones.
    fn choice_pairs(&self) -> Vec<(&str, &str)> {
        match self.choices {
            Some(c) => c.iter().map(|(v, l)| (v.as_str(), l.as_str())).collect(),
            None => self.spec.choices.to_vec(),
        }
    }

    /// The field's name in the struct.
    pub fn name(&self) -> &'static str {
        self.spec.name
    }

    /// The `name` attribute (with the form's prefix).
    pub fn html_name(&self) -> &str {
        &self.html_name
    }

    /// `id_<html name>`: the widget's id, which its label points at.
    pub fn auto_id(&self) -> String {
        format!("id_{}", self.html_name)
    }

    pub fn id_for_label(&self) -> String {
        self.auto_id()
    }

    pub fn label(&self) -> String {
        self.spec.label()
    }

    /// Shown under the label as HTML (Django marks help text safe).
    pub fn help_text(&self) -> &str {
        self.help_text
    }

    /// The value the widget shows: the submitted one, else the initial one.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    pub fn is_hidden(&self) -> bool {
        self.spec.widget.is_hidden()
    }

    pub(crate) fn error_messages(&self) -> &[String] {
        self.errors
    }

    /// The field's error list: `{{ field.errors() }}`.
    pub fn errors(&self) -> ErrorList {
        ErrorList::new(self.errors.to_vec(), "errorlist", Some(self.auto_id()))
    }

    /// `<label for="id_subject">Subject:</label>`, Django's `label_tag()` (the suffix left off
    /// a label that ends in punctuation).
    pub fn label_tag(&self) -> askama::filters::Safe<String> {
        let label = self.label();
        let suffix = if label.ends_with([':', '?', '.', '!']) {
            ""
        } else {
            ":"
        };
        askama::filters::Safe(format!(
            "<label for=\"{}\">{}{suffix}</label>",
            escape(&self.auto_id()),
            escape(&label)
        ))
    }

    /// The ids of the help text and error list, for the widget's `aria-describedby`.
    fn aria_describedby(&self) -> String {
        let mut ids = Vec::new();
        if !self.is_hidden() {
            if !self.help_text.is_empty() {
                ids.push(format!("{}_helptext", self.auto_id()));
            }
            if !self.errors.is_empty() {
                ids.push(format!("{}_error", self.auto_id()));
            }
        }
        ids.join(" ")
    }

    /// The widget's attributes in Django's order: the widget's own, the field's (`maxlength`,
    /// `min`), then `required`, `disabled`, `aria-invalid`, `aria-describedby` and `id`.
    fn widget_attrs(&self) -> Attrs {
        let spec = self.spec;
        let widget = spec.widget;
        let mut attrs = widget.base_attrs();
        for (name, value) in spec.attrs {
            if value.is_empty() {
                attrs.set(name, true);
            } else {
                attrs.set(name, *value);
            }
        }
        if spec.kind.is_text() && !widget.is_hidden() && widget != super::Widget::Select {
            if let Some(n) = spec.max_length {
                attrs.set("maxlength", n.to_string());
            }
            if let Some(n) = spec.min_length {
                attrs.set("minlength", n.to_string());
            }
        }
        if widget == super::Widget::NumberInput {
            if let Some(v) = spec.min_value {
                attrs.set("min", spec.number(v));
            }
            if let Some(v) = spec.max_value {
                attrs.set("max", spec.number(v));
            }
            if spec.kind == FieldKind::FloatField {
                attrs.set_default("step", "any");
            }
        }
        if spec.required
            && self.use_required_attribute
            && widget.use_required_attribute(&self.choice_pairs())
        {
            attrs.set("required", true);
        }
        if spec.disabled {
            attrs.set("disabled", true);
        }
        if !widget.is_hidden() && !self.errors.is_empty() {
            attrs.set("aria-invalid", "true");
        }
        let described = self.aria_describedby();
        if !described.is_empty() {
            attrs.set("aria-describedby", described);
        }
        attrs.set_default("id", self.auto_id());
        attrs
    }

    /// The widget's HTML: `{{ field.as_widget() }}` (Django's `{{ field }}`).
    pub fn as_widget(&self) -> askama::filters::Safe<String> {
        askama::filters::Safe(self.spec.widget.render(
            &self.html_name,
            self.value.as_deref(),
            self.widget_attrs(),
            &self.choice_pairs(),
        ))
    }

    /// Label, help text, errors and widget, as Django's `field.html`: `as_field_group()`.
    pub fn as_field_group(&self) -> askama::filters::Safe<String> {
        let mut out = String::new();
        if !self.label().is_empty() {
            out.push_str(&self.label_tag().0);
        }
        out.push('\n');
        if !self.help_text.is_empty() {
            out.push_str(&format!(
                "<div class=\"helptext\" id=\"{}_helptext\">{}</div>",
                escape(&self.auto_id()),
                self.help_text
            ));
        }
        out.push('\n');
        out.push_str(&self.errors().to_string());
        out.push('\n');
        out.push_str(&self.as_widget().0);
        askama::filters::Safe(out)
    }
}

impl std::fmt::Display for BoundField<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_widget().0)
    }
}
