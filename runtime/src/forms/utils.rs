//! Django's `django.forms.utils`: error lists and dicts, attribute rendering, labels from names.

use std::fmt::{self, Write};

use crate::template::escape;

/// One field's (or the form's) error messages: Django's `ErrorList`. Displayed as Django's
/// `<ul class="errorlist">`; a field's list carries the field's id (`id_name_error`), which the
/// widget's `aria-describedby` names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorList {
    messages: Vec<String>,
    class: &'static str,
    field_id: Option<String>,
}

impl ErrorList {
    pub(crate) fn new(
        messages: Vec<String>,
        class: &'static str,
        field_id: Option<String>,
    ) -> Self {
        ErrorList {
            messages,
            class,
            field_id,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.messages.iter().map(String::as_str)
    }

    /// The messages: Django's `errors.as_data()` in plain text.
    pub fn messages(&self) -> &[String] {
        &self.messages
    }

    /// Django's `as_ul()`: what `{{ form.field("x").errors() }}` shows. Empty without errors.
    pub fn as_ul(&self) -> askama::filters::Safe<String> {
        askama::filters::Safe(self.to_string())
    }

    /// Django's `as_text()`: `* message` lines.
    pub fn as_text(&self) -> String {
        self.messages
            .iter()
            .map(|m| format!("* {m}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl fmt::Display for ErrorList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.messages.is_empty() {
            return Ok(());
        }
        write!(f, "<ul class=\"{}\"", self.class)?;
        if let Some(id) = &self.field_id {
            write!(f, " id=\"{}_error\"", escape(id))?;
        }
        f.write_char('>')?;
        for m in &self.messages {
            write!(f, "<li>{}</li>", escape(m))?;
        }
        f.write_str("</ul>")
    }
}

/// HTML attributes in order, Django's `flatatt`: `true` renders the bare name, `false` nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attrs(Vec<(String, AttrValue)>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrValue {
    Text(String),
    Flag(bool),
}

impl Attrs {
    /// Sets `name`, keeping its place when it is already set (a Python dict's update).
    pub fn set(&mut self, name: &str, value: impl Into<AttrValue>) {
        let value = value.into();
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name.to_owned(), value)),
        }
    }

    /// Sets `name` only when it is not set (a Python dict's setdefault).
    pub fn set_default(&mut self, name: &str, value: impl Into<AttrValue>) {
        if !self.contains(name) {
            self.set(name, value);
        }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| n == name)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find_map(|(n, v)| match v {
            AttrValue::Text(t) if n == name => Some(t.as_str()),
            _ => None,
        })
    }
}

impl From<&str> for AttrValue {
    fn from(v: &str) -> Self {
        AttrValue::Text(v.to_owned())
    }
}
impl From<String> for AttrValue {
    fn from(v: String) -> Self {
        AttrValue::Text(v)
    }
}
impl From<bool> for AttrValue {
    fn from(v: bool) -> Self {
        AttrValue::Flag(v)
    }
}

impl fmt::Display for Attrs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, value) in &self.0 {
            match value {
                AttrValue::Flag(false) => {}
                AttrValue::Flag(true) => write!(f, " {name}")?,
                AttrValue::Text(t) => write!(f, " {name}=\"{}\"", escape(t))?,
            }
        }
        Ok(())
    }
}

/// A label from a field's name, as Django's `pretty_name`: `cc_myself` is "Cc myself".
pub fn pretty_name(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attrs_render_as_flatatt() {
        let mut a = Attrs::default();
        a.set("maxlength", "100");
        a.set("required", true);
        a.set("disabled", false);
        a.set("title", "a \"quoted\" <b>");
        a.set("maxlength", "50");
        assert_eq!(
            a.to_string(),
            " maxlength=\"50\" required title=\"a &quot;quoted&quot; &lt;b&gt;\""
        );
    }

    #[test]
    fn error_lists_render_as_djangos_ul() {
        let e = ErrorList::new(
            vec!["Too <short>.".into()],
            "errorlist",
            Some("id_x".into()),
        );
        assert_eq!(
            e.to_string(),
            "<ul class=\"errorlist\" id=\"id_x_error\"><li>Too &lt;short&gt;.</li></ul>"
        );
        assert_eq!(ErrorList::default().to_string(), "");
    }

    #[test]
    fn pretty_names() {
        assert_eq!(pretty_name("cc_myself"), "Cc myself");
        assert_eq!(pretty_name("email"), "Email");
        assert_eq!(pretty_name(""), "");
    }
}
