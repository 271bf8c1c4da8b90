//! An article's pictures, from the cache when kept there, else fetched politely
//! (`fetch::fetch_pictures`) and kept when they decode; every one decoded within bounds.
//! A picture that cannot be had or read is an error for that picture alone.

use anyhow::{Result, anyhow};

use super::cache::Cache;
use super::decode::{Decoded, decode};
use crate::domain::fetch::{Options, fetch_pictures};
use crate::domain::model::ArticleId;

/// Where a loaded picture came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Cache,
    Network,
}

/// What loading one picture came to: the picture and where it came from, or why not.
pub type Loaded = Result<(Decoded, Source)>;

/// Loads each of `urls` for article `by`, telling `each` the picture's address and what
/// it came to. Kept pictures are answered first, without the network; the rest are
/// fetched together (per host limits apply across them), and kept only when they decode.
/// With `offline`, nothing is fetched: what is not kept is an error.
pub fn load(
    urls: &[String],
    by: ArticleId,
    cache: Option<&Cache>,
    options: Options,
    offline: bool,
    each: &mut dyn FnMut(&str, Loaded),
) {
    let mut missing = Vec::new();
    for url in urls {
        match cache.and_then(|c| c.get(url)) {
            Some(bytes) => {
                if let Some(cache) = cache {
                    let _ = cache.shown_by(url, by);
                }
                each(url, decode(&bytes).map(|d| (d, Source::Cache)));
            }
            None if offline => each(url, Err(anyhow!("not kept, and herald is offline"))),
            None => missing.push(url.clone()),
        }
    }
    fetch_pictures(missing, options, &mut |url, got| {
        let decoded = got.and_then(|bytes| {
            let decoded = decode(&bytes)?;
            if let Some(cache) = cache
                && let Err(err) = cache.put(&url, &bytes, by)
            {
                log::warn!("{url}: keeping the picture: {err:#}");
            }
            Ok(decoded)
        });
        each(&url, decoded.map(|d| (d, Source::Network)));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_server::Server;

    #[test]
    fn fetched_once_then_kept_broken_ones_fail_alone_and_offline_uses_the_cache() {
        let png = crate::domain::images::decode::tests::png(6, 3, [1, 2, 3, 255]);
        let site = Server::documents(vec![
            ("/a.png", "image/png", png),
            ("/page", "text/html", b"<html></html>".to_vec()),
            (
                "/bomb.png",
                "image/png",
                crate::domain::images::decode::tests::png_claiming(60_000, 60_000),
            ),
        ]);
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path().join("s.images"), 1 << 20);
        let urls: Vec<String> = ["/a.png", "/page", "/bomb.png", "/missing.png"]
            .iter()
            .map(|p| site.url(p))
            .collect();
        let mut seen = Vec::new();
        load(
            &urls,
            ArticleId(3),
            Some(&cache),
            Options::default(),
            false,
            &mut |url, got| {
                seen.push((
                    url.to_owned(),
                    got.map(|(d, s)| (d.width, d.height, s))
                        .map_err(|e| e.to_string()),
                ));
            },
        );
        seen.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(seen.len(), 4);
        assert_eq!(seen[0].1, Ok((6, 3, Source::Network)), "{seen:?}");
        assert!(
            seen[1].1.as_ref().unwrap_err().contains("60000x60000"),
            "{seen:?}"
        );
        assert!(seen[2].1.as_ref().unwrap_err().contains("404"), "{seen:?}");
        assert!(
            seen[3].1.as_ref().unwrap_err().contains("not a picture"),
            "{seen:?}"
        );
        assert!(cache.contains(&urls[0]));
        assert!(
            !cache.contains(&urls[2]),
            "a picture that does not decode is not kept"
        );
        let before = site.count();
        assert_eq!(before, 4);
        let mut again = Vec::new();
        load(
            &urls[..1],
            ArticleId(3),
            Some(&cache),
            Options::default(),
            true,
            &mut |_, got| {
                again.push(got.map(|(_, s)| s).map_err(|e| e.to_string()));
            },
        );
        assert_eq!(again, [Ok(Source::Cache)]);
        assert_eq!(site.count(), before, "no request for a kept picture");
    }
}
