//! Django's `django.conf.settings`: one `Settings` value per process, built by the project's
//! `settings()` function at start-up and read anywhere through `settings()`.

#![allow(non_snake_case)]

use std::sync::OnceLock;

use crate::middleware::MiddlewareFactory;

/// The project's settings. Field names and meanings are Django's.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Detailed error pages and relaxed host checks. Never in production.
    pub DEBUG: bool,
    /// Signs sessions and tokens. With DEBUG off it must come from the environment.
    pub SECRET_KEY: String,
    /// Earlier keys whose signatures are still accepted (not used to sign): rotate SECRET_KEY
    /// by moving the old one here.
    pub SECRET_KEY_FALLBACKS: Vec<String>,
    /// The password hashers by Django's dotted names, the first one used for new passwords and
    /// the others accepted (and upgraded at the next login): Django's default list.
    pub PASSWORD_HASHERS: Vec<String>,
    /// Host names this site serves (`example.com`, `.example.com` for subdomains, `*`). With
    /// DEBUG on and the list empty, localhost, 127.0.0.1 and [::1] are allowed, as in Django.
    pub ALLOWED_HOSTS: Vec<String>,
    pub INSTALLED_APPS: Vec<&'static str>,
    /// Databases by alias, as URLs: `Databases::new().with("default", "sqlite:///path/db.sqlite3")`.
    /// The DATABASE_URL environment variable overrides "default".
    pub DATABASES: Databases,
    /// Middleware in order, outermost first: `middleware![A, B]`.
    pub MIDDLEWARE: Vec<MiddlewareFactory>,
    /// Largest request body accepted, in bytes; larger requests get 413. Django's default, 2.5 MB.
    pub DATA_UPLOAD_MAX_MEMORY_SIZE: usize,
    /// Most fields a query string or form body may carry (Django's TooManyFieldsSent, a 400);
    /// None for no limit. Django's default, 1000.
    pub DATA_UPLOAD_MAX_NUMBER_FIELDS: Option<usize>,
    /// Most files a multipart form may carry (Django's TooManyFilesSent, a 400); None for no
    /// limit. Django's default, 100.
    pub DATA_UPLOAD_MAX_NUMBER_FILES: Option<usize>,
    /// Behind a TLS-terminating proxy: the header and value that mark a request as HTTPS,
    /// e.g. `Some(("X-Forwarded-Proto".into(), "https".into()))`. Only set it when the proxy
    /// always sets or strips that header; clients could forge it otherwise.
    pub SECURE_PROXY_SSL_HEADER: Option<(String, String)>,
    /// Redirect `/path` to `/path/` when only the latter has a view (CommonMiddleware).
    pub APPEND_SLASH: bool,
    pub X_FRAME_OPTIONS: String,
    pub SECURE_CONTENT_TYPE_NOSNIFF: bool,
    pub SECURE_REFERRER_POLICY: Option<String>,
    pub SECURE_CROSS_ORIGIN_OPENER_POLICY: Option<String>,
    pub SECURE_HSTS_SECONDS: u64,
    pub SECURE_HSTS_INCLUDE_SUBDOMAINS: bool,
    pub SECURE_SSL_REDIRECT: bool,
    pub STATIC_URL: String,
    /// Directories `loaddata` also searches for fixtures, after each app's `src/<app>/fixtures/`.
    pub FIXTURE_DIRS: Vec<String>,
    /// Where sessions are kept, by Django's dotted name. Django's default is the database
    /// backend (`django.contrib.sessions.backends.db`), which rjango has not built yet;
    /// `django.contrib.sessions.backends.signed_cookies` works today.
    pub SESSION_ENGINE: String,
    pub SESSION_COOKIE_NAME: String,
    /// Seconds a session lasts: two weeks, as Django's.
    pub SESSION_COOKIE_AGE: u64,
    pub SESSION_COOKIE_DOMAIN: Option<String>,
    pub SESSION_COOKIE_SECURE: bool,
    pub SESSION_COOKIE_PATH: String,
    pub SESSION_COOKIE_HTTPONLY: bool,
    /// `Some("Lax")` (Django's default), `Some("Strict")`, `Some("None")`, or None for no
    /// SameSite attribute.
    pub SESSION_COOKIE_SAMESITE: Option<String>,
    pub SESSION_SAVE_EVERY_REQUEST: bool,
    pub SESSION_EXPIRE_AT_BROWSER_CLOSE: bool,
    pub CSRF_COOKIE_NAME: String,
    /// Seconds the CSRF cookie lasts: a year, as Django's.
    pub CSRF_COOKIE_AGE: u64,
    pub CSRF_COOKIE_DOMAIN: Option<String>,
    pub CSRF_COOKIE_PATH: String,
    pub CSRF_COOKIE_SECURE: bool,
    /// Off by default, as Django's: JavaScript reads the cookie to send X-CSRFToken.
    pub CSRF_COOKIE_HTTPONLY: bool,
    pub CSRF_COOKIE_SAMESITE: Option<String>,
    /// The header a token may come in, in Django's spelling (`HTTP_X_CSRFTOKEN` is the
    /// `X-CSRFToken` header).
    pub CSRF_HEADER_NAME: String,
    /// Origins trusted for unsafe requests besides the site's own:
    /// `https://example.com`, or `https://*.example.com` for its subdomains.
    pub CSRF_TRUSTED_ORIGINS: Vec<String>,
    /// The lowest level of message kept (Django's INFO, 20: debug messages are dropped).
    pub MESSAGE_LEVEL: i32,
    /// Tags for message levels, over Django's (`(messages::ERROR, "danger")`).
    pub MESSAGE_TAGS: Vec<(i32, String)>,
    /// Where messages wait for the next page: Django's FallbackStorage by default (the cookie,
    /// then the session), or its CookieStorage or SessionStorage.
    pub MESSAGE_STORAGE: String,
    /// The caches by alias, as URLs: `redis://host:port/db`, `locmem://` (Django's default).
    pub CACHES: crate::core::cache::Caches,
    /// The cache the cache session backend keeps sessions in.
    pub SESSION_CACHE_ALIAS: String,
    /// Where `login_required` sends a visitor who is not signed in.
    pub LOGIN_URL: String,
    /// Where the login view sends a visitor without a `next`.
    pub LOGIN_REDIRECT_URL: String,
    /// Where the logout view sends the visitor (None: it shows its page).
    pub LOGOUT_REDIRECT_URL: Option<String>,
    /// The checks a new password must pass (Django's default: none; a new project lists
    /// Django's four, `Validator::defaults()`).
    pub AUTH_PASSWORD_VALIDATORS: Vec<crate::contrib::auth::password_validation::Validator>,
    /// The project's directory (the one with Cargo.toml): each app's `static/` is found below
    /// it, at `src/<app>/static/`. None: the current directory.
    pub BASE_DIR: Option<std::path::PathBuf>,
    /// Where `collectstatic` gathers the static files for the web server to serve.
    pub STATIC_ROOT: Option<std::path::PathBuf>,
    /// Directories of static files besides each app's `static/`, searched first.
    pub STATICFILES_DIRS: Vec<std::path::PathBuf>,
    /// How static files are stored (Django's `STORAGES["staticfiles"]["BACKEND"]`).
    pub STATICFILES_STORAGE: crate::contrib::staticfiles::Storage,
    /// Keep the CSRF secret in the session instead of a cookie (SessionMiddleware must come
    /// before CsrfViewMiddleware).
    pub CSRF_USE_SESSIONS: bool,
    /// The zone times are shown in (a name of the system's time zone database). Django's
    /// global default is America/Chicago; a new project says UTC.
    pub TIME_ZONE: String,
    /// Datetimes are aware and stored in UTC (Django's default since 5.0); templates show them
    /// in TIME_ZONE. Off, they are shown as stored.
    pub USE_TZ: bool,
    /// rjango's own: how `JsonResponse` writes JSON. `JsonStyle::Compact` (the default, the
    /// fewest bytes: `{"a":1}`) or `JsonStyle::Django`, byte for byte what Django's
    /// JsonResponse sends (`{"a": 1}`, non-ASCII as `\u00e9`), for clients that compare bytes
    /// or tests recorded against a Django site.
    pub JSON_STYLE: crate::http::JsonStyle,
}

impl Default for Settings {
    /// Django's global defaults.
    fn default() -> Self {
        Settings {
            DEBUG: false,
            SECRET_KEY: String::new(),
            SECRET_KEY_FALLBACKS: Vec::new(),
            PASSWORD_HASHERS: [
                "django.contrib.auth.hashers.PBKDF2PasswordHasher",
                "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
                "django.contrib.auth.hashers.Argon2PasswordHasher",
                "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
                "django.contrib.auth.hashers.ScryptPasswordHasher",
            ]
            .map(String::from)
            .to_vec(),
            ALLOWED_HOSTS: Vec::new(),
            INSTALLED_APPS: Vec::new(),
            DATABASES: Databases::new().with("default", "sqlite://db.sqlite3"),
            MIDDLEWARE: Vec::new(),
            DATA_UPLOAD_MAX_MEMORY_SIZE: 2_621_440,
            DATA_UPLOAD_MAX_NUMBER_FIELDS: Some(1000),
            DATA_UPLOAD_MAX_NUMBER_FILES: Some(100),
            SECURE_PROXY_SSL_HEADER: None,
            APPEND_SLASH: true,
            X_FRAME_OPTIONS: "DENY".into(),
            SECURE_CONTENT_TYPE_NOSNIFF: true,
            SECURE_REFERRER_POLICY: Some("same-origin".into()),
            SECURE_CROSS_ORIGIN_OPENER_POLICY: Some("same-origin".into()),
            SECURE_HSTS_SECONDS: 0,
            SECURE_HSTS_INCLUDE_SUBDOMAINS: false,
            SECURE_SSL_REDIRECT: false,
            STATIC_URL: "static/".into(),
            FIXTURE_DIRS: Vec::new(),
            SESSION_ENGINE: "django.contrib.sessions.backends.db".into(),
            SESSION_COOKIE_NAME: "sessionid".into(),
            SESSION_COOKIE_AGE: 60 * 60 * 24 * 7 * 2,
            SESSION_COOKIE_DOMAIN: None,
            SESSION_COOKIE_SECURE: false,
            SESSION_COOKIE_PATH: "/".into(),
            SESSION_COOKIE_HTTPONLY: true,
            SESSION_COOKIE_SAMESITE: Some("Lax".into()),
            SESSION_SAVE_EVERY_REQUEST: false,
            SESSION_EXPIRE_AT_BROWSER_CLOSE: false,
            CSRF_COOKIE_NAME: "csrftoken".into(),
            CSRF_COOKIE_AGE: 60 * 60 * 24 * 7 * 52,
            CSRF_COOKIE_DOMAIN: None,
            CSRF_COOKIE_PATH: "/".into(),
            CSRF_COOKIE_SECURE: false,
            CSRF_COOKIE_HTTPONLY: false,
            CSRF_COOKIE_SAMESITE: Some("Lax".into()),
            CSRF_HEADER_NAME: "HTTP_X_CSRFTOKEN".into(),
            CSRF_TRUSTED_ORIGINS: Vec::new(),
            MESSAGE_LEVEL: 20,
            MESSAGE_TAGS: Vec::new(),
            MESSAGE_STORAGE: "django.contrib.messages.storage.fallback.FallbackStorage".into(),
            CACHES: crate::core::cache::Caches::default(),
            SESSION_CACHE_ALIAS: "default".into(),
            LOGIN_URL: "/accounts/login/".into(),
            LOGIN_REDIRECT_URL: "/accounts/profile/".into(),
            LOGOUT_REDIRECT_URL: None,
            AUTH_PASSWORD_VALIDATORS: Vec::new(),
            BASE_DIR: None,
            STATIC_ROOT: None,
            STATICFILES_DIRS: Vec::new(),
            STATICFILES_STORAGE: crate::contrib::staticfiles::Storage::StaticFiles,
            CSRF_USE_SESSIONS: false,
            TIME_ZONE: "America/Chicago".into(),
            USE_TZ: true,
            JSON_STYLE: crate::http::JsonStyle::Compact,
        }
    }
}

/// Django's DATABASES: a URL per alias (`sqlite://`, `postgres://`, `mysql://`/`mariadb://`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Databases(std::collections::BTreeMap<String, String>);

impl Databases {
    pub fn new() -> Self {
        Databases::default()
    }

    /// Adds (or replaces) an alias.
    pub fn with(mut self, alias: &str, url: impl Into<String>) -> Self {
        self.0.insert(alias.to_owned(), url.into());
        self
    }

    /// The URL of an alias; for "default", DATABASE_URL wins when it is set.
    pub fn url(&self, alias: &str) -> Option<String> {
        if alias == "default"
            && let Some(url) = env::string("DATABASE_URL")
        {
            return Some(url);
        }
        self.0.get(alias).cloned()
    }

    pub fn aliases(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// The prefix of the development keys startproject writes; never valid with DEBUG off.
pub const INSECURE_KEY_PREFIX: &str = "rjango-insecure-";

/// A setting that makes the project unable to run safely: Django's `ImproperlyConfigured`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("ImproperlyConfigured: {0}")]
pub struct ImproperlyConfigured(pub String);

impl Settings {
    /// Django's start-up checks that refuse to run: a missing production SECRET_KEY, and
    /// ALLOWED_HOSTS unset with DEBUG off. (Every command of the project binary first runs
    /// [`env::check`], for variables that could not be read.)
    pub fn check(&self) -> Result<(), ImproperlyConfigured> {
        if !self.DEBUG {
            if self.SECRET_KEY.is_empty() || self.SECRET_KEY.starts_with(INSECURE_KEY_PREFIX) {
                return Err(ImproperlyConfigured(
                    "DEBUG is off, so SECRET_KEY must come from the environment: set the SECRET_KEY environment variable to a long random value (the development key in settings.rs is refused).".into(),
                ));
            }
            if self.ALLOWED_HOSTS.is_empty() {
                return Err(ImproperlyConfigured(
                    "DEBUG is off, so ALLOWED_HOSTS must list the host names this site serves: set the ALLOWED_HOSTS environment variable (comma-separated, e.g. ALLOWED_HOSTS=example.com,.example.org).".into(),
                ));
            }
        }
        Ok(())
    }

    /// ALLOWED_HOSTS as the host check applies it.
    pub fn effective_allowed_hosts(&self) -> Vec<String> {
        if self.DEBUG && self.ALLOWED_HOSTS.is_empty() {
            vec![".localhost".into(), "127.0.0.1".into(), "[::1]".into()]
        } else {
            self.ALLOWED_HOSTS.clone()
        }
    }
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Installs the settings for the process; the first call wins. Returns the installed ones.
pub fn configure(settings: Settings) -> &'static Settings {
    SETTINGS.get_or_init(|| settings)
}

/// Settings changed for one task, with what is derived from them once.
pub(crate) struct Overridden {
    pub settings: Settings,
    /// ALLOWED_HOSTS as the host check applies it (lower-cased).
    pub allowed_hosts: Vec<String>,
}

tokio::task_local! {
    static OVERRIDDEN: &'static Overridden;
}

/// Runs `future` with the settings changed by `change`: Django's `override_settings` (and
/// `TestCase.settings()`), for tests. Only the task running `future` sees the change, so tests
/// running side by side keep their own settings. MIDDLEWARE is read when a test client is made:
/// make the client inside the override to change it.
pub async fn override_settings<F: std::future::Future>(
    change: impl FnOnce(&mut Settings),
    future: F,
) -> F::Output {
    let mut settings = settings().clone();
    change(&mut settings);
    let allowed_hosts = settings
        .effective_allowed_hosts()
        .into_iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    // Leaked so that `settings()` keeps returning `&'static`: one small value per override,
    // in tests.
    let overridden: &'static Overridden = Box::leak(Box::new(Overridden {
        settings,
        allowed_hosts,
    }));
    OVERRIDDEN.scope(overridden, future).await
}

/// The overridden settings of the current task, if any.
pub(crate) fn overridden() -> Option<&'static Overridden> {
    OVERRIDDEN.try_with(|o| *o).ok()
}

/// The settings if the program configured them (a test of the ORM alone may not have).
pub fn try_settings() -> Option<&'static Settings> {
    match overridden() {
        Some(o) => Some(&o.settings),
        None => SETTINGS.get(),
    }
}

/// The settings of this process: Django's `from django.conf import settings`.
///
/// # Panics
/// When called before the project configured them (before `execute_from_command_line` or
/// `test::Client::new`): a programming error, not a request-time failure.
pub fn settings() -> &'static Settings {
    try_settings()
        .expect("settings are not configured yet: they are installed when the project starts")
}

/// Settings from environment variables.
pub mod env {
    use std::sync::Mutex;

    use super::ImproperlyConfigured;

    /// Variables that were set but could not be read, for [`check`].
    static PROBLEMS: Mutex<Vec<String>> = Mutex::new(Vec::new());

    /// A boolean variable: 1/0, true/false, yes/no, on/off (any case). A value that is none of
    /// these is not guessed at, since DEBUG hangs on it: it reads as unset here, and [`check`]
    /// (run first by every command of the project binary) then stops the program with a
    /// message naming the variable.
    pub fn bool(name: &str) -> Option<bool> {
        let value = std::env::var(name).ok()?;
        match value.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Some(true),
            "0" | "false" | "no" | "off" | "" => Some(false),
            _ => {
                let problem = format!(
                    "the environment variable {name}={value:?} is not a boolean: use true or false"
                );
                let mut problems = PROBLEMS.lock().unwrap_or_else(|e| e.into_inner());
                if !problems.contains(&problem) {
                    problems.push(problem);
                }
                None
            }
        }
    }

    /// The variables that could not be read, as one error.
    pub fn check() -> Result<(), ImproperlyConfigured> {
        let problems = PROBLEMS.lock().unwrap_or_else(|e| e.into_inner());
        match problems.is_empty() {
            true => Ok(()),
            false => Err(ImproperlyConfigured(problems.join("; "))),
        }
    }

    /// A text variable, when set and not empty.
    pub fn string(name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    /// A comma-separated list, when set.
    pub fn list(name: &str) -> Option<Vec<String>> {
        let value = std::env::var(name).ok()?;
        Some(
            value
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_needs_a_real_key_and_hosts() {
        let dev = Settings {
            DEBUG: true,
            SECRET_KEY: format!("{INSECURE_KEY_PREFIX}x"),
            ..Settings::default()
        };
        assert!(dev.check().is_ok());
        let prod = Settings {
            DEBUG: false,
            ..dev.clone()
        };
        assert!(prod.check().unwrap_err().0.contains("SECRET_KEY"));
        let prod = Settings {
            SECRET_KEY: "real".into(),
            ..prod
        };
        assert!(prod.check().unwrap_err().0.contains("ALLOWED_HOSTS"));
        let prod = Settings {
            ALLOWED_HOSTS: vec!["example.com".into()],
            ..prod
        };
        assert!(prod.check().is_ok());
    }

    #[test]
    fn a_malformed_boolean_is_reported_not_guessed() {
        // SAFETY: the variable is this test's own; no other test reads or writes it.
        unsafe { std::env::set_var("RJANGO_TEST_MALFORMED_BOOL", "maybe") };
        assert_eq!(env::bool("RJANGO_TEST_MALFORMED_BOOL"), None);
        let e = env::check().unwrap_err();
        assert!(
            e.0.contains(
                "RJANGO_TEST_MALFORMED_BOOL=\"maybe\" is not a boolean: use true or false"
            ),
            "{e}"
        );
    }
}
