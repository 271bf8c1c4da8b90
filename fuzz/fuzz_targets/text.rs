//! Plain-text articles, from any bytes: decoding, format detection, parsing.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let decoded = herald::import::decode::decode(data);
    let _ = herald::import::detect(&decoded.text);
    if let Ok(mut article) = herald::import::text::parse(&decoded.text, "fuzz") {
        let _ = herald::import::cap(&mut article);
    }
    let _ = herald::import::date::parse_loose(&decoded.text);
});
