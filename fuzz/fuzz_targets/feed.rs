//! RSS, Atom and JSON Feed documents.
#![no_main]

static SILENCE: std::sync::Once = std::sync::Once::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // libFuzzer's hook aborts on any panic, even one herald contains and turns into an
    // error (see src/panics.rs); the silencing wrapper must run before it.
    SILENCE.call_once(herald::domain::panics::silence_contained);
    let _ = herald::domain::import::feed::parse(data, None);
});
