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
