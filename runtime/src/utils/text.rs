//! Django's `django.utils.text`, the parts rjango uses.

/// Django's `camel_case_to_spaces`: `BlogPost` → `blog post`, `HTTPRequest` → `http request`,
/// a model's default `verbose_name`.
pub fn camel_case_to_spaces(value: &str) -> String {
    // Django's regex: a space before an upper-case letter that follows a lower-case one, or
    // before one followed by another letter that is not upper case (the end of an acronym).
    let chars: Vec<char> = value.chars().collect();
    let mut out = String::with_capacity(value.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let after_lower = i > 0 && chars[i - 1].is_lowercase();
            let next = chars.get(i + 1);
            let starts_word = next.is_some_and(|n| !n.is_uppercase());
            if after_lower || starts_word {
                out.push(' ');
            }
        }
        out.extend(c.to_lowercase());
    }
    out.trim().to_owned()
}

/// Django's `slugify`: ASCII letters, digits, underscores and hyphens, lower case, with runs
/// of spaces and hyphens as one hyphen (accents dropped: `Déjà vu` is `deja-vu`).
pub fn slugify(value: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let ascii: String = value.nfkd().filter(char::is_ascii).collect();
    let kept: String = ascii
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-' || c.is_whitespace())
        .collect();
    let mut out = String::new();
    let mut pending_hyphen = false;
    for c in kept.chars() {
        if c == '-' || c.is_whitespace() {
            pending_hyphen = true;
            continue;
        }
        if pending_hyphen {
            out.push('-');
            pending_hyphen = false;
        }
        out.push(c);
    }
    if pending_hyphen {
        out.push('-');
    }
    out.trim_matches(['-', '_']).to_owned()
}

#[cfg(test)]
mod tests {
    use super::camel_case_to_spaces;

    #[test]
    fn as_djangos() {
        assert_eq!(camel_case_to_spaces("BlogPost"), "blog post");
        assert_eq!(camel_case_to_spaces("ContentType"), "content type");
        assert_eq!(camel_case_to_spaces("HTTPRequest"), "http request");
        assert_eq!(camel_case_to_spaces("User"), "user");
        assert_eq!(camel_case_to_spaces("URL"), "url");
        assert_eq!(camel_case_to_spaces("PostV2"), "post v2");
    }
}
