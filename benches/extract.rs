//! Extraction quality and time on the corpus in `tests/fixtures/pages/` (pages written
//! for herald in the layouts of common publishing systems, each with its expected text
//! and its boilerplate beside it): per page and overall, the share of expected
//! paragraphs recovered, the share of boilerplate leaked and the time, for the
//! extraction herald uses (dom_smoothie, then herald's conversion) and, to compare,
//! herald's own search for a saved page's article. Then a 500 KB article page.
//!
//! `cargo bench --bench extract`. Targets: at least 95% recovered, at most 2% leaked,
//! at most 50 ms for the 500 KB page.

use std::path::Path;
use std::time::Instant;

use herald::domain::extract::score::{Expected, Score, differences, score};
use herald::domain::extract::{Method, extract};
use herald::domain::import::html::page_to_article;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("the corpus folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".html"))
        .collect();
    names.sort();
    println!(
        "{:<22} {:>9} {:>7} {:>8}   {:>9} {:>7} {:>8}",
        "page", "recovered", "leaked", "ms", "own: rec", "leaked", "ms"
    );
    let (mut total, mut own_total) = (Score::default(), Score::default());
    let (mut time, mut own_time) = (0.0, 0.0);
    for name in &names {
        let page = std::fs::read_to_string(dir.join(name)).expect("a page");
        let expected = std::fs::read_to_string(dir.join(name.replace(".html", ".txt")))
            .expect("its expected text");
        let expected = Expected::parse(&expected);
        let address = format!("https://corpus.example/{name}");
        let started = Instant::now();
        let got = extract(&page, &address);
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let (paragraphs, how) = match &got {
            Ok(e) => (
                e.article.paragraphs.clone(),
                match e.method {
                    Method::Readability => "",
                    Method::Own(_) => " (own)",
                },
            ),
            Err(_) => (Vec::new(), " (failed)"),
        };
        let s = score(&expected, &paragraphs);
        let started = Instant::now();
        let own = page_to_article(&page, "corpus").map(|a| a.paragraphs);
        let own_ms = started.elapsed().as_secs_f64() * 1000.0;
        let o = score(&expected, &own.unwrap_or_default());
        println!(
            "{:<22} {:>8.0}% {:>6.0}% {:>8.2}   {:>8.0}% {:>6.0}% {:>8.2}{how}",
            name.trim_end_matches(".html"),
            100.0 * s.recovered_share(),
            100.0 * s.leaked_share(),
            ms,
            100.0 * o.recovered_share(),
            100.0 * o.leaked_share(),
            own_ms
        );
        let (leaked, missed) = differences(&expected, &paragraphs);
        for piece in leaked {
            println!("    leaked: {piece}");
        }
        for piece in missed {
            println!("    missed: {}", piece.chars().take(60).collect::<String>());
        }
        total.add(s);
        own_total.add(o);
        time += ms;
        own_time += own_ms;
    }
    println!(
        "{:<22} {:>8.1}% {:>6.1}% {:>8.2}   {:>8.1}% {:>6.1}% {:>8.2}",
        "overall",
        100.0 * total.recovered_share(),
        100.0 * total.leaked_share(),
        time,
        100.0 * own_total.recovered_share(),
        100.0 * own_total.leaked_share(),
        own_time
    );
    println!(
        "({} of {} paragraphs recovered, {} of {} boilerplate pieces leaked)",
        total.recovered, total.paragraphs, total.leaked, total.boilerplate
    );

    for (what, page) in [
        ("50 KB article page", usual_page(50 * 1024)),
        ("500 KB article page", usual_page(500 * 1024)),
        ("500 KB of article text", big_page(500 * 1024)),
    ] {
        let mut times = Vec::new();
        let mut method = None;
        for _ in 0..5 {
            let started = Instant::now();
            let got = extract(&page, "https://corpus.example/big").expect("the big page");
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            method = Some(got.method);
        }
        times.sort_by(f64::total_cmp);
        let mut own = Vec::new();
        for _ in 0..5 {
            let started = Instant::now();
            page_to_article(&page, "corpus").expect("the big page");
            own.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        own.sort_by(f64::total_cmp);
        println!(
            "{what}: median {:.1} ms of 5 ({:?}); herald's own search {:.1} ms",
            times[2],
            method.expect("ran"),
            own[2]
        );
    }
    bounds();
}

/// Shapes at the bounds dom_smoothie is given (just under 40,000 elements, 160 deep,
/// 2 MiB, 256 KiB of text), to find its worst time; and past them.
fn bounds() {
    let words = "The harbour master counted the boats at dusk.";
    let shapes: Vec<(&str, String)> = vec![
        (
            "39,000 sibling divs with a paragraph each",
            format!(
                "<title>W</title>{}",
                "<div><p>Boats at dusk.</p></div>".repeat(13_000)
            ),
        ),
        (
            "150-deep chains, 250 of them",
            format!(
                "<title>W</title>{}",
                format!(
                    "{}<p>{words}</p>{}",
                    "<div>".repeat(150),
                    "</div>".repeat(150)
                )
                .repeat(250)
            ),
        ),
        (
            "39,000 links in one paragraph",
            format!(
                "<title>W</title><article><p>{}</p></article>",
                "<a href=\"/x\">boat</a> ".repeat(39_000)
            ),
        ),
        (
            "2 MiB of attributes and comments",
            format!(
                "<title>W</title><article>{}<p>{words}</p></article>",
                format!(
                    "<div class=\"{}\"><!-- {} --></div>",
                    "c".repeat(500),
                    "n".repeat(500)
                )
                .repeat(1_900)
            ),
        ),
        (
            "past the bounds: 200,000 nested divs",
            format!("<title>W</title>{}<p>{words}</p>", "<div>".repeat(200_000)),
        ),
    ];
    for (what, page) in shapes {
        let started = Instant::now();
        let got = extract(&page, "https://corpus.example/shape");
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let how = match got {
            Ok(e) => format!("{:?}", e.method),
            Err(f) => format!("failed: {f}"),
        };
        println!("{what} ({} KB): {ms:.0} ms, {how}", page.len() / 1024);
    }
}

/// An article page as sites send them, of about `bytes`: most of it scripts, styles,
/// menus and footers, with an article of about 2,000 words.
fn usual_page(bytes: usize) -> String {
    let words = "The harbour master counted the boats at dusk and noted each one in the \
                 ledger, as every evening since the new quay opened. ";
    let article: String = (0..40)
        .map(|i| format!("<p>{words}{words}<a href=\"/ledger/{i}\">Ledger {i}</a>.</p>"))
        .collect();
    let menu: String = (0..400)
        .map(|i| format!("<li class=\"menu-item\"><a href=\"/section/{i}\">Section {i}</a></li>"))
        .collect();
    let mut page = format!(
        "<!doctype html><html><head><title>Harbour ledger</title><style>{}</style></head>\
         <body><header><nav><ul>{menu}</ul></nav></header><main><article><h1>Harbour \
         ledger</h1>{article}</article></main><footer><ul>{menu}</ul></footer>",
        ".a{color:red} ".repeat(2000)
    );
    let script = "window.__DATA__ = {\"items\": [1, 2, 3], \"text\": \"harbour\"};\n";
    page.push_str("<script>");
    while page.len() < bytes {
        page.push_str(script);
    }
    page.push_str("</script></body></html>");
    page
}

/// An article page of about `bytes`: furniture around paragraphs with links, headings,
/// lists and a table now and then.
fn big_page(bytes: usize) -> String {
    let mut out = String::from(
        "<!doctype html><html><head><title>Harbour ledger</title></head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>\
         <div class=cookie-banner>We use cookies</div><main><article><h1>Harbour ledger</h1>",
    );
    let mut i = 0;
    while out.len() < bytes {
        out.push_str(&format!(
            "<p>The harbour master counted <em>{i}</em> boats at dusk and noted it in the \
             <a href=\"https://example.org/ledger/{}\">ledger</a>, as every evening since \
             the new quay opened and the ferries began to run late.</p>",
            i % 300
        ));
        if i % 20 == 0 {
            out.push_str(
                "<h2>Another evening</h2><ul><li>Wind from the west</li><li>Tide high at \
                 nine</li></ul><table><tr><th>Boat</th><th>Berth</th></tr><tr><td>Gannet\
                 </td><td>4</td></tr></table>",
            );
        }
        i += 1;
    }
    out.push_str(
        "</article></main><aside class=related><a href=/x>Related story</a></aside>\
         <footer>Ledger Press</footer></body></html>",
    );
    out
}
