//! rjango's contrib apps (`rjango::contrib::*`), as the code generator sees them: their models
//! and migrations are part of the rjango crate, not of the project, so their sources are built
//! into the generator here. makemigrations reads them as it reads a project's apps (a project's
//! models may point at `auth.User`), never writes migrations for them, and the generated
//! migration list takes them from the rjango crate (`rjango::contrib::auth::migrations::all()`).

/// A contrib app: its INSTALLED_APPS name, its label, its models.rs and its migration files.
pub struct ContribApp {
    /// `rjango.contrib.auth`, as INSTALLED_APPS names it.
    pub name: &'static str,
    /// `auth`: the app label, which names its tables and migrations.
    pub label: &'static str,
    /// Its module below the rjango crate (`contrib::auth`).
    pub module: &'static str,
    /// The source of its models.rs, when it has models.
    pub models: Option<&'static str>,
    /// Its migration files: (file stem, source).
    pub migrations: &'static [(&'static str, &'static str)],
    /// Its default templates (path under templates/, source), written into a project's
    /// `src/generated/templates/`, which askama.toml lists after the project's own
    /// `templates/`: a project overrides one by writing a file of the same name.
    pub templates: &'static [(&'static str, &'static str)],
    /// Its ModelAdmins (`::rjango::contrib::auth::admin::UserAdmin`), registered in the
    /// project's admin site when the admin is installed too, before the project's own.
    pub admin: &'static [&'static str],
}

macro_rules! template {
    ($path:literal) => {
        (
            $path,
            include_str!(concat!("../../runtime/templates/", $path)),
        )
    };
}

macro_rules! source {
    ($path:literal) => {
        include_str!(concat!("../../runtime/src/contrib/", $path))
    };
}

/// Every contrib app, in the order Django's startproject lists them.
pub const APPS: &[ContribApp] = &[
    ContribApp {
        name: "rjango.contrib.admin",
        label: "admin",
        module: "contrib::admin",
        models: Some(source!("admin/models.rs")),
        migrations: &[(
            "0001_squashed_0003_logentry_add_action_flag_choices",
            source!("admin/migrations/0001_squashed_0003_logentry_add_action_flag_choices.rs"),
        )],
        templates: &[
            template!("admin/base.html"),
            template!("admin/index.html"),
            template!("admin/app_index.html"),
            template!("admin/login.html"),
            template!("admin/logged_out.html"),
            template!("admin/change_list.html"),
            template!("admin/change_form.html"),
            template!("admin/delete_confirmation.html"),
            template!("admin/delete_selected_confirmation.html"),
            template!("admin/object_history.html"),
            template!("admin/auth/user/change_password.html"),
            template!("admin/password_change_form.html"),
            template!("admin/password_change_done.html"),
        ],
        admin: &[],
    },
    ContribApp {
        name: "rjango.contrib.contenttypes",
        label: "contenttypes",
        module: "contrib::contenttypes",
        models: Some(source!("contenttypes/models.rs")),
        migrations: &[(
            "0001_squashed_0002_remove_content_type_name",
            source!("contenttypes/migrations/0001_squashed_0002_remove_content_type_name.rs"),
        )],
        templates: &[],
        admin: &[],
    },
    ContribApp {
        name: "rjango.contrib.auth",
        label: "auth",
        module: "contrib::auth",
        models: Some(source!("auth/models.rs")),
        migrations: &[(
            "0001_squashed_0012_alter_user_first_name_max_length",
            source!("auth/migrations/0001_squashed_0012_alter_user_first_name_max_length.rs"),
        )],
        templates: &[
            template!("registration/base.html"),
            template!("registration/login.html"),
            template!("registration/logged_out.html"),
            template!("registration/password_change_form.html"),
            template!("registration/password_change_done.html"),
        ],
        admin: &[
            "::rjango::contrib::auth::admin::GroupAdmin",
            "::rjango::contrib::auth::admin::UserAdmin",
        ],
    },
    ContribApp {
        name: "rjango.contrib.sessions",
        label: "sessions",
        module: "contrib::sessions",
        models: Some(source!("sessions/models.rs")),
        migrations: &[(
            "0001_initial",
            source!("sessions/migrations/0001_initial.rs"),
        )],
        templates: &[],
        admin: &[],
    },
    ContribApp {
        name: "rjango.contrib.messages",
        label: "messages",
        module: "contrib::messages",
        models: None,
        migrations: &[],
        templates: &[],
        admin: &[],
    },
    ContribApp {
        name: "rjango.contrib.staticfiles",
        label: "staticfiles",
        module: "contrib::staticfiles",
        models: None,
        migrations: &[],
        templates: &[],
        admin: &[],
    },
];

/// The contrib app INSTALLED_APPS names `name`.
pub fn by_name(name: &str) -> Option<&'static ContribApp> {
    APPS.iter().find(|a| a.name == name)
}

/// The contrib app labelled `label`, among the installed `apps` (names).
pub fn installed_by_label(apps: &[String], label: &str) -> Option<&'static ContribApp> {
    apps.iter()
        .filter_map(|a| by_name(a))
        .find(|a| a.label == label)
}

/// Where a contrib app's file is said to be in messages (it is inside the rjango crate).
pub fn display_path(app: &ContribApp, file: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(format!(
        "<rjango>/src/{}/{file}",
        app.module.replace("::", "/")
    ))
}
