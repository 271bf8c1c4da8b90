//! Article bodies are kept zstd-compressed. Single articles are too short for zstd to
//! find much to share inside one, so once a store holds `TRAIN_AT` bodies a dictionary
//! is trained on a sample of them and every later body is compressed with it (on the
//! suite's corpus: 6.2 KB of text to 3.4 KB alone, 2.6 KB with the dictionary). The
//! dictionary lives in the store (`dictionaries`); a body's zstd frame names the
//! dictionary it needs, so bodies written before the training stay readable as they are.
//!
//! The codec is shared with the threads that prepare rows, so compressing happens there
//! and not on the one thread that writes.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use anyhow::{Context, Result, anyhow, bail};
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use zstd::zstd_safe::{CCtx, CDict, DCtx, DDict};

/// zstd's default level: at 3 compressing costs ~0.2 ms per article on the parsing
/// thread; higher levels gained under 3% for 2 to 5 times the time.
const LEVEL: i32 = 3;

/// How many bodies a store holds before a dictionary is trained on them.
pub const TRAIN_AT: usize = 1_000;

/// The most bodies the dictionary is trained on, newest first, and their largest share.
const SAMPLES: usize = 2_000;
const SAMPLE_BYTES: usize = 16 * 1024;

/// zstd's own advice for a dictionary's size.
const DICTIONARY_BYTES: usize = 112 * 1024;

/// A stored body never decompresses to more than this: the importers cap bodies far
/// below it, so anything larger is damage, not an article.
const MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;

/// The dictionaries of a store: the newest compresses, any of them decompresses.
#[derive(Default)]
struct Dictionaries {
    encoder: Option<Arc<Encoder>>,
    decoders: HashMap<u32, Arc<DDict<'static>>>,
}

/// The newest dictionary, made ready for compressing only when something is compressed:
/// zstd's compression form of a 112 KiB dictionary holds about a megabyte of tables, which
/// the reader (it only decompresses) would otherwise pay at start-up, once per
/// dictionary in the store.
struct Encoder {
    id: u32,
    data: Vec<u8>,
    ready: std::sync::OnceLock<Arc<CDict<'static>>>,
}

impl Encoder {
    /// `None` only when zstd cannot allocate its tables: that body is then compressed
    /// without the dictionary, which `decompress` reads as well, and the next one tries
    /// again (a failure is not kept: one short allocation would otherwise end the
    /// dictionary's use for the process's life).
    fn cdict(&self) -> Option<Arc<CDict<'static>>> {
        if let Some(ready) = self.ready.get() {
            return Some(ready.clone());
        }
        let made = Arc::new(CDict::try_create(&self.data, LEVEL)?);
        Some(self.ready.get_or_init(|| made).clone())
    }
}

#[derive(Clone, Default)]
pub struct Codec {
    dictionaries: Arc<RwLock<Dictionaries>>,
    /// A dictionary trained away from the store (on the thread that prepares a bulk
    /// import's rows), to be saved by the first write that uses it.
    unsaved: Arc<std::sync::Mutex<Option<Trained>>>,
}

/// A dictionary's zstd id and bytes.
type Trained = (u32, Vec<u8>);

thread_local! {
    // A context holds megabytes of work space: one per thread, not one per body.
    static COMPRESSOR: RefCell<Option<CCtx<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<DCtx<'static>>> = const { RefCell::new(None) };
}

const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// The dictionary a zstd frame was compressed with, if any.
fn dictionary_of(blob: &[u8]) -> Option<u32> {
    zstd::zstd_safe::get_dict_id_from_frame(blob).map(|id| id.get())
}

impl Codec {
    /// The codec of the store behind `conn`, with its dictionaries.
    pub fn load(conn: &Connection) -> Result<Codec> {
        let codec = Codec::default();
        codec.reload(conn)?;
        Ok(codec)
    }

    /// Reads the store's dictionaries again: another process may have trained one.
    pub fn reload(&self, conn: &Connection) -> Result<()> {
        let mut stmt = conn
            .prepare("SELECT id, data FROM dictionaries ORDER BY rowid")
            .context("reading the store's compression dictionaries")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
        for row in rows {
            let (id, data) = row?;
            self.add(id as u32, &data)?;
        }
        Ok(())
    }

    fn add(&self, id: u32, data: &[u8]) -> Result<()> {
        let damaged = || anyhow!("the store's compression dictionary {id} is damaged");
        let decoder = DDict::try_create(data).ok_or_else(damaged)?;
        if let Ok(mut d) = self.dictionaries.write() {
            d.encoder = Some(Arc::new(Encoder {
                id,
                data: data.to_vec(),
                ready: std::sync::OnceLock::new(),
            }));
            d.decoders.insert(id, Arc::new(decoder));
        }
        Ok(())
    }

    pub fn has_dictionary(&self) -> bool {
        self.dictionaries.read().is_ok_and(|d| d.encoder.is_some())
    }

    /// Whether reading `stored` needs a dictionary this codec has not loaded.
    pub fn lacks_dictionary_for(&self, stored: ValueRef<'_>) -> bool {
        match stored {
            ValueRef::Blob(blob) if blob.starts_with(&ZSTD_MAGIC) => match dictionary_of(blob) {
                Some(id) => self
                    .dictionaries
                    .read()
                    .is_ok_and(|d| !d.decoders.contains_key(&id)),
                None => false,
            },
            _ => false,
        }
    }

    /// Compresses a body, with the dictionary when there is one.
    pub fn compress(&self, text: &str) -> Vec<u8> {
        let dictionary = self
            .dictionaries
            .read()
            .ok()
            .and_then(|d| d.encoder.clone())
            .and_then(|encoder| encoder.cdict());
        let mut out = Vec::with_capacity(zstd::zstd_safe::compress_bound(text.len()));
        let done = with_compressor(|cctx| {
            match &dictionary {
                Some(d) => cctx.compress_using_cdict(&mut out, text.as_bytes(), d),
                None => cctx.compress(&mut out, text.as_bytes(), LEVEL),
            }
            .ok()
        });
        match done {
            Some(_) => out,
            // zstd could not have a context (out of memory): keep the text as it is;
            // `decompress` reads a body stored as text too.
            None => text.as_bytes().to_vec(),
        }
    }

    /// A stored body as text: zstd frames are decompressed, text (stores from before
    /// compression, or the fallback above) is taken as it is.
    pub fn decompress(&self, stored: ValueRef<'_>) -> Result<String> {
        let blob = match stored {
            ValueRef::Text(text) => return Ok(String::from_utf8_lossy(text).into_owned()),
            ValueRef::Blob(blob) => blob,
            ValueRef::Null => return Ok(String::new()),
            _ => bail!("a stored body is neither text nor compressed text"),
        };
        if !blob.starts_with(&ZSTD_MAGIC) {
            return Ok(String::from_utf8_lossy(blob).into_owned());
        }
        let size = zstd::zstd_safe::get_frame_content_size(blob)
            .ok()
            .flatten()
            .filter(|&n| n <= MAX_BODY_BYTES)
            .context("a stored body is damaged (no size, or too large)")?;
        let dictionary = match dictionary_of(blob) {
            None => None,
            Some(id) => match self
                .dictionaries
                .read()
                .ok()
                .and_then(|d| d.decoders.get(&id).cloned())
            {
                Some(d) => Some(d),
                None => {
                    bail!("a stored body needs compression dictionary {id}, which is missing")
                }
            },
        };
        let mut out: Vec<u8> = Vec::with_capacity(size as usize);
        DECOMPRESSOR.with(|cell| {
            let mut cell = cell.borrow_mut();
            let dctx = match &mut *cell {
                Some(dctx) => dctx,
                None => cell.insert(
                    DCtx::try_create()
                        .ok_or_else(|| anyhow!("zstd has no memory to decompress"))?,
                ),
            };
            match &dictionary {
                Some(d) => dctx.decompress_using_ddict(&mut out, blob, d),
                None => dctx.decompress(&mut out, blob),
            }
            .map_err(|code| {
                anyhow!(
                    "a stored body is damaged: {}",
                    zstd::zstd_safe::get_error_name(code)
                )
            })
        })?;
        String::from_utf8(out).context("a stored body is not UTF-8")
    }

    /// Whether `stored` (a freshly compressed body) was compressed without the newest
    /// dictionary, so the writer should compress it again: a row prepared on another
    /// thread just before the dictionary was trained.
    pub fn is_stale(&self, stored: &[u8]) -> bool {
        let current = self.current();
        current.is_some() && stored.starts_with(&ZSTD_MAGIC) && dictionary_of(stored) != current
    }

    fn current(&self) -> Option<u32> {
        self.dictionaries
            .read()
            .ok()
            .and_then(|d| d.encoder.as_ref().map(|e| e.id))
    }

    /// Trains a dictionary on the newest stored bodies and on `more` (the texts about to
    /// be written), saves it, and rewrites the stored bodies with it. Returns false when
    /// there is too little text to train on. Runs inside the caller's write transaction.
    pub fn train(&self, tx: &Connection, more: &[&str]) -> Result<bool> {
        // Another process may have trained one while this one waited for the lock.
        self.reload(tx)?;
        if self.has_dictionary() {
            return Ok(true);
        }
        let mut samples = samples(more.iter().rev());
        {
            let mut stmt = tx.prepare("SELECT body FROM bodies ORDER BY id DESC LIMIT ?1")?;
            let mut rows = stmt.query([SAMPLES.saturating_sub(samples.len()) as i64])?;
            while let Some(row) = rows.next()? {
                let mut text = self.decompress(row.get_ref(0)?)?.into_bytes();
                text.truncate(SAMPLE_BYTES);
                if !text.is_empty() {
                    samples.push(text);
                }
            }
        }
        let Some((id, data)) = build(&samples) else {
            return Ok(false);
        };
        save(tx, id, &data)?;
        self.add(id, &data)?;
        self.recompress(tx)?;
        Ok(true)
    }

    /// Trains a dictionary on `texts` (the first articles of a bulk import, before any
    /// is compressed), to be saved by [`Codec::save_pending`] in the transaction that
    /// writes the first of them. Training first spares rewriting those rows after.
    pub fn train_from(&self, texts: &[&str]) -> bool {
        let Some((id, data)) = build(&samples(texts.iter())) else {
            return false;
        };
        if self.add(id, &data).is_err() {
            return false;
        }
        if let Ok(mut unsaved) = self.unsaved.lock() {
            *unsaved = Some((id, data));
        }
        true
    }

    /// Saves a dictionary trained by [`Codec::train_from`], inside the caller's write.
    pub fn save_pending(&self, tx: &Connection) -> Result<()> {
        let pending = self.unsaved.lock().ok().and_then(|mut u| u.take());
        if let Some((id, data)) = pending {
            save(tx, id, &data)?;
        }
        Ok(())
    }

    /// Rewrites every stored body with the newest dictionary (or plain zstd without one)
    /// into a new table that replaces the old. Rewriting in place would leave each page
    /// as sparse as the shrink (a 6 KB text becoming a 2.6 KB frame leaves its page 60%
    /// empty), and SQLite does not fill those gaps with rows appended later; the old
    /// table's pages go to the free list, which later writes reuse.
    pub fn recompress(&self, tx: &Connection) -> Result<usize> {
        tx.execute_batch(
            "CREATE TABLE bodies_packed (
                 id   INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
                 -- paragraphs separated by one blank line, zstd-compressed (store/codec.rs)
                 body BLOB NOT NULL
             );",
        )?;
        let mut changed = 0;
        {
            let mut select =
                tx.prepare("SELECT id, body FROM bodies WHERE id > ?1 ORDER BY id LIMIT 512")?;
            let mut insert = tx.prepare("INSERT INTO bodies_packed (id, body) VALUES (?1, ?2)")?;
            let mut after = i64::MIN;
            loop {
                let mut chunk: Vec<(i64, String)> = Vec::new();
                let mut rows = select.query([after])?;
                while let Some(row) = rows.next()? {
                    let id: i64 = row.get(0)?;
                    after = id;
                    chunk.push((id, self.decompress(row.get_ref(1)?)?));
                }
                if chunk.is_empty() {
                    break;
                }
                for (id, text) in &chunk {
                    insert.execute(rusqlite::params![id, self.compress(text)])?;
                }
                changed += chunk.len();
            }
        }
        tx.execute_batch("DROP TABLE bodies; ALTER TABLE bodies_packed RENAME TO bodies;")?;
        Ok(changed)
    }
}

/// `text` as a zstd frame without a dictionary, or as its own bytes when the frame would
/// not be smaller (a short text gains nothing from zstd's header). [`Codec::decompress`]
/// reads either: UTF-8 never starts with zstd's magic number.
pub fn compress_small(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(zstd::zstd_safe::compress_bound(text.len()));
    let done = with_compressor(|cctx| cctx.compress(&mut out, text.as_bytes(), LEVEL).ok());
    match done {
        Some(_) if out.len() < text.len() => out,
        _ => text.as_bytes().to_vec(),
    }
}

/// Runs `work` with this thread's compression context, made on first use; `None` when
/// zstd cannot make one (out of memory) or `work` fails.
fn with_compressor(work: impl FnOnce(&mut CCtx<'static>) -> Option<usize>) -> Option<usize> {
    COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let cctx = match &mut *cell {
            Some(cctx) => cctx,
            None => cell.insert(CCtx::try_create()?),
        };
        work(cctx)
    })
}

/// Up to `SAMPLES` texts, each cut to `SAMPLE_BYTES`, to train a dictionary on.
fn samples<'a>(texts: impl Iterator<Item = &'a &'a str>) -> Vec<Vec<u8>> {
    texts
        .take(SAMPLES)
        .map(|t| t.as_bytes()[..t.len().min(SAMPLE_BYTES)].to_vec())
        .filter(|t| !t.is_empty())
        .collect()
}

fn save(tx: &Connection, id: u32, data: &[u8]) -> Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO dictionaries (id, data) VALUES (?1, ?2)",
        rusqlite::params![i64::from(id), data],
    )?;
    Ok(())
}

/// A dictionary trained on `samples` with its zstd id, or `None` when there is too
/// little text or zstd cannot train one.
fn build(samples: &[Vec<u8>]) -> Option<Trained> {
    let total: usize = samples.iter().map(Vec::len).sum();
    if samples.len() < 100 || total < 8 * DICTIONARY_BYTES {
        return None;
    }
    let data = match zstd::dict::from_samples(samples, DICTIONARY_BYTES) {
        Ok(data) => data,
        Err(err) => {
            log::info!("no compression dictionary: zstd could not train one ({err})");
            return None;
        }
    };
    let id = zstd::zstd_safe::get_dict_id(&data)?;
    Some((id.get(), data))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies(n: usize) -> Vec<String> {
        let words = [
            "harbour",
            "ferry",
            "timetable",
            "council",
            "tram",
            "bridge",
            "river",
            "morning",
            "station",
            "weather",
            "market",
            "season",
            "crossing",
            "pier",
            "island",
            "route",
        ];
        (0..n)
            .map(|i| {
                (0..400)
                    .map(|j| words[(i * 7 + j * j) % words.len()])
                    .collect::<Vec<_>>()
                    .join(" ")
                    + &format!(" number {i}.")
            })
            .collect()
    }

    fn store() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE articles (id INTEGER PRIMARY KEY);
             WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
                 INSERT INTO articles (id) SELECT i FROM n;
             CREATE TABLE bodies (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
             CREATE TABLE dictionaries (id INTEGER PRIMARY KEY, data BLOB NOT NULL);",
        )
        .unwrap();
        conn
    }

    #[test]
    fn bodies_round_trip_before_and_after_a_dictionary() {
        let conn = store();
        let codec = Codec::load(&conn).unwrap();
        let texts = bodies(400);
        for (i, text) in texts.iter().enumerate() {
            conn.execute(
                "INSERT INTO bodies (id, body) VALUES (?1, ?2)",
                rusqlite::params![i as i64, codec.compress(text)],
            )
            .unwrap();
        }
        // A body from before compression, kept as text.
        conn.execute(
            "INSERT INTO bodies (id, body) VALUES (1000, 'plain old text')",
            [],
        )
        .unwrap();
        assert!(codec.train(&conn, &[]).unwrap(), "enough text to train on");
        let with_dictionary = codec.compress(&texts[0]);
        assert!(zstd::zstd_safe::get_dict_id_from_frame(&with_dictionary).is_some());
        // Everything reads back, through a codec loaded afresh from the store.
        let reloaded = Codec::load(&conn).unwrap();
        let mut stmt = conn
            .prepare("SELECT id, body FROM bodies ORDER BY id")
            .unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let id: i64 = row.get(0).unwrap();
            let text = reloaded.decompress(row.get_ref(1).unwrap()).unwrap();
            let expected = texts
                .get(id as usize)
                .map_or("plain old text", String::as_str);
            assert_eq!(text, expected);
            assert!(
                matches!(row.get_ref(1).unwrap(), ValueRef::Blob(_)),
                "recompressed"
            );
        }
        assert!(!reloaded.is_stale(&with_dictionary));
        assert!(reloaded.is_stale(&Codec::default().compress(&texts[0])));
    }

    /// Reading never makes the compression tables (about a megabyte for a dictionary, and
    /// the reader's start-up only reads); the first compression does, and uses them.
    #[test]
    fn the_compression_tables_wait_for_a_compression() {
        let conn = store();
        let codec = Codec::load(&conn).unwrap();
        for (i, text) in bodies(400).iter().enumerate() {
            conn.execute(
                "INSERT INTO bodies (id, body) VALUES (?1, ?2)",
                rusqlite::params![i as i64, text],
            )
            .unwrap();
        }
        assert!(codec.train(&conn, &[]).unwrap());
        let reloaded = Codec::load(&conn).unwrap();
        let made = |codec: &Codec| {
            let d = codec.dictionaries.read().unwrap();
            d.encoder.as_ref().unwrap().ready.get().is_some()
        };
        let body: Vec<u8> = conn
            .query_row("SELECT body FROM bodies WHERE id = 3", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            reloaded.decompress(ValueRef::Blob(&body)).unwrap(),
            bodies(400)[3]
        );
        assert!(!made(&reloaded), "made for a read");
        let compressed = reloaded.compress(&bodies(400)[5]);
        assert!(made(&reloaded));
        assert!(zstd::zstd_safe::get_dict_id_from_frame(&compressed).is_some());
    }

    #[test]
    fn damage_is_an_error_not_a_panic() {
        let codec = Codec::default();
        let mut blob =
            codec.compress("a body of text that is long enough to compress, twice, twice");
        let last = blob.len() - 1;
        blob[last] ^= 0xff;
        blob.truncate(blob.len() - 3);
        assert!(codec.decompress(ValueRef::Blob(&blob)).is_err());
        // A frame that claims a dictionary the store does not have.
        let other = Codec::default();
        let texts = bodies(400);
        let conn = store();
        for (i, t) in texts.iter().enumerate() {
            conn.execute(
                "INSERT INTO bodies (id, body) VALUES (?1, ?2)",
                rusqlite::params![i as i64, t],
            )
            .unwrap();
        }
        assert!(other.train(&conn, &[]).unwrap());
        let needs_dictionary = other.compress(&texts[1]);
        let err = codec
            .decompress(ValueRef::Blob(&needs_dictionary))
            .unwrap_err();
        assert!(err.to_string().contains("missing"), "{err}");
    }
}
