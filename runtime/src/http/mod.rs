//! Django's `django.http`: the request a view receives, the responses it returns, and the
//! errors it can raise (Http404 and friends), which the handler turns into error pages.

mod error;
mod json_body;
pub mod multipart;
mod querydict;
mod request;
mod response;
mod slot;

pub use actix_web::cookie::{Cookie, SameSite};
pub use actix_web::http::{Method, StatusCode};
pub use error::{BadRequest, Http404, IntoResponse, PermissionDenied, ViewError, ViewResult};
pub use multipart::{Files, MultiPartParserError, UploadedFile};
pub use querydict::QueryDict;
pub use request::{Headers, HttpRequest, RequestBuilder, ResolverMatch};
pub(crate) use response::header_maps;
pub use response::{
    BadHeaderError, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, HttpResponseGone,
    HttpResponseNotAllowed, HttpResponseNotFound, HttpResponseNotModified,
    HttpResponsePermanentRedirect, HttpResponseRedirect, HttpResponseServerError, JsonResponse,
    JsonStyle, PreparedHeader,
};
