//! The development server's static files: Django's `StaticFilesHandler` and
//! `django.views.static.serve`, under STATIC_URL when DEBUG is on.

use std::time::SystemTime;

use crate::http::{HttpRequest, HttpResponse};

/// The request's file below STATIC_URL, when staticfiles is installed, DEBUG is on and the
/// path is under STATIC_URL (else None: the request goes to the middleware and views).
pub fn serve_if_static(request: &HttpRequest) -> Option<HttpResponse> {
    let debug = crate::conf::try_settings().is_some_and(|s| s.DEBUG);
    if !debug || !super::installed() {
        return None;
    }
    let prefix = super::static_prefix();
    if prefix.contains("://") || prefix == "/" {
        return None; // files served from another host, or no STATIC_URL to serve under
    }
    let rest = request.path().strip_prefix(&prefix)?;
    if !matches!(request.method(), "GET" | "HEAD") {
        return Some(
            HttpResponse::new(bytes::Bytes::new())
                .status(405)
                .with_header("Allow", "GET, HEAD"),
        );
    }
    Some(match super::finders::find(rest) {
        Some(file) => file_response(request, &file),
        None => not_found(rest),
    })
}

/// Django's debug answer for a missing file (and for one outside the directories).
fn not_found(path: &str) -> HttpResponse {
    HttpResponse::new(format!(
        "<!DOCTYPE html><title>Page not found</title><h1>Page not found <span>(404)</span></h1><p>“{}” could not be found</p>",
        crate::template::escape(path)
    ))
    .status(404)
}

fn file_response(request: &HttpRequest, file: &std::path::Path) -> HttpResponse {
    let Ok(meta) = std::fs::metadata(file) else {
        return not_found(&file.display().to_string());
    };
    let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    let last_modified = http_date(modified);
    // Django's was_modified_since: an unchanged file is a 304.
    if request.headers().get("if-modified-since") == Some(last_modified.as_str()) {
        return HttpResponse::new(bytes::Bytes::new())
            .status(304)
            .with_header("Last-Modified", &last_modified);
    }
    let body = match std::fs::read(file) {
        Ok(body) => body,
        Err(_) => return not_found(&file.display().to_string()),
    };
    let mut response = HttpResponse::new(body)
        .content_type(content_type(file))
        .with_header("Last-Modified", &last_modified);
    if request.method() == "HEAD" {
        response = HttpResponse::new(bytes::Bytes::new())
            .content_type(content_type(file))
            .with_header("Last-Modified", &last_modified)
            .with_header("Content-Length", meta.len().to_string());
    }
    response
}

fn http_date(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// The content type of a file by its extension, as Python's `mimetypes` gives it (text types
/// with Django's charset).
pub fn content_type(file: &std::path::Path) -> &'static str {
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "html" | "htm" => "text/html; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "text/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/vnd.microsoft.icon",
        "avif" => "image/avif",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    }
}
