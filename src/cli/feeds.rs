//! The feed commands: subscriptions, OPML, fetching, and moving in from newsboat.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use jiff::Timestamp;

use std::time::Duration;

use super::args::{FeedCommand, FetchArgs, RefreshSetting};
use super::schedule::local;
use crate::domain::import;
use crate::domain::message::count;
use crate::domain::store::Store;
use crate::domain::text::printable;

/// Moves a newsboat cache in: its subscriptions, then its articles a batch at a time, so
/// a cache of any size fits in memory. A row that cannot be read is reported by its id and
/// the rest go on; the exit status is then a failure, as for an import with a bad file.
pub(super) fn from_newsboat_cache(store: &mut Store, cache: &std::path::Path) -> Result<ExitCode> {
    let source = import::newsboat::Cache::open(cache)?;
    let mut feeds = source.feeds()?;
    if let Some(urls) = import::newsboat::urls_file_for(cache) {
        with_urls_file(&mut feeds, &urls)?;
    }
    let mut added = 0;
    store.batch(|| {
        for feed in &feeds {
            let id = match store.feeds().feed_by_url(&feed.url)? {
                Some(known) => known.id,
                None => {
                    added += 1;
                    store.feeds().add_feed(&feed.url, feed.name.as_deref())?.id
                }
            };
            for tag in &feed.tags {
                if let Err(err) = store.feeds().tag_feed(id, tag) {
                    errln!("{}: tag left out: {err:#}", printable(&feed.url));
                }
            }
        }
        Ok(())
    })?;
    let now = Timestamp::now();
    let mut counts = crate::domain::store::UpsertCounts::default();
    // Each article joins its feed, so that fetching the feed later updates it instead of
    // storing it again; a batch is one transaction.
    let subscribed: std::collections::HashMap<String, crate::domain::store::Feed> = store
        .feeds()
        .list()?
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
                    let c = store
                        .feeds()
                        .upsert(subscribed.get(feed_url), &articles, now)?;
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

/// Takes the tags and names (`~Name`) of newsboat's `urls` file into `feeds`; a feed
/// listed there but not in the cache joins them.
fn with_urls_file(
    feeds: &mut Vec<crate::domain::opml::Outline>,
    urls: &std::path::Path,
) -> Result<()> {
    let size = std::fs::metadata(urls)
        .with_context(|| format!("reading {}", urls.display()))?
        .len();
    if size > import::MAX_FILE_BYTES {
        errln!(
            "warning: {}: {size} bytes is over the {}-byte limit; its tags were left out",
            urls.display(),
            import::MAX_FILE_BYTES
        );
        return Ok(());
    }
    let bytes = std::fs::read(urls).with_context(|| format!("reading {}", urls.display()))?;
    let lines = import::newsboat::parse_urls(&import::decode::decode(&bytes).text);
    let mut at: std::collections::HashMap<String, usize> = feeds
        .iter()
        .enumerate()
        .map(|(i, f)| (f.url.clone(), i))
        .collect();
    for line in lines {
        match at.get(&line.url) {
            Some(&i) => {
                if line.name.is_some() {
                    feeds[i].name = line.name;
                }
                feeds[i].tags = line.tags;
            }
            None => {
                at.insert(line.url.clone(), feeds.len());
                feeds.push(crate::domain::opml::Outline {
                    url: line.url,
                    name: line.name,
                    tags: line.tags,
                });
            }
        }
    }
    outln!(
        "newsboat: tags and names from {}",
        printable(&urls.display().to_string())
    )?;
    Ok(())
}

pub(super) fn feed_command(store: &Store, action: &FeedCommand) -> Result<ExitCode> {
    match action {
        FeedCommand::Add {
            url,
            name,
            tags,
            pick,
            no_check,
            account,
        } => {
            return super::subscribe::add(
                store,
                url,
                name.as_deref(),
                tags,
                (*pick, *no_check),
                account.as_deref(),
            );
        }
        FeedCommand::Set { feed, settings } => {
            let found = store.feeds().find_feed(feed)?;
            if settings.name.is_some() || !settings.tags.is_empty() || !settings.untags.is_empty() {
                super::subscribe::set(
                    store,
                    feed,
                    settings.name.as_deref(),
                    &settings.tags,
                    &settings.untags,
                )?;
            }
            if let Some(refresh) = settings.refresh {
                let (every, said) = match refresh {
                    RefreshSetting::Global => (None, "as the config's `refresh` says".to_owned()),
                    RefreshSetting::Every(d) => (
                        Some(d),
                        format!("every {}", super::schedule::span(d.as_secs())),
                    ),
                };
                store
                    .feeds()
                    .set_refresh(found.id, every)
                    .with_context(|| format!("setting the refresh of {}", found.url))?;
                outln!("{}: fetched {said}", printable(&found.url))?;
            }
            if let Some(on) = settings.full_text {
                store
                    .feeds()
                    .set_full_text(found.id, on)
                    .with_context(|| format!("setting full articles for {}", found.url))?;
                let said = if on {
                    "each new item's full article is fetched from the next fetch on"
                } else {
                    "full articles are no longer fetched"
                };
                outln!("{}: {said}", printable(&found.url))?;
            }
            if settings.keep_days.is_some() || settings.max_items.is_some() {
                store
                    .feeds()
                    .set_feed_retention(found.id, settings.keep_days, settings.max_items)
                    .with_context(|| format!("setting how long {} is kept", found.url))?;
                let (days, items) = store.feeds().feed_retention(found.id)?;
                let say = |limit: Option<u32>, unit: &str, none: &str| match limit {
                    None => "as the config's [retention] says".to_owned(),
                    Some(0) => none.to_owned(),
                    Some(n) => format!("{n} {unit}"),
                };
                outln!(
                    "{}: kept {}, at most {}; starred articles always",
                    printable(&found.url),
                    say(days, "days", "forever"),
                    say(items, "articles", "every article"),
                )?;
            }
        }
        FeedCommand::List { json } => return super::subscribe::list(store, *json),
        FeedCommand::Remove {
            feed,
            yes,
            include_starred,
        } => return super::subscribe::remove(store, feed, *yes, *include_starred),
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
                    if super::subscribe::valid_feed_url(&o.url).is_err() {
                        errln!(
                            "skipped {}: not an http or https address",
                            printable(&o.url)
                        );
                        continue;
                    }
                    // A feed in several folders is listed once in each: its tags add up.
                    let feed = match store.feeds().feed_by_url(&o.url)? {
                        Some(feed) => feed,
                        None => {
                            added += 1;
                            store.feeds().add_feed(&o.url, o.name.as_deref())?
                        }
                    };
                    for tag in &o.tags {
                        if let Err(err) = store.feeds().tag_feed(feed.id, tag) {
                            errln!("{}: tag left out: {err:#}", printable(&o.url));
                        }
                    }
                }
                Ok(())
            })?;
            let mut distinct: Vec<&str> = outlines.iter().map(|o| o.url.as_str()).collect();
            distinct.sort_unstable();
            distinct.dedup();
            outln!(
                "subscribed to {added} of {} in the file",
                count(distinct.len(), "feed", "feeds")
            )?;
        }
        FeedCommand::Export => {
            let mut tags: std::collections::HashMap<i64, Vec<String>> = Default::default();
            for (id, tag) in store.feeds().all_tags()? {
                tags.entry(id).or_default().push(tag);
            }
            let outlines: Vec<crate::domain::opml::Outline> = store
                .feeds()
                .list()?
                .into_iter()
                .map(|f| crate::domain::opml::Outline {
                    tags: tags.remove(&f.id).unwrap_or_default(),
                    url: f.url,
                    name: f.name,
                })
                .collect();
            out!("{}", crate::domain::opml::write(&outlines))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `herald fetch`: the one refresh (domain/refresh.rs) of every feed and account, or of
/// those due, with a line for each feed and account.
pub(super) fn fetch(
    store: &mut Store,
    args: &FetchArgs,
    config: &super::config::Config,
) -> Result<ExitCode> {
    use crate::domain::refresh::{Accounts, Feeds, Plan, Progress, refresh};
    if args.quiet {
        super::errors::set_quiet();
    }
    if store.feeds().list()?.is_empty() && store.accounts().list()?.is_empty() {
        outln!("no subscriptions yet: herald feed add URL")?;
        return Ok(ExitCode::SUCCESS);
    }
    let plan = Plan {
        feeds: if args.due { Feeds::Due } else { Feeds::All },
        accounts: if args.due {
            Accounts::Due
        } else {
            Accounts::All
        },
        options: crate::domain::fetch::Options {
            jobs: usize::from(args.jobs),
            per_host: usize::from(args.per_host),
            timeout: Duration::from_secs(args.timeout),
            refresh: config.refresh.0,
            retention: config.retention.limits(),
            ..Default::default()
        },
        after_fetch: config.after_fetch.clone(),
        pictures: config.keep_pictures(),
    };
    let show_progress = std::io::stderr().is_terminal() && !args.quiet;
    let mut drew = false;
    let summary = refresh(store, &plan, &mut |step| {
        if !show_progress {
            return;
        }
        drew = true;
        let line = match step {
            Progress::Feeds { done, total } => {
                let width = 30;
                let filled = done * width / total.max(1);
                format!(
                    "[{}{}] {done}/{total} feeds",
                    "#".repeat(filled),
                    " ".repeat(width.saturating_sub(filled))
                )
            }
            Progress::Account { done, total } => format!("{done}/{total} accounts synced"),
            Progress::Pages { done, total } => format!("{done}/{total} full articles"),
        };
        let _ = write!(std::io::stderr().lock(), "\r{line:<60}");
    });
    if drew {
        errln!();
    }
    // A feed inside its server's Retry-After is never asked: said on stderr, so that a
    // cron job mails nobody while the wait lasts.
    for f in summary.held.iter().filter(|_| !args.quiet) {
        errln!(
            "{}: skipped: the server asked not to be asked again before {}",
            printable(f.name.as_deref().unwrap_or(&f.url)),
            local(f.retry_after.unwrap_or_default())
        );
    }
    let mut failed = 0;
    for report in &summary.feeds {
        let label = printable(report.label()).into_owned();
        match &report.outcome {
            crate::domain::fetch::Outcome::NotModified => outln!("{label}: not modified")?,
            crate::domain::fetch::Outcome::Stored(c) => {
                outln!("{label}: {} new, {} updated", c.new, c.updated)?;
            }
            crate::domain::fetch::Outcome::Failed(reason) => {
                failed += 1;
                log::warn!("fetching {}: {reason}", report.feed.url);
                errln!("{label}: failed: {}", printable(reason));
            }
        }
    }
    if summary.feeds.is_empty() && summary.accounts.is_empty() {
        let next = match store.feeds().next_due_at()? {
            Some(at) => format!("; the next is due at {}", local(at.as_second())),
            None => String::new(),
        };
        outln!("nothing to fetch now{next}")?;
    } else if !summary.feeds.is_empty() {
        let (new, updated) = summary
            .feeds
            .iter()
            .map(|r| r.stored())
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        outln!(
            "fetched {}: {new} new, {updated} updated, {failed} failed",
            count(summary.feeds.len(), "feed", "feeds")
        )?;
    }
    let accounts_failed = super::refreshed::print_accounts(&summary)?;
    super::refreshed::print_pages(&summary)?;
    let rest_failed = super::refreshed::print_rest(&summary)?;
    if !summary.held.is_empty() && !args.quiet {
        errln!(
            "skipped {} whose server asked to wait (Retry-After)",
            count(summary.held.len(), "feed", "feeds")
        );
    }
    Ok(if failed == 0 && !accounts_failed && !rest_failed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
