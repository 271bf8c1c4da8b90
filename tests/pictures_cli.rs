//! Pictures on the command line and in the cache: `show` prints the alt text, `show
//! --json` lists each picture (kept or not, with its size when kept), `export` keeps the
//! addresses, `delete` and `prune` free the kept pictures of articles gone, and a
//! starred article's pictures outlast the cap.

mod common;

use common::herald_at as herald;
use common::server::{Answer, Script};
use herald::domain::images::{self, Cache};
use herald::domain::model::{ArticleId, NewArticle};
use herald::domain::store::Store;

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(width, height, image::Rgba([90, 60, 200, 255]));
    let mut out = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut out),
        img.as_raw(),
        width,
        height,
        image::ExtendedColorType::Rgba8,
    )
    .unwrap();
    out
}

fn illustrated(guid: &str, url: &str) -> NewArticle {
    NewArticle {
        guid: Some(guid.into()),
        source: "Orchard Gazette".into(),
        title: format!("Grafting season ({guid})"),
        paragraphs: vec![
            "The grafting workshop filled its benches again.".into(),
            "[image 1: Hands binding a graft]".into(),
            "A cleft graft, bound with tape.".into(),
            "Bring your own knife next year.".into(),
        ],
        links: vec![url.into()],
        ..Default::default()
    }
}

fn store_at(dir: &std::path::Path) -> (std::path::PathBuf, Store) {
    let path = dir.join("orchard.db");
    let store = Store::open(&path).unwrap();
    store
        .articles()
        .import(
            &[
                illustrated("a", "https://pics.test/graft.png"),
                illustrated("b", "https://pics.test/ladder.png"),
            ],
            jiff::Timestamp::from_second(1_750_000_000).unwrap(),
        )
        .unwrap();
    (path, store)
}

#[test]
fn show_lists_pictures_and_delete_frees_the_kept_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = store_at(dir.path());
    let ids = store
        .articles()
        .search(
            &herald::domain::search::parse("grafting", jiff::Timestamp::now(), false).unwrap(),
            herald::domain::search::Order::Newest,
        )
        .unwrap()
        .ids;
    assert_eq!(ids.len(), 2);
    let first = store.articles().article(ids[0]).unwrap().unwrap();
    let url = first.links[0].clone();
    let cache = Cache::beside(&path, 500);
    cache.put(&url, &png(30, 12), first.summary.id).unwrap();
    drop(store);

    let id = first.summary.id.0.to_string();
    let out = herald(&path, &["show", &id]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[image 1: Hands binding a graft]"), "{text}");

    let out = herald(&path, &["show", &id, "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let picture = &json["images"][0];
    assert_eq!(picture["url"], url.as_str());
    assert_eq!(picture["alt"], "Hands binding a graft");
    assert_eq!(picture["caption"], "A cleft graft, bound with tape.");
    assert_eq!(picture["cached"], true);
    assert_eq!(
        (picture["width"].as_u64(), picture["height"].as_u64()),
        (Some(30), Some(12))
    );
    let other = store_id_of_other(&path, first.summary.id);
    let out = herald(&path, &["show", &other, "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["images"][0]["cached"], false);
    assert!(json["images"][0]["width"].is_null());

    let out = herald(&path, &["export"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&url),
        "export keeps the address"
    );

    let out = herald(&path, &["delete", &id]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("freed 1 picture"), "{text}");
    assert!(!cache.contains(&url));
}

fn store_id_of_other(path: &std::path::Path, not: ArticleId) -> String {
    let store = Store::open(path).unwrap();
    let found = store
        .articles()
        .search(
            &herald::domain::search::parse("grafting", jiff::Timestamp::now(), false).unwrap(),
            herald::domain::search::Order::Newest,
        )
        .unwrap()
        .ids;
    found.into_iter().find(|i| *i != not).unwrap().0.to_string()
}

#[test]
fn over_the_cap_a_starred_articles_picture_stays_and_the_others_go() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = store_at(dir.path());
    let ids = store
        .articles()
        .search(
            &herald::domain::search::parse("grafting", jiff::Timestamp::now(), false).unwrap(),
            herald::domain::search::Order::Newest,
        )
        .unwrap()
        .ids;
    let (starred, plain) = (ids[0], ids[1]);
    store.articles().set_starred(starred, true).unwrap();
    // A cap of nothing: everything ordinary must go.
    let cache = Cache::at(Cache::beside(&path, 0).dir().to_path_buf(), 0);
    cache
        .put("https://pics.test/graft.png", &png(8, 8), starred)
        .unwrap();
    cache
        .put("https://pics.test/ladder.png", &png(8, 8), plain)
        .unwrap();
    let swept = images::sweep(&cache, &store);
    assert_eq!(swept.removed, 1, "{swept:?}");
    assert!(cache.contains("https://pics.test/graft.png"));
    assert!(!cache.contains("https://pics.test/ladder.png"));
}

/// `herald prune` frees the pictures of articles gone by any road (here deleted through
/// the store, as the reader's `D` does), even when it prunes nothing itself.
#[test]
fn prune_frees_the_pictures_of_articles_gone_another_way() {
    let dir = tempfile::tempdir().unwrap();
    let (path, store) = store_at(dir.path());
    let ids = store
        .articles()
        .search(
            &herald::domain::search::parse("grafting", jiff::Timestamp::now(), false).unwrap(),
            herald::domain::search::Order::Newest,
        )
        .unwrap()
        .ids;
    let cache = Cache::beside(&path, 500);
    cache
        .put("https://pics.test/graft.png", &png(8, 8), ids[0])
        .unwrap();
    cache
        .put("https://pics.test/ladder.png", &png(8, 8), ids[1])
        .unwrap();
    store.articles().delete_many(&ids[..1]).unwrap();
    drop(store);
    let out = herald(&path, &["prune"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("freed 1 picture"), "{text}");
    assert!(!cache.contains("https://pics.test/graft.png"));
    assert!(cache.contains("https://pics.test/ladder.png"));
}

/// A refresh keeps the new articles' pictures (#27: fetched with the feed item, not
/// only when the article is opened): `herald fetch` from a loopback site, then the site
/// is gone, and `show --json` says the picture is kept, with its size.
#[test]
fn a_refresh_keeps_the_new_articles_pictures_for_offline_reading() {
    let picture = png(24, 10);
    // Two requests: the feed, then its item's picture; then the site is gone.
    let server = Script::new()
        .limit(2)
        .at_with("/feed.xml", |r| {
            let origin = r.origin();
            Answer::typed(
                "application/rss+xml",
                format!(
                    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Orchard</title>\
                     <item><guid>o-1</guid><title>Pruning day</title>\
                     <link>{origin}/o-1</link>\
                     <description>&lt;p&gt;The pruning crew met at dawn.&lt;/p&gt;\
                     &lt;img src=\"{origin}/shears.png\" alt=\"Shears on a bench\"&gt;\
                     </description></item></channel></rss>"
                ),
            )
        })
        .otherwise(move |_| Answer::typed("image/png", picture.clone()))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orchard.db");
    let url = server.url("/feed.xml");
    assert!(
        herald(&path, &["feed", "add", "--no-check", &url])
            .status
            .success()
    );
    let out = herald(&path, &["fetch"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("kept 1 picture for offline reading"),
        "{said}"
    );
    assert_eq!(server.paths(), ["/feed.xml", "/shears.png"]);
    server.close();
    // The site is gone: the picture is kept all the same.
    let shown = herald(&path, &["show", "1", "--json"]);
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    let images = shown["images"].as_array().unwrap();
    assert_eq!(images.len(), 1, "{shown}");
    assert_eq!(images[0]["cached"], true, "{shown}");
    assert_eq!(images[0]["width"], 24, "{shown}");
}
