//! Django's everyday template filters for askama templates. Bring them in where the template
//! struct is declared, `use rjango::template::filters;`, and write them as in Django:
//!
//! ```text
//! {{ post.published|date("N j, Y, P") }}   {{ post.body|truncatewords(30) }}
//! {{ comments.len()|pluralize }}            {{ post.subtitle|default_if_none("—") }}
//! {{ post.body|filters::linebreaks }}      {{ done|yesno("yes,no") }}
//! ```
//!
//! askama has filters of its own named `default`, `linebreaks`, `linebreaksbr`, `pluralize`
//! and `truncate`, which win over these; Django's are `filters::default`,
//! `filters::linebreaks`, `filters::linebreaksbr` and `filters::pluralize`. Dates are shown
//! in TIME_ZONE (USE_TZ), as Django shows them.

use std::fmt::Display;

use askama::filters::Safe;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};

use super::dateformat::{self, Moment};
use super::escape;

/// A value the `date` and `time` filters format.
pub trait DateValue {
    /// The moment as shown (None: nothing to show, an empty string).
    fn moment(&self) -> Option<Moment>;
}

impl DateValue for DateTime<Utc> {
    fn moment(&self) -> Option<Moment> {
        let use_tz = crate::conf::try_settings().is_none_or(|s| s.USE_TZ);
        if !use_tz {
            return Some(Moment {
                local: self.naive_utc(),
                offset: None,
                abbreviation: String::new(),
                date_only: false,
            });
        }
        let local = crate::utils::timezone::localtime(*self);
        Some(Moment {
            local: local.datetime.naive_local(),
            offset: Some(*local.datetime.offset()),
            abbreviation: local.abbreviation,
            date_only: false,
        })
    }
}

impl DateValue for DateTime<FixedOffset> {
    fn moment(&self) -> Option<Moment> {
        Some(Moment {
            local: self.naive_local(),
            offset: Some(*self.offset()),
            abbreviation: String::new(),
            date_only: false,
        })
    }
}

impl DateValue for NaiveDateTime {
    fn moment(&self) -> Option<Moment> {
        Some(Moment {
            local: *self,
            offset: None,
            abbreviation: String::new(),
            date_only: false,
        })
    }
}

impl DateValue for NaiveDate {
    fn moment(&self) -> Option<Moment> {
        Some(Moment {
            local: self.and_hms_opt(0, 0, 0)?,
            offset: None,
            abbreviation: String::new(),
            date_only: true,
        })
    }
}

impl<T: DateValue> DateValue for Option<T> {
    fn moment(&self) -> Option<Moment> {
        self.as_ref().and_then(T::moment)
    }
}

impl<T: DateValue + ?Sized> DateValue for &T {
    fn moment(&self) -> Option<Moment> {
        (**self).moment()
    }
}

/// `value` in Django's date `format`, outside a template (the admin's cells).
pub(crate) fn format_date<T: DateValue>(value: &T, format: &str) -> String {
    value
        .moment()
        .map(|m| dateformat::format(&m, format))
        .unwrap_or_default()
}

/// Django's `date` filter: `{{ value|date("D d M Y") }}`, DATE_FORMAT (`N j, Y`) by default.
#[askama::filter_fn]
pub fn date<T: DateValue>(
    value: T,
    _: &dyn askama::Values,
    #[optional("N j, Y")] format: &str,
) -> askama::Result<String> {
    Ok(value
        .moment()
        .map(|m| dateformat::format(&m, format))
        .unwrap_or_default())
}

/// Django's `time` filter: `{{ value|time("H:i") }}`, TIME_FORMAT (`P`) by default.
#[askama::filter_fn]
pub fn time<T: DateValue>(
    value: T,
    _: &dyn askama::Values,
    #[optional("P")] format: &str,
) -> askama::Result<String> {
    Ok(value
        .moment()
        .filter(|m| !m.date_only)
        .map(|m| dateformat::format(&m, format))
        .unwrap_or_default())
}

/// Django's `truncatewords`: the first `n` words, ` …` after them if there were more;
/// whitespace between words becomes one space, as Django's.
#[askama::filter_fn]
pub fn truncatewords<T: Display>(
    value: T,
    _: &dyn askama::Values,
    n: usize,
) -> askama::Result<String> {
    let text = value.to_string();
    let words: Vec<&str> = text.split_whitespace().collect();
    if n == 0 {
        return Ok(String::new());
    }
    if words.len() > n {
        return Ok(format!("{} …", words[..n].join(" ")));
    }
    Ok(words.join(" "))
}

/// Django's `truncatechars`: at most `n` characters, the last one `…` when cut.
#[askama::filter_fn]
pub fn truncatechars<T: Display>(
    value: T,
    _: &dyn askama::Values,
    n: usize,
) -> askama::Result<String> {
    let text = value.to_string();
    if text.chars().count() <= n {
        return Ok(text);
    }
    if n == 0 {
        return Ok(String::new());
    }
    let kept: String = text.chars().take(n - 1).collect();
    Ok(format!("{kept}…"))
}

/// Django's `linebreaks`: paragraphs (`<p>`) at blank lines, `<br>` at single newlines, the
/// text escaped.
#[askama::filter_fn]
pub fn linebreaks<T: Display>(value: T, _: &dyn askama::Values) -> askama::Result<Safe<String>> {
    let text = value.to_string().replace("\r\n", "\n").replace('\r', "\n");
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    let mut newlines = 0;
    for c in text.chars() {
        if c == '\n' {
            newlines += 1;
            continue;
        }
        if newlines >= 2 {
            paragraphs.push(std::mem::take(&mut current));
        } else if newlines == 1 {
            current.push('\n');
        }
        newlines = 0;
        current.push(c);
    }
    if newlines == 1 {
        current.push('\n');
    }
    paragraphs.push(current);
    if newlines >= 2 {
        paragraphs.push(String::new());
    }
    Ok(Safe(
        paragraphs
            .iter()
            .map(|p| format!("<p>{}</p>", escape(p).replace('\n', "<br>")))
            .collect::<Vec<_>>()
            .join("\n\n"),
    ))
}

/// Django's `linebreaksbr`: each newline a `<br>`, the text escaped.
#[askama::filter_fn]
pub fn linebreaksbr<T: Display>(value: T, _: &dyn askama::Values) -> askama::Result<Safe<String>> {
    let text = value.to_string().replace("\r\n", "\n").replace('\r', "\n");
    Ok(Safe(escape(&text).replace('\n', "<br>")))
}

/// A count `pluralize` reads: a number, or a collection's length.
pub trait Count {
    fn is_one(&self) -> bool;
}

macro_rules! count_number {
    ($($t:ty),*) => {$(
        impl Count for $t {
            fn is_one(&self) -> bool {
                *self as f64 == 1.0
            }
        }
    )*};
}
count_number!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, f32, f64);

impl<T> Count for Vec<T> {
    fn is_one(&self) -> bool {
        self.len() == 1
    }
}

impl<T> Count for [T] {
    fn is_one(&self) -> bool {
        self.len() == 1
    }
}

impl<T: Count + ?Sized> Count for &T {
    fn is_one(&self) -> bool {
        (**self).is_one()
    }
}

/// Django's `pluralize`: `""` for one, `"s"` otherwise; `pluralize("es")`, or
/// `pluralize("y,ies")` for both forms.
#[askama::filter_fn]
pub fn pluralize<T: Count>(
    value: T,
    _: &dyn askama::Values,
    #[optional("s")] suffix: &str,
) -> askama::Result<String> {
    let (singular, plural) = suffix.split_once(',').unwrap_or(("", suffix));
    if plural.contains(',') {
        return Ok(String::new()); // Django: too many commas, nothing
    }
    Ok(if value.is_one() { singular } else { plural }.to_owned())
}

/// Whether a value is true as Python tests it (an empty string, zero, false and None are
/// not), for `default` and `yesno`.
pub trait Truthy {
    fn is_truthy(&self) -> bool;
}

impl Truthy for bool {
    fn is_truthy(&self) -> bool {
        *self
    }
}
impl Truthy for str {
    fn is_truthy(&self) -> bool {
        !self.is_empty()
    }
}
impl Truthy for String {
    fn is_truthy(&self) -> bool {
        !self.is_empty()
    }
}
macro_rules! truthy_number {
    ($($t:ty),*) => {$(
        impl Truthy for $t {
            fn is_truthy(&self) -> bool {
                *self as f64 != 0.0
            }
        }
    )*};
}
truthy_number!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, f32, f64);
impl<T: Truthy> Truthy for Option<T> {
    fn is_truthy(&self) -> bool {
        self.as_ref().is_some_and(T::is_truthy)
    }
}
impl<T: Truthy + ?Sized> Truthy for &T {
    fn is_truthy(&self) -> bool {
        (**self).is_truthy()
    }
}

/// Django's `default`: the value, or `fallback` when it is false (empty, zero, None).
#[askama::filter_fn]
pub fn default<T: Truthy + MaybeDisplay>(
    value: T,
    _: &dyn askama::Values,
    fallback: &str,
) -> askama::Result<String> {
    Ok(if value.is_truthy() {
        value.text()
    } else {
        fallback.to_owned()
    })
}

/// A value `default` and `default_if_none` show: itself, or an Option's content.
pub trait MaybeDisplay {
    fn text(&self) -> String;
}
macro_rules! maybe_display {
    ($($t:ty),*) => {$(
        impl MaybeDisplay for $t {
            fn text(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
maybe_display!(
    bool, str, String, i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, f32, f64
);
impl<T: MaybeDisplay> MaybeDisplay for Option<T> {
    fn text(&self) -> String {
        self.as_ref().map(T::text).unwrap_or_default()
    }
}
impl<T: MaybeDisplay + ?Sized> MaybeDisplay for &T {
    fn text(&self) -> String {
        (**self).text()
    }
}

/// Django's `default_if_none`: an Option's value, or `fallback` for None.
#[askama::filter_fn]
pub fn default_if_none<T: Display>(
    value: &Option<T>,
    _: &dyn askama::Values,
    fallback: &str,
) -> askama::Result<String> {
    Ok(match value {
        Some(v) => v.to_string(),
        None => fallback.to_owned(),
    })
}

/// Django's `yesno`: `"yes,no,maybe"` by default; the third word for None (the second when
/// only two are given).
#[askama::filter_fn]
pub fn yesno<T: Truthy + IsNone + MaybeDisplay>(
    value: T,
    _: &dyn askama::Values,
    #[optional("yes,no,maybe")] words: &str,
) -> askama::Result<String> {
    let parts: Vec<&str> = words.split(',').collect();
    let (yes, no, maybe) = match parts.as_slice() {
        [yes, no] => (*yes, *no, *no),
        [yes, no, maybe, ..] => (*yes, *no, *maybe),
        // Django: an invalid argument gives the value itself.
        _ => return Ok(value.text()),
    };
    Ok(if value.is_none() {
        maybe
    } else if value.is_truthy() {
        yes
    } else {
        no
    }
    .to_owned())
}

/// Whether a value is Python's None, for `yesno`.
pub trait IsNone {
    fn is_none(&self) -> bool {
        false
    }
}
impl IsNone for bool {}
impl<T> IsNone for Option<T> {
    fn is_none(&self) -> bool {
        Option::is_none(self)
    }
}
impl<T: IsNone + ?Sized> IsNone for &T {
    fn is_none(&self) -> bool {
        (**self).is_none()
    }
}

/// Django's `floatformat`: one decimal place only when there is a fraction (`34.0` is
/// "34", `34.26` is "34.3"); `floatformat(2)` always two, `floatformat(-2)` two when
/// needed, `floatformat(0)` a whole number. Halves round away from zero, as Django's
/// ROUND_HALF_UP.
#[askama::filter_fn]
pub fn floatformat<T: Display>(
    value: T,
    _: &dyn askama::Values,
    #[optional(-1)] places: i32,
) -> askama::Result<String> {
    use rust_decimal::prelude::*;
    let text = value.to_string();
    let Ok(d) = Decimal::from_str(text.trim()).or_else(|_| Decimal::from_scientific(text.trim()))
    else {
        return Ok(String::new()); // Django: not a number, nothing
    };
    let p = places.unsigned_abs();
    let rounded = d.round_dp_with_strategy(p, RoundingStrategy::MidpointAwayFromZero);
    if places < 0 && rounded.fract().is_zero() {
        return Ok(rounded.trunc().normalize().to_string());
    }
    let mut out = rounded.to_string();
    let have = out.split_once('.').map_or(0, |(_, f)| f.len() as u32);
    if have < p {
        if have == 0 {
            out.push('.');
        }
        out.push_str(&"0".repeat((p - have) as usize));
    }
    Ok(out)
}

/// Django's `slugify`: ASCII letters, digits, hyphens and underscores, lower case, spaces and
/// hyphens run together as one hyphen.
#[askama::filter_fn]
pub fn slugify<T: Display>(value: T, _: &dyn askama::Values) -> askama::Result<String> {
    Ok(crate::utils::text::slugify(&value.to_string()))
}

/// Django's `striptags`: the text without its tags (not a sanitizer: the result is still
/// escaped when shown).
#[askama::filter_fn]
pub fn striptags<T: Display>(value: T, _: &dyn askama::Values) -> askama::Result<String> {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    Ok(out)
}

/// Django's `capfirst`: the first character upper case.
#[askama::filter_fn]
pub fn capfirst<T: Display>(value: T, _: &dyn askama::Values) -> askama::Result<String> {
    let text = value.to_string();
    let mut chars = text.chars();
    Ok(match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    })
}
