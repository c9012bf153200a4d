//! A file's name as Django keeps it: `MultiPartParser.sanitize_file_name`, then
//! `UploadedFile`'s own cut to 255 characters.
//!
//! Departures, where Python's tables are larger than what a file name needs here: of HTML's
//! named character references only those of ASCII punctuation (the ones a path could be
//! spelled with: `&sol;`, `&bsol;`, `&period;`) and of the markup characters are read; and
//! of the characters Python does not print, the unassigned code points are kept.

/// The name with its character references read and any directory (`/` or `\`) cut off,
/// without the characters Python does not print; None for a name that is then empty, `.` or
/// `..` (Django skips the file).
pub(super) fn sanitize_file_name(name: &str) -> Option<String> {
    let name = html_unescape(name);
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| printable(*c)).collect();
    if matches!(clean.as_str(), "" | "." | "..") {
        return None;
    }
    Some(shortened(clean))
}

/// Django's `UploadedFile._set_name`: a name past 255 characters keeps its extension and
/// loses the end of its stem.
fn shortened(name: String) -> String {
    let count = name.chars().count();
    if count <= 255 {
        return name;
    }
    // os.path.splitext: the last dot, unless only dots come before it.
    let dot = name
        .rfind('.')
        .filter(|i| name[..*i].chars().any(|c| c != '.'));
    let (stem, ext) = dot.map_or((name.as_str(), ""), |i| name.split_at(i));
    let ext: String = ext.chars().take(255).collect();
    let keep = 255 - ext.chars().count();
    stem.chars().take(keep).chain(ext.chars()).collect()
}

/// Python's `str.isprintable`, for what it drops: controls, separators other than the ASCII
/// space, format characters and private use.
fn printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    !(c.is_control()
        || c.is_whitespace()
        || matches!(c,
            '\u{ad}' | '\u{600}'..='\u{605}' | '\u{61c}' | '\u{6dd}' | '\u{70f}'
            | '\u{890}'..='\u{891}' | '\u{8e2}' | '\u{180e}' | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}'
            | '\u{feff}' | '\u{fff9}'..='\u{fffb}' | '\u{110bd}' | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}' | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}' | '\u{e0001}' | '\u{e0020}'..='\u{e007f}'
            | '\u{e000}'..='\u{f8ff}' | '\u{f0000}'..='\u{10ffff}'
            | '\u{2028}' | '\u{2029}'))
}

/// Python's `html.unescape`: `&#NN`, `&#xHH` (with or without `;`, the C1 range read as
/// Windows-1252, invalid ones as U+FFFD or nothing) and named references.
fn html_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some((text, used)) = reference(rest) {
            out.push_str(&text);
            rest = &rest[used..];
        } else {
            out.push('&');
        }
    }
    out + rest
}

/// The reference at the start of `s` (after its `&`): its text and the bytes it took.
fn reference(s: &str) -> Option<(String, usize)> {
    if let Some(num) = s.strip_prefix('#') {
        let (digits, radix, skip) = match num.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 2),
            None => (num, 10, 1),
        };
        let len = digits
            .bytes()
            .take_while(|b| (*b as char).is_digit(radix))
            .count();
        if len == 0 {
            return None;
        }
        let used = skip + len + usize::from(digits[len..].starts_with(';'));
        let n = u32::from_str_radix(&digits[..len], radix).unwrap_or(u32::MAX);
        return Some((charref(n), used));
    }
    // Named: the longest name that is one, `;` included where it follows; a name is at most
    // 32 characters.
    let name_len = s
        .char_indices()
        .take_while(|(_, c)| !"\t\n\x0c <&#;".contains(*c))
        .take(32)
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    let with_semicolon = s[name_len..].starts_with(';');
    if with_semicolon && let Some(c) = named(&s[..name_len]) {
        return Some((c.to_owned(), name_len + 1));
    }
    // Without `;`: only the legacy names, the longest prefix that is one.
    (2..=name_len.min(6)).rev().find_map(|n| {
        let prefix = s.get(..n)?;
        LEGACY
            .contains(&prefix)
            .then(|| named(prefix).map(|c| (c.to_owned(), n)))
            .flatten()
    })
}

/// The named references that may come without `;` (HTML's legacy ones, of those read here).
const LEGACY: [&str; 9] = ["amp", "lt", "gt", "quot", "AMP", "LT", "GT", "QUOT", "nbsp"];

fn named(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" | "AMP" => "&",
        "lt" | "LT" => "<",
        "gt" | "GT" => ">",
        "quot" | "QUOT" => "\"",
        "apos" => "'",
        "sol" => "/",
        "bsol" => "\\",
        "period" => ".",
        "colon" => ":",
        "semi" => ";",
        "comma" => ",",
        "excl" => "!",
        "num" => "#",
        "dollar" => "$",
        "percnt" => "%",
        "lpar" => "(",
        "rpar" => ")",
        "ast" | "midast" => "*",
        "plus" => "+",
        "equals" => "=",
        "quest" => "?",
        "commat" => "@",
        "lsqb" | "lbrack" => "[",
        "rsqb" | "rbrack" => "]",
        "lowbar" | "UnderBar" => "_",
        "grave" | "DiacriticalGrave" => "`",
        "lcub" | "lbrace" => "{",
        "rcub" | "rbrace" => "}",
        "verbar" | "vert" | "VerticalLine" => "|",
        "Hat" => "^",
        "nbsp" | "NonBreakingSpace" => "\u{a0}",
        "Tab" => "\t",
        "NewLine" => "\n",
        _ => return None,
    })
}

/// A numeric reference's character, as Python's `html` module reads it.
fn charref(n: u32) -> String {
    const CP1252: [u32; 32] = [
        0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039,
        0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
        0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
    ];
    let c = match n {
        0 => 0xfffd,
        0x0d => 0x0d,
        0x80..=0x9f => CP1252[(n - 0x80) as usize],
        0xd800..=0xdfff | 0x110000.. => 0xfffd,
        0x1..=0x8 | 0xb | 0xe..=0x1f | 0x7f | 0xfdd0..=0xfdef => return String::new(),
        n if n & 0xfffe == 0xfffe => return String::new(),
        n => n,
    };
    char::from_u32(c).map(String::from).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::sanitize_file_name as name;

    #[test]
    fn as_django_keeps_them() {
        assert_eq!(name("C:\\Users\\ada\\cv.pdf").as_deref(), Some("cv.pdf"));
        assert_eq!(name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(name("..&#47"), None, "`../` once read, then nothing");
        assert_eq!(name("a&sol;b&period;txt").as_deref(), Some("b.txt"));
        assert_eq!(name("x&amp;y&ampz.txt").as_deref(), Some("x&y&z.txt"));
        assert_eq!(
            name("&#128;&#0;&#x1;.txt").as_deref(),
            Some("\u{20ac}\u{fffd}.txt")
        );
        assert_eq!(
            name("tab\there\u{200b}\u{e0041}.txt").as_deref(),
            Some("tabhere.txt")
        );
        assert_eq!(name(".."), None);
        // A reference cut at 32 characters inside a multi-byte one.
        let cut = format!("&{}\u{e9}.txt", "a".repeat(31));
        assert_eq!(name(&cut).as_deref(), Some(cut.as_str()));
        assert_eq!(name("&GTy&nbspz.txt").as_deref(), Some(">yz.txt"));
        let long = format!("{}.tar.gz", "a".repeat(300));
        let kept = name(&long).unwrap();
        assert_eq!(kept.chars().count(), 255);
        assert!(kept.ends_with("a.gz"), "{kept}");
    }
}
