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
            pub published: DateTimeField,
        }
    }
}

use blog::models::{Post, post};

#[rjango::forms::model_form(model = Post, fields = [author, published])]
pub struct PostForm;

fn main() {}
