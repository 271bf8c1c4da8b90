//! `herald account`: add, list and remove accounts on sync servers from the command line;
//! the secret is never stored, only where to get it.

mod common;

use common::herald_at as herald;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn accounts_are_added_listed_and_removed_without_their_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("herald.db");
    let add = herald(
        &store,
        &[
            "account",
            "add",
            "home",
            "--kind",
            "miniflux",
            "--url",
            "http://127.0.0.1:9/",
            "--user",
            "ana",
            "--secret-env",
            "HERALD_TEST_SECRET",
        ],
    );
    assert!(add.status.success(), "{}", text(&add.stderr));
    let add = herald(
        &store,
        &[
            "account",
            "add",
            "phone",
            "--kind",
            "greader",
            "--url",
            "https://rss.example.org/api/greader.php",
            "--user",
            "ana",
            "--secret-command",
            "pass",
            "show",
            "rss",
        ],
    );
    assert!(add.status.success(), "{}", text(&add.stderr));

    let list = herald(&store, &["account", "list", "--json"]);
    assert!(list.status.success(), "{}", text(&list.stderr));
    let listed: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(listed[0]["name"], "home");
    assert_eq!(listed[0]["url"], "http://127.0.0.1:9");
    assert_eq!(listed[0]["secret_env"], "HERALD_TEST_SECRET");
    assert_eq!(listed[1]["kind"], "greader");
    assert_eq!(
        listed[1]["secret_command"],
        serde_json::json!(["pass", "show", "rss"])
    );
    assert_eq!(listed[1]["waiting"], 0);

    // A password in the address would be stored in plain text: refused.
    let leaky = herald(
        &store,
        &[
            "account",
            "add",
            "leak",
            "--kind",
            "miniflux",
            "--url",
            "https://ana:hunter2@reader.example.org",
            "--secret-env",
            "X",
        ],
    );
    assert_eq!(leaky.status.code(), Some(1));
    assert!(
        text(&leaky.stderr).contains("plain text"),
        "{}",
        text(&leaky.stderr)
    );
    assert!(!text(&leaky.stderr).contains("hunter2"));
    // A secret source is required, and only one.
    let none = herald(
        &store,
        &[
            "account",
            "add",
            "x",
            "--kind",
            "miniflux",
            "--url",
            "https://r.example.org",
        ],
    );
    assert_eq!(none.status.code(), Some(2));

    let removed = herald(&store, &["account", "remove", "phone"]);
    assert!(removed.status.success(), "{}", text(&removed.stderr));
    let again = herald(&store, &["account", "remove", "phone"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("no account phone"));
    let list = herald(&store, &["account", "list"]);
    let shown = text(&list.stdout);
    assert!(
        shown.contains("home  miniflux http://127.0.0.1:9 as ana"),
        "{shown}"
    );
    assert!(!shown.contains("phone"), "{shown}");
}

/// A secret command that prints its line and exits, leaving a child that holds its output
/// open, does not keep `herald sync` waiting for the child.
#[test]
fn sync_does_not_wait_for_a_child_the_secret_command_left_behind() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("herald.db");
    let script = dir.path().join("token.sh");
    // The sleeper's id goes beside the script, so that the test ends it.
    std::fs::write(
        &script,
        "#!/bin/sh\necho not-a-real-token\nsleep 40 &\necho $! > \"$0.pid\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let add = herald(
        &store,
        &[
            "account",
            "add",
            "home",
            "--kind",
            "miniflux",
            "--url",
            "http://127.0.0.1:9/",
            "--secret-command",
            script.to_str().unwrap(),
        ],
    );
    assert!(add.status.success(), "{}", text(&add.stderr));
    let sync = herald(&store, &["sync"]);
    // herald is back while the child still runs: it did not wait for the pipe the child
    // holds (before, it waited the child's whole life). No clock needed.
    let sleeper = std::fs::read_to_string(dir.path().join("token.sh.pid")).unwrap();
    let alive = std::process::Command::new("kill")
        .args(["-0", sleeper.trim()])
        .status()
        .unwrap();
    assert!(
        alive.success(),
        "the child the secret command left is still running"
    );
    // Nothing listens on port 9: the sync fails there, past the secret.
    let err = text(&sync.stderr);
    assert!(!sync.status.success());
    assert!(!err.contains("getting its secret"), "{err}");
    let _ = std::process::Command::new("kill")
        .arg(sleeper.trim())
        .status();
}

/// A name that begins with `-` would read as an option everywhere it is given again
/// (`herald sync -x`, `herald account remove -x`): refused when the account is added.
#[test]
fn an_account_name_that_starts_with_a_dash_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("herald.db");
    for name in ["-x", "--home", "-"] {
        let add = herald(
            &store,
            &[
                "account",
                "add",
                "--kind",
                "miniflux",
                "--url",
                "http://127.0.0.1:9/",
                "--secret-env",
                "HERALD_TEST_SECRET",
                "--",
                name,
            ],
        );
        let err = text(&add.stderr);
        assert!(!add.status.success(), "{name}: accepted");
        assert!(err.contains("cannot start with `-`"), "{name}: {err}");
    }
    let list = herald(&store, &["account", "list", "--json"]);
    assert_eq!(text(&list.stdout).trim(), "[]");
    // A dash inside a name is fine.
    let add = herald(
        &store,
        &[
            "account",
            "add",
            "my-home",
            "--kind",
            "miniflux",
            "--url",
            "http://127.0.0.1:9/",
            "--secret-env",
            "HERALD_TEST_SECRET",
        ],
    );
    assert!(add.status.success(), "{}", text(&add.stderr));
}

/// `herald account set` changes where the secret comes from (either way) and the
/// address, and keeps the rest (before: no such command; only remove and add again).
#[test]
fn account_set_changes_the_secret_source_and_the_address() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("herald.db");
    let add = herald(
        &store,
        &[
            "account",
            "add",
            "fr",
            "--kind",
            "greader",
            "--url",
            "https://fr.example/",
            "--user",
            "ana",
            "--secret-env",
            "OLD_VAR",
        ],
    );
    assert!(add.status.success(), "{}", text(&add.stderr));
    let set = herald(
        &store,
        &[
            "account",
            "set",
            "fr",
            "--secret-command",
            "pass",
            "show",
            "fr",
        ],
    );
    assert!(set.status.success(), "{}", text(&set.stderr));
    assert!(
        text(&set.stdout).contains("secret from `pass show fr`"),
        "{}",
        text(&set.stdout)
    );
    let set = herald(
        &store,
        &[
            "account",
            "set",
            "fr",
            "--url",
            "https://fr.example/api/greader.php",
            "--secret-env",
            "NEW_VAR",
        ],
    );
    assert!(set.status.success(), "{}", text(&set.stderr));
    let list = herald(&store, &["account", "list", "--json"]);
    let listed: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(listed[0]["url"], "https://fr.example/api/greader.php");
    assert_eq!(listed[0]["secret_env"], "NEW_VAR");
    assert!(listed[0].get("secret_command").is_none(), "{listed}");
    assert_eq!(listed[0]["user"], "ana");
    let nothing = herald(&store, &["account", "set", "fr"]);
    assert_eq!(
        nothing.status.code(),
        Some(2),
        "nothing to change is a usage error"
    );
    let missing = herald(&store, &["account", "set", "nobody", "--secret-env", "X"]);
    assert!(
        text(&missing.stderr).contains("no account nobody"),
        "{}",
        text(&missing.stderr)
    );
    let leak = herald(
        &store,
        &["account", "set", "fr", "--url", "https://a:pw@fr.example/"],
    );
    assert!(!leak.status.success());
}
