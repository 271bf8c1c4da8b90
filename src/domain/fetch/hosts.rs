//! The queue of feeds to fetch, handed out so that no host has more than its share of
//! requests at once. A host is the address's host name, lowercased, without the port:
//! what one operator usually runs. A worker never waits for a busy host while another
//! host has feeds queued; it waits only when every queued feed's host is at its limit.

use std::collections::{HashMap, VecDeque};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::domain::store::Feed;

/// The host name `url` names, lowercased; the whole url when it names none.
pub fn host_of(url: &str) -> String {
    url.parse::<ureq::http::Uri>()
        .ok()
        .and_then(|uri| uri.host().map(str::to_ascii_lowercase))
        .unwrap_or_else(|| url.to_owned())
}

/// What the queue hands out: anything with an address (a feed, an article's page).
pub(super) trait Addressed {
    fn address(&self) -> &str;
}

impl Addressed for Feed {
    fn address(&self) -> &str {
        &self.url
    }
}

pub(super) struct Queue<T = Feed> {
    state: Mutex<State<T>>,
    changed: Condvar,
    per_host: usize,
}

struct State<T> {
    /// Hosts in turn, each with its queued feeds; a host leaves when it has none left.
    hosts: VecDeque<(String, VecDeque<T>)>,
    /// Requests under way, by host.
    busy: HashMap<String, usize>,
    /// Hosts looked at by every `take` so far: what the linear-time test counts.
    #[cfg(test)]
    looked_at: usize,
}

impl<T: Addressed> Queue<T> {
    pub(super) fn new(feeds: Vec<T>, per_host: usize) -> Queue<T> {
        let mut hosts: VecDeque<(String, VecDeque<T>)> = VecDeque::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for feed in feeds {
            let host = host_of(feed.address());
            match index.get(&host) {
                Some(&i) => hosts[i].1.push_back(feed),
                None => {
                    index.insert(host.clone(), hosts.len());
                    hosts.push_back((host, VecDeque::from([feed])));
                }
            }
        }
        Queue {
            state: Mutex::new(State {
                hosts,
                busy: HashMap::new(),
                #[cfg(test)]
                looked_at: 0,
            }),
            changed: Condvar::new(),
            per_host: per_host.max(1),
        }
    }

    /// The next feed whose host has room, and its host; waits while every queued feed's
    /// host is full. `None` when the queue is empty (or broken by a panicked worker).
    /// Hosts take turns, and at most `jobs` of them are busy, so finding one with room
    /// looks at no more than `jobs + 1` hosts.
    pub(super) fn take(&self) -> Option<(T, String)> {
        let mut state = self.state.lock().ok()?;
        loop {
            if state.hosts.is_empty() {
                return None;
            }
            let per_host = self.per_host;
            let State { hosts, busy, .. } = &mut *state;
            let free = hosts
                .iter()
                .position(|(host, _)| busy.get(host).copied().unwrap_or(0) < per_host);
            #[cfg(test)]
            {
                state.looked_at += free.map_or(state.hosts.len(), |i| i + 1);
            }
            let State { hosts, busy, .. } = &mut *state;
            if let Some(i) = free {
                let (host, mut feeds) = hosts.remove(i)?;
                let feed = feeds.pop_front()?;
                *busy.entry(host.clone()).or_default() += 1;
                if !feeds.is_empty() {
                    hosts.push_back((host.clone(), feeds));
                }
                return Some((feed, host));
            }
            state = self.changed.wait(state).ok()?;
        }
    }

    /// A request to `host` has finished.
    pub(super) fn done(&self, host: &str) {
        if let Ok(mut state) = self.state.lock()
            && let Some(n) = state.busy.get_mut(host)
        {
            *n = n.saturating_sub(1);
        }
        self.changed.notify_all();
    }
}

/// A request under way to one host: its slot is given back when this is dropped.
pub(super) struct Slot<'a, T: Addressed = Feed> {
    queue: &'a Queue<T>,
    host: String,
}

impl<'a, T: Addressed> Slot<'a, T> {
    pub(super) fn new(queue: &'a Queue<T>, host: String) -> Slot<'a, T> {
        Slot { queue, host }
    }

    /// The host this request goes to.
    pub(super) fn host(&self) -> &str {
        &self.host
    }
}

impl<T: Addressed> Drop for Slot<'_, T> {
    fn drop(&mut self) {
        self.queue.done(&self.host);
    }
}

/// The workers that fetch a run's addresses: feeds, pages and pictures alike. Each takes
/// the next item whose host has room from one [`Queue`] and hands it to `work` with its
/// host's [`Slot`]; `work` drops the slot when the network part is done (so parsing
/// does not hold a host's turn), and its answer comes back on `results`, in the order
/// the answers are ready.
pub(super) struct Pool<T, R> {
    pub(super) results: Receiver<(T, R)>,
    workers: Vec<JoinHandle<()>>,
}

impl<T, R> Pool<T, R>
where
    T: Addressed + Send + 'static,
    R: Send + 'static,
{
    /// Starts `workers` threads (at least one, never more than the items) on `items`,
    /// `per_host` at once to a host.
    pub(super) fn start<W>(items: Vec<T>, per_host: usize, workers: usize, work: W) -> Pool<T, R>
    where
        W: Fn(&T, Slot<'_, T>) -> R + Send + Sync + 'static,
    {
        let count = workers.max(1).min(items.len().max(1));
        let queue = Arc::new(Queue::new(items, per_host));
        let work = Arc::new(work);
        let (sender, results) = channel();
        let workers = (0..count)
            .map(|_| {
                let (queue, work, sender) = (Arc::clone(&queue), Arc::clone(&work), sender.clone());
                std::thread::spawn(move || {
                    while let Some((item, host)) = queue.take() {
                        // The slot is given back however the work ends, a panic included.
                        let answer = work(&item, Slot::new(&queue, host));
                        if sender.send((item, answer)).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        Pool { results, workers }
    }

    /// Waits for the workers to end (every answer having been taken, or none wanted).
    pub(super) fn finish(self) {
        drop(self.results);
        for worker in self.workers {
            let _ = worker.join();
        }
    }
}

/// The hosts that answered 429 or 503 with Retry-After in this run, and how long they
/// asked herald to wait: nothing more is asked of them in the run.
#[derive(Default)]
pub(super) struct Refusals(Mutex<HashMap<String, Duration>>);

impl Refusals {
    /// How long `host` asked to wait, if it did.
    pub(super) fn wait_for(&self, host: &str) -> Option<Duration> {
        self.0.lock().ok().and_then(|r| r.get(host).copied())
    }

    pub(super) fn note(&self, host: &str, wait: Duration) {
        if let Ok(mut refused) = self.0.lock() {
            refused.insert(host.to_owned(), wait);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(url: &str) -> Feed {
        Feed {
            id: 0,
            url: url.into(),
            name: None,
            etag: None,
            last_modified: None,
            last_fetched: None,
            last_error: None,
            refresh: None,
            next_due: None,
            failures: 0,
            retry_after: None,
            full_text: false,
            account_id: None,
            left_at: None,
        }
    }

    #[test]
    fn hosts_are_names_without_port_or_case() {
        assert_eq!(host_of("https://News.Example:8443/rss"), "news.example");
        assert_eq!(host_of("http://127.0.0.1:9/feed"), "127.0.0.1");
        assert_eq!(host_of("not a url"), "not a url");
    }

    #[test]
    fn a_full_host_lets_another_host_go_first() {
        let queue = Queue::new(
            vec![
                feed("https://a.example/1"),
                feed("https://a.example/2"),
                feed("https://a.example/3"),
                feed("https://b.example/1"),
            ],
            2,
        );
        let hosts: Vec<String> = (0..3)
            .filter_map(|_| queue.take())
            .map(|(_, h)| h)
            .collect();
        assert_eq!(hosts, ["a.example", "b.example", "a.example"]);
        // a.example is full and b.example is done: the last one waits for a slot.
        queue.done("a.example");
        let (last, _) = queue.take().unwrap();
        assert_eq!(last.url, "https://a.example/3");
        assert!(queue.take().is_none());
    }

    /// Taking a feed looks at no more hosts than are busy, plus one: 100,000 feeds on one
    /// host, or each on its own, are handed out in linear time. Counted, not timed: the
    /// time depends on the machine's load (the test once took more than 5 s under a
    /// parallel build).
    #[test]
    fn a_hundred_thousand_feeds_are_handed_out_in_linear_time() {
        for one_host in [true, false] {
            let feeds: Vec<Feed> = (0..100_000)
                .map(|i| match one_host {
                    true => feed(&format!("https://one.example/{i}")),
                    false => feed(&format!("https://h{i}.example/rss")),
                })
                .collect();
            let queue = Queue::new(feeds, 2);
            let mut taken = 0;
            let mut held = Vec::new();
            while let Some((_, host)) = queue.take() {
                taken += 1;
                held.push(host);
                // Eight requests under way at a time, the oldest finishing first.
                if held.len() == 8 || (one_host && held.len() == 2) {
                    queue.done(&held.remove(0));
                }
            }
            assert_eq!(taken, 100_000);
            // At most 8 hosts busy: a take looks at no more than 9.
            let looked_at = queue.state.lock().unwrap().looked_at;
            assert!(
                looked_at <= 9 * taken,
                "{looked_at} hosts looked at, one host: {one_host}"
            );
        }
    }
}
