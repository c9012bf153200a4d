//! The request cycle in-process with DEBUG on: APPEND_SLASH as Django applies it, open-redirect
//! guards, reverse, request parsing, and a panicking middleware.

mod common;

use rjango::http::HttpRequest;
use rjango::test::Client;

fn client() -> Client {
    common::client(true)
}

#[rjango::test]
async fn append_slash_follows_django() {
    let c = client();
    let r = c.get("/hello?x=1").await;
    assert_eq!(
        (r.status_code(), r.header("location")),
        (301, Some("/hello/?x=1"))
    );
    // A path that has a view which raised 404 is not redirected.
    assert_eq!(c.get("/missing").await.status_code(), 404);
    // A path that would redirect to another host gets its leading slashes escaped.
    let r = c.get("//evil.example").await;
    assert_eq!(r.header("location"), Some("/%2Fevil.example/"));
    // With DEBUG on, a POST to the slash-less URL is an error telling the developer why.
    let r = c
        .post("/hello", "application/x-www-form-urlencoded", "a=1")
        .await;
    assert_eq!(r.status_code(), 500);
    assert!(r.text().contains("APPEND_SLASH"), "{}", r.text());
}

#[rjango::test]
async fn reverse_guards_and_encodes() {
    let _c = client();
    assert_eq!(rjango::urls::reverse("cafe", &[]).unwrap(), "/caf%C3%A9/");
    assert_eq!(
        rjango::urls::reverse("catch-all", &[&"/evil.example"]).unwrap(),
        "/%2Fevil.example/"
    );
    assert_eq!(
        rjango::urls::reverse("catch-all", &[&"a b/c"]).unwrap(),
        "/a%20b/c/"
    );
    assert!(rjango::urls::reverse("catch-all", &[&""]).is_err());
    assert!(rjango::urls::reverse("nope", &[]).is_err());
}

#[rjango::test]
async fn request_parsing_in_the_client() {
    let c = client();
    // The client does not decode twice: %2520 stays %20 in the path, %3F stays in the path.
    let r = c.get("/echo/?q=1&q=2").await;
    let v: serde_json::Value = serde_json::from_slice(r.content()).unwrap();
    assert_eq!(v["q"], serde_json::json!(["1", "2"]));
    assert_eq!(v["secure"], false);
    let r = c.get("/a%2520b%3F/").await;
    assert_eq!(r.text(), "caught a%20b?");
    let r = c
        .request(HttpRequest::builder("GET", "/echo/").header("Cookie", "k=\"v\\\"w\"; plain=1"))
        .await;
    let v: serde_json::Value = serde_json::from_slice(r.content()).unwrap();
    assert_eq!(v["cookies"]["k"], "v\"w");
    // X-Forwarded-Proto alone does not make a request secure.
    let r = c
        .request(HttpRequest::builder("GET", "/echo/").header("X-Forwarded-Proto", "https"))
        .await;
    let v: serde_json::Value = serde_json::from_slice(r.content()).unwrap();
    assert_eq!(v["secure"], false);
}

#[rjango::test]
async fn limits_and_hosts() {
    let c = client();
    let many: Vec<String> = (0..11).map(|i| format!("f{i}=1")).collect();
    let r = c.get(&format!("/echo/?{}", many.join("&"))).await;
    assert_eq!(
        r.status_code(),
        400,
        "more than DATA_UPLOAD_MAX_NUMBER_FIELDS"
    );
    // The shortest fields: ten pass, eleven do not; empty pieces are no fields.
    assert_eq!(c.get("/echo/?a&b&c&d&e&f&g&h&i&j").await.status_code(), 200);
    assert_eq!(
        c.get("/echo/?a&b&c&d&e&f&g&h&i&j&k").await.status_code(),
        400
    );
    assert_eq!(
        c.get("/echo/?a&&&&&&&&&&&&&&&&&&b").await.status_code(),
        200
    );
    let r = c
        .post(
            "/echo/",
            "application/x-www-form-urlencoded",
            many.join("&"),
        )
        .await;
    assert_eq!(r.status_code(), 400);
    for bad in [
        "localhost:evil",
        "[::1]evil",
        "www.example.com:",
        "evil.com",
    ] {
        let r = c
            .request(HttpRequest::builder("GET", "/hello/").header("Host", bad))
            .await;
        assert_eq!(r.status_code(), 400, "{bad}");
    }
    let r = c
        .request(HttpRequest::builder("GET", "/hello/").header("Host", "WWW.Example.com:8000"))
        .await;
    assert_eq!(r.status_code(), 200);
}

#[rjango::test]
async fn a_panicking_middleware_is_a_500_inside_the_outer_ones() {
    let c = client();
    let r = c
        .request(HttpRequest::builder("GET", "/hello/").header("X-Panic", "1"))
        .await;
    assert_eq!(r.status_code(), 500);
    assert!(
        r.text().contains("middleware failure"),
        "DEBUG shows it: {}",
        r.text()
    );
    assert_eq!(
        r.header("x-outer"),
        Some("yes"),
        "the outer middleware still ran"
    );
    assert_eq!(c.get("/hello/").await.status_code(), 200);
}

#[rjango::test]
async fn json_response_with_its_own_request_id() {
    let c = client();
    let r = c.get("/json-ok/").await;
    assert_eq!(r.status_code(), 200);
    assert_eq!(r.header("x-request-id"), Some("example"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.text(), r#"{"ok":true}"#);
}
