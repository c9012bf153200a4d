//! Django's `XFrameOptionsMiddleware`: forbids framing the site by default.

use super::{Hook, MiddlewareMixin};
use crate::conf::settings;
use crate::http::{HttpRequest, HttpResponse, PreparedHeader};

/// Sets `X-Frame-Options` to the X_FRAME_OPTIONS setting (`DENY` by default) unless the view
/// set it already.
pub struct XFrameOptionsMiddleware {
    header: PreparedHeader,
}

impl MiddlewareMixin for XFrameOptionsMiddleware {
    fn new() -> Self {
        XFrameOptionsMiddleware {
            header: PreparedHeader::new("x-frame-options", &settings().X_FRAME_OPTIONS),
        }
    }

    fn process_response(&self, _: &HttpRequest, mut response: HttpResponse) -> Hook<HttpResponse> {
        match crate::conf::overridden() {
            // Under a test's override_settings, the setting of the moment.
            Some(o) => response.set_default(&PreparedHeader::new(
                "x-frame-options",
                &o.settings.X_FRAME_OPTIONS,
            )),
            None => response.set_default(&self.header),
        }
        Hook::Ready(response)
    }
}
