//! Rules: a query in the search language and what to do with what it finds (mark read,
//! star, hide, tag, delete). They act on new articles as they are stored, whichever way
//! they come (import, fetch, sync), inside the same transaction, and over the archive on
//! demand. Each rule is checked against the new rows only: its query is planned once per
//! write and the word index is asked for rows past the last id before it.

use anyhow::{Context, Result, bail};
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::handles::Rules;
use crate::domain::model::ArticleId;
use crate::domain::search::query::nothing_to_search;
use crate::domain::search::{Query, QueryErrorKind, parse};

/// At most this many rules: each is a query per write of new articles.
pub const MAX_RULES: usize = 1_000;

/// What a rule does with what its query finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleAction {
    MarkRead,
    Star,
    /// Marks read and leaves it out of every list but `is:hidden`.
    Hide,
    Tag(String),
    /// Deletes for good, remembering the identity (a refetch does not bring it back).
    Delete,
}

impl RuleAction {
    fn stored(&self) -> (&'static str, Option<&str>) {
        match self {
            RuleAction::MarkRead => ("read", None),
            RuleAction::Star => ("star", None),
            RuleAction::Hide => ("hide", None),
            RuleAction::Tag(tag) => ("tag", Some(tag)),
            RuleAction::Delete => ("delete", None),
        }
    }

    fn from_stored(action: &str, tag: Option<String>) -> Result<RuleAction> {
        Ok(match (action, tag) {
            ("read", _) => RuleAction::MarkRead,
            ("star", _) => RuleAction::Star,
            ("hide", _) => RuleAction::Hide,
            ("tag", Some(tag)) => RuleAction::Tag(tag),
            ("delete", _) => RuleAction::Delete,
            (other, _) => bail!("a stored rule has an action herald does not know: `{other}`"),
        })
    }

    /// As `herald rule list` and the reader show it: `mark read`, `tag news`.
    pub fn describe(&self) -> String {
        match self {
            RuleAction::MarkRead => "mark read".into(),
            RuleAction::Star => "star".into(),
            RuleAction::Hide => "hide".into(),
            RuleAction::Tag(tag) => format!("tag {tag}"),
            RuleAction::Delete => "delete".into(),
        }
    }

    /// The query narrowed to the articles the action would change, so that a rule run
    /// over the archive counts only those; `None` when it would change none.
    fn narrow(&self, mut query: Query) -> Option<Query> {
        match self {
            RuleAction::MarkRead => query.read = query.read.or(Some(false)),
            RuleAction::Star => query.starred = query.starred.or(Some(false)),
            // Never a starred article, whatever the query says: kept, as retention
            // keeps them.
            RuleAction::Delete if query.starred == Some(true) => return None,
            RuleAction::Delete => query.starred = Some(false),
            RuleAction::Hide | RuleAction::Tag(_) => {}
        }
        Some(query)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: i64,
    pub query: String,
    pub action: RuleAction,
    /// How many articles it has acted on.
    pub caught: i64,
}

/// What one rule found (and, unless a dry run, acted on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRun {
    pub rule: Rule,
    pub ids: Vec<ArticleId>,
}

/// What a rule would do to the archive as it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulePreview {
    /// The articles it would change.
    pub ids: Vec<ArticleId>,
    /// For a delete rule, the starred articles its query finds, which it keeps.
    pub starred_kept: usize,
}

/// Parses a rule's query as the search does, refusing what would catch every article.
/// The error, when there is one, is a [`crate::domain::search::QueryError`] with the
/// rule's query as context, so that a caller tells a bad query from a failing store.
fn checked_query(text: &str) -> Result<Query> {
    let parsed = parse(text, Timestamp::now(), false).and_then(|query| {
        // Empty: every article, whatever the rule does.
        if query.is_empty() {
            Err(nothing_to_search())
        } else {
            Ok(query)
        }
    });
    parsed.map_err(|err| {
        let context = match err.kind {
            QueryErrorKind::Malformed => format!("the rule's query `{text}` does not parse"),
            QueryErrorKind::NothingToSearch => {
                format!("the rule's query `{text}` would act on every article")
            }
        };
        anyhow::Error::new(err).context(context)
    })
}

/// A kept rule's query, checked again (an older build may have kept what this one
/// refuses); the error names the rule and how to mend it.
fn stored_query(rule: &Rule) -> Result<Query> {
    checked_query(&rule.query).with_context(|| {
        format!(
            "rule {} (mend it with `herald rule edit ID --query QUERY`, or remove it)",
            rule.id
        )
    })
}

/// A rule asked for by an id that no rule has: a failure of its own kind, so that the
/// command line chooses its exit status by kind, never by the words of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoRule(pub i64);

impl std::fmt::Display for NoRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "there is no rule {} (herald rule list)", self.0)
    }
}

impl std::error::Error for NoRule {}

impl Rules<'_> {
    /// Adds a rule at the end of the list.
    pub fn add_rule(&self, query: &str, action: RuleAction) -> Result<Rule> {
        checked_query(query)?;
        let action = checked_action(action)?;
        let tx = self.write()?;
        let count: i64 = tx.query_row("SELECT count(*) FROM rules", [], |r| r.get(0))?;
        if count as usize >= MAX_RULES {
            bail!("there are already {MAX_RULES} rules; remove some first (herald rule list)");
        }
        let (name, tag) = action.stored();
        tx.execute(
            "INSERT INTO rules (position, query, action, tag)
             VALUES ((SELECT coalesce(max(position), 0) + 1 FROM rules), ?1, ?2, ?3)",
            params![query, name, tag],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit().context("saving the rule")?;
        Ok(Rule {
            id,
            query: query.to_owned(),
            action,
            caught: 0,
        })
    }

    /// The rules, in the order they apply.
    pub fn list(&self) -> Result<Vec<Rule>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, query, action, tag, caught FROM rules ORDER BY position, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        let mut rules = Vec::new();
        for row in rows {
            let (id, query, action, tag, caught) = row?;
            rules.push(Rule {
                id,
                query,
                action: RuleAction::from_stored(&action, tag)?,
                caught,
            });
        }
        Ok(rules)
    }

    fn rule(&self, id: i64) -> Result<Rule> {
        self.list()?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| NoRule(id).into())
    }

    /// Changes a rule's query, its action, or both; its count starts again.
    pub fn edit_rule(
        &self,
        id: i64,
        query: Option<&str>,
        action: Option<RuleAction>,
    ) -> Result<Rule> {
        let old = self.rule(id)?;
        let query = query.unwrap_or(&old.query);
        checked_query(query)?;
        let action = checked_action(action.unwrap_or(old.action))?;
        let (name, tag) = action.stored();
        self.conn
            .execute(
                "UPDATE rules SET query = ?2, action = ?3, tag = ?4, caught = 0 WHERE id = ?1",
                params![id, query, name, tag],
            )
            .context("saving the rule")?;
        self.rule(id)
    }

    /// Moves a rule to `position` (1 is first; past the end is last).
    pub fn move_rule(&self, id: i64, position: usize) -> Result<()> {
        let mut order: Vec<i64> = self.list()?.iter().map(|r| r.id).collect();
        let from = order.iter().position(|r| *r == id).ok_or(NoRule(id))?;
        let moved = order.remove(from);
        order.insert(position.saturating_sub(1).min(order.len()), moved);
        let tx = self.write()?;
        {
            let mut update = tx.prepare("UPDATE rules SET position = ?2 WHERE id = ?1")?;
            for (index, rule) in order.iter().enumerate() {
                update.execute(params![rule, index as i64 + 1])?;
            }
        }
        tx.commit().context("reordering the rules")
    }

    pub fn remove_rule(&self, id: i64) -> Result<()> {
        let removed = self
            .conn
            .execute("DELETE FROM rules WHERE id = ?1", [id])
            .context("removing the rule")?;
        if removed == 0 {
            return Err(NoRule(id).into());
        }
        Ok(())
    }

    /// Runs every rule over the whole archive, in order; with `dry_run`, only says what
    /// each would act on (each rule then sees the archive as it is, not as the rules
    /// before it would leave it).
    pub fn apply_rules(&self, dry_run: bool) -> Result<Vec<RuleRun>> {
        let mut runs = Vec::new();
        for rule in self.list()? {
            let ids = self.acted_on(&rule.action, stored_query(&rule)?)?;
            if !dry_run {
                // `act` is its own transaction.
                self.act(&rule, &ids).context("applying the rule")?;
            }
            runs.push(RuleRun { rule, ids });
        }
        Ok(runs)
    }

    /// What `rule` would act on over the whole archive now, changing nothing.
    pub fn preview_rule(&self, rule: &Rule) -> Result<RulePreview> {
        let query = stored_query(rule)?;
        let starred_kept = if rule.action == RuleAction::Delete && query.starred != Some(false) {
            let mut starred = query.clone();
            starred.starred = Some(true);
            self.articles().matching_after(&starred, i64::MIN)?.len()
        } else {
            0
        };
        let ids = self.acted_on(&rule.action, query)?;
        Ok(RulePreview { ids, starred_kept })
    }

    /// What `action` would change among what `query` finds in the whole archive.
    fn acted_on(&self, action: &RuleAction, query: Query) -> Result<Vec<ArticleId>> {
        match action.narrow(query) {
            Some(query) => self.articles().matching_after(&query, i64::MIN),
            None => Ok(Vec::new()),
        }
    }

    /// Applies the rules to the articles stored after `after` (an id), inside the write
    /// in progress. A rule that fails is logged and left out; the articles stay stored.
    pub(super) fn rules_on_new(&self, after: i64) -> Result<()> {
        for rule in self.list()? {
            let run = || -> Result<()> {
                let query = checked_query(&rule.query)?;
                let ids = self.articles().matching_after(&query, after)?;
                if !ids.is_empty() {
                    self.act(&rule, &ids)?;
                }
                Ok(())
            };
            if let Err(err) = run() {
                log::warn!(
                    "rule {} (`{}`) was not applied: {err:#}",
                    rule.id,
                    rule.query
                );
            }
        }
        Ok(())
    }

    /// Does what `rule` says to `ids`, and counts them. A delete leaves out the starred
    /// ones here, where every rule acts (on new articles and over the archive).
    fn act(&self, rule: &Rule, ids: &[ArticleId]) -> Result<()> {
        let tx = self.write()?;
        let mut acted = ids.len();
        match &rule.action {
            RuleAction::MarkRead => self.articles().set_read_many(ids, true)?,
            RuleAction::Star => self.articles().set_starred_many(ids, true)?,
            RuleAction::Hide => {
                self.articles().set_read_many(ids, true)?;
                let mut hide = tx.prepare_cached("UPDATE articles SET hidden = 1 WHERE id = ?1")?;
                for id in ids {
                    hide.execute([id])?;
                }
            }
            RuleAction::Tag(tag) => {
                let mut add = tx.prepare_cached(
                    "INSERT OR IGNORE INTO article_tags (id, tag) VALUES (?1, ?2)",
                )?;
                for id in ids {
                    add.execute(params![id, tag])?;
                }
            }
            RuleAction::Delete => {
                let mut starred =
                    tx.prepare_cached("SELECT starred FROM articles WHERE id = ?1")?;
                let mut unstarred = Vec::with_capacity(ids.len());
                for id in ids {
                    let is_starred: Option<bool> =
                        starred.query_row([id], |r| r.get(0)).optional()?;
                    if is_starred == Some(false) {
                        unstarred.push(*id);
                    }
                }
                acted = self.articles().delete_many(&unstarred)?.deleted.len();
            }
        }
        tx.execute(
            "UPDATE rules SET caught = caught + ?2 WHERE id = ?1",
            params![rule.id, acted as i64],
        )?;
        tx.commit()
    }

    /// Whether there are any rules.
    pub(super) fn has_rules(&self) -> Result<bool> {
        let any: Option<i64> = self
            .conn
            .prepare_cached("SELECT 1 FROM rules LIMIT 1")?
            .query_row([], |r| r.get(0))
            .optional()?;
        Ok(any.is_some())
    }

    /// Whether the Hidden view has anything to show, or may soon: a hidden article or a
    /// rule that hides.
    pub fn has_hidden(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM articles WHERE hidden = 1)
                 OR EXISTS (SELECT 1 FROM rules WHERE action = 'hide')",
            [],
            |r| r.get(0),
        )?)
    }

    /// The tags that rules give, for the sources pane (read from the rules, so that it
    /// costs nothing however many articles have them).
    pub fn rule_tags(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT tag FROM rules WHERE action = 'tag' AND tag IS NOT NULL ORDER BY tag",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn checked_action(action: RuleAction) -> Result<RuleAction> {
    Ok(match action {
        RuleAction::Tag(tag) => RuleAction::Tag(super::tags::clean_tag(&tag)?),
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::NewArticle;
    use crate::domain::search::Order;
    use crate::domain::store::Store;
    use crate::domain::store::testing::now;

    fn item(guid: &str, source: &str, title: &str, body: &str) -> NewArticle {
        NewArticle {
            guid: Some(guid.into()),
            source: source.into(),
            title: title.into(),
            paragraphs: vec![body.into()],
            ..Default::default()
        }
    }

    fn found(store: &Store, query: &str) -> Vec<i64> {
        let query = parse(query, now(), false).unwrap();
        let mut ids: Vec<i64> = store
            .articles()
            .search(&query, Order::Newest)
            .unwrap()
            .ids
            .iter()
            .map(|id| id.0)
            .collect();
        ids.sort_unstable();
        ids
    }

    fn id_of(store: &Store, guid: &str) -> Option<i64> {
        store
            .conn
            .query_row(
                "SELECT id FROM articles WHERE dedup_key LIKE '%' || ?1",
                [format!("guid:{guid}")],
                |r| r.get(0),
            )
            .optional()
            .unwrap()
    }

    /// How many articles each rule has caught, in the rules' order.
    fn caught(store: &Store) -> Vec<i64> {
        store
            .rules()
            .list()
            .unwrap()
            .iter()
            .map(|r| r.caught)
            .collect()
    }

    fn flags(store: &Store, id: i64) -> (bool, bool, bool) {
        store
            .conn
            .query_row(
                "SELECT read, starred, hidden FROM articles WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
    }

    fn with_every_action(store: &Store) {
        store
            .rules()
            .add_rule("ferry", RuleAction::MarkRead)
            .unwrap();
        store
            .rules()
            .add_rule("title:harbour", RuleAction::Star)
            .unwrap();
        store
            .rules()
            .add_rule("source:Adverts", RuleAction::Hide)
            .unwrap();
        store
            .rules()
            .add_rule("storm OR gale", RuleAction::Tag("Weather".into()))
            .unwrap();
        store
            .rules()
            .add_rule("casino", RuleAction::Delete)
            .unwrap();
    }

    fn batch() -> Vec<NewArticle> {
        vec![
            item("1", "Wire", "Late boats", "The ferry ran late again."),
            item("2", "Wire", "Harbour news", "Cranes and quays."),
            item("3", "Adverts", "Buy now", "Everything must go."),
            item("4", "Wire", "Coast", "A gale is on its way."),
            item("5", "Wire", "Win big", "The new casino opens."),
            item("6", "Wire", "Plain", "Nothing for any rule."),
        ]
    }

    fn check_every_action(store: &Store) {
        let id = |g| id_of(store, g).unwrap();
        assert_eq!(flags(store, id("1")), (true, false, false), "marked read");
        assert_eq!(flags(store, id("2")), (false, true, false), "starred");
        assert_eq!(
            flags(store, id("3")),
            (true, false, true),
            "hidden and read"
        );
        assert_eq!(found(store, "tag:weather"), vec![id("4")], "tagged");
        assert_eq!(id_of(store, "5"), None, "deleted");
        assert_eq!(flags(store, id("6")), (false, false, false), "untouched");
        // Hidden: in no list but is:hidden.
        assert!(!found(store, "everything").contains(&id("3")));
        assert!(!found(store, "").contains(&id("3")));
        assert_eq!(found(store, "is:hidden"), vec![id("3")]);
        let caught = caught(store);
        assert_eq!(caught, [1, 1, 1, 1, 1]);
        // The kept counts agree with a recount after what the rules did.
        assert_eq!(
            store.articles().source_counts().unwrap(),
            store.maintenance().recount_sources().unwrap()
        );
        assert_eq!(
            store.maintenance().recount().unwrap(),
            (
                store.articles().count().unwrap(),
                store.articles().count_unread().unwrap()
            )
        );
    }

    #[test]
    fn each_action_acts_on_import() {
        let store = Store::open_in_memory().unwrap();
        with_every_action(&store);
        store.articles().import(&batch(), now()).unwrap();
        check_every_action(&store);
        // Deleted by a rule: importing it again does not bring it back.
        store.articles().import(&batch()[4..5], now()).unwrap();
        assert_eq!(id_of(&store, "5"), None);
    }

    #[test]
    fn each_action_acts_on_a_fetch_in_one_batch() {
        let store = Store::open_in_memory().unwrap();
        with_every_action(&store);
        let feed = store
            .feeds()
            .add_feed("https://wire.example/rss", Some("Wire"))
            .unwrap();
        let other = store
            .feeds()
            .add_feed("https://ads.example/rss", Some("Adverts"))
            .unwrap();
        let items = batch();
        store
            .batch(|| {
                store
                    .feeds()
                    .upsert(Some(&feed), &[items[0].clone(), items[1].clone()], now())?;
                store.feeds().upsert(Some(&other), &items[2..3], now())?;
                store.feeds().upsert(Some(&feed), &items[3..], now())
            })
            .unwrap();
        check_every_action(&store);
        // Fetched again: the deleted item stays deleted, nothing is caught twice.
        let wire: Vec<NewArticle> = [0, 1, 3, 4, 5].iter().map(|i| items[*i].clone()).collect();
        store.feeds().upsert(Some(&feed), &wire, now()).unwrap();
        store
            .feeds()
            .upsert(Some(&other), &items[2..3], now())
            .unwrap();
        assert_eq!(id_of(&store, "5"), None);
        let caught = caught(&store);
        assert_eq!(caught, [1, 1, 1, 1, 1]);
    }

    /// A fetch defers the rules to its end; a process that dies before then leaves the
    /// note of where the unruled articles start in the store, and the next write applies
    /// the rules to them too.
    #[test]
    fn deferred_rules_apply_at_the_end_or_at_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let store = Store::open(&path).unwrap();
        store.rules().add_rule("ferry", RuleAction::Star).unwrap();
        let feed = store
            .feeds()
            .add_feed("https://wire.example/rss", None)
            .unwrap();
        let deferring = store.feeds().deferring_rules();
        deferring
            .upsert(Some(&feed), &[item("1", "Wire", "A", "The ferry.")], now())
            .unwrap();
        deferring
            .upsert(
                Some(&feed),
                &[item("2", "Wire", "B", "Another ferry.")],
                now(),
            )
            .unwrap();
        let one = id_of(&store, "1").unwrap();
        assert!(!flags(&store, one).1, "not yet");
        store.rules().apply_pending().unwrap();
        assert!(flags(&store, one).1);
        assert!(flags(&store, id_of(&store, "2").unwrap()).1);

        // Dies before applying them: the next write does.
        store
            .feeds()
            .deferring_rules()
            .upsert(
                Some(&feed),
                &[item("3", "Wire", "C", "A third ferry.")],
                now(),
            )
            .unwrap();
        drop(store);
        let store = Store::open(&path).unwrap();
        store
            .articles()
            .import(&[item("4", "Files", "D", "Nothing to see.")], now())
            .unwrap();
        assert!(flags(&store, id_of(&store, "3").unwrap()).1);
        assert!(!flags(&store, id_of(&store, "4").unwrap()).1);
        assert_eq!(store.rules().list().unwrap()[0].caught, 3);
    }

    /// Deleted with `D` and put back with `u`: a hidden article is hidden again, with
    /// the tags rules gave it; putting back runs no rule again.
    #[test]
    fn an_article_put_back_keeps_what_rules_did() {
        let store = Store::open_in_memory().unwrap();
        // Tagged first: a hidden article is, as in a search, left out of later rules.
        store
            .rules()
            .add_rule("ferry", RuleAction::Tag("Boats".into()))
            .unwrap();
        store.rules().add_rule("ferry", RuleAction::Hide).unwrap();
        store
            .articles()
            .import(&[item("1", "Wire", "Late", "The ferry ran late.")], now())
            .unwrap();
        let id = id_of(&store, "1").unwrap();
        let taken = store.articles().take_out(&[ArticleId(id)]).unwrap();
        assert_eq!(id_of(&store, "1"), None);
        store.articles().put_back(&taken).unwrap();
        assert_eq!(flags(&store, id), (true, false, true));
        assert_eq!(
            found(&store, "tag:boats"),
            Vec::<i64>::new(),
            "hidden: in no list"
        );
        assert_eq!(found(&store, "is:hidden tag:boats"), vec![id]);
        let caught = caught(&store);
        assert_eq!(caught, [1, 1], "not caught twice");
    }

    /// A delete rule never deletes a starred article: not among new articles (a sync
    /// brings starred ones), not over the archive, whatever its query says.
    #[test]
    fn delete_rules_keep_starred_articles() {
        let store = Store::open_in_memory().unwrap();
        let starred = |guid: &str| NewArticle {
            starred: true,
            ..item(guid, "Wire", "Kept", "A starred ferry story.")
        };
        store
            .articles()
            .import(
                &[
                    item("old", "Wire", "Old", "An old ferry story."),
                    starred("old-starred"),
                ],
                now(),
            )
            .unwrap();
        store.rules().add_rule("ferry", RuleAction::Delete).unwrap();
        store
            .rules()
            .add_rule("is:starred ferry", RuleAction::Delete)
            .unwrap();
        store
            .articles()
            .import(
                &[
                    item("new", "Wire", "New", "A new ferry story."),
                    starred("new-starred"),
                ],
                now(),
            )
            .unwrap();
        assert_eq!(id_of(&store, "new"), None);
        assert!(id_of(&store, "new-starred").is_some());

        let old = id_of(&store, "old").unwrap();
        let dry = store.rules().apply_rules(true).unwrap();
        assert_eq!(dry[0].ids, [ArticleId(old)], "starred ones are not counted");
        assert!(dry[1].ids.is_empty());
        store.rules().apply_rules(false).unwrap();
        assert_eq!(id_of(&store, "old"), None);
        assert!(id_of(&store, "old-starred").is_some());
        assert!(id_of(&store, "new-starred").is_some());
        let caught = caught(&store);
        assert_eq!(caught, [2, 0]);
    }

    /// A rule acts on new articles only: what the archive held before stays as it was
    /// until `apply_rules`.
    #[test]
    fn rules_act_on_new_articles_only_until_applied() {
        let store = Store::open_in_memory().unwrap();
        store
            .articles()
            .import(&[item("old", "Wire", "Old", "An old ferry story.")], now())
            .unwrap();
        store
            .rules()
            .add_rule("ferry", RuleAction::MarkRead)
            .unwrap();
        store
            .articles()
            .import(&[item("new", "Wire", "New", "A new ferry story.")], now())
            .unwrap();
        let old = id_of(&store, "old").unwrap();
        let new = id_of(&store, "new").unwrap();
        assert!(!flags(&store, old).0);
        assert!(flags(&store, new).0);

        let dry = store.rules().apply_rules(true).unwrap();
        assert_eq!(dry[0].ids, [ArticleId(old)]);
        assert!(!flags(&store, old).0, "a dry run changes nothing");
        let done = store.rules().apply_rules(false).unwrap();
        assert_eq!(done[0].ids, [ArticleId(old)]);
        assert!(flags(&store, old).0);
        assert_eq!(store.rules().list().unwrap()[0].caught, 2);
        // Nothing left to change: a second run finds nothing.
        assert!(store.rules().apply_rules(false).unwrap()[0].ids.is_empty());
    }

    #[test]
    fn rules_are_listed_edited_moved_and_removed() {
        let store = Store::open_in_memory().unwrap();
        let a = store
            .rules()
            .add_rule("ferry", RuleAction::MarkRead)
            .unwrap();
        let b = store.rules().add_rule("storm", RuleAction::Star).unwrap();
        let c = store
            .rules()
            .add_rule("casino", RuleAction::Delete)
            .unwrap();
        let order = |s: &Store| {
            s.rules()
                .list()
                .unwrap()
                .iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(order(&store), [a.id, b.id, c.id]);
        store.rules().move_rule(c.id, 1).unwrap();
        assert_eq!(order(&store), [c.id, a.id, b.id]);
        store.rules().move_rule(c.id, 99).unwrap();
        assert_eq!(order(&store), [a.id, b.id, c.id]);
        let edited = store
            .rules()
            .edit_rule(
                b.id,
                Some("storm OR gale"),
                Some(RuleAction::Tag(" weather ".into())),
            )
            .unwrap();
        assert_eq!(edited.query, "storm OR gale");
        assert_eq!(edited.action, RuleAction::Tag("weather".into()));
        store.rules().remove_rule(a.id).unwrap();
        assert_eq!(order(&store), [b.id, c.id]);
        assert!(
            store
                .rules()
                .remove_rule(a.id)
                .unwrap_err()
                .downcast_ref::<NoRule>()
                == Some(&NoRule(a.id))
        );
        assert!(store.rules().move_rule(a.id, 1).is_err());
    }

    #[test]
    fn bad_rules_are_refused_with_the_reason() {
        let store = Store::open_in_memory().unwrap();
        let err = |q: &str, a: RuleAction| store.rules().add_rule(q, a).unwrap_err().to_string();
        assert!(err("title:", RuleAction::Hide).contains("does not parse"));
        assert!(err("", RuleAction::Delete).contains("every article"));
        assert!(err("ferry", RuleAction::Tag("  ".into())).contains("tag"));
        assert!(store.rules().list().unwrap().is_empty());
    }

    /// A rule whose stored query no longer parses (made by a later build, say) is left
    /// out with a warning; the articles are stored and the other rules run.
    #[test]
    fn a_broken_rule_does_not_stop_the_import() {
        let store = Store::open_in_memory().unwrap();
        store.rules().add_rule("ferry", RuleAction::Star).unwrap();
        store.rules().add_rule("harbour", RuleAction::Star).unwrap();
        store
            .conn
            .execute("UPDATE rules SET query = 'title:' WHERE position = 1", [])
            .unwrap();
        store
            .articles()
            .import(&[item("1", "Wire", "Harbour", "A ferry.")], now())
            .unwrap();
        let id = id_of(&store, "1").unwrap();
        assert_eq!(flags(&store, id), (false, true, false));
    }

    /// A delete rule an older build kept with a query of punctuation alone, which then
    /// matched every article, is now skipped with a warning: it deletes nothing new.
    #[test]
    fn a_stored_rule_with_nothing_to_search_for_deletes_nothing() {
        let store = Store::open_in_memory().unwrap();
        store
            .rules()
            .add_rule("casino", RuleAction::Delete)
            .unwrap();
        store
            .conn
            .execute("UPDATE rules SET query = '( —' WHERE position = 1", [])
            .unwrap();
        store
            .articles()
            .import(&[item("1", "Wire", "Harbour", "A ferry.")], now())
            .unwrap();
        assert!(id_of(&store, "1").is_some());
        let err = format!("{:#}", store.rules().apply_rules(true).unwrap_err());
        assert!(err.contains("nothing to search for"), "{err}");
        assert!(err.contains("rule 1 (mend it"), "{err}");
    }
}
