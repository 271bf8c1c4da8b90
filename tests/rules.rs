//! Rules and retention from the command line: `herald rule` (add, list, edit, move,
//! remove, apply) and `herald prune`, their `--json` output checked by key and their exit
//! statuses; and both acting on a real fetch from a loopback server, twice, so that
//! nothing deleted or pruned comes back.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

use common::fixtures;
use common::server::{Answer, Script, Server};
use herald::domain::store::Store;
use serde_json::json;

fn herald(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("--store")
        .arg(dir.join("s.db"))
        .arg("--config")
        .arg(dir.join("config.toml"))
        .args(args)
        .env("XDG_STATE_HOME", dir)
        .output()
        .unwrap()
}

fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn setup(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), config).unwrap();
    Store::open(&dir.path().join("s.db"))
        .unwrap()
        .articles()
        .import(
            &fixtures(),
            jiff::Timestamp::from_second(1_750_000_000).unwrap(),
        )
        .unwrap();
    dir
}

#[test]
fn rules_are_added_listed_edited_moved_removed_and_applied() {
    let dir = setup("");
    let d = dir.path();
    let out = herald(d, &["rule", "add", "ferry", "--star", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = json_of(&out);
    assert_eq!(first["position"], 1);
    assert_eq!(first["query"], "ferry");
    assert_eq!(first["action"], "star");
    assert_eq!(first["caught"], 0);
    let id = first["id"].as_i64().unwrap();
    let out = herald(d, &["rule", "add", "tram", "--tag", "transit", "--json"]);
    let second = json_of(&out);
    assert_eq!(second["action"], "tag");
    assert_eq!(second["tag"], "transit");
    assert_eq!(second["position"], 2);

    // Refused: a query that does not parse (2), no action or two actions (clap: 2).
    assert_eq!(
        herald(d, &["rule", "add", "title:", "--hide"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(herald(d, &["rule", "add", "ferry"]).status.code(), Some(2));
    assert_eq!(
        herald(d, &["rule", "add", "ferry", "--hide", "--delete"])
            .status
            .code(),
        Some(2)
    );

    // A dry run says what each would act on and changes nothing.
    let dry = json_of(&herald(d, &["rule", "apply", "--dry-run", "--json"]));
    let would_star = dry[0]["ids"].as_array().unwrap().len();
    assert!(would_star > 0, "the fixtures mention a ferry");
    let starred = || {
        json_of(&herald(d, &["search", "is:starred", "--json"]))
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(starred(), 0);
    let done = json_of(&herald(d, &["rule", "apply", "--json"]));
    assert_eq!(done[0]["ids"], dry[0]["ids"]);
    assert_eq!(starred(), would_star);
    let tagged = json_of(&herald(d, &["search", "tag:transit", "--json"]));
    assert_eq!(
        tagged.as_array().unwrap().len(),
        dry[1]["ids"].as_array().unwrap().len()
    );

    let list = json_of(&herald(d, &["rule", "list", "--json"]));
    assert_eq!(list[0]["caught"], json!(would_star));
    // Moved: the tag rule first.
    let second_id = second["id"].as_i64().unwrap().to_string();
    assert!(
        herald(d, &["rule", "move", &second_id, "1"])
            .status
            .success()
    );
    let list = json_of(&herald(d, &["rule", "list", "--json"]));
    assert_eq!(list[0]["id"], second["id"]);
    assert_eq!(list[1]["position"], 2);
    // Edited: the count starts again.
    let out = herald(
        d,
        &[
            "rule",
            "edit",
            &id.to_string(),
            "--query",
            "ferry OR harbour",
            "--hide",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = json_of(&herald(d, &["rule", "list", "--json"]));
    assert_eq!(list[1]["action"], "hide");
    assert_eq!(list[1]["caught"], 0);
    // Removed; a rule that is not there is exit status 1.
    assert!(
        herald(d, &["rule", "remove", &id.to_string()])
            .status
            .success()
    );
    let out = herald(d, &["rule", "remove", &id.to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no rule"));
    assert_eq!(
        herald(d, &["rule", "edit", "999", "--star"]).status.code(),
        Some(1)
    );
    assert_eq!(
        json_of(&herald(d, &["rule", "list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// A feed of `n` items, item `i` published `i` days ago; a few with words rules catch.
fn feed(n: usize) -> String {
    let now = jiff::Timestamp::now().as_second();
    let mut body = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Quay Wire</title>",
    );
    for i in 0..n {
        let title = match i {
            1 => "Sponsored: buy a boat".to_owned(),
            2 => "The casino opens".to_owned(),
            _ => format!("Harbour report {i}"),
        };
        let date = jiff::Timestamp::from_second(now - i as i64 * 86_400 - 60).unwrap();
        body.push_str(&format!(
            "<item><guid>q{i}</guid><title>{title}</title><pubDate>{}</pubDate>\
             <description>Report number {i} from the quay.</description></item>",
            date.strftime("%a, %d %b %Y %H:%M:%S +0000")
        ));
    }
    body.push_str("</channel></rss>");
    body
}

fn serve(body: String) -> Server {
    Script::new()
        .limit(20)
        .otherwise(move |_| Answer::typed("application/rss+xml", body.clone()))
        .start()
}

fn titles(d: &Path, query: &str) -> Vec<String> {
    let found = json_of(&herald(d, &["search", query, "--json", "--newest"]));
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_owned())
        .collect()
}

/// Rules act on what a fetch brings; the config's retention prunes after it; the next
/// fetch of the same feed brings back neither what a rule deleted nor what was pruned.
#[test]
fn rules_and_retention_act_on_a_fetch_and_nothing_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("config.toml"),
        "[retention]\nmax_items = 5\nkeep_unread = false\n",
    )
    .unwrap();
    let site = serve(feed(12));
    let url = site.url("/rss.xml");
    assert!(
        herald(d, &["feed", "add", &url, "--no-check"])
            .status
            .success()
    );
    assert!(
        herald(d, &["rule", "add", "sponsored", "--hide"])
            .status
            .success()
    );
    assert!(
        herald(d, &["rule", "add", "casino", "--delete"])
            .status
            .success()
    );
    assert!(
        herald(d, &["rule", "add", "\"harbour report 9\"", "--star"])
            .status
            .success()
    );

    let out = herald(d, &["fetch"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // 12 items, one deleted by its rule as it arrived: 11 stored, and said so.
    assert!(said.contains("11 new"), "{said}");
    assert!(said.contains("pruned 5 articles"), "{said}");
    // The newest five stored (0, the hidden 1, 3, 4, 5: 2 was deleted by a rule) and
    // the starred one.
    assert_eq!(
        titles(d, "quay"),
        [
            "Harbour report 0",
            "Harbour report 3",
            "Harbour report 4",
            "Harbour report 5",
            "Harbour report 9"
        ]
    );
    assert_eq!(titles(d, "is:hidden"), ["Sponsored: buy a boat"]);
    let rules = json_of(&herald(d, &["rule", "list", "--json"]));
    let caught: Vec<i64> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["caught"].as_i64().unwrap())
        .collect();
    assert_eq!(caught, [1, 1, 1]);

    // Again: the same twelve items; nothing new, nothing back, nothing to prune.
    let out = herald(d, &["fetch"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("0 new"), "{said}");
    assert!(!said.contains("pruned"), "{said}");
    assert_eq!(titles(d, "quay").len(), 5);
    let dry = json_of(&herald(d, &["prune", "--dry-run", "--json"]));
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["total"], 0);

    // A feed's own limit overrides the config's: keep 3 days, whatever the count.
    assert!(
        herald(
            d,
            &["feed", "set", &url, "--max-items", "0", "--keep-days", "3"]
        )
        .status
        .success()
    );
    let dry = json_of(&herald(d, &["prune", "--dry-run", "--json"]));
    assert_eq!(
        dry["total"], 3,
        "reports 3, 4 and 5 are over three days old; 9 is starred: {dry}"
    );
    assert_eq!(dry["feeds"][0]["name"], "Quay Wire");
    let out = herald(d, &["prune", "--json"]);
    assert_eq!(json_of(&out)["total"], 3);
    assert_eq!(titles(d, "quay"), ["Harbour report 0", "Harbour report 9"]);
    assert_eq!(
        herald(d, &["feed", "set", &url, "--keep-days", "soon"])
            .status
            .code(),
        Some(2),
        "a limit that is not a number"
    );
}

#[test]
fn a_bad_retention_in_the_config_names_the_key() {
    let dir = setup("[retention]\nkeep_days = -3\n");
    let out = herald(dir.path(), &["prune"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("keep_days"), "{err}");
}

#[test]
fn a_delete_rule_keeps_starred_articles_says_what_it_takes_and_asks_before_applying() {
    let dir = setup("");
    let d = dir.path();
    let total = fixtures().len();
    let count = |query: &str| {
        json_of(&herald(d, &["search", query, "--json"]))
            .as_array()
            .unwrap()
            .len()
    };
    let stored = || {
        Store::open(&d.join("s.db"))
            .unwrap()
            .articles()
            .count()
            .unwrap()
    };
    assert!(
        herald(d, &["mark", "star", "--query", "ferry"])
            .status
            .success()
    );
    assert_eq!(count("is:starred"), 1);

    // A query that finds everything but a word no article has: accepted, and it says
    // what it would take of the archive.
    let out = herald(d, &["rule", "add", "--delete", "--", "-zeppelin"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains(&format!(
            "would delete {} of the articles stored now",
            total - 1
        )),
        "{said}"
    );
    assert!(said.contains("1 starred article kept"), "{said}");
    // Edited, it says again what it would take.
    let id = json_of(&herald(d, &["rule", "list", "--json"]))[0]["id"].to_string();
    let out = herald(d, &["rule", "edit", &id, "--query", "since:1000y"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("would delete"), "{said}");
    let out = herald(d, &["rule", "edit", &id, "--query=-zeppelin"]);
    assert!(out.status.success());

    // Standard input is not a terminal: refused without --yes, nothing done.
    let out = herald(d, &["rule", "apply"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--yes"), "{err}");
    assert!(err.contains(&format!("{} articles", total - 1)), "{err}");
    assert_eq!(stored(), total);
    // A dry run needs no answer and changes nothing.
    let out = herald(d, &["rule", "apply", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains(&format!("would act on {} articles", total - 1))
    );
    assert_eq!(stored(), total);

    let out = herald(d, &["rule", "apply", "--yes"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stored(), 1, "only the starred article is left");
    assert_eq!(count("is:starred"), 1);
}

/// On a terminal, `rule apply` with a delete rule asks first: `script` (util-linux) gives
/// it one, and types the answer.
#[test]
fn rule_apply_asks_on_a_terminal_before_a_delete_rule_deletes() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no script(1) to give herald a terminal");
        return;
    }
    let dir = setup("");
    let d = dir.path();
    let stored = || {
        Store::open(&d.join("s.db"))
            .unwrap()
            .articles()
            .count()
            .unwrap()
    };
    let total = stored();
    assert!(
        herald(d, &["rule", "add", "--delete", "tram"])
            .status
            .success()
    );
    let on_a_terminal = |answer: &str| {
        let line = format!(
            "'{}' --store '{}' --config '{}' rule apply",
            env!("CARGO_BIN_EXE_herald"),
            d.join("s.db").display(),
            d.join("config.toml").display()
        );
        let mut child = Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .env("XDG_STATE_HOME", d)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{answer}\n").as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, said) = on_a_terminal("n");
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("Apply the rules? [y/N]"), "{said}");
    assert!(said.contains("nothing was done"), "{said}");
    assert_eq!(stored(), total);
    let (code, said) = on_a_terminal("y");
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("acted on 1 article"), "{said}");
    assert_eq!(stored(), total - 1);
}
