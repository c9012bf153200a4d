//! The schema editor's SQL: snapshots per dialect of the forwards and backwards statements of
//! every operation kind, and a run of them all on a real SQLite.

use rjango::db::migrations::schema::{
    Condition, Constraint, FieldState, FieldType, Index, ModelOptions, OnDelete, Q, QValue, Value,
};
use rjango::db::migrations::schema_editor::{self, Dialect, SchemaError};
use rjango::db::migrations::{Operation, ProjectState};

const APP: &str = "blog";

fn f(t: FieldType) -> FieldState {
    FieldState::new(t)
}

fn id() -> (String, FieldState) {
    let mut id = f(FieldType::BigAutoField);
    id.primary_key = true;
    ("id".into(), id)
}

fn with(mut fs: FieldState, edit: impl FnOnce(&mut FieldState)) -> FieldState {
    edit(&mut fs);
    fs
}

fn char(n: u32) -> FieldState {
    f(FieldType::CharField { max_length: n })
}

fn fk(to: &str) -> FieldState {
    f(FieldType::ForeignKey {
        to: to.into(),
        on_delete: OnDelete::Cascade,
        related_name: None,
    })
}

fn m2m(to: &str) -> FieldState {
    f(FieldType::ManyToManyField {
        to: to.into(),
        related_name: None,
        db_table: None,
    })
}

fn s(v: &str) -> String {
    v.to_owned()
}

/// One operation of every kind (several of the common ones), in an order that applies.
fn operations() -> Vec<Operation> {
    use Operation as O;
    vec![
        O::CreateModel {
            name: s("Author"),
            fields: vec![
                id(),
                (s("name"), char(100)),
                (
                    s("email"),
                    with(f(FieldType::EmailField { max_length: 254 }), |f| {
                        f.unique = true
                    }),
                ),
                (
                    s("bio"),
                    with(f(FieldType::TextField), |f| {
                        f.default = Some(Value::Str(s("it's")))
                    }),
                ),
            ],
            options: ModelOptions::default(),
        },
        O::CreateModel {
            name: s("Tag"),
            fields: vec![
                id(),
                (
                    s("slug"),
                    with(f(FieldType::SlugField { max_length: 50 }), |f| {
                        f.unique = true
                    }),
                ),
            ],
            options: ModelOptions::default(),
        },
        O::CreateModel {
            name: s("Post"),
            fields: vec![
                id(),
                (s("author"), fk("blog.Author")),
                (s("title"), char(200)),
                (s("body"), f(FieldType::TextField)),
                (
                    s("views"),
                    with(f(FieldType::PositiveIntegerField), |f| {
                        f.default = Some(Value::Int(0))
                    }),
                ),
                (
                    s("published"),
                    with(
                        f(FieldType::DateTimeField {
                            auto_now: false,
                            auto_now_add: false,
                        }),
                        |f| f.null = true,
                    ),
                ),
                (
                    s("rating"),
                    with(
                        f(FieldType::DecimalField {
                            max_digits: 5,
                            decimal_places: 2,
                        }),
                        |f| f.default = Some(Value::Decimal(s("0.00"))),
                    ),
                ),
                (
                    s("uuid"),
                    with(f(FieldType::UUIDField), |f| {
                        f.default = Some(Value::Str(s("12345678-1234-5678-1234-567812345678")))
                    }),
                ),
                (s("data"), with(f(FieldType::JSONField), |f| f.null = true)),
                (
                    s("is_draft"),
                    with(f(FieldType::BooleanField), |f| {
                        f.default = Some(Value::Bool(true))
                    }),
                ),
                (s("tags"), m2m("blog.Tag")),
            ],
            options: ModelOptions {
                unique_together: vec![vec![s("author"), s("title")]],
                indexes: vec![Index {
                    name: s("post_pub_title_idx"),
                    fields: vec![s("-published"), s("title")],
                }],
                constraints: vec![Constraint::Check {
                    name: s("views_lt_1m"),
                    check: Condition::Sql(s("views < 1000000")),
                }],
                ..ModelOptions::default()
            },
        },
        O::CreateModel {
            name: s("Comment"),
            fields: vec![
                id(),
                (s("post"), fk("blog.Post")),
                (s("text"), f(FieldType::TextField)),
            ],
            options: ModelOptions::default(),
        },
        O::AddField {
            model_name: s("post"),
            name: s("subtitle"),
            field: with(char(100), |f| f.null = true),
            preserve_default: true,
        },
        O::AddField {
            model_name: s("post"),
            name: s("slug"),
            field: with(f(FieldType::SlugField { max_length: 50 }), |f| {
                f.default = Some(Value::Str(s("x")))
            }),
            preserve_default: false,
        },
        O::AddField {
            model_name: s("post"),
            name: s("score"),
            field: with(f(FieldType::IntegerField), |f| {
                f.default = Some(Value::Int(5))
            }),
            preserve_default: true,
        },
        // No default, NOT NULL: Django's effective default fills the rows ('' for a blank
        // text field, today for auto_now_add).
        O::AddField {
            model_name: s("post"),
            name: s("note"),
            field: with(char(50), |f| f.blank = true),
            preserve_default: true,
        },
        O::AddField {
            model_name: s("post"),
            name: s("created"),
            field: f(FieldType::DateField {
                auto_now: false,
                auto_now_add: true,
            }),
            preserve_default: true,
        },
        O::AlterField {
            model_name: s("post"),
            name: s("title"),
            field: char(250),
            preserve_default: true,
        },
        O::AlterField {
            model_name: s("post"),
            name: s("subtitle"),
            field: with(char(100), |f| f.default = Some(Value::Str(s("")))),
            preserve_default: false,
        },
        O::AlterField {
            model_name: s("post"),
            name: s("views"),
            field: with(f(FieldType::IntegerField), |f| {
                f.default = Some(Value::Int(1))
            }),
            preserve_default: true,
        },
        O::AlterField {
            model_name: s("post"),
            name: s("published"),
            field: with(
                f(FieldType::DateTimeField {
                    auto_now: false,
                    auto_now_add: false,
                }),
                |f| {
                    f.null = true;
                    f.db_column = Some(s("pub_date"))
                },
            ),
            preserve_default: true,
        },
        O::AlterField {
            model_name: s("author"),
            name: s("name"),
            field: with(char(100), |f| f.unique = true),
            preserve_default: true,
        },
        O::RenameField {
            model_name: s("post"),
            old_name: s("body"),
            new_name: s("content"),
        },
        O::RenameField {
            model_name: s("post"),
            old_name: s("author"),
            new_name: s("writer"),
        },
        O::RemoveField {
            model_name: s("post"),
            name: s("rating"),
        },
        O::RemoveField {
            model_name: s("post"),
            name: s("score"),
        },
        O::AddField {
            model_name: s("post"),
            name: s("editor"),
            field: with(fk("blog.Author"), |f| f.null = true),
            preserve_default: true,
        },
        O::AddField {
            model_name: s("author"),
            name: s("featured"),
            field: with(
                f(FieldType::OneToOneField {
                    to: s("blog.Post"),
                    on_delete: OnDelete::SetNull,
                    related_name: None,
                }),
                |f| f.null = true,
            ),
            preserve_default: true,
        },
        O::AddIndex {
            model_name: s("post"),
            index: Index {
                name: s("post_views_idx"),
                fields: vec![s("views")],
            },
        },
        O::RemoveIndex {
            model_name: s("post"),
            name: s("post_pub_title_idx"),
        },
        O::AddConstraint {
            model_name: s("post"),
            constraint: Constraint::unique("post_id_title_uniq", vec![s("id"), s("title")]),
        },
        // A typed condition, rendered for each backend (Django's CheckConstraint(condition=Q)).
        O::AddConstraint {
            model_name: s("post"),
            constraint: Constraint::Check {
                name: s("views_gte_0_titled"),
                check: Condition::Q(Q::And(vec![
                    Q::Lookup {
                        field: s("views"),
                        lookup: s("gte"),
                        value: QValue::Value(Value::Int(0)),
                    },
                    Q::Not(Box::new(Q::Lookup {
                        field: s("title"),
                        lookup: s("startswith"),
                        value: QValue::Value(Value::Str(s("50%_"))),
                    })),
                ])),
            },
        },
        // A partial unique index: none on MySQL/MariaDB, as in Django.
        O::AddConstraint {
            model_name: s("post"),
            constraint: Constraint::Unique {
                name: s("post_title_published_uniq"),
                fields: vec![s("title")],
                condition: Some(Condition::Q(Q::Lookup {
                    field: s("published"),
                    lookup: s("isnull"),
                    value: QValue::Value(Value::Bool(false)),
                })),
                nulls_distinct: None,
            },
        },
        O::RemoveConstraint {
            model_name: s("post"),
            name: s("views_lt_1m"),
        },
        O::AlterUniqueTogether {
            name: s("post"),
            unique_together: vec![vec![s("title"), s("slug")]],
        },
        O::AddField {
            model_name: s("author"),
            name: s("friends"),
            field: m2m("blog.Author"),
            preserve_default: true,
        },
        O::RenameModel {
            old_name: s("Author"),
            new_name: s("Writer"),
        },
        O::RenameModel {
            old_name: s("Tag"),
            new_name: s("Label"),
        },
        O::AlterModelTable {
            name: s("post"),
            table: Some(s("blog_article")),
        },
        O::AlterModelOptions {
            name: s("post"),
            options: ModelOptions {
                ordering: vec![s("-published")],
                ..ModelOptions::default()
            },
        },
        O::RemoveField {
            model_name: s("post"),
            name: s("tags"),
        },
        O::DeleteModel { name: s("Comment") },
        O::RunSql {
            sql: s("UPDATE blog_article SET slug = 'y' WHERE slug = 'x'"),
            reverse_sql: Some(s("UPDATE blog_article SET slug = 'x' WHERE slug = 'y'")),
        },
        O::RunRust {
            code: s("blog::migrations::fill"),
            reverse_code: Some(s("blog::migrations::unfill")),
        },
    ]
}

fn render(d: Dialect) -> String {
    let mut state = ProjectState::default();
    let mut out = String::new();
    for op in operations() {
        out += &format!("== {}\n-- forwards\n", op.describe());
        for sql in schema_editor::forwards(d, APP, &op, &state).unwrap() {
            out += &format!("{sql};\n");
        }
        out += "-- backwards\n";
        for sql in schema_editor::backwards(d, APP, &op, &state).unwrap() {
            out += &format!("{sql};\n");
        }
        out += "\n";
        op.state_forwards(APP, &mut state).unwrap();
    }
    out
}

#[test]
fn sqlite_sql() {
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("schema_sql__sqlite", render(Dialect::Sqlite));
    });
}

#[test]
fn postgres_sql() {
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("schema_sql__postgres", render(Dialect::Postgres));
    });
}

#[test]
fn mysql_sql() {
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("schema_sql__mysql", render(Dialect::Mysql));
    });
}

#[test]
fn column_types_are_djangos() {
    let cases = [
        (
            FieldType::BigAutoField,
            ["integer", "bigint", "bigint AUTO_INCREMENT"],
        ),
        (FieldType::TextField, ["text", "text", "longtext"]),
        (
            FieldType::DateTimeField {
                auto_now: false,
                auto_now_add: false,
            },
            ["datetime", "timestamp with time zone", "datetime(6)"],
        ),
        (
            FieldType::DecimalField {
                max_digits: 7,
                decimal_places: 2,
            },
            ["decimal", "numeric(7, 2)", "numeric(7, 2)"],
        ),
        (FieldType::UUIDField, ["char(32)", "uuid", "char(32)"]),
        (FieldType::JSONField, ["text", "jsonb", "json"]),
        (FieldType::BooleanField, ["bool", "boolean", "bool"]),
        (
            FieldType::PositiveIntegerField,
            ["integer unsigned", "integer", "integer UNSIGNED"],
        ),
        (
            FieldType::CharField { max_length: 20 },
            ["varchar(20)", "varchar(20)", "varchar(20)"],
        ),
        (FieldType::DurationField, ["bigint", "interval", "bigint"]),
        (FieldType::BinaryField, ["BLOB", "bytea", "longblob"]),
    ];
    for (t, expected) in cases {
        for (d, e) in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql]
            .into_iter()
            .zip(expected)
        {
            assert_eq!(
                schema_editor::column_type(d, &f(t.clone())).as_deref(),
                Some(e),
                "{t:?} on {d:?}"
            );
        }
    }
    assert_eq!(
        schema_editor::column_type(Dialect::Sqlite, &m2m("blog.Tag")),
        None
    );
}

#[test]
fn irreversible_operations_say_so() {
    let op = Operation::RunSql {
        sql: s("SELECT 1"),
        reverse_sql: None,
    };
    let state = ProjectState::default();
    assert_eq!(
        schema_editor::forwards(Dialect::Sqlite, APP, &op, &state).unwrap(),
        vec![s("SELECT 1")]
    );
    assert!(matches!(
        schema_editor::backwards(Dialect::Sqlite, APP, &op, &state),
        Err(SchemaError::Irreversible(_))
    ));
    let op = Operation::RunRust {
        code: s("f"),
        reverse_code: None,
    };
    assert!(
        schema_editor::forwards(Dialect::Postgres, APP, &op, &state)
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        schema_editor::backwards(Dialect::Postgres, APP, &op, &state),
        Err(SchemaError::Irreversible(_))
    ));
}

#[test]
fn names_fit_and_are_deterministic() {
    let sql = render(Dialect::Postgres);
    assert_eq!(sql, render(Dialect::Postgres));
    // The quoted identifiers: every other piece between double quotes.
    for word in sql.split('"').skip(1).step_by(2) {
        assert!(word.len() <= 63, "{word}");
    }
}

mod live {
    use super::*;
    use sea_orm::{
        ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement,
    };
    use std::collections::BTreeMap;

    async fn exec(db: &DatabaseConnection, sql: &str) {
        db.execute_unprepared(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}\n{e}"));
    }

    async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<sea_orm::QueryResult> {
        db.query_all_raw(Statement::from_string(DbBackend::Sqlite, sql))
            .await
            .unwrap_or_else(|e| panic!("{sql}\n{e}"))
    }

    /// The executor's wrapping on SQLite: foreign keys off, one transaction, a foreign key
    /// check before committing.
    async fn run(db: &DatabaseConnection, stmts: &[String]) {
        exec(db, "PRAGMA foreign_keys = OFF").await;
        exec(db, "BEGIN").await;
        for sql in stmts {
            exec(db, sql).await;
        }
        let bad = rows(db, "PRAGMA foreign_key_check").await;
        assert!(bad.is_empty(), "foreign key violations after {stmts:#?}");
        exec(db, "COMMIT").await;
        exec(db, "PRAGMA foreign_keys = ON").await;
    }

    /// Every table's rows, as text, in id order.
    async fn snapshot(db: &DatabaseConnection) -> BTreeMap<String, Vec<String>> {
        let mut out = BTreeMap::new();
        let names = rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'blog_%' ORDER BY name").await;
        for r in names {
            let name: String = r.try_get_by_index(0).unwrap();
            let cols = rows(
                db,
                &format!("SELECT name FROM pragma_table_info('{name}') ORDER BY cid"),
            )
            .await;
            let cols: Vec<String> = cols
                .iter()
                .map(|c| c.try_get_by_index::<String>(0).unwrap())
                .collect();
            let exprs: Vec<String> = cols.iter().map(|c| format!("quote(\"{c}\")")).collect();
            let sql = format!(
                "SELECT {} FROM \"{name}\" ORDER BY 1",
                exprs.join(" || '|' || ")
            );
            let data = rows(db, &sql).await;
            let data = data
                .iter()
                .map(|r| r.try_get_by_index::<String>(0).unwrap())
                .collect();
            out.insert(name, data);
        }
        out
    }

    #[tokio::test]
    async fn every_operation_applies_and_unapplies_on_sqlite() {
        let mut opts = ConnectOptions::new("sqlite::memory:");
        opts.max_connections(1)
            .min_connections(1)
            .sqlx_logging(false);
        let db = Database::connect(opts).await.unwrap();
        let mut state = ProjectState::default();
        let mut seeded = false;
        for op in operations() {
            let fwd = schema_editor::forwards(Dialect::Sqlite, APP, &op, &state).unwrap();
            let back = schema_editor::backwards(Dialect::Sqlite, APP, &op, &state).unwrap();
            let before = snapshot(&db).await;
            run(&db, &fwd).await;
            let after = snapshot(&db).await;
            run(&db, &back).await;
            // Undoing keeps every row (a value a one-off default filled stays filled), but
            // those of a table the operation dropped.
            let ids = |snap: &BTreeMap<String, Vec<String>>| -> BTreeMap<String, Vec<String>> {
                snap.iter()
                    .filter(|(t, _)| after.contains_key(*t) || !before.contains_key(*t))
                    .map(|(t, rows)| {
                        (
                            t.clone(),
                            rows.iter()
                                .map(|r| r.split('|').next().unwrap().to_owned())
                                .collect(),
                        )
                    })
                    .collect()
            };
            assert_eq!(
                ids(&snapshot(&db).await),
                ids(&before),
                "{} then back",
                op.describe()
            );
            run(&db, &fwd).await;
            assert_eq!(snapshot(&db).await, after, "{} again", op.describe());
            op.state_forwards(APP, &mut state).unwrap();
            if !seeded && state.get(APP, "comment").is_some() {
                for sql in [
                    "INSERT INTO blog_author (id, name, email, bio) VALUES (1, 'Ann', 'ann@example.com', 'hi')",
                    "INSERT INTO blog_author (id, name, email) VALUES (2, 'Bob', 'bob@example.com')",
                    "INSERT INTO blog_tag (id, slug) VALUES (1, 'rust'), (2, 'django')",
                    "INSERT INTO blog_post (id, author_id, title, body, published, data) VALUES (1, 1, 'First', 'a', '2024-01-31 12:00:00', '{\"k\": 1}'), (2, 2, 'Second', 'b', NULL, NULL)",
                    "INSERT INTO blog_post_tags (post_id, tag_id) VALUES (1, 1), (1, 2), (2, 2)",
                    "INSERT INTO blog_comment (post_id, text) VALUES (1, 'nice')",
                ] {
                    exec(&db, sql).await;
                }
                seeded = true;
            }
        }
        let snap = snapshot(&db).await;
        assert_eq!(snap["blog_article"].len(), 2, "{snap:#?}");
        assert!(snap["blog_article"][0].contains("'First'"), "{snap:#?}");
        assert_eq!(snap["blog_writer"].len(), 2);
        assert_eq!(snap["blog_label"].len(), 2);
        // Every index the state names exists, and no other.
        let idx = rows(&db, "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").await;
        let idx: Vec<String> = idx
            .iter()
            .map(|r| r.try_get_by_index::<String>(0).unwrap())
            .collect();
        assert!(
            idx.iter().any(|n| n.starts_with("blog_article_writer_id_")),
            "{idx:?}"
        );
        assert!(idx.contains(&s("post_views_idx")), "{idx:?}");
        assert!(
            !idx.iter()
                .any(|n| n.contains("author") || n.contains("blog_post_")),
            "{idx:?}"
        );
    }
}

/// Django's tutorial (part 2), `sqlmigrate polls 0001` on PostgreSQL, statement for statement.
#[test]
fn django_tutorial_sqlmigrate_on_postgres() {
    let mut state = ProjectState::default();
    let question = Operation::CreateModel {
        name: s("Question"),
        fields: vec![
            id(),
            (s("question_text"), char(200)),
            (
                s("pub_date"),
                f(FieldType::DateTimeField {
                    auto_now: false,
                    auto_now_add: false,
                }),
            ),
        ],
        options: ModelOptions::default(),
    };
    let choice = Operation::CreateModel {
        name: s("Choice"),
        fields: vec![
            id(),
            (s("choice_text"), char(200)),
            (s("votes"), f(FieldType::IntegerField)),
            (s("question"), fk("polls.Question")),
        ],
        options: ModelOptions::default(),
    };
    let mut sql = Vec::new();
    for op in [question, choice] {
        sql.extend(schema_editor::forwards(Dialect::Postgres, "polls", &op, &state).unwrap());
        op.state_forwards("polls", &mut state).unwrap();
    }
    assert_eq!(
        sql,
        [
            r#"CREATE TABLE "polls_question" ("id" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, "question_text" varchar(200) NOT NULL, "pub_date" timestamp with time zone NOT NULL)"#,
            r#"CREATE TABLE "polls_choice" ("id" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, "choice_text" varchar(200) NOT NULL, "votes" integer NOT NULL, "question_id" bigint NOT NULL)"#,
            r#"ALTER TABLE "polls_choice" ADD CONSTRAINT "polls_choice_question_id_c5b4b260_fk_polls_question_id" FOREIGN KEY ("question_id") REFERENCES "polls_question" ("id") DEFERRABLE INITIALLY DEFERRED"#,
            r#"CREATE INDEX "polls_choice_question_id_c5b4b260" ON "polls_choice" ("question_id")"#,
        ]
    );
}
