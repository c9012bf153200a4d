//! The check of the request parsers' fuzz target: the path and query string, headers, cookies,
//! a form body and a JSON body, as a view reads them. The input is the request target, then
//! header lines, an empty line and the body, as on the wire. Nothing panics, and a body that is
//! not JSON is a 400 with a message.
//!
//! Shared by the fuzz target and by the stable test that replays the corpus kept in the
//! repository (runtime/tests/fuzz_corpus.rs), which includes this file.

use rjango::http::{HttpRequest, QueryDict};

pub fn request(data: &[u8]) {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (data, &[][..]),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split('\n');
    let target = lines.next().unwrap_or("/");
    let mut builder = HttpRequest::builder("POST", target);
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            builder = builder.header(name.trim(), value.trim());
        }
    }
    let request = builder.body(body.to_vec()).build();
    assert!(request.path().starts_with('/'), "{:?}", request.path());
    let _ = request.get_full_path();
    for (k, v) in request.GET().iter() {
        let _ = (k.len(), v.len());
    }
    for (k, v) in request.POST().iter() {
        let _ = (k.len(), v.len());
    }
    for (k, f) in request.FILES().iter() {
        let _ = (k.len(), f.name.len(), f.size());
    }
    for (k, v) in request.COOKIES() {
        let _ = (k.len(), v.len());
    }
    let _ = request.content_type();
    if let Err(e) = request.json::<serde_json::Value>() {
        assert!(!e.0.trim().is_empty(), "an empty 400 message");
    }
    let _ = QueryDict::parse(body);
}
