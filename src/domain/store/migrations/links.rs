//! An article's links as steps 9 and 15 shipped with them: a frozen copy of the parts of
//! `store/links.rs` they ran. Before schema 9 the links were paragraphs at the end of the
//! body (`Links:`, then `[1] https://…`); step 9 moves them into their own row, step 15
//! gives the word index the body and links again in that old shape.
//!
//! Frozen once shipped: never edit; a change to how links are kept is a new step.

use std::borrow::Cow;

use super::codec::Codec;

/// Paragraphs of a stored body are separated by one blank line.
const PARAGRAPH_BREAK: &str = "\n\n";

/// The heading of the links section, as the body held it before schema 9.
const HEADING: &str = "Links:";

/// The links as one text, one per line, a backslash and a newline inside a link escaped.
fn encode(links: &[String]) -> String {
    let mut text = String::with_capacity(links.iter().map(|l| l.len() + 1).sum());
    for (i, link) in links.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        for c in link.chars() {
            match c {
                '\\' => text.push_str("\\\\"),
                '\n' => text.push_str("\\n"),
                c => text.push(c),
            }
        }
    }
    text
}

/// The links of [`encode`]'s text.
pub(super) fn decode(text: &str) -> Vec<String> {
    text.split('\n')
        .map(|line| {
            let mut link = String::with_capacity(line.len());
            let mut chars = line.chars();
            while let Some(c) = chars.next() {
                match (c, chars.clone().next()) {
                    ('\\', Some('\\')) => {
                        link.push('\\');
                        chars.next();
                    }
                    ('\\', Some('n')) => {
                        link.push('\n');
                        chars.next();
                    }
                    (c, _) => link.push(c),
                }
            }
            link
        })
        .collect()
}

/// The links as step 9 stored them (never empty: a body without links has no row):
/// their text, zstd-compressed without a dictionary when that is smaller.
pub(super) fn pack(codec: &Codec, links: &[String]) -> Vec<u8> {
    codec.compress_small(&encode(links))
}

/// What the word index holds for an article: its body, then its links as the body held
/// them before schema 9.
pub(super) fn indexed_text<'a>(body: &'a str, links: &[String]) -> Cow<'a, str> {
    if links.is_empty() {
        return Cow::Borrowed(body);
    }
    let mut text = String::with_capacity(
        body.len() + HEADING.len() + links.iter().map(|l| l.len() + 8).sum::<usize>(),
    );
    text.push_str(body);
    if !body.is_empty() {
        text.push_str(PARAGRAPH_BREAK);
    }
    text.push_str(HEADING);
    for (i, link) in links.iter().enumerate() {
        text.push_str(PARAGRAPH_BREAK);
        text.push_str(&format!("[{}] {link}", i + 1));
    }
    Cow::Owned(text)
}

/// Splits the links section off a body written before schema 9: a last `Links:`
/// paragraph followed only by `[1] …`, `[2] …`, … paragraphs, numbered from one without
/// a gap. Returns the body without it and the links, or `None` when the body does not
/// end so (then it is left as it is). The body and links give back exactly the text
/// they came from ([`indexed_text`]), which is what the word index holds for them.
pub(super) fn split_off(body: &str) -> Option<(String, Vec<String>)> {
    let paragraphs: Vec<&str> = body.split(PARAGRAPH_BREAK).collect();
    let start = paragraphs.iter().rposition(|p| *p == HEADING)?;
    let numbered = &paragraphs[start + 1..];
    if numbered.is_empty() {
        return None;
    }
    let links = numbered
        .iter()
        .enumerate()
        .map(|(i, p)| p.strip_prefix(&format!("[{}] ", i + 1)).map(str::to_owned))
        .collect::<Option<Vec<String>>>()?;
    let kept = paragraphs[..start].join(PARAGRAPH_BREAK);
    (indexed_text(&kept, &links) == body).then_some((kept, links))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_links_section_comes_off_only_when_it_is_one() {
        let body = "First.\n\nLinks:\n\n[1] https://a.example/x\n\n[2] https://b.example/y";
        let (kept, links) = split_off(body).unwrap();
        assert_eq!(kept, "First.");
        assert_eq!(links, ["https://a.example/x", "https://b.example/y"]);
        assert_eq!(indexed_text(&kept, &links), body);
        // Nothing but the links.
        let (kept, links) = split_off("Links:\n\n[1] https://a.example").unwrap();
        assert_eq!((kept.as_str(), links.len()), ("", 1));
        for left in [
            "A list of them follows.\n\nLinks:",
            "Links:\n\nnot a numbered link",
            "Links:\n\n[1] a\n\n[3] c",
            "Links:\n\n[2] b",
            "Links:\n\n[1] a\n\nA paragraph after.",
            "No section at all.",
            "",
        ] {
            assert_eq!(split_off(left), None, "{left:?}");
        }
        // An earlier `Links:` in the text stays; the last one heads the section.
        let (kept, links) = split_off("Links:\n\nText.\n\nLinks:\n\n[1] u").unwrap();
        assert_eq!(
            (kept.as_str(), links),
            ("Links:\n\nText.", vec!["u".to_owned()])
        );
    }

    #[test]
    fn packed_links_read_back_as_they_were_written() {
        let codec = Codec::default();
        let links: Vec<String> = [
            "https://exa\nmple.org/with-a-newline",
            "https://example.org/back\\slash\\n-not-a-newline",
            "",
            "ends with a backslash \\",
        ]
        .map(str::to_owned)
        .to_vec();
        let back = codec
            .decompress(rusqlite::types::ValueRef::Blob(&pack(&codec, &links)))
            .unwrap();
        assert_eq!(decode(&back), links);
        let many: Vec<String> = (0..40)
            .map(|i| format!("https://news.example.org/2025/03/story-{i}"))
            .collect();
        let packed = pack(&codec, &many);
        assert!(
            packed.len() < encode(&many).len(),
            "compressed when smaller"
        );
        assert_eq!(
            decode(
                &codec
                    .decompress(rusqlite::types::ValueRef::Blob(&packed))
                    .unwrap()
            ),
            many
        );
        assert_eq!(
            pack(&codec, &["https://a.example".to_owned()]),
            b"https://a.example",
            "kept as text when zstd adds bytes"
        );
    }
}
