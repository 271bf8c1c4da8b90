//! An article's links as the store keeps them: the addresses its text numbers `[1]`,
//! `[2]`, … as one stored value apart from the body, and the `Links:` section the word
//! index sees after the body.
//!
//! Before schema 9 the links were paragraphs at the end of the body (`Links:`, then
//! `[1] https://…`). The word index still gets them in that shape, so a search finds an
//! article by a word of its links as before, and the index entries of stores written
//! before schema 9 stay exactly right without re-indexing anything. Step 9 split the
//! section off the stored bodies with its own frozen copy (`migrations/links.rs`).

use std::borrow::Cow;

use super::PARAGRAPH_BREAK;
use super::codec;

/// The heading of the links section, as the body held it before schema 9.
const HEADING: &str = "Links:";

/// The links as one text, one per line. A backslash and a newline inside a link are
/// escaped (`\\`, `\n`), so any string, however odd, reads back as it was written.
pub(crate) fn encode(links: &[String]) -> String {
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
pub(crate) fn decode(text: &str) -> Vec<String> {
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

/// The links as stored: `None` when there are none (no row), else their text,
/// zstd-compressed when that is smaller. Without a dictionary: the store's dictionary is
/// trained on bodies and gained nothing on links (195 bytes a set either way in a
/// measurement), and a frame without one never depends on it.
pub(crate) fn pack(links: &[String]) -> Option<Vec<u8>> {
    if links.is_empty() {
        return None;
    }
    Some(codec::compress_small(&encode(links)))
}

/// What the word index holds for an article: its body, then its links as the body held
/// them before schema 9.
pub(crate) fn indexed_text<'a>(body: &'a str, links: &[String]) -> Cow<'a, str> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_link_reads_back_as_it_was_written() {
        let links: Vec<String> = [
            "https://example.org/a",
            "https://exa\nmple.org/with-a-newline",
            "https://example.org/back\\slash\\n-not-a-newline",
            "",
            "\\",
            "ends with a backslash \\",
            "https://example.org/\r\n",
        ]
        .map(str::to_owned)
        .to_vec();
        let text = encode(&links);
        assert_eq!(
            text.lines().count(),
            links.len(),
            "one line a link: {text:?}"
        );
        assert_eq!(decode(&text), links);
        assert_eq!(decode(&encode(&[String::new()])), [""]);
        assert_eq!(pack(&[]), None);
        let many: Vec<String> = (0..40)
            .map(|i| format!("https://news.example.org/2025/03/story-{i}"))
            .collect();
        let packed = pack(&many).unwrap();
        assert!(
            packed.len() < encode(&many).len(),
            "compressed when smaller"
        );
        let back = codec::Codec::default()
            .decompress(rusqlite::types::ValueRef::Blob(&packed))
            .unwrap();
        assert_eq!(decode(&back), many);
        let short = pack(&["https://a.example".to_owned()]).unwrap();
        assert_eq!(
            short, b"https://a.example",
            "kept as text when zstd adds bytes"
        );
    }
}
