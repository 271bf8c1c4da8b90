//! HTML item bodies, saved pages and fetched pages' articles.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = herald::domain::import::decode::decode(data).text;
    let converted = herald::domain::import::html::to_text(&text);
    assert!(converted.paragraphs.iter().all(|p| !p.contains("\n\n")));
    let _ = herald::domain::import::html::page_to_article(&text, "fuzz");
    let _ = herald::domain::extract::extract(&text, "https://fuzz.example/page");
});
