//! The rest of the queryset API: values_list, values, only/defer, a cursor, in_bulk, bulk_create, update_or_create, raw,
//! iterator in chunks, select_for_update, and the Paginator with its query count.

use super::*;
use rjango::db::count_queries;
use rjango::models::Paginator;

#[test]
fn more_queryset_methods() {
    rjango::__private::block_on(async {
        let ran = on_each_database("more", |dialect| async move {
            let ada = Author::objects().create(author_named("Ada")).await.unwrap();
            let posts: Vec<Post> = (1..=25)
                .map(|i| new_post(&ada, &format!("p{i:02}"), i))
                .collect();
            let (created, queries) =
                count_queries(async { Post::objects().bulk_create(posts).await.unwrap() }).await;
            assert_eq!(queries.len(), 1, "one INSERT for 25 rows");
            assert_eq!(Post::objects().count().await.unwrap(), 25);
            // Keys come back on every backend here: MariaDB 10.5+ has INSERT ... RETURNING.
            let mut keys: Vec<i64> = created.iter().map(|p| p.id).collect();
            assert!(keys.iter().all(|k| *k > 0), "{dialect:?}: keys come back");
            keys.dedup();
            assert_eq!(keys.len(), 25, "each row its own key");
            for p in [&created[0], &created[24]] {
                let read = Post::objects().get(post::id.eq(p.id)).await.unwrap();
                assert_eq!(read.title, p.title, "{dialect:?}: the key is this row's");
            }

            // values_list: one field flat, a tuple, and across a relation.
            let top: Vec<String> = Post::objects()
                .slice(..3)
                .values_list(post::title)
                .await
                .unwrap();
            assert_eq!(top, ["p25", "p24", "p23"], "Meta.ordering -views");
            let pairs: Vec<(String, i32)> = Post::objects()
                .filter(post::views.lte(2))
                .order_by([post::views.asc()])
                .values_list((post::title, post::views))
                .await
                .unwrap();
            assert_eq!(pairs, [("p01".to_owned(), 1), ("p02".to_owned(), 2)]);
            let who: Vec<String> = Post::objects()
                .filter(post::views.eq(1))
                .values_list(post::author.then(author::name))
                .await
                .unwrap();
            assert_eq!(who, ["Ada"]);

            // values: dictionaries keyed by Django's lookup names, across relations both ways.
            let rows = Post::objects()
                .filter(post::views.lte(2))
                .order_by([post::views.asc()])
                .values((
                    post::title,
                    post::views,
                    post::author,
                    post::author.then(author::name),
                ))
                .await
                .unwrap();
            assert_eq!(
                serde_json::Value::Array(rows.into_iter().map(serde_json::Value::Object).collect()),
                serde_json::json!([
                    { "title": "p01", "views": 1, "author": ada.id, "author__name": "Ada" },
                    { "title": "p02", "views": 2, "author": ada.id, "author__name": "Ada" },
                ])
            );
            let rows = Author::objects()
                .filter(author::name.eq("Ada"))
                .values((author::name, post::author.reverse().then(post::title)))
                .await
                .unwrap();
            assert_eq!(
                rows.len(),
                25,
                "one row per post, as Django's values() across posts"
            );
            assert!(
                rows.iter().all(|r| r.keys().any(|k| k == "posts__title")),
                "{rows:?}"
            );
            let nobody = Author::objects()
                .create(author_named("Nobody"))
                .await
                .unwrap();
            let rows = Author::objects()
                .filter(author::id.eq(nobody.id))
                .values((author::name, post::author.reverse().then(post::title)))
                .await
                .unwrap();
            assert_eq!(
                serde_json::Value::Object(rows[0].clone()),
                serde_json::json!({ "name": "Nobody", "posts__title": null }),
                "no related row reads as null, as in Django"
            );
            // values() with no fields: every column, keyed by attname (`author_id`).
            let all = Post::objects()
                .filter(post::title.eq("p01"))
                .values_all()
                .await
                .unwrap();
            let row = &all[0];
            assert_eq!(
                row.keys().cloned().collect::<Vec<_>>(),
                [
                    "id",
                    "author_id",
                    "title",
                    "body",
                    "views",
                    "likes",
                    "published",
                    "created"
                ]
            );
            assert_eq!(row["author_id"], serde_json::json!(ada.id));
            assert_eq!(row["title"], "p01");
            assert_eq!(row["published"], serde_json::Value::Null);
            // The same JSON as values(fields) gives for the same columns.
            let picked = Post::objects()
                .filter(post::title.eq("p01"))
                .values((post::created, post::views))
                .await
                .unwrap();
            assert_eq!(picked[0]["created"], row["created"]);
            assert_eq!(picked[0]["views"], row["views"]);

            // values_list across a relation that may find no row reads Options (a NOT NULL
            // foreign key reads plain values: `who` above is a Vec<String>).
            let titles: Vec<(String, Option<String>)> = Author::objects()
                .filter(author::name.eq("Nobody") | author::name.eq("Ada"))
                .order_by([
                    author::name.desc(),
                    post::author.reverse().then(post::views).asc(),
                ])
                .slice(..2)
                .values_list((author::name, post::author.reverse().then(post::title)))
                .await
                .unwrap();
            assert_eq!(
                titles,
                [
                    ("Nobody".to_owned(), None),
                    ("Ada".to_owned(), Some("p01".to_owned()))
                ],
                "no related row reads as None, as in Django"
            );
            let one = Post::objects()
                .filter(post::title.eq("p03"))
                .values(post::published)
                .await
                .unwrap();
            assert_eq!(
                one,
                [serde_json::json!({ "published": null })
                    .as_object()
                    .unwrap()
                    .clone()]
            );

            // only() and defer(): the SELECT leaves the columns out; the rows are read-only
            // until load() reads them whole.
            Post::objects()
                .filter(post::title.eq("p04"))
                .update([post::body.set("a long body")])
                .await
                .unwrap();
            let (rows, queries) = count_queries(async {
                Post::objects()
                    .filter(post::views.lte(4))
                    .defer(post::body)
                    .all()
                    .await
                    .unwrap()
            })
            .await;
            assert_eq!(rows.len(), 4);
            assert!(!queries[0].contains("body"), "{queries:?}");
            let p04 = rows.iter().find(|p| p.title == "p04").unwrap();
            assert_eq!(
                (p04.views, p04.body.as_str()),
                (4, ""),
                "the unread body is a placeholder"
            );
            assert_eq!(p04.deferred_fields(), ["body"]);
            assert!(!p04.is_loaded(post::body) && p04.is_loaded(post::title));
            let whole = p04.clone().load().await.unwrap();
            assert_eq!(whole.body, "a long body");
            let only = Post::objects()
                .only((post::title, post::author))
                .get(post::title.eq("p04"))
                .await
                .unwrap();
            assert_eq!(
                (only.id, only.title.as_str(), only.author.id, only.views),
                (whole.id, "p04", ada.id, 0)
            );
            assert_eq!(
                only.deferred_fields(),
                ["body", "views", "likes", "published", "created"]
            );
            let first = Post::objects()
                .order_by([post::title.desc()])
                .only(post::title)
                .first()
                .await
                .unwrap()
                .unwrap();
            assert_eq!(first.title, "p25");
            assert!(matches!(
                Post::objects()
                    .defer(post::body)
                    .get(post::title.eq("none"))
                    .await,
                Err(QueryError::DoesNotExist { model: "Post" })
            ));

            // A cursor: SQL of its own, in the open atomic block when there is one, with
            // Django's `%s` placeholders on every backend.
            let mark = "%s";
            let mut cursor = rjango::db::cursor().await.unwrap();
            assert_eq!(cursor.dialect(), dialect);
            let table = <Post as Model>::table();
            let changed = cursor
                .execute(
                    &format!("UPDATE {table} SET likes = 7 WHERE views < {mark}"),
                    vec![4.into()],
                )
                .await
                .unwrap();
            assert_eq!(changed, 3, "rowcount");
            let rows = cursor
                .fetch_all(
                    &format!(
                        "SELECT title, likes FROM {table} WHERE likes = {mark} ORDER BY title"
                    ),
                    vec![7.into()],
                )
                .await
                .unwrap();
            let read: Vec<(String, i32)> = rows
                .iter()
                .map(|r| (r.get(0).unwrap(), r.get_by_name("likes").unwrap()))
                .collect();
            assert_eq!(
                read,
                [
                    ("p01".to_owned(), 7),
                    ("p02".to_owned(), 7),
                    ("p03".to_owned(), 7)
                ]
            );
            // `%%` is a literal `%` when there are parameters, as in Django.
            let like = cursor
                .fetch_all(
                    &format!("SELECT title FROM {table} WHERE title LIKE 'p0%%' AND views > %s"),
                    vec![7.into()],
                )
                .await
                .unwrap();
            assert_eq!(like.len(), 2, "{dialect:?}: p08, p09");
            assert!(
                cursor
                    .fetch_one(
                        &format!("SELECT title FROM {table} WHERE views > 99"),
                        vec![]
                    )
                    .await
                    .unwrap()
                    .is_none()
            );
            // Made before the block, used inside it: the UPDATE is the block's.
            let mut outer = rjango::db::cursor().await.unwrap();
            let rolled_back: Result<(), QueryError> = transaction::atomic(|| async {
                outer
                    .execute(&format!("UPDATE {table} SET likes = 0"), vec![])
                    .await?;
                Err(QueryError::Database(rjango::db::DbError::Query(
                    "undo".into(),
                )))
            })
            .await;
            assert!(rolled_back.is_err());
            assert_eq!(
                Post::objects()
                    .filter(post::likes.eq(7))
                    .count()
                    .await
                    .unwrap(),
                3,
                "the cursor's UPDATE rolled back with its block"
            );
            let bad = cursor.fetch_all("SELECT nope FROM nowhere", vec![]).await;
            let message = bad.err().unwrap().to_string();
            assert!(
                message.contains("SQL: SELECT nope FROM nowhere"),
                "{message}"
            );

            // in_bulk.
            let ids: Vec<i64> = Post::objects()
                .filter(post::views.lte(3))
                .values_list(post::id)
                .await
                .unwrap();
            let by_id = Post::objects().in_bulk(ids.clone()).await.unwrap();
            assert_eq!(by_id.len(), 3);
            assert_eq!(by_id[&ids[0]].id, ids[0]);

            // update_or_create: updates the match, creates when none.
            let (p, created) = Post::objects()
                .update_or_create(
                    post::title.eq("p01"),
                    |p| p.views = 100,
                    || new_post(&ada, "p01", 100),
                )
                .await
                .unwrap();
            assert_eq!((p.views, created), (100, false));
            assert_eq!(
                Post::objects()
                    .get(post::title.eq("p01"))
                    .await
                    .unwrap()
                    .views,
                100
            );
            let (p, created) = Post::objects()
                .update_or_create(
                    post::title.eq("new"),
                    |p| p.views = 1,
                    || new_post(&ada, "new", 50),
                )
                .await
                .unwrap();
            assert!(created && p.id > 0 && p.views == 50);

            // raw SQL with parameters, read into the model.
            let table = <Post as Model>::table();
            let q = |c: &str| match dialect {
                Dialect::Mysql => format!("`{c}`"),
                _ => format!("\"{c}\""),
            };
            let param = "%s";
            let columns: Vec<String> = <Post as Model>::FIELDS
                .iter()
                .map(|f| q(f.column))
                .collect();
            let raw = Post::objects()
                .raw(
                    &format!(
                        "SELECT {} FROM {} WHERE {} = {param}",
                        columns.join(", "),
                        q(table),
                        q("title")
                    ),
                    vec!["p05".into()],
                )
                .await
                .unwrap();
            assert_eq!(raw.len(), 1);
            assert_eq!(raw[0].views, 5);

            // iterator: chunks of 10, one query each.
            let mut chunks = Post::objects().order_by([post::title.asc()]).iterator(10);
            let mut sizes = Vec::new();
            while let Some(chunk) = chunks.next().await.unwrap() {
                sizes.push(chunk.len());
            }
            assert_eq!(sizes, [10, 10, 6]);

            // select_for_update inside an atomic block.
            let locked = transaction::atomic(|| async {
                Post::objects()
                    .select_for_update()
                    .filter(post::title.eq("p02"))
                    .all()
                    .await
            })
            .await
            .unwrap();
            assert_eq!(locked.len(), 1);

            // Paginator: 26 posts, 10 a page; each page is one COUNT and one SELECT, the
            // authors selected with them.
            let paginator = Paginator::new(
                Post::objects()
                    .select_related(post::author)
                    .order_by([post::title.asc()]),
                10,
            );
            for number in 1..=3 {
                let (page, queries) =
                    count_queries(async { paginator.page(number).await.unwrap() }).await;
                assert_eq!(queries.len(), 2, "page {number}: {queries:?}");
                assert!(page.object_list.iter().all(|p| p.author.cached().is_some()));
            }
            let page = paginator.page(3).await.unwrap();
            assert_eq!(
                (
                    page.object_list.len(),
                    page.num_pages,
                    page.has_next(),
                    page.has_previous()
                ),
                (6, 3, false, true)
            );
            assert_eq!(page.page_range(), 1..=3);
            assert_eq!((page.start_index(), page.end_index()), (21, 26));
            assert!(paginator.page(4).await.is_err(), "EmptyPage");
            // get_page reads what a request sends: junk is page 1, too far is the last.
            assert_eq!(paginator.get_page(Some("x")).await.unwrap().number, 1);
            assert_eq!(paginator.get_page(Some("99")).await.unwrap().number, 3);
        })
        .await;
        println!("more queryset methods ran on {ran:?}");
    });
}

#[test]
fn durations() {
    use chrono::TimeDelta;
    use rjango::models::{F, Max};
    rjango::__private::block_on(async {
        let ran = on_each_database("durations", |dialect| async move {
            let talk = |title: &str, length: TimeDelta, pause: Option<TimeDelta>| Talk {
                id: 0,
                title: title.into(),
                length,
                pause,
            };
            let long = TimeDelta::hours(1) + TimeDelta::microseconds(250);
            let mut keynote = Talk::objects()
                .create(talk("keynote", long, Some(TimeDelta::minutes(5))))
                .await
                .unwrap();
            Talk::objects()
                .bulk_create(vec![
                    talk("lightning", TimeDelta::minutes(5), None),
                    talk("workshop", TimeDelta::days(2) + TimeDelta::seconds(1), None),
                ])
                .await
                .unwrap();
            // Read back to the microsecond, ordered by the duration (Meta.ordering).
            let all = Talk::objects().all().await.unwrap();
            let read: Vec<(String, TimeDelta, Option<TimeDelta>)> = all
                .into_iter()
                .map(|t| (t.title, t.length, t.pause))
                .collect();
            assert_eq!(
                read,
                [
                    ("lightning".to_owned(), TimeDelta::minutes(5), None),
                    ("keynote".to_owned(), long, Some(TimeDelta::minutes(5))),
                    (
                        "workshop".to_owned(),
                        TimeDelta::days(2) + TimeDelta::seconds(1),
                        None
                    ),
                ],
                "{dialect:?}"
            );
            // Lookups compare durations; F compares two duration columns.
            let longer: Vec<String> = Talk::objects()
                .filter(talk::length.gt(TimeDelta::minutes(30)))
                .values_list(talk::title)
                .await
                .unwrap();
            assert_eq!(longer, ["keynote", "workshop"]);
            let paused_as_long: Vec<String> = Talk::objects()
                .filter(talk::length.eq(F(talk::pause)))
                .values_list(talk::title)
                .await
                .unwrap();
            assert!(paused_as_long.is_empty());
            assert_eq!(
                Talk::objects()
                    .filter(talk::pause.isnull(true))
                    .count()
                    .await
                    .unwrap(),
                2
            );
            // save() updates it, update() sets it, with F arithmetic.
            keynote.length = TimeDelta::minutes(45);
            keynote.save().await.unwrap();
            Talk::objects()
                .filter(talk::title.eq("lightning"))
                .update([talk::length.set(F(talk::length) + TimeDelta::seconds(30))])
                .await
                .unwrap();
            let lengths: Vec<TimeDelta> = Talk::objects().values_list(talk::length).await.unwrap();
            assert_eq!(
                lengths,
                [
                    TimeDelta::minutes(5) + TimeDelta::seconds(30),
                    TimeDelta::minutes(45),
                    TimeDelta::days(2) + TimeDelta::seconds(1)
                ]
            );
            assert_eq!(
                Talk::objects().aggregate(Max(talk::length)).await.unwrap(),
                Some(TimeDelta::days(2) + TimeDelta::seconds(1))
            );
            let row = &Talk::objects()
                .filter(talk::title.eq("keynote"))
                .values_all()
                .await
                .unwrap()[0];
            let picked = Talk::objects()
                .filter(talk::title.eq("keynote"))
                .values(talk::length)
                .await
                .unwrap();
            assert_eq!(
                row["length"], picked[0]["length"],
                "values_all agrees with values"
            );
            // HAVING on a duration aggregate compares durations (an interval on PostgreSQL).
            let long_groups: Vec<(String, Option<TimeDelta>)> = Talk::objects()
                .values_list(talk::title)
                .annotate(Max(talk::length))
                .filter(Max(talk::length).gt(TimeDelta::hours(1)))
                .await
                .unwrap();
            assert_eq!(
                long_groups,
                [(
                    "workshop".to_owned(),
                    Some(TimeDelta::days(2) + TimeDelta::seconds(1))
                )]
            );
            // A name given twice is refused, as Django refuses it.
            let clash = Talk::objects()
                .values(talk::title)
                .annotate(Max(talk::length).named("title"))
                .await
                .unwrap_err();
            assert!(clash.to_string().contains("'title' conflicts"), "{clash}");
        })
        .await;
        println!("durations ran on {ran:?}");
    });
}

#[test]
fn bulk_update_writes_each_rows_own_values() {
    use chrono::TimeDelta;
    use rjango::db::count_queries;
    rjango::__private::block_on(async {
        let ran = on_each_database("bulkupd", |dialect| async move {
            let ada = Author::objects().create(author_named("Ada")).await.unwrap();
            let mut posts = Post::objects()
                .bulk_create(
                    (1..=5)
                        .map(|i| new_post(&ada, &format!("p{i}"), i))
                        .collect(),
                )
                .await
                .unwrap();
            for p in &mut posts {
                p.views *= 10;
                p.title = format!("{}!", p.title);
                p.body = "not written".into();
            }
            let (updated, queries) = count_queries(async {
                Post::objects()
                    .bulk_update(&posts, &["views", "title"])
                    .await
                    .unwrap()
            })
            .await;
            assert_eq!(updated, 5, "{dialect:?}");
            assert_eq!(
                queries.iter().filter(|q| q.starts_with("UPDATE")).count(),
                1,
                "{queries:?}"
            );
            let rows: Vec<(String, i32, String)> = Post::objects()
                .order_by([post::views.asc()])
                .values_list((post::title, post::views, post::body))
                .await
                .unwrap();
            assert_eq!(
                rows,
                (1..=5)
                    .map(|i| (format!("p{i}!"), i * 10, String::new()))
                    .collect::<Vec<_>>(),
                "only the named fields are written"
            );

            // The queryset's filters still apply: rows they leave out keep their values.
            for p in &mut posts {
                p.likes = 7;
            }
            let updated = Post::objects()
                .filter(post::views.lte(20))
                .bulk_update(&posts, &["likes", "likes", "author_id"])
                .await
                .unwrap();
            assert_eq!(updated, 2);
            assert_eq!(
                Post::objects()
                    .filter(post::likes.eq(7))
                    .count()
                    .await
                    .unwrap(),
                2
            );

            // Durations too (an interval on PostgreSQL).
            let mut talks = Talk::objects()
                .bulk_create(
                    (1..=3)
                        .map(|i| Talk {
                            id: 0,
                            title: format!("t{i}"),
                            length: TimeDelta::minutes(i),
                            pause: None,
                        })
                        .collect(),
                )
                .await
                .unwrap();
            for t in &mut talks {
                t.length = t.length * 2;
                t.pause = Some(TimeDelta::seconds(1));
            }
            Talk::objects()
                .bulk_update(&talks, &["length", "pause"])
                .await
                .unwrap();
            let lengths: Vec<(TimeDelta, Option<TimeDelta>)> = Talk::objects()
                .values_list((talk::length, talk::pause))
                .await
                .unwrap();
            assert_eq!(
                lengths,
                (1..=3)
                    .map(|i| (TimeDelta::minutes(2 * i), Some(TimeDelta::seconds(1))))
                    .collect::<Vec<_>>()
            );

            // Django's refusals, with nothing written.
            let refused = |e: QueryError| e.to_string();
            let qs = Post::objects();
            assert_eq!(
                refused(qs.bulk_update(&posts, &[]).await.unwrap_err()),
                "bulk_update() needs the names of the fields to update"
            );
            assert_eq!(
                refused(qs.bulk_update(&posts, &["id"]).await.unwrap_err()),
                "bulk_update() cannot be used with primary key fields"
            );
            assert!(
                refused(qs.bulk_update(&posts, &["viewz"]).await.unwrap_err())
                    .contains("Post has no field named 'viewz'")
            );
            let unsaved = vec![new_post(&ada, "new", 1)];
            assert_eq!(
                refused(qs.bulk_update(&unsaved, &["views"]).await.unwrap_err()),
                "All bulk_update() objects must have a primary key set."
            );
            assert_eq!(qs.bulk_update(&[], &["views"]).await.unwrap(), 0);
        })
        .await;
        println!("bulk_update ran on {ran:?}");
    });
}

/// Django's shortcuts: get_object_or_404 and get_list_or_404 raise Http404 with Django's
/// message when nothing matches.
#[test]
fn shortcuts_raise_http404() {
    use rjango::http::ViewError;
    use rjango::shortcuts::{get_list_or_404, get_object_or_404};
    rjango::__private::block_on(async {
        let ran = on_each_database("shortcuts", |dialect| async move {
            let message = |e: ViewError| match e {
                ViewError::NotFound(e) => e.to_string(),
                other => panic!("{dialect:?}: not a 404: {other:?}"),
            };
            let none = get_list_or_404(Author::objects()).await.unwrap_err();
            assert_eq!(message(none), "No Author matches the given query.");
            let ada = Author::objects().create(author_named("Ada")).await.unwrap();
            let all = get_list_or_404(Author::objects()).await.unwrap();
            assert_eq!(all.len(), 1);
            let none = get_list_or_404(Author::objects().filter(author::name.eq("Grace")))
                .await
                .unwrap_err();
            assert_eq!(message(none), "No Author matches the given query.");
            let found = get_object_or_404(Author::objects(), author::id.eq(ada.id))
                .await
                .unwrap();
            assert_eq!(found.name, "Ada");
            let missing = get_object_or_404(Author::objects(), author::id.eq(ada.id + 1))
                .await
                .unwrap_err();
            assert_eq!(message(missing), "No Author matches the given query.");
        })
        .await;
        println!("shortcuts ran on {ran:?}");
    });
}
