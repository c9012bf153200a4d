//! Django's `django.contrib.staticfiles`: the CSS, JavaScript and images of a site, found in
//! STATICFILES_DIRS and each app's `static/`, served by the development server under
//! STATIC_URL, and gathered by `collectstatic` into STATIC_ROOT for a web server in production.
//!
//! In a template, `{{ ctx.static_url("css/site.css") }}` (Django's `{% static %}`) gives the
//! URL: `/static/css/site.css`, or with ManifestStaticFilesStorage and DEBUG off the name
//! collectstatic gave the file from its content (`/static/css/site.55e7cbb9ba48.css`), which a
//! browser may cache for ever.

pub mod finders;
pub mod handlers;
pub mod storage;

pub use storage::Storage;

/// STATIC_URL as a URL prefix: Django's `static/` default is made absolute (`/static/`).
pub fn static_prefix() -> String {
    let url = crate::conf::try_settings().map_or("static/".to_owned(), |s| s.STATIC_URL.clone());
    let mut url = if url.starts_with('/') || url.contains("://") {
        url
    } else {
        format!("/{url}")
    };
    if !url.ends_with('/') {
        url.push('/');
    }
    url
}

/// The URL of the static file `path`: Django's `static(path)` (the `{% static %}` tag). With
/// ManifestStaticFilesStorage and DEBUG off, the hashed name from STATIC_ROOT's manifest; a
/// file the manifest lacks is logged (Django raises "Missing staticfiles manifest entry") and
/// its plain name used.
pub fn static_url(path: &str) -> String {
    let path = path.trim_start_matches('/');
    let name = match crate::conf::try_settings() {
        Some(s) if s.STATICFILES_STORAGE == Storage::Manifest && !s.DEBUG => {
            match storage::hashed_name(path) {
                Some(hashed) => hashed,
                None => {
                    crate::log::error(&format!(
                        "Missing staticfiles manifest entry for '{path}' (run collectstatic)"
                    ));
                    path.to_owned()
                }
            }
        }
        _ => path.to_owned(),
    };
    let quoted: String = percent_encoding::utf8_percent_encode(&name, URL_PATH).collect();
    format!("{}{quoted}", static_prefix())
}

/// What a URL path keeps unquoted (Python's `quote(path, safe="/~")` with Django's additions).
const URL_PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Whether `rjango.contrib.staticfiles` is installed.
pub fn installed() -> bool {
    crate::conf::try_settings()
        .is_some_and(|s| s.INSTALLED_APPS.contains(&"rjango.contrib.staticfiles"))
}
