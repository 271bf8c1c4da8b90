//! The feeds a web page names: its `<link rel="alternate">` elements with a feed type,
//! their addresses resolved against the page (or its `<base href>`). A small scanner of
//! tags rather than a whole HTML parse: only `<link>` and `<base>` matter, and the scan
//! is one pass over a bounded prefix of the page.

use url::Url;

/// The most of a page scanned for links, in bytes: the links a page names are in its
/// head, near the start.
pub const MAX_SCAN_BYTES: usize = 2 * 1024 * 1024;

/// The most alternate links taken from one page.
pub const MAX_ALTERNATES: usize = 50;

/// The `type`s of an alternate link that names a feed.
const FEED_TYPES: &[&str] = &[
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/json",
];

/// A feed a page names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternate {
    /// Absolute, http or https, without a fragment.
    pub url: String,
    /// The link's own `title`, when it has one.
    pub title: Option<String>,
}

/// The feeds `html` names, in page order, each once, at most [`MAX_ALTERNATES`];
/// relative addresses are resolved against `<base href>` if the page has one, else
/// against `page`.
pub fn alternates(html: &str, page: &Url) -> Vec<Alternate> {
    let mut base = page.clone();
    let mut saw_base = false;
    let mut out: Vec<Alternate> = Vec::new();
    let text = prefix(html, MAX_SCAN_BYTES);
    for (name, attributes) in Tags::new(text) {
        let get = |key: &str| {
            attributes
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.as_str())
        };
        if name.eq_ignore_ascii_case("base") {
            // Only the first <base href> counts, as in a browser.
            if !saw_base && let Some(href) = get("href") {
                saw_base = true;
                if let Ok(url) = page.join(href.trim()) {
                    base = url;
                }
            }
            continue;
        }
        let rel_alternate = get("rel").is_some_and(|rel| {
            rel.split_ascii_whitespace()
                .any(|r| r.eq_ignore_ascii_case("alternate"))
        });
        let feed_type = get("type").is_some_and(|t| {
            let t = t
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            FEED_TYPES.contains(&t.as_str())
        });
        let Some(href) = get("href").map(str::trim).filter(|h| !h.is_empty()) else {
            continue;
        };
        if !(rel_alternate && feed_type) {
            continue;
        }
        let Ok(mut url) = base.join(href) else {
            continue;
        };
        if !matches!(url.scheme(), "http" | "https") {
            continue;
        }
        url.set_fragment(None);
        let url = url.to_string();
        if out.iter().any(|a| a.url == url) {
            continue;
        }
        let title = get("title")
            .map(crate::domain::import::clean)
            .filter(|t| !t.is_empty());
        out.push(Alternate { url, title });
        if out.len() >= MAX_ALTERNATES {
            break;
        }
    }
    out
}

/// The feed addresses sites commonly use, on `page`'s origin, in the order tried.
pub const COMMON_PATHS: &[&str] = &[
    "/feed",
    "/rss",
    "/atom.xml",
    "/feed.xml",
    "/rss.xml",
    "/index.xml",
    "/feed.json",
];

/// [`COMMON_PATHS`] as addresses on `page`'s origin.
pub fn common_paths(page: &Url) -> Vec<String> {
    COMMON_PATHS
        .iter()
        .filter_map(|path| page.join(path).ok())
        .map(|u| u.to_string())
        .collect()
}

/// At most `max` bytes of `text`, cut at a character boundary.
fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The `<link>` and `<base>` start tags of a page with their attributes, values
/// unescaped; comments, scripts and styles skipped.
struct Tags<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Tags<'a> {
    fn new(text: &'a str) -> Tags<'a> {
        Tags { text, at: 0 }
    }

    /// Moves past the next occurrence of `end` (ASCII case ignored), or to the end.
    fn skip_past(&mut self, end: &str) {
        let bytes = self.text.as_bytes();
        let needle = end.as_bytes();
        let mut i = self.at;
        while i + needle.len() <= bytes.len() {
            if bytes[i..i + needle.len()].eq_ignore_ascii_case(needle) {
                self.at = i + needle.len();
                return;
            }
            i += 1;
        }
        self.at = bytes.len();
    }
}

type Tag = (String, Vec<(String, String)>);

impl Iterator for Tags<'_> {
    type Item = Tag;

    fn next(&mut self) -> Option<Tag> {
        let bytes = self.text.as_bytes();
        loop {
            let start = self.at + self.text.get(self.at..)?.find('<')?;
            self.at = start + 1;
            if self.text[self.at..].starts_with("!--") {
                self.skip_past("-->");
                continue;
            }
            let name_end = self.text[self.at..]
                .find(|c: char| !c.is_ascii_alphanumeric())
                .map_or(bytes.len(), |n| self.at + n);
            let name = self.text[self.at..name_end].to_ascii_lowercase();
            self.at = name_end;
            match name.as_str() {
                "script" | "style" | "textarea" | "title" => {
                    self.skip_past(&format!("</{name}"));
                    continue;
                }
                "link" | "base" => {}
                _ => continue,
            }
            let attributes = self.attributes();
            return Some((name, attributes));
        }
    }
}

impl Tags<'_> {
    /// The attributes of the tag being read, up to and past its `>`.
    fn attributes(&mut self) -> Vec<(String, String)> {
        let bytes = self.text.as_bytes();
        let mut out = Vec::new();
        // A tag with thousands of attributes is no page's head: the first few dozen do.
        while self.at < bytes.len() && out.len() < 64 {
            let b = bytes[self.at];
            if b == b'>' {
                self.at += 1;
                return out;
            }
            if b.is_ascii_whitespace() || b == b'/' {
                self.at += 1;
                continue;
            }
            let key_start = self.at;
            while self.at < bytes.len()
                && !bytes[self.at].is_ascii_whitespace()
                && !matches!(bytes[self.at], b'=' | b'>' | b'/')
            {
                self.at += 1;
            }
            let key = self.text[key_start..self.at].to_owned();
            while self.at < bytes.len() && bytes[self.at].is_ascii_whitespace() {
                self.at += 1;
            }
            let mut value = String::new();
            if self.at < bytes.len() && bytes[self.at] == b'=' {
                self.at += 1;
                while self.at < bytes.len() && bytes[self.at].is_ascii_whitespace() {
                    self.at += 1;
                }
                let raw = match bytes.get(self.at) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let from = self.at + 1;
                        let to = self.text[from..]
                            .find(char::from(q))
                            .map_or(bytes.len(), |n| from + n);
                        self.at = (to + 1).min(bytes.len());
                        &self.text[from..to]
                    }
                    _ => {
                        let from = self.at;
                        while self.at < bytes.len()
                            && !bytes[self.at].is_ascii_whitespace()
                            && bytes[self.at] != b'>'
                        {
                            self.at += 1;
                        }
                        &self.text[from..self.at]
                    }
                };
                value = unescape(raw);
            }
            out.push((key, value));
        }
        self.skip_past(">");
        out
    }
}

/// The character references an address or title commonly holds.
fn unescape(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_owned();
    }
    raw.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#x2F;", "/")
        .replace("&#47;", "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Url {
        Url::parse("https://news.example/section/today.html").unwrap()
    }

    fn urls(html: &str) -> Vec<String> {
        alternates(html, &page())
            .into_iter()
            .map(|a| a.url)
            .collect()
    }

    #[test]
    fn alternate_links_with_a_feed_type_resolved_against_the_page() {
        let html = r#"<!doctype html><html><head>
            <link rel="stylesheet" href="/style.css">
            <LINK REL="Alternate" TYPE="application/RSS+XML" title="All &amp; more" HREF="feed.xml">
            <link rel=alternate type=application/atom+xml href=/atom.xml>
            <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
            <link rel="alternate feed" type="application/feed+json; charset=utf-8" href="//cdn.example/f.json#top">
            <link rel="alternate" type="application/rss+xml" href="feed.xml">
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
            <link rel="alternate" type="application/rss+xml" href="">
            <!-- <link rel="alternate" type="application/rss+xml" href="/commented.xml"> -->
            <script>var s = '<link rel="alternate" type="application/rss+xml" href="/script.xml">';</script>
            <link rel="alternate" type="application/rss+xml" href="/q?a=1&amp;b=2"/>
            </head><body></body></html>"#;
        assert_eq!(
            urls(html),
            [
                "https://news.example/section/feed.xml",
                "https://news.example/atom.xml",
                "https://cdn.example/f.json",
                "https://news.example/q?a=1&b=2",
            ]
        );
        assert_eq!(
            alternates(html, &page())[0].title.as_deref(),
            Some("All & more")
        );
    }

    #[test]
    fn base_href_is_honoured_and_only_the_first_counts() {
        let html = r#"<head><base href="https://mirror.example/blog/"><base href="/other/">
            <link rel="alternate" type="application/atom+xml" href="atom.xml"></head>"#;
        assert_eq!(urls(html), ["https://mirror.example/blog/atom.xml"]);
        let relative = r#"<base href="../archive/"><link rel="alternate"
            type="application/rss+xml" href="rss"></head>"#;
        assert_eq!(urls(relative), ["https://news.example/archive/rss"]);
    }

    #[test]
    fn a_page_naming_thousands_of_feeds_gives_the_first_fifty() {
        let mut html = String::from("<head>");
        for i in 0..5_000 {
            html.push_str(&format!(
                r#"<link rel="alternate" type="application/rss+xml" href="/f/{i}.xml">"#
            ));
        }
        let found = urls(&html);
        assert_eq!(found.len(), MAX_ALTERNATES);
        assert_eq!(found[49], "https://news.example/f/49.xml");
    }

    #[test]
    fn malformed_markup_ends_the_scan_without_a_panic() {
        for html in [
            "<link",
            "<link rel=",
            "<link rel=\"alternate",
            "<<<<link>>>",
            "<!--",
            "<script>",
            "<link a=b c d=\"é\" é=ü",
            "<base href=\"http://[::1\"><link rel=alternate type=application/rss+xml href=x>",
        ] {
            let _ = urls(html);
        }
        let many_attributes = format!("<link {}>", "a=1 ".repeat(100_000));
        assert!(urls(&many_attributes).is_empty());
        // A page past the scan limit: the links after it are not read.
        let late = format!(
            "{}<link rel=alternate type=application/rss+xml href=/late.xml>",
            " ".repeat(MAX_SCAN_BYTES)
        );
        assert!(urls(&late).is_empty());
    }

    #[test]
    fn common_paths_are_on_the_pages_origin() {
        let paths = common_paths(&page());
        assert_eq!(paths.len(), COMMON_PATHS.len());
        assert_eq!(paths[0], "https://news.example/feed");
        assert!(paths.iter().all(|p| p.starts_with("https://news.example/")));
    }
}
