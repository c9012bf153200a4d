// Django refuses an inline whose model has two foreign keys and no fk_name (admin.E202);
// rjango when it compiles, naming the keys.
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
            #[field(max_length = 200)]
            pub title: CharField,
            #[field(on_delete = Cascade, related_name = "posts")]
            pub author: ForeignKey<Author>,
            #[field(on_delete = Cascade, related_name = "edited")]
            pub editor: ForeignKey<Author>,
        }
    }

    pub mod admin {
        use rjango::contrib::admin::{self, InlineModelAdmin};

        use super::models::{Post, post};

        #[derive(Default)]
        pub struct PostInline;

        #[admin::tabular_inline(Post, fields = [title])]
        impl InlineModelAdmin for PostInline {}
    }
}

fn main() {}
