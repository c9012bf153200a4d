//! The models.rs parser: what it reads into the schema state, and where it points when a
//! declaration is wrong (`file:line:col`, 1-based, as rustc prints them).

use std::path::Path;

use rjango_codegen::models::parse::{
    Scope, parse_app, parse_model_item, parse_models, project_state,
};
use rjango_codegen::models::{
    Condition, Constraint, FieldState, FieldType, Index, ModelOptions, ModelState, OnDelete, Q,
    QValue, Value,
};

const FILE: &str = "src/blog/models.rs";

fn parse(source: &str) -> Vec<ModelState> {
    parse_models("blog", Path::new(FILE), source).unwrap_or_else(|e| panic!("{e}"))
}

/// The error of a source that must not parse: its first line (`file:line:col: message`) and
/// its hint.
fn error(source: &str) -> (String, String) {
    let e = parse_models("blog", Path::new(FILE), source)
        .expect_err("an error")
        .to_string();
    let (first, hint) = e.split_once("\n  hint: ").unwrap_or((&e, ""));
    (first.to_owned(), hint.to_owned())
}

fn field(field_type: FieldType) -> FieldState {
    FieldState::new(field_type)
}

fn with(field_type: FieldType, change: impl FnOnce(&mut FieldState)) -> FieldState {
    let mut f = FieldState::new(field_type);
    change(&mut f);
    f
}

fn id() -> (String, FieldState) {
    (
        "id".into(),
        with(FieldType::BigAutoField, |f| f.primary_key = true),
    )
}

fn fk(to: &str, on_delete: OnDelete, related_name: Option<&str>) -> FieldType {
    FieldType::ForeignKey {
        to: to.into(),
        on_delete,
        related_name: related_name.map(Into::into),
    }
}

fn model(name: &str, fields: Vec<(&str, FieldState)>, options: ModelOptions) -> ModelState {
    ModelState {
        app_label: "blog".into(),
        name: name.into(),
        fields: fields.into_iter().map(|(n, f)| (n.to_owned(), f)).collect(),
        options,
    }
}

const EVERYTHING: &str = r#"
use rjango::models::prelude::*;
use crate::accounts::models::{User, Group as Team};

#[model(db_table = "blog_authors", verbose_name = "writer")]
pub struct Author {
    #[field(on_delete = Cascade, related_name = "author_profile")]
    pub user: OneToOneField<User>,
    #[field(max_length = 100, unique = true, db_index = true, db_column = "full_name")]
    #[field(blank = true, help_text = "Shown on posts", verbose_name = "name")]
    pub name: CharField,
    #[field(on_delete = SetNull)]
    pub mentor: Option<ForeignKey<Self>>,
    #[field(on_delete = Protect)]
    pub team: Option<ForeignKey<Team>>,
}

#[model(
    ordering = ["-published", "title", "?", "pk", "author__name", "author_id"],
    unique_together = [["author", "slug"]],
    indexes = [Index(fields = ["-published"], name = "blog_post_published_idx")],
    constraints = [
        UniqueConstraint(fields = ["author", "title"], name = "blog_post_author_title_key"),
        CheckConstraint(check = "views >= 0", name = "blog_post_views_gte_0"),
    ],
)]
pub struct Post {
    #[field(on_delete = Cascade, related_name = "posts")]
    pub author: ForeignKey<Author>,
    #[field(max_length = 200)]
    pub title: CharField,
    pub slug: SlugField,
    pub body: TextField,
    #[field(max_length = 100)]
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
    pub editor: models::ForeignKey<crate::accounts::models::User>,
    #[field(max_length = 2, choices = [("en", "English"), ("fr", "French")], default = "en")]
    pub language: models::CharField,
}

#[model]
pub struct Tag {
    #[field(primary_key = true, max_length = 50)]
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
    pub writer: ForeignKey<self::Author>,
    #[field(on_delete = Restrict)]
    pub tag: OneToOneField<super::models::Tag>,
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

/// Not a model: no #[model].
pub struct Helper {
    pub anything: String,
}
"#;

#[test]
fn every_field_type_and_attribute() {
    let models = parse(EVERYTHING);
    let author = model(
        "Author",
        vec![
            ("id", id().1),
            (
                "user",
                field(FieldType::OneToOneField {
                    to: "accounts.User".into(),
                    on_delete: OnDelete::Cascade,
                    related_name: Some("author_profile".into()),
                }),
            ),
            (
                "name",
                with(FieldType::CharField { max_length: 100 }, |f| {
                    f.unique = true;
                    f.db_index = true;
                    f.db_column = Some("full_name".into());
                    f.blank = true;
                    f.help_text = Some("Shown on posts".into());
                    f.verbose_name = Some("name".into());
                }),
            ),
            (
                "mentor",
                with(fk("blog.Author", OnDelete::SetNull, None), |f| {
                    f.null = true
                }),
            ),
            (
                "team",
                with(fk("accounts.Group", OnDelete::Protect, None), |f| {
                    f.null = true
                }),
            ),
        ],
        ModelOptions {
            db_table: Some("blog_authors".into()),
            verbose_name: Some("writer".into()),
            ..ModelOptions::default()
        },
    );
    let dt = |auto_now, auto_now_add| FieldType::DateTimeField {
        auto_now,
        auto_now_add,
    };
    let post = model(
        "Post",
        vec![
            ("id", id().1),
            (
                "author",
                field(fk("blog.Author", OnDelete::Cascade, Some("posts"))),
            ),
            ("title", field(FieldType::CharField { max_length: 200 })),
            ("slug", field(FieldType::SlugField { max_length: 50 })),
            ("body", field(FieldType::TextField)),
            ("contact", field(FieldType::EmailField { max_length: 100 })),
            ("website", field(FieldType::URLField { max_length: 200 })),
            (
                "views",
                with(FieldType::IntegerField, |f| f.default = Some(Value::Int(0))),
            ),
            (
                "score",
                with(FieldType::BigIntegerField, |f| {
                    f.default = Some(Value::Int(-1))
                }),
            ),
            (
                "priority",
                with(FieldType::SmallIntegerField, |f| {
                    f.default = Some(Value::Int(3));
                    f.choices = vec![
                        (Value::Int(1), "Low".into()),
                        (Value::Int(3), "Normal".into()),
                        (Value::Int(5), "High".into()),
                    ];
                }),
            ),
            ("likes", field(FieldType::PositiveIntegerField)),
            ("shares", field(FieldType::PositiveBigIntegerField)),
            ("stars", field(FieldType::PositiveSmallIntegerField)),
            (
                "featured",
                with(FieldType::BooleanField, |f| {
                    f.default = Some(Value::Bool(false))
                }),
            ),
            (
                "ratio",
                with(FieldType::FloatField, |f| {
                    f.default = Some(Value::Float(0.5))
                }),
            ),
            (
                "price",
                with(
                    FieldType::DecimalField {
                        max_digits: 6,
                        decimal_places: 2,
                    },
                    |f| f.default = Some(Value::Decimal("1.50".into())),
                ),
            ),
            (
                "created",
                field(FieldType::DateField {
                    auto_now: false,
                    auto_now_add: true,
                }),
            ),
            ("updated", field(dt(true, false))),
            ("published", with(dt(false, false), |f| f.null = true)),
            (
                "remind_at",
                with(
                    FieldType::TimeField {
                        auto_now: false,
                        auto_now_add: false,
                    },
                    |f| f.default = Some(Value::Str("09:00:00".into())),
                ),
            ),
            (
                "reading_time",
                with(FieldType::DurationField, |f| f.null = true),
            ),
            ("uuid", with(FieldType::UUIDField, |f| f.unique = true)),
            (
                "extra",
                with(FieldType::JSONField, |f| {
                    f.null = true;
                    f.default = Some(Value::Null);
                }),
            ),
            ("thumbnail", field(FieldType::BinaryField)),
            (
                "tags",
                with(
                    FieldType::ManyToManyField {
                        to: "blog.Tag".into(),
                        related_name: Some("posts".into()),
                        db_table: Some("blog_post_tags".into()),
                    },
                    |f| f.blank = true,
                ),
            ),
            (
                "editor",
                field(fk("accounts.User", OnDelete::Cascade, None)),
            ),
            (
                "language",
                with(FieldType::CharField { max_length: 2 }, |f| {
                    f.choices = vec![
                        (Value::Str("en".into()), "English".into()),
                        (Value::Str("fr".into()), "French".into()),
                    ];
                    f.default = Some(Value::Str("en".into()));
                }),
            ),
        ],
        ModelOptions {
            ordering: [
                "-published",
                "title",
                "?",
                "pk",
                "author__name",
                "author_id",
            ]
            .map(String::from)
            .to_vec(),
            unique_together: vec![vec!["author".into(), "slug".into()]],
            indexes: vec![Index {
                name: "blog_post_published_idx".into(),
                fields: vec!["-published".into()],
            }],
            constraints: vec![
                Constraint::unique(
                    "blog_post_author_title_key",
                    vec!["author".into(), "title".into()],
                ),
                Constraint::Check {
                    name: "blog_post_views_gte_0".into(),
                    check: Condition::Sql("views >= 0".into()),
                },
            ],
            ..ModelOptions::default()
        },
    );
    let tag = model(
        "Tag",
        vec![
            (
                "name",
                with(FieldType::CharField { max_length: 50 }, |f| {
                    f.primary_key = true
                }),
            ),
            (
                "similar",
                field(FieldType::ManyToManyField {
                    to: "blog.Tag".into(),
                    related_name: Some("+".into()),
                    db_table: None,
                }),
            ),
        ],
        ModelOptions::default(),
    );
    let counter = model(
        "Counter",
        vec![
            (
                "id",
                with(FieldType::SmallAutoField, |f| {
                    f.primary_key = true;
                    f.db_column = Some("counter_id".into());
                }),
            ),
            (
                "post",
                with(fk("blog.Post", OnDelete::SetDefault, None), |f| {
                    f.default = Some(Value::Int(1))
                }),
            ),
            (
                "writer",
                field(fk("blog.Author", OnDelete::DoNothing, None)),
            ),
            (
                "tag",
                field(FieldType::OneToOneField {
                    to: "blog.Tag".into(),
                    on_delete: OnDelete::Restrict,
                    related_name: None,
                }),
            ),
        ],
        ModelOptions::default(),
    );
    let legacy = model(
        "Legacy",
        vec![
            ("code", with(FieldType::AutoField, |f| f.primary_key = true)),
            ("type", field(FieldType::TextField)),
        ],
        ModelOptions::default(),
    );
    let archive = model("Archive", vec![("id", id().1)], ModelOptions::default());
    assert_eq!(models, vec![author, post, tag, counter, legacy, archive]);
}

#[test]
fn implicit_id_comes_first_and_names_the_table() {
    let models = parse("#[model]\npub struct Note {\n    pub body: TextField,\n}\n");
    assert_eq!(
        models[0].fields,
        vec![id(), ("body".into(), field(FieldType::TextField))]
    );
    assert_eq!(models[0].db_table(), "blog_note");
}

#[test]
fn a_file_without_models_has_none() {
    assert_eq!(
        parse("use rjango::models::prelude::*;\n\npub struct Plain;\n"),
        vec![]
    );
}

#[test]
fn self_relations() {
    let models = parse(
        "#[model]\npub struct Node {\n    #[field(on_delete = Cascade)]\n    pub parent: Option<ForeignKey<Self>>,\n    \
         #[field(on_delete = Cascade)]\n    pub twin: Option<OneToOneField<Node>>,\n    pub links: ManyToManyField<Self>,\n}\n",
    );
    let node = &models[0];
    assert_eq!(
        node.field("parent").unwrap().field_type.related_model(),
        Some("blog.Node")
    );
    assert_eq!(
        node.field("twin").unwrap().field_type.related_model(),
        Some("blog.Node")
    );
    assert_eq!(
        node.field("links").unwrap().field_type.related_model(),
        Some("blog.Node")
    );
    assert!(node.field("parent").unwrap().null);
}

#[test]
fn unknown_field_type_suggests_the_closest() {
    let (first, hint) = error("#[model]\npub struct Post {\n    pub title: ChraField,\n}\n");
    assert_eq!(
        first,
        "src/blog/models.rs:3:16: unknown field type `ChraField`"
    );
    assert!(
        hint.starts_with("did you mean `CharField`? the field types are: AutoField, BigAutoField,"),
        "{hint}"
    );
}

#[test]
fn a_rust_type_is_not_a_field_type() {
    let (first, hint) = error("#[model]\npub struct Post {\n    pub title: String,\n}\n");
    assert_eq!(
        first,
        "src/blog/models.rs:3:16: unknown field type `String`"
    );
    assert!(
        hint.contains("use CharField (with max_length) or TextField"),
        "{hint}"
    );
}

#[test]
fn charfield_needs_max_length() {
    let (first, hint) = error("#[model]\npub struct Post {\n    pub title: CharField,\n}\n");
    assert_eq!(
        first,
        "src/blog/models.rs:3:16: CharField `title` needs max_length (Django's fields.E120)"
    );
    assert_eq!(hint, "#[field(max_length = 200)]");
}

#[test]
fn decimalfield_needs_digits_and_places() {
    let (first, hint) = error(
        "#[model]\npub struct Item {\n    #[field(decimal_places = 2)]\n    pub price: DecimalField,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:4:16: DecimalField `price` needs max_digits and decimal_places (Django's fields.E132)"
    );
    assert_eq!(hint, "#[field(max_digits = 10, decimal_places = 2)]");
    let (first, _) = error(
        "#[model]\npub struct Item {\n    #[field(max_digits = 5, decimal_places = 6)]\n    pub price: DecimalField,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:3:46: decimal_places (6) of `price` is greater than max_digits (5) (Django's fields.E134)"
    );
}

#[test]
fn foreign_key_needs_on_delete() {
    let (first, hint) =
        error("#[model]\npub struct Post {\n    pub author: ForeignKey<Author>,\n}\n");
    assert_eq!(
        first,
        "src/blog/models.rs:3:17: ForeignKey `author` needs on_delete, as Django requires it"
    );
    assert_eq!(hint, "#[field(on_delete = Cascade)]");
}

#[test]
fn set_null_needs_a_nullable_field() {
    let (first, hint) = error(
        "#[model]\npub struct Post {\n    #[field(on_delete = SetNull)]\n    pub author: ForeignKey<Author>,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:3:25: `author` is on_delete = SetNull but cannot be null (Django's fields.E320)"
    );
    assert!(hint.contains("Option<ForeignKey<...>>"), "{hint}");
}

#[test]
fn django_spelling_of_on_delete_is_suggested() {
    let (first, hint) = error(
        "#[model]\npub struct Post {\n    #[field(on_delete = CASCADE)]\n    pub author: ForeignKey<Author>,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:3:25: unknown on_delete `CASCADE`"
    );
    assert!(hint.starts_with("did you mean `Cascade`?"), "{hint}");
}

#[test]
fn reserved_field_names() {
    let (first, _) = error("#[model]\npub struct Post {\n    pub pk: IntegerField,\n}\n");
    assert!(
        first.starts_with("src/blog/models.rs:3:9: field `pk`: `pk` is reserved"),
        "{first}"
    );
    let (first, _) = error("#[model]\npub struct Post {\n    pub views_: IntegerField,\n}\n");
    assert_eq!(
        first,
        "src/blog/models.rs:3:9: field `views_`: field names cannot end with an underscore (Django's fields.E001)"
    );
    let (first, _) = error("#[model]\npub struct Post {\n    pub view__count: IntegerField,\n}\n");
    assert!(
        first.starts_with(
            "src/blog/models.rs:3:9: field `view__count`: field names cannot contain `__`"
        ),
        "{first}"
    );
}

#[test]
fn clashing_columns() {
    let (first, hint) = error(
        "#[model]\npub struct Post {\n    #[field(on_delete = Cascade)]\n    pub author: ForeignKey<Author>,\n    pub author_id: IntegerField,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:5:9: field `author_id` of `Post` has column `author_id`, which field `author` already uses"
    );
    assert!(hint.contains("db_column"), "{hint}");
}

#[test]
fn an_id_field_must_be_the_primary_key() {
    let (first, _) = error("#[model]\npub struct Post {\n    pub id: IntegerField,\n}\n");
    assert_eq!(
        first,
        "src/blog/models.rs:3:9: field `id` of `Post` clashes with the implicit primary key `id`"
    );
}

#[test]
fn duplicate_index_or_constraint_name() {
    let source = r#"#[model(
    indexes = [Index(fields = ["views"], name = "views_idx")],
    constraints = [UniqueConstraint(fields = ["views"], name = "views_idx")],
)]
pub struct Post {
    pub views: IntegerField,
}
"#;
    let (first, _) = error(source);
    assert_eq!(
        first,
        "src/blog/models.rs:3:64: index or constraint name `views_idx` is used twice in model `Post`"
    );

    let two_models = r#"#[model(indexes = [Index(fields = ["a"], name = "same")])]
pub struct One {
    pub a: IntegerField,
}
#[model(constraints = [CheckConstraint(check = "b > 0", name = "same")])]
pub struct Two {
    pub b: IntegerField,
}
"#;
    let (first, _) = error(two_models);
    assert_eq!(
        first,
        "src/blog/models.rs:5:64: index or constraint name `same` is already used by model `blog.One`"
    );
}

#[test]
fn unknown_model_attribute() {
    let (first, hint) = error(
        "#[model(odering = [\"views\"])]\npub struct Post {\n    pub views: IntegerField,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:1:9: unknown model attribute `odering`"
    );
    assert!(
        hint.starts_with("did you mean `ordering`? the model attributes are: db_table, ordering,"),
        "{hint}"
    );
}

#[test]
fn unknown_field_attribute() {
    let (first, hint) = error(
        "#[model]\npub struct Post {\n    #[field(max_lenght = 20)]\n    pub title: CharField,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:3:13: unknown field attribute `max_lenght`"
    );
    assert!(
        hint.starts_with(
            "did you mean `max_length`? the field attributes are: max_length, default,"
        ),
        "{hint}"
    );
}

#[test]
fn an_attribute_the_type_does_not_take() {
    let (first, hint) = error(
        "#[model]\npub struct Post {\n    #[field(max_length = 20)]\n    pub body: TextField,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:3:13: TextField `body` does not take `max_length`"
    );
    assert!(
        hint.starts_with("a TextField takes: default, unique,"),
        "{hint}"
    );
    let (first, _) = error(
        "#[model]\npub struct Post {\n    #[field(db_table = \"x\")]\n    pub body: TextField,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:3:13: TextField `body` does not take `db_table`"
    );
}

#[test]
fn options_name_existing_fields() {
    let (first, hint) = error(
        "#[model(ordering = [\"-publishd\"])]\npub struct Post {\n    pub published: DateField,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:1:21: ordering refers to `publishd`, which is not a field of `Post`"
    );
    assert_eq!(
        hint,
        "did you mean `published`? the fields of `Post` are: id, published"
    );

    let (first, _) = error(
        "#[model(unique_together = [[\"a\", \"c\"]])]\npub struct Post {\n    pub a: IntegerField,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:1:34: unique_together refers to `c`, which is not a field of `Post`"
    );

    let (first, _) = error(
        "#[model(indexes = [Index(fields = [\"b\"], name = \"i\")])]\npub struct Post {\n    pub a: IntegerField,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:1:36: Index refers to `b`, which is not a field of `Post`"
    );

    let (first, _) = error(
        "#[model(unique_together = [[\"tags\"]])]\npub struct Post {\n    pub tags: ManyToManyField<Post>,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:1:29: unique_together refers to the ManyToManyField `tags`, which has no column"
    );
}

#[test]
fn index_needs_a_name() {
    let (first, _) = error(
        "#[model(indexes = [Index(fields = [\"a\"])])]\npub struct Post {\n    pub a: IntegerField,\n}\n",
    );
    assert_eq!(first, "src/blog/models.rs:1:20: Index needs a name");
}

#[test]
fn optional_many_to_many() {
    let (first, hint) =
        error("#[model]\npub struct Post {\n    pub tags: Option<ManyToManyField<Tag>>,\n}\n");
    assert_eq!(
        first,
        "src/blog/models.rs:3:15: a ManyToManyField cannot be an Option: null has no effect on it (Django's fields.W340)"
    );
    assert!(hint.contains("drop the Option<...>"), "{hint}");
}

#[test]
fn defaults_of_the_wrong_type() {
    let (first, hint) = error(
        "#[model]\npub struct Post {\n    #[field(default = \"0\")]\n    pub views: IntegerField,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:3:23: wrong default for IntegerField `views`: expected an integer, found a string"
    );
    assert_eq!(hint, "e.g. #[field(default = 0)]");
    let (first, _) = error(
        "#[model]\npub struct Post {\n    #[field(max_length = 9, default = 5)]\n    pub title: CharField,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:3:39: wrong default for CharField `title`: expected a string, found an integer"
    );
    let (first, _) = error(
        "#[model]\npub struct Post {\n    #[field(default = None)]\n    pub views: IntegerField,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:3:23: default None needs a nullable field, and `views` is not an Option"
    );
    let (first, _) = error(
        "#[model]\npub struct Post {\n    #[field(default = -1)]\n    pub views: PositiveIntegerField,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:3:23: default -1 is out of range for PositiveIntegerField `views`: 0..=2147483647"
    );
    let (first, _) = error(
        "#[model]\npub struct Post {\n    #[field(max_length = 1, choices = [(1, \"One\")])]\n    pub grade: CharField,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:3:41: wrong choice for CharField `grade`: expected a string, found an integer"
    );
}

#[test]
fn a_syntax_error_is_located() {
    let e = parse_models(
        "blog",
        Path::new(FILE),
        "#[model]\npub struct Post {\n    pub title CharField,\n}\n",
    )
    .expect_err("a syntax error")
    .to_string();
    assert!(e.starts_with("src/blog/models.rs:3:15: "), "{e}");
}

#[test]
fn relations_across_apps_resolve_and_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src/accounts")).unwrap();
    std::fs::create_dir_all(root.join("src/blog")).unwrap();
    std::fs::create_dir_all(root.join("src/pages")).unwrap();
    std::fs::write(
        root.join("src/accounts/models.rs"),
        "use rjango::models::prelude::*;\n\n#[model]\npub struct User {\n    #[field(max_length = 150, unique = true)]\n    pub username: CharField,\n}\n",
    )
    .unwrap();
    let blog = "use rjango::models::prelude::*;\nuse crate::accounts::models as accounts;\nuse crate::accounts::models::User as Account;\n\n\
                #[model]\npub struct Post {\n    #[field(on_delete = Cascade, related_name = \"posts\")]\n    pub author: ForeignKey<Account>,\n    \
                #[field(on_delete = Cascade, related_name = \"edited\")]\n    pub editor: ForeignKey<accounts::User>,\n    \
                #[field(related_name = \"read\")]\n    pub readers: ManyToManyField<crate::accounts::models::User>,\n}\n";
    std::fs::write(root.join("src/blog/models.rs"), blog).unwrap();
    // `pages` has no models.rs: an app without models.
    let apps: Vec<String> = ["accounts", "blog", "pages"].map(String::from).to_vec();
    let state = project_state(root, &apps).unwrap_or_else(|e| panic!("{e}"));
    let post = state.get("blog", "post").unwrap();
    for name in ["author", "editor", "readers"] {
        assert_eq!(
            post.field(name).unwrap().field_type.related_model(),
            Some("accounts.User"),
            "{name}"
        );
    }
    assert_eq!(state.app_models("accounts").count(), 1);
    assert_eq!(parse_app(root, "pages").unwrap(), vec![]);

    // Without the accounts app, the relation points nowhere.
    std::fs::write(
        root.join("src/blog/models.rs"),
        "use rjango::models::prelude::*;\n\n#[model]\npub struct Post {\n    #[field(on_delete = Cascade)]\n    pub author: ForeignKey<Autor>,\n}\n\n\
         #[model]\npub struct Author {\n    pub bio: TextField,\n}\n",
    )
    .unwrap();
    let e = project_state(root, &apps)
        .expect_err("an unknown model")
        .to_string();
    let file = root.join("src/blog/models.rs");
    assert_eq!(
        e,
        format!(
            "{}:6:28: field `author` of `blog.Post` is a relation to `blog.Autor`, which is not a model of an installed app\n  \
             hint: did you mean `blog.Author`? the models are: accounts.User, blog.Author, blog.Post",
            file.display()
        )
    );
}

#[test]
fn a_path_that_names_no_app_is_an_error() {
    let (first, hint) = error(
        "#[model]\npub struct Post {\n    #[field(on_delete = Cascade)]\n    pub author: ForeignKey<crate::accounts::User>,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:4:28: cannot tell which app `crate::accounts::User` belongs to"
    );
    assert!(hint.contains("crate::<app>::models::<Model>"), "{hint}");
}

#[test]
fn the_macro_entry_point_checks_one_struct() {
    let item: syn::ItemStruct = syn::parse_str(
        "pub struct Post {\n    #[field(max_length = 20)]\n    pub title: CharField,\n}",
    )
    .unwrap();
    let attr: proc_macro2::TokenStream = "ordering = [\"title\"]".parse().unwrap();
    let parsed =
        parse_model_item(&item, attr, &Scope::new("")).unwrap_or_else(|e| panic!("{}", e.message));
    assert_eq!(parsed.state.options.ordering, vec!["title".to_owned()]);
    assert_eq!(parsed.state.app_label, "");

    let item: syn::ItemStruct =
        syn::parse_str("pub struct Post {\n    pub title: CharField,\n}").unwrap();
    let e = parse_model_item(&item, proc_macro2::TokenStream::new(), &Scope::new("")).unwrap_err();
    assert_eq!(
        e.to_syn_error().to_string(),
        "CharField `title` needs max_length (Django's fields.E120)\nhint: #[field(max_length = 200)]"
    );
}

/// The project state of one app `blog` whose models.rs is `source`, or its error's text.
fn project_error(source: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src/blog")).unwrap();
    std::fs::write(dir.path().join("src/blog/models.rs"), source).unwrap();
    let e = project_state(dir.path(), &["blog".to_owned()])
        .expect_err("a clash")
        .to_string();
    e.replace(&format!("{}/", dir.path().display()), "")
}

const AUTHOR: &str =
    "#[model]\npub struct Author {\n    #[field(max_length = 50)]\n    pub name: CharField,\n}\n";

/// Django's fields.E302-E305: a relation's accessor and query name on its target clash with
/// nothing there, checked across models (makemigrations, build.rs) and within one struct (the
/// macro), with Django's messages and hints.
#[test]
fn reverse_accessors_do_not_clash() {
    // Two foreign keys to one model without related_name: both would be `author.post_set()`.
    let two = "#[model]\npub struct Post {\n    #[field(on_delete = Cascade)]\n    pub author: ForeignKey<Author>,\n    \
               #[field(on_delete = Cascade)]\n    pub editor: ForeignKey<Author>,\n}\n";
    assert_eq!(
        project_error(&format!("{two}{AUTHOR}")),
        "src/blog/models.rs:4:28: fields.E304: Reverse accessor 'Author.post_set' for 'blog.Post.author' clashes with reverse accessor for 'blog.Post.editor'.\n  \
         hint: Add or change a related_name argument to the definition for 'blog.Post.author' or 'blog.Post.editor'."
    );
    // The macro sees the same within its one struct.
    let item: syn::ItemStruct = syn::parse_str(two.trim_start_matches("#[model]\n")).unwrap();
    let e = parse_model_item(&item, proc_macro2::TokenStream::new(), &Scope::new("")).unwrap_err();
    assert!(
        e.message
            .starts_with("fields.E304: Reverse accessor 'Author.post_set' for 'Post.author'"),
        "{}",
        e.message
    );

    // The same related_name on two models.
    let across = "#[model]\npub struct Post {\n    #[field(on_delete = Cascade, related_name = \"items\")]\n    pub author: ForeignKey<Author>,\n}\n\
                  #[model]\npub struct Book {\n    #[field(on_delete = Cascade, related_name = \"items\")]\n    pub author: ForeignKey<Author>,\n}\n";
    assert!(
        project_error(&format!("{across}{AUTHOR}")).starts_with(
            "src/blog/models.rs:4:28: fields.E304: Reverse accessor 'Author.items' for 'blog.Post.author' clashes with reverse accessor for 'blog.Book.author'."
        )
    );

    // An accessor named as a field of the target (E302), a query name likewise (E303).
    let field = "#[model]\npub struct Post {\n    #[field(on_delete = Cascade, related_name = \"name\")]\n    pub author: ForeignKey<Author>,\n}\n";
    assert_eq!(
        project_error(&format!("{field}{AUTHOR}")),
        "src/blog/models.rs:4:28: fields.E302: Reverse accessor 'Author.name' for 'blog.Post.author' clashes with field name 'blog.Author.name'.\n  \
         hint: Rename field 'blog.Author.name', or add/change a related_name argument to the definition for field 'blog.Post.author'."
    );
    // A hidden relation (`+`) has no accessor and a query name no field can have.
    let hidden = "#[model]\npub struct Post {\n    #[field(on_delete = Cascade, related_name = \"name+\")]\n    pub author: ForeignKey<Author>,\n}\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src/blog")).unwrap();
    std::fs::write(
        dir.path().join("src/blog/models.rs"),
        format!("{hidden}{AUTHOR}"),
    )
    .unwrap();
    project_state(dir.path(), &["blog".to_owned()]).unwrap_or_else(|e| panic!("{e}"));
    let query = "#[model]\npub struct Post {\n    #[field(on_delete = Cascade)]\n    pub author: ForeignKey<Author>,\n}\n\
                 #[model]\npub struct Author {\n    pub post: IntegerField,\n}\n";
    assert!(
        project_error(query).starts_with(
            "src/blog/models.rs:4:28: fields.E303: Reverse query name for 'blog.Post.author' clashes with field name 'blog.Author.post'."
        ),
        "{}",
        project_error(query)
    );

    // A query name equal to another relation's accessor (E305).
    // `author` is queried backwards as `post`, which `main` takes as its accessor (`author.post()`).
    let e305 = "#[model]\npub struct Post {\n    #[field(on_delete = Cascade)]\n    pub author: ForeignKey<Author>,\n    \
                #[field(on_delete = Cascade, related_name = \"main_post\")]\n    pub main: OneToOneField<Author>,\n    \
                #[field(on_delete = Cascade, related_name = \"post\")]\n    pub pinned: OneToOneField<Author>,\n}\n";
    assert_eq!(
        project_error(&format!("{e305}{AUTHOR}")),
        "src/blog/models.rs:4:28: fields.E305: Reverse query name for 'blog.Post.author' clashes with reverse query name for 'blog.Post.pinned'.\n  \
         hint: Add or change a related_name argument to the definition for 'blog.Post.author' or 'blog.Post.pinned'."
    );

    // An accessor that would hide a method every model has.
    let objects = "#[model]\npub struct Post {\n    #[field(on_delete = Cascade, related_name = \"objects\")]\n    pub author: ForeignKey<Author>,\n}\n";
    assert!(
        project_error(&format!("{objects}{AUTHOR}")).starts_with(
            "src/blog/models.rs:4:28: fields.E302: Reverse accessor 'Author.objects' for 'blog.Post.author' clashes with the method `Author::objects()` every model has."
        )
    );
}

/// A field may not take a name the generated field module uses for the SeaORM entity; the hint
/// keeps the column's name.
#[test]
fn field_names_the_entity_uses() {
    let (first, hint) = error("#[model]\npub struct Post {\n    pub Column: IntegerField,\n}\n");
    assert_eq!(
        first,
        "src/blog/models.rs:3:9: field `Column` of `Post` would share its name with the model's SeaORM `Column`, which #[model] generates beside the field handles"
    );
    assert_eq!(
        hint,
        "rename the field; its column can keep the name: #[field(db_column = \"Column\")]"
    );
    let (first, _) = error(
        "#[model]\npub struct Post {\n    pub tags: ManyToManyField<Tag>,\n    pub tags_through: IntegerField,\n}\n",
    );
    assert!(
        first.contains("would share its name with the join table of `tags`"),
        "{first}"
    );
}

/// A related_name Django refuses (a Python keyword), or one no Rust method can be named.
#[test]
fn related_names_must_be_names() {
    let (first, _) = error(
        "#[model]\npub struct Post {\n    #[field(on_delete = Cascade, related_name = \"for\")]\n    pub author: ForeignKey<Post>,\n}\n",
    );
    assert!(
        first.contains("related_name `for` is a Python keyword"),
        "{first}"
    );
    let (first, hint) = error(
        "#[model]\npub struct Post {\n    #[field(on_delete = Cascade, related_name = \"self\")]\n    pub author: ForeignKey<Post>,\n}\n",
    );
    assert!(
        first.contains("`self` is a Rust keyword that no raw identifier can spell"),
        "{first}"
    );
    assert!(hint.contains("`+`"), "{hint}");
}

/// Django's models package: `models/mod.rs` and the modules it declares, in files or inline,
/// at any depth, relations written as the module system resolves them.
#[test]
fn a_models_package_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "src/blog/models/mod.rs",
        "mod author;\nmod post;\npub use author::Author;\npub use post::Post;\n\n\
         pub mod extra {\n    use rjango::models::prelude::*;\n\n    #[model]\n    pub struct Note {\n        #[field(on_delete = Cascade)]\n        pub post: ForeignKey<super::post::Post>,\n    }\n\n    mod deeper;\n}\n",
    );
    write(
        "src/blog/models/author.rs",
        "use rjango::models::prelude::*;\n\n#[model]\npub struct Author {\n    #[field(max_length = 50)]\n    pub name: CharField,\n}\n",
    );
    write(
        "src/blog/models/post.rs",
        "use rjango::models::prelude::*;\nuse super::Author;\n\n#[model]\npub struct Post {\n    #[field(on_delete = Cascade)]\n    pub author: ForeignKey<Author>,\n    #[field(on_delete = Cascade, related_name = \"drafts\")]\n    pub editor: ForeignKey<super::author::Author>,\n}\n",
    );
    write(
        "src/blog/models/extra/deeper.rs",
        "use rjango::models::prelude::*;\n\n#[model]\npub struct Footnote {\n    #[field(on_delete = Cascade)]\n    pub note: ForeignKey<super::Note>,\n    #[field(on_delete = Cascade)]\n    pub user: ForeignKey<crate::accounts::models::User>,\n}\n",
    );
    write(
        "src/accounts/models.rs",
        "use rjango::models::prelude::*;\n\n#[model]\npub struct User {\n    #[field(max_length = 50)]\n    pub name: CharField,\n}\n",
    );
    let apps = ["accounts".to_owned(), "blog".to_owned()];
    let state = project_state(root, &apps).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = state.app_models("blog").map(|m| m.name.as_str()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    for name in ["Author", "Post", "Note", "Footnote"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    let related = |model: &str, field: &str| {
        state
            .get("blog", model)
            .unwrap()
            .field(field)
            .unwrap()
            .field_type
            .related_model()
            .unwrap()
            .to_owned()
    };
    assert_eq!(related("post", "author"), "blog.Author");
    assert_eq!(related("post", "editor"), "blog.Author");
    assert_eq!(related("note", "post"), "blog.Post");
    assert_eq!(related("footnote", "note"), "blog.Note");
    assert_eq!(related("footnote", "user"), "accounts.User");

    // Both layouts at once is Rust's own error; a missing module file and #[path] are named.
    write("src/blog/models.rs", "");
    let e = project_state(root, &apps).unwrap_err().to_string();
    assert!(e.contains("has both models.rs and models/mod.rs"), "{e}");
    std::fs::remove_file(root.join("src/blog/models.rs")).unwrap();
    write(
        "src/blog/models/mod.rs",
        "mod author;\nmod post;\nmod missing;\npub use author::Author;\n",
    );
    let e = project_state(root, &apps).unwrap_err().to_string();
    assert!(
        e.contains("src/blog/models/mod.rs:3:5: the file of `mod missing;` is missing"),
        "{e}"
    );
    write(
        "src/blog/models/mod.rs",
        "mod author;\n#[path = \"elsewhere.rs\"]\nmod post;\n",
    );
    let e = project_state(root, &apps).unwrap_err().to_string();
    assert!(
        e.contains("src/blog/models/mod.rs:2:1: makemigrations does not follow #[path]"),
        "{e}"
    );
}

/// What looks like a model but is not one is an error at its place, never skipped: the build
/// would fail on it later with a message about a missing macro.
#[test]
fn look_alikes_of_a_model_are_errors() {
    let (first, hint) = error(
        "#[derive(Debug, Model)]\npub struct Post {\n    #[field(max_length = 200)]\n    pub title: CharField,\n}\n",
    );
    assert_eq!(
        first,
        "src/blog/models.rs:1:17: `Post` derives `Model`, which declares no model: a model is an attribute, `#[model]`"
    );
    assert_eq!(
        hint,
        "write #[model] above `pub struct Post` (from rjango::models::prelude)"
    );
    let (first, _) = error("#[modle]\npub struct Post {\n    pub views: IntegerField,\n}\n");
    assert_eq!(
        first,
        "src/blog/models.rs:1:1: `#[modle]` on struct `Post` is not `#[model]`: did you mean `#[model]`?"
    );
    let (first, _) = error(
        "#[models(ordering = [\"views\"])]\npub struct Post {\n    pub views: IntegerField,\n}\n",
    );
    assert!(
        first.contains("`#[models]` on struct `Post` is not `#[model]`"),
        "{first}"
    );
    let (first, _) =
        error("pub struct Post {\n    #[field(max_length = 200)]\n    pub title: CharField,\n}\n");
    assert_eq!(
        first,
        "src/blog/models.rs:2:5: struct `Post` has #[field] attributes but no #[model], so it is not a model"
    );
    // A plain struct beside the models is no model and no error.
    assert_eq!(
        parse("pub struct Helper {\n    pub count: u32,\n}\n"),
        vec![]
    );
}

/// Django's CheckConstraint(condition=Q(...)) and UniqueConstraint(condition=..., nulls_distinct=...),
/// in rjango's spelling (`!` for `~`), checked against the model's fields and their types; SQL
/// written by hand stays the escape hatch.
#[test]
fn typed_constraint_conditions() {
    let models = parse(
        r#"#[model(constraints = [
    CheckConstraint(check = Q(views__gte = 0) & !Q(status = "gone"), name = "views_gte_0"),
    CheckConstraint(condition = Q(ends__gt = F("starts")) | Q(ends__isnull = true), name = "ends_after"),
    CheckConstraint(check = "views < 1000000", name = "views_sane"),
    UniqueConstraint(fields = ["title"], condition = Q(status__in = ["draft", "live"]), name = "one_live_title"),
    UniqueConstraint(fields = ["slug"], nulls_distinct = false, name = "slug_once"),
])]
pub struct Post {
    #[field(max_length = 50)]
    pub title: CharField,
    #[field(max_length = 10)]
    pub status: CharField,
    pub slug: Option<SlugField>,
    pub views: IntegerField,
    pub starts: DateTimeField,
    pub ends: Option<DateTimeField>,
}
"#,
    );
    let constraints = &models[0].options.constraints;
    let lookup = |field: &str, lookup: &str, value: QValue| Q::Lookup {
        field: field.into(),
        lookup: lookup.into(),
        value,
    };
    assert_eq!(
        constraints[0],
        Constraint::Check {
            name: "views_gte_0".into(),
            check: Condition::Q(Q::And(vec![
                lookup("views", "gte", QValue::Value(Value::Int(0))),
                Q::Not(Box::new(lookup(
                    "status",
                    "exact",
                    QValue::Value(Value::Str("gone".into()))
                ))),
            ])),
        }
    );
    assert_eq!(
        constraints[1],
        Constraint::Check {
            name: "ends_after".into(),
            check: Condition::Q(Q::Or(vec![
                lookup("ends", "gt", QValue::F("starts".into())),
                lookup("ends", "isnull", QValue::Value(Value::Bool(true))),
            ])),
        }
    );
    assert_eq!(
        constraints[2],
        Constraint::Check {
            name: "views_sane".into(),
            check: Condition::Sql("views < 1000000".into()),
        }
    );
    assert_eq!(
        constraints[3],
        Constraint::Unique {
            name: "one_live_title".into(),
            fields: vec!["title".into()],
            condition: Some(Condition::Q(lookup(
                "status",
                "in",
                QValue::List(vec![Value::Str("draft".into()), Value::Str("live".into())])
            ))),
            nulls_distinct: None,
        }
    );
    assert_eq!(
        constraints[4],
        Constraint::Unique {
            name: "slug_once".into(),
            fields: vec!["slug".into()],
            condition: None,
            nulls_distinct: Some(false),
        }
    );

    // Mistakes are named at their place.
    let model = |check: &str| {
        format!(
            "#[model(constraints = [CheckConstraint(check = {check}, name = \"c\")])]\npub struct Post {{\n    pub views: IntegerField,\n    #[field(max_length = 5)]\n    pub code: CharField,\n}}\n"
        )
    };
    let (first, hint) = error(&model("Q(veiws__gte = 0)"));
    assert!(
        first.contains("the constraint's Q names `veiws`, which is not a field of `Post`"),
        "{first}"
    );
    assert_eq!(hint, "did you mean `views`?");
    let (first, _) = error(&model("Q(views__gte = \"many\")"));
    assert!(
        first.contains("`views__gte` on `Post`: the value does not fit the field's type"),
        "{first}"
    );
    let (first, _) = error(&model("Q(views__startswith = \"1\")"));
    assert!(first.contains("startswith compares text"), "{first}");
    let (first, _) = error(&model("Q(code__range = [1])"));
    assert!(first.contains("range takes two"), "{first}");
    let (first, _) = error(&model("Q(author__name = \"x\")"));
    assert!(
        first.contains("joined field references are not permitted"),
        "{first}"
    );
}

/// rjango relates models by integer keys for now: a relation to or from a model keyed by a
/// CharField or UUIDField is refused at the field, before a migration is written (the macro
/// refuses it at compile time too).
#[test]
fn relations_need_integer_keys() {
    let voucher = "#[model]\npub struct Voucher {\n    #[field(primary_key = true, max_length = 12)]\n    pub code: CharField,\n}\n";
    let order = "#[model]\npub struct Order {\n    #[field(on_delete = Cascade)]\n    pub voucher: ForeignKey<Voucher>,\n}\n";
    assert_eq!(
        project_error(&format!("{voucher}{order}")),
        "src/blog/models.rs:9:29: `Order.voucher` relates `Order` and `Voucher`, and rjango relates models by integer primary keys only (for now)\n  \
         hint: give both an AutoField/BigAutoField (or integer) primary key, and keep the CharField or UUIDField as a unique field instead"
    );
}
