//! One field's value between a database row and Django's JSON fixture format, as Django's
//! `python` serializer writes and reads it: datetimes to the millisecond with `Z` for UTC,
//! decimals as strings with the field's places, durations as `1 02:00:03.000004`, binary as
//! base64, relations as the related row's key.

use base64::Engine;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Utc};
use rust_decimal::Decimal;
use sea_orm::{QueryResult, Value};
use serde_json::Value as Json;

use crate::db::migrations::schema::{FieldState, FieldType};
use crate::models::FromSql;

/// Reads `T` (or NULL) from column `index`.
fn read<T: FromSql>(row: &QueryResult, index: usize) -> Result<Option<T>, String> {
    T::from_sql_nullable(row, index).map_err(|e| e.to_string())
}

/// The column `index` of `row`, which holds `field`, as Django's fixture writes it.
pub fn to_json(field: &FieldState, row: &QueryResult, index: usize) -> Result<Json, String> {
    use FieldType as T;
    Ok(match &field.field_type {
        T::AutoField
        | T::BigAutoField
        | T::SmallAutoField
        | T::IntegerField
        | T::BigIntegerField
        | T::SmallIntegerField
        | T::PositiveIntegerField
        | T::PositiveBigIntegerField
        | T::PositiveSmallIntegerField
        | T::ForeignKey { .. }
        | T::OneToOneField { .. } => read_int(row, index)?.map_or(Json::Null, Json::from),
        T::BooleanField => read::<bool>(row, index)?.map_or(Json::Null, Json::Bool),
        T::FloatField => read::<f64>(row, index)?.map_or(Json::Null, Json::from),
        T::DecimalField { decimal_places, .. } => read::<Decimal>(row, index)?
            .map_or(Json::Null, |d| {
                Json::String(decimal_text(d, *decimal_places))
            }),
        T::CharField { .. }
        | T::TextField
        | T::SlugField { .. }
        | T::EmailField { .. }
        | T::URLField { .. } => read::<String>(row, index)?.map_or(Json::Null, Json::String),
        T::DateField { .. } => read::<NaiveDate>(row, index)?.map_or(Json::Null, |d| {
            Json::String(d.format("%Y-%m-%d").to_string())
        }),
        T::TimeField { .. } => {
            read::<NaiveTime>(row, index)?.map_or(Json::Null, |t| Json::String(time_text(t)))
        }
        T::DateTimeField { .. } => read::<DateTime<Utc>>(row, index)?
            .map_or(Json::Null, |t| Json::String(datetime_text(t))),
        T::DurationField => {
            read::<TimeDelta>(row, index)?.map_or(Json::Null, |d| Json::String(duration_text(d)))
        }
        T::UUIDField => {
            read::<uuid::Uuid>(row, index)?.map_or(Json::Null, |u| Json::String(u.to_string()))
        }
        T::JSONField => read::<Json>(row, index)?.unwrap_or(Json::Null),
        T::BinaryField => read::<Vec<u8>>(row, index)?.map_or(Json::Null, |b| {
            Json::String(base64::engine::general_purpose::STANDARD.encode(b))
        }),
        T::ManyToManyField { .. } => return Err("a many-to-many field has no column".into()),
    })
}

/// An integer column of any width, or NULL.
fn read_int(row: &QueryResult, index: usize) -> Result<Option<i64>, String> {
    row.try_get_by_index::<Option<i64>>(index)
        .or_else(|_| {
            row.try_get_by_index::<Option<i32>>(index)
                .map(|v| v.map(i64::from))
        })
        .or_else(|_| {
            row.try_get_by_index::<Option<i16>>(index)
                .map(|v| v.map(i64::from))
        })
        .map_err(|e| e.to_string())
}

/// `12.50` for a field with 2 places, as the database gives it back to Django.
fn decimal_text(mut d: Decimal, places: u32) -> String {
    d.rescale(places);
    d.to_string()
}

/// Django's `DjangoJSONEncoder` for a time: to the millisecond, cut (not rounded).
fn time_text(t: NaiveTime) -> String {
    let millis = t.nanosecond() / 1_000_000;
    if t.nanosecond() / 1000 == 0 {
        t.format("%H:%M:%S").to_string()
    } else {
        format!("{}.{millis:03}", t.format("%H:%M:%S"))
    }
}

/// Django's `DjangoJSONEncoder` for an aware datetime in UTC: `2024-01-02T03:04:05.123Z`.
fn datetime_text(t: DateTime<Utc>) -> String {
    let whole = t.format("%Y-%m-%dT%H:%M:%S");
    if t.nanosecond() / 1000 == 0 {
        format!("{whole}Z")
    } else {
        format!("{whole}.{:03}Z", t.nanosecond() / 1_000_000)
    }
}

/// Django's `duration_string`: `[D ]HH:MM:SS[.ffffff]`, days as Python's timedelta keeps them
/// (negative, with the rest positive).
fn duration_text(d: TimeDelta) -> String {
    let micros = d.num_microseconds().unwrap_or(i64::MAX);
    let day = 86_400_000_000i64;
    let days = micros.div_euclid(day);
    let rest = micros.rem_euclid(day);
    let (secs, us) = (rest / 1_000_000, rest % 1_000_000);
    let mut out = format!(
        "{:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    );
    if days != 0 {
        out = format!("{days} {out}");
    }
    if us != 0 {
        out.push_str(&format!(".{us:06}"));
    }
    out
}

/// A fixture's value for `field`, as the value the ORM binds for its column. Errors are
/// Django's validation messages where Django has one.
pub fn from_json(field: &FieldState, value: &Json) -> Result<Value, String> {
    use FieldType as T;
    let ft = &field.field_type;
    if value.is_null() {
        return Ok(null_of(ft));
    }
    let text = || {
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("“{value}” value must be a string"))
    };
    let int = || {
        value
            .as_i64()
            .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
            .ok_or_else(|| format!("“{value}” value must be an integer."))
    };
    Ok(match ft {
        T::SmallAutoField | T::SmallIntegerField | T::PositiveSmallIntegerField => {
            Value::SmallInt(Some(i16::try_from(int()?).map_err(|e| e.to_string())?))
        }
        T::AutoField | T::IntegerField | T::PositiveIntegerField => {
            Value::Int(Some(i32::try_from(int()?).map_err(|e| e.to_string())?))
        }
        T::BigAutoField
        | T::BigIntegerField
        | T::PositiveBigIntegerField
        | T::ForeignKey { .. }
        | T::OneToOneField { .. } => Value::BigInt(Some(int()?)),
        T::BooleanField => {
            Value::Bool(Some(value.as_bool().ok_or_else(|| {
                format!("“{value}” value must be either True or False.")
            })?))
        }
        T::FloatField => Value::Double(Some(
            value
                .as_f64()
                .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
                .ok_or_else(|| format!("“{value}” value must be a float."))?,
        )),
        T::DecimalField { .. } => {
            let shown = match value {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            };
            Value::Decimal(Some(
                shown
                    .trim()
                    .parse::<Decimal>()
                    .or_else(|_| Decimal::from_scientific(shown.trim()))
                    .map_err(|_| format!("“{shown}” value must be a decimal number."))?,
            ))
        }
        T::CharField { .. }
        | T::TextField
        | T::SlugField { .. }
        | T::EmailField { .. }
        | T::URLField { .. } => Value::String(Some(text()?)),
        T::DateField { .. } => {
            let s = text()?;
            Value::ChronoDate(Some(NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(
                |_| {
                    format!(
                        "“{s}” value has an invalid date format. It must be in YYYY-MM-DD format."
                    )
                },
            )?))
        }
        T::TimeField { .. } => {
            let s = text()?;
            Value::ChronoTime(Some(NaiveTime::parse_from_str(&s, "%H:%M:%S%.f").map_err(
                |_| format!("“{s}” value has an invalid format. It must be in HH:MM[:ss[.uuuuuu]] format."),
            )?))
        }
        T::DateTimeField { .. } => {
            let s = text()?;
            Value::ChronoDateTimeUtc(Some(parse_datetime(&s).ok_or_else(|| {
                format!("“{s}” value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format.")
            })?))
        }
        T::DurationField => {
            let micros = match value {
                Json::Number(n) => n.as_f64().map(|secs| (secs * 1e6) as i64),
                Json::String(s) => parse_duration(s),
                _ => None,
            }
            .ok_or_else(|| format!("“{value}” value has an invalid format. It must be in [DD] [[HH:]MM:]ss[.uuuuuu] format."))?;
            Value::BigInt(Some(micros))
        }
        T::UUIDField => {
            let s = text()?;
            Value::Uuid(Some(
                uuid::Uuid::parse_str(&s).map_err(|_| format!("“{s}” is not a valid UUID."))?,
            ))
        }
        T::JSONField => Value::Json(Some(Box::new(value.clone()))),
        T::BinaryField => {
            let s = text()?;
            Value::Bytes(Some(
                base64::engine::general_purpose::STANDARD
                    .decode(s.as_bytes())
                    .map_err(|e| format!("“{s}” is not base64: {e}"))?,
            ))
        }
        T::ManyToManyField { .. } => return Err("a many-to-many field has no column".into()),
    })
}

/// The typed NULL of a field's column (the drivers want NULLs typed).
fn null_of(ft: &FieldType) -> Value {
    use FieldType as T;
    match ft {
        T::SmallAutoField | T::SmallIntegerField | T::PositiveSmallIntegerField => {
            Value::SmallInt(None)
        }
        T::AutoField | T::IntegerField | T::PositiveIntegerField => Value::Int(None),
        T::BooleanField => Value::Bool(None),
        T::FloatField => Value::Double(None),
        T::DecimalField { .. } => Value::Decimal(None),
        T::CharField { .. }
        | T::TextField
        | T::SlugField { .. }
        | T::EmailField { .. }
        | T::URLField { .. } => Value::String(None),
        T::DateField { .. } => Value::ChronoDate(None),
        T::TimeField { .. } => Value::ChronoTime(None),
        T::DateTimeField { .. } => Value::ChronoDateTimeUtc(None),
        T::UUIDField => Value::Uuid(None),
        T::JSONField => Value::Json(None),
        T::BinaryField => Value::Bytes(None),
        _ => Value::BigInt(None),
    }
}

/// Django's `parse_datetime`: ISO 8601 with `T` or a space, an offset or `Z`, or none (UTC, as
/// with USE_TZ the default time zone is).
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    let naive = s.trim_end_matches('Z');
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(naive, format) {
            return Some(t.and_utc());
        }
    }
    None
}

/// Django's `parse_duration`: `[-][D ][[HH:]MM:]SS[.ffffff]` (also `D days, HH:MM:SS`), in
/// microseconds. (ISO 8601 durations are not read.)
pub fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    let (days, clock) = match s.split_once(' ') {
        Some((d, rest)) => {
            let d = d.trim_end_matches(',');
            let rest = rest
                .trim_start_matches("days,")
                .trim_start_matches("day,")
                .trim();
            (d.parse::<i64>().ok()?, rest)
        }
        None => (0, s),
    };
    let (negative, clock) = match clock.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, clock),
    };
    let mut parts = clock.rsplit(':');
    let seconds = parts.next()?;
    let minutes: i64 = parts.next().map_or(Some(0), |m| m.parse().ok())?;
    let hours: i64 = parts.next().map_or(Some(0), |h| h.parse().ok())?;
    if parts.next().is_some() {
        return None;
    }
    let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, ""));
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<6}").get(..6)?.parse().ok()?
    };
    let clock = ((hours * 60 + minutes) * 60 + whole) * 1_000_000 + fraction;
    Some(days * 86_400_000_000 + if negative { -clock } else { clock })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn values_as_django_writes_them() {
        let t = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(datetime_text(t), "2024-01-02T03:04:05Z");
        let t = t + TimeDelta::microseconds(123_456);
        assert_eq!(datetime_text(t), "2024-01-02T03:04:05.123Z");
        let time = NaiveTime::from_hms_micro_opt(3, 4, 5, 250_999).unwrap();
        assert_eq!(time_text(time), "03:04:05.250");
        assert_eq!(
            time_text(NaiveTime::from_hms_opt(3, 4, 5).unwrap()),
            "03:04:05"
        );
        assert_eq!(
            duration_text(TimeDelta::microseconds(93_603_000_004)),
            "1 02:00:03.000004"
        );
        assert_eq!(duration_text(TimeDelta::minutes(5)), "00:05:00");
        assert_eq!(duration_text(TimeDelta::seconds(-1)), "-1 23:59:59");
        assert_eq!(decimal_text("1".parse().unwrap(), 2), "1.00");
        assert_eq!(decimal_text("12.5".parse().unwrap(), 2), "12.50");
    }

    #[test]
    fn values_as_django_reads_them() {
        let expect =
            Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap() + TimeDelta::milliseconds(123);
        for s in [
            "2024-01-02T03:04:05.123Z",
            "2024-01-02T04:04:05.123+01:00",
            "2024-01-02 03:04:05.123",
            "2024-01-02T03:04:05.123",
        ] {
            assert_eq!(parse_datetime(s), Some(expect), "{s}");
        }
        assert_eq!(parse_duration("1 02:00:03.000004"), Some(93_603_000_004));
        assert_eq!(parse_duration("00:05:00"), Some(300_000_000));
        assert_eq!(parse_duration("-1 23:59:59"), Some(-1_000_000));
        assert_eq!(parse_duration("15"), Some(15_000_000));
        assert_eq!(parse_duration("1:02:03.5"), Some(3_723_500_000));
        assert_eq!(parse_duration("nope"), None);
    }
}
