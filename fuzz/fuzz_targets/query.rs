//! The query language, and highlighting with what it parses.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for typing in [false, true] {
        if let Ok(query) = herald::domain::search::parse(text, jiff::Timestamp::UNIX_EPOCH, typing) {
            let _ = herald::domain::search::highlight::find(text, query.highlight_terms());
        }
    }
});
