//! Start-up to the first frame, timed by the binary itself in a real terminal (tmux) and
//! from outside: shared by the suite and the sources benchmark.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Starts herald in tmux (`width` x `height`) on `store`, waits for its first-frame report; returns (inner ms,
/// outer ms, peak RSS KiB, CPU ms of every thread to the first frame).
#[allow(dead_code)]
pub fn first_frame(
    store: &Path,
    dir: &Path,
    run: usize,
    size: (u16, u16),
) -> anyhow::Result<(f64, f64, u64, f64)> {
    first_frame_with(store, dir, run, size, "")
}

/// As [`first_frame`], with `arguments` given to herald after the store.
#[allow(dead_code)]
pub fn first_frame_with(
    store: &Path,
    dir: &Path,
    run: usize,
    (width, height): (u16, u16),
    arguments: &str,
) -> anyhow::Result<(f64, f64, u64, f64)> {
    let report = dir.join(format!("first-frame-{run}.txt"));
    let _ = std::fs::remove_file(&report);
    let socket = format!("herald-suite-{}-{run}", std::process::id());
    let command = format!(
        "HERALD_FIRST_FRAME_REPORT={} {} --store {} {arguments}",
        report.display(),
        env!("CARGO_BIN_EXE_herald"),
        store.display()
    );
    let started = Instant::now();
    let status = Command::new("tmux")
        .args([
            "-L",
            &socket,
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ])
        .arg(&command)
        .status()?;
    anyhow::ensure!(status.success(), "tmux could not start (is it installed?)");
    let deadline = Instant::now() + Duration::from_secs(30);
    let text = loop {
        if let Ok(text) = std::fs::read_to_string(&report)
            && text.contains("rows=")
        {
            break text;
        }
        anyhow::ensure!(Instant::now() < deadline, "no first frame within 30 s");
        std::thread::sleep(Duration::from_millis(1));
    };
    let outer = started.elapsed().as_secs_f64() * 1e3;
    let _ = Command::new("tmux")
        .args(["-L", &socket, "kill-server"])
        .stderr(std::process::Stdio::null())
        .status();
    let field = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    Ok((
        field("first_frame_ms="),
        outer,
        field("peak_rss_kib=") as u64,
        field("cpu_ms="),
    ))
}
