//! Django's widgets: how a field is shown as HTML, with Django's markup (its templates under
//! `django/forms/widgets/`, rendered the same, attribute for attribute).

use std::fmt::Write;

use super::utils::Attrs;
use crate::template::escape;

/// The widgets rjango has, named as Django names them: `#[field(widget = Textarea)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Widget {
    TextInput,
    EmailInput,
    NumberInput,
    PasswordInput,
    HiddenInput,
    DateInput,
    Textarea,
    CheckboxInput,
    Select,
    /// A select of several values (a many-to-many field's).
    SelectMultiple,
}

impl Widget {
    /// Hidden widgets are shown after the last visible field, with no label.
    pub fn is_hidden(self) -> bool {
        self == Widget::HiddenInput
    }

    fn input_type(self) -> Option<&'static str> {
        Some(match self {
            Widget::TextInput | Widget::DateInput => "text",
            Widget::EmailInput => "email",
            Widget::NumberInput => "number",
            Widget::PasswordInput => "password",
            Widget::HiddenInput => "hidden",
            Widget::CheckboxInput => "checkbox",
            Widget::Textarea | Widget::Select | Widget::SelectMultiple => return None,
        })
    }

    /// Whether a required field puts `required` on this widget (Django's
    /// `use_required_attribute`): never on a hidden input, and on a select only when its
    /// first choice is the empty one (else the browser could never refuse it).
    pub fn use_required_attribute(self, choices: &[(&str, &str)]) -> bool {
        match self {
            Widget::HiddenInput => false,
            Widget::Select => choices.first().is_some_and(|(v, _)| v.is_empty()),
            _ => true,
        }
    }

    /// The widget's own attributes before the field's (Textarea's 40 by 10 box).
    pub(crate) fn base_attrs(self) -> Attrs {
        let mut attrs = Attrs::default();
        if self == Widget::Textarea {
            attrs.set("cols", "40");
            attrs.set("rows", "10");
        }
        attrs
    }

    /// The HTML of the widget for `name` showing `value`, as Django's templates write it.
    pub fn render(
        self,
        name: &str,
        value: Option<&str>,
        mut attrs: Attrs,
        choices: &[(&str, &str)],
    ) -> String {
        let mut out = String::new();
        match self {
            Widget::Textarea => {
                let _ = writeln!(out, "<textarea name=\"{}\"{attrs}>", escape(name));
                out.push_str(&escape(value.unwrap_or("")));
                out.push_str("</textarea>");
            }
            Widget::Select | Widget::SelectMultiple => {
                let multiple = self == Widget::SelectMultiple;
                let _ = write!(
                    out,
                    "<select name=\"{}\"{attrs}{}>",
                    escape(name),
                    if multiple { " multiple" } else { "" }
                );
                // No value selects the empty choice (Django's format_value: None is ""); a
                // multiple select's values are its keys joined by commas.
                let value = value.unwrap_or("");
                let chosen: Vec<&str> = if multiple {
                    super::fields::split_values(value).map(str::trim).collect()
                } else {
                    vec![value]
                };
                for (v, label) in choices {
                    let selected = if chosen.contains(v) { " selected" } else { "" };
                    let _ = write!(
                        out,
                        "\n  <option value=\"{}\"{selected}>{}</option>\n",
                        escape(v),
                        escape(label)
                    );
                }
                out.push_str("\n</select>");
            }
            Widget::CheckboxInput => {
                // A checkbox shows no value of a boolean field, only `checked`.
                if value.is_some_and(|v| !v.is_empty() && !v.eq_ignore_ascii_case("false")) {
                    attrs.set("checked", true);
                }
                let _ = write!(
                    out,
                    "<input type=\"checkbox\" name=\"{}\"{attrs}>",
                    escape(name)
                );
            }
            input => {
                let shown = match (input, value) {
                    // PasswordInput(render_value=False): a password is never sent back.
                    (Widget::PasswordInput, _) | (_, None | Some("")) => None,
                    (_, Some(v)) => Some(v),
                };
                let _ = write!(
                    out,
                    "<input type=\"{}\" name=\"{}\"",
                    input.input_type().unwrap_or("text"),
                    escape(name)
                );
                if let Some(v) = shown {
                    let _ = write!(out, " value=\"{}\"", escape(v));
                }
                let _ = write!(out, "{attrs}>");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_as_django_writes_them() {
        let mut attrs = Attrs::default();
        attrs.set("maxlength", "10");
        attrs.set("required", true);
        attrs.set("id", "id_q");
        assert_eq!(
            Widget::TextInput.render("q", Some("a\"b"), attrs.clone(), &[]),
            "<input type=\"text\" name=\"q\" value=\"a&quot;b\" maxlength=\"10\" required id=\"id_q\">"
        );
        assert_eq!(
            Widget::PasswordInput.render("q", Some("secret"), attrs, &[]),
            "<input type=\"password\" name=\"q\" maxlength=\"10\" required id=\"id_q\">"
        );
        assert_eq!(
            Widget::Textarea.render("t", Some("<hi>"), Widget::Textarea.base_attrs(), &[]),
            "<textarea name=\"t\" cols=\"40\" rows=\"10\">\n&lt;hi&gt;</textarea>"
        );
        assert_eq!(
            Widget::CheckboxInput.render("c", Some("on"), Attrs::default(), &[]),
            "<input type=\"checkbox\" name=\"c\" checked>"
        );
        assert_eq!(
            Widget::Select.render("s", Some("b"), Attrs::default(), &[("a", "A"), ("b", "B")]),
            "<select name=\"s\">\n  <option value=\"a\">A</option>\n\n  <option value=\"b\" selected>B</option>\n\n</select>"
        );
        let mut attrs = Attrs::default();
        attrs.set("id", "id_m");
        assert_eq!(
            Widget::SelectMultiple.render(
                "m",
                super::super::fields::multiple_values(&["1", "3"]).as_deref(),
                attrs,
                &[("1", "A"), ("2", "B"), ("3", "C")]
            ),
            "<select name=\"m\" id=\"id_m\" multiple>\n  <option value=\"1\" selected>A</option>\n\n  <option value=\"2\">B</option>\n\n  <option value=\"3\" selected>C</option>\n\n</select>"
        );
    }
}
