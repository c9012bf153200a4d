// An inline listed on a model its foreign key does not point at (Django's admin.E202 at
// start-up) does not compile.
mod blog {
    pub mod models {
        use rjango::models::prelude::*;

        #[model]
        pub struct Author {
            #[field(max_length = 100)]
            pub name: CharField,
        }

        #[model]
        pub struct Tag {
            #[field(max_length = 50)]
            pub name: CharField,
        }

        #[model]
        pub struct Post {
            #[field(max_length = 200)]
            pub title: CharField,
            #[field(on_delete = Cascade, related_name = "posts")]
            pub author: ForeignKey<Author>,
        }
    }

    pub mod admin {
        use rjango::contrib::admin::{self, InlineModelAdmin, ModelAdmin};

        use super::models::{Post, Tag, post, tag};

        #[derive(Default)]
        pub struct PostInline;

        #[admin::tabular_inline(Post)]
        impl InlineModelAdmin for PostInline {}

        #[derive(Default)]
        pub struct TagAdmin;

        #[admin::register(Tag, inlines = [PostInline])]
        impl ModelAdmin for TagAdmin {}
    }
}

fn main() {}
