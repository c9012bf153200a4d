//! Rows as Django writes them are read and filtered as Django reads and filters them: a
//! datetime Django stored on SQLite is the text `2023-12-31 23:59:59.999999` (naive UTC), and
//! rjango both writes that text and binds its filters in it, so a range ends where it should
//! and an equality finds the row. (The servers' columns are typed; the same rows hold there.)

use chrono::{TimeZone, Utc};
use rjango::models::prelude::*;

use crate::blog::models::{Author, Post, post};
use crate::{author_named, on_each_database};

#[test]
fn rows_django_wrote_are_filtered_as_django_filters_them() {
    rjango::__private::block_on(async {
        on_each_database("storage", |dialect| async move {
            let ada = Author::objects().create(author_named("Ada")).await.unwrap();
            let table = <Post as Model>::table();
            let mut cursor = rjango::db::cursor().await.unwrap();
            for (title, published) in [
                ("last", "2023-12-31 23:59:59.999999"),
                ("first", "2024-01-01 00:00:00"),
            ] {
                // The text Django's SQLite backend writes (literals, as Django's rows are).
                cursor
                    .execute(
                        &format!(
                            "INSERT INTO {table} (author_id, title, body, views, likes, published, created) \
                             VALUES (%s, '{title}', '', 0, 0, '{published}', '{published}')"
                        ),
                        vec![ada.id.into()],
                    )
                    .await
                    .unwrap();
            }
            let new_year = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
            let last_moment = new_year - chrono::TimeDelta::microseconds(1);
            let titles = |posts: Vec<Post>| posts.into_iter().map(|p| p.title).collect::<Vec<_>>();

            let before = Post::objects()
                .filter(post::published.lt(new_year))
                .all()
                .await
                .unwrap();
            assert_eq!(titles(before), ["last"], "{dialect:?}: a range ends at its bound");
            let exact = Post::objects()
                .filter(post::published.eq(last_moment))
                .all()
                .await
                .unwrap();
            assert_eq!(titles(exact), ["last"], "{dialect:?}: equal to the microsecond");
            assert_eq!(exact_published(&titles_of("last").await), Some(last_moment), "{dialect:?}");
            let in_2024 = Post::objects()
                .filter(post::published.year().eq(2024))
                .count()
                .await
                .unwrap();
            assert_eq!(in_2024, 1, "{dialect:?}");

            // What rjango writes is the same text, so Django's rows and rjango's sort together.
            let mut mine = crate::new_post(&ada, "mine", 0);
            mine.published = Some(Utc.with_ymd_and_hms(2023, 12, 31, 23, 59, 59).unwrap());
            Post::objects().create(mine).await.unwrap();
            if dialect == rjango::db::Dialect::Sqlite {
                let stored = cursor
                    .fetch_one(&format!("SELECT published FROM {table} WHERE title = 'mine'"), vec![])
                    .await
                    .unwrap()
                    .unwrap();
                assert_eq!(stored.get::<String>(0).unwrap(), "2023-12-31 23:59:59");
            }
            let ordered = Post::objects()
                .filter(post::published.isnull(false))
                .order_by([post::published.asc()])
                .all()
                .await
                .unwrap();
            assert_eq!(titles(ordered), ["mine", "last", "first"], "{dialect:?}");
        })
        .await;
    });
}

async fn titles_of(title: &str) -> Vec<Post> {
    Post::objects()
        .filter(post::title.eq(title))
        .all()
        .await
        .unwrap()
}

fn exact_published(posts: &[Post]) -> Option<chrono::DateTime<Utc>> {
    posts.first().and_then(|p| p.published)
}
