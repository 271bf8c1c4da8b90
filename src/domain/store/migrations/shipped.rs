//! The schema steps that shipped with their SQL kept in the feature modules before: moved
//! here unchanged, so that a later change to a feature cannot change what an upgrade does.
//! Frozen: never edit one; add a step.

/// Schema step: the kept counts, filled from the articles already stored.
pub(super) const SOURCE_COUNTS: &str = r#"
-- Per-source counts (store/sources.rs): a feed's articles under (its id, ''), articles of
-- no feed under (0, their source). Feed ids start at 1, so 0 is free.
CREATE TABLE source_counts (
    feed_id INTEGER NOT NULL,
    source  TEXT NOT NULL,
    total   INTEGER NOT NULL,
    unread  INTEGER NOT NULL,
    PRIMARY KEY (feed_id, source)
) WITHOUT ROWID;
INSERT INTO source_counts (feed_id, source, total, unread)
    SELECT coalesce(feed_id, 0), CASE WHEN feed_id IS NULL THEN source ELSE '' END,
           count(*), coalesce(sum(read = 0), 0)
    FROM articles GROUP BY 1, 2;
"#;

/// Schema step: the identities of deleted articles.
pub(super) const DELETED: &str = r#"
-- Deleted articles' dedup keys (store/delete.rs): an item fetched or imported again with
-- one of these is not stored again.
CREATE TABLE deleted (
    dedup_key TEXT PRIMARY KEY
) WITHOUT ROWID;
"#;

/// Schema step: rules, hidden articles, tags given by rules, and retention per feed.
pub(super) const RULES: &str = r#"
-- Rules (store/rules.rs), applied in `position` order; `caught` counts what each acted on.
CREATE TABLE rules (
    id       INTEGER PRIMARY KEY,
    position INTEGER NOT NULL,
    query    TEXT NOT NULL,
    action   TEXT NOT NULL,
    tag      TEXT,
    caught   INTEGER NOT NULL DEFAULT 0
);
-- Hidden by a rule: in no list but `is:hidden`.
ALTER TABLE articles ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
CREATE TABLE article_tags (
    id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (tag, id)
) WITHOUT ROWID;
CREATE INDEX article_tags_of ON article_tags(id);
-- Retention per feed (store/retention.rs): NULL follows the config; 0 keeps everything.
ALTER TABLE feeds ADD COLUMN keep_days INTEGER;
ALTER TABLE feeds ADD COLUMN max_items INTEGER;
-- The date index holds `hidden` too, so that lists, which leave hidden articles out,
-- still walk it without reading the table.
DROP INDEX articles_newest;
CREATE INDEX articles_newest ON articles(sort_key DESC, id DESC, read, starred, hidden);
-- Whether anything is hidden, without a walk.
CREATE INDEX articles_hidden ON articles(id) WHERE hidden = 1;
-- A feed's articles by date: retention finds what is past a feed's limits without
-- sorting the feed's rows.
CREATE INDEX articles_feed_date ON articles(feed_id, sort_key);
"#;

/// Schema step: the enclosures table.
pub(super) const ENCLOSURES: &str = r#"
-- Files attached to articles (store/enclosures.rs), in the feed's order.
CREATE TABLE enclosures (
    id       INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    url      TEXT NOT NULL,
    mime     TEXT,
    bytes    INTEGER,
    seconds  INTEGER,
    PRIMARY KEY (id, position)
) WITHOUT ROWID;
"#;

/// Schema step: accounts, feeds' account and their id on its server, and the outbox of
/// local changes waiting to be pushed (store/outbox.rs).
pub(super) const SYNC: &str = r#"
-- Accounts on sync servers (store/accounts.rs). The secret is never stored: secret_env
-- names an environment variable, secret_command is a JSON array (a program and its
-- arguments, run without a shell) whose output is the secret.
CREATE TABLE accounts (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    url            TEXT NOT NULL,
    user           TEXT,
    secret_env     TEXT,
    secret_command TEXT,
    -- server time (Unix seconds) up to which changes have been pulled: changed_after
    synced_until   INTEGER,
    -- the highest entry id pulled: newer entries are asked for by id
    last_entry     INTEGER,
    last_sync      INTEGER,
    last_error     TEXT,
    -- when the last sync, whether it worked or not, ended: the next is due a refresh later
    last_attempt   INTEGER
);
-- A feed of an account: its id on the account's server (NULL until it exists there).
-- Removing an account keeps its feeds, as local ones.
ALTER TABLE feeds ADD COLUMN account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL;
ALTER TABLE feeds ADD COLUMN remote_id TEXT;
CREATE UNIQUE INDEX feeds_remote ON feeds(account_id, remote_id) WHERE remote_id IS NOT NULL;
-- Local changes to an account's articles and feeds, written in the same transaction as
-- the change, pushed in order by a sync and deleted once the server has them.
-- remote_id is the item's id on the server when the change was made (a removed feed's
-- row is gone by the time it is pushed); value is the url, name or tag of the change.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    change     TEXT NOT NULL,
    article_id INTEGER,
    feed_id    INTEGER,
    remote_id  TEXT,
    value      TEXT,
    made       INTEGER NOT NULL
);
CREATE INDEX outbox_by_account ON outbox(account_id, id);
-- A new read or star change replaces the article's earlier one (store/outbox.rs).
CREATE INDEX outbox_by_article ON outbox(article_id) WHERE article_id IS NOT NULL;
"#;
