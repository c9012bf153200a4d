//! See rjango_fuzz::parsers::models.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rjango_fuzz::parsers::models(data, false));
