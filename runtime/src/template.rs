//! Template glue. rjango's templates are askama templates (compiled, type-checked against
//! their context struct); this module makes their output match Django's.

use std::fmt::{self, Write};

/// HTML escaping with Django's entities (`&amp; &lt; &gt; &quot; &#x27;`), where askama's
/// default writes numeric ones (`&#38;`): pages compare equal to a Django site's. Generated
/// projects select it in askama.toml.
#[derive(Debug, Clone, Copy, Default)]
pub struct Html;

impl askama::filters::Escaper for Html {
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

/// Escapes text for HTML as Django's `escape` does.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    askama::filters::Escaper::write_escaped_str(&Html, &mut out, text)
        .expect("writing to a String");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn djangos_entities() {
        assert_eq!(
            super::escape(r#"Tom & "Jerry" <b>'s</b>"#),
            "Tom &amp; &quot;Jerry&quot; &lt;b&gt;&#x27;s&lt;/b&gt;"
        );
        assert_eq!(super::escape("café"), "café");
    }
}
