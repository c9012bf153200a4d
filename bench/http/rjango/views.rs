//! The bench's eight endpoints as a user of rjango writes them; django/views.py and
//! hand/src/main.rs answer the same requests with the same bodies.
//!
//! The JSON views serialize the same structs as the hand-written server's, so that the two
//! Rust servers' views do the same work and the comparison is the framework's. (`json!`
//! builds a map and copies what it is given: on /echo/ that is a copy of the parsed body,
//! about 6,000 instructions a request with its drop.)

use rjango::models::{ForeignKey, Page, Paginator};
use rjango::prelude::*;
use serde::Serialize;

use crate::blog::models::{Post, post};

/// GET /hello/: text.
pub async fn hello(_request: HttpRequest) -> HttpResponse {
    HttpResponse::new("Hello, world")
}

#[derive(Serialize)]
struct Item {
    item_id: i64,
}

/// GET /items/<int>/: JSON of a path parameter.
pub async fn item_detail(_request: HttpRequest, item_id: i64) -> JsonResponse {
    JsonResponse::new(Item { item_id })
}

#[derive(Serialize)]
struct SearchResult<'a> {
    q: &'a str,
    page: i64,
}

/// GET /search/?q=&page=: JSON of the query string.
pub async fn search(request: HttpRequest) -> Result<JsonResponse, HttpResponse> {
    let q = request.GET().get("q").unwrap_or("");
    let page: i64 = request
        .GET()
        .get("page")
        .unwrap_or("1")
        .parse()
        .map_err(|_| HttpResponseBadRequest("page must be an integer"))?;
    Ok(JsonResponse::new(SearchResult { q, page }))
}

#[derive(Serialize)]
struct AuthorJson<'a> {
    id: i64,
    name: &'a str,
}

#[derive(Serialize)]
struct PostJson<'a> {
    id: i64,
    title: &'a str,
    body: &'a str,
    author: Option<AuthorJson<'a>>,
}

/// GET /posts/<id>/: a post and its author, in one query.
pub async fn post_detail(_request: HttpRequest, post_id: i64) -> Result<JsonResponse, ViewError> {
    let post = get_object_or_404(
        Post::objects().select_related(post::author),
        post::id.eq(post_id),
    )
    .await?;
    let author = post.author.cached().map(|a| AuthorJson {
        id: a.id,
        name: &a.name,
    });
    Ok(JsonResponse::new(PostJson {
        id: post.id,
        title: &post.title,
        body: &post.body,
        author,
    }))
}

#[derive(Template)]
#[template(path = "page.html")]
struct ItemsPage {
    title: &'static str,
    items: Vec<String>,
}

/// GET /page/: an askama page of 20 items, escaped.
pub async fn page(request: HttpRequest) -> impl IntoResponse {
    let items = (1..=20).map(|i| format!("Item {i} & <more>")).collect();
    render(&request, ItemsPage { title: "Items", items })
}

#[derive(Serialize)]
struct Echo {
    received: serde_json::Value,
}

/// POST /echo/: a JSON body, read and sent back.
pub async fn echo(request: HttpRequest) -> Result<JsonResponse, ViewError> {
    if request.content_type() != "application/json" {
        return Ok(JsonResponse::new(json!({ "error": "expected application/json" })).status(415));
    }
    let received: serde_json::Value = request.json()?;
    Ok(JsonResponse::new(Echo { received }))
}

#[derive(Template)]
#[template(path = "posts.html")]
struct PostsPage {
    page: Page<Post>,
}

/// GET /posts/?page=: 20 posts with their authors, through the Paginator.
pub async fn post_list(request: HttpRequest) -> Result<impl IntoResponse, ViewError> {
    let posts = Post::objects()
        .select_related(post::author)
        .order_by([post::id.asc()]);
    let page = Paginator::new(posts, 20)
        .get_page(request.GET().get("page"))
        .await?;
    Ok(render(&request, PostsPage { page }))
}

#[derive(serde::Deserialize)]
struct NewPost {
    author: i64,
    title: String,
    body: String,
}

#[derive(Serialize)]
struct Created {
    id: i64,
}

/// POST /api/posts/: a JSON body that creates a row; 201 with its id.
pub async fn post_create(request: HttpRequest) -> Result<JsonResponse, ViewError> {
    let new: NewPost = request.json()?;
    let post = Post::objects()
        .create(Post {
            id: 0,
            author: ForeignKey::new(new.author),
            title: new.title,
            body: new.body,
        })
        .await?;
    Ok(JsonResponse::new(Created { id: post.id }).status(201))
}
