//! HTML conversion time against input size and shape: nesting of several element kinds
//! at 1,000 to 200,000 levels, a normal 500 KB article, and the wide shapes (a million
//! sibling paragraphs, 100,000 list items, links or images, a huge attribute, a 16 MiB
//! text node). Each shape is also run at a tenth of its size: for linear work the
//! larger takes about ten times as long.
//!
//! `cargo bench --bench html`; `HERALD_BENCH_UNCAPPED=1` also times dom_query's own parser
//! on the nesting (quadratic: what conversion cost before nesting was bounded).

use std::time::Instant;

use herald::domain::import::html;

fn seconds(work: impl FnOnce() -> usize) -> (f64, usize) {
    let started = Instant::now();
    let size = work();
    (started.elapsed().as_secs_f64(), size)
}

fn nested(open: &str, close: &str, depth: usize) -> String {
    format!(
        "{}<p>At the bottom.</p>{}",
        open.repeat(depth),
        close.repeat(depth)
    )
}

/// A long article of the usual mix: paragraphs with links and emphasis, lists, quotes.
fn normal_article(bytes: usize) -> String {
    let mut out = String::from(
        "<!doctype html><html><head><title>Harbour ledger</title></head><body>\
         <nav><a href=\"/\">Home</a></nav><article><h1>Harbour ledger</h1>",
    );
    let mut i = 0;
    while out.len() < bytes {
        out.push_str(&format!(
            "<p>The harbour master counted <em>{i}</em> boats at dusk and noted it in the \
             <a href=\"https://example.org/ledger/{}\">ledger</a>, as every evening.</p>",
            i % 300
        ));
        if i % 20 == 0 {
            out.push_str("<h2>Another evening</h2><ul><li>Wind from the west</li><li>Tide high at nine</li></ul>");
        }
        if i % 35 == 0 {
            out.push_str("<blockquote><p>The sea was calm, she wrote.</p></blockquote>");
        }
        i += 1;
    }
    out.push_str("</article><footer>Ledger Press</footer></body></html>");
    out
}

fn shape(name: &str, make: impl Fn(usize) -> String, n: usize) {
    for size in [n / 10, n] {
        let input = make(size);
        let (body, out) = seconds(|| html::to_text(&input).paragraphs.len());
        // A title, or the page would be refused before its body is read.
        let input = format!("<title>Bench</title>{input}");
        let (page, _) =
            seconds(|| html::page_to_article(&input, "bench").map_or(0, |a| a.paragraphs.len()));
        println!(
            "{name:>28} n={size:>9} {:>9.2} MiB  to_text {body:>7.3} s  page {page:>7.3} s  ({out} paragraphs)",
            input.len() as f64 / 1048576.0
        );
    }
}

fn main() {
    let kinds: &[(&str, &str, &str)] = &[
        ("div", "<div>", "</div>"),
        ("span", "<span>", "</span>"),
        ("b", "<b>", "</b>"),
        ("blockquote", "<blockquote>", "</blockquote>"),
        ("ul li", "<ul><li>", "</li></ul>"),
        ("a", "<a href=\"https://example.org/x\">", "</a>"),
        ("table", "<table><tr><td>", "</td></tr></table>"),
    ];
    println!("nesting (to_text, then page_to_article), seconds:");
    for &(name, open, close) in kinds {
        let mut line = format!("{name:>12}");
        for depth in [1_000, 10_000, 100_000, 200_000] {
            let input = nested(open, close, depth);
            let (body, _) = seconds(|| html::to_text(&input).paragraphs.len());
            let (page, _) = seconds(|| {
                html::page_to_article(&input, "bench").map_or(0, |a| a.paragraphs.len())
            });
            line.push_str(&format!("  {depth}: {body:.3} / {page:.3}"));
        }
        println!("{line}");
    }
    if std::env::var_os("HERALD_BENCH_UNCAPPED").is_some() {
        println!("dom_query's parser alone, no bound on nesting (parse only), seconds:");
        for &(name, open, close) in kinds {
            let mut line = format!("{name:>12}");
            for depth in [1_000, 10_000, 50_000] {
                let input = nested(open, close, depth);
                let (parse, _) =
                    seconds(|| dom_query::Document::fragment(input.as_str()).tree.len());
                line.push_str(&format!("  {depth}: {parse:.3}"));
            }
            println!("{line}");
        }
    }

    let article = normal_article(500 * 1024);
    let (body, _) = seconds(|| html::to_text(&article).paragraphs.len());
    let (page, paragraphs) =
        seconds(|| html::page_to_article(&article, "bench").map_or(0, |a| a.paragraphs.len()));
    println!(
        "normal article {:.0} KiB: to_text {body:.3} s, page {page:.3} s ({paragraphs} paragraphs)",
        article.len() as f64 / 1024.0
    );

    println!("wide shapes:");
    shape("sibling <p>", |n| "<p>Calm sea.</p>".repeat(n), 1_000_000);
    shape(
        "sibling <p> unclosed",
        |n| "<p>Calm sea.".repeat(n),
        1_000_000,
    );
    shape(
        "<li> in one list",
        |n| format!("<ul>{}</ul>", "<li>Buoy".repeat(n)),
        100_000,
    );
    shape(
        "huge attribute",
        |n| format!("<p class=\"{}\">Calm sea.</p>", "x".repeat(n)),
        16 * 1024 * 1024,
    );
    shape(
        "distinct links",
        |n| {
            (0..n)
                .map(|i| format!("<a href=\"https://example.org/{i}\">boat</a> "))
                .collect()
        },
        100_000,
    );
    shape(
        "images",
        |n| "<img src=\"b.png\" alt=\"a boat\">".repeat(n),
        100_000,
    );
    shape(
        "text node",
        |n| format!("<p>{}</p>", "calm sea ".repeat(n / 9)),
        16 * 1024 * 1024,
    );
    shape(
        "nested empty headings",
        |n| {
            let block = format!(
                "{}{}",
                "<h1><div class=author>".repeat(200),
                "</div></h1>".repeat(200)
            );
            block.repeat(n / 400)
        },
        1_000_000,
    );
    shape(
        "<b id=i> formatting",
        |n| (0..n).map(|i| format!("<b id={i}>x")).collect(),
        100_000,
    );
}
