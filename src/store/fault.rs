//! What a failed store operation means for the person who asked for it.

/// What to do about errors whose own words do not say it.
pub fn hint(err: &anyhow::Error) -> Option<&'static str> {
    let message = crate::message::error_chain(err);
    if message.contains("database or disk is full") {
        Some("The disk is full: free some space and try again. Nothing was half-written.")
    } else if message.contains("readonly database") || message.contains("read-only") {
        Some(
            "The store cannot be written: check the permissions of the file and its folder, or pass --store with another path.",
        )
    } else if message.contains("has not changed it") {
        // The message already says what to do.
        None
    } else if message.contains("malformed") {
        Some(
            "The store is damaged or not a herald store; herald has not changed it. Keep a copy, then try `sqlite3 FILE .recover`, or pass --store with another path.",
        )
    } else if message.contains("unable to open database file") {
        Some(
            "The store cannot be opened: check that its folder exists and can be written, or pass --store with another path.",
        )
    } else {
        None
    }
}
