//! Django's `django.contrib.sessions.models`: the database session backend's table,
//! `django_session`.

use crate::models::prelude::*;

/// One stored session: its key (the cookie's value), its signed data, and when it expires.
#[model(db_table = "django_session", verbose_name = "session")]
pub struct Session {
    #[field(primary_key = true, max_length = 40, verbose_name = "session key")]
    pub session_key: CharField,
    #[field(verbose_name = "session data")]
    pub session_data: TextField,
    #[field(db_index = true, verbose_name = "expire date")]
    pub expire_date: DateTimeField,
}
