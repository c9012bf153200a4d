//! Plain SeaORM on the entities `#[model]` generates for the same structs: insert through the
//! ActiveModel, find by key, filter and order by Column, find_also_related and find_related
//! across the foreign key, update, delete. The rows are the Django-style layer's rows.

use super::*;
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
