//! JSON, JSON arrays and JSON Lines articles.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = herald::domain::import::decode::decode(data).text;
    let _ = herald::domain::import::json::parse(&text, "fuzz");
});
