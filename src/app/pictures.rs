//! The open article's pictures as the reader holds them: which the text places, whether
//! each is drawn yet (at which width), and the rows each takes. Drawing a picture for the
//! terminal (fetching, decoding, scaling, encoding) is done off the loop's thread; what
//! comes back is a [`Drawn`], opaque here, that the ui slices by rows as the reader
//! scrolls. A picture is placed above the paragraph that holds its marker, so the marker
//! (`[image N: alt]`) and a caption read beneath it.

use std::sync::Arc;

use ratatui_image::sliced::SlicedProtocol;

use crate::domain::images::Figure;
use crate::domain::model::ArticleId;

/// A picture encoded for the terminal at one size, in cells.
#[derive(Clone)]
pub struct Drawn {
    pub protocol: Arc<SlicedProtocol>,
    pub width: u16,
    pub rows: u16,
}

impl Drawn {
    pub fn new(protocol: SlicedProtocol) -> Drawn {
        let size = protocol.size();
        Drawn {
            protocol: Arc::new(protocol),
            width: size.width,
            rows: size.height,
        }
    }
}

impl std::fmt::Debug for Drawn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Drawn({}x{})", self.width, self.rows)
    }
}

impl PartialEq for Drawn {
    fn eq(&self, other: &Drawn) -> bool {
        Arc::ptr_eq(&self.protocol, &other.protocol)
    }
}

/// Where one picture is in being shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    /// Asked for, or not yet: the alt text shows meanwhile.
    Waiting,
    /// Drawn for a text area this many columns wide.
    Drawn { drawn: Drawn, for_width: u16 },
    /// It cannot be shown (not fetched, not a picture herald reads): the alt text stays.
    Failed(String),
}

/// One picture of the open article.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub figure: Figure,
    pub shown: Shown,
}

/// What the app asks the shell to draw: these pictures of article `id`, each fitted to
/// `width` columns and at most `rows` rows.
#[derive(Debug, Clone, PartialEq)]
pub struct PictureRequest {
    pub id: ArticleId,
    pub urls: Vec<String>,
    pub width: u16,
    pub rows: u16,
}

/// The tallest a picture is drawn: three quarters of the reader's height, at least 3 rows
/// and at most 40.
pub fn max_rows(height: usize) -> u16 {
    u16::try_from((height * 3 / 4).clamp(3, 40)).unwrap_or(40)
}

/// The slots of the pictures an article's text places that have an address.
pub fn slots(figures: Vec<Figure>) -> Vec<Slot> {
    figures
        .into_iter()
        .filter(|f| f.url.is_some())
        .map(|figure| Slot {
            figure,
            shown: Shown::Waiting,
        })
        .collect()
}

impl super::App {
    /// Asks for the open article's pictures when the reader shows an article whose
    /// pictures were not asked for at this width yet.
    pub(super) fn want_pictures(&mut self, effects: &mut Vec<Effect>) {
        if !self.settings.pictures {
            return;
        }
        let Some(reader) = self.reader.as_mut() else {
            return;
        };
        let width = u16::try_from(reader.width).unwrap_or(u16::MAX);
        let rows = max_rows(reader.height);
        if reader.pictures_asked == Some((width, rows)) || reader.pictures.is_empty() {
            return;
        }
        reader.pictures_asked = Some((width, rows));
        let mut urls: Vec<String> = Vec::new();
        for slot in &reader.pictures {
            if let Some(url) = &slot.figure.url
                && !urls.contains(url)
            {
                urls.push(url.clone());
            }
        }
        effects.push(Effect::DrawPictures(PictureRequest {
            id: reader.article.summary.id,
            urls,
            width,
            rows,
        }));
    }

    /// A picture came back drawn, or why not: shown if its article is still open.
    pub(super) fn picture_drawn(
        &mut self,
        id: ArticleId,
        url: &str,
        width: u16,
        drawn: Result<Drawn, String>,
    ) {
        let Some(reader) = self.reader.as_mut() else {
            return;
        };
        // Another article's, or drawn for a width asked for before the last resize (a
        // late answer must not replace the newer one).
        if reader.article.summary.id != id || reader.pictures_asked.map(|a| a.0) != Some(width) {
            return;
        }
        for slot in reader
            .pictures
            .iter_mut()
            .filter(|s| s.figure.url.as_deref() == Some(url))
        {
            slot.shown = match &drawn {
                Ok(drawn) => Shown::Drawn {
                    drawn: drawn.clone(),
                    for_width: width,
                },
                Err(reason) => Shown::Failed(reason.clone()),
            };
        }
        reader.reflow();
    }
}

use super::Effect;
