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
    }
}
