//! Django's `django.utils.timezone`, for `USE_TZ = True` (Django's default since 5.0): aware
//! datetimes in UTC. A DateTimeField is a `DateTime<Utc>`.

/// The current date and time, aware, in UTC: Django's `timezone.now()`. Also the one-off
/// default makemigrations offers for date and time fields (`default: timezone::now`).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// A moment as TIME_ZONE shows it: the wall-clock time, its offset, and the zone's
/// abbreviation then (`CST`, `CDT`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Local {
    pub datetime: chrono::DateTime<chrono::FixedOffset>,
    pub abbreviation: String,
}

/// `dt` in the current time zone (TIME_ZONE, from the system's time zone database): Django's
/// `localtime(dt)`. An unknown TIME_ZONE is logged once and shown as UTC.
pub fn localtime(dt: chrono::DateTime<chrono::Utc>) -> Local {
    let name = crate::conf::try_settings().map_or("UTC", |s| s.TIME_ZONE.as_str());
    in_zone(dt, name).unwrap_or_else(|| {
        static WARNED: std::sync::Once = std::sync::Once::new();
        WARNED.call_once(|| {
            crate::log::error(&format!(
                "Incorrect timezone setting: {name} (no such zone in /usr/share/zoneinfo); times are shown in UTC"
            ))
        });
        Local {
            datetime: dt.fixed_offset(),
            abbreviation: "UTC".into(),
        }
    })
}

/// `dt` in the zone named `name` (`Europe/Paris`), or None for an unknown zone.
pub fn in_zone(dt: chrono::DateTime<chrono::Utc>, name: &str) -> Option<Local> {
    let tz = zone(name)?;
    let ts = jiff::Timestamp::from_second(dt.timestamp()).ok()?;
    let info = tz.to_offset_info(ts);
    let offset = chrono::FixedOffset::east_opt(info.offset().seconds())?;
    Some(Local {
        datetime: dt.with_timezone(&offset),
        abbreviation: info.abbreviation().to_owned(),
    })
}

/// The midnight that starts `date` in the current time zone (TIME_ZONE), with that day's
/// offset (a date across a DST change from today has its own). None for an unknown zone.
pub fn local_midnight(date: chrono::NaiveDate) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    use chrono::Datelike;
    let name = crate::conf::try_settings().map_or("UTC", |s| s.TIME_ZONE.as_str());
    let tz = zone(name)?;
    let civil = jiff::civil::date(
        i16::try_from(date.year()).ok()?,
        i8::try_from(date.month()).ok()?,
        i8::try_from(date.day()).ok()?,
    )
    .at(0, 0, 0, 0);
    let zoned = civil.to_zoned_datetime(tz).ok()?;
    let offset = chrono::FixedOffset::east_opt(zoned.offset().seconds())?;
    chrono::DateTime::from_timestamp(zoned.timestamp().as_second(), 0)
        .map(|dt| dt.with_timezone(&offset))
}

/// The zone named `name`, read once.
fn zone(name: &str) -> Option<jiff::tz::TimeZone> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static ZONES: OnceLock<Mutex<HashMap<String, Option<jiff::tz::TimeZone>>>> = OnceLock::new();
    let zones = ZONES.get_or_init(Mutex::default);
    let mut zones = zones.lock().unwrap_or_else(|e| e.into_inner());
    zones
        .entry(name.to_owned())
        .or_insert_with(|| jiff::tz::TimeZone::get(name).ok())
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_from_the_system_database() {
        let winter = chrono::DateTime::parse_from_rfc3339("2024-01-15T18:30:00Z")
            .unwrap()
            .to_utc();
        let summer = chrono::DateTime::parse_from_rfc3339("2024-07-15T18:30:00Z")
            .unwrap()
            .to_utc();
        let chicago = in_zone(winter, "America/Chicago").unwrap();
        assert_eq!(chicago.datetime.to_rfc3339(), "2024-01-15T12:30:00-06:00");
        assert_eq!(chicago.abbreviation, "CST");
        let paris = in_zone(summer, "Europe/Paris").unwrap();
        assert_eq!(paris.datetime.to_rfc3339(), "2024-07-15T20:30:00+02:00");
        assert_eq!(paris.abbreviation, "CEST");
        assert!(in_zone(winter, "Mars/Olympus").is_none());
    }
}
