//! Django's `django.utils.http`, the parts rjango uses: whether a URL given by a visitor (a
//! login's `next`) may be redirected to, and query strings written as Django writes them.

/// Django's `url_has_allowed_host_and_scheme(url, allowed_hosts, require_https)`: whether
/// `url` is a safe place to redirect to, a path of this site or an http(s) URL of one of
/// `allowed_hosts`. It refuses what browsers read as another host though Python's urlsplit
/// does not (`///evil.com`, `/\evil.com`, `http:///evil.com`, a leading control character),
/// and any other scheme (`javascript:`).
pub fn url_has_allowed_host_and_scheme(
    url: &str,
    allowed_hosts: &[&str],
    require_https: bool,
) -> bool {
    let url = url.trim_matches(|c: char| c.is_whitespace());
    if url.is_empty() {
        return false;
    }
    // Chrome reads `\` as `/` in paths, but it may be part of credentials: check both forms.
    allowed(url, allowed_hosts, require_https)
        && allowed(&url.replace('\\', "/"), allowed_hosts, require_https)
}

fn allowed(url: &str, allowed_hosts: &[&str], require_https: bool) -> bool {
    // Chrome takes any URL with three slashes for an absolute one.
    if url.starts_with("///") {
        return false;
    }
    let Some(parts) = urlsplit(url) else {
        return false;
    };
    // `http:///example.com`: a scheme without a host, which Chrome still reads as the host.
    if parts.netloc.is_empty() && !parts.scheme.is_empty() {
        return false;
    }
    // Some browsers skip control characters at the start and read what follows as `//host`.
    if url.chars().next().is_some_and(char::is_control) {
        return false;
    }
    let scheme = if parts.scheme.is_empty() && !parts.netloc.is_empty() {
        "http".to_owned()
    } else {
        parts.scheme
    };
    let valid: &[&str] = if require_https {
        &["https"]
    } else {
        &["http", "https"]
    };
    (parts.netloc.is_empty() || allowed_hosts.contains(&parts.netloc.as_str()))
        && (scheme.is_empty() || valid.contains(&scheme.as_str()))
}

/// The scheme and network location of a URL, as Python's `urlsplit` finds them.
struct Split {
    scheme: String,
    netloc: String,
}

/// Python's `urlsplit`, the scheme and netloc only; None where it raises ValueError (a netloc
/// with unbalanced IPv6 brackets).
fn urlsplit(url: &str) -> Option<Split> {
    // WHATWG: tabs and newlines are removed, C0 controls and spaces stripped in front.
    let cleaned: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\r' | '\n'))
        .collect();
    let mut rest = cleaned.trim_start_matches(|c: char| c <= ' ');
    let mut scheme = String::new();
    if let Some(i) = rest.find(':')
        && i > 0
        && rest.as_bytes()[0].is_ascii_alphabetic()
        && rest[..i]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    {
        scheme = rest[..i].to_ascii_lowercase();
        rest = &rest[i + 1..];
    }
    let mut netloc = String::new();
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        netloc = after[..end].to_owned();
        if netloc.contains('[') != netloc.contains(']') {
            return None;
        }
    }
    Some(Split { scheme, netloc })
}

/// Python's `quote_plus(value, safe)`: percent-encoding of everything but ASCII letters,
/// digits, `_.-~` and `safe`, a space as `+`.
pub fn quote_plus(value: &str, safe: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b' ' => out.push('+'),
            b if b.is_ascii_alphanumeric()
                || b"_.-~".contains(&b)
                || safe.as_bytes().contains(&b) =>
            {
                out.push(b as char)
            }
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::url_has_allowed_host_and_scheme as safe;

    const HOSTS: &[&str] = &["otherserver", "testserver"];

    #[test]
    fn refuses_what_django_refuses() {
        for url in [
            "http://example.com",
            "http:///example.com",
            "https://example.com",
            "ftp://example.com",
            r"\\example.com",
            r"\\\example.com",
            r"/\\/example.com",
            r"\\//example.com",
            r"/\/example.com",
            r"\/example.com",
            r"/\example.com",
            r"http:/\//example.com",
            r"http:\/example.com",
            r"http:/\example.com",
            "javascript:alert(\"XSS\")",
            "\njavascript:alert(x)",
            "\x08//example.com",
            r"http://otherserver\@example.com",
            r"http:\\testserver\@example.com",
            r"http://testserver\me:pass@example.com",
            r"http://testserver\@example.com",
            r"http:\\testserver\confirm\me@example.com",
            "http:999999999",
            "ftp:9999999999",
            "\n",
            "http://[2001:cdba:0000:0000:0000:0000:3257:9652/",
            "http://2001:cdba:0000:0000:0000:0000:3257:9652]/",
            "",
            "   ",
            "data:text/html,<script>alert(1)</script>",
        ] {
            assert!(!safe(url, HOSTS, false), "{url:?} must be refused");
        }
    }

    #[test]
    fn allows_what_django_allows() {
        for url in [
            "/view/?param=http://example.com",
            "/view/?param=https://example.com",
            "/view?param=ftp://example.com",
            "view/?param=//example.com",
            "https://testserver/",
            "HTTPS://testserver/",
            "//testserver/",
            "http://testserver/confirm?email=me@example.com",
            "/url%20with%20spaces/",
            "path/http:2222222222",
        ] {
            assert!(safe(url, HOSTS, false), "{url:?} must be allowed");
        }
        assert!(!safe("http://testserver/", HOSTS, true), "HTTPS required");
        assert!(safe("https://testserver/", HOSTS, true));
        assert!(safe("/next/", &[], true), "a path needs no host");
    }

    #[test]
    fn quotes_as_python() {
        assert_eq!(
            super::quote_plus("/blog/?q=a b&x=é", "/"),
            "/blog/%3Fq%3Da+b%26x%3D%C3%A9"
        );
    }
}
