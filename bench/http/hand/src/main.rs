//! bench/http's baseline: the bench's eight endpoints written by hand on actix-web 4, SeaORM 2
//! and askama, the way a team that knows those crates well writes them (a small pool, no
//! statement logging, no middleware; with `--security-headers`, actix's DefaultHeaders with
//! the four headers Django's default MIDDLEWARE sends). Its answers are the same bytes as
//! rjango's and Django's (JSON spacing aside).
//!
//!     bench-hand 127.0.0.1:8831 sqlite:///path/db.sqlite3 [workers] [--security-headers]

mod db;
mod escape;

use actix_web::http::StatusCode;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use askama::Template;
use sea_orm::{
    ActiveModelTrait, ConnectOptions, Database, DatabaseConnection, EntityTrait, NotSet,
    PaginatorTrait, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use db::{author, post};

fn json(status: StatusCode, value: &impl Serialize) -> HttpResponse {
    match serde_json::to_vec(value) {
        Ok(body) => HttpResponse::build(status)
            .content_type("application/json")
            .body(body),
        Err(e) => HttpResponse::InternalServerError().body(e.to_string()),
    }
}

fn html(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body)
}

fn server_error(e: impl std::fmt::Display) -> HttpResponse {
    HttpResponse::InternalServerError().body(e.to_string())
}

async fn hello() -> HttpResponse {
    html("Hello, world".to_owned())
}

#[derive(Serialize)]
struct Item {
    item_id: i64,
}

async fn item_detail(item_id: web::Path<i64>) -> HttpResponse {
    json(
        StatusCode::OK,
        &Item {
            item_id: item_id.into_inner(),
        },
    )
}

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
    page: Option<String>,
}

#[derive(Serialize)]
struct SearchResult<'a> {
    q: &'a str,
    page: i64,
}

async fn search(query: web::Query<SearchQuery>) -> HttpResponse {
    let page = match query.page.as_deref().unwrap_or("1").parse() {
        Ok(page) => page,
        Err(_) => return HttpResponse::BadRequest().body("page must be an integer"),
    };
    let q = query.q.as_deref().unwrap_or("");
    json(StatusCode::OK, &SearchResult { q, page })
}

#[derive(Serialize)]
struct AuthorJson {
    id: i64,
    name: String,
}

#[derive(Serialize)]
struct PostJson {
    id: i64,
    title: String,
    body: String,
    author: Option<AuthorJson>,
}

async fn post_detail(db: web::Data<DatabaseConnection>, id: web::Path<i64>) -> HttpResponse {
    let found = post::Entity::find_by_id(id.into_inner())
        .find_also_related(author::Entity)
        .one(db.get_ref())
        .await;
    match found {
        Ok(Some((p, a))) => json(
            StatusCode::OK,
            &PostJson {
                id: p.id,
                title: p.title,
                body: p.body,
                author: a.map(|a| AuthorJson {
                    id: a.id,
                    name: a.name,
                }),
            },
        ),
        Ok(None) => HttpResponse::NotFound().finish(),
        Err(e) => server_error(e),
    }
}

#[derive(Template)]
#[template(path = "page.html")]
struct ItemsPage {
    title: &'static str,
    items: Vec<String>,
}

async fn page() -> HttpResponse {
    let items = (1..=20).map(|i| format!("Item {i} & <more>")).collect();
    match (ItemsPage {
        title: "Items",
        items,
    })
    .render()
    {
        Ok(body) => html(body),
        Err(e) => server_error(e),
    }
}

#[derive(Serialize)]
struct Echo {
    received: serde_json::Value,
}

async fn echo(request: HttpRequest, body: web::Bytes) -> HttpResponse {
    let content_type = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.split(';').next().unwrap_or("").trim() != "application/json" {
        let refusal = serde_json::json!({ "error": "expected application/json" });
        return json(StatusCode::UNSUPPORTED_MEDIA_TYPE, &refusal);
    }
    match serde_json::from_slice(&body) {
        Ok(received) => json(StatusCode::OK, &Echo { received }),
        Err(_) => HttpResponse::BadRequest().body("invalid JSON"),
    }
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "posts.html")]
struct PostsPage {
    start: u64,
    rows: Vec<(String, String)>,
    number: u64,
    num_pages: u64,
}

const PER_PAGE: u64 = 20;

async fn post_list(
    db: web::Data<DatabaseConnection>,
    query: web::Query<PageQuery>,
) -> HttpResponse {
    let pages = post::Entity::find()
        .find_also_related(author::Entity)
        .order_by_asc(post::Column::Id)
        .paginate(db.get_ref(), PER_PAGE);
    let num_pages = match pages.num_pages().await {
        Ok(n) => n.max(1),
        Err(e) => return server_error(e),
    };
    // As Django's Paginator.get_page: not a number is the first page, past the end the last.
    let number = query
        .page
        .as_deref()
        .and_then(|p| p.parse::<u64>().ok())
        .unwrap_or(1)
        .clamp(1, num_pages);
    let rows = match pages.fetch_page(number - 1).await {
        Ok(rows) => rows,
        Err(e) => return server_error(e),
    };
    let rows = rows
        .into_iter()
        .map(|(p, a)| (p.title, a.map(|a| a.name).unwrap_or_default()))
        .collect();
    let page = PostsPage {
        start: (number - 1) * PER_PAGE + 1,
        rows,
        number,
        num_pages,
    };
    match page.render() {
        Ok(body) => html(body),
        Err(e) => server_error(e),
    }
}

#[derive(Deserialize)]
struct NewPost {
    author: i64,
    title: String,
    body: String,
}

#[derive(Serialize)]
struct Created {
    id: i64,
}

async fn post_create(db: web::Data<DatabaseConnection>, new: web::Json<NewPost>) -> HttpResponse {
    let new = new.into_inner();
    let row = post::ActiveModel {
        id: NotSet,
        author_id: Set(new.author),
        title: Set(new.title),
        body: Set(new.body),
    };
    match row.insert(db.get_ref()).await {
        Ok(p) => json(StatusCode::CREATED, &Created { id: p.id }),
        Err(e) => server_error(e),
    }
}

/// The eight routes on `$app`.
macro_rules! routes {
    ($app:expr, $db:expr) => {
        $app.app_data($db.clone())
            .route("/hello/", web::get().to(hello))
            .route("/items/{item_id}/", web::get().to(item_detail))
            .route("/search/", web::get().to(search))
            .route("/posts/{post_id}/", web::get().to(post_detail))
            .route("/page/", web::get().to(page))
            .route("/echo/", web::post().to(echo))
            .route("/posts/", web::get().to(post_list))
            .route("/api/posts/", web::post().to(post_create))
    };
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(addr), Some(url)) = (args.next(), args.next()) else {
        eprintln!("usage: bench-hand ADDR DATABASE_URL [WORKERS] [--security-headers]");
        std::process::exit(2);
    };
    let workers: usize = args.next().and_then(|w| w.parse().ok()).unwrap_or(1);
    // The four headers Django's default MIDDLEWARE puts on every response, set as a team
    // writing actix-web by hand would (DefaultHeaders): the same answers, headers included.
    // Without the flag, the server is the bare baseline, with no middleware at all.
    let security_headers = args.next().as_deref() == Some("--security-headers");
    actix_web::rt::System::new().block_on(async move {
        let mut options = ConnectOptions::new(url);
        options.max_connections(2).sqlx_logging(false);
        let db = Database::connect(options)
            .await
            .map_err(std::io::Error::other)?;
        let db = web::Data::new(db);
        if security_headers {
            HttpServer::new(move || {
                let headers = actix_web::middleware::DefaultHeaders::new()
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("Referrer-Policy", "same-origin"))
                    .add(("Cross-Origin-Opener-Policy", "same-origin"))
                    .add(("X-Frame-Options", "DENY"));
                routes!(App::new().wrap(headers), db)
            })
            .workers(workers)
            .bind(addr)?
            .run()
            .await
        } else {
            HttpServer::new(move || routes!(App::new(), db))
                .workers(workers)
                .bind(addr)?
                .run()
                .await
        }
    })
}
