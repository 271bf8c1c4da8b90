//! Which program opens an enclosure: the config's `[openers]` table maps MIME patterns
//! (`"audio/*"`, `"video/mp4"`, `"*/*"`) to a program and its arguments; the most
//! specific pattern that matches wins. The address is only ever one more argument.

use std::collections::BTreeMap;

/// The most arguments one opener may have, its program included.
const MAX_ARGS: usize = 64;

/// The most patterns in the table.
const MAX_PATTERNS: usize = 256;

/// A MIME pattern, by how specific it is (the least first).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Pattern {
    /// `*/*` or `*`: anything, an unknown type included.
    Any,
    /// `audio/*`: any subtype of this type.
    Type(String),
    /// `video/mp4`.
    Exact(String),
}

/// The config's `[openers]`, checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Openers {
    rules: Vec<(Pattern, Vec<String>)>,
}

impl Openers {
    /// The table as the config gives it. An error names the pattern (the key) and says
    /// what is wrong with it.
    pub fn from_table(table: &BTreeMap<String, Vec<String>>) -> Result<Openers, String> {
        if table.len() > MAX_PATTERNS {
            return Err(format!(
                "[openers] has {} patterns; at most {MAX_PATTERNS}",
                table.len()
            ));
        }
        let mut rules = Vec::new();
        for (key, argv) in table {
            let pattern = pattern(key).ok_or_else(|| {
                format!(
                    "[openers] \"{key}\" is not a MIME pattern; use \"type/subtype\", \
                     \"type/*\" or \"*/*\""
                )
            })?;
            match argv.first() {
                None => {
                    return Err(format!(
                        "[openers] \"{key}\" names no program; give [\"program\", \"arg\", ...]"
                    ));
                }
                Some(program) if program.trim().is_empty() => {
                    return Err(format!("[openers] \"{key}\": the program's name is empty"));
                }
                Some(_) if argv.len() > MAX_ARGS => {
                    return Err(format!(
                        "[openers] \"{key}\" has {} arguments; at most {MAX_ARGS}",
                        argv.len()
                    ));
                }
                Some(_) => {}
            }
            if argv.iter().any(|a| a.contains('\0')) {
                return Err(format!("[openers] \"{key}\": an argument holds a NUL byte"));
            }
            rules.push((pattern, argv.clone()));
        }
        Ok(Openers { rules })
    }

    /// The program and arguments for an enclosure of type `mime` (`None`: unknown), by
    /// the most specific pattern that matches; `None` when none does.
    pub fn choose(&self, mime: Option<&str>) -> Option<&[String]> {
        let bare = mime.map(|m| {
            m.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
        self.rules
            .iter()
            .filter(|(pattern, _)| match (pattern, &bare) {
                (Pattern::Any, _) => true,
                (Pattern::Type(t), Some(m)) => m.split_once('/').is_some_and(|(a, _)| a == t),
                (Pattern::Exact(e), Some(m)) => e == m,
                _ => false,
            })
            .max_by(|a, b| a.0.cmp(&b.0))
            .map(|(_, argv)| argv.as_slice())
    }
}

fn pattern(key: &str) -> Option<Pattern> {
    let key = key.trim().to_ascii_lowercase();
    if key == "*" || key == "*/*" {
        return Some(Pattern::Any);
    }
    let (kind, sub) = key.split_once('/')?;
    let token = |t: &str| {
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    if !token(kind) {
        return None;
    }
    if sub == "*" {
        return Some(Pattern::Type(kind.to_owned()));
    }
    token(sub).then(|| Pattern::Exact(key.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.iter().map(|a| (*a).to_owned()).collect()))
            .collect()
    }

    #[test]
    fn the_most_specific_pattern_wins() {
        let openers = Openers::from_table(&table(&[
            ("*/*", &["xdg-open"]),
            ("audio/*", &["mpv", "--no-video"]),
            ("video/mp4", &["vlc"]),
            ("Video/*", &["mpv"]),
        ]))
        .unwrap();
        let program = |mime: Option<&str>| openers.choose(mime).map(|a| a.join(" "));
        assert_eq!(
            program(Some("audio/mpeg")).as_deref(),
            Some("mpv --no-video")
        );
        assert_eq!(program(Some("video/mp4")).as_deref(), Some("vlc"));
        assert_eq!(program(Some("VIDEO/MP4; codecs=x")).as_deref(), Some("vlc"));
        assert_eq!(program(Some("video/webm")).as_deref(), Some("mpv"));
        assert_eq!(program(Some("image/png")).as_deref(), Some("xdg-open"));
        assert_eq!(program(None).as_deref(), Some("xdg-open"));
        let only_audio = Openers::from_table(&table(&[("audio/*", &["mpv"])])).unwrap();
        assert_eq!(only_audio.choose(Some("video/mp4")), None);
        assert_eq!(only_audio.choose(None), None);
        assert_eq!(Openers::default().choose(Some("audio/mpeg")), None);
    }

    #[test]
    fn bad_tables_name_the_key() {
        let err = |pairs: &[(&str, &[&str])]| Openers::from_table(&table(pairs)).unwrap_err();
        assert!(err(&[("audio", &["mpv"])]).contains("\"audio\" is not a MIME pattern"));
        assert!(err(&[("*/mp4", &["mpv"])]).contains("\"*/mp4\""));
        assert!(err(&[("audio/*", &[])]).contains("\"audio/*\" names no program"));
        assert!(err(&[("audio/*", &[" "])]).contains("empty"));
        let many: Vec<&str> = vec!["a"; 65];
        assert!(err(&[("audio/*", &many)]).contains("at most 64"));
    }
}
