//! The request parsers' fuzz corpus, kept in the repository, replayed on stable through the
//! fuzz target's own check (fuzz/src/request.rs).

#[path = "../../fuzz/src/replay.rs"]
mod replay;
#[path = "../../fuzz/src/request.rs"]
mod request;

#[test]
fn request_corpus() {
    replay::replay("request", request::request);
}
