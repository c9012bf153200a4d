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

impl ContentType {
    /// The content type of model `M` (Django's `ContentType.objects.get_for_model(M)`), made
    /// when missing, as Django's is.
    pub async fn get_for_model<M: crate::models::Model>() -> Result<ContentType, QueryError> {
        let app = crate::models::meta::app_label(M::MODULE);
        let name = M::NAME.to_lowercase();
        let found = ContentType::objects()
            .filter(content_type::app_label.eq(app) & content_type::model.eq(name.as_str()))
            .first()
            .await?;
        match found {
            Some(ct) => Ok(ct),
            None => {
                ContentType::objects()
                    .create(ContentType {
                        id: 0,
                        app_label: app.to_owned(),
                        model: name,
                    })
                    .await
            }
        }
    }
}
