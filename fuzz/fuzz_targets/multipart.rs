//! See rjango_fuzz::multipart.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rjango_fuzz::multipart::multipart(data));
