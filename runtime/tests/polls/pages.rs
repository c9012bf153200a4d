//! The polls app's pages, in the app's own directory so that `rjango::page!` names their
//! templates as Django's generic views do (`polls/question_list.html`, ...).

use rjango::views::generic::{
    DeleteContext, DetailContext, FormContext, ListContext, ModelFormContext, TemplateContext,
};

use super::super::{ContactForm, QuestionForm};
use super::models::Question;

// Django's defaults: polls/question_list.html with `question_list`, polls/question_detail.html
// with `question`, and so on.
rjango::page!(pub struct IndexPage(ListContext<Question>));
rjango::page!(pub struct DetailPage(DetailContext<Question>));
rjango::page!(pub struct QuestionFormPage(ModelFormContext<QuestionForm>), model = Question);
rjango::page!(pub struct ConfirmPage(DeleteContext<Question>));

// Django's tutorial's IndexView: `context_object_name = "latest_question_list"`.
rjango::page!(
    pub struct LatestPage(ListContext<Question>) = "polls/index.html",
    context_object_name = latest_question_list,
);

// Pages whose views add to the context (Django's get_context_data).
rjango::page!(
    pub struct ResultsPage(DetailContext<Question>) = "polls/results.html" {
        pub total_votes: i32,
    }
);
rjango::page!(pub struct AboutPage(TemplateContext) = "polls/about.html" { pub questions: u64 });
rjango::page!(pub struct ContactPage(FormContext<ContactForm>) = "polls/contact.html");
