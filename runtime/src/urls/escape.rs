//! Percent-encoding of values placed in reversed URLs, with the characters Django's `reverse`
//! leaves alone (RFC 3986 unreserved and sub-delimiters, `:` and `@`).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');
const PATH: &AsciiSet = &SEGMENT.remove(b'/');
/// Django's `escape_uri_path`: safe = `/:@&+$,-_.!~*'()`.
const URI_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b':')
    .remove(b'@')
    .remove(b'&')
    .remove(b'+')
    .remove(b'$')
    .remove(b',')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// Escapes a decoded path for use in a URL, as Django's `escape_uri_path` does.
pub fn escape_uri_path(path: &str) -> String {
    utf8_percent_encode(path, URI_PATH).to_string()
}

/// `//evil.example/` → `/%2Fevil.example/`: a path that a browser would read as another host
/// in a `Location` header (Django's `escape_leading_slashes`).
pub fn escape_leading_slashes(url: String) -> String {
    match url.strip_prefix("//") {
        Some(rest) => format!("/%2F{rest}"),
        None => url,
    }
}

/// Encodes one path segment: a `/` in the value is escaped, so it stays one segment.
pub fn escape_segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// Encodes a value for a `<path:...>` converter, which may span segments.
pub fn escape_path(value: &str) -> String {
    utf8_percent_encode(value, PATH).to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_like_django() {
        assert_eq!(super::escape_segment("a b/c@d"), "a%20b%2Fc@d");
        assert_eq!(super::escape_path("a b/c"), "a%20b/c");
        assert_eq!(super::escape_segment("café"), "caf%C3%A9");
        assert_eq!(super::escape_uri_path("/a b/\n/é"), "/a%20b/%0A/%C3%A9");
        assert_eq!(
            super::escape_leading_slashes("//evil.example/".into()),
            "/%2Fevil.example/"
        );
        assert_eq!(super::escape_leading_slashes("/ok/".into()), "/ok/");
    }
}
