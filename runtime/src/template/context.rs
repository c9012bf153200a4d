//! Django's `RequestContext` and its default context processors, in askama's terms: one value
//! a page's template struct holds (conventionally as `ctx`) that reaches the request's user,
//! its messages, the CSRF input and DEBUG, so no view passes them one by one.
//!
//! ```text
//! #[derive(Template)]
//! #[template(path = "blog/index.html")]
//! struct Index { ctx: RequestContext, posts: Vec<Post> }
//!
//! render(&request, Index { ctx: RequestContext::new(&request).await, posts })
//! ```
//!
//! and in the template (or in a `base.html` every page extends):
//!
//! ```text
//! {% if ctx.user.is_authenticated() %}Hello, {{ ctx.user.username() }}{% endif %}
//! {% for message in ctx.messages() %}<li class="{{ message.tags() }}">{{ message }}</li>{% endfor %}
//! <form method="post">{{ ctx.csrf_input() }} ...</form>
//! <link rel="stylesheet" href="{{ ctx.static_url("css/site.css") }}">
//! ```

use askama::filters::Safe;

use crate::contrib::auth::AuthUser;
use crate::contrib::messages::Message;
use crate::http::HttpRequest;

/// What Django's default context processors (`auth`, `messages`, `csrf`, `debug`, `request`)
/// put in every template's context.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// The request (`ctx.request.path()`): Django's `request` processor.
    pub request: HttpRequest,
    /// The signed-in user or the anonymous one: Django's `user`. Anonymous without
    /// AuthenticationMiddleware.
    pub user: AuthUser,
    /// Django's `debug`: the DEBUG setting.
    pub debug: bool,
}

impl RequestContext {
    /// The context of `request`; reads the user (from the request's cache when a view already
    /// did, else one query at most).
    pub async fn new(request: &HttpRequest) -> Self {
        let user = if request.has_user_slot() {
            request.user().await
        } else {
            AuthUser::anonymous()
        };
        RequestContext {
            request: request.clone(),
            user,
            debug: crate::conf::try_settings().is_some_and(|s| s.DEBUG),
        }
    }

    /// The hidden input a POST form carries its CSRF token in: Django's `{% csrf_token %}`.
    /// Only a page that shows it gets the CSRF cookie, as in Django.
    pub fn csrf_input(&self) -> Safe<String> {
        Safe(crate::middleware::csrf::csrf_input(&self.request))
    }

    /// The token itself, for JavaScript's X-CSRFToken header: Django's `{{ csrf_token }}`.
    pub fn csrf_token(&self) -> String {
        crate::middleware::csrf::get_token(&self.request)
    }

    /// The URL of a static file: Django's `{% static "css/site.css" %}`.
    pub fn static_url(&self, path: &str) -> String {
        crate::contrib::staticfiles::static_url(path)
    }

    /// The messages to show: Django's `messages`. Iterating marks them shown, so a page that
    /// does not show them leaves them for the next.
    pub fn messages(&self) -> Vec<Message> {
        crate::contrib::messages::get_messages(&self.request)
    }
}
