//! What a view can return and raise. A view returns anything `IntoResponse`, including
//! `Result<T, E>` where `E` converts into `ViewError`, so `?` works on Http404, on an early
//! `HttpResponse`, and on any `std::error::Error` (which becomes a logged 500).

use std::fmt;

use super::{HttpResponse, JsonResponse};

/// Django's `Http404`: answered by the handler404 of the root URLconf (or the debug page).
#[derive(Debug, Clone, Default)]
pub struct Http404 {
    message: Option<String>,
    /// The patterns tried when no route matched: shown on the DEBUG page.
    pub(crate) tried: Option<Vec<String>>,
}

impl Http404 {
    pub fn new(message: impl Into<String>) -> Self {
        Http404 {
            message: Some(message.into()),
            tried: None,
        }
    }

    /// The 404 of a path no route matched, with the patterns tried.
    pub(crate) fn unresolved(tried: Vec<String>) -> Self {
        Http404 {
            message: None,
            tried: Some(tried),
        }
    }

    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// True when no route matched (rather than a view raising Http404).
    pub fn is_resolver_404(&self) -> bool {
        self.tried.is_some()
    }
}

impl fmt::Display for Http404 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message.as_deref().unwrap_or("Not Found"))
    }
}

/// Django's `PermissionDenied`: answered by handler403.
#[derive(Debug, Clone, Default)]
pub struct PermissionDenied(pub Option<String>);

impl fmt::Display for PermissionDenied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_deref().unwrap_or("Permission denied"))
    }
}

/// Django's `BadRequest` / `SuspiciousOperation`: answered by handler400.
#[derive(Debug, Clone)]
pub struct BadRequest(pub String);

impl BadRequest {
    pub fn new(message: impl Into<String>) -> Self {
        BadRequest(message.into())
    }
}

impl fmt::Display for BadRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Every way a view can end other than with its response.
#[derive(Debug)]
pub enum ViewError {
    NotFound(Http404),
    PermissionDenied(PermissionDenied),
    BadRequest(BadRequest),
    /// An early response, returned as is: `Err(HttpResponseBadRequest("page must be a number"))?`.
    Response(HttpResponse),
    /// Anything else: logged, and answered with a 500 (the debug page when DEBUG is on).
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// What a view produces once its return value is interpreted.
pub type ViewResult = Result<HttpResponse, ViewError>;

impl From<Http404> for ViewError {
    fn from(e: Http404) -> Self {
        ViewError::NotFound(e)
    }
}

impl From<PermissionDenied> for ViewError {
    fn from(e: PermissionDenied) -> Self {
        ViewError::PermissionDenied(e)
    }
}

impl From<BadRequest> for ViewError {
    fn from(e: BadRequest) -> Self {
        ViewError::BadRequest(e)
    }
}

impl From<HttpResponse> for ViewError {
    fn from(r: HttpResponse) -> Self {
        ViewError::Response(r)
    }
}

impl From<JsonResponse> for ViewError {
    fn from(r: JsonResponse) -> Self {
        ViewError::Response(r.into())
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for ViewError {
    fn from(e: E) -> Self {
        ViewError::Internal(Box::new(e))
    }
}

/// What a view may return.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a response a view can return",
    note = "return HttpResponse, JsonResponse, a String, or Result<one of those, E> where E is Http404, an HttpResponse or a std::error::Error"
)]
pub trait IntoResponse {
    fn into_response(self) -> ViewResult;
}

impl IntoResponse for HttpResponse {
    fn into_response(self) -> ViewResult {
        Ok(self)
    }
}

impl IntoResponse for JsonResponse {
    fn into_response(self) -> ViewResult {
        Ok(self.into())
    }
}

impl IntoResponse for String {
    fn into_response(self) -> ViewResult {
        Ok(HttpResponse::new(self))
    }
}

impl IntoResponse for &'static str {
    fn into_response(self) -> ViewResult {
        Ok(HttpResponse::new(self))
    }
}

impl<T: IntoResponse, E: Into<ViewError>> IntoResponse for Result<T, E> {
    fn into_response(self) -> ViewResult {
        self.map_err(Into::into)
            .and_then(IntoResponse::into_response)
    }
}
