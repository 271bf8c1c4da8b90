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

#[cfg(test)]
thread_local! {
    /// Word comparisons made, so tests can bound the work without a clock.
    static COMPARISONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[inline]
fn count_comparison() {
    #[cfg(test)]
    COMPARISONS.with(|c| c.set(c.get() + 1));
}

/// Where `pattern` occurs in `words` (every start, overlapping ones too), in time linear
/// in both. An empty pattern occurs at every word.
fn occurrences(pattern: &[String], words: &[Word]) -> Vec<usize> {
    if pattern.is_empty() {
        return (0..words.len()).collect();
    }
    // fallback[i]: the length of the longest proper prefix of pattern[..=i] that is
    // also its suffix.
    let mut fallback = vec![0; pattern.len()];
    let mut k = 0;
    for i in 1..pattern.len() {
        loop {
            count_comparison();
            if pattern[i] == pattern[k] {
                k += 1;
                break;
            }
            if k == 0 {
                break;
            }
            k = fallback[k - 1];
        }
        fallback[i] = k;
    }
    let mut found = Vec::new();
    let mut k = 0;
    for (i, word) in words.iter().enumerate() {
        loop {
            count_comparison();
            if word.folded == pattern[k] {
                k += 1;
                break;
            }
            if k == 0 {
                break;
            }
            k = fallback[k - 1];
        }
        if k == pattern.len() {
            found.push(i + 1 - k);
            k = fallback[k - 1];
        }
    }
    found
}

/// Byte ranges of `text` that match any of `terms`, sorted and not overlapping.
pub fn find<'a>(text: &str, terms: impl IntoIterator<Item = &'a Term>) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut text_words: Option<Vec<Word>> = None;
    for term in terms.into_iter().flat_map(Term::spellings) {
        let term = &term;
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
        // Words before the last must be equal; the last may be a prefix being typed.
        // The equal part is found by Knuth-Morris-Pratt: a phrase of a thousand words
        // against a text repeating its first word would otherwise cost a thousand
        // comparisons per word of the text, on every key typed.
        let last = wanted.len() - 1;
        let exact = if term.prefix {
            &wanted[..last]
        } else {
            &wanted[..]
        };
        for start in occurrences(exact, have) {
            if term.prefix {
                let Some(word) = have.get(start + last) else {
                    continue;
                };
                count_comparison();
                if !word.folded.starts_with(wanted[last].as_str()) {
                    continue;
                }
            }
            let end = start + last;
            ranges.push(have[start].range.start..have[end].range.end);
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
    use crate::domain::search::query::parse;

    fn hits<'a>(text: &'a str, query: &str) -> Vec<&'a str> {
        let q = parse(query, jiff::Timestamp::UNIX_EPOCH, true).unwrap();
        find(text, q.highlight_terms())
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn two_letter_spellings_highlight_the_umlaut_and_themselves() {
        assert_eq!(
            hits("Billige Flüge ab München, fluege", "fluege muench"),
            ["Flüge", "München", "fluege"]
        );
        assert_eq!(hits("Auf der Straße", "strasse"), ["Straße"]);
        assert_eq!(hits("Hafen Ålesund", "aalesund"), ["Ålesund"]);
    }

    #[test]
    fn words_fold_case_and_diacritics() {
        assert_eq!(fold("Ägypten KVÆSTRUP Café"), "agypten kvæstrup cafe");
        assert_eq!(hits("Die Fähre nach Ägypten.", "agypten"), ["Ägypten"]);
        assert_eq!(hits("in kvæstrup today", "KVÆSTRUP "), ["kvæstrup"]);
    }

    #[test]
    fn a_long_phrase_costs_work_linear_in_the_text() {
        // The worst case for matching a phrase word by word at every start: text and
        // phrase of one repeated word, the phrase's last word differing.
        let text = "ab ".repeat(20_000);
        let phrase = format!("{}abc", "ab ".repeat(999));
        for prefix in [false, true] {
            let term = Term {
                text: phrase.clone(),
                phrase: true,
                field: None,
                prefix,
            };
            COMPARISONS.with(|c| c.set(0));
            let found = find(&text, std::iter::once(&term));
            let work = COMPARISONS.with(std::cell::Cell::get);
            assert!(found.is_empty());
            assert!(work <= 4 * (20_000 + 1_000), "{work} word comparisons");
        }
        // And still finds what is there, overlapping starts included.
        let term = Term {
            text: "ab ab".into(),
            phrase: true,
            field: None,
            prefix: false,
        };
        assert_eq!(
            find("ab ab ab", std::iter::once(&term)),
            vec![Range { start: 0, end: 8 }]
        );
        let term = Term {
            text: "ab a".into(),
            phrase: true,
            field: None,
            prefix: true,
        };
        assert_eq!(
            find("x ab ab ax", std::iter::once(&term)),
            vec![Range { start: 2, end: 10 }]
        );
    }

    proptest::proptest! {
        #[test]
        fn phrase_matching_agrees_with_trying_every_start(
            text in "((a|ab|b|B) ){0,30}",
            phrase in "(a|ab|b)( (a|ab|b)){0,3}",
            prefix in proptest::prelude::any::<bool>(),
        ) {
            let term = Term { text: phrase.clone(), phrase: true, field: None, prefix };
            let wanted: Vec<String> = words(&phrase).into_iter().map(|w| w.folded).collect();
            let have = words(&text);
            let mut expected = Vec::new();
            for start in 0..have.len() {
                let Some(window) = have.get(start..start + wanted.len()) else { break };
                let last = wanted.len() - 1;
                if window.iter().zip(&wanted).enumerate().all(|(i, (w, want))| {
                    if prefix && i == last { w.folded.starts_with(want.as_str()) } else { w.folded == *want }
                }) {
                    expected.push(window[0].range.start..window[last].range.end);
                }
            }
            let mut merged: Vec<Range<usize>> = Vec::new();
            for r in expected {
                match merged.last_mut() {
                    Some(l) if r.start <= l.end => l.end = l.end.max(r.end),
                    _ => merged.push(r),
                }
            }
            proptest::prop_assert_eq!(find(&text, std::iter::once(&term)), merged);
        }
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
