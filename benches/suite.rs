//! The performance suite at archive scale: for N = 1,000, 10,000 and 100,000 generated
//! articles (and 1,000,000 with HERALD_BENCH_1M=1): import throughput and store size;
//! start-up to the first frame with the list filled, timed by the binary itself in a real
//! terminal (tmux) and from outside; peak resident memory; search latency per kind; the
//! longest article's first frame and scroll frames; then the daily loop (fetching 50
//! feeds x 100 items into stores of 0, 1,000 and 100,000 articles; see support/daily.rs).
//! HERALD_BENCH_SKIP_DAILY=1 leaves the daily loop out.
//!
//! `cargo bench --bench suite`

#[path = "support/corpus.rs"]
mod corpus;

#[path = "support/daily.rs"]
mod daily;

#[path = "support/frame.rs"]
mod frame;

use std::time::Instant;

use herald::app::action::Action;
use herald::app::keymap::Keymap;
use herald::app::{App, Report, Start};
use herald::domain::search::{Order, parse};
use herald::domain::store::Store;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() -> anyhow::Result<()> {
    let mut sizes = vec![1_000, 10_000, 100_000];
    if std::env::var_os("HERALD_BENCH_1M").is_some() {
        sizes.push(1_000_000);
    }
    if let Some(n) = std::env::var("HERALD_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        sizes = vec![n];
    }
    let queries = [
        ("rare word", "zephyrine", false),
        ("common word", "the", false),
        ("two-letter prefix", "ka", true),
        ("phrase", "\"a note on\"", false),
        (
            "field + flag + date",
            "source:\"source 07\" is:unread after:2025-06-01",
            false,
        ),
    ];
    for &n in &sizes {
        let dir = tempfile::tempdir()?;
        let input = dir.path().join("corpus.jsonl");
        corpus::write_jsonl(&input, n)?;
        let path = dir.path().join("suite.db");
        let mut store = Store::open(&path)?;
        let started = Instant::now();
        herald::domain::import::import_paths(
            &mut store,
            &[input],
            jiff::Timestamp::now(),
            &mut |_| {},
        )?;
        let import_s = started.elapsed().as_secs_f64();
        drop(store);
        let size: u64 = std::fs::read_dir(dir.path())?
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("suite.db"))
            .filter_map(|e| e.metadata().ok())
            .map(|m| m.len())
            .sum();
        println!("== {n} articles");
        println!(
            "import: {:.0} articles/s ({import_s:.2} s); store {:.1} MiB, {:.2} KiB per article",
            n as f64 / import_s,
            size as f64 / 1048576.0,
            size as f64 / 1024.0 / n as f64
        );
        for (part, bytes) in Store::open(&path)?.maintenance().space()? {
            println!(
                "  {part}: {:.1} MiB, {:.2} KiB per article",
                bytes as f64 / 1048576.0,
                bytes as f64 / 1024.0 / n as f64
            );
        }

        let mut inner = Vec::new();
        let mut outer = Vec::new();
        let mut cpu = Vec::new();
        let mut rss = Vec::new();
        for run in 0..15 {
            let (i, o, r, c) = frame::first_frame(&path, dir.path(), run, (120, 40))?;
            inner.push(i);
            outer.push(o);
            rss.push(r as f64);
            cpu.push(c);
        }
        println!(
            "first frame with the list filled: {:.1} ms inside the process, {:.1} ms from outside, {:.1} ms of CPU (medians of 15); peak RSS {:.1} MiB (median; {:.1} the most)",
            median(inner),
            median(outer),
            median(cpu.clone()),
            median(rss.clone()) / 1024.0,
            rss.iter().copied().fold(0.0, f64::max) / 1024.0
        );

        let store = Store::open(&path)?;
        for (label, text, typing) in queries {
            let mut times = Vec::new();
            let mut found = 0;
            for _ in 0..7 {
                let started = Instant::now();
                let query = parse(text, jiff::Timestamp::now(), typing)?;
                let ids = store.articles().search(&query, Order::Relevance)?.ids;
                let rows = store
                    .articles()
                    .summaries_by_ids(&ids[..ids.len().min(50)])?;
                times.push(started.elapsed().as_secs_f64() * 1e3);
                found = ids.len();
                std::hint::black_box(rows);
            }
            let slowest = times.iter().copied().fold(0.0, f64::max);
            println!(
                "search {label:<20} {found:>7} found: {:.2} ms median, {slowest:.2} ms slowest of 7",
                median(times)
            );
        }

        let longest = store.maintenance().longest_article()?;
        if let Some(article) = longest.and_then(|id| store.articles().article(id).ok().flatten()) {
            let mut terminal = Terminal::new(TestBackend::new(120, 40))?;
            let mut app = App::new(Start::new(
                Keymap::default_keymap()?,
                Rect::new(0, 0, 120, 40),
            ));
            app.apply(Report::Refreshed {
                total: n,
                unread: n,
                selected_row: None,
                newest: None,
            });
            app.apply(Report::Resized {
                width: 120,
                height: 40,
            });
            let words = article.word_count();
            let started = Instant::now();
            app.apply(Report::ArticleLoaded(Box::new(article)));
            terminal.draw(|f| herald::ui::render(&app, &herald::ui::theme::DEFAULT, f))?;
            let open = started.elapsed().as_secs_f64() * 1e3;
            let started = Instant::now();
            for _ in 0..500 {
                app.update(Action::ScrollDown);
                terminal.draw(|f| herald::ui::render(&app, &herald::ui::theme::DEFAULT, f))?;
            }
            let scroll = started.elapsed().as_secs_f64() * 1e3 / 500.0;
            println!(
                "longest article ({words} words): first frame {open:.2} ms; scroll frame {scroll:.3} ms"
            );
        }
        follow_keys(&store, n)?;
    }
    if std::env::var_os("HERALD_BENCH_SKIP_DAILY").is_none() {
        println!("== the daily loop");
        let mut daily_sizes = vec![0];
        daily_sizes.extend(sizes.iter().copied().filter(|&n| n != 10_000));
        daily::run(&daily_sizes)?;
    }
    Ok(())
}

/// The reader following the selection: `j` 300 times down the list at 120x40, each key's
/// update, the article it selects read from the store and laid out, and the frame drawn.
/// Target (#14): at most 16 ms a key.
fn follow_keys(store: &Store, n: usize) -> anyhow::Result<()> {
    let mut terminal = Terminal::new(TestBackend::new(120, 40))?;
    let mut app = App::new(Start::new(
        Keymap::default_keymap()?,
        Rect::new(0, 0, 120, 40),
    ));
    let effects = app.apply(Report::Refreshed {
        total: store.articles().count()?,
        unread: store.articles().count_unread()?,
        selected_row: None,
        newest: None,
    });
    herald::tui::run_effects(store, &mut app, effects, None);
    let mut times = Vec::new();
    for _ in 0..300.min(n.saturating_sub(1)) {
        let started = Instant::now();
        let effects = app.update(Action::SelectNext);
        herald::tui::run_effects(store, &mut app, effects, None);
        terminal.draw(|f| herald::ui::render(&app, &herald::ui::theme::DEFAULT, f))?;
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let shown = app.reader.as_ref().map(|r| r.article.summary.id);
    let selected = app.list.selected_row().map(|r| r.id);
    anyhow::ensure!(shown == selected, "the reader did not follow the selection");
    let worst = times.iter().copied().fold(0.0, f64::max);
    println!(
        "reader following the selection: {:.2} ms median, {worst:.2} ms worst per key ({} keys, article loaded and frame drawn)",
        median(times.clone()),
        times.len()
    );
    Ok(())
}
