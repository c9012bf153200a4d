//! Django's `django.utils.timezone`, for `USE_TZ = True` (Django's default since 5.0): aware
//! datetimes in UTC. A DateTimeField is a `DateTime<Utc>`.

/// The current date and time, aware, in UTC: Django's `timezone.now()`. Also the one-off
/// default makemigrations offers for date and time fields (`default: timezone::now`).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}
