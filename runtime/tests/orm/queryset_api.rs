//! The rest of the queryset API on every backend: bulk_create's conflict options, explain(),
//! count/exists/first on values, annotate() then values(), Cast, dates(), union /
//! intersection / difference, and prefetch_related with Prefetch and nested prefetches.

use chrono::{NaiveDate, TimeZone, Utc};
use rjango::db::queries::count_queries;
use rjango::db::{Dialect, ErrorKind};
use rjango::models::prelude::*;
use rjango::models::{DateKind, DateTimeKind, OnConflict, Order, Prefetch};

use crate::blog::models::{Author, Coupon, Post, Tag, author, coupon, post, tag};
use crate::{author_named, new_post, on_each_database};

fn coupon(code: &str, uses: i32) -> Coupon {
    Coupon {
        id: 0,
        code: code.into(),
        uses,
    }
}

#[test]
fn bulk_create_conflicts_and_explain() {
    rjango::__private::block_on(async {
        let ran = on_each_database("conflicts", |dialect| async move {
            Coupon::objects()
                .bulk_create(vec![coupon("A", 1), coupon("B", 1)])
                .await
                .unwrap();
            // A plain bulk_create of a duplicate is an IntegrityError.
            let e = Coupon::objects()
                .bulk_create(vec![coupon("A", 9)])
                .await
                .unwrap_err();
            assert_eq!(e.kind(), Some(ErrorKind::Integrity), "{dialect:?}: {e}");
            // ignore_conflicts: the duplicate is skipped, the new row inserted.
            Coupon::objects()
                .bulk_create_with(
                    vec![coupon("A", 9), coupon("C", 3)],
                    OnConflict::Ignore,
                )
                .await
                .unwrap();
            let uses = || async {
                Coupon::objects()
                    .order_by([coupon::code.asc()])
                    .values_list((coupon::code, coupon::uses))
                    .await
                    .unwrap()
            };
            assert_eq!(
                uses().await,
                [("A".into(), 1), ("B".into(), 1), ("C".into(), 3)],
                "{dialect:?}"
            );
            // update_conflicts: the existing row takes the new values of update_fields.
            let unique_fields = if dialect == Dialect::Mysql {
                vec![]
            } else {
                vec!["code"]
            };
            let upserted = Coupon::objects()
                .bulk_create_with(
                    vec![coupon("B", 7), coupon("D", 4)],
                    OnConflict::Update {
                        update_fields: vec!["uses"],
                        unique_fields: unique_fields.clone(),
                    },
                )
                .await
                .unwrap();
            assert_eq!(upserted.len(), 2);
            assert_eq!(
                uses().await,
                [
                    ("A".into(), 1),
                    ("B".into(), 7),
                    ("C".into(), 3),
                    ("D".into(), 4)
                ],
                "{dialect:?}"
            );
            // Django's checks, in its words.
            let e = Coupon::objects()
                .bulk_create_with(
                    vec![coupon("E", 1)],
                    OnConflict::Update {
                        update_fields: vec![],
                        unique_fields,
                    },
                )
                .await
                .unwrap_err();
            assert_eq!(
                e.to_string(),
                "Fields that will be updated when a row insertion fails on conflicts must be provided."
            );
            let wrong = if dialect == Dialect::Mysql {
                vec!["code"]
            } else {
                vec![]
            };
            let e = Coupon::objects()
                .bulk_create_with(
                    vec![coupon("E", 1)],
                    OnConflict::Update {
                        update_fields: vec!["uses"],
                        unique_fields: wrong,
                    },
                )
                .await
                .unwrap_err();
            if dialect == Dialect::Mysql {
                assert_eq!(e.kind(), Some(ErrorKind::NotSupported), "{e}");
            } else {
                assert_eq!(
                    e.to_string(),
                    "Unique fields that can trigger the upsert must be provided."
                );
            }

            // explain(): the database's plan names the table it reads.
            let plan = Coupon::objects()
                .filter(coupon::uses.gt(1))
                .explain()
                .await
                .unwrap();
            assert!(
                plan.to_lowercase().contains("coupon"),
                "{dialect:?}: {plan}"
            );
        })
        .await;
        eprintln!("queryset_api: conflicts and explain ran on {ran:?}");
    });
}

#[test]
fn values_cast_dates_and_set_operations() {
    rjango::__private::block_on(async {
        let ran = on_each_database("setops", |dialect| async move {
            let ada = Author::objects().create(author_named("Ada")).await.unwrap();
            let twin = Author::objects().create(author_named("Ada")).await.unwrap();
            let when = |y, m, d| Some(Utc.with_ymd_and_hms(y, m, d, 23, 30, 0).unwrap());
            for (title, views, who, published) in [
                ("a", 10, &ada, when(2024, 1, 31)),
                ("b", 20, &ada, when(2024, 1, 2)),
                ("c", 30, &twin, when(2024, 3, 6)),
                ("d", 40, &twin, None),
            ] {
                let mut p = new_post(who, title, views);
                p.published = published;
                Post::objects().create(p).await.unwrap();
            }

            // count/exists/first on values querysets.
            let names = Author::objects().values_list(author::name);
            assert_eq!(names.count().await.unwrap(), 2, "{dialect:?}");
            assert_eq!(names.clone().distinct().count().await.unwrap(), 1);
            // values().distinct() ordered by another column selects it too (PostgreSQL
            // insists), as Django does, which can repeat a value.
            let by_views: Vec<String> = Post::objects()
                .values_list(post::title)
                .distinct()
                .order_by([post::views.desc()])
                .await
                .unwrap();
            assert_eq!(by_views, ["d", "c", "b", "a"], "{dialect:?}");
            assert!(names.exists().await.unwrap());
            assert!(
                !Author::objects()
                    .filter(author::name.eq("Nobody"))
                    .values_list(author::name)
                    .exists()
                    .await
                    .unwrap()
            );
            let first = Post::objects()
                .order_by([post::views.desc()])
                .values_list(post::title)
                .first()
                .await
                .unwrap();
            assert_eq!(first.as_deref(), Some("d"));
            let grouped = Post::objects()
                .values_list(post::author)
                .annotate(Count(post::id));
            assert_eq!(grouped.count().await.unwrap(), 2, "{dialect:?}");

            // annotate() then values(): one row per author, though both are named Ada.
            let mut per_author = Author::objects()
                .annotate(Sum(post::author.reverse().then(post::views)))
                .values_list(author::name)
                .await
                .unwrap();
            per_author.sort_by_key(|(_, sum)| *sum);
            assert_eq!(
                per_author,
                [("Ada".to_owned(), Some(30)), ("Ada".to_owned(), Some(70))],
                "{dialect:?}"
            );
            let dicts = Author::objects()
                .order_by([author::id.asc()])
                .annotate(Count(post::author.reverse()).named("n"))
                .values(author::name)
                .await
                .unwrap();
            assert_eq!(dicts[0]["n"], 2);
            assert_eq!(dicts[0]["name"], "Ada");

            // Cast.
            let ratio: Vec<(Post, f64)> = Post::objects()
                .order_by([post::title.asc()])
                .annotate(Cast::<f64>::of(post::views))
                .all()
                .await
                .unwrap();
            assert_eq!(ratio[0].1, 10.0, "{dialect:?}");
            let text: Vec<(Post, String)> = Post::objects()
                .order_by([post::title.asc()])
                .annotate(Cast::<String>::of(post::views))
                .all()
                .await
                .unwrap();
            assert_eq!(text[3].1, "40", "{dialect:?}");

            // dates(): distinct truncated dates, in UTC, NULLs left out.
            let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
            let months = Post::objects()
                .dates(post::published, DateKind::Month, Order::Asc)
                .await
                .unwrap();
            assert_eq!(months, [d(2024, 1, 1), d(2024, 3, 1)], "{dialect:?}");
            let years = Post::objects()
                .dates(post::published, DateKind::Year, Order::Desc)
                .await
                .unwrap();
            assert_eq!(years, [d(2024, 1, 1)]);
            let weeks = Post::objects()
                .dates(post::published, DateKind::Week, Order::Asc)
                .await
                .unwrap();
            assert_eq!(
                weeks,
                [d(2024, 1, 1), d(2024, 1, 29), d(2024, 3, 4)],
                "{dialect:?}: weeks start on Monday"
            );
            let days = Post::objects()
                .dates(post::published, DateKind::Day, Order::Desc)
                .await
                .unwrap();
            assert_eq!(days, [d(2024, 3, 6), d(2024, 1, 31), d(2024, 1, 2)]);

            // datetimes() and Trunc*: aware datetimes truncated in UTC, dates for a date.
            let at = |y, m, day, h| Utc.with_ymd_and_hms(y, m, day, h, 0, 0).unwrap();
            let hours = Post::objects()
                .datetimes(post::published, DateTimeKind::Hour, Order::Asc)
                .await
                .unwrap();
            assert_eq!(
                hours,
                [at(2024, 1, 2, 23), at(2024, 1, 31, 23), at(2024, 3, 6, 23)],
                "{dialect:?}"
            );
            let weeks = Post::objects()
                .datetimes(post::published, DateTimeKind::Week, Order::Desc)
                .await
                .unwrap();
            assert_eq!(
                weeks,
                [at(2024, 3, 4, 0), at(2024, 1, 29, 0), at(2024, 1, 1, 0)]
            );
            let truncated: Vec<(Option<DateTimeField>, Option<DateTimeField>)> = Post::objects()
                .order_by([post::title.asc()])
                .annotate((TruncMonth(post::published), TruncMinute(post::published)))
                .all()
                .await
                .unwrap()
                .into_iter()
                .map(|(_, t)| t)
                .collect();
            assert_eq!(
                truncated[0],
                (
                    Some(at(2024, 1, 1, 0)),
                    Some(Utc.with_ymd_and_hms(2024, 1, 31, 23, 30, 0).unwrap())
                ),
                "{dialect:?}"
            );
            assert_eq!(truncated[3], (None, None));
            let this_year = Post::objects()
                .filter(TruncYear(post::published).eq(at(2024, 1, 1, 0)))
                .count()
                .await
                .unwrap();
            assert_eq!(this_year, 3, "{dialect:?}");

            // union / intersection / difference, ordered and sliced.
            let low = Post::objects().filter(post::views.lte(20));
            let ada_posts = Post::objects().filter(post::author.eq(ada.id));
            let titles = |rows: Vec<Post>| rows.into_iter().map(|p| p.title).collect::<Vec<_>>();
            let high = Post::objects().filter(post::views.gte(30));
            let both = low
                .clone()
                .union(high.clone())
                .order_by([post::views.desc()]);
            assert_eq!(
                titles(both.all().await.unwrap()),
                ["d", "c", "b", "a"],
                "{dialect:?}"
            );
            assert_eq!(both.count().await.unwrap(), 4);
            assert_eq!(
                titles(both.clone().slice(1..3).all().await.unwrap()),
                ["c", "b"]
            );
            let dup = low.clone().union_all(ada_posts.clone());
            assert_eq!(dup.count().await.unwrap(), 4, "{dialect:?}");
            assert_eq!(
                low.clone().union(ada_posts.clone()).count().await.unwrap(),
                2
            );
            let common = Post::objects()
                .filter(post::views.gte(20))
                .intersection(ada_posts.clone())
                .order_by([post::title.asc()]);
            assert_eq!(titles(common.all().await.unwrap()), ["b"], "{dialect:?}");
            let rest = Post::objects()
                .difference(ada_posts)
                .order_by([post::title.asc()]);
            assert_eq!(titles(rest.all().await.unwrap()), ["c", "d"], "{dialect:?}");
            // Ordering by what the combined rows do not have is refused, as Django does.
            let e = low
                .union(high)
                .order_by([post::author.then(author::name).asc()])
                .all()
                .await
                .unwrap_err();
            assert!(e.to_string().contains("ORDER BY term"), "{e}");
        })
        .await;
        eprintln!("queryset_api: values, Cast, dates and set operations ran on {ran:?}");
    });
}

#[test]
fn prefetch_related_with_prefetch_and_nesting() {
    rjango::__private::block_on(async {
        let ran = on_each_database("prefetch", |dialect| async move {
            let ada = Author::objects().create(author_named("Ada")).await.unwrap();
            let grace = Author::objects()
                .create(author_named("Grace"))
                .await
                .unwrap();
            Author::objects()
                .create(author_named("Linus"))
                .await
                .unwrap();
            let rust = Tag::objects()
                .create(Tag {
                    id: 0,
                    name: "rust".into(),
                })
                .await
                .unwrap();
            let web = Tag::objects()
                .create(Tag {
                    id: 0,
                    name: "web".into(),
                })
                .await
                .unwrap();
            for (title, views, who, tags) in [
                ("a", 10, &ada, vec![&rust]),
                ("b", 30, &ada, vec![&rust, &web]),
                ("c", 20, &grace, vec![]),
            ] {
                let p = Post::objects()
                    .create(new_post(who, title, views))
                    .await
                    .unwrap();
                p.tags().add(tags).await.unwrap();
            }
            let posts = post::author.reverse();
            let authors = || Author::objects().order_by([author::name.asc()]);

            // A relation: every author's posts in Post's Meta.ordering (-views, title).
            let (rows, queries) = count_queries(authors().prefetch_related(posts).all()).await;
            let rows = rows.unwrap();
            assert_eq!(queries.len(), 2, "two queries: {queries:?}");
            let got: Vec<(String, Vec<String>)> = rows
                .into_iter()
                .map(|(a, ps)| (a.name, ps.into_iter().map(|p| p.title).collect()))
                .collect();
            assert_eq!(
                got,
                [
                    ("Ada".into(), vec!["b".into(), "a".into()]),
                    ("Grace".into(), vec!["c".into()]),
                    ("Linus".into(), vec![])
                ],
                "{dialect:?}"
            );

            // Prefetch with a queryset: its filter and its order.
            let popular = Prefetch::new(posts).queryset(
                Post::objects()
                    .filter(post::views.gte(20))
                    .order_by([post::title.asc()]),
            );
            let rows = authors().prefetch_related(popular).all().await.unwrap();
            let counts: Vec<usize> = rows.iter().map(|(_, ps)| ps.len()).collect();
            assert_eq!(counts, [1, 1, 0], "{dialect:?}");

            // Nested: each author's posts, each with its tags (Django's "posts__tags").
            let nested = Prefetch::new(posts)
                .queryset(Post::objects().order_by([post::title.asc()]))
                .prefetch_related(post::tags);
            let (rows, queries) = count_queries(authors().prefetch_related(nested).all()).await;
            let rows = rows.unwrap();
            assert_eq!(queries.len(), 3, "one query per level: {queries:?}");
            let ada_posts: Vec<(String, Vec<String>)> = rows[0]
                .1
                .iter()
                .map(|(p, tags)| {
                    (
                        p.title.clone(),
                        tags.iter().map(|t| t.name.clone()).collect(),
                    )
                })
                .collect();
            assert_eq!(
                ada_posts,
                [
                    ("a".into(), vec!["rust".into()]),
                    ("b".into(), vec!["rust".into(), "web".into()])
                ],
                "{dialect:?}"
            );
            // A sliced Prefetch queryset is refused (Django slices per owner).
            let sliced = Prefetch::new(posts).queryset(Post::objects().slice(..1));
            let e = authors().prefetch_related(sliced).all().await.unwrap_err();
            assert_eq!(e.kind(), Some(ErrorKind::NotSupported), "{e}");
            let _ = tag::name;
        })
        .await;
        eprintln!("queryset_api: prefetch_related ran on {ran:?}");
    });
}
