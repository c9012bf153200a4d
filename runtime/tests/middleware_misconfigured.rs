//! A middleware that cannot work as configured answers every request with the 500 that says
//! why, as Django's ImproperlyConfigured does: sessions left out before the middleware that
//! need them, or a session table whose app is not installed.

use rjango::conf::Settings;
use rjango::middleware::{self, middleware};
use rjango::prelude::*;
use rjango::test::{Client, override_settings};

async fn hello(_request: HttpRequest) -> HttpResponse {
    HttpResponse::new("Hello, world")
}

urlpatterns![path("hello/", hello, name = "hello")];

fn settings() -> Settings {
    Settings {
        DEBUG: true,
        SECRET_KEY: "test-secret".into(),
        ..Settings::default()
    }
}

fn client() -> Client {
    Client::new(rjango::Project {
        name: "misconfigured",
        settings,
        root_urlconf: urlpatterns,
        apps: &[],
        models: &[],
        migrations: Vec::new,
        migration_code: Vec::new,
        commands: Vec::new,
    })
}

/// With the settings `change` makes, every request is a 500 whose page says `why`, and the
/// next one is too.
async fn refused_with(change: impl FnOnce(&mut Settings), why: &str) {
    // The project's settings are in place before the override (tests share the process).
    client();
    override_settings(change, async {
        let c = client();
        for _ in 0..2 {
            let r = c.get("/hello/").await;
            assert_eq!(r.status_code(), 500, "{why}");
            assert!(r.text().contains(why), "{why}: {}", r.text());
        }
    })
    .await;
}

#[rjango::test]
async fn authentication_without_sessions_says_so() {
    refused_with(
        |s| s.MIDDLEWARE = middleware![rjango::contrib::auth::AuthenticationMiddleware],
        "requires session middleware to be installed",
    )
    .await;
}

#[rjango::test]
async fn messages_in_the_session_without_sessions_say_so() {
    refused_with(
        |s| s.MIDDLEWARE = middleware![rjango::contrib::messages::MessageMiddleware],
        "The session-based temporary message storage requires session middleware",
    )
    .await;
}

#[rjango::test]
async fn csrf_in_the_session_without_sessions_says_so() {
    refused_with(
        |s| {
            s.MIDDLEWARE = middleware![middleware::csrf::CsrfViewMiddleware];
            s.CSRF_USE_SESSIONS = true;
        },
        "CSRF_USE_SESSIONS is enabled, but request.session is not set",
    )
    .await;
}

#[rjango::test]
async fn database_sessions_without_their_app_say_so() {
    refused_with(
        |s| s.MIDDLEWARE = middleware![rjango::contrib::sessions::SessionMiddleware],
        "add it to INSTALLED_APPS and run `migrate`",
    )
    .await;
}
