//! Django's `django.apps`: the installed apps, in INSTALLED_APPS order.

/// An installed app. `label` is the last component of the name (`blog`), which prefixes the
/// app's tables (`blog_post`) and names its migrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppConfig {
    pub name: &'static str,
    pub label: &'static str,
}

/// The label of the app INSTALLED_APPS names `name`: its last component
/// (`rjango.contrib.auth` is `auth`).
pub fn label(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}
