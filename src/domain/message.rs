//! How herald words its messages: counts with the right plural, and error chains that
//! say each cause once.

/// `n` and the noun that goes with it: `1 feed`, `2 feeds`, `12,400 articles`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// `n` with a comma between each group of three digits.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An error and its causes as one line, as `{:#}` writes them, but leaving out a cause
/// that the message before it already quotes: some errors (feed-rs's) put their source
/// into their own text, and `{:#}` would then say it twice.
pub fn error_chain(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if out.is_empty() {
            out = text;
        } else if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_singular_for_one_only() {
        assert_eq!(count(0, "feed", "feeds"), "0 feeds");
        assert_eq!(count(1, "feed", "feeds"), "1 feed");
        assert_eq!(count(1234, "match", "matches"), "1,234 matches");
    }

    #[derive(Debug)]
    struct Quoting(std::io::Error);
    impl std::fmt::Display for Quoting {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "unable to parse: {}", self.0)
        }
    }
    impl std::error::Error for Quoting {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn a_cause_already_quoted_is_not_repeated() {
        let inner = std::io::Error::other("tag not closed");
        let err = anyhow::Error::new(Quoting(inner)).context("not a feed");
        assert_eq!(
            error_chain(&err),
            "not a feed: unable to parse: tag not closed"
        );
        let err = anyhow::Error::new(std::io::Error::other("denied")).context("reading x");
        assert_eq!(error_chain(&err), "reading x: denied");
    }
}
