//! An account's password or token, got when a sync needs it: from the environment
//! variable the account names, or from the first line a command prints (`pass show
//! reader`), run without a shell, with a time limit and a cap on what it may print.
//! Nothing here writes it anywhere.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::domain::store::{Account, SecretSource};

/// The most a secret command may print, in bytes.
pub const MAX_OUTPUT: usize = 64 * 1024;

/// How long a secret command may take (a password manager may ask for a passphrase).
pub const TIME_LIMIT: Duration = Duration::from_secs(60);

/// How long the output may stay open after the command has exited: a child it left
/// running may hold the pipe for as long as it lives, and the command's own output is
/// all there once it has exited.
const AFTER_EXIT: Duration = Duration::from_millis(500);

/// The account's secret, or an error naming the account and what to do.
pub fn secret(account: &Account) -> Result<String> {
    let name = &account.name;
    match &account.secret {
        SecretSource::Env(var) => match std::env::var(var) {
            Ok(value) if !value.is_empty() => Ok(value),
            Ok(_) => bail!("account {name}: the environment variable {var} is empty"),
            Err(_) => bail!(
                "account {name}: the environment variable {var} that holds its secret is not set \
                 (or not UTF-8); set it, or `herald account add` the account again with another \
                 --secret-env or --secret-command"
            ),
        },
        SecretSource::Command(args) => {
            run(args, TIME_LIMIT).with_context(|| format!("account {name}: getting its secret"))
        }
    }
}

/// Runs `args` and returns the first line of what it prints.
fn run(args: &[String], limit: Duration) -> Result<String> {
    let Some((program, rest)) = args.split_first() else {
        bail!("no command to run");
    };
    let shown = args.join(" ");
    let mut child = Command::new(program)
        .args(rest)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("running `{shown}`"))?;
    let Some(stdout) = child.stdout.take() else {
        bail!("`{shown}`'s output could not be read");
    };
    let chunks = read_on_a_thread(stdout);
    let deadline = Instant::now() + limit;
    let mut bytes = Vec::new();
    let mut ended = false;
    let mut exited: Option<(std::process::ExitStatus, Instant)> = None;
    let status = loop {
        if exited.is_none()
            && let Some(status) = child.try_wait()?
        {
            exited = Some((status, Instant::now()));
        }
        if let Some((status, at)) = exited {
            // Exited: the output is whole once the pipe closes, or once a child it left
            // behind (which holds the pipe) has had its moment; never waited for.
            if ended || at.elapsed() >= AFTER_EXIT {
                break status;
            }
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "`{shown}` took more than {}; it was stopped",
                shown_limit(limit)
            );
        }
        match chunks.recv_timeout(Duration::from_millis(10)) {
            Ok(Ok(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(Err(err)) => {
                return Err(err).with_context(|| format!("reading `{shown}`'s output"));
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                ended = true;
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    };
    // What came in the last moment before the loop ended.
    while let Ok(Ok(chunk)) = chunks.try_recv() {
        bytes.extend_from_slice(&chunk);
    }
    if bytes.len() > MAX_OUTPUT {
        bail!("`{shown}` printed more than {} KiB", MAX_OUTPUT / 1024);
    }
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    let text = String::from_utf8(bytes).with_context(|| format!("`{shown}` printed no text"))?;
    let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
    if line.is_empty() {
        bail!("`{shown}` printed nothing on its first line");
    }
    Ok(line.to_owned())
}

/// Reads `stdout` on a thread of its own, at most `MAX_OUTPUT` and a byte, sending what
/// comes as it comes; the channel closes at the end of the output. The thread may
/// outlive the call: a child the command left behind holds the pipe open, and the
/// thread ends when that child does.
fn read_on_a_thread(stdout: impl Read + Send + 'static) -> Receiver<std::io::Result<Vec<u8>>> {
    let (send, chunks) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut stdout = stdout.take(MAX_OUTPUT as u64 + 1);
        let mut buffer = [0u8; 8192];
        loop {
            let sent = match stdout.read(&mut buffer) {
                Ok(0) => return,
                Ok(n) => send.send(Ok(buffer[..n].to_vec())),
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(err) => send.send(Err(err)),
            };
            if sent.is_err() {
                return;
            }
        }
    });
    chunks
}

/// `60 s`, or `500 ms` for a limit under a second.
fn shown_limit(limit: Duration) -> String {
    if limit >= Duration::from_secs(1) {
        format!("{} s", limit.as_secs())
    } else {
        format!("{} ms", limit.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::store::AccountKind;

    fn account(secret: SecretSource) -> Account {
        Account {
            id: 1,
            name: "home".into(),
            kind: AccountKind::Miniflux,
            url: "https://reader.example.org".into(),
            user: Some("ana".into()),
            secret,
            synced_until: None,
            last_entry: None,
            last_sync: None,
            last_error: None,
        }
    }

    fn sh(script: &str) -> SecretSource {
        SecretSource::Command(vec!["sh".into(), "-c".into(), script.into()])
    }

    #[test]
    fn the_first_line_a_command_prints_is_the_secret() {
        let got = secret(&account(sh("printf 'hunter2\\nurl: x\\n'"))).unwrap();
        assert_eq!(got, "hunter2");
    }

    /// A command that exits but leaves a child holding its output (a password manager's
    /// agent started on first use, say) is not waited for past its exit. Each child
    /// leaves a file when it ends, 30 s later: the file not being there when the call
    /// returns shows that nothing waited for the child, with no clock in the assertion.
    #[test]
    fn a_child_left_holding_the_output_is_not_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let ended = |name: &str| dir.path().join(name);
        let child = |name: &str| format!("(sleep 30; touch '{}') &", ended(name).display());
        let got = secret(&account(sh(&format!("echo hunter2; {}", child("a"))))).unwrap();
        assert_eq!(got, "hunter2");
        assert!(!ended("a").exists(), "waited for the child");

        // Nothing printed, and the same child left: an error, as soon.
        let err = secret(&account(sh(&child("b")))).unwrap_err();
        assert!(format!("{err:#}").contains("printed nothing"), "{err:#}");
        assert!(!ended("b").exists(), "waited for the child");

        // Never prints and never exits, with a child on the pipe too: stopped at the
        // limit, with the command and the limit named.
        let script = format!("{} sleep 30; touch '{}'", child("c"), ended("d").display());
        let args = ["sh".to_owned(), "-c".to_owned(), script];
        let err = run(&args, Duration::from_millis(500)).unwrap_err();
        let text = format!("{err:#}");
        assert!(
            text.contains("took more than") && text.contains("sleep 30"),
            "{text}"
        );
        assert!(!ended("c").exists() && !ended("d").exists(), "waited");
    }

    #[test]
    fn a_missing_variable_names_the_account_and_the_variable() {
        let err = secret(&account(SecretSource::Env(
            "HERALD_TEST_SURELY_UNSET_VARIABLE".into(),
        )))
        .unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("account home"), "{text}");
        assert!(text.contains("HERALD_TEST_SURELY_UNSET_VARIABLE"), "{text}");
    }

    #[test]
    fn failing_silent_endless_and_flooding_commands_are_errors() {
        for (script, says) in [
            ("exit 3", "failed"),
            ("true", "printed nothing"),
            ("yes", "more than 64 KiB"),
            ("head -c 70000 /dev/zero | tr '\\0' a", "more than 64 KiB"),
        ] {
            let err = secret(&account(sh(script))).unwrap_err();
            let text = format!("{err:#}");
            assert!(text.contains(says), "{script}: {text}");
            assert!(text.contains("account home"), "{text}");
        }
        // The limit, not the command, ends it: the command would leave a file at its end.
        let dir = tempfile::tempdir().unwrap();
        let ended = dir.path().join("ended");
        let script = format!("sleep 30; touch '{}'", ended.display());
        let err = run(
            &["sh".into(), "-c".into(), script],
            Duration::from_millis(300),
        )
        .unwrap_err();
        assert!(err.to_string().contains("took more than"), "{err}");
        assert!(!ended.exists(), "waited for the command");
        let err = secret(&account(SecretSource::Command(vec![
            "/nonexistent/herald-secret".into(),
        ])))
        .unwrap_err();
        assert!(format!("{err:#}").contains("running"), "{err:#}");
    }
}
