//! See rjango_fuzz::parsers::migration.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rjango_fuzz::parsers::migration(data, false));
