//! Pictures: what drawing them costs and what it does not. Scrolling an article with 20
//! pictures in half blocks (per key: update and draw, mean and slowest), the work done
//! off the loop's thread per picture (decoding a 1024x768 PNG and JPEG, scaling and
//! encoding for the reader), and the first frame at 100,000 articles (HERALD_BENCH_N
//! sets another size) with 2,000 pictures kept beside the store, images "auto" against
//! "off" (median of 9 each, in tmux). And the memory one decode takes, each in a child
//! process of its own (peak resident memory before and after): the largest picture herald
//! decodes (4096x4096), a PNG claiming 60000x60000, and a 2000x2000 decompression bomb.
//!
//! `cargo bench --bench pictures`

#[path = "support/corpus.rs"]
mod corpus;

#[path = "support/frame.rs"]
mod frame;

use std::time::{Duration, Instant};

use herald::app::action::Action;
use herald::app::keymap::Keymap;
use herald::app::pictures::max_rows;
use herald::app::{App, Report, Start};
use herald::domain::images::{self, Cache};
use herald::domain::model::{Article, ArticleId, Position, Summary};
use herald::tui::pictures::{draw_at, painter};
use image::{DynamicImage, ImageEncoder, RgbImage};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui_image::picker::ProtocolType;

/// A photograph-like picture: gradients and a little noise, so it compresses as one does.
fn photo(width: u32, height: u32, seed: u64) -> DynamicImage {
    let mut rng = corpus::Rng::new(seed);
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
        let n = (rng.next() % 24) as u8;
        image::Rgb([
            ((x * 255 / width) as u8).saturating_add(n),
            ((y * 255 / height) as u8).saturating_add(n),
            (((x + y) * 127 / (width + height)) as u8).saturating_add(n),
        ])
    }))
}

fn encoded(picture: &DynamicImage) -> (Vec<u8>, Vec<u8>) {
    let rgb = picture.to_rgb8();
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(
            rgb.as_raw(),
            rgb.width(),
            rgb.height(),
            image::ExtendedColorType::Rgb8,
        )
        .ok();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&rgb)
        .ok();
    (png, jpeg)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn illustrated(pictures: usize) -> Article {
    let mut paragraphs = Vec::new();
    let mut links = Vec::new();
    for i in 0..pictures {
        for j in 0..3 {
            paragraphs.push(format!(
                "{i}.{j} The lock keeper raised the gates twice before noon and logged each \
                 barge by name, cargo and draught, as the rules of the canal company ask."
            ));
        }
        links.push(format!("https://pictures.bench/{i}.jpg"));
        paragraphs.push(format!("[image {}: Barge number {i} in the lock]", i + 1));
        paragraphs.push(format!("Barge {i}, seen from the lock keeper's house."));
    }
    Article {
        summary: Summary {
            id: ArticleId(1),
            source: "Bench Canal".into(),
            title: "Twenty barges".into(),
            authors: vec![],
            published: None,
            url: None,
            read: true,
            starred: false,
        },
        guid: None,
        summary_text: None,
        paragraphs,
        links,
        enclosures: Vec::new(),
        added: jiff::Timestamp::UNIX_EPOCH,
        position: Position::default(),
    }
}

fn off_the_loop() {
    let picture = photo(1024, 768, 7);
    let (png, jpeg) = encoded(&picture);
    for (name, bytes) in [("PNG", &png), ("JPEG", &jpeg)] {
        let mut times = Vec::new();
        for _ in 0..9 {
            let started = Instant::now();
            let decoded = images::decode(bytes);
            times.push(started.elapsed().as_secs_f64() * 1e3);
            std::hint::black_box(decoded.is_ok());
        }
        println!(
            "decode a 1024x768 {name} ({} KiB): {:.1} ms median of 9",
            bytes.len() / 1024,
            median(times)
        );
    }
    let halfblocks = painter(ProtocolType::Halfblocks);
    for (width, rows) in [(78u16, 16u16), (196, 37)] {
        let mut times = Vec::new();
        for _ in 0..9 {
            let started = Instant::now();
            let drawn = draw_at(&halfblocks, picture.clone(), width, rows);
            times.push(started.elapsed().as_secs_f64() * 1e3);
            std::hint::black_box(drawn.is_ok());
        }
        println!(
            "scale and encode it in half blocks for {width}x{rows} cells: {:.2} ms median of 9",
            median(times)
        );
    }
}

fn scrolling() -> anyhow::Result<()> {
    let article = illustrated(20);
    let pictures: Vec<DynamicImage> = (0..20).map(|i| photo(800, 533, i)).collect();
    for (width, height) in [(80u16, 24u16), (200, 50)] {
        let mut terminal = Terminal::new(TestBackend::new(width, height))?;
        let mut start = Start::new(Keymap::default_keymap()?, Rect::new(0, 0, width, height));
        start.settings.pictures = true;
        let mut app = App::new(start);
        app.apply(Report::Refreshed {
            total: 1,
            unread: 0,
            selected_row: None,
            newest: None,
        });
        app.apply(Report::ArticleLoaded(Box::new(article.clone())));
        let (text_width, rows) = app
            .reader
            .as_ref()
            .map_or((0, 0), |r| (r.width as u16, max_rows(r.height)));
        let halfblocks = painter(ProtocolType::Halfblocks);
        for (i, picture) in pictures.iter().enumerate() {
            let drawn = draw_at(&halfblocks, picture.clone(), text_width, rows);
            app.apply(Report::PictureDrawn {
                id: ArticleId(1),
                url: format!("https://pictures.bench/{i}.jpg"),
                width: text_width,
                drawn,
            });
        }
        terminal.draw(|f| herald::ui::render(&app, &herald::ui::theme::DEFAULT, f))?;
        let lines = app.reader.as_ref().map_or(0, |r| r.lines.len());
        let picture_lines = app.reader.as_ref().map_or(0, |r| {
            r.lines
                .iter()
                .filter(|l| l.kind == herald::app::reader::LineKind::Picture)
                .count()
        });
        let mut worst = Duration::ZERO;
        let mut keys = 0u32;
        let started = Instant::now();
        for round in 0..4 {
            let action = if round % 2 == 0 {
                Action::ScrollDown
            } else {
                Action::ScrollUp
            };
            for _ in 0..lines {
                let key = Instant::now();
                app.update(action.clone());
                terminal.draw(|f| herald::ui::render(&app, &herald::ui::theme::DEFAULT, f))?;
                worst = worst.max(key.elapsed());
                keys += 1;
            }
        }
        let mean = started.elapsed() / keys;
        println!(
            "{width}x{height}: 20 pictures ({picture_lines} of {lines} lines), scroll per key (update + draw) {:.3} ms mean, {:.3} ms slowest of {keys}",
            mean.as_secs_f64() * 1e3,
            worst.as_secs_f64() * 1e3
        );
    }
    Ok(())
}

fn first_frame() -> anyhow::Result<()> {
    let n: usize = std::env::var("HERALD_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let input = dir.path().join("corpus.jsonl");
    corpus::write_jsonl(&input, n)?;
    let path = dir.path().join("pictures.db");
    let mut store = herald::domain::store::Store::open(&path)?;
    herald::domain::import::import_paths(
        &mut store,
        &[input],
        jiff::Timestamp::now(),
        &mut |_| {},
    )?;
    drop(store);
    // 2,000 kept pictures of 40 KiB or so.
    let cache = Cache::beside(&path, 500);
    let (_, jpeg) = encoded(&photo(320, 200, 3));
    for i in 0..2_000 {
        cache.put(
            &format!("https://pictures.bench/{i}.jpg"),
            &jpeg,
            ArticleId(1 + i as i64),
        )?;
    }
    println!(
        "store of {n} articles; {:.1} MiB of pictures kept beside it",
        cache.size() as f64 / 1048576.0
    );
    for images in ["off", "auto", "off", "auto"] {
        let config = dir.path().join(format!("{images}.toml"));
        std::fs::write(&config, format!("images = \"{images}\"\n"))?;
        let mut inner = Vec::new();
        let mut outer = Vec::new();
        let mut rss = 0;
        for run in 0..9 {
            let (i, o, r, _) = frame::first_frame_with(
                &path,
                dir.path(),
                run,
                (120, 40),
                &format!("--config {}", config.display()),
            )?;
            inner.push(i);
            outer.push(o);
            rss = rss.max(r);
        }
        println!(
            "first frame, images = {images:<5}: {:.1} ms inside, {:.1} ms from outside (median of 9); peak RSS {:.1} MiB",
            median(inner),
            median(outer),
            rss as f64 / 1024.0
        );
    }
    Ok(())
}

/// In a child process: decodes the file named by HERALD_BENCH_DECODE and prints the
/// peak resident memory before and after, in KiB.
fn decode_child(path: &std::path::Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(path)?;
    let before = herald::tui::peak_rss_kib().unwrap_or(0);
    let decoded = images::decode(&bytes);
    let after = herald::tui::peak_rss_kib().unwrap_or(0);
    println!(
        "{before} {after} {}",
        match &decoded {
            Ok(d) => format!("decoded {}x{}", d.width, d.height),
            Err(err) => format!("refused: {err}"),
        }
    );
    Ok(())
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn memory() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let png = |w: u32, h: u32, noisy: bool| -> Vec<u8> {
        let mut rng = corpus::Rng::new(11);
        let img = image::RgbaImage::from_fn(w, h, |x, y| {
            let n = if noisy { (rng.next() % 8) as u8 } else { 0 };
            image::Rgba([(x % 256) as u8 ^ n, (y % 256) as u8, n, 255])
        });
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgba8)
            .ok();
        out
    };
    // A real 2x2 PNG whose header claims 60000x60000, its checksum made right again.
    let mut claiming = png(2, 2, false);
    claiming[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    claiming[20..24].copy_from_slice(&60_000u32.to_be_bytes());
    let crc = crc32(&claiming[12..29]);
    claiming[29..33].copy_from_slice(&crc.to_be_bytes());
    let files = [
        (
            "the largest decoded, 4096x4096 RGBA PNG",
            png(4096, 4096, true),
        ),
        ("a PNG claiming 60000x60000", claiming),
        ("a 2000x2000 RGBA PNG of one colour", png(2000, 2000, false)),
    ];
    for (label, bytes) in files {
        let path = dir.path().join("picture.bin");
        std::fs::write(&path, &bytes)?;
        let out = std::process::Command::new(std::env::current_exe()?)
            .env("HERALD_BENCH_DECODE", &path)
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let mut fields = text.split_whitespace();
        let before: f64 = fields.next().and_then(|v| v.parse().ok()).unwrap_or(0.0);
        let after: f64 = fields.next().and_then(|v| v.parse().ok()).unwrap_or(0.0);
        let what: Vec<&str> = fields.collect();
        println!(
            "memory, {label} ({} KiB): peak RSS {:.1} -> {:.1} MiB (+{:.1}); {}",
            bytes.len() / 1024,
            before / 1024.0,
            after / 1024.0,
            (after - before) / 1024.0,
            what.join(" ").chars().take(60).collect::<String>()
        );
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    if let Some(path) = std::env::var_os("HERALD_BENCH_DECODE") {
        return decode_child(std::path::Path::new(&path));
    }
    memory()?;
    off_the_loop();
    scrolling()?;
    first_frame()
}
