//! rjango's contrib apps (the admin's log too) on Django's tables, on SQLite, PostgreSQL and MariaDB: rjango migrates
//! one database, Django 5.2 (from PyPI) another, and Django's own introspection finds the two
//! equal, table for table, column for column, constraint for constraint (by name); the content
//! types and permissions post_migrate makes are Django's, id for id; each side finds nothing to
//! apply on the other's database; a session stored by either database backend is read by the
//! other; and each signs in the other's users (password hashes and login sessions).

mod db;
#[path = "support/venv.rs"]
mod venv;

use db::{DIALECTS, TestDb};
use rjango::apps::AppConfig;
use rjango::conf::Settings;
use rjango::contrib::auth::models::{Group, Permission, User, permission};
use rjango::contrib::sessions::SessionStore;
use rjango::contrib::sessions::backends::Db;
use rjango::db::migrations::executor::{Executor, Target};
use rjango::db::migrations::{Migration, recorder};
use rjango::models::prelude::*;
use serde_json::{Value, json};

const SECRET_KEY: &str = "contrib-tables-secret-key-long-enough-for-django-checks";

/// Django's startproject order (auth before contenttypes), which decides the content types' ids.
const APPS: &[AppConfig] = &[
    AppConfig {
        name: "rjango.contrib.auth",
        label: "auth",
    },
    AppConfig {
        name: "rjango.contrib.contenttypes",
        label: "contenttypes",
    },
    AppConfig {
        name: "rjango.contrib.sessions",
        label: "sessions",
    },
    AppConfig {
        name: "rjango.contrib.messages",
        label: "messages",
    },
    AppConfig {
        name: "rjango.contrib.admin",
        label: "admin",
    },
];

/// The models in registry order, as a project's generated MODELS lists them.
const MODELS: &[(&str, &str)] = &[
    ("auth", "permission"),
    ("auth", "group"),
    ("auth", "user"),
    ("contenttypes", "contenttype"),
    ("sessions", "session"),
    ("admin", "logentry"),
];

mod views {
    use rjango::contrib::auth;
    use rjango::prelude::*;

    pub async fn sign_in(request: HttpRequest) -> Result<HttpResponse, ViewError> {
        let form = request.POST();
        let (username, password) = (
            form.get("username").unwrap_or_default().to_owned(),
            form.get("password").unwrap_or_default().to_owned(),
        );
        let Some(user) = auth::authenticate(&request, &username, &password).await? else {
            return Ok(HttpResponse::new("refused"));
        };
        auth::login(&request, &user).await?;
        whoami(request).await
    }

    pub async fn whoami(request: HttpRequest) -> Result<HttpResponse, ViewError> {
        let user = request.user().await;
        Ok(HttpResponse::new(format!("user {}", user.username())))
    }
}

rjango::urls::urlpatterns![
    path("login/", views::sign_in, name = "login"),
    path("whoami/", views::whoami, name = "whoami"),
];

fn settings() -> Settings {
    Settings {
        SECRET_KEY: SECRET_KEY.into(),
        ALLOWED_HOSTS: vec!["testserver".into()],
        INSTALLED_APPS: APPS.iter().map(|a| a.name).collect(),
        MIDDLEWARE: rjango::middleware::middleware![
            rjango::contrib::sessions::SessionMiddleware,
            rjango::contrib::auth::AuthenticationMiddleware,
        ],
        ..Settings::default()
    }
}

/// The in-process client, on the database registered as `default`.
fn client() -> rjango::test::Client {
    rjango::test::Client::new(rjango::Project {
        name: "contribtables",
        settings,
        root_urlconf: urlpatterns,
        apps: APPS,
        models: MODELS,
        migrations,
        migration_code: Vec::new,
        commands: Vec::new,
    })
}

fn session_cookie(r: &rjango::http::HttpResponse) -> Option<String> {
    r.cookies()
        .iter()
        .find(|c| c.name() == "sessionid")
        .map(|c| c.value().to_owned())
}

fn migrations() -> Vec<Migration> {
    let mut all = rjango::contrib::contenttypes::migrations::all();
    all.extend(rjango::contrib::auth::migrations::all());
    all.extend(rjango::contrib::sessions::migrations::all());
    all.extend(rjango::contrib::admin::migrations::all());
    all
}

async fn migrate(db: &TestDb, migrations: &[Migration]) {
    recorder::ensure_table(&db.conn).await.unwrap();
    let applied = recorder::applied(&db.conn).await.unwrap();
    let mut executor = Executor::new(migrations, applied).unwrap();
    for step in executor.plan(&Target::All) {
        executor.run(&db.conn, &step, false).await.unwrap();
    }
    let applied = recorder::applied(&db.conn).await.unwrap();
    let state = rjango::db::migrations::applied_state(migrations, &applied).unwrap();
    rjango::contrib::post_migrate(&db.conn, APPS, MODELS, &state)
        .await
        .unwrap();
}

#[test]
fn contrib_tables_are_djangos_on_every_database() {
    let Some(python) = venv::django_python() else {
        return;
    };
    rjango::conf::configure(settings());
    rjango::__private::block_on(async {
        let migrations = migrations();
        let mut ran = Vec::new();
        for dialect in DIALECTS {
            let (Some(ours), Some(fresh)) =
                (TestDb::open(dialect).await, TestDb::open(dialect).await)
            else {
                continue;
            };
            migrate(&ours, &migrations).await;
            // A second migrate changes nothing: post_migrate makes only what is missing.
            migrate(&ours, &migrations).await;

            // A session stored by rjango's database backend, for Django to read.
            rjango::db::connections::add(
                rjango::db::Connection::open_url("default", &ours.url)
                    .await
                    .unwrap(),
            );
            let mut data = serde_json::Map::new();
            data.insert("from".into(), json!("rjango é"));
            data.insert("n".into(), json!(7));
            let key = Db.save(None, &data).await.unwrap();
            assert_eq!(key.len(), 32);
            assert!(
                key.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            );

            // A user rjango makes, signed in through rjango's login, for Django to see.
            let ada = User::objects()
                .create_user("ada", "ada@example.com", Some("pw"))
                .await
                .unwrap();
            let c = client();
            let r = c
                .request(
                    rjango::http::HttpRequest::builder("POST", "/login/")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .body("username=ada&password=pw"),
                )
                .await;
            assert_eq!(r.text(), "user ada", "{dialect:?}");
            let login_key = session_cookie(&r).expect("login sets the session cookie");

            let request = json!({
                "vendor": dialect.vendor(),
                "secret_key": SECRET_KEY,
                "rjango": venv::database(dialect, &ours.url),
                "fresh": venv::database(dialect, &fresh.url),
                "session_key": key,
                "login_key": login_key,
            });
            let answer = venv::run_django(&python, "contrib_tables.py", &request);

            // Table for table, column for column, constraint for constraint.
            assert_eq!(
                answer["tables"],
                json!([
                    "auth_group",
                    "auth_group_permissions",
                    "auth_permission",
                    "auth_user",
                    "auth_user_groups",
                    "auth_user_user_permissions",
                    "django_admin_log",
                    "django_content_type",
                    "django_session"
                ])
            );
            let differences = answer["schema"].as_array().unwrap();
            assert!(
                differences.is_empty(),
                "{dialect:?}: the schemas differ:\n{}",
                differences
                    .iter()
                    .map(|d| d.as_str().unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            // post_migrate's rows, id for id.
            assert_eq!(
                answer["content_types"][0], answer["content_types"][1],
                "{dialect:?}"
            );
            assert_eq!(
                answer["permissions"][0], answer["permissions"][1],
                "{dialect:?}"
            );
            assert_eq!(answer["content_types"][0].as_array().unwrap().len(), 6);
            assert_eq!(answer["permissions"][0].as_array().unwrap().len(), 24);
            assert_eq!(
                answer["permissions"][0][8],
                json!([9, "Can add user", 3, "add_user"])
            );
            // Django finds nothing to apply on rjango's database...
            assert_eq!(answer["plan"], json!([]), "{dialect:?}");
            // ... and rjango nothing on Django's (its squashed migrations count applied).
            let applied = recorder::applied(&fresh.conn).await.unwrap();
            let executor = Executor::new(&migrations, applied).unwrap();
            assert!(executor.plan(&Target::All).is_empty(), "{dialect:?}");

            // Each signs in the other's users, and reads the other's signed-in session.
            assert_eq!(
                answer["auth"]["get_user"], "ada",
                "{dialect:?}: Django's get_user"
            );
            assert_eq!(
                answer["auth"]["authenticate"], true,
                "{dialect:?}: Django's authenticate"
            );
            let grace_key = answer["auth"]["grace_key"].as_str().unwrap();
            let r = c
                .request(
                    rjango::http::HttpRequest::builder("GET", "/whoami/")
                        .header("Cookie", &format!("sessionid={grace_key}")),
                )
                .await;
            assert_eq!(
                r.text(),
                "user grace",
                "{dialect:?}: Django's login, read by rjango"
            );
            let request = rjango::http::HttpRequest::builder("GET", "/").build();
            let grace = rjango::contrib::auth::authenticate(&request, "grace", "pw2")
                .await
                .unwrap();
            assert!(
                grace.is_some(),
                "{dialect:?}: Django's hash, checked by rjango"
            );

            // Each reads the other's session.
            assert_eq!(
                answer["session"]["read"],
                json!({"from": "rjango é", "n": 7})
            );
            let expires_in = answer["session"]["expires_in"].as_f64().unwrap();
            assert!(
                (1_209_000.0..=1_209_600.0).contains(&expires_in),
                "two weeks: {expires_in}"
            );
            let theirs = answer["session"]["key"].as_str().unwrap();
            let read = Db.load(theirs).await.expect("Django's session");
            assert_eq!(
                Value::Object(read),
                json!({"from": "Django é", "n": [1, 2, 3]})
            );
            // A key nobody stored reads nothing; a deleted session is gone.
            assert!(Db.load("nosuchsessionkeyatall0000000000").await.is_none());
            Db.delete(theirs).await;
            assert!(Db.load(theirs).await.is_none());
            // Its permissions come through its group and its own, in one query each.
            let perm = |codename: &'static str| async move {
                Permission::objects()
                    .get(permission::codename.eq(codename))
                    .await
                    .unwrap()
            };
            let editors = Group::objects()
                .create(Group {
                    id: 0,
                    name: "editors".into(),
                    permissions: Default::default(),
                })
                .await
                .unwrap();
            editors
                .permissions()
                .add([&perm("change_user").await])
                .await
                .unwrap();
            ada.groups().add([&editors]).await.unwrap();
            ada.user_permissions()
                .add([&perm("view_session").await])
                .await
                .unwrap();
            let all = rjango::contrib::auth::backends::get_all_permissions(&ada)
                .await
                .unwrap();
            assert_eq!(
                all.into_iter().collect::<Vec<_>>(),
                ["auth.change_user", "sessions.view_session"],
                "{dialect:?}"
            );
            ran.push(dialect.vendor());
        }
        println!(
            "contrib tables compared with Django's on: {}",
            ran.join(", ")
        );
        assert!(ran.contains(&"sqlite"));
    });
}

mod shop_0001 {
    rjango::migration! {
        initial: true,
        dependencies: [],
        operations: [
            CreateModel {
                name: "Item",
                fields: [("id", BigAutoField { primary_key: true }), ("name", CharField { max_length: 20 })],
            },
        ],
    }
}

mod shop_0002 {
    rjango::migration! {
        dependencies: [("shop", "0001_initial")],
        operations: [RenameModel { old_name: "Item", new_name: "Product" }],
    }
}

/// Django's RenameContentType, which migrate injects: renaming a model renames its content type,
/// so the permissions given on it stay given (the old codenames stay, post_migrate adds the new
/// ones, as in Django), and unapplying the rename renames it back.
#[test]
fn renaming_a_model_renames_its_content_type() {
    rjango::__private::block_on(async {
        let mut migrations = migrations();
        migrations.push(shop_0001::migration("shop", "0001_initial"));
        migrations.push(shop_0002::migration("shop", "0002_rename"));
        let shop = AppConfig {
            name: "shop",
            label: "shop",
        };
        let apps: Vec<AppConfig> = APPS.iter().copied().chain([shop]).collect();
        for dialect in DIALECTS {
            let Some(db) = TestDb::open(dialect).await else {
                continue;
            };
            recorder::ensure_table(&db.conn).await.unwrap();
            let mut executor = Executor::new(&migrations, Default::default()).unwrap();
            let item = ("shop".to_owned(), "0001_initial".to_owned());
            for target in [
                Target::AppLatest("auth".into()),
                Target::AppLatest("sessions".into()),
                Target::Migration(item),
            ] {
                for step in executor.plan(&target) {
                    executor.run(&db.conn, &step, false).await.unwrap();
                }
            }
            let models: Vec<(&str, &str)> =
                MODELS.iter().copied().chain([("shop", "item")]).collect();
            let state =
                rjango::db::migrations::applied_state(&migrations, &executor.applied).unwrap();
            rjango::contrib::post_migrate(&db.conn, &apps, &models, &state)
                .await
                .unwrap();
            let content_types = |conn: &rjango::db::Connection| {
                let conn = conn.clone();
                async move {
                    conn.query_strings(
                        "SELECT model FROM django_content_type WHERE app_label = 'shop' ORDER BY id",
                        &["model"],
                    )
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|r| r[0].clone().unwrap_or_default())
                    .collect::<Vec<_>>()
                }
            };
            assert_eq!(content_types(&db.conn).await, ["item"], "{dialect:?}");

            for step in executor.plan(&Target::All) {
                executor.run(&db.conn, &step, false).await.unwrap();
            }
            assert_eq!(
                content_types(&db.conn).await,
                ["product"],
                "{dialect:?}: renamed"
            );
            let models: Vec<(&str, &str)> = MODELS
                .iter()
                .copied()
                .chain([("shop", "product")])
                .collect();
            let state =
                rjango::db::migrations::applied_state(&migrations, &executor.applied).unwrap();
            rjango::contrib::post_migrate(&db.conn, &apps, &models, &state)
                .await
                .unwrap();
            let codenames = db
                .conn
                .query_strings(
                    "SELECT p.codename FROM auth_permission p INNER JOIN django_content_type c ON c.id = p.content_type_id WHERE c.app_label = 'shop' ORDER BY p.id",
                    &["codename"],
                )
                .await
                .unwrap();
            assert_eq!(
                codenames.len(),
                8,
                "{dialect:?}: the old four kept, four new"
            );
            assert_eq!(codenames[0][0].as_deref(), Some("add_item"));
            assert_eq!(codenames[4][0].as_deref(), Some("add_product"));

            let back = ("shop".to_owned(), "0001_initial".to_owned());
            for step in executor.plan(&Target::Migration(back)) {
                executor.run(&db.conn, &step, false).await.unwrap();
            }
            assert_eq!(
                content_types(&db.conn).await,
                ["item"],
                "{dialect:?}: renamed back"
            );
        }
    });
}
