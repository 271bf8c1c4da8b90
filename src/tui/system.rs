//! What the reader asks of the system outside the terminal's drawing: a browser for a
//! link, the clipboard through the terminal (OSC 52), and the process's own memory.

use std::process::{Command, Stdio};

use anyhow::{Context as _, Result};

/// Opens `url` in `$BROWSER`, else the desktop's opener. The URL is one argument to the
/// program, never text for a shell.
pub fn open_url(url: &str) -> Result<()> {
    open_url_with(std::env::var("BROWSER").ok().as_deref(), url)
}

/// `open_url` with the `$BROWSER` value given: the program and its own arguments come
/// from the user; the URL is only ever one more argument.
pub fn open_url_with(browser: Option<&str>, url: &str) -> Result<()> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        anyhow::bail!("only http and https links are opened");
    }
    let (program, mut args): (String, Vec<String>) = match browser {
        Some(browser) if !browser.trim().is_empty() => {
            let mut parts = browser.split_whitespace().map(str::to_owned);
            let program = parts.next().unwrap_or_default();
            (program, parts.collect())
        }
        _ if cfg!(target_os = "macos") => ("open".into(), Vec::new()),
        _ => ("xdg-open".into(), Vec::new()),
    };
    if let Some(slot) = args.iter_mut().find(|a| a.contains("%s")) {
        *slot = slot.replace("%s", url);
    } else {
        args.push(url.to_owned());
    }
    let mut child = Command::new(&program)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {program}"))?;
    // Reap the browser launcher when it exits, so it leaves no zombie behind.
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// Runs an opener from the config's `[openers]`: `argv[0]` with the rest of `argv` and
/// then `url` as its arguments, each one argument as given, never through a shell.
pub fn open_with(argv: &[String], url: &str) -> Result<()> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        anyhow::bail!("only http and https enclosures are opened");
    }
    let Some((program, args)) = argv.split_first() else {
        anyhow::bail!("the opener names no program; see [openers] in the config");
    };
    let mut child = Command::new(program)
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {program} (the opener from [openers] in the config)"))?;
    // Reaped when it exits, so it leaves no zombie behind.
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// The OSC 52 sequence that asks the terminal to put `text` on the clipboard. It travels
/// with the terminal's own output, so it works over ssh, and through tmux with
/// `set-clipboard on`.
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{encoded}\x07")
}

pub fn copy_to_clipboard(text: &str) -> Result<()> {
    use std::io::{IsTerminal, Write};
    let mut out = std::io::stdout();
    // The app copies only plain web addresses; checked again here, where the text goes
    // to the terminal inside an escape sequence.
    if crate::domain::text::plain_web_address(text).is_none() {
        anyhow::bail!("only a plain http or https address is copied");
    }
    // Only a terminal understands the sequence; anywhere else it would be junk output.
    if out.is_terminal() {
        out.write_all(osc52(text).as_bytes())?;
        out.flush()?;
    }
    Ok(())
}

/// The process's peak resident memory (VmHWM), in KiB, where /proc tells it.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// CPU time the process has had so far, every thread's, in milliseconds (Linux only):
/// the first field of each thread's `schedstat` is its time on a CPU in nanoseconds, finer
/// than the clock ticks of `stat`.
pub fn cpu_ms() -> Option<f64> {
    let mut total = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total as f64 / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_carries_the_text_in_base64() {
        assert_eq!(
            osc52("https://example.org/a?b=1"),
            "\x1b]52;c;aHR0cHM6Ly9leGFtcGxlLm9yZy9hP2I9MQ==\x07"
        );
    }
}
