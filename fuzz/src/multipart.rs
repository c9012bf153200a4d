//! The check of the multipart parser's fuzz target. The input is the boundary, a line break,
//! then the body. Nothing panics; a body is read within the limits, each file's name has no
//! directory in it and is not `.` or `..`, a file's bytes are the body's own (unless they were
//! base64); a refusal says why; and a request carrying the body reads the same through
//! `POST()` and `FILES()`, or is refused.
//!
//! Shared by the fuzz target and by the stable test that replays the corpus kept in the
//! repository (runtime/tests/fuzz_corpus.rs), which includes this file.

use rjango::http::HttpRequest;
use rjango::http::multipart::{Limits, parse};

pub fn multipart(data: &[u8]) {
    let (boundary, body) = match data.iter().position(|b| *b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let content_type = format!(
        "multipart/form-data; boundary={}",
        String::from_utf8_lossy(boundary)
    );
    let body = bytes::Bytes::copy_from_slice(body);
    let limits = Limits {
        fields: Some(20),
        files: Some(5),
    };
    match parse(&content_type, &body, limits) {
        Ok((post, files)) => {
            assert!(post.iter().count() <= 20);
            assert!(files.len() <= 5);
            for (_, file) in files.iter() {
                assert!(
                    !file.name.contains(['/', '\\'])
                        && !matches!(file.name.as_str(), "" | "." | ".."),
                    "{:?}",
                    file.name
                );
                let content = file.content();
                let within = body.as_ptr_range().contains(&content.as_ptr()) || content.is_empty();
                let base64 = body.windows(6).any(|w| w.eq_ignore_ascii_case(b"base64"));
                assert!(within || base64, "a file's bytes not taken from the body");
            }
        }
        Err(e) => assert!(!e.to_string().trim().is_empty(), "an empty 400 message"),
    }
    let request = HttpRequest::builder("POST", "/")
        .header("Content-Type", &content_type)
        .body(body.clone())
        .build();
    let unlimited = parse(
        &content_type,
        &body,
        Limits {
            fields: Some(1000),
            files: Some(100),
        },
    );
    // (A boundary that cannot be a header value, a line break in it, never reaches a view.)
    let carried = request.headers().get("content-type") == Some(content_type.as_str());
    if let (Ok((post, files)), true) = (unlimited, carried) {
        assert_eq!(request.POST(), &post);
        assert_eq!(request.FILES(), &files);
    }
}
