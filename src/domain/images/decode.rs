//! Decoding a fetched picture within fixed bounds, whatever the file says about itself.
//!
//! The format is read from the bytes (never from a header or an address), and only
//! PNG, JPEG, GIF (its first frame) and WebP are decoded: what articles carry, each
//! with a pure-Rust decoder in `image`. SVG and anything else are refused, and the
//! reader shows the alt text. The dimensions are read from the header before any pixel
//! is decoded and refused past [`MAX_SIDE`] a side or [`MAX_PIXELS`] in all; the
//! decoder itself runs under `image::Limits` (the same sides, and [`MAX_ALLOC`] bytes),
//! so a header that lies is caught again while decoding. What is kept is scaled down to
//! at most [`KEPT_SIDE`] a side: a terminal never shows more.

use std::io::Cursor;

use anyhow::{Result, anyhow, bail};
use image::{DynamicImage, ImageFormat, ImageReader, Limits};

/// The widest or tallest picture decoded, in pixels.
pub const MAX_SIDE: u32 = 8192;
/// The most pixels decoded (16.8 megapixels: 64 MiB as RGBA).
pub const MAX_PIXELS: u64 = 4096 * 4096;
/// The most bytes the decoder may allocate for one picture.
pub const MAX_ALLOC: u64 = 96 * 1024 * 1024;
/// The largest side kept after decoding.
pub const KEPT_SIDE: u32 = 1024;

/// The bounds one decode runs under; [`Bounds::default`] is the constants above.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub max_side: u32,
    pub max_pixels: u64,
    pub max_alloc: u64,
    pub kept_side: u32,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            max_side: MAX_SIDE,
            max_pixels: MAX_PIXELS,
            max_alloc: MAX_ALLOC,
            kept_side: KEPT_SIDE,
        }
    }
}

/// A decoded picture: the image scaled to at most `kept_side`, and its size as the file
/// gave it.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub image: DynamicImage,
    pub width: u32,
    pub height: u32,
}

/// Decodes `bytes` within the default [`Bounds`].
pub fn decode(bytes: &[u8]) -> Result<Decoded> {
    decode_within(bytes, Bounds::default())
}

/// The format `bytes` hold, when herald draws it.
pub fn format_of(bytes: &[u8]) -> Result<ImageFormat> {
    let head = bytes.get(..512).unwrap_or(bytes);
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    if text.contains("<svg") || text.trim_start().starts_with("<?xml") {
        bail!("an SVG picture, which herald does not draw");
    }
    match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Gif | ImageFormat::WebP)) => {
            Ok(f)
        }
        Ok(other) => Err(anyhow!(
            "a {} picture, which herald does not draw",
            other.extensions_str().first().copied().unwrap_or("other")
        )),
        Err(_) => Err(anyhow!("not a picture herald can read")),
    }
}

/// The size the header of `bytes` claims, read without decoding a pixel.
pub fn dimensions(bytes: &[u8]) -> Result<(u32, u32)> {
    let format = format_of(bytes)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(Limits::no_limits());
    reader
        .into_dimensions()
        .map_err(|err| anyhow!("the picture's header cannot be read: {err}"))
}

/// Decodes `bytes` within `bounds`: refused before decoding when the header's size is
/// past them, and stopped by the decoder's own limits when the data disagrees.
pub fn decode_within(bytes: &[u8], bounds: Bounds) -> Result<Decoded> {
    let format = format_of(bytes)?;
    let (width, height) = dimensions(bytes)?;
    if width == 0 || height == 0 {
        bail!("the picture is empty ({width}x{height})");
    }
    if width > bounds.max_side
        || height > bounds.max_side
        || u64::from(width) * u64::from(height) > bounds.max_pixels
    {
        bail!("the picture claims {width}x{height} pixels, more than herald decodes");
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(bounds.max_side);
    limits.max_image_height = Some(bounds.max_side);
    limits.max_alloc = Some(bounds.max_alloc);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    // For a GIF this is the first frame: `image` decodes frames only when asked for an
    // animation, so a file of many frames costs one.
    // Behind the panic guard, as every third-party parser: a decoder's bug in a hostile
    // file is that picture's error, never the reader's end.
    let image = crate::domain::panics::contain(|| reader.decode())
        .map_err(|panic| anyhow!("the picture's decoder failed on it ({panic})"))?
        .map_err(|err| anyhow!("the picture cannot be decoded: {err}"))?;
    let image = if image.width() > bounds.kept_side || image.height() > bounds.kept_side {
        image.thumbnail(bounds.kept_side, bounds.kept_side)
    } else {
        image
    };
    Ok(Decoded {
        image,
        width,
        height,
    })
}

#[cfg(test)]
#[path = "decode_tests.rs"]
pub(crate) mod tests;
