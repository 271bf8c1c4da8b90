//! HTML to the reader's structured text: `convert` turns a fragment (a feed item's body)
//! into paragraphs and links; `article` is the one extraction of a web page's article
//! (saved pages, full-text feeds, `x`): `page` reads its title, byline and date,
//! `choose` weighs dom_smoothie's text against herald's own `search`, and `lines`
//! takes out the furniture left in the text; `parse` parses with herald's bounds and
//! `dom` is the read-only tree all walk.

pub mod article;
pub mod choose;
mod convert;
pub mod dom;
mod lines;
mod meta;
mod page;
pub(crate) mod parse;
mod renumber;
mod search;
mod table;
pub mod words;

pub use article::page_to_article;
pub use convert::{Converted, to_text, to_text_at};
pub use renumber::renumber;

#[cfg(test)]
mod tests {
    use super::*;

    /// Element kinds a hostile body nests: opening and closing tags of one level.
    const KINDS: &[(&str, &str)] = &[
        ("<div>", "</div>"),
        ("<span>", "</span>"),
        ("<b>", "</b>"),
        ("<blockquote>", "</blockquote>"),
        ("<ul><li>", "</li></ul>"),
        ("<a href=\"https://example.org/deep\">", "</a>"),
        ("<table><tr><td>", "</td></tr></table>"),
        ("<i class=x>", "</i>"),
    ];

    const DEEP_WORDS: &str = "Words at the very bottom of the pile.";

    /// `depth` levels of one kind around a sentence.
    fn nested((open, close): (&str, &str), depth: usize) -> String {
        format!(
            "{}<p>{DEEP_WORDS}</p>{}",
            open.repeat(depth),
            close.repeat(depth)
        )
    }

    /// Runs `work` on a thread with a 1 MiB stack, an eighth of the main thread's: the
    /// conversion must need no stack in proportion to the nesting.
    fn on_small_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(1 << 20)
                .spawn_scoped(scope, work)
                .unwrap()
                .join()
                .unwrap()
        })
    }

    /// The kinds in turn, `depth` levels in all.
    fn mixed(depth: usize) -> String {
        let levels = || KINDS.iter().cycle().take(depth);
        let open: String = levels().map(|(open, _)| *open).collect();
        let closes: Vec<&str> = levels().map(|(_, close)| *close).collect();
        let close: String = closes.into_iter().rev().collect();
        format!("{open}<p>{DEEP_WORDS}</p>{close}")
    }

    #[test]
    fn deep_nesting_converts_on_a_small_stack_and_keeps_the_text() {
        // Each kind 5,000 deep, then all of them in turn 50,000 and 200,000 deep (the
        // release benchmark `benches/html.rs` takes each kind to 200,000).
        let mut inputs: Vec<(String, String)> = KINDS
            .iter()
            .map(|&kind| (format!("{kind:?} x 5000"), nested(kind, 5_000)))
            .collect();
        for depth in [50_000, 200_000] {
            inputs.push((format!("mixed x {depth}"), mixed(depth)));
        }
        for (what, html) in inputs {
            let body = on_small_stack(|| to_text(&html));
            let page = format!("<html><head><title>Deep</title></head><body>{html}</body></html>");
            let article = on_small_stack(|| page_to_article(&page, "x"));
            for paragraphs in [&body.paragraphs, &article.unwrap().paragraphs] {
                assert!(
                    paragraphs.iter().any(|p| p.contains(DEEP_WORDS)),
                    "{what}: {:?}",
                    paragraphs.first()
                );
                // No bigger than the input (empty links still get their numbers).
                let bytes: usize = paragraphs.iter().map(String::len).sum();
                assert!(bytes < html.len(), "{what}: {bytes} bytes");
            }
        }
    }
}
