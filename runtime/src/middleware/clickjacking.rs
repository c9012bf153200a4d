//! Django's `XFrameOptionsMiddleware`: forbids framing the site by default.

use super::{GetResponse, Middleware};
use crate::conf::settings;
use crate::http::{HttpRequest, HttpResponse, PreparedHeader};

/// Sets `X-Frame-Options` to the X_FRAME_OPTIONS setting (`DENY` by default) unless the view
/// set it already.
pub struct XFrameOptionsMiddleware {
    get_response: GetResponse,
    header: PreparedHeader,
}

impl Middleware for XFrameOptionsMiddleware {
    fn new(get_response: GetResponse) -> Self {
        XFrameOptionsMiddleware {
            get_response,
            header: PreparedHeader::new("x-frame-options", &settings().X_FRAME_OPTIONS),
        }
    }

    async fn call(&self, request: HttpRequest) -> HttpResponse {
        let mut response = self.get_response.call(request).await;
        match crate::conf::overridden() {
            // Under a test's override_settings, the setting of the moment.
            Some(o) => response.set_default(&PreparedHeader::new(
                "x-frame-options",
                &o.settings.X_FRAME_OPTIONS,
            )),
            None => response.set_default(&self.header),
        }
        response
    }
}
