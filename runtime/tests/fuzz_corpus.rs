//! The request parsers' fuzz corpora, kept in the repository, replayed on stable through the
//! fuzz targets' own checks (fuzz/src/request.rs, fuzz/src/multipart.rs).

#[path = "../../fuzz/src/multipart.rs"]
mod multipart;
#[path = "../../fuzz/src/replay.rs"]
mod replay;
#[path = "../../fuzz/src/request.rs"]
mod request;

#[test]
fn request_corpus() {
    replay::replay("request", request::request);
}

#[test]
fn multipart_corpus() {
    replay::replay("multipart", multipart::multipart);
}
