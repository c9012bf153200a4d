//! Django's `django.contrib.contenttypes.models`: one row per installed model, which
//! permissions (and the admin's log) point at. The table is Django's `django_content_type`.

use crate::models::prelude::*;

/// A model of an installed app, by its app label and lower-cased name (Django's
/// `ContentType`). `migrate` creates one for every model, as Django's post_migrate does.
#[model(
    db_table = "django_content_type",
    unique_together = [["app_label", "model"]],
    verbose_name = "content type"
)]
pub struct ContentType {
    /// Django's contrib apps keep `AutoField` keys (their `default_auto_field`).
    #[field(primary_key = true)]
    pub id: AutoField,
    #[field(max_length = 100)]
    pub app_label: CharField,
    #[field(max_length = 100, verbose_name = "python model class name")]
    pub model: CharField,
}
