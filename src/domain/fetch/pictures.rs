//! The pictures of an article, fetched as pages are: through the same agent (herald's
//! User-Agent, the timeout, at most five redirects), several at once but never more than
//! `per_host` at once from one host, each answer capped after decompression, and a host
//! that answers 429 or 503 with Retry-After asked nothing more in this run.

use std::collections::HashMap;
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Result, anyhow};
use jiff::Timestamp;

use super::Options;
use super::hosts::{self, Addressed};
use super::http::{self, Refused, retry_after};

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
    let mut response = agent
        .get(url)
        .header(
            "Accept",
            "image/webp,image/png,image/jpeg,image/gif;q=0.9,*/*;q=0.1",
        )
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
    if kind.starts_with("text/") || kind.contains("html") {
        return Err(anyhow!(
            "the address gives {}, not a picture",
            kind.split(';').next().unwrap_or_default().trim()
        ));
    }
    let limit = options.max_bytes.min(MAX_PICTURE_BYTES);
    response
        .body_mut()
        .with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(|err| match err {
            ureq::Error::BodyExceedsLimit(_) => anyhow!(
                "the picture is larger than the {} MiB limit",
                limit / (1024 * 1024)
            ),
            other => anyhow!("{other}"),
        })
}
