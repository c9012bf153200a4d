//! Server log lines on stderr, in the shape of Django's runserver output. Kept to plain
//! `eprintln!` so a project does not compile a logging framework it has not asked for.

use std::time::{SystemTime, UNIX_EPOCH};

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
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let t = secs % 86_400;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{d:02}/{}/{y} {:02}:{:02}:{:02}",
        MONTHS[(m - 1) as usize],
        t / 3600,
        t % 3600 / 60,
        t % 60
    )
}

/// Days since 1970-01-01 to (year, month, day): Howard Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn log_lines_cannot_be_forged() {
        assert_eq!(super::safe("/a\n[x] forged"), "/a\\n[x] forged");
        assert_eq!(super::safe("/café/"), "/café/");
    }

    #[test]
    fn dates() {
        assert_eq!(super::civil_from_days(0), (1970, 1, 1));
        assert_eq!(super::civil_from_days(20_781), (2026, 11, 24));
    }
}
