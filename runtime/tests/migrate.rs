//! The migration executor against real databases: every operation applied and unapplied on
//! SQLite, PostgreSQL and MariaDB, with the schema read back from the database after each step
//! and compared with Django's for the same migrations and with what the models declare; and
//! rows kept through a chain of changes.

mod db;
#[path = "support/venv.rs"]
mod venv;

use db::{DIALECTS, TestDb, expected, introspect};
use rjango::db::Dialect;
use rjango::db::migrations::executor::{Executor, Step, Target};
use rjango::db::migrations::{Migration, recorder, schema_editor};

/// The chain of migrations of app `shop`, covering every operation, in the syntax
/// makemigrations writes (compiled by the real macro).
mod m0001 {
    rjango::migration! {
        initial: true,
        dependencies: [],
        operations: [
            CreateModel {
                name: "Author",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("name", CharField { max_length: 100 }),
                    ("email", EmailField { unique: true }),
                ],
            },
            CreateModel {
                name: "Post",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("author", ForeignKey { to: "shop.Author", on_delete: Cascade, related_name: "posts" }),
                    ("title", CharField { max_length: 50 }),
                    ("body", TextField),
                    ("views", IntegerField { default: 0 }),
                    ("published", DateTimeField { null: true }),
                ],
                options: Options { ordering: ["-published"] },
            },
        ],
    }
}
mod m0002 {
    rjango::migration! {
        dependencies: [("shop", "0001_initial")],
        operations: [
            AddField { model_name: "post", name: "subtitle", field: CharField { max_length: 80, null: true } },
            AddField { model_name: "post", name: "rating", field: SmallIntegerField { default: 3 } },
            AddField { model_name: "post", name: "score", field: IntegerField { default: 7 }, preserve_default: false },
            AddField { model_name: "post", name: "price", field: DecimalField { max_digits: 8, decimal_places: 2, default: Decimal("9.99") } },
            AddField { model_name: "post", name: "active", field: BooleanField { default: true } },
        ],
    }
}
mod m0003 {
    rjango::migration! {
        dependencies: [("shop", "0002_more")],
        operations: [
            AlterField { model_name: "post", name: "title", field: CharField { max_length: 200 } },
            AlterField { model_name: "post", name: "subtitle", field: CharField { max_length: 80, default: "none" }, preserve_default: false },
            AlterField { model_name: "post", name: "views", field: BigIntegerField { default: 0 } },
        ],
    }
}
mod m0004 {
    rjango::migration! {
        dependencies: [("shop", "0003_alter")],
        operations: [
            RenameField { model_name: "post", old_name: "title", new_name: "headline" },
            AddIndex { model_name: "post", index: Index { name: "shop_post_headline_idx", fields: ["headline"] } },
            AddConstraint { model_name: "post", constraint: UniqueConstraint { name: "shop_post_author_headline_uniq", fields: ["author", "headline"] } },
            AlterUniqueTogether { name: "post", unique_together: [["headline", "subtitle"]] },
            AddConstraint { model_name: "post", constraint: CheckConstraint { name: "shop_post_views_gte_0", check: "views >= 0" } },
            AlterModelOptions { name: "post", options: ModelOptions { ordering: ["-views"], verbose_name: "article" } },
        ],
    }
}
mod m0005 {
    rjango::migration! {
        dependencies: [("shop", "0004_rename")],
        operations: [
            RemoveIndex { model_name: "post", name: "shop_post_headline_idx" },
            RemoveConstraint { model_name: "post", name: "shop_post_author_headline_uniq" },
            RemoveConstraint { model_name: "post", name: "shop_post_views_gte_0" },
            AlterUniqueTogether { name: "post", unique_together: [] },
            RemoveField { model_name: "post", name: "body" },
        ],
    }
}
mod m0006 {
    rjango::migration! {
        dependencies: [("shop", "0005_remove")],
        operations: [
            AlterModelTable { name: "author", table: "authors" },
            RenameModel { old_name: "Post", new_name: "Article" },
            RunSql { sql: "UPDATE shop_article SET views = views + 1", reverse_sql: "UPDATE shop_article SET views = views - 1" },
        ],
    }
}
mod m0007 {
    rjango::migration! {
        dependencies: [("shop", "0006_tables")],
        operations: [
            CreateModel {
                name: "Tag",
                fields: [("id", BigAutoField { primary_key: true }), ("label", SlugField { unique: true })],
            },
            AddField { model_name: "article", name: "tags", field: ManyToManyField { to: "shop.Tag", related_name: "articles" } },
            AddField { model_name: "article", name: "main_tag", field: OneToOneField { to: "shop.Tag", on_delete: SetNull, null: true } },
        ],
    }
}
mod m0008 {
    rjango::migration! {
        dependencies: [("shop", "0007_tags")],
        operations: [
            RemoveField { model_name: "article", name: "tags" },
            RemoveField { model_name: "article", name: "main_tag" },
            DeleteModel { name: "Tag" },
        ],
    }
}

mod m0009 {
    rjango::migration! {
        dependencies: [("shop", "0008_untag")],
        operations: [
            CreateModel {
                name: "Every",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("url", URLField),
                    ("positive", PositiveIntegerField),
                    ("positive_big", PositiveBigIntegerField),
                    ("positive_small", PositiveSmallIntegerField { null: true }),
                    ("ratio", FloatField),
                    ("day", DateField { db_index: true }),
                    ("at", TimeField { null: true }),
                    ("took", DurationField),
                    ("uid", UUIDField { unique: true }),
                    ("data", JSONField { null: true }),
                    ("blob", BinaryField { null: true }),
                    ("code", CharField { max_length: 10, db_index: true }),
                    ("notes", TextField { db_index: true }),
                ],
            },
            CreateModel {
                name: "Small",
                fields: [
                    ("id", SmallAutoField { primary_key: true }),
                    ("every", ForeignKey { to: "shop.Every", on_delete: Protect }),
                ],
            },
            CreateModel {
                name: "Plain",
                fields: [
                    ("id", AutoField { primary_key: true }),
                    ("smalls", ManyToManyField { to: "shop.Small" }),
                    ("first", OneToOneField { to: "shop.Small", on_delete: Cascade, related_name: "plain" }),
                ],
            },
        ],
    }
}
mod m0010 {
    rjango::migration! {
        dependencies: [("shop", "0009_every_type")],
        operations: [
            AlterField { model_name: "every", name: "positive", field: PositiveBigIntegerField },
            AlterField { model_name: "every", name: "code", field: CharField { max_length: 20 } },
            AlterField { model_name: "every", name: "day", field: DateTimeField { db_index: true } },
            AlterField { model_name: "every", name: "ratio", field: FloatField { null: true } },
            AlterField { model_name: "every", name: "uid", field: UUIDField { null: true } },
            AddField { model_name: "small", name: "code", field: SlugField { max_length: 30, null: true } },
        ],
    }
}

fn chain() -> Vec<Migration> {
    vec![
        m0001::migration("shop", "0001_initial"),
        m0002::migration("shop", "0002_more"),
        m0003::migration("shop", "0003_alter"),
        m0004::migration("shop", "0004_rename"),
        m0005::migration("shop", "0005_remove"),
        m0006::migration("shop", "0006_tables"),
        m0007::migration("shop", "0007_tags"),
        m0008::migration("shop", "0008_untag"),
        m0009::migration("shop", "0009_every_type"),
        m0010::migration("shop", "0010_alter_types"),
    ]
}

/// The declared state after the first `n` migrations.
fn state_after(migrations: &[Migration], n: usize) -> rjango::db::migrations::ProjectState {
    rjango::db::migrations::project_state(&migrations[..n]).unwrap()
}

async fn assert_schema(db: &TestDb, migrations: &[Migration], n: usize, when: &str) {
    let actual = introspect(&db.conn).await;
    let wanted = expected(db.conn.dialect, &state_after(migrations, n));
    for (table, want) in &wanted {
        let got = actual.get(table).unwrap_or_else(|| {
            panic!(
                "{:?} {when}: table {table} is missing; tables: {:?}",
                db.conn.dialect,
                actual.keys().collect::<Vec<_>>()
            )
        });
        assert_eq!(got, want, "{:?} {when}: table {table}", db.conn.dialect);
    }
    // Join tables are not in `expected`; the comparison with Django's covers them.
    let state = state_after(migrations, n);
    let join_tables: Vec<String> = state
        .models
        .iter()
        .flat_map(|((app, model), m)| {
            m.fields
                .iter()
                .filter(|(_, f)| !f.field_type.has_column())
                .map(|(name, _)| {
                    schema_editor::join_table(db.conn.dialect, &state, app, model, name)
                        .unwrap()
                        .table
                })
        })
        .collect();
    let extra: Vec<&String> = actual
        .keys()
        .filter(|t| !wanted.contains_key(*t) && !join_tables.contains(t))
        .collect();
    assert!(
        extra.is_empty(),
        "{:?} {when}: unexpected tables {extra:?}",
        db.conn.dialect
    );
}

/// The tables, after the first `n` migrations, of the models a table or column rename among
/// them touched: there Django's index and constraint names are the old ones it leaves behind
/// and rjango's the renamed ones (a documented departure), so the matrix compares their
/// constraints by what they are instead of by name.
fn renamed_tables(migrations: &[Migration], n: usize) -> Vec<String> {
    use rjango::db::migrations::Operation;
    let mut renamed = std::collections::BTreeSet::new();
    for op in migrations[..n].iter().flat_map(|m| &m.operations) {
        match op {
            Operation::RenameField { model_name, .. } => {
                renamed.insert(model_name.to_ascii_lowercase());
            }
            Operation::RenameModel { old_name, new_name } => {
                renamed.insert(old_name.to_ascii_lowercase());
                renamed.insert(new_name.to_ascii_lowercase());
            }
            Operation::AlterModelTable { name, .. } => {
                renamed.insert(name.to_ascii_lowercase());
            }
            _ => {}
        }
    }
    state_after(migrations, n)
        .models
        .values()
        .filter(|m| renamed.contains(&m.name.to_ascii_lowercase()))
        .map(|m| m.db_table())
        .collect()
}

/// (table, column) of every field whose model declares a default: rjango keeps it as the
/// column's default too, Django does not (a documented departure); `assert_schema` checks the
/// value against the models.
fn kept_defaults(state: &rjango::db::migrations::ProjectState) -> Vec<(String, String)> {
    use rjango::db::migrations::schema::Value;
    state
        .models
        .values()
        .flat_map(|m| {
            m.fields
                .iter()
                .filter(|(_, f)| f.default.as_ref().is_some_and(|v| *v != Value::Null))
                .map(|(name, f)| (m.db_table(), f.column(name)))
        })
        .collect()
}

/// Every operation forward, one migration at a time, then backward to zero, on each database.
/// After every step the schema read back equals Django's: the same chain, written by hand as
/// Django migrations (support/django_shop), is applied by Django 5.2 (from PyPI) to a database of
/// its own, and Django's introspection finds the two equal, table for table (join tables
/// included), column for column (type, size, NULL, default), constraint for constraint by name.
/// The expectation so comes from Django, not from rjango's own column types. The schema also
/// equals what the models declare.
#[test]
fn every_operation_forwards_and_backwards_as_django_does() {
    // Without Django (a printed notice; a failure under CI), the declared schema is still
    // checked at every step.
    let python = venv::django_python();
    rjango::__private::block_on(async {
        let migrations = chain();
        let mut counted = Vec::new();
        for dialect in DIALECTS {
            let (Some(db), Some(djangos)) =
                (TestDb::open(dialect).await, TestDb::open(dialect).await)
            else {
                continue;
            };
            let mut django = python.as_ref().map(|python| {
                venv::Conversation::start(
                    python,
                    "migration_matrix.py",
                    &serde_json::json!({
                        "vendor": dialect.vendor(),
                        "rjango": venv::database(dialect, &db.url),
                        "django": venv::database(dialect, &djangos.url),
                    }),
                )
            });
            let mut tables = std::collections::BTreeSet::new();
            let mut parted = Vec::new();
            let mut departures = std::collections::BTreeSet::new();
            let mut same_as_djangos = |n: usize, when: &str| {
                let target = if n == 0 {
                    "zero"
                } else {
                    &migrations[n - 1].name
                };
                let Some(django) = django.as_mut() else {
                    return;
                };
                let answer = django.ask(&serde_json::json!({
                    "target": target,
                    "by_content": renamed_tables(&migrations, n),
                    "kept_defaults": kept_defaults(&state_after(&migrations, n)),
                }));
                let differences: Vec<&str> = answer["differences"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d.as_str().unwrap())
                    .collect();
                if !differences.is_empty() {
                    parted.push(format!(
                        "{dialect:?} {when}:\n  {}",
                        differences.join("\n  ")
                    ));
                }
                departures.extend(
                    answer["departures"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|d| d.as_str().unwrap().to_owned()),
                );
                tables.extend(
                    answer["tables"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|t| t.as_str().unwrap().to_owned()),
                );
            };
            recorder::ensure_table(&db.conn).await.unwrap();
            let mut executor = Executor::new(&migrations, Default::default()).unwrap();
            for (i, m) in migrations.iter().enumerate() {
                let key = (m.app_label.clone(), m.name.clone());
                executor
                    .run(
                        &db.conn,
                        &Step {
                            key,
                            backwards: false,
                        },
                        false,
                    )
                    .await
                    .unwrap_or_else(|e| panic!("{dialect:?} applying {}: {e}", m.name));
                let when = format!("after applying {}", m.name);
                same_as_djangos(i + 1, &when);
                assert_schema(&db, &migrations, i + 1, &when).await;
            }
            assert_eq!(
                recorder::applied(&db.conn).await.unwrap().len(),
                migrations.len()
            );
            let plan = executor.plan(&Target::Zero("shop".into()));
            assert_eq!(plan.len(), migrations.len());
            for (done, step) in plan.iter().enumerate() {
                executor
                    .run(&db.conn, step, false)
                    .await
                    .unwrap_or_else(|e| panic!("{dialect:?} unapplying {}: {e}", step.key.1));
                let left = migrations.len() - done - 1;
                let when = format!("after unapplying {}", step.key.1);
                same_as_djangos(left, &when);
                assert_schema(&db, &migrations, left, &when).await;
            }
            assert!(recorder::applied(&db.conn).await.unwrap().is_empty());
            assert!(
                parted.is_empty(),
                "rjango's schema is not Django's:\n{}",
                parted.join("\n")
            );
            assert!(
                python.is_none()
                    || tables.contains("shop_article_tags") && tables.contains("shop_plain_smalls"),
                "{dialect:?}: the join table was compared too: {tables:?}"
            );
            let ops: usize = migrations.iter().map(|m| m.operations.len()).sum();
            counted.push((dialect, ops, tables.len(), departures));
        }
        eprintln!(
            "matrix: {counted:?} (dialect, operations each forward and backward, tables compared with Django's, known departures set aside)"
        );
    });
}

/// Rows inserted at the start keep their values through adds, removes, renames, widening
/// alterations, SQLite table remakes and a model rename.
#[test]
fn rows_survive_a_chain_of_changes() {
    rjango::__private::block_on(async {
        let migrations = chain();
        for dialect in DIALECTS {
            let Some(db) = TestDb::open(dialect).await else {
                continue;
            };
            recorder::ensure_table(&db.conn).await.unwrap();
            let mut executor = Executor::new(&migrations, Default::default()).unwrap();
            let apply = |n: usize| (migrations[n].app_label.clone(), migrations[n].name.clone());
            executor
                .run(
                    &db.conn,
                    &Step {
                        key: apply(0),
                        backwards: false,
                    },
                    false,
                )
                .await
                .unwrap();
            let q = |s: &str| dialect.quote(s);
            db.conn.execute(&format!("INSERT INTO {} ({}, {}) VALUES ('Ann', 'ann@example.com'), ('Bob', 'bob@example.com')", q("shop_author"), q("name"), q("email"))).await.unwrap();
            for (author, title, views) in [(1, "First", 5), (2, "Second", 8), (1, "Third", 13)] {
                db.conn
                    .execute(&format!("INSERT INTO {} ({}, {}, {}, {}) VALUES ({author}, '{title}', 'text of {title}', {views})", q("shop_post"), q("author_id"), q("title"), q("body"), q("views")))
                    .await
                    .unwrap();
            }
            let read = |table: &str, cols: &[&str]| {
                let sql = format!(
                    "SELECT {} FROM {} ORDER BY {}",
                    cols.iter().map(|c| q(c)).collect::<Vec<_>>().join(", "),
                    q(table),
                    q("id")
                );
                let cols: Vec<String> = cols.iter().map(|c| c.to_string()).collect();
                let conn = &db.conn;
                async move {
                    let names: Vec<&str> = cols.iter().map(String::as_str).collect();
                    conn.query_strings(&sql, &names).await.unwrap()
                }
            };
            let s = |v: &str| Some(v.to_owned());
            for (n, migration) in migrations.iter().enumerate().skip(1) {
                executor
                    .run(
                        &db.conn,
                        &Step {
                            key: apply(n),
                            backwards: false,
                        },
                        false,
                    )
                    .await
                    .unwrap_or_else(|e| panic!("{dialect:?} {}: {e}", migration.name));
                let (table, title) = if n >= 5 {
                    ("shop_article", "headline")
                } else if n >= 3 {
                    ("shop_post", "headline")
                } else {
                    ("shop_post", "title")
                };
                let rows = read(table, &[title, "author_id"]).await;
                assert_eq!(
                    rows,
                    vec![
                        vec![s("First"), s("1")],
                        vec![s("Second"), s("2")],
                        vec![s("Third"), s("1")]
                    ],
                    "{dialect:?} after {}",
                    migration.name
                );
                if n == 1 {
                    // New columns filled with their defaults (a one-off one included).
                    let filled = read("shop_post", &["rating", "score"]).await;
                    assert!(
                        filled.iter().all(|r| r == &vec![s("3"), s("7")]),
                        "{dialect:?}: {filled:?}"
                    );
                }
                if n == 2 {
                    let sub = read("shop_post", &["subtitle"]).await;
                    assert!(
                        sub.iter().all(|r| r == &vec![s("none")]),
                        "null → not null filled the rows: {dialect:?} {sub:?}"
                    );
                }
            }
            let authors = read("authors", &["name", "email"]).await;
            assert_eq!(
                authors,
                vec![
                    vec![s("Ann"), s("ann@example.com")],
                    vec![s("Bob"), s("bob@example.com")]
                ],
                "{dialect:?}"
            );
            let views = read("shop_article", &["views"]).await;
            assert_eq!(
                views,
                vec![vec![s("6")], vec![s("9")], vec![s("14")]],
                "RunSql ran once: {dialect:?}"
            );
            let _ = Dialect::Sqlite;
        }
    });
}

mod failing {
    rjango::migration! {
        dependencies: [("shop", "0001_initial")],
        operations: [
            AddField { model_name: "author", name: "bio", field: TextField { null: true } },
            RunSql { sql: "THIS IS NOT SQL", reverse_sql: "" },
        ],
    }
}

/// A migration that fails half-way: rolled back whole and not recorded on SQLite and
/// PostgreSQL; on MySQL (no transactional DDL) not recorded, with the failing statement named.
#[test]
fn a_failing_migration_is_not_recorded() {
    rjango::__private::block_on(async {
        let migrations = vec![
            m0001::migration("shop", "0001_initial"),
            failing::migration("shop", "0002_broken"),
        ];
        for dialect in DIALECTS {
            let Some(db) = TestDb::open(dialect).await else {
                continue;
            };
            recorder::ensure_table(&db.conn).await.unwrap();
            let mut executor = Executor::new(&migrations, Default::default()).unwrap();
            let key = |n: &str| ("shop".to_owned(), n.to_owned());
            executor
                .run(
                    &db.conn,
                    &Step {
                        key: key("0001_initial"),
                        backwards: false,
                    },
                    false,
                )
                .await
                .unwrap();
            let err = executor
                .run(
                    &db.conn,
                    &Step {
                        key: key("0002_broken"),
                        backwards: false,
                    },
                    false,
                )
                .await
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("statement 2 of 2") && err.contains("THIS IS NOT SQL"),
                "{dialect:?}: {err}"
            );
            let applied = recorder::applied(&db.conn).await.unwrap();
            assert_eq!(
                applied.len(),
                1,
                "{dialect:?}: the failed migration is not recorded"
            );
            let columns: Vec<String> = introspect(&db.conn).await["shop_author"]
                .columns
                .iter()
                .map(|c| c.name.clone())
                .collect();
            if dialect.can_rollback_ddl() {
                assert!(err.contains("rolled back"), "{err}");
                assert!(
                    !columns.contains(&"bio".to_owned()),
                    "{dialect:?}: the first statement was rolled back too"
                );
            } else {
                assert!(
                    err.contains("NOT recorded") && err.contains("cannot roll back DDL"),
                    "{err}"
                );
                assert!(
                    columns.contains(&"bio".to_owned()),
                    "MySQL keeps what ran; the message says so"
                );
            }
        }
    });
}

/// RunRust functions, as a user writes them in their app (Django's RunPython callables).
pub async fn shout_names(db: &rjango::db::Connection) -> Result<(), rjango::db::DbError> {
    db.execute("UPDATE shop_author SET name = UPPER(name)")
        .await
}

pub async fn quiet_names(db: &rjango::db::Connection) -> Result<(), rjango::db::DbError> {
    db.execute("UPDATE shop_author SET name = LOWER(name)")
        .await
}

/// Changes rows, then fails: its change must not survive.
pub async fn fail_half_way(db: &rjango::db::Connection) -> Result<(), String> {
    db.execute("UPDATE shop_author SET name = 'changed'")
        .await
        .map_err(|e| e.to_string())?;
    Err("the data did not fit".to_owned())
}

mod with_code {
    rjango::migration! {
        dependencies: [("shop", "0001_initial")],
        operations: [
            AddField { model_name: "author", name: "bio", field: TextField { null: true } },
            RunRust { code: crate::shout_names, reverse_code: crate::quiet_names },
        ],
    }
}

mod with_failing_code {
    rjango::migration! {
        dependencies: [("shop", "0002_code")],
        operations: [RunRust { code: crate::fail_half_way }],
    }
}

/// RunRust functions run inside their migration, forwards and backwards, on every database;
/// one that fails rolls its changes back and its migration is not recorded.
#[test]
fn run_rust_runs_forwards_and_backwards() {
    rjango::__private::block_on(async {
        let migrations = vec![
            m0001::migration("shop", "0001_initial"),
            with_code::migration("shop", "0002_code"),
            with_failing_code::migration("shop", "0003_fails"),
        ];
        let code = vec![
            with_code::code("shop", "0002_code"),
            with_failing_code::code("shop", "0003_fails"),
        ];
        let mut ran = Vec::new();
        for dialect in DIALECTS {
            let Some(db) = TestDb::open(dialect).await else {
                continue;
            };
            recorder::ensure_table(&db.conn).await.unwrap();
            let mut executor = Executor::new(&migrations, Default::default())
                .unwrap()
                .with_code(code.clone());
            let step = |n: &str, backwards| Step {
                key: ("shop".to_owned(), n.to_owned()),
                backwards,
            };
            let names = || async {
                db.conn
                    .query_strings("SELECT name FROM shop_author ORDER BY id", &["name"])
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|r| r[0].clone().unwrap())
                    .collect::<Vec<_>>()
            };
            executor
                .run(&db.conn, &step("0001_initial", false), false)
                .await
                .unwrap();
            db.conn
                .execute(
                    "INSERT INTO shop_author (name, email) VALUES ('ann', 'a@x'), ('bob', 'b@x')",
                )
                .await
                .unwrap();
            executor
                .run(&db.conn, &step("0002_code", false), false)
                .await
                .unwrap();
            assert_eq!(
                names().await,
                ["ANN", "BOB"],
                "{dialect:?}: code ran forwards"
            );

            let err = executor
                .run(&db.conn, &step("0003_fails", false), false)
                .await
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("RunRust crate::fail_half_way")
                    && err.contains("the data did not fit"),
                "{dialect:?}: {err}"
            );
            assert_eq!(
                names().await,
                ["ANN", "BOB"],
                "{dialect:?}: the failed function's change was rolled back"
            );
            assert_eq!(recorder::applied(&db.conn).await.unwrap().len(), 2);

            executor
                .run(&db.conn, &step("0002_code", true), false)
                .await
                .unwrap();
            assert_eq!(
                names().await,
                ["ann", "bob"],
                "{dialect:?}: reverse_code ran"
            );
            assert!(
                !introspect(&db.conn).await["shop_author"]
                    .columns
                    .iter()
                    .any(|c| c.name == "bio"),
                "{dialect:?}: the field was removed too"
            );
            ran.push(dialect);
        }
        println!("RunRust ran on {ran:?}");
        assert!(ran.contains(&Dialect::Sqlite));
    });
}

/// A function a migration names but the binary lacks (a stale build) is an error that says
/// how to fix it, and the migration is not recorded.
#[test]
fn missing_run_rust_function_is_not_skipped() {
    rjango::__private::block_on(async {
        let migrations = vec![
            m0001::migration("shop", "0001_initial"),
            with_code::migration("shop", "0002_code"),
        ];
        let db = TestDb::open(Dialect::Sqlite).await.unwrap();
        recorder::ensure_table(&db.conn).await.unwrap();
        let mut executor = Executor::new(&migrations, Default::default()).unwrap();
        let step = |n: &str| Step {
            key: ("shop".to_owned(), n.to_owned()),
            backwards: false,
        };
        executor
            .run(&db.conn, &step("0001_initial"), false)
            .await
            .unwrap();
        let err = executor
            .run(&db.conn, &step("0002_code"), false)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("crate::shout_names is not compiled into this binary")
                && err.contains("rolled back"),
            "{err}"
        );
        assert_eq!(recorder::applied(&db.conn).await.unwrap().len(), 1);
    });
}

mod library {
    pub mod models {
        use rjango::models::prelude::*;

        /// The model a data migration writes through: its table is created by the same
        /// migration, in the same transaction.
        #[model]
        pub struct Shelf {
            #[field(max_length = 20)]
            pub label: CharField,
        }
    }
}

mod library_0001 {
    rjango::migration! {
        initial: true,
        dependencies: [],
        operations: [
            CreateModel {
                name: "Shelf",
                fields: [("id", BigAutoField { primary_key: true }), ("label", CharField { max_length: 20 })],
            },
            RunRust { code: crate::stock_shelves, reverse_code: crate::empty_shelves },
        ],
    }
}

/// A data migration written with querysets, as Django's RunPython code uses models: they run
/// on the migration's connection, in its transaction (the table is not committed yet), and an
/// atomic block inside is a savepoint of it.
pub async fn stock_shelves(_db: &rjango::db::Connection) -> Result<(), rjango::models::QueryError> {
    use library::models::{Shelf, shelf};
    use rjango::models::prelude::*;
    for label in ["a", "b", "c"] {
        Shelf::objects()
            .create(Shelf {
                id: 0,
                label: label.into(),
            })
            .await?;
    }
    let inner: Result<(), QueryError> = rjango::db::transaction::atomic(|| async {
        Shelf::objects()
            .filter(shelf::label.eq("a"))
            .delete()
            .await?;
        Err(QueryError::DoesNotExist { model: "Shelf" })
    })
    .await;
    assert!(
        inner.is_err(),
        "the inner block failed, so its savepoint rolled back"
    );
    Shelf::objects()
        .filter(shelf::label.eq("c"))
        .update([shelf::label.set("z")])
        .await?;
    Ok(())
}

pub async fn empty_shelves(_db: &rjango::db::Connection) -> Result<(), rjango::models::QueryError> {
    library::models::Shelf::objects().delete().await?;
    Ok(())
}

/// Querysets inside RunRust functions, forwards and backwards, on every database.
#[test]
fn run_rust_querysets_run_in_the_migration() {
    rjango::__private::block_on(async {
        let migrations = vec![library_0001::migration("library", "0001_initial")];
        let code = vec![library_0001::code("library", "0001_initial")];
        let mut ran = Vec::new();
        for dialect in DIALECTS {
            let Some(db) = TestDb::open(dialect).await else {
                continue;
            };
            recorder::ensure_table(&db.conn).await.unwrap();
            let mut executor = Executor::new(&migrations, Default::default())
                .unwrap()
                .with_code(code.clone());
            let step = |backwards| Step {
                key: ("library".to_owned(), "0001_initial".to_owned()),
                backwards,
            };
            executor
                .run(&db.conn, &step(false), false)
                .await
                .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
            let labels = db
                .conn
                .query_strings("SELECT label FROM library_shelf ORDER BY label", &["label"])
                .await
                .unwrap();
            let labels: Vec<String> = labels.into_iter().map(|r| r[0].clone().unwrap()).collect();
            assert_eq!(labels, ["a", "b", "z"], "{dialect:?}");
            executor
                .run(&db.conn, &step(true), false)
                .await
                .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
            ran.push(dialect);
        }
        println!("RunRust querysets ran on {ran:?}");
        assert!(ran.contains(&Dialect::Sqlite));
    });
}

mod with_now {
    rjango::migration! {
        dependencies: [("shop", "0001_initial")],
        operations: [
            AddField {
                model_name: "author",
                name: "joined",
                field: DateTimeField { default: timezone::now },
                preserve_default: false,
            },
        ],
    }
}

/// Django's `timezone.now` as a one-off default (makemigrations offers it): the rows that were
/// there get the moment the migration ran, on every database.
#[test]
fn timezone_now_fills_existing_rows() {
    rjango::__private::block_on(async {
        let migrations = vec![
            m0001::migration("shop", "0001_initial"),
            with_now::migration("shop", "0002_author_joined"),
        ];
        let mut ran = Vec::new();
        for dialect in DIALECTS {
            let Some(db) = TestDb::open(dialect).await else {
                continue;
            };
            recorder::ensure_table(&db.conn).await.unwrap();
            let mut executor = Executor::new(&migrations, Default::default()).unwrap();
            let step = |n: &str| Step {
                key: ("shop".to_owned(), n.to_owned()),
                backwards: false,
            };
            executor
                .run(&db.conn, &step("0001_initial"), false)
                .await
                .unwrap();
            db.conn
                .execute("INSERT INTO shop_author (name, email) VALUES ('ann', 'a@x')")
                .await
                .unwrap();
            let before = chrono::Utc::now() - chrono::TimeDelta::seconds(1);
            executor
                .run(&db.conn, &step("0002_author_joined"), false)
                .await
                .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
            let rows = db
                .conn
                .fetch("SELECT joined FROM shop_author", vec![])
                .await
                .unwrap();
            let joined: chrono::DateTime<chrono::Utc> = rows[0].try_get_by_index(0).unwrap();
            assert!(
                joined >= before && joined <= chrono::Utc::now(),
                "{dialect:?}: {joined}"
            );
            ran.push(dialect);
        }
        println!("timezone.now filled rows on {ran:?}");
        assert!(ran.contains(&Dialect::Sqlite));
    });
}

mod typed_constraints {
    rjango::migration! {
        initial: true,
        dependencies: [],
        operations: [
            CreateModel {
                name: "Event",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("title", CharField { max_length: 50 }),
                    ("status", CharField { max_length: 10 }),
                    ("slug", SlugField { null: true }),
                    ("views", IntegerField { default: 0 }),
                    ("starts", DateTimeField),
                    ("ends", DateTimeField { null: true }),
                ],
            },
            AddConstraint { model_name: "event", constraint: CheckConstraint { name: "views_gte_0_not_gone", condition: Q(views__gte = 0) & !Q(status = "gone") } },
            AddConstraint { model_name: "event", constraint: CheckConstraint { name: "ends_after_starts", condition: Q(ends__gt = F("starts")) | Q(ends__isnull = true) } },
            AddConstraint { model_name: "event", constraint: UniqueConstraint { name: "one_live_title", fields: ["title"], condition: Q(status__in = ["draft", "live"]) } },
            AddConstraint { model_name: "event", constraint: UniqueConstraint { name: "slug_once", fields: ["slug"], nulls_distinct: false } },
        ],
    }
}

/// Typed CheckConstraint and UniqueConstraint conditions, rendered per backend and enforced by
/// the database; what a backend cannot have (a partial index on MariaDB, NULLS NOT DISTINCT but
/// on PostgreSQL) is left out, as Django leaves it out.
#[test]
fn typed_constraints_are_enforced() {
    rjango::__private::block_on(async {
        let migrations = vec![typed_constraints::migration("events", "0001_initial")];
        let mut ran = Vec::new();
        for dialect in DIALECTS {
            let Some(db) = TestDb::open(dialect).await else {
                continue;
            };
            recorder::ensure_table(&db.conn).await.unwrap();
            // What this backend leaves out, the checks say first, in Django's words.
            let state = rjango::db::migrations::project_state(&migrations).unwrap();
            let warnings: Vec<String> = rjango::core::checks::check_database(&state, &db.conn)
                .iter()
                .map(ToString::to_string)
                .collect();
            let hint = "\n\tHINT: A constraint won't be created. Silence this warning if you don't care about it.";
            let expected: Vec<String> = match dialect {
                Dialect::Postgres => vec![],
                Dialect::Sqlite => vec![format!(
                    "events.Event: (models.W047) SQLite does not support unique constraints with nulls distinct.{hint}"
                )],
                Dialect::Mysql => vec![
                    format!(
                        "events.Event: (models.W036) {} does not support unique constraints with conditions.{hint}",
                        db.conn.display_name
                    ),
                    format!(
                        "events.Event: (models.W047) {} does not support unique constraints with nulls distinct.{hint}",
                        db.conn.display_name
                    ),
                ],
            };
            assert_eq!(warnings, expected, "{dialect:?}");
            let mut executor = Executor::new(&migrations, Default::default()).unwrap();
            let step = |backwards| Step {
                key: ("events".to_owned(), "0001_initial".to_owned()),
                backwards,
            };
            executor
                .run(&db.conn, &step(false), false)
                .await
                .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
            let insert = |title: &str, status: &str, slug: Option<&str>, views: i32, ends: &str| {
                let slug = slug.map_or("NULL".to_owned(), |s| format!("'{s}'"));
                format!(
                    "INSERT INTO events_event (title, status, slug, views, starts, ends) VALUES ('{title}', '{status}', {slug}, {views}, '2026-01-02 00:00:00', {ends})"
                )
            };
            let conn = &db.conn;
            let ok = |sql: String| async move {
                conn.execute(&sql)
                    .await
                    .unwrap_or_else(|e| panic!("{dialect:?}: {sql}: {e}"));
            };
            let refused = |sql: String, why: &'static str| async move {
                assert!(
                    conn.execute(&sql).await.is_err(),
                    "{dialect:?}: {why}: {sql}"
                );
            };
            ok(insert("a", "draft", Some("a"), 1, "NULL")).await;
            refused(insert("b", "draft", Some("b"), -1, "NULL"), "views >= 0").await;
            refused(insert("b", "gone", Some("b"), 1, "NULL"), "not gone").await;
            refused(
                insert("b", "draft", Some("b"), 1, "'2026-01-01 00:00:00'"),
                "ends after starts",
            )
            .await;
            ok(insert("b", "draft", Some("b2"), 1, "'2026-01-03 00:00:00'")).await;
            // The same title twice where the condition holds: refused where partial unique
            // indexes exist; twice where it does not: allowed everywhere.
            let twice = db
                .conn
                .execute(&insert("a", "live", Some("c"), 1, "NULL"))
                .await;
            assert_eq!(
                twice.is_err(),
                dialect != Dialect::Mysql,
                "{dialect:?}: one live title"
            );
            ok(insert("x", "old", Some("d"), 1, "NULL")).await;
            ok(insert("x", "old", Some("e"), 1, "NULL")).await;
            // NULL slugs: equal under NULLS NOT DISTINCT (PostgreSQL 15+ only).
            ok(insert("n1", "old", None, 1, "NULL")).await;
            let second_null = db.conn.execute(&insert("n2", "old", None, 1, "NULL")).await;
            assert_eq!(
                second_null.is_err(),
                dialect == Dialect::Postgres,
                "{dialect:?}: nulls not distinct"
            );
            executor
                .run(&db.conn, &step(true), false)
                .await
                .unwrap_or_else(|e| panic!("{dialect:?} backwards: {e}"));
            ran.push(dialect);
        }
        println!("typed constraints ran on {ran:?}");
        assert!(ran.contains(&Dialect::Sqlite));
    });
}

mod squash_0001 {
    rjango::migration! {
        initial: true,
        dependencies: [],
        operations: [CreateModel { name: "Box", fields: [("id", BigAutoField { primary_key: true })] }],
    }
}
mod squash_0002 {
    rjango::migration! {
        dependencies: [("store", "0001_initial")],
        operations: [AddField { model_name: "box", name: "size", field: IntegerField { default: 1 } }],
    }
}
mod squash_squashed {
    rjango::migration! {
        initial: true,
        replaces: [("store", "0001_initial"), ("store", "0002_box_size")],
        dependencies: [],
        operations: [
            CreateModel { name: "Box", fields: [("id", BigAutoField { primary_key: true }), ("size", IntegerField { default: 1 })] },
        ],
    }
}

/// A squashed migration as Django's loader and executor treat it: a new database runs it (and
/// records it and what it replaces); one that applied all the originals counts it as applied;
/// one that applied some goes on with the originals.
#[test]
fn squashed_migrations_follow_the_database() {
    rjango::__private::block_on(async {
        let all = vec![
            squash_0001::migration("store", "0001_initial"),
            squash_0002::migration("store", "0002_box_size"),
            squash_squashed::migration("store", "0001_squashed_0002_box_size"),
        ];
        let key = |n: &str| ("store".to_owned(), n.to_owned());
        // The project's state (what check, dumpdata and the test databases read) takes the
        // squash for its originals: replaying both would create Box twice.
        let state = rjango::db::migrations::project_state(&all).unwrap();
        assert_eq!(state.models.len(), 1);
        let mut ran = Vec::new();
        for dialect in DIALECTS {
            // A new database: the squashed migration alone runs, and all three are recorded.
            let Some(db) = TestDb::open(dialect).await else {
                continue;
            };
            recorder::ensure_table(&db.conn).await.unwrap();
            let mut executor = Executor::new(&all, Default::default()).unwrap();
            let steps = executor.plan(&Target::All);
            let planned: Vec<&str> = steps.iter().map(|s| s.key.1.as_str()).collect();
            assert_eq!(planned, ["0001_squashed_0002_box_size"], "{dialect:?}");
            for step in &steps {
                executor.run(&db.conn, step, false).await.unwrap();
            }
            let recorded = recorder::applied(&db.conn).await.unwrap();
            assert_eq!(recorded.len(), 3, "{dialect:?}: {recorded:?}");
            // Everything applied: nothing to do, and the squash counts as applied.
            let executor = Executor::new(&all, recorded.clone()).unwrap();
            assert!(executor.plan(&Target::All).is_empty());
            // Back to zero through the squash: every record goes.
            let mut executor = Executor::new(&all, recorded).unwrap();
            for step in executor.plan(&Target::Zero("store".into())) {
                executor.run(&db.conn, &step, false).await.unwrap();
            }
            assert!(
                recorder::applied(&db.conn).await.unwrap().is_empty(),
                "{dialect:?}"
            );

            // A database that applied 0001 only goes on with 0002.
            let first = vec![squash_0001::migration("store", "0001_initial")];
            let mut executor = Executor::new(&first, Default::default()).unwrap();
            for step in executor.plan(&Target::All) {
                executor.run(&db.conn, &step, false).await.unwrap();
            }
            let applied = recorder::applied(&db.conn).await.unwrap();
            assert_eq!(applied, [key("0001_initial")].into_iter().collect());
            let mut executor = Executor::new(&all, applied).unwrap();
            let steps = executor.plan(&Target::All);
            let planned: Vec<&str> = steps.iter().map(|s| s.key.1.as_str()).collect();
            assert_eq!(planned, ["0002_box_size"], "{dialect:?}");
            for step in &steps {
                executor.run(&db.conn, step, false).await.unwrap();
            }
            db.conn
                .execute("INSERT INTO store_box (size) VALUES (3)")
                .await
                .unwrap();
            ran.push(dialect);
        }
        println!("squashed migrations ran on {ran:?}");
        assert!(ran.contains(&Dialect::Sqlite));
    });
}

mod concurrent_0001 {
    rjango::migration! {
        initial: true,
        dependencies: [],
        operations: [CreateModel { name: "Box", fields: [("id", BigAutoField { primary_key: true }), ("size", IntegerField { default: 1 })] }],
    }
}
mod concurrent_0002 {
    rjango::migration! {
        atomic: false,
        dependencies: [("depot", "0001_initial")],
        operations: [
            AddIndexConcurrently { model_name: "box", index: Index { name: "depot_box_size_idx", fields: ["size"] } },
        ],
    }
}
mod concurrent_atomic {
    rjango::migration! {
        dependencies: [("depot", "0001_initial")],
        operations: [
            AddIndexConcurrently { model_name: "box", index: Index { name: "depot_box_size_idx", fields: ["size"] } },
        ],
    }
}

/// Django's AddIndexConcurrently (django.contrib.postgres): in a migration that says
/// `atomic: false`, PostgreSQL builds the index with CREATE INDEX CONCURRENTLY, outside a
/// transaction, and unapplying drops it CONCURRENTLY; the other databases build a plain index.
/// In an atomic migration PostgreSQL refuses it with Django's message, and nothing is applied.
#[test]
fn indexes_are_built_concurrently_outside_a_transaction() {
    rjango::__private::block_on(async {
        let mut ran = Vec::new();
        for dialect in DIALECTS {
            let Some(db) = TestDb::open(dialect).await else {
                continue;
            };
            recorder::ensure_table(&db.conn).await.unwrap();
            let index_exists = || async {
                let sql = match dialect {
                    Dialect::Sqlite => {
                        "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'depot_box_size_idx'"
                    }
                    Dialect::Postgres => {
                        "SELECT indexname FROM pg_indexes WHERE indexname = 'depot_box_size_idx'"
                    }
                    Dialect::Mysql => {
                        "SELECT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name = 'depot_box_size_idx'"
                    }
                };
                !db.conn
                    .query_strings(sql, &["name"])
                    .await
                    .unwrap()
                    .is_empty()
            };

            // Atomic: refused on PostgreSQL before anything runs.
            let atomic = vec![
                concurrent_0001::migration("depot", "0001_initial"),
                concurrent_atomic::migration("depot", "0002_concurrent"),
            ];
            let mut executor = Executor::new(&atomic, Default::default()).unwrap();
            let steps = executor.plan(&Target::All);
            executor.run(&db.conn, &steps[0], false).await.unwrap();
            let outcome = executor.run(&db.conn, &steps[1], false).await;
            if dialect == Dialect::Postgres {
                let e = outcome.unwrap_err().to_string();
                assert!(
                    e.contains("the AddIndexConcurrently operation cannot be executed inside a transaction (set `atomic: false` on the migration"),
                    "{e}"
                );
                assert!(!index_exists().await);
            } else {
                outcome.unwrap();
                assert!(index_exists().await, "{dialect:?}");
                executor
                    .run(
                        &db.conn,
                        &Step {
                            key: steps[1].key.clone(),
                            backwards: true,
                        },
                        false,
                    )
                    .await
                    .unwrap();
            }

            // atomic: false.
            let applied = recorder::applied(&db.conn).await.unwrap();
            let migrations = vec![
                concurrent_0001::migration("depot", "0001_initial"),
                concurrent_0002::migration("depot", "0002_concurrent"),
            ];
            let mut executor = Executor::new(&migrations, applied).unwrap();
            let steps = executor.plan(&Target::All);
            assert_eq!(steps.len(), 1, "{dialect:?}");
            let sql: Vec<String> = executor
                .sql(dialect, &steps[0])
                .unwrap()
                .into_iter()
                .flat_map(|(_, actions)| actions)
                .map(|a| a.as_sql())
                .collect();
            let concurrent = sql.iter().any(|s| s.contains("CREATE INDEX CONCURRENTLY"));
            assert_eq!(
                concurrent,
                dialect == Dialect::Postgres,
                "{dialect:?}: {sql:?}"
            );
            executor.run(&db.conn, &steps[0], false).await.unwrap();
            assert!(index_exists().await, "{dialect:?}");
            let back = Step {
                key: steps[0].key.clone(),
                backwards: true,
            };
            let undo: Vec<String> = executor
                .sql(dialect, &back)
                .unwrap()
                .into_iter()
                .flat_map(|(_, actions)| actions)
                .map(|a| a.as_sql())
                .collect();
            assert_eq!(
                undo.iter().any(|s| s.contains("DROP INDEX CONCURRENTLY")),
                dialect == Dialect::Postgres,
                "{dialect:?}: {undo:?}"
            );
            executor.run(&db.conn, &back, false).await.unwrap();
            assert!(!index_exists().await, "{dialect:?}");
            ran.push(dialect);
        }
        println!("concurrent indexes ran on {ran:?}");
        assert!(ran.contains(&Dialect::Sqlite));
    });
}
