//! Opening and scrolling a 1 MB article: time to the first frame (wrap + draw) and per
//! scroll frame, at 80 and 200 columns. Targets: first frame ≤ 30 ms, scroll ≤ 1 ms.
//!
//! `cargo bench --bench reader`

use std::time::{Duration, Instant};

use herald::app::action::Action;
use herald::app::keymap::Keymap;
use herald::app::{App, Report, Start};
use herald::domain::model::{Article, ArticleId, Position, Summary};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

fn big_article() -> Article {
    let sentence = "The harbour master counted the boats again at dusk, and wrote the number \
                    in a ledger that had outlived three harbour masters before her. ";
    let mut paragraphs = Vec::new();
    let mut bytes = 0;
    let mut i = 0;
    while bytes < 1_000_000 {
        let mut p = format!("{i}. ");
        for _ in 0..(2 + i % 6) {
            p.push_str(sentence);
        }
        if i % 10 == 0 {
            p.push_str(
                "東京の地下鉄、終電を30分延長へ。서울 지하철도 비슷한 계획을 검토하고 있다. 🎉 ",
            );
        }
        bytes += p.len();
        paragraphs.push(p.trim_end().to_owned());
        i += 1;
    }
    Article {
        summary: Summary {
            id: ArticleId(1),
            source: "Bench Wire".into(),
            title: "A one-megabyte article".into(),
            authors: vec!["Bench Writer".into()],
            published: None,
            url: None,
            read: true,
            starred: false,
        },
        guid: None,
        summary_text: None,
        paragraphs,
        links: Vec::new(),
        enclosures: Vec::new(),
        added: jiff::Timestamp::UNIX_EPOCH,
        position: Position::default(),
    }
}

/// Reading the article back from a store, where its body is compressed with the
/// store's dictionary (trained on 1,100 other articles first): median and slowest of 21.
fn from_the_store(article: &Article) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = herald::domain::store::Store::open(&dir.path().join("reader.db"))?;
    let others: Vec<herald::domain::model::NewArticle> = (0..1_100)
        .map(|i| herald::domain::model::NewArticle {
            source: "Bench Wire".into(),
            title: format!("Short report {i}"),
            paragraphs: article.paragraphs[i % 200..i % 200 + 8].to_vec(),
            ..Default::default()
        })
        .collect();
    store.articles().import(&others, jiff::Timestamp::now())?;
    let big = herald::domain::model::NewArticle {
        source: "Bench Wire".into(),
        title: article.summary.title.clone(),
        paragraphs: article.paragraphs.clone(),
        ..Default::default()
    };
    store.articles().import(&[big], jiff::Timestamp::now())?;
    let id = store.articles().summaries(Some(1), 0)?[0].id;
    let id = store
        .articles()
        .summaries(None, 0)?
        .into_iter()
        .find(|s| s.title == article.summary.title)
        .map_or(id, |s| s.id);
    let mut times = Vec::new();
    for _ in 0..21 {
        let started = Instant::now();
        let loaded = store.articles().article(id)?.map(|a| a.paragraphs.len());
        times.push(started.elapsed().as_secs_f64() * 1e3);
        assert_eq!(loaded, Some(article.paragraphs.len()));
    }
    times.sort_by(f64::total_cmp);
    println!(
        "loading it from the store (compressed body): median {:.2} ms, slowest {:.2} ms",
        times[times.len() / 2],
        times[times.len() - 1]
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let article = big_article();
    let size: usize = article.paragraphs.iter().map(String::len).sum();
    println!(
        "article: {:.2} MB, {} paragraphs, {} words",
        size as f64 / 1e6,
        article.paragraphs.len(),
        article.word_count()
    );
    from_the_store(&article)?;
    for (width, height) in [(80u16, 24u16), (200, 50)] {
        let mut terminal = Terminal::new(TestBackend::new(width, height))?;
        let mut app = App::new(Start::new(
            Keymap::default_keymap()?,
            Rect::new(0, 0, width, height),
        ));
        app.apply(Report::Refreshed {
            total: 1,
            unread: 0,
            selected_row: None,
            newest: None,
        });
        app.apply(Report::Resized { width, height });
        terminal.draw(|f| herald::ui::render(&app, &herald::ui::theme::DEFAULT, f))?;

        let started = Instant::now();
        app.apply(Report::ArticleLoaded(Box::new(article.clone())));
        terminal.draw(|f| herald::ui::render(&app, &herald::ui::theme::DEFAULT, f))?;
        let first = started.elapsed();

        let lines = app.reader.as_ref().map_or(0, |r| r.lines.len());
        let frames = 2000;
        let mut worst = Duration::ZERO;
        let started = Instant::now();
        for i in 0..frames {
            let frame_start = Instant::now();
            let action = if i % 100 < 90 {
                Action::ScrollDown
            } else {
                Action::PageDown
            };
            app.update(action);
            terminal.draw(|f| herald::ui::render(&app, &herald::ui::theme::DEFAULT, f))?;
            worst = worst.max(frame_start.elapsed());
        }
        let per_frame = started.elapsed() / frames;

        let started = Instant::now();
        app.apply(Report::Resized {
            width: width - 7,
            height,
        });
        terminal.resize(Rect::new(0, 0, width - 7, height))?;
        terminal.draw(|f| herald::ui::render(&app, &herald::ui::theme::DEFAULT, f))?;
        let reflow = started.elapsed();

        println!(
            "{width}x{height}: {lines} wrapped lines; first frame {:.2} ms; scroll frame {:.3} ms mean, {:.3} ms worst; re-flow on resize {:.2} ms",
            first.as_secs_f64() * 1e3,
            per_frame.as_secs_f64() * 1e3,
            worst.as_secs_f64() * 1e3,
            reflow.as_secs_f64() * 1e3,
        );
    }
    Ok(())
}
