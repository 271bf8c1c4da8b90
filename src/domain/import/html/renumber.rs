//! Link numbers made whole again after paragraphs are left out (a byline, a kicker, an
//! advertisement's label): the links the remaining text still numbers are kept, in the
//! order the text first names them, and the marks (`[3]`, `[image 3: alt]`) rewritten
//! to match. One pass over the text.

use std::collections::HashMap;

/// Renumbers the marks in `paragraphs` and keeps only the links they name. A number
/// that names no link (`[12]` in a text with three) is text and stays as it is.
pub fn renumber(paragraphs: &mut [String], links: &mut Vec<String>) {
    if links.is_empty() {
        return;
    }
    let mut map: HashMap<usize, usize> = HashMap::new();
    let mut kept: Vec<String> = Vec::new();
    for paragraph in paragraphs.iter_mut() {
        if !paragraph.contains('[') {
            continue;
        }
        let mut out = String::with_capacity(paragraph.len());
        let mut rest = paragraph.as_str();
        while let Some(open) = rest.find('[') {
            out.push_str(&rest[..=open]);
            rest = &rest[open + 1..];
            let (prefix, after) = match rest.strip_prefix("image ") {
                Some(after) => ("image ", after),
                None => ("", rest),
            };
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            let end = after.as_bytes().get(digits).copied();
            let closes = match prefix {
                "" => end == Some(b']'),
                _ => matches!(end, Some(b']' | b':')),
            };
            let old = (closes && (1..=9).contains(&digits))
                .then(|| after[..digits].parse::<usize>().ok())
                .flatten()
                .filter(|n| (1..=links.len()).contains(n));
            let Some(old) = old else {
                continue;
            };
            let new = *map.entry(old).or_insert_with(|| {
                kept.push(links[old - 1].clone());
                kept.len()
            });
            out.push_str(prefix);
            out.push_str(&new.to_string());
            rest = &after[digits..];
        }
        out.push_str(rest);
        *paragraph = out;
    }
    *links = kept;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn numbers_follow_the_text_that_is_left() {
        // Link 1 was in a paragraph left out; 3 is named twice; [9] names no link.
        let mut paragraphs = strings(&[
            "See the map [2] and [image 3: the quay].",
            "Again [3], and a citation [9], and [image 2] and [x].",
        ]);
        let mut links = strings(&["https://a/tag", "https://a/map", "https://a/quay.jpg"]);
        renumber(&mut paragraphs, &mut links);
        assert_eq!(
            paragraphs,
            [
                "See the map [1] and [image 2: the quay].",
                "Again [2], and a citation [9], and [image 1] and [x]."
            ]
        );
        assert_eq!(links, ["https://a/map", "https://a/quay.jpg"]);
    }

    #[test]
    fn text_that_numbers_in_order_is_unchanged() {
        let mut paragraphs = strings(&["One [1], two [2] and [image 3]", "[", "[]", "a ["]);
        let before = paragraphs.clone();
        let mut links = strings(&["https://a/1", "https://a/2", "https://a/3"]);
        renumber(&mut paragraphs, &mut links);
        assert_eq!(paragraphs, before);
        assert_eq!(links.len(), 3);
    }
}
