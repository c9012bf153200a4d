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
