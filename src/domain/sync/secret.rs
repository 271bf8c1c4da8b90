//! An account's password or token, got when a sync needs it: from the environment
//! variable the account names, or from the first line a command prints (`pass show
//! reader`), run without a shell, with a time limit and a cap on what it may print.
//! Nothing here writes it anywhere.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::domain::store::{Account, SecretSource};

/// The most a secret command may print, in bytes.
pub const MAX_OUTPUT: usize = 64 * 1024;

/// How long a secret command may take (a password manager may ask for a passphrase).
pub const TIME_LIMIT: Duration = Duration::from_secs(60);

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
    // Read on a thread, so that a command that never ends is killed at the time limit.
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let read = stdout.take(MAX_OUTPUT as u64 + 1).read_to_end(&mut bytes);
        read.map(|_| bytes)
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "`{shown}` took more than {} s; it was stopped",
                limit.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let bytes = match reader.join() {
        Ok(read) => read.with_context(|| format!("reading `{shown}`'s output"))?,
        Err(_) => bail!("reading `{shown}`'s output failed"),
    };
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
        let started = Instant::now();
        let err = run(&["sleep".into(), "30".into()], Duration::from_millis(300)).unwrap_err();
        assert!(err.to_string().contains("took more than"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
        let err = secret(&account(SecretSource::Command(vec![
            "/nonexistent/herald-secret".into(),
        ])))
        .unwrap_err();
        assert!(format!("{err:#}").contains("running"), "{err:#}");
    }
}
