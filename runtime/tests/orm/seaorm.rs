//! Plain SeaORM on the entities `#[model]` generates for the same structs: insert through the
//! ActiveModel, find by key, filter and order by Column, find_also_related and find_related
//! across the foreign key, reverse relations and the many-to-many's join table through the
//! rjango handles as SeaORM `Linked`, update, delete. The rows are the Django-style layer's rows.

use super::*;
use blog::models::{Tag, tag};
use rjango::__private::sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, ModelTrait, QueryFilter, QueryOrder, Set,
};

#[test]
fn plain_seaorm_on_generated_entities() {
    rjango::__private::block_on(async {
        let ran = on_each_database("seaorm", |dialect| async move {
            let pool = connections::get(&connections::resolve(None)).await.unwrap();
            let db = pool.sea_orm();
            let ada = Author::objects().create(author_named("Ada")).await.unwrap();

            // Insert through SeaORM's ActiveModel; the manager sees the row.
            let inserted = post::ActiveModel {
                author: Set(ForeignKey::new(ada.id)),
                title: Set("From SeaORM".into()),
                body: Set(String::new()),
                views: Set(3),
                likes: Set(0),
                published: Set(None),
                created: Set(Utc::now()),
                ..Default::default()
            }
            .insert(db)
            .await
            .unwrap();
            assert!(inserted.id > 0, "{dialect:?}");
            let same = Post::objects().get(post::id.eq(inserted.id)).await.unwrap();
            assert_eq!(same.title, "From SeaORM");

            // And the other way: a row the manager made, read by SeaORM into the same struct.
            Post::objects()
                .create(new_post(&ada, "From rjango", 9))
                .await
                .unwrap();
            let found: Vec<Post> = post::Entity::find()
                .filter(post::Column::Title.contains("rjango"))
                .order_by_asc(post::Column::Id)
                .all(db)
                .await
                .unwrap();
            assert_eq!(found.len(), 1);
            assert_eq!((found[0].views, found[0].author.id), (9, ada.id));
            let by_key = post::Entity::find_by_id(inserted.id)
                .one(db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(by_key.views, 3);

            // Across the foreign key: belongs_to from the generated Relation.
            let pairs = post::Entity::find()
                .find_also_related(author::Entity)
                .order_by_asc(post::Column::Id)
                .all(db)
                .await
                .unwrap();
            assert_eq!(pairs.len(), 2);
            assert_eq!(pairs[0].1.as_ref().unwrap().name, "Ada");
            let author_of: Vec<Author> = by_key.find_related(author::Entity).all(db).await.unwrap();
            assert_eq!(author_of[0].id, ada.id);

            // Read backwards through the related_name, with the rjango handle as SeaORM's Linked.
            let grace = Author::objects()
                .create(author_named("Grace"))
                .await
                .unwrap();
            let ada_row: Author = author::Entity::find_by_id(ada.id)
                .one(db)
                .await
                .unwrap()
                .unwrap();
            let mut titles: Vec<String> = ada_row
                .find_linked(post::author.reverse())
                .all(db)
                .await
                .unwrap()
                .into_iter()
                .map(|p| p.title)
                .collect();
            titles.sort();
            assert_eq!(titles, ["From SeaORM", "From rjango"]);
            let with_posts = author::Entity::find()
                .find_with_linked(post::author.reverse())
                .order_by_asc(author::Column::Id)
                .all(db)
                .await
                .unwrap();
            let counts: Vec<(String, usize)> = with_posts
                .iter()
                .map(|(a, posts)| (a.name.clone(), posts.len()))
                .collect();
            assert_eq!(
                counts,
                [("Ada".to_owned(), 2), ("Grace".to_owned(), 0)],
                "every author, each with its posts"
            );
            assert!(
                grace
                    .find_linked(post::author.reverse())
                    .all(db)
                    .await
                    .unwrap()
                    .is_empty()
            );
            let forward: Vec<Author> = by_key.find_linked(post::author).all(db).await.unwrap();
            assert_eq!(forward[0].name, "Ada");

            // The many-to-many through its join table: Related with via, and Linked both ways.
            let rust = Tag::objects()
                .create(Tag {
                    id: 0,
                    name: "rust".into(),
                })
                .await
                .unwrap();
            let orm = Tag::objects()
                .create(Tag {
                    id: 0,
                    name: "orm".into(),
                })
                .await
                .unwrap();
            same.tags().add([&rust, &orm]).await.unwrap();
            let mut tag_names: Vec<String> = by_key
                .find_related(tag::Entity)
                .all(db)
                .await
                .unwrap()
                .into_iter()
                .map(|t| t.name)
                .collect();
            tag_names.sort();
            assert_eq!(tag_names, ["orm", "rust"]);
            let linked: Vec<Tag> = by_key.find_linked(post::tags).all(db).await.unwrap();
            assert_eq!(linked.len(), 2);
            let tagged: Vec<Post> = rust
                .find_linked(post::tags.reverse())
                .all(db)
                .await
                .unwrap();
            assert_eq!(
                tagged.iter().map(|p| p.id).collect::<Vec<_>>(),
                [inserted.id]
            );
            let join_rows = post::tags_through::Entity::find().all(db).await.unwrap();
            assert_eq!(join_rows.len(), 2);
            assert!(
                join_rows.iter().all(|r| r.post.id == inserted.id),
                "{join_rows:?}"
            );
            let sql = Tag::objects()
                .create(Tag {
                    id: 0,
                    name: "sql".into(),
                })
                .await
                .unwrap();
            let row = post::tags_through::ActiveModel {
                post: Set(ForeignKey::new(inserted.id)),
                tag: Set(ForeignKey::new(sql.id)),
                ..Default::default()
            }
            .insert(db)
            .await
            .unwrap();
            assert!(row.id > 0);
            let names: Vec<String> = same.tags().all().values_list(tag::name).await.unwrap();
            assert_eq!(
                names,
                ["orm", "rust", "sql"],
                "the manager sees the row SeaORM joined"
            );

            // Update and delete through SeaORM.
            let mut active: post::ActiveModel = by_key.into();
            active.views = Set(30);
            active.update(db).await.unwrap();
            assert_eq!(
                Post::objects()
                    .get(post::id.eq(inserted.id))
                    .await
                    .unwrap()
                    .views,
                30
            );
            // Plain SeaORM deletes one row and no more: the join rows hold the post until
            // they go (the Django-style delete() collects them itself).
            assert!(
                post::Entity::delete_by_id(inserted.id)
                    .exec(db)
                    .await
                    .is_err()
            );
            post::tags_through::Entity::delete_many()
                .filter(post::tags_through::Column::Post.eq(inserted.id))
                .exec(db)
                .await
                .unwrap();
            post::Entity::delete_by_id(inserted.id)
                .exec(db)
                .await
                .unwrap();
            assert_eq!(Post::objects().count().await.unwrap(), 1);
        })
        .await;
        println!("plain SeaORM ran on {ran:?}");
    });
}
