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
    i16,
    i32,
    i64,
    u16,
    u32,
    u64,
    f64,
    rust_decimal::Decimal,
    uuid::Uuid
);

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
