//! How the admin shows a field's value in the change list: Django's `display_for_field`.
//! Dates and times in TIME_ZONE with Django's default formats, booleans as icons, an empty
//! value as Django's `empty_value_display` ("-").

use super::options::Cell;
use crate::template::filters;

/// Django's `empty_value_display`.
pub const EMPTY_VALUE_DISPLAY: &str = "-";

/// A value the change list can show.
pub trait AdminDisplay {
    fn admin_display(&self) -> Cell;
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

impl AdminDisplay for String {
    fn admin_display(&self) -> Cell {
        if self.is_empty() {
            text(EMPTY_VALUE_DISPLAY)
        } else {
            text(self.clone())
        }
    }
}

macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl AdminDisplay for $t {
            fn admin_display(&self) -> Cell {
                text(self.to_string())
            }
        }
    )*};
}

numbers!(
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    usize,
    f32,
    f64,
    rust_decimal::Decimal,
    uuid::Uuid
);

impl AdminDisplay for &str {
    fn admin_display(&self) -> Cell {
        (*self).to_owned().admin_display()
    }
}

impl AdminDisplay for bool {
    fn admin_display(&self) -> Cell {
        Cell::Boolean(Some(*self))
    }
}

impl AdminDisplay for chrono::NaiveDate {
    fn admin_display(&self) -> Cell {
        // Django's DATE_FORMAT, "N j, Y": "Dec. 6, 2026".
        text(filters::format_date(self, "N j, Y"))
    }
}

impl AdminDisplay for chrono::NaiveTime {
    fn admin_display(&self) -> Cell {
        // Django's TIME_FORMAT, "P": "4:05 p.m.".
        let moment = chrono::NaiveDate::default().and_time(*self);
        text(filters::format_date(&moment, "P"))
    }
}

impl AdminDisplay for chrono::DateTime<chrono::Utc> {
    fn admin_display(&self) -> Cell {
        // Django's DATETIME_FORMAT, "N j, Y, P", in the current time zone.
        text(filters::format_date(self, "N j, Y, P"))
    }
}

impl AdminDisplay for chrono::TimeDelta {
    /// Django's `duration_string`: `[D ]HH:MM:SS[.ffffff]`.
    fn admin_display(&self) -> Cell {
        let micros = self.num_microseconds().unwrap_or(i64::MAX);
        let (sign, micros) = if micros < 0 {
            ("-", -micros)
        } else {
            ("", micros)
        };
        let (days, rest) = (micros / 86_400_000_000, micros % 86_400_000_000);
        let (secs, frac) = (rest / 1_000_000, rest % 1_000_000);
        let mut out = String::from(sign);
        if days != 0 {
            out.push_str(&format!("{days} "));
        }
        out.push_str(&format!(
            "{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        ));
        if frac != 0 {
            out.push_str(&format!(".{frac:06}"));
        }
        text(out)
    }
}

impl AdminDisplay for serde_json::Value {
    fn admin_display(&self) -> Cell {
        text(self.to_string())
    }
}

impl<T: AdminDisplay> AdminDisplay for Option<T> {
    fn admin_display(&self) -> Cell {
        match self {
            Some(v) => v.admin_display(),
            None => text(EMPTY_VALUE_DISPLAY),
        }
    }
}

impl<T: crate::models::Model> AdminDisplay for crate::models::ForeignKey<T> {
    fn admin_display(&self) -> Cell {
        text(self.id.to_string())
    }
}

/// A column's value read from a row's `values()` (a related field's), shown as its type is.
pub fn value_cell(value: &sea_orm::Value) -> Cell {
    use sea_orm::Value as V;
    match value {
        V::Bool(b) => Cell::Boolean(*b),
        V::String(s) => s.clone().admin_display(),
        V::TinyInt(n) => n.map(i16::from).admin_display(),
        V::SmallInt(n) => n.admin_display(),
        V::Int(n) => n.admin_display(),
        V::BigInt(n) => n.admin_display(),
        V::TinyUnsigned(n) => n.map(u16::from).admin_display(),
        V::SmallUnsigned(n) => n.admin_display(),
        V::Unsigned(n) => n.admin_display(),
        V::BigUnsigned(n) => n.admin_display(),
        V::Float(n) => n.map(f64::from).admin_display(),
        V::Double(n) => n.admin_display(),
        V::ChronoDate(d) => d.admin_display(),
        V::ChronoTime(t) => t.admin_display(),
        V::ChronoDateTimeUtc(d) => d.admin_display(),
        V::ChronoDateTime(d) => d.map(|d| d.and_utc()).admin_display(),
        V::Decimal(d) => d.admin_display(),
        V::Uuid(u) => u.admin_display(),
        V::Json(j) => j.as_deref().cloned().admin_display(),
        other if *other == other.as_null() => text(EMPTY_VALUE_DISPLAY),
        other => text(other.to_string()),
    }
}

/// A function shown as a change-list column (Django's `list_display` callable with
/// `@admin.display`): `#[admin::display]` implements it for the function's unit type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is neither a field of `{M}` nor an #[admin::display] function of it",
    label = "no field, no display function",
    note = "a column that computes its value is `#[admin::display(description = \"...\")] fn name(object: &{M}) -> impl AdminDisplay`"
)]
pub trait DisplayColumn<M>: 'static {
    /// The function's name (the column's CSS class and `list_display_links` entry).
    const NAME: &'static str;
    /// The header (Django's `description`; the name made readable by default).
    const DESCRIPTION: &'static str;
    fn cell(object: &M) -> Cell;
    /// Django's `ordering=`: what sorting by the column sorts by, when it can be sorted.
    fn order(descending: bool) -> Option<crate::models::lookups::OrderBy<M>>;
}

impl<M: crate::models::Model> super::options::Column<M> {
    /// The column of an `#[admin::display]` function.
    pub fn of<X: DisplayColumn<M>>() -> Self {
        super::options::Column {
            name: X::NAME,
            label: X::DESCRIPTION.to_owned(),
            display: X::cell,
            order: X::order(false)
                .map(|_| (|d: bool| X::order(d).expect("ordered")) as fn(bool) -> _),
        }
    }
}

/// A cell as plain text, for a read-only value of the change form.
pub fn cell_text(cell: Cell) -> String {
    match cell {
        Cell::Text(t) => t,
        Cell::Boolean(Some(true)) => "Yes".into(),
        Cell::Boolean(Some(false)) => "No".into(),
        Cell::Boolean(None) => "Unknown".into(),
    }
}

/// A field's choices label for its value (Django's `get_FOO_display()`), else the value.
pub fn choice_display(cell: Cell, choices: &[(&str, &str)]) -> Cell {
    match cell {
        Cell::Text(value) => match choices.iter().find(|(v, _)| *v == value) {
            Some((_, label)) => Cell::Text((*label).to_owned()),
            None => Cell::Text(value),
        },
        other => other,
    }
}

pub use crate::models::meta::{ObjectStr, ViaDefault, ViaDisplay, pk_string};

/// Django's `capfirst`: the first letter upper-cased (any script's), the rest as it is.
pub fn capfirst(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
