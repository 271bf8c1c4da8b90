//! `x` in the reader: the article on screen gets its full article from its page, in the
//! background (run here in line, as the event loop runs it without threads); the
//! status line says it is working, then what came of it, and the reader shows the new
//! text. A page that fails leaves the text and says why.

mod common;

use common::Harness;
use common::server::{Answer, Script, Server};
use herald::app::action::Action;
use herald::app::{Effect, Focus};
use herald::domain::model::NewArticle;

/// A site with one article page at `/story` and nothing else.
fn serve() -> Server {
    let page = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/pages/02-ghost.html"
    ))
    .unwrap();
    Script::new()
        .limit(20)
        .at("/story", Answer::typed("text/html", page))
        .otherwise(|_| Answer::new(404).body("gone"))
        .start()
}

fn teaser(title: &str, url: String) -> NewArticle {
    NewArticle {
        source: "Cross Notes".into(),
        title: title.into(),
        url: Some(url),
        paragraphs: vec!["A village bought its orchard.".into()],
        ..Default::default()
    }
}

#[test]
fn x_fetches_the_full_article_on_screen_and_a_failure_keeps_the_text() {
    let site = serve();
    let port = site.port();
    let mut h = Harness::new(
        &[
            // Undated: the later one is listed first.
            teaser("Orchard gone", format!("http://127.0.0.1:{port}/missing")),
            teaser("Orchard saved", format!("http://127.0.0.1:{port}/story")),
        ],
        100,
        30,
    );
    h.act(Action::OpenArticle);
    assert_eq!(h.app.focus, Focus::Reader);
    let reader = h.app.reader.as_ref().unwrap();
    let id = reader.article.summary.id;
    let title = reader.article.summary.title.clone();
    assert_eq!(title, "Orchard saved");
    assert_eq!(reader.article.paragraphs.len(), 1);

    // The key asks for the work and says so; the work is the loop's.
    let effects = h.app.update(Action::FetchFullText);
    assert_eq!(effects, [Effect::FetchFullText(id)]);
    let status = h.app.status.clone().unwrap_or_default();
    assert!(status.starts_with("Fetching the full article"), "{status}");
    h.run(effects);

    let status = h.app.status.clone().unwrap_or_default();
    assert!(status.starts_with("Full article fetched:"), "{status}");
    let reader = h.app.reader.as_ref().unwrap();
    assert_eq!(reader.article.summary.id, id, "the same article, reloaded");
    let article = h.store.articles().article(id).unwrap().unwrap();
    // The figure, then the six paragraphs; no tag, byline or date line.
    assert_eq!(article.paragraphs.len(), 7, "{:?}", article.paragraphs);
    assert!(article.paragraphs[0].starts_with("[image 1: Apple trees"));
    // The tag's link went with the tag: the image is link 1.
    assert_eq!(
        article.links,
        ["https://crossnotes.example/content/images/orchard.jpg"]
    );
    assert!(article.paragraphs[2].contains("printed a map of the orchard"));
    assert!(reader.article.paragraphs.starts_with(&article.paragraphs));
    assert_eq!(
        article.summary_text.as_deref(),
        Some("A village bought its orchard.")
    );

    // The other one's page is gone: its text stays, and the status line says why.
    h.act(Action::NextArticle);
    let reader = h.app.reader.as_ref().unwrap();
    assert_ne!(reader.article.summary.title, title);
    let other = reader.article.summary.id;
    h.keys("x");
    let status = h.app.status.clone().unwrap_or_default();
    assert!(
        status.starts_with("Full article not fetched, the text stays:") && status.contains("404"),
        "{status}"
    );
    let article = h.store.articles().article(other).unwrap().unwrap();
    assert_eq!(article.paragraphs, ["A village bought its orchard."]);
}
