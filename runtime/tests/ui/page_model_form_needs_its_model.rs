// A ModelFormContext page names its model, for Django's template name and object name.
use rjango::forms::model_form;
use rjango::views::generic::ModelFormContext;

mod polls {
    pub mod models {
        use rjango::models::prelude::*;

        #[model]
        pub struct Question {
            #[field(max_length = 200)]
            pub question_text: CharField,
        }
    }
}

use polls::models::{Question, question};

#[model_form(model = Question, fields = [question_text])]
pub struct QuestionForm;

rjango::page!(pub struct QuestionFormPage(ModelFormContext<QuestionForm>));

fn main() {}
