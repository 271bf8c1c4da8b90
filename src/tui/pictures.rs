//! The pictures thread: draws the open article's pictures for the terminal, off the
//! loop's thread. Each request names an article, its pictures' addresses and the size
//! to fit; only the newest waiting request is worked on. A picture comes from the
//! memory of recent decodes, else the cache on disk, else the network (politely:
//! `domain::fetch::fetch_pictures`), is decoded within bounds, then scaled and encoded
//! by ratatui-image for the protocol chosen at start, and goes back as
//! `Report::PictureDrawn`. The cache is swept when it grows past its cap.
//!
//! Which protocol: `images` in the config, where `auto` reads only the environment (no
//! query, so the first frame never waits): tmux gets half blocks, kitty's `TERM` or
//! `KITTY_WINDOW_ID` and Ghostty get kitty's protocol, iTerm2 and WezTerm iTerm2's, any
//! other terminal half blocks; with `NO_COLOR`, `auto` is off.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::mpsc::{Sender, channel};
use std::thread;
use std::time::{Duration, Instant};

use image::DynamicImage;
use ratatui::layout::Size;
use ratatui_image::Resize;
use ratatui_image::picker::{Picker, ProtocolType};
use ratatui_image::protocol::halfblocks::Halfblocks;
use ratatui_image::sliced::SlicedProtocol;

use super::event::Event;
use crate::app::Report;
use crate::app::pictures::{Drawn, PictureRequest};
use crate::domain::fetch::Options as FetchOptions;
use crate::domain::images::{self, Cache};
use crate::domain::store::Store;

/// The config's `images`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Auto,
    Kitty,
    Iterm2,
    Sixel,
    Halfblocks,
    Off,
}

impl Mode {
    pub fn parse(value: &str) -> Option<Mode> {
        Some(match value {
            "auto" => Mode::Auto,
            "kitty" => Mode::Kitty,
            "iterm2" => Mode::Iterm2,
            "sixel" => Mode::Sixel,
            "halfblocks" => Mode::Halfblocks,
            "off" => Mode::Off,
            _ => return None,
        })
    }
}

/// The protocol `mode` comes to in the environment `var` reads; `None`: no pictures.
pub fn protocol(mode: Mode, var: &dyn Fn(&str) -> Option<String>) -> Option<ProtocolType> {
    let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
    Some(match mode {
        Mode::Off => return None,
        Mode::Kitty => ProtocolType::Kitty,
        Mode::Iterm2 => ProtocolType::Iterm2,
        Mode::Sixel => ProtocolType::Sixel,
        Mode::Halfblocks => ProtocolType::Halfblocks,
        Mode::Auto if set("NO_COLOR") => return None,
        Mode::Auto => {
            let term = var("TERM").unwrap_or_default();
            let program = var("TERM_PROGRAM").unwrap_or_default();
            if set("TMUX") || term.starts_with("tmux") || term.starts_with("screen") {
                ProtocolType::Halfblocks
            } else if term == "xterm-kitty"
                || set("KITTY_WINDOW_ID")
                || term == "xterm-ghostty"
                || program == "ghostty"
            {
                ProtocolType::Kitty
            } else if program == "iTerm.app" || program == "WezTerm" {
                // WezTerm draws iTerm2's inline pictures; kitty's placeholder cells,
                // which the kitty drawing here relies on, it does not.
                ProtocolType::Iterm2
            } else {
                ProtocolType::Halfblocks
            }
        }
    })
}

/// What draws pictures: half blocks herald fits itself, or ratatui-image's picker for a
/// pixel protocol.
pub enum Painter {
    HalfBlocks,
    Picker(Box<Picker>),
}

/// The painter for `protocol`. Half blocks need nothing from the terminal, and no picker:
/// ratatui-image's would run `tmux set -p allow-passthrough on` inside tmux (a change to
/// the person's tmux, and 5 ms the benchmark saw added to the first frame) when half
/// blocks pass through tmux as they are. A pixel protocol's picker uses the terminal's
/// cell size in pixels, from one ioctl (a usual 10x20 when the terminal does not say);
/// it is made on the pictures thread, never before the first frame.
pub fn painter(protocol: ProtocolType) -> Painter {
    if protocol == ProtocolType::Halfblocks {
        return Painter::HalfBlocks;
    }
    let font = ratatui::crossterm::terminal::window_size()
        .ok()
        .filter(|w| w.width > 0 && w.height > 0 && w.columns > 0 && w.rows > 0)
        .map_or((10, 20), |w| {
            ((w.width / w.columns).max(1), (w.height / w.rows).max(1))
        });
    #[allow(deprecated)]
    let mut picker = Picker::from_fontsize(font.into());
    picker.set_protocol_type(protocol);
    Painter::Picker(Box::new(picker))
}

/// The cells a `width` x `height` picture takes in half blocks (a pixel a column, two a
/// row), fitted within `columns` x `rows` and never enlarged.
pub fn half_block_cells(width: u32, height: u32, columns: u16, rows: u16) -> (u16, u16) {
    let (w, h) = (f64::from(width.max(1)), f64::from(height.max(1)));
    let scale = (f64::from(columns) / w)
        .min(f64::from(rows) * 2.0 / h)
        .min(1.0);
    let cells = |v: f64, max: u16| (v.round() as u16).clamp(1, max.max(1));
    (
        cells(w * scale, columns),
        cells((h * scale / 2.0).ceil(), rows),
    )
}

/// How many decoded pictures are remembered, so a resize scales again without decoding
/// (each is at most 1024 px a side: 4 MiB, so 32 MiB at most).
const REMEMBERED: usize = 8;

/// How long a picture that could not be had or read is not asked for again.
const FAILED_WAIT: Duration = Duration::from_secs(10 * 60);

/// The handle the loop sends requests through.
pub struct Pictures {
    sender: Sender<PictureRequest>,
}

impl Pictures {
    pub fn send(&self, request: PictureRequest) {
        let _ = self.sender.send(request);
    }
}

/// Starts the pictures thread for the store at `store_path`.
pub fn spawn(
    store_path: PathBuf,
    cache_mb: u64,
    protocol: ProtocolType,
    fetch: FetchOptions,
    events: Sender<Event>,
) -> Pictures {
    let (sender, requests) = channel::<PictureRequest>();
    thread::spawn(move || {
        let mut worker = Worker {
            painter: painter(protocol),
            cache: Cache::beside(&store_path, cache_mb),
            cap: cache_mb.saturating_mul(1024 * 1024),
            store_path,
            fetch,
            events,
            remembered: VecDeque::new(),
            failed: HashMap::new(),
        };
        while let Ok(mut request) = requests.recv() {
            while let Ok(newer) = requests.try_recv() {
                request = newer;
            }
            if !worker.work(&request) {
                return;
            }
        }
    });
    Pictures { sender }
}

/// The pictures thread's state.
struct Worker {
    painter: Painter,
    cache: Cache,
    cap: u64,
    store_path: PathBuf,
    fetch: FetchOptions,
    events: Sender<Event>,
    /// The last pictures decoded, newest last.
    remembered: VecDeque<(String, DynamicImage)>,
    /// Pictures that could not be had or read: when, and why.
    failed: HashMap<String, (Instant, String)>,
}

impl Worker {
    /// Draws the pictures of one request; false when the loop is gone.
    fn work(&mut self, request: &PictureRequest) -> bool {
        let mut wanted = Vec::new();
        for url in &request.urls {
            let known = self.remembered.iter().find(|(u, _)| u == url);
            let failed = self
                .failed
                .get(url)
                .filter(|(at, _)| at.elapsed() < FAILED_WAIT);
            let drawn = match (known, failed) {
                (Some((_, image)), _) => draw(&self.painter, image.clone(), request),
                (None, Some((_, reason))) => Err(reason.clone()),
                (None, None) => {
                    wanted.push(url.clone());
                    continue;
                }
            };
            if !answer(&self.events, request, url, drawn) {
                return false;
            }
        }
        let mut open = true;
        let mut decoded_now = Vec::new();
        images::load(
            &wanted,
            request.id,
            Some(&self.cache),
            self.fetch,
            false,
            &mut |url, got| {
                let drawn = match got {
                    Ok((decoded, _)) => {
                        decoded_now.push((url.to_owned(), decoded.image.clone()));
                        draw(&self.painter, decoded.image, request)
                    }
                    Err(err) => Err(crate::domain::message::error_chain(&err)),
                };
                if let Err(reason) = &drawn {
                    self.failed
                        .insert(url.to_owned(), (Instant::now(), reason.clone()));
                }
                open &= answer(&self.events, request, url, drawn);
            },
        );
        for picture in decoded_now {
            if self.remembered.len() >= REMEMBERED {
                self.remembered.pop_front();
            }
            self.remembered.push_back(picture);
        }
        if !wanted.is_empty() && self.cache.size() > self.cap {
            match Store::open(&self.store_path) {
                Ok(store) => {
                    let swept = images::sweep(&self.cache, &store);
                    log::info!("picture cache swept: {swept:?}");
                }
                Err(err) => log::warn!("sweeping the picture cache: {err:#}"),
            }
        }
        open
    }
}

/// Scales and encodes `image` to fit the request.
fn draw(painter: &Painter, image: DynamicImage, request: &PictureRequest) -> Result<Drawn, String> {
    draw_at(painter, image, request.width, request.rows)
}

/// Scales and encodes `image` to fit `width` columns and `rows` rows.
pub fn draw_at(
    painter: &Painter,
    image: DynamicImage,
    width: u16,
    rows: u16,
) -> Result<Drawn, String> {
    let picker = match painter {
        Painter::Picker(picker) => picker,
        Painter::HalfBlocks => {
            let (columns, rows) = half_block_cells(image.width(), image.height(), width, rows);
            // Scaled with a triangle filter inside (ratatui-image's half-block encoder).
            return Halfblocks::new(image, Size::new(columns, rows))
                .map(|h| Drawn::new(SlicedProtocol::Halfblocks(h)))
                .map_err(|err| err.to_string());
        }
    };
    SlicedProtocol::new_with_resize(
        picker,
        image,
        Size::new(width, rows),
        // Triangle, not the default nearest pixel: a photograph scaled down stays smooth.
        Resize::Fit(Some(ratatui_image::FilterType::Triangle)),
    )
    .map(Drawn::new)
    .map_err(|err| err.to_string())
}

/// Sends one picture's answer; false when the loop is gone.
fn answer(
    events: &Sender<Event>,
    request: &PictureRequest,
    url: &str,
    drawn: Result<Drawn, String>,
) -> bool {
    if let Err(reason) = &drawn {
        log::info!("{url}: picture not shown: {reason}");
    }
    events
        .send(Event::Report(Report::PictureDrawn {
            id: request.id,
            url: url.to_owned(),
            width: request.width,
            drawn,
        }))
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    /// The pixel protocols' pictures, drawn into a buffer as the reader draws them: the
    /// bytes each protocol starts with are in the cells (ratatui-image's encoders).
    #[test]
    fn kitty_iterm2_and_sixel_pictures_carry_their_protocols_bytes() {
        use ratatui::buffer::Buffer;
        use ratatui::layout::Rect;
        use ratatui::widgets::Widget;
        use ratatui_image::sliced::{SignedPosition, SlicedImage};
        let image = DynamicImage::ImageRgba8(image::RgbaImage::from_fn(40, 40, |x, _| {
            image::Rgba(if x < 20 {
                [200, 30, 30, 255]
            } else {
                [30, 30, 200, 255]
            })
        }));
        for (protocol, expected) in [
            (ProtocolType::Kitty, "\x1b_G"),
            (ProtocolType::Iterm2, "\x1b]1337;File="),
            (ProtocolType::Sixel, "\x1bP"),
        ] {
            let drawn = draw_at(&painter(protocol), image.clone(), 10, 5).unwrap();
            assert!(drawn.width <= 10 && drawn.rows <= 5, "{drawn:?}");
            let mut buffer = Buffer::empty(Rect::new(0, 0, 12, 6));
            SlicedImage::new(&drawn.protocol, SignedPosition { x: 0, y: 0 })
                .render(buffer.area, &mut buffer);
            let bytes: String = buffer.content.iter().map(|c| c.symbol()).collect();
            assert!(
                bytes.contains(expected),
                "{protocol:?}: {:?}",
                bytes.chars().take(80).collect::<String>()
            );
            if protocol == ProtocolType::Kitty {
                // Then kitty's placeholder cells, which scroll like text.
                assert!(bytes.contains('\u{10EEEE}'));
            }
        }
    }

    /// A picture drawn once is drawn again from memory, and one that failed is not asked
    /// for again for a while: the server sees each address once.
    #[test]
    fn the_worker_asks_the_network_once_per_picture() {
        let png = crate::domain::images::decode::tests::png(30, 20, [9, 120, 200, 255]);
        let site = crate::test_server::Server::documents(vec![("/ok.png", "image/png", png)]);
        let dir = tempfile::tempdir().unwrap();
        let (events, reports) = channel();
        let mut worker = Worker {
            painter: Painter::HalfBlocks,
            cache: Cache::at(dir.path().join("s.db.images"), 1 << 30),
            cap: 1 << 30,
            store_path: dir.path().join("s.db"),
            fetch: FetchOptions::default(),
            events,
            remembered: VecDeque::new(),
            failed: HashMap::new(),
        };
        let request = PictureRequest {
            id: crate::domain::model::ArticleId(1),
            urls: vec![site.url("/ok.png"), site.url("/gone.png")],
            width: 20,
            rows: 5,
        };
        for round in 0..2 {
            assert!(worker.work(&request));
            let mut drawn = 0;
            let mut failed = 0;
            for event in reports.try_iter() {
                match event {
                    Event::Report(Report::PictureDrawn { drawn: Ok(d), .. }) => {
                        assert_eq!((d.width, d.rows), (15, 5), "30x20 px in 5 rows: 10 px high");
                        drawn += 1;
                    }
                    Event::Report(Report::PictureDrawn { drawn: Err(_), .. }) => failed += 1,
                    _ => {}
                }
            }
            assert_eq!((drawn, failed), (1, 1), "round {round}");
            assert_eq!(site.count(), 2, "round {round}");
        }
    }

    #[test]
    fn half_blocks_fit_within_the_area_and_never_enlarge() {
        assert_eq!(
            half_block_cells(64, 32, 80, 20),
            (64, 16),
            "a pixel a half block"
        );
        assert_eq!(half_block_cells(800, 400, 80, 20), (80, 20));
        assert_eq!(
            half_block_cells(800, 400, 80, 10),
            (40, 10),
            "the height decides"
        );
        assert_eq!(half_block_cells(1, 60_000, 80, 10), (1, 10));
        assert_eq!(half_block_cells(60_000, 1, 80, 10), (80, 1));
        assert_eq!(half_block_cells(0, 0, 0, 0), (1, 1));
    }

    #[test]
    fn auto_reads_the_environment_and_never_asks_the_terminal() {
        let auto = |pairs| protocol(Mode::Auto, &env(pairs));
        assert_eq!(auto(&[]), Some(ProtocolType::Halfblocks));
        assert_eq!(auto(&[("TERM", "xterm-kitty")]), Some(ProtocolType::Kitty));
        assert_eq!(
            auto(&[("TERM_PROGRAM", "WezTerm")]),
            Some(ProtocolType::Iterm2)
        );
        assert_eq!(
            auto(&[("TERM_PROGRAM", "iTerm.app")]),
            Some(ProtocolType::Iterm2)
        );
        assert_eq!(
            auto(&[("TERM", "xterm-kitty"), ("TMUX", "/tmp/tmux-0/default,1,0")]),
            Some(ProtocolType::Halfblocks),
            "inside tmux, half blocks"
        );
        assert_eq!(
            auto(&[("TERM", "screen-256color")]),
            Some(ProtocolType::Halfblocks)
        );
        assert_eq!(auto(&[("NO_COLOR", "1"), ("TERM", "xterm-kitty")]), None);
        assert_eq!(
            protocol(Mode::Sixel, &env(&[("NO_COLOR", "1")])),
            Some(ProtocolType::Sixel),
            "asked for by name, NO_COLOR does not stop it"
        );
        assert_eq!(protocol(Mode::Off, &env(&[])), None);
        assert_eq!(Mode::parse("iterm2"), Some(Mode::Iterm2));
        assert_eq!(Mode::parse("ascii"), None);
    }
}
