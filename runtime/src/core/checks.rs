//! Django's system checks (`django.core.checks`), for what only the project binary can see: the
//! models compiled into it against the schema its migrations build.
//!
//! makemigrations reads models.rs, the binary runs the migrations: a model the first never read
//! (declared where it does not look) or a change no migration holds would fail at run time with
//! "no such table" or "no such column". `check` and `runserver` find both before a request does.

use std::fmt;

use crate::db::migrations::ProjectState;
use crate::models::FieldInfo;

/// A model compiled into the binary: `#[model]` registers each one.
#[derive(Debug)]
pub struct RegisteredModel {
    /// `module_path!()` of the declaration: the app is the module above `models`.
    pub module: &'static str,
    pub name: &'static str,
    pub table: fn() -> &'static str,
    pub fields: &'static [FieldInfo],
}

inventory::collect!(RegisteredModel);

/// How serious a check's finding is, as Django's levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Warning,
    Error,
}

/// One finding: Django's `CheckMessage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckMessage {
    pub level: Level,
    /// `rjango.E001`.
    pub id: &'static str,
    /// What it is about (`blog.Post`).
    pub obj: String,
    pub msg: String,
    pub hint: Option<String>,
}

impl fmt::Display for CheckMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ({}) {}", self.obj, self.id, self.msg)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n\tHINT: {hint}")?;
        }
        Ok(())
    }
}

/// The checks of the settings themselves (Django's compatibility checks): today 4_0.E001, a
/// CSRF_TRUSTED_ORIGINS entry without a scheme, which would never match an origin.
pub fn check_settings(settings: &crate::conf::Settings) -> Vec<CheckMessage> {
    settings
        .CSRF_TRUSTED_ORIGINS
        .iter()
        .filter(|origin| !origin.contains("://"))
        .map(|origin| CheckMessage {
            level: Level::Error,
            id: "4_0.E001",
            obj: "?".into(),
            msg: format!(
                "As of Django 4.0, the values in the CSRF_TRUSTED_ORIGINS setting must start with a scheme (usually http:// or https://) but found {origin}. See the release notes for details."
            ),
            hint: None,
        })
        .collect()
}

/// Whether MIDDLEWARE lists the middleware whose type path ends with `name` (`csrf::
/// CsrfViewMiddleware`): Django's `'django.middleware.csrf.CsrfViewMiddleware' in MIDDLEWARE`.
fn has_middleware(settings: &crate::conf::Settings, name: &str) -> bool {
    settings
        .MIDDLEWARE
        .iter()
        .any(|m| m.name == name || m.name.ends_with(&format!("::{name}")))
}

fn security(id: &'static str, msg: String) -> CheckMessage {
    CheckMessage {
        level: Level::Warning,
        id,
        obj: "?".into(),
        msg,
        hint: None,
    }
}

/// What Django's secret-key checks accept: 50 characters or more, 5 different ones or more,
/// and not a generated development key.
fn strong_secret_key(key: &str) -> bool {
    let unique: std::collections::BTreeSet<char> = key.chars().collect();
    unique.len() >= 5
        && key.chars().count() >= 50
        && !key.starts_with("django-insecure-")
        && !key.starts_with(crate::conf::INSECURE_KEY_PREFIX)
}

/// Django's deployment checks (`check --deploy`, `Tags.security`), with its ids and
/// messages: the security middleware and headers, HSTS, the HTTPS redirect, the secret keys,
/// DEBUG, ALLOWED_HOSTS, and the session and CSRF cookies.
pub fn check_deploy(settings: &crate::conf::Settings) -> Vec<CheckMessage> {
    let mut out = Vec::new();
    let security_mw = has_middleware(settings, "security::SecurityMiddleware");
    let xframe_mw = has_middleware(settings, "clickjacking::XFrameOptionsMiddleware");
    let csrf_mw = has_middleware(settings, "csrf::CsrfViewMiddleware");
    let session_mw = has_middleware(settings, "sessions::middleware::SessionMiddleware")
        || has_middleware(settings, "sessions::SessionMiddleware");
    let session_app = settings
        .INSTALLED_APPS
        .iter()
        .any(|a| *a == "django.contrib.sessions" || *a == "rjango.contrib.sessions");
    if !security_mw {
        out.push(security("security.W001", "You do not have 'django.middleware.security.SecurityMiddleware' in your MIDDLEWARE so the SECURE_HSTS_SECONDS, SECURE_CONTENT_TYPE_NOSNIFF, SECURE_REFERRER_POLICY, SECURE_CROSS_ORIGIN_OPENER_POLICY, and SECURE_SSL_REDIRECT settings will have no effect.".into()));
    }
    if !xframe_mw {
        out.push(security("security.W002", "You do not have 'django.middleware.clickjacking.XFrameOptionsMiddleware' in your MIDDLEWARE, so your pages will not be served with an 'x-frame-options' header. Unless there is a good reason for your site to be served in a frame, you should consider enabling this header to help prevent clickjacking attacks.".into()));
    }
    if !csrf_mw {
        out.push(security("security.W003", "You don't appear to be using Django's built-in cross-site request forgery protection via the middleware ('django.middleware.csrf.CsrfViewMiddleware' is not in your MIDDLEWARE). Enabling the middleware is the safest approach to ensure you don't leave any holes.".into()));
    }
    if security_mw && settings.SECURE_HSTS_SECONDS == 0 {
        out.push(security("security.W004", "You have not set a value for the SECURE_HSTS_SECONDS setting. If your entire site is served only over SSL, you may want to consider setting a value and enabling HTTP Strict Transport Security. Be sure to read the documentation first; enabling HSTS carelessly can cause serious, irreversible problems.".into()));
    }
    if security_mw && settings.SECURE_HSTS_SECONDS > 0 && !settings.SECURE_HSTS_INCLUDE_SUBDOMAINS {
        out.push(security("security.W005", "You have not set the SECURE_HSTS_INCLUDE_SUBDOMAINS setting to True. Without this, your site is potentially vulnerable to attack via an insecure connection to a subdomain. Only set this to True if you are certain that all subdomains of your domain should be served exclusively via SSL.".into()));
    }
    if security_mw && !settings.SECURE_CONTENT_TYPE_NOSNIFF {
        out.push(security("security.W006", "Your SECURE_CONTENT_TYPE_NOSNIFF setting is not set to True, so your pages will not be served with an 'X-Content-Type-Options: nosniff' header. You should consider enabling this header to prevent the browser from identifying content types incorrectly.".into()));
    }
    if security_mw && !settings.SECURE_SSL_REDIRECT {
        out.push(security("security.W008", "Your SECURE_SSL_REDIRECT setting is not set to True. Unless your site should be available over both SSL and non-SSL connections, you may want to either set this setting True or configure a load balancer or reverse-proxy server to redirect all connections to HTTPS.".into()));
    }
    let weak_key = |name: &str| {
        format!(
            "Your {name} has less than 50 characters, less than 5 unique characters, or it's prefixed with 'django-insecure-' indicating that it was generated automatically by Django. Please generate a long and random value, otherwise many of Django's security-critical features will be vulnerable to attack."
        )
    };
    if !strong_secret_key(&settings.SECRET_KEY) {
        out.push(security("security.W009", weak_key("SECRET_KEY")));
    }
    if !session_app && !session_mw {
        // Nothing uses the session cookie: its checks do not apply.
    } else {
        let both = session_app && session_mw;
        if !settings.SESSION_COOKIE_SECURE {
            let cookie = " Using a secure-only session cookie makes it more difficult for network traffic sniffers to hijack user sessions.";
            out.push(if both {
                security("security.W012", format!("SESSION_COOKIE_SECURE is not set to True.{cookie}"))
            } else if session_app {
                security("security.W010", format!("You have 'django.contrib.sessions' in your INSTALLED_APPS, but you have not set SESSION_COOKIE_SECURE to True.{cookie}"))
            } else {
                security("security.W011", format!("You have 'django.contrib.sessions.middleware.SessionMiddleware' in your MIDDLEWARE, but you have not set SESSION_COOKIE_SECURE to True.{cookie}"))
            });
        }
        if !settings.SESSION_COOKIE_HTTPONLY {
            let httponly = " Using an HttpOnly session cookie makes it more difficult for cross-site scripting attacks to hijack user sessions.";
            out.push(if both {
                security("security.W015", format!("SESSION_COOKIE_HTTPONLY is not set to True.{httponly}"))
            } else if session_app {
                security("security.W013", format!("You have 'django.contrib.sessions' in your INSTALLED_APPS, but you have not set SESSION_COOKIE_HTTPONLY to True.{httponly}"))
            } else {
                security("security.W014", format!("You have 'django.contrib.sessions.middleware.SessionMiddleware' in your MIDDLEWARE, but you have not set SESSION_COOKIE_HTTPONLY to True.{httponly}"))
            });
        }
    }
    if csrf_mw && !settings.CSRF_COOKIE_SECURE {
        out.push(security("security.W016", "You have 'django.middleware.csrf.CsrfViewMiddleware' in your MIDDLEWARE, but you have not set CSRF_COOKIE_SECURE to True. Using a secure-only CSRF cookie makes it more difficult for network traffic sniffers to steal the CSRF token.".into()));
    }
    if settings.DEBUG {
        out.push(security(
            "security.W018",
            "You should not have DEBUG set to True in deployment.".into(),
        ));
    }
    if xframe_mw && settings.X_FRAME_OPTIONS != "DENY" {
        out.push(security("security.W019", "You have 'django.middleware.clickjacking.XFrameOptionsMiddleware' in your MIDDLEWARE, but X_FRAME_OPTIONS is not set to 'DENY'. Unless there is a good reason for your site to serve other parts of itself in a frame, you should change it to 'DENY'.".into()));
    }
    if settings.ALLOWED_HOSTS.is_empty() {
        out.push(security(
            "security.W020",
            "ALLOWED_HOSTS must not be empty in deployment.".into(),
        ));
    }
    if security_mw && settings.SECURE_REFERRER_POLICY.is_none() {
        out.push(security("security.W022", "You have not set the SECURE_REFERRER_POLICY setting. Without this, your site will not send a Referrer-Policy header. You should consider enabling this header to protect user privacy.".into()));
    }
    for (index, key) in settings.SECRET_KEY_FALLBACKS.iter().enumerate() {
        if !strong_secret_key(key) {
            out.push(security(
                "security.W025",
                weak_key(&format!("SECRET_KEY_FALLBACKS[{index}]")),
            ));
        }
    }
    out
}

/// Django's report of a check run: the errors, then the warnings, and the count.
pub fn report(messages: &[CheckMessage]) -> String {
    let mut out = String::new();
    if !messages.is_empty() {
        let errors = messages.iter().any(|m| m.level == Level::Error);
        out.push_str(if errors {
            "SystemCheckError: System check identified some issues:\n"
        } else {
            "System check identified some issues:\n"
        });
        for (level, heading) in [(Level::Error, "ERRORS"), (Level::Warning, "WARNINGS")] {
            let of_level: Vec<&CheckMessage> =
                messages.iter().filter(|m| m.level == level).collect();
            if !of_level.is_empty() {
                out.push_str(&format!("\n{heading}:\n"));
                for m in of_level {
                    out.push_str(&format!("{m}\n"));
                }
            }
        }
        out.push('\n');
    }
    let n = messages.len();
    match n {
        0 => out.push_str("System check identified no issues (0 silenced)."),
        1 => out.push_str("System check identified 1 issue (0 silenced)."),
        _ => out.push_str(&format!("System check identified {n} issues (0 silenced).")),
    }
    out
}

/// Every registered model against the installed apps and the migrations' state.
pub fn check_models(installed: &[&str], state: &ProjectState) -> Vec<CheckMessage> {
    let mut models: Vec<&RegisteredModel> = inventory::iter::<RegisteredModel>().collect();
    models.sort_by_key(|m| (m.module, m.name));
    let mut out = Vec::new();
    for m in models {
        let app = crate::models::meta::app_label(m.module);
        let label = format!("{app}.{}", m.name);
        let is_installed = installed.iter().any(|name| crate::apps::label(name) == app);
        if !is_installed && m.module.starts_with("rjango::contrib::") {
            // rjango's own apps' models exist in every binary; only installed ones count.
            continue;
        }
        if !is_installed {
            out.push(CheckMessage {
                level: Level::Error,
                id: "rjango.E001",
                obj: label,
                msg: format!("The model is declared in app '{app}', which is not in INSTALLED_APPS."),
                hint: Some(format!(
                    "add \"{app}\" to INSTALLED_APPS in src/settings.rs (rjango startapp does), then run `rjango makemigrations`"
                )),
            });
            continue;
        }
        let Some(migrated) = state.get(app, &m.name.to_ascii_lowercase()) else {
            out.push(CheckMessage {
                level: Level::Error,
                id: "rjango.E002",
                obj: label,
                msg: format!(
                    "No migration of app '{app}' creates this model, so its table '{}' will not exist.",
                    (m.table)()
                ),
                hint: Some(format!(
                    "run `rjango makemigrations {app}`; makemigrations reads src/{app}/models.rs and the modules of src/{app}/models/"
                )),
            });
            continue;
        };
        let declared: Vec<&str> = m.fields.iter().map(|f| f.column).collect();
        let from_migrations: Vec<String> = migrated
            .fields
            .iter()
            .filter(|(_, f)| f.field_type.has_column())
            .map(|(n, f)| f.column(n))
            .collect();
        let missing: Vec<&str> = declared
            .iter()
            .copied()
            .filter(|c| !from_migrations.iter().any(|m| m == c))
            .collect();
        let extra: Vec<&str> = from_migrations
            .iter()
            .map(String::as_str)
            .filter(|c| !declared.contains(c))
            .collect();
        let table = (m.table)();
        let mut changes = Vec::new();
        if migrated.db_table() != table {
            changes.push(format!(
                "the table is '{table}' in the model and '{}' in the migrations",
                migrated.db_table()
            ));
        }
        if !missing.is_empty() {
            changes.push(format!("no migration adds column(s) {}", quoted(&missing)));
        }
        if !extra.is_empty() {
            changes.push(format!(
                "the migrations have column(s) {} that the model lacks",
                quoted(&extra)
            ));
        }
        if !changes.is_empty() {
            out.push(CheckMessage {
                level: Level::Error,
                id: "rjango.E003",
                obj: label,
                msg: format!(
                    "The model has changes that are not yet reflected in a migration: {}.",
                    changes.join("; ")
                ),
                hint: Some(format!("run `rjango makemigrations {app}`, then `migrate`")),
            });
        }
    }
    out
}

/// Django's model checks that depend on a database (`check --database`, and migrate's own):
/// a constraint the backend cannot create is left out of its schema, with models.W036 (a
/// unique constraint with a condition: no partial indexes on MySQL/MariaDB) or models.W047
/// (nulls_distinct: PostgreSQL 15 and later alone; the schema editor writes it for
/// PostgreSQL, so an older one refuses the migration after this warning).
pub fn check_database(state: &ProjectState, conn: &crate::db::Connection) -> Vec<CheckMessage> {
    use crate::db::Dialect;
    use rjango_schema::Constraint;
    let hint = || {
        Some(
            "A constraint won't be created. Silence this warning if you don't care about it."
                .to_owned(),
        )
    };
    let mut out = Vec::new();
    for m in state.models.values() {
        let label = format!("{}.{}", m.app_label, m.name);
        let unique = || {
            m.options.constraints.iter().filter_map(|c| match c {
                Constraint::Unique {
                    condition,
                    nulls_distinct,
                    ..
                } => Some((condition.is_some(), nulls_distinct.is_some())),
                Constraint::Check { .. } => None,
            })
        };
        if conn.dialect == Dialect::Mysql && unique().any(|(condition, _)| condition) {
            out.push(CheckMessage {
                level: Level::Warning,
                id: "models.W036",
                obj: label.clone(),
                msg: format!(
                    "{} does not support unique constraints with conditions.",
                    conn.display_name
                ),
                hint: hint(),
            });
        }
        if !conn.supports_nulls_distinct && unique().any(|(_, nulls)| nulls) {
            out.push(CheckMessage {
                level: Level::Warning,
                id: "models.W047",
                obj: label,
                msg: format!(
                    "{} does not support unique constraints with nulls distinct.",
                    conn.display_name
                ),
                hint: hint(),
            });
        }
    }
    out
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deploy_checks_as_djangos() {
        use crate::middleware::clickjacking::XFrameOptionsMiddleware;
        use crate::middleware::csrf::CsrfViewMiddleware;
        use crate::middleware::security::SecurityMiddleware;
        let ids = |s: &crate::conf::Settings| {
            check_deploy(s)
                .into_iter()
                .map(|m| m.id)
                .collect::<Vec<_>>()
        };
        // Django's defaults with DEBUG on and no middleware.
        let bare = crate::conf::Settings {
            DEBUG: true,
            SECRET_KEY: format!("{}x", crate::conf::INSECURE_KEY_PREFIX),
            ..Default::default()
        };
        assert_eq!(
            ids(&bare),
            [
                "security.W001",
                "security.W002",
                "security.W003",
                "security.W009",
                "security.W018",
                "security.W020"
            ]
        );
        // With the middleware, HSTS off and the cookies not secure.
        let with_mw = crate::conf::Settings {
            MIDDLEWARE: crate::middleware::middleware![
                SecurityMiddleware,
                crate::contrib::sessions::SessionMiddleware,
                CsrfViewMiddleware,
                XFrameOptionsMiddleware,
            ],
            ALLOWED_HOSTS: vec!["example.com".into()],
            SECRET_KEY: "k".repeat(10) + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP",
            SECRET_KEY_FALLBACKS: vec!["short".into()],
            ..Default::default()
        };
        assert_eq!(
            ids(&with_mw),
            [
                "security.W004",
                "security.W008",
                "security.W011",
                "security.W016",
                "security.W025"
            ]
        );
        // Hardened: nothing to say.
        let hardened = crate::conf::Settings {
            SECURE_HSTS_SECONDS: 31_536_000,
            SECURE_HSTS_INCLUDE_SUBDOMAINS: true,
            SECURE_SSL_REDIRECT: true,
            SESSION_COOKIE_SECURE: true,
            CSRF_COOKIE_SECURE: true,
            SECRET_KEY_FALLBACKS: Vec::new(),
            ..with_mw
        };
        assert!(ids(&hardened).is_empty(), "{:?}", ids(&hardened));
    }

    #[test]
    fn trusted_origins_need_a_scheme() {
        let settings = crate::conf::Settings {
            CSRF_TRUSTED_ORIGINS: vec!["https://ok.example".into(), "example.com".into()],
            ..Default::default()
        };
        let found = check_settings(&settings);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "4_0.E001");
        assert!(found[0].msg.contains("but found example.com."));
    }

    #[test]
    fn reports_as_django_does() {
        assert_eq!(
            report(&[]),
            "System check identified no issues (0 silenced)."
        );
        let m = CheckMessage {
            level: Level::Error,
            id: "rjango.E002",
            obj: "blog.Post".into(),
            msg: "No migration.".into(),
            hint: Some("run makemigrations".into()),
        };
        assert_eq!(
            report(&[m]),
            "SystemCheckError: System check identified some issues:\n\nERRORS:\nblog.Post: (rjango.E002) No migration.\n\tHINT: run makemigrations\n\nSystem check identified 1 issue (0 silenced)."
        );
    }
}
