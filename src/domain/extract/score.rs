//! How well an extraction did against the text a person expects from the page: the
//! share of the expected paragraphs found in it, and the share of the page's
//! boilerplate (menus, banners, related links, comments) that leaked into it. The
//! benchmark (`benches/extract.rs`) prints these per page of the corpus in
//! `tests/fixtures/pages/`, and a test holds them.

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
    let words: Vec<String> = out
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.join(" ")
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
}
