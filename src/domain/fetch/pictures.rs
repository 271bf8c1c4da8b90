//! The pictures of an article, fetched as pages are: through the same agent (herald's
//! User-Agent, the timeout, at most five redirects), several at once but never more than
//! `per_host` at once from one host, each answer capped after decompression, and a host
//! that answers 429 or 503 with Retry-After asked nothing more in this run.

use std::sync::Arc;

use anyhow::{Result, anyhow};

use super::Options;
use super::hosts::{Addressed, Pool, Refusals};
use super::http::{self, Refused};

/// The largest picture fetched, counted after decompression (or `options.max_bytes`,
/// when that is smaller).
pub const MAX_PICTURE_BYTES: u64 = 8 * 1024 * 1024;

struct Wanted(String);

impl Addressed for Wanted {
    fn address(&self) -> &str {
        &self.0
    }
}

/// Fetches every address in `urls`, telling `each` what each gave (its bytes, or why
/// none), on the calling thread, in the order they arrive.
pub fn fetch_pictures(
    urls: Vec<String>,
    options: Options,
    each: &mut dyn FnMut(String, Result<Vec<u8>>),
) {
    if urls.is_empty() {
        return;
    }
    let agent = http::agent(&options);
    let refusals = Arc::new(Refusals::default());
    let pool = Pool::start(
        urls.into_iter().map(Wanted).collect(),
        options.per_host,
        options.jobs.clamp(1, 8),
        move |wanted: &Wanted, slot| match refusals.wait_for(slot.host()) {
            Some(wait) => Err(anyhow!("its server asked to wait {} s", wait.as_secs())),
            None => picture(&agent, &wanted.0, &options).inspect_err(|err| {
                if let Some(r) = err.downcast_ref::<Refused>() {
                    refusals.note(slot.host(), r.wait);
                }
            }),
        },
    );
    while let Ok((wanted, got)) = pool.results.recv() {
        each(wanted.0, got);
    }
    pool.finish();
}

/// One picture's bytes: asked for as an image, refused past [`MAX_PICTURE_BYTES`], a 429
/// or 503 with Retry-After as [`Refused`], any other answer but success, or a body the
/// server says is not a picture, as an error saying which.
fn picture(agent: &ureq::Agent, url: &str, options: &Options) -> Result<Vec<u8>> {
    let (mut response, kind) = http::get(
        agent,
        url,
        "image/webp,image/png,image/jpeg,image/gif;q=0.9,*/*;q=0.1",
    )?;
    if kind.starts_with("text/") || kind.contains("html") {
        return Err(anyhow!(
            "the address gives {}, not a picture",
            kind.split(';').next().unwrap_or_default().trim()
        ));
    }
    let limit = options.max_bytes.min(MAX_PICTURE_BYTES);
    http::body_within(&mut response, limit, "the picture", "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_server::{Answer, Script, Server};

    /// Answers every request with `answer`, at most 20 requests.
    fn serve(answer: Answer) -> Server {
        Script::new()
            .limit(20)
            .otherwise(move |_| answer.clone())
            .start()
    }

    fn fetch(
        site: &Server,
        paths: &[&str],
        options: Options,
    ) -> Vec<(String, Result<usize, String>)> {
        let urls = paths.iter().map(|p| site.url(p)).collect();
        let mut got = Vec::new();
        fetch_pictures(urls, options, &mut |url, result| {
            got.push((url, result.map(|b| b.len()).map_err(|e| e.to_string())));
        });
        got
    }

    #[test]
    fn a_host_that_asks_to_wait_is_asked_nothing_more() {
        let site = serve(Answer::new(429).header("Retry-After", "120"));
        let options = Options {
            jobs: 1,
            ..Options::default()
        };
        let got = fetch(&site, &["/1.png", "/2.png", "/3.png"], options);
        assert_eq!(got.len(), 3);
        assert_eq!(site.count(), 1, "{got:?}");
        assert!(got.iter().all(|(_, r)| r.is_err()));
        assert!(
            got.iter()
                .filter(|(_, r)| r.as_ref().unwrap_err().contains("asked to wait"))
                .count()
                >= 2,
            "{got:?}"
        );
    }

    #[test]
    fn a_picture_past_the_cap_is_refused_and_html_is_not_a_picture() {
        let site = serve(Answer::typed("image/png", vec![0u8; 2048]));
        let options = Options {
            max_bytes: 1024,
            ..Options::default()
        };
        let got = fetch(&site, &["/big.png"], options);
        assert!(
            got[0].1.as_ref().unwrap_err().contains("larger than"),
            "{got:?}"
        );
        let got = fetch(&site, &["/small.png"], Options::default());
        assert_eq!(got[0].1, Ok(2048));
        let site = serve(Answer::typed("text/html", vec![0u8; 10]));
        let got = fetch(&site, &["/page"], Options::default());
        assert!(
            got[0].1.as_ref().unwrap_err().contains("not a picture"),
            "{got:?}"
        );
    }
}
