//! Multipart forms (`request.FILES`): a form with files through the test client, the 400s for
//! a body that cannot be read, and Django 5.2's own parser (from PyPI) reading the same bodies,
//! odd and hostile ones among them, to the same fields and files, or refusing the same ones.

mod common;
#[path = "support/venv.rs"]
mod venv;

use base64::Engine as _;
use rjango::http::HttpRequest;
use rjango::http::multipart::{self, Limits, MultiPartParserError};
use rjango::test::encode_multipart;
use serde_json::json;

#[rjango::test]
async fn files_are_read_from_a_multipart_form() {
    let c = common::client(false);
    let r = c
        .post_multipart(
            "/upload/",
            &[("title", "Holidays"), ("tag", "sea"), ("tag", "sun")],
            &[
                (
                    "photo",
                    "beach.png",
                    "image/png",
                    b"\x89PNG\r\n\x1a\n--not a boundary",
                ),
                ("photo", "dune.png", "image/png", b""),
            ],
        )
        .await;
    assert_eq!(r.status_code(), 200, "{}", r.text());
    assert_eq!(
        json_of(&r),
        json!({
            "fields": [["title", "Holidays"], ["tag", "sea"], ["tag", "sun"]],
            "files": [["photo", "beach.png", "image/png", 24], ["photo", "dune.png", "image/png", 0]],
        })
    );

    // A body Django refuses is a 400 (handler400) once the view reads POST() or FILES(), as
    // Django raises there; a view that never reads them answers as usual.
    let broken = |path: &str| {
        HttpRequest::builder("POST", path)
            .header("Content-Type", "multipart/form-data; boundary=xyz")
            .body("--xyz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\nnot base64\r\n--xyz--")
    };
    let r = c.request(broken("/hello/")).await;
    assert_eq!((r.status_code(), r.text().as_str()), (200, "Hello, world"));
    let r = c
        .request(
            HttpRequest::builder("POST", "/upload/")
                .header("Content-Type", "multipart/form-data; boundary=xyz")
                .body("--xyz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\nnot base64\r\n--xyz--"),
        )
        .await;
    assert_eq!(
        (r.status_code(), json_of(&r)["why"].as_str()),
        (400, Some("Could not decode base64 data."))
    );
    let r = c
        .request(
            HttpRequest::builder("POST", "/upload/")
                .header("Content-Type", "multipart/form-data")
                .body("x"),
        )
        .await;
    assert_eq!(
        (r.status_code(), json_of(&r)["why"].as_str()),
        (400, Some("Invalid boundary in multipart: None"))
    );
    // DATA_UPLOAD_MAX_NUMBER_FILES (100).
    let many: Vec<(&str, &str, &str, &[u8])> = (0..101)
        .map(|_| ("f", "a.txt", "text/plain", b"a".as_slice()))
        .collect();
    let r = c.post_multipart("/upload/", &[], &many).await;
    assert_eq!(
        (r.status_code(), json_of(&r)["why"].as_str()),
        (
            400,
            Some("The number of files exceeded settings.DATA_UPLOAD_MAX_NUMBER_FILES.")
        )
    );
}

fn json_of(r: &rjango::http::HttpResponse) -> serde_json::Value {
    serde_json::from_slice(r.content()).unwrap()
}

/// Bodies a browser sends, and bodies one would not: each read by rjango and by Django.
fn cases() -> Vec<(String, Vec<u8>)> {
    let ct = "multipart/form-data; boundary=B0und";
    let raw = |s: &str| s.replace('\n', "\r\n").into_bytes();
    let part = |headers: &str, content: &str| format!("--B0und\n{headers}\n\n{content}\n");
    let field = |name: &str, value: &str| {
        part(
            &format!("Content-Disposition: form-data; name=\"{name}\""),
            value,
        )
    };
    let file = |name: &str, filename: &str, content: &str| {
        part(
            &format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\nContent-Type: text/plain"
            ),
            content,
        )
    };
    let end = "--B0und--\n";
    let mut out: Vec<(String, Vec<u8>)> = vec![
        (
            ct.into(),
            encode_multipart(
                "B0und",
                &[("a", "1"), ("a", "2"), ("é", "ü\u{1F600}")],
                &[(
                    "doc",
                    "notes.txt",
                    "text/plain",
                    b"line one\r\nline two\r\n",
                )],
            ),
        ),
        (
            ct.into(),
            raw(&format!(
                "preamble\n{}{}{end}epilogue",
                field("x", "y"),
                file("f", "C:\\Users\\ada\\cv.pdf", "pdf")
            )),
        ),
        (
            ct.into(),
            raw(&format!(
                "{}{end}",
                file("f", "../../../etc/passwd", "root")
            )),
        ),
        (
            ct.into(),
            raw(&format!(
                "{}{}{end}",
                file("f", "", "no name"),
                file("g", "..", "dots")
            )),
        ),
        (
            ct.into(),
            raw(&format!(
                "{}{end}",
                part("Content-Disposition: form-data", "no name")
            )),
        ),
        (
            ct.into(),
            raw(&format!(
                "{}{end}",
                part(
                    "Content-Disposition: form-data; name=\"f\"; filename=\"plain.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt\nContent-Type: text/plain",
                    "x"
                )
            )),
        ),
        (
            ct.into(),
            raw(&format!(
                "{}{end}",
                part(
                    "Content-Disposition: form-data; name=\"b\"\nContent-Transfer-Encoding: base64",
                    "aGVsbG8="
                )
            )),
        ),
        (
            ct.into(),
            raw(&format!(
                "{}{end}",
                field("q", "a value with --B0und inside, and a line\n--B0unded")
            )),
        ),
        (
            "multipart/form-data; boundary=\"quoted boundary\"".into(),
            raw(
                "--quoted boundary\nContent-Disposition: form-data; name=\"k\"\n\nv\n--quoted boundary--\n",
            ),
        ),
        (ct.into(), Vec::new()),
        // Refused.
        ("multipart/form-data".into(), raw(&field("a", "b"))),
        (
            ct.into(),
            raw(&(0..6)
                .map(|i| field(&format!("k{i}"), "v"))
                .collect::<String>())
            .into_iter()
            .chain(raw(end))
            .collect(),
        ),
        (
            ct.into(),
            raw(&(0..4)
                .map(|i| file(&format!("f{i}"), "a.txt", "v"))
                .collect::<String>())
            .into_iter()
            .chain(raw(end))
            .collect(),
        ),
    ];
    out.push((ct.into(), b"\xff\xfe garbage".to_vec()));
    // Malformed: never closed, headers without their blank line, a boundary line with more
    // after it, a part of nothing but its boundary.
    out.push((
        ct.into(),
        raw("--B0und\nContent-Disposition: form-data; name=\"a\"\n\nnever closed"),
    ));
    out.push((
        ct.into(),
        raw("--B0und\nContent-Disposition: form-data; name=\"a\"\nno blank line\n--B0und--\n"),
    ));
    out.push((
        ct.into(),
        raw("--B0undgarbage\nContent-Disposition: form-data; name=\"a\"\n\nv\n--B0und--\n"),
    ));
    out.push((
        ct.into(),
        raw(&format!("{}--B0und\n--B0und--\n", field("a", "1"))),
    ));
    out.push((ct.into(), raw(&field("a", "no closing delimiter"))));
    // Headers as Python's email package reads them.
    let cd = |params: &str| {
        raw(&format!(
            "{}{end}",
            part(&format!("Content-Disposition: form-data; {params}"), "v")
        ))
    };
    for params in [
        "filename*=iso-8859-1''%E9t%E9.txt; name=\"f\"; filename=\"plain.txt\"",
        "name=\"f\"; filename*=UTF-8''it's%20%E2%82%AC.txt",
        "name=\"f\"; filename*=x-unknown''a.txt",
        "name=\"f\"; filename*0=\"a\"; filename*1=\"b.txt\"",
        "name",
        "name=<ab>",
        "name=\"a\\\\\"; filename=\"b\"",
        "name=\"\u{a0}x \"",
        "name=\"f\"; filename=\"..&#47\"",
        "name=\"f\"; filename=\"a&sol;b&period;txt\"",
        "name=\"f\"; filename=\"x&amp;y&ampz&#128;.txt\"",
        "name=\"f\"; filename=\"tab\there\u{200b}.txt\"",
        "name=a\u{1f}",
        "name=\"f\"; filename*=''%22q.txt%22",
        "name=\"f\"; filename*0=b; filename*0=a",
        "name=\"f\"; filename=a.txt; filename*0=b; filename*99999999999=c",
        "name=\"f\"; filename=\"&GTy&nbspz.txt\"",
        "name=\"f\"; filename=\"&aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\u{e9}.txt\"",
    ] {
        out.push((ct.into(), cd(params)));
    }
    let long_name = format!("{}.tar.gz", "a".repeat(300));
    out.push((
        ct.into(),
        raw(&format!("{}{end}", file("f", &long_name, "x"))),
    ));
    // Base64 as Python decodes it: ends at the first padding, leftover bits ignored.
    for content in ["aGk=aGk=", "aGl=", "not base64!", "aGk=!"] {
        let b64 = |name: &str, filename: &str| {
            raw(&format!(
                "{}{end}",
                part(
                    &format!(
                        "Content-Disposition: form-data; name=\"{name}\"{filename}\nContent-Transfer-Encoding: base64"
                    ),
                    content
                )
            ))
        };
        out.push((ct.into(), b64("b", "")));
        out.push((ct.into(), b64("f", "; filename=\"b.bin\"")));
    }
    // The counts: pieces without a name count as fields; the preamble and epilogue too.
    let bare = part("X-Nothing: here", "v");
    out.push((ct.into(), raw(&format!("{}{end}", bare.repeat(8)))));
    out.push((
        ct.into(),
        raw(&format!("{}{}", field("a", "1"), field("b", "2")).repeat(3)),
    ));
    // A last file with nothing after it is an interrupted upload.
    out.push((ct.into(), raw(&file("f", "a.txt", "xyz"))));
    out.push((
        ct.into(),
        raw(&format!("{}--B0und", file("f", "a.txt", "xyz"))),
    ));
    // The request's charset decodes names, values and file names.
    out.push((
        "multipart/form-data; boundary=B0und; charset=latin-1".into(),
        [
            raw("--B0und\nContent-Disposition: form-data; name=\"\u{e9}\"\n\n"),
            vec![0xe9],
            raw(&format!("\n{}{end}", file("f", "\u{e9}.txt", "x"))),
        ]
        .concat(),
    ));
    // Django's MultiPartParser takes only a Content-Type written `multipart/`.
    out.push((
        "Multipart/form-data; boundary=B0und".into(),
        raw(&format!("{}{end}", field("a", "1"))),
    ));
    // A preamble of 1024 bytes or more without an empty line.
    out.push((
        ct.into(),
        raw(&format!("{}\n{}{end}", "p".repeat(1100), field("a", "1"))),
    ));
    out
}

/// What rjango reads of a body: as Django's script prints it.
fn rjango_reads(content_type: &str, body: &[u8]) -> serde_json::Value {
    let limits = Limits {
        fields: Some(5),
        files: Some(3),
    };
    match multipart::parse(content_type, &bytes::Bytes::copy_from_slice(body), limits) {
        Ok((post, files)) => json!({
            // Grouped by name in first-seen order, as Django's MultiValueDict keeps them.
            "post": post
                .keys()
                .into_iter()
                .flat_map(|k| post.getlist(k).into_iter().map(move |v| json!([k, v])))
                .collect::<Vec<_>>(),
            "files": files
                .iter()
                .map(|(k, _)| k)
                .fold(Vec::new(), |mut seen: Vec<&str>, k| {
                    if !seen.contains(&k) {
                        seen.push(k);
                    }
                    seen
                })
                .into_iter()
                .flat_map(|k| files.getlist(k).into_iter().map(move |f| (k, f)))
                .map(|(k, f)| json!([
                    k,
                    f.name,
                    f.content_type,
                    base64::engine::general_purpose::STANDARD.encode(f.read())
                ]))
                .collect::<Vec<_>>(),
        }),
        Err(e) => json!({
            "error": match e {
                MultiPartParserError::TooManyFields => "TooManyFieldsSent",
                MultiPartParserError::TooManyFiles => "TooManyFilesSent",
                MultiPartParserError::InvalidContentType(_)
                | MultiPartParserError::InvalidBoundary(_)
                | MultiPartParserError::Malformed(_) => {
                    "MultiPartParserError"
                }
            }
        }),
    }
}

#[test]
fn multipart_bodies_are_read_as_django_reads_them() {
    let cases = cases();
    let ours: Vec<serde_json::Value> = cases
        .iter()
        .map(|(ct, body)| rjango_reads(ct, body))
        .collect();
    // Without Django, rjango's answers still hold what the cases are about.
    assert_eq!(ours[0]["files"][0][1], "notes.txt");
    assert_eq!(ours[1]["files"][0][1], "cv.pdf");
    assert_eq!(ours[2]["files"][0][1], "passwd");
    assert_eq!(ours[3]["files"], json!([]));
    assert_eq!(ours[10]["error"], "MultiPartParserError");
    assert_eq!(ours[11]["error"], "TooManyFieldsSent");
    assert_eq!(ours[12]["error"], "TooManyFilesSent");
    let Some(python) = venv::django_python() else {
        return;
    };
    let request: Vec<serde_json::Value> = cases
        .iter()
        .map(|(ct, body)| {
            json!({
                "content_type": ct,
                "body": base64::engine::general_purpose::STANDARD.encode(body),
            })
        })
        .collect();
    let django = venv::run_django(&python, "multipart.py", &json!(request));
    for (i, ((ct, body), (ours, theirs))) in cases
        .iter()
        .zip(ours.iter().zip(django.as_array().unwrap()))
        .enumerate()
    {
        assert_eq!(
            ours,
            theirs,
            "case {i}: {ct}\n{}",
            String::from_utf8_lossy(body)
        );
    }
    println!(
        "multipart: {} bodies read alike by rjango and Django 5.2",
        cases.len()
    );
}
