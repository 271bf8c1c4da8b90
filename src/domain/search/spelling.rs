//! Other spellings of a query word for people without the letters on their keyboard:
//! German `ae`, `oe`, `ue` for ä, ö, ü and `ss` for ß, Nordic `aa` for å. The index
//! folds ä to a, so `fluege` alone would never find `Flüge`; the query asks for both.

/// The two-letter spellings and the letter each stands for.
const PAIRS: [(&str, char); 5] = [
    ("ae", 'ä'),
    ("oe", 'ö'),
    ("ue", 'ü'),
    ("ss", 'ß'),
    ("aa", 'å'),
];

/// A prefix being typed is read in another spelling only from this many characters on
/// (`flueg` → `flüg*`, but not `flue` → `flü*`).
pub const MIN_PREFIX_CHARS: usize = 5;

/// At most this many pairs in one term are expanded: each doubles the spellings, and a
/// word with more than three such pairs is not one anybody spells this way.
const MAX_PAIRS: usize = 3;

/// `text` first, then each spelling with some of its letter pairs replaced by the letter
/// they stand for: `fluege` gives `fluege`, `flüge`. A text without pairs gives itself.
pub fn variants(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    // Where each pair starts, left to right, not overlapping (`aaa` has one `aa`).
    let mut found: Vec<(usize, char)> = Vec::new();
    let mut i = 0;
    while i < lower.len() && found.len() < MAX_PAIRS {
        match PAIRS.iter().find(|(pair, _)| lower[i..].starts_with(pair)) {
            Some((_, letter)) => {
                found.push((i, *letter));
                i += 2;
            }
            None => i += lower[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    let mut out = vec![text.to_owned()];
    for mask in 1..(1u32 << found.len()) {
        let mut spelled = String::with_capacity(lower.len());
        let mut at = 0;
        for (bit, (start, letter)) in found.iter().enumerate() {
            if mask & (1 << bit) != 0 {
                spelled.push_str(&lower[at..*start]);
                spelled.push(*letter);
                at = start + 2;
            }
        }
        spelled.push_str(&lower[at..]);
        out.push(spelled);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pair_and_each_mix_of_pairs() {
        assert_eq!(variants("fluege"), ["fluege", "flüge"]);
        assert_eq!(variants("Muenchen"), ["Muenchen", "münchen"]);
        assert_eq!(variants("strasse"), ["strasse", "straße"]);
        assert_eq!(variants("aalesund"), ["aalesund", "ålesund"]);
        assert_eq!(
            variants("gruesse"),
            ["gruesse", "grüsse", "grueße", "grüße"]
        );
        assert_eq!(variants("ferry"), ["ferry"]);
        assert_eq!(variants("ssssssss").len(), 1 << MAX_PAIRS);
    }
}
