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
            #[field(max_length = 200)]
            pub title: CharField,
        }
    }
}

use blog::models::{Post, post};

fn main() {
    // Django's select_related("title"): not a relation.
    let _ = Post::objects().select_related(post::title);
}
