//! Bytes to clean text: byte order marks, UTF-16, Windows-1252 fallback, line ends.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Text decoded from a file, with a warning when it was not UTF-8.
pub struct Decoded {
    pub text: String,
    pub warning: Option<String>,
}

/// Decodes `bytes` leniently: a byte order mark is honoured and dropped, invalid UTF-8 is
/// read as Windows-1252 (what old Western sites and editors write) rather than rejected,
/// and CRLF or lone CR line ends become LF.
pub fn decode(bytes: &[u8]) -> Decoded {
    let (text, warning) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        utf8_or_1252(rest)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (
            UTF_16LE.decode_without_bom_handling(rest).0.into_owned(),
            None,
        )
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (
            UTF_16BE.decode_without_bom_handling(rest).0.into_owned(),
            None,
        )
    } else {
        utf8_or_1252(bytes)
    };
    Decoded {
        text: normalize_line_ends(text),
        warning,
    }
}

fn utf8_or_1252(bytes: &[u8]) -> (String, Option<String>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), None),
        Err(err) => {
            let (text, _, _) = WINDOWS_1252.decode(bytes);
            (
                text.into_owned(),
                Some(format!(
                    "not valid UTF-8 (first bad byte at offset {}); read as Windows-1252",
                    err.valid_up_to()
                )),
            )
        }
    }
}

fn normalize_line_ends(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// True when `bytes` look like a binary file rather than text in any encoding we read.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return false;
    }
    if head.contains(&0) {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    controls * 20 > head.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_crlf_are_removed() {
        let d = decode(b"\xEF\xBB\xBFTitle\r\nLine two\rLine three\r\n");
        assert_eq!(d.text, "Title\nLine two\nLine three\n");
        assert!(d.warning.is_none());
    }

    #[test]
    fn windows_1252_is_decoded_with_a_warning() {
        let d = decode(b"Caf\xe9 \x93quoted\x94 \x80 5");
        assert_eq!(d.text, "Café \u{201c}quoted\u{201d} € 5");
        assert!(d.warning.unwrap().contains("Windows-1252"));
    }

    #[test]
    fn utf16_with_bom_is_read() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Hé\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&bytes).text, "Hé\n");
        assert!(!looks_binary(&bytes));
    }

    #[test]
    fn binary_is_detected() {
        assert!(looks_binary(b"\x7fELF\x02\x01\x01\x00\x00\x00"));
        assert!(looks_binary(&[1, 2, 3, 4, 5, 6, 7, 8, b'a']));
        assert!(!looks_binary(
            "Plain text, 한국어 and emoji 🎉\n".as_bytes()
        ));
    }
}
