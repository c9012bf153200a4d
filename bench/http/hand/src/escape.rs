//! HTML escaping with Django's entities, as a hand-written service that must match Django's
//! pages writes it.

use std::fmt::{self, Write};

#[derive(Clone, Copy)]
pub struct DjangoHtml;

impl askama::filters::Escaper for DjangoHtml {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        let mut last = 0;
        for (i, byte) in string.bytes().enumerate() {
            let entity = match byte {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&#x27;",
                _ => continue,
            };
            dest.write_str(&string[last..i])?;
            dest.write_str(entity)?;
            last = i + 1;
        }
        dest.write_str(&string[last..])
    }
}
