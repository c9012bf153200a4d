//! rjango's contrib apps as the generator sees them: their migrations are the ones
//! makemigrations writes from their models (nothing left to detect), and INSTALLED_APPS names
//! them as Django does, with a way out for Django's spelling.

use rjango_codegen::migrations::autodetector;
use rjango_codegen::migrations::loader::Loader;
use rjango_codegen::migrations::questioner::NonInteractive;
use rjango_codegen::{contrib, models, project};

fn project_with(apps: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("src/settings.rs"),
        format!("fn settings() -> Settings {{ Settings {{ INSTALLED_APPS: vec![{apps}], ..Settings::default() }} }}"),
    )
    .unwrap();
    dir
}

#[test]
fn contrib_migrations_are_what_makemigrations_writes_from_their_models() {
    let names: Vec<String> = contrib::APPS.iter().map(|a| a.name.to_owned()).collect();
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    let dir = project_with(&quoted.join(", "));
    let root = dir.path();
    let installed = project::installed_apps(root).unwrap();
    assert_eq!(installed, names);
    let loader = Loader::load(root, &installed).unwrap();
    let from = loader.project_state().unwrap();
    let (to, order) = models::parse::project_models(root, &installed).unwrap();
    let labels: Vec<String> = installed
        .iter()
        .map(|a| project::app_label(a).to_owned())
        .collect();
    let planned = autodetector::detect(&from, &to, &labels, &mut NonInteractive).unwrap();
    let ops: Vec<String> = planned
        .iter()
        .flat_map(|p| {
            p.operations
                .iter()
                .map(move |o| format!("{}: {}", p.app, o.describe()))
        })
        .collect();
    assert!(
        ops.is_empty(),
        "contrib models changed without a migration: {ops:?}"
    );
    // Django's tables, in its registry order.
    let tables: Vec<String> = order
        .iter()
        .map(|(app, model)| to.get(app, model).unwrap().db_table())
        .collect();
    assert_eq!(
        tables,
        [
            "django_admin_log",
            "django_content_type",
            "auth_permission",
            "auth_group",
            "auth_user",
            "django_session"
        ]
    );
    // Django's migration names are what the squashes replace.
    let admin = &loader.migrations[&(
        "admin".to_owned(),
        "0001_squashed_0003_logentry_add_action_flag_choices".to_owned(),
    )];
    assert_eq!(admin.migration.replaces.len(), 3);
    let auth = &loader.migrations[&(
        "auth".to_owned(),
        "0001_squashed_0012_alter_user_first_name_max_length".to_owned(),
    )];
    assert_eq!(auth.migration.replaces.len(), 12);
    assert_eq!(
        auth.migration.replaces.last().unwrap().1,
        "0012_alter_user_first_name_max_length"
    );
}

#[test]
fn djangos_spelling_of_a_contrib_app_is_refused_with_rjangos() {
    let dir = project_with("\"django.contrib.auth\"");
    let e = project::installed_apps(dir.path()).unwrap_err().to_string();
    assert!(
        e.contains("no installed app can be named \"django.contrib.auth\""),
        "{e}"
    );
    assert!(e.contains("rjango's is \"rjango.contrib.auth\""), "{e}");
    let dir = project_with("\"blog.apps\"");
    let e = project::installed_apps(dir.path()).unwrap_err().to_string();
    assert!(e.contains("rjango.contrib.auth"), "{e}");
}
