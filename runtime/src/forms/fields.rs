//! Django's form fields: what a field accepts, how a submitted string becomes a value, and the
//! messages it refuses with (Django's own wording).
//!
//! A field is described by a [`FieldSpec`] (written by `#[derive(Form)]` from the struct field
//! and its `#[field(...)]` options) and typed by the struct field's Rust type, which implements
//! [`FormValue`]: `String` is a CharField, `i64` an IntegerField, `bool` a BooleanField,
//! `Option<T>` a field that may be left empty (Django's `required=False`).

use chrono::NaiveDate;

use super::widgets::Widget;

/// Django's form field classes rjango has. The kind decides how the submitted string is
/// cleaned; the widget how it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    CharField,
    EmailField,
    SlugField,
    IntegerField,
    FloatField,
    BooleanField,
    DateField,
    ChoiceField,
    /// Django's `ModelChoiceField`: a related row by its key, chosen in a select whose
    /// choices are the related model's rows (loaded by `BoundForm::load_choices`).
    ModelChoiceField,
    /// Django's `ModelMultipleChoiceField`: related rows by their keys (a many-to-many
    /// field), chosen in a multiple select.
    ModelMultipleChoiceField,
}

impl FieldKind {
    /// The widget Django gives the field when none is named.
    pub const fn default_widget(self) -> Widget {
        match self {
            FieldKind::CharField | FieldKind::SlugField => Widget::TextInput,
            FieldKind::EmailField => Widget::EmailInput,
            FieldKind::IntegerField | FieldKind::FloatField => Widget::NumberInput,
            FieldKind::BooleanField => Widget::CheckboxInput,
            FieldKind::DateField => Widget::DateInput,
            FieldKind::ChoiceField | FieldKind::ModelChoiceField => Widget::Select,
            FieldKind::ModelMultipleChoiceField => Widget::SelectMultiple,
        }
    }

    /// Whether the cleaned value is text (then `String` holds it).
    pub const fn is_text(self) -> bool {
        matches!(
            self,
            FieldKind::CharField
                | FieldKind::EmailField
                | FieldKind::SlugField
                | FieldKind::ChoiceField
        )
    }
}

/// One field of a form, as `#[derive(Form)]` declares it.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    /// `None`: the name made readable (`cc_myself` is "Cc myself").
    pub label: Option<&'static str>,
    pub help_text: &'static str,
    pub required: bool,
    pub kind: FieldKind,
    pub widget: Widget,
    pub max_length: Option<usize>,
    pub min_length: Option<usize>,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    /// (value, label) pairs of a ChoiceField.
    pub choices: &'static [(&'static str, &'static str)],
    /// Whether surrounding whitespace is stripped from text (Django's default).
    pub strip: bool,
    pub disabled: bool,
    /// The value shown by an unbound form, as the string a user would type.
    pub initial: Option<&'static str>,
    /// The widget's own attributes, first in its tag (Django's `widget=TextInput(attrs=...)`);
    /// an empty value writes the bare name (`autofocus`).
    pub attrs: &'static [(&'static str, &'static str)],
}

impl FieldSpec {
    /// A field with Django's defaults for its kind, for `#[derive(Form)]` to adjust.
    pub const fn new(name: &'static str, kind: FieldKind) -> Self {
        FieldSpec {
            name,
            label: None,
            help_text: "",
            required: true,
            kind,
            widget: kind.default_widget(),
            max_length: if matches!(kind, FieldKind::EmailField) {
                Some(320)
            } else {
                None
            },
            min_length: None,
            min_value: None,
            max_value: None,
            choices: &[],
            strip: true,
            disabled: false,
            initial: None,
            attrs: &[],
        }
    }

    /// The label shown: the declared one, or the name made readable.
    pub fn label(&self) -> String {
        self.label
            .map(str::to_owned)
            .unwrap_or_else(|| super::utils::pretty_name(self.name))
    }

    /// Cleans what was submitted for this field (`None`: the key was absent) as Django's
    /// `Field.clean` does: to a value, then required, then the validators (all of whose
    /// messages are kept).
    pub fn clean(&self, raw: Option<&str>) -> Result<Cleaned, Vec<String>> {
        let value = self.convert(raw).map_err(|m| vec![m])?;
        if self.required && value == Cleaned::Empty {
            return Err(vec![REQUIRED.to_owned()]);
        }
        if value == Cleaned::Empty {
            return Ok(value);
        }
        let errors = self.run_validators(&value);
        if errors.is_empty() {
            Ok(value)
        } else {
            Err(errors)
        }
    }

    /// Django's `to_python`: the submitted string as a value, or the field's "invalid" message.
    fn convert(&self, raw: Option<&str>) -> Result<Cleaned, String> {
        if self.kind == FieldKind::BooleanField {
            // CheckboxInput: absent, empty or "false" is unchecked (and "0" checked, as
            // Python's bool("0")); BooleanField then refuses an unchecked box only when
            // required, as "This field is required.".
            let checked = raw.is_some_and(|v| !(v.is_empty() || v.eq_ignore_ascii_case("false")));
            return Ok(if checked {
                Cleaned::Bool(true)
            } else if self.required {
                Cleaned::Empty
            } else {
                Cleaned::Bool(false)
            });
        }
        if self.kind == FieldKind::ModelMultipleChoiceField {
            // Nothing chosen (no value posted) is empty; else each value is checked, an
            // empty one too.
            return match raw {
                None => Ok(Cleaned::Empty),
                Some(raw) => {
                    let mut keys = Vec::new();
                    for key in split_values(raw) {
                        match key.trim().parse::<i64>() {
                            Ok(k) if !keys.contains(&k) => keys.push(k),
                            Ok(_) => {}
                            Err(_) => return Err(format!("“{key}” is not a valid value.")),
                        }
                    }
                    Ok(Cleaned::Keys(keys))
                }
            };
        }
        let raw = raw.unwrap_or("");
        let text = if self.strip || !self.kind.is_text() {
            raw.trim()
        } else {
            raw
        };
        if text.is_empty() {
            return Ok(Cleaned::Empty);
        }
        match self.kind {
            FieldKind::IntegerField => parse_integer(text)
                .map(Cleaned::Int)
                .ok_or_else(|| "Enter a whole number.".to_owned()),
            FieldKind::FloatField => text
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Cleaned::Float)
                .ok_or_else(|| "Enter a number.".to_owned()),
            FieldKind::DateField => parse_date(text)
                .map(Cleaned::Date)
                .ok_or_else(|| "Enter a valid date.".to_owned()),
            FieldKind::ModelChoiceField => text
                .parse::<i64>()
                .map(Cleaned::Int)
                .map_err(|_| INVALID_MODEL_CHOICE.to_owned()),
            _ => Ok(Cleaned::Text(text.to_owned())),
        }
    }

    fn run_validators(&self, value: &Cleaned) -> Vec<String> {
        let mut errors = Vec::new();
        match value {
            Cleaned::Text(text) => {
                let length = text.chars().count();
                if let Some(limit) = self.max_length.filter(|&l| length > l) {
                    errors.push(format!(
                        "Ensure this value has at most {limit} character{} (it has {length}).",
                        plural(limit)
                    ));
                }
                if let Some(limit) = self.min_length.filter(|&l| length < l) {
                    errors.push(format!(
                        "Ensure this value has at least {limit} character{} (it has {length}).",
                        plural(limit)
                    ));
                }
                match self.kind {
                    FieldKind::EmailField if !is_email(text) => {
                        errors.push("Enter a valid email address.".to_owned())
                    }
                    FieldKind::SlugField if !is_slug(text) => errors.push(
                        "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."
                            .to_owned(),
                    ),
                    FieldKind::ChoiceField if !self.choices.iter().any(|(v, _)| v == text) => {
                        errors.push(format!(
                            "Select a valid choice. {text} is not one of the available choices."
                        ))
                    }
                    _ => {}
                }
            }
            Cleaned::Int(n) => self.check_range(*n as f64, &mut errors),
            Cleaned::Float(f) => self.check_range(*f, &mut errors),
            _ => {}
        }
        errors
    }

    fn check_range(&self, value: f64, errors: &mut Vec<String>) {
        if let Some(limit) = self.max_value.filter(|&l| value > l) {
            errors.push(format!(
                "Ensure this value is less than or equal to {}.",
                self.number(limit)
            ));
        }
        if let Some(limit) = self.min_value.filter(|&l| value < l) {
            errors.push(format!(
                "Ensure this value is greater than or equal to {}.",
                self.number(limit)
            ));
        }
    }

    /// A limit as Python prints the field's number: `2` for an IntegerField, `2.0` for a
    /// FloatField.
    pub fn number(&self, v: f64) -> String {
        match self.kind {
            FieldKind::FloatField if v.fract() == 0.0 => format!("{v:.1}"),
            _ => v.to_string(),
        }
    }
}

/// Django's message for a required field left empty.
pub const REQUIRED: &str = "This field is required.";

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A submitted value after cleaning, before it is the field's Rust type.
#[derive(Debug, Clone, PartialEq)]
pub enum Cleaned {
    /// Nothing was given (an empty string, an unchecked optional box is `Bool(false)`).
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Date(NaiveDate),
    /// A many-to-many field's keys.
    Keys(Vec<i64>),
}

/// What joins the values of a multiple select into the one string a field holds: a control
/// character no key or browser-posted value has, so a value `1,2` stays one (refused) value.
pub(crate) const VALUE_SEPARATOR: char = '\u{1f}';

/// The values a multiple select posts for one name, as one string; none is `None`.
pub(crate) fn multiple_values(values: &[&str]) -> Option<String> {
    (!values.is_empty()).then(|| values.join(&VALUE_SEPARATOR.to_string()))
}

/// A multiple select's values back from [`multiple_values`].
pub(crate) fn split_values(joined: &str) -> impl Iterator<Item = &str> {
    joined.split(VALUE_SEPARATOR)
}

/// Django's IntegerField accepts `42`, ` 42 `, `+42` and `42.0` (a float with no fraction).
fn parse_integer(text: &str) -> Option<i64> {
    if let Ok(n) = text.parse::<i64>() {
        return Some(n);
    }
    let f = text.parse::<f64>().ok()?;
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i64)
}

/// DATE_INPUT_FORMATS' defaults: `2006-10-25`, `10/25/2006`, `10/25/06`.
fn parse_date(text: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
}

/// Django's EmailValidator: a dot-atom or quoted local part, and a host name with a top-level
/// domain (or `localhost`, or a bracketed IP literal).
pub fn is_email(value: &str) -> bool {
    if value.len() > 320 {
        return false;
    }
    let Some((user, domain)) = value.rsplit_once('@') else {
        return false;
    };
    let atom = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-!#$%&'*+/=?^_`{}|~".contains(&b))
    };
    let user_ok = user.split('.').all(atom) || is_quoted_local_part(user);
    user_ok && (domain == "localhost" || is_domain(domain) || is_ip_literal(domain))
}

/// Django's quoted-string local part: `"..."` of printable ASCII and most control characters,
/// never a bare CR, LF, `"` or `\` (those only escaped, CR and LF not at all), so no mail
/// header can be smuggled in.
fn is_quoted_local_part(user: &str) -> bool {
    let Some(inner) = user
        .strip_prefix('"')
        .and_then(|u| u.strip_suffix('"'))
        .filter(|_| user.len() >= 2)
    else {
        return false;
    };
    let plain = |b: u8| matches!(b, 0x01..=0x08 | 0x0b | 0x0c | 0x0e..=0x1f | b'!' | b'#'..=b'[' | b']'..=0x7f);
    let escaped = |b: u8| matches!(b, 0x01..=0x09 | 0x0b | 0x0c | 0x0e..=0x7f);
    let mut bytes = inner.bytes();
    while let Some(b) = bytes.next() {
        let ok = if b == b'\\' {
            bytes.next().is_some_and(escaped)
        } else {
            plain(b)
        };
        if !ok {
            return false;
        }
    }
    true
}

fn is_domain(domain: &str) -> bool {
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    let labels: Vec<&str> = domain.split('.').collect();
    let Some((tld, hosts)) = labels.split_last() else {
        return false;
    };
    let host_label = |l: &str| {
        (1..=63).contains(&l.chars().count())
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || !c.is_ascii())
    };
    let tld_ok = if let Some(puny) = tld.to_ascii_lowercase().strip_prefix("xn--") {
        (1..=59).contains(&puny.len()) && puny.bytes().all(|b| b.is_ascii_alphanumeric())
    } else {
        (2..=63).contains(&tld.chars().count())
            && !tld.starts_with('-')
            && !tld.ends_with('-')
            && tld
                .chars()
                .all(|c| c.is_ascii_alphabetic() || c == '-' || !c.is_ascii())
    };
    !hosts.is_empty() && hosts.iter().all(|l| host_label(l)) && tld_ok
}

fn is_ip_literal(domain: &str) -> bool {
    domain
        .strip_prefix('[')
        .and_then(|d| d.strip_suffix(']'))
        .is_some_and(|ip| ip.parse::<std::net::IpAddr>().is_ok())
}

/// Django's `validate_slug`.
pub fn is_slug(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A Rust type a form field cleans to. `#[derive(Form)]` picks the field from it (a `String`
/// is a CharField) unless `#[field(...)]` names one, and checks at compile time that the two
/// agree.
pub trait FormValue: Sized {
    /// The field Django would use for this type.
    const KIND: FieldKind;
    /// `Option<T>`: the field may be left empty.
    const OPTIONAL: bool = false;

    /// Whether a field of `kind` cleans to this type.
    fn accepts(kind: FieldKind) -> bool;

    /// The value from a cleaned one; `None` only for a mismatch `accepts` rules out.
    fn from_cleaned(value: Cleaned) -> Option<Self>;

    /// The value as a form shows it (an unbound form's initial data, an instance's fields).
    fn to_form_value(&self) -> Option<String>;
}

/// For the derive's compile-time check: `const fn` can't call trait methods, so each type
/// names the kinds it takes here.
pub const fn accepts(type_kind: FieldKind, kind: FieldKind) -> bool {
    match type_kind {
        FieldKind::CharField => kind.is_text(),
        FieldKind::IntegerField => matches!(kind, FieldKind::IntegerField),
        FieldKind::FloatField => matches!(kind, FieldKind::FloatField),
        FieldKind::BooleanField => matches!(kind, FieldKind::BooleanField),
        FieldKind::DateField => matches!(kind, FieldKind::DateField),
        FieldKind::ModelChoiceField => matches!(kind, FieldKind::ModelChoiceField),
        FieldKind::ModelMultipleChoiceField => matches!(kind, FieldKind::ModelMultipleChoiceField),
        _ => false,
    }
}

impl FormValue for String {
    const KIND: FieldKind = FieldKind::CharField;
    fn accepts(kind: FieldKind) -> bool {
        kind.is_text()
    }
    fn from_cleaned(value: Cleaned) -> Option<Self> {
        match value {
            Cleaned::Text(t) => Some(t),
            // CharField(required=False) cleans an empty value to "" (its empty_value).
            Cleaned::Empty => Some(String::new()),
            _ => None,
        }
    }
    fn to_form_value(&self) -> Option<String> {
        Some(self.clone())
    }
}

macro_rules! integer_value {
    ($($t:ty),*) => {$(
        impl FormValue for $t {
            const KIND: FieldKind = FieldKind::IntegerField;
            fn accepts(kind: FieldKind) -> bool {
                kind == FieldKind::IntegerField
            }
            fn from_cleaned(value: Cleaned) -> Option<Self> {
                match value {
                    Cleaned::Int(n) => <$t>::try_from(n).ok(),
                    _ => None,
                }
            }
            fn to_form_value(&self) -> Option<String> {
                Some(self.to_string())
            }
        }
    )*};
}
integer_value!(i16, i32, i64, u16, u32);

impl FormValue for f64 {
    const KIND: FieldKind = FieldKind::FloatField;
    fn accepts(kind: FieldKind) -> bool {
        kind == FieldKind::FloatField
    }
    fn from_cleaned(value: Cleaned) -> Option<Self> {
        match value {
            Cleaned::Float(f) => Some(f),
            _ => None,
        }
    }
    fn to_form_value(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl FormValue for bool {
    const KIND: FieldKind = FieldKind::BooleanField;
    fn accepts(kind: FieldKind) -> bool {
        kind == FieldKind::BooleanField
    }
    fn from_cleaned(value: Cleaned) -> Option<Self> {
        match value {
            Cleaned::Bool(b) => Some(b),
            Cleaned::Empty => Some(false),
            _ => None,
        }
    }
    fn to_form_value(&self) -> Option<String> {
        self.then(|| "on".to_owned())
    }
}

impl FormValue for NaiveDate {
    const KIND: FieldKind = FieldKind::DateField;
    fn accepts(kind: FieldKind) -> bool {
        kind == FieldKind::DateField
    }
    fn from_cleaned(value: Cleaned) -> Option<Self> {
        match value {
            Cleaned::Date(d) => Some(d),
            _ => None,
        }
    }
    fn to_form_value(&self) -> Option<String> {
        Some(self.format("%Y-%m-%d").to_string())
    }
}

/// Django's ModelChoiceField `invalid_choice` message.
pub const INVALID_MODEL_CHOICE: &str =
    "Select a valid choice. That choice is not one of the available choices.";

impl<T> FormValue for crate::models::ForeignKey<T> {
    const KIND: FieldKind = FieldKind::ModelChoiceField;
    fn accepts(kind: FieldKind) -> bool {
        kind == FieldKind::ModelChoiceField
    }
    fn from_cleaned(value: Cleaned) -> Option<Self> {
        match value {
            Cleaned::Int(id) => Some(crate::models::ForeignKey::new(id)),
            _ => None,
        }
    }
    fn to_form_value(&self) -> Option<String> {
        Some(self.id.to_string())
    }
}

/// Django's ModelMultipleChoiceField `invalid_choice` message.
pub fn invalid_multiple_choice(value: &str) -> String {
    format!("Select a valid choice. {value} is not one of the available choices.")
}

/// A many-to-many field's keys.
impl FormValue for Vec<i64> {
    const KIND: FieldKind = FieldKind::ModelMultipleChoiceField;
    fn accepts(kind: FieldKind) -> bool {
        kind == FieldKind::ModelMultipleChoiceField
    }
    fn from_cleaned(value: Cleaned) -> Option<Self> {
        match value {
            Cleaned::Keys(keys) => Some(keys),
            Cleaned::Empty => Some(Vec::new()),
            _ => None,
        }
    }
    fn to_form_value(&self) -> Option<String> {
        let keys: Vec<String> = self.iter().map(i64::to_string).collect();
        (!keys.is_empty()).then(|| keys.join(&VALUE_SEPARATOR.to_string()))
    }
}

impl<T: FormValue> FormValue for Option<T> {
    const KIND: FieldKind = T::KIND;
    const OPTIONAL: bool = true;
    fn accepts(kind: FieldKind) -> bool {
        T::accepts(kind)
    }
    fn from_cleaned(value: Cleaned) -> Option<Self> {
        match value {
            Cleaned::Empty => Some(None),
            v => T::from_cleaned(v).map(Some),
        }
    }
    fn to_form_value(&self) -> Option<String> {
        self.as_ref().and_then(T::to_form_value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: FieldKind) -> FieldSpec {
        FieldSpec::new("f", kind)
    }

    #[test]
    fn required_and_lengths_in_djangos_words() {
        let mut s = spec(FieldKind::CharField);
        s.max_length = Some(5);
        s.min_length = Some(1);
        assert_eq!(s.clean(Some("   ")), Err(vec![REQUIRED.to_owned()]));
        assert_eq!(s.clean(None), Err(vec![REQUIRED.to_owned()]));
        assert_eq!(s.clean(Some(" abc ")), Ok(Cleaned::Text("abc".into())));
        assert_eq!(
            s.clean(Some("abcdefg")),
            Err(vec![
                "Ensure this value has at most 5 characters (it has 7).".to_owned()
            ])
        );
        s.max_length = Some(1);
        assert_eq!(
            s.clean(Some("ab")),
            Err(vec![
                "Ensure this value has at most 1 character (it has 2).".to_owned()
            ])
        );
        s.required = false;
        assert_eq!(s.clean(Some("")), Ok(Cleaned::Empty));
    }

    #[test]
    fn numbers_dates_and_booleans() {
        let mut n = spec(FieldKind::IntegerField);
        n.min_value = Some(1.0);
        assert_eq!(n.clean(Some(" 42 ")), Ok(Cleaned::Int(42)));
        assert_eq!(n.clean(Some("4.0")), Ok(Cleaned::Int(4)));
        assert_eq!(
            n.clean(Some("4.5")),
            Err(vec!["Enter a whole number.".into()])
        );
        assert_eq!(
            n.clean(Some("0")),
            Err(vec![
                "Ensure this value is greater than or equal to 1.".into()
            ])
        );
        let d = spec(FieldKind::DateField);
        assert_eq!(
            d.clean(Some("10/25/2006")),
            Ok(Cleaned::Date(
                NaiveDate::from_ymd_opt(2006, 10, 25).unwrap()
            ))
        );
        assert_eq!(
            d.clean(Some("2006-13-01")),
            Err(vec!["Enter a valid date.".into()])
        );
        let mut b = spec(FieldKind::BooleanField);
        assert_eq!(b.clean(None), Err(vec![REQUIRED.to_owned()]));
        assert_eq!(b.clean(Some("false")), Err(vec![REQUIRED.to_owned()]));
        assert_eq!(b.clean(Some("on")), Ok(Cleaned::Bool(true)));
        b.required = false;
        assert_eq!(b.clean(None), Ok(Cleaned::Bool(false)));
    }

    #[test]
    fn emails_as_djangos_validator_takes_them() {
        for ok in [
            "a@b.co",
            "first.last+tag@example.com",
            "x@localhost",
            "u@[127.0.0.1]",
            "a@bücher.de",
            r#""john..doe"@example.com"#,
            r#""a\"b"@example.com"#,
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "a@",
            "@b.co",
            "a@b",
            "a@b.c",
            "a..b@c.de",
            "a@-b.de",
            "a b@c.de",
            "ü@b.de",
            "\"a\r\nBcc: x@evil\"@example.com",
            r#""a"b"@example.com"#,
            r#""ü"@example.com"#,
            r#""john doe"@example.com"#,
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn model_multiple_choice_keys() {
        let field = spec(FieldKind::ModelMultipleChoiceField);
        let posted = |values: &[&str]| multiple_values(values);
        assert_eq!(
            field.clean(posted(&["3", "1", "3"]).as_deref()),
            Ok(Cleaned::Keys(vec![3, 1])),
            "each key once, in the order chosen"
        );
        assert_eq!(field.clean(None), Err(vec![REQUIRED.to_owned()]));
        assert_eq!(
            field.clean(posted(&["1", "x"]).as_deref()),
            Err(vec!["“x” is not a valid value.".to_owned()])
        );
        // One value is one key, commas and all; an empty one is no key either (Django's).
        assert_eq!(
            field.clean(posted(&["1,2"]).as_deref()),
            Err(vec!["“1,2” is not a valid value.".to_owned()])
        );
        assert_eq!(
            field.clean(posted(&[""]).as_deref()),
            Err(vec!["“” is not a valid value.".to_owned()])
        );
        let optional = FieldSpec {
            required: false,
            ..field
        };
        assert_eq!(optional.clean(None), Ok(Cleaned::Empty));
        assert_eq!(Vec::<i64>::from_cleaned(Cleaned::Empty), Some(Vec::new()));
        assert_eq!(vec![2_i64, 5].to_form_value(), posted(&["2", "5"]));
        assert_eq!(Vec::<i64>::new().to_form_value(), None);
    }
}
