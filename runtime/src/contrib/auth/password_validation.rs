//! Django's `django.contrib.auth.password_validation`: the checks a new password must pass
//! (AUTH_PASSWORD_VALIDATORS), with Django's messages and help texts.
//!
//! ```text
//! AUTH_PASSWORD_VALIDATORS: vec![
//!     Validator::UserAttributeSimilarity { user_attributes: None, max_similarity: 0.7 },
//!     Validator::MinimumLength { min_length: 8 },
//!     Validator::CommonPassword { password_list_path: None },
//!     Validator::Numeric,
//! ],
//! ```
//!
//! The common-password list built in is a short one of the most used passwords; Django's own
//! list of 20,000 (or any other, one per line, optionally gzipped) is used when
//! `password_list_path` names it.

use std::collections::HashSet;
use std::io::Read;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use super::models::User;
use crate::core::exceptions::ValidationError;

/// One of Django's four validators, with its options.
#[derive(Debug, Clone, PartialEq)]
pub enum Validator {
    /// Refuses a password too like the user's attributes (by default username, first name,
    /// last name and email address) as Python's `SequenceMatcher.quick_ratio` measures it.
    UserAttributeSimilarity {
        user_attributes: Option<Vec<String>>,
        max_similarity: f64,
    },
    /// Refuses a password shorter than `min_length` characters (Django's default is 8).
    MinimumLength { min_length: usize },
    /// Refuses a commonly used password.
    CommonPassword { password_list_path: Option<PathBuf> },
    /// Refuses a password made only of digits.
    Numeric,
}

impl Validator {
    /// Django's startproject list, in its order and with its defaults.
    pub fn defaults() -> Vec<Validator> {
        vec![
            Validator::UserAttributeSimilarity {
                user_attributes: None,
                max_similarity: 0.7,
            },
            Validator::MinimumLength { min_length: 8 },
            Validator::CommonPassword {
                password_list_path: None,
            },
            Validator::Numeric,
        ]
    }

    /// Checks `password` (for `user`, when known): Django's `validate(password, user)`.
    pub fn validate(&self, password: &str, user: Option<&User>) -> Result<(), String> {
        match self {
            Validator::MinimumLength { min_length } => {
                if password.chars().count() < *min_length {
                    return Err(format!(
                        "This password is too short. It must contain at least {min_length} character{}.",
                        if *min_length == 1 { "" } else { "s" }
                    ));
                }
            }
            Validator::Numeric => {
                if !password.is_empty() && password.chars().all(|c| c.is_numeric()) {
                    return Err("This password is entirely numeric.".to_owned());
                }
            }
            Validator::CommonPassword { password_list_path } => {
                let list = common_passwords(password_list_path.as_ref())
                    .map_err(|e| format!("The common password list could not be read: {e}"))?;
                if list.contains(password.to_lowercase().trim()) {
                    return Err("This password is too common.".to_owned());
                }
            }
            Validator::UserAttributeSimilarity {
                user_attributes,
                max_similarity,
            } => {
                let Some(user) = user else { return Ok(()) };
                let password = password.to_lowercase();
                let defaults = ["username", "first_name", "last_name", "email"].map(String::from);
                let names = user_attributes.as_deref().unwrap_or(&defaults);
                for name in names {
                    let (value, verbose) = match name.as_str() {
                        "username" => (&user.username, "username"),
                        "first_name" => (&user.first_name, "first name"),
                        "last_name" => (&user.last_name, "last name"),
                        "email" => (&user.email, "email address"),
                        _ => continue,
                    };
                    if value.is_empty() {
                        continue;
                    }
                    let value = value.to_lowercase();
                    let mut parts: Vec<&str> = value
                        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .collect();
                    parts.push(&value);
                    for part in parts {
                        if exceeds_maximum_length_ratio(&password, *max_similarity, part) {
                            continue;
                        }
                        if quick_ratio(&password, part) >= *max_similarity {
                            return Err(format!("The password is too similar to the {verbose}."));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// What the validator asks for, shown next to a new-password field.
    pub fn help_text(&self) -> String {
        match self {
            Validator::UserAttributeSimilarity { .. } => {
                "Your password can’t be too similar to your other personal information.".into()
            }
            Validator::MinimumLength { min_length } => format!(
                "Your password must contain at least {min_length} character{}.",
                if *min_length == 1 { "" } else { "s" }
            ),
            Validator::CommonPassword { .. } => {
                "Your password can’t be a commonly used password.".into()
            }
            Validator::Numeric => "Your password can’t be entirely numeric.".into(),
        }
    }
}

/// Python's `len(password) >= 10 * len(value)` shortcut: a value that short can't be similar
/// enough to matter (Django's `exceeds_maximum_length_ratio`).
fn exceeds_maximum_length_ratio(password: &str, max_similarity: f64, value: &str) -> bool {
    let pwd_len = password.chars().count();
    let value_len = value.chars().count();
    pwd_len >= 10 * value_len && (value_len as f64) < max_similarity / 2.0 * pwd_len as f64
}

/// Python's `SequenceMatcher(a=a, b=b).quick_ratio()`: twice the characters the two share
/// (as multisets) over their total length.
fn quick_ratio(a: &str, b: &str) -> f64 {
    let total = a.chars().count() + b.chars().count();
    if total == 0 {
        return 1.0;
    }
    let mut counts = std::collections::HashMap::<char, i64>::new();
    for c in b.chars() {
        *counts.entry(c).or_default() += 1;
    }
    let mut matches = 0;
    for c in a.chars() {
        let n = counts.entry(c).or_default();
        if *n > 0 {
            matches += 1;
        }
        *n -= 1;
    }
    2.0 * matches as f64 / total as f64
}

/// Some of the most used passwords, lower case: the built-in list.
const COMMON: &str = "123456 123456789 12345678 12345 1234567 1234567890 1234 123123 111111 000000 \
    654321 666666 121212 112233 123321 987654321 11111111 88888888 123qwe 1q2w3e 1q2w3e4r \
    1q2w3e4r5t qwerty qwerty123 qwertyuiop qwerty1 asdfgh asdfghjkl zxcvbnm 1qaz2wsx qazwsx \
    password password1 password123 passw0rd p@ssw0rd admin admin123 administrator root toor \
    letmein welcome welcome1 monkey dragon master login abc123 abcd1234 iloveyou sunshine \
    princess football baseball soccer hockey superman batman trustno1 shadow michael jennifer \
    hunter hunter2 freedom whatever secret starwars computer internet charlie jordan harley \
    ranger buster thomas tigger robert daniel hello hello123 pokemon pepper ginger cheese \
    flower summer killer mustang access chelsea liverpool arsenal samsung google changeme \
    default guest test test123 testing user qwe123 zaq12wsx aaaaaa 7777777 999999 555555 \
    147258369 159753 789456 987654 1111 0000 2000 naruto matrix maggie banana orange purple";

/// A password list, shared by every check that uses it.
type PasswordList = Arc<HashSet<String>>;

/// The list for `path`, read once per path and kept.
fn common_passwords(path: Option<&PathBuf>) -> std::io::Result<PasswordList> {
    type Loaded = Mutex<Vec<(Option<PathBuf>, PasswordList)>>;
    static LISTS: OnceLock<Loaded> = OnceLock::new();
    let lists = LISTS.get_or_init(Mutex::default);
    let mut lists = lists.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, list)) = lists.iter().find(|(p, _)| p.as_ref() == path) {
        return Ok(list.clone());
    }
    let list: HashSet<String> = match path {
        None => COMMON.split_whitespace().map(str::to_owned).collect(),
        Some(path) => {
            let bytes = std::fs::read(path)?;
            let text = if bytes.starts_with(&[0x1f, 0x8b]) {
                let mut text = String::new();
                flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text)?;
                text
            } else {
                String::from_utf8_lossy(&bytes).into_owned()
            };
            text.lines().map(|l| l.trim().to_lowercase()).collect()
        }
    };
    let list = Arc::new(list);
    lists.push((path.cloned(), list.clone()));
    Ok(list)
}

/// Checks `password` against every validator of AUTH_PASSWORD_VALIDATORS: Django's
/// `validate_password`. The error holds every validator's message, in their order.
pub fn validate_password(password: &str, user: Option<&User>) -> Result<(), ValidationError> {
    let validators = crate::conf::try_settings()
        .map(|s| s.AUTH_PASSWORD_VALIDATORS.clone())
        .unwrap_or_default();
    validate_password_with(password, user, &validators)
}

/// [`validate_password`] with the validators given.
pub fn validate_password_with(
    password: &str,
    user: Option<&User>,
    validators: &[Validator],
) -> Result<(), ValidationError> {
    let errors: Vec<String> = validators
        .iter()
        .filter_map(|v| v.validate(password, user).err())
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationError::list(errors))
    }
}

/// The validators' help texts: Django's `password_validators_help_texts()`.
pub fn password_validators_help_texts() -> Vec<String> {
    crate::conf::try_settings()
        .map(|s| {
            s.AUTH_PASSWORD_VALIDATORS
                .iter()
                .map(Validator::help_text)
                .collect()
        })
        .unwrap_or_default()
}

/// The help texts as the `<ul>` Django puts under a new-password field.
pub fn password_validators_help_text_html() -> String {
    let texts = password_validators_help_texts();
    if texts.is_empty() {
        return String::new();
    }
    let items: String = texts
        .iter()
        .map(|t| format!("<li>{}</li>", crate::template::escape(t)))
        .collect();
    format!("<ul>{items}</ul>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> User {
        let mut u = User::new("jrobertson");
        u.first_name = "Jane".into();
        u.email = "jane.robertson@example.com".into();
        u
    }

    #[test]
    fn djangos_messages_for_each_validator() {
        let all = Validator::defaults();
        let err = validate_password_with("1234", None, &all).unwrap_err();
        assert_eq!(
            err.messages(),
            [
                "This password is too short. It must contain at least 8 characters.",
                "This password is too common.",
                "This password is entirely numeric.",
            ]
        );
        let err = validate_password_with("jrobertson1", Some(&user()), &all).unwrap_err();
        assert_eq!(
            err.messages(),
            ["The password is too similar to the username."]
        );
        // Django checks the attributes in order: the username is like this one first.
        let err = validate_password_with("robertson!x", Some(&user()), &all).unwrap_err();
        assert_eq!(
            err.messages(),
            ["The password is too similar to the username."]
        );
        let mut other = user();
        other.username = "ada".into();
        for password in ["jane.robertson@", "robertson.jane", "example.comx"] {
            let err = validate_password_with(password, Some(&other), &all).unwrap_err();
            assert_eq!(
                err.messages(),
                ["The password is too similar to the email address."]
            );
        }
        assert!(validate_password_with("correct horse battery", Some(&user()), &all).is_ok());
    }

    #[test]
    fn quick_ratio_is_pythons() {
        // difflib.SequenceMatcher(a="abcd", b="bcde").quick_ratio() == 0.75
        assert_eq!(quick_ratio("abcd", "bcde"), 0.75);
        assert_eq!(quick_ratio("aab", "ab"), 0.8);
    }

    #[test]
    fn a_list_file_replaces_the_built_in_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.txt");
        std::fs::write(&path, "Correcthorse\n").unwrap();
        let v = Validator::CommonPassword {
            password_list_path: Some(path),
        };
        assert_eq!(
            v.validate("correcthorse", None),
            Err("This password is too common.".into())
        );
        assert_eq!(v.validate("password", None), Ok(()));
    }
}
