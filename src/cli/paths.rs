//! Where herald keeps its files, following the XDG base directory conventions.

use std::path::PathBuf;

use anyhow::{Result, bail};

/// `$XDG_DATA_HOME/herald/herald.db`, else `~/.local/share/herald/herald.db`.
pub fn default_store() -> Result<PathBuf> {
    data_home().map(|dir| dir.join("herald").join("herald.db"))
}

fn data_home() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        // The spec says relative values are invalid and must be ignored.
        if dir.is_absolute() {
            return Ok(dir);
        }
    }
    match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        Some(home) => Ok(PathBuf::from(home).join(".local").join("share")),
        None => bail!("neither XDG_DATA_HOME nor HOME is set; pass --store PATH"),
    }
}
