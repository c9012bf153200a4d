//! The admin site through the request cycle, on rjango's own admin templates: staff-only login,
//! the index, a change list searched, sorted and paginated in a constant number of queries,
//! add and change forms with their errors and the "save and ..." buttons, the delete
//! confirmation listing what cascades, the "delete selected" action, the history kept in
//! `django_admin_log`, and permissions enforced on every page (a view-only user sees no button
//! and a forged POST is 403).

use rjango::conf::Settings;
use rjango::contrib::admin;
use rjango::contrib::auth::AuthenticationMiddleware;
use rjango::contrib::auth::models::{Permission, User, permission};
use rjango::contrib::messages::MessageMiddleware;
use rjango::contrib::sessions::SessionMiddleware;
use rjango::middleware::csrf::CsrfViewMiddleware;
use rjango::middleware::middleware;
use rjango::models::prelude::*;
use rjango::prelude::*;
use rjango::test::Client;

mod blog {
    pub mod models {
        use rjango::models::prelude::*;

        #[model(ordering = ["name"])]
        pub struct Author {
            #[field(max_length = 100)]
            pub name: CharField,
            #[field(blank = true)]
            pub email: EmailField,
        }

        impl std::fmt::Display for Author {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.name)
            }
        }

        #[model]
        pub struct Post {
            #[field(max_length = 200)]
            pub title: CharField,
            #[field(blank = true)]
            pub body: TextField,
            #[field(on_delete = Cascade, related_name = "posts")]
            pub author: ForeignKey<Author>,
            #[field(default = false)]
            pub published: BooleanField,
            #[field(max_length = 10, default = "draft", choices = [("draft", "Draft"), ("live", "Live")])]
            pub status: CharField,
            pub created: Option<DateTimeField>,
        }

        #[model]
        pub struct Tag {
            #[field(max_length = 30)]
            pub name: CharField,
        }

        impl std::fmt::Display for Tag {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.name)
            }
        }

        /// A model with more rows than a select should hold: its post is a key to type or look
        /// up, its author searched for, its slug made from its headline; its tags a multiple
        /// select.
        #[model]
        pub struct Comment {
            #[field(on_delete = Cascade)]
            pub post: ForeignKey<Post>,
            #[field(on_delete = Cascade, blank = true, related_name = "comments")]
            pub author: Option<ForeignKey<Author>>,
            #[field(max_length = 100)]
            pub headline: CharField,
            #[field(max_length = 50, unique = true)]
            pub slug: SlugField,
            #[field(default = 0)]
            pub votes: IntegerField,
            #[field(blank = true, related_name = "comments")]
            pub tags: ManyToManyField<Tag>,
        }

        impl std::fmt::Display for Comment {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.headline)
            }
        }
    }

    pub mod admin {
        use rjango::contrib::admin::{self, ActionResult, InlineModelAdmin, ModelAdmin};
        use rjango::contrib::messages;
        use rjango::http::{HttpRequest, ViewError};
        use rjango::models::QuerySet;
        use rjango::models::prelude::*;

        use super::models::{Author, Comment, Post, author, comment, post};

        /// The author's posts on the author's page, a table of two blank rows to add.
        #[derive(Default)]
        pub struct PostInline;

        #[admin::tabular_inline(Post, fields = [title, published, status], extra = 2)]
        impl InlineModelAdmin for PostInline {}

        #[derive(Default)]
        pub struct AuthorAdmin;

        #[admin::register(
            Author,
            list_display = [name, email],
            search_fields = [name, "=email"],
            inlines = [PostInline]
        )]
        impl ModelAdmin for AuthorAdmin {}

        #[derive(Default)]
        pub struct PostAdmin;

        #[admin::register(
            Post,
            list_display = [title, author, author__email, published, status, word_count],
            search_fields = ["^title", body, "=author__name"],
            list_filter = [published, author, status, created, BodyFilter],
            date_hierarchy = created,
            list_select_related = true,
            ordering = ["-id"],
            list_per_page = 3,
            save_as = true,
            actions = [make_published, archive],
            readonly_fields = [created, word_count],
            fieldsets = [
                (None, [title, author, body]),
                (
                    "Publishing",
                    [published, status, created, word_count],
                    classes = "collapse",
                    description = "When and how it shows."
                )
            ]
        )]
        impl ModelAdmin for PostAdmin {}

        #[derive(Default)]
        pub struct CommentAdmin;

        #[admin::register(
            Comment,
            list_display = [headline, slug, votes, author],
            list_display_links = [headline],
            list_editable = [votes, slug],
            search_fields = [headline],
            raw_id_fields = [post],
            autocomplete_fields = [author],
            prepopulated_fields = {slug: [headline]}
        )]
        impl ModelAdmin for CommentAdmin {}

        /// Django's SimpleListFilter: posts with a body, or without.
        #[derive(Default)]
        pub struct BodyFilter;

        impl admin::SimpleListFilter for BodyFilter {
            type Model = Post;
            const TITLE: &'static str = "body";
            const PARAMETER_NAME: &'static str = "has_body";

            async fn lookups(
                &self,
                _request: &HttpRequest,
            ) -> Result<Vec<(String, String)>, rjango::models::QueryError> {
                Ok(vec![
                    ("yes".into(), "With a body".into()),
                    ("no".into(), "Without a body".into()),
                ])
            }

            fn queryset(
                &self,
                _request: &HttpRequest,
                value: &str,
                posts: QuerySet<Post>,
            ) -> QuerySet<Post> {
                match value {
                    "yes" => posts.exclude(post::body.eq("")),
                    "no" => posts.filter(post::body.eq("")),
                    _ => posts,
                }
            }
        }

        /// A column computed from the row (Django's `@admin.display`), sorted by the body.
        #[admin::display(description = "Words", ordering = body)]
        fn word_count(post: &Post) -> usize {
            post.body.split_whitespace().count()
        }

        /// Django's documentation's action: for those who may change posts.
        #[admin::action(
            description = "Mark selected %(verbose_name_plural)s as published",
            permissions = [change]
        )]
        async fn make_published(request: &HttpRequest, queryset: QuerySet<Post>) -> ActionResult {
            let n = queryset.update([post::published.set(true)]).await?;
            messages::success(request, &format!("{n} posts were marked as published."));
            Ok(None)
        }

        /// An action that fails halfway: what it wrote is rolled back.
        #[admin::action]
        async fn archive(_request: &HttpRequest, queryset: QuerySet<Post>) -> ActionResult {
            queryset.update([post::status.set("archived")]).await?;
            Err(ViewError::from(rjango::http::Http404::new(
                "the archive is closed",
            )))
        }
    }
}

use blog::models::{Author, Comment, Post, Tag, author, comment, post};

mod site {
    rjango::admin_site!(
        rjango::contrib::auth::admin::GroupAdmin,
        rjango::contrib::auth::admin::UserAdmin,
        crate::blog::admin::AuthorAdmin,
        crate::blog::admin::PostAdmin,
        crate::blog::admin::CommentAdmin,
    );
}

mod m0001 {
    rjango::migration! {
        initial: true,
        dependencies: [],
        operations: [
            CreateModel {
                name: "Author",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("name", CharField { max_length: 100 }),
                    ("email", EmailField { max_length: 254, blank: true }),
                ],
                options: Options { ordering: ["name"] },
            },
            CreateModel {
                name: "Post",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("title", CharField { max_length: 200 }),
                    ("body", TextField { blank: true }),
                    ("author", ForeignKey { to: "blog.Author", on_delete: Cascade, related_name: "posts" }),
                    ("published", BooleanField { default: false }),
                    ("status", CharField { max_length: 10, default: "draft", choices: [("draft", "Draft"), ("live", "Live")] }),
                    ("created", DateTimeField { null: true }),
                ],
            },
            CreateModel {
                name: "Tag",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("name", CharField { max_length: 30 }),
                ],
            },
            CreateModel {
                name: "Comment",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("post", ForeignKey { to: "blog.Post", on_delete: Cascade }),
                    ("author", ForeignKey { to: "blog.Author", on_delete: Cascade, null: true, blank: true, related_name: "comments" }),
                    ("headline", CharField { max_length: 100 }),
                    ("slug", SlugField { max_length: 50, unique: true }),
                    ("votes", IntegerField { default: 0 }),
                    ("tags", ManyToManyField { to: "blog.Tag", blank: true, related_name: "comments" }),
                ],
            },
        ],
    }
}

urlpatterns![
    path("admin/", site::index, name = "admin-index"),
    path("admin/login/", site::login, name = "admin-login"),
    path("admin/logout/", site::logout, name = "admin-logout"),
    path("admin/<path:rest>", site::page, name = "admin-page"),
];

#[path = "support/contrib_apps.rs"]
#[allow(dead_code)]
mod contrib_apps;

const MODELS: &[(&str, &str)] = &[
    ("auth", "permission"),
    ("auth", "group"),
    ("auth", "user"),
    ("contenttypes", "contenttype"),
    ("sessions", "session"),
    ("admin", "logentry"),
    ("blog", "author"),
    ("blog", "post"),
    ("blog", "tag"),
    ("blog", "comment"),
];

const APPS: &[rjango::apps::AppConfig] = &[
    rjango::apps::AppConfig {
        name: "rjango.contrib.admin",
        label: "admin",
    },
    rjango::apps::AppConfig {
        name: "rjango.contrib.auth",
        label: "auth",
    },
    rjango::apps::AppConfig {
        name: "rjango.contrib.contenttypes",
        label: "contenttypes",
    },
    rjango::apps::AppConfig {
        name: "rjango.contrib.sessions",
        label: "sessions",
    },
    rjango::apps::AppConfig {
        name: "blog",
        label: "blog",
    },
];

/// Which server this process's tests run on: SQLite, or the one `RJANGO_ADMIN_DATABASE` names
/// (`the_admin_on_postgresql_and_mariadb` runs this binary again for each).
fn database() -> String {
    let sqlite = || {
        format!(
            "sqlite://{}",
            std::env::temp_dir()
                .join(format!("rjango-admin-{}.sqlite3", std::process::id()))
                .display()
        )
    };
    let server = |var: &str| {
        let url = std::env::var(var).unwrap_or_else(|_| panic!("{var} is not set"));
        rjango::db::url::with_database(&url, &format!("rjango_admin_{}", std::process::id()))
    };
    match std::env::var("RJANGO_ADMIN_DATABASE").as_deref() {
        Ok("postgres") => server("RJANGO_TEST_POSTGRES"),
        Ok("mysql") => server("RJANGO_TEST_MYSQL"),
        _ => sqlite(),
    }
}

fn settings() -> Settings {
    Settings {
        DATABASES: rjango::conf::Databases::new().with("default", database()),
        DEBUG: true,
        SECRET_KEY: "admin-test-secret-key".into(),
        ALLOWED_HOSTS: vec!["testserver".into()],
        INSTALLED_APPS: APPS.iter().map(|a| a.name).collect(),
        MIDDLEWARE: middleware![
            SessionMiddleware,
            CsrfViewMiddleware,
            AuthenticationMiddleware,
            MessageMiddleware
        ],
        ..Settings::default()
    }
}

fn project() -> rjango::Project {
    rjango::Project {
        name: "admintest",
        settings,
        root_urlconf: urlpatterns,
        apps: APPS,
        models: MODELS,
        migrations: || {
            let mut all = contrib_apps::migrations();
            all.extend(rjango::contrib::admin::migrations::all());
            all.push(m0001::migration("blog", "0001_initial"));
            all
        },
        migration_code: Vec::new,
        commands: Vec::new,
    }
}

/// The author form's inline of posts, with no rows: its management form.
const NO_POSTS: [(&str, &str); 2] = [("posts-TOTAL_FORMS", "0"), ("posts-INITIAL_FORMS", "0")];

async fn superuser() -> (Client, User) {
    let ada = User::objects()
        .create_superuser("ada", "ada@example.com", Some("pw"))
        .await
        .unwrap();
    let c = Client::new(project());
    c.force_login(&ada).await;
    (c, ada)
}

/// A staff member, signed in, with only the permissions named (codenames).
async fn staff_member(username: &str, codenames: &[&str]) -> (Client, User) {
    let mut staff = User::objects()
        .create_user(username, "", Some("pw"))
        .await
        .unwrap();
    staff.is_staff = true;
    staff.save().await.unwrap();
    let perms = Permission::objects()
        .filter(permission::codename.is_in(codenames.iter().copied()))
        .all()
        .await
        .unwrap();
    assert_eq!(perms.len(), codenames.len(), "{codenames:?}");
    staff
        .user_permissions()
        .add(perms.iter().map(|p| p.id as i64))
        .await
        .unwrap();
    let c = Client::new(project());
    c.force_login(&staff).await;
    (c, staff)
}

async fn author_named(name: &str) -> Author {
    Author::objects()
        .create(Author {
            id: 0,
            name: name.into(),
            email: format!("{}@example.com", name.to_lowercase()),
        })
        .await
        .unwrap()
}

async fn post(title: &str, by: &Author, published: bool) -> Post {
    Post::objects()
        .create(Post {
            id: 0,
            title: title.into(),
            body: format!("all about {title}"),
            author: ForeignKey::from(by),
            published,
            status: "live".into(),
            created: None,
        })
        .await
        .unwrap()
}

#[rjango::test(db, project = project)]
async fn staff_only_login_and_the_index() {
    User::objects()
        .create_user("bob", "", Some("pw"))
        .await
        .unwrap();
    User::objects()
        .create_superuser("ada", "", Some("pw"))
        .await
        .unwrap();
    let c = Client::new(project());

    // Anonymous: to the login page, back here after it.
    let r = c.get("/admin/blog/post/").await;
    assert_eq!(
        r.header("location"),
        Some("/admin/login/?next=/admin/blog/post/")
    );
    let r = c.get("/admin/").await;
    assert_eq!(r.header("location"), Some("/admin/login/?next=/admin/"));
    let page = c.get("/admin/login/?next=/admin/").await;
    assert!(
        page.text()
            .contains("<title>Log in | rjango site admin</title>")
    );
    assert!(
        page.text()
            .contains(r#"<label for="id_username">Username:</label>"#)
    );

    // A user who is not staff is refused with Django's message.
    let r = c
        .post_form(
            "/admin/login/",
            &[("username", "bob"), ("password", "pw"), ("next", "/admin/")],
        )
        .await;
    assert_eq!(r.status_code(), 200);
    assert!(r.text().contains(admin::STAFF_LOGIN_ERROR), "{}", r.text());

    let r = c
        .post_form(
            "/admin/login/",
            &[("username", "ada"), ("password", "pw"), ("next", "/admin/")],
        )
        .await;
    assert_eq!(r.header("location"), Some("/admin/"));
    let index = c.get("/admin/").await.text();
    assert!(index.contains("<title>Site administration | rjango site admin</title>"));
    assert!(
        index.contains(r#"<a href="/admin/blog/author/">Authors</a>"#),
        "{index}"
    );
    assert!(index.contains(r#"<a href="/admin/blog/post/add/" class="addlink""#));
    assert!(index.contains("Welcome, <strong>ada</strong>."));
    let app = c.get("/admin/blog/").await;
    assert!(app.text().contains("<h1>Blog administration</h1>"));
    assert_eq!(c.get("/admin/nothing/").await.status_code(), 404);
    assert_eq!(c.get("/admin/blog/nothing/").await.status_code(), 404);

    // Logout is a POST, then the admin asks for a login again.
    assert_eq!(c.get("/admin/logout/").await.status_code(), 405);
    let r = c.post_form("/admin/logout/", &[]).await;
    assert!(r.text().contains("Thanks for spending some quality time"));
    assert_eq!(c.get("/admin/").await.status_code(), 302);
}

#[rjango::test(db, project = project)]
async fn change_list_searches_sorts_and_pages_in_constant_queries() {
    let (c, _) = superuser().await;
    let ada = author_named("Ada").await;
    let grace = author_named("Grace").await;
    let mut last = 0;
    for i in 1..=7 {
        let by = if i % 2 == 0 { &ada } else { &grace };
        last = post(&format!("Post {i}"), by, i % 3 == 0).await.id;
    }
    let r = c.get("/admin/blog/post/").await;
    assert_eq!(r.status_code(), 200);
    let html = r.text();
    // Newest first (ordering = ["-id"]), three a page, each author by its name.
    assert!(
        html.contains(&format!(
            r#"<th scope="row" class="field-title"><a href="/admin/blog/post/{last}/change/">Post 7</a></th>"#
        )),
        "{html}"
    );
    assert!(
        html.contains(r#"<td class="field-author">Grace</td>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<td class="field-status">Live</td>"#),
        "{html}"
    );
    assert!(html.contains(r#"aria-label="False""#) && html.contains(r#"aria-label="True""#));
    // A field across the foreign key, and a computed column, each sortable.
    for expected in [
        r#"<td class="field-author__email">grace@example.com</td>"#,
        r#"<a href="?o=2">Email</a>"#,
        r#"<td class="field-word_count">4</td>"#,
        r#"<a href="?o=5">Words</a>"#,
    ] {
        assert!(html.contains(expected), "{expected} in {html}");
    }
    let by_email = c.get("/admin/blog/post/?o=2.-0").await.text();
    assert!(
        by_email.contains(">Post 6<")
            && by_email.contains(">Post 2<")
            && !by_email.contains(">Post 7<"),
        "Ada's posts first, by title descending: {by_email}"
    );
    // Search across the relation: `=author__name` is the author's name exactly.
    let r = c.get("/admin/blog/post/?q=grace").await.text();
    assert!(r.contains("4 results"), "{r}");
    assert!(!html.contains("Post 4<"), "page 1 holds three rows");
    assert!(html.contains("7 posts"), "{html}");
    let page3 = c.get("/admin/blog/post/?p=3").await.text();
    assert!(page3.contains(">Post 1<") && !page3.contains(">Post 2<"));
    // A page past the end is the last (Django's after "delete selected" empties it), one that
    // is not a number the first.
    let past = c.get("/admin/blog/post/?p=9").await.text();
    assert!(
        past.contains(">Post 1<") && !past.contains(">Post 2<"),
        "{past}"
    );
    let first = c.get("/admin/blog/post/?p=two").await.text();
    assert!(first.contains(">Post 7<"), "{first}");
    // Every admin URL ends in a slash: the site adds it.
    let r = c.get("/admin/blog/post?q=x").await;
    assert_eq!(
        (r.status_code(), r.header("location")),
        (301, Some("/admin/blog/post/?q=x"))
    );

    // Search: "^title" is a prefix of the title, `body` a word anywhere in it.
    let r = c.get("/admin/blog/post/?q=about+post+3").await.text();
    assert!(r.contains("1 result (<a href=\"?\">7 total</a>)"), "{r}");
    assert!(r.contains(">Post 3<"));
    let r = c.get("/admin/blog/post/?q=Post").await.text();
    assert!(r.contains("7 results"), "{r}");

    // The filters of the sidebar: a boolean, a foreign key (each author by name), choices.
    let r = c.get("/admin/blog/post/").await.text();
    assert!(r.contains("<summary>By published</summary>"), "{r}");
    assert!(
        r.contains("<summary>By author</summary>") && r.contains("<summary>By status</summary>")
    );
    assert!(
        r.contains(&format!(
            r#"<a href="?author__id__exact={}">Ada</a>"#,
            ada.id
        )),
        "{r}"
    );
    assert!(r.contains(r#"<li class="selected"><a href="?" aria-current="true">All</a></li>"#));
    let r = c.get("/admin/blog/post/?published__exact=1").await.text();
    assert!(
        r.contains("2 results (<a href=\"?\">7 total</a>)") || r.contains("2 posts"),
        "{r}"
    );
    assert!(
        r.contains(">Post 3<") && r.contains(">Post 6<") && !r.contains(">Post 1<"),
        "{r}"
    );
    assert!(
        r.contains(
            r#"<li class="selected"><a href="?published__exact=1" aria-current="true">Yes</a></li>"#
        ),
        "{r}"
    );
    let r = c
        .get(&format!(
            "/admin/blog/post/?author__id__exact={}&published__exact=0",
            ada.id
        ))
        .await
        .text();
    assert!(
        r.contains(">Post 2<") && r.contains(">Post 4<") && !r.contains(">Post 6<"),
        "{r}"
    );
    let r = c.get("/admin/blog/post/?status__exact=draft").await.text();
    assert!(r.contains("0 posts"), "{r}");

    // Sorting by a column: its header links to the other direction.
    let r = c.get("/admin/blog/post/?o=0").await.text();
    assert!(r.contains(r#"aria-sort="ascending""#), "{r}");
    assert!(r.contains(r#"<a href="?o=-0">Title</a>"#), "{r}");
    let first = r.find(">Post 1<").unwrap();
    assert!(first < r.find(">Post 2<").unwrap());

    // The same queries for one row a page or a hundred: count, page, no query per row.
    let (_, few) = rjango::db::count_queries(c.get("/admin/blog/post/")).await;
    for i in 8..=30 {
        post(&format!("Post {i}"), &ada, false).await;
    }
    let (_, many) = rjango::db::count_queries(c.get("/admin/blog/post/?all=1")).await;
    assert!(few.len() >= 2, "the count and the page at least: {few:#?}");
    assert_eq!(few.len(), many.len(), "{few:#?}\n{many:#?}");
}

#[rjango::test(db, project = project)]
async fn add_change_history_and_delete() {
    let (c, _) = superuser().await;
    let page = c.get("/admin/blog/author/add/").await.text();
    assert!(
        page.contains("<title>Add author | rjango site admin</title>"),
        "{page}"
    );
    assert!(
        page.contains(r#"<input type="text" name="name" maxlength="100" required id="id_name">"#),
        "{page}"
    );

    // A validation error first: the form again, the error beside its field.
    let r = c
        .post_form(
            "/admin/blog/author/add/",
            &[("name", ""), ("email", "x"), NO_POSTS[0], NO_POSTS[1]],
        )
        .await;
    assert_eq!(r.status_code(), 200);
    let html = r.text();
    assert!(html.contains("Please correct the errors below."), "{html}");
    assert!(html.contains("<li>This field is required.</li>"));
    assert!(html.contains("<li>Enter a valid email address.</li>"));
    assert_eq!(Author::objects().count().await.unwrap(), 0);

    // Save and continue editing.
    let r = c
        .post_form(
            "/admin/blog/author/add/",
            &[
                ("name", "Ada"),
                ("email", "ada@example.com"),
                ("_continue", "1"),
                NO_POSTS[0],
                NO_POSTS[1],
            ],
        )
        .await;
    let ada = Author::objects().get(author::name.eq("Ada")).await.unwrap();
    assert_eq!(
        r.header("location"),
        Some(format!("/admin/blog/author/{}/change/", ada.id).as_str())
    );
    let page = c.get(r.header("location").unwrap()).await.text();
    assert!(
        page.contains("The author “Ada” was added successfully. You may edit it again below."),
        "{page}"
    );
    assert!(page.contains(r#"value="ada@example.com""#));

    // Change it, then the history tells both.
    let r = c
        .post_form(
            &format!("/admin/blog/author/{}/change/", ada.id),
            &[
                ("name", "Ada Lovelace"),
                ("email", "ada@example.com"),
                NO_POSTS[0],
                NO_POSTS[1],
            ],
        )
        .await;
    assert_eq!(r.header("location"), Some("/admin/blog/author/"));
    let list = c.get("/admin/blog/author/").await.text();
    assert!(list.contains("The author “Ada Lovelace” was changed successfully."));
    let history = c
        .get(&format!("/admin/blog/author/{}/history/", ada.id))
        .await
        .text();
    assert!(history.contains("<td>ada</td><td>Added.</td>"), "{history}");
    assert!(history.contains("<td>Changed Name.</td>"), "{history}");
    let index = c.get("/admin/").await.text();
    assert!(
        index.contains("Ada Lovelace</a>"),
        "recent actions: {index}"
    );

    // A post's author is a select of the authors, each by its name; a key that is no author
    // is refused with Django's message.
    let page = c.get("/admin/blog/post/add/").await.text();
    assert!(
        page.contains(r#"<select name="author" required id="id_author">"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<option value="" selected>---------</option>"#),
        "{page}"
    );
    assert!(
        page.contains(&format!(
            r#"<option value="{}">Ada Lovelace</option>"#,
            ada.id
        )),
        "{page}"
    );
    assert!(
        page.contains(r#"<option value="draft" selected>Draft</option>"#),
        "{page}"
    );
    let r = c
        .post_form(
            "/admin/blog/post/add/",
            &[("title", "Notes"), ("author", "999"), ("status", "live")],
        )
        .await;
    assert!(
        r.text().contains(
            "<li>Select a valid choice. That choice is not one of the available choices.</li>"
        ),
        "{}",
        r.text()
    );
    let id = ada.id.to_string();
    let r = c
        .post_form(
            "/admin/blog/post/add/",
            &[
                ("title", "Notes"),
                ("author", id.as_str()),
                ("status", "live"),
                ("published", "on"),
                ("_addanother", "1"),
            ],
        )
        .await;
    assert_eq!(r.header("location"), Some("/admin/blog/post/add/"));
    let notes = Post::objects().get(post::title.eq("Notes")).await.unwrap();
    assert_eq!((notes.author.id, notes.published), (ada.id, true));
    let page = c.get(r.header("location").unwrap()).await.text();
    assert!(
        page.contains("The post “Post object ("),
        "Django's default str: {page}"
    );
    assert!(page.contains("You may add another post below."), "{page}");

    // Deleting the author takes their posts: the confirmation lists them, a GET deletes nothing.
    let ada = Author::objects().get(author::id.eq(ada.id)).await.unwrap();
    post("Engines", &ada, false).await;
    let r = c
        .get(&format!("/admin/blog/author/{}/delete/", ada.id))
        .await
        .text();
    assert!(
        r.contains("Are you sure you want to delete the author “Ada Lovelace”?"),
        "{r}"
    );
    assert!(r.contains("<li>Posts: 2</li>"), "{r}");
    assert!(r.contains("Post: Post object ("), "{r}");
    assert_eq!(Post::objects().count().await.unwrap(), 2);
    let r = c
        .post_form(
            &format!("/admin/blog/author/{}/delete/", ada.id),
            &[("post", "yes")],
        )
        .await;
    assert_eq!(r.header("location"), Some("/admin/blog/author/"));
    assert_eq!(Post::objects().count().await.unwrap(), 0);
    let list = c.get("/admin/blog/author/").await.text();
    assert!(list.contains("The author “Ada Lovelace” was deleted successfully."));
    let r = c
        .get(&format!("/admin/blog/author/{}/change/", ada.id))
        .await;
    assert_eq!(r.header("location"), Some("/admin/"));
}

/// Hostile text in a model's str, its fields and the query string (issue 21, part 3): every
/// admin page that shows it (the success message, the change list with its search box and
/// filters, the change form, the history, the delete confirmation, the index's recent
/// actions) escapes it, as Django's templates do.
#[rjango::test(db, project = project)]
async fn html_in_names_and_queries_is_escaped_on_every_admin_page() {
    const HOSTILE: &str = r#"<script>alert("x")</script>&'"#;
    const QUERY: &str = r#""><script>alert(1)</script>"#;
    let (c, _) = superuser().await;
    let r = c
        .post_form(
            "/admin/blog/author/add/",
            &[
                ("name", HOSTILE),
                ("email", ""),
                ("_continue", "1"),
                NO_POSTS[0],
                NO_POSTS[1],
            ],
        )
        .await;
    let author = Author::objects()
        .get(author::name.eq(HOSTILE))
        .await
        .unwrap();
    let change = format!("/admin/blog/author/{}/change/", author.id);
    assert_eq!(r.header("location"), Some(change.as_str()));
    post(HOSTILE, &author, true).await;
    let query = "?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E";
    for path in [
        change.clone(),
        "/admin/blog/author/".to_owned(),
        format!("/admin/blog/author/{query}"),
        "/admin/blog/post/".to_owned(),
        format!("/admin/blog/post/{query}"),
        format!("/admin/blog/author/{}/history/", author.id),
        format!("/admin/blog/author/{}/delete/", author.id),
        "/admin/".to_owned(),
    ] {
        let r = c.get(&path).await;
        let page = r.text();
        assert_eq!(r.status_code(), 200, "{path}: {page}");
        assert!(
            !page.contains("<script>alert"),
            "{path} shows the text unescaped: {page}"
        );
        // Escaped, not dropped: the page's text, its entities read, holds it.
        let shown = unescape(&page);
        if path.contains("?q=") {
            assert!(
                shown.contains(QUERY),
                "{path}: the search box keeps the query: {page}"
            );
        } else {
            assert!(
                shown.contains(HOSTILE),
                "{path} does not show the name: {page}"
            );
        }
    }
}

/// HTML text with its character references read (`&lt;`, `&#60;`, `&#x27;`), as a browser
/// shows it.
fn unescape(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find('&') {
        out += &rest[..at];
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|e| *e <= 8) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let c = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out + rest
}

/// Django's inlines: an author's posts added, changed and deleted on the author's own page,
/// in one transaction with the author, every row's change in the author's history; a
/// refused row keeps the author unsaved; a missing management form or a row of another
/// author is refused.
#[rjango::test(db, project = project)]
async fn posts_edited_inline_on_the_author_page() {
    let (c, _) = superuser().await;
    let page = c.get("/admin/blog/author/add/").await.text();
    for expected in [
        r#"<div class="inline-group" id="posts-group">"#,
        r#"<input type="hidden" name="posts-TOTAL_FORMS" value="2" id="id_posts-TOTAL_FORMS">"#,
        r#"<input type="hidden" name="posts-INITIAL_FORMS" value="0" id="id_posts-INITIAL_FORMS">"#,
        r#"<th class="required">Title</th>"#,
        r#"<label for="id_posts-1-title" class="visually-hidden">Title</label><input type="text" name="posts-1-title" maxlength="200" id="id_posts-1-title">"#,
    ] {
        assert!(page.contains(expected), "{expected} in {page}");
    }
    assert!(!page.contains("posts-2-title"), "two blank rows: {page}");

    // A row filled in but refused keeps everything unsaved, its error beside its field.
    let refused = [
        ("name", "Grace"),
        ("posts-TOTAL_FORMS", "2"),
        ("posts-INITIAL_FORMS", "0"),
        ("posts-0-title", ""),
        ("posts-0-published", "on"),
        ("posts-0-status", "draft"),
        ("posts-1-title", ""),
        ("posts-1-status", "draft"),
    ];
    let r = c.post_form("/admin/blog/author/add/", &refused).await;
    assert_eq!(r.status_code(), 200);
    let html = r.text();
    assert!(html.contains("Please correct the error below."), "{html}");
    assert!(
        html.contains(r#"<ul class="errorlist" id="id_posts-0-title_error"><li>This field is required.</li></ul>"#),
        "{html}"
    );
    assert_eq!(Author::objects().count().await.unwrap(), 0);

    // The author and a post together; the blank row is left out.
    let r = c
        .post_form(
            "/admin/blog/author/add/",
            &[
                ("name", "Ada"),
                ("posts-TOTAL_FORMS", "2"),
                ("posts-INITIAL_FORMS", "0"),
                ("posts-0-title", "Engines"),
                ("posts-0-published", "on"),
                ("posts-0-status", "live"),
                ("posts-1-title", ""),
                ("posts-1-status", "draft"),
                ("_continue", "1"),
            ],
        )
        .await;
    assert_eq!(r.status_code(), 302, "{}", r.text());
    let ada = Author::objects().get(author::name.eq("Ada")).await.unwrap();
    let engines = Post::objects()
        .get(post::title.eq("Engines"))
        .await
        .unwrap();
    assert_eq!(engines.author.id, ada.id);
    assert!(engines.published);
    assert_eq!(engines.status, "live");
    assert_eq!(Post::objects().count().await.unwrap(), 1);

    // The change page: the post with its key, then two blank rows.
    let url = format!("/admin/blog/author/{}/change/", ada.id);
    let page = c.get(&url).await.text();
    let id = engines.id.to_string();
    for expected in [
        r#"<input type="hidden" name="posts-TOTAL_FORMS" value="3" id="id_posts-TOTAL_FORMS">"#,
        r#"<input type="hidden" name="posts-INITIAL_FORMS" value="1" id="id_posts-INITIAL_FORMS">"#,
        &format!(r#"<input type="hidden" name="posts-0-id" value="{id}" id="id_posts-0-id">"#),
        r#"value="Engines""#,
        r#"<input type="checkbox" name="posts-0-DELETE" id="id_posts-0-DELETE">"#,
    ] {
        assert!(page.contains(expected), "{expected} in {page}");
    }

    // Change the post and add another in one save.
    let r = c
        .post_form(
            &url,
            &[
                ("name", "Ada"),
                ("posts-TOTAL_FORMS", "3"),
                ("posts-INITIAL_FORMS", "1"),
                ("posts-0-id", &id),
                ("posts-0-title", "Engines, analytical"),
                ("posts-0-published", "on"),
                ("posts-0-status", "live"),
                ("posts-1-title", "Notes"),
                ("posts-1-status", "draft"),
                ("posts-2-title", ""),
                ("posts-2-status", "draft"),
            ],
        )
        .await;
    assert_eq!(r.header("location"), Some("/admin/blog/author/"));
    let titles: Vec<String> = Post::objects()
        .order_by([post::id.asc()])
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.title)
        .collect();
    assert_eq!(titles, ["Engines, analytical", "Notes"]);

    // A row of another author, named by a forged key, is refused; so is a missing management
    // form. Nothing changes.
    let grace = author_named("Grace").await;
    let bugs = post("Bugs", &grace, false).await;
    let bugs_id = bugs.id.to_string();
    let r = c
        .post_form(
            &url,
            &[
                ("name", "Ada"),
                ("posts-TOTAL_FORMS", "1"),
                ("posts-INITIAL_FORMS", "1"),
                ("posts-0-id", &bugs_id),
                ("posts-0-title", "Stolen"),
                ("posts-0-status", "draft"),
            ],
        )
        .await;
    assert_eq!(r.status_code(), 200);
    assert!(r.text().contains("Select a valid choice."), "{}", r.text());
    let r = c.post_form(&url, &[("name", "Ada Byron")]).await;
    assert_eq!(r.status_code(), 200);
    assert!(
        r.text().contains("ManagementForm data is missing or has been tampered with. Missing fields: posts-TOTAL_FORMS, posts-INITIAL_FORMS."),
        "{}",
        r.text()
    );
    // Two forms naming the same row (one deleting it, one changing it) are refused, and so
    // is nothing left to delete.
    let r = c
        .post_form(
            &url,
            &[
                ("name", "Ada"),
                ("posts-TOTAL_FORMS", "2"),
                ("posts-INITIAL_FORMS", "2"),
                ("posts-0-id", &id),
                ("posts-0-title", "Engines, analytical"),
                ("posts-0-status", "live"),
                ("posts-0-DELETE", "on"),
                ("posts-1-id", &id),
                ("posts-1-title", "Engines, again"),
                ("posts-1-status", "live"),
            ],
        )
        .await;
    assert_eq!(r.status_code(), 200);
    assert!(r.text().contains("Select a valid choice."), "{}", r.text());
    assert_eq!(ada.posts().count().await.unwrap(), 2, "nothing deleted");
    // More initial forms claimed than forms sent: no form, no crash.
    let r = c
        .post_form(
            &url,
            &[
                ("name", "Ada"),
                ("posts-TOTAL_FORMS", "0"),
                ("posts-INITIAL_FORMS", "1"),
                ("posts-0-id", &bugs_id),
            ],
        )
        .await;
    assert_eq!(r.status_code(), 302, "{}", r.text());
    let bugs = Post::objects().get(post::id.eq(bugs.id)).await.unwrap();
    assert_eq!((bugs.title.as_str(), bugs.author.id), ("Bugs", grace.id));
    assert_eq!(
        Author::objects()
            .get(author::id.eq(ada.id))
            .await
            .unwrap()
            .name,
        "Ada"
    );

    // Delete a row by its box.
    let notes = Post::objects().get(post::title.eq("Notes")).await.unwrap();
    let notes_id = notes.id.to_string();
    let r = c
        .post_form(
            &url,
            &[
                ("name", "Ada"),
                ("posts-TOTAL_FORMS", "2"),
                ("posts-INITIAL_FORMS", "2"),
                ("posts-0-id", &id),
                ("posts-0-title", "Engines, analytical"),
                ("posts-0-published", "on"),
                ("posts-0-status", "live"),
                ("posts-1-id", &notes_id),
                ("posts-1-title", "Notes"),
                ("posts-1-status", "draft"),
                ("posts-1-DELETE", "on"),
            ],
        )
        .await;
    assert_eq!(r.status_code(), 302, "{}", r.text());
    assert_eq!(ada.posts().count().await.unwrap(), 1);

    // The author's history tells each row's change.
    let history = c
        .get(&format!("/admin/blog/author/{}/history/", ada.id))
        .await
        .text();
    let added = format!("Added. Added post “Post object ({id})”.");
    let changed = format!(
        "Changed Title for post “Post object ({id})”. Added post “Post object ({notes_id})”."
    );
    let deleted = format!("Deleted post “Post object ({notes_id})”.");
    for expected in [added, changed, deleted] {
        assert!(history.contains(&expected), "{expected} in {history}");
    }
}

/// Django's custom actions (`@admin.action`): listed after "Delete selected" with the model's
/// plural in their description, run on the selected rows only; one that fails commits nothing;
/// one needing the change permission is neither shown nor run for a user without it.
#[rjango::test(db, project = project)]
async fn custom_actions() {
    let (c, _) = superuser().await;
    let ada = author_named("Ada").await;
    let (a, b, keep) = (
        post("A", &ada, false).await,
        post("B", &ada, false).await,
        post("C", &ada, false).await,
    );
    let page = c.get("/admin/blog/post/").await.text();
    for expected in [
        r#"<option value="delete_selected">Delete selected posts</option>"#,
        r#"<option value="make_published">Mark selected posts as published</option>"#,
        r#"<option value="archive">Archive</option>"#,
    ] {
        assert!(page.contains(expected), "{expected} in {page}");
    }
    let (a_id, b_id) = (a.id.to_string(), b.id.to_string());
    let form = [
        ("action", "make_published"),
        ("_selected_action", a_id.as_str()),
        ("_selected_action", b_id.as_str()),
    ];
    let r = c.post_form("/admin/blog/post/", &form).await;
    assert_eq!(r.header("location"), Some("/admin/blog/post/"));
    let page = c.get("/admin/blog/post/").await.text();
    assert!(page.contains("2 posts were marked as published."), "{page}");
    let published: Vec<(String, bool)> = Post::objects()
        .order_by([post::id.asc()])
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.title, p.published))
        .collect();
    assert_eq!(
        published,
        [("A".into(), true), ("B".into(), true), ("C".into(), false)]
    );

    // The failing action's update is rolled back with it.
    let keep_id = keep.id.to_string();
    let r = c
        .post_form(
            "/admin/blog/post/",
            &[
                ("action", "archive"),
                ("_selected_action", keep_id.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status_code(), 404);
    let kept = Post::objects().get(post::id.eq(keep.id)).await.unwrap();
    assert_eq!(kept.status, "live", "nothing archived");

    // A staff member who may only view posts has neither the action nor its effect.
    let (clerk, _) = staff_member("clerk", &["view_post"]).await;
    let page = clerk.get("/admin/blog/post/").await.text();
    assert!(page.contains(r#"<option value="archive">"#), "{page}");
    assert!(!page.contains("make_published"), "{page}");
    let r = clerk
        .post_form(
            "/admin/blog/post/",
            &[
                ("action", "make_published"),
                ("_selected_action", keep_id.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status_code(), 403);
    assert!(
        !Post::objects()
            .get(post::id.eq(keep.id))
            .await
            .unwrap()
            .published
    );
}

/// Django's DateFieldListFilter: Any date, Today, Past 7 days, This month, This year, and No
/// date / Has date for a field that may be empty; each link keeps the rows it says. Then
/// `date_hierarchy`'s drill-down by year, month and day.
#[rjango::test(db, project = project)]
async fn date_filter() {
    use chrono::Datelike;
    let (c, _) = superuser().await;
    let ada = author_named("Ada").await;
    let now = rjango::utils::timezone::now();
    for (title, created) in [
        ("Today", Some(now)),
        ("Ten days ago", Some(now - chrono::Duration::days(10))),
        ("Long ago", Some(now - chrono::Duration::days(800))),
        ("Undated", None),
    ] {
        let mut p = post(title, &ada, false).await;
        p.created = created;
        p.save().await.unwrap();
    }
    let page = c.get("/admin/blog/post/").await.text();
    assert!(page.contains("<summary>By created</summary>"), "{page}");
    let link = |page: &str, label: &str| -> String {
        let end = page
            .find(&format!(">{label}</a>"))
            .unwrap_or_else(|| panic!("{label} in {page}"));
        let start = page[..end].rfind("href=\"").unwrap() + 6;
        page[start..end - 1]
            .split('"')
            .next()
            .unwrap()
            .replace("&#38;", "&")
    };
    let count = |page: &str| -> usize { page.matches(r#"class="action-select""#).count() };
    let mut seen = Vec::new();
    for label in [
        "Any date",
        "Today",
        "Past 7 days",
        "This year",
        "No date",
        "Has date",
    ] {
        let url = link(&page, label);
        // Every row on one page (three a page otherwise).
        let sep = if url == "?" { "" } else { "&" };
        let shown = c
            .get(&format!("/admin/blog/post/{url}{sep}all=1"))
            .await
            .text();
        assert!(
            shown.contains(&format!(r#"aria-current="true">{label}</a></li>"#)),
            "{label} selected in {shown}"
        );
        seen.push((label, count(&shown)));
    }
    let this_year = if now.date_naive().ordinal() > 10 {
        2
    } else {
        1
    };
    assert_eq!(
        seen,
        [
            ("Any date", 4),
            ("Today", 1),
            ("Past 7 days", 1),
            ("This year", this_year),
            ("No date", 1),
            ("Has date", 3),
        ]
    );
    // A bound that is no date filters nothing.
    let r = c
        .get("/admin/blog/post/?created__gte=soon&all=1")
        .await
        .text();
    assert_eq!(count(&r), 4);

    // Django's date_hierarchy (its dates in UTC): the years, then a year's months, then a
    // month's days, each level with the way back up.
    let dated: Vec<chrono::NaiveDate> = [0, 10, 800]
        .map(|days| (now - chrono::Duration::days(days)).date_naive())
        .to_vec();
    let page = c.get("/admin/blog/post/").await.text();
    for year in dated.iter().map(|d| d.year()) {
        assert!(
            page.contains(&format!("?created__year={year}\">{year}</a></li>")),
            "{year} in {page}"
        );
    }
    let today = now.date_naive();
    let (y, m) = (today.year(), today.month());
    let page = c
        .get(&format!("/admin/blog/post/?created__year={y}&all=1"))
        .await
        .text();
    assert!(
        page.contains(r#"<li><a href="?all=1">&lsaquo; All dates</a></li>"#),
        "{page}"
    );
    for d in dated.iter().filter(|d| d.year() == y) {
        let month = d.format("%B %Y").to_string();
        assert!(
            page.contains(&format!(">{month}</a></li>")),
            "{month} in {page}"
        );
    }
    assert_eq!(count(&page), dated.iter().filter(|d| d.year() == y).count());
    let page = c
        .get(&format!(
            "/admin/blog/post/?created__year={y}&created__month={m}&all=1"
        ))
        .await
        .text();
    assert!(
        page.contains(&format!(r#"&lsaquo; {y}</a></li>"#)),
        "{page}"
    );
    let day = today.format("%B %-d").to_string();
    assert!(
        page.contains(&format!(">{day}</a></li>")),
        "{day} in {page}"
    );
    let page = c
        .get(&format!(
            "/admin/blog/post/?created__year={y}&created__month={m}&created__day={}&all=1",
            today.day()
        ))
        .await
        .text();
    assert!(page.contains(&format!("<li>{day}</li>")), "{page}");
    assert_eq!(count(&page), 1, "today's one post");
}

/// Django's `fieldsets` and `readonly_fields`: the change form in named fieldsets (one folded
/// by `collapse`), read-only values as text in their place, and a POST that cannot change them.
#[rjango::test(db, project = project)]
async fn fieldsets_and_readonly_fields() {
    let (c, _) = superuser().await;
    let ada = author_named("Ada").await;
    let mut p = post("Engines", &ada, false).await;
    let created = chrono::DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z")
        .unwrap()
        .to_utc();
    p.created = Some(created);
    p.save().await.unwrap();
    let url = format!("/admin/blog/post/{}/change/", p.id);
    let page = c.get(&url).await.text();
    let publishing = page
        .find("<h2>Publishing</h2>")
        .expect("the second fieldset");
    for (expected, after) in [
        (r#"<fieldset class="module aligned">"#, false),
        // (the fieldset's own tag comes just before its heading)
        (
            r#"<fieldset class="module aligned collapse"><details><summary><h2>Publishing</h2></summary><div class="description">When and how it shows.</div>"#,
            false,
        ),
        (r#"name="title""#, false),
        (r#"name="status""#, true),
        (
            r#"<label>Words:</label><div class="readonly">3</div>"#,
            true,
        ),
        (r#"<label>Created:</label><div class="readonly">"#, true),
    ] {
        let at = page
            .find(expected)
            .unwrap_or_else(|| panic!("{expected} in {page}"));
        assert_eq!(
            at > publishing,
            after,
            "{expected} before or after Publishing"
        );
    }
    assert!(!page.contains(r#"name="created""#), "read-only: no input");

    // A POST naming a read-only field changes nothing of it.
    let id = ada.id.to_string();
    let r = c
        .post_form(
            &url,
            &[
                ("title", "Engines, analytical"),
                ("author", id.as_str()),
                ("body", "b"),
                ("status", "live"),
                ("created", "2030-01-01 00:00:00"),
            ],
        )
        .await;
    assert_eq!(r.status_code(), 302, "{}", r.text());
    let p = Post::objects().get(post::id.eq(p.id)).await.unwrap();
    assert_eq!(
        (p.title.as_str(), p.created),
        ("Engines, analytical", Some(created))
    );

    // Adding: the read-only values are Django's "-".
    let page = c.get("/admin/blog/post/add/").await.text();
    assert!(
        page.contains(r#"<label>Words:</label><div class="readonly">-</div>"#),
        "{page}"
    );
}

/// Django's SimpleListFilter: a filter of the project's own in the sidebar, its choices from
/// `lookups` and its rows from `queryset`.
#[rjango::test(db, project = project)]
async fn custom_list_filter() {
    let (c, _) = superuser().await;
    let ada = author_named("Ada").await;
    post("Full", &ada, false).await;
    let mut empty = post("Empty", &ada, false).await;
    empty.body = String::new();
    empty.save().await.unwrap();
    let page = c.get("/admin/blog/post/").await.text();
    assert!(page.contains("<summary>By body</summary>"), "{page}");
    assert!(
        page.contains(r#"<a href="?has_body=no">Without a body</a>"#),
        "{page}"
    );
    let page = c.get("/admin/blog/post/?has_body=no").await.text();
    assert!(
        page.contains(">Empty<") && !page.contains(">Full<"),
        "{page}"
    );
    assert!(
        page.contains(r#"aria-current="true">Without a body</a>"#),
        "{page}"
    );
    let page = c.get("/admin/blog/post/?has_body=yes").await.text();
    assert!(
        page.contains(">Full<") && !page.contains(">Empty<"),
        "{page}"
    );
}

#[rjango::test(db, project = project)]
async fn delete_selected_action() {
    let (c, _) = superuser().await;
    let a = author_named("A").await;
    let b = author_named("B").await;
    let keep = author_named("C").await;
    let selected = [a.id.to_string(), b.id.to_string()];
    let mut form = vec![("action", "delete_selected")];
    form.extend(selected.iter().map(|s| ("_selected_action", s.as_str())));

    let r = c
        .post_form("/admin/blog/author/", &[("action", "delete_selected")])
        .await;
    assert_eq!(r.status_code(), 302);
    let page = c.get("/admin/blog/author/").await.text();
    assert!(page.contains("Items must be selected in order to perform actions on them."));

    let r = c.post_form("/admin/blog/author/", &form).await;
    let html = r.text();
    assert!(
        html.contains("Are you sure you want to delete the selected authors?"),
        "{html}"
    );
    assert!(html.contains("Author: A"));
    assert_eq!(Author::objects().count().await.unwrap(), 3);

    form.push(("post", "yes"));
    let r = c.post_form("/admin/blog/author/", &form).await;
    assert_eq!(r.status_code(), 302);
    let page = c.get("/admin/blog/author/").await.text();
    assert!(page.contains("Successfully deleted 2 authors."), "{page}");
    let left = Author::objects().all().await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, keep.id);
}

/// Django's UserAdmin: users listed, filtered and searched; one added here joins now, with no
/// usable password; the password's hash is never a form field.
#[rjango::test(db, project = project)]
async fn users_and_groups() {
    let (c, ada) = superuser().await;
    let index = c.get("/admin/").await.text();
    assert!(
        index.contains(r#"<a href="/admin/auth/user/">Users</a>"#),
        "{index}"
    );
    assert!(
        index.contains(r#"<a href="/admin/auth/group/">Groups</a>"#),
        "{index}"
    );
    // Django's app names: the contrib app's verbose name, a project app's label in title case.
    assert!(
        index.contains("Authentication and Authorization"),
        "{index}"
    );
    let app = c.get("/admin/auth/").await.text();
    assert!(
        app.contains(
            "<title>Authentication and Authorization administration | rjango site admin</title>"
        ),
        "{app}"
    );
    let list = c.get("/admin/auth/user/?is_staff__exact=1").await.text();
    assert!(
        list.contains(r#"<a href="?is_staff__exact=1" aria-current="true">Yes</a>"#),
        "{list}"
    );
    assert!(
        list.contains(&format!(
            r#"<a href="/admin/auth/user/{}/change/">ada</a>"#,
            ada.id
        )),
        "{list}"
    );
    let form = c.get("/admin/auth/user/add/").await.text();
    assert!(
        form.contains(r#"name="username""#) && !form.contains(r#"name="password""#),
        "{form}"
    );
    let r = c
        .post_form(
            "/admin/auth/user/add/",
            &[
                ("username", "grace"),
                ("email", "grace@example.com"),
                ("is_active", "on"),
            ],
        )
        .await;
    assert_eq!(r.status_code(), 302, "{}", r.text());
    let grace = User::objects()
        .get(rjango::contrib::auth::models::user::username.eq("grace"))
        .await
        .unwrap();
    assert!(!grace.has_usable_password());
    assert!(grace.date_joined > rjango::chrono::Utc::now() - rjango::chrono::TimeDelta::minutes(1));
    // Added, the user is shown again to set a password (Django's UserAdmin.response_add).
    let change = format!("/admin/auth/user/{}/change/", grace.id);
    assert_eq!(r.header("location"), Some(change.as_str()));

    // The change form shows no hash, a summary, and the password page's link.
    let page = c.get(&change).await.text();
    assert!(
        page.contains(r#"<label>Password:</label><div class="readonly">No password set.</div>"#),
        "{page}"
    );
    let password_url = format!("/admin/auth/user/{}/password/", grace.id);
    assert!(
        page.contains(&format!(
            r#"<a href="{password_url}" class="passwordlink button">Set password</a>"#
        )),
        "{page}"
    );
    let page = c.get(&password_url).await.text();
    assert!(
        page.contains("<title>Change password: grace | rjango site admin</title>"),
        "{page}"
    );
    assert!(
        page.contains("Enter a new password for the user <strong>grace</strong>."),
        "{page}"
    );

    // Two different passwords are refused; the same twice is set, and logged.
    let r = c
        .post_form(
            &password_url,
            &[
                ("password1", "correct horse battery"),
                ("password2", "correct horse"),
            ],
        )
        .await;
    assert_eq!(r.status_code(), 200);
    assert!(
        r.text().contains("The two password fields didn’t match."),
        "{}",
        r.text()
    );
    let r = c
        .post_form(
            &password_url,
            &[
                ("password1", "correct horse battery"),
                ("password2", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(r.header("location"), Some(change.as_str()), "{}", r.text());
    let page = c.get(&change).await.text();
    assert!(page.contains("Password changed successfully."), "{page}");
    assert!(
        page.contains("algorithm: pbkdf2_sha256 iterations: "),
        "{page}"
    );
    let mut grace = User::objects()
        .get(rjango::contrib::auth::models::user::id.eq(grace.id))
        .await
        .unwrap();
    assert!(grace.check_password("correct horse battery").await.unwrap());
    let history = c
        .get(&format!("/admin/auth/user/{}/history/", grace.id))
        .await
        .text();
    assert!(history.contains("Changed password."), "{history}");

    // One's own password on the admin's own page (the header's "Change password"), the old
    // one asked first.
    let index = c.get("/admin/").await.text();
    assert!(
        index.contains(r#"<a href="/admin/password_change/">Change password</a>"#),
        "{index}"
    );
    let page = c.get("/admin/password_change/").await.text();
    assert!(page.contains(r#"name="old_password""#), "{page}");
    let r = c
        .post_form(
            "/admin/password_change/",
            &[
                ("old_password", "nope"),
                ("new_password1", "staple battery horse"),
                ("new_password2", "staple battery horse"),
            ],
        )
        .await;
    assert!(
        r.text()
            .contains("Your old password was entered incorrectly. Please enter it again."),
        "{}",
        r.text()
    );
    let r = c
        .post_form(
            "/admin/password_change/",
            &[
                ("old_password", "pw"),
                ("new_password1", "staple battery horse"),
                ("new_password2", "staple battery horse"),
            ],
        )
        .await;
    assert_eq!(
        r.header("location"),
        Some("/admin/password_change/done/"),
        "{}",
        r.text()
    );
    let done = c.get("/admin/password_change/done/").await.text();
    assert!(done.contains("Your password was changed."), "{done}");

    // One's own password through the user admin: still signed in afterwards.
    let own = format!("/admin/auth/user/{}/password/", ada.id);
    let r = c
        .post_form(
            &own,
            &[
                ("password1", "battery staple horse"),
                ("password2", "battery staple horse"),
            ],
        )
        .await;
    assert_eq!(r.status_code(), 302, "{}", r.text());
    assert_eq!(c.get("/admin/").await.status_code(), 200, "still signed in");
    let r = c
        .post_form("/admin/auth/group/add/", &[("name", "editors")])
        .await;
    assert_eq!(r.header("location"), Some("/admin/auth/group/"));
}

/// The change list follows the model's Meta.ordering when the ModelAdmin names none.
#[rjango::test(db, project = project)]
async fn the_models_ordering_by_default() {
    let (c, _) = superuser().await;
    author_named("Zed").await;
    author_named("Amy").await;
    let list = c.get("/admin/blog/author/").await.text();
    let (amy, zed) = (list.find(">Amy<").unwrap(), list.find(">Zed<").unwrap());
    assert!(amy < zed, "ordering = [\"name\"]: {list}");
}

/// Deleting an author takes their posts: a user who may delete authors but not posts sees
/// Django's "Cannot delete" page, and the POST is refused.
#[rjango::test(db, project = project)]
async fn a_cascade_needs_the_permission_to_delete_what_it_takes() {
    let (c, _) = staff_member("editor", &["view_author", "delete_author"]).await;
    let ada = author_named("Ada").await;
    post("Notes", &ada, true).await;
    let url = format!("/admin/blog/author/{}/delete/", ada.id);
    let page = c.get(&url).await.text();
    assert!(page.contains("<h1>Cannot delete author</h1>"), "{page}");
    assert!(
        page.contains("your account doesn’t have permission to delete the following types of objects:</p>\n<ul><li>post</li></ul>"),
        "{page}"
    );
    assert!(!page.contains("Yes, I’m sure"), "{page}");
    assert_eq!(
        c.post_form(&url, &[("post", "yes")]).await.status_code(),
        403
    );
    assert_eq!(Author::objects().count().await.unwrap(), 1);
    // Without the model's permission, a missing row and an existing one are both 403.
    assert_eq!(
        c.get("/admin/blog/post/999/change/").await.status_code(),
        403
    );
    assert_eq!(
        c.get("/admin/blog/post/999/delete/").await.status_code(),
        403
    );
}

#[rjango::test(db, project = project)]
async fn a_view_only_staff_member_changes_nothing() {
    let (c, _) = staff_member("clerk", &["view_author"]).await;
    let ada = author_named("Ada").await;

    let index = c.get("/admin/").await.text();
    assert!(
        index.contains(r#"<a href="/admin/blog/author/">Authors</a>"#),
        "{index}"
    );
    assert!(index.contains("viewlink"), "{index}");
    assert!(!index.contains("/admin/blog/author/add/"), "no add link");
    assert!(!index.contains("Posts"), "no permission on posts, no link");
    let page = c
        .get(&format!("/admin/blog/author/{}/change/", ada.id))
        .await
        .text();
    assert!(
        !page.contains("posts-group"),
        "no permission on posts, no inline"
    );

    let list = c.get("/admin/blog/author/").await.text();
    assert!(list.contains("Select author to view"), "{list}");
    assert!(!list.contains("Add author"));
    assert!(!list.contains("delete_selected"));
    let page = c
        .get(&format!("/admin/blog/author/{}/change/", ada.id))
        .await
        .text();
    assert!(
        page.contains("<title>View author | rjango site admin</title>"),
        "{page}"
    );
    assert!(
        page.contains(r#"<div class="readonly">Ada</div>"#),
        "{page}"
    );
    assert!(!page.contains(r#"name="_save""#), "no save button");
    assert!(!page.contains(r#"class="deletelink""#), "no delete button");

    // Forged POSTs are refused.
    let forged = [
        (
            format!("/admin/blog/author/{}/change/", ada.id),
            vec![("name", "Eve")],
        ),
        ("/admin/blog/author/add/".to_owned(), vec![("name", "Eve")]),
        (
            format!("/admin/blog/author/{}/delete/", ada.id),
            vec![("post", "yes")],
        ),
    ];
    for (url, form) in &forged {
        assert_eq!(c.post_form(url, form).await.status_code(), 403, "{url}");
    }
    let id = ada.id.to_string();
    let action = [
        ("action", "delete_selected"),
        ("_selected_action", id.as_str()),
        ("post", "yes"),
    ];
    assert_eq!(
        c.post_form("/admin/blog/author/", &action)
            .await
            .status_code(),
        403
    );
    assert_eq!(c.get("/admin/blog/post/").await.status_code(), 403);
    let still = Author::objects().get(author::id.eq(ada.id)).await.unwrap();
    assert_eq!(still.name, "Ada");
}

async fn comment(headline: &str, on: &Post, votes: i32) -> Comment {
    Comment::objects()
        .create(Comment {
            id: 0,
            post: ForeignKey::from(on),
            author: None,
            headline: headline.into(),
            slug: headline.to_lowercase().replace(' ', "-"),
            votes,
            tags: ManyToManyField::default(),
        })
        .await
        .unwrap()
}

/// `raw_id_fields`, `autocomplete_fields` and its JSON endpoint, and `prepopulated_fields`:
/// the foreign keys read only the row their value names, a key no row has is refused, the
/// endpoint answers Django's JSON to those who may view the rows, and a raw-id lookup's
/// popup change list sends keys back.
#[rjango::test(db, project = project)]
async fn raw_id_autocomplete_and_prepopulated_fields() {
    let (c, _) = superuser().await;
    let ann = author_named("Ann").await;
    author_named("Bob").await;
    let hello = post("Hello", &ann, true).await;

    let page = c.get("/admin/blog/comment/add/").await.text();
    assert!(
        page.contains(r#"<span class="related-widget-wrapper"><input type="text" name="post" class="vForeignKeyRawIdAdminField" required id="id_post"><a href="/admin/blog/post/?_to_field=id" class="related-lookup" id="lookup_id_post" title="Lookup" target="_blank" rel="noopener">Lookup</a>&nbsp;<strong class="related-label"></strong></span>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<input type="text" name="author" class="vForeignKeyRawIdAdminField admin-autocomplete" data-ajax--url="/admin/autocomplete/" data-app-label="blog" data-model-name="comment" data-field-name="author" id="id_author">"#),
        "{page}"
    );
    // No select of every post or author.
    for select in [
        r#"<select name="post""#,
        r#"<select name="author""#,
        "Post object (",
        ">Bob<",
    ] {
        assert!(!page.contains(select), "{select} in {page}");
    }
    assert!(
        page.contains(r##"<script type="application/json" id="rjango-prepopulated-fields">[{"id":"#id_slug","name":"slug","dependency_ids":["#id_headline"],"dependency_list":["headline"],"maxLength":50,"allowUnicode":false}]</script>"##),
        "{page}"
    );
    // The add page reads no post and no author at all.
    let (_, queries) = rjango::db::count_queries(c.get("/admin/blog/comment/add/")).await;
    assert!(
        !queries
            .iter()
            .any(|q| q.contains("blog_post") || q.contains("blog_author")),
        "{queries:#?}"
    );

    // A key no row has is refused beside its field, as a select's choice would be.
    let r = c
        .post_form(
            "/admin/blog/comment/add/",
            &[
                ("post", "999999"),
                ("author", "888888"),
                ("headline", "Nice"),
                ("slug", "nice"),
                ("votes", "0"),
            ],
        )
        .await;
    assert_eq!(r.status_code(), 200);
    let page = r.text();
    assert_eq!(
        page.matches("Select a valid choice. That choice is not one of the available choices.")
            .count(),
        2,
        "{page}"
    );
    assert!(page.contains(r#"value="999999""#), "{page}");
    assert_eq!(Comment::objects().count().await.unwrap(), 0);

    let (hello_id, ann_id) = (hello.id.to_string(), ann.id.to_string());
    let r = c
        .post_form(
            "/admin/blog/comment/add/",
            &[
                ("post", hello_id.as_str()),
                ("author", ann_id.as_str()),
                ("headline", "Nice post"),
                ("slug", "nice-post"),
                ("votes", "0"),
                ("_continue", "1"),
            ],
        )
        .await;
    assert_eq!(r.status_code(), 302, "{}", r.text());
    let saved = Comment::objects()
        .get(comment::slug.eq("nice-post"))
        .await
        .unwrap();
    assert_eq!(saved.post.id, hello.id);
    // The change page shows each key with its row's name, linked.
    let page = c
        .get(&format!("/admin/blog/comment/{}/change/", saved.id))
        .await
        .text();
    assert!(
        page.contains(&format!(
            r#"value="{hello_id}" class="vForeignKeyRawIdAdminField" required id="id_post"><a href="/admin/blog/post/?_to_field=id" class="related-lookup" id="lookup_id_post" title="Lookup" target="_blank" rel="noopener">Lookup</a>&nbsp;<strong class="related-label"><a href="/admin/blog/post/{hello_id}/change/">Post object ({hello_id})</a></strong>"#
        )),
        "{page}"
    );
    assert!(
        page.contains(&format!(
            r#"<a href="/admin/blog/author/{ann_id}/change/">Ann</a>"#
        )),
        "{page}"
    );
    // Each related row is read by its key, never the whole table.
    let (_, queries) =
        rjango::db::count_queries(c.get(&format!("/admin/blog/comment/{}/change/", saved.id)))
            .await;
    let related: Vec<&String> = queries
        .iter()
        .filter(|q| q.contains("blog_post") || q.contains("blog_author"))
        .collect();
    assert_eq!(related.len(), 2, "{queries:#?}");
    assert!(related.iter().all(|q| q.contains(" IN (")), "{related:#?}");
    // The slug is filled in only where it is empty: the page still says how.
    assert!(
        page.contains(r#"id="rjango-prepopulated-fields""#),
        "{page}"
    );

    // The autocomplete endpoint: Django's JSON, by the related admin's search_fields and
    // ordering, 20 a page.
    let ask = |term: &str, field: &str, page: u32| {
        format!(
            "/admin/autocomplete/?term={term}&app_label=blog&model_name=comment&field_name={field}&page={page}"
        )
    };
    let r = c.get(&ask("an", "author", 1)).await;
    assert_eq!(r.status_code(), 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.text(),
        format!(
            r#"{{"results":[{{"id":"{ann_id}","text":"Ann"}}],"pagination":{{"more":false}}}}"#
        )
    );
    for i in 1..=25 {
        author_named(&format!("Writer {i:02}")).await;
    }
    let first: serde_json::Value =
        serde_json::from_str(&c.get(&ask("writer", "author", 1)).await.text()).unwrap();
    assert_eq!(first["results"].as_array().unwrap().len(), 20);
    assert_eq!(first["results"][0]["text"], "Writer 01");
    assert_eq!(first["pagination"]["more"], true);
    let second: serde_json::Value =
        serde_json::from_str(&c.get(&ask("writer", "author", 2)).await.text()).unwrap();
    assert_eq!(second["results"].as_array().unwrap().len(), 5);
    assert_eq!(second["results"][4]["text"], "Writer 25");
    assert_eq!(second["pagination"]["more"], false);
    assert_eq!(c.get(&ask("writer", "author", 0)).await.status_code(), 404);
    assert_eq!(
        c.get(&ask("writer", "author", 1).replace("page=1", "page=99999999999999999999"))
            .await
            .status_code(),
        404
    );
    // Only a field of autocomplete_fields, of a registered model, is answered.
    assert_eq!(c.get(&ask("a", "post", 1)).await.status_code(), 403);
    assert_eq!(
        c.get("/admin/autocomplete/?term=a&app_label=blog&model_name=nothing&field_name=author")
            .await
            .status_code(),
        403
    );
    // Only to staff who may view the rows searched.
    let (staff, _) = staff_member("sam", &["add_comment"]).await;
    assert_eq!(staff.get(&ask("an", "author", 1)).await.status_code(), 403);
    let (viewer, _) = staff_member("vic", &["add_comment", "view_author"]).await;
    assert_eq!(viewer.get(&ask("an", "author", 1)).await.status_code(), 200);
    let anonymous = Client::new(project());
    assert_eq!(
        anonymous.get(&ask("an", "author", 1)).await.status_code(),
        302
    );

    // The lookup's popup: the related change list, its rows sending their key back, no
    // actions, its links keeping the popup's parameters.
    let popup = c
        .get("/admin/blog/post/?_to_field=id&_popup=1&q=Hello")
        .await
        .text();
    assert!(
        popup.contains(&format!(r#"data-popup-opener="{hello_id}">Hello</a>"#)),
        "{popup}"
    );
    assert!(!popup.contains("Delete selected"), "{popup}");
    assert!(
        popup.contains(r#"<input type="hidden" name="_popup" value="1"><input type="hidden" name="_to_field" value="id">"#),
        "the popup's search keeps it a popup: {popup}"
    );
    assert!(
        popup.contains(
            r#"<a href="?_popup=1&#38;_to_field=id&#38;published__exact=1&#38;q=Hello">Yes</a>"#
        ),
        "{popup}"
    );
    assert!(
        !c.get("/admin/blog/post/")
            .await
            .text()
            .contains("data-popup-opener")
    );
}

/// `list_editable`: the change list's rows are forms; "Save" saves the rows that changed,
/// each with its history entry, all or nothing; a forged or repeated key is refused, and a
/// user who may only view gets no inputs and a 403 for a forged save.
#[rjango::test(db, project = project)]
async fn list_editable_saves_the_rows_changed() {
    let (c, _) = superuser().await;
    let ann = author_named("Ann").await;
    let hello = post("Hello", &ann, true).await;
    let first = comment("First", &hello, 0).await;
    let second = comment("Second", &hello, 0).await;
    let third = comment("Third", &hello, 0).await;

    let page = c.get("/admin/blog/comment/").await.text();
    assert!(
        page.contains(r#"<input type="hidden" name="form-TOTAL_FORMS" value="3" id="id_form-TOTAL_FORMS"><input type="hidden" name="form-INITIAL_FORMS" value="3" id="id_form-INITIAL_FORMS">"#),
        "{page}"
    );
    // Newest first (-pk): the third comment is form 0.
    assert!(
        page.contains(r#"<td class="field-votes"><input type="number" name="form-0-votes" value="0" id="id_form-0-votes"></td>"#),
        "{page}"
    );
    assert!(
        page.contains(&format!(
            r#"<input type="hidden" name="form-0-id" value="{}" id="id_form-0-id">"#,
            third.id
        )),
        "{page}"
    );
    assert!(
        page.contains(
            r#"<input type="submit" name="_save" class="default" value="Save" formnovalidate>"#
        ),
        "{page}"
    );
    // The link column stays a link.
    assert!(
        page.contains(&format!(
            r#"<a href="/admin/blog/comment/{}/change/">First</a>"#,
            first.id
        )),
        "{page}"
    );

    let ids = [third.id, second.id, first.id].map(|i| i.to_string());
    let rows = |votes: [&'static str; 3], slugs: [&'static str; 3]| {
        let mut data: Vec<(String, String)> = vec![
            ("form-TOTAL_FORMS".into(), "3".into()),
            ("form-INITIAL_FORMS".into(), "3".into()),
            ("_save".into(), "Save".into()),
        ];
        for i in 0..3 {
            data.push((format!("form-{i}-id"), ids[i].clone()));
            data.push((format!("form-{i}-votes"), votes[i].into()));
            data.push((format!("form-{i}-slug"), slugs[i].into()));
        }
        data
    };
    let post_rows = |data: Vec<(String, String)>| {
        let c = &c;
        async move {
            let pairs: Vec<(&str, &str)> =
                data.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            c.post_form("/admin/blog/comment/", &pairs).await
        }
    };
    let r = post_rows(rows(["0", "0", "5"], ["third-new", "second", "first"])).await;
    assert_eq!(r.status_code(), 302, "{}", r.text());
    assert_eq!(r.header("location"), Some("/admin/blog/comment/"));
    let list = c.get("/admin/blog/comment/").await.text();
    assert!(
        list.contains("2 comments were changed successfully."),
        "{list}"
    );
    let votes = |id: i64| async move { Comment::objects().get(comment::id.eq(id)).await.unwrap() };
    assert_eq!(votes(first.id).await.votes, 5);
    assert_eq!(votes(third.id).await.slug, "third-new");
    assert_eq!(votes(second.id).await.slug, "second");
    let history = c
        .get(&format!("/admin/blog/comment/{}/history/", first.id))
        .await
        .text();
    assert!(history.contains("<td>Changed Votes.</td>"), "{history}");
    let history = c
        .get(&format!("/admin/blog/comment/{}/history/", second.id))
        .await
        .text();
    assert!(!history.contains("Changed"), "{history}");

    // A refused row: the list again with its error, and no row saved.
    let r = post_rows(rows(["7", "many", "5"], ["third-new", "second", "first"])).await;
    assert_eq!(r.status_code(), 200);
    let page = r.text();
    assert!(
        page.contains(r#"<p class="errornote">Please correct the error below.</p>"#),
        "{page}"
    );
    assert!(page.contains("Enter a whole number."), "{page}");
    assert!(
        page.contains(r#"name="form-1-votes" value="many""#),
        "{page}"
    );
    assert_eq!(votes(third.id).await.votes, 0);

    // Two rows given the same unique slug: refused by the form, not by the database.
    let r = post_rows(rows(["1", "1", "1"], ["same", "same", "first"])).await;
    assert_eq!(r.status_code(), 200);
    let page = r.text();
    assert!(
        page.contains("Please correct the duplicate data for slug."),
        "{page}"
    );
    assert!(
        page.contains("Please correct the duplicate values below."),
        "{page}"
    );
    assert_eq!(votes(third.id).await.slug, "third-new");

    // A key that is no row, or that two rows name, is refused.
    let mut forged = rows(["1", "1", "1"], ["a", "b", "c"]);
    forged[3].1 = "999999".into();
    let r = post_rows(forged).await;
    assert_eq!(r.status_code(), 200);
    assert!(r.text().contains("Select a valid choice."), "{}", r.text());
    let mut twice = rows(["1", "1", "1"], ["a", "b", "c"]);
    twice[6].1 = ids[0].clone();
    let r = post_rows(twice).await;
    assert_eq!(r.status_code(), 200);
    assert_eq!(votes(third.id).await.votes, 0);
    assert_eq!(votes(second.id).await.votes, 0);

    // An action still runs from the same form (no `_save`).
    let first_id = first.id.to_string();
    let r = c
        .post_form(
            "/admin/blog/comment/",
            &[
                ("action", "delete_selected"),
                ("_selected_action", first_id.as_str()),
            ],
        )
        .await;
    assert!(r.text().contains("Are you sure?"), "{}", r.text());

    // Who may only view sees text, and a forged save is refused.
    let (viewer, _) = staff_member("vic", &["view_comment"]).await;
    let page = viewer.get("/admin/blog/comment/").await.text();
    assert!(
        !page.contains("form-0-votes") && !page.contains("_save"),
        "{page}"
    );
    let r = post_rows_as(&viewer, rows(["9", "9", "9"], ["x", "y", "z"])).await;
    assert_eq!(r.status_code(), 403);
    assert_eq!(votes(first.id).await.votes, 5);
}

async fn post_rows_as(c: &Client, data: Vec<(String, String)>) -> rjango::http::HttpResponse {
    let pairs: Vec<(&str, &str)> = data.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    c.post_form("/admin/blog/comment/", &pairs).await
}

/// A many-to-many field is a multiple select of the related rows (Django's
/// ModelMultipleChoiceField): saved with the row, shown chosen on the change page, each change
/// in the history, a key that is no row refused, and text for who may only view.
#[rjango::test(db, project = project)]
async fn many_to_many_as_a_multiple_select() {
    let (c, _) = superuser().await;
    let ann = author_named("Ann").await;
    let hello = post("Hello", &ann, true).await;
    let mut tags = Vec::new();
    for name in ["rust", "django", "web"] {
        tags.push(
            Tag::objects()
                .create(Tag {
                    id: 0,
                    name: name.into(),
                })
                .await
                .unwrap(),
        );
    }
    let [rust, django, web] = [0, 1, 2].map(|i| tags[i].id.to_string());

    let page = c.get("/admin/blog/comment/add/").await.text();
    assert!(
        page.contains(&format!(
            "<select name=\"tags\" aria-describedby=\"id_tags_helptext\" id=\"id_tags\" multiple>\n  <option value=\"{rust}\">rust</option>"
        )),
        "{page}"
    );
    assert!(
        page.contains(r#"<div class="help" id="id_tags_helptext">Hold down “Control”, or “Command” on a Mac, to select more than one.</div>"#),
        "{page}"
    );
    let hello_id = hello.id.to_string();
    let fields = |tags: &[&str]| {
        let mut data: Vec<(String, String)> = vec![
            ("post".into(), hello_id.clone()),
            ("headline".into(), "Tagged".into()),
            ("slug".into(), "tagged".into()),
            ("votes".into(), "0".into()),
        ];
        data.extend(tags.iter().map(|t| ("tags".to_owned(), (*t).to_owned())));
        data
    };
    let send = |url: String, data: Vec<(String, String)>| {
        let c = &c;
        async move {
            let pairs: Vec<(&str, &str)> =
                data.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            c.post_form(&url, &pairs).await
        }
    };
    let r = send("/admin/blog/comment/add/".into(), fields(&[&rust, &web])).await;
    assert_eq!(r.status_code(), 302, "{}", r.text());
    let saved = Comment::objects()
        .get(comment::slug.eq("tagged"))
        .await
        .unwrap();
    let mut keys = saved.tags().keys().await.unwrap();
    keys.sort();
    assert_eq!(keys, [tags[0].id, tags[2].id]);

    let change = format!("/admin/blog/comment/{}/change/", saved.id);
    let page = c.get(&change).await.text();
    assert!(
        page.contains(&format!(r#"<option value="{rust}" selected>rust</option>"#))
            && page.contains(&format!(r#"<option value="{django}">django</option>"#))
            && page.contains(&format!(r#"<option value="{web}" selected>web</option>"#)),
        "{page}"
    );

    // A key that is no tag, or no key at all, is refused and nothing changes.
    for (bad, message) in [
        (
            "999999",
            "Select a valid choice. 999999 is not one of the available choices.",
        ),
        ("abc", "“abc” is not a valid value."),
    ] {
        let r = send(change.clone(), fields(&[&django, bad])).await;
        assert_eq!(r.status_code(), 200);
        let page = r.text();
        assert!(page.contains(message), "{message}: {page}");
        // The page again keeps what was chosen.
        assert!(
            page.contains(&format!(
                r#"<option value="{django}" selected>django</option>"#
            )) && !page.contains(&format!(r#"<option value="{rust}" selected>"#)),
            "{page}"
        );
    }
    assert_eq!(saved.tags().keys().await.unwrap().len(), 2);

    let r = send(change.clone(), fields(&[&django])).await;
    assert_eq!(r.status_code(), 302, "{}", r.text());
    assert_eq!(saved.tags().keys().await.unwrap(), [tags[1].id]);
    let history = c
        .get(&format!("/admin/blog/comment/{}/history/", saved.id))
        .await
        .text();
    assert!(history.contains("<td>Changed Tags.</td>"), "{history}");
    // Unchanged tags are no change.
    let r = send(change.clone(), fields(&[&django])).await;
    assert_eq!(r.status_code(), 302);
    let history = c
        .get(&format!("/admin/blog/comment/{}/history/", saved.id))
        .await
        .text();
    assert_eq!(history.matches("Changed Tags.").count(), 1, "{history}");

    // Who may only view reads the tags' names.
    let (viewer, _) = staff_member("vic", &["view_comment"]).await;
    let page = viewer.get(&change).await.text();
    assert!(
        page.contains(r#"<label>Tags:</label><div class="readonly">django</div>"#),
        "{page}"
    );
}

/// Every test above again on PostgreSQL and MariaDB: this binary, run once per server.
#[test]
fn the_admin_on_postgresql_and_mariadb() {
    if std::env::var_os("RJANGO_ADMIN_DATABASE").is_some() {
        return;
    }
    for (name, var) in [
        ("postgres", "RJANGO_TEST_POSTGRES"),
        ("mysql", "RJANGO_TEST_MYSQL"),
    ] {
        if std::env::var_os(var).is_none() {
            rjango::test::skip(
                &format!("the admin tests on {name}"),
                &format!("{var} is not set"),
            );
            continue;
        }
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .env("RJANGO_ADMIN_DATABASE", name)
            .arg("--test-threads=1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "the admin tests on {name}:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("test result: ok. 18 passed"), "{stdout}");
    }
}
