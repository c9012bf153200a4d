//! Hostile HTTP against the seed project (issue 21, part 3): malformed and oversized requests,
//! invalid encodings, a header injection through a view, a chunked body past the limit, slow
//! clients and thousands of idle connections, SQL and HTML injection, an open redirect. Every
//! case ends in a 4xx or a closed connection, never a 500; the server keeps serving others,
//! and its memory stays bounded.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::support::http::{Request, get};
use crate::support::project::Running;
use crate::{prod_with, seed_project, seed_release_binary};

/// Sends `bytes` on a new connection and reads until the server closes it: (the status, if
/// an HTTP response came, and the raw answer).
fn raw(port: u16, bytes: &[u8]) -> (Option<u16>, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let _ = stream.write_all(bytes);
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|t| t.get(..3))
        .and_then(|c| c.parse().ok());
    (status, text)
}

/// A request with `Connection: close`, its head written out by hand.
fn request(head: &str) -> Vec<u8> {
    format!("{head}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").into_bytes()
}

/// A refusal: a 4xx, or the connection closed without an answer.
fn refused((status, text): &(Option<u16>, String)) -> bool {
    status.is_none_or(|s| (400..500).contains(&s)) && !text.contains(" 500 ")
}

/// The server process's resident memory, in KiB.
fn rss_kib(server: &Running) -> u64 {
    std::fs::read_to_string(format!("/proc/{}/status", server.child.id()))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn hostile_requests_are_refused_and_the_server_goes_on() {
    let built = seed_project();
    let db = built.migrated_database();
    let env = prod_with(&[("DATABASE_URL", db.url.as_str())]);
    // The build that serves: `cargo build --release`.
    let mut server = Running::server(seed_release_binary(), &env);
    let port = server.port;
    let serving = || {
        let r = get(port, "/hello/");
        assert_eq!((r.status, r.text().as_str()), (200, "Hello, world"));
    };
    serving();
    let rss_before = rss_kib(&server);

    // Malformed request lines and headers.
    for bytes in [
        b"GARBAGE\r\n\r\n".to_vec(),
        b"GET /hello/ HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n".to_vec(),
        b"GET /hello/\r\n\r\n".to_vec(),
        b"GET /hello/ HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n".to_vec(),
        b"GET /hello/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad\0Name: 1\r\n\r\n".to_vec(),
        b"GET /hello/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Nul: a\0b\r\nConnection: close\r\n\r\n"
            .to_vec(),
        b"GET /hel\0lo/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".to_vec(),
        b"GET /hello/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello"
            .to_vec(),
    ] {
        let answer = raw(port, &bytes);
        assert!(refused(&answer), "{:?}: {answer:?}", String::from_utf8_lossy(&bytes));
    }
    serving();

    // Oversized headers and cookies, past gunicorn's limits (a header of 8190 bytes, 100
    // headers, a request line of 4094): one huge header, too many headers, a huge cookie, a
    // huge path.
    let big = "a".repeat(9 * 1024);
    let answer = raw(
        port,
        &request(&format!("GET /hello/ HTTP/1.1\r\nX-Big: {big}")),
    );
    assert_eq!(answer.0, Some(431), "{}", answer.1);
    let answer = raw(port, &request(&format!("GET /hello/?q={big} HTTP/1.1")));
    assert_eq!(answer.0, Some(414), "{}", answer.1);
    let huge = "a".repeat(200 * 1024);
    let answer = raw(
        port,
        &request(&format!("GET /hello/ HTTP/1.1\r\nX-Big: {huge}")),
    );
    assert!(refused(&answer), "{:?}", answer.0);
    let many: String = (0..300).map(|i| format!("X-H{i}: v\r\n")).collect();
    let answer = raw(
        port,
        &request(&format!("GET /hello/ HTTP/1.1\r\n{}", many.trim_end())),
    );
    assert!(refused(&answer), "{:?}", answer.0);
    let answer = raw(
        port,
        &request(&format!("GET /hello/ HTTP/1.1\r\nCookie: sessionid={big}")),
    );
    assert!(refused(&answer), "{:?}", answer.0);
    // A cookie of a size browsers send is fine, even malformed.
    let answer = raw(
        port,
        &request("GET /hello/ HTTP/1.1\r\nCookie: ;;=;sessionid=\"unterminated; csrftoken=%ZZ"),
    );
    assert_eq!(answer.0, Some(200), "{}", answer.1);
    serving();

    // Invalid percent-encoding and UTF-8 in paths and queries: 404s and 400s, never a 500.
    for path in [
        "/items/%ZZ/",
        "/items/%/",
        "/hello/%00",
        "/%FF%FE/",
        "/search/?q=%FF%FE&page=1",
        "/search/?q=a%00b&page=1",
        "/search/?q=%&page=%ZZ",
        "/search/?%=%",
    ] {
        let answer = raw(port, &request(&format!("GET {path} HTTP/1.1")));
        let status = answer.0.unwrap_or_else(|| panic!("{path}: no answer"));
        assert!(status < 500, "{path}: {}", answer.1);
    }
    let answer = raw(port, &request("GET /search/?q=%FF&page=1 HTTP/1.1"));
    assert_eq!(answer.0, Some(200), "{}", answer.1);
    assert!(
        answer.1.contains(r#""q":"\u{fffd}""#) || answer.1.contains("\u{fffd}"),
        "{}",
        answer.1
    );

    // A newline a view echoes into a header is refused, never injected.
    let answer = raw(
        port,
        &request("GET /echo-header/?v=a%0D%0ASet-Cookie:%20injected=1 HTTP/1.1"),
    );
    assert_eq!(answer.0, Some(400), "{}", answer.1);
    assert!(!answer.1.contains("injected"), "{}", answer.1);
    let answer = raw(port, &request("GET /echo-header/?v=fine HTTP/1.1"));
    assert!(
        answer.1.contains("x-echo: fine") || answer.1.contains("X-Echo: fine"),
        "{}",
        answer.1
    );
    // A Content-Length the view set never reaches the client: the body's own is sent (a
    // wrong one would make the client wait for bytes that never come, or read the next
    // answer as this one's). rjango drops the view's, and actix writes the length itself for
    // a body of known size.
    let answer = raw(port, &request("GET /echo-header/?length=999 HTTP/1.1"));
    let head = answer.1.to_ascii_lowercase();
    assert!(
        head.contains("content-length: 6\r\n") && !head.contains("999") && head.ends_with("echoed"),
        "{}",
        answer.1
    );

    // A chunked body past DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): 413, whatever it claims.
    let mut chunked = b"POST /parse-json/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    let chunk = vec![b' '; 64 * 1024];
    for _ in 0..48 {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(&chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let answer = raw(port, &chunked);
    assert!(
        answer.0 == Some(413) || answer.0.is_none(),
        "{:?}",
        answer.1.lines().next()
    );
    serving();

    // SQL through a lookup: bound, never spliced.
    for q in [
        "%27%20OR%201%3D1%20--",
        "%5C",
        "%27%3B%20DROP%20TABLE%20blog_author%3B%20--",
        "%22",
    ] {
        let r = get(port, &format!("/authors/?q={q}"));
        assert_eq!(r.status, 200, "{q}: {}", r.text());
        assert_eq!(r.json(), serde_json::json!({ "authors": [] }), "{q}");
    }
    assert_eq!(
        get(port, "/authors/").json(),
        serde_json::json!({ "authors": ["Ada", "Grace"] }),
        "the table is still there"
    );

    // HTML through a template: escaped.
    let r = Request::new("POST", "/api/posts/")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("author=1&title=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .send(port);
    assert_eq!(r.status, 201, "{}", r.text());
    let page = get(port, "/posts/").text();
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(!page.contains("<script>alert(1)"), "{page}");

    // An open redirect through APPEND_SLASH: `//evil.example/` is no route, so a 404 (were it
    // one, the redirect would be to `/%2Fevil.example/`, a path on this host, as Django's).
    for path in ["//evil.example", "///evil.example", "/\\evil.example"] {
        let r = get(port, path);
        let to = r.header("location").unwrap_or("");
        assert!(
            !to.starts_with("//") && !to.starts_with("/\\") && !to.contains("://"),
            "{path}: {} to {to:?}",
            r.status
        );
        assert!(r.status < 500, "{path}: {}", r.status);
    }

    // A slow client (the request head never finished) is cut off after actix's 5 s request
    // timeout, and others are served meanwhile.
    let started = Instant::now();
    let slow = std::thread::spawn(move || {
        raw(port, b"GET /hello/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    });
    std::thread::sleep(Duration::from_millis(300));
    serving();
    let answer = slow.join().unwrap();
    let cut_after = started.elapsed();
    assert!(
        cut_after < Duration::from_secs(15) && refused(&answer),
        "{cut_after:?}: {answer:?}"
    );

    // A keep-alive connection answered once, then a request left half-written: the first is
    // answered, the second cut off as a slow client's, and others served meanwhile.
    let started = Instant::now();
    let partial = std::thread::spawn(move || {
        raw(
            port,
            b"GET /hello/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /hello/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half",
        )
    });
    std::thread::sleep(Duration::from_millis(300));
    serving();
    let (status, text) = partial.join().unwrap();
    let partial_cut_after = started.elapsed();
    assert_eq!(status, Some(200), "{text}");
    assert_eq!(text.matches("HTTP/1.1 200").count(), 1, "{text}");
    assert!(
        partial_cut_after < Duration::from_secs(15),
        "{partial_cut_after:?}: {text}"
    );

    // A body that stops halfway (Content-Length 100, 10 bytes sent): 408 once it has taken
    // 30 s (gunicorn's worker timeout), the connection closed; others are
    // served meanwhile.
    let started = Instant::now();
    let stalled = std::thread::spawn(move || {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        stream
            .write_all(b"POST /parse-json/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\": 1, ")
            .unwrap();
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    });
    std::thread::sleep(Duration::from_millis(300));
    serving();
    let text = stalled.join().unwrap();
    let body_cut_after = started.elapsed();
    assert!(
        text.starts_with("HTTP/1.1 408") && body_cut_after < Duration::from_secs(40),
        "{body_cut_after:?}: {text}"
    );
    serving();

    // Thousands of idle connections: the server still answers at once, closes them itself,
    // and its memory stays bounded.
    let idle: Vec<TcpStream> = (0..2000)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    let asked = Instant::now();
    serving();
    let answered_in = asked.elapsed();
    assert!(
        answered_in < Duration::from_secs(2),
        "{answered_in:?} with 2000 idle connections"
    );
    let rss_idle = rss_kib(&server);
    std::thread::sleep(Duration::from_secs(7));
    let closed = idle
        .into_iter()
        .filter(|mut s| {
            // Closed by the server: the read ends at once (nothing, or its 408), instead of
            // waiting out the timeout.
            s.set_read_timeout(Some(Duration::from_millis(200)))
                .unwrap();
            s.read(&mut [0u8; 512]).is_ok()
        })
        .count();
    assert_eq!(closed, 2000, "the server closes idle connections itself");
    serving();
    let rss_after = rss_kib(&server);
    assert!(server.is_running());
    assert!(
        rss_after < rss_before + 64 * 1024,
        "RSS {rss_before} KiB before, {rss_idle} with 2000 idle connections, {rss_after} after"
    );
    assert!(!server.output().contains("panicked"), "{}", server.output());
    println!(
        "hostile HTTP (release build): RSS {rss_before} KiB before, {rss_idle} KiB with 2000 idle connections, {rss_after} KiB after; a slow client cut after {cut_after:.1?}, a half-written second request after {partial_cut_after:.1?}, a stalled body after {body_cut_after:.1?}; /hello/ in {answered_in:.1?} beside 2000 idle connections"
    );
}
