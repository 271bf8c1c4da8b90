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
use crate::domain::message::count;

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
    /// Whether the store follows it already (set by the caller that has the store).
    pub followed: bool,
}

/// How long discovery may take in all, however many addresses it tries.
pub const BUDGET: Duration = Duration::from_secs(60);

/// The feeds at `address`: itself when it is a feed, else those its page names, else
/// those at the common paths of its site. An empty list is never returned: finding no
/// feed is an error that says what the address was and what was tried.
pub fn discover(address: &str, options: &Options) -> Result<Vec<Candidate>> {
    discover_at(address, options).map(|(_, found)| found)
}

/// [`discover`], with the address that answered: `address` itself, or for one typed
/// without a scheme (`example.org/feed`) `https://` before it, else `http://` (as
/// browsers do).
pub fn discover_at(address: &str, options: &Options) -> Result<(String, Vec<Candidate>)> {
    discover_within(address, options, BUDGET)
}

/// Whether `address` names its scheme (`https://…`); one that does not is tried with
/// `https://`, then `http://`.
pub fn has_scheme(address: &str) -> bool {
    address.contains("://")
}

/// The addresses to try for `address`, in order.
pub fn with_schemes(address: &str) -> Vec<String> {
    if has_scheme(address) {
        vec![address.to_owned()]
    } else {
        vec![format!("https://{address}"), format!("http://{address}")]
    }
}

/// What discovery tried on a page before giving up.
struct Tried {
    /// The feeds the page names, and how many of them were fetched.
    named: usize,
    links: usize,
    /// The common paths fetched (or already fetched as a link), in order.
    common: Vec<&'static str>,
    /// Whether the time ran out before everything was tried.
    out_of_time: bool,
}

/// [`discover`] with `budget` for the looking.
fn discover_within(
    given: &str,
    options: &Options,
    budget: Duration,
) -> Result<(String, Vec<Candidate>)> {
    let agent = crate::domain::fetch::agent(options);
    let deadline = Instant::now() + budget;
    let (address, final_url, bytes) = first_answer(&agent, given, options.max_bytes)?;
    let address = address.as_str();
    let page = match classify(&bytes, &final_url) {
        Body::Feed { title } => {
            return Ok((
                address.to_owned(),
                vec![Candidate {
                    url: address.to_owned(),
                    title,
                    via: Via::Given,
                    followed: false,
                }],
            ));
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
    let mut report = Tried {
        named: page.len(),
        links: 0,
        common: Vec::new(),
        out_of_time: false,
    };
    let mut found = Vec::new();
    for link in page {
        if Instant::now() > deadline {
            report.out_of_time = true;
            break;
        }
        tried.push(link.url.clone());
        report.links += 1;
        if let Some(title) = probe(&agent, &link.url, options) {
            found.push(Candidate {
                url: link.url,
                title: title.or(link.title),
                via: Via::Link,
                followed: false,
            });
        }
    }
    if found.is_empty() {
        for (path, url) in COMMON_PATHS.iter().zip(common_paths(&final_url)) {
            if tried.contains(&url) {
                report.common.push(path);
                continue;
            }
            if Instant::now() > deadline {
                report.out_of_time = true;
                break;
            }
            tried.push(url.clone());
            report.common.push(path);
            if let Some(title) = probe(&agent, &url, options) {
                found.push(Candidate {
                    url,
                    title,
                    via: Via::CommonPath,
                    followed: false,
                });
            }
        }
    }
    if found.is_empty() {
        bail!("{}", nothing_found(address, &report, budget));
    }
    Ok((address.to_owned(), found))
}

/// The first of [`with_schemes`]`(given)` that answers: the address, where it led and
/// its body. When none does, the error names each address tried and why.
fn first_answer(
    agent: &ureq::Agent,
    given: &str,
    max_bytes: u64,
) -> Result<(String, Url, Vec<u8>)> {
    let tries = with_schemes(given);
    let mut failures = Vec::new();
    for address in &tries {
        match get(agent, address, max_bytes) {
            Ok((final_url, bytes)) => {
                if !has_scheme(given) {
                    log::info!("discovery: {given} has no scheme; {address} answered");
                }
                return Ok((address.clone(), final_url, bytes));
            }
            Err(err) if tries.len() == 1 => return Err(err),
            Err(err) => failures.push(format!("{err:#}")),
        }
    }
    bail!(
        "{given} has no scheme, and neither {} answered ({}); nothing was subscribed",
        tries.join(" nor "),
        failures.join("; ")
    )
}

/// Why nothing was subscribed, saying only what was tried.
fn nothing_found(address: &str, tried: &Tried, budget: Duration) -> String {
    let links = match (tried.named, tried.links) {
        (0, _) => "names no feed".to_owned(),
        (named, links) if links == named => {
            format!(
                "names {} but herald reads none of them",
                count(named, "feed", "feeds")
            )
        }
        (named, links) => format!(
            "names {}; herald tried {links} of them and reads none",
            count(named, "feed", "feeds")
        ),
    };
    let common = match (tried.common.as_slice(), tried.out_of_time) {
        ([], true) => format!(
            "the {budget:?} for looking ran out before any of the addresses sites commonly use \
             ({}) was tried",
            COMMON_PATHS.join(", ")
        ),
        (some, true) => format!(
            "the {budget:?} for looking ran out after trying {} of the addresses sites commonly \
             use ({}), none a feed",
            some.len(),
            some.join(", ")
        ),
        (all, false) => format!("none of {} on its site is one", all.join(", ")),
    };
    format!(
        "{address} is a web page that {links}, and {common}; nothing was subscribed \
         (give the feed's own address if you know it)"
    )
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
    use crate::test_server::{Answer, Script, Server};

    /// A site on 127.0.0.1 whose home page has `head` and whose every other address
    /// answers 404 after `slow`; each request is served on a thread of its own.
    fn slow_site(slow: Duration, head: &'static str) -> Server {
        Script::new()
            .limit(50)
            .at(
                "/",
                Answer::typed(
                    "text/html",
                    format!("<!DOCTYPE html><html><head>{head}</head></html>"),
                ),
            )
            .otherwise(move |_| {
                Answer::new(404)
                    .header("Content-Type", "text/html")
                    .body("<html>Not here</html>")
                    .after(slow)
            })
            .start()
    }

    /// When the time for looking runs out, the message says which common addresses were
    /// tried, not that they all were.
    #[test]
    fn running_out_of_time_says_what_was_tried() {
        let site = slow_site(Duration::from_millis(400), "<title>Home</title>");
        let err = discover_within(
            &site.url("/"),
            &Options::default(),
            Duration::from_millis(700),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("ran out"), "{err}");
        assert!(err.contains("/feed"), "{err}");
        assert!(
            !err.contains("/feed.json"),
            "not tried, so not named: {err}"
        );
        assert!(err.contains("nothing was subscribed"), "{err}");

        // With the time to try them all, it says it did.
        let site = slow_site(Duration::ZERO, "<title>Home</title>");
        let err = discover_within(&site.url("/"), &Options::default(), BUDGET)
            .unwrap_err()
            .to_string();
        assert!(err.contains("names no feed"), "{err}");
        assert!(
            err.contains("/feed.json") && !err.contains("ran out"),
            "{err}"
        );
        // A page that names feeds which are not: not said to name none.
        let site = slow_site(
            Duration::ZERO,
            r#"<link rel="alternate" type="application/rss+xml" href="/gone.xml">"#,
        );
        let err = discover_within(&site.url("/"), &Options::default(), BUDGET)
            .unwrap_err()
            .to_string();
        assert!(err.contains("names 1 feed but herald reads none"), "{err}");
    }

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
