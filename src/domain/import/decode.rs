//! Bytes to clean text: byte order marks, UTF-16, the character set a page or a feed
//! declares, Windows-1252 fallback, line ends.

use encoding_rs::{Encoding, ISO_2022_JP, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Text decoded from a file, with a warning when it was not UTF-8.
pub struct Decoded {
    pub text: String,
    pub warning: Option<String>,
}

/// Decodes `bytes` leniently: a byte order mark is honoured and dropped; text that is not
/// UTF-8 is read in the character set it declares (an XML declaration's `encoding`, an
/// HTML `<meta charset>` or `http-equiv` near the top), else as Windows-1252 (what old
/// Western sites and editors write) rather than rejected; CRLF or lone CR line ends
/// become LF. Text read over HTTP and from a file are decoded alike this way.
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
        declared_or_guessed(bytes)
    };
    Decoded {
        text: normalize_line_ends(text),
        warning,
    }
}

/// How far into a file a declaration is looked for. HTML asks for it in the first 1,024
/// bytes; pages saved with long `<head>`s put it a little later.
const DECLARATION_BYTES: usize = 4096;

/// What a file says its character set is, from its first bytes.
enum Declared {
    Known(&'static Encoding),
    /// A label no encoding has.
    Unknown(String),
}

/// Text without a byte order mark: UTF-8 when it is valid UTF-8 (a file saved again
/// often keeps the old declaration; real text in another set is almost never valid
/// UTF-8), else the declared set, else Windows-1252.
fn declared_or_guessed(bytes: &[u8]) -> (String, Option<String>) {
    let utf8 = std::str::from_utf8(bytes);
    // The common case stays cheap (JSON Lines come here line by line): UTF-8 without an
    // escape byte is UTF-8 whatever it declares. ISO-2022-JP is 7-bit, so always "valid
    // UTF-8": its escapes must be decoded.
    if let Ok(text) = utf8
        && !bytes.contains(&0x1B)
    {
        return (text.to_owned(), None);
    }
    match (declared(bytes), utf8) {
        (Some(Declared::Known(encoding)), _) if encoding == ISO_2022_JP => {
            decode_as(encoding, bytes)
        }
        (_, Ok(text)) => (text.to_owned(), None),
        // A UTF-16 label read in ASCII is wrong, and a UTF-8 one is, the bytes being
        // invalid: guess as for no declaration.
        (Some(Declared::Known(encoding)), Err(_))
            if encoding != UTF_8 && encoding != UTF_16LE && encoding != UTF_16BE =>
        {
            decode_as(encoding, bytes)
        }
        (Some(Declared::Unknown(label)), Err(err)) => {
            let (text, _) = utf8_or_1252(bytes);
            (
                text,
                Some(format!(
                    "declares the character set \"{label}\", which herald does not know, and \
                     is not UTF-8 (first bad byte at offset {}); read as Windows-1252",
                    err.valid_up_to()
                )),
            )
        }
        (_, Err(_)) => utf8_or_1252(bytes),
    }
}

fn decode_as(encoding: &'static Encoding, bytes: &[u8]) -> (String, Option<String>) {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let warning = had_errors.then(|| {
        format!(
            "not valid {} throughout; unreadable bytes were replaced with U+FFFD",
            encoding.name()
        )
    });
    (text.into_owned(), warning)
}

/// The character set declared at the top of `bytes`: the XML declaration's `encoding`
/// when the file opens with one, else the first `<meta>` naming a `charset` (either
/// `charset="…"` or `content="text/html; charset=…"`).
fn declared(bytes: &[u8]) -> Option<Declared> {
    let head = &bytes[..bytes.len().min(DECLARATION_BYTES)];
    let label = if let Some(rest) = head.trim_ascii_start().strip_prefix(b"<?xml") {
        let end = find(rest, b"?>")?;
        attribute(&rest[..end], b"encoding")?
    } else {
        let lower = head.to_ascii_lowercase();
        let mut from = 0;
        loop {
            let start = from + find(&lower[from..], b"<meta")?;
            let end = start + find(&lower[start..], b">").unwrap_or(lower.len() - start);
            if let Some(label) = attribute(&head[start..end], b"charset") {
                break label;
            }
            from = end;
        }
    };
    let label = String::from_utf8_lossy(label).trim().to_owned();
    Some(match Encoding::for_label(label.as_bytes()) {
        Some(encoding) => Declared::Known(encoding),
        None => Declared::Unknown(label),
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The value after `name` and `=` in a tag's text, quoted or not; also finds `charset=`
/// inside a `content` attribute's value, which is where `http-equiv` puts it.
fn attribute<'a>(tag: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = find(&lower[from..], name) {
        let after = from + at + name.len();
        from = after;
        let rest = tag[after..].trim_ascii_start();
        let Some(rest) = rest.strip_prefix(b"=") else {
            continue;
        };
        let rest = rest.trim_ascii_start();
        let value = match rest.first() {
            Some(&quote @ (b'"' | b'\'')) => {
                let rest = &rest[1..];
                &rest[..rest.iter().position(|&b| b == quote).unwrap_or(rest.len())]
            }
            _ => {
                let end = rest
                    .iter()
                    .position(|&b| {
                        b.is_ascii_whitespace() || matches!(b, b';' | b'>' | b'"' | b'\'' | b'/')
                    })
                    .unwrap_or(rest.len());
                &rest[..end]
            }
        };
        if !value.is_empty() {
            return Some(value);
        }
    }
    None
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

    /// `text` in the encoding `label` names.
    fn encoded(label: &str, text: &str) -> Vec<u8> {
        let encoding = encoding_rs::Encoding::for_label(label.as_bytes()).unwrap();
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(!unmappable, "{label} cannot write {text:?}");
        bytes.into_owned()
    }

    #[test]
    fn a_meta_charset_or_an_xml_declaration_names_the_encoding() {
        let words = "밤배는 봄부터 매일 밤 항구를 떠난다.";
        for head in [
            "<html><head><meta charset=\"euc-kr\"><title>x</title>",
            "<html><head><META http-equiv=\"Content-Type\" content=\"text/html; charset=EUC-KR\">",
            "<html><head><meta charset=euc-kr>",
            "<?xml version=\"1.0\" encoding=\"EUC-KR\"?><rss version=\"2.0\">",
            "<?xml version='1.0' encoding='euc-kr' standalone='yes'?>\n<feed>",
        ] {
            let d = decode(&encoded("euc-kr", &format!("{head}<p>{words}</p>")));
            assert_eq!(d.text, format!("{head}<p>{words}</p>"), "{head}");
            assert!(d.warning.is_none(), "{head}: {:?}", d.warning);
        }
        let sjis = encoded("shift_jis", "<meta charset=\"Shift_JIS\"><p>港の夜行便</p>");
        assert!(decode(&sjis).text.ends_with("<p>港の夜行便</p>"));
    }

    #[test]
    fn an_unknown_declared_charset_falls_back_with_a_warning_naming_it() {
        let d = decode(b"<meta charset=\"x-harbour-7\"><p>Caf\xe9</p>");
        assert_eq!(d.text, "<meta charset=\"x-harbour-7\"><p>Café</p>");
        let warning = d.warning.unwrap();
        assert!(warning.contains("x-harbour-7"), "{warning}");
    }

    #[test]
    fn valid_utf8_wins_over_a_declaration_it_contradicts() {
        // Pages saved again by an editor are often UTF-8 still declaring the old set.
        let text = "<meta charset=\"iso-8859-2\"><p>Nocny prom odpływa o północy.</p>";
        let d = decode(text.as_bytes());
        assert_eq!(d.text, text);
        assert!(d.warning.is_none());
    }
}
