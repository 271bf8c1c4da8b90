//! The limits every importer holds an article to, whichever way it came in: field,
//! paragraph, body and link lengths, and how much plain text is parsed at all.

use crate::domain::model::NewArticle;

/// The longest title, source or author name kept; longer ones are cut with a warning.
pub const MAX_FIELD_CHARS: usize = 1_000;

/// The longest article body kept, in characters over all its paragraphs: a long read is
/// 50,000, a short novel 500,000. Past this the text is a dump, not an article, and it
/// would cost the reader seconds and gigabytes to lay out.
pub const MAX_BODY_CHARS: usize = 2_000_000;

/// The most paragraphs kept. Plain text makes a paragraph of every line, so a body at
/// `MAX_BODY_CHARS` of hard-wrapped lines (40 characters or more) still fits.
pub const MAX_PARAGRAPHS: usize = 50_000;

/// The longest paragraph (or summary) kept. The longest paragraphs in print run to a few
/// tens of thousands of characters; this also bounds an image's alt text, which the HTML
/// conversion puts inside its paragraph.
pub const MAX_PARAGRAPH_CHARS: usize = 100_000;

/// The longest guid or link kept. A longer link is dropped rather than cut, as a cut one
/// leads nowhere; a guid is cut, the same way every time, so it still identifies.
pub const MAX_LINK_CHARS: usize = 8_192;

/// The most links one article keeps.
pub const MAX_LINKS: usize = 50_000;

/// Keeps the first `max` characters of `text` and frees the rest; returns whether it cut.
/// `ellipsis` takes the last of the `max` for a `…`.
fn keep_chars(text: &mut String, max: usize, ellipsis: bool) -> bool {
    let keep = if ellipsis { max - 1 } else { max };
    match text.char_indices().nth(max) {
        None => false,
        Some(_) => {
            let at = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
            text.truncate(at);
            if ellipsis {
                text.push('…');
            }
            text.shrink_to_fit();
            true
        }
    }
}

/// Cuts fields that no article has at such a length (a 50 MB single-line file makes a
/// 50 MB "title"), so the list and the index stay usable. Returns what was cut. Every
/// importer calls it, so the limits are the same whichever way an article came in.
pub fn cap(article: &mut NewArticle) -> Vec<String> {
    let mut warnings = Vec::new();
    let mut cut = |name: &str, text: &mut String| {
        let chars = text.chars().count();
        if chars > MAX_FIELD_CHARS {
            let kept: String = text.chars().take(MAX_FIELD_CHARS).collect();
            *text = format!("{kept}…");
            warnings.push(format!(
                "the {name} was {chars} characters long; kept the first {MAX_FIELD_CHARS}"
            ));
        }
    };
    cut("title", &mut article.title);
    cut("source", &mut article.source);
    for author in &mut article.authors {
        cut("author name", author);
    }
    if article.authors.len() > 50 {
        warnings.push(format!(
            "{} authors; kept the first 50",
            article.authors.len()
        ));
        article.authors.truncate(50);
    }
    if let Some(guid) = &mut article.guid {
        let chars = guid.chars().count();
        if keep_chars(guid, MAX_LINK_CHARS, false) {
            warnings.push(format!(
                "the guid was {chars} characters long; kept the first {MAX_LINK_CHARS}"
            ));
        }
    }
    if let Some(url) = &article.url {
        let chars = url.chars().count();
        if chars > MAX_LINK_CHARS {
            article.url = None;
            warnings.push(format!(
                "the link was {chars} characters long (over {MAX_LINK_CHARS}); left out"
            ));
        }
    }
    if let Some(summary) = &mut article.summary {
        let chars = summary.chars().count();
        if keep_chars(summary, MAX_PARAGRAPH_CHARS, true) {
            warnings.push(format!(
                "the summary was {chars} characters long; kept the first {}",
                MAX_PARAGRAPH_CHARS - 1
            ));
        }
    }
    cap_body(&mut article.paragraphs, &mut warnings);
    cap_links(&mut article.links, &mut warnings);
    warnings.extend(crate::domain::enclosure::bound(&mut article.enclosures));
    warnings
}

/// The links' share of `cap`: their number, each one's length and their total. The list
/// is cut short, never a link taken out of it, so the numbers in the text still name the
/// right addresses.
fn cap_links(links: &mut Vec<String>, warnings: &mut Vec<String>) {
    let mut room = MAX_BODY_CHARS;
    let mut fits = |link: &String| {
        let chars = link.chars().count();
        let fits = chars <= MAX_LINK_CHARS && chars <= room;
        room = room.saturating_sub(chars);
        fits
    };
    let keep = links
        .iter()
        .take(MAX_LINKS)
        .position(|link| !fits(link))
        .unwrap_or(links.len().min(MAX_LINKS));
    if keep < links.len() {
        warnings.push(format!(
            "kept the first {keep} of {} links (at most {MAX_LINKS}, each at most \
             {MAX_LINK_CHARS} characters and {MAX_BODY_CHARS} in all)",
            links.len()
        ));
        links.truncate(keep);
        links.shrink_to_fit();
    }
}

/// The body's share of `cap`: the number of paragraphs, each one's length, the total.
fn cap_body(paragraphs: &mut Vec<String>, warnings: &mut Vec<String>) {
    if paragraphs.len() > MAX_PARAGRAPHS {
        warnings.push(format!(
            "the body has {} paragraphs; kept the first {MAX_PARAGRAPHS}",
            paragraphs.len()
        ));
        paragraphs.truncate(MAX_PARAGRAPHS);
        paragraphs.shrink_to_fit();
    }
    let lengths: Vec<usize> = paragraphs.iter().map(|p| p.chars().count()).collect();
    let long: Vec<usize> = (0..lengths.len())
        .filter(|&i| lengths[i] > MAX_PARAGRAPH_CHARS)
        .collect();
    match long.as_slice() {
        [] => {}
        [one] => warnings.push(format!(
            "paragraph {} was {} characters long; kept the first {}",
            one + 1,
            lengths[*one],
            MAX_PARAGRAPH_CHARS - 1
        )),
        [first, ..] => warnings.push(format!(
            "{} paragraphs were over {MAX_PARAGRAPH_CHARS} characters long (the first, \
             paragraph {}, {}); kept the first {} of each",
            long.len(),
            first + 1,
            lengths[*first],
            MAX_PARAGRAPH_CHARS - 1
        )),
    }
    for &i in &long {
        keep_chars(&mut paragraphs[i], MAX_PARAGRAPH_CHARS, true);
    }
    let total: usize = lengths.iter().map(|&n| n.min(MAX_PARAGRAPH_CHARS)).sum();
    if total <= MAX_BODY_CHARS {
        return;
    }
    let mut room = MAX_BODY_CHARS;
    let mut kept = 0;
    for paragraph in paragraphs.iter_mut() {
        let chars = paragraph.chars().count();
        if chars > room {
            // A last paragraph cut short, unless next to nothing of it would be left.
            if room > 1 {
                keep_chars(paragraph, room, true);
                kept += 1;
            }
            break;
        }
        room -= chars;
        kept += 1;
    }
    paragraphs.truncate(kept);
    paragraphs.shrink_to_fit();
    warnings.push(format!(
        "the body was {total} characters long; kept the first {MAX_BODY_CHARS}"
    ));
}

/// The most plain text parsed as one article, in bytes. An article keeps at most
/// `MAX_BODY_CHARS` characters (up to four bytes each), and the parser holds every line
/// and paragraph of its input at once: 60 MB of short lines took 2.8 GB.
pub const MAX_TEXT_BYTES: usize = 4 * MAX_BODY_CHARS;

/// `text` cut at the last line break within `MAX_TEXT_BYTES`, with a warning when cut.
pub(super) fn bounded_text<'a>(text: &'a str, warn: &mut dyn FnMut(String)) -> &'a str {
    if text.len() <= MAX_TEXT_BYTES {
        return text;
    }
    let mut end = MAX_TEXT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let end = text[..end].rfind('\n').unwrap_or(end);
    warn(format!(
        "{} bytes of plain text; read the first {end} (an article keeps at most \
         {MAX_BODY_CHARS} characters)",
        text.len()
    ));
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_past_the_bound_is_cut_at_a_line_break_with_a_warning() {
        let line = "Short line of harbour notes.\n";
        let text = line.repeat(MAX_TEXT_BYTES / line.len() + 1000);
        let mut warnings = Vec::new();
        let kept = bounded_text(&text, &mut |w| warnings.push(w));
        assert!(kept.len() <= MAX_TEXT_BYTES);
        assert!(kept.ends_with("notes."), "cut at a line break");
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("plain text"), "{}", warnings[0]);
        // Multi-byte text is cut on a character boundary.
        let wide = "한국어 문장\n".repeat(MAX_TEXT_BYTES / 16 + 10);
        let kept = bounded_text(&wide, &mut |_| {});
        assert!(kept.len() <= MAX_TEXT_BYTES && kept.ends_with('장'));
        let mut none = Vec::new();
        assert_eq!(bounded_text("small", &mut |w| none.push(w)), "small");
        assert!(none.is_empty());
    }

    fn article_with(paragraphs: Vec<String>) -> NewArticle {
        NewArticle {
            title: "Quay works".into(),
            source: "Harbour Post".into(),
            paragraphs,
            ..Default::default()
        }
    }

    fn total_chars(article: &NewArticle) -> usize {
        article.paragraphs.iter().map(|p| p.chars().count()).sum()
    }

    #[test]
    fn a_body_over_the_limit_is_cut_with_a_warning() {
        // 3 million characters in paragraphs of 30,000: over the body cap, not the
        // paragraph cap. Two-byte characters, so bytes and characters differ.
        let paragraph = "é".repeat(30_000);
        let mut article = article_with(vec![paragraph; 100]);
        let warnings = cap(&mut article);
        assert_eq!(total_chars(&article), MAX_BODY_CHARS);
        assert!(article.paragraphs.last().unwrap().ends_with('…'));
        assert_eq!(
            warnings,
            [format!(
                "the body was 3000000 characters long; kept the first {MAX_BODY_CHARS}"
            )]
        );
        // Capping again finds nothing to cut.
        assert!(cap(&mut article).is_empty());
    }

    #[test]
    fn long_paragraphs_and_alt_texts_are_cut_one_warning_for_all() {
        let alt = format!("[image: {}]", "a gull on a post ".repeat(20_000));
        let mut article = article_with(vec![
            "Short opening.".into(),
            alt,
            "x".repeat(MAX_PARAGRAPH_CHARS + 5),
            "Short close.".into(),
        ]);
        let warnings = cap(&mut article);
        let lengths: Vec<usize> = article
            .paragraphs
            .iter()
            .map(|p| p.chars().count())
            .collect();
        assert_eq!(lengths, [14, MAX_PARAGRAPH_CHARS, MAX_PARAGRAPH_CHARS, 12]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with(
                "2 paragraphs were over 100000 characters long (the first, paragraph 2, 340009)"
            ),
            "{warnings:?}"
        );
        assert!(cap(&mut article).is_empty());
    }

    #[test]
    fn too_many_paragraphs_long_summaries_and_links_are_capped() {
        let mut article = article_with(vec!["Tide.".to_owned(); MAX_PARAGRAPHS + 10]);
        article.summary = Some("s".repeat(MAX_PARAGRAPH_CHARS * 2));
        article.url = Some(format!(
            "https://example.org/{}",
            "q".repeat(MAX_LINK_CHARS)
        ));
        article.guid = Some("g".repeat(MAX_LINK_CHARS * 3));
        let warnings = cap(&mut article);
        assert_eq!(article.paragraphs.len(), MAX_PARAGRAPHS);
        assert_eq!(
            article.summary.as_ref().unwrap().chars().count(),
            MAX_PARAGRAPH_CHARS
        );
        assert_eq!(article.url, None);
        assert_eq!(article.guid.as_ref().unwrap().len(), MAX_LINK_CHARS);
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        assert!(cap(&mut article).is_empty());
    }

    #[test]
    fn links_past_a_limit_are_cut_from_the_end_of_the_list() {
        let link = |i: usize| format!("https://example.org/{i}");
        let mut article = article_with(vec!["Tide.".into()]);
        article.links = (0..MAX_LINKS + 5).map(link).collect();
        let warnings = cap(&mut article);
        assert_eq!(article.links.len(), MAX_LINKS);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with(&format!("kept the first {MAX_LINKS} of 50005 links")),
            "{warnings:?}"
        );
        assert!(cap(&mut article).is_empty());
        // An overlong link ends the list: those after it would be misnumbered without it.
        article.links = vec![link(1), "x".repeat(MAX_LINK_CHARS + 1), link(3)];
        assert_eq!(cap(&mut article).len(), 1);
        assert_eq!(article.links, [link(1)]);
        // And the total is bounded as the body is.
        article.links = vec!["y".repeat(MAX_LINK_CHARS); MAX_BODY_CHARS / MAX_LINK_CHARS + 2];
        cap(&mut article);
        assert_eq!(article.links.len(), MAX_BODY_CHARS / MAX_LINK_CHARS);
    }
}
