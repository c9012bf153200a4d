//! Django's `XFrameOptionsMiddleware`: forbids framing the site by default.

use super::{GetResponse, Middleware};
use crate::conf::settings;
use crate::http::{HttpRequest, HttpResponse};

/// Sets `X-Frame-Options` to the X_FRAME_OPTIONS setting (`DENY` by default) unless the view
/// set it already.
pub struct XFrameOptionsMiddleware {
    get_response: GetResponse,
}

impl Middleware for XFrameOptionsMiddleware {
    fn new(get_response: GetResponse) -> Self {
        XFrameOptionsMiddleware { get_response }
    }

    async fn call(&self, request: HttpRequest) -> HttpResponse {
        let mut response = self.get_response.call(request).await;
        response.set_default_header("X-Frame-Options", &settings().X_FRAME_OPTIONS);
        response
    }
}
