//! The pass that cuts a feed's items past the cap, with a cap of three so that short
//! inputs reach the cutting; what it leaves must still be something feed-rs can be
//! handed without a panic.
#![no_main]

static SILENCE: std::sync::Once = std::sync::Once::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    SILENCE.call_once(herald::domain::panics::silence_contained);
    let trimmed = herald::domain::import::feed::trim_items(data, 3);
    assert!(trimmed.bytes.len() <= data.len(), "cutting never adds bytes");
    let _ = herald::domain::panics::contain(|| feed_rs::parser::parse(&trimmed.bytes[..]));
});
