// Django's attribute is context_object_name.
use rjango::views::generic::ListContext;

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

use polls::models::Question;

rjango::page!(pub struct IndexPage(ListContext<Question>) = "polls/index.html", object_name = questions);

fn main() {}
