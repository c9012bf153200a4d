//! Two databases at once: `.using(alias)` reads and writes the other one, and an instance
//! read from it is saved, deleted, refreshed and related there with the `_using` methods,
//! never silently on `default`.

use super::*;
use blog::models::{Tag, tag};

#[test]
fn two_databases_by_alias() {
    rjango::__private::block_on(async {
        let ran = on_each_database("twodb", |dialect| async move {
            // The other database: a second SQLite file, whatever `default` is.
            let other_db = migrated(Dialect::Sqlite).await.unwrap();
            let other = format!("twodb_other_{}", dialect.vendor());
            register(&other, &other_db).await;

            Author::objects().create(author_named("Ada")).await.unwrap();
            let mut grace = Author::objects()
                .using(&other)
                .create(author_named("Grace"))
                .await
                .unwrap();
            assert_eq!(names().await, ["Ada"], "{dialect:?}: default has only Ada");
            let there: Vec<String> = Author::objects()
                .using(&other)
                .values_list(author::name)
                .await
                .unwrap();
            assert_eq!(there, ["Grace"], "the other database has only Grace");

            // save_using writes where the row came from; save() would have inserted a copy
            // into default.
            grace.name = "Grace Hopper".into();
            grace.save_using(&other).await.unwrap();
            assert_eq!(names().await, ["Ada"], "default untouched by save_using");
            let mut again = Author::objects()
                .using(&other)
                .get(author::id.eq(grace.id))
                .await
                .unwrap();
            assert_eq!(again.name, "Grace Hopper");
            again.name = "changed".into();
            again.save_fields_using(&other, &["name"]).await.unwrap();
            grace.refresh_from_db_using(&other).await.unwrap();
            assert_eq!(grace.name, "changed");

            // Relations on the other database: a post, its tags, following its author.
            let mut post = new_post(&grace, "elsewhere", 1);
            post.save_using(&other).await.unwrap();
            let rust = Tag::objects()
                .using(&other)
                .create(Tag {
                    id: 0,
                    name: "rust".into(),
                })
                .await
                .unwrap();
            post.tags().using(&other).add([&rust]).await.unwrap();
            post.tags().using(&other).set([&rust]).await.unwrap();
            let tags: Vec<String> = post
                .tags()
                .using(&other)
                .all()
                .values_list(tag::name)
                .await
                .unwrap();
            assert_eq!(tags, ["rust"]);
            assert_eq!(
                post.author.get_using(&other).await.unwrap().name,
                "changed",
                "the foreign key followed on the other database"
            );
            assert_eq!(
                Post::objects().count().await.unwrap(),
                0,
                "default has no post"
            );

            // delete_using cascades there, and only there.
            let deleted = grace.delete_using(&other).await.unwrap();
            assert_eq!(
                deleted.total, 3,
                "{deleted:?}: Grace, her post, its tag link"
            );
            assert_eq!(Author::objects().using(&other).count().await.unwrap(), 0);
            assert_eq!(names().await, ["Ada"], "default keeps Ada");
        })
        .await;
        println!("two databases by alias ran on {ran:?}");
    });
}
