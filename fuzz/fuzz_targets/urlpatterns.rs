//! See rjango_fuzz::parsers::urlpatterns.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rjango_fuzz::parsers::urlpatterns(data, false));
