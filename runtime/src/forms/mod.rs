//! Django's `django.forms`: a form is a struct whose fields are its cleaned data.
//!
//! ```text
//! use rjango::forms::Form;
//!
//! #[derive(Form)]
//! pub struct ContactForm {
//!     #[field(max_length = 100)]
//!     pub subject: String,
//!     #[field(widget = Textarea)]
//!     pub message: String,
//!     #[field(EmailField)]
//!     pub sender: String,
//!     #[field(required = false)]
//!     pub cc_myself: bool,
//! }
//!
//! let form = ContactForm::bind(request.POST());      // Django's ContactForm(request.POST)
//! if let Some(data) = form.cleaned_data() {            // is_valid() and cleaned_data
//!     send(&data.subject, &data.message);
//! }
//! // in the template: {{ form.as_div() }}
//! ```
//!
//! Each field's Rust type picks its Django field (`String` a CharField, `i64` an IntegerField,
//! `bool` a BooleanField, `NaiveDate` a DateField, `f64` a FloatField); `Option<T>` is Django's
//! `required=False`. `#[field(EmailField)]`, `SlugField` or `ChoiceField` names another, and
//! `#[field(...)]` takes Django's options: `label`, `help_text`, `required`, `max_length`,
//! `min_length`, `min_value`, `max_value`, `choices`, `strip`, `disabled`, `initial`,
//! `widget`, `attrs` (the widget's own: `[("autocomplete", "email")]`) and `clean = path`
//! (Django's `clean_<field>`). `#[form(clean = path)]` names the form-wide clean (Django's
//! `clean()`), which runs once every field is valid (Django runs it with the valid fields
//! only; a typed struct needs them all).
//!
//! The messages are Django's ("This field is required.") and the HTML is Django's `as_div`,
//! compared with Django's own rendering by `runtime/tests/forms.rs`.

mod boundfield;
pub mod fields;
pub mod formsets;
pub mod models;
pub mod utils;
pub mod widgets;

pub use boundfield::BoundField;
pub use fields::{Cleaned, FieldKind, FieldSpec, FormValue};
pub use formsets::{FormSet, FormSetOptions};
pub use models::{ModelForm, ModelFormField};
#[doc(hidden)]
pub use rjango_macros::__model_form_fields;
pub use rjango_macros::{Form, model_form};
pub use utils::ErrorList;
pub use widgets::Widget;

pub use crate::core::exceptions::ValidationError;
use crate::http::QueryDict;

/// A form: implemented by `#[derive(Form)]`.
pub trait Form: Sized + 'static {
    /// The fields, in declaration order.
    const FIELDS: &'static [FieldSpec];

    /// Cleans every field of the submitted data and builds the struct when all are valid
    /// (each field's own clean included); refusals go to `cleaner`.
    fn clean_fields(cleaner: &mut Cleaner<'_>) -> Option<Self>;

    /// The form-wide check (Django's `Form.clean()`), run once every field is valid.
    fn clean(&mut self) -> Result<(), ValidationError> {
        Ok(())
    }

    /// Each field's value as the form shows it, for a form showing this value.
    fn initial_values(&self) -> Vec<Option<String>>;

    /// An unbound form, showing each field's `initial`: Django's `ContactForm()`.
    fn unbound() -> BoundForm<Self> {
        BoundForm::unbound(
            Self::FIELDS
                .iter()
                .map(|f| f.initial.map(str::to_owned))
                .collect(),
        )
    }

    /// An unbound form showing `value` (Django's `ContactForm(initial=...)`, or a ModelForm
    /// of an instance).
    fn with_initial(value: &Self) -> BoundForm<Self> {
        BoundForm::unbound(value.initial_values())
    }

    /// A form bound to submitted data and cleaned: Django's `ContactForm(request.POST)`
    /// followed by `is_valid()`.
    fn bind(data: &QueryDict) -> BoundForm<Self> {
        BoundForm::bind(data.clone(), None, None)
    }

    /// A bound form whose field names carry `prefix` (`prefix-subject`), for several forms in
    /// one `<form>`: Django's `prefix=`.
    fn bind_with_prefix(data: &QueryDict, prefix: &str) -> BoundForm<Self> {
        BoundForm::bind(data.clone(), Some(prefix.to_owned()), None)
    }

    /// A bound form whose initial values are `value`'s (Django's `ContactForm(request.POST,
    /// initial=...)`): a disabled field keeps its value from there whatever is submitted.
    fn bind_with_initial(data: &QueryDict, value: &Self) -> BoundForm<Self> {
        BoundForm::bind(data.clone(), None, Some(value.initial_values()))
    }
}

/// What a field's cleaning reads and where its refusals go, for the derived `clean_fields`.
pub struct Cleaner<'a> {
    data: &'a QueryDict,
    prefix: Option<&'a str>,
    initial: &'a [Option<String>],
    errors: Vec<Vec<String>>,
    non_field: Vec<String>,
}

impl Cleaner<'_> {
    /// Field `index` cleaned to its Rust type, or `None` with its messages recorded.
    pub fn field<T: FormValue>(&mut self, index: usize, spec: &FieldSpec) -> Option<T> {
        let name = html_name(self.prefix, spec.name);
        // A disabled field keeps its initial value whatever is submitted (Django's rule).
        let raw = if spec.disabled {
            self.initial.get(index).cloned().flatten()
        } else if spec.widget == Widget::SelectMultiple {
            fields::multiple_values(&self.data.getlist(&name))
        } else {
            self.data.get(&name).map(str::to_owned)
        };
        match spec.clean(raw.as_deref()) {
            Ok(value) => {
                let typed = T::from_cleaned(value);
                if typed.is_none() {
                    // Out of the type's range (an i32 field given 2**40).
                    self.errors[index].push("Enter a whole number.".to_owned());
                }
                typed
            }
            Err(messages) => {
                self.errors[index].extend(messages);
                None
            }
        }
    }

    /// The result of a field's own clean method (Django's `clean_<field>`).
    pub fn check<T>(&mut self, index: usize, result: Result<T, ValidationError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(Some(index), e);
                None
            }
        }
    }

    fn add(&mut self, index: Option<usize>, error: ValidationError) {
        match index {
            Some(i) => self.errors[i].extend(error.into_messages()),
            None => self.non_field.extend(error.into_messages()),
        }
    }
}

/// A checkbox's submitted value as Django's CheckboxInput reads it: present and not "false".
pub(crate) fn checked(value: Option<&str>) -> bool {
    value.is_some_and(|v| !v.is_empty() && !v.eq_ignore_ascii_case("false"))
}

fn html_name(prefix: Option<&str>, name: &str) -> String {
    match prefix {
        Some(p) => format!("{p}-{name}"),
        None => name.to_owned(),
    }
}

/// A form instance, bound to submitted data or not: Django's `Form` object. It renders as
/// Django's `as_div`, and once bound holds the errors, or the cleaned struct.
#[derive(Debug)]
pub struct BoundForm<F> {
    data: Option<QueryDict>,
    prefix: Option<String>,
    initial: Vec<Option<String>>,
    errors: Vec<Vec<String>>,
    non_field: Vec<String>,
    cleaned: Option<F>,
    /// Help texts set at run time (Django's `form.fields[name].help_text = ...`).
    help_texts: Vec<Option<String>>,
    /// Choices known only at run time: a ModelChoiceField's rows (`load_choices`).
    choices: Vec<Option<Vec<(String, String)>>>,
    /// Django's `use_required_attribute`: off for a formset's forms.
    use_required_attribute: bool,
}

impl<F: Form> BoundForm<F> {
    fn unbound(initial: Vec<Option<String>>) -> Self {
        BoundForm {
            data: None,
            prefix: None,
            initial,
            errors: vec![Vec::new(); F::FIELDS.len()],
            non_field: Vec::new(),
            cleaned: None,
            help_texts: vec![None; F::FIELDS.len()],
            choices: vec![None; F::FIELDS.len()],
            use_required_attribute: true,
        }
    }

    fn bind(data: QueryDict, prefix: Option<String>, initial: Option<Vec<Option<String>>>) -> Self {
        let initial: Vec<Option<String>> = initial.unwrap_or_else(|| {
            F::FIELDS
                .iter()
                .map(|f| f.initial.map(str::to_owned))
                .collect()
        });
        let mut cleaner = Cleaner {
            data: &data,
            prefix: prefix.as_deref(),
            initial: &initial,
            errors: vec![Vec::new(); F::FIELDS.len()],
            non_field: Vec::new(),
        };
        let mut cleaned = F::clean_fields(&mut cleaner);
        if cleaner.errors.iter().any(|e| !e.is_empty()) {
            cleaned = None;
        }
        if let Some(Err(e)) = cleaned.as_mut().map(F::clean) {
            let index = e
                .field()
                .and_then(|name| F::FIELDS.iter().position(|f| f.name == name));
            cleaner.add(index, e);
            cleaned = None;
        }
        let (errors, non_field) = (cleaner.errors, cleaner.non_field);
        BoundForm {
            data: Some(data),
            prefix,
            initial,
            errors,
            non_field,
            cleaned,
            help_texts: vec![None; F::FIELDS.len()],
            choices: vec![None; F::FIELDS.len()],
            use_required_attribute: true,
        }
    }

    /// Replaces a field's help text (shown as HTML), for text known only at run time: the
    /// password validators' rules under a new-password field.
    pub fn set_help_text(&mut self, field: &str, html: String) {
        let index = self.index(field);
        self.help_texts[index] = Some(html);
    }

    /// Sets a field's choices at run time (a ModelChoiceField's rows: `load_choices` does it
    /// for a ModelForm): the select shows them, and a bound value outside them is refused
    /// with Django's "Select a valid choice. ..." message.
    pub fn set_choices(&mut self, field: &str, choices: Vec<(String, String)>) {
        let index = self.index(field);
        self.set_choices_at(index, choices);
    }

    /// The run-time choices of a field, when it has some.
    pub fn choices(&self, field: &str) -> Option<&[(String, String)]> {
        self.choices[self.index(field)].as_deref()
    }

    fn set_choices_at(&mut self, index: usize, choices: Vec<(String, String)>) {
        let spec = &F::FIELDS[index];
        if let Some(data) = &self.data
            && !spec.disabled
        {
            let name = html_name(self.prefix.as_deref(), spec.name);
            if spec.kind == FieldKind::ModelMultipleChoiceField {
                // Each key chosen must be one of the rows (Django names the first that is not).
                let keys = data.getlist(&name);
                let missing = keys
                    .iter()
                    .map(|k| k.trim())
                    .find(|k| !k.is_empty() && !choices.iter().any(|(v, _)| v == k));
                if let Some(key) = missing.filter(|_| self.errors[index].is_empty()) {
                    self.errors[index].push(fields::invalid_multiple_choice(key));
                    self.cleaned = None;
                }
            } else {
                let value = data.get(&name).map(str::trim).unwrap_or("");
                if !value.is_empty()
                    && self.errors[index].is_empty()
                    && !choices.iter().any(|(v, _)| v == value)
                {
                    self.errors[index].push(fields::INVALID_MODEL_CHOICE.to_owned());
                    self.cleaned = None;
                }
            }
        }
        self.choices[index] = Some(choices);
    }

    fn index(&self, name: &str) -> usize {
        F::FIELDS
            .iter()
            .position(|f| f.name == name)
            .unwrap_or_else(|| panic!("Key '{name}' not found in {}", std::any::type_name::<F>()))
    }

    pub fn is_bound(&self) -> bool {
        self.data.is_some()
    }

    /// Django's `has_changed()`: whether a bound form's data differs from its initial values
    /// (a formset leaves an extra form nobody filled in unsaved and unchecked).
    pub fn has_changed(&self) -> bool {
        let Some(data) = &self.data else {
            return false;
        };
        F::FIELDS.iter().enumerate().any(|(i, spec)| {
            if spec.disabled {
                return false;
            }
            let name = html_name(self.prefix.as_deref(), spec.name);
            let initial = self.initial[i].as_deref();
            if spec.widget == Widget::SelectMultiple {
                // The keys as sets, whatever their order (Django's).
                fn set(values: Vec<&str>) -> std::collections::BTreeSet<&str> {
                    values
                        .into_iter()
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .collect()
                }
                let before = set(initial
                    .map(|v| fields::split_values(v).collect())
                    .unwrap_or_default());
                return set(data.getlist(&name)) != before;
            }
            let submitted = data.get(&name);
            if spec.kind == FieldKind::BooleanField {
                checked(submitted) != checked(initial)
            } else {
                submitted.unwrap_or("").trim() != initial.unwrap_or("").trim()
            }
        })
    }

    /// Forgets a bound form's refusals and cleaned value: a formset's extra form left blank,
    /// which Django's `empty_permitted` lets through unchecked.
    pub(crate) fn permit_empty(&mut self) {
        self.errors.iter_mut().for_each(Vec::clear);
        self.non_field.clear();
        self.cleaned = None;
    }

    /// Django's `is_valid()`: bound, and every field and the form's clean passed.
    pub fn is_valid(&self) -> bool {
        self.cleaned.is_some() && !self.has_errors()
    }

    fn has_errors(&self) -> bool {
        !self.non_field.is_empty() || self.errors.iter().any(|e| !e.is_empty())
    }

    /// The cleaned struct when the form is valid: Django's `cleaned_data`, typed.
    pub fn cleaned_data(&self) -> Option<&F> {
        self.cleaned.as_ref().filter(|_| !self.has_errors())
    }

    pub fn into_cleaned_data(self) -> Option<F> {
        let valid = !self.has_errors();
        self.cleaned.filter(|_| valid)
    }

    /// Adds a refusal after cleaning, to a field or (`None`) to the form: Django's
    /// `add_error(field, error)`. The form is then invalid. For checks that need the
    /// database or the request, which a clean method can't reach.
    ///
    /// # Panics
    /// When the form has no field `field`: a programming error, as Django's KeyError.
    pub fn add_error(&mut self, field: Option<&str>, message: impl Into<String>) {
        let message = message.into();
        match field {
            None => self.non_field.push(message),
            Some(name) => {
                let index = self.index(name);
                self.errors[index].push(message);
            }
        }
    }

    /// Every refusal as (field name, messages), the form's own under `__all__`: Django's
    /// `form.errors`.
    pub fn errors(&self) -> Vec<(&'static str, &[String])> {
        let mut all: Vec<(&'static str, &[String])> = Vec::new();
        if !self.non_field.is_empty() {
            all.push(("__all__", &self.non_field));
        }
        for (spec, errors) in F::FIELDS.iter().zip(&self.errors) {
            if !errors.is_empty() {
                all.push((spec.name, errors));
            }
        }
        all
    }

    /// The form's own refusals: Django's `non_field_errors()`.
    pub fn non_field_errors(&self) -> ErrorList {
        ErrorList::new(self.non_field.clone(), "errorlist nonfield", None)
    }

    /// One field, for a template that lays the form out itself: `form.field("subject")`.
    ///
    /// # Panics
    /// When the form has no such field (Django's KeyError).
    pub fn field(&self, name: &str) -> BoundField<'_> {
        self.bound_field(self.index(name))
    }

    fn bound_field(&self, index: usize) -> BoundField<'_> {
        let spec = &F::FIELDS[index];
        let html_name = html_name(self.prefix.as_deref(), spec.name);
        let value = match &self.data {
            Some(_) if spec.disabled => self.initial[index].clone(),
            Some(data) if spec.widget == Widget::SelectMultiple => {
                fields::multiple_values(&data.getlist(&html_name))
            }
            Some(data) => data.get(&html_name).map(str::to_owned),
            None => self.initial[index].clone(),
        };
        let help_text = self.help_texts[index].as_deref().unwrap_or(spec.help_text);
        BoundField::new(spec, html_name, value, &self.errors[index], help_text)
            .with_choices(self.choices[index].as_deref())
            .with_required_attribute(self.use_required_attribute)
    }

    /// Every field in order: Django's `for field in form`.
    pub fn fields(&self) -> Vec<BoundField<'_>> {
        (0..F::FIELDS.len()).map(|i| self.bound_field(i)).collect()
    }

    pub fn visible_fields(&self) -> Vec<BoundField<'_>> {
        self.fields()
            .into_iter()
            .filter(|f| !f.is_hidden())
            .collect()
    }

    pub fn hidden_fields(&self) -> Vec<BoundField<'_>> {
        self.fields()
            .into_iter()
            .filter(|f| f.is_hidden())
            .collect()
    }

    /// The form as Django's default `div.html` renders it: `{{ form.as_div() }}`.
    pub fn as_div(&self) -> askama::filters::Safe<String> {
        askama::filters::Safe(self.render_div())
    }

    fn top_errors(&self) -> ErrorList {
        let mut top = self.non_field.clone();
        for field in self.hidden_fields() {
            for e in field.error_messages() {
                top.push(format!("(Hidden field {}) {e}", field.name()));
            }
        }
        ErrorList::new(top, "errorlist nonfield", None)
    }

    fn render_div(&self) -> String {
        let mut out = String::new();
        let errors = self.top_errors();
        out.push_str(&errors.to_string());
        let visible = self.visible_fields();
        let hidden: String = self
            .hidden_fields()
            .iter()
            .map(|f| f.as_widget().0)
            .collect::<Vec<_>>()
            .concat();
        if visible.is_empty() {
            if !errors.is_empty() {
                out.push_str(&format!("\n  <div>{hidden}</div>\n"));
            } else {
                out.push_str(&hidden);
            }
            return out;
        }
        let last = visible.len() - 1;
        for (i, field) in visible.iter().enumerate() {
            out.push_str("\n  <div>\n    ");
            out.push_str(&field.as_field_group().0);
            if i == last {
                out.push_str("\n      ");
                out.push_str(&hidden);
            }
            out.push_str("\n</div>");
        }
        out.push('\n');
        out
    }
}

impl<F: Form> std::fmt::Display for BoundForm<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render_div())
    }
}
