//! OPML, the subscription list format every feed reader reads and writes (newsboat,
//! elfeed and eilmeldung users move with it).

use anyhow::{Context, Result};
use quick_xml::Reader;
use quick_xml::escape::escape;
use quick_xml::events::Event;

/// A subscription in an OPML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    pub url: String,
    pub name: Option<String>,
}

/// Every `<outline xmlUrl=…>` in the document, however deeply nested in folders.
pub fn parse(text: &str) -> Result<Vec<Outline>> {
    let mut reader = Reader::from_str(text);
    let mut out = Vec::new();
    let mut saw_opml = false;
    loop {
        let event = reader.read_event().with_context(|| {
            format!(
                "not valid OPML (XML error near byte {})",
                reader.buffer_position()
            )
        })?;
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.name();
                if name.as_ref().eq_ignore_ascii_case("opml") {
                    saw_opml = true;
                }
                if !name.as_ref().eq_ignore_ascii_case("outline") {
                    continue;
                }
                let mut url = None;
                let mut title = None;
                let mut text_attr = None;
                for attribute in e.attributes().flatten() {
                    let value = attribute
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)?
                        .trim()
                        .to_owned();
                    match attribute.key.as_ref().to_ascii_lowercase().as_str() {
                        "xmlurl" => url = Some(value),
                        "title" => title = Some(value),
                        "text" => text_attr = Some(value),
                        _ => {}
                    }
                }
                if let Some(url) = url.filter(|u| !u.is_empty()) {
                    out.push(Outline {
                        url,
                        name: title.or(text_attr).filter(|n| !n.is_empty()),
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_opml {
        anyhow::bail!("not an OPML file (no <opml> element)");
    }
    Ok(out)
}

/// An OPML 2.0 document listing `outlines`.
pub fn write(outlines: &[Outline]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    <title>herald subscriptions</title>\n  </head>\n  <body>\n",
    );
    // XML 1.0 cannot hold control characters, and they must not reach a terminal.
    let safe = |text: &str| -> String {
        text.chars()
            .filter(|c| !crate::domain::text::is_unsafe(*c))
            .collect()
    };
    for o in outlines {
        let name = escape(safe(o.name.as_deref().unwrap_or(&o.url))).into_owned();
        out.push_str(&format!(
            "    <outline type=\"rss\" text=\"{name}\" title=\"{name}\" xmlUrl=\"{}\"/>\n",
            escape(safe(&o.url))
        ));
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_urls_and_names() {
        let outlines = vec![
            Outline {
                url: "https://example.org/feed?a=1&b=2".into(),
                name: Some("Harbour \"Daily\" & Co".into()),
            },
            Outline {
                url: "http://example.net/rss".into(),
                name: None,
            },
        ];
        let text = write(&outlines);
        let back = parse(&text).unwrap();
        assert_eq!(back[0], outlines[0]);
        assert_eq!(back[1].url, outlines[1].url);
        assert_eq!(back[1].name.as_deref(), Some("http://example.net/rss"));
    }

    #[test]
    fn nested_folders_as_other_readers_write_them() {
        let text = r#"<?xml version="1.0"?><opml version="1.0"><head/><body>
<outline text="News"><outline text="Wire" xmlUrl="https://wire.example/rss"/>
<outline title="Desk" text="ignored" xmlUrl="https://desk.example/atom"></outline></outline>
<outline text="A folder without feeds"/></body></opml>"#;
        let outlines = parse(text).unwrap();
        assert_eq!(outlines.len(), 2);
        assert_eq!(outlines[1].name.as_deref(), Some("Desk"));
        assert!(parse("<html></html>").is_err());
        assert!(parse("<opml><body><outline xmlUrl=").is_err());
    }
}
