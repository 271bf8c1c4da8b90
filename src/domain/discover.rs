//! Finding the feed behind an address a person gives: the address itself when it is a
//! feed (RSS, Atom, JSON Feed); else, when it is a web page, the feeds its
//! `<link rel="alternate">` elements name, and failing those the addresses sites commonly
//! use (`/feed`, `/rss.xml`, …), keeping only those that are feeds.
//!
//! [`classify`] and [`page::alternates`] take bytes and text, so the decisions are tested
//! without a network; [`discover`] does the fetching, with the caps of `fetch`.

mod page;

use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use url::Url;

pub use page::{Alternate, COMMON_PATHS, MAX_ALTERNATES, MAX_SCAN_BYTES, alternates, common_paths};

use crate::domain::fetch::Options;
use crate::domain::import::{decode, feed};

/// What a fetched body is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// A feed herald reads, with its own title.
    Feed { title: Option<String> },
    /// A document that looks like a feed but does not parse: the reason.
    BrokenFeed(String),
    /// A web page, with the feeds it names.
    Page(Vec<Alternate>),
    /// Neither a feed nor a web page.
    Neither,
}

/// Tells what `bytes`, fetched from `url`, are.
pub fn classify(bytes: &[u8], url: &Url) -> Body {
    let text = decode::decode(bytes).text;
    let head: String = text.chars().take(4096).collect::<String>();
    let trimmed = head.trim_start();
    let feedish = feed::looks_like_feed(&head)
        || trimmed.starts_with('{') && head.contains("\"items\"")
        || trimmed.starts_with("<?xml") && !head.to_ascii_lowercase().contains("<html");
    if feedish {
        return match feed::parse_text(&text, None) {
            Ok(parsed) => Body::Feed {
                title: parsed.title.filter(|t| !t.is_empty()),
            },
            Err(err) => Body::BrokenFeed(crate::domain::message::error_chain(&err)),
        };
    }
    let lower = head.to_ascii_lowercase();
    if [
        "<html",
        "<!doctype html",
        "<head",
        "<link",
        "<body",
        "<meta",
    ]
    .iter()
    .any(|t| lower.contains(t))
    {
        return Body::Page(alternates(&text, url));
    }
    Body::Neither
}

/// How a feed was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The address given is the feed.
    Given,
    /// The page names it in a `<link rel="alternate">`.
    Link,
    /// At one of the addresses sites commonly use.
    CommonPath,
}

/// A feed found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub url: String,
    /// The feed's own title, else the title of the link that named it.
    pub title: Option<String>,
    pub via: Via,
}

/// How long discovery may take in all, however many addresses it tries.
pub const BUDGET: Duration = Duration::from_secs(60);

/// The feeds at `address`: itself when it is a feed, else those its page names, else
/// those at the common paths of its site. An empty list is never returned: finding no
/// feed is an error that says what the address was.
pub fn discover(address: &str, options: &Options) -> Result<Vec<Candidate>> {
    let agent = crate::domain::fetch::agent(options);
    let deadline = Instant::now() + BUDGET;
    let (final_url, bytes) = get(&agent, address, options.max_bytes)?;
    let page = match classify(&bytes, &final_url) {
        Body::Feed { title } => {
            return Ok(vec![Candidate {
                url: address.to_owned(),
                title,
                via: Via::Given,
            }]);
        }
        Body::BrokenFeed(reason) => {
            bail!("{address} looks like a feed but herald cannot read it: {reason}")
        }
        Body::Neither => bail!(
            "{address} is neither a feed nor a web page that names one; nothing was subscribed"
        ),
        Body::Page(links) => links,
    };
    let mut tried: Vec<String> = vec![address.to_owned(), final_url.to_string()];
    let mut found = Vec::new();
    for link in page {
        if Instant::now() > deadline {
            break;
        }
        tried.push(link.url.clone());
        if let Some(title) = probe(&agent, &link.url, options) {
            found.push(Candidate {
                url: link.url,
                title: title.or(link.title),
                via: Via::Link,
            });
        }
    }
    if found.is_empty() {
        for url in common_paths(&final_url) {
            if Instant::now() > deadline || tried.contains(&url) {
                continue;
            }
            tried.push(url.clone());
            if let Some(title) = probe(&agent, &url, options) {
                found.push(Candidate {
                    url,
                    title,
                    via: Via::CommonPath,
                });
            }
        }
    }
    if found.is_empty() {
        bail!(
            "{address} is a web page that names no feed, and none of {} on its site is one; \
             nothing was subscribed (give the feed's own address if you know it)",
            COMMON_PATHS.join(", ")
        );
    }
    Ok(found)
}

/// The title of the feed at `url` (`Some(None)` for one without a title), or `None` when
/// it is not a feed herald reads.
fn probe(agent: &ureq::Agent, url: &str, options: &Options) -> Option<Option<String>> {
    let (final_url, bytes) = get(agent, url, options.max_bytes)
        .map_err(|err| log::info!("discovery: {url}: {err:#}"))
        .ok()?;
    match classify(&bytes, &final_url) {
        Body::Feed { title } => Some(title),
        _ => None,
    }
}

/// The body at `url` and the address it came from after redirects; an answer other
/// than 2xx is an error naming its status.
fn get(agent: &ureq::Agent, url: &str, max_bytes: u64) -> Result<(Url, Vec<u8>)> {
    use ureq::ResponseExt;
    let mut response = agent
        .get(url)
        .call()
        .map_err(|err| anyhow!("{err}"))
        .with_context(|| format!("fetching {url}"))?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        bail!("{url}: the server answered HTTP {status}; nothing was subscribed");
    }
    let final_url = Url::parse(&response.get_uri().to_string())
        .or_else(|_| Url::parse(url))
        .with_context(|| format!("{url} is not an address herald can read"))?;
    let bytes = response
        .body_mut()
        .with_config()
        .limit(max_bytes)
        .read_to_vec()
        .map_err(|err| match err {
            ureq::Error::BodyExceedsLimit(_) => anyhow!(
                "{url}: the answer is larger than the {} MiB limit",
                max_bytes / (1024 * 1024)
            ),
            other => anyhow!("fetching {url}: {other}"),
        })?;
    Ok((final_url, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("https://site.example/").unwrap()
    }

    #[test]
    fn feeds_pages_and_other_things_are_told_apart() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Wire</title>
            <item><title>One</title></item></channel></rss>"#;
        assert_eq!(
            classify(rss, &url()),
            Body::Feed {
                title: Some("Harbour Wire".into())
            }
        );
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Desk</title></feed>"#;
        assert!(matches!(classify(atom, &url()), Body::Feed { .. }));
        let json = br#"{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": []}"#;
        assert_eq!(
            classify(json, &url()),
            Body::Feed {
                title: Some("J".into())
            }
        );
        let page = br#"<!DOCTYPE html><html><head><link rel="alternate"
            type="application/rss+xml" href="/rss.xml"></head><body>Hello</body></html>"#;
        assert_eq!(
            classify(page, &url()),
            Body::Page(vec![Alternate {
                url: "https://site.example/rss.xml".into(),
                title: None
            }])
        );
        assert_eq!(classify(b"just some words", &url()), Body::Neither);
        assert_eq!(classify(b"", &url()), Body::Neither);
        assert_eq!(classify(b"{\"a\": 1}", &url()), Body::Neither);
        assert!(matches!(
            classify(b"<rss><channel><item>", &url()),
            Body::BrokenFeed(_) | Body::Feed { .. }
        ));
        assert!(matches!(
            classify(&[0xff, 0xfe, 0x00, 0x3c], &url()),
            Body::Neither | Body::BrokenFeed(_)
        ));
    }
}
