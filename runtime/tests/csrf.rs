//! Django's CsrfViewMiddleware through the request cycle: the cookie and the masked token of
//! a page, each refusal with Django's reason (no cookie, no token, a token of the wrong
//! length or value, a bad Origin, a missing or insecure Referer on HTTPS, a cookie of a bad
//! format), trusted origins, and the test client that skips the check unless asked.

use rjango::conf::Settings;
use rjango::http::{Cookie, HttpRequest};
use rjango::middleware::csrf::{CsrfViewMiddleware, csrf_exempt};
use rjango::middleware::middleware;
use rjango::prelude::*;
use rjango::test::Client;

mod views {
    use rjango::middleware::csrf::csrf_input;
    use rjango::prelude::*;

    pub async fn form(request: HttpRequest) -> HttpResponse {
        HttpResponse::new(format!(
            "<form method=\"post\">{}</form>",
            csrf_input(&request)
        ))
    }

    pub async fn submit(_request: HttpRequest) -> HttpResponse {
        HttpResponse::new("accepted")
    }
}

urlpatterns![
    path("form/", views::form, name = "form"),
    path("submit/", views::submit, name = "submit"),
    path("hook/", csrf_exempt(views::submit), name = "hook"),
];

fn settings() -> Settings {
    Settings {
        DEBUG: true,
        SECRET_KEY: "csrf-test-secret".into(),
        ALLOWED_HOSTS: vec!["testserver".into(), "shop.example.com".into()],
        MIDDLEWARE: middleware![CsrfViewMiddleware],
        CSRF_TRUSTED_ORIGINS: vec![
            "https://*.example.org".into(),
            "https://pay.example.net".into(),
        ],
        ..Settings::default()
    }
}

fn project() -> rjango::Project {
    rjango::Project {
        name: "csrftest",
        settings,
        root_urlconf: urlpatterns,
        apps: &[],
        models: &[],
        migrations: Vec::new,
        migration_code: Vec::new,
        commands: Vec::new,
    }
}

/// The page's cookie secret and its masked token.
async fn page(c: &Client) -> (String, String) {
    let r = c.get("/form/").await;
    let cookie: Cookie = r
        .cookies()
        .iter()
        .find(|c| c.name() == "csrftoken")
        .cloned()
        .expect("a csrftoken cookie");
    assert_eq!(cookie.value().len(), 32);
    assert_eq!(
        cookie.max_age().map(|d| d.whole_seconds()),
        Some(31_449_600)
    );
    assert_eq!(cookie.same_site(), Some(rjango::http::SameSite::Lax));
    assert_eq!(
        cookie.http_only(),
        None,
        "JavaScript may read it, as Django's"
    );
    assert_eq!(r.header("vary"), Some("Cookie"));
    let text = r.text();
    let token = text
        .split("value=\"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .unwrap()
        .to_owned();
    assert_eq!(token.len(), 64);
    (cookie.value().to_owned(), token)
}

fn post(secret: Option<&str>, body: &str) -> rjango::http::RequestBuilder {
    let mut b = HttpRequest::builder("POST", "/submit/")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body.to_owned());
    // The cookie as given: none at all for None (not the one the client kept).
    match secret {
        Some(s) => b = b.header("Cookie", &format!("csrftoken={s}")),
        None => b = b.header("Cookie", ""),
    }
    b
}

/// 403 with Django's page, the reason in it (DEBUG is on).
fn refused(r: &HttpResponse, reason: &str) {
    assert_eq!(r.status_code(), 403, "{}", r.text());
    let text = r.text();
    assert!(
        text.contains("CSRF verification failed. Request aborted."),
        "{text}"
    );
    let shown = rjango::template::escape(reason);
    assert!(text.contains(&shown), "expected {shown:?} in {text}");
}

#[rjango::test]
async fn unsafe_requests_need_the_token_of_their_cookie() {
    let c = Client::new(project()).enforce_csrf_checks(true);
    let (secret, token) = page(&c).await;
    // Each page masks a secret afresh: a token never repeats.
    let (_, again) = page(&c).await;
    assert_ne!(token, again);

    refused(&c.request(post(None, "")).await, "CSRF cookie not set.");
    refused(
        &c.request(post(Some(&secret), "")).await,
        "CSRF token missing.",
    );
    refused(
        &c.request(post(Some(&secret), "csrfmiddlewaretoken=abc"))
            .await,
        "CSRF token from POST has incorrect length.",
    );
    let wrong = "a".repeat(64);
    refused(
        &c.request(post(Some(&secret), &format!("csrfmiddlewaretoken={wrong}")))
            .await,
        "CSRF token from POST incorrect.",
    );
    let r = c
        .request(post(Some(&secret), &format!("csrfmiddlewaretoken={token}")))
        .await;
    assert_eq!((r.status_code(), r.text().as_str()), (200, "accepted"));
    // A form with a file input sends the token in a multipart body.
    let multipart = |token: &str| {
        HttpRequest::builder("POST", "/submit/")
            .header(
                "Content-Type",
                &format!(
                    "multipart/form-data; boundary={}",
                    rjango::test::MULTIPART_BOUNDARY
                ),
            )
            .header("Cookie", &format!("csrftoken={secret}"))
            .body(rjango::test::encode_multipart(
                rjango::test::MULTIPART_BOUNDARY,
                &[("csrfmiddlewaretoken", token)],
                &[("photo", "cat.png", "image/png", b"png")],
            ))
    };
    let r = c.request(multipart(&token)).await;
    assert_eq!((r.status_code(), r.text().as_str()), (200, "accepted"));
    refused(
        &c.request(multipart(&wrong)).await,
        "CSRF token from POST incorrect.",
    );
    // The header, as JavaScript sends it; the unmasked secret passes too, as in Django.
    let r = c
        .request(post(Some(&secret), "").header("X-CSRFToken", &token))
        .await;
    assert_eq!(r.status_code(), 200);
    let r = c
        .request(post(Some(&secret), "").header("X-CSRFToken", &secret))
        .await;
    assert_eq!(r.status_code(), 200);
    // A token in the form wins over the header: a bad one there is refused.
    refused(
        &c.request(
            post(Some(&secret), &format!("csrfmiddlewaretoken={wrong}"))
                .header("X-CSRFToken", &token),
        )
        .await,
        "CSRF token from POST incorrect.",
    );
    // A cookie of Django before 4.1 (a masked token) still works: its secret is unmasked.
    let r = c
        .request(post(Some(&token), "").header("X-CSRFToken", &secret))
        .await;
    assert_eq!(r.status_code(), 200, "{}", r.text());
    refused(
        &c.request(post(Some("short"), &format!("csrfmiddlewaretoken={token}")))
            .await,
        "CSRF cookie has incorrect length.",
    );
    // A page for a visitor who has the cookie sends it again, with Vary: Cookie, so no
    // shared cache keeps one visitor's token.
    let r = c
        .request(
            HttpRequest::builder("GET", "/form/").header("Cookie", &format!("csrftoken={secret}")),
        )
        .await;
    let renewed = r
        .cookies()
        .iter()
        .find(|c| c.name() == "csrftoken")
        .cloned();
    assert_eq!(renewed.map(|c| c.value().to_owned()), Some(secret.clone()));
    assert_eq!(r.header("vary"), Some("Cookie"));
    refused(
        &c.request(post(Some(&secret), "").header("X-CSRFToken", &wrong))
            .await,
        "CSRF token from the 'X-Csrftoken' HTTP header incorrect.",
    );
    // A cookie of a bad format is refused, and replaced.
    let r = c
        .request(post(
            Some(&"!".repeat(32)),
            &format!("csrfmiddlewaretoken={token}"),
        ))
        .await;
    refused(&r, "CSRF cookie has invalid characters.");
    assert!(r.cookies().iter().any(|c| c.name() == "csrftoken"));
}

#[rjango::test]
async fn origins_and_referers_are_checked() {
    let c = Client::new(project()).enforce_csrf_checks(true);
    let (secret, token) = page(&c).await;
    let body = format!("csrfmiddlewaretoken={token}");
    let ok = |r: HttpResponse| assert_eq!(r.status_code(), 200, "{}", r.text());

    refused(
        &c.request(post(Some(&secret), &body).header("Origin", "https://evil.example"))
            .await,
        "Origin checking failed - https://evil.example does not match any trusted origins.",
    );
    ok(
        c.request(post(Some(&secret), &body).header("Origin", "http://testserver"))
            .await,
    );
    ok(
        c.request(post(Some(&secret), &body).header("Origin", "https://shop.example.org"))
            .await,
    );
    ok(
        c.request(post(Some(&secret), &body).header("Origin", "https://pay.example.net"))
            .await,
    );
    refused(
        &c.request(post(Some(&secret), &body).header("Origin", "http://shop.example.org"))
            .await,
        "Origin checking failed",
    );
    // HTTPS without Origin: the Referer must be there, secure, and of a trusted host.
    let secure = || post(Some(&secret), &body).secure(true);
    refused(
        &c.request(secure()).await,
        "Referer checking failed - no Referer.",
    );
    refused(
        &c.request(secure().header("Referer", "http://testserver/form/"))
            .await,
        "Referer checking failed - Referer is insecure while host is secure.",
    );
    refused(
        &c.request(secure().header("Referer", "https://evil.example/"))
            .await,
        "Referer checking failed - https://evil.example/ does not match any trusted origins.",
    );
    ok(
        c.request(secure().header("Referer", "https://testserver/form/"))
            .await,
    );
    ok(
        c.request(secure().header("Referer", "https://a.example.org/"))
            .await,
    );
}

#[rjango::test]
async fn the_test_client_skips_the_check_unless_asked() {
    let c = Client::new(project());
    let r = c.request(post(None, "")).await;
    assert_eq!(r.status_code(), 200, "{}", r.text());
    // Safe methods never need a token.
    let enforcing = Client::new(project()).enforce_csrf_checks(true);
    assert_eq!(enforcing.get("/submit/").await.status_code(), 200);
    // A csrf_exempt view takes a POST without one; an unknown URL is a 404, not a 403, as
    // the check runs once the URL resolved (Django's process_view).
    let hook = HttpRequest::builder("POST", "/hook/").body("{}");
    assert_eq!(enforcing.request(hook).await.status_code(), 200);
    let nowhere = HttpRequest::builder("POST", "/nowhere/").body("{}");
    assert_eq!(enforcing.request(nowhere).await.status_code(), 404);
}

/// CSRF_USE_SESSIONS: the secret lives in the session (here the signed-cookie backend), no
/// `csrftoken` cookie is set, and the page's token is checked against the session's secret.
#[rjango::test]
async fn the_secret_can_live_in_the_session() {
    use rjango::contrib::sessions::SessionMiddleware;
    Client::new(project()); // configures the project's settings, which the override changes
    rjango::conf::override_settings(
        |s| {
            s.CSRF_USE_SESSIONS = true;
            s.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies".into();
            s.MIDDLEWARE = middleware![SessionMiddleware, CsrfViewMiddleware];
        },
        async {
            let c = Client::new(project()).enforce_csrf_checks(true);
            let r = c.get("/form/").await;
            let names: Vec<String> = r.cookies().iter().map(|c| c.name().to_owned()).collect();
            assert_eq!(
                names,
                ["sessionid"],
                "the secret goes to the session, not a cookie"
            );
            let text = r.text();
            let token = text
                .split("value=\"")
                .nth(1)
                .and_then(|t| t.split('"').next())
                .unwrap()
                .to_owned();
            let submit = |body: String| {
                HttpRequest::builder("POST", "/submit/")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(body)
            };
            let ok = c
                .request(submit(format!("csrfmiddlewaretoken={token}")))
                .await;
            assert_eq!(ok.text(), "accepted");
            let other = "A".repeat(64);
            refused(
                &c.request(submit(format!("csrfmiddlewaretoken={other}")))
                    .await,
                "CSRF token from POST incorrect.",
            );
            // Another visitor, without the session: no secret to check against.
            let stranger = Client::new(project()).enforce_csrf_checks(true);
            refused(
                &stranger
                    .request(submit(format!("csrfmiddlewaretoken={token}")))
                    .await,
                "CSRF cookie not set.",
            );
        },
    )
    .await;
}
