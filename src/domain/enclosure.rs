//! Enclosures: the files a feed item carries (a podcast's audio, a video, an image), as
//! herald keeps them: an http(s) address, a MIME type, a size and a duration when known,
//! each checked once here so that nonsense becomes "unknown" and never an error; and
//! which program opens one (`openers`).

pub mod openers;

pub use openers::Openers;

/// The most enclosures one article keeps; a podcast item has one, a gallery a few dozen.
pub const MAX_ENCLOSURES: usize = 32;

/// The longest enclosure address kept, in bytes, as links are capped
/// (`import::limits::MAX_LINK_CHARS`); a longer one is left out, as a cut one leads nowhere.
pub const MAX_URL_CHARS: usize = 8_192;

/// The longest MIME type kept; a longer one is unknown.
const MAX_TYPE_CHARS: usize = 127;

/// Sizes past this (1 PiB) are nonsense, and unknown.
const MAX_BYTES: u64 = 1 << 50;

/// Durations past this (a year) are nonsense, and unknown.
const MAX_SECONDS: u64 = 366 * 24 * 3600;

/// A file attached to an article.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Enclosure {
    /// An http or https address.
    pub url: String,
    /// Its MIME type (`audio/mpeg`), lower case, when given.
    pub mime: Option<String>,
    /// Its size in bytes, when given and believable.
    pub bytes: Option<u64>,
    /// How long it plays, in seconds, when given and believable.
    pub seconds: Option<u64>,
}

impl Enclosure {
    /// An enclosure from what a feed says of it; `None` when the address is not http(s),
    /// too long or empty. A type, size or duration that makes no sense is unknown.
    pub fn checked(
        url: &str,
        mime: Option<&str>,
        bytes: Option<u64>,
        seconds: Option<u64>,
    ) -> Option<Enclosure> {
        let url = url.trim();
        if url.len() > MAX_URL_CHARS || url.chars().any(char::is_control) {
            return None;
        }
        let scheme = url.split_once(':')?.0;
        if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
            || url.len() <= scheme.len() + 3
        {
            return None;
        }
        let mime = mime
            .map(|m| m.trim().to_ascii_lowercase())
            .filter(|m| is_mime(m));
        Some(Enclosure {
            url: url.to_owned(),
            mime,
            bytes: bytes.filter(|b| (1..=MAX_BYTES).contains(b)),
            seconds: seconds.filter(|s| (1..=MAX_SECONDS).contains(s)),
        })
    }

    /// The type, size and duration known, as the reader lists them: `audio/mpeg, 12.3 MB,
    /// 1:02:03`; empty when none is.
    pub fn details(&self) -> String {
        let parts: Vec<String> = [
            self.mime.clone(),
            self.bytes.map(human_bytes),
            self.seconds.map(clock),
        ]
        .into_iter()
        .flatten()
        .collect();
        parts.join(", ")
    }
}

/// `type/subtype` of printable ASCII without spaces, parameters dropped.
fn is_mime(text: &str) -> bool {
    let bare = text.split(';').next().unwrap_or_default().trim();
    !bare.is_empty()
        && text.len() <= MAX_TYPE_CHARS
        && bare
            .split_once('/')
            .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty() && !b.contains('/'))
        && text.chars().all(|c| c.is_ascii_graphic() || c == ' ')
}

/// A count or a text that should be one, as a size or duration: anything but a whole
/// number from 0 to `u64::MAX` is unknown (`"-5"`, `"12 MB"`, `"99999999999999999999999"`).
pub fn number(text: &str) -> Option<u64> {
    text.trim().parse::<u64>().ok()
}

/// A duration as feeds write it: seconds (`3723`), `MM:SS` or `HH:MM:SS`; else unknown.
pub fn duration(text: &str) -> Option<u64> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    if parts.len() > 3 {
        return None;
    }
    parts.iter().try_fold(0u64, |total, part| {
        total.checked_mul(60)?.checked_add(number(part)?)
    })
}

/// Bytes for a person: `512 B`, `12.3 kB`, `12.3 MB`, `1.2 GB` (powers of 1000).
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Seconds as a clock: `0:42`, `3:05`, `1:02:03`.
pub fn clock(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// The enclosures as text shows them after the links (`herald show`, the reader):
/// `Enclosures:`, then `[e1] https://… (audio/mpeg, 12.3 MB, 1:02:03)`. None at all when
/// there are none.
pub fn enclosure_list(enclosures: &[Enclosure]) -> Vec<String> {
    if enclosures.is_empty() {
        return Vec::new();
    }
    let numbered = enclosures.iter().enumerate().map(|(i, e)| {
        let details = e.details();
        if details.is_empty() {
            format!("[e{}] {}", i + 1, e.url)
        } else {
            format!("[e{}] {} ({details})", i + 1, e.url)
        }
    });
    std::iter::once("Enclosures:".to_owned())
        .chain(numbered)
        .collect()
}

/// Keeps the first [`MAX_ENCLOSURES`] of `enclosures`, one per address (the first seen
/// with what later ones add), and says so when it dropped some.
pub fn bound(enclosures: &mut Vec<Enclosure>) -> Option<String> {
    let mut kept: Vec<Enclosure> = Vec::new();
    let mut more = 0usize;
    for e in enclosures.drain(..) {
        if let Some(same) = kept.iter_mut().find(|k| k.url == e.url) {
            same.mime = same.mime.take().or(e.mime);
            same.bytes = same.bytes.or(e.bytes);
            same.seconds = same.seconds.or(e.seconds);
        } else if kept.len() < MAX_ENCLOSURES {
            kept.push(e);
        } else {
            more += 1;
        }
    }
    *enclosures = kept;
    // Parsers stop one past the cap, so the number there were is not known here.
    (more > 0)
        .then(|| format!("more than {MAX_ENCLOSURES} enclosures; kept the first {MAX_ENCLOSURES}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_addresses_of_sane_length_are_kept() {
        assert!(Enclosure::checked("https://a.example/x.mp3", None, None, None).is_some());
        assert!(Enclosure::checked(" HTTP://a.example/x ", None, None, None).is_some());
        for bad in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "ftp://a.example/x",
            "https://",
            "",
            "https://a.example/a\nb",
        ] {
            assert_eq!(Enclosure::checked(bad, None, None, None), None, "{bad}");
        }
        let long = format!("https://a.example/{}", "x".repeat(1 << 20));
        assert_eq!(Enclosure::checked(&long, None, None, None), None);
    }

    #[test]
    fn nonsense_sizes_durations_and_types_are_unknown() {
        let e = Enclosure::checked(
            "https://a.example/x",
            Some("Audio/MPEG"),
            number("99999999999999999999999"),
            duration("-5"),
        )
        .unwrap();
        assert_eq!(
            (e.mime.as_deref(), e.bytes, e.seconds),
            (Some("audio/mpeg"), None, None)
        );
        let e = Enclosure::checked("https://a.example/x", Some("mp3"), Some(u64::MAX), Some(0))
            .unwrap();
        assert_eq!((e.mime, e.bytes, e.seconds), (None, None, None));
        assert_eq!(number("12 MB"), None);
        assert_eq!(number(" 1234 "), Some(1234));
        assert_eq!(duration("1:02:03"), Some(3723));
        assert_eq!(duration("62:03"), Some(3723));
        assert_eq!(duration("3723"), Some(3723));
        assert_eq!(duration("1:2:3:4"), None);
        assert_eq!(duration("abc"), None);
        assert_eq!(duration("99999999999999999999:00"), None);
    }

    #[test]
    fn sizes_and_durations_read_as_people_write_them() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(12_345_678), "12.3 MB");
        assert_eq!(human_bytes(999_999), "1.0 MB");
        assert_eq!(human_bytes(1_200_000_000), "1.2 GB");
        assert_eq!(clock(42), "0:42");
        assert_eq!(clock(3723), "1:02:03");
        let e = Enclosure {
            url: "https://a.example/e.mp3".into(),
            mime: Some("audio/mpeg".into()),
            bytes: Some(12_345_678),
            seconds: Some(3723),
        };
        assert_eq!(e.details(), "audio/mpeg, 12.3 MB, 1:02:03");
        assert_eq!(
            enclosure_list(&[e]),
            [
                "Enclosures:",
                "[e1] https://a.example/e.mp3 (audio/mpeg, 12.3 MB, 1:02:03)"
            ]
        );
    }

    #[test]
    fn at_most_the_cap_one_per_address() {
        let mut list: Vec<Enclosure> = (0..100)
            .map(|i| Enclosure {
                url: format!("https://a.example/{}", i % 40),
                ..Default::default()
            })
            .collect();
        list[40].bytes = Some(7);
        let warning = bound(&mut list).unwrap();
        assert_eq!(list.len(), MAX_ENCLOSURES);
        assert_eq!(list[0].bytes, Some(7), "what a repeat adds is kept");
        assert!(warning.contains("kept the first 32"), "{warning}");
        let mut few = list[..3].to_vec();
        assert_eq!(bound(&mut few), None);
    }
}
