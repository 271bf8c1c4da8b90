//! The config's `after_fetch` command: run after a fetch that brought new articles, never
//! through a shell, with the counts in its arguments and environment and the new titles
//! in its environment, however hostile they are.

use std::process::Command;

mod common;

use common::server::{Answer, Script, Server};

const HOSTILE: &[&str] = &[
    "$(touch PWNED)",
    "`touch PWNED`; rm -rf ~",
    "it's \"quoted\" | tee PWNED &amp; more",
];

fn serve() -> Server {
    let mut body =
        String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Quay</title>");
    for (i, title) in HOSTILE.iter().enumerate() {
        let title = title
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('"', "&quot;");
        body.push_str(&format!(
            "<item><guid>h{i}</guid><title>{title}</title><description>Text.</description></item>"
        ));
    }
    body.push_str("</channel></rss>");
    Script::new()
        .limit(20)
        .otherwise(move |_| Answer::typed("application/rss+xml", body.clone()))
        .start()
}

#[test]
fn the_command_runs_without_a_shell_and_hostile_titles_stay_data() {
    let site = serve();
    let port = site.port();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let recorder = dir.path().join("record");
    std::fs::write(
        &recorder,
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$0.args\"\nprintf '%s' \"$HERALD_TITLES\" > \"$0.titles\"\nprintf '%s %s %s' \"$HERALD_NEW\" \"$HERALD_UPDATED\" \"$HERALD_FAILED\" > \"$0.counts\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&recorder, std::fs::Permissions::from_mode(0o755)).unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "after_fetch = [{:?}, \"herald\", \"{{new}} new; {{failed}} failed\"]\n",
            recorder.display().to_string()
        ),
    )
    .unwrap();
    let herald = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_herald"))
            .arg("--store")
            .arg(&store)
            .arg("--config")
            .arg(&config)
            .args(args)
            .current_dir(dir.path())
            .env("XDG_STATE_HOME", dir.path())
            .output()
            .unwrap()
    };
    let url = format!("http://127.0.0.1:{port}/rss.xml");
    assert!(
        herald(&["feed", "add", "--no-check", &url])
            .status
            .success()
    );
    let out = herald(&["fetch"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("started the after_fetch command"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The command runs on its own: wait for what it writes.
    let wait = |name: &str| {
        let path = dir.path().join(format!("record.{name}"));
        for _ in 0..200 {
            if let Ok(text) = std::fs::read_to_string(&path)
                && !text.is_empty()
            {
                return text;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        panic!("the after_fetch command did not write {name}");
    };
    assert_eq!(wait("args"), "herald\n3 new; 0 failed\n");
    assert_eq!(wait("counts"), "3 0 0");
    let titles = wait("titles");
    assert_eq!(
        titles.lines().collect::<Vec<_>>(),
        HOSTILE
            .iter()
            .map(|t| t.replace("&amp;", "&"))
            .collect::<Vec<_>>()
    );
    assert!(
        !dir.path().join("PWNED").exists(),
        "a title was run as a command"
    );
    // A fetch that brings nothing new runs nothing (herald says when it starts the
    // command, so this needs no wait).
    let second = herald(&["fetch"]);
    assert!(second.status.success());
    let said = String::from_utf8_lossy(&second.stdout);
    assert!(!said.contains("after_fetch"), "{said}");
}
