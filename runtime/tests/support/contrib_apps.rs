//! The contrib apps a test project of auth installs (auth, contenttypes, sessions): their
//! configs, models and migrations, as a generated project's descriptor lists them.

pub const APPS: &[rjango::apps::AppConfig] = &[
    rjango::apps::AppConfig {
        name: "rjango.contrib.auth",
        label: "auth",
    },
    rjango::apps::AppConfig {
        name: "rjango.contrib.contenttypes",
        label: "contenttypes",
    },
    rjango::apps::AppConfig {
        name: "rjango.contrib.sessions",
        label: "sessions",
    },
];

pub const MODELS: &[(&str, &str)] = &[
    ("auth", "permission"),
    ("auth", "group"),
    ("auth", "user"),
    ("contenttypes", "contenttype"),
    ("sessions", "session"),
];

pub fn migrations() -> Vec<rjango::db::migrations::Migration> {
    let mut all = rjango::contrib::contenttypes::migrations::all();
    all.extend(rjango::contrib::auth::migrations::all());
    all.extend(rjango::contrib::sessions::migrations::all());
    all
}
