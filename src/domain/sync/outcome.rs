//! What one sync did, as the engine and the pull count it.

/// What one sync did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Synced {
    /// Outbox rows the server now has.
    pub pushed: usize,
    /// Feeds added because the server had them, and feeds that left the server (kept
    /// in herald as archives, their articles with them).
    pub feeds_added: usize,
    pub feeds_removed: usize,
    /// Entries pulled: new articles, and articles updated.
    pub new: usize,
    pub updated: usize,
    /// Articles herald had already (read before the account, or kept from a feed that
    /// came back) that the server's entries were matched to.
    pub adopted: usize,
    /// Articles whose read or starred state the server changed.
    pub flags: usize,
    /// What the person should hear although the sync went on: a change the server
    /// refused, a pull stopped early, every feed gone at once, a dropped folder.
    pub warnings: Vec<String>,
}
