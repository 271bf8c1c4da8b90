//! The pictures of an article, fetched as pages are: through the same agent (herald's
//! User-Agent, the timeout, at most five redirects), several at once but never more than
//! `per_host` at once from one host, each answer capped after decompression, and a host
//! that answers 429 or 503 with Retry-After asked nothing more in this run.

use std::collections::HashMap;
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Result, anyhow};

use super::Options;
use super::hosts::{self, Addressed};
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
    let total = urls.len();
    if total == 0 {
        return;
    }
    let queue = Arc::new(hosts::Queue::new(
        urls.into_iter().map(Wanted).collect(),
        options.per_host,
    ));
    let refused: Arc<Mutex<HashMap<String, Duration>>> = Arc::default();
    let (sender, results) = channel();
    let agent = http::agent(&options);
    let mut workers = Vec::new();
    for _ in 0..options.jobs.clamp(1, 8).min(total) {
        let (queue, refused, sender, agent) = (
            Arc::clone(&queue),
            Arc::clone(&refused),
            sender.clone(),
            agent.clone(),
        );
        workers.push(std::thread::spawn(move || {
            while let Some((wanted, host)) = queue.take() {
                let slot = hosts::Slot::new(&queue, host.clone());
                let waiting = refused.lock().ok().and_then(|r| r.get(&host).copied());
                let got = match waiting {
                    Some(wait) => Err(anyhow!("its server asked to wait {} s", wait.as_secs())),
                    None => picture(&agent, &wanted.0, &options).inspect_err(|err| {
                        if let Some(r) = err.downcast_ref::<Refused>()
                            && let Ok(mut hosts) = refused.lock()
                        {
                            hosts.insert(host.clone(), r.wait);
                        }
                    }),
                };
                drop(slot);
                if sender.send((wanted.0, got)).is_err() {
                    break;
                }
            }
        }));
    }
    drop(sender);
    while let Ok((url, got)) = results.recv() {
        each(url, got);
    }
    for worker in workers {
        let _ = worker.join();
    }
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
