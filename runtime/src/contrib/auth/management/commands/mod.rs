//! The auth app's management commands, as Django keeps them in
//! `django/contrib/auth/management/commands/`: `createsuperuser` and `changepassword`.

pub mod changepassword;
pub mod createsuperuser;

use std::io::IsTerminal;

/// A password typed without echo (Django's `getpass`), on the terminal.
pub(crate) fn getpass(prompt: &str) -> Result<String, String> {
    let term = console::Term::stderr();
    term.write_str(prompt)
        .map_err(|e| format!("CommandError: {e}"))?;
    term.read_secure_line()
        .map_err(|e| format!("CommandError: {e}"))
}

/// Whether a person can answer: standard input is a terminal.
pub(crate) fn interactive() -> bool {
    std::io::stdin().is_terminal()
}

/// Django's `get_system_username` made into a default username: ASCII, no spaces, lower case.
pub(crate) fn system_username() -> String {
    let raw = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_default();
    raw.chars()
        .filter(|c| c.is_ascii() && *c != ' ')
        .collect::<String>()
        .to_lowercase()
}

/// Django's `UnicodeUsernameValidator` and the field's max_length, with Django's messages.
pub(crate) fn validate_username(username: &str) -> Result<(), String> {
    if username.is_empty() {
        return Err("This field cannot be blank.".into());
    }
    if !username
        .chars()
        .all(|c| c.is_alphanumeric() || "@.+-_".contains(c))
    {
        return Err("Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.".into());
    }
    let n = username.chars().count();
    if n > 150 {
        return Err(format!(
            "Ensure this value has at most 150 characters (it has {n})."
        ));
    }
    Ok(())
}

/// Django's EmailValidator, in outline: a name, `@`, and a domain with a dot.
pub(crate) fn validate_email(email: &str) -> Result<(), String> {
    let valid = email.rsplit_once('@').is_some_and(|(name, domain)| {
        !name.is_empty()
            && !name.contains(char::is_whitespace)
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
    });
    if valid || email.is_empty() {
        Ok(())
    } else {
        Err("Enter a valid email address.".into())
    }
}

/// Opens the database of `alias`, for a command's queries.
pub(crate) async fn open(alias: &str) -> Result<(), String> {
    crate::db::connections::get(alias)
        .await
        .map(|_| ())
        .map_err(|e| format!("CommandError: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_and_emails_as_django_validates_them() {
        assert!(validate_username("ada.lovelace+1@home").is_ok());
        assert!(validate_username("émile").is_ok());
        assert!(validate_username("with space").is_err());
        assert!(
            validate_username(&"a".repeat(151))
                .unwrap_err()
                .contains("(it has 151)")
        );
        assert!(validate_email("ada@example.com").is_ok());
        assert!(validate_email("").is_ok(), "blank is allowed");
        assert_eq!(
            validate_email("ada@").unwrap_err(),
            "Enter a valid email address."
        );
    }
}
