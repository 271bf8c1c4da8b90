//! The pictures kept on disk beside the store (`<store>.images/`), so a picture seen
//! once is shown again offline. Each is a file named by a hash of its address, holding
//! the bytes as fetched, with a `.of` file beside it listing the articles that showed it.
//! The cache has a size cap: past it, the least recently shown go first (a file's
//! modification time is when it was last shown), except the pictures of starred articles.
//! Pictures of articles no longer in the store go at the next sweep (`herald prune`).

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context as _, Result};

use crate::domain::model::ArticleId;

/// The cap when the config gives none (`image_cache_mb`).
pub const DEFAULT_CAP_MB: u64 = 500;

/// What the store says about the articles that showed a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// None of them is in the store any more: the picture can go.
    Gone,
    /// One of them is starred: the picture stays whatever the cap.
    Starred,
    /// Ordinary: it goes when the cache is over its cap and it is among the oldest shown.
    Plain,
}

#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    cap_bytes: u64,
}

/// One kept picture, as a sweep sees it.
#[derive(Debug)]
struct Entry {
    path: PathBuf,
    size: u64,
    shown: SystemTime,
}

/// What a sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub removed: usize,
    pub freed_bytes: u64,
    pub kept: usize,
    pub kept_bytes: u64,
}

impl Cache {
    /// The cache beside the store at `store`: `<store>.images/`, created when first used.
    pub fn beside(store: &Path, cap_mb: u64) -> Cache {
        let mut name = store.as_os_str().to_owned();
        name.push(".images");
        Cache::at(PathBuf::from(name), cap_mb.saturating_mul(1024 * 1024))
    }

    pub fn at(dir: PathBuf, cap_bytes: u64) -> Cache {
        Cache { dir, cap_bytes }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path_of(&self, url: &str) -> PathBuf {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(url.as_bytes());
        let name: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        self.dir.join(name)
    }

    /// Whether the picture at `url` is kept.
    pub fn contains(&self, url: &str) -> bool {
        self.path_of(url).is_file()
    }

    /// The kept bytes of `url`, leaving when it was last shown as it was.
    pub fn peek(&self, url: &str) -> Option<Vec<u8>> {
        fs::read(self.path_of(url)).ok()
    }

    /// The kept bytes of `url`, marking it shown now; `None` when not kept.
    pub fn get(&self, url: &str) -> Option<Vec<u8>> {
        let path = self.path_of(url);
        let bytes = fs::read(&path).ok()?;
        if let Ok(file) = fs::File::options().append(true).open(&path) {
            let _ = file.set_modified(SystemTime::now());
        }
        Some(bytes)
    }

    /// Keeps `bytes` as the picture at `url`, shown by article `by`. Written whole to a
    /// temporary file and renamed, so another herald never reads half a picture.
    pub fn put(&self, url: &str, bytes: &[u8], by: ArticleId) -> Result<()> {
        fs::create_dir_all(&self.dir)
            .with_context(|| format!("creating {}", self.dir.display()))?;
        let path = self.path_of(url);
        let temporary = path.with_extension(format!("part{}", std::process::id()));
        fs::write(&temporary, bytes).with_context(|| format!("writing {}", temporary.display()))?;
        fs::rename(&temporary, &path).with_context(|| format!("keeping {}", path.display()))?;
        self.shown_by(url, by)
    }

    /// Records that article `by` shows the picture at `url` (once per article).
    pub fn shown_by(&self, url: &str, by: ArticleId) -> Result<()> {
        let of = self.path_of(url).with_extension("of");
        let listed = fs::read_to_string(&of).unwrap_or_default();
        if listed.lines().any(|l| l == by.0.to_string()) {
            return Ok(());
        }
        let mut file = fs::File::options()
            .create(true)
            .append(true)
            .open(&of)
            .with_context(|| format!("writing {}", of.display()))?;
        writeln!(file, "{}", by.0).with_context(|| format!("writing {}", of.display()))
    }

    fn entries(&self) -> Vec<Entry> {
        let Ok(dir) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        dir.filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_none())
            .filter_map(|e| {
                let meta = e.metadata().ok()?;
                meta.is_file().then(|| Entry {
                    path: e.path(),
                    size: meta.len(),
                    shown: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                })
            })
            .collect()
    }

    /// The bytes kept now.
    pub fn size(&self) -> u64 {
        self.entries().iter().map(|e| e.size).sum()
    }

    /// Removes the pictures whose articles are all gone, then, while the cache is over
    /// its cap, the least recently shown that no starred article holds. `held` answers
    /// for the articles listed beside one picture.
    pub fn sweep(&self, held: &mut dyn FnMut(&[ArticleId]) -> Held) -> Swept {
        let mut entries = self.entries();
        entries.sort_by_key(|e| e.shown);
        let mut total: u64 = entries.iter().map(|e| e.size).sum();
        let mut swept = Swept::default();
        for entry in entries {
            let of = entry.path.with_extension("of");
            let ids: Vec<ArticleId> = fs::read_to_string(&of)
                .unwrap_or_default()
                .lines()
                .filter_map(|l| l.trim().parse().ok().map(ArticleId))
                .collect();
            let verdict = held(&ids);
            let goes = match verdict {
                Held::Gone => true,
                Held::Starred => false,
                Held::Plain => total > self.cap_bytes,
            };
            if goes && fs::remove_file(&entry.path).is_ok() {
                let _ = fs::remove_file(&of);
                total = total.saturating_sub(entry.size);
                swept.removed += 1;
                swept.freed_bytes += entry.size;
            } else {
                swept.kept += 1;
                swept.kept_bytes += entry.size;
            }
        }
        swept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(cap: u64) -> (tempfile::TempDir, Cache) {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path().join("store.db.images"), cap);
        (dir, cache)
    }

    fn age(cache: &Cache, url: &str, seconds_ago: u64) {
        let file = fs::File::options()
            .append(true)
            .open(cache.path_of(url))
            .unwrap();
        file.set_modified(SystemTime::now() - std::time::Duration::from_secs(seconds_ago))
            .unwrap();
    }

    #[test]
    fn kept_pictures_come_back_and_sit_beside_the_store() {
        let store = Path::new("/tmp/x/herald.db");
        assert_eq!(
            Cache::beside(store, 1).dir(),
            Path::new("/tmp/x/herald.db.images")
        );
        let (_d, c) = cache(1000);
        assert!(c.get("https://a.example/1.png").is_none());
        c.put("https://a.example/1.png", b"abc", ArticleId(7))
            .unwrap();
        assert!(c.contains("https://a.example/1.png"));
        assert_eq!(c.get("https://a.example/1.png").unwrap(), b"abc");
        assert_eq!(c.size(), 3);
        c.shown_by("https://a.example/1.png", ArticleId(7)).unwrap();
        c.shown_by("https://a.example/1.png", ArticleId(8)).unwrap();
        let of = fs::read_to_string(c.path_of("https://a.example/1.png").with_extension("of"));
        assert_eq!(of.unwrap(), "7\n8\n");
    }

    #[test]
    fn over_the_cap_the_least_recently_shown_go_first_but_never_a_starred_articles() {
        let (_d, c) = cache(25);
        for (i, ago) in [(1, 500), (2, 400), (3, 300), (4, 200), (5, 100)] {
            let url = format!("https://a.example/{i}");
            c.put(&url, &[0u8; 10], ArticleId(i)).unwrap();
            age(&c, &url, ago);
        }
        // Showing the oldest makes it the newest.
        assert!(c.get("https://a.example/1").is_some());
        let swept = c.sweep(&mut |ids| {
            if ids == [ArticleId(2)] {
                Held::Starred
            } else {
                Held::Plain
            }
        });
        assert_eq!(swept.removed, 3, "{swept:?}");
        assert!(c.size() <= 25 || c.contains("https://a.example/2"));
        assert!(c.contains("https://a.example/1"), "shown just now");
        assert!(c.contains("https://a.example/2"), "a starred article's");
        assert!(!c.contains("https://a.example/3"));
        assert!(!c.contains("https://a.example/4"));
        assert!(c.contains("https://a.example/5") || c.size() <= 25);
    }

    #[test]
    fn pictures_of_articles_gone_from_the_store_are_freed() {
        let (_d, c) = cache(1 << 30);
        c.put("https://a.example/kept", b"k", ArticleId(1)).unwrap();
        c.put("https://a.example/gone", b"g", ArticleId(2)).unwrap();
        let swept = c.sweep(&mut |ids| {
            if ids.contains(&ArticleId(2)) {
                Held::Gone
            } else {
                Held::Plain
            }
        });
        assert_eq!(swept.removed, 1);
        assert!(c.contains("https://a.example/kept"));
        assert!(!c.contains("https://a.example/gone"));
        assert!(
            !c.path_of("https://a.example/gone")
                .with_extension("of")
                .exists()
        );
    }
}
