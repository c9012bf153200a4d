//! Django's `CommonMiddleware`: APPEND_SLASH.

use super::{Hook, MiddlewareMixin};
use crate::conf::settings;
use crate::http::{HttpRequest, HttpResponse, HttpResponsePermanentRedirect};
use crate::urls::{escape_leading_slashes, escape_uri_path, is_valid_path};

/// With APPEND_SLASH (on by default), a request for `/items` that no route matches is
/// redirected (301) to `/items/` when that URL has a view, as Django's CommonMiddleware does.
/// A POST, PUT or PATCH would lose its body in the redirect, so with DEBUG on it is an error
/// page telling the developer to fix the form's URL, as in Django.
pub struct CommonMiddleware;

impl MiddlewareMixin for CommonMiddleware {
    fn new() -> Self {
        CommonMiddleware
    }

    fn process_response(
        &self,
        request: &HttpRequest,
        response: HttpResponse,
    ) -> Hook<HttpResponse> {
        if response.status_code() == 404 && should_redirect_with_slash(request) {
            let s = settings();
            if s.DEBUG && matches!(request.method(), "POST" | "PUT" | "PATCH") {
                let message = format!(
                    "You called this URL via {}, but the URL doesn't end in a slash and you have APPEND_SLASH set. rjango can't redirect to the slash URL while maintaining {} data. Change your form to point to {}/ (note the trailing slash), or set APPEND_SLASH=false in your settings.",
                    request.method(),
                    request.method(),
                    crate::log::safe(request.path())
                );
                return Hook::Ready(crate::debug::technical_500(
                    request,
                    "RuntimeError",
                    &message,
                    500,
                ));
            }
            let path = escape_leading_slashes(escape_uri_path(&format!("{}/", request.path())));
            let target = match request.query_string() {
                "" => path,
                q => format!("{path}?{q}"),
            };
            return Hook::Ready(HttpResponsePermanentRedirect(target));
        }
        Hook::Ready(response)
    }
}

/// Django's `should_redirect_with_slash`: the path has no view, the path with a slash has.
fn should_redirect_with_slash(request: &HttpRequest) -> bool {
    settings().APPEND_SLASH
        && !request.path().ends_with('/')
        && !is_valid_path(request.path())
        && is_valid_path(&format!("{}/", request.path()))
}
