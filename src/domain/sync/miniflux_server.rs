//! Miniflux's REST API as a [`Server`]: a category is a folder; new entries are pulled
//! by id after the last one seen, changed ones by `changed_after` below it.

use std::cell::RefCell;
use std::collections::HashSet;

use anyhow::{Context, Result, bail};

use super::entry;
use super::miniflux::{self, Category, Client, PAGE};
use super::server::{Mark, Server, ServerEntry, ServerFeed};

/// A Miniflux account's server, with its categories once asked for.
pub struct Miniflux {
    client: Client,
    categories: RefCell<Option<Vec<Category>>>,
}

impl Miniflux {
    pub fn new(client: Client) -> Miniflux {
        Miniflux {
            client,
            categories: RefCell::new(None),
        }
    }

    /// The category titled `title` (made when the server has none), or the first one.
    fn category(&self, title: Option<&str>) -> Result<i64> {
        let mut cache = self.categories.borrow_mut();
        let all = match &mut *cache {
            Some(all) => all,
            None => cache.insert(self.client.categories()?),
        };
        let Some(title) = title else {
            return Ok(all.first().map_or(0, |c| c.id));
        };
        if let Some(found) = all.iter().find(|c| c.title == title) {
            return Ok(found.id);
        }
        let made = self.client.create_category(title)?;
        all.push(made.clone());
        Ok(made.id)
    }

    /// Every page of `(changed_after, after_id, before_id)`.
    fn pages(
        &self,
        (since, mut after_id, before): (i64, i64, Option<i64>),
        mark: &mut Mark,
        left: &mut Option<i64>,
        store: &mut dyn FnMut(Vec<ServerEntry>) -> Result<Vec<String>>,
    ) -> Result<()> {
        for _ in 0..miniflux::MAX_IDS / PAGE {
            let page = self.client.changed_entries(since, after_id, before)?;
            let count = page.entries.len();
            let mut entries = Vec::with_capacity(count);
            for e in &page.entries {
                after_id = after_id.max(e.id);
                mark.last = Some(mark.last.unwrap_or(0).max(e.id));
                if let Some(at) = entry::changed_at(e) {
                    mark.since = Some(mark.since.unwrap_or(0).max(at));
                }
                entries.push(ServerEntry {
                    feed_id: e.feed_id.to_string(),
                    article: entry::article(e, ""),
                });
            }
            for id in store(entries)? {
                if let Ok(id) = id.parse::<i64>() {
                    *left = Some(left.map_or(id, |l| l.min(id)));
                }
            }
            if count < PAGE {
                return Ok(());
            }
        }
        bail!(
            "the server has more than {} changed entries",
            miniflux::MAX_IDS
        )
    }
}

/// Entry ids as Miniflux's numbers; one that is not a number was never Miniflux's.
fn numbers(ids: &[String]) -> Vec<i64> {
    ids.iter().filter_map(|i| i.parse().ok()).collect()
}

fn feed_number(id: &str) -> Result<i64> {
    id.parse()
        .with_context(|| format!("`{id}` is not a Miniflux feed id"))
}

impl Server for Miniflux {
    fn set_read(&self, ids: &[String], read: bool) -> Result<()> {
        self.client.set_read(&numbers(ids), read)
    }

    fn set_starred(&self, ids: &[String], starred: bool) -> Result<()> {
        self.client.set_starred(&numbers(ids), starred)
    }

    fn subscribe(&self, url: &str, folder: Option<&str>) -> Result<String> {
        let category = self.category(folder)?;
        match self.client.create_feed(url, category) {
            Ok(id) => Ok(id.to_string()),
            Err(err) if miniflux::is_status(&err, 400) => {
                // Already there (subscribed on another device): adopt it.
                match self.client.feeds()?.into_iter().find(|f| f.feed_url == url) {
                    Some(found) => Ok(found.id.to_string()),
                    None => Err(err),
                }
            }
            Err(err) => Err(err),
        }
    }

    fn unsubscribe(&self, id: &str) -> Result<()> {
        self.client.delete_feed(feed_number(id)?)
    }

    fn rename(&self, id: &str, title: &str) -> Result<()> {
        self.client.update_feed(feed_number(id)?, Some(title), None)
    }

    fn move_to(&self, id: &str, folder: Option<&str>) -> Result<()> {
        let category = self.category(folder)?;
        self.client
            .update_feed(feed_number(id)?, None, Some(category))
    }

    fn feeds(&self) -> Result<Vec<ServerFeed>> {
        Ok(self
            .client
            .feeds()?
            .into_iter()
            .map(|f| ServerFeed {
                id: f.id.to_string(),
                url: f.feed_url,
                title: f.title,
                folder: f.category.map(|c| c.title).filter(|t| t != "All"),
            })
            .collect())
    }

    fn pull(
        &self,
        mark: Mark,
        _known: &dyn Fn(&str) -> bool,
        store: &mut dyn FnMut(Vec<ServerEntry>) -> Result<Vec<String>>,
    ) -> Result<Mark> {
        let last = mark.last.unwrap_or(0);
        let mut next = mark;
        let mut left = None;
        // New entries by id, then (after a first sync) the older ones changed since the
        // last sync. changed_after is strict: an entry changed in the same second as the
        // newest one seen, after this pull read it, has its read and starred state
        // brought by the reconciliation; only a change of its text waits for its next
        // change.
        self.pages((0, last, None), &mut next, &mut left, store)?;
        if let Some(since) = mark.since {
            self.pages((since, 0, Some(last + 1)), &mut next, &mut left, store)?;
        }
        // An entry left for want of its feed is asked for again next time.
        if let Some(left) = left {
            next.last = Some(next.last.unwrap_or(0).min(left - 1));
        }
        Ok(next)
    }

    fn unread_ids(&self) -> Result<HashSet<String>> {
        let ids = self.client.ids("status=unread")?;
        Ok(ids.into_iter().map(|i| i.to_string()).collect())
    }

    fn starred_ids(&self) -> Result<HashSet<String>> {
        let ids = self.client.ids("starred=true")?;
        Ok(ids.into_iter().map(|i| i.to_string()).collect())
    }
}
