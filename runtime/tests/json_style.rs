//! JSON_STYLE: JsonResponse's bytes compact by default, and with `JsonStyle::Django` the bytes
//! Django 5.2's JsonResponse sends for the same value (from PyPI, in the venv under target/).

mod common;
#[path = "support/venv.rs"]
mod venv;

use rjango::http::{HttpRequest, JsonStyle};
use rjango::test::{Client, override_settings};
use serde_json::json;

/// What Python's json.dumps treats apart: separators, non-ASCII (in and past the BMP), DEL,
/// control characters, quotes and backslashes, numbers, nesting, empty containers.
fn tricky() -> serde_json::Value {
    json!({
        "name": "café ☕ 𝄞 日本",
        "controls": "\u{1}\n\t\r\u{8}\u{c}\u{1f}\u{7f}",
        "quotes": "\"quoted\" \\ /slash/",
        "numbers": [0, -3, 2.5, 1e-7, 12345678901234i64, true, false, null],
        "nested": {"empty": {}, "list": [], "deep": [{"k": "v"}]},
    })
}

async fn post_json(c: &Client, body: &serde_json::Value) -> (u16, String, Vec<u8>) {
    let r = c
        .request(
            HttpRequest::builder("POST", "/json-body/")
                .header("Content-Type", "application/json")
                .body(body.to_string()),
        )
        .await;
    let content_type = r.header("Content-Type").unwrap_or("").to_owned();
    (r.status_code(), content_type, r.content().to_vec())
}

#[rjango::test]
async fn json_is_compact_by_default() {
    let (status, content_type, body) =
        post_json(&common::client(false), &json!({"a": 1, "b": [1, "é"]})).await;
    assert_eq!((status, content_type.as_str()), (200, "application/json"));
    assert_eq!(String::from_utf8(body).unwrap(), r#"{"a":1,"b":[1,"é"]}"#);
}

#[rjango::test]
async fn json_style_django_is_djangos_bytes() {
    let value = tricky();
    // The client first: it installs the settings the override changes.
    let c = common::client(false);
    let (status, _, ours) =
        override_settings(|s| s.JSON_STYLE = JsonStyle::Django, post_json(&c, &value)).await;
    assert_eq!(status, 200);
    let ours = String::from_utf8(ours).unwrap();
    assert!(
        ours.starts_with(r#"{"name": "caf\u00e9 \u2615 \ud834\udd1e "#),
        "{ours}"
    );
    let Some(python) = venv::django_python() else {
        return;
    };
    let django = venv::run_django_text(&python, "json_response.py", &value);
    assert_eq!(ours, django, "rjango's JsonResponse against Django's");
}
