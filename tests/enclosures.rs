//! Enclosures from RSS `<enclosure>`, Atom `rel="enclosure"` and JSON Feed `attachments`,
//! listed in the reader and opened with `e` and a number by the opener the config gives
//! their type: here a recording script, which proves the address arrives as one
//! argument, exactly, whatever it holds (`;`, `$(...)`, quotes): no shell ever sees it.
//! Without a matching opener, `$BROWSER`; a missing program is a status message.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::Harness;
use common::server::{Answer, Script, Server};
use herald::app::Effect;
use herald::app::action::Action;
use herald::cli::config::Config;
use herald::domain::import::feed::parse;
use herald::domain::model::NewArticle;

/// A script that writes its arguments, each ended by a NUL byte, to `out`.
fn recorder(dir: &Path, out: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("record.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\0' \"$@\" > '{0}.tmp' && mv '{0}.tmp' '{0}'\n",
            out.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

/// The arguments the recorder got, once it has written them.
fn recorded(out: &Path) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !out.exists() {
        assert!(Instant::now() < deadline, "the opener never ran");
        std::thread::sleep(Duration::from_millis(20));
    }
    let bytes = std::fs::read(out).unwrap();
    std::fs::remove_file(out).unwrap();
    bytes
        .split(|b| *b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8(a.to_vec()).unwrap())
        .collect()
}

/// A reader on `article` with `config`'s openers.
fn harness(article: NewArticle, config: &str) -> Harness {
    let config = Config::parse(config).unwrap();
    let mut h = Harness::new(&[article], 80, 24);
    h.app.settings.openers = config.openers().unwrap();
    h.keys("enter");
    h
}

/// An address with everything a shell would act on.
const HOSTILE: &str =
    "https://cast.example/ep;touch${IFS}pwned;$(touch pwned)`id`%20a'b\"c.mp3?q=1&r=|x";

fn xml_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

fn rss() -> NewArticle {
    let doc = format!(
        "<rss version=\"2.0\"><channel><title>Cast</title><item><guid>r1</guid>\
         <title>RSS episode</title><link>https://cast.example/r1</link>\
         <enclosure url=\"{}\" length=\"12345678\" type=\"audio/mpeg\"/></item></channel></rss>",
        xml_escaped(HOSTILE)
    );
    parse(doc.as_bytes(), None).unwrap().articles.remove(0)
}

fn atom() -> NewArticle {
    let doc = format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Cast</title><id>urn:c</id>\
         <entry><id>urn:a1</id><title>Atom episode</title>\
         <link rel=\"alternate\" href=\"https://cast.example/a1\"/>\
         <link rel=\"enclosure\" href=\"{}\" type=\"audio/ogg\" length=\"4096\"/></entry></feed>",
        xml_escaped(HOSTILE)
    );
    parse(doc.as_bytes(), None).unwrap().articles.remove(0)
}

fn json() -> NewArticle {
    let doc = serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Cast",
        "items": [{"id": "j1", "title": "JSON episode", "url": "https://cast.example/j1",
            "attachments": [{"url": HOSTILE, "mime_type": "audio/x-m4a",
                "size_in_bytes": 2_000_000, "duration_in_seconds": 3723}]}]
    });
    parse(doc.to_string().as_bytes(), None)
        .unwrap()
        .articles
        .remove(0)
}

#[test]
fn e_and_a_number_runs_the_opener_with_the_address_as_one_argument() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("argv");
    let script = recorder(dir.path(), &out);
    let config = format!(
        "[openers]\n\"audio/*\" = [\"{}\", \"--no-video\", \"two words\"]\n\
         \"*/*\" = [\"/nonexistent/never\"]\n",
        script.display()
    );
    for (format, article) in [("RSS", rss()), ("Atom", atom()), ("JSON Feed", json())] {
        let url = article.enclosures[0].url.clone();
        assert!(
            url.contains(";touch") && url.contains("$(touch"),
            "{format}: {url}"
        );
        let mut h = harness(article, &config);
        // One enclosure: its number opens it at once.
        h.keys("e 1");
        assert!(h.app.prompt.is_none());
        assert_eq!(
            recorded(&out),
            ["--no-video", "two words", url.as_str()],
            "{format}: the address is one argument, as stored"
        );
        let status = h.app.status.clone().unwrap_or_default();
        assert!(
            status.starts_with("Opening https://cast.example/ep"),
            "{status}"
        );
        assert!(!dir.path().join("pwned").exists() && !Path::new("pwned").exists());
    }
    // JSON Feed keeps the address exactly as written: quotes, backticks and all.
    let mut h = harness(json(), &config);
    h.keys("e");
    h.type_text("e1");
    assert_eq!(recorded(&out)[2], HOSTILE);
    // Twelve: `1` could be the start of 10, 11 or 12, so Enter opens it; 12 opens at once.
    let mut twelve = json();
    twelve.enclosures = (1..=12)
        .map(|i| herald::domain::enclosure::Enclosure {
            url: format!("https://cast.example/{i}.mp3"),
            mime: Some("audio/mpeg".into()),
            ..Default::default()
        })
        .collect();
    let mut h = harness(twelve, &config);
    h.keys("e 1");
    assert!(h.app.prompt.is_some(), "waits for a second digit");
    h.keys("enter");
    assert_eq!(recorded(&out)[2], "https://cast.example/1.mp3");
    h.keys("e 1 2");
    assert_eq!(recorded(&out)[2], "https://cast.example/12.mp3");
}

#[test]
fn no_matching_opener_means_the_browser_and_a_missing_program_a_status() {
    let mut video = rss();
    video.enclosures[0].mime = Some("video/mp4".into());
    // No pattern for video: the browser, as links open.
    let mut h = harness(video.clone(), "[openers]\n\"audio/*\" = [\"mpv\"]\n");
    h.keys("e");
    let effects = h.app.update(Action::InsertChar('1'));
    assert_eq!(effects, [Effect::OpenUrl(video.enclosures[0].url.clone())]);
    // A program that is not there: said in the status line, and nothing else happens.
    let mut h = harness(
        video,
        "[openers]\n\"video/*\" = [\"/nonexistent/player\"]\n",
    );
    h.keys("e 1");
    let status = h.app.status.clone().unwrap_or_default();
    assert!(
        status.contains("starting /nonexistent/player"),
        "the status says what failed: {status}"
    );
    // A number past the list, and an article without enclosures.
    h.keys("e 7 enter");
    let status = h.app.status.clone().unwrap_or_default();
    assert_eq!(status, "No enclosure 7: this article has enclosures 1 to 1");
    let mut plain = rss();
    plain.enclosures.clear();
    let mut h = harness(plain, "");
    h.keys("e");
    assert!(h.app.prompt.is_none());
    assert_eq!(
        h.app.status.as_deref(),
        Some("This article has no enclosures")
    );
}

#[test]
fn the_reader_lists_enclosures_with_type_size_and_duration() {
    let mut article = json();
    article.enclosures[0].url = "https://cast.example/harbour-talk.m4a".into();
    article
        .enclosures
        .push(herald::domain::enclosure::Enclosure {
            url: "https://cast.example/harbour-map.png".into(),
            mime: Some("image/png".into()),
            bytes: Some(512),
            seconds: None,
        });
    article.paragraphs = vec!["The harbour master on the new tide tables.".into()];
    let h = harness(article, "");
    insta::assert_snapshot!("reader_enclosures_80x24", h.screen());
}

/// Serves `documents` (path, content type, body) on 127.0.0.1 for at most 20 requests.
fn serve(documents: Vec<(&'static str, &'static str, Vec<u8>)>) -> Server {
    documents
        .into_iter()
        .fold(Script::new().limit(20), |script, (path, kind, body)| {
            script.at(path, Answer::typed(kind, body))
        })
        .otherwise(|_| Answer::new(404).body("gone"))
        .start()
}

/// Fetched over HTTP and shown by the real binary: 100,000 enclosures in one item keep
/// 32, a 1 MB address is left out, an absurd length is unknown; RSS and JSON Feed alike.
#[test]
fn hostile_feeds_are_bounded_from_fetch_to_show() {
    let long = format!("https://flood.example/{}", "a".repeat(1 << 20));
    let mut rss = String::from(
        "<rss version=\"2.0\"><channel><title>Flood</title><item><guid>many</guid>\
         <title>Many</title>",
    );
    for i in 0..100_000 {
        rss.push_str(&format!(
            "<enclosure url=\"https://flood.example/{i}.mp3\" length=\"{i}\" type=\"audio/mpeg\"/>"
        ));
    }
    rss.push_str(&format!(
        "</item><item><guid>odd</guid><title>Odd</title>\
         <enclosure url=\"{long}\" type=\"audio/mpeg\"/>\
         <enclosure url=\"https://flood.example/odd.mp3\" length=\"99999999999999999999999\" \
         type=\"audio/mpeg\"/></item></channel></rss>"
    ));
    let attachments: Vec<serde_json::Value> = (0..100_000)
        .map(|i| serde_json::json!({"url": format!("https://flood.example/{i}.m4a"), "mime_type": "audio/x-m4a"}))
        .collect();
    let json = serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1", "title": "Flood JSON",
        "items": [
            {"id": "jmany", "title": "JSON many", "attachments": attachments},
            {"id": "jodd", "title": "JSON odd", "attachments": [
                {"url": long, "mime_type": "audio/mpeg"},
                {"url": "https://flood.example/jodd.mp3", "mime_type": "audio/mpeg",
                 "size_in_bytes": 99999999999999999999999.0_f64, "duration_in_seconds": -1}]}]
    });
    let site = serve(vec![
        ("/flood.xml", "application/rss+xml", rss.into_bytes()),
        (
            "/flood.json",
            "application/feed+json",
            json.to_string().into_bytes(),
        ),
    ]);
    let port = site.port();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("herald.db");
    for path in ["/flood.xml", "/flood.json"] {
        let url = format!("http://127.0.0.1:{port}{path}");
        let out = common::herald_at(&store, &["feed", "add", &url, "--no-check"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let started = Instant::now();
    let out = common::herald_at(&store, &["fetch"]);
    eprintln!("fetching both floods took {:?}", started.elapsed());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Vec<serde_json::Value> =
        serde_json::from_slice(&common::herald_at(&store, &["list", "--json"]).stdout).unwrap();
    let id_of = |title: &str| {
        list.iter()
            .find(|a| a["title"] == title)
            .unwrap_or_else(|| panic!("{title} in {list:?}"))["id"]
            .to_string()
    };
    let shown = |title: &str| -> serde_json::Value {
        let out = common::herald_at(&store, &["show", &id_of(title), "--json"]);
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["enclosures"].clone()
    };
    for (title, last) in [
        ("Many", "https://flood.example/31.mp3"),
        ("JSON many", "https://flood.example/31.m4a"),
    ] {
        let kept = shown(title);
        assert_eq!(kept.as_array().unwrap().len(), 32, "{title}");
        assert_eq!(kept[31]["url"], last);
    }
    for (title, url) in [
        ("Odd", "https://flood.example/odd.mp3"),
        ("JSON odd", "https://flood.example/jodd.mp3"),
    ] {
        assert_eq!(
            shown(title),
            serde_json::json!([{"url": url, "type": "audio/mpeg", "bytes": null, "seconds": null}]),
            "{title}"
        );
    }
    // Plain `show` lists them after the text.
    let out = common::herald_at(&store, &["show", &id_of("Odd"), "--width", "100"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.ends_with("Enclosures:\n\n[e1] https://flood.example/odd.mp3 (audio/mpeg)\n"),
        "{text}"
    );
}

/// The real binary in a terminal, with the opener set in a config file: Enter opens the
/// article, `e 1` runs the recorder with the address as one argument; `e 2`, whose
/// opener is missing, is said in the status line and herald goes on.
#[test]
fn in_a_terminal_the_configured_opener_gets_the_address() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("argv");
    let script = recorder(dir.path(), &out);
    let feed = dir.path().join("cast.xml");
    std::fs::write(
        &feed,
        format!(
            "<rss version=\"2.0\"><channel><title>Cast</title><item><guid>t1</guid>\
             <title>Terminal episode</title><description>Notes.</description>\
             <enclosure url=\"{}\" length=\"12345678\" type=\"audio/mpeg\"/>\
             <enclosure url=\"https://cast.example/t1.mp4\" type=\"video/mp4\"/>\
             </item></channel></rss>",
            xml_escaped(HOSTILE)
        ),
    )
    .unwrap();
    let store = dir.path().join("herald.db");
    let imported = common::herald_at(&store, &["import", feed.to_str().unwrap()]);
    assert!(imported.status.success(), "{imported:?}");
    let shown = common::herald_at(&store, &["show", "1", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    let url = json["enclosures"][0]["url"].as_str().unwrap().to_owned();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[openers]\n\"audio/*\" = [\"{}\", \"--no-video\"]\n\"video/*\" = [\"/nonexistent/player\"]\n",
            script.display()
        ),
    )
    .unwrap();
    let command = format!(
        "{} --store {} --config {}; sleep 30",
        env!("CARGO_BIN_EXE_herald"),
        store.display(),
        config.display()
    );
    let tmux = common::tmux::Tmux::start(&command, 100, 30);
    tmux.wait_for("the list", |s| s.contains("Terminal episode"));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the enclosures", |s| {
        s.contains("[e2] https://cast.example/t1.mp4")
    });
    tmux.keys(&["e"]);
    tmux.wait_for("the prompt", |s| s.contains("Open enclosure number:"));
    tmux.keys(&["1"]);
    assert_eq!(recorded(&out), ["--no-video", url.as_str()]);
    tmux.keys(&["e", "2"]);
    tmux.wait_for("the failure", |s| {
        s.contains("starting /nonexistent/player")
    });
    tmux.keys(&["C-c"]);
}
