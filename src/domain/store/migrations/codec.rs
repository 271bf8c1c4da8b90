//! The body codec as steps 8, 9 and 15 shipped with it: a frozen copy of the parts of
//! `store/codec.rs` they ran (zstd at level 3, one dictionary trained on the store's own
//! bodies once there are `TRAIN_AT` of them, a body kept as text when zstd cannot have a
//! context). The live codec may change how it compresses; an upgrade must still write
//! what these steps wrote, and must still read every body an older build wrote.
//!
//! Frozen once shipped: never edit; a change to the bodies is a new step.

use std::cell::RefCell;
use std::collections::HashMap;

use anyhow::{Context, Result, anyhow, bail};
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use zstd::zstd_safe::{CCtx, CDict, DCtx, DDict};

const LEVEL: i32 = 3;

/// How many bodies a store holds before step 8 trains a dictionary on them.
pub(super) const TRAIN_AT: usize = 1_000;

/// The most bodies the dictionary is trained on, newest first, and their largest share.
const SAMPLES: usize = 2_000;
const SAMPLE_BYTES: usize = 16 * 1024;

const DICTIONARY_BYTES: usize = 112 * 1024;

/// A stored body never decompresses to more than this: anything larger is damage.
const MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;

const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// The store's dictionaries (the newest compresses, any decompresses) and one zstd
/// context each way: a context holds megabytes, so an upgrade keeps one, not one a body.
/// A step runs on one thread, hence no locks.
#[derive(Default)]
pub(super) struct Codec {
    encoder: Option<CDict<'static>>,
    decoders: HashMap<u32, DDict<'static>>,
    compressor: RefCell<Option<CCtx<'static>>>,
    decompressor: RefCell<Option<DCtx<'static>>>,
}

/// The dictionary a zstd frame was compressed with, if any.
fn dictionary_of(blob: &[u8]) -> Option<u32> {
    zstd::zstd_safe::get_dict_id_from_frame(blob).map(|id| id.get())
}

impl Codec {
    /// The codec of the store behind `conn`, with its dictionaries.
    pub(super) fn load(conn: &Connection) -> Result<Codec> {
        let mut codec = Codec::default();
        let mut stmt = conn
            .prepare("SELECT id, data FROM dictionaries ORDER BY rowid")
            .context("reading the store's compression dictionaries")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
        for row in rows {
            let (id, data) = row?;
            codec.add(id as u32, &data)?;
        }
        Ok(codec)
    }

    fn add(&mut self, id: u32, data: &[u8]) -> Result<()> {
        let damaged = || anyhow!("the store's compression dictionary {id} is damaged");
        self.encoder = Some(CDict::try_create(data, LEVEL).ok_or_else(damaged)?);
        self.decoders
            .insert(id, DDict::try_create(data).ok_or_else(damaged)?);
        Ok(())
    }

    /// A body compressed with the dictionary when there is one; its own bytes when zstd
    /// has no context (out of memory), which [`Codec::decompress`] reads as text.
    pub(super) fn compress(&self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(zstd::zstd_safe::compress_bound(text.len()));
        let done = self.with_compressor(|cctx| {
            match &self.encoder {
                Some(d) => cctx.compress_using_cdict(&mut out, text.as_bytes(), d),
                None => cctx.compress(&mut out, text.as_bytes(), LEVEL),
            }
            .ok()
        });
        match done {
            Some(_) => out,
            None => text.as_bytes().to_vec(),
        }
    }

    /// `text` as a zstd frame without a dictionary, or as its own bytes when the frame
    /// would not be smaller: how step 9 stored links.
    pub(super) fn compress_small(&self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(zstd::zstd_safe::compress_bound(text.len()));
        let done =
            self.with_compressor(|cctx| cctx.compress(&mut out, text.as_bytes(), LEVEL).ok());
        match done {
            Some(_) if out.len() < text.len() => out,
            _ => text.as_bytes().to_vec(),
        }
    }

    fn with_compressor(
        &self,
        work: impl FnOnce(&mut CCtx<'static>) -> Option<usize>,
    ) -> Option<usize> {
        let mut cell = self.compressor.borrow_mut();
        let cctx = match &mut *cell {
            Some(cctx) => cctx,
            None => cell.insert(CCtx::try_create()?),
        };
        work(cctx)
    }

    /// A stored body as text: zstd frames are decompressed, text (stores from before
    /// compression, or the fallback above) is taken as it is.
    pub(super) fn decompress(&self, stored: ValueRef<'_>) -> Result<String> {
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
            Some(id) => match self.decoders.get(&id) {
                Some(d) => Some(d),
                None => {
                    bail!("a stored body needs compression dictionary {id}, which is missing")
                }
            },
        };
        let mut out: Vec<u8> = Vec::with_capacity(size as usize);
        let mut cell = self.decompressor.borrow_mut();
        let dctx = match &mut *cell {
            Some(dctx) => dctx,
            None => cell.insert(
                DCtx::try_create().ok_or_else(|| anyhow!("zstd has no memory to decompress"))?,
            ),
        };
        match dictionary {
            Some(d) => dctx.decompress_using_ddict(&mut out, blob, d),
            None => dctx.decompress(&mut out, blob),
        }
        .map_err(|code| {
            anyhow!(
                "a stored body is damaged: {}",
                zstd::zstd_safe::get_error_name(code)
            )
        })?;
        String::from_utf8(out).context("a stored body is not UTF-8")
    }

    /// Trains a dictionary on the newest stored bodies, saves it and rewrites every body
    /// with it. False when there is too little text to train on (nothing is written).
    pub(super) fn train(&mut self, tx: &Connection) -> Result<bool> {
        let mut samples = Vec::new();
        {
            let mut stmt = tx.prepare("SELECT body FROM bodies ORDER BY id DESC LIMIT ?1")?;
            let mut rows = stmt.query([SAMPLES as i64])?;
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
        tx.execute(
            "INSERT OR REPLACE INTO dictionaries (id, data) VALUES (?1, ?2)",
            rusqlite::params![i64::from(id), data],
        )?;
        self.add(id, &data)?;
        self.recompress(tx)?;
        Ok(true)
    }

    /// Rewrites every stored body with the newest dictionary (or plain zstd without one)
    /// into a new table that replaces the old, so the shrunk rows fill their pages.
    pub(super) fn recompress(&self, tx: &Connection) -> Result<()> {
        tx.execute_batch(
            "CREATE TABLE bodies_packed (
                 id   INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
                 -- paragraphs separated by one blank line, zstd-compressed (store/codec.rs)
                 body BLOB NOT NULL
             );",
        )?;
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
            }
        }
        tx.execute_batch("DROP TABLE bodies; ALTER TABLE bodies_packed RENAME TO bodies;")?;
        Ok(())
    }
}

/// A dictionary trained on `samples` with its zstd id, or `None` when there is too
/// little text or zstd cannot train one.
fn build(samples: &[Vec<u8>]) -> Option<(u32, Vec<u8>)> {
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
