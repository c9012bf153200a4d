//! See rjango_fuzz::parsers::settings.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rjango_fuzz::parsers::settings(data, false));
