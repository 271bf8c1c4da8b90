//! The configuration file: `$XDG_CONFIG_HOME/herald/config.toml` (or `--config PATH`),
//! every option documented in `assets/config.example.toml`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

pub use crate::app::columns::{Column, Columns};
pub use crate::app::layout::LayoutChoice;
pub use crate::app::sources::SourcesChoice;
pub use crate::ui::theme::ThemeName;

/// A reader width cap, checked when the file is read so the error names its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub struct ReaderWidth(pub u16);

impl TryFrom<i64> for ReaderWidth {
    type Error = String;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        match u16::try_from(value) {
            Ok(w) if (20..=400).contains(&w) => Ok(ReaderWidth(w)),
            _ => Err(format!("reader_width must be from 20 to 400, not {value}")),
        }
    }
}

impl Default for ReaderWidth {
    fn default() -> Self {
        ReaderWidth(90)
    }
}

/// A strftime pattern, checked when the file is read.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct DateFormat(pub String);

impl TryFrom<String> for DateFormat {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        let sample = jiff::civil::date(2024, 12, 3).at(18, 9, 0, 0);
        jiff::fmt::strtime::format(&value, sample)
            .map_err(|e| format!("date_format `{value}` is not a pattern herald can use: {e}"))?;
        if value.trim().is_empty() {
            return Err("date_format is empty".into());
        }
        Ok(DateFormat(value))
    }
}

impl Default for DateFormat {
    fn default() -> Self {
        DateFormat("%d %b %y".into())
    }
}

/// The list's columns, in order (`list_columns = ["flags", "source", "title", "date"]`):
/// checked when the file is read, so the error names its line.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Vec<Column>")]
pub struct ListColumns(pub Vec<Column>);

impl TryFrom<Vec<Column>> for ListColumns {
    type Error = String;
    fn try_from(value: Vec<Column>) -> Result<Self, Self::Error> {
        Columns::new(value, None).map(|c| ListColumns(c.fields))
    }
}

impl Default for ListColumns {
    fn default() -> Self {
        ListColumns(Columns::default().fields)
    }
}

/// The source and author columns' width (`source_width = 14`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub struct SourceWidth(pub u16);

impl TryFrom<i64> for SourceWidth {
    type Error = String;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        let width = u16::try_from(value).unwrap_or(0);
        Columns::new(Columns::default().fields, Some(width))
            .map(|_| SourceWidth(width))
            .map_err(|_| format!("source_width must be from 4 to 60 columns, not {value}"))
    }
}

/// Seconds an article is shown beside the list before it counts as read, checked when the
/// file is read so the error names its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub struct MarkReadAfter(pub u32);

impl TryFrom<i64> for MarkReadAfter {
    type Error = String;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        match u32::try_from(value) {
            Ok(s) if (1..=3600).contains(&s) => Ok(MarkReadAfter(s)),
            _ => Err(format!(
                "mark_read_after must be from 1 to 3600 seconds, not {value}; leave it out to mark articles read only when opened"
            )),
        }
    }
}

/// How long after a fetch a feed is due again, unless it has its own (`herald feed set
/// FEED --refresh`): `90s`, `15m`, `2h`, `1d`, from one minute to 30 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Refresh(pub std::time::Duration);

impl TryFrom<String> for Refresh {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        crate::domain::store::parse_refresh(&value).map(Refresh)
    }
}

impl Default for Refresh {
    fn default() -> Self {
        Refresh(std::time::Duration::from_secs(30 * 60))
    }
}

/// `[retention]`: how long the feeds' articles are kept, unless a feed has its own
/// limits (`herald feed set FEED --keep-days N --max-items N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionConfig {
    pub keep_days: Option<RetentionDays>,
    pub max_items: Option<RetentionItems>,
    /// Unread articles are kept past the limits unless this is set to false.
    pub keep_unread: bool,
}

/// No limits, and unread articles kept (the safe default; a config that sets
/// `keep_unread = false` still means false).
impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig {
            keep_days: None,
            max_items: None,
            keep_unread: true,
        }
    }
}

impl RetentionConfig {
    pub fn limits(&self) -> crate::domain::store::Retention {
        crate::domain::store::Retention {
            keep_days: self.keep_days.map(|d| d.0).filter(|d| *d > 0),
            max_items: self.max_items.map(|n| n.0).filter(|n| *n > 0),
            keep_unread: self.keep_unread,
        }
    }
}

/// Days, checked when the file is read so the error names its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub struct RetentionDays(pub u32);

impl TryFrom<i64> for RetentionDays {
    type Error = String;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        u32::try_from(value)
            .map_err(|_| format!("keep_days must be from 0 (forever) to 36500, not {value}"))
            .and_then(|d| crate::domain::store::check_limit(d, "days").map_err(|e| e.to_string()))
            .map(RetentionDays)
    }
}

/// Items, checked when the file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "i64")]
pub struct RetentionItems(pub u32);

impl TryFrom<i64> for RetentionItems {
    type Error = String;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        u32::try_from(value)
            .map_err(|_| format!("max_items must be from 0 (all) to 1000000, not {value}"))
            .and_then(|n| crate::domain::store::check_limit(n, "items").map_err(|e| e.to_string()))
            .map(RetentionItems)
    }
}

/// Key overrides: mode → action → keys.
pub type KeyOverrides = BTreeMap<String, BTreeMap<String, Vec<String>>>;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub store: Option<PathBuf>,
    pub layout: LayoutChoice,
    /// The sources pane: "auto" (from 140 columns), "show" or "hide".
    pub sources: SourcesChoice,
    pub reader_width: ReaderWidth,
    pub date_format: DateFormat,
    pub list_columns: ListColumns,
    pub source_width: Option<SourceWidth>,
    pub mark_read_on_open: bool,
    pub mark_read_after: Option<MarkReadAfter>,
    pub theme: ThemeName,
    pub refresh: Refresh,
    pub fetch_on_start: bool,
    /// Run after a fetch that brought new articles: a program and its arguments, never
    /// a shell (see domain/fetch/after.rs).
    pub after_fetch: Vec<String>,
    /// How long the feeds' articles are kept.
    pub retention: RetentionConfig,
    /// Which program opens an enclosure: MIME pattern → program and arguments, the
    /// address appended as one more argument, never through a shell.
    pub openers: BTreeMap<String, Vec<String>>,
    /// Pictures in the reader: "auto", "kitty", "iterm2", "sixel", "halfblocks" or "off".
    pub images: crate::tui::pictures::Mode,
    /// The picture cache's cap in MiB (beside the store, `<store>.images/`).
    pub image_cache_mb: u64,
    pub keys: KeyOverrides,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            store: None,
            layout: LayoutChoice::Auto,
            sources: SourcesChoice::Auto,
            reader_width: ReaderWidth::default(),
            date_format: DateFormat::default(),
            list_columns: ListColumns::default(),
            source_width: None,
            mark_read_on_open: true,
            mark_read_after: None,
            theme: ThemeName::Default,
            refresh: Refresh::default(),
            fetch_on_start: false,
            after_fetch: Vec::new(),
            retention: RetentionConfig::default(),
            openers: BTreeMap::new(),
            images: crate::tui::pictures::Mode::Auto,
            image_cache_mb: crate::domain::images::DEFAULT_CAP_MB,
            keys: KeyOverrides::new(),
        }
    }
}

impl Config {
    /// The reader's settings from this config: what the reader starts with, and what a
    /// test of the reader's customisation starts with too.
    pub fn settings(&self) -> Result<crate::app::Settings> {
        Ok(crate::app::Settings {
            layout: self.layout,
            reader_width: self.reader_width.0,
            date_format: self.date_format.0.clone(),
            columns: crate::app::columns::Columns {
                fields: self.list_columns.0.clone(),
                source_width: self.source_width.map(|w| w.0),
            },
            mark_read_on_open: self.mark_read_on_open,
            mark_read_after: self.mark_read_after.map(|m| m.0),
            sources: self.sources,
            openers: self.openers()?,
            fetch: crate::domain::fetch::Options {
                refresh: self.refresh.0,
                retention: self.retention.limits(),
                ..crate::domain::fetch::Options::default()
            },
            after_fetch: self.after_fetch.clone(),
            // The reader narrows this with NO_COLOR and the terminal (cli/run.rs).
            pictures: self.images != crate::tui::pictures::Mode::Off,
            keep_pictures: self.keep_pictures(),
        })
    }

    /// The cache's cap for refreshes to keep new articles' pictures in, or `None` when
    /// pictures are off.
    pub fn keep_pictures(&self) -> Option<u64> {
        (self.images != crate::tui::pictures::Mode::Off).then_some(self.image_cache_mb)
    }

    /// Parses a config file's text; errors name the line and the key.
    pub fn parse(text: &str) -> Result<Config> {
        let config: Config = toml::from_str(text)?;
        for mode in config.keys.keys() {
            if !["global", "list", "reader", "prompt", "help"].contains(&mode.as_str()) {
                bail!("[keys.{mode}] is not a mode; use global, list, reader, prompt or help");
            }
        }
        crate::domain::enclosure::Openers::from_table(&config.openers)
            .map_err(anyhow::Error::msg)?;
        Ok(config)
    }

    /// The `[openers]` table, checked (as `parse` checked it already).
    pub fn openers(&self) -> Result<crate::domain::enclosure::Openers> {
        crate::domain::enclosure::Openers::from_table(&self.openers).map_err(anyhow::Error::msg)
    }

    /// Reads the config: `explicit` must exist; the default location may be absent.
    pub fn load(explicit: Option<&Path>) -> Result<Config> {
        let (path, required) = match explicit {
            Some(path) => (path.to_path_buf(), true),
            None => match default_path() {
                Some(path) => (path, false),
                None => return Ok(Config::default()),
            },
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if !required && err.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Config::default());
            }
            Err(err) => {
                return Err(err).with_context(|| format!("reading the config {}", path.display()));
            }
        };
        let mut config = Config::parse(&text).with_context(|| {
            format!(
                "in the config {} (see assets/config.example.toml for every option)",
                path.display()
            )
        })?;
        if let Some(store) = &config.store {
            config.store = Some(expand_home(store));
        }
        Ok(config)
    }
}

/// `$XDG_CONFIG_HOME/herald/config.toml`, else `~/.config/herald/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("herald").join("config.toml"))
}

fn expand_home(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => path.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_example_is_valid_and_matches_the_defaults() {
        let example = Config::parse(include_str!("../../assets/config.example.toml")).unwrap();
        assert!(example.keys.values().all(BTreeMap::is_empty));
        let without_keys = Config {
            keys: KeyOverrides::new(),
            ..example
        };
        assert_eq!(without_keys, Config::default());
    }

    #[test]
    fn good_files_set_every_option() {
        let config = Config::parse(
            r#"
store = "/tmp/x.db"
layout = "stacked"
sources = "hide"
list_columns = ["flags", "author", "title"]
source_width = 12
reader_width = 72
date_format = "%Y-%m-%d"
mark_read_on_open = false
mark_read_after = 4
theme = "high-contrast"
refresh = "2h"
[keys.list]
select_first = ["g g"]
"#,
        )
        .unwrap();
        assert_eq!(config.layout, LayoutChoice::Stacked);
        assert_eq!(config.sources, SourcesChoice::Hide);
        assert_eq!(
            config.list_columns.0,
            [Column::Flags, Column::Author, Column::Title]
        );
        assert_eq!(config.source_width, Some(SourceWidth(12)));
        assert_eq!(config.reader_width, ReaderWidth(72));
        assert_eq!(config.date_format.0, "%Y-%m-%d");
        assert!(!config.mark_read_on_open);
        assert_eq!(config.mark_read_after, Some(MarkReadAfter(4)));
        for bad in [
            "mark_read_after = 0",
            "mark_read_after = 99999",
            "mark_read_after = -3",
        ] {
            let err = Config::parse(bad).unwrap_err();
            assert!(format!("{err:#}").contains("1 to 3600"), "{bad}: {err:#}");
        }
        assert_eq!(config.theme, ThemeName::HighContrast);
        assert_eq!(
            config.refresh,
            Refresh(std::time::Duration::from_secs(7200))
        );
        assert_eq!(config.keys["list"]["select_first"], ["g g"]);
    }

    #[test]
    fn bad_files_name_the_key_and_the_line() {
        let err = |text: &str| format!("{:#}", Config::parse(text).unwrap_err());
        let e = err("layout = \"auto\"\ncolour = \"red\"\n");
        assert!(e.contains("line 2") && e.contains("colour"), "{e}");
        let e = err("reader_width = 5\n");
        assert!(e.contains("line 1") && e.contains("20 to 400"), "{e}");
        let e = err("\n\nlayout = \"diagonal\"\n");
        assert!(e.contains("line 3") && e.contains("diagonal"), "{e}");
        let e = err("theme = 3\n");
        assert!(e.contains("theme"), "{e}");
        let e = err("list_columns = [\"source\", \"date\"]\n");
        assert!(e.contains("needs \"title\""), "{e}");
        let e = err("list_columns = [\"title\", \"colour\"]\n");
        assert!(e.contains("colour"), "{e}");
        let e = err("source_width = 900\n");
        assert!(e.contains("source_width must be from 4 to 60"), "{e}");
        let e = err("date_format = \"%Q\"\n");
        assert!(e.contains("date_format"), "{e}");
        let e = err("refresh = \"5s\"\n");
        assert!(e.contains("line 1") && e.contains("1m to 30d"), "{e}");
        let e = err("refresh = 30\n");
        assert!(e.contains("refresh"), "{e}");
        let e = err("[keys.lists]\nquit = [\"q\"]\n");
        assert!(e.contains("keys.lists"), "{e}");
        let e = err("[openers]\n\"audio\" = [\"mpv\"]\n");
        assert!(
            e.contains("[openers] \"audio\" is not a MIME pattern"),
            "{e}"
        );
        let e = err("[openers]\n\"audio/*\" = []\n");
        assert!(e.contains("names no program"), "{e}");
        let e = err("[openers]\n\"audio/*\" = \"mpv --no-video\"\n");
        assert!(e.contains("line 2") && e.contains("audio/*"), "{e}");
    }

    #[test]
    fn openers_are_read_and_chosen_by_type() {
        let config = Config::parse(
            "[openers]\n\"audio/*\" = [\"mpv\", \"--no-video\"]\n\"video/mp4\" = [\"vlc\"]\n",
        )
        .unwrap();
        let openers = config.openers().unwrap();
        assert_eq!(
            openers.choose(Some("audio/ogg")).unwrap(),
            ["mpv", "--no-video"]
        );
        assert_eq!(openers.choose(Some("video/mp4")).unwrap(), ["vlc"]);
        assert_eq!(openers.choose(Some("image/png")), None);
    }

    /// A config error names the file, the line and the key.
    #[test]
    fn a_bad_opener_names_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[openers]\n\"audio/*\" = [\"\"]\n").unwrap();
        let e = format!("{:#}", Config::load(Some(&path)).unwrap_err());
        assert!(
            e.contains(&path.display().to_string()) && e.contains("\"audio/*\""),
            "{e}"
        );
    }
}
