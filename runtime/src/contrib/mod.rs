//! Django's `django.contrib`: the apps a site with users, sessions and forms needs. Built
//! slice by slice (issue 17); today: the password hashers of `auth`, and `sessions` on signed
//! cookies.

pub mod auth;
pub mod sessions;
