//! Subscribing and managing subscriptions: `feed add` with discovery, `feed set`,
//! `feed list` by tag, `feed remove` asking first.

use std::io::{BufRead, IsTerminal, Read};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use jiff::Timestamp;

use super::output::write_json;
use crate::domain::discover::{self, Candidate, Via};
use crate::domain::message::count;
use crate::domain::store::{Feed, Store, clean_tag};
use crate::domain::text::{printable, truncate};

/// An http or https address, without white space.
pub(super) fn valid_feed_url(url: &str) -> Result<()> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://"))
        || url.contains(char::is_whitespace)
    {
        bail!("`{url}` is not an http or https address");
    }
    Ok(())
}

/// `herald feed add`: the feed at `url`, or the one its page leads to.
pub(super) fn add(
    store: &Store,
    url: &str,
    name: Option<&str>,
    tags: &[String],
    (pick, no_check): (Option<u16>, bool),
    account: Option<&str>,
) -> Result<ExitCode> {
    if discover::has_scheme(url) || url.trim().is_empty() || url.contains(char::is_whitespace) {
        valid_feed_url(url)?;
    }
    let account = match account {
        Some(name) => Some(
            store
                .accounts()
                .account(name)?
                .with_context(|| format!("no account {name}; `herald account list` shows them"))?,
        ),
        None => None,
    };
    let tags: Vec<String> = tags.iter().map(|t| clean_tag(t)).collect::<Result<_>>()?;
    for address in discover::with_schemes(url) {
        if store.feeds().feed_by_url(&address)?.is_some() {
            bail!("already subscribed to {}", printable(&address));
        }
    }
    let chosen = if no_check {
        Candidate {
            url: discover::with_schemes(url).swap_remove(0),
            title: None,
            via: Via::Given,
            followed: false,
        }
    } else {
        let (answered, found) =
            discover::discover_at(url, &crate::domain::fetch::Options::default())?;
        if !discover::has_scheme(url) {
            outln!(
                "{} has no scheme: {} answered",
                printable(url),
                printable(&answered)
            )?;
        }
        match (pick, found.len()) {
            (None, 1) | (Some(1), 1) => found.into_iter().next().context("no feed found")?,
            (Some(n), total) => {
                let Some(c) = found.into_iter().nth(usize::from(n) - 1) else {
                    bail!(
                        "--pick {n}: {} names {}; nothing was subscribed",
                        printable(url),
                        count(total, "feed", "feeds")
                    );
                };
                c
            }
            (None, total) => {
                outln!("{} leads to {total} feeds:", printable(url))?;
                for (i, c) in found.iter().enumerate() {
                    let title = printable(c.title.as_deref().unwrap_or("(untitled)")).into_owned();
                    outln!("{:>3}  {}", i + 1, truncate(&title, 74))?;
                    let followed = if store.feeds().feed_by_url(&c.url)?.is_some() {
                        "  (followed)"
                    } else {
                        ""
                    };
                    outln!("     {}{followed}", truncate(&printable(&c.url), 75))?;
                }
                bail!(
                    "nothing was subscribed: run again with --pick N for the one you want \
                     (or give its address)"
                );
            }
        }
    };
    let feed = store.batch(|| {
        let feed = match &account {
            Some(account) => store
                .accounts()
                .add_account_feed(account.id, &chosen.url, name)?,
            None => store.feeds().add_feed(&chosen.url, name)?,
        };
        for tag in &tags {
            store.feeds().tag_feed(feed.id, tag)?;
        }
        Ok(feed)
    })?;
    let how = match chosen.via {
        Via::Given => "",
        Via::Link => " (named by the page)",
        Via::CommonPath => " (found at a common feed address)",
    };
    let title = name.or(chosen.title.as_deref()).unwrap_or("");
    outln!(
        "subscribed ({}): {}{}{}{how}",
        feed.id,
        printable(title),
        if title.is_empty() { "" } else { " " },
        printable(&feed.url),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `herald feed set`: every change given, in one transaction.
pub(super) fn set(
    store: &Store,
    which: &str,
    name: Option<&str>,
    tags: &[String],
    untags: &[String],
) -> Result<ExitCode> {
    if name.is_none() && tags.is_empty() && untags.is_empty() {
        bail!("nothing to change: give --name, --tag or --untag (see herald feed set --help)");
    }
    let feed = store.feeds().find_feed(which)?;
    let tags: Vec<String> = tags.iter().map(|t| clean_tag(t)).collect::<Result<_>>()?;
    let untags: Vec<String> = untags.iter().map(|t| clean_tag(t)).collect::<Result<_>>()?;
    let missing = store.batch(|| {
        if let Some(name) = name {
            store.feeds().rename_feed(feed.id, name)?;
        }
        for tag in &tags {
            store.feeds().tag_feed(feed.id, tag)?;
        }
        let mut missing = Vec::new();
        for tag in &untags {
            if !store.feeds().untag_feed(feed.id, tag)? {
                missing.push(tag.clone());
            }
        }
        Ok(missing)
    })?;
    for tag in missing {
        errln!("note: the feed had no tag {}", printable(&tag));
    }
    let feed = store.feeds().find_feed(&feed.id.to_string())?;
    let tags = store.feeds().tags_of(feed.id)?;
    outln!(
        "{:>4}  {}  tags: {}",
        feed.id,
        printable(feed.name.as_deref().unwrap_or(&feed.url)),
        if tags.is_empty() {
            "none".to_owned()
        } else {
            printable(&tags.join(", ")).into_owned()
        }
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `herald feed list`: grouped by tag (a feed in each of its tags, untagged ones last),
/// each on two lines laid out for the terminal's width (`COLUMNS`, else the terminal's,
/// else 80), a state too long to sit beside the counts below them; or JSON.
pub(super) fn list(store: &Store, json: bool) -> Result<ExitCode> {
    let feeds = store.feeds().list()?;
    let all_tags = store.feeds().all_tags()?;
    // By feed, so a list of 20,000 subscriptions is not read 20,000 times.
    let mut by_feed: std::collections::HashMap<i64, Vec<String>> = Default::default();
    for (id, tag) in &all_tags {
        by_feed.entry(*id).or_default().push(tag.clone());
    }
    let tags_of = |id: i64| -> Vec<String> { by_feed.get(&id).cloned().unwrap_or_default() };
    let index: std::collections::HashMap<i64, &Feed> = feeds.iter().map(|f| (f.id, f)).collect();
    let mut counts = std::collections::HashMap::new();
    for f in &feeds {
        counts.insert(f.id, store.feeds().feed_counts(f.id)?);
    }
    let accounts: std::collections::HashMap<i64, String> = store
        .accounts()
        .list()?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let account_of = |f: &Feed| {
        f.account_id
            .and_then(|a| accounts.get(&a))
            .map(String::as_str)
    };
    if json {
        let rows: Vec<serde_json::Value> = feeds
            .iter()
            .map(|f| {
                let c = counts.get(&f.id).copied().unwrap_or_default();
                let mut row = super::schedule::feed_json(f, account_of(f));
                if let Some(fields) = row.as_object_mut() {
                    fields.insert("tags".into(), tags_of(f.id).into());
                    fields.insert("unread".into(), c.unread.into());
                    fields.insert("total".into(), c.total.into());
                }
                row
            })
            .collect();
        write_json(&rows)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut groups: Vec<(Option<&str>, Vec<&Feed>)> = Vec::new();
    for (id, tag) in &all_tags {
        let Some(feed) = index.get(id).copied() else {
            continue;
        };
        match groups.last_mut() {
            Some((Some(t), members)) if t == tag => members.push(feed),
            _ => groups.push((Some(tag.as_str()), vec![feed])),
        }
    }
    let untagged: Vec<&Feed> = feeds
        .iter()
        .filter(|f| !by_feed.contains_key(&f.id))
        .collect();
    if !untagged.is_empty() {
        groups.push((None, untagged));
    }
    let headed = groups.iter().any(|(t, _)| t.is_some());
    let now = Timestamp::now();
    // Laid out for the terminal: the state beside the counts when it fits there, else
    // below them, wrapped, once.
    let width = super::output::terminal_width().max(60);
    let beside = width - 59;
    for (tag, members) in groups {
        if headed {
            let unread: usize = members
                .iter()
                .map(|f| counts.get(&f.id).map_or(0, |c| c.unread))
                .sum();
            let label = tag.map_or_else(|| "(no tag)".to_owned(), |t| printable(t).into_owned());
            outln!(
                "{}  ({}, {unread} unread)",
                truncate(&label, 50),
                count(members.len(), "feed", "feeds")
            )?;
        }
        for f in members {
            let c = counts.get(&f.id).copied().unwrap_or_default();
            let state = super::schedule::feed_state(f, account_of(f), now);
            let name = printable(f.name.as_deref().unwrap_or("-")).into_owned();
            let name = truncate(&name, 36);
            let pad = 36usize.saturating_sub(crate::domain::text::width(&name));
            let state = printable(&state).into_owned();
            let fits = crate::domain::text::width(&state) <= beside;
            let counts = format!("{:>6}/{:<6}", c.unread, c.total);
            outln!(
                "{}",
                format!(
                    "{:>4}  {name}{}  {counts}  {}",
                    f.id,
                    " ".repeat(pad),
                    if fits { state.as_str() } else { "" }
                )
                .trim_end()
            )?;
            let (room, mark) = if f.full_text {
                (width - 22, "  (full articles)")
            } else {
                (width - 6, "")
            };
            outln!("      {}{mark}", truncate(&printable(&f.url), room))?;
            if !fits {
                // The schedule and a whole error do not fit beside the counts: below,
                // wrapped to the width of the listing, never cut.
                let filled = crate::domain::text::fill(&[state], width - 6);
                for line in filled.lines() {
                    outln!("      {line}")?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `herald feed remove`: asks first on a terminal, unless `yes`.
pub(super) fn remove(
    store: &Store,
    which: &str,
    yes: bool,
    include_starred: bool,
) -> Result<ExitCode> {
    let feed = store.feeds().find_feed(which)?;
    let name = printable(feed.name.as_deref().unwrap_or(&feed.url)).into_owned();
    let counts = store.feeds().feed_counts(feed.id)?;
    let going = if include_starred {
        counts.total
    } else {
        counts.total - counts.starred.min(counts.total)
    };
    if !yes {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            bail!(
                "removing {name} deletes {}: add --yes to confirm \
                 (standard input is not a terminal, so herald cannot ask)",
                count(going, "article", "articles")
            );
        }
        let kept = if include_starred {
            format!("{} starred among them", counts.starred)
        } else {
            format!("{} starred kept", counts.starred)
        };
        let question = format!(
            "Remove {name} and its {} ({kept})? [y/N] ",
            count(going, "article", "articles")
        );
        if !confirm(&mut stdin.lock(), &question)? {
            outln!("nothing was removed")?;
            return Ok(ExitCode::SUCCESS);
        }
    }
    let removed = store.feeds().remove_feed(feed.id, include_starred)?;
    outln!(
        "unsubscribed from {name}: {} deleted, {} kept",
        count(removed.articles, "article", "articles"),
        count(removed.starred_kept, "starred article", "starred articles"),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Asks `question` on standard error and reads one answer line (at most 64 bytes) from
/// `input`: yes only for `y` or `yes`, in any case.
pub(super) fn confirm(input: &mut dyn BufRead, question: &str) -> Result<bool> {
    {
        use std::io::Write as _;
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "{question}");
        let _ = err.flush();
    }
    let mut line = String::new();
    input
        .take(64)
        .read_line(&mut line)
        .context("reading the answer")?;
    let answer = line.trim().to_ascii_lowercase();
    Ok(answer == "y" || answer == "yes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_yes_confirms() {
        for (typed, yes) in [
            ("y\n", true),
            ("YES\n", true),
            (" y \n", true),
            ("\n", false),
            ("", false),
            ("no\n", false),
            ("yes please\n", false),
        ] {
            assert_eq!(
                confirm(&mut typed.as_bytes(), "?").unwrap(),
                yes,
                "{typed:?}"
            );
        }
        let endless = "y".repeat(1_000_000);
        assert!(!confirm(&mut endless.as_bytes(), "?").unwrap());
    }
}
