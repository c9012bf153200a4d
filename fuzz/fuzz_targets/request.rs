//! See rjango_fuzz::request.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rjango_fuzz::request::request(data));
