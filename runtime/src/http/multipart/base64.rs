//! Base64 as Python's `base64.b64decode` reads it (not validating, as Django calls it):
//! characters outside the alphabet are skipped, the first complete padding ends the data,
//! and leftover bits are ignored; only a last group of one character, or a group short of
//! its padding, is an error.

pub(super) fn b64decode(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 4 * 3);
    let (mut quad_pos, mut left, mut pads) = (0u8, 0u8, 0u8);
    for &c in data {
        if c == b'=' {
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    return Some(out);
                }
            }
            continue;
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        pads = 0;
        match quad_pos {
            0 => {
                quad_pos = 1;
                left = v;
            }
            1 => {
                quad_pos = 2;
                out.push((left << 2) | (v >> 4));
                left = v & 0x0f;
            }
            2 => {
                quad_pos = 3;
                out.push((left << 4) | (v >> 2));
                left = v & 0x03;
            }
            _ => {
                quad_pos = 0;
                out.push((left << 6) | v);
                left = 0;
            }
        }
    }
    (quad_pos == 0).then_some(out)
}

/// A file's base64 content, decoded as Django decodes it: in 64 KiB chunks of what was sent,
/// each without its whitespace, in groups of four characters (the 1 to 3 left over carried
/// to the next chunk), each chunk's groups decoded on their own. None when a chunk cannot be,
/// or characters are left over at the end.
pub(super) fn decode_file(content: &[u8]) -> Option<Vec<u8>> {
    const CHUNK: usize = 64 * 1024;
    let mut out = Vec::with_capacity(content.len() / 4 * 3);
    let mut carried: Vec<u8> = Vec::new();
    for chunk in content.chunks(CHUNK) {
        let mut stripped = std::mem::take(&mut carried);
        stripped.extend(
            chunk
                .iter()
                .filter(|b| !b.is_ascii_whitespace() && **b != 0x0b),
        );
        let aligned = stripped.len() / 4 * 4;
        carried = stripped.split_off(aligned);
        if aligned > 0 {
            out.extend(b64decode(&stripped)?);
        }
    }
    carried.is_empty().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::b64decode;

    #[test]
    fn as_python_reads_it() {
        assert_eq!(b64decode(b"aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(b64decode(b"aGVs\nbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(
            b64decode(b"aGk=aGk=").as_deref(),
            Some(&b"hi"[..]),
            "ends at padding"
        );
        assert_eq!(
            b64decode(b"aGl=").as_deref(),
            Some(&b"hi"[..]),
            "leftover bits"
        );
        assert_eq!(
            b64decode(b"not base64!"),
            None,
            "9 characters: short of padding"
        );
        assert_eq!(b64decode(b"abcde"), None, "one past a multiple of four");
        assert_eq!(b64decode(b"").as_deref(), Some(&b""[..]));
    }
}
