//! The bench's models: the same two as bench/admin/blog/models.py declares for Django.

use rjango::models::prelude::*;

#[model(ordering = ["name"])]
pub struct Author {
    #[field(max_length = 100)]
    pub name: CharField,
}

impl std::fmt::Display for Author {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

#[model]
pub struct Post {
    #[field(max_length = 200)]
    pub title: CharField,
    #[field(on_delete = Cascade)]
    pub author: ForeignKey<Author>,
    #[field(default = false)]
    pub published: BooleanField,
}

impl std::fmt::Display for Post {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.title)
    }
}
