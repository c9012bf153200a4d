//! The declaration parsers' fuzz corpus, kept in the repository, replayed on stable through
//! the fuzz targets' own checks (fuzz/src/parsers.rs), with the line and column of every
//! refusal checked too: under cargo-fuzz proc-macro2 records no source positions.

#[path = "../../fuzz/src/parsers.rs"]
mod parsers;
#[path = "../../fuzz/src/replay.rs"]
mod replay;

use replay::replay;

#[test]
fn models_corpus() {
    replay("models", |data| parsers::models(data, true));
}

#[test]
fn migration_corpus() {
    replay("migration", |data| parsers::migration(data, true));
}

#[test]
fn urlpatterns_corpus() {
    replay("urlpatterns", |data| parsers::urlpatterns(data, true));
}

#[test]
fn settings_corpus() {
    replay("settings", |data| parsers::settings(data, true));
}
