//! ModelForm: `#[model_form(model = ..., fields = [...])]` takes each model field's form field
//! (max_length, blank, choices, verbose_name, help_text), and `save()` creates a row from
//! `new_instance()` (the model's literal defaults) or updates one, refusing a value a unique
//! field already has elsewhere with Django's message. On the test database (SQLite).

use rjango::forms::{Form, ModelForm, model_form};
use rjango::http::QueryDict;
use rjango::models::NewInstance;
use rjango::models::prelude::*;

mod blog {
    pub mod models {
        use rjango::models::prelude::*;

        #[model]
        pub struct Article {
            #[field(max_length = 50, unique = true, verbose_name = "headline")]
            pub title: CharField,
            #[field(blank = true, help_text = "Markdown is fine.")]
            pub body: TextField,
            #[field(max_length = 1, choices = [("d", "Draft"), ("p", "Published")], default = "d")]
            pub status: CharField,
            #[field(default = 3)]
            pub rating: IntegerField,
            pub featured: BooleanField,
            pub published: Option<DateField>,
        }

        /// A many-to-many field that must be given (not blank).
        #[model]
        pub struct Shelf {
            #[field(max_length = 30)]
            pub name: CharField,
            #[field(related_name = "shelves")]
            pub articles: ManyToManyField<Article>,
        }
    }
}

use blog::models::{Article, Shelf, article, shelf};

mod m0001 {
    rjango::migration! {
        initial: true,
        dependencies: [],
        operations: [
            CreateModel {
                name: "Article",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("title", CharField { max_length: 50, unique: true, verbose_name: "headline" }),
                    ("body", TextField { blank: true, help_text: "Markdown is fine." }),
                    ("status", CharField { max_length: 1, choices: [("d", "Draft"), ("p", "Published")], default: "d" }),
                    ("rating", IntegerField { default: 3 }),
                    ("featured", BooleanField {}),
                    ("published", DateField { null: true }),
                ],
            },
            CreateModel {
                name: "Shelf",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("name", CharField { max_length: 30 }),
                    ("articles", ManyToManyField { to: "blog.Article", related_name: "shelves" }),
                ],
            },
        ],
    }
}

#[model_form(model = Article, fields = [title, body, status, rating, featured, published])]
pub struct ArticleForm;

/// Django's `exclude` and `fields = "__all__"`: the model's editable fields, from the model.
#[model_form(model = Article, exclude = [body, published])]
pub struct QuickForm;

#[model_form(model = Article, fields = "__all__")]
pub struct EverythingForm;

/// Every field, the many-to-many one a multiple select.
#[model_form(model = Shelf, fields = "__all__")]
pub struct ShelfForm;

/// Only some fields: the others keep the instance's values.
#[model_form(model = Article, fields = [title])]
pub struct RenameForm;

fn settings() -> rjango::conf::Settings {
    rjango::conf::Settings {
        DEBUG: true,
        SECRET_KEY: "model-forms".into(),
        DATABASES: rjango::conf::Databases::new().with(
            "default",
            format!(
                "sqlite://{}",
                std::env::temp_dir()
                    .join(format!("rjango-model-forms-{}.sqlite3", std::process::id()))
                    .display()
            ),
        ),
        ..Default::default()
    }
}

rjango::urls::urlpatterns![];

fn project() -> rjango::Project {
    rjango::Project {
        name: "modelforms",
        settings,
        root_urlconf: urlpatterns,
        apps: &[rjango::apps::AppConfig {
            name: "blog",
            label: "blog",
        }],
        models: &[("blog", "article"), ("blog", "shelf")],
        migrations: || vec![m0001::migration("blog", "0001_initial")],
        migration_code: Vec::new,
        commands: Vec::new,
    }
}

fn data(pairs: &[(&str, &str)]) -> QueryDict {
    QueryDict::parse(
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
            .as_bytes(),
    )
}

#[test]
fn exclude_and_all_take_the_models_field_list() {
    let names = |f: &[rjango::forms::FieldSpec]| f.iter().map(|f| f.name).collect::<Vec<_>>();
    assert_eq!(
        names(QuickForm::FIELDS),
        ["title", "status", "rating", "featured"]
    );
    assert_eq!(
        names(EverythingForm::FIELDS),
        ["title", "body", "status", "rating", "featured", "published"]
    );
    let quick = QuickForm::bind(&data(&[("title", "t"), ("status", "d"), ("rating", "1")]));
    assert_eq!(quick.cleaned_data().unwrap().title, "t");
}

#[test]
fn fields_come_from_the_model() {
    let html = ArticleForm::unbound().as_div().0;
    for expected in [
        r#"<label for="id_title">Headline:</label>"#,
        r#"<input type="text" name="title" maxlength="50" required id="id_title">"#,
        r#"<div class="helptext" id="id_body_helptext">Markdown is fine.</div>"#,
        r#"<textarea name="body" cols="40" rows="10" aria-describedby="id_body_helptext" id="id_body">"#,
        // The model's defaults are the form's initial values (Django's get_default()).
        r#"<option value="d" selected>Draft</option>"#,
        r#"<input type="number" name="rating" value="3" required id="id_rating">"#,
        r#"<input type="checkbox" name="featured" id="id_featured">"#,
        r#"<input type="text" name="published" required id="id_published">"#,
    ] {
        assert!(html.contains(expected), "{expected}\nin\n{html}");
    }
    // A model field with a default gets no empty choice (Django's include_blank).
    assert!(!html.contains(r#"<option value="">"#), "{html}");
    let specs: Vec<(&str, bool)> = ArticleForm::FIELDS
        .iter()
        .map(|f| (f.name, f.required))
        .collect();
    assert_eq!(
        specs,
        [
            ("title", true),
            ("body", false),
            ("status", true),
            ("rating", true),
            ("featured", false),
            ("published", true)
        ]
    );
}

#[rjango::test(db, project = project)]
async fn save_creates_then_updates_and_checks_unique_values() {
    // A new instance has the model's literal defaults.
    let fresh = Article::new_instance();
    assert_eq!(
        (fresh.status.as_str(), fresh.rating, fresh.featured),
        ("d", 3, false)
    );

    let mut form = ArticleForm::bind(&data(&[
        ("title", "First"),
        ("body", ""),
        ("status", "p"),
        ("rating", "5"),
        ("featured", "on"),
        ("published", "2024-02-29"),
    ]));
    let created = form
        .save(Article::new_instance())
        .await
        .unwrap()
        .expect("valid");
    assert!(created.id > 0);
    let stored = Article::objects()
        .get(article::id.eq(created.id))
        .await
        .unwrap();
    assert_eq!(
        (
            stored.title.as_str(),
            stored.status.as_str(),
            stored.rating,
            stored.featured
        ),
        ("First", "p", 5, true)
    );
    assert_eq!(stored.published.unwrap().to_string(), "2024-02-29");

    // The same title for another row: Django's unique message, nothing saved.
    let mut clash = ArticleForm::bind(&data(&[
        ("title", "First"),
        ("status", "d"),
        ("rating", "1"),
        ("published", "2024-01-01"),
    ]));
    assert!(clash.save(Article::new_instance()).await.unwrap().is_none());
    assert_eq!(
        clash.errors(),
        vec![(
            "title",
            &["Article with this Headline already exists.".to_owned()][..]
        )]
    );
    assert_eq!(Article::objects().count().await.unwrap(), 1);

    // The same row keeps its own title: an update, only the form's fields changed.
    let mut edit = RenameForm::bind(&data(&[("title", "First")]));
    let same = edit
        .save(stored.clone())
        .await
        .unwrap()
        .expect("its own title is free");
    assert_eq!(same.id, stored.id);
    let mut rename = RenameForm::bind(&data(&[("title", "Renamed")]));
    let renamed = rename.save(stored.clone()).await.unwrap().unwrap();
    let stored = Article::objects()
        .get(article::id.eq(renamed.id))
        .await
        .unwrap();
    assert_eq!((stored.title.as_str(), stored.rating), ("Renamed", 5));

    // An edit page shows the instance's values; an invalid form saves nothing.
    let html = ArticleForm::with_initial(&ArticleForm::from_instance(&stored))
        .as_div()
        .0;
    assert!(html.contains(r#"value="Renamed""#), "{html}");
    assert!(
        html.contains(r#"<option value="p" selected>Published</option>"#),
        "{html}"
    );
    let mut bad = ArticleForm::bind(&data(&[("title", ""), ("status", "x"), ("rating", "many")]));
    assert!(bad.save(stored.clone()).await.unwrap().is_none());
    let fields: Vec<&str> = bad.errors().iter().map(|(f, _)| *f).collect();
    assert_eq!(fields, ["title", "status", "rating", "published"]);
}

/// Django's ModelMultipleChoiceField: a multiple select of the related rows, required unless
/// blank, saved with the row (save_m2m) in one transaction, read back by `from_saved`, its
/// keys compared as a set, a key that is no row refused.
#[rjango::test(db, project = project)]
async fn many_to_many_fields_are_multiple_selects_saved_with_the_row() {
    let mut ids = Vec::new();
    for title in ["A", "B"] {
        let mut form = ArticleForm::bind(&data(&[
            ("title", title),
            ("status", "d"),
            ("rating", "1"),
            ("published", "2024-01-01"),
        ]));
        ids.push(
            form.save(Article::new_instance())
                .await
                .unwrap()
                .expect("valid")
                .id,
        );
    }
    let [a, b] = [ids[0].to_string(), ids[1].to_string()];
    assert_eq!(
        ShelfForm::FIELDS.iter().map(|f| f.name).collect::<Vec<_>>(),
        ["name", "articles"]
    );
    let mut form = ShelfForm::unbound();
    form.load_choices().await.unwrap();
    let html = form.as_div().0;
    assert!(
        html.contains(&format!(
            "<select name=\"articles\" required id=\"id_articles\" multiple>\n  <option value=\"{a}\">Article object ({a})</option>"
        )),
        "{html}"
    );
    assert!(!html.contains("---------"), "{html}");

    let mut form = ShelfForm::bind(&data(&[("name", "Top")]));
    form.load_choices().await.unwrap();
    assert!(form.save(Shelf::new_instance()).await.unwrap().is_none());
    assert_eq!(form.errors()[0].1, ["This field is required."]);

    let mut form = ShelfForm::bind(&data(&[
        ("name", "Top"),
        ("articles", &b),
        ("articles", &a),
    ]));
    form.load_choices().await.unwrap();
    let shelf = form
        .save(Shelf::new_instance())
        .await
        .unwrap()
        .expect("valid");
    assert_eq!(shelf.articles().keys().await.unwrap(), [ids[0], ids[1]]);

    // An edit page starts from the row's keys; the same keys in another order change nothing.
    let saved = ShelfForm::from_saved(&shelf).await.unwrap();
    assert_eq!(saved.articles, [ids[0], ids[1]]);
    let same = ShelfForm::bind_with_initial(
        &data(&[("name", "Top"), ("articles", &b), ("articles", &a)]),
        &saved,
    );
    assert!(!same.has_changed());
    let fewer = ShelfForm::bind_with_initial(&data(&[("name", "Top"), ("articles", &b)]), &saved);
    assert!(fewer.has_changed());
    let mut shown = ShelfForm::with_initial(&saved);
    shown.load_choices().await.unwrap();
    let html = shown.as_div().0;
    assert!(
        html.contains(&format!(r#"<option value="{b}" selected>"#)),
        "{html}"
    );

    let mut form = ShelfForm::bind(&data(&[("name", "Top"), ("articles", &b)]));
    form.load_choices().await.unwrap();
    let shelf = form.save(shelf).await.unwrap().expect("valid");
    assert_eq!(shelf.articles().keys().await.unwrap(), [ids[1]]);

    let mut form = ShelfForm::bind(&data(&[("name", "Top"), ("articles", "999999")]));
    form.load_choices().await.unwrap();
    assert!(form.save(shelf.clone()).await.unwrap().is_none());
    assert_eq!(
        form.errors()[0].1,
        ["Select a valid choice. 999999 is not one of the available choices."]
    );
    assert_eq!(shelf.articles().keys().await.unwrap(), [ids[1]]);
}
