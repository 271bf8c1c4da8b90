//! Miniflux's REST API (`/v1/...`), the calls a sync makes: who am I, feeds and
//! categories, subscribing and changing feeds, setting entries' status and star (the
//! idempotent form: a retry sets the same state again, it never flips it), entries
//! changed since a time, and the ID lists of unread and starred entries. Every answer is
//! read with a cap on its size, every request with a time limit.

use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::domain::fetch::USER_AGENT;
use crate::domain::store::Account;

/// The most entries one page asks for (Miniflux's own maximum is 1,000).
pub const PAGE: usize = 250;
/// The most ids one status or star change sends.
pub const BATCH: usize = 1000;
/// The most ids one page of an ID list holds (Miniflux's maximum).
const ID_PAGE: usize = 10_000;
/// Caps on answers, in bytes after decompression: a page of entries, anything else.
pub const MAX_PAGE_BYTES: u64 = 64 * 1024 * 1024;
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;
/// The most ids an ID list may hold, and feeds or categories an account may have.
pub const MAX_IDS: usize = 2_000_000;
pub const MAX_FEEDS: usize = 20_000;

/// A Miniflux server, as one account.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    auth: (&'static str, String),
}

/// The server's answer was an HTTP error.
#[derive(Debug)]
pub struct Status {
    pub code: u16,
    pub message: String,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.code {
            401 | 403 => write!(
                f,
                "the server refused the user and secret (HTTP {}); check the account's --user \
                 and the password or API token its secret gives",
                self.code
            ),
            _ if self.message.is_empty() => write!(f, "the server answered HTTP {}", self.code),
            _ => write!(
                f,
                "the server answered HTTP {}: {}",
                self.code, self.message
            ),
        }
    }
}

impl std::error::Error for Status {}

#[derive(Debug, Clone, Deserialize)]
pub struct Category {
    pub id: i64,
    pub title: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RemoteFeed {
    pub id: i64,
    pub feed_url: String,
    pub title: String,
    pub category: Option<Category>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    pub id: i64,
    pub feed_id: i64,
    pub status: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub content: String,
    pub published_at: Option<String>,
    pub changed_at: Option<String>,
    #[serde(default)]
    pub starred: bool,
    /// Podcasts, videos, images attached to the entry (null when none).
    #[serde(default)]
    pub enclosures: Option<Vec<RemoteEnclosure>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RemoteEnclosure {
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub mime_type: String,
    #[serde(default)]
    pub size: i64,
}

#[derive(Debug, Deserialize)]
pub struct Entries {
    pub total: i64,
    pub entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct Ids {
    total: i64,
    entry_ids: Vec<i64>,
}

impl Client {
    pub fn new(account: &Account, secret: String, timeout: Duration) -> Client {
        use base64::Engine;
        let auth = match &account.user {
            Some(user) => (
                "Authorization",
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"))
                ),
            ),
            None => ("X-Auth-Token", secret),
        };
        Client {
            agent: ureq::Agent::config_builder()
                .timeout_global(Some(timeout))
                .http_status_as_error(false)
                .max_redirects(0)
                .user_agent(USER_AGENT)
                .build()
                .into(),
            base: account.url.trim_end_matches('/').to_owned(),
            auth,
        }
    }

    /// Sends one request; the answer's body when it is a success, capped at `limit`.
    fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
        limit: u64,
    ) -> Result<Vec<u8>> {
        let url = format!("{}{path}", self.base);
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(&url)
            .header(self.auth.0, &self.auth.1)
            .header("Accept", "application/json");
        let sent = match body {
            Some(json) => {
                let request = request
                    .header("Content-Type", "application/json")
                    .body(serde_json::to_vec(&json)?)?;
                self.agent.run(request)
            }
            None => self.agent.run(request.body(())?),
        };
        let mut response = sent.map_err(|err| anyhow!("{method} {url}: {err}"))?;
        let code = response.status().as_u16();
        if (300..400).contains(&code) {
            let to = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(|v| {
                    crate::domain::text::printable(v)
                        .chars()
                        .take(300)
                        .collect()
                })
                .unwrap_or_else(|| "elsewhere".to_owned());
            bail!(
                "{method} {url}: the server redirects (HTTP {code}) to {to}; give the account \
                 the address it redirects to (`herald account remove` it, then add it again)"
            );
        }
        let bytes = super::server::read_capped(&mut response, limit, method, &url)?;
        if !(200..300).contains(&code) {
            let message = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v["error_message"].as_str().map(str::to_owned))
                .unwrap_or_default();
            let message: String = message.chars().take(300).collect();
            return Err(Status { code, message }).with_context(|| format!("{method} {url}"));
        }
        Ok(bytes)
    }

    fn get<T: DeserializeOwned>(&self, path: &str, limit: u64) -> Result<T> {
        let bytes = self.call("GET", path, None, limit)?;
        serde_json::from_slice(&bytes)
            .with_context(|| format!("GET {}{path}: not the JSON Miniflux answers", self.base))
    }

    /// Checks the address and the credentials.
    pub fn me(&self) -> Result<()> {
        let _: serde_json::Value = self.get("/v1/me", MAX_BYTES)?;
        Ok(())
    }

    pub fn categories(&self) -> Result<Vec<Category>> {
        let all: Vec<Category> = self.get("/v1/categories", MAX_BYTES)?;
        if all.len() > MAX_FEEDS {
            bail!("the server lists more than {MAX_FEEDS} categories");
        }
        Ok(all)
    }

    pub fn create_category(&self, title: &str) -> Result<Category> {
        let bytes = self.call(
            "POST",
            "/v1/categories",
            Some(serde_json::json!({ "title": title })),
            MAX_BYTES,
        )?;
        Ok(serde_json::from_slice(&bytes)?)
    }

    pub fn feeds(&self) -> Result<Vec<RemoteFeed>> {
        let all: Vec<RemoteFeed> = self.get("/v1/feeds", MAX_BYTES)?;
        if all.len() > MAX_FEEDS {
            bail!("the server lists more than {MAX_FEEDS} feeds");
        }
        Ok(all)
    }

    /// Subscribes; the new feed's id. `category` 0 is the user's first category.
    pub fn create_feed(&self, url: &str, category: i64) -> Result<i64> {
        #[derive(Deserialize)]
        struct Created {
            feed_id: i64,
        }
        let bytes = self.call(
            "POST",
            "/v1/feeds",
            Some(serde_json::json!({ "feed_url": url, "category_id": category })),
            MAX_BYTES,
        )?;
        let created: Created = serde_json::from_slice(&bytes)?;
        Ok(created.feed_id)
    }

    /// Changes a feed's title or category.
    pub fn update_feed(&self, id: i64, title: Option<&str>, category: Option<i64>) -> Result<()> {
        let mut body = serde_json::Map::new();
        if let Some(title) = title {
            body.insert("title".into(), title.into());
        }
        if let Some(category) = category {
            body.insert("category_id".into(), category.into());
        }
        self.call(
            "PUT",
            &format!("/v1/feeds/{id}"),
            Some(body.into()),
            MAX_BYTES,
        )?;
        Ok(())
    }

    /// Unsubscribes; a feed the server no longer has is done already.
    pub fn delete_feed(&self, id: i64) -> Result<()> {
        match self.call("DELETE", &format!("/v1/feeds/{id}"), None, MAX_BYTES) {
            Err(err) if is_status(&err, 404) => Ok(()),
            other => other.map(drop),
        }
    }

    /// Sets these entries read or unread (the same state again is no change).
    pub fn set_read(&self, ids: &[i64], read: bool) -> Result<()> {
        let status = if read { "read" } else { "unread" };
        for chunk in ids.chunks(BATCH) {
            self.call(
                "PUT",
                "/v1/entries",
                Some(serde_json::json!({ "entry_ids": chunk, "status": status })),
                MAX_BYTES,
            )?;
        }
        Ok(())
    }

    /// Stars or unstars these entries: the absolute form, never the toggle.
    pub fn set_starred(&self, ids: &[i64], starred: bool) -> Result<()> {
        for chunk in ids.chunks(BATCH) {
            self.call(
                "PUT",
                "/v1/entries",
                Some(serde_json::json!({ "entry_ids": chunk, "starred": starred })),
                MAX_BYTES,
            )?;
        }
        Ok(())
    }

    /// One page of entries in id order after `after_id`: those changed after
    /// `changed_after` (Unix seconds) when it is above 0, below `before_id` when given.
    pub fn changed_entries(
        &self,
        changed_after: i64,
        after_id: i64,
        before_id: Option<i64>,
    ) -> Result<Entries> {
        let mut path =
            format!("/v1/entries?order=id&direction=asc&limit={PAGE}&after_entry_id={after_id}");
        if changed_after > 0 {
            path.push_str(&format!("&changed_after={changed_after}"));
        }
        if let Some(before) = before_id {
            path.push_str(&format!("&before_entry_id={before}"));
        }
        let page: Entries = self.get(&path, MAX_PAGE_BYTES)?;
        if page.entries.len() > PAGE {
            bail!(
                "the server sent {} entries for a page of {PAGE}",
                page.entries.len()
            );
        }
        Ok(page)
    }

    /// One page of feed `feed`'s entries in id order after `after_id`.
    pub fn feed_entries(&self, feed: i64, after_id: i64) -> Result<Entries> {
        let path = format!(
            "/v1/feeds/{feed}/entries?order=id&direction=asc&limit={PAGE}&after_entry_id={after_id}"
        );
        let page: Entries = self.get(&path, MAX_PAGE_BYTES)?;
        if page.entries.len() > PAGE {
            bail!(
                "the server sent {} entries for a page of {PAGE}",
                page.entries.len()
            );
        }
        Ok(page)
    }

    /// Every entry id with `filter` (`status=unread`, `starred=true`), a page at a time.
    pub fn ids(&self, filter: &str) -> Result<Vec<i64>> {
        let mut all = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut offset = 0usize;
        loop {
            let page: Ids = self.get(
                &format!("/v1/entries/ids?{filter}&limit={ID_PAGE}&offset={offset}"),
                MAX_BYTES,
            )?;
            let got = page.entry_ids.len();
            offset = offset.saturating_add(got);
            let fresh: Vec<i64> = page
                .entry_ids
                .into_iter()
                .filter(|id| seen.insert(*id))
                .collect();
            if got > 0 && fresh.is_empty() {
                // A page of ids all listed already: the server ignores the offset, and a
                // list that never ends is not one to reconcile with.
                bail!("the server repeats the same page of entry ids with {filter}");
            }
            all.extend(fresh);
            if all.len() > MAX_IDS {
                bail!("the server lists more than {MAX_IDS} entries with {filter}");
            }
            if got < ID_PAGE || offset as i64 >= page.total {
                return Ok(all);
            }
        }
    }
}

/// Whether `err` is the server's answer `code`.
pub fn is_status(err: &anyhow::Error, code: u16) -> bool {
    err.downcast_ref::<Status>().is_some_and(|s| s.code == code)
}

/// Whether `err` says the credentials were refused.
pub fn is_refused(err: &anyhow::Error) -> bool {
    is_status(err, 401) || is_status(err, 403)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::store::{AccountKind, SecretSource};
    use crate::test_server::{Answer, Script, Server};

    /// A loopback server that answers every request with `answer` as JSON, at most 8
    /// requests.
    fn server(answer: Answer) -> Server {
        Script::new()
            .limit(8)
            .otherwise(move |_| answer.clone().header("Content-Type", "application/json"))
            .start()
    }

    fn client(url: String) -> Client {
        let account = Account {
            id: 1,
            name: "home".into(),
            kind: AccountKind::Miniflux,
            url,
            user: Some("ana".into()),
            secret: SecretSource::Env("X".into()),
            synced_until: None,
            last_entry: None,
            last_sync: None,
            last_error: None,
        };
        Client::new(&account, "pw".into(), Duration::from_secs(20))
    }

    #[test]
    fn an_answer_past_the_cap_is_an_error_not_a_buffer() {
        // JSON-looking padding past the cap.
        let site = server(Answer::ok(vec![b' '; MAX_BYTES as usize + 1024]));
        let client = client(site.base());
        let err = client.feeds().unwrap_err();
        assert!(format!("{err:#}").contains("larger than 16 MiB"), "{err:#}");
    }

    #[test]
    fn refusals_and_malformed_answers_say_what_happened() {
        let site = server(Answer::new(401).body(r#"{"error_message":"access unauthorized"}"#));
        let refused = client(site.base());
        let err = refused.me().unwrap_err();
        assert!(is_refused(&err));
        assert!(
            format!("{err:#}").contains("refused the user and secret"),
            "{err:#}"
        );

        let site = server(Answer::ok("<html>not json</html>"));
        let garbage = client(site.base());
        let err = garbage.feeds().unwrap_err();
        assert!(
            format!("{err:#}").contains("not the JSON Miniflux answers"),
            "{err:#}"
        );

        // A page longer than asked for is refused, not stored.
        let mut many = String::from(r#"{"total":1,"entries":["#);
        for i in 0..(PAGE + 1) {
            if i > 0 {
                many.push(',');
            }
            many.push_str(&format!(r#"{{"id":{i},"feed_id":1,"status":"unread"}}"#));
        }
        many.push_str("]}");
        let site = server(Answer::ok(many));
        let err = client(site.base()).changed_entries(0, 0, None).unwrap_err();
        assert!(err.to_string().contains("entries for a page of"), "{err:#}");

        // The status line carries the Location header with it.
        let moved = server(Answer::new(301).header("Location", "https://rss.example.org/v1/feeds"));
        let err = client(moved.base()).feeds().unwrap_err();
        assert!(
            format!("{err:#}").contains("redirects (HTTP 301) to https://rss.example.org"),
            "{err:#}"
        );

        let long = "e".repeat(10_000);
        let site = server(Answer::new(400).body(format!(r#"{{"error_message":"{long}"}}"#)));
        let err = client(site.base()).me().unwrap_err();
        assert!(format!("{err:#}").len() < 1000, "a server's message is cut");
    }
}
