//! How well an extraction did against the text a person expects from the page. Two
//! measures: word overlap ([`overlap`]: precision, recall and F1 of the bag of words,
//! as public extraction benchmarks count them), which `benches/extract.rs` prints for
//! the corpus of real pages in `tests/fixtures/pages/readability/`; and, for herald's
//! own pages in `tests/fixtures/pages/`, the share of the expected paragraphs found and
//! of the page's boilerplate (menus, banners, related links, comments) leaked.

use std::collections::HashMap;

/// A page's expected text: its paragraphs, then after a line `== boilerplate ==` the
/// pieces of furniture that must not appear, one a line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Expected {
    pub paragraphs: Vec<String>,
    pub boilerplate: Vec<String>,
}

/// The line that parts the expected paragraphs from the boilerplate.
pub const BOILERPLATE_MARK: &str = "== boilerplate ==";

impl Expected {
    pub fn parse(text: &str) -> Expected {
        let (article, furniture) = text.split_once(BOILERPLATE_MARK).unwrap_or((text, ""));
        Expected {
            paragraphs: article
                .split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            boilerplate: furniture
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }
}

/// Counts for one page, or summed over many.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Score {
    pub paragraphs: usize,
    pub recovered: usize,
    pub boilerplate: usize,
    pub leaked: usize,
}

impl Score {
    pub fn recovered_share(&self) -> f64 {
        share(self.recovered, self.paragraphs)
    }

    pub fn leaked_share(&self) -> f64 {
        share(self.leaked, self.boilerplate)
    }

    pub fn add(&mut self, other: Score) {
        self.paragraphs += other.paragraphs;
        self.recovered += other.recovered;
        self.boilerplate += other.boilerplate;
        self.leaked += other.leaked;
    }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    part as f64 / whole as f64
}

/// Scores the paragraphs an extraction gave against what was expected. Text is
/// compared as words only: case, punctuation, link numbers (`[3]`) and image marks
/// aside, so a table drawn in columns or a link numbered still counts.
pub fn score(expected: &Expected, got: &[String]) -> Score {
    let text = format!(" {} ", normal(&got.join("\n")));
    let found = |piece: &String| text.contains(&format!(" {} ", normal(piece)));
    Score {
        paragraphs: expected.paragraphs.len(),
        recovered: expected.paragraphs.iter().filter(|p| found(p)).count(),
        boilerplate: expected.boilerplate.len(),
        leaked: expected.boilerplate.iter().filter(|p| found(p)).count(),
    }
}

/// The boilerplate pieces found in `got`, and the expected paragraphs missing from it.
pub fn differences<'a>(expected: &'a Expected, got: &[String]) -> (Vec<&'a str>, Vec<&'a str>) {
    let text = format!(" {} ", normal(&got.join("\n")));
    let found = |piece: &&String| text.contains(&format!(" {} ", normal(piece)));
    (
        expected
            .boilerplate
            .iter()
            .filter(found)
            .map(String::as_str)
            .collect(),
        expected
            .paragraphs
            .iter()
            .filter(|p| !found(p))
            .map(String::as_str)
            .collect(),
    )
}

/// Lower-case words, without link numbers and image marks.
fn normal(text: &str) -> String {
    let words: Vec<String> = without_marks(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.join(" ")
}

/// `text` without the marks herald writes into it: link numbers (`[3]`) and images
/// (`[image 4: a gull]`), which no page's own text has.
pub fn without_marks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let close = after.find(']').filter(|&c| {
            let inner = &after[1..c];
            inner.bytes().all(|b| b.is_ascii_digit()) || inner.starts_with("image")
        });
        match close {
            Some(close) => {
                out.push(' ');
                rest = &after[close + 1..];
            }
            None => {
                out.push('[');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Precision, recall and F1 of the words of an extraction against the expected text.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Overlap {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// The bag-of-words overlap of `got` with `expected`: each word counts as often as it
/// occurs; herald's link numbers and image marks in `got` are not words of the page.
/// An empty extraction scores 0 on all three.
pub fn overlap(expected: &str, got: &str) -> Overlap {
    let got = without_marks(got);
    let mut want: HashMap<String, usize> = HashMap::new();
    let mut expected_words = 0usize;
    for word in tokens(expected) {
        *want.entry(word).or_default() += 1;
        expected_words += 1;
    }
    let (mut found, mut got_words) = (0usize, 0usize);
    for word in tokens(&got) {
        got_words += 1;
        if let Some(left) = want.get_mut(&word)
            && *left > 0
        {
            *left -= 1;
            found += 1;
        }
    }
    if found == 0 {
        return Overlap::default();
    }
    let precision = found as f64 / got_words as f64;
    let recall = found as f64 / expected_words as f64;
    Overlap {
        precision,
        recall,
        f1: 2.0 * precision * recall / (precision + recall),
    }
}

/// Lower-case words: runs of letters and digits, and each character of a script
/// written without spaces (Chinese, Japanese) on its own.
pub fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    let mut rest = text;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find(char::is_alphanumeric)?;
            rest = &rest[start..];
            let first = rest.chars().next()?;
            let end = if crate::domain::extract::unspaced(first) {
                first.len_utf8()
            } else {
                rest.find(|c: char| !c.is_alphanumeric() || crate::domain::extract::unspaced(c))
                    .unwrap_or(rest.len())
            };
            let word = rest[..end].to_lowercase();
            rest = &rest[end..];
            if !word.is_empty() {
                return Some(word);
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_found_as_words_and_boilerplate_counted() {
        let expected = Expected::parse(
            "The ferry [runs] late.\n\nTides: high at six.\n\n== boilerplate ==\nAccept cookies\nShare this\n",
        );
        assert_eq!(expected.paragraphs.len(), 2);
        assert_eq!(expected.boilerplate, ["Accept cookies", "Share this"]);
        let got = vec![
            "The ferry [runs] late [1].".to_owned(),
            "Share this [image 2: gull]".to_owned(),
        ];
        let s = score(&expected, &got);
        assert_eq!((s.recovered, s.leaked), (1, 1));
        assert_eq!(s.recovered_share(), 0.5);
    }

    #[test]
    fn overlap_counts_words_as_often_as_they_occur_and_han_characters_alone() {
        let o = overlap("the ferry the quay", "The ferry, the ferry.");
        // Three of four words found; three of four given were expected.
        assert_eq!((o.precision, o.recall), (0.75, 0.75));
        assert_eq!(overlap("the ferry", ""), Overlap::default());
        let words: Vec<String> = tokens("渡し船は夜 runs 9pm").collect();
        assert_eq!(words, ["渡", "し", "船", "は", "夜", "runs", "9pm"]);
    }
}
