//! OPML, the subscription list format every feed reader reads and writes (newsboat,
//! elfeed and eilmeldung users move with it).

use anyhow::{Context, Result};
use quick_xml::Reader;
use quick_xml::escape::escape;
use quick_xml::events::Event;

/// A subscription in an OPML file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outline {
    pub url: String,
    pub name: Option<String>,
    /// The folders it is in: on reading, the title of the folder outline around it
    /// (the nearest one, when folders nest); on writing, one folder for each.
    pub tags: Vec<String>,
}

/// Every `<outline xmlUrl=…>` in the document, however deeply nested in folders, with
/// the title of the folder around it as its tag.
pub fn parse(text: &str) -> Result<Vec<Outline>> {
    let mut reader = Reader::from_str(text);
    let mut out = Vec::new();
    let mut saw_opml = false;
    // The outlines open around the one read: a folder's title, or None for a feed or
    // an untitled folder.
    let mut open: Vec<Option<String>> = Vec::new();
    loop {
        let event = reader.read_event().with_context(|| {
            format!(
                "not valid OPML (XML error near byte {})",
                reader.buffer_position()
            )
        })?;
        let is_start = matches!(event, Event::Start(_));
        match event {
            Event::End(e) if e.name().as_ref().eq_ignore_ascii_case("outline") => {
                open.pop();
            }
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
                let label = title.or(text_attr).filter(|n| !n.is_empty());
                match url.filter(|u| !u.is_empty()) {
                    Some(url) => {
                        let folder = open.iter().rev().flatten().next().cloned();
                        out.push(Outline {
                            url,
                            name: label,
                            tags: folder.into_iter().collect(),
                        });
                        if is_start {
                            open.push(None);
                        }
                    }
                    None if is_start => open.push(label),
                    None => {}
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

/// An OPML 2.0 document listing `outlines`: those without a tag at the top, then one
/// folder outline for each tag holding its feeds (a feed with several tags is in each).
pub fn write(outlines: &[Outline]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    <title>herald subscriptions</title>\n  </head>\n  <body>\n",
    );
    // XML 1.0 cannot hold control characters, and they must not reach a terminal.
    let safe = |text: &str| -> String {
        let kept: String = text
            .chars()
            .filter(|c| !crate::domain::text::is_unsafe(*c))
            .collect();
        escape(kept.as_str()).into_owned()
    };
    let feed = |o: &Outline, indent: &str| -> String {
        let name = safe(o.name.as_deref().unwrap_or(&o.url));
        format!(
            "{indent}<outline type=\"rss\" text=\"{name}\" title=\"{name}\" xmlUrl=\"{}\"/>\n",
            safe(&o.url)
        )
    };
    for o in outlines.iter().filter(|o| o.tags.is_empty()) {
        out.push_str(&feed(o, "    "));
    }
    let mut tags: Vec<&str> = outlines
        .iter()
        .flat_map(|o| o.tags.iter().map(String::as_str))
        .collect();
    tags.sort_unstable();
    tags.dedup();
    for tag in tags {
        let name = safe(tag);
        out.push_str(&format!("    <outline text=\"{name}\" title=\"{name}\">\n"));
        for o in outlines.iter().filter(|o| o.tags.iter().any(|t| t == tag)) {
            out.push_str(&feed(o, "      "));
        }
        out.push_str("    </outline>\n");
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
                tags: Vec::new(),
            },
            Outline {
                url: "http://example.net/rss".into(),
                name: None,
                tags: Vec::new(),
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
        assert_eq!(outlines[0].tags, ["News"]);
        assert_eq!(outlines[1].tags, ["News"]);
        assert!(parse("<html></html>").is_err());
        assert!(parse("<opml><body><outline xmlUrl=").is_err());
    }

    #[test]
    fn folders_round_trip_as_tags() {
        let outlines = vec![
            Outline {
                url: "https://top.example/rss".into(),
                name: Some("Top".into()),
                tags: Vec::new(),
            },
            Outline {
                url: "https://both.example/rss".into(),
                name: Some("Both".into()),
                tags: vec!["news".into(), "Tech & <Code>".into()],
            },
            Outline {
                url: "https://one.example/rss".into(),
                name: Some("One".into()),
                tags: vec!["news".into()],
            },
        ];
        let text = write(&outlines);
        let back = parse(&text).unwrap();
        // A feed in two folders is read twice, once with each tag.
        let mut merged: Vec<Outline> = Vec::new();
        for o in back {
            match merged.iter_mut().find(|m| m.url == o.url) {
                Some(m) => m.tags.extend(o.tags),
                None => merged.push(o),
            }
        }
        for m in &mut merged {
            m.tags.sort();
        }
        let mut expected = outlines.clone();
        for e in &mut expected {
            e.tags.sort();
        }
        merged.sort_by(|a, b| a.url.cmp(&b.url));
        expected.sort_by(|a, b| a.url.cmp(&b.url));
        assert_eq!(merged, expected);
        assert_eq!(write(&expected), text, "written the same again");
    }

    #[test]
    fn nested_folders_give_the_nearest_title_and_feeds_after_a_folder_none() {
        let text = r#"<opml version="2.0"><body>
<outline title="Outer"><outline text="Inner"><outline xmlUrl="https://a.example/"/></outline>
<outline xmlUrl="https://b.example/"><outline xmlUrl="https://c.example/"/></outline></outline>
<outline xmlUrl="https://d.example/"/>
<outline><outline xmlUrl="https://e.example/"/></outline></body></opml>"#;
        let tags: Vec<(String, Vec<String>)> = parse(text)
            .unwrap()
            .into_iter()
            .map(|o| (o.url, o.tags))
            .collect();
        assert_eq!(
            tags,
            [
                ("https://a.example/".to_owned(), vec!["Inner".to_owned()]),
                ("https://b.example/".to_owned(), vec!["Outer".to_owned()]),
                ("https://c.example/".to_owned(), vec!["Outer".to_owned()]),
                ("https://d.example/".to_owned(), vec![]),
                ("https://e.example/".to_owned(), vec![]),
            ]
        );
    }
}
