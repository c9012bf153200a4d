//! dumpdata and loaddata's serializer on real databases: a fixture in Django's JSON format, with
//! every field type, forward references and many-to-many lists, loaded in one transaction and
//! dumped back byte for byte as Django writes it, on SQLite, PostgreSQL and MariaDB.

mod db;

use db::{DIALECTS, TestDb};
use rjango::core::serializers::{self, ModelKey};
use rjango::db::Dialect;
use rjango::db::migrations::executor::{Executor, Target};
use rjango::db::migrations::recorder;

mod m0001 {
    rjango::migration! {
        initial: true,
        dependencies: [],
        operations: [
            CreateModel {
                name: "Tag",
                fields: [("id", BigAutoField { primary_key: true }), ("name", CharField { max_length: 20 })],
                options: Options { ordering: ["name"] },
            },
            CreateModel {
                name: "Thing",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("name", CharField { max_length: 50 }),
                    ("body", TextField),
                    ("count", IntegerField),
                    ("big", BigIntegerField),
                    ("small", SmallIntegerField),
                    ("flag", BooleanField),
                    ("ratio", FloatField),
                    ("price", DecimalField { max_digits: 8, decimal_places: 2 }),
                    ("day", DateField),
                    ("at", DateTimeField),
                    ("time", TimeField),
                    ("length", DurationField),
                    ("extra", JSONField { null: true }),
                    ("data", BinaryField),
                    ("parent", ForeignKey { to: "shop.Thing", on_delete: Cascade, null: true, related_name: "children" }),
                    ("maybe", CharField { max_length: 10, null: true }),
                ],
            },
            AddField { model_name: "thing", name: "tags", field: ManyToManyField { to: "shop.Tag" } },
        ],
    }
}

/// A model whose migration has not run: flush leaves its missing table alone.
mod m0002 {
    rjango::migration! {
        dependencies: [("shop", "0001_initial")],
        operations: [
            CreateModel { name: "Later", fields: [("id", BigAutoField { primary_key: true })] },
        ],
    }
}

/// Two things (the first points at the second: a forward reference) and three tags, as Django's
/// dumpdata writes them with --indent 2.
const FIXTURE: &str = r#"[
{
  "model": "shop.tag",
  "pk": 1,
  "fields": {
    "name": "red"
  }
},
{
  "model": "shop.tag",
  "pk": 2,
  "fields": {
    "name": "blue"
  }
},
{
  "model": "shop.tag",
  "pk": 3,
  "fields": {
    "name": "green"
  }
},
{
  "model": "shop.thing",
  "pk": 1,
  "fields": {
    "name": "kettle \"é\"",
    "body": "line 1\nline 2",
    "count": -7,
    "big": 9007199254740993,
    "small": 3,
    "flag": true,
    "ratio": 0.5,
    "price": "12.50",
    "day": "2024-01-02",
    "at": "2024-01-02T03:04:05.123Z",
    "time": "03:04:05.250",
    "length": "1 02:00:03.000004",
    "extra": {
      "a": [
        1,
        2
      ],
      "b": null
    },
    "data": "aGVsbG8=",
    "parent": 2,
    "maybe": null,
    "tags": [
      2,
      3,
      1
    ]
  }
},
{
  "model": "shop.thing",
  "pk": 2,
  "fields": {
    "name": "pot",
    "body": "",
    "count": 0,
    "big": 0,
    "small": 0,
    "flag": false,
    "ratio": 1.0,
    "price": "0.00",
    "day": "2023-12-31",
    "at": "2023-12-31T23:59:59Z",
    "time": "00:00:00",
    "length": "00:05:00",
    "extra": null,
    "data": "",
    "parent": null,
    "maybe": "x",
    "tags": []
  }
}
]
"#;

fn state() -> rjango::db::migrations::ProjectState {
    rjango::db::migrations::project_state(&[m0001::migration("shop", "0001_initial")]).unwrap()
}

fn keys() -> Vec<ModelKey> {
    ["tag", "thing"]
        .map(|name| ModelKey {
            app: "shop".into(),
            name: name.into(),
        })
        .to_vec()
}

#[test]
fn fixtures_load_and_dump_as_django_writes_them() {
    rjango::__private::block_on(async {
        let migrations = vec![m0001::migration("shop", "0001_initial")];
        let state = state();
        let mut ran = Vec::new();
        for dialect in DIALECTS {
            let Some(db) = TestDb::open(dialect).await else {
                continue;
            };
            recorder::ensure_table(&db.conn).await.unwrap();
            let mut executor = Executor::new(&migrations, Default::default()).unwrap();
            for step in executor.plan(&Target::All) {
                executor.run(&db.conn, &step, false).await.unwrap();
            }
            let objects: Vec<serde_json::Value> = serde_json::from_str(FIXTURE).unwrap();
            let loaded = serializers::load(
                &db.conn,
                &state,
                &[("fixture.json".into(), objects.clone())],
                &[],
                false,
            )
            .await
            .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
            assert_eq!((loaded.saved, loaded.found), (5, 5), "{dialect:?}");
            let dumped = serializers::dump_objects(&db.conn, &state, &keys(), None)
                .await
                .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
            // Byte for byte: the tags of a thing come back in Tag's Meta.ordering (blue, green,
            // red), as Django's related manager gives them.
            let text = serializers::to_fixture(&dumped, Some(2));
            assert_eq!(text, FIXTURE, "{dialect:?}");

            // Loading again updates in place: still five rows, links replaced.
            let mut again = objects.clone();
            again[3]["fields"]["name"] = "kettle 2".into();
            again[3]["fields"]["tags"] = serde_json::json!([1]);
            serializers::load(
                &db.conn,
                &state,
                &[("again.json".into(), again)],
                &[],
                false,
            )
            .await
            .unwrap();
            let dumped =
                serializers::dump_objects(&db.conn, &state, &keys(), Some(&["1".to_owned()]))
                    .await
                    .unwrap();
            let thing = dumped.iter().find(|o| o["model"] == "shop.thing").unwrap();
            assert_eq!(thing["fields"]["name"], "kettle 2");
            assert_eq!(thing["fields"]["tags"], serde_json::json!([1]));
            let things = db
                .conn
                .query_strings("SELECT COUNT(*) AS n FROM shop_thing", &["n"])
                .await
                .unwrap();
            assert_eq!(things[0][0].as_deref(), Some("2"));

            // The next row created gets a key past the loaded ones (PostgreSQL's sequence reset).
            db.conn
                .execute("INSERT INTO shop_tag (name) VALUES ('new')")
                .await
                .unwrap();
            let new = db
                .conn
                .query_strings("SELECT id FROM shop_tag WHERE name = 'new'", &["id"])
                .await
                .unwrap();
            assert_eq!(new[0][0].as_deref(), Some("4"), "{dialect:?}");

            // Django's errors, and nothing of a failed fixture is kept.
            let bad = |text: &str| serde_json::from_str::<Vec<serde_json::Value>>(text).unwrap();
            let e = serializers::load(
                &db.conn,
                &state,
                &[(
                    "bad.json".into(),
                    bad(r#"[{"model": "shop.nope", "pk": 1, "fields": {}}]"#),
                )],
                &[],
                false,
            )
            .await
            .unwrap_err();
            assert_eq!(
                e,
                "Problem installing fixture 'bad.json': Invalid model identifier: shop.nope"
            );
            let e = serializers::load(&db.conn, &state, &[("bad.json".into(), bad(r#"[{"model": "shop.tag", "pk": 9, "fields": {"name": "x"}}, {"model": "shop.tag", "pk": 10, "fields": {"colour": "x"}}]"#))], &[], false)
                .await
                .unwrap_err();
            assert_eq!(
                e,
                "Problem installing fixture 'bad.json': Error deserializing object: Tag has no field named 'colour'"
            );
            let nine = db
                .conn
                .query_strings("SELECT id FROM shop_tag WHERE id = 9", &["id"])
                .await
                .unwrap();
            assert!(
                nine.is_empty(),
                "{dialect:?}: the first object of the failed fixture was rolled back"
            );
            let e = serializers::load(
                &db.conn,
                &state,
                &[(
                    "bad.json".into(),
                    bad(r#"[{"model": "shop.thing", "pk": 5, "fields": {"day": "notadate"}}]"#),
                )],
                &[],
                false,
            )
            .await
            .unwrap_err();
            assert!(e.contains("“notadate” value has an invalid date format. It must be in YYYY-MM-DD format.: (shop.thing:pk=5) field_value was 'notadate'"), "{e}");
            // A key pointing at no row fails the whole load (MySQL, which cannot defer the
            // check, in Django's words from its check after loading).
            let mut dangling = objects[4].clone();
            dangling["pk"] = 8.into();
            dangling["fields"]["parent"] = 99.into();
            let e = serializers::load(
                &db.conn,
                &state,
                &[("dangling.json".into(), vec![dangling])],
                &[],
                false,
            )
            .await
            .unwrap_err();
            assert!(e.starts_with("Problem installing fixtures: "), "{e}");
            if dialect == Dialect::Mysql {
                assert_eq!(
                    e,
                    "Problem installing fixtures: The row in table 'shop_thing' with primary key '8' has an invalid foreign key: shop_thing.parent_id contains a value '99' that does not have a corresponding value in shop_thing.id."
                );
            }
            // A link to a tag that does not exist likewise.
            let mut linked = objects[4].clone();
            linked["pk"] = 8.into();
            linked["fields"]["tags"] = serde_json::json!([1, 77]);
            let e = serializers::load(
                &db.conn,
                &state,
                &[("linked.json".into(), vec![linked])],
                &[],
                false,
            )
            .await
            .unwrap_err();
            assert!(e.starts_with("Problem installing fixtures: "), "{e}");
            if dialect == Dialect::Mysql {
                assert!(
                    e.contains("shop_thing_tags.tag_id contains a value '77' that does not have a corresponding value in shop_tag.id."),
                    "{e}"
                );
            }
            let eight = db
                .conn
                .query_strings("SELECT id FROM shop_thing WHERE id = 8", &["id"])
                .await
                .unwrap();
            assert!(eight.is_empty(), "{dialect:?}: nothing of it is kept");
            // --ignorenonexistent skips what the project lacks.
            let loaded = serializers::load(&db.conn, &state, &[("extra.json".into(), bad(r#"[{"model": "shop.tag", "pk": 11, "fields": {"name": "x", "colour": "y"}}, {"model": "shop.gone", "pk": 1, "fields": {}}]"#))], &[], true)
                .await
                .unwrap();
            assert_eq!(loaded.saved, 1);

            // Objects without a key are new rows the database numbers; their links follow.
            let mut thing = objects[4].clone();
            thing.as_object_mut().unwrap().remove("pk");
            thing["fields"]["name"] = "unnumbered".into();
            thing["fields"]["tags"] = serde_json::json!([1, 2]);
            let tag = serde_json::json!({"model": "shop.tag", "fields": {"name": "fresh"}});
            // The key the database would give next, taken by a row of the same fixture first.
            let next = db
                .conn
                .query_strings("SELECT MAX(id) + 1 AS n FROM shop_tag", &["n"])
                .await
                .unwrap()[0][0]
                .clone()
                .unwrap()
                .parse::<i64>()
                .unwrap();
            let taken =
                serde_json::json!({"model": "shop.tag", "pk": next, "fields": {"name": "taken"}});
            let loaded = serializers::load(
                &db.conn,
                &state,
                &[("new.json".into(), vec![taken, tag, thing])],
                &[],
                false,
            )
            .await
            .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
            assert_eq!(loaded.saved, 3);
            let fresh = db
                .conn
                .query_strings(
                    "SELECT COUNT(*) AS n FROM shop_tag WHERE name = 'fresh'",
                    &["n"],
                )
                .await
                .unwrap();
            assert_eq!(fresh[0][0].as_deref(), Some("1"), "{dialect:?}");
            let links = db
                .conn
                .query_strings(
                    "SELECT COUNT(*) AS n FROM shop_thing_tags l JOIN shop_thing t ON t.id = l.thing_id WHERE t.name = 'unnumbered'",
                    &["n"],
                )
                .await
                .unwrap();
            assert_eq!(links[0][0].as_deref(), Some("2"), "{dialect:?}");

            // flush empties the tables that exist, and only those (Django's only_existing).
            let ahead = rjango::db::migrations::project_state(&[
                m0001::migration("shop", "0001_initial"),
                m0002::migration("shop", "0002_later"),
            ])
            .unwrap();
            let flushed = rjango::db::flush::flush(&db.conn, &ahead)
                .await
                .unwrap_or_else(|e| panic!("{dialect:?}: {e}"));
            assert_eq!(flushed, 3, "tag, thing and their join table");
            let things = db
                .conn
                .query_strings("SELECT COUNT(*) AS n FROM shop_thing", &["n"])
                .await
                .unwrap();
            assert_eq!(things[0][0].as_deref(), Some("0"), "{dialect:?}");
            ran.push(dialect);
        }
        println!("fixtures ran on {ran:?}");
        assert!(ran.contains(&Dialect::Sqlite));
    });
}
