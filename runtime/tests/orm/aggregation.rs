//! aggregate and annotate: Count (and distinct), Sum, Avg, Min, Max over a queryset, per row
//! across a relation, filtered and ordered by the annotation, grouped as Django groups.

use super::*;
use rjango::models::aggregates::CountAll;

#[test]
fn aggregate_and_annotate() {
    rjango::__private::block_on(async {
        let ran = on_each_database("aggregate", |dialect| async move {
            // Nothing yet: Count is 0, the others NULL.
            let empty = Post::objects()
                .aggregate((Count(post::id), Sum(post::views), Avg(post::views)))
                .await
                .unwrap();
            assert_eq!(empty, (0, None, None), "{dialect:?}");

            let ada = Author::objects().create(author_named("Ada")).await.unwrap();
            let grace = Author::objects()
                .create(author_named("Grace"))
                .await
                .unwrap();
            Author::objects()
                .create(author_named("Linus"))
                .await
                .unwrap();
            for (title, views, who) in [
                ("a", 10, &ada),
                ("b", 30, &ada),
                ("c", 5, &ada),
                ("d", 20, &grace),
            ] {
                Post::objects()
                    .create(new_post(who, title, views))
                    .await
                    .unwrap();
            }

            let (n, total, mean, low, high) = Post::objects()
                .aggregate((
                    CountAll::<Post>::new(),
                    Sum(post::views),
                    Avg(post::views),
                    Min(post::views),
                    Max(post::title),
                ))
                .await
                .unwrap();
            assert_eq!(
                (n, total, low, high.as_deref()),
                (4, Some(65), Some(5), Some("d"))
            );
            assert!((mean.unwrap() - 16.25).abs() < 1e-9, "{mean:?}");
            // Over a filtered queryset, and Count distinct.
            assert_eq!(
                Post::objects()
                    .filter(post::views.gte(10))
                    .aggregate(Sum(post::views))
                    .await
                    .unwrap(),
                Some(60)
            );
            assert_eq!(
                Post::objects()
                    .aggregate((Count(post::author), Count::distinct(post::author)))
                    .await
                    .unwrap(),
                (4, 2)
            );
            // Across a relation: the total views of Ada's posts, from the authors' side.
            let posts = post::author.reverse();
            assert_eq!(
                Author::objects()
                    .filter(author::name.eq("Ada"))
                    .aggregate(Sum(posts.then(post::views)))
                    .await
                    .unwrap(),
                Some(45)
            );

            // annotate: each author with their number of posts (0 for none), by that number.
            let n_posts = Count(posts);
            let per_author: Vec<(String, i64)> = Author::objects()
                .annotate(n_posts)
                .order_by([n_posts.desc(), author::name.asc()])
                .all()
                .await
                .unwrap()
                .into_iter()
                .map(|(a, n)| (a.name, n))
                .collect();
            assert_eq!(
                per_author,
                [("Ada".into(), 3), ("Grace".into(), 1), ("Linus".into(), 0)],
                "{dialect:?}"
            );
            // Filtered by the annotation (HAVING), and counted as groups.
            let prolific = Author::objects().annotate(n_posts).filter(n_posts.gt(1));
            assert_eq!(prolific.count().await.unwrap(), 1);
            assert_eq!(prolific.all().await.unwrap()[0].0.name, "Ada");
            // A filter() before annotate() narrows what is counted, as in Django.
            let popular: Vec<(String, i64)> = Author::objects()
                .filter(posts.then(post::views).gte(10))
                .annotate(n_posts)
                .order_by([author::name.asc()])
                .all()
                .await
                .unwrap()
                .into_iter()
                .map(|(a, n)| (a.name, n))
                .collect();
            assert_eq!(popular, [("Ada".into(), 2), ("Grace".into(), 1)]);
            // Several annotations at once.
            let sums: Vec<(i64, Option<i64>, Option<i32>)> = Author::objects()
                .annotate((
                    n_posts,
                    Sum(posts.then(post::views)),
                    Max(posts.then(post::views)),
                ))
                .order_by([author::name.asc()])
                .all()
                .await
                .unwrap()
                .into_iter()
                .map(|(_, v)| v)
                .collect();
            assert_eq!(
                sums,
                [
                    (3, Some(45), Some(30)),
                    (1, Some(20), Some(20)),
                    (0, None, None)
                ]
            );

            // values(...).annotate(...): Django's GROUP BY idiom, one row per distinct value.
            // Post's Meta.ordering (-views) is left out, as Django leaves it out, or each post
            // would be a group of its own.
            let per_author: Vec<(i64, i64, Option<i64>)> = Post::objects()
                .values_list(post::author)
                .annotate((Count(post::id), Sum(post::views)))
                .order_by([post::author.asc()])
                .await
                .unwrap()
                .into_iter()
                .map(|(author, (n, views)): (ForeignKey<Author>, _)| (author.id, n, views))
                .collect();
            assert_eq!(
                per_author,
                [(ada.id, 3, Some(45)), (grace.id, 1, Some(20))],
                "{dialect:?}"
            );
            // As dictionaries: Django's default names (`id__count`), or the name given;
            // filtered by the aggregate (HAVING) and ordered by it.
            let n = Count(post::id).named("n");
            let rows = Post::objects()
                .values((post::author.then(author::name),))
                .annotate((n, Max(post::views)))
                .filter(n.gte(1))
                .order_by([n.desc()])
                .await
                .unwrap();
            assert_eq!(
                serde_json::Value::Array(rows.into_iter().map(serde_json::Value::Object).collect()),
                serde_json::json!([
                    { "author__name": "Ada", "n": 3, "views__max": 30 },
                    { "author__name": "Grace", "n": 1, "views__max": 20 },
                ])
            );
            let busy: Vec<String> = Author::objects()
                .values_list(author::name)
                .annotate(Count(posts))
                .filter(Count(posts).gt(1))
                .await
                .unwrap()
                .into_iter()
                .map(|(name, _)| name)
                .collect();
            assert_eq!(busy, ["Ada"], "HAVING on the grouped rows");
            let keys: Vec<String> = Author::objects()
                .filter(author::name.eq("Linus"))
                .values(author::name)
                .annotate(Count(posts))
                .await
                .unwrap()[0]
                .keys()
                .cloned()
                .collect();
            assert_eq!(keys, ["name", "posts__count"], "Django's default alias");
        })
        .await;
        println!("aggregation ran on {ran:?}");
    });
}
