//! The sources pane's content: All, Unread, Starred, the saved views, each tag with its
//! feeds under it, the feeds without a tag, and the sources of articles of no feed
//! (imported files, the samples), each with its unread count where the store keeps one.
//! Built from the store's kept counts (`Overview`), so it costs the same in any archive.

use serde::Deserialize;

use crate::domain::model::SavedView;
use crate::domain::store::{Feed, SourceCount};

/// Where the sources pane stands: the config file's `sources`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourcesChoice {
    /// Beside the list and the reader from [`SOURCES_MIN_WIDTH`] columns.
    #[default]
    Auto,
    Show,
    Hide,
}

/// Three panes from this width, with `sources = "auto"`.
pub const SOURCES_MIN_WIDTH: u16 = 140;

/// One subscription as the pane shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedLine {
    pub id: i64,
    pub name: String,
    pub tags: Vec<String>,
    pub total: usize,
    pub unread: usize,
    /// The last fetch's error, while the feed is failing.
    pub failing: Option<String>,
    /// The sync account it belongs to; `None`: a local feed.
    pub account: Option<i64>,
}

/// A sync account as the pane and the status bar show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLine {
    pub id: i64,
    pub name: String,
    /// Changes made here that wait to be pushed to its server.
    pub waiting: usize,
    /// Why the last sync failed, until one works.
    pub error: Option<String>,
}

/// What the store says about its sources: read from small tables only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overview {
    pub feeds: Vec<FeedLine>,
    /// Sources of articles of no feed: (source, total, unread).
    pub local: Vec<(String, usize, usize)>,
    /// True when there are more such sources than the store lists.
    pub more_local: bool,
    /// Whether a rule hid articles, or hides them: the Hidden line is shown.
    pub hidden: bool,
    /// The tags rules give articles, listed with the feeds' tags.
    pub rule_tags: Vec<String>,
    /// The sync accounts, each with its feeds under it.
    pub accounts: Vec<AccountLine>,
}

impl Overview {
    /// Puts together the store's feeds, their tags (by feed id) and the kept counts.
    pub fn from_parts(
        feeds: Vec<Feed>,
        tags: Vec<(i64, String)>,
        counts: Vec<SourceCount>,
    ) -> Overview {
        let mut overview = Overview::default();
        let by_feed: std::collections::HashMap<i64, &SourceCount> = counts
            .iter()
            .filter_map(|c| c.feed_id.map(|id| (id, c)))
            .collect();
        let mut tags_of: std::collections::HashMap<i64, Vec<String>> = Default::default();
        for (id, tag) in tags {
            tags_of.entry(id).or_default().push(tag);
        }
        for feed in feeds {
            let counted = by_feed.get(&feed.id);
            let mut feed_tags = tags_of.remove(&feed.id).unwrap_or_default();
            feed_tags.sort();
            overview.feeds.push(FeedLine {
                id: feed.id,
                name: feed.name.unwrap_or(feed.url),
                tags: feed_tags,
                total: counted.map_or(0, |c| c.total),
                unread: counted.map_or(0, |c| c.unread),
                failing: feed.last_error,
                account: None,
            });
        }
        let local: Vec<&SourceCount> = counts.iter().filter(|c| c.feed_id.is_none()).collect();
        overview.more_local = local.len() > crate::domain::store::MAX_LOCAL_SOURCES;
        overview.local = local
            .into_iter()
            .take(crate::domain::store::MAX_LOCAL_SOURCES)
            .map(|c| (c.source.clone(), c.total, c.unread))
            .collect();
        overview
    }

    /// Adds the sync accounts, and which feed is whose: (feed id, account id).
    pub fn with_accounts(mut self, accounts: Vec<AccountLine>, feeds: &[(i64, i64)]) -> Overview {
        for feed in &mut self.feeds {
            feed.account = feeds.iter().find(|(f, _)| *f == feed.id).map(|(_, a)| *a);
        }
        self.accounts = accounts;
        self
    }
}

/// What choosing a line shows in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A view by its number (1 All, 2 Unread, 3 Starred, then the saved ones).
    View(u8),
    /// The articles rules hid (`is:hidden`).
    Hidden,
    Tag(String),
    Feed(i64),
    Local(String),
    /// Every feed of a sync account.
    Account(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A group's title; the cursor passes over it.
    Heading(&'static str),
    Source {
        source: Source,
        label: String,
        /// 1 for a feed under its tag.
        depth: u8,
        unread: Option<usize>,
        failing: bool,
    },
    /// The store lists only so many sources of no feed.
    More,
}

impl Line {
    pub fn source(&self) -> Option<&Source> {
        match self {
            Line::Source { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The lines, in the pane's order, from the views, the overview, the total unread and
/// the unread counts of the views beyond the first two (worked out in the background).
pub fn lines(
    views: &[SavedView],
    overview: &Overview,
    unread: usize,
    view_counts: &[(u8, usize)],
) -> Vec<Line> {
    let source = |source, label: &str, depth, unread, failing| Line::Source {
        source,
        label: label.to_owned(),
        depth,
        unread,
        failing,
    };
    let mut out = Vec::new();
    for (i, view) in views.iter().enumerate().take(usize::from(u8::MAX)) {
        let number = i as u8 + 1;
        let count = match i {
            0 | 1 => Some(unread),
            _ => view_counts
                .iter()
                .find(|(n, _)| *n == number)
                .map(|(_, c)| *c),
        };
        if i == 3 {
            out.push(Line::Heading("Views"));
        }
        out.push(source(Source::View(number), &view.name, 0, count, false));
        if i == 2 && overview.hidden {
            out.push(source(Source::Hidden, "Hidden", 0, None, false));
        }
    }
    let mut tags: Vec<&str> = overview
        .feeds
        .iter()
        .filter(|f| f.account.is_none())
        .flat_map(|f| f.tags.iter().map(String::as_str))
        .chain(overview.rule_tags.iter().map(String::as_str))
        .collect();
    tags.sort_unstable();
    tags.dedup();
    if !tags.is_empty() {
        out.push(Line::Heading("Tags"));
    }
    for tag in tags {
        let feeds: Vec<&FeedLine> = overview
            .feeds
            .iter()
            .filter(|f| f.account.is_none() && f.tags.iter().any(|t| t == tag))
            .collect();
        // A tag only rules give has no kept count: its articles are counted nowhere.
        let unread = (!feeds.is_empty()).then(|| feeds.iter().map(|f| f.unread).sum());
        out.push(source(Source::Tag(tag.to_owned()), tag, 0, unread, false));
        for feed in feeds {
            out.push(feed_line(feed, 1));
        }
    }
    let untagged: Vec<&FeedLine> = overview
        .feeds
        .iter()
        .filter(|f| f.account.is_none() && f.tags.is_empty())
        .collect();
    if !untagged.is_empty() {
        out.push(Line::Heading("Feeds"));
        out.extend(untagged.into_iter().map(|f| feed_line(f, 0)));
    }
    if !overview.accounts.is_empty() {
        out.push(Line::Heading("Accounts"));
    }
    for account in &overview.accounts {
        account_lines(account, overview, &mut out);
    }
    if !overview.local.is_empty() {
        out.push(Line::Heading("Files"));
        for (name, _, unread) in &overview.local {
            out.push(source(
                Source::Local(name.clone()),
                name,
                0,
                Some(*unread),
                false,
            ));
        }
        if overview.more_local {
            out.push(Line::More);
        }
    }
    out
}

/// An account, its folders (its feeds' tags) with their feeds under them, then its
/// feeds in no folder.
fn account_lines(account: &AccountLine, overview: &Overview, out: &mut Vec<Line>) {
    let feeds: Vec<&FeedLine> = overview
        .feeds
        .iter()
        .filter(|f| f.account == Some(account.id))
        .collect();
    out.push(Line::Source {
        source: Source::Account(account.id),
        label: account.name.clone(),
        depth: 0,
        unread: Some(feeds.iter().map(|f| f.unread).sum()),
        failing: account.error.is_some(),
    });
    let mut folders: Vec<&str> = feeds
        .iter()
        .flat_map(|f| f.tags.iter().map(String::as_str))
        .collect();
    folders.sort_unstable();
    folders.dedup();
    for folder in folders {
        let inside: Vec<&&FeedLine> = feeds
            .iter()
            .filter(|f| f.tags.iter().any(|t| t == folder))
            .collect();
        out.push(Line::Source {
            source: Source::Tag(folder.to_owned()),
            label: folder.to_owned(),
            depth: 1,
            unread: Some(inside.iter().map(|f| f.unread).sum()),
            failing: false,
        });
        out.extend(inside.into_iter().map(|f| feed_line(f, 2)));
    }
    out.extend(
        feeds
            .iter()
            .filter(|f| f.tags.is_empty())
            .map(|f| feed_line(f, 1)),
    );
}

fn feed_line(feed: &FeedLine, depth: u8) -> Line {
    Line::Source {
        source: Source::Feed(feed.id),
        label: feed.name.clone(),
        depth,
        unread: Some(feed.unread),
        failing: feed.failing.is_some(),
    }
}

/// The pane's state: its lines, the cursor, and what a prompt started from it acts on.
#[derive(Debug, Clone, Default)]
pub struct SourcesPane {
    pub choice: SourcesChoice,
    /// Shown or hidden by the key, whatever the width.
    pub toggled: Option<bool>,
    pub overview: Overview,
    pub lines: Vec<Line>,
    pub selected: usize,
    pub offset: usize,
    /// The source a rename, tag or remove prompt is about, and the question asked.
    pub target: Option<Source>,
    pub question: String,
    /// A new store: the reader says how to begin until the person moves. Decided by
    /// the first overview (no feeds, nothing but the samples), so start-up reads no more.
    pub first_run: bool,
    /// Whether an overview has come yet.
    pub loaded: bool,
    /// Unread articles in each view from Starred on, by number, as last counted.
    pub view_counts: Vec<(u8, usize)>,
}

impl SourcesPane {
    pub fn visible(&self, width: u16) -> bool {
        self.toggled.unwrap_or(match self.choice {
            SourcesChoice::Auto => width >= SOURCES_MIN_WIDTH,
            SourcesChoice::Show => true,
            SourcesChoice::Hide => false,
        })
    }

    /// New lines; the cursor stays on the same source where it still is.
    pub fn set_lines(&mut self, lines: Vec<Line>) {
        let current = self.selected_source().cloned();
        self.lines = lines;
        self.selected = current
            .and_then(|c| self.lines.iter().position(|l| l.source() == Some(&c)))
            .unwrap_or(0);
    }

    pub fn selected_source(&self) -> Option<&Source> {
        self.lines.get(self.selected).and_then(Line::source)
    }

    /// Moves the cursor by `by` sources (headings are passed over), within the lines.
    /// Returns true when it moved.
    pub fn move_by(&mut self, by: isize, height: usize) -> bool {
        let selectable: Vec<usize> = (0..self.lines.len())
            .filter(|i| self.lines[*i].source().is_some())
            .collect();
        let Some(at) = selectable.iter().position(|i| *i >= self.selected) else {
            return false;
        };
        let to = (at as isize + by).clamp(0, selectable.len() as isize - 1) as usize;
        let before = self.selected;
        self.selected = selectable[to];
        self.scroll_into_view(height);
        before != self.selected
    }

    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        // A heading just above the first source stays in sight.
        if self.offset == 1 && self.selected < height {
            self.offset = 0;
        }
        // So does what follows the last source (the `… more` line): it could never be
        // scrolled to otherwise, as no cursor stops on it.
        let after_last = self
            .lines
            .get(self.selected + 1..)
            .is_some_and(|rest| rest.iter().all(|l| l.source().is_none()));
        if after_last && self.lines.len() > self.offset + height {
            self.offset = self.lines.len().saturating_sub(height).min(self.selected);
        }
    }

    /// The feed line of `id`.
    pub fn feed(&self, id: i64) -> Option<&FeedLine> {
        self.overview.feeds.iter().find(|f| f.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(id: i64, name: &str, tags: &[&str], unread: usize, failing: bool) -> FeedLine {
        FeedLine {
            id,
            name: name.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            total: unread + 1,
            unread,
            failing: failing.then(|| "HTTP 500".into()),
            account: None,
        }
    }

    /// An account's feeds are under it, in its folders, and nowhere else.
    #[test]
    fn account_feeds_are_listed_under_their_account_only() {
        let views = crate::app::view::built_in();
        let overview = Overview {
            feeds: vec![
                feed(1, "Local", &["news"], 1, false),
                feed(2, "Remote in folder", &["news"], 2, false),
                feed(3, "Remote loose", &[], 3, false),
            ],
            ..Overview::default()
        }
        .with_accounts(
            vec![AccountLine {
                id: 7,
                name: "home".into(),
                waiting: 4,
                error: Some("HTTP 401".into()),
            }],
            &[(2, 7), (3, 7)],
        );
        let shown: Vec<(String, u8, Option<usize>, bool)> = lines(&views, &overview, 6, &[])
            .into_iter()
            .filter_map(|l| match l {
                Line::Source {
                    label,
                    depth,
                    unread,
                    failing,
                    ..
                } => Some((label, depth, unread, failing)),
                Line::Heading(h) => Some((h.to_owned(), 9, None, false)),
                Line::More => None,
            })
            .skip(3)
            .collect();
        let row = |l: &str, d, u, f| (l.to_owned(), d, u, f);
        assert_eq!(
            shown,
            [
                row("Tags", 9, None, false),
                row("news", 0, Some(1), false),
                row("Local", 1, Some(1), false),
                row("Accounts", 9, None, false),
                row("home", 0, Some(5), true),
                row("news", 1, Some(2), false),
                row("Remote in folder", 2, Some(2), false),
                row("Remote loose", 1, Some(3), false),
            ]
        );
    }

    fn labels(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| match l {
                Line::Heading(h) => format!("# {h}"),
                Line::Source {
                    label,
                    depth,
                    unread,
                    failing,
                    ..
                } => format!(
                    "{}{label}{}{}",
                    "  ".repeat(usize::from(*depth)),
                    unread.map(|u| format!(" {u}")).unwrap_or_default(),
                    if *failing { " !" } else { "" }
                ),
                Line::More => "…".into(),
            })
            .collect()
    }

    #[test]
    fn lines_group_feeds_under_tags_then_the_rest() {
        let views = crate::app::view::built_in();
        let overview = Overview {
            feeds: vec![
                feed(1, "Alpha", &["tech"], 3, false),
                feed(2, "Beta", &[], 1, true),
                feed(3, "Gamma", &["news", "tech"], 2, false),
            ],
            local: vec![("herald samples".into(), 14, 14)],
            more_local: false,
            ..Overview::default()
        };
        assert_eq!(
            labels(&lines(&views, &overview, 20, &[(3, 2)])),
            [
                "All 20",
                "Unread 20",
                "Starred 2",
                "# Tags",
                "news 2",
                "  Gamma 2",
                "tech 5",
                "  Alpha 3",
                "  Gamma 2",
                "# Feeds",
                "Beta 1 !",
                "# Files",
                "herald samples 14"
            ]
        );
    }

    #[test]
    fn the_cursor_passes_over_headings_and_stays_on_its_source() {
        let views = crate::app::view::built_in();
        let overview = Overview {
            feeds: vec![
                feed(1, "Alpha", &[], 0, false),
                feed(2, "Beta", &[], 0, false),
            ],
            ..Default::default()
        };
        let mut pane = SourcesPane::default();
        pane.set_lines(lines(&views, &overview, 0, &[]));
        assert!(pane.move_by(3, 10));
        assert_eq!(pane.selected_source(), Some(&Source::Feed(1)));
        assert!(pane.move_by(-1, 10));
        assert_eq!(pane.selected_source(), Some(&Source::View(3)));
        assert!(pane.move_by(1, 10));
        assert!(!pane.move_by(9, 10) || pane.selected_source() == Some(&Source::Feed(2)));
        // A new feed added before it: the cursor stays on Beta.
        let mut more = overview.clone();
        more.feeds.insert(0, feed(9, "Aardvark", &[], 0, false));
        pane.set_lines(lines(&views, &more, 0, &[]));
        assert_eq!(pane.selected_source(), Some(&Source::Feed(2)));
    }

    #[test]
    fn visible_by_width_unless_chosen_or_toggled() {
        let mut pane = SourcesPane::default();
        assert!(!pane.visible(139));
        assert!(pane.visible(140));
        pane.choice = SourcesChoice::Hide;
        assert!(!pane.visible(200));
        pane.toggled = Some(true);
        assert!(pane.visible(20));
    }
}
