mod blog {
    pub mod models {
        use rjango::models::prelude::*;

        #[model]
        pub struct Post {
            #[field(max_length = 200)]
            pub title: CharField,
        }
    }
}

use blog::models::{Post, post};

#[rjango::forms::model_form(model = Post, exclude = [subtitle])]
pub struct PostForm;

fn main() {}
