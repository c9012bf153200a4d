//! The ORM against real databases: models declared with `#[model]`, their tables made by the
//! migration executor, and querysets, lookups and instances checked on SQLite, PostgreSQL and
//! MariaDB, including where Django's answer differs between them.

mod aggregation;
mod databases;
#[path = "../db/mod.rs"]
mod db;
mod decimals;
mod deletion;
mod expressions;
mod hostile;
mod keys;
mod queryset_api;
mod querysets;
mod relations;
mod seaorm;
mod storage;
mod transactions;

use chrono::{TimeZone, Utc};
use db::{DIALECTS, TestDb};
use rjango::db::migrations::executor::{Executor, Target};
use rjango::db::{Connection, Dialect, connections};
use rjango::models::prelude::*;

mod blog {
    pub mod models {
        use rjango::models::prelude::*;

        #[model]
        #[derive(Debug, Clone)]
        pub struct Author {
            #[field(max_length = 100)]
            pub name: CharField,
        }

        #[model(ordering = ["-views", "title"])]
        #[derive(Debug, Clone)]
        pub struct Post {
            #[field(on_delete = Cascade, related_name = "posts")]
            pub author: ForeignKey<Author>,
            #[field(max_length = 200)]
            pub title: CharField,
            pub body: TextField,
            #[field(default = 0)]
            pub views: IntegerField,
            #[field(default = 0)]
            pub likes: IntegerField,
            pub published: Option<DateTimeField>,
            #[field(auto_now_add = true)]
            pub created: DateTimeField,
            #[field(related_name = "posts")]
            pub tags: ManyToManyField<Tag>,
        }

        #[model(ordering = ["name"])]
        #[derive(Debug, Clone)]
        pub struct Tag {
            #[field(max_length = 50)]
            pub name: CharField,
        }

        /// The seed's Counter.
        #[model]
        #[derive(Debug, Clone)]
        pub struct Counter {
            #[field(default = 0)]
            pub value: IntegerField,
        }

        /// The seed's Account.
        #[model]
        #[derive(Debug, Clone)]
        pub struct Account {
            #[field(max_length = 50)]
            pub owner: CharField,
            pub balance: IntegerField,
        }

        /// A DurationField: microseconds on SQLite and MariaDB, `interval` on PostgreSQL.
        #[model(ordering = ["length"])]
        #[derive(Debug, Clone)]
        pub struct Talk {
            #[field(max_length = 100)]
            pub title: CharField,
            pub length: DurationField,
            pub pause: Option<DurationField>,
        }

        /// Keyed by text: Django's CharField(primary_key=True).
        #[model(ordering = ["code"])]
        #[derive(Debug, Clone)]
        pub struct Voucher {
            #[field(primary_key = true, max_length = 12)]
            pub code: CharField,
            pub seats: IntegerField,
        }

        /// Keyed by a UUID: Django's UUIDField(primary_key=True, default=uuid.uuid4).
        #[model]
        #[derive(Debug, Clone)]
        pub struct Badge {
            #[field(primary_key = true)]
            pub key: UUIDField,
            #[field(max_length = 20)]
            pub label: CharField,
        }

        /// Money: a DecimalField, read back with its places on every backend.
        #[model]
        #[derive(Debug, Clone)]
        pub struct Product {
            #[field(max_length = 20)]
            pub name: CharField,
            #[field(max_digits = 8, decimal_places = 2)]
            pub price: DecimalField,
        }

        /// A unique code: what get_or_create races on, and IntegrityError's example.
        #[model]
        #[derive(Debug, Clone)]
        pub struct Coupon {
            #[field(max_length = 20, unique = true)]
            pub code: CharField,
            #[field(default = 0)]
            pub uses: IntegerField,
        }
    }
}

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
                ],
            },
            CreateModel {
                name: "Post",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("author", ForeignKey { to: "blog.Author", on_delete: Cascade, related_name: "posts" }),
                    ("title", CharField { max_length: 200 }),
                    ("body", TextField),
                    ("views", IntegerField { default: 0 }),
                    ("likes", IntegerField { default: 0 }),
                    ("published", DateTimeField { null: true }),
                    ("created", DateTimeField { auto_now_add: true }),
                ],
                options: Options { ordering: ["-views", "title"] },
            },
            CreateModel {
                name: "Tag",
                fields: [("id", BigAutoField { primary_key: true }), ("name", CharField { max_length: 50 })],
                options: Options { ordering: ["name"] },
            },
            AddField { model_name: "post", name: "tags", field: ManyToManyField { to: "blog.Tag", related_name: "posts" } },
            CreateModel {
                name: "Counter",
                fields: [("id", BigAutoField { primary_key: true }), ("value", IntegerField { default: 0 })],
            },
            CreateModel {
                name: "Account",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("owner", CharField { max_length: 50 }),
                    ("balance", IntegerField),
                ],
            },
            CreateModel {
                name: "Talk",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("title", CharField { max_length: 100 }),
                    ("length", DurationField),
                    ("pause", DurationField { null: true }),
                ],
                options: Options { ordering: ["length"] },
            },
            CreateModel {
                name: "Voucher",
                fields: [
                    ("code", CharField { primary_key: true, max_length: 12 }),
                    ("seats", IntegerField),
                ],
                options: Options { ordering: ["code"] },
            },
            CreateModel {
                name: "Badge",
                fields: [
                    ("key", UUIDField { primary_key: true }),
                    ("label", CharField { max_length: 20 }),
                ],
            },
            CreateModel {
                name: "Product",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("name", CharField { max_length: 20 }),
                    ("price", DecimalField { max_digits: 8, decimal_places: 2 }),
                ],
            },
            CreateModel {
                name: "Coupon",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("code", CharField { max_length: 20, unique: true }),
                    ("uses", IntegerField { default: 0 }),
                ],
            },
        ],
    }
}

use blog::models::{Account, Author, Counter, Post, Talk, account, author, counter, post, talk};

mod music {
    //! The on_delete rules, after Django's own example (Artist, Album, Song with RESTRICT).
    pub mod models {
        use rjango::models::prelude::*;

        #[model(ordering = ["name"])]
        #[derive(Debug, Clone)]
        pub struct Artist {
            #[field(max_length = 50)]
            pub name: CharField,
        }

        #[model]
        #[derive(Debug, Clone)]
        pub struct Album {
            #[field(on_delete = Cascade, related_name = "albums")]
            pub artist: ForeignKey<Artist>,
            #[field(max_length = 50)]
            pub title: CharField,
        }

        #[model]
        #[derive(Debug, Clone)]
        pub struct Song {
            #[field(on_delete = Restrict, related_name = "songs")]
            pub artist: ForeignKey<Artist>,
            #[field(on_delete = Cascade)]
            pub album: ForeignKey<Album>,
            #[field(max_length = 50)]
            pub title: CharField,
        }

        #[model]
        #[derive(Debug, Clone)]
        pub struct Contract {
            #[field(on_delete = Protect)]
            pub artist: ForeignKey<Artist>,
        }

        #[model]
        #[derive(Debug, Clone)]
        pub struct Fan {
            #[field(on_delete = SetNull, related_name = "fans")]
            pub favourite: Option<ForeignKey<Artist>>,
            #[field(max_length = 50)]
            pub name: CharField,
        }

        #[model]
        #[derive(Debug, Clone)]
        pub struct Ticket {
            #[field(on_delete = SetDefault, default = 1)]
            pub artist: ForeignKey<Artist>,
        }

        #[model]
        #[derive(Debug, Clone)]
        pub struct Poster {
            #[field(on_delete = DoNothing)]
            pub artist: ForeignKey<Artist>,
        }

        /// Meta.ordering naming a foreign key: Artist's ordering (name), flipped.
        #[model(ordering = ["-artist", "city"])]
        #[derive(Debug, Clone)]
        pub struct Tour {
            #[field(on_delete = Cascade, related_name = "tours")]
            pub artist: ForeignKey<Artist>,
            #[field(max_length = 50)]
            pub city: CharField,
        }
    }
}

mod m0001_music {
    rjango::migration! {
        initial: true,
        dependencies: [],
        operations: [
            CreateModel {
                name: "Artist",
                fields: [("id", BigAutoField { primary_key: true }), ("name", CharField { max_length: 50 })],
                options: Options { ordering: ["name"] },
            },
            CreateModel {
                name: "Album",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("artist", ForeignKey { to: "music.Artist", on_delete: Cascade, related_name: "albums" }),
                    ("title", CharField { max_length: 50 }),
                ],
            },
            CreateModel {
                name: "Song",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("artist", ForeignKey { to: "music.Artist", on_delete: Restrict, related_name: "songs" }),
                    ("album", ForeignKey { to: "music.Album", on_delete: Cascade }),
                    ("title", CharField { max_length: 50 }),
                ],
            },
            CreateModel {
                name: "Contract",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("artist", ForeignKey { to: "music.Artist", on_delete: Protect }),
                ],
            },
            CreateModel {
                name: "Fan",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("favourite", ForeignKey { to: "music.Artist", on_delete: SetNull, related_name: "fans", null: true }),
                    ("name", CharField { max_length: 50 }),
                ],
            },
            CreateModel {
                name: "Ticket",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("artist", ForeignKey { to: "music.Artist", on_delete: SetDefault, default: 1 }),
                ],
            },
            CreateModel {
                name: "Poster",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("artist", ForeignKey { to: "music.Artist", on_delete: DoNothing }),
                ],
            },
            CreateModel {
                name: "Tour",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("artist", ForeignKey { to: "music.Artist", on_delete: Cascade, related_name: "tours" }),
                    ("city", CharField { max_length: 50 }),
                ],
                options: Options { ordering: ["-artist", "city"] },
            },
        ],
    }
}

/// A fresh database of `dialect` with the test models' tables (None when its server is not
/// configured, with a notice).
async fn migrated(dialect: Dialect) -> Option<TestDb> {
    let db = TestDb::open(dialect).await?;
    let migrations = vec![
        m0001::migration("blog", "0001_initial"),
        m0001_music::migration("music", "0001_initial"),
    ];
    rjango::db::migrations::recorder::ensure_table(&db.conn)
        .await
        .unwrap();
    let mut executor = Executor::new(&migrations, Default::default()).unwrap();
    for step in executor.plan(&Target::All) {
        executor.run(&db.conn, &step, false).await.unwrap();
    }
    Some(db)
}

/// Registers a pool on `db` under `alias`.
async fn register(alias: &str, db: &TestDb) {
    connections::add(
        Connection::open_pool(alias, &db.url, 4, std::time::Duration::from_secs(10))
            .await
            .unwrap(),
    );
}

/// A migrated database of each dialect, its pool registered under a unique alias that stands
/// for `default` while `body` runs.
async fn on_each_database<F, Fut>(test: &str, body: F) -> Vec<Dialect>
where
    F: Fn(Dialect) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut ran = Vec::new();
    for dialect in DIALECTS {
        let Some(db) = migrated(dialect).await else {
            continue;
        };
        let alias = format!("{test}_{}", dialect.vendor());
        register(&alias, &db).await;
        connections::with_default(&alias, body(dialect)).await;
        ran.push(dialect);
    }
    assert!(ran.contains(&Dialect::Sqlite));
    ran
}

fn new_post(author: &Author, title: &str, views: i32) -> Post {
    Post {
        id: 0,
        author: ForeignKey::new(author.id),
        title: title.to_owned(),
        body: String::new(),
        views,
        likes: 0,
        published: None,
        created: Utc::now(),
        tags: Default::default(),
    }
}

async fn titles(qs: QuerySet<Post>) -> Vec<String> {
    qs.all()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.title)
        .collect()
}

async fn sorted_titles(qs: QuerySet<Post>) -> Vec<String> {
    let mut t = titles(qs).await;
    t.sort();
    t
}

#[test]
fn crud_and_querysets() {
    rjango::__private::block_on(async {
        let ran = on_each_database("crud", |dialect| async move {
            let ada = Author::objects()
                .create(Author {
                    id: 0,
                    name: "Ada".into(),
                })
                .await
                .unwrap();
            assert!(ada.id > 0, "{dialect:?}: create stores the new key");
            let grace = Author::objects()
                .create(Author {
                    id: 0,
                    name: "Grace".into(),
                })
                .await
                .unwrap();
            for (title, views, who) in [
                ("Intro", 10, &ada),
                ("Django", 30, &ada),
                ("Rust", 20, &grace),
                ("Zed", 20, &grace),
            ] {
                Post::objects()
                    .create(new_post(who, title, views))
                    .await
                    .unwrap();
            }

            // Meta.ordering ["-views", "title"] by default; order_by replaces it.
            assert_eq!(
                titles(Post::objects()).await,
                ["Django", "Rust", "Zed", "Intro"],
                "{dialect:?}"
            );
            assert_eq!(
                titles(Post::objects().order_by([post::title.asc()])).await,
                ["Django", "Intro", "Rust", "Zed"]
            );
            assert_eq!(
                titles(Post::objects().reverse()).await,
                ["Intro", "Zed", "Rust", "Django"]
            );
            // Slicing is OFFSET/LIMIT, and slices of slices are relative.
            assert_eq!(titles(Post::objects().slice(1..3)).await, ["Rust", "Zed"]);
            assert_eq!(
                titles(Post::objects().slice(1..).slice(2..)).await,
                ["Intro"]
            );
            assert_eq!(titles(Post::objects().slice(2..)).await, ["Zed", "Intro"]);

            // filter, exclude, Q combinations.
            assert_eq!(
                sorted_titles(Post::objects().filter(post::author.eq(&ada))).await,
                ["Django", "Intro"]
            );
            assert_eq!(
                sorted_titles(Post::objects().exclude(post::views.eq(20))).await,
                ["Django", "Intro"]
            );
            assert_eq!(
                sorted_titles(
                    Post::objects().filter(post::views.gt(15) & !post::title.startswith("Z"))
                )
                .await,
                ["Django", "Rust"]
            );
            assert_eq!(
                sorted_titles(Post::objects().filter(post::views.lt(15) | post::title.eq("Zed")))
                    .await,
                ["Intro", "Zed"]
            );
            assert_eq!(
                sorted_titles(Post::objects().filter(post::views.is_in([10, 30]))).await,
                ["Django", "Intro"]
            );
            assert!(
                titles(Post::objects().filter(post::views.is_in(Vec::<i32>::new())))
                    .await
                    .is_empty()
            );
            assert_eq!(
                sorted_titles(Post::objects().filter(post::views.range(15, 20))).await,
                ["Rust", "Zed"]
            );
            assert_eq!(
                sorted_titles(Post::objects().filter(post::views.gte(20) & post::views.lte(20)))
                    .await,
                ["Rust", "Zed"]
            );

            // count, exists, first, last.
            assert_eq!(Post::objects().count().await.unwrap(), 4);
            assert_eq!(
                Post::objects()
                    .filter(post::views.gt(100))
                    .count()
                    .await
                    .unwrap(),
                0
            );
            assert_eq!(Post::objects().slice(1..3).count().await.unwrap(), 2);
            assert!(
                Post::objects()
                    .filter(post::title.eq("Rust"))
                    .exists()
                    .await
                    .unwrap()
            );
            assert!(
                !Post::objects()
                    .filter(post::title.eq("Go"))
                    .exists()
                    .await
                    .unwrap()
            );
            assert_eq!(
                Post::objects().first().await.unwrap().unwrap().title,
                "Django"
            );
            assert_eq!(
                Post::objects().last().await.unwrap().unwrap().title,
                "Intro"
            );
            // Unordered: first/last go by primary key.
            assert_eq!(
                Author::objects().first().await.unwrap().unwrap().name,
                "Ada"
            );
            assert_eq!(
                Author::objects().last().await.unwrap().unwrap().name,
                "Grace"
            );
            assert!(
                Post::objects()
                    .filter(post::views.gt(100))
                    .first()
                    .await
                    .unwrap()
                    .is_none()
            );

            // get: one row, or Django's errors naming the model.
            let rust = Post::objects().get(post::title.eq("Rust")).await.unwrap();
            assert_eq!((rust.views, rust.author.id), (20, grace.id));
            let err = Post::objects().get(post::title.eq("Go")).await.unwrap_err();
            assert!(err.is_does_not_exist());
            assert_eq!(err.to_string(), "Post matching query does not exist.");
            let err = Post::objects().get(post::views.eq(20)).await.unwrap_err();
            assert_eq!(
                err.to_string(),
                "get() returned more than one Post -- it returned 2!"
            );

            // update with F expressions, in one statement.
            let n = Post::objects()
                .filter(post::author.eq(&grace))
                .update([
                    post::views.set(F(post::views) + 1),
                    post::likes.set(F(post::views) * 2),
                ])
                .await
                .unwrap();
            assert_eq!(n, 2);
            let rust = Post::objects().get(post::title.eq("Rust")).await.unwrap();
            // Standard SQL reads the old row in SET; MySQL assigns left to right, so `likes`
            // sees the new `views` there, and Django's answer on MySQL is the same.
            let likes = if dialect == Dialect::Mysql { 42 } else { 40 };
            assert_eq!((rust.views, rust.likes), (21, likes), "{dialect:?}: SET");
            // F in a filter compares two columns of the row.
            assert_eq!(
                sorted_titles(Post::objects().filter(post::likes.gt(F(post::views)))).await,
                ["Rust", "Zed"]
            );

            // Instances: save updates, save inserts, refresh_from_db, auto_now_add, delete.
            let mut intro = Post::objects().get(post::title.eq("Intro")).await.unwrap();
            let created = intro.created;
            assert!(
                (Utc::now() - created).num_seconds() < 60,
                "auto_now_add set it: {created}"
            );
            intro.views = 99;
            intro.save().await.unwrap();
            assert_eq!(
                Post::objects()
                    .get(post::title.eq("Intro"))
                    .await
                    .unwrap()
                    .views,
                99
            );
            let mut copy = intro.clone();
            copy.views = 5;
            copy.refresh_from_db().await.unwrap();
            assert_eq!(copy.views, 99);
            let mut extra = new_post(&ada, "Extra", 1);
            extra.save().await.unwrap();
            assert!(extra.id > intro.id);
            extra.title = "Renamed".into();
            extra.views = 7;
            extra.save_fields(&["title"]).await.unwrap();
            let fresh = Post::objects().get(post::id.eq(extra.id)).await.unwrap();
            assert_eq!(
                (fresh.title.as_str(), fresh.views),
                ("Renamed", 1),
                "only title was saved"
            );
            assert_eq!(fresh.delete().await.unwrap().total, 1);
            assert_eq!(Post::objects().count().await.unwrap(), 4);

            // get_or_create.
            let (found, created) = Author::objects()
                .get_or_create(author::name.eq("Ada"), || Author {
                    id: 0,
                    name: "Ada".into(),
                })
                .await
                .unwrap();
            assert_eq!((found.id, created), (ada.id, false));
            let (_, created) = Author::objects()
                .get_or_create(author::name.eq("Linus"), || Author {
                    id: 0,
                    name: "Linus".into(),
                })
                .await
                .unwrap();
            assert!(created);

            // Queryset delete.
            assert_eq!(
                Post::objects()
                    .filter(post::views.lt(25))
                    .delete()
                    .await
                    .unwrap()
                    .per_model,
                [("blog.Post".to_owned(), 2)].into()
            );
            assert_eq!(sorted_titles(Post::objects()).await, ["Django", "Intro"]);
        })
        .await;
        println!("crud ran on {ran:?}");
    });
}

/// Text lookups answer what Django answers on each backend: SQLite's LIKE ignores ASCII case
/// (so `contains` does too) but not beyond ASCII; MariaDB's default collation makes `exact`
/// and the i-lookups ignore case and accents, while `contains` (LIKE BINARY) does not;
/// PostgreSQL is case-sensitive except for the i-lookups, which fold any case via UPPER.
#[test]
fn text_lookups_per_backend() {
    rjango::__private::block_on(async {
        on_each_database("text", |dialect| async move {
            let a = Author::objects()
                .create(Author {
                    id: 0,
                    name: "A".into(),
                })
                .await
                .unwrap();
            for title in [
                "Django Tips",
                "django basics",
                "100% pure",
                "under_score",
                "back\\slash",
                "Éclair",
                "it's",
            ] {
                Post::objects()
                    .create(new_post(&a, title, 0))
                    .await
                    .unwrap();
            }
            let sqlite = dialect == Dialect::Sqlite;
            let mysql = dialect == Dialect::Mysql;
            let q = |q: Q<Post>| sorted_titles(Post::objects().filter(q));

            assert_eq!(
                q(post::title.icontains("DJANGO")).await,
                ["Django Tips", "django basics"]
            );
            assert_eq!(
                q(post::title.contains("Django")).await,
                if sqlite {
                    vec!["Django Tips", "django basics"]
                } else {
                    vec!["Django Tips"]
                },
                "{dialect:?}: contains"
            );
            assert_eq!(
                q(post::title.eq("django tips")).await,
                if mysql {
                    vec!["Django Tips"]
                } else {
                    Vec::<&str>::new()
                },
                "{dialect:?}: exact"
            );
            assert_eq!(q(post::title.iexact("DJANGO TIPS")).await, ["Django Tips"]);
            assert_eq!(
                q(post::title.startswith("dj")).await,
                if sqlite {
                    vec!["Django Tips", "django basics"]
                } else {
                    vec!["django basics"]
                }
            );
            assert_eq!(
                q(post::title.istartswith("dj")).await,
                ["Django Tips", "django basics"]
            );
            assert_eq!(
                q(post::title.endswith("TIPS")).await,
                if sqlite {
                    vec!["Django Tips"]
                } else {
                    Vec::<&str>::new()
                }
            );
            assert_eq!(q(post::title.iendswith("TIPS")).await, ["Django Tips"]);
            // Wildcards and quotes in values match literally.
            assert_eq!(q(post::title.contains("%")).await, ["100% pure"]);
            assert_eq!(q(post::title.contains("_")).await, ["under_score"]);
            assert_eq!(q(post::title.contains("\\")).await, ["back\\slash"]);
            assert_eq!(q(post::title.contains("'")).await, ["it's"]);
            assert_eq!(q(post::title.eq("it's")).await, ["it's"]);
            // Beyond ASCII: SQLite's LIKE folds ASCII only.
            assert_eq!(
                q(post::title.icontains("éclair")).await,
                if sqlite {
                    Vec::<&str>::new()
                } else {
                    vec!["Éclair"]
                },
                "{dialect:?}: non-ASCII icontains"
            );
            assert_eq!(
                q(post::title.regex("^[Dd]jango")).await,
                ["Django Tips", "django basics"]
            );
            assert_eq!(
                q(post::title.regex("^django")).await,
                ["django basics"],
                "{dialect:?}: regex is case-sensitive"
            );
            assert_eq!(
                q(post::title.iregex("^django")).await,
                ["Django Tips", "django basics"]
            );
        })
        .await;
    });
}

/// NULLs: isnull, and where they sort, which Django leaves to each database (last ascending on
/// PostgreSQL, first on SQLite and MariaDB). Date parts of an aware DateTimeField read in UTC.
#[test]
fn nulls_and_dates() {
    rjango::__private::block_on(async {
        on_each_database("nulls", |dialect| async move {
            let a = Author::objects()
                .create(Author {
                    id: 0,
                    name: "A".into(),
                })
                .await
                .unwrap();
            let when = [
                ("draft", None),
                (
                    "newyear",
                    Some(Utc.with_ymd_and_hms(2024, 1, 1, 0, 30, 0).unwrap()),
                ),
                (
                    "summer",
                    Some(Utc.with_ymd_and_hms(2023, 7, 15, 23, 59, 0).unwrap()),
                ),
            ];
            for (title, published) in when {
                let mut p = new_post(&a, title, 0);
                p.published = published;
                p.save().await.unwrap();
            }
            let q = |q: Q<Post>| sorted_titles(Post::objects().filter(q));
            assert_eq!(q(post::published.isnull(true)).await, ["draft"]);
            assert_eq!(
                q(post::published.isnull(false)).await,
                ["newyear", "summer"]
            );
            let ordered = titles(Post::objects().order_by([post::published.asc()])).await;
            if dialect == Dialect::Postgres {
                assert_eq!(ordered, ["summer", "newyear", "draft"]);
            } else {
                assert_eq!(ordered, ["draft", "summer", "newyear"], "{dialect:?}");
            }
            let saved = Post::objects()
                .get(post::title.eq("newyear"))
                .await
                .unwrap();
            assert_eq!(
                saved.published,
                Some(Utc.with_ymd_and_hms(2024, 1, 1, 0, 30, 0).unwrap()),
                "{dialect:?}: read back exactly"
            );
            assert_eq!(
                q(post::published.year().eq(2024)).await,
                ["newyear"],
                "{dialect:?}: year"
            );
            assert_eq!(q(post::published.month().eq(7)).await, ["summer"]);
            assert_eq!(q(post::published.day().eq(15)).await, ["summer"]);
            assert_eq!(q(post::published.year().lt(2024)).await, ["summer"]);
            // 2024-01-01 was a Monday: Django's week_day 2 (1 is Sunday).
            assert_eq!(
                q(post::published.week_day().eq(2)).await,
                ["newyear"],
                "{dialect:?}: week_day"
            );
            assert_eq!(
                q(post::published
                    .date()
                    .eq(chrono::NaiveDate::from_ymd_opt(2023, 7, 15).unwrap()))
                .await,
                ["summer"],
                "{dialect:?}: date"
            );
            assert_eq!(
                q(post::published.gt(Utc.with_ymd_and_hms(2023, 12, 31, 0, 0, 0).unwrap())).await,
                ["newyear"]
            );
        })
        .await;
    });
}

// ---------------------------------------------------------------------------------------
// transaction::atomic

use rjango::db::transaction::{self, Atomicity};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

async fn names() -> Vec<String> {
    let mut n: Vec<String> = Author::objects()
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    n.sort();
    n
}

fn author_named(name: &str) -> Author {
    Author {
        id: 0,
        name: name.into(),
    }
}

#[derive(Debug)]
struct Failed;

impl From<rjango::db::DbError> for Failed {
    fn from(_: rjango::db::DbError) -> Self {
        Failed
    }
}

impl From<QueryError> for Failed {
    fn from(_: QueryError) -> Self {
        Failed
    }
}

/// Commit, rollback on error and on panic, savepoints, durable blocks and on_commit.
#[test]
fn atomic_blocks() {
    rjango::__private::block_on(async {
        on_each_database("atomic", |dialect| async move {
            // Committed together.
            transaction::atomic(|| async {
                Author::objects().create(author_named("a1")).await?;
                Author::objects().create(author_named("a2")).await?;
                Ok::<_, QueryError>(())
            })
            .await
            .unwrap();
            assert_eq!(names().await, ["a1", "a2"], "{dialect:?}");

            // Rolled back on error: neither row stays.
            let r = transaction::atomic(|| async {
                Author::objects().create(author_named("b1")).await?;
                assert_eq!(
                    Author::objects().count().await?,
                    3,
                    "the block sees its own row"
                );
                Err::<(), _>(Failed)
            })
            .await;
            assert!(r.is_err());
            assert_eq!(
                names().await,
                ["a1", "a2"],
                "{dialect:?}: rolled back on error"
            );

            // Rolled back on panic, and the panic goes on.
            let r = futures_util::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(
                transaction::atomic(|| async {
                    Author::objects().create(author_named("p1")).await?;
                    if names().await.len() == 3 {
                        panic!("boom");
                    }
                    Ok::<_, QueryError>(())
                }),
            ))
            .await;
            assert!(r.is_err(), "the panic reaches the caller");
            assert_eq!(
                names().await,
                ["a1", "a2"],
                "{dialect:?}: rolled back on panic"
            );

            // A nested block is a savepoint: its failure undoes only itself.
            let ran = Arc::new(AtomicUsize::new(0));
            let (r1, r2, r3, seen) = (ran.clone(), ran.clone(), ran.clone(), ran.clone());
            transaction::atomic(|| async move {
                Author::objects().create(author_named("outer1")).await?;
                transaction::on_commit(move || {
                    r1.fetch_add(1, Ordering::SeqCst);
                });
                let inner = transaction::atomic(|| async move {
                    Author::objects().create(author_named("inner")).await?;
                    transaction::on_commit(move || {
                        r2.fetch_add(100, Ordering::SeqCst);
                    });
                    Err::<(), _>(Failed)
                })
                .await;
                assert!(inner.is_err());
                let kept = transaction::atomic(|| async move {
                    Author::objects().create(author_named("inner_ok")).await?;
                    transaction::on_commit(move || {
                        r3.fetch_add(10, Ordering::SeqCst);
                    });
                    Ok::<_, QueryError>(())
                })
                .await;
                assert!(kept.is_ok());
                assert_eq!(
                    seen.load(Ordering::SeqCst),
                    0,
                    "on_commit waits for the outermost commit"
                );
                // durable=true refuses to run nested.
                let durable = transaction::atomic_with(
                    Atomicity {
                        durable: true,
                        ..Default::default()
                    },
                    || async { Ok::<_, rjango::db::DbError>(()) },
                )
                .await;
                assert!(
                    durable
                        .unwrap_err()
                        .to_string()
                        .contains("durable atomic block cannot be nested")
                );
                Author::objects().create(author_named("outer2")).await?;
                Ok::<_, QueryError>(())
            })
            .await
            .unwrap();
            assert_eq!(
                names().await,
                ["a1", "a2", "inner_ok", "outer1", "outer2"],
                "{dialect:?}: savepoints"
            );
            assert_eq!(
                ran.load(Ordering::SeqCst),
                11,
                "{dialect:?}: callbacks of committed blocks ran once, the rolled-back one never"
            );

            // on_commit after a rollback never runs; outside a block it runs at once.
            let ran = Arc::new(AtomicUsize::new(0));
            let r = ran.clone();
            let _ = transaction::atomic(|| async move {
                transaction::on_commit(move || {
                    r.fetch_add(1, Ordering::SeqCst);
                });
                Err::<(), _>(Failed)
            })
            .await;
            assert_eq!(ran.load(Ordering::SeqCst), 0);
            let r = ran.clone();
            transaction::on_commit(move || {
                r.fetch_add(1, Ordering::SeqCst);
            });
            assert_eq!(ran.load(Ordering::SeqCst), 1);

            // A durable block at the top level runs.
            transaction::atomic_with(
                Atomicity {
                    durable: true,
                    ..Default::default()
                },
                || async {
                    Author::objects().create(author_named("durable")).await?;
                    Ok::<_, QueryError>(())
                },
            )
            .await
            .unwrap();
            assert!(names().await.contains(&"durable".to_owned()));

            // The queries of a block, counted as Django's assertNumQueries counts them.
            let (_, queries) = rjango::db::count_queries(transaction::atomic(|| async {
                Author::objects()
                    .filter(author::name.eq("a1"))
                    .count()
                    .await?;
                Ok::<_, QueryError>(())
            }))
            .await;
            assert_eq!(queries.len(), 3, "BEGIN, SELECT, COMMIT: {queries:?}");
        })
        .await;
    });
}

/// The seed's Counter: 8 tasks x 500 increments, each an F() update inside an atomic block,
/// end at exactly 4000.
#[test]
fn concurrent_increments_are_not_lost() {
    rjango::__private::block_on(async {
        let ran = on_each_database("counter", |dialect| async move {
            let c = Counter::objects()
                .create(Counter { id: 0, value: 0 })
                .await
                .unwrap();
            let alias = rjango::db::connections::resolve(None);
            let tasks = (0..8).map(|_| {
                let alias = alias.clone();
                async move {
                    for _ in 0..500 {
                        transaction::atomic_with(
                            Atomicity {
                                using: Some(alias.clone()),
                                ..Default::default()
                            },
                            || async {
                                Counter::objects()
                                    .using(&alias)
                                    .filter(counter::id.eq(c.id))
                                    .update([counter::value.set(F(counter::value) + 1)])
                                    .await?;
                                Ok::<_, QueryError>(())
                            },
                        )
                        .await
                        .unwrap();
                    }
                }
            });
            futures_util::future::join_all(tasks).await;
            let c = Counter::objects().get(counter::id.eq(c.id)).await.unwrap();
            assert_eq!(c.value, 4000, "{dialect:?}");
        })
        .await;
        println!("8 x 500 increments ended at 4000 on {ran:?}");
    });
}

/// The seed's Account transfer: a debit and a credit in one atomic block. One that fails
/// half-way leaves both balances untouched, and concurrent transfers keep the total.
#[test]
fn transfers_keep_the_total() {
    rjango::__private::block_on(async {
        on_each_database("transfer", |dialect| async move {
            let mut ids = Vec::new();
            for owner in ["ann", "bob", "cid", "dee"] {
                ids.push(
                    Account::objects()
                        .create(Account {
                            id: 0,
                            owner: owner.into(),
                            balance: 1000,
                        })
                        .await
                        .unwrap()
                        .id,
                );
            }
            let alias = rjango::db::connections::resolve(None);
            async fn transfer(
                alias: &str,
                from: i64,
                to: i64,
                amount: i32,
            ) -> Result<(), QueryError> {
                transaction::atomic_with(
                    Atomicity {
                        using: Some(alias.to_owned()),
                        ..Default::default()
                    },
                    || async {
                        let accounts = Account::objects().using(alias);
                        let debited = accounts
                            .clone()
                            .filter(account::id.eq(from) & account::balance.gte(amount))
                            .update([account::balance.set(F(account::balance) - amount)])
                            .await?;
                        if debited == 0 {
                            return Err(QueryError::DoesNotExist { model: "Account" });
                        }
                        let credited = accounts
                            .filter(account::id.eq(to))
                            .update([account::balance.set(F(account::balance) + amount)])
                            .await?;
                        if credited == 0 {
                            // Half-way: the debit above must not survive.
                            return Err(QueryError::DoesNotExist { model: "Account" });
                        }
                        Ok(())
                    },
                )
                .await
            }
            let balances = || async {
                Account::objects()
                    .order_by([account::id.asc()])
                    .all()
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|a| a.balance)
                    .collect::<Vec<_>>()
            };
            transfer(&alias, ids[0], ids[1], 100).await.unwrap();
            assert_eq!(balances().await, [900, 1100, 1000, 1000]);
            assert!(transfer(&alias, ids[0], 999_999, 50).await.is_err());
            assert_eq!(
                balances().await,
                [900, 1100, 1000, 1000],
                "{dialect:?}: a failed transfer leaves both untouched"
            );

            let tasks = (0..8).map(|t| {
                let (alias, ids) = (alias.clone(), ids.clone());
                async move {
                    let (mut done, mut failed) = (0, 0);
                    for i in 0..40 {
                        let from = ids[(t + i) % 4];
                        let to = ids[(t + i * 3 + 1) % 4];
                        if from == to {
                            continue;
                        }
                        match transfer(&alias, from, to, 7 + (i as i32 % 5)).await {
                            Ok(()) => done += 1,
                            // Two transfers locking the same rows in opposite orders: the
                            // database picks one to fail (a deadlock), an OperationalError.
                            Err(e) if e.kind() == Some(rjango::db::ErrorKind::Operational) => {
                                failed += 1
                            }
                            Err(e) => panic!("{dialect:?}: a transfer failed: {e}"),
                        }
                    }
                    (done, failed)
                }
            });
            let outcomes = futures_util::future::join_all(tasks).await;
            let done: usize = outcomes.iter().map(|(d, _)| d).sum();
            let failed: usize = outcomes.iter().map(|(_, f)| f).sum();
            assert!(
                done > failed * 4,
                "{dialect:?}: most transfers go through ({done} did, {failed} failed)"
            );
            let total: i32 = balances().await.iter().sum();
            assert_eq!(
                total, 4000,
                "{dialect:?}: the total is kept ({failed} transfers failed and rolled back)"
            );
            assert!(balances().await.iter().all(|b| *b >= 0));
        })
        .await;
    });
}
