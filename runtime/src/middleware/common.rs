//! Django's `CommonMiddleware`: APPEND_SLASH.

use super::{GetResponse, Middleware};
use crate::conf::settings;
use crate::http::{HttpRequest, HttpResponse, HttpResponsePermanentRedirect};
use crate::urls::is_valid_path;

/// With APPEND_SLASH (on by default), a request for `/items` that found nothing is redirected
/// (301) to `/items/` when that URL has a view, for GET and HEAD as Django does.
pub struct CommonMiddleware {
    get_response: GetResponse,
}

impl Middleware for CommonMiddleware {
    fn new(get_response: GetResponse) -> Self {
        CommonMiddleware { get_response }
    }

    async fn call(&self, request: HttpRequest) -> HttpResponse {
        let response = self.get_response.call(request.clone()).await;
        if response.status_code() == 404
            && settings().APPEND_SLASH
            && matches!(request.method(), "GET" | "HEAD")
            && !request.path().ends_with('/')
        {
            let with_slash = format!("{}/", request.path());
            if is_valid_path(&with_slash) {
                let escaped = crate::urls::escape_path(&with_slash);
                let target = match request.query_string() {
                    "" => escaped,
                    q => format!("{escaped}?{q}"),
                };
                return HttpResponsePermanentRedirect(target);
            }
        }
        response
    }
}
