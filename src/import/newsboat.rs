//! Moving in from newsboat: its `cache.db` holds the subscriptions (`rss_feed`) and every
//! article (`rss_item`) with HTML bodies and read and flagged state.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use rusqlite::{Connection, OpenFlags};

use super::{clean, html};
use crate::model::{NewArticle, Published};
use crate::opml::Outline;

pub struct Migration {
    pub feeds: Vec<Outline>,
    pub articles: Vec<NewArticle>,
}

/// Reads a newsboat cache without changing it.
pub fn read(path: &Path) -> Result<Migration> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("opening the newsboat cache {}", path.display()))?;
    let not_newsboat = || {
        format!(
            "{} is not a newsboat cache (no rss_feed and rss_item tables)",
            path.display()
        )
    };
    let mut feeds_stmt = conn
        .prepare("SELECT rssurl, title FROM rss_feed")
        .with_context(not_newsboat)?;
    let feeds: Vec<Outline> = feeds_stmt
        .query_map([], |r| {
            Ok(Outline {
                url: r.get(0)?,
                name: r
                    .get::<_, Option<String>>(1)?
                    .map(|t| clean(&t))
                    .filter(|t| !t.is_empty()),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let names: HashMap<String, String> = feeds
        .iter()
        .filter_map(|f| f.name.clone().map(|n| (f.url.clone(), n)))
        .collect();
    let mut items = conn
        .prepare(
            "SELECT guid, title, author, url, feedurl, pubDate, content, unread, flags
             FROM rss_item WHERE deleted = 0 ORDER BY id",
        )
        .with_context(not_newsboat)?;
    let articles = items
        .query_map([], |r| {
            let feed_url: String = r.get(4)?;
            let content: Option<String> = r.get(6)?;
            let flags: Option<String> = r.get(8)?;
            let author: Option<String> = r.get(2)?;
            let published: Option<i64> = r.get(5)?;
            Ok(NewArticle {
                guid: r.get::<_, Option<String>>(0)?.filter(|g| !g.is_empty()),
                source: names.get(&feed_url).cloned().unwrap_or(feed_url),
                title: clean(&r.get::<_, Option<String>>(1)?.unwrap_or_default()),
                authors: author
                    .map(|a| clean(&a))
                    .filter(|a| !a.is_empty())
                    .into_iter()
                    .collect(),
                published: published
                    .filter(|s| *s > 0)
                    .and_then(|s| jiff::Timestamp::from_second(s).ok())
                    .map(|instant| Published {
                        instant,
                        offset: Some(jiff::tz::Offset::UTC),
                    }),
                url: r.get::<_, Option<String>>(3)?.filter(|u| !u.is_empty()),
                summary: None,
                paragraphs: html::to_text(&content.unwrap_or_default()).paragraphs,
                read: r.get::<_, i64>(7)? == 0,
                starred: flags.is_some_and(|f| !f.trim().is_empty()),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .filter(|a| !a.title.is_empty() || !a.paragraphs.is_empty())
        .map(|mut a| {
            if a.title.is_empty() {
                a.title = a.paragraphs[0].chars().take(80).collect();
            }
            a
        })
        .collect();
    Ok(Migration { feeds, articles })
}
