//! Django's `django.contrib.auth`: its models ([`models::User`], [`models::Group`],
//! [`models::Permission`], on Django's tables), the permissions `migrate` creates
//! ([`management`]) and the password hashers ([`hashers`]). Login, `request.user()` and the
//! auth views come next.

pub mod hashers;
pub mod management;
pub mod migrations;
pub mod models;
