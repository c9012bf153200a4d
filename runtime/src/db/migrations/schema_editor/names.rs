//! Django's generated names: `names_digest` (md5), `_create_index_name` and `truncate_name`,
//! plus PostgreSQL's and MySQL's own names for the unnamed constraints Django writes inline.

/// The longest identifier rjango writes on every backend: PostgreSQL's 63 (MySQL allows 64,
/// SQLite has no limit; one limit keeps the names the same everywhere).
pub const MAX_NAME_LENGTH: usize = 63;

/// Django's `names_digest`: the first `length` hex digits of the md5 of the arguments.
pub fn names_digest(args: &[&str], length: usize) -> String {
    let mut data = Vec::new();
    for a in args {
        data.extend_from_slice(a.as_bytes());
    }
    let digest = md5(&data);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    hex[..length].to_owned()
}

fn take(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// Django's `BaseDatabaseSchemaEditor._create_index_name`:
/// `<table>_<columns>_<8 hex><suffix>`, shortened to fit `MAX_NAME_LENGTH`.
pub fn index_name(table: &str, columns: &[&str], suffix: &str) -> String {
    let mut args = vec![table];
    args.extend_from_slice(columns);
    let mut hash_suffix = format!("{}{suffix}", names_digest(&args, 8));
    let joined = columns.join("_");
    let name = format!("{table}_{joined}_{hash_suffix}");
    if name.chars().count() <= MAX_NAME_LENGTH {
        return name;
    }
    if hash_suffix.chars().count() > MAX_NAME_LENGTH / 3 {
        hash_suffix = take(&hash_suffix, MAX_NAME_LENGTH / 3);
    }
    let other = (MAX_NAME_LENGTH - hash_suffix.chars().count()) / 2 - 1;
    let mut name = format!(
        "{}_{}_{hash_suffix}",
        take(table, other),
        take(&joined, other)
    );
    if name.starts_with('_') || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.pop();
        name = format!("D{name}");
    }
    name
}

/// Django's `truncate_name`: names longer than the limit keep a 4-hex digest of the whole.
pub fn truncate_name(name: &str) -> String {
    if name.chars().count() <= MAX_NAME_LENGTH {
        return name.to_owned();
    }
    format!(
        "{}{}",
        take(name, MAX_NAME_LENGTH - 4),
        names_digest(&[name], 4)
    )
}

/// PostgreSQL's `makeObjectName`: the name it gives an unnamed constraint
/// (`<table>_<column>_key`, `_check`), the longer part shortened first to fit 63 bytes.
pub fn pg_object_name(name1: &str, name2: &str, label: &str) -> String {
    let overhead = label.len() + 1 + 1;
    let avail = MAX_NAME_LENGTH - overhead;
    let (mut n1, mut n2) = (name1.len(), name2.len());
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let clip = |s: &str, mut n: usize| {
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_owned()
    };
    format!("{}_{}_{label}", clip(name1, n1), clip(name2, n2))
}

/// MD5 (RFC 1321), for Django's name digests only (not for security).
fn md5(input: &[u8]) -> [u8; 16] {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5,
        9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
        15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    let k: Vec<u32> = (0..64)
        .map(|i| ((i as f64 + 1.0).sin().abs() * 4_294_967_296.0) as u32)
        .collect();
    let mut msg = input.to_vec();
    let bit_len = (input.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_le_bytes());
    let (mut a0, mut b0, mut c0, mut d0) = (
        0x6745_2301u32,
        0xefcd_ab89u32,
        0x98ba_dcfeu32,
        0x1032_5476u32,
    );
    for chunk in msg.chunks(64) {
        let m: Vec<u32> = chunk
            .chunks(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        a0 = a0.wrapping_add(a);
        b0 = b0.wrapping_add(b);
        c0 = c0.wrapping_add(c);
        d0 = d0.wrapping_add(d);
    }
    let mut out = [0u8; 16];
    for (i, w) in [a0, b0, c0, d0].iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_matches_known_digests() {
        assert_eq!(names_digest(&[""], 32), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(
            names_digest(&["The quick brown fox ", "jumps over the lazy dog"], 32),
            "9e107d9d372bb6826bd81d3542a419d6"
        );
    }

    #[test]
    fn index_names_have_django_shape_and_fit() {
        let n = index_name("blog_post", &["author_id"], "");
        assert!(
            n.starts_with("blog_post_author_id_") && n.len() == 28,
            "{n}"
        );
        let long = "a".repeat(80);
        let n = index_name(&long, &["author_id"], "_fk_blog_author_id");
        assert!(n.len() <= MAX_NAME_LENGTH, "{n}");
        assert_eq!(truncate_name(&long).len(), MAX_NAME_LENGTH);
        assert_eq!(
            pg_object_name("blog_post", "slug", "key"),
            "blog_post_slug_key"
        );
        assert!(pg_object_name(&long, "slug", "key").len() <= MAX_NAME_LENGTH);
    }
}
