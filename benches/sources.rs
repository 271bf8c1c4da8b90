//! Feeds at the centre (#14), at archive scale: a store of 1,000 articles in 10 feeds and
//! one of 100,000 articles in 300 feeds under 20 tags.
//! - The first frame (three panes, 160x45, the sources pane filled), timed by the binary
//!   in tmux. Target: at 100,000 / 300 feeds within 1.5x of the 1,000 / 10 figure.
//! - Choosing a source: the sources pane's cursor moved, the list of that feed or tag
//!   searched, its rows loaded, the reader following, the frame drawn. Target: 20 ms.
//! - Keys while 50 feeds are fetched into the same store by another connection (as the
//!   reader's background fetch does): each key's update, the article it selects loaded,
//!   the frame drawn. Target: no key over one frame (16.7 ms).
//!
//! `cargo bench --bench sources` (`HERALD_BENCH_N=10000` for a smaller big store)

#[path = "support/corpus.rs"]
mod corpus;

#[path = "support/daily.rs"]
#[allow(dead_code)]
mod daily;

#[path = "support/frame.rs"]
mod frame;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use herald::app::action::Action;
use herald::app::keymap::Keymap;
use herald::app::{App, Report, Start};
use herald::domain::model::{NewArticle, Published};
use herald::domain::store::Store;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

const WIDTH: u16 = 160;
const HEIGHT: u16 = 45;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn percentile(mut values: Vec<f64>, p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let i = ((values.len() as f64 - 1.0) * p).round() as usize;
    values[i]
}

/// `n` articles spread over `feeds` feeds, the feeds over `tags` tags (none when 0).
fn build(path: &std::path::Path, n: usize, feeds: usize, tags: usize) -> anyhow::Result<()> {
    let store = Store::open(path)?;
    let now = jiff::Timestamp::now();
    let per_feed = n / feeds;
    for f in 0..feeds {
        let feed = store.feeds().add_feed(
            &format!("https://feed{f}.example/rss"),
            Some(&format!("Feed {f:03}")),
        )?;
        if tags > 0 {
            store
                .feeds()
                .tag_feed(feed.id, &format!("tag {:02}", f % tags))?;
        }
        let items: Vec<NewArticle> = (0..per_feed)
            .map(|i| {
                let k = f * per_feed + i;
                NewArticle {
                    guid: Some(format!("item-{k}")),
                    source: format!("Feed {f:03}"),
                    title: format!("Item {i} of feed {f}: harbour council notes {k}"),
                    url: Some(format!("https://feed{f}.example/{i}")),
                    published: Some(Published {
                        instant: jiff::Timestamp::from_second(1_700_000_000 + k as i64 * 60)
                            .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
                        offset: None,
                    }),
                    paragraphs: (0..4)
                        .map(|p| {
                            format!(
                                "Paragraph {p} of item {k}: the council met again to discuss \
                                 the ferry timetable, the new quay and the lighthouse {}.",
                                k % 977
                            )
                        })
                        .collect(),
                    ..Default::default()
                }
            })
            .collect();
        for chunk in items.chunks(2_000) {
            store.feeds().upsert(Some(&feed), chunk, now)?;
        }
    }
    Ok(())
}

fn app(store: &Store) -> anyhow::Result<(App, Terminal<TestBackend>)> {
    let mut app = App::new(Start::new(
        Keymap::default_keymap()?,
        Rect::new(0, 0, WIDTH, HEIGHT),
    ));
    let effects = app.apply(Report::Refreshed {
        total: store.articles().count()?,
        unread: store.articles().count_unread()?,
        selected_row: None,
        newest: None,
    });
    herald::tui::run_effects(store, &mut app, effects, None);
    Ok((app, Terminal::new(TestBackend::new(WIDTH, HEIGHT))?))
}

/// One action as the event loop takes it: update, effects run, frame drawn (ms).
fn key(
    app: &mut App,
    store: &Store,
    terminal: &mut Terminal<TestBackend>,
    action: Action,
) -> anyhow::Result<f64> {
    let started = Instant::now();
    let effects = app.update(action);
    herald::tui::run_effects(store, app, effects, None);
    terminal.draw(|f| herald::ui::render(app, &herald::ui::theme::DEFAULT, f))?;
    Ok(started.elapsed().as_secs_f64() * 1e3)
}

fn choose_sources(store: &Store) -> anyhow::Result<()> {
    let (mut app, mut terminal) = app(store)?;
    key(&mut app, store, &mut terminal, Action::FocusSources)?;
    let mut times = Vec::new();
    let mut feeds = 0;
    for _ in 0..150 {
        times.push(key(&mut app, store, &mut terminal, Action::SelectNext)?);
        if matches!(
            app.sources.selected_source(),
            Some(herald::app::sources::Source::Feed(_))
        ) {
            feeds += 1;
        }
    }
    anyhow::ensure!(feeds > 0, "the cursor never reached a feed");
    anyhow::ensure!(app.list.total > 0, "the chosen source listed nothing");
    let worst = times.iter().copied().fold(0.0, f64::max);
    println!(
        "choosing a source (150 moves, {feeds} onto feeds, the others tags and views): {:.2} ms median, {:.2} ms p95, {worst:.2} ms worst (target 20 ms)",
        median(times.clone()),
        percentile(times, 0.95)
    );
    Ok(())
}

/// Keys down the list while another connection fetches 50 feeds into the store.
fn keys_during_fetch(path: &std::path::Path) -> anyhow::Result<()> {
    let feeds: Arc<Vec<String>> = Arc::new((0..daily::FEEDS).map(daily::feed_xml).collect());
    let site = daily::serve(feeds, Arc::new(AtomicBool::new(false)), daily::FEEDS * 2);
    let port = site.port();
    let store = Store::open(path)?;
    for n in 0..daily::FEEDS {
        store
            .feeds()
            .add_feed(&format!("http://127.0.0.1:{port}/feed/{n}.xml"), None)?;
    }
    let fetch_path = path.to_owned();
    let fetcher = std::thread::spawn(move || -> anyhow::Result<f64> {
        let store = Store::open(&fetch_path)?;
        let started = Instant::now();
        herald::domain::fetch::fetch_all(
            &store,
            // The 50 served here, not the archive's feeds (addresses nobody answers).
            store
                .feeds()
                .list()?
                .into_iter()
                .filter(|f| f.url.starts_with("http://127.0.0.1"))
                .collect(),
            herald::domain::fetch::Options {
                per_host: 4,
                ..herald::domain::fetch::Options::default()
            },
            jiff::Timestamp::now(),
            &mut |_, _, _| {},
        );
        Ok(started.elapsed().as_secs_f64())
    });
    let (mut app, mut terminal) = app(&store)?;
    let mut times = Vec::new();
    while !fetcher.is_finished() {
        times.push(key(&mut app, &store, &mut terminal, Action::SelectNext)?);
    }
    let fetch_s = fetcher
        .join()
        .map_err(|_| anyhow::anyhow!("the fetch thread panicked"))??;
    anyhow::ensure!(!times.is_empty(), "no key was pressed during the fetch");
    let worst = times.iter().copied().fold(0.0, f64::max);
    let over = times.iter().filter(|t| **t > 16.7).count();
    println!(
        "keys during a 50-feed fetch ({fetch_s:.2} s, {} keys): {:.2} ms median, {:.2} ms p99, {worst:.2} ms worst, {over} over one frame (16.7 ms)",
        times.len(),
        median(times.clone()),
        percentile(times, 0.99)
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let big = std::env::var("HERALD_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let mut first = Vec::new();
    for (n, feeds, tags) in [(1_000, 10, 0), (big, 300, 20)] {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("sources.db");
        let started = Instant::now();
        build(&path, n, feeds, tags)?;
        println!(
            "== {n} articles in {feeds} feeds, {tags} tags (built in {:.1} s)",
            started.elapsed().as_secs_f64()
        );
        let mut inner = Vec::new();
        let mut rss = 0;
        for run in 0..11 {
            let (i, _, r, _) = frame::first_frame(&path, dir.path(), run, (WIDTH, HEIGHT))?;
            inner.push(i);
            rss = rss.max(r);
        }
        let ms = median(inner);
        first.push(ms);
        println!(
            "first frame, three panes at {WIDTH}x{HEIGHT}: {ms:.1} ms (median of 11); peak RSS {:.1} MiB",
            rss as f64 / 1024.0
        );
        choose_sources(&Store::open(&path)?)?;
        keys_during_fetch(&path)?;
    }
    println!(
        "first frame at {big} articles / 300 feeds is {:.2}x the figure at 1,000 / 10 (target 1.5x)",
        first[1] / first[0]
    );
    Ok(())
}
