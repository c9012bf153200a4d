//! Django's `django.contrib.contenttypes`: the `django_content_type` table, one row per
//! installed model, kept by `migrate` ([`management::create_contenttypes`]).

pub mod management;
pub mod migrations;
pub mod models;
