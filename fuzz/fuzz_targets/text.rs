//! Plain-text articles, from any bytes: decoding, format detection, parsing.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let decoded = herald::domain::import::decode::decode(data);
    let _ = herald::domain::import::detect(&decoded.text);
    if let Ok(mut article) = herald::domain::import::text::parse(&decoded.text, "fuzz") {
        let _ = herald::domain::import::cap(&mut article);
    }
    let _ = herald::domain::import::date::parse_loose(&decoded.text);
});
