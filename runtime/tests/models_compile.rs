//! Models using every field type and attribute compile with `#[model]`: the field attributes
//! are consumed, the field types are real Rust types, and relations name real structs (across
//! modules through `crate::` paths and `use`, as between apps).

mod accounts {
    pub mod models {
        use rjango::models::prelude::*;

        #[model]
        pub struct User {
            #[field(max_length = 150, unique = true)]
            pub username: CharField,
        }

        #[model]
        pub struct Group {
            #[field(max_length = 80)]
            pub name: CharField,
            /// With `Profile.primary_group`, a relation each way between two models.
            #[field(on_delete = SetNull, related_name = "owned_groups")]
            pub owner: Option<ForeignKey<User>>,
        }

        #[model]
        pub struct Profile {
            #[field(on_delete = Cascade)]
            pub user: OneToOneField<User>,
            #[field(on_delete = SetNull, related_name = "primary_for")]
            pub primary_group: Option<ForeignKey<Group>>,
        }

        #[model]
        pub struct Player {
            #[field(max_length = 50)]
            pub name: CharField,
        }

        /// A model whose name is a Rust keyword in lower case: its join table's field is
        /// `r#match`.
        #[model]
        pub struct Match {
            pub players: ManyToManyField<Player>,
        }

        /// Two foreign keys to one model: SeaORM's `Related` can name neither, `Linked` both.
        #[model]
        pub struct Friendship {
            #[field(on_delete = Cascade, related_name = "friendships_made")]
            pub from_user: ForeignKey<User>,
            #[field(on_delete = Cascade, related_name = "friendships_received")]
            pub to_user: ForeignKey<User>,
        }
    }
}

mod blog {
    pub mod models {
        use crate::accounts::models::{Group as Team, User};
        use rjango::models::prelude::*;

        #[model(db_table = "blog_authors", verbose_name = "writer")]
        pub struct Author {
            #[field(on_delete = Cascade, related_name = "author_profile")]
            pub user: OneToOneField<User>,
            #[field(
                max_length = 100,
                unique = true,
                db_index = true,
                db_column = "full_name"
            )]
            #[field(blank = true, help_text = "Shown on posts", verbose_name = "name")]
            pub name: CharField,
            #[field(on_delete = SetNull)]
            pub mentor: Option<ForeignKey<Self>>,
            #[field(on_delete = Protect)]
            pub team: Option<ForeignKey<Team>>,
        }

        #[model(
            ordering = ["-published", "title"],
            unique_together = [["author", "slug"]],
            indexes = [Index(fields = ["-published"], name = "blog_post_published_idx")],
            constraints = [
                UniqueConstraint(fields = ["author", "title"], name = "blog_post_author_title_key"),
                CheckConstraint(check = "views >= 0", name = "blog_post_views_gte_0"),
            ],
        )]
        #[derive(Debug, Clone)]
        pub struct Post {
            #[field(on_delete = Cascade, related_name = "posts")]
            pub author: ForeignKey<Author>,
            #[field(max_length = 200)]
            pub title: CharField,
            pub slug: SlugField,
            pub body: TextField,
            pub contact: EmailField,
            pub website: URLField,
            #[field(default = 0)]
            pub views: IntegerField,
            #[field(default = -1)]
            pub score: BigIntegerField,
            #[field(default = 3, choices = [(1, "Low"), (3, "Normal"), (5, "High")])]
            pub priority: SmallIntegerField,
            pub likes: PositiveIntegerField,
            pub shares: PositiveBigIntegerField,
            pub stars: PositiveSmallIntegerField,
            #[field(default = false)]
            pub featured: BooleanField,
            #[field(default = 0.5)]
            pub ratio: FloatField,
            #[field(max_digits = 6, decimal_places = 2, default = "1.50")]
            pub price: DecimalField,
            #[field(auto_now_add = true)]
            pub created: DateField,
            #[field(auto_now = true)]
            pub updated: DateTimeField,
            pub published: Option<DateTimeField>,
            #[field(default = "09:00:00")]
            pub remind_at: TimeField,
            pub reading_time: Option<DurationField>,
            #[field(unique = true)]
            pub uuid: UUIDField,
            #[field(default = None)]
            pub extra: Option<JSONField>,
            pub thumbnail: BinaryField,
            #[field(related_name = "posts", db_table = "blog_post_tags", blank = true)]
            pub tags: ManyToManyField<Tag>,
            #[field(on_delete = Cascade)]
            pub editor: ForeignKey<crate::accounts::models::User>,
        }

        #[model]
        pub struct Tag {
            #[field(unique = true, max_length = 50)]
            pub name: CharField,
            #[field(related_name = "+")]
            pub similar: ManyToManyField<Self>,
        }

        #[model]
        pub struct Counter {
            #[field(primary_key = true, db_column = "counter_id")]
            pub id: SmallAutoField,
            #[field(on_delete = SetDefault, default = 1)]
            pub post: ForeignKey<Post>,
            #[field(on_delete = DoNothing)]
            pub writer: ForeignKey<Author>,
            #[field(on_delete = Restrict)]
            pub tag: OneToOneField<Tag>,
        }

        #[model]
        pub struct Legacy {
            #[field(primary_key = true)]
            pub code: AutoField,
            pub r#type: TextField,
        }

        #[model]
        pub struct Archive {
            #[field(primary_key = true)]
            pub id: BigAutoField,
        }
    }
}

use blog::models::{Author, Post, Tag};
use rjango::models::prelude::*;

#[test]
fn the_model_trait_names_the_model() {
    assert_eq!(<Post as Model>::NAME, "Post");
    assert_eq!(<Author as Model>::NAME, "Author");
    assert_eq!(<blog::models::Legacy as Model>::NAME, "Legacy");
    assert_eq!(<accounts::models::User as Model>::NAME, "User");
    // Tables as Django names them, from the module (`blog::models` is app `blog`) or db_table.
    assert_eq!(<Post as Model>::table(), "blog_post");
    assert_eq!(<Author as Model>::table(), "blog_authors");
    assert_eq!(<accounts::models::User as Model>::table(), "accounts_user");
    // The implicit id first, then each column as Django names it.
    let columns: Vec<&str> = <Author as Model>::FIELDS.iter().map(|f| f.column).collect();
    assert_eq!(
        columns,
        ["id", "user_id", "full_name", "mentor_id", "team_id"]
    );
    assert_eq!(<Post as Model>::ORDERING, ["-published", "title"]);
}

#[test]
fn a_model_is_a_plain_struct_of_its_column_types() {
    let post = Post {
        id: 0,
        author: ForeignKey::new(7),
        title: "Hello".into(),
        slug: "hello".into(),
        body: String::new(),
        contact: "a@example.com".into(),
        website: "https://example.com".into(),
        views: 0,
        score: -1,
        priority: 3,
        likes: 0,
        shares: 0,
        stars: 0,
        featured: false,
        ratio: 0.5,
        price: rust_decimal::Decimal::new(150, 2),
        created: chrono::NaiveDate::from_ymd_opt(2024, 1, 31).unwrap(),
        updated: chrono::Utc::now(),
        published: None,
        remind_at: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        reading_time: Some(chrono::TimeDelta::minutes(4)),
        uuid: uuid::Uuid::nil(),
        extra: None,
        thumbnail: Vec::new(),
        tags: ManyToManyField::<Tag>::default(),
        editor: ForeignKey::new(1),
    };
    let copy = post.clone();
    assert_eq!(copy.author.pk(), 7);
    assert_eq!(copy.author, ForeignKey::<Author>::new(7));
    assert_eq!(format!("{:?}", copy.author), "ForeignKey { id: 7 }");
    assert_eq!(copy.price.to_string(), "1.50");
    assert!(format!("{post:?}").contains("title: \"Hello\""));
}

/// The SeaORM side of relations: `Related` where one relation joins two models, `Linked` on
/// every relation handle, both ways, and the many-to-many's join table as an entity.
#[test]
fn relations_are_seaorm_relations() {
    use accounts::models::{friendship, group, profile};
    use blog::models::{author, post, tag};
    use rjango::__private::sea_orm::{EntityTrait, Linked, Related};

    fn related<A: Related<B>, B: EntityTrait>() {}
    fn hops<L: Linked>(link: L) -> usize {
        link.link().len()
    }
    related::<post::Entity, author::Entity>();
    related::<post::Entity, tag::Entity>();
    related::<post::tags_through::Entity, post::Entity>();
    related::<post::tags_through::Entity, tag::Entity>();
    related::<profile::Entity, group::Entity>();
    assert_eq!(hops(post::author), 1);
    assert_eq!(hops(post::author.reverse()), 1);
    assert_eq!(hops(post::tags), 2, "through the join table");
    assert_eq!(hops(post::tags.reverse()), 2);
    assert_eq!(hops(tag::similar), 2, "a many-to-many to itself");
    assert_eq!(hops(friendship::from_user), 1);
    assert_eq!(hops(friendship::to_user.reverse()), 1);
    assert_eq!(hops(group::owner.reverse()), 1);
    assert_eq!(hops(accounts::models::r#match::players), 2);
    related::<accounts::models::r#match::Entity, accounts::models::player::Entity>();
    assert_eq!(
        rjango::__private::sea_orm::EntityName::table_name(&post::tags_through::Entity),
        "blog_post_tags"
    );
}

/// `select_related` takes a chain however `then` nests it: `a.then(b).then(c)` and
/// `a.then(b.then(c))` read the same models along the same joins.
#[test]
fn select_related_chains_nest_either_way() {
    use blog::models::{Post, author, post};
    use rjango::models::SelectRelated;

    fn tables<M, R: SelectRelated<M>>(_: R) -> Vec<Vec<&'static str>> {
        R::levels()
            .into_iter()
            .map(|(path, _)| path.iter().map(|j| (j.table)()).collect())
            .collect()
    }
    let left = tables::<Post, _>(post::author.then(author::mentor).then(author::user));
    let right = tables::<Post, _>(post::author.then(author::mentor.then(author::user)));
    assert_eq!(left, right);
    assert_eq!(
        left,
        [
            vec!["blog_authors"],
            vec!["blog_authors", "blog_authors"],
            vec!["blog_authors", "blog_authors", "accounts_user"],
        ]
    );
}
