//! Django's generic views, Django's tutorial part 4 ported: ListView (paginated), DetailView,
//! CreateView, UpdateView and DeleteView on a model, FormView, TemplateView and RedirectView,
//! through the request cycle on the test database.

use rjango::forms::{Form, model_form};
use rjango::models::prelude::*;
use rjango::prelude::*;
use rjango::test::Client;
use rjango::views::generic::{
    CreateView, DeleteView, DetailView, FormView, ListView, RedirectView, TemplateView, UpdateView,
};

mod polls {
    pub mod models {
        use rjango::models::prelude::*;

        #[model(ordering = ["id"])]
        pub struct Question {
            #[field(max_length = 200)]
            pub question_text: CharField,
            #[field(default = 0)]
            pub votes: IntegerField,
        }
    }

    pub mod pages;
}

use polls::models::{Question, question};
use polls::pages::{
    AboutPage, ConfirmPage, ContactPage, DetailPage, IndexPage, LatestPage, QuestionFormPage,
    ResultsPage,
};

mod m0001 {
    rjango::migration! {
        initial: true,
        dependencies: [],
        operations: [
            CreateModel {
                name: "Question",
                fields: [
                    ("id", BigAutoField { primary_key: true }),
                    ("question_text", CharField { max_length: 200 }),
                    ("votes", IntegerField { default: 0 }),
                ],
                options: Options { ordering: ["id"] },
            },
        ],
    }
}

#[model_form(model = Question, fields = [question_text])]
pub struct QuestionForm;

#[derive(Form)]
pub struct ContactForm {
    #[field(max_length = 20)]
    pub subject: String,
}

#[derive(Default)]
pub struct IndexView;
impl ListView for IndexView {
    type Model = Question;
    type Template = IndexPage;
    const PAGINATE_BY: Option<u64> = Some(2);
}

/// Django's tutorial's IndexView: the five latest, as `latest_question_list`.
#[derive(Default)]
pub struct LatestView;
impl ListView for LatestView {
    type Model = Question;
    type Template = LatestPage;
    fn get_queryset(&self, _request: &HttpRequest) -> QuerySet<Question> {
        Question::objects()
            .order_by([question::id.desc()])
            .slice(..2)
    }
}

/// Only the questions with votes: the others are 404 here. Its page also shows the votes of
/// every question (get_context_data).
#[derive(Default)]
pub struct ResultsView;
impl DetailView for ResultsView {
    type Model = Question;
    type Template = ResultsPage;
    fn get_queryset(&self, _request: &HttpRequest) -> QuerySet<Question> {
        Question::objects().filter(question::votes.gt(0))
    }
    async fn get_context_data(
        &self,
        _request: &HttpRequest,
        page: &mut ResultsPage,
    ) -> Result<(), ViewError> {
        let all = Question::objects().all().await?;
        page.total_votes = all.iter().map(|q| q.votes).sum();
        Ok(())
    }
}

#[derive(Default)]
pub struct QuestionDetail;
impl DetailView for QuestionDetail {
    type Model = Question;
    type Template = DetailPage;
}

#[derive(Default)]
pub struct QuestionCreate;
impl CreateView for QuestionCreate {
    type Form = QuestionForm;
    type Template = QuestionFormPage;
    fn success_url(&self, object: &Question) -> String {
        format!("/polls/{}/", object.id)
    }
}

#[derive(Default)]
pub struct QuestionUpdate;
impl UpdateView for QuestionUpdate {
    type Form = QuestionForm;
    type Template = QuestionFormPage;
    fn success_url(&self, object: &Question) -> String {
        format!("/polls/{}/", object.id)
    }
}

#[derive(Default)]
pub struct QuestionDelete;
impl DeleteView for QuestionDelete {
    type Model = Question;
    type Template = ConfirmPage;
    fn success_url(&self, _object: &Question) -> String {
        "/polls/".into()
    }
}

#[derive(Default)]
pub struct ContactView;
impl FormView for ContactView {
    type Form = ContactForm;
    type Template = ContactPage;
    async fn form_valid(&self, _request: &HttpRequest, data: ContactForm) -> ViewResult {
        Ok(redirect(format!("/thanks/?about={}", data.subject)))
    }
}

#[derive(Default)]
pub struct AboutView;
impl TemplateView for AboutView {
    type Template = AboutPage;
    async fn get_context_data(
        &self,
        _request: &HttpRequest,
        page: &mut AboutPage,
    ) -> Result<(), ViewError> {
        page.questions = Question::objects().count().await?;
        Ok(())
    }
}

urlpatterns![
    path("polls/", IndexView::as_view(), name = "index"),
    path("polls/latest/", LatestView::as_view(), name = "latest"),
    path("polls/new/", QuestionCreate::as_view(), name = "create"),
    path(
        "polls/<int:pk>/",
        QuestionDetail::as_view(),
        name = "detail"
    ),
    path(
        "polls/<int:pk>/results/",
        ResultsView::as_view(),
        name = "results"
    ),
    path(
        "polls/<int:pk>/edit/",
        QuestionUpdate::as_view(),
        name = "update"
    ),
    path(
        "polls/<int:pk>/delete/",
        QuestionDelete::as_view(),
        name = "delete"
    ),
    path("contact/", ContactView::as_view(), name = "contact"),
    path("about/", AboutView::as_view(), name = "about"),
    path(
        "old-polls/",
        RedirectView::to("/polls/")
            .permanent()
            .query_string()
            .as_view(),
        name = "old"
    ),
];

fn settings() -> rjango::conf::Settings {
    rjango::conf::Settings {
        DEBUG: true,
        SECRET_KEY: "generic-views".into(),
        ALLOWED_HOSTS: vec!["testserver".into()],
        DATABASES: rjango::conf::Databases::new().with(
            "default",
            format!(
                "sqlite://{}",
                std::env::temp_dir()
                    .join(format!("rjango-generic-{}.sqlite3", std::process::id()))
                    .display()
            ),
        ),
        ..Default::default()
    }
}

fn project() -> rjango::Project {
    rjango::Project {
        name: "generic",
        settings,
        root_urlconf: urlpatterns,
        apps: &[rjango::apps::AppConfig {
            name: "polls",
            label: "polls",
        }],
        models: &[("polls", "question")],
        migrations: || vec![m0001::migration("polls", "0001_initial")],
        migration_code: Vec::new,
        commands: Vec::new,
    }
}

#[rjango::test(db, project = project)]
async fn list_and_detail_views() {
    for (text, votes) in [
        ("What's new?", 1),
        ("Tea or coffee?", 0),
        ("Tabs or spaces?", 3),
    ] {
        Question::objects()
            .create(Question {
                id: 0,
                question_text: text.into(),
                votes,
            })
            .await
            .unwrap();
    }
    let c = Client::new(project());
    let r = c.get("/polls/").await;
    assert_eq!(r.status_code(), 200);
    assert_eq!(
        r.text(),
        "<li>What&#39;s new?</li><li>Tea or coffee?</li> page 1 of 2"
    );
    let page = r.context::<IndexPage>().unwrap();
    assert!(page.is_paginated);
    // Django's context object name is the object list itself, not a copy.
    assert_eq!(page.question_list.len(), 2);
    assert!(std::ptr::eq(&page.question_list[0], &page.object_list[0]));
    // context_object_name; the template also reads object_list.
    assert_eq!(
        c.get("/polls/latest/").await.text().trim_end(),
        "<li>Tabs or spaces?</li><li>Tea or coffee?</li> of 2"
    );
    assert_eq!(
        c.get("/polls/?page=2").await.text(),
        "<li>Tabs or spaces?</li> page 2 of 2"
    );
    assert_eq!(
        c.get("/polls/?page=last").await.text(),
        "<li>Tabs or spaces?</li> page 2 of 2"
    );
    assert_eq!(c.get("/polls/?page=3").await.status_code(), 404);
    assert_eq!(c.get("/polls/?page=two").await.status_code(), 404);
    assert_eq!(c.post_form("/polls/", &[]).await.status_code(), 405);

    let first = Question::objects().first().await.unwrap().unwrap();
    let r = c.get(&format!("/polls/{}/", first.id)).await;
    assert_eq!(r.text(), "<h1>What&#39;s new?</h1>");
    let r = c.get("/polls/999/").await;
    assert_eq!(r.status_code(), 404);
    assert!(
        r.text().contains("No question found matching the query"),
        "{}",
        r.text()
    );
    // get_queryset narrows what can be found.
    let tea = Question::objects()
        .get(question::votes.eq(0))
        .await
        .unwrap();
    assert_eq!(
        c.get(&format!("/polls/{}/results/", tea.id))
            .await
            .status_code(),
        404
    );
    let r = c.get(&format!("/polls/{}/results/", first.id)).await;
    assert_eq!(r.status_code(), 200);
    assert_eq!(r.text().trim_end(), "<h1>What&#39;s new?</h1>1 of 4 votes");
    assert_eq!(r.context::<ResultsPage>().unwrap().total_votes, 4);
}

#[rjango::test(db, project = project)]
async fn create_update_and_delete_views() {
    let c = Client::new(project());
    let r = c.get("/polls/new/").await;
    assert!(r.text().contains("<h1>New question</h1>"), "{}", r.text());
    assert!(
        r.text()
            .contains(r#"name="question_text" maxlength="200" required"#)
    );

    // Invalid: the form again, with Django's message; nothing saved.
    let r = c.post_form("/polls/new/", &[("question_text", "")]).await;
    assert_eq!(r.status_code(), 200);
    assert!(r.text().contains("This field is required."));
    assert_eq!(Question::objects().count().await.unwrap(), 0);

    let r = c
        .post_form("/polls/new/", &[("question_text", "Why?")])
        .await;
    let made = Question::objects()
        .get(question::question_text.eq("Why?"))
        .await
        .unwrap();
    assert_eq!(made.votes, 0, "the model's default");
    assert_eq!(
        r.header("location"),
        Some(format!("/polls/{}/", made.id).as_str())
    );

    let r = c.get(&format!("/polls/{}/edit/", made.id)).await;
    assert!(r.text().contains("<h1>Edit Why?</h1>"), "{}", r.text());
    assert!(r.text().contains(r#"value="Why?""#));
    let r = c
        .post_form(
            &format!("/polls/{}/edit/", made.id),
            &[("question_text", "Why not?")],
        )
        .await;
    assert_eq!(r.status_code(), 302);
    let edited = Question::objects()
        .get(question::id.eq(made.id))
        .await
        .unwrap();
    assert_eq!(edited.question_text, "Why not?");
    assert_eq!(c.get("/polls/999/edit/").await.status_code(), 404);

    let r = c.get(&format!("/polls/{}/delete/", made.id)).await;
    assert_eq!(r.text(), "<p>Delete “Why not?”?</p>");
    assert_eq!(
        Question::objects().count().await.unwrap(),
        1,
        "a GET deletes nothing"
    );
    let r = c
        .post_form(&format!("/polls/{}/delete/", made.id), &[])
        .await;
    assert_eq!(r.header("location"), Some("/polls/"));
    assert_eq!(Question::objects().count().await.unwrap(), 0);
}

#[rjango::test(db, project = project)]
async fn form_template_and_redirect_views() {
    let c = Client::new(project());
    let r = c
        .post_form("/contact/", &[("subject", "x".repeat(21).as_str())])
        .await;
    assert!(
        r.text()
            .contains("Ensure this value has at most 20 characters (it has 21).")
    );
    let r = c.post_form("/contact/", &[("subject", "hi")]).await;
    assert_eq!(r.header("location"), Some("/thanks/?about=hi"));
    assert_eq!(
        c.get("/about/").await.text().trim_end(),
        "<p>About, for : 0 questions.</p>"
    );
    let r = c.get("/old-polls/?page=2").await;
    assert_eq!(
        (r.status_code(), r.header("location")),
        (301, Some("/polls/?page=2"))
    );
}
