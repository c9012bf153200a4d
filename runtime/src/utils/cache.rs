//! Django's `django.utils.cache`: what a response tells caches.

use crate::http::HttpResponse;

/// Django's `patch_vary_headers(response, new_headers)`: adds the headers to `Vary`, each once
/// (case-insensitively), and leaves `Vary: *` alone.
pub fn patch_vary_headers(response: &mut HttpResponse, new_headers: &[&str]) {
    let mut vary: Vec<String> = response
        .header("vary")
        .map(|v| {
            v.split(',')
                .map(|h| h.trim().to_owned())
                .filter(|h| !h.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if vary.iter().any(|h| h == "*") {
        return;
    }
    for header in new_headers {
        if !vary.iter().any(|h| h.eq_ignore_ascii_case(header)) {
            vary.push((*header).to_owned());
        }
    }
    response.set_header("Vary", vary.join(", "));
}

/// A SameSite setting (`"Lax"`, `"Strict"`, `"None"`, any case) as the cookie attribute.
pub fn same_site(value: Option<&str>) -> Option<actix_web::cookie::SameSite> {
    use actix_web::cookie::SameSite;
    match value.map(str::to_ascii_lowercase).as_deref() {
        Some("strict") => Some(SameSite::Strict),
        Some("lax") => Some(SameSite::Lax),
        Some("none") => Some(SameSite::None),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vary_grows_once() {
        let mut r = HttpResponse::new("");
        patch_vary_headers(&mut r, &["Cookie"]);
        assert_eq!(r.header("vary"), Some("Cookie"));
        patch_vary_headers(&mut r, &["cookie", "Accept-Language"]);
        assert_eq!(r.header("vary"), Some("Cookie, Accept-Language"));
        let mut any = HttpResponse::new("").with_header("Vary", "*");
        patch_vary_headers(&mut any, &["Cookie"]);
        assert_eq!(any.header("vary"), Some("*"));
    }
}
