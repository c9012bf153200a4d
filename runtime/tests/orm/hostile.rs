//! Hostile values through every lookup but `regex`/`iregex` (whose value is a pattern by
//! design): SQL a value might smuggle in (quotes, comments, statement ends, LIKE wildcards and
//! escapes, backslashes) is only ever a value. Each lookup runs without error, finds the row
//! that holds the value, finds no row that does not (a wildcard matches itself only), and the
//! table keeps every row.

use super::*;

/// Values that would break out of a quoted literal or a LIKE pattern if pasted into SQL.
const HOSTILE: &[&str] = &[
    "'; DROP TABLE blog_post; --",
    "\" OR \"1\"=\"1",
    "' OR '1'='1",
    "\\'; DELETE FROM blog_author; --",
    "%' OR 1=1 --",
    "_%\\_%",
    "a\\",
    "$1::text",
    "?",
    "/* c */ ; SELECT 1",
    "`x`",
    "é'ü\"",
];

#[test]
fn hostile_values_through_every_lookup() {
    rjango::__private::block_on(async {
        let ran = on_each_database("hostile", |dialect| async move {
            let a = Author::objects().create(author_named("A")).await.unwrap();
            for v in HOSTILE {
                Post::objects().create(new_post(&a, v, 1)).await.unwrap();
            }
            let total = HOSTILE.len();
            let count = |q: Q<Post>| async move { Post::objects().filter(q).count().await };
            for v in HOSTILE {
                let v = *v;
                let found = |qs: Vec<String>, lookup: &str| {
                    assert!(
                        qs.iter().any(|t| t == v),
                        "{dialect:?} {lookup}({v:?}) missed its row: {qs:?}"
                    );
                };
                let q = |q: Q<Post>| sorted_titles(Post::objects().filter(q));
                found(q(post::title.eq(v)).await, "exact");
                found(q(post::title.iexact(v)).await, "iexact");
                found(q(post::title.contains(v)).await, "contains");
                found(q(post::title.icontains(v)).await, "icontains");
                found(q(post::title.startswith(v)).await, "startswith");
                found(q(post::title.istartswith(v)).await, "istartswith");
                found(q(post::title.endswith(v)).await, "endswith");
                found(q(post::title.iendswith(v)).await, "iendswith");
                found(q(post::title.is_in([v, "none"])).await, "in");
                found(q(post::title.range(v, v)).await, "range");
                found(q(post::title.gte(v)).await, "gte");
                found(q(post::title.lte(v)).await, "lte");
                // Every row is below, at or above the value: the comparison is a comparison.
                let (lt, eq, gt) = (
                    count(post::title.lt(v)).await.unwrap(),
                    count(post::title.eq(v)).await.unwrap(),
                    count(post::title.gt(v)).await.unwrap(),
                );
                assert_eq!(lt + eq + gt, total as u64, "{dialect:?} {v:?}");
                // A LIKE wildcard in a value is a character: each pattern lookup finds only
                // rows that hold the value where it says (SQLite's LIKE ignores ASCII case).
                let fold = |s: &str, insensitive: bool| {
                    if insensitive || dialect == Dialect::Sqlite {
                        s.to_lowercase()
                    } else {
                        s.to_owned()
                    }
                };
                type Holds = fn(&str, &str) -> bool;
                let patterns: [(&str, Q<Post>, bool, Holds); 6] = [
                    ("contains", post::title.contains(v), false, |t, v| {
                        t.contains(v)
                    }),
                    ("icontains", post::title.icontains(v), true, |t, v| {
                        t.contains(v)
                    }),
                    ("startswith", post::title.startswith(v), false, |t, v| {
                        t.starts_with(v)
                    }),
                    ("istartswith", post::title.istartswith(v), true, |t, v| {
                        t.starts_with(v)
                    }),
                    ("endswith", post::title.endswith(v), false, |t, v| {
                        t.ends_with(v)
                    }),
                    ("iendswith", post::title.iendswith(v), true, |t, v| {
                        t.ends_with(v)
                    }),
                ];
                for (lookup, filter, insensitive, holds) in patterns {
                    for t in q(filter).await {
                        assert!(
                            holds(&fold(&t, insensitive), &fold(v, insensitive)),
                            "{dialect:?} {lookup}({v:?}) found {t:?}"
                        );
                    }
                }
                // Through the value of an update as well.
                Post::objects()
                    .filter(post::title.eq(v))
                    .update([post::body.set(v)])
                    .await
                    .unwrap();
            }
            for v in HOSTILE {
                let p = Post::objects().get(post::title.eq(*v)).await.unwrap();
                assert_eq!(p.body, *v, "{dialect:?}: the value went in as it was");
            }
            assert_eq!(Post::objects().count().await.unwrap(), total as u64);
            assert_eq!(Author::objects().count().await.unwrap(), 1);
        })
        .await;
        eprintln!("hostile values through every lookup ran on {ran:?}");
    });
}
