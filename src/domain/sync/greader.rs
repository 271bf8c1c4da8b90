//! The Google Reader API (FreshRSS, Miniflux, Inoreader, The Old Reader, ...) as a
//! [`Server`]: ClientLogin for a session token, `edit-tag` for read and starred (the
//! absolute add/remove form), `subscription/*` for feeds and their label (folder), and
//! pulls by ID list: every id of the reading list, diffed with the store's, and only
//! the contents of the new ones fetched. Every answer is capped, every request timed.

use std::cell::RefCell;
use std::collections::HashSet;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use serde::de::DeserializeOwned;

use super::greader_items::{Contents, ItemIds, Subscriptions, item_entry, short_id};
use super::miniflux::{self, MAX_BYTES, MAX_PAGE_BYTES, Status};
use super::server::{Budget, Mark, Server, ServerEntry, ServerFeed, Sink};
use crate::domain::fetch::USER_AGENT;
use crate::domain::store::Account;

const READING_LIST: &str = "user/-/state/com.google/reading-list";
const READ: &str = "user/-/state/com.google/read";
const STARRED: &str = "user/-/state/com.google/starred";
const LABEL: &str = "user/-/label/";
/// Ids per ID-list page, per `edit-tag`, per contents request.
const ID_PAGE: usize = 10_000;
const EDIT_BATCH: usize = 250;
const CONTENTS_BATCH: usize = 100;

/// A Google Reader API server, signed in.
pub struct GReader {
    agent: ureq::Agent,
    base: String,
    auth: String,
    /// The token POSTs carry, asked for once.
    token: RefCell<Option<String>>,
}

impl GReader {
    /// Signs in with the account's user and `secret` (ClientLogin), at the account's
    /// address or, failing that, at the usual bases of the servers people run
    /// (`greader_login::bases`); the error says what was tried and why each failed.
    pub fn login(account: &Account, secret: &str, timeout: Duration) -> Result<GReader> {
        use super::greader_login::{bases, hint, nothing_answered, refused};
        let Some(user) = &account.user else {
            bail!("a Google Reader API account needs --user (`herald account add` it again)");
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(USER_AGENT)
            .build()
            .into();
        let form = vec![("Email", user.as_str()), ("Passwd", secret)];
        let mut tried = Vec::new();
        for base in bases(&account.url) {
            let mut server = GReader {
                agent: agent.clone(),
                base,
                auth: String::new(),
                token: RefCell::new(None),
            };
            let bytes = match server.call("/accounts/ClientLogin", Some(&form), MAX_BYTES) {
                Ok(bytes) => bytes,
                Err(err) if refused(&err) => return Err(err).context("signing in"),
                Err(err) => {
                    tried.push(format!("{} ({})", server.base, hint(&err)));
                    continue;
                }
            };
            let text = String::from_utf8_lossy(&bytes);
            let Some(auth) = text.lines().find_map(|l| l.strip_prefix("Auth=")) else {
                tried.push(format!(
                    "{} (the answer has no Auth= line: not the API, a wrong base path)",
                    server.base
                ));
                continue;
            };
            server.auth = format!("GoogleLogin auth={}", auth.trim());
            if !tried.is_empty() {
                log::warn!(
                    "account {}: the Google Reader API answered at {}, not at {}; \
                     `herald account set {} --url {}` saves looking",
                    account.name,
                    server.base,
                    account.url,
                    account.name,
                    server.base
                );
            }
            return Ok(server);
        }
        bail!("signing in: {}", nothing_answered(&tried))
    }

    /// The base the API answered at.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// A GET (no form) or a POST (form); the answer's body when it is a success.
    fn call(&self, path: &str, form: Option<&[(&str, &str)]>, limit: u64) -> Result<Vec<u8>> {
        let url = format!("{}{path}", self.base);
        let method = if form.is_some() { "POST" } else { "GET" };
        let sent = match form {
            Some(form) => {
                let mut request = self.agent.post(&url);
                if !self.auth.is_empty() {
                    request = request.header("Authorization", &self.auth);
                }
                request.send_form(form.iter().copied())
            }
            None => self
                .agent
                .get(&url)
                .header("Authorization", &self.auth)
                .call(),
        };
        let mut response = sent.map_err(|err| anyhow!("{method} {url}: {err}"))?;
        let code = response.status().as_u16();
        let bytes = super::server::read_capped(&mut response, limit, method, &url)?;
        if !(200..300).contains(&code) {
            let message: String = String::from_utf8_lossy(&bytes)
                .chars()
                .filter(|c| !c.is_control())
                .take(300)
                .collect();
            let message = if message.trim_start().starts_with('<') {
                String::new()
            } else {
                message
            };
            return Err(Status { code, message }).with_context(|| format!("{method} {url}"));
        }
        Ok(bytes)
    }

    fn get<T: DeserializeOwned>(&self, path: &str, limit: u64) -> Result<T> {
        let bytes = self.call(path, None, limit)?;
        serde_json::from_slice(&bytes).with_context(|| {
            format!(
                "GET {}{path}: not the JSON the Google Reader API answers",
                self.base
            )
        })
    }

    /// A POST with the session's write token.
    fn post(&self, path: &str, form: &[(&str, &str)], limit: u64) -> Result<Vec<u8>> {
        let token = self.token()?;
        let mut form = form.to_vec();
        form.push(("T", &token));
        self.call(path, Some(&form), limit)
    }

    fn token(&self) -> Result<String> {
        if let Some(token) = self.token.borrow().as_ref() {
            return Ok(token.clone());
        }
        let bytes = self.call("/reader/api/0/token", None, MAX_BYTES)?;
        let token = String::from_utf8_lossy(&bytes).trim().to_owned();
        if token.is_empty() || token.len() > 1024 {
            bail!("the server's write token is empty or too long");
        }
        *self.token.borrow_mut() = Some(token.clone());
        Ok(token)
    }

    /// Adds or removes `tag` on these items, a batch at a time.
    fn edit_tag(&self, ids: &[String], tag: &str, add: bool) -> Result<()> {
        for chunk in ids.chunks(EDIT_BATCH) {
            let mut form: Vec<(&str, &str)> = chunk.iter().map(|i| ("i", i.as_str())).collect();
            form.push((if add { "a" } else { "r" }, tag));
            self.post("/reader/api/0/edit-tag", &form, MAX_BYTES)?;
        }
        Ok(())
    }

    /// Every item id of `stream` (less those with `exclude`), a page at a time, and
    /// whether the list ran to its end: a continuation that comes back, or a page of
    /// ids all listed already, ends it early (such a server would be paged for ever).
    fn ids(&self, stream: &str, exclude: Option<&str>) -> Result<(Vec<String>, bool)> {
        let mut all = Vec::new();
        let mut seen = HashSet::new();
        let mut continuations = HashSet::new();
        let mut continuation = String::new();
        loop {
            let mut path = format!(
                "/reader/api/0/stream/items/ids?output=json&s={}&n={ID_PAGE}",
                encode(stream)
            );
            if let Some(exclude) = exclude {
                path.push_str(&format!("&xt={}", encode(exclude)));
            }
            if !continuation.is_empty() {
                path.push_str(&format!("&c={}", encode(&continuation)));
            }
            let page: ItemIds = self.get(&path, MAX_BYTES)?;
            let got = page.item_refs.len();
            let before = all.len();
            all.extend(
                page.item_refs
                    .into_iter()
                    .filter_map(|r| short_id(&r.id))
                    .filter(|id| seen.insert(id.clone())),
            );
            if all.len() > miniflux::MAX_IDS {
                bail!(
                    "the server lists more than {} items in {stream}",
                    miniflux::MAX_IDS
                );
            }
            continuation = match page.continuation {
                Some(serde_json::Value::String(c)) => c,
                Some(serde_json::Value::Number(n)) => n.to_string(),
                _ => String::new(),
            };
            if continuation.is_empty() || got == 0 {
                return Ok((all, true));
            }
            if all.len() == before || !continuations.insert(continuation.clone()) {
                log::warn!("{stream}: the server's continuation makes no progress; stopped");
                return Ok((all, false));
            }
        }
    }

    /// Every item id of `stream`, for a reconciliation: a list cut short is an error,
    /// since an id missing from it would read as a change.
    fn whole_list(&self, stream: &str, exclude: Option<&str>) -> Result<Vec<String>> {
        match self.ids(stream, exclude)? {
            (all, true) => Ok(all),
            (_, false) => bail!(
                "the server's list of {stream} makes no progress (its continuation repeats); \
                 read and starred states were not compared"
            ),
        }
    }

    /// Hands the items `ids` to `sink`, a batch at a time, while `budget` lasts.
    fn pull_items(&self, ids: &[String], budget: &mut Budget, sink: &mut Sink<'_>) -> Result<bool> {
        for chunk in ids.chunks(CONTENTS_BATCH) {
            if !budget.go_on() {
                return Ok(false);
            }
            let entries = self.contents(chunk)?;
            budget.take(chunk.len());
            sink(entries)?;
        }
        Ok(true)
    }

    /// The items `ids`, as entries of their feeds.
    fn contents(&self, ids: &[String]) -> Result<Vec<ServerEntry>> {
        let form: Vec<(&str, &str)> = ids.iter().map(|i| ("i", i.as_str())).collect();
        let bytes = self.post(
            "/reader/api/0/stream/items/contents?output=json",
            &form,
            MAX_PAGE_BYTES,
        )?;
        let contents: Contents = serde_json::from_slice(&bytes)
            .context("stream/items/contents: not the JSON the Google Reader API answers")?;
        if contents.items.len() > ids.len() {
            bail!(
                "the server sent {} items for {} asked",
                contents.items.len(),
                ids.len()
            );
        }
        Ok(contents.items.into_iter().filter_map(item_entry).collect())
    }
}

/// `text` for a query string: everything but unreserved characters percent-encoded.
fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn label(folder: &str) -> String {
    format!("{LABEL}{folder}")
}

impl Server for GReader {
    fn set_read(&self, ids: &[String], read: bool) -> Result<()> {
        self.edit_tag(ids, READ, read)
    }

    fn set_starred(&self, ids: &[String], starred: bool) -> Result<()> {
        self.edit_tag(ids, STARRED, starred)
    }

    fn subscribe(&self, url: &str, folders: &[String]) -> Result<String> {
        if let Some(found) = self.feeds()?.into_iter().find(|f| f.url == url) {
            self.set_folders(&found.id, folders)?;
            return Ok(found.id);
        }
        let stream = format!("feed/{url}");
        let labels: Vec<String> = folders.iter().map(|f| label(f)).collect();
        let mut form = vec![("ac", "subscribe"), ("s", stream.as_str())];
        form.extend(labels.iter().map(|l| ("a", l.as_str())));
        self.post("/reader/api/0/subscription/edit", &form, MAX_BYTES)?;
        match self.feeds()?.into_iter().find(|f| f.url == url) {
            Some(found) => Ok(found.id),
            None => bail!("the server took the subscription but does not list it"),
        }
    }

    fn unsubscribe(&self, id: &str) -> Result<()> {
        if !self.feeds()?.iter().any(|f| f.id == id) {
            return Ok(()); // gone already
        }
        let form = [("ac", "unsubscribe"), ("s", id)];
        self.post("/reader/api/0/subscription/edit", &form, MAX_BYTES)?;
        Ok(())
    }

    fn rename(&self, id: &str, title: &str) -> Result<()> {
        let form = [("ac", "edit"), ("s", id), ("t", title)];
        self.post("/reader/api/0/subscription/edit", &form, MAX_BYTES)?;
        Ok(())
    }

    fn set_folders(&self, id: &str, folders: &[String]) -> Result<()> {
        // Labels are added and removed against what the server has now, in one edit.
        let now = self
            .feeds()?
            .into_iter()
            .find(|f| f.id == id)
            .map(|f| f.folders)
            .unwrap_or_default();
        let add: Vec<String> = folders
            .iter()
            .filter(|f| !now.contains(f))
            .map(|f| label(f))
            .collect();
        let remove: Vec<String> = now
            .iter()
            .filter(|f| !folders.contains(f))
            .map(|f| label(f))
            .collect();
        if add.is_empty() && remove.is_empty() {
            return Ok(());
        }
        let mut form = vec![("ac", "edit"), ("s", id)];
        form.extend(add.iter().map(|l| ("a", l.as_str())));
        form.extend(remove.iter().map(|l| ("r", l.as_str())));
        self.post("/reader/api/0/subscription/edit", &form, MAX_BYTES)?;
        Ok(())
    }

    fn one_folder(&self) -> bool {
        false
    }

    fn feeds(&self) -> Result<Vec<ServerFeed>> {
        let list: Subscriptions =
            self.get("/reader/api/0/subscription/list?output=json", MAX_BYTES)?;
        Ok(list
            .subscriptions
            .into_iter()
            .map(|s| {
                let folders: Vec<String> = s
                    .categories
                    .into_iter()
                    .filter_map(|c| {
                        c.label
                            .or_else(|| c.id.rsplit_once("/label/").map(|(_, l)| l.to_owned()))
                    })
                    .filter(|f| f != "All")
                    .collect();
                ServerFeed {
                    url: if s.url.is_empty() {
                        s.id.strip_prefix("feed/").unwrap_or_default().to_owned()
                    } else {
                        s.url
                    },
                    id: s.id,
                    title: s.title,
                    folders,
                }
            })
            .collect())
    }

    fn pull(
        &self,
        mark: Mark,
        known: &dyn Fn(&str) -> bool,
        budget: &mut Budget,
        sink: &mut Sink<'_>,
    ) -> Result<Mark> {
        let (all, complete) = self.ids(READING_LIST, None)?;
        if !complete {
            budget.stop(
                "the server's reading list makes no progress (its continuation repeats)".into(),
            );
        }
        let new: Vec<String> = all.into_iter().filter(|id| !known(id)).collect();
        self.pull_items(&new, budget, sink)?;
        Ok(mark)
    }

    fn feed_entries(
        &self,
        id: &str,
        budget: &mut Budget,
        sink: &mut Sink<'_>,
    ) -> Result<Option<HashSet<String>>> {
        let (all, complete) = self.ids(id, None)?;
        let done = self.pull_items(&all, budget, sink)?;
        Ok((complete && done).then(|| all.into_iter().collect()))
    }

    fn unread_ids(&self) -> Result<HashSet<String>> {
        Ok(self
            .whole_list(READING_LIST, Some(READ))?
            .into_iter()
            .collect())
    }

    fn starred_ids(&self) -> Result<HashSet<String>> {
        Ok(self.whole_list(STARRED, None)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::store::{AccountKind, SecretSource};
    use crate::test_server::{Answer, Script, Server as Loopback};

    /// A loopback server answering each request by its path's first match in `routes`
    /// (a path prefix, a status and a body), else 404; at most 16 requests.
    fn server(routes: Vec<(&'static str, u16, String)>) -> Loopback {
        routes
            .into_iter()
            .fold(Script::new().limit(16), |script, (prefix, status, body)| {
                script.prefix(prefix, move |_| Answer::new(status).body(body.clone()))
            })
            .otherwise(|_| Answer::new(404))
            .start()
    }

    fn json(status: u16, body: &str) -> Answer {
        Answer::new(status)
            .header("Content-Type", "application/json")
            .body(body)
    }

    fn account(url: String) -> Account {
        Account {
            id: 1,
            name: "fr".into(),
            kind: AccountKind::GReader,
            url,
            user: Some("ana".into()),
            secret: SecretSource::Env("X".into()),
            synced_until: None,
            last_sync: None,
            last_error: None,
            last_entry: None,
        }
    }

    const LOGIN: (&str, u16) = ("/accounts/ClientLogin", 200);

    #[test]
    fn sign_in_refused_or_without_a_token_is_a_clear_error() {
        let refused = server(vec![(
            "/accounts/ClientLogin",
            401,
            "Error=BadAuthentication".into(),
        )]);
        let err = GReader::login(&account(refused.base()), "pw", Duration::from_secs(10))
            .err()
            .unwrap();
        assert!(
            format!("{err:#}").contains("refused the user and secret"),
            "{err:#}"
        );
        let odd = server(vec![(LOGIN.0, LOGIN.1, "SID=x\n".into())]);
        let err = GReader::login(&account(odd.base()), "pw", Duration::from_secs(10))
            .err()
            .unwrap();
        assert!(format!("{err:#}").contains("no Auth= line"), "{err:#}");
    }

    /// A FreshRSS-like server given by its home (which redirects to a login page) or its
    /// `/api/` (an HTML index): the sign-in finds `/api/greader.php` (before: "HTTP 302",
    /// "no Auth= line").
    #[test]
    fn sign_in_looks_for_the_api_under_the_usual_bases() {
        let fresh = || {
            server(vec![
                (
                    "/api/greader.php/accounts/ClientLogin",
                    200,
                    "Auth=k\n".into(),
                ),
                ("/api/accounts/ClientLogin", 200, "<html>API</html>".into()),
                ("/accounts/ClientLogin", 302, String::new()),
            ])
        };
        for path in ["/", "/api/"] {
            let site = fresh();
            let url = format!("{}{path}", site.base());
            let server = GReader::login(&account(url), "pw", Duration::from_secs(10)).unwrap();
            assert!(
                server.base().ends_with("/api/greader.php"),
                "{}",
                server.base()
            );
        }
    }

    /// No base answers: the error names each base tried and the likely cause.
    #[test]
    fn a_disabled_or_missing_api_says_so_and_what_was_tried() {
        let site = server(vec![("/", 503, String::new())]);
        let disabled = site.base();
        let err = GReader::login(&account(disabled.clone()), "pw", Duration::from_secs(10))
            .err()
            .unwrap();
        let text = format!("{err:#}");
        assert!(text.contains("disabled in the server's settings"), "{text}");
        assert!(
            text.contains(&format!("{disabled}/api/greader.php")),
            "{text}"
        );
        let missing = server(vec![]);
        let err = GReader::login(&account(missing.base()), "pw", Duration::from_secs(10))
            .err()
            .unwrap();
        assert!(
            format!("{err:#}").contains("no API at this path"),
            "{err:#}"
        );
    }

    #[test]
    fn answers_past_their_bounds_are_refused() {
        let huge = format!(
            "{{\"subscriptions\":[{}]}}",
            " ".repeat(MAX_BYTES as usize + 10)
        );
        let site = server(vec![
            (LOGIN.0, LOGIN.1, "Auth=t\n".into()),
            ("/reader/api/0/subscription/list", 200, huge),
            ("/reader/api/0/token", 200, "T".into()),
            (
                "/reader/api/0/stream/items/contents",
                200,
                r#"{"items":[{"id":"1","origin":{"streamId":"feed/1"}},{"id":"2","origin":{"streamId":"feed/1"}}]}"#.into(),
            ),
        ]);
        let server = GReader::login(&account(site.base()), "pw", Duration::from_secs(20)).unwrap();
        let err = server.feeds().unwrap_err();
        assert!(format!("{err:#}").contains("larger than 16 MiB"), "{err:#}");
        let err = server.contents(&["1".to_owned()]).err().unwrap();
        assert!(err.to_string().contains("2 items for 1 asked"), "{err:#}");
    }

    /// A continuation that comes back with the same ids (358,473 requests in a minute
    /// before): the reading list stops at the repeat, the pull says so, and a
    /// reconciliation refuses a list cut short.
    #[test]
    fn a_continuation_that_repeats_stops_the_paging() {
        let site = Script::new()
            .limit(100)
            .lifetime(Duration::from_secs(30))
            .prefix("/accounts/ClientLogin", |_| json(200, "Auth=abc\n"))
            .otherwise(|_| {
                json(
                    200,
                    r#"{"itemRefs":[{"id":"1"},{"id":"2"}],"continuation":"again"}"#,
                )
            })
            .start();
        let server = GReader::login(&account(site.base()), "pw", Duration::from_secs(10)).unwrap();
        let mut budget = Budget::new(Duration::from_secs(30), 1000);
        let mut sink = |_: Vec<ServerEntry>| -> Result<Vec<String>> { Ok(Vec::new()) };
        server
            .pull(Mark::default(), &|_| true, &mut budget, &mut sink)
            .unwrap();
        assert!(budget.stopped.unwrap().contains("continuation repeats"));
        let err = server.unread_ids().unwrap_err();
        assert!(format!("{err:#}").contains("makes no progress"), "{err:#}");
        assert!(site.count() <= 6, "{:?}", site.paths());
    }
}
