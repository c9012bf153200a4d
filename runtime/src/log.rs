//! Server log lines on stderr, in the shape of Django's runserver output. Kept to plain
//! `eprintln!` so a project does not compile a logging framework it has not asked for.

pub fn info(message: &str) {
    eprintln!("[{}] INFO {message}", timestamp());
}

pub fn warning(message: &str) {
    eprintln!("[{}] WARNING {message}", timestamp());
}

pub fn error(message: &str) {
    eprintln!("[{}] ERROR {message}", timestamp());
}

/// Text from a request (a path, a host) made safe for a log line: control characters are
/// escaped, so a request cannot forge log lines with `%0A` (as Django does since 5.2.2).
pub fn safe(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `24/Nov/2026 09:30:01`, UTC, as Django's runserver prints request lines.
pub fn timestamp() -> String {
    let (y, m, d, hh, mm, ss) = rjango_schema::clock::now_utc();
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{d:02}/{}/{y} {hh:02}:{mm:02}:{ss:02}",
        MONTHS[(m - 1) as usize]
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn log_lines_cannot_be_forged() {
        assert_eq!(super::safe("/a\n[x] forged"), "/a\\n[x] forged");
        assert_eq!(super::safe("/café/"), "/café/");
    }
}
