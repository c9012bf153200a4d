// Two foreign keys to one model without related_name: both would be `author.post_set()`.
// Django's fields.E304, at the field, instead of rustc's "duplicate definitions" inside
// generated code.
mod blog {
    pub mod models {
        use rjango::models::prelude::*;

        #[model]
        pub struct Author {
            #[field(max_length = 50)]
            pub name: CharField,
        }

        #[model]
        pub struct Post {
            #[field(on_delete = Cascade)]
            pub author: ForeignKey<Author>,
            #[field(on_delete = Cascade)]
            pub editor: ForeignKey<Author>,
        }
    }
}

fn main() {}
