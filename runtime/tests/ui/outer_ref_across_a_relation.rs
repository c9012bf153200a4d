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

use blog::models::{Author, Post, author, post};
use rjango::models::prelude::*;

fn main() {
    // OuterRef names a field of the outer model itself, not one across a relation.
    let inner = Post::objects()
        .filter(post::title.eq(OuterRef(post::author.then(author::name))))
        .values_list(post::title);
    let _ = Author::objects().annotate(Subquery(inner));
}
