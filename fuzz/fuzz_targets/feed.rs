//! RSS, Atom and JSON Feed documents.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = herald::import::feed::parse(data, None);
});
