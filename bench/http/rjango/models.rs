//! The bench's models: the same two tables as django/blog/models.py and hand/src/db.rs.

use rjango::models::prelude::*;

#[model]
pub struct Author {
    #[field(max_length = 100)]
    pub name: CharField,
}

#[model]
pub struct Post {
    #[field(on_delete = Cascade, related_name = "posts")]
    pub author: ForeignKey<Author>,
    #[field(max_length = 200)]
    pub title: CharField,
    pub body: TextField,
}
