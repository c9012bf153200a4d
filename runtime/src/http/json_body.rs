//! A request body read as JSON, with Django's exactness: Python's `json.loads` keeps an integer
//! of any size exact, where serde_json would turn one past 64 bits into a float and lose its
//! last digits. rjango cannot hold such an integer in serde_json's numbers, so it refuses the
//! body with a 400 that says so, rather than rounding it silently.

/// The first integer in the JSON `text` that no 64-bit integer holds (`i64` or `u64`), as written.
/// Strings are skipped; numbers with a fraction or exponent are floats, rounded by JSON's own
/// rules in Python too.
pub(crate) fn inexact_integer(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    // Only a run of 19 digits or more can be (`-9223372036854775809`): most bodies have
    // none, and this loop costs a few instructions a byte where the scan below costs more.
    if !has_digit_run(bytes, 19) {
        return None;
    }
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                i += 1;
                let mut integer = true;
                while i < bytes.len()
                    && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    integer &= bytes[i].is_ascii_digit();
                    i += 1;
                }
                let token = &text[start..i];
                // 19 digits always fit; only longer ones need the check.
                if integer
                    && token.len() > 19
                    && token.parse::<i64>().is_err()
                    && token.parse::<u64>().is_err()
                {
                    return Some(token);
                }
            }
            _ => i += 1,
        }
    }
    None
}

fn has_digit_run(bytes: &[u8], n: usize) -> bool {
    let mut run = 0;
    for b in bytes {
        if b.is_ascii_digit() {
            run += 1;
            if run >= n {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::inexact_integer;

    #[test]
    fn integers_past_64_bits_are_found() {
        assert_eq!(inexact_integer(r#"{"n": 1}"#), None);
        assert_eq!(inexact_integer(r#"{"n": 18446744073709551615}"#), None);
        assert_eq!(inexact_integer(r#"{"n": -9223372036854775808}"#), None);
        assert_eq!(
            inexact_integer(r#"{"n": 18446744073709551616}"#),
            Some("18446744073709551616")
        );
        assert_eq!(
            inexact_integer(r#"[1, -9223372036854775809]"#),
            Some("-9223372036854775809")
        );
        assert_eq!(
            inexact_integer(r#"{"n": 123456789012345678901234567890.5}"#),
            None
        );
        assert_eq!(inexact_integer(r#"{"n": 1e400}"#), None);
        assert_eq!(
            inexact_integer(r#"{"s": "123456789012345678901234567890", "k\"": 1}"#),
            None
        );
    }
}
