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
    "caption",
    "close",
    "toggle caption",
    "hide caption",
    "enlarge this image",
    "expand",
    "open gallery",
    "view gallery",
    "this slideshow requires javascript",
    "play video",
    "watch video",
];

/// Picture agencies, whose name ends a credit line (`Alex Wong | Getty Images`).
const AGENCIES: &[&str] = &[
    "getty images",
    "getty",
    "ap",
    "ap photo",
    "afp",
    "reuters",
    "shutterstock",
    "alamy",
    "epa",
    "pa",
    "pa media",
    "bloomberg",
    "istock",
];

/// Openings of a picture's credit written in parentheses or as a label.
const CREDIT_LABELS: &[&str] = &[
    "image copyright",
    "(image:",
    "(photo:",
    "(credit:",
    "image source",
];

/// Social networks, named in a "Follow us on …" line.
const NETWORKS: &[&str] = &[
    "twitter",
    "facebook",
    "instagram",
    "youtube",
    "tiktok",
    "linkedin",
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
        || is_counter(&lower)
        || is_credit(&lower)
        || is_follow_or_newsletter(&lower)
        || is_shouted_link(paragraph)
}

/// A gallery's counter: `Image 1 of 8`, `Photo 3/12`, `1 of 8`.
fn is_counter(lower: &str) -> bool {
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == '/')
        .filter(|w| !w.is_empty())
        .collect();
    let rest = match words.first() {
        Some(&("image" | "photo" | "picture" | "slide")) => &words[1..],
        _ => &words[..],
    };
    let numbers = rest
        .iter()
        .filter(|w| w.bytes().all(|b| b.is_ascii_digit()))
        .count();
    (2..=3).contains(&rest.len())
        && numbers == 2
        && rest
            .iter()
            .all(|w| *w == "of" || w.bytes().all(|b| b.is_ascii_digit()))
}

/// A picture's credit: `Alex Wong | Getty Images`, `Image copyright PA`, `(Image: © X)`.
fn is_credit(lower: &str) -> bool {
    if CREDIT_LABELS.iter().any(|l| lower.starts_with(l)) {
        return lower.split_whitespace().count() <= 10;
    }
    let pieces: Vec<&str> = lower.split(['|', '/']).map(str::trim).collect();
    pieces.len() >= 2
        && lower.split_whitespace().count() <= 8
        && pieces
            .last()
            .is_some_and(|last| AGENCIES.contains(&last.trim_end_matches('.')))
}

/// "Follow us on Twitter and Facebook", "Subscribe to our newsletter".
fn is_follow_or_newsletter(lower: &str) -> bool {
    let words = lower.split_whitespace().count();
    (lower.starts_with("follow ") && words <= 25 && NETWORKS.iter().any(|n| lower.contains(n)))
        || (words <= 30
            && lower.contains("newsletter")
            && ["subscribe", "sign up", "inbox"]
                .iter()
                .any(|w| lower.contains(w)))
}

/// A link to another story written in capitals: `CO-FOUNDER SAYS HE IS PROUD [5]`.
fn is_shouted_link(paragraph: &str) -> bool {
    let linked = paragraph.trim_end().ends_with(']');
    let letters: Vec<char> = paragraph.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    linked
        && letters.len() >= 10
        && upper * 10 >= letters.len() * 9
        && paragraph.split_whitespace().count() <= ONWARD_ITEM
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
    cut_author_box(paragraphs);
    // The lines of a paragraph broken with <br> (a table's rows and preformatted
    // text, indented, aside).
    for p in paragraphs.iter_mut() {
        let verbatim = p.contains("-+-") || p.lines().any(|l| l.starts_with([' ', '\t']));
        if p.contains('\n') && !verbatim && p.lines().any(is_furniture) {
            *p = p
                .lines()
                .filter(|l| !is_furniture(l))
                .collect::<Vec<_>>()
                .join("\n");
        }
    }
    paragraphs.retain(|p| !p.trim().is_empty());
    let mut alts: HashSet<String> = HashSet::new();
    let mut previous = String::new();
    paragraphs.retain(|p| {
        if is_furniture(p) {
            return false;
        }
        let key = unnumbered(p);
        // A paragraph said twice in a row (pictures between aside), or a gallery's
        // picture shown again.
        let image = key.starts_with("[image");
        let repeated = key == previous || (image && !alts.insert(key.clone()));
        // A gallery's pictures between its captions do not part them.
        if !repeated && !image {
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
        // A heading may go on: `## Top stories in Nation`.
        let opens = paragraphs[i].starts_with('#')
            && ONWARD_HEADINGS
                .iter()
                .any(|h| bare.starts_with(&format!("{h} ")));
        (ONWARD_HEADINGS.contains(&bare.as_str()) || opens)
            && paragraphs[i + 1..].iter().all(|p| {
                p.lines()
                    .all(|l| l.split_whitespace().count() < ONWARD_ITEM)
            })
    });
    if let Some(at) = heading {
        paragraphs.truncate(at);
    }
}

/// Cuts an "About the author" box among the last few paragraphs, and what follows.
fn cut_author_box(paragraphs: &mut Vec<String>) {
    let start = paragraphs.len().saturating_sub(AUTHOR_BOX);
    let heading = (start..paragraphs.len()).find(|&i| {
        matches!(
            bare(&paragraphs[i]).as_str(),
            "about the author" | "about the authors"
        )
    });
    if let Some(at) = heading {
        paragraphs.truncate(at);
    }
}

/// How many paragraphs at the end an author box may take.
const AUTHOR_BOX: usize = 4;

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
    let dated = lower.contains(|c: char| c.is_ascii_digit());
    lower.starts_with('©')
        || ((lower.starts_with("(c) ") || lower.starts_with("copyright ")) && dated)
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
            "[image 3: Gulls]",
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
                "[image 3: Gulls]",
                "The fares stay as they were last year."
            ]
        );
        // A heading that goes on, and an author box at the end.
        let mut tail: Vec<String> = [
            "The ferry runs again from Monday.",
            "## About the author",
            "Ana Lima writes about the harbour, its boats and the people who work on them, and has done so for the paper since the spring of 2019.",
        ]
        .map(str::to_owned)
        .to_vec();
        clean(&mut tail);
        assert_eq!(tail, ["The ferry runs again from Monday."]);
        let mut top: Vec<String> = [
            "The ferry runs again from Monday.",
            "## Top stories in Harbour",
            "• Bus fares rise [1]\n• Gulls nest on the pier [2]",
        ]
        .map(str::to_owned)
        .to_vec();
        clean(&mut top);
        assert_eq!(top, ["The ferry runs again from Monday."]);
        // Furniture lines inside a paragraph broken with <br>.
        let mut lines = vec![
            "The ferry at dawn.\nPhoto: Ana Lima\nCaption".to_owned(),
            "    route / quay / pier\n    Copyright 2026 the board".to_owned(),
        ];
        clean(&mut lines);
        assert_eq!(
            lines,
            [
                "The ferry at dawn.",
                "    route / quay / pier\n    Copyright 2026 the board"
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
            "Caption",
            "Close",
            "Image 1 of 8",
            "Image 3 12",
            "Ana Lima | Getty Images",
            "Image copyright Harbour Trust",
            "(Image: © Harbour Trust)",
            "Follow the Quay Times on Twitter [3] and Facebook [4].",
            "Get the day's news in your inbox. Subscribe to our newsletter [5].",
            "FERRY CAPTAIN'S SECRET RECIPE FOR CHOWDER REVEALED [6]",
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
            "Close to the quay, the fishmongers open at six.",
            "The harbour had 1 of 8 berths free.",
            "Tide at 3/4 past nine.",
            "Copyright Notice",
            "Follow the river to the weir.",
            "The council's newsletter said little about the ferry.",
            "NASA AND ESA LAUNCH",
            "The EU [3] and the UK [4] agreed.",
        ] {
            assert!(!is_furniture(line), "{line}");
        }
    }
}
