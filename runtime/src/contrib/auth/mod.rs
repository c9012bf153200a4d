//! Django's `django.contrib.auth`. Today its password hashers ([`hashers`]): users, groups,
//! permissions, login and the auth views come next.

pub mod hashers;
