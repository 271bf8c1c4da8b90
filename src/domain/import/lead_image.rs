//! A feed item's lead picture: Media RSS's `media:thumbnail`, else an image
//! `media:content`, given as a marker at the head of the text (`[image N: title]`, its
//! address added to the links) when the item's own text places no picture. So the
//! reader draws it as it draws an `<img>`, and `show` and `export` keep it. feed-rs
//! drops a thumbnail that no `media:content` goes with, so the thumbnails are read from
//! the document here, item by item.

use feed_rs::model::Entry;
use quick_xml::events::Event;
use quick_xml::name::{Namespace, ResolveResult};

const MEDIA_RSS: &str = "http://search.yahoo.com/mrss/";

fn is_web(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://")) && url.len() <= 2048
}

/// Each item's first `media:thumbnail` address, by the item's place in the document;
/// empty when the document does not use Media RSS.
pub fn thumbnails(document: &[u8]) -> Vec<Option<String>> {
    if !document
        .windows(MEDIA_RSS.len())
        .any(|w| w == MEDIA_RSS.as_bytes())
    {
        return Vec::new();
    }
    let mut reader = quick_xml::NsReader::from_reader(document);
    reader.config_mut().trim_markup_names_in_closing_tags = true;
    let mut found: Vec<Option<String>> = Vec::new();
    let mut depth = 0usize;
    let mut item_depth: Option<usize> = None;
    loop {
        let (ns, element, empty) = match reader.read_resolved_event() {
            Err(_) | Ok((_, Event::Eof)) => break,
            Ok((ns, Event::Start(e))) => (ns, e, false),
            Ok((ns, Event::Empty(e))) => (ns, e, true),
            Ok((_, Event::End(_))) => {
                if item_depth == Some(depth) {
                    item_depth = None;
                }
                depth = depth.saturating_sub(1);
                continue;
            }
            Ok(_) => continue,
        };
        let local = element.local_name();
        let name: &str = local.as_ref();
        let is_item = name.eq_ignore_ascii_case("item") || name.eq_ignore_ascii_case("entry");
        if item_depth.is_none() && is_item {
            found.push(None);
            if !empty {
                item_depth = Some(depth + 1);
            }
        } else if item_depth.is_some()
            && name == "thumbnail"
            && matches!(ns, ResolveResult::Bound(Namespace(n)) if n == MEDIA_RSS)
            && let Some(last) = found.last_mut().filter(|l| l.is_none())
        {
            *last = element
                .try_get_attribute("url")
                .ok()
                .flatten()
                .and_then(|a| {
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .ok()
                        .map(|v| v.trim().to_owned())
                })
                .filter(|u| is_web(u));
        }
        if !empty {
            depth += 1;
        }
    }
    found
}

/// The lead picture's address and alt text, when the item has one worth showing.
fn lead(entry: &Entry, thumbnail: Option<String>) -> Option<(String, String)> {
    let title = entry
        .media
        .iter()
        .find_map(|o| o.title.as_ref().or(o.description.as_ref()));
    let alt = |t: Option<&feed_rs::model::Text>| {
        t.map(|t| crate::domain::text::printable(t.content.trim()).into_owned())
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect::<String>()
    };
    if let Some(url) = thumbnail {
        return Some((url, alt(title)));
    }
    for object in &entry.media {
        let alt = object
            .title
            .as_ref()
            .or(object.description.as_ref())
            .map(|t| crate::domain::text::printable(t.content.trim()).into_owned())
            .unwrap_or_default();
        let thumbnail = object.thumbnails.iter().map(|t| t.image.uri.trim());
        let content = object
            .content
            .iter()
            .filter(|c| {
                c.content_type
                    .as_ref()
                    .is_some_and(|m| m.as_str().starts_with("image/"))
            })
            .filter_map(|c| c.url.as_ref().map(|u| u.as_str()));
        if let Some(url) = thumbnail.chain(content).find(|u| is_web(u)) {
            return Some((url.to_owned(), alt.chars().take(200).collect()));
        }
    }
    None
}

/// Puts the lead picture at the head of `paragraphs`, its address at the end of `links`,
/// unless the text already places a picture.
pub fn add(
    entry: &Entry,
    thumbnail: Option<String>,
    paragraphs: &mut Vec<String>,
    links: &mut Vec<String>,
) {
    if paragraphs.iter().any(|p| p.contains("[image")) {
        return;
    }
    let Some((url, alt)) = lead(entry, thumbnail) else {
        return;
    };
    let number = match links.iter().position(|l| *l == url) {
        Some(at) => at + 1,
        None => {
            links.push(url);
            links.len()
        }
    };
    let marker = if alt.is_empty() {
        format!("[image {number}]")
    } else {
        format!("[image {number}: {alt}]")
    };
    paragraphs.insert(0, marker);
}

#[cfg(test)]
mod tests {
    use crate::domain::import::feed;

    fn parse(item: &str) -> crate::domain::model::NewArticle {
        let xml = format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\">\
             <channel><title>Glass Works</title><item><guid>g1</guid><title>Kiln day</title>{item}</item>\
             </channel></rss>"
        );
        feed::parse(xml.as_bytes(), None)
            .unwrap()
            .articles
            .remove(0)
    }

    #[test]
    fn a_thumbnail_leads_the_text_and_joins_the_links() {
        let a = parse(
            "<description>&lt;p&gt;The kiln reached temperature at noon [see &lt;a href=\"https://glass.example/k\"&gt;notes&lt;/a&gt;].&lt;/p&gt;</description>\
             <media:thumbnail url=\"https://glass.example/kiln.jpg\" width=\"640\" height=\"480\"/>\
             <media:title>A kiln glowing orange</media:title>",
        );
        // feed-rs keeps no media:title without a media:content: no alt text then.
        assert_eq!(a.paragraphs[0], "[image 2]", "{:?}", a.paragraphs);
        assert_eq!(
            a.links,
            ["https://glass.example/k", "https://glass.example/kiln.jpg"]
        );
    }

    #[test]
    fn an_image_media_content_counts_and_a_text_with_its_own_picture_is_left_alone() {
        let a = parse(
            "<description>Blown vases cooling.</description>\
             <media:content url=\"https://glass.example/vase.webp\" type=\"image/webp\"/>",
        );
        assert_eq!(a.paragraphs[0], "[image 1]");
        let grouped = parse(
            "<description>Blown vases cooling.</description><media:group>\
             <media:content url=\"https://glass.example/v.mp4\" type=\"video/mp4\"/>\
             <media:thumbnail url=\"https://glass.example/v.jpg\"/>\
             <media:title>Vases on the cooling rack</media:title></media:group>",
        );
        assert_eq!(
            grouped.paragraphs[0],
            "[image 1: Vases on the cooling rack]"
        );
        assert_eq!(grouped.links, ["https://glass.example/v.jpg"]);
        let b = parse(
            "<description>&lt;img src=\"https://glass.example/own.png\" alt=\"Own\"&gt;</description>\
             <media:thumbnail url=\"https://glass.example/thumb.jpg\"/>",
        );
        assert_eq!(b.paragraphs, ["[image 1: Own]"]);
        assert_eq!(b.links, ["https://glass.example/own.png"]);
        let c = parse(
            "<description>Audio only.</description>\
             <media:content url=\"https://glass.example/talk.mp3\" type=\"audio/mpeg\"/>",
        );
        assert_eq!(c.paragraphs, ["Audio only."]);
    }
}
