//! Chinese, Japanese and Korean text is written without spaces between words, so a word
//! tokenizer sees a whole clause as one token and `終電` inside `終電を30分延長へ` is never
//! found. Beside the word index herald keeps a bigram index of CJK runs: `終電を` is
//! indexed as `終電 電を` plus its last character, and a query word becomes a phrase of
//! its bigrams, so any substring of two or more characters matches, and one character
//! matches as a prefix.

/// Han, kana and Hangul: the scripts that need the bigram index.
///
/// Called for every character of every article imported, so inlined, and most text is
/// told apart by its first comparison (everything below Hangul Jamo). Out of line, at the
/// size-optimised level herald is built at, it took 5% of an import's time.
#[inline]
pub fn is_cjk(c: char) -> bool {
    if (c as u32) < 0x1100 {
        return false;
    }
    matches!(c,
        '\u{1100}'..='\u{11FF}'      // Hangul Jamo
        | '\u{3040}'..='\u{30FF}'    // Hiragana, Katakana
        | '\u{3130}'..='\u{318F}'    // Hangul compatibility Jamo
        | '\u{3400}'..='\u{4DBF}'    // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'    // CJK unified ideographs
        | '\u{AC00}'..='\u{D7AF}'    // Hangul syllables
        | '\u{F900}'..='\u{FAFF}'    // CJK compatibility ideographs
        | '\u{FF66}'..='\u{FF9F}'    // half-width Katakana
        | '\u{20000}'..='\u{2FA1F}'  // CJK extensions B–F and supplements
    )
}

/// The runs of CJK characters in `text`.
pub fn runs(text: &str) -> impl Iterator<Item = Vec<char>> + '_ {
    let mut chars = text.chars().peekable();
    std::iter::from_fn(move || {
        while chars.peek().is_some_and(|c| !is_cjk(*c)) {
            chars.next();
        }
        let mut run = Vec::new();
        while let Some(&c) = chars.peek().filter(|c| is_cjk(**c)) {
            run.push(c);
            chars.next();
        }
        (!run.is_empty()).then_some(run)
    })
}

/// The text to index for `text`: each run's bigrams and its last character, separated by
/// spaces; `None` when there is no CJK at all (most articles), so nothing is stored.
pub fn index_text(text: &str) -> Option<String> {
    // Every CJK character is encoded from a lead byte of 0xE1 up, so text without one
    // (ASCII, accented Latin) is told apart by a byte scan, not decoded character by
    // character: this runs on every article imported.
    if text.bytes().all(|b| b < 0xE1) {
        return None;
    }
    let mut out = String::new();
    for run in runs(text) {
        for pair in run.windows(2) {
            out.extend(pair);
            out.push(' ');
        }
        if let Some(last) = run.last() {
            out.push(*last);
            out.push(' ');
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The FTS5 expression that finds `word` in the bigram index, or `None` when the word has
/// no CJK characters.
pub fn match_expression(word: &str) -> Option<String> {
    let parts: Vec<String> = runs(word)
        .map(|run| {
            if run.len() == 1 {
                format!("\"{}\" *", run[0])
            } else {
                let bigrams: Vec<String> = run.windows(2).map(|p| p.iter().collect()).collect();
                format!("\"{}\"", bigrams.join(" "))
            }
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_bigrams_and_expressions() {
        assert_eq!(index_text("plain English"), None);
        assert_eq!(
            index_text("東京の地下鉄、終電を30分").unwrap(),
            "東京 京の の地 地下 下鉄 鉄 終電 電を を 分 "
        );
        assert_eq!(match_expression("終電").unwrap(), "\"終電\"");
        assert_eq!(match_expression("地下鉄").unwrap(), "\"地下 下鉄\"");
        assert_eq!(match_expression("駅").unwrap(), "\"駅\" *");
        assert_eq!(match_expression("ferry"), None);
        assert!(
            index_text("서울 지하철도")
                .unwrap()
                .contains("지하 하철 철도")
        );
    }

    /// The two shortcuts at their edges: Hangul Jamo, the first range (U+1100, whose lead
    /// byte is 0xE1), is indexed; U+10FF, the character before it and the same lead byte,
    /// goes the slow way and is not; accented Latin stops at the byte scan.
    #[test]
    fn the_shortcuts_stop_where_the_scripts_begin() {
        assert!(is_cjk('\u{1100}'));
        assert!(!is_cjk('\u{10FF}'));
        assert_eq!(
            index_text("\u{1100}\u{1101}").as_deref(),
            Some("\u{1100}\u{1101} \u{1101} ")
        );
        assert_eq!(index_text("café \u{10FF}"), None);
        assert_eq!(index_text("café naïve"), None);
    }
}
