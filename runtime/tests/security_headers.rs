//! SecurityMiddleware and XFrameOptionsMiddleware: the headers every response carries, a view's
//! own value kept (Django's setdefault), and a test's override_settings followed.

use rjango::conf::Settings;
use rjango::middleware::{self, middleware};
use rjango::prelude::*;
use rjango::test::{Client, override_settings};

async fn hello(_request: HttpRequest) -> HttpResponse {
    HttpResponse::new("Hello, world")
}

async fn framed(_request: HttpRequest) -> HttpResponse {
    HttpResponse::new("framed").with_header("X-Frame-Options", "SAMEORIGIN")
}

urlpatterns![
    path("hello/", hello, name = "hello"),
    path("framed/", framed, name = "framed"),
];

fn settings() -> Settings {
    Settings {
        SECRET_KEY: "test-secret".into(),
        MIDDLEWARE: middleware![
            middleware::security::SecurityMiddleware,
            middleware::clickjacking::XFrameOptionsMiddleware,
        ],
        ..Settings::default()
    }
}

fn client() -> Client {
    Client::new(rjango::Project {
        name: "securitytest",
        settings,
        root_urlconf: urlpatterns,
        apps: &[],
        models: &[],
        migrations: Vec::new,
        migration_code: Vec::new,
        commands: Vec::new,
    })
}

#[rjango::test]
async fn every_response_carries_djangos_security_headers() {
    let r = client().get("/hello/").await;
    assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(r.header("Referrer-Policy"), Some("same-origin"));
    assert_eq!(r.header("Cross-Origin-Opener-Policy"), Some("same-origin"));
    assert_eq!(r.header("X-Frame-Options"), Some("DENY"));
    assert_eq!(
        r.header("Strict-Transport-Security"),
        None,
        "not over HTTPS"
    );
    // A 404 too: the middleware see every response.
    let r = client().get("/nowhere/").await;
    assert_eq!(r.status_code(), 404);
    assert_eq!(r.header("X-Frame-Options"), Some("DENY"));
}

#[rjango::test]
async fn a_views_own_value_stays() {
    let r = client().get("/framed/").await;
    assert_eq!(r.header("X-Frame-Options"), Some("SAMEORIGIN"));
}

#[rjango::test]
async fn an_override_made_after_the_client_is_followed() {
    let c = client();
    let r = override_settings(
        |s| {
            s.X_FRAME_OPTIONS = "SAMEORIGIN".into();
            s.SECURE_REFERRER_POLICY = Some("no-referrer".into());
            s.SECURE_CONTENT_TYPE_NOSNIFF = false;
        },
        c.get("/hello/"),
    )
    .await;
    assert_eq!(r.header("X-Frame-Options"), Some("SAMEORIGIN"));
    assert_eq!(r.header("Referrer-Policy"), Some("no-referrer"));
    assert_eq!(r.header("X-Content-Type-Options"), None);
    let r = c.get("/hello/").await;
    assert_eq!(r.header("X-Frame-Options"), Some("DENY"));
    assert_eq!(r.header("Referrer-Policy"), Some("same-origin"));
    // A referrer policy with a newline is never sent: the request is a 400.
    let r = override_settings(
        |s| s.SECURE_REFERRER_POLICY = Some("same-origin\r\nX-Evil: 1".into()),
        c.get("/hello/"),
    )
    .await;
    assert_eq!(r.status_code(), 400);
    assert_eq!(r.header("X-Evil"), None);
}
