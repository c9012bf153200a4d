//! The request cycle in-process with DEBUG off: custom handlers, and what happens when they
//! fail themselves.

mod common;

use rjango::http::HttpRequest;
use rjango::test::Client;

fn client() -> Client {
    common::client(false)
}

#[rjango::test]
async fn custom_handlers_answer() {
    let c = client();
    let r = c.get("/missing").await;
    assert_eq!(
        (r.status_code(), r.text().as_str()),
        (404, r#"{"error":"not found"}"#)
    );
    // A disallowed host goes to handler400, without internals.
    let r = c
        .request(HttpRequest::builder("GET", "/hello/").header("Host", "evil.com"))
        .await;
    assert_eq!(r.status_code(), 400);
    let v: serde_json::Value = serde_json::from_slice(r.content()).unwrap();
    assert_eq!(v["error"], "bad request");
}

#[rjango::test]
async fn a_failing_handler404_gives_500() {
    let c = client();
    let r = c.get("/handler-panics").await;
    assert_eq!(
        r.status_code(),
        500,
        "as Django's handle_uncaught_exception"
    );
    assert!(
        !r.text().contains("panic"),
        "nothing internal: {}",
        r.text()
    );
}

#[rjango::test]
async fn a_panicking_middleware_shows_nothing_internal() {
    let c = client();
    let r = c
        .request(HttpRequest::builder("GET", "/hello/").header("X-Panic", "1"))
        .await;
    assert_eq!(r.status_code(), 500);
    assert!(!r.text().contains("middleware failure"), "{}", r.text());
}

/// A client's input never panics a view or reaches a header unchecked: a JSON integer past 64
/// bits, a newline in a header value, an unsafe redirect are each a 400 through handler400.
#[rjango::test]
async fn client_input_is_refused_not_panicked_on() {
    let c = client();
    let r = c
        .post(
            "/json-body/",
            "application/json",
            r#"{"n": 18446744073709551615}"#,
        )
        .await;
    assert_eq!(
        (r.status_code(), r.text().as_str()),
        (200, r#"{"n":18446744073709551615}"#),
        "64 bits are kept exact"
    );
    let r = c
        .post(
            "/json-body/",
            "application/json",
            r#"{"n": 123456789012345678901234567890}"#,
        )
        .await;
    assert_eq!(r.status_code(), 400, "{}", r.text());
    let v: serde_json::Value = serde_json::from_slice(r.content()).unwrap();
    assert!(
        v["why"]
            .as_str()
            .unwrap()
            .contains("123456789012345678901234567890 does not fit in 64 bits"),
        "{v}"
    );

    for query in [
        "v=a%0D%0AX-Injected:%201",
        "v=a%0D%0AX-Injected:%201&checked=1",
    ] {
        let r = c.get(&format!("/header/?{query}")).await;
        assert_eq!(r.status_code(), 400, "{query}");
        assert_eq!(r.header("X-Injected"), None);
        assert_eq!(r.header("X-Echo"), None);
        let v: serde_json::Value = serde_json::from_slice(r.content()).unwrap();
        assert!(v["why"].as_str().unwrap().contains("newlines"), "{v}");
    }
    assert_eq!(
        c.get("/header/?v=fine").await.header("X-Echo"),
        Some("fine")
    );

    for next in [
        "javascript:alert(1)",
        "%20JavaScript:alert(1)",
        "data:text/html,x",
    ] {
        let r = c.get(&format!("/go/?next={next}")).await;
        assert_eq!(r.status_code(), 400, "{next}");
        assert_eq!(r.header("Location"), None, "{next}");
        assert_eq!(
            r.header("X-Outer"),
            Some("yes"),
            "the view's refusal passes back through the middleware"
        );
    }
    let r = c.get("/go/?next=https://example.com/a").await;
    assert_eq!(
        (r.status_code(), r.header("Location")),
        (302, Some("https://example.com/a"))
    );
    // A newline is quoted, as Django's iri_to_uri quotes it: no second header.
    let r = c.get("/go/?next=/ok%0D%0ASet-Cookie:x=1%20y").await;
    assert_eq!(
        (
            r.status_code(),
            r.header("Location"),
            r.header("Set-Cookie")
        ),
        (302, Some("/ok%0D%0ASet-Cookie:x=1%20y"), None)
    );
    let r = c.get("/go/?next=/local/").await;
    assert_eq!(
        (r.status_code(), r.header("Location")),
        (302, Some("/local/"))
    );
}

/// Django's override_settings: one task sees changed settings, the others keep theirs.
#[rjango::test]
async fn settings_can_be_overridden_in_a_test() {
    let c = client();
    assert!(!rjango::conf::settings().DEBUG);
    let shown = rjango::test::override_settings(|s| s.DEBUG = true, async {
        assert!(rjango::conf::settings().DEBUG);
        // With DEBUG on, a 404 is the technical page, not handler404's JSON.
        c.get("/missing").await.text()
    })
    .await;
    assert!(shown.contains("no such thing"), "{shown}");
    assert!(!rjango::conf::settings().DEBUG, "back after the block");

    let r =
        rjango::test::override_settings(|s| s.ALLOWED_HOSTS = vec!["only.example".into()], async {
            c.request(HttpRequest::builder("GET", "/hello/").header("Host", "only.example"))
                .await
        })
        .await;
    assert_eq!(r.status_code(), 200);
    let r = c
        .request(HttpRequest::builder("GET", "/hello/").header("Host", "only.example"))
        .await;
    assert_eq!(
        r.status_code(),
        400,
        "outside the override the host is refused"
    );
}
