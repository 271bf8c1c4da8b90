//! Counting an article's words, in scripts written with spaces between words and in
//! those written without.

/// Whether `c` belongs to a script written without spaces between words (Chinese,
/// Japanese kana, Thai, Lao, Khmer, Myanmar): its text is counted by characters.
pub fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF // Thai, Lao
        | 0x1000..=0x109F // Myanmar
        | 0x1780..=0x17FF // Khmer
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF // Han, extension A
        | 0x4E00..=0x9FFF // Han
        | 0xF900..=0xFAFF // Han compatibility
        | 0xFF66..=0xFF9F // half-width Katakana
        | 0x20000..=0x2FFFF // Han, extensions B on
    )
}

/// The words of `text`, as an article's length is counted: words between spaces, and
/// in scripts without spaces two characters to a word (about the ratio of Chinese
/// characters to English words in translation).
pub fn word_count(text: &str) -> usize {
    let (mut words, mut characters) = (0usize, 0usize);
    for chunk in text.split_whitespace() {
        let unspaced = chunk.chars().filter(|&c| unspaced(c)).count();
        if unspaced == 0 {
            words += 1;
        }
        characters += unspaced;
    }
    words + characters / 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_between_spaces_and_two_characters_to_a_word_without() {
        assert_eq!(word_count("The night ferry runs."), 4);
        // Twelve characters of Chinese: six words.
        assert_eq!(word_count("夜间渡轮从周一起恢复运行"), 6);
        assert_eq!(word_count("渡轮 ferry 渡轮"), 3);
    }
}
