//! Containing the panics of other people's parsers. feed-rs 3.0 with quick-xml 0.42
//! panics on some malformed feeds (found by fuzzing: an XML declaration naming another
//! encoding in the middle of the document). Input, however hostile, must give an error
//! naming the file, never a crash, so such a parser runs inside `contain`. The panic
//! hooks stay silent for a contained panic: its message would print over the screen, and
//! ratatui's hook would hand the terminal back while the reader goes on running.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    static CONTAINED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `parse`; a panic inside it comes back as `Err` holding the panic's message.
pub fn contain<T>(parse: impl FnOnce() -> T) -> Result<T, String> {
    let outer = CONTAINED.replace(true);
    // Unwind safety: whatever the parser built is dropped with the panic; the caller
    // only ever sees the error.
    let result = catch_unwind(AssertUnwindSafe(parse));
    CONTAINED.set(outer);
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned())
    })
}

/// Wraps the current panic hook so that it says and does nothing for a contained panic.
/// Call it after installing any other hook (ratatui's), so that it runs first.
pub fn silence_contained() {
    let inner = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !CONTAINED.get() {
            inner(info);
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_becomes_an_error_and_outside_is_untouched() {
        silence_contained();
        #[allow(clippy::panic)]
        let caught = contain(|| -> u8 { panic!("parser tripped on byte {}", 7) });
        assert_eq!(caught, Err("parser tripped on byte 7".to_owned()));
        assert_eq!(contain(|| 5), Ok(5));
        assert!(!CONTAINED.get(), "containment ends with the call");
    }
}
