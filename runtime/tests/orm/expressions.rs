//! Query expressions on every backend: Case/When, Value, the database functions, F across
//! relations, Subquery/OuterRef/Exists, NULLs placement in ordering, aggregates with
//! `default=` and `filter=`, DISTINCT ON, and select_for_update's rules, each answering what
//! Django answers for the same rows.

use chrono::{TimeZone, Utc};
use rjango::db::{Dialect, ErrorKind};
use rjango::models::prelude::*;
use rjango::models::{ForUpdate, Func};

use crate::blog::models::{Author, Post, Product, author, post, product};
use crate::{author_named, new_post, on_each_database};

/// Ada: "Intro" (10 views, published 2024-03-05 10:00) and "Django" (30, unpublished);
/// Grace: "Rust" (20, published 2023-12-31 23:30) and "zed" (5, unpublished); Linus: none.
async fn blog() -> (Author, Author, Author) {
    let ada = Author::objects().create(author_named("Ada")).await.unwrap();
    let grace = Author::objects()
        .create(author_named("Grace"))
        .await
        .unwrap();
    let linus = Author::objects()
        .create(author_named("Linus"))
        .await
        .unwrap();
    let when = |y, m, d, h, min| Some(Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap());
    for (title, views, who, published) in [
        ("Intro", 10, &ada, when(2024, 3, 5, 10, 0)),
        ("Django", 30, &ada, None),
        ("Rust", 20, &grace, when(2023, 12, 31, 23, 30)),
        ("zed", 5, &grace, None),
    ] {
        let mut p = new_post(who, title, views);
        p.published = published;
        Post::objects().create(p).await.unwrap();
    }
    (ada, grace, linus)
}

fn by_title() -> [rjango::models::lookups::OrderBy<Post>; 1] {
    [post::title.asc()]
}

#[test]
fn case_when_value_and_functions() {
    rjango::__private::block_on(async {
        let ran = on_each_database("functions", |dialect| async move {
            blog().await;

            // Case/When: the first branch that holds, else the default.
            let popularity = Case(
                [
                    When(post::views.gte(20), "popular"),
                    When(post::views.gte(10), "read"),
                ],
                "quiet",
            );
            let rows = Post::objects()
                .order_by(by_title())
                .annotate(popularity.clone())
                .all()
                .await
                .unwrap();
            let got: Vec<(&str, &str)> = rows
                .iter()
                .map(|(p, c)| (p.title.as_str(), c.as_str()))
                .collect();
            assert_eq!(
                got,
                [
                    ("Django", "popular"),
                    ("Intro", "read"),
                    ("Rust", "popular"),
                    ("zed", "quiet")
                ],
                "{dialect:?}"
            );
            // ... in a filter, and in an ordering.
            let quiet = Post::objects()
                .filter(popularity.clone().eq("quiet"))
                .all()
                .await
                .unwrap();
            assert_eq!(quiet.len(), 1);
            let ranked = Case([When(post::title.eq("zed"), 0)], 1);
            let first = Post::objects()
                .order_by([ranked.asc(), post::title.asc()])
                .first()
                .await
                .unwrap()
                .unwrap();
            assert_eq!(first.title, "zed");

            // ... and in an update: every post's likes from its views.
            let changed = Post::objects()
                .update([post::likes.set(Case(
                    [When(post::views.gt(15), F(post::views) * 2)],
                    Value(0),
                ))])
                .await
                .unwrap();
            assert_eq!(changed, 4);
            let likes: Vec<i32> = Post::objects()
                .order_by(by_title())
                .values_list(post::likes)
                .await
                .unwrap();
            assert_eq!(likes, [60, 0, 40, 0], "{dialect:?}");

            // Value: the same for every row.
            let (_, seven) = Post::objects()
                .annotate(Value(7_i64))
                .all()
                .await
                .unwrap()
                .remove(0);
            assert_eq!(seven, 7);

            // Text functions, typed: Lower/Upper/Length/Substr/Concat.
            let rows = Post::objects()
                .order_by(by_title())
                .annotate((
                    Lower(post::title),
                    Upper(post::title),
                    Length(post::title),
                    Substr(post::title, 2, 3),
                    Concat((post::author.then(author::name), ": ", post::title)),
                ))
                .all()
                .await
                .unwrap();
            let (_, first) = &rows[0];
            assert_eq!(
                first,
                &(
                    "django".to_owned(),
                    "DJANGO".to_owned(),
                    6,
                    "jan".to_owned(),
                    "Ada: Django".to_owned()
                ),
                "{dialect:?}"
            );
            // In a filter: a case-folded equality, a length.
            let found = Post::objects()
                .filter(Lower(post::title).eq("zed"))
                .filter(Length(post::title).lt(4))
                .all()
                .await
                .unwrap();
            assert_eq!(found.len(), 1, "{dialect:?}");
            // Ordering by a function (Django's order_by(Lower("title").desc())).
            let titles: Vec<String> = Post::objects()
                .order_by([Lower(post::title).desc()])
                .values_list(post::title)
                .await
                .unwrap();
            assert_eq!(titles, ["zed", "Rust", "Intro", "Django"]);

            // Coalesce: a NULL replaced; Now() compared with a datetime column.
            let fallback = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap();
            let dates: Vec<(Post, DateTimeField)> = Post::objects()
                .order_by(by_title())
                .annotate(Coalesce(post::published, fallback))
                .all()
                .await
                .unwrap();
            assert_eq!(dates[0].1, fallback, "{dialect:?}");
            assert_eq!(
                dates[1].1,
                Utc.with_ymd_and_hms(2024, 3, 5, 10, 0, 0).unwrap()
            );
            let past = Post::objects()
                .filter(post::published.lt(Now()))
                .count()
                .await
                .unwrap();
            assert_eq!(past, 2, "{dialect:?}");
            let (_, now) = Post::objects()
                .annotate(Now())
                .all()
                .await
                .unwrap()
                .remove(0);
            assert!(
                (Utc::now() - now).num_seconds().abs() < 60,
                "{dialect:?}: {now}"
            );

            // Date parts, in UTC: Rust's 2023-12-31 23:30 is in 2023 and on a Sunday (1).
            let parts = Post::objects()
                .filter(post::title.eq("Rust"))
                .annotate((
                    ExtractYear(post::published),
                    ExtractMonth(post::published),
                    ExtractDay(post::published),
                    ExtractWeekDay(post::published),
                    TruncDate(post::published),
                ))
                .all()
                .await
                .unwrap()
                .remove(0)
                .1;
            assert_eq!(
                parts,
                (
                    Some(2023),
                    Some(12),
                    Some(31),
                    Some(1),
                    chrono::NaiveDate::from_ymd_opt(2023, 12, 31)
                ),
                "{dialect:?}"
            );
            let in_2024 = Post::objects()
                .filter(ExtractYear(post::published).eq(2024))
                .count()
                .await
                .unwrap();
            assert_eq!(in_2024, 1);
        })
        .await;
        eprintln!("expressions: Case/When and functions ran on {ran:?}");
    });
}

#[test]
fn f_across_relations_subqueries_and_exists() {
    rjango::__private::block_on(async {
        let ran = on_each_database("subqueries", |dialect| async move {
            let (ada, _, linus) = blog().await;
            let almanac = Post::objects()
                .create(new_post(&ada, "Almanac", 1))
                .await
                .unwrap();

            // F across a relation: posts whose title starts with their author's initial.
            let own: Vec<String> = Post::objects()
                .filter(post::views.gt(F(post::likes)))
                .filter(Substr(post::title, 1, 1).eq(Substr(post::author.then(author::name), 1, 1)))
                .values_list(post::title)
                .await
                .unwrap();
            assert_eq!(own, ["Almanac"], "{dialect:?}");
            almanac.delete().await.unwrap();
            let named: Vec<(Post, String)> = Post::objects()
                .order_by(by_title())
                .annotate(Value(F(post::author.then(author::name))))
                .all()
                .await
                .unwrap();
            assert_eq!(named[0].1, "Ada");
            // An UPDATE reads the row's own columns only, as Django's.
            let e = Post::objects()
                .update([post::title.set(F(post::author.then(author::name)))])
                .await
                .unwrap_err();
            assert_eq!(e.kind(), Some(ErrorKind::Programming), "{e}");
            assert!(e.to_string().contains("Joined field references"), "{e}");

            // Subquery + OuterRef: each author's most viewed post (None for Linus).
            let top = Post::objects()
                .filter(post::author.eq(OuterRef(author::id)))
                .order_by([post::views.desc()])
                .values_list(post::title)
                .slice(..1);
            let rows = Author::objects()
                .order_by([author::name.asc()])
                .annotate(Subquery(top.clone()))
                .all()
                .await
                .unwrap();
            let got: Vec<(&str, Option<&str>)> = rows
                .iter()
                .map(|(a, t)| (a.name.as_str(), t.as_deref()))
                .collect();
            assert_eq!(
                got,
                [
                    ("Ada", Some("Django")),
                    ("Grace", Some("Rust")),
                    ("Linus", None)
                ],
                "{dialect:?}"
            );
            // A subquery of the same table: posts with more views than their author's
            // first-published post.
            let earliest = Post::objects()
                .filter(post::author.eq(OuterRef(post::author)))
                .filter(post::published.isnull(false))
                .order_by([post::published.asc()])
                .values_list(post::views)
                .slice(..1);
            // Per author (Ada's is Intro, 10 views; Grace's Rust, 20), not the earliest of all.
            let beyond = Post::objects()
                .filter(post::views.gte(Subquery(earliest)))
                .order_by(by_title());
            let titles: Vec<String> = beyond.values_list(post::title).await.unwrap();
            assert_eq!(titles, ["Django", "Intro", "Rust"], "{dialect:?}");
            assert_eq!(beyond.count().await.unwrap(), 3, "{dialect:?}: count() too");
            // Exists of the same model: posts with a more viewed post by the same author.
            let outdone = Exists(
                Post::objects()
                    .filter(post::author.eq(OuterRef(post::author)))
                    .filter(post::views.gt(OuterRef(post::views))),
            );
            let behind = Post::objects().filter(outdone).order_by(by_title());
            let titles: Vec<String> = behind.values_list(post::title).await.unwrap();
            assert_eq!(titles, ["Intro", "zed"], "{dialect:?}");
            assert_eq!(behind.count().await.unwrap(), 2, "{dialect:?}: count() too");

            // Exists: authors with a post of 20 views or more, and (negated) those without.
            let busy = Exists(
                Post::objects()
                    .filter(post::author.eq(OuterRef(author::id)))
                    .filter(post::views.gte(20)),
            );
            let names = |rows: Vec<Author>| rows.into_iter().map(|a| a.name).collect::<Vec<_>>();
            let ordered = || Author::objects().order_by([author::name.asc()]);
            assert_eq!(
                names(ordered().filter(busy.clone()).all().await.unwrap()),
                ["Ada", "Grace"],
                "{dialect:?}"
            );
            assert_eq!(
                names(ordered().filter(!busy.clone()).all().await.unwrap()),
                ["Linus"]
            );
            let flags: Vec<bool> = ordered()
                .annotate(busy.clone())
                .all()
                .await
                .unwrap()
                .into_iter()
                .map(|(_, b)| b)
                .collect();
            assert_eq!(flags, [true, true, false], "{dialect:?}");
            // In an UPDATE's filter (MariaDB reads the keys first).
            let renamed = Author::objects()
                .filter(busy.clone())
                .filter(author::id.eq(linus.id))
                .update([author::name.set("Linus T.")])
                .await
                .unwrap();
            assert_eq!(renamed, 0, "{dialect:?}: Linus has no busy post");
            let renamed = Author::objects()
                .filter(busy)
                .filter(author::id.eq(ada.id))
                .update([author::name.set("Ada L.")])
                .await
                .unwrap();
            assert_eq!(renamed, 1);
        })
        .await;
        eprintln!("expressions: subqueries ran on {ran:?}");
    });
}

#[test]
fn nulls_aggregate_options_and_distinct_on() {
    rjango::__private::block_on(async {
        let ran = on_each_database("nulls", |dialect| async move {
            blog().await;

            // NULLs first or last, whatever each backend's own default.
            let order = |o: rjango::models::lookups::OrderBy<Post>| async move {
                Post::objects()
                    .order_by([o, post::title.asc()])
                    .values_list(post::title)
                    .await
                    .unwrap()
            };
            assert_eq!(
                order(post::published.asc().nulls_last()).await,
                ["Rust", "Intro", "Django", "zed"],
                "{dialect:?}"
            );
            assert_eq!(
                order(post::published.desc().nulls_first()).await,
                ["Django", "zed", "Intro", "Rust"],
                "{dialect:?}"
            );
            assert_eq!(
                order(post::published.desc().nulls_last()).await,
                ["Intro", "Rust", "Django", "zed"],
                "{dialect:?}"
            );
            // reverse() swaps the NULLs' place too, as Django's does.
            let reversed: Vec<String> = Post::objects()
                .order_by([post::published.asc().nulls_last(), post::title.asc()])
                .reverse()
                .values_list(post::title)
                .await
                .unwrap();
            assert_eq!(reversed, ["zed", "Django", "Intro", "Rust"], "{dialect:?}");

            // Aggregates with default= and filter=.
            let (none, zero) = Post::objects()
                .filter(post::views.gt(1000))
                .aggregate((Sum(post::views), Sum(post::views).default(0)))
                .await
                .unwrap();
            assert_eq!((none, zero), (None, 0), "{dialect:?}");
            let rows = Author::objects()
                .order_by([author::name.asc()])
                .annotate((
                    Count(post::author.reverse()),
                    Count(post::author.reverse())
                        .filter(post::author.reverse().then(post::views).gte(20)),
                    Sum(post::author.reverse().then(post::views)).default(0),
                ))
                .all()
                .await
                .unwrap();
            let got: Vec<(i64, i64, i64)> = rows.into_iter().map(|(_, n)| n).collect();
            assert_eq!(got, [(2, 1, 40), (2, 1, 25), (0, 0, 0)], "{dialect:?}");
            // A negated condition in filter= applies to the joined row (Django's
            // split_subq=False), not "no related row matches".
            let posts = post::author.reverse();
            let quiet: Vec<i64> = Author::objects()
                .order_by([author::name.asc()])
                .annotate(Count(posts).filter(!posts.then(post::views).gt(10)))
                .all()
                .await
                .unwrap()
                .into_iter()
                .map(|(_, n)| n)
                .collect();
            assert_eq!(quiet, [1, 1, 0], "{dialect:?}");
            // A HAVING with no aggregate annotated still groups.
            let prolific = Author::objects()
                .order_by([author::name.asc()])
                .annotate(Lower(author::name))
                .filter(Count(posts).gt(1))
                .all()
                .await
                .unwrap();
            let names: Vec<String> = prolific.into_iter().map(|(_, n)| n).collect();
            assert_eq!(names, ["ada", "grace"], "{dialect:?}");
            // Grouped and ordered by a function annotation (by its position).
            let lowered: Vec<String> = Post::objects()
                .annotate((Lower(post::title), Count(post::tags)))
                .order_by([Lower(post::title).desc()])
                .all()
                .await
                .unwrap()
                .into_iter()
                .map(|(_, (t, _))| t)
                .collect();
            assert_eq!(lowered, ["zed", "rust", "intro", "django"], "{dialect:?}");
            // count() of values naming two columns `id` (a derived table on MariaDB).
            let pairs = Post::objects().values_list((post::id, post::author.then(author::id)));
            assert_eq!(pairs.count().await.unwrap(), 4, "{dialect:?}");
            assert_eq!(
                Post::objects()
                    .select_related(post::author)
                    .distinct()
                    .count()
                    .await
                    .unwrap(),
                4
            );
            let money = Product::objects()
                .aggregate(Sum(product::price).default(rust_decimal::Decimal::ZERO))
                .await
                .unwrap();
            assert_eq!(
                money.to_string(),
                "0.00",
                "{dialect:?}: quantized as the field"
            );

            // DISTINCT ON: PostgreSQL only; elsewhere Django's NotSupportedError.
            let each = Post::objects()
                .distinct_on(post::author)
                .order_by([post::author.asc(), post::views.desc()])
                .values_list(post::title);
            match dialect {
                Dialect::Postgres => {
                    let mut titles = each.await.unwrap();
                    titles.sort();
                    assert_eq!(titles, ["Django", "Rust"]);
                }
                _ => {
                    let e = each.await.unwrap_err();
                    assert_eq!(e.kind(), Some(ErrorKind::NotSupported), "{dialect:?}: {e}");
                    assert_eq!(
                        e.to_string(),
                        "DISTINCT ON fields is not supported by this database backend."
                    );
                }
            }
        })
        .await;
        eprintln!("expressions: NULLs, aggregate options and DISTINCT ON ran on {ran:?}");
    });
}

/// The typed pieces compose: a `Func` is a value for a field of its type.
#[allow(dead_code)]
fn typed(title: Func<Post, String>) -> rjango::models::Q<Post> {
    post::title.eq(title)
}

#[test]
fn select_for_update_rules_and_stock() {
    rjango::__private::block_on(async {
        let ran = on_each_database("for_update", |dialect| async move {
            use rjango::db::transaction;
            let item = Product::objects()
                .create(Product {
                    id: 0,
                    name: "widget".into(),
                    price: rust_decimal::Decimal::new(5, 0),
                })
                .await
                .unwrap();
            // Outside a transaction: Django's TransactionManagementError (SQLite, which has no
            // row locks, ignores it as Django does).
            let outside = Product::objects().select_for_update().all().await;
            if dialect == Dialect::Sqlite {
                assert!(outside.is_ok());
            } else {
                let e = outside.unwrap_err();
                assert_eq!(
                    e.to_string(),
                    "select_for_update cannot be used outside of a transaction.",
                    "{dialect:?}"
                );
            }
            let both = ForUpdate {
                nowait: true,
                skip_locked: true,
                ..Default::default()
            };
            let e = transaction::atomic(|| async {
                Product::objects()
                    .select_for_update_with(both.clone())
                    .all()
                    .await
            })
            .await
            .unwrap_err();
            assert_eq!(
                e.to_string(),
                "The nowait option cannot be used with skip_locked."
            );

            // NOWAIT and SKIP LOCKED against a row another transaction holds.
            if dialect != Dialect::Sqlite {
                let (locked_tx, locked_rx) = tokio::sync::oneshot::channel::<()>();
                let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
                let id = item.id;
                let holder = transaction::atomic(|| async move {
                    Product::objects()
                        .select_for_update()
                        .get(product::id.eq(id))
                        .await?;
                    let _ = locked_tx.send(());
                    let _ = done_rx.await;
                    Ok::<_, rjango::models::QueryError>(())
                });
                let other = async move {
                    let _ = locked_rx.await;
                    let nowait = transaction::atomic(|| async {
                        Product::objects()
                            .select_for_update_with(ForUpdate {
                                nowait: true,
                                ..Default::default()
                            })
                            .all()
                            .await
                    })
                    .await;
                    let skipped = transaction::atomic(|| async {
                        Product::objects()
                            .select_for_update_with(ForUpdate {
                                skip_locked: true,
                                ..Default::default()
                            })
                            .all()
                            .await
                    })
                    .await;
                    let _ = done_tx.send(());
                    (nowait, skipped)
                };
                let (held, (nowait, skipped)) = futures_util::future::join(holder, other).await;
                held.unwrap();
                let e = nowait.unwrap_err();
                assert_eq!(e.kind(), Some(ErrorKind::Operational), "{dialect:?}: {e}");
                assert!(
                    skipped.unwrap().is_empty(),
                    "{dialect:?}: the locked row is skipped"
                );
            }
            let no_key = transaction::atomic(|| async {
                Product::objects()
                    .select_for_update_with(ForUpdate {
                        no_key: true,
                        ..Default::default()
                    })
                    .all()
                    .await
            })
            .await;
            if dialect == Dialect::Mysql {
                assert_eq!(no_key.unwrap_err().kind(), Some(ErrorKind::NotSupported));
            } else {
                assert_eq!(no_key.unwrap().len(), 1);
            }

            // Stock: 8 tasks each reserve 1 of 5 with the row locked; none oversold.
            Product::objects()
                .filter(product::id.eq(item.id))
                .update([product::price.set(rust_decimal::Decimal::new(5, 0))])
                .await
                .unwrap();
            let tasks: Vec<_> = (0..8)
                .map(|_| {
                    let id = item.id;
                    async move {
                        transaction::atomic(|| async move {
                            let mut row = Product::objects()
                                .select_for_update()
                                .get(product::id.eq(id))
                                .await?;
                            if row.price <= rust_decimal::Decimal::ZERO {
                                return Ok(false);
                            }
                            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                            row.price -= rust_decimal::Decimal::ONE;
                            row.save().await?;
                            Ok::<_, rjango::models::QueryError>(true)
                        })
                        .await
                    }
                })
                .collect();
            let outcomes = futures_util::future::join_all(tasks).await;
            let sold = outcomes.iter().filter(|o| matches!(o, Ok(true))).count();
            let left = Product::objects()
                .get(product::id.eq(item.id))
                .await
                .unwrap()
                .price;
            let left = i64::try_from(left.trunc().mantissa()).unwrap();
            // Never oversold: what was sold is what left the stock.
            assert_eq!(sold as i64 + left, 5, "{dialect:?}: {outcomes:?}");
            if dialect == Dialect::Sqlite {
                // No row locks: a writer that meets another's transaction is refused
                // ("database is locked"), as under Django, rather than oversell.
                assert!(sold >= 1, "{outcomes:?}");
                for o in &outcomes {
                    if let Err(e) = o {
                        assert_eq!(e.kind(), Some(ErrorKind::Operational), "{e}");
                    }
                }
            } else {
                assert_eq!((sold, left), (5, 0), "{dialect:?}: {outcomes:?}");
                assert!(outcomes.iter().all(|o| o.is_ok()), "{outcomes:?}");
            }
        })
        .await;
        eprintln!("expressions: select_for_update ran on {ran:?}");
    });
}

/// select_for_update(of=...): only the named tables are locked (PostgreSQL); MariaDB has no
/// FOR UPDATE OF; a relation not followed by select_related is refused, in Django's words.
#[test]
fn select_for_update_of() {
    rjango::__private::block_on(async {
        let ran = on_each_database("for_update_of", |dialect| async move {
            use rjango::db::transaction;
            use rjango::models::QueryError;
            let (ada, _, _) = blog().await;
            let post_id = Post::objects()
                .filter(post::author.eq(ada.id))
                .values_list(post::id)
                .first()
                .await
                .unwrap()
                .unwrap();
            let only_posts = ForUpdate::default().of_self();
            let e = transaction::atomic(|| async {
                Post::objects()
                    .select_for_update_with(ForUpdate::default().of(post::author))
                    .all()
                    .await
            })
            .await
            .unwrap_err();
            let expected = if dialect == Dialect::Mysql {
                "FOR UPDATE OF is not supported on this database backend."
            } else {
                "Invalid field name(s) given in select_for_update(of=(...)): author. Only relational fields followed in the query are allowed."
            };
            assert_eq!(e.to_string(), expected, "{dialect:?}");
            if dialect == Dialect::Mysql {
                return;
            }
            // Locking the post and (separately) its author, joined INNER as Django joins a
            // NOT NULL key, works on PostgreSQL; SQLite ignores the lock.
            let both = transaction::atomic(|| async {
                Post::objects()
                    .select_related(post::author)
                    .select_for_update_with(ForUpdate::default().of_self().of(post::author))
                    .get(post::id.eq(post_id))
                    .await
            })
            .await
            .unwrap();
            assert_eq!(both.author.cached().unwrap().name, "Ada");
            if dialect != Dialect::Postgres {
                return;
            }
            // Holding the post only: its author can still be locked, the post cannot.
            let (locked_tx, locked_rx) = tokio::sync::oneshot::channel::<()>();
            let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
            let holder = transaction::atomic(|| async move {
                Post::objects()
                    .select_related(post::author)
                    .select_for_update_with(only_posts)
                    .get(post::id.eq(post_id))
                    .await?;
                let _ = locked_tx.send(());
                let _ = done_rx.await;
                Ok::<_, QueryError>(())
            });
            let nowait = ForUpdate {
                nowait: true,
                ..Default::default()
            };
            let other = async move {
                let _ = locked_rx.await;
                let author = transaction::atomic(|| async {
                    Author::objects()
                        .select_for_update_with(nowait.clone())
                        .get(author::id.eq(ada.id))
                        .await
                })
                .await;
                let post = transaction::atomic(|| async {
                    Post::objects()
                        .select_for_update_with(nowait.clone())
                        .get(post::id.eq(post_id))
                        .await
                })
                .await;
                let _ = done_tx.send(());
                (author, post)
            };
            let (held, (author, post)) = futures_util::future::join(holder, other).await;
            held.unwrap();
            assert_eq!(author.unwrap().name, "Ada", "the author is not locked");
            assert_eq!(post.unwrap_err().kind(), Some(ErrorKind::Operational));
        })
        .await;
        eprintln!("expressions: select_for_update(of) ran on {ran:?}");
    });
}
