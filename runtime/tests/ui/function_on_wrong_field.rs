mod blog {
    pub mod models {
        use rjango::models::prelude::*;

        #[model]
        pub struct Post {
            #[field(max_length = 200)]
            pub title: CharField,
            pub views: IntegerField,
        }
    }
}

use blog::models::{Post, post};
use rjango::models::prelude::*;

fn main() {
    let _ = Post::objects().annotate(Lower(post::views));
}
