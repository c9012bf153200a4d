//! Times six operations through rjango's manager and the same operations in plain SeaORM, on
//! one pool and the same 10,000 posts by 100 authors: a get by primary key, a filtered and
//! ordered page of 20 posts with their authors, every author annotated with a Count of their
//! posts, every author annotated with their most viewed post's title (a Subquery), a page of
//! 20 posts labelled by a Case/When, and a create. Prints
//! `operation,implementation,microseconds per operation`. Where SeaORM's builder has no
//! subquery or CASE, its side is the SQL a user would write by hand, run through SeaORM.
//!
//!     rjango-bench-orm <database url>

use std::time::{Duration, Instant};

use rjango::db::migrations::executor::{Executor, Target};
use rjango::db::{Connection, connections};
use rjango::models::prelude::*;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, JoinType,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait, Set,
};

pub mod blog {
    pub mod models {
        use rjango::models::prelude::*;

        #[model]
        #[derive(Debug, Clone)]
        pub struct Author {
            #[field(max_length = 100)]
            pub name: CharField,
        }

        #[model]
        #[derive(Debug, Clone)]
        pub struct Post {
            #[field(on_delete = Cascade, related_name = "posts")]
            pub author: ForeignKey<Author>,
            #[field(max_length = 200)]
            pub title: CharField,
            pub views: IntegerField,
            pub created: DateTimeField,
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
                fields: [("id", BigAutoField { primary_key: true }), ("name", CharField { max_length: 100 })],
            },
            CreateModel {
                name: "Post",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("author", ForeignKey { to: "blog.Author", on_delete: Cascade, related_name: "posts" }),
                    ("title", CharField { max_length: 200 }),
                    ("views", IntegerField),
                    ("created", DateTimeField),
                ],
            },
        ],
    }
}

/// The same tables as plain SeaORM entities, written as a SeaORM user writes them.
mod sea {
    pub mod author {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "blog_author")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i64,
            pub name: String,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {
            #[sea_orm(has_many = "super::post::Entity")]
            Post,
        }

        impl Related<super::post::Entity> for Entity {
            fn to() -> RelationDef {
                Relation::Post.def()
            }
        }

        impl ActiveModelBehavior for ActiveModel {}
    }

    pub mod post {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "blog_post")]
        pub struct Model {
            #[sea_orm(primary_key)]
            pub id: i64,
            pub author_id: i64,
            pub title: String,
            pub views: i32,
            pub created: ChronoDateTimeUtc,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {
            #[sea_orm(
                belongs_to = "super::author::Entity",
                from = "Column::AuthorId",
                to = "super::author::Column::Id"
            )]
            Author,
        }

        impl Related<super::author::Entity> for Entity {
            fn to() -> RelationDef {
                Relation::Author.def()
            }
        }

        impl ActiveModelBehavior for ActiveModel {}
    }
}

use blog::models::{Author, Post, author, post};

const AUTHORS: i64 = 100;
const POSTS: i64 = 10_000;

#[derive(Debug, FromQueryResult)]
struct AuthorWithTop {
    id: i64,
    name: String,
    top: Option<String>,
}

#[derive(Debug, FromQueryResult)]
struct PostWithLabel {
    id: i64,
    author_id: i64,
    title: String,
    views: i32,
    created: chrono::DateTime<chrono::Utc>,
    label: String,
}

#[derive(Debug, FromQueryResult)]
struct AuthorWithCount {
    id: i64,
    name: String,
    n: i64,
}

fn main() {
    let url = std::env::args()
        .nth(1)
        .expect("usage: rjango-bench-orm <database url>");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run(&url));
}

async fn run(url: &str) {
    let setup = Connection::open_url("default", url).await.expect("connect");
    let migrations = vec![m0001::migration("blog", "0001_initial")];
    rjango::db::migrations::recorder::ensure_table(&setup)
        .await
        .unwrap();
    let mut executor = Executor::new(&migrations, Default::default()).unwrap();
    for step in executor.plan(&Target::All) {
        executor.run(&setup, &step, false).await.unwrap();
    }
    let pool = connections::add(
        Connection::open_pool("default", url, 4, Duration::from_secs(10))
            .await
            .expect("pool"),
    );
    let db: &DatabaseConnection = pool.sea_orm();

    // 100 authors, 10,000 posts (views spread over 0..1000).
    let authors: Vec<Author> = (1..=AUTHORS)
        .map(|i| Author {
            id: 0,
            name: format!("Author {i}"),
        })
        .collect();
    Author::objects().bulk_create(authors).await.unwrap();
    let now = chrono::Utc::now();
    for chunk in (1..=POSTS).collect::<Vec<_>>().chunks(500) {
        let posts: Vec<Post> = chunk
            .iter()
            .map(|i| Post {
                id: 0,
                author: ForeignKey::new(i % AUTHORS + 1),
                title: format!("Post {i}"),
                views: ((i * 7919) % 1000) as i32,
                created: now,
            })
            .collect();
        Post::objects().bulk_create(posts).await.unwrap();
    }

    let n = std::cell::Cell::new(0i64);
    let next = || {
        n.set(n.get() + 1);
        n.get()
    };

    // get by primary key
    bench(
        "get",
        3000,
        async || {
            let id = next() % POSTS + 1;
            let p = Post::objects().get(post::id.eq(id)).await.unwrap();
            assert_eq!(p.id, id);
        },
        async || {
            let id = next() % POSTS + 1;
            let p = sea::post::Entity::find_by_id(id)
                .one(db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(p.id, id);
        },
    )
    .await;

    // a filtered, ordered page of 20 with each post's author
    bench(
        "page_of_20_with_authors",
        1000,
        async || {
            let offset = (next() % 50) as u64 * 20;
            let page = Post::objects()
                .filter(post::views.gte(500))
                .select_related(post::author)
                .order_by([post::views.desc(), post::id.asc()])
                .slice(offset..offset + 20)
                .all()
                .await
                .unwrap();
            assert_eq!(page.len(), 20);
            assert!(page[0].author.cached().is_some());
        },
        async || {
            let offset = (next() % 50) as u64 * 20;
            let page = sea::post::Entity::find()
                .filter(sea::post::Column::Views.gte(500))
                .find_also_related(sea::author::Entity)
                .order_by_desc(sea::post::Column::Views)
                .order_by_asc(sea::post::Column::Id)
                .offset(offset)
                .limit(20)
                .all(db)
                .await
                .unwrap();
            assert_eq!(page.len(), 20);
            assert!(page[0].1.is_some());
        },
    )
    .await;

    // every author with the number of their posts
    bench(
        "annotate_count",
        200,
        async || {
            let n_posts = Count(post::author.reverse());
            let rows = Author::objects()
                .annotate(n_posts)
                .order_by([author::id.asc()])
                .all()
                .await
                .unwrap();
            assert_eq!(rows.len(), AUTHORS as usize);
            assert!(rows[0].1 >= 100);
        },
        async || {
            let rows = sea::author::Entity::find()
                .column_as(sea::post::Column::Id.count(), "n")
                .join(JoinType::LeftJoin, sea::author::Relation::Post.def())
                .group_by(sea::author::Column::Id)
                .group_by(sea::author::Column::Name)
                .order_by_asc(sea::author::Column::Id)
                .into_model::<AuthorWithCount>()
                .all(db)
                .await
                .unwrap();
            assert_eq!(rows.len(), AUTHORS as usize);
            assert!(rows[0].n >= 100 && rows[0].id == 1 && !rows[0].name.is_empty());
        },
    )
    .await;

    // every author with the title of their most viewed post
    let backend = db.get_database_backend();
    let pg = backend == sea_orm::DatabaseBackend::Postgres;
    let top_sql = "SELECT a.id, a.name, (SELECT p.title FROM blog_post p WHERE p.author_id = a.id \
                   ORDER BY p.views DESC LIMIT 1) AS top FROM blog_author a ORDER BY a.id ASC";
    bench(
        "annotate_subquery",
        200,
        async || {
            let top = Post::objects()
                .filter(post::author.eq(OuterRef(author::id)))
                .order_by([post::views.desc()])
                .values_list(post::title)
                .slice(..1);
            let rows = Author::objects()
                .order_by([author::id.asc()])
                .annotate(Subquery(top))
                .all()
                .await
                .unwrap();
            assert_eq!(rows.len(), AUTHORS as usize);
            assert!(rows[0].1.is_some());
        },
        async || {
            let rows = AuthorWithTop::find_by_statement(sea_orm::Statement::from_string(
                backend, top_sql,
            ))
            .all(db)
            .await
            .unwrap();
            assert_eq!(rows.len(), AUTHORS as usize);
            assert!(rows[0].top.is_some() && rows[0].id == 1 && !rows[0].name.is_empty());
        },
    )
    .await;

    // a page of 20 posts, each labelled by its views
    let label_sql = |offset: u64| {
        let p = |n: usize| if pg { format!("${n}") } else { "?".to_owned() };
        format!(
            "SELECT id, author_id, title, views, created, CASE WHEN views >= {} THEN {} \
             WHEN views >= {} THEN {} ELSE {} END AS label FROM blog_post WHERE views >= {} \
             ORDER BY views DESC, id ASC LIMIT 20 OFFSET {offset}",
            p(1),
            p(2),
            p(3),
            p(4),
            p(5),
            p(6)
        )
    };
    bench(
        "case_when_page",
        1000,
        async || {
            let offset = (next() % 50) as u64 * 20;
            let label = Case(
                [
                    When(post::views.gte(900), "hot"),
                    When(post::views.gte(700), "warm"),
                ],
                "cool",
            );
            let page = Post::objects()
                .filter(post::views.gte(500))
                .order_by([post::views.desc(), post::id.asc()])
                .annotate(label)
                .slice(offset..offset + 20)
                .all()
                .await
                .unwrap();
            assert_eq!(page.len(), 20);
            assert!(!page[0].1.is_empty());
        },
        async || {
            let offset = (next() % 50) as u64 * 20;
            let page = PostWithLabel::find_by_statement(sea_orm::Statement::from_sql_and_values(
                backend,
                label_sql(offset),
                [
                    900.into(),
                    "hot".into(),
                    700.into(),
                    "warm".into(),
                    "cool".into(),
                    500.into(),
                ],
            ))
            .all(db)
            .await
            .unwrap();
            assert_eq!(page.len(), 20);
            assert!(!page[0].label.is_empty() && page[0].id > 0 && page[0].author_id > 0);
            assert!(!page[0].title.is_empty() && page[0].views >= 500);
            let _ = page[0].created;
        },
    )
    .await;

    // create one post
    bench(
        "create",
        2000,
        async || {
            let p = Post::objects()
                .create(Post {
                    id: 0,
                    author: ForeignKey::new(1),
                    title: "New".into(),
                    views: 1,
                    created: chrono::Utc::now(),
                })
                .await
                .unwrap();
            assert!(p.id > 0);
        },
        async || {
            let p = sea::post::ActiveModel {
                author_id: Set(1),
                title: Set("New".into()),
                views: Set(1),
                created: Set(chrono::Utc::now()),
                ..Default::default()
            }
            .insert(db)
            .await
            .unwrap();
            assert!(p.id > 0);
        },
    )
    .await;
}

/// Runs both implementations in alternating rounds (so drift hits both alike) and prints the
/// median round's time per operation of each.
async fn bench(
    name: &str,
    iterations: u32,
    mut rjango_op: impl AsyncFnMut(),
    mut seaorm_op: impl AsyncFnMut(),
) {
    const ROUNDS: u32 = 7;
    let per_round = iterations / ROUNDS;
    for _ in 0..per_round.min(50) {
        rjango_op().await;
        seaorm_op().await;
    }
    let (mut rj, mut sea) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let start = Instant::now();
        for _ in 0..per_round {
            rjango_op().await;
        }
        rj.push(start.elapsed().as_secs_f64() * 1e6 / f64::from(per_round));
        let start = Instant::now();
        for _ in 0..per_round {
            seaorm_op().await;
        }
        sea.push(start.elapsed().as_secs_f64() * 1e6 / f64::from(per_round));
    }
    println!("{name},rjango,{:.1}", median(rj));
    println!("{name},seaorm,{:.1}", median(sea));
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
