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
        let logger = Clean(simplelog::WriteLogger::new(level, config, file));
        if log::set_boxed_logger(Box::new(logger)).is_ok() {
            log::set_max_level(level);
        }
    }
}

/// Hands every record to the logger inside with what a terminal would act on replaced
/// by `�`, line breaks too. Log messages carry file and folder names, feed URLs and
/// errors from servers; `tail herald.log` must not run their escape sequences, and a
/// line break in a name must not forge a record. One place, so no call site can forget.
struct Clean<L>(L);

impl<L: log::Log> log::Log for Clean<L> {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        self.0.enabled(metadata)
    }

    fn log(&self, record: &log::Record) {
        if !self.0.enabled(record.metadata()) {
            return;
        }
        let message = record.args().to_string();
        let clean = crate::domain::text::printable(&message);
        self.0.log(
            &log::Record::builder()
                .args(format_args!("{clean}"))
                .metadata(record.metadata().clone())
                .module_path(record.module_path())
                .file(record.file())
                .line(record.line())
                .build(),
        );
    }

    fn flush(&self) {
        self.0.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Kept(Mutex<Vec<String>>);

    impl log::Log for Kept {
        fn enabled(&self, _: &log::Metadata) -> bool {
            true
        }
        fn log(&self, record: &log::Record) {
            self.0.lock().unwrap().push(record.args().to_string());
        }
        fn flush(&self) {}
    }

    #[test]
    fn records_reach_the_log_without_controls_or_line_breaks() {
        use log::Log;
        let clean = Clean(Kept::default());
        let name = "a\u{1b}[2J\nb\u{202e}c\u{9b}";
        clean.log(
            &log::Record::builder()
                .args(format_args!("cannot read {name}"))
                .level(log::Level::Warn)
                .build(),
        );
        let kept = clean.0.0.lock().unwrap();
        assert_eq!(
            kept.as_slice(),
            ["cannot read a\u{FFFD}[2J\u{FFFD}b\u{FFFD}c\u{FFFD}"]
        );
    }
}
