//! Lines that a page's furniture leaves inside the article's own block, where no
//! scoring of blocks can tell them apart: an advertisement's label, a "read next"
//! link, a photograph's credit, a row of share buttons, a breadcrumb, an "Updated"
//! line, a copyright line, a "You may also like" list at the end, a gallery's caption
//! said again. Only short paragraphs are looked at.

use std::collections::HashSet;

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
        || is_share_row(&lower)
        || is_breadcrumb(&lower)
        || is_stamp(&lower)
        || is_copyright(&lower)
}

/// Words a row of share buttons is made of.
const SHARING: &[&str] = &[
    "share",
    "this",
    "article",
    "story",
    "on",
    "via",
    "facebook",
    "twitter",
    "x",
    "email",
    "e-mail",
    "mail",
    "linkedin",
    "whatsapp",
    "pinterest",
    "reddit",
    "print",
    "copy",
    "link",
    "tweet",
    "telegram",
    "messenger",
    "flipboard",
    "pocket",
    "save",
    "bluesky",
    "threads",
    "mastodon",
    "sms",
    "comments",
    "comment",
    "opens",
    "in",
    "new",
    "window",
    "tab",
    "copied",
];

/// Headings that open a list of other stories at the end of the text.
const ONWARD_HEADINGS: &[&str] = &[
    "you may also like",
    "you might also like",
    "you may be interested in",
    "related articles",
    "related stories",
    "related posts",
    "related content",
    "related",
    "more stories",
    "more from",
    "more on this",
    "recommended",
    "recommended for you",
    "read more",
    "most popular",
    "most read",
    "don't miss",
    "trending",
    "latest news",
    "top stories",
];

/// The most words of one line of an onward list (a headline and its link).
const ONWARD_ITEM: usize = 20;

/// Openings of a line that says when the article was posted or changed.
const STAMPS: &[&str] = &[
    "updated",
    "last updated",
    "posted",
    "published",
    "first published",
    "last modified",
    "modified",
];

/// Takes a page's furniture lines out of the article's paragraphs.
pub fn clean(paragraphs: &mut Vec<String>) {
    cut_onward_list(paragraphs);
    let mut alts: HashSet<String> = HashSet::new();
    let mut previous = String::new();
    paragraphs.retain(|p| {
        if is_furniture(p) {
            return false;
        }
        let key = unnumbered(p);
        // A paragraph said twice in a row, or a gallery's image shown again.
        let repeated = key == previous || (key.starts_with("[image") && !alts.insert(key.clone()));
        if !repeated {
            previous = key;
        }
        !repeated
    });
}

/// A paragraph without its link and image numbers: `[image 4: Gull]` is `[image: Gull]`.
fn unnumbered(paragraph: &str) -> String {
    let mut out = String::with_capacity(paragraph.len());
    let mut rest = paragraph;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let (image, tail) = match after.strip_prefix("image ") {
            Some(tail) => (true, tail),
            None => (false, after),
        };
        let digits = tail.len() - tail.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let tail = &tail[digits..];
        if image {
            out.push_str("[image");
            rest = tail;
        } else if digits > 0 && tail.starts_with(']') {
            rest = &tail[1..];
        } else {
            out.push('[');
            rest = after;
        }
    }
    out.push_str(rest);
    out.trim().to_owned()
}

/// Cuts a "You may also like" heading and the short lines after it, when only short
/// lines and links follow it to the end of the text.
fn cut_onward_list(paragraphs: &mut Vec<String>) {
    let start = paragraphs.len().saturating_sub(40);
    let heading = (start..paragraphs.len()).find(|&i| {
        let bare = bare(&paragraphs[i]);
        ONWARD_HEADINGS.contains(&bare.as_str())
            && paragraphs[i + 1..].iter().all(|p| {
                p.lines()
                    .all(|l| l.split_whitespace().count() < ONWARD_ITEM)
            })
    });
    if let Some(at) = heading {
        paragraphs.truncate(at);
    }
}

/// A line in lower case without heading marks, link numbers and closing punctuation.
fn bare(paragraph: &str) -> String {
    let lower = paragraph.trim_start_matches(['#', ' ']).to_lowercase();
    let without_links = match lower.find(" [") {
        Some(at) if lower.ends_with(']') => lower[..at].to_owned(),
        _ => lower,
    };
    without_links
        .trim_end_matches(['.', ':', ' ', '!', '…'])
        .to_owned()
}

/// A row of share buttons: `Share [1] Facebook [2] Twitter [3] Email [4]`.
fn is_share_row(lower: &str) -> bool {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty() && !w.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    !words.is_empty()
        && words.len() <= 16
        && words
            .iter()
            .any(|w| w.starts_with("share") || *w == "tweet")
        && words
            .iter()
            .all(|w| SHARING.contains(w) || w.starts_with("share"))
}

/// A breadcrumb: `Home › News › Harbour`, short pieces parted by `›`, `»`, `>` or `/`.
fn is_breadcrumb(lower: &str) -> bool {
    let Some(separator) = ['›', '»', '>', '/', '|'].into_iter().find(|&c| {
        lower.matches(c).count() >= 2 || (lower.starts_with("home") && lower.contains(c))
    }) else {
        return false;
    };
    let pieces: Vec<&str> = lower.split(separator).map(str::trim).collect();
    pieces.len() >= 2
        && pieces
            .iter()
            .all(|p| !p.is_empty() && p.split_whitespace().count() <= 4 && !p.ends_with('.'))
        && (pieces[0].starts_with("home") || separator != '|')
}

/// An "Updated 3 March 2026, 09:00" line: a stamp word, then something with a digit.
fn is_stamp(lower: &str) -> bool {
    STAMPS.iter().any(|s| {
        lower.strip_prefix(s).is_some_and(|rest| {
            rest.starts_with([' ', ':']) && rest.contains(|c: char| c.is_ascii_digit())
        })
    }) && lower.split_whitespace().count() <= 14
}

/// A copyright line: `© 2026 Harbour Press. All rights reserved.`
fn is_copyright(lower: &str) -> bool {
    lower.starts_with('©')
        || lower.starts_with("(c) ")
        || lower.starts_with("copyright ")
        || lower.contains("all rights reserved")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_onward_list_at_the_end_and_repeated_captions_are_cut() {
        let mut paragraphs: Vec<String> = [
            "The ferry runs again from Monday.",
            "[image 1: A gull on the quay at dawn.]",
            "A gull on the quay at dawn.",
            "A gull on the quay at dawn.",
            "The fares stay as they were last year.",
            "[image 2: A gull on the quay at dawn.]",
            "## You may also like",
            "• Bus fares rise [1]",
            "• New quay opens [2]",
        ]
        .map(str::to_owned)
        .to_vec();
        clean(&mut paragraphs);
        assert_eq!(
            paragraphs,
            [
                "The ferry runs again from Monday.",
                "[image 1: A gull on the quay at dawn.]",
                "A gull on the quay at dawn.",
                "The fares stay as they were last year."
            ]
        );
        // A heading "Related" followed by more article text stays.
        let mut kept: Vec<String> = vec![
            "## Related".to_owned(),
            "The harbour board said the fares were related to the cost of fuel, which rose \
             by a third over the winter and is expected to fall again in the spring."
                .to_owned(),
        ];
        clean(&mut kept);
        assert_eq!(kept.len(), 2);
    }

    #[test]
    fn labels_onward_links_and_credits_are_furniture_and_prose_is_not() {
        for line in [
            "Advertisement",
            "ADVERTISEMENT.",
            "Read next: Harbour dredging to start [4]",
            "Related: Bus fares rise [2]",
            "Photograph courtesy of the harbour trust",
            "Photo: Ana Lima",
            "Share [1] Facebook [2] Twitter [3] Email [4]",
            "Share this article",
            "Home › News › Harbour",
            "Home / Local / Ferries",
            "Updated 4 March 2026, 09:12",
            "Posted: 2026-03-03",
            "© 2026 Harbour Press. All rights reserved.",
            "Copyright 2026 The Quay Times",
        ] {
            assert!(is_furniture(line), "{line}");
        }
        for line in [
            "Read more about the ferry in the council's report, which is long.",
            "Related: the ferry's fares, which rose in April.",
            "The photograph shows the quay.",
            &format!("Photo: {}", "a long caption ".repeat(10)),
            "Share prices at the harbour rose by a tenth.",
            "The shared ferry costs less than two taxis.",
            "Updated timetables are at the quay.",
            "Posted letters reach the island on Fridays.",
            "The fare went from 2/3 of a pound to 1/2.",
            "Ferries > buses, said one rider.",
        ] {
            assert!(!is_furniture(line), "{line}");
        }
    }
}
