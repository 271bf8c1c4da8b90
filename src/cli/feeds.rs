//! The feed commands: subscriptions, OPML, fetching, and moving in from newsboat.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use jiff::Timestamp;

use std::time::Duration;

use super::args::{FeedCommand, FetchArgs, RefreshSetting};
use super::output::write_json;
use crate::domain::import;
use crate::domain::message::count;
use crate::domain::store::{Feed, Store};
use crate::domain::text::printable;

/// Moves a newsboat cache in: its subscriptions, then its articles a batch at a time, so
/// a cache of any size fits in memory. A row that cannot be read is reported by its id and
/// the rest go on; the exit status is then a failure, as for an import with a bad file.
pub(super) fn from_newsboat_cache(store: &mut Store, cache: &std::path::Path) -> Result<ExitCode> {
    let source = import::newsboat::Cache::open(cache)?;
    let feeds = source.feeds()?;
    let mut added = 0;
    for feed in &feeds {
        if store.feed_by_url(&feed.url)?.is_none() {
            store.add_feed(&feed.url, feed.name.as_deref())?;
            added += 1;
        }
    }
    let now = Timestamp::now();
    let mut counts = crate::domain::store::UpsertCounts::default();
    // Each article joins its feed, so that fetching the feed later updates it instead of
    // storing it again; a batch is one transaction.
    let subscribed: std::collections::HashMap<String, crate::domain::store::Feed> = store
        .feeds()?
        .into_iter()
        .map(|f| (f.url.clone(), f))
        .collect();
    let rows = source.articles(
        &feeds,
        crate::domain::store::BATCH_SIZE,
        &mut |batch| {
            store.batch(|| {
                let mut by_feed: Vec<(&str, Vec<crate::domain::model::NewArticle>)> = Vec::new();
                for (feed_url, article) in batch {
                    match by_feed.iter_mut().find(|(url, _)| url == feed_url) {
                        Some((_, articles)) => articles.push(article.clone()),
                        None => by_feed.push((feed_url, vec![article.clone()])),
                    }
                }
                for (feed_url, articles) in by_feed {
                    let c = store.upsert(subscribed.get(feed_url), &articles, now)?;
                    counts.new += c.new;
                    counts.updated += c.updated;
                    counts.unchanged += c.unchanged;
                }
                Ok(())
            })
        },
        &mut |detail, warning| {
            let kind = if warning { "warning" } else { "error" };
            errln!("{kind}: {}: {}", cache.display(), printable(&detail));
        },
    )?;
    let skipped = if rows.skipped > 0 {
        format!("; {} skipped", count(rows.skipped, "row", "rows"))
    } else {
        String::new()
    };
    outln!(
        "newsboat: {} added ({} in the cache); articles: {} new, {} updated, {} already present{skipped}",
        count(added, "subscription", "subscriptions"),
        feeds.len(),
        counts.new,
        counts.updated,
        counts.unchanged
    )?;
    Ok(if rows.skipped == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn valid_feed_url(url: &str) -> Result<()> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://"))
        || url.contains(char::is_whitespace)
    {
        bail!("`{url}` is not an http or https address");
    }
    Ok(())
}

pub(super) fn feed_command(store: &Store, action: &FeedCommand) -> Result<ExitCode> {
    match action {
        FeedCommand::Add { url, name } => {
            valid_feed_url(url)?;
            let feed = store.add_feed(url, name.as_deref())?;
            outln!("subscribed ({}): {}", feed.id, printable(&feed.url))?;
        }
        FeedCommand::List { json } => {
            let feeds = store.feeds()?;
            if *json {
                let rows: Vec<serde_json::Value> = feeds.iter().map(feed_json).collect();
                write_json(&rows)?;
            } else {
                let now = Timestamp::now();
                for f in feeds {
                    outln!(
                        "{:>4}  {}  {}  ({})",
                        f.id,
                        printable(f.name.as_deref().unwrap_or("-")),
                        printable(&f.url),
                        printable(&feed_state(&f, now))
                    )?;
                }
            }
        }
        FeedCommand::Set { feed, settings } => {
            let found = store.find_feed(feed)?;
            if let Some(refresh) = settings.refresh {
                let (every, said) = match refresh {
                    RefreshSetting::Global => (None, "as the config's `refresh` says".to_owned()),
                    RefreshSetting::Every(d) => (Some(d), format!("every {}", span(d.as_secs()))),
                };
                store
                    .set_refresh(found.id, every)
                    .with_context(|| format!("setting the refresh of {}", found.url))?;
                outln!("{}: fetched {said}", printable(&found.url))?;
            }
        }
        FeedCommand::Remove { feed } => {
            let removed = store.remove_feed(feed)?;
            outln!("unsubscribed from {}", printable(&removed.url))?;
        }
        FeedCommand::Import { file } => {
            // Read whole, like the article formats, and refused past the same size.
            let size = std::fs::metadata(file)
                .with_context(|| format!("reading {}", file.display()))?
                .len();
            if size > import::MAX_FILE_BYTES {
                bail!(
                    "{}: {size} bytes is over the {}-byte limit for a subscription list",
                    file.display(),
                    import::MAX_FILE_BYTES
                );
            }
            // Decoded as an imported file is: subscription lists exported by old readers
            // come in their own character set, or UTF-16.
            let bytes =
                std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
            let decoded = crate::domain::import::decode::decode(&bytes);
            if let Some(warning) = &decoded.warning {
                errln!("warning: {}: {}", file.display(), printable(warning));
            }
            let text = decoded.text;
            let outlines = crate::domain::opml::parse(&text)
                .with_context(|| format!("reading {}", file.display()))?;
            let mut added = 0;
            // One transaction for the whole list: 20,000 subscriptions took 3.6 s one
            // commit each.
            store.batch(|| {
                for o in &outlines {
                    if valid_feed_url(&o.url).is_err() {
                        errln!(
                            "skipped {}: not an http or https address",
                            printable(&o.url)
                        );
                        continue;
                    }
                    if store.feed_by_url(&o.url)?.is_none() {
                        store.add_feed(&o.url, o.name.as_deref())?;
                        added += 1;
                    }
                }
                Ok(())
            })?;
            outln!(
                "subscribed to {added} of {} in the file",
                count(outlines.len(), "feed", "feeds")
            )?;
        }
        FeedCommand::Export => {
            let outlines: Vec<crate::domain::opml::Outline> = store
                .feeds()?
                .into_iter()
                .map(|f| crate::domain::opml::Outline {
                    url: f.url,
                    name: f.name,
                })
                .collect();
            out!("{}", crate::domain::opml::write(&outlines))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One feed as `feed list --json` gives it.
fn feed_json(f: &Feed) -> serde_json::Value {
    serde_json::json!({
        "id": f.id,
        "url": f.url,
        "name": f.name,
        "last_fetched": rfc3339(f.last_fetched),
        "last_error": f.last_error,
        "refresh": f.refresh,
        "next_due": rfc3339(f.next_due),
        "failures": f.failures,
        "retry_after": rfc3339(f.retry_after),
    })
}

fn rfc3339(seconds: Option<i64>) -> Option<String> {
    seconds
        .and_then(|s| Timestamp::from_second(s).ok())
        .map(|t| t.to_string())
}

/// A time as the person's clock shows it, to the minute.
fn local(seconds: i64) -> String {
    match Timestamp::from_second(seconds) {
        Ok(t) => crate::domain::text::local_zone()
            .to_datetime(t)
            .strftime("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => seconds.to_string(),
    }
}

/// A number of seconds in its largest whole unit: 90s, 15m, 2h, 1d.
fn span(seconds: u64) -> String {
    match seconds {
        s if s % 86_400 == 0 && s > 0 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 && s > 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 && s > 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// What `feed list` says of a feed: how its last fetch went and when it is due.
fn feed_state(f: &Feed, now: Timestamp) -> String {
    let mut parts = vec![match (&f.last_error, f.last_fetched) {
        (Some(err), _) if f.failures > 1 => format!("failed {} times in a row: {err}", f.failures),
        (Some(err), _) => format!("failed: {err}"),
        (None, Some(_)) => "ok".to_owned(),
        (None, None) => "not fetched yet".to_owned(),
    }];
    if let Some(until) = f.retry_after.filter(|t| *t > now.as_second()) {
        parts.push(format!("the server asked to wait until {}", local(until)));
    }
    match f.next_due {
        Some(due) if due > now.as_second() => parts.push(format!("next due {}", local(due))),
        _ => parts.push("due now".to_owned()),
    }
    if let Some(refresh) = f.refresh {
        parts.push(format!("refresh {}", span(refresh.unsigned_abs())));
    }
    parts.join("; ")
}

pub(super) fn fetch(store: &mut Store, args: &FetchArgs, refresh: Duration) -> Result<ExitCode> {
    let now = Timestamp::now();
    let all = store.feeds()?;
    if all.is_empty() {
        outln!("no subscriptions yet: herald feed add URL")?;
        return Ok(ExitCode::SUCCESS);
    }
    // A feed inside its server's Retry-After is never asked, whatever the command says.
    let (held, askable): (Vec<Feed>, Vec<Feed>) = all
        .into_iter()
        .partition(|f| crate::domain::fetch::held_back(f, now));
    for f in &held {
        outln!(
            "{}: skipped: the server asked not to be asked again before {}",
            printable(f.name.as_deref().unwrap_or(&f.url)),
            local(f.retry_after.unwrap_or_default())
        )?;
    }
    let feeds = if args.due {
        store.due_feeds(now)?
    } else {
        askable
    };
    if feeds.is_empty() {
        let next = match store.next_due_at()? {
            Some(at) => format!("; the next is due at {}", local(at.as_second())),
            None => String::new(),
        };
        outln!("nothing to fetch now{next}")?;
        return Ok(ExitCode::SUCCESS);
    }
    let options = crate::domain::fetch::Options {
        jobs: usize::from(args.jobs),
        per_host: usize::from(args.per_host),
        timeout: Duration::from_secs(args.timeout),
        refresh,
        ..Default::default()
    };
    let show_progress = std::io::stderr().is_terminal();
    let reports =
        crate::domain::fetch::fetch_all(store, feeds, options, now, &mut |done, total, _| {
            if show_progress {
                let width = 30;
                let filled = done * width / total.max(1);
                let _ = write!(
                    std::io::stderr().lock(),
                    "\r[{}{}] {done}/{total} feeds",
                    "#".repeat(filled),
                    " ".repeat(width.saturating_sub(filled))
                );
            }
        });
    if show_progress {
        errln!();
    }
    let (mut new, mut updated, mut failed) = (0, 0, 0);
    for report in &reports {
        let label = printable(report.label()).into_owned();
        match &report.outcome {
            crate::domain::fetch::Outcome::NotModified => outln!("{label}: not modified")?,
            crate::domain::fetch::Outcome::Stored(c) => {
                new += c.new;
                updated += c.updated;
                outln!("{label}: {} new, {} updated", c.new, c.updated)?;
            }
            crate::domain::fetch::Outcome::Failed(reason) => {
                failed += 1;
                log::warn!("fetching {}: {reason}", report.feed.url);
                errln!("{label}: failed: {}", printable(reason));
            }
        }
    }
    outln!(
        "fetched {}: {new} new, {updated} updated, {failed} failed",
        count(reports.len(), "feed", "feeds")
    )?;
    if !held.is_empty() {
        outln!(
            "skipped {} whose server asked to wait (Retry-After)",
            count(held.len(), "feed", "feeds")
        )?;
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
