//! `diffsettings [--all] [--output hash|unified]`: Django's diffsettings. The settings that
//! differ from Django's defaults (rjango's `Settings::default()`), one a line, as Django prints
//! them (`KEY = value`; `### KEY = value` for an unchanged one with --all; in unified form
//! `- KEY = default` then `+ KEY = value`).

use crate::conf::Settings;

/// Every setting and its value, as the diff shows them, in name order.
pub fn items(s: &Settings) -> Vec<(&'static str, String)> {
    /// Each setting named, with its value as Rust debug-prints it.
    macro_rules! shown {
        ($($name:ident),* $(,)?) => {
            vec![$((stringify!($name), format!("{:?}", s.$name))),*]
        };
    }
    let mut out = shown![
        ALLOWED_HOSTS,
        APPEND_SLASH,
        DATA_UPLOAD_MAX_MEMORY_SIZE,
        DATA_UPLOAD_MAX_NUMBER_FIELDS,
        DATA_UPLOAD_MAX_NUMBER_FILES,
        DEBUG,
        FIXTURE_DIRS,
        INSTALLED_APPS,
        MIDDLEWARE,
        SECRET_KEY,
        SECURE_CONTENT_TYPE_NOSNIFF,
        SECURE_CROSS_ORIGIN_OPENER_POLICY,
        SECURE_HSTS_INCLUDE_SUBDOMAINS,
        SECURE_HSTS_SECONDS,
        SECURE_PROXY_SSL_HEADER,
        SECURE_REFERRER_POLICY,
        SECURE_SSL_REDIRECT,
        STATIC_ROOT,
        STATIC_URL,
        STATICFILES_DIRS,
        STATICFILES_STORAGE,
        TIME_ZONE,
        USE_TZ,
        X_FRAME_OPTIONS,
    ];
    // The databases by URL, their passwords hidden.
    let databases: Vec<String> = s
        .DATABASES
        .aliases()
        .map(|a| {
            let url = s.DATABASES.url(a).unwrap_or_default();
            format!("{a:?}: {:?}", crate::db::url::redact(&url))
        })
        .collect();
    out.push(("DATABASES", format!("{{{}}}", databases.join(", "))));
    out.sort_by_key(|(k, _)| *k);
    out
}

/// The lines of the diff of `settings` against `defaults`.
pub fn diff(settings: &Settings, defaults: &Settings, all: bool, unified: bool) -> Vec<String> {
    let defaults = items(defaults);
    let mut out = Vec::new();
    for (key, value) in items(settings) {
        let default = defaults.iter().find(|(k, _)| *k == key).map(|(_, v)| v);
        match (default, unified) {
            (Some(d), false) if *d != value => out.push(format!("{key} = {value}")),
            (Some(_), false) if all => out.push(format!("### {key} = {value}")),
            (Some(d), true) if *d != value => {
                out.push(format!("- {key} = {d}"));
                out.push(format!("+ {key} = {value}"));
            }
            (Some(_), true) if all => out.push(format!("  {key} = {value}")),
            (None, false) => out.push(format!("{key} = {value}  ###")),
            (None, true) => out.push(format!("+ {key} = {value}")),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_differs_unless_all() {
        let defaults = Settings::default();
        let mine = Settings {
            DEBUG: true,
            ALLOWED_HOSTS: vec!["example.com".into()],
            ..Settings::default()
        };
        assert_eq!(
            diff(&mine, &defaults, false, false),
            ["ALLOWED_HOSTS = [\"example.com\"]", "DEBUG = true"]
        );
        let all = diff(&mine, &defaults, true, false);
        assert!(
            all.contains(&"### APPEND_SLASH = true".to_owned()),
            "{all:?}"
        );
        assert_eq!(
            diff(&mine, &defaults, false, true),
            [
                "- ALLOWED_HOSTS = []",
                "+ ALLOWED_HOSTS = [\"example.com\"]",
                "- DEBUG = false",
                "+ DEBUG = true"
            ]
        );
    }
}
