//! Lines that a page's furniture leaves inside the article's own block, where no
//! scoring of blocks can tell them apart: an advertisement's label, a "read next"
//! link, a photograph's credit. Only short paragraphs are looked at, and only their
//! opening words.

/// The longest paragraph that may be furniture.
const MAX_LINE: usize = 120;

/// Whole paragraphs that label an advertisement slot.
const LABELS: &[&str] = &[
    "advertisement",
    "advert",
    "sponsored",
    "sponsored content",
    "skip advertisement",
    "story continues below advertisement",
    "article continues below",
    "continue reading below",
];

/// Openings of a link to another story: furniture when the paragraph holds a link.
const ONWARD: &[&str] = &[
    "read next",
    "read more",
    "related:",
    "related story",
    "see also",
    "also read",
    "recommended:",
    "more on this story",
];

/// Openings of a photograph's credit.
const CREDITS: &[&str] = &[
    "photograph courtesy",
    "photo courtesy",
    "photograph:",
    "photo:",
    "photo credit",
    "image credit",
    "image:",
    "credit:",
    "illustration:",
];

/// Whether a paragraph of the article's block is furniture rather than its text.
pub fn is_furniture(paragraph: &str) -> bool {
    if paragraph.len() > MAX_LINE {
        return false;
    }
    let lower = paragraph.trim().to_lowercase();
    let bare = lower.trim_end_matches(['.', ':', ' ']);
    if LABELS.contains(&bare) {
        return true;
    }
    let linked = lower.contains(']') && lower.contains('[');
    (linked && ONWARD.iter().any(|o| lower.starts_with(o)))
        || CREDITS.iter().any(|c| lower.starts_with(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_onward_links_and_credits_are_furniture_and_prose_is_not() {
        for line in [
            "Advertisement",
            "ADVERTISEMENT.",
            "Read next: Harbour dredging to start [4]",
            "Related: Bus fares rise [2]",
            "Photograph courtesy of the harbour trust",
            "Photo: Ana Lima",
        ] {
            assert!(is_furniture(line), "{line}");
        }
        for line in [
            "Read more about the ferry in the council's report, which is long.",
            "Related: the ferry's fares, which rose in April.",
            "The photograph shows the quay.",
            &format!("Photo: {}", "a long caption ".repeat(10)),
        ] {
            assert!(!is_furniture(line), "{line}");
        }
    }
}
