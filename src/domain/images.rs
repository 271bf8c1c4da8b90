//! Pictures in articles: where the text places them (`[image N: alt]`, the converter's
//! marker, with `N` numbering the address among the article's links), decoding a
//! fetched file within fixed bounds (`decode.rs`), and the bounded cache on disk beside
//! the store that keeps them offline (`cache.rs`). Fetching them politely is
//! `fetch/pictures.rs`; drawing them is the shell's and the ui's.

pub mod cache;
pub mod decode;
pub mod load;

use crate::domain::model::Article;

pub use cache::{Cache, DEFAULT_CAP_MB};
pub use decode::{Decoded, MAX_SIDE, decode};
pub use load::{Source, load};

/// One picture the text of an article places: the paragraph holding its marker, its
/// address (when the marker numbers one) and its alt text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub paragraph: usize,
    pub url: Option<String>,
    pub alt: String,
    /// The caption, as far as the text tells: when the marker is a paragraph of its own
    /// (a `<figure>`'s picture), the short paragraph after it (its `<figcaption>`).
    pub caption: Option<String>,
}

/// The longest paragraph taken for a caption.
const MAX_CAPTION: usize = 240;

/// The most pictures one article shows; past this, the markers stay text.
pub const MAX_FIGURES: usize = 64;

/// The pictures `article`'s paragraphs place, in reading order, at most [`MAX_FIGURES`].
/// Only `http(s)` addresses count as fetchable; any other keeps `url` empty.
pub fn figures(article: &Article) -> Vec<Figure> {
    let mut found = Vec::new();
    for (paragraph, text) in article.paragraphs.iter().enumerate() {
        let mut rest = text.as_str();
        while let Some(at) = rest.find("[image") {
            rest = &rest[at + "[image".len()..];
            let Some(end) = rest.find(']') else { break };
            let inside = &rest[..end];
            rest = &rest[end + 1..];
            let Some(mut figure) = marker(inside, &article.links, paragraph) else {
                continue;
            };
            let alone = text.trim().starts_with("[image")
                && text.trim().ends_with(']')
                && text.matches("[image").count() == 1;
            figure.caption = article
                .paragraphs
                .get(paragraph + 1)
                .filter(|next| alone && next.len() <= MAX_CAPTION && !next.contains("[image"))
                .filter(|next| !next.trim().is_empty())
                .map(|next| next.trim().to_owned());
            found.push(figure);
            if found.len() >= MAX_FIGURES {
                return found;
            }
        }
    }
    found
}

/// The inside of one marker after `[image`: ``, `: alt`, ` N` or ` N: alt`.
fn marker(inside: &str, links: &[String], paragraph: usize) -> Option<Figure> {
    let (number, alt) = match inside.split_once(':') {
        Some((number, alt)) => (number, alt.trim()),
        None => (inside, ""),
    };
    let number = number.trim();
    let url = if number.is_empty() {
        None
    } else {
        let n: usize = number.parse().ok()?;
        links
            .get(n.checked_sub(1)?)
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .cloned()
    };
    // `[image` followed by other text (a word such as "[imagery]") is no marker.
    if !inside.is_empty() && !inside.starts_with(' ') && !inside.starts_with(':') {
        return None;
    }
    Some(Figure {
        paragraph,
        url,
        alt: alt.to_owned(),
        caption: None,
    })
}

/// Sweeps `cache` against `store`: pictures of articles no longer stored go, pictures
/// of starred articles stay, and the rest go least recently shown first while the cache
/// is over its cap.
pub fn sweep(cache: &Cache, store: &crate::domain::store::Store) -> cache::Swept {
    cache.sweep(&mut |ids| {
        let mut any = false;
        for id in ids {
            match store.articles().summary(*id) {
                Ok(Some(summary)) if summary.starred => return cache::Held::Starred,
                Ok(Some(_)) => any = true,
                Ok(None) => {}
                // Unknown: keep it as an ordinary picture rather than lose it.
                Err(_) => any = true,
            }
        }
        if any {
            cache::Held::Plain
        } else {
            cache::Held::Gone
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{ArticleId, Position, Summary};

    pub(crate) fn article(paragraphs: &[&str], links: &[&str]) -> Article {
        Article {
            summary: Summary {
                id: ArticleId(1),
                source: "Test".into(),
                title: "T".into(),
                authors: vec![],
                published: None,
                url: None,
                read: false,
                starred: false,
            },
            guid: None,
            summary_text: None,
            paragraphs: paragraphs.iter().map(|p| (*p).to_owned()).collect(),
            links: links.iter().map(|l| (*l).to_owned()).collect(),
            enclosures: vec![],
            added: jiff::Timestamp::UNIX_EPOCH,
            position: Position::default(),
        }
    }

    #[test]
    fn markers_give_address_and_alt() {
        let a = article(
            &[
                "Intro.",
                "[image 2: A red kite over the ridge] Caption here.",
                "Text [image] and [image: no address] and [image 1] and [imagery] [image 9: gone]",
            ],
            &["https://pics.example/a.png", "http://pics.example/kite.jpg"],
        );
        let f = figures(&a);
        assert_eq!(f.len(), 5, "{f:?}");
        assert_eq!(f[0].paragraph, 1);
        assert_eq!(f[0].url.as_deref(), Some("http://pics.example/kite.jpg"));
        assert_eq!(f[0].alt, "A red kite over the ridge");
        assert_eq!(f[1].url, None);
        assert_eq!(f[2].alt, "no address");
        assert_eq!(f[3].url.as_deref(), Some("https://pics.example/a.png"));
        assert_eq!(f[4].url, None, "a number past the links");
        assert_eq!(f[0].caption, None, "the marker shares its paragraph");
        let a = article(
            &[
                "[image 1: Kite]",
                "A kite above the ridge at noon.",
                "Body text.",
            ],
            &["https://pics.example/k.png"],
        );
        assert_eq!(
            figures(&a)[0].caption.as_deref(),
            Some("A kite above the ridge at noon.")
        );
    }

    #[test]
    fn only_web_addresses_and_at_most_the_cap() {
        let a = article(&["[image 1: x]"], &["file:///etc/passwd"]);
        assert_eq!(figures(&a)[0].url, None);
        let many = "[image] ".repeat(MAX_FIGURES * 3);
        assert_eq!(figures(&article(&[&many], &[])).len(), MAX_FIGURES);
    }
}
