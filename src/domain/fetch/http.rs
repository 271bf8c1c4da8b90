//! One feed over HTTP: the request (who asks, what it accepts, what it already has) and
//! the answer, with the body capped after decompression and a refusal's Retry-After.

use std::time::Duration;

use anyhow::{Result, anyhow};
use jiff::Timestamp;

use super::Options;
use crate::domain::import::feed;
use crate::domain::model::NewArticle;
use crate::domain::store::Feed;

/// Who is asking: every request names herald and its version. (No home page address: the
/// project has none to give yet, and an invented one would mislead server operators.)
pub const USER_AGENT: &str = concat!("herald/", env!("CARGO_PKG_VERSION"));

/// The longest Retry-After herald honours: a larger or later one counts as this.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// What the network half hands the store half.
pub(super) enum Fetched {
    NotModified,
    Feed {
        articles: Vec<NewArticle>,
        title: Option<String>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
}

impl Fetched {
    pub(super) fn items(&self) -> usize {
        match self {
            Fetched::NotModified => 0,
            Fetched::Feed { articles, .. } => articles.len(),
        }
    }
}

/// The server refused for now (429 Too Many Requests or 503 Service Unavailable) and
/// said when to come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub status: u16,
    /// How long to wait, from the answer's Retry-After, bounded by [`MAX_RETRY_AFTER`].
    pub wait: Duration,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the server answered HTTP {} and asked to wait {} s",
            self.status,
            self.wait.as_secs()
        )
    }
}

impl std::error::Error for Refused {}

pub(crate) fn agent(options: &Options) -> ureq::Agent {
    // ureq asks for gzip and brotli (its `gzip` and `brotli` features) and decodes them;
    // the body's limit counts the decoded bytes.
    ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .http_status_as_error(false)
        .max_redirects(5)
        .user_agent(USER_AGENT)
        .build()
        .into()
}

/// A Retry-After value as a wait from `now`: delay-seconds or an HTTP date. A date in
/// the past is no wait; a larger wait than [`MAX_RETRY_AFTER`] (or more digits than a
/// number holds) is that; anything else is `None`.
pub fn retry_after(value: &str, now: Timestamp) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.len() <= 64 && value.bytes().all(|b| b.is_ascii_digit()) {
        let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER));
    }
    if value.len() > 64 {
        return None;
    }
    let at = jiff::fmt::rfc2822::DateTimeParser::new()
        .parse_timestamp(value)
        .ok()?;
    let seconds = at.as_second().saturating_sub(now.as_second()).max(0);
    Some(Duration::from_secs(seconds.unsigned_abs()).min(MAX_RETRY_AFTER))
}

pub(super) fn fetch(agent: &ureq::Agent, feed: &Feed, options: &Options) -> Result<Fetched> {
    let mut request = agent.get(&feed.url);
    if let Some(etag) = &feed.etag {
        request = request.header("If-None-Match", etag);
    }
    if let Some(modified) = &feed.last_modified {
        request = request.header("If-Modified-Since", modified);
    }
    let mut response = request.call().map_err(|err| anyhow!("{err}"))?;
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    if status == 304 {
        return Ok(Fetched::NotModified);
    }
    if (status == 429 || status == 503)
        && let Some(wait) = header("retry-after").and_then(|v| retry_after(&v, Timestamp::now()))
    {
        return Err(Refused { status, wait }.into());
    }
    if !(200..300).contains(&status) {
        return Err(anyhow!("the server answered HTTP {status}"));
    }
    let (etag, last_modified) = (header("etag"), header("last-modified"));
    let bytes = response
        .body_mut()
        .with_config()
        .limit(options.max_bytes)
        .read_to_vec()
        .map_err(|err| match err {
            ureq::Error::BodyExceedsLimit(_) => anyhow!(
                "the feed is larger than the {} MiB limit (counted after decompression)",
                options.max_bytes / (1024 * 1024)
            ),
            other => anyhow!("{other}"),
        })?;
    let mut parsed = feed::parse(&bytes, feed.name.as_deref())?;
    if parsed.dropped > 0 {
        log::warn!(
            "{}: {} items; kept the first {}",
            feed.url,
            parsed.items,
            parsed.items - parsed.dropped
        );
    }
    for article in &mut parsed.articles {
        for warning in crate::domain::import::cap(article) {
            log::info!("{}: {}: {warning}", feed.url, article.title);
        }
    }
    Ok(Fetched::Feed {
        articles: parsed.articles,
        title: parsed.title,
        etag,
        last_modified,
    })
}

/// One polite GET of a page or a picture, asking for `accept`: a 429 or 503 with
/// Retry-After is [`Refused`], any other answer but success an error saying which. The
/// answer and its content type, lower-cased.
pub(super) fn get(
    agent: &ureq::Agent,
    url: &str,
    accept: &str,
) -> Result<(ureq::http::Response<ureq::Body>, String)> {
    let response = agent
        .get(url)
        .header("Accept", accept)
        .call()
        .map_err(|err| anyhow!("{err}"))?;
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase)
    };
    if (status == 429 || status == 503)
        && let Some(wait) = header("retry-after").and_then(|v| retry_after(&v, Timestamp::now()))
    {
        return Err(Refused { status, wait }.into());
    }
    if !(200..300).contains(&status) {
        return Err(anyhow!("the server answered HTTP {status}"));
    }
    let kind = header("content-type").unwrap_or_default();
    Ok((response, kind))
}

/// An answer's body, at most `limit` bytes; past it an error naming `what` and the
/// limit, then `note`.
pub(super) fn body_within(
    response: &mut ureq::http::Response<ureq::Body>,
    limit: u64,
    what: &str,
    note: &str,
) -> Result<Vec<u8>> {
    response
        .body_mut()
        .with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(|err| match err {
            ureq::Error::BodyExceedsLimit(_) => anyhow!(
                "{what} is larger than the {} MiB limit{note}",
                limit / (1024 * 1024)
            ),
            other => anyhow!("{other}"),
        })
}

/// An article's web page, as text: asked for as HTML, refused past `options.max_bytes`
/// (counted after decompression), a 429 or 503 with Retry-After as [`Refused`], any
/// other answer but success, or a body that is not HTML, as an error saying which.
pub(super) fn page(agent: &ureq::Agent, url: &str, options: &Options) -> Result<String> {
    let (mut response, kind) = get(
        agent,
        url,
        "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    )?;
    if !kind.is_empty() && !kind.contains("html") {
        return Err(anyhow!(
            "the address gives {}, not a web page",
            kind.split(';').next().unwrap_or_default().trim()
        ));
    }
    let bytes = body_within(
        &mut response,
        options.max_bytes,
        "the page",
        " (counted after decompression)",
    )?;
    Ok(crate::domain::import::decode::decode(&bytes).text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-30T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        assert_eq!(retry_after("120", now()), Some(Duration::from_secs(120)));
        assert_eq!(retry_after(" 0 ", now()), Some(Duration::ZERO));
        assert_eq!(
            retry_after("Mon, 30 Nov 2026 12:10:00 GMT", now()),
            Some(Duration::from_secs(600))
        );
        assert_eq!(
            retry_after("Sun, 29 Nov 2026 12:10:00 GMT", now()),
            Some(Duration::ZERO),
            "a date in the past is no wait"
        );
    }

    #[test]
    fn huge_retry_after_values_are_bounded() {
        assert_eq!(retry_after("99999999", now()), Some(MAX_RETRY_AFTER));
        let digits = "9".repeat(60);
        assert_eq!(retry_after(&digits, now()), Some(MAX_RETRY_AFTER));
        assert_eq!(
            retry_after("01 Jan 2100 00:00:00 GMT", now()),
            Some(MAX_RETRY_AFTER)
        );
    }

    #[test]
    fn malformed_retry_after_values_are_ignored() {
        for value in [
            "",
            "-5",
            "1.5",
            "soon",
            "12 s",
            &"9".repeat(100),
            &"x".repeat(10_000),
        ] {
            assert_eq!(retry_after(value, now()), None, "{value:?}");
        }
    }

    #[test]
    fn the_user_agent_names_herald_and_its_version() {
        assert_eq!(USER_AGENT, concat!("herald/", env!("CARGO_PKG_VERSION")));
    }
}
