//! Files in the character set they declare: saved pages with `<meta charset>` or
//! `http-equiv`, feeds with an XML declaration, UTF-16 with a byte order mark, all
//! imported by the real binary and read back as the same Unicode text.

mod common;

use common::herald_at as herald;
use encoding_rs::Encoding;

/// A label, a title and a sentence in a language that set writes.
const CASES: &[(&str, &str, &str)] = &[
    (
        "EUC-KR",
        "항구 소식",
        "밤배는 봄부터 매일 밤 열한 시에 항구를 떠난다.",
    ),
    (
        "Shift_JIS",
        "港だより",
        "夜行フェリーは春から毎晩十一時に港を出る。",
    ),
    (
        "ISO-8859-2",
        "Wieści z portu",
        "Nocny prom odpływa z portu co noc o jedenastej, już od wiosny.",
    ),
    (
        "windows-1251",
        "Вести из порта",
        "Ночной паром уходит из порта каждую ночь в одиннадцать, начиная с весны.",
    ),
];

fn encode(label: &str, text: &str) -> Vec<u8> {
    let encoding = Encoding::for_label(label.as_bytes()).unwrap();
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "{label} cannot write {text:?}");
    bytes.into_owned()
}

/// `text` in UTF-16 after its byte order mark, big-endian or little-endian.
fn utf16(big_endian: bool, text: &str) -> Vec<u8> {
    let mut bytes = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        let pair = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        bytes.extend_from_slice(&pair);
    }
    bytes
}

fn page(meta: &str, title: &str, sentence: &str) -> String {
    format!(
        "<!doctype html><html><head>{meta}<title>{title}</title></head>\
         <body><article><h1>{title}</h1><p>{sentence}</p></article></body></html>"
    )
}

fn rss(label: &str, title: &str, sentence: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"{label}\"?>\n<rss version=\"2.0\"><channel>\
         <title>{title}</title><item><guid>c-1</guid><title>{title}</title>\
         <description>&lt;p&gt;{sentence}&lt;/p&gt;</description></item></channel></rss>"
    )
}

/// Imports `bytes` as a file called `name` into a new store; the one article's title
/// and paragraphs, and what the import said on stderr.
fn import(name: &str, bytes: &[u8]) -> (String, Vec<String>, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, bytes).unwrap();
    let store = dir.path().join("s.db");
    let out = herald(&store, &["import", file.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{name}: {stderr}");
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&herald(&store, &["list", "--json"]).stdout).unwrap();
    assert_eq!(rows.len(), 1, "{name}: {rows:?} {stderr}");
    let id = rows[0]["id"].as_i64().unwrap().to_string();
    let shown: serde_json::Value =
        serde_json::from_slice(&herald(&store, &["show", &id, "--json"]).stdout).unwrap();
    (
        rows[0]["title"].as_str().unwrap().to_owned(),
        serde_json::from_value(shown["paragraphs"].clone()).unwrap(),
        stderr,
    )
}

fn check(name: &str, bytes: &[u8], title: &str, sentence: &str) {
    let (got_title, paragraphs, stderr) = import(name, bytes);
    assert_eq!(got_title, title, "{name}");
    assert_eq!(paragraphs, [sentence], "{name}");
    assert!(!stderr.contains("warning"), "{name}: {stderr}");
}

#[test]
fn pages_in_the_set_their_meta_declares() {
    for &(label, title, sentence) in CASES {
        let charset = format!("<meta charset=\"{label}\">");
        check(
            &format!("{label}.html"),
            &encode(label, &page(&charset, title, sentence)),
            title,
            sentence,
        );
        let equiv =
            format!("<meta http-equiv=\"Content-Type\" content=\"text/html; charset={label}\">");
        check(
            &format!("{label}-equiv.html"),
            &encode(label, &page(&equiv, title, sentence)),
            title,
            sentence,
        );
    }
}

#[test]
fn feeds_in_the_set_their_xml_declaration_names() {
    for &(label, title, sentence) in CASES {
        check(
            &format!("{label}.xml"),
            &encode(label, &rss(label, title, sentence)),
            title,
            sentence,
        );
    }
}

#[test]
fn utf16_files_with_a_byte_order_mark() {
    for &(_, title, sentence) in CASES {
        for (order, bytes) in [("le", false), ("be", true)] {
            let meta = "<meta charset=\"utf-16\">";
            check(
                &format!("{order}.html"),
                &utf16(bytes, &page(meta, title, sentence)),
                title,
                sentence,
            );
            check(
                &format!("{order}.xml"),
                &utf16(bytes, &rss("UTF-16", title, sentence)),
                title,
                sentence,
            );
        }
    }
}

#[test]
fn an_unknown_declared_set_falls_back_with_a_warning_naming_the_file() {
    let mut bytes = page(
        "<meta charset=\"x-tide-table\">",
        "Quay",
        "Caf\u{e9} open late.",
    )
    .into_bytes();
    // The é in Windows-1252, so that the fallback shows.
    let at = bytes.windows(2).position(|w| w == "é".as_bytes()).unwrap();
    bytes.splice(at..at + 2, [0xE9]);
    let (_, paragraphs, stderr) = import("quay.html", &bytes);
    assert_eq!(paragraphs, ["Café open late."]);
    assert!(
        stderr.contains("warning")
            && stderr.contains("quay.html")
            && stderr.contains("x-tide-table"),
        "{stderr}"
    );
    let mut feed = rss("x-tide-table", "Quay", "Caf\u{e9} open late.").into_bytes();
    let at = feed.windows(2).position(|w| w == "é".as_bytes()).unwrap();
    feed.splice(at..at + 2, [0xE9]);
    let (_, paragraphs, stderr) = import("quay.xml", &feed);
    assert_eq!(paragraphs, ["Café open late."]);
    assert!(
        stderr.contains("warning")
            && stderr.contains("quay.xml")
            && stderr.contains("x-tide-table"),
        "{stderr}"
    );
}

#[test]
fn a_subscription_list_in_the_set_its_declaration_names() {
    let dir = tempfile::tempdir().unwrap();
    let opml = dir.path().join("subs.opml");
    let text = "<?xml version=\"1.0\" encoding=\"ISO-8859-2\"?>\n<opml version=\"2.0\"><body>\
                <outline text=\"Wieści z Gdańska\" xmlUrl=\"https://port.example/rss\"/>\
                </body></opml>";
    std::fs::write(&opml, encode("ISO-8859-2", text)).unwrap();
    let store = dir.path().join("s.db");
    let out = herald(&store, &["feed", "import", opml.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let feeds: Vec<serde_json::Value> =
        serde_json::from_slice(&herald(&store, &["feed", "list", "--json"]).stdout).unwrap();
    assert_eq!(feeds[0]["name"], "Wieści z Gdańska");
}
