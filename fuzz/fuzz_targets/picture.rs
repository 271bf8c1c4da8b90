//! Fetched pictures: any bytes decode within bounds or fail, and the markers of any
//! text are found without a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(decoded) = herald::domain::images::decode(data) {
        let kept = herald::domain::images::decode::KEPT_SIDE;
        assert!(decoded.image.width() <= kept && decoded.image.height() <= kept);
        assert!(decoded.width <= herald::domain::images::MAX_SIDE);
    }
});
