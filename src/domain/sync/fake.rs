//! A reader server in memory, for the engine's tests: feeds with folders, entries with
//! ids, read and starred state, a log of what it was asked, and hooks for what a real
//! server does wrong (refusing a subscription, a change arriving while it answers).

use std::cell::RefCell;
use std::collections::HashSet;

use anyhow::Result;

use super::miniflux::Status;
use super::server::{Budget, Mark, Server, ServerEntry, ServerFeed, Sink};
use crate::domain::model::NewArticle;

/// An entry on the fake server.
#[derive(Debug, Clone)]
pub struct FakeEntry {
    pub id: i64,
    pub feed: String,
    pub title: String,
    pub url: String,
    pub read: bool,
    pub starred: bool,
}

#[derive(Default)]
pub struct Fake {
    pub feeds: RefCell<Vec<ServerFeed>>,
    pub entries: RefCell<Vec<FakeEntry>>,
    /// What it was asked to change, in order.
    pub log: RefCell<Vec<String>>,
    /// Addresses whose subscription it refuses (400).
    pub refuse: RefCell<HashSet<String>>,
    /// One folder a feed (Miniflux's category).
    pub one_folder: bool,
    /// Entries a page.
    pub page: usize,
    /// Run once when it is next asked to set read state: a change made meanwhile.
    pub during_push: RefCell<Option<Box<dyn FnOnce()>>>,
    next_feed: RefCell<i64>,
}

impl Fake {
    pub fn new(one_folder: bool) -> Fake {
        Fake {
            one_folder,
            page: 2,
            next_feed: RefCell::new(100),
            ..Fake::default()
        }
    }

    pub fn add_feed(&self, url: &str, folders: &[&str]) -> String {
        let mut next = self.next_feed.borrow_mut();
        *next += 1;
        let id = next.to_string();
        self.feeds.borrow_mut().push(ServerFeed {
            id: id.clone(),
            url: url.into(),
            title: format!("Feed at {url}"),
            folders: folders.iter().map(|f| f.to_string()).collect(),
        });
        id
    }

    pub fn add_entry(&self, id: i64, feed: &str, title: &str, url: &str) {
        self.entries.borrow_mut().push(FakeEntry {
            id,
            feed: feed.into(),
            title: title.into(),
            url: url.into(),
            read: false,
            starred: false,
        });
    }

    pub fn entry(&self, id: i64) -> FakeEntry {
        self.entries
            .borrow()
            .iter()
            .find(|e| e.id == id)
            .cloned()
            .expect("an entry")
    }

    pub fn folders(&self, feed: &str) -> Vec<String> {
        self.feeds
            .borrow()
            .iter()
            .find(|f| f.id == feed)
            .map(|f| f.folders.clone())
            .unwrap_or_default()
    }

    fn server_entry(e: &FakeEntry) -> ServerEntry {
        ServerEntry {
            feed_id: e.feed.clone(),
            article: NewArticle {
                guid: Some(e.id.to_string()),
                title: e.title.clone(),
                url: Some(e.url.clone()),
                paragraphs: vec![format!("The text of {}.", e.title)],
                read: e.read,
                starred: e.starred,
                ..Default::default()
            },
        }
    }

    fn hand(
        &self,
        mut these: Vec<FakeEntry>,
        budget: &mut Budget,
        sink: &mut Sink<'_>,
    ) -> Result<bool> {
        these.sort_by_key(|e| e.id);
        for chunk in these.chunks(self.page.max(1)) {
            if !budget.go_on() {
                return Ok(false);
            }
            budget.take(chunk.len());
            sink(chunk.iter().map(Fake::server_entry).collect())?;
        }
        Ok(true)
    }
}

impl Server for Fake {
    fn set_read(&self, ids: &[String], read: bool) -> Result<()> {
        if let Some(hook) = self.during_push.borrow_mut().take() {
            hook();
        }
        let mut sorted = ids.to_vec();
        sorted.sort();
        self.log
            .borrow_mut()
            .push(format!("read={read} {}", sorted.join(",")));
        for e in self.entries.borrow_mut().iter_mut() {
            if ids.contains(&e.id.to_string()) {
                e.read = read;
            }
        }
        Ok(())
    }

    fn set_starred(&self, ids: &[String], starred: bool) -> Result<()> {
        let mut sorted = ids.to_vec();
        sorted.sort();
        self.log
            .borrow_mut()
            .push(format!("starred={starred} {}", sorted.join(",")));
        for e in self.entries.borrow_mut().iter_mut() {
            if ids.contains(&e.id.to_string()) {
                e.starred = starred;
            }
        }
        Ok(())
    }

    fn subscribe(&self, url: &str, folders: &[String]) -> Result<String> {
        if self.refuse.borrow().contains(url) {
            return Err(Status {
                code: 400,
                message: "unable to parse this feed".into(),
            }
            .into());
        }
        self.log.borrow_mut().push(format!("subscribe {url}"));
        let folders: Vec<&str> = folders.iter().map(String::as_str).collect();
        Ok(self.add_feed(url, &folders))
    }

    fn unsubscribe(&self, id: &str) -> Result<()> {
        self.log.borrow_mut().push(format!("unsubscribe {id}"));
        self.feeds.borrow_mut().retain(|f| f.id != id);
        Ok(())
    }

    fn rename(&self, id: &str, title: &str) -> Result<()> {
        for f in self.feeds.borrow_mut().iter_mut().filter(|f| f.id == id) {
            f.title = title.into();
        }
        Ok(())
    }

    fn set_folders(&self, id: &str, folders: &[String]) -> Result<()> {
        let folders: Vec<String> = if self.one_folder {
            folders.first().cloned().into_iter().collect()
        } else {
            folders.to_vec()
        };
        self.log
            .borrow_mut()
            .push(format!("folders {id} {}", folders.join(",")));
        for f in self.feeds.borrow_mut().iter_mut().filter(|f| f.id == id) {
            f.folders = folders.clone();
        }
        Ok(())
    }

    fn one_folder(&self) -> bool {
        self.one_folder
    }

    fn feeds(&self) -> Result<Vec<ServerFeed>> {
        Ok(self.feeds.borrow().clone())
    }

    fn pull(
        &self,
        mark: Mark,
        _known: &dyn Fn(&str) -> bool,
        budget: &mut Budget,
        sink: &mut Sink<'_>,
    ) -> Result<Mark> {
        let last = mark.last.unwrap_or(0);
        let new: Vec<FakeEntry> = self
            .entries
            .borrow()
            .iter()
            .filter(|e| e.id > last)
            .cloned()
            .collect();
        let highest = new.iter().map(|e| e.id).max();
        let complete = self.hand(new, budget, sink)?;
        Ok(Mark {
            since: mark.since,
            last: if complete {
                highest.or(mark.last)
            } else {
                mark.last
            },
        })
    }

    fn feed_entries(
        &self,
        id: &str,
        budget: &mut Budget,
        sink: &mut Sink<'_>,
    ) -> Result<Option<HashSet<String>>> {
        let these: Vec<FakeEntry> = self
            .entries
            .borrow()
            .iter()
            .filter(|e| e.feed == id)
            .cloned()
            .collect();
        let ids = these.iter().map(|e| e.id.to_string()).collect();
        Ok(self.hand(these, budget, sink)?.then_some(ids))
    }

    fn unread_ids(&self) -> Result<HashSet<String>> {
        Ok(self
            .entries
            .borrow()
            .iter()
            .filter(|e| !e.read)
            .map(|e| e.id.to_string())
            .collect())
    }

    fn starred_ids(&self) -> Result<HashSet<String>> {
        Ok(self
            .entries
            .borrow()
            .iter()
            .filter(|e| e.starred)
            .map(|e| e.id.to_string())
            .collect())
    }
}
