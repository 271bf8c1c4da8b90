//! Extraction's bounds: deep, wide and huge pages on a small stack, and its failures.

use super::*;

const WORDS: &str = "The harbour board met on Tuesday and agreed to keep the night ferry \
    running through the winter, after a season in which more people took it than ever.";

/// An ordinary article page with `paragraphs` paragraphs.
fn article(paragraphs: usize) -> String {
    let body: String = (0..paragraphs)
        .map(|i| format!("<p>{WORDS} Paragraph {i}.</p>"))
        .collect();
    format!(
        "<html><head><title>Ferry | Wire</title></head><body><nav><a href=\"/\">Home</a></nav>\
         <article><h1>Ferry</h1>{body}</article><footer>Footer words</footer></body></html>"
    )
}

/// Runs `work` on a thread with a 1 MiB stack: extraction must not need stack in
/// proportion to the page.
fn on_small_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn_scoped(scope, work)
            .unwrap()
            .join()
            .unwrap()
    })
}

#[test]
fn an_article_is_found_by_readability_without_the_furniture() {
    let page = article(8);
    let got = extract(&page, "https://wire.example/ferry").unwrap();
    assert_eq!(got.method, Method::Readability);
    assert_eq!(got.article.title, "Ferry");
    assert_eq!(got.article.source, "wire.example");
    assert_eq!(
        got.article.url.as_deref(),
        Some("https://wire.example/ferry")
    );
    assert_eq!(got.article.paragraphs.len(), 8);
    let text = got.article.paragraphs.join("\n");
    assert!(!text.contains("Footer words") && !text.contains("Home"));
}

#[test]
fn deep_pages_are_read_by_herald_on_a_small_stack() {
    for depth in [5_000, 100_000] {
        for (open, close) in [("<div>", "</div>"), ("<section><b>", "</b></section>")] {
            let page = format!(
                "<html><head><title>Deep</title></head><body>{}{}{}</body></html>",
                open.repeat(depth),
                article(8),
                close.repeat(depth)
            );
            let got = on_small_stack(|| extract(&page, "https://wire.example/deep")).unwrap();
            // Too deep, or (100,000 levels of two elements) too large as well.
            assert!(matches!(got.method, Method::Own(_)), "{depth}");
            assert!(got.article.paragraphs.join(" ").contains("Paragraph 7."));
        }
    }
    let page = format!("<title>Deep</title>{}{}", "<div>".repeat(5_000), article(8));
    let got = on_small_stack(|| extract(&page, "https://wire.example/deep")).unwrap();
    assert_eq!(
        got.method,
        Method::Own("the page nests too deep for readability")
    );
    // Just under the bound, readability reads it, on the same small stack.
    let page = format!(
        "{}{}",
        "<div>".repeat(MAX_READABILITY_DEPTH - 8),
        article(8)
    );
    let got = on_small_stack(|| extract(&page, "https://wire.example/deep")).unwrap();
    assert_eq!(got.method, Method::Readability);
}

#[test]
fn large_pages_are_read_by_herald_and_pages_over_the_cap_refused() {
    // 16 MiB of article: too large for readability, read by herald's own search.
    let mut page = article(16 * 1024 * 1024 / (WORDS.len() + 30));
    page.truncate(MAX_PAGE_BYTES - 100);
    let got = on_small_stack(|| extract(&page, "https://wire.example/big")).unwrap();
    assert_eq!(
        got.method,
        Method::Own("the page is too large for readability")
    );
    assert!(got.article.paragraphs.len() > 1000);
    let over = "x".repeat(MAX_PAGE_BYTES + 1);
    assert_eq!(
        extract(&over, "https://wire.example/huge").unwrap_err(),
        Failure::TooLarge(MAX_PAGE_BYTES + 1)
    );
    // Many elements, shallow: herald's own search too.
    let wide = format!(
        "<title>Wide</title>{}{}",
        "<span>x</span>".repeat(MAX_READABILITY_ELEMENTS),
        article(3)
    );
    let got = extract(&wide, "https://wire.example/wide").unwrap();
    assert_eq!(
        got.method,
        Method::Own("the page has too many elements for readability")
    );
}

#[test]
fn teasers_and_pages_that_need_javascript_fail_and_say_why() {
    let teaser = "<html><head><title>Paid</title></head><body><article><h1>Paid</h1>\
        <p>The first lines of the story, and no more.</p>\
        <div class=paywall>Subscribe to read on</div></article></body></html>";
    let failure = extract(teaser, "https://wire.example/paid").unwrap_err();
    assert!(matches!(failure, Failure::TooShort(_)), "{failure:?}");
    assert!(failure.to_string().contains("paywall"));
    let app = "<html><head><title>App</title></head><body><noscript>Please enable \
        JavaScript to read this page.</noscript><div id=\"root\"></div></body></html>";
    assert_eq!(
        extract(app, "https://wire.example/app").unwrap_err(),
        Failure::NeedsJavaScript
    );
    assert_eq!(
        extract("<html><body></body></html>", "https://wire.example/none").unwrap_err(),
        Failure::NoText
    );
}

#[test]
fn measuring_is_iterative_and_counts_elements() {
    let document = crate::domain::import::html::parse::document(
        "<div><p>a</p><p><b>bc</b></p></div><script>let x = 1;</script>",
    )
    .0;
    // html, head, body, div, p, p, b, script; the text of a and bc.
    assert_eq!(measure(&document), (5, 8, 3));
    // An article of more text than readability is given: herald's own search.
    let long = article(MAX_READABILITY_TEXT / WORDS.len() + 10);
    let got = extract(&long, "https://wire.example/long").unwrap();
    assert_eq!(
        got.method,
        Method::Own("the page has too much text for readability")
    );
}
