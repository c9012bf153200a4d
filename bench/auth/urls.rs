//! The bench project's URLconf: the login view takes POSTs from the load generator, which has
//! no CSRF token (as Django's side is exempt too).

use crate::views;
use rjango::middleware::csrf::csrf_exempt;
use rjango::urls::urlpatterns;

urlpatterns![
    path("login/", csrf_exempt(views::login), name = "login"),
    path("me/", views::me, name = "me"),
];
