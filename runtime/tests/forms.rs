//! Forms: `#[derive(Form)]` cleans submitted data to the struct with Django's messages, and
//! renders as Django renders the same form, which Django 5.2 (from PyPI) confirms: each case
//! is rendered by both and compared as Django's assertHTMLEqual compares HTML.

use rjango::chrono::NaiveDate;
use rjango::forms::{Form, ValidationError};
use rjango::http::QueryDict;

#[path = "support/venv.rs"]
mod venv;

#[derive(Form, Debug, PartialEq)]
#[form(clean = ContactForm::no_spam)]
pub struct ContactForm {
    #[field(max_length = 100, help_text = "A short summary.")]
    pub subject: String,
    #[field(widget = Textarea)]
    pub message: String,
    #[field(EmailField)]
    pub sender: String,
    #[field(required = false)]
    pub cc_myself: bool,
}

impl ContactForm {
    fn no_spam(&mut self) -> Result<(), ValidationError> {
        if self.subject.contains("spam") {
            return Err(ValidationError::new("No spam, please."));
        }
        Ok(())
    }
}

#[derive(Form, Debug)]
pub struct EverythingForm {
    #[field(SlugField, min_length = 3)]
    pub slug: String,
    #[field(min_value = 1, max_value = 10)]
    pub rating: i64,
    pub score: Option<f64>,
    pub published: Option<NaiveDate>,
    #[field(ChoiceField, choices = [("", "---------"), ("draft", "Draft"), ("live", "Live")])]
    pub status: String,
    #[field(widget = PasswordInput)]
    pub password: String,
    #[field(widget = HiddenInput)]
    pub token: String,
    #[field(label = "Ready?")]
    pub ready: bool,
}

/// A field's own clean (Django's `clean_<field>`) refuses a value, and can change one.
#[derive(Form, Debug)]
pub struct SignupForm {
    #[field(max_length = 30, clean = lower_unless_reserved)]
    pub username: String,
}

fn lower_unless_reserved(name: String) -> Result<String, ValidationError> {
    if name.eq_ignore_ascii_case("admin") {
        return Err(ValidationError::new("That name is reserved."));
    }
    Ok(name.to_lowercase())
}

fn data(pairs: &[(&str, &str)]) -> QueryDict {
    QueryDict::parse(
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
            .as_bytes(),
    )
}

#[test]
fn a_valid_form_gives_its_struct() {
    let form = ContactForm::bind(&data(&[
        ("subject", "  Hello  "),
        ("message", "Hi there"),
        ("sender", "ada@example.com"),
        ("cc_myself", "on"),
    ]));
    assert!(form.is_valid(), "{:?}", form.errors());
    assert_eq!(
        form.into_cleaned_data().unwrap(),
        ContactForm {
            subject: "Hello".into(),
            message: "Hi there".into(),
            sender: "ada@example.com".into(),
            cc_myself: true,
        }
    );
}

#[test]
fn refusals_are_djangos_per_field_and_for_the_form() {
    let form = ContactForm::bind(&data(&[
        ("sender", "not-an-email"),
        ("subject", "x".repeat(101).as_str()),
    ]));
    assert!(!form.is_valid());
    assert!(form.cleaned_data().is_none());
    let errors: Vec<(&str, Vec<String>)> = form
        .errors()
        .into_iter()
        .map(|(f, e)| (f, e.to_vec()))
        .collect();
    assert_eq!(
        errors,
        vec![
            (
                "subject",
                vec!["Ensure this value has at most 100 characters (it has 101).".to_owned()]
            ),
            ("message", vec!["This field is required.".to_owned()]),
            ("sender", vec!["Enter a valid email address.".to_owned()]),
        ]
    );
    let spam = ContactForm::bind(&data(&[
        ("subject", "spam"),
        ("message", "m"),
        ("sender", "a@b.co"),
    ]));
    assert!(!spam.is_valid());
    assert_eq!(spam.non_field_errors().messages(), ["No spam, please."]);
}

#[test]
fn field_clean_methods_refuse_and_transform() {
    let ok = SignupForm::bind(&data(&[("username", "Ada")]));
    assert_eq!(ok.cleaned_data().unwrap().username, "ada");
    let reserved = SignupForm::bind(&data(&[("username", "ADMIN")]));
    assert_eq!(
        reserved.errors(),
        vec![("username", &["That name is reserved.".to_owned()][..])]
    );
}

/// A disabled field keeps its initial value, whatever is submitted (Django's rule).
#[derive(Form, Debug)]
pub struct ProfileForm {
    #[field(max_length = 30, disabled = true)]
    pub username: String,
    #[field(max_length = 30)]
    pub nickname: String,
}

#[test]
fn a_disabled_field_keeps_its_initial_value() {
    let current = ProfileForm {
        username: "ada".into(),
        nickname: "A.".into(),
    };
    let form = ProfileForm::bind_with_initial(
        &data(&[("username", "root"), ("nickname", "Countess")]),
        &current,
    );
    let cleaned = form.cleaned_data().expect("valid");
    assert_eq!(
        (cleaned.username.as_str(), cleaned.nickname.as_str()),
        ("ada", "Countess")
    );
    assert!(
        form.as_div()
            .0
            .contains(r#"value="ada" maxlength="30" required disabled id="id_username""#),
        "{}",
        form.as_div().0
    );
    // Without an initial value, a required disabled field has nothing to keep.
    let bare = ProfileForm::bind(&data(&[("username", "root"), ("nickname", "x")]));
    assert_eq!(
        bare.errors(),
        vec![("username", &["This field is required.".to_owned()][..])]
    );
}

#[test]
fn errors_added_after_cleaning_invalidate_the_form() {
    let mut form = SignupForm::bind(&data(&[("username", "ada")]));
    assert!(form.is_valid());
    form.add_error(
        Some("username"),
        "A user with that username already exists.",
    );
    assert!(!form.is_valid());
    assert!(form.cleaned_data().is_none());
    assert!(
        form.as_div()
            .0
            .contains("A user with that username already exists.")
    );
}

#[test]
fn an_unbound_form_shows_the_initial_values_of_an_instance() {
    let form = ContactForm::with_initial(&ContactForm {
        subject: "Re: <hi>".into(),
        message: "body".into(),
        sender: "a@b.co".into(),
        cc_myself: true,
    });
    assert!(!form.is_bound() && !form.is_valid());
    let html = form.as_div().0;
    assert!(html.contains(r#"value="Re: &lt;hi&gt;""#), "{html}");
    assert!(
        html.contains(r#"<input type="checkbox" name="cc_myself" id="id_cc_myself" checked>"#),
        "{html}"
    );
}

/// (form, submitted data or unbound, prefix)
type Case = (
    &'static str,
    Option<Vec<(&'static str, &'static str)>>,
    Option<&'static str>,
);

fn render(case: &Case) -> (String, Vec<(String, Vec<String>)>, bool) {
    fn go<F: Form>(
        data: Option<&QueryDict>,
        prefix: Option<&str>,
    ) -> (String, Vec<(String, Vec<String>)>, bool) {
        let form = match (data, prefix) {
            (None, _) => F::unbound(),
            (Some(d), None) => F::bind(d),
            (Some(d), Some(p)) => F::bind_with_prefix(d, p),
        };
        let errors = form
            .errors()
            .into_iter()
            .map(|(f, e)| (f.to_owned(), e.to_vec()))
            .collect();
        (form.as_div().0, errors, form.is_valid())
    }
    let qd = case.1.as_ref().map(|pairs| data(pairs));
    match case.0 {
        "ContactForm" => go::<ContactForm>(qd.as_ref(), case.2),
        _ => go::<EverythingForm>(qd.as_ref(), case.2),
    }
}

#[test]
fn forms_render_and_refuse_as_django_does() {
    let Some(python) = venv::django_python() else {
        return;
    };
    let cases: Vec<Case> = vec![
        ("ContactForm", None, None),
        ("ContactForm", Some(vec![]), None),
        (
            "ContactForm",
            Some(vec![
                ("subject", "a \"quoted\" <subject>"),
                ("message", "two\nlines & more"),
                ("sender", "nope"),
                ("cc_myself", "on"),
            ]),
            None,
        ),
        (
            "ContactForm",
            Some(vec![
                ("subject", "spam offer"),
                ("message", "m"),
                ("sender", "a@b.co"),
            ]),
            None,
        ),
        (
            "ContactForm",
            Some(vec![
                ("c-subject", "Hi"),
                ("c-message", "m"),
                ("c-sender", "a@b.co"),
            ]),
            Some("c"),
        ),
        ("EverythingForm", None, None),
        ("EverythingForm", Some(vec![]), None),
        (
            "EverythingForm",
            Some(vec![
                ("slug", "no spaces"),
                ("rating", "11"),
                ("score", "x"),
                ("published", "2024-02-30"),
                ("status", "gone"),
                ("password", "secret"),
                ("ready", "false"),
            ]),
            None,
        ),
        (
            "EverythingForm",
            Some(vec![
                ("slug", "ok-slug"),
                ("rating", "7"),
                ("score", "2.5"),
                ("published", "2024-02-29"),
                ("status", "live"),
                ("password", "secret"),
                ("token", "t0k"),
                ("ready", "on"),
            ]),
            None,
        ),
    ];
    let request: Vec<serde_json::Value> = cases
        .iter()
        .map(|case| {
            let (html, _, _) = render(case);
            serde_json::json!({
                "form": case.0,
                "data": case.1.as_ref().map(|pairs| pairs.iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(*v))).collect::<serde_json::Map<_, _>>()),
                "prefix": case.2,
                "html": html,
            })
        })
        .collect();
    let answers = venv::run_django(&python, "forms.py", &serde_json::Value::Array(request));
    for (case, django) in cases.iter().zip(answers.as_array().unwrap()) {
        let (html, errors, valid) = render(case);
        assert!(
            django["same_html"].as_bool().unwrap(),
            "{case:?}: rjango rendered\n{html}\nDjango rendered\n{}",
            django["html"].as_str().unwrap()
        );
        let django_errors: Vec<(String, Vec<String>)> = django["errors"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(f, e)| {
                (
                    f.clone(),
                    e.as_array()
                        .unwrap()
                        .iter()
                        .map(|m| m.as_str().unwrap().to_owned())
                        .collect(),
                )
            })
            .collect();
        let sorted = |mut v: Vec<(String, Vec<String>)>| {
            v.sort();
            v
        };
        assert_eq!(sorted(errors), sorted(django_errors), "{case:?}");
        assert_eq!(valid, django["valid"].as_bool().unwrap(), "{case:?}");
    }
    println!(
        "forms compared with Django's: {} cases, same HTML and messages",
        cases.len()
    );
}

/// One formset case: options, initial values, submitted data (None: unbound).
struct FormSetCase {
    options: rjango::forms::FormSetOptions,
    initial: Vec<ContactForm>,
    data: Option<Vec<(&'static str, &'static str)>>,
}

/// Formsets (Django's `formset_factory`): the management form, each form's HTML (its fields
/// prefixed, no `required` attribute), blank extra forms let through, deleted forms
/// unchecked, min and max refused with Django's messages, and a missing management form
/// refused, each compared with Django 5.2's answer for the same formset.
#[test]
fn formsets_count_check_and_render_as_django_does() {
    use rjango::forms::{FormSet, FormSetOptions};

    let Some(python) = venv::django_python() else {
        return;
    };
    let opts = |extra, min_num, max_num, can_delete, validate| {
        FormSetOptions {
            extra,
            min_num,
            can_delete,
            validate_min: validate,
            validate_max: validate,
            ..FormSetOptions::default()
        }
        .with_max_num(max_num)
    };
    let hello = || ContactForm {
        subject: "Hello".into(),
        message: "First".into(),
        sender: "a@b.co".into(),
        cc_myself: true,
    };
    let cases = [
        FormSetCase {
            options: opts(2, 0, 1000, false, false),
            initial: vec![],
            data: None,
        },
        FormSetCase {
            options: opts(3, 0, 2, false, false),
            initial: vec![hello()],
            data: None,
        },
        FormSetCase {
            options: opts(1, 2, 1000, false, false),
            initial: vec![],
            data: None,
        },
        // A valid form, a half-filled one, and a blank one.
        FormSetCase {
            options: opts(3, 0, 1000, false, false),
            initial: vec![],
            data: Some(vec![
                ("form-TOTAL_FORMS", "3"),
                ("form-INITIAL_FORMS", "0"),
                ("form-0-subject", "Hi"),
                ("form-0-message", "m"),
                ("form-0-sender", "a@b.co"),
                ("form-1-subject", "Only a subject"),
                ("form-2-subject", ""),
            ]),
        },
        // Every form valid or blank.
        FormSetCase {
            options: opts(2, 0, 1000, false, false),
            initial: vec![],
            data: Some(vec![
                ("form-TOTAL_FORMS", "2"),
                ("form-INITIAL_FORMS", "0"),
                ("form-0-subject", "Hi"),
                ("form-0-message", "m"),
                ("form-0-sender", "a@b.co"),
            ]),
        },
        // The one initial form deleted: fewer than min_num remain.
        FormSetCase {
            options: opts(0, 1, 1000, true, true),
            initial: vec![hello()],
            data: Some(vec![
                ("form-TOTAL_FORMS", "1"),
                ("form-INITIAL_FORMS", "1"),
                ("form-0-subject", ""),
                ("form-0-DELETE", "on"),
            ]),
        },
        // Two filled where max_num is 1.
        FormSetCase {
            options: opts(0, 0, 1, false, true),
            initial: vec![],
            data: Some(vec![
                ("form-TOTAL_FORMS", "2"),
                ("form-INITIAL_FORMS", "0"),
                ("form-0-subject", "A"),
                ("form-0-message", "m"),
                ("form-0-sender", "a@b.co"),
                ("form-1-subject", "B"),
                ("form-1-message", "m"),
                ("form-1-sender", "a@b.co"),
            ]),
        },
        // A form of the first min_num left blank is refused, not let through.
        FormSetCase {
            options: opts(0, 1, 1000, false, true),
            initial: vec![],
            data: Some(vec![("form-TOTAL_FORMS", "1"), ("form-INITIAL_FORMS", "0")]),
        },
        // More forms than absolute_max (max_num + 1000) is refused, even without
        // validate_max: never a silent cut.
        FormSetCase {
            options: opts(0, 0, 2, false, false),
            initial: vec![],
            data: Some(vec![
                ("form-TOTAL_FORMS", "1003"),
                ("form-INITIAL_FORMS", "0"),
            ]),
        },
        // No management form.
        FormSetCase {
            options: opts(1, 0, 1000, false, false),
            initial: vec![],
            data: Some(vec![("form-0-subject", "A")]),
        },
    ];
    let rendered: Vec<FormSet<ContactForm>> = cases
        .iter()
        .map(|case| match &case.data {
            None => FormSet::unbound("form", &case.initial, case.options),
            Some(pairs) => FormSet::bind(&data(pairs), "form", &case.initial, case.options),
        })
        .collect();
    let request: Vec<serde_json::Value> = cases
        .iter()
        .zip(&rendered)
        .map(|(case, set)| {
            let o = case.options;
            serde_json::json!({
                "formset": "ContactForm",
                "options": {
                    "extra": o.extra, "min_num": o.min_num, "max_num": o.max_num,
                    "can_delete": o.can_delete, "validate_min": o.validate_min,
                    "validate_max": o.validate_max,
                },
                "initial": case.initial.iter().map(|f| serde_json::json!({
                    "subject": f.subject, "message": f.message, "sender": f.sender,
                    "cc_myself": f.cc_myself,
                })).collect::<Vec<_>>(),
                "data": case.data.as_ref().map(|pairs| pairs.iter().map(|(k, v)| (k.to_string(), serde_json::Value::from(*v))).collect::<serde_json::Map<_, _>>()),
                "management": set.management_form().0,
                "forms": set.forms().iter().map(|f| f.as_div().0).collect::<Vec<_>>(),
            })
        })
        .collect();
    let answers = venv::run_django(&python, "forms.py", &serde_json::Value::Array(request));
    for ((i, set), django) in rendered.iter().enumerate().zip(answers.as_array().unwrap()) {
        assert!(
            django["same_management"].as_bool().unwrap(),
            "case {i}: rjango {}\nDjango {}",
            set.management_form().0,
            django["management"]
        );
        if !set.options().can_delete {
            assert!(
                django["same_forms"].as_bool().unwrap(),
                "case {i}: rjango rendered\n{:#?}\nDjango rendered\n{:#?}",
                set.forms().iter().map(|f| f.as_div().0).collect::<Vec<_>>(),
                django["forms"]
            );
        }
        let errors: Vec<serde_json::Value> = set
            .forms()
            .iter()
            .enumerate()
            .filter(|(i, _)| set.is_bound() && !set.is_deleted(*i))
            .map(|(_, f)| {
                f.errors()
                    .into_iter()
                    .map(|(name, messages)| (name.to_owned(), serde_json::json!(messages)))
                    .collect::<serde_json::Map<_, _>>()
                    .into()
            })
            .collect();
        assert_eq!(serde_json::json!(errors), django["errors"], "case {i}");
        assert_eq!(
            serde_json::json!(set.non_form_errors().messages()),
            django["non_form_errors"],
            "case {i}"
        );
        assert_eq!(
            set.is_valid(),
            django["valid"].as_bool().unwrap(),
            "case {i}"
        );
    }
    println!(
        "formsets compared with Django's: {} cases, same HTML, counts and messages",
        cases.len()
    );
}
