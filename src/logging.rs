//! Logs go to a file under `$XDG_STATE_HOME/herald/` (else `~/.local/state/herald/`),
//! never to the screen: the reader owns the terminal while it runs.

use std::fs::OpenOptions;
use std::path::PathBuf;

use log::LevelFilter;

/// `$XDG_STATE_HOME/herald/herald.log`, else `~/.local/state/herald/herald.log`.
pub fn path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local").join("state"))
        })?;
    Some(base.join("herald").join("herald.log"))
}

/// Starts logging at warnings, info with `-v`, debug with `-vv`. A log that cannot be
/// opened is not worth stopping for: herald runs on without one.
pub fn init(verbosity: u8) {
    let level = match verbosity {
        0 => LevelFilter::Warn,
        1 => LevelFilter::Info,
        _ => LevelFilter::Debug,
    };
    let Some(path) = path() else {
        return;
    };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(file) = OpenOptions::new().create(true).append(true).open(&path) {
        let config = simplelog::ConfigBuilder::new()
            .set_time_format_rfc3339()
            .build();
        let _ = simplelog::WriteLogger::init(level, config, file);
    }
}
