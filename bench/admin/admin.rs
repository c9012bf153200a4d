//! The bench's ModelAdmin: the change list of posts, 100 a page, with the author column and
//! a sidebar filtering by published and by author.

use rjango::contrib::admin::{self, ModelAdmin};

use crate::blog::models::{Post, post};

#[derive(Default)]
pub struct PostAdmin;

#[admin::register(
    Post,
    list_display = [title, author, published],
    list_filter = [published, author],
    search_fields = [title]
)]
impl ModelAdmin for PostAdmin {}
