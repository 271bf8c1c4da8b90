//! JSON, JSON arrays and JSON Lines articles.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = herald::import::decode::decode(data).text;
    let _ = herald::import::json::parse(&text, "fuzz");
});
