//! Tests with a database, as a project writes them: `#[rjango::test(db)]` (Django's TestCase,
//! a rolled-back transaction) and `#[rjango::test(transaction)]` (TransactionTestCase, a flush
//! after), on test databases made and migrated once for the process: SQLite in memory for
//! `default`, and `test_<NAME>` on PostgreSQL and MariaDB when their URLs are set (aliases `pg`
//! and `maria`). The project's own database is never touched.

use rjango::models::prelude::*;
use rjango::prelude::*;

mod shop {
    pub mod models {
        use rjango::models::prelude::*;

        #[model(ordering = ["name"])]
        pub struct Item {
            #[field(max_length = 20, unique = true)]
            pub name: CharField,
        }
    }
}

use shop::models::{Item, item};

mod m0001 {
    rjango::migration! {
        initial: true,
        dependencies: [],
        operations: [
            CreateModel {
                name: "Item",
                fields: [("id", BigAutoField { primary_key: true }), ("name", CharField { max_length: 20, unique: true })],
                options: Options { ordering: ["name"] },
            },
        ],
    }
}

/// Where the project's own database would be: it must never be created by a test.
fn own_database() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("rjango-own-db-{}.sqlite3", std::process::id()))
}

fn settings() -> rjango::conf::Settings {
    let mut databases = rjango::conf::Databases::new()
        .with("default", format!("sqlite://{}", own_database().display()));
    for (alias, var) in [
        ("pg", "RJANGO_TEST_POSTGRES"),
        ("maria", "RJANGO_TEST_MYSQL"),
    ] {
        match std::env::var(var) {
            // A database that does not exist: the test database is made beside it all the
            // same, through the server's maintenance connection, as Django makes it.
            Ok(url) => {
                let own = format!("rjango_own_{}", std::process::id());
                databases = databases.with(alias, rjango::db::url::with_database(&url, &own));
            }
            Err(_) => rjango::test::skip(
                &format!("the '{alias}' test database"),
                &format!("{var} is not set"),
            ),
        }
    }
    rjango::conf::Settings {
        DEBUG: true,
        SECRET_KEY: "test".into(),
        DATABASES: databases,
        ..Default::default()
    }
}

#[derive(Template)]
#[template(source = "{% for i in items %}{{ i.name }};{% endfor %}", ext = "txt")]
struct ItemList {
    items: Vec<Item>,
}

async fn items(request: HttpRequest) -> Result<HttpResponse, ViewError> {
    let items = Item::objects().all().await?;
    TemplateResponse(&request, ItemList { items })
}

urlpatterns![path("items/", items, name = "items")];

fn project() -> rjango::Project {
    rjango::Project {
        name: "testdb",
        settings,
        root_urlconf: urlpatterns,
        apps: &[],
        models: &[],
        migrations: || vec![m0001::migration("shop", "0001_initial")],
        migration_code: Vec::new,
        commands: Vec::new,
    }
}

fn item_named(name: &str) -> Item {
    Item {
        id: 0,
        name: name.to_owned(),
    }
}

/// Each TestCase-style test starts from the migrated, empty database and leaves nothing behind,
/// so these two see only their own rows whatever order they run in.
#[rjango::test(db, project = project)]
async fn a_test_sees_only_its_own_rows() {
    assert_eq!(Item::objects().count().await.unwrap(), 0);
    Item::objects().create(item_named("kettle")).await.unwrap();
    assert_eq!(Item::objects().count().await.unwrap(), 1);
    assert!(
        !own_database().exists(),
        "the project's own database is untouched"
    );
}

#[rjango::test(db, project = project)]
async fn another_test_sees_only_its_own_rows() {
    assert_eq!(Item::objects().count().await.unwrap(), 0);
    Item::objects().create(item_named("kettle")).await.unwrap();
    // A failed atomic block inside the test is a savepoint: the test goes on.
    let failed: Result<(), QueryError> = transaction::atomic(|| async {
        Item::objects().create(item_named("kettle")).await?;
        Ok(())
    })
    .await;
    assert!(failed.is_err(), "the name is unique");
    assert_eq!(Item::objects().count().await.unwrap(), 1);
}

/// The test client's requests run in the test's transaction, and a TemplateResponse keeps the
/// template value it rendered (Django's response.context).
#[rjango::test(db, project = project)]
async fn the_client_sees_the_test_data_and_the_context() {
    let client = rjango::test::Client::new(project());
    Item::objects().create(item_named("b")).await.unwrap();
    Item::objects().create(item_named("a")).await.unwrap();
    let r = client.get("/items/").await;
    assert_eq!(r.text(), "a;b;");
    let context = r
        .context::<ItemList>()
        .expect("the view rendered an ItemList");
    let names: Vec<&str> = context.items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert!(
        r.context::<String>().is_none(),
        "another type is not what was rendered"
    );
}

/// TransactionTestCase: commits are real (on_commit runs), and the tables are emptied after.
#[rjango::test(transaction, project = project)]
async fn a_transaction_test_commits_then_is_flushed() {
    assert_eq!(
        Item::objects().count().await.unwrap(),
        0,
        "flushed or never written"
    );
    let ran = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = ran.clone();
    transaction::atomic(|| async {
        Item::objects().create(item_named("committed")).await?;
        transaction::on_commit(move || flag.store(true, std::sync::atomic::Ordering::SeqCst));
        Ok::<_, QueryError>(())
    })
    .await
    .unwrap();
    assert!(
        ran.load(std::sync::atomic::Ordering::SeqCst),
        "on_commit ran: the commit was real"
    );
    assert_eq!(
        Item::objects()
            .filter(item::name.eq("committed"))
            .count()
            .await
            .unwrap(),
        1
    );
}

/// Every alias gets its test database, migrated: PostgreSQL and MariaDB ones named
/// `test_<NAME>`, written to and flushed like `default`.
#[rjango::test(transaction, project = project)]
async fn every_alias_has_a_migrated_test_database() {
    let mut seen = vec!["default"];
    for alias in ["pg", "maria"] {
        if rjango::conf::settings().DATABASES.url(alias).is_none() {
            continue;
        }
        let qs = Item::objects().using(alias);
        assert_eq!(
            qs.count().await.unwrap(),
            0,
            "{alias}: flushed or never written"
        );
        qs.create(item_named("there")).await.unwrap();
        assert_eq!(qs.count().await.unwrap(), 1, "{alias}");
        let conn = rjango::db::connections::get(alias).await.unwrap();
        let url = rjango::conf::settings().DATABASES.url(alias).unwrap();
        let own = rjango::db::url::name(&url).unwrap();
        let current = match conn.dialect {
            rjango::db::Dialect::Postgres => "SELECT current_database() AS name",
            _ => "SELECT DATABASE() AS name",
        };
        let name = conn.query_strings(current, &["name"]).await.unwrap();
        assert_eq!(
            name[0][0].as_deref(),
            Some(format!("test_{own}").as_str()),
            "{alias}"
        );
        seen.push(alias);
    }
    println!("test databases on {seen:?}");
}

/// A test without a database (Django's SimpleTestCase) cannot reach one: not the project's own
/// (which would be written to), not the test database; the refusal says what to use instead.
#[rjango::test]
async fn a_test_without_a_database_cannot_query() {
    rjango::conf::configure(settings());
    let e = Item::objects().count().await.unwrap_err().to_string();
    assert!(
        e.contains("Database queries to 'default' are not allowed in this test")
            && e.contains("#[rjango::test(db)]"),
        "{e}"
    );
    // Nor from a task it spawns, where the refusal's task-local does not reach.
    let spawned = tokio::spawn(async { Item::objects().count().await })
        .await
        .unwrap();
    assert!(
        matches!(spawned, Err(ref e) if e.to_string().contains("are not allowed in this test")),
        "{spawned:?}"
    );
    assert!(
        !own_database().exists(),
        "the project's own database is untouched"
    );
}
