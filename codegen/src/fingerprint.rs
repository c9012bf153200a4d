//! Fingerprints of `urlpatterns!` invocations.
//!
//! The macro exports the fingerprint of its own tokens as a constant; generated code asserts it
//! at compile time. Both sides hash the token *trees* (each ident, punctuation mark, literal as
//! written, and group delimiter), never the formatting between them, so the compiler's tokens
//! and syn's parse of the file always agree, while any change inside a literal still counts.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// FNV-1a (64 bit) over the token trees.
pub fn of_tokens(tokens: &TokenStream) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    feed(tokens, &mut |bytes: &[u8]| {
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    });
    hash
}

fn feed(tokens: &TokenStream, out: &mut impl FnMut(&[u8])) {
    for tree in tokens.clone() {
        match tree {
            TokenTree::Group(group) => {
                let (open, close): (&[u8], &[u8]) = match group.delimiter() {
                    Delimiter::Parenthesis => (b"(", b")"),
                    Delimiter::Brace => (b"{", b"}"),
                    Delimiter::Bracket => (b"[", b"]"),
                    Delimiter::None => (b"", b""),
                };
                out(open);
                feed(&group.stream(), out);
                out(close);
            }
            TokenTree::Ident(ident) => out(ident.to_string().as_bytes()),
            TokenTree::Punct(punct) => out(punct.as_char().to_string().as_bytes()),
            TokenTree::Literal(lit) => out(lit.to_string().as_bytes()),
        }
        out(b"\x1f");
    }
}

#[cfg(test)]
mod tests {
    use super::of_tokens;

    fn fp(s: &str) -> u64 {
        of_tokens(&s.parse().unwrap())
    }

    #[test]
    fn formatting_does_not_count_but_literals_do() {
        assert_eq!(
            fp(r#"path("a/", v::a, name = "x"),"#),
            fp(r#"path("a/",v::a,name="x"),"#)
        );
        assert_eq!(
            fp(r#"path("a/", v::a)"#),
            fp("path(\n    \"a/\",\n    v::a\n)")
        );
        assert_ne!(fp(r#"path("a b/", v::a)"#), fp(r#"path("ab/", v::a)"#));
        assert_ne!(fp(r#"path("a/", v::a)"#), fp(r#"path("a/", v::b)"#));
    }
}
