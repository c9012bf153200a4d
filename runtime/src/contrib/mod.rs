//! Django's `django.contrib`: the apps a site with users, sessions and forms needs. Built
//! slice by slice (issue 17); today: the password hashers of `auth`, `sessions` on signed
//! cookies, and `messages` on the cookie storage.

pub mod auth;
pub mod messages;
pub mod sessions;
