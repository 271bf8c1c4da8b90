//! Finding where a query's terms occur in a piece of text, with the same folding the index
//! applies (case and diacritics), so what is highlighted is what was matched.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

use super::query::Term;

/// Lower case without diacritics: `Ägypten` becomes `agypten`.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A word of `text`: its byte range and folded form.
struct Word {
    range: Range<usize>,
    folded: String,
}

fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let is_word = c.is_alphanumeric() && !super::cjk::is_cjk(c);
        match (start, is_word) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                out.push(Word {
                    range: s..i,
                    folded: fold(&text[s..i]),
                });
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Byte ranges of `text` that match any of `terms`, sorted and not overlapping.
pub fn find<'a>(text: &str, terms: impl IntoIterator<Item = &'a Term>) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut text_words: Option<Vec<Word>> = None;
    for term in terms {
        if term.is_cjk() {
            for run in super::cjk::runs(&term.text) {
                let needle: String = run.into_iter().collect();
                ranges.extend(text.match_indices(&needle).map(|(i, m)| i..i + m.len()));
            }
            continue;
        }
        let wanted: Vec<String> = words(&term.text).into_iter().map(|w| w.folded).collect();
        if wanted.is_empty() {
            continue;
        }
        let have = text_words.get_or_insert_with(|| words(text));
        for start in 0..have.len() {
            let Some(window) = have.get(start..start + wanted.len()) else {
                break;
            };
            let last = wanted.len() - 1;
            let hit = window
                .iter()
                .zip(&wanted)
                .enumerate()
                .all(|(i, (w, want))| {
                    if term.prefix && i == last {
                        w.folded.starts_with(want.as_str())
                    } else {
                        w.folded == *want
                    }
                });
            if hit {
                ranges.push(window[0].range.start..window[last].range.end);
            }
        }
    }
    ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::parse;

    fn hits<'a>(text: &'a str, query: &str) -> Vec<&'a str> {
        let q = parse(query, jiff::Timestamp::UNIX_EPOCH, true).unwrap();
        find(text, q.highlight_terms())
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn words_fold_case_and_diacritics() {
        assert_eq!(fold("Ägypten KVÆSTRUP Café"), "agypten kvæstrup cafe");
        assert_eq!(hits("Die Fähre nach Ägypten.", "agypten"), ["Ägypten"]);
        assert_eq!(hits("in kvæstrup today", "KVÆSTRUP "), ["kvæstrup"]);
    }

    #[test]
    fn phrases_prefixes_and_cjk() {
        assert_eq!(
            hits("The night ferry, the night bus.", "\"night ferry\" bu"),
            ["night ferry", "bus"]
        );
        assert_eq!(hits("東京の地下鉄、終電を30分延長へ", "終電"), ["終電"]);
        assert!(hits("nothing here", "ferry").is_empty());
    }
}
