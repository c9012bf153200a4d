mod blog {
    pub mod models {
        use rjango::models::prelude::*;

        #[model]
        pub struct Author {
            #[field(max_length = 100)]
            pub name: CharField,
        }

        #[model]
        pub struct Post {
            #[field(on_delete = Cascade)]
            pub author: ForeignKey<Author>,
        }
    }
}

use blog::models::{Post, post};

#[rjango::forms::model_form(model = Post, fields = [author])]
pub struct PostForm;

fn main() {}
