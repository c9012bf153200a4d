//! Django's `django.utils.dateformat`: the `date` and `time` filters' format characters
//! (`N j, Y`, `P`, `D d M Y H:i`), with English names.

use chrono::{Datelike, FixedOffset, NaiveDateTime, Timelike};

/// A moment to format: the wall-clock time, and for an aware one its offset and zone
/// abbreviation.
pub struct Moment {
    pub local: NaiveDateTime,
    pub offset: Option<FixedOffset>,
    pub abbreviation: String,
    /// Whether only the date is known (a DateField): time characters give nothing.
    pub date_only: bool,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
/// Associated Press style (Django's `N`).
const MONTHS_AP: [&str; 12] = [
    "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.",
    "Dec.",
];
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// `moment` written by `format`, as Django's `format(value, format_string)`; a backslash
/// writes the next character as it is.
pub fn format(moment: &Moment, format: &str) -> String {
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
            continue;
        }
        match piece(moment, c) {
            Some(p) => out.push_str(&p),
            None => out.push(c),
        }
    }
    out
}

fn twelve(hour: u32) -> u32 {
    match hour % 12 {
        0 => 12,
        h => h,
    }
}

/// One format character's text, or None for a character written as it is.
fn piece(m: &Moment, c: char) -> Option<String> {
    let d = m.local;
    let date = d.date();
    let (h, min, s) = (d.hour(), d.minute(), d.second());
    if m.date_only && "aAefgGhHiOPsTuUZ".contains(c) {
        return Some(String::new());
    }
    Some(match c {
        // Time.
        'a' => if h < 12 { "a.m." } else { "p.m." }.to_owned(),
        'A' => if h < 12 { "AM" } else { "PM" }.to_owned(),
        'e' | 'T' => m.abbreviation.clone(),
        'f' => {
            if min == 0 {
                twelve(h).to_string()
            } else {
                format!("{}:{min:02}", twelve(h))
            }
        }
        'g' => twelve(h).to_string(),
        'G' => h.to_string(),
        'h' => format!("{:02}", twelve(h)),
        'H' => format!("{h:02}"),
        'i' => format!("{min:02}"),
        's' => format!("{s:02}"),
        'u' => format!("{:06}", d.nanosecond() / 1000 % 1_000_000),
        'O' => m.offset.map(|o| offset_text(o, "")).unwrap_or_default(),
        'P' => match (h, min) {
            (0, 0) => "midnight".to_owned(),
            (12, 0) => "noon".to_owned(),
            _ => format!(
                "{} {}",
                piece(m, 'f').unwrap_or_default(),
                piece(m, 'a').unwrap_or_default()
            ),
        },
        'U' => match m.offset {
            Some(o) => (d - chrono::Duration::seconds(i64::from(o.local_minus_utc())))
                .and_utc()
                .timestamp()
                .to_string(),
            None => d.and_utc().timestamp().to_string(),
        },
        'Z' => m
            .offset
            .map(|o| o.local_minus_utc().to_string())
            .unwrap_or_default(),
        // Date.
        'b' => MONTHS[date.month0() as usize][..3].to_lowercase(),
        'c' => {
            let mut iso = d.format("%Y-%m-%dT%H:%M:%S").to_string();
            if d.nanosecond() / 1000 != 0 {
                iso.push_str(&format!(".{:06}", d.nanosecond() / 1000));
            }
            if let Some(o) = m.offset {
                iso.push_str(&offset_text(o, ":"));
            }
            iso
        }
        'd' => format!("{:02}", date.day()),
        'D' => DAYS[date.weekday().num_days_from_monday() as usize][..3].to_owned(),
        'E' | 'F' => MONTHS[date.month0() as usize].to_owned(),
        'I' => String::new(),
        'j' => date.day().to_string(),
        'l' => DAYS[date.weekday().num_days_from_monday() as usize].to_owned(),
        'L' => if date.leap_year() { "True" } else { "False" }.to_owned(),
        'm' => format!("{:02}", date.month()),
        'M' => MONTHS[date.month0() as usize][..3].to_owned(),
        'n' => date.month().to_string(),
        'N' => MONTHS_AP[date.month0() as usize].to_owned(),
        'o' => date.iso_week().year().to_string(),
        'r' => format!(
            "{}, {} {} {} {}",
            piece(m, 'D')?,
            piece(m, 'd')?,
            piece(m, 'M')?,
            piece(m, 'Y')?,
            if m.date_only {
                "00:00:00 +0000".to_owned()
            } else {
                format!(
                    "{h:02}:{min:02}:{s:02} {}",
                    m.offset.map_or("+0000".into(), |o| offset_text(o, ""))
                )
            }
        ),
        'S' => match date.day() {
            11..=13 => "th",
            d if d % 10 == 1 => "st",
            d if d % 10 == 2 => "nd",
            d if d % 10 == 3 => "rd",
            _ => "th",
        }
        .to_owned(),
        't' => {
            let next = if date.month() == 12 {
                chrono::NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)
            } else {
                chrono::NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1)
            };
            next.map_or(31, |n| n.pred_opt().map_or(31, |l| l.day()))
                .to_string()
        }
        'w' => date.weekday().num_days_from_sunday().to_string(),
        'W' => date.iso_week().week().to_string(),
        'y' => format!("{:02}", date.year() % 100),
        'Y' => format!("{:04}", date.year()),
        'z' => date.ordinal().to_string(),
        _ => return None,
    })
}

fn offset_text(o: FixedOffset, sep: &str) -> String {
    let secs = o.local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.abs();
    format!("{sign}{:02}{sep}{:02}", secs / 3600, secs / 60 % 60)
}
