//! The command line's side of pictures: `show --json` lists an article's pictures (their
//! address, alt text, caption, size when kept, and whether kept), and `prune` and
//! `delete` free the kept pictures of articles no longer in the store. `show` prints the
//! markers (`[image N: alt]`) as text and `export` keeps the addresses among the links.

use serde::Serialize;

use super::output::JsonArticle;
use crate::domain::images::{self, Cache};
use crate::domain::model::Article;
use crate::domain::store::Store;

#[derive(Serialize)]
pub(super) struct JsonPicture {
    url: Option<String>,
    alt: String,
    caption: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
    cached: bool,
}

/// `show --json`: the article, with its pictures.
#[derive(Serialize)]
pub(super) struct JsonShown<'a> {
    #[serde(flatten)]
    article: JsonArticle<'a>,
    images: Vec<JsonPicture>,
}

/// The article as `show --json` prints it; the cache beside `store`, when it has a file,
/// says which pictures are kept and their size.
pub(super) fn shown<'a>(article: &'a Article, store: &Store) -> JsonShown<'a> {
    // The cap does not matter for reading.
    let cache = store
        .path()
        .map(|p| Cache::beside(p, images::DEFAULT_CAP_MB));
    let images = images::figures(article)
        .into_iter()
        .map(|figure| {
            let kept = figure
                .url
                .as_deref()
                .and_then(|url| cache.as_ref()?.peek(url));
            let size = kept
                .as_deref()
                .and_then(|bytes| images::decode::dimensions(bytes).ok());
            JsonPicture {
                cached: kept.is_some(),
                width: size.map(|s| s.0),
                height: size.map(|s| s.1),
                url: figure.url,
                alt: figure.alt,
                caption: figure.caption,
            }
        })
        .collect();
    JsonShown {
        article: JsonArticle::from(article),
        images,
    }
}

/// Frees the kept pictures of articles no longer in the store (and only those: the cap
/// is the reader's to keep). Returns a line to print when any went.
pub(super) fn free_gone(store: &Store) -> Option<String> {
    let cache = Cache::at(
        Cache::beside(store.path()?, 0).dir().to_path_buf(),
        u64::MAX,
    );
    if !cache.dir().is_dir() {
        return None;
    }
    let swept = images::sweep(&cache, store);
    (swept.removed > 0).then(|| {
        format!(
            "freed {} of articles no longer kept ({:.1} MiB)",
            crate::domain::message::count(swept.removed, "picture", "pictures"),
            swept.freed_bytes as f64 / (1024.0 * 1024.0)
        )
    })
}
