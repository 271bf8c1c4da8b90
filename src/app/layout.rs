//! Where each pane goes for a given terminal size. Pure, so `App::update` (for page sizes
//! and wrap widths) and `ui::render` (for drawing) always agree.

use ratatui::layout::{Constraint, Flex, Layout, Rect};

use serde::Deserialize;

/// Side by side from this width; stacked below it.
pub const SIDE_BY_SIDE_MIN_WIDTH: u16 = 100;
/// The reader wraps to at most this many columns by default, however wide the pane.
pub const READABLE_WIDTH: u16 = 90;

/// Where the reader pane goes: the config file's `layout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LayoutChoice {
    #[default]
    Auto,
    Side,
    Stacked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    /// The sources pane, at the left, when it is shown.
    pub sources: Option<Rect>,
    /// `None` when the reader is zoomed.
    pub list: Option<Rect>,
    pub reader: Option<Rect>,
    pub status: Rect,
    pub side_by_side: bool,
}

/// The sources pane's width: a sixth of the screen, within reason, and never more than
/// a third of it.
fn sources_width(width: u16) -> u16 {
    (width / 6).clamp(22, 34).min(width / 3)
}

/// Where the panes go. With `sources`, the sources pane takes a column at the left and
/// the list and the reader share the rest as they would the whole screen.
pub fn panes(area: Rect, zoomed: bool, choice: LayoutChoice, sources: bool) -> Panes {
    let [body, status] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    if zoomed {
        return Panes {
            sources: None,
            list: None,
            reader: Some(body),
            status,
            side_by_side: false,
        };
    }
    let (sources, body) = if sources && body.width >= 3 {
        let [left, _, rest] = Layout::horizontal([
            Constraint::Length(sources_width(body.width)),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(body);
        (Some(left), rest)
    } else {
        (None, body)
    };
    let side = match choice {
        LayoutChoice::Auto => body.width >= SIDE_BY_SIDE_MIN_WIDTH,
        LayoutChoice::Side => true,
        LayoutChoice::Stacked => false,
    };
    if side {
        let list_width = (body.width * 2 / 5).clamp(34.min(body.width / 2), 72);
        // One column between the panes for a rule.
        let [list, _, reader] = Layout::horizontal([
            Constraint::Length(list_width),
            Constraint::Length(1),
            Constraint::Min(0),
        ])
        .areas(body);
        Panes {
            sources,
            list: Some(list),
            reader: Some(reader),
            status,
            side_by_side: true,
        }
    } else {
        let [list, reader] =
            Layout::vertical([Constraint::Percentage(40), Constraint::Min(0)]).areas(body);
        Panes {
            sources,
            list: Some(list),
            reader: Some(reader),
            status,
            side_by_side: false,
        }
    }
}

/// A pane's content area: below its one-line title bar.
pub fn pane_inner(pane: Rect) -> Rect {
    Rect {
        y: pane.y.saturating_add(1),
        height: pane.height.saturating_sub(1),
        ..pane
    }
}

/// The reader's text column and scrollbar inside the reader pane: a one-column margin,
/// the text capped at a readable width, the scrollbar at the right edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderArea {
    pub text: Rect,
    pub scrollbar: Rect,
}

pub fn reader_area(pane: Rect, cap: u16) -> ReaderArea {
    let inner = pane_inner(pane);
    let margin = u16::from(inner.width >= 12);
    let scrollbar_width = u16::from(inner.width >= 4);
    let available = inner
        .width
        .saturating_sub(2 * margin + scrollbar_width)
        .max(1);
    let text_width = available.min(cap.max(1));
    // A capped column sits in the middle of a wide pane, not against its left edge.
    let centring = (available - text_width) / 2;
    ReaderArea {
        text: Rect {
            x: inner.x + margin + centring,
            y: inner.y,
            width: text_width.min(inner.width),
            height: inner.height,
        },
        scrollbar: Rect {
            x: inner.right().saturating_sub(scrollbar_width),
            y: inner.y,
            width: scrollbar_width,
            height: inner.height,
        },
    }
}

/// The help pop-up's width before it is cut to the screen.
pub const HELP_WIDTH: u16 = 62;

/// Where the help pop-up goes on a screen of `screen` size for `lines` lines of help: in
/// the middle of the panes, never over the status bar, which keeps showing the keys.
pub fn help_popup(screen: Rect, lines: usize) -> Rect {
    let [body, _status] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(screen);
    let width = HELP_WIDTH.min(body.width);
    let height = u16::try_from(lines.saturating_add(2))
        .unwrap_or(u16::MAX)
        .min(body.height);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(body);
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(popup);
    popup
}

/// How far the help can scroll: until its last line is at the pop-up's bottom.
pub fn help_max_scroll(screen: Rect, lines: usize) -> usize {
    let visible = usize::from(help_popup(screen, lines).height.saturating_sub(2));
    lines.saturating_sub(visible)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_is_side_by_side_narrow_is_stacked_zoom_is_reader_only() {
        let wide = panes(Rect::new(0, 0, 120, 40), false, LayoutChoice::Auto, false);
        assert!(wide.side_by_side);
        let (l, r) = (wide.list.unwrap(), wide.reader.unwrap());
        assert_eq!(l.y, r.y);
        assert_eq!(l.width + 1 + r.width, 120);
        let narrow = panes(Rect::new(0, 0, 80, 24), false, LayoutChoice::Auto, false);
        assert!(!narrow.side_by_side);
        assert!(narrow.list.unwrap().bottom() <= narrow.reader.unwrap().y);
        let zoomed = panes(Rect::new(0, 0, 80, 24), true, LayoutChoice::Auto, false);
        assert_eq!(zoomed.list, None);
        assert_eq!(zoomed.reader.unwrap().height, 23);
        let forced = panes(Rect::new(0, 0, 80, 24), false, LayoutChoice::Side, false);
        assert!(forced.side_by_side);
        let stacked = panes(
            Rect::new(0, 0, 200, 50),
            false,
            LayoutChoice::Stacked,
            false,
        );
        assert!(!stacked.side_by_side);
    }

    #[test]
    fn sources_take_a_column_at_the_left_and_the_rest_lays_out_as_before() {
        let three = panes(Rect::new(0, 0, 140, 40), false, LayoutChoice::Auto, true);
        let (s, l, r) = (
            three.sources.unwrap(),
            three.list.unwrap(),
            three.reader.unwrap(),
        );
        assert!(three.side_by_side, "three panes side by side at 140");
        assert_eq!((s.x, s.width), (0, 23));
        assert_eq!(l.x, s.right() + 1);
        assert_eq!(r.right(), 140);
        for (w, h) in [(20, 5), (80, 24), (200, 50), (2, 2)] {
            let p = panes(Rect::new(0, 0, w, h), false, LayoutChoice::Auto, true);
            if let Some(s) = p.sources {
                assert!(s.right() <= p.list.unwrap().x, "{w}x{h}");
            }
            assert!(p.reader.unwrap().right() <= w);
        }
        assert_eq!(
            panes(Rect::new(0, 0, 140, 40), true, LayoutChoice::Auto, true).sources,
            None
        );
    }

    #[test]
    fn help_stays_above_the_status_bar_and_scrolls_to_its_last_line() {
        for (w, h) in [(20, 5), (80, 24), (200, 50), (1, 1), (0, 0)] {
            let screen = Rect::new(0, 0, w, h);
            let popup = help_popup(screen, 80);
            assert!(popup.bottom() <= h.saturating_sub(1), "{w}x{h}: {popup:?}");
            assert!(popup.right() <= w);
            let max = help_max_scroll(screen, 80);
            assert_eq!(max + usize::from(popup.height.saturating_sub(2)), 80);
        }
        assert_eq!(help_max_scroll(Rect::new(0, 0, 80, 24), 10), 0);
    }

    #[test]
    fn reader_text_is_capped_and_tiny_sizes_stay_in_bounds() {
        let area = reader_area(Rect::new(0, 0, 200, 50), READABLE_WIDTH);
        assert_eq!(area.text.width, READABLE_WIDTH);
        assert_eq!(area.text.x, 1 + (197 - READABLE_WIDTH) / 2, "centred");
        for (w, h) in [(1, 1), (3, 2), (20, 5), (0, 0)] {
            let pane = Rect::new(0, 0, w, h);
            let a = reader_area(pane, READABLE_WIDTH);
            assert!(a.text.right() <= pane.right().max(1), "{w}x{h}: {a:?}");
            assert!(a.text.bottom() <= pane.bottom().max(1));
        }
    }
}
