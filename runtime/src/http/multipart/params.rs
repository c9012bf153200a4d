//! A part's header line as Django reads it: `parse_header_parameters`, which hands the line to
//! Python's email package (`Message.get_params`). Its rules, which hostile bodies reach:
//!
//! - parameters are split at `;` outside quotes (a `\"` does not open or close one);
//! - a name is lower-cased when it has a value, kept as written when it is bare (`; name`,
//!   a parameter with the empty value);
//! - a value loses one pair of `"..."` (undoing `\\` and `\"`) or `<...>`;
//! - RFC 2231 parameters (`filename*=utf-8''%E2%82%AC.txt`, continuations `filename*0`,
//!   `filename*1*`) are joined, percent-decoded and decoded in their charset, and come after
//!   the plain ones, so `filename*` wins over `filename` wherever it stands;
//! - a charset Python does not know makes the whole line unreadable.
//!
//! Departure: the charsets known here are UTF-8, Latin-1 and ASCII (under their Python
//! aliases); a line naming another one, which Python would know (cp1252, say), is skipped.

/// The line's value before the first `;`, lower-cased, and its parameters in the order
/// Python's dict ends up with them (the last of a name wins); None for a line Django skips.
pub(super) fn parse_header_parameters(line: &str) -> Option<(String, Vec<(String, String)>)> {
    if !line.contains(';') {
        return Some((py_strip(line).to_lowercase(), Vec::new()));
    }
    let mut pieces = parse_params(line).into_iter();
    let key = pieces.next().unwrap_or_default().0.to_lowercase();
    let mut plain = Vec::new();
    let mut extended: Vec<(String, Vec<Continuation>)> = Vec::new();
    for (name, value) in pieces {
        let value = unquote(&value);
        match rfc2231_name(&name) {
            Some((base, number)) => {
                let encoded = name.ends_with('*');
                match extended.iter_mut().find(|(n, _)| *n == base) {
                    Some((_, parts)) => parts.push((number, value, encoded)),
                    None => extended.push((base, vec![(number, value, encoded)])),
                }
            }
            None => plain.push((name, value)),
        }
    }
    for (name, mut parts) in extended {
        // Python sorts the tuples whole: equal numbers by their text.
        parts.sort();
        let was_encoded = parts.iter().any(|(_, _, encoded)| *encoded);
        let joined: String = parts
            .into_iter()
            .map(|(_, text, encoded)| if encoded { percent_latin1(&text) } else { text })
            .collect();
        if !was_encoded {
            plain.push((name, joined));
            continue;
        }
        // `charset'language'text`, split at the first two quotes.
        let mut split = joined.splitn(3, '\'');
        let (charset, text) = match (split.next(), split.next(), split.next()) {
            (Some(charset), Some(_language), Some(text)) => (Some(charset), text),
            _ => (None, joined.as_str()),
        };
        plain.push((name, decode_in(charset, text)?));
    }
    Some((
        key,
        plain.into_iter().filter(|(n, _)| !n.is_empty()).collect(),
    ))
}

/// One piece of an RFC 2231 parameter: its number (none for `name*`), its text, and whether
/// it is percent-encoded.
type Continuation = (Option<u128>, String, bool);

/// Python's `email.message._parseparam` and `_get_params_preserve`: (name, raw value) pairs,
/// the first the header's own value.
fn parse_params(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        // The next `;` outside quotes: quotes counted, escaped ones not.
        let mut end = None;
        let mut from = 0;
        while let Some(i) = rest[from..].find(';').map(|i| i + from) {
            let before = &rest[..i];
            let quotes = before.matches('"').count() - before.matches("\\\"").count();
            if i > 0 && quotes % 2 == 1 {
                from = i + 1;
                continue;
            }
            end = Some(i);
            break;
        }
        let piece = &rest[..end.unwrap_or(rest.len())];
        out.push(match piece.split_once('=') {
            Some((name, value)) => (py_strip(name).to_lowercase(), py_strip(value).to_owned()),
            None => (py_strip(piece).to_owned(), String::new()),
        });
        match end {
            Some(i) => rest = &rest[i + 1..],
            None => return out,
        }
    }
}

/// `email.utils.unquote`.
fn unquote(value: &str) -> String {
    if value.len() > 1 {
        if let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            return inner.replace("\\\\", "\\").replace("\\\"", "\"");
        }
        if let Some(inner) = value.strip_prefix('<').and_then(|v| v.strip_suffix('>')) {
            return inner.to_owned();
        }
    }
    value.to_owned()
}

/// `name*`, `name*0`, `name*0*` (Python's `^(\w+)\*((\d+)\*?)?$`, ASCII): the name, and the
/// continuation's number.
fn rfc2231_name(name: &str) -> Option<(String, Option<u128>)> {
    let (base, rest) = name.split_once('*')?;
    if base.is_empty() || !base.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    if rest.is_empty() {
        return Some((base.to_owned(), None));
    }
    let digits = rest.strip_suffix('*').unwrap_or(rest);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((base.to_owned(), Some(digits.parse().ok()?)))
}

/// `urllib.parse.unquote(s, encoding="latin-1")`: each `%XX` the character of that byte.
fn percent_latin1(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push(char::from((h * 16 + l) as u8));
            i += 3;
            continue;
        }
        let c = s[i..].chars().next().unwrap_or_default();
        out.push(c);
        i += c.len_utf8().max(1);
    }
    out
}

/// `collapse_rfc2231_value`: the text (each character a byte, as percent-decoding left it)
/// decoded in its charset, invalid bytes replaced. None for a charset Python would not know
/// (Django skips the line); no charset is ASCII, an empty one leaves the text as it is.
fn decode_in(charset: Option<&str>, text: &str) -> Option<String> {
    // Python's `raw-unicode-escape`: characters past Latin-1 become `\uXXXX` escapes.
    let raw = || -> Vec<u8> {
        let mut out = Vec::new();
        for c in text.chars() {
            match u8::try_from(u32::from(c)) {
                Ok(b) => out.push(b),
                Err(_) if u32::from(c) <= 0xffff => {
                    out.extend(format!("\\u{:04x}", u32::from(c)).bytes())
                }
                Err(_) => out.extend(format!("\\U{:08x}", u32::from(c)).bytes()),
            }
        }
        out
    };
    let Some(charset) = charset else {
        return Some(ascii(&raw()));
    };
    if charset.is_empty() {
        // Python finds no codec named "", and falls back to unquoting the text again.
        return Some(unquote(text));
    }
    Some(Charset::named(charset)?.decode(&raw()))
}

/// The charsets read here, under the names Python's codec lookup takes for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Charset {
    Utf8,
    Latin1,
    Ascii,
}

impl Charset {
    /// Python normalizes a codec's name to its letters and digits, lower-cased.
    pub(super) fn named(name: &str) -> Option<Charset> {
        let key: String = name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        Some(match key.as_str() {
            "utf8" | "u8" | "utf" | "cp65001" => Charset::Utf8,
            "latin1" | "iso88591" | "iso8859" | "8859" | "cp819" | "l1" | "latin" | "isoir100" => {
                Charset::Latin1
            }
            "ascii" | "usascii" | "646" | "us" | "ansix341968" => Charset::Ascii,
            _ => return None,
        })
    }

    /// Bytes as Python's `force_str(..., errors="replace")` decodes them in this charset.
    pub(super) fn decode(self, bytes: &[u8]) -> String {
        match self {
            Charset::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
            Charset::Latin1 => bytes.iter().copied().map(char::from).collect(),
            Charset::Ascii => ascii(bytes),
        }
    }
}

/// Python's `str.strip()`: Unicode whitespace, and the information separators `\x1c`-`\x1f`.
pub(super) fn py_strip(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c))
}

fn ascii(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| {
            if b.is_ascii() {
                char::from(*b)
            } else {
                '\u{fffd}'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse_header_parameters as parse;

    fn params(line: &str) -> Vec<(String, String)> {
        parse(line).unwrap().1
    }

    #[test]
    fn as_pythons_email_package_reads_them() {
        assert_eq!(
            parse("Content-Type: TEXT/Plain").unwrap(),
            ("content-type: text/plain".into(), vec![])
        );
        let (key, p) =
            parse("Content-Disposition: form-data; NAME=\"a;b \\\"c\\\"\"; x=<ab>").unwrap();
        assert_eq!(key, "content-disposition: form-data");
        assert_eq!(
            p,
            [
                ("name".into(), "a;b \"c\"".into()),
                ("x".into(), "ab".into())
            ]
        );
        // Bare, a value of its own; the name kept as written.
        assert_eq!(params("x: y; Name"), [("Name".to_owned(), String::new())]);
        // filename* wins wherever it stands; its charset decodes it.
        let p = params("cd: form-data; filename*=iso-8859-1''%E9t%E9.txt; filename=\"plain\"");
        assert_eq!(
            p.last().unwrap(),
            &("filename".to_owned(), "\u{e9}t\u{e9}.txt".to_owned())
        );
        assert_eq!(
            params("cd: form-data; filename*=UTF-8''it's%20%E2%82%AC.txt")
                .last()
                .unwrap()
                .1,
            "it's \u{20ac}.txt"
        );
        // Continuations joined in order; no quotes, no charset: as written.
        assert_eq!(
            params("cd: a; filename*1=\"b.txt\"; filename*0=\"a\"")[0].1,
            "ab.txt"
        );
        assert_eq!(params("cd: a; filename*=abc")[0].1, "abc");
        // A charset Python does not know: the line is skipped.
        assert_eq!(parse("cd: a; filename*=x-klingon''abc"), None);
    }
}
