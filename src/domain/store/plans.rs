//! A test that reads SQLite's plan for every statement the daily paths run (fetching,
//! importing, the reader and its searches) and fails on any that reads the whole
//! articles, bodies or links table: such a statement's cost grows with the archive, which is
//! how a fetch into 100,000 articles once took 19 s instead of 0.2 s.

use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use rusqlite::trace::{TraceEvent, TraceEventCodes};

use super::Store;
use crate::domain::model::{NewArticle, Position, Published};
use crate::domain::search::{self, Order};

fn article(i: usize, feed_item: bool) -> NewArticle {
    NewArticle {
        guid: feed_item.then(|| format!("item-{i}")),
        url: Some(format!("https://example.org/{i}")),
        source: if i.is_multiple_of(2) {
            "Harbour"
        } else {
            "Tram"
        }
        .into(),
        title: format!("Ferry timetable {i}"),
        authors: vec!["Ana Lima".into()],
        published: Some(Published {
            instant: Timestamp::from_second(1_700_000_000 + i as i64 * 3600).unwrap(),
            offset: None,
        }),
        paragraphs: vec![
            format!("The ferry number {i} leaves at dawn."),
            "終電".into(),
        ],
        links: if i.is_multiple_of(3) {
            vec![format!("https://example.org/{i}/more")]
        } else {
            Vec::new()
        },
        ..Default::default()
    }
}

/// Statements that walk every row on purpose: they are asked for the whole archive.
const WHOLE_ARCHIVE: &[&str] = &[
    // `A` on the All view marks every unread article read.
    "SELECT id FROM articles WHERE read = 0",
    "UPDATE articles SET read = 1 WHERE read = 0",
];

#[test]
fn no_statement_on_the_daily_paths_reads_a_whole_table() {
    let mut store = Store::open_in_memory().unwrap();
    let now = Timestamp::now();
    let local: Vec<NewArticle> = (0..300).map(|i| article(i, false)).collect();
    store.articles().import(&local, now).unwrap();
    let feed = store
        .feeds()
        .add_feed("https://example.org/rss", None)
        .unwrap();
    store
        .feeds()
        .upsert(
            Some(&feed),
            &(300..400).map(|i| article(i, true)).collect::<Vec<_>>(),
            now,
        )
        .unwrap();
    store.conn.execute_batch("ANALYZE").unwrap();

    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&seen);
    store
        .conn
        .trace_v2(
            TraceEventCodes::SQLITE_TRACE_STMT,
            Some(move |event: TraceEvent<'_>| {
                if let TraceEvent::Stmt(stmt, _) = event
                    && let Some(sql) = stmt.expanded_sql()
                {
                    sink.lock().unwrap().push(sql);
                }
            }),
        )
        .unwrap();

    // The fetch path: a refetch of known items (some changed), new items, the record.
    let mut items: Vec<NewArticle> = (350..450).map(|i| article(i, true)).collect();
    items[0].title.push_str(" (corrected)");
    items[1].links.push("https://example.org/added".into());
    store.feeds().upsert(Some(&feed), &items, now).unwrap();
    // A feed file from disk, matched among local articles.
    store
        .feeds()
        .upsert(None, &[article(5, false), article(900, false)], now)
        .unwrap();
    store
        .feeds()
        .record_fetch(feed.id, Some("\"v2\""), None, None, now)
        .unwrap();
    store.feeds().name_feed(feed.id, "Harbour feed").unwrap();
    store.feeds().list().unwrap();
    store
        .feeds()
        .feed_by_url("https://example.org/rss")
        .unwrap();
    // Full articles: a feed that keeps them, its new items waiting, a page stored, a
    // page failed, a page deferred, and the feed fetched again.
    store.feeds().set_full_text(feed.id, true).unwrap();
    let full = store.feeds().find_feed(&feed.id.to_string()).unwrap();
    let fresh: Vec<NewArticle> = (2000..2003).map(|i| article(i, true)).collect();
    store.feeds().upsert(Some(&full), &fresh, now).unwrap();
    let waiting = store.articles().due_full_texts(100, now).unwrap();
    let page = NewArticle {
        paragraphs: vec!["A much longer text than the feed's teaser had. ".repeat(10)],
        ..article(3000, false)
    };
    store
        .articles()
        .store_full_text(waiting[0].id, &page, now)
        .unwrap();
    store
        .articles()
        .record_full_text_failure(waiting[1].id, "HTTP 404", now)
        .unwrap();
    store
        .articles()
        .defer_full_text(waiting[2].id, now)
        .unwrap();
    store.articles().full_text(waiting[0].id).unwrap();
    store.feeds().upsert(Some(&full), &fresh, now).unwrap();
    // The import path.
    store
        .articles()
        .import(&[article(1000, false)], now)
        .unwrap();
    // The reader: start-up, moving, opening, marking, views, searching.
    store.articles().count().unwrap();
    store.articles().count_unread().unwrap();
    let page = store.articles().summaries(Some(40), 0).unwrap();
    store.articles().summaries(Some(40), 200).unwrap();
    let id = page[3].id;
    store.articles().summary(id).unwrap();
    store.articles().article(id).unwrap();
    store.articles().set_read(id, true).unwrap();
    store.articles().set_starred(id, true).unwrap();
    store
        .articles()
        .save_position(
            id,
            Position {
                paragraph: 1,
                offset: 4,
            },
        )
        .unwrap();
    store
        .articles()
        .set_read_many(&[page[4].id, page[5].id], true)
        .unwrap();
    store.articles().mark_all_read(Some(&[page[6].id])).unwrap();
    store.articles().mark_all_read(None).unwrap();
    store
        .articles()
        .set_read_many(&[page[7].id], false)
        .unwrap();
    store.articles().next_unread(Some(id)).unwrap();
    store.articles().next_unread(None).unwrap();
    store.articles().rank_of(id).unwrap();
    store.views().save_view("ferries", "ferry").unwrap();
    store.views().list().unwrap();
    store.views().set_meta("last_open", "1").unwrap();
    store.views().meta("last_open").unwrap();
    for text in [
        "ferry",
        "fer",
        "\"leaves at dawn\"",
        "ferry -tram",
        "title:timetable author:lima",
        "source:Harbour is:unread",
        "is:starred",
        "is:unread after:2023-01-01 before:2030-01-01",
        "since:30d",
        "ferry OR tram",
        "終電",
    ] {
        let query = search::parse(text, now, false).unwrap();
        for order in [Order::Relevance, Order::Newest] {
            let found = store.articles().search(&query, order).unwrap();
            store.articles().summaries_by_ids(&found.ids).unwrap();
        }
    }
    store.articles().delete(page[8].id).unwrap();
    // Managing subscriptions: tags, counts, renaming, removing with the articles.
    let found = store.feeds().find_feed(&feed.id.to_string()).unwrap();
    store.feeds().find_feed(&found.url).unwrap();
    store.feeds().tag_feed(feed.id, "news").unwrap();
    store.feeds().untag_feed(feed.id, "news").unwrap();
    store.feeds().tag_feed(feed.id, "daily").unwrap();
    store.feeds().tags_of(feed.id).unwrap();
    store.feeds().all_tags().unwrap();
    store.feeds().feed_counts(feed.id).unwrap();
    // The sources pane: its counts, and each kind of source chosen, alone or searched.
    store.articles().source_counts().unwrap();
    let account = store
        .accounts()
        .add_account(&crate::domain::store::NewAccount {
            name: "home".into(),
            kind: crate::domain::store::AccountKind::Miniflux,
            url: "https://rss.example.org".into(),
            user: None,
            secret: crate::domain::store::SecretSource::Env("TOKEN".into()),
        })
        .unwrap();
    store
        .accounts()
        .set_feed_account(feed.id, Some(account.id), Some("1"))
        .unwrap();
    for within in [
        search::Within::Feed(feed.id),
        search::Within::Tag("daily".into()),
        search::Within::Local("Harbour".into()),
        search::Within::Account(account.id),
    ] {
        for text in ["", "ferry", "is:unread"] {
            let mut query = search::parse(text, now, false).unwrap();
            query.within = Some(within.clone());
            let found = store.articles().search(&query, Order::Newest).unwrap();
            assert!(
                text == "is:unread" || !found.ids.is_empty(),
                "{within:?} {text}"
            );
        }
    }
    store.feeds().rename_feed(feed.id, "Harbour").unwrap();
    store.articles().set_starred(page[9].id, true).unwrap();
    store.feeds().remove_feed(feed.id, false).unwrap();
    store
        .conn
        .trace_v2(TraceEventCodes::empty(), None::<fn(TraceEvent<'_>)>)
        .unwrap();

    let statements = seen.lock().unwrap().clone();
    assert!(
        statements.len() > 40,
        "the trace saw {} statements",
        statements.len()
    );
    let mut whole = Vec::new();
    for sql in &statements {
        let head = sql.trim_start().to_ascii_uppercase();
        if !(head.starts_with("SELECT")
            || head.starts_with("INSERT")
            || head.starts_with("UPDATE")
            || head.starts_with("DELETE")
            || head.starts_with("WITH"))
            || sql.contains("'main'.")
            || WHOLE_ARCHIVE.iter().any(|w| sql.trim() == *w)
        {
            continue;
        }
        let mut explain = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap_or_else(|err| panic!("{sql}: {err}"));
        let details: Vec<String> = explain
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for detail in details {
            let scans_whole = [
                "SCAN articles",
                "SCAN a",
                "SCAN bodies",
                "SCAN b",
                "SCAN links",
                "SCAN l",
            ]
            .iter()
            .any(|t| {
                detail == *t || detail.starts_with(&format!("{t} ")) && !detail.contains("INDEX")
            });
            if scans_whole {
                whole.push(format!(
                    "{detail}  <-  {}",
                    sql.split_whitespace().collect::<Vec<_>>().join(" ")
                ));
            }
        }
    }
    assert!(
        whole.is_empty(),
        "statements that read a whole table:\n{}",
        whole.join("\n")
    );
}
