//! Adding a feed from the reader: `a`, an address, Enter. A site's page leads to its feed,
//! several are offered by number, and an address with no feed adds nothing.

mod common;

use common::server::{Answer, Script, Server};
use common::{Harness, fixtures};
use herald::app::{PromptKind, Report};
use herald::domain::discover::{Candidate, Via};

fn rss(title: &str, item: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>\
         <item><guid>{item}</guid><title>{item}</title>\
         <pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate>\
         <description>Text of {item}.</description></item></channel></rss>"
    )
}

/// A site: `/` names one feed, `/two` names two, the feeds, and 404 for the rest.
fn serve() -> Server {
    let link = |href: &str, title: &str| {
        format!(
            "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"{title}\" href=\"{href}\">"
        )
    };
    Script::new()
        .limit(200)
        .at(
            "/",
            Answer::typed(
                "text/html",
                format!(
                    "<html><head>{}</head><body>Quay</body></html>",
                    link("/feed.xml", "Quay Post")
                ),
            ),
        )
        .at(
            "/two",
            Answer::typed(
                "text/html",
                format!(
                    "<html><head>{}{}</head><body>Quay</body></html>",
                    link("/feed.xml", "Quay Post"),
                    link("/other.xml", "Quay Notices")
                ),
            ),
        )
        .at(
            "/feed.xml",
            Answer::typed(
                "application/rss+xml",
                rss("Quay Post", "Crane back in service"),
            ),
        )
        .at(
            "/other.xml",
            Answer::typed(
                "application/rss+xml",
                rss("Quay Notices", "Berth four closed"),
            ),
        )
        .otherwise(|_| {
            Answer::new(404)
                .header("Content-Type", "text/plain")
                .body("not here")
        })
        .start()
}

fn add(h: &mut Harness, address: &str) {
    h.keys("a");
    h.type_text(address);
    h.keys("enter");
}

#[test]
fn a_sites_address_subscribes_to_its_feed_and_fetches_it() {
    let site = serve();
    let port = site.port();
    let mut h = Harness::new(&fixtures(), 120, 30);
    add(&mut h, &format!("http://127.0.0.1:{port}/"));
    let feeds = h.store.feeds().list().unwrap();
    assert_eq!(feeds.len(), 1);
    assert_eq!(feeds[0].url, format!("http://127.0.0.1:{port}/feed.xml"));
    assert_eq!(
        h.app.list.total, 7,
        "fetched at once: its article is in the list"
    );
    let status = h.app.status.clone().unwrap_or_default();
    // The status names the feed fetched (#28).
    assert!(status.contains("Fetched Quay Post: 1 new"), "{status}");
    // The same address again: already subscribed, nothing doubled.
    add(&mut h, &format!("http://127.0.0.1:{port}/"));
    assert!(
        h.app
            .status
            .as_deref()
            .unwrap_or_default()
            .contains("Already subscribed")
    );
    assert_eq!(h.store.feeds().list().unwrap().len(), 1);
}

#[test]
fn several_feeds_are_offered_by_number() {
    let site = serve();
    let port = site.port();
    let mut h = Harness::new(&fixtures(), 120, 30);
    add(&mut h, &format!("http://127.0.0.1:{port}/two"));
    assert!(
        h.store.feeds().list().unwrap().is_empty(),
        "nothing until one is chosen"
    );
    let bottom = h.screen().lines().last().unwrap().to_owned();
    assert!(bottom.starts_with("Which feed?"), "{bottom}");
    assert!(bottom.contains("1 Quay Post · 2 Quay Notices"), "{bottom}");
    h.type_text("2");
    h.keys("enter");
    let feeds = h.store.feeds().list().unwrap();
    assert_eq!(feeds.len(), 1);
    assert!(feeds[0].url.ends_with("/other.xml"));
    // A number out of range adds nothing and says why.
    add(&mut h, &format!("http://127.0.0.1:{port}/two"));
    h.type_text("9");
    h.keys("enter");
    assert_eq!(h.store.feeds().list().unwrap().len(), 1);
    assert!(
        h.app
            .status
            .as_deref()
            .unwrap_or_default()
            .contains("choose 1 to 2")
    );
}

#[test]
fn an_address_with_no_feed_adds_nothing_and_says_why() {
    let site = serve();
    let port = site.port();
    let mut h = Harness::new(&fixtures(), 120, 30);
    add(&mut h, &format!("http://127.0.0.1:{port}/missing"));
    assert!(h.store.feeds().list().unwrap().is_empty());
    let status = h.app.status.clone().unwrap_or_default();
    assert!(status.starts_with("No feed added:"), "{status}");
    add(&mut h, "");
    assert_eq!(
        h.app.status.as_deref(),
        Some("No address: nothing was added")
    );
    // Esc leaves the question without adding anything.
    h.keys("a");
    h.type_text("http://127.0.0.1:9/");
    h.keys("esc");
    assert!(h.app.prompt.is_none());
    assert!(h.store.feeds().list().unwrap().is_empty());
}

/// The feeds a site names arrive after the network answers, and by then the person may
/// be typing elsewhere: `a`, an address, Enter, then `/tram`. "Which feed?" took the
/// search prompt over mid-word, the rest of the word went to it, and the search was
/// lost. It now waits until the prompt open is closed.
#[test]
fn the_choice_of_feeds_waits_for_the_prompt_being_typed_in() {
    let mut h = Harness::new(&fixtures(), 120, 30);
    h.keys("/ t r");
    let candidate = |url: &str, title: &str| Candidate {
        url: url.into(),
        title: Some(title.into()),
        via: Via::Link,
        followed: false,
    };
    h.report(Report::FeedsFound {
        address: "http://quay.example/".into(),
        found: Ok(vec![
            candidate("http://quay.example/feed.xml", "Quay Post"),
            candidate("http://quay.example/other.xml", "Quay Notices"),
        ]),
    });
    h.keys("a m");
    let prompt = h.app.prompt.as_ref().map(|p| (p.kind, p.input.as_str()));
    assert_eq!(prompt, Some((PromptKind::Search, "tram")));
    h.keys("enter");
    assert_eq!(h.app.list.total, 1, "the search ran");
    let bottom = h.screen().lines().last().unwrap().to_owned();
    assert!(bottom.starts_with("Which feed?"), "{bottom}");
    assert!(bottom.contains("1 Quay Post · 2 Quay Notices"), "{bottom}");
    // Esc drops the choice: it is not asked again.
    h.keys("esc j");
    assert_eq!(h.app.prompt, None);
}
