//! Django's `django.utils.encoding`: turning an IRI (a URL that may hold any character) into
//! a URI that can travel in a header.

/// Django's `iri_to_uri`: every character outside the ones a URI may hold as they are is
/// percent-encoded as its UTF-8 bytes, so `/café?q=a b` becomes `/caf%C3%A9?q=a%20b` and a
/// newline can never end up in a `Location` header. `%` is kept, so an already-quoted URL is
/// unchanged.
pub fn iri_to_uri(iri: &str) -> String {
    const SAFE: &[u8] = b"/#%[]=:;$&()+,!?*@'~-._";
    let mut out = String::with_capacity(iri.len());
    for &byte in iri.as_bytes() {
        if byte.is_ascii_alphanumeric() || SAFE.contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::iri_to_uri;

    /// Django's own cases (utils_tests.test_encoding.test_iri_to_uri).
    #[test]
    fn quotes_as_django_does() {
        for (iri, uri) in [
            ("red%09rosé#red", "red%09ros%C3%A9#red"),
            (
                "/blog/for/Jürgen Münster/",
                "/blog/for/J%C3%BCrgen%20M%C3%BCnster/",
            ),
            (
                "locations/?place=Mühlheim/#ñ",
                "locations/?place=M%C3%BChlheim/#%C3%B1",
            ),
            ("mailto:ada@example.org", "mailto:ada@example.org"),
            ("/ok\r\nSet-Cookie: x", "/ok%0D%0ASet-Cookie:%20x"),
            ("https://example.com/a?b=c&d", "https://example.com/a?b=c&d"),
        ] {
            assert_eq!(iri_to_uri(iri), uri);
        }
    }
}
