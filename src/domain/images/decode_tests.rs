//! Hostile and ordinary pictures, every one made here in code.

use super::*;
use image::codecs::gif::{GifEncoder, Repeat};
use image::codecs::png::PngEncoder;
use image::{Frame, ImageEncoder, Rgba, RgbaImage};

pub(crate) fn png(width: u32, height: u32, colour: [u8; 4]) -> Vec<u8> {
    let img = RgbaImage::from_pixel(width, height, Rgba(colour));
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgba8)
        .unwrap();
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A small real PNG whose header is rewritten to claim `width` x `height`, with a valid
/// checksum: the lie is only found by looking at the claim.
pub(crate) fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = png(2, 2, [9, 9, 9, 255]);
    // Signature (8), length (4), "IHDR" (4), then width and height.
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

#[test]
fn ordinary_formats_decode_and_keep_their_size() {
    let d = decode(&png(40, 20, [200, 10, 10, 255])).unwrap();
    assert_eq!((d.width, d.height), (40, 20));
    assert_eq!(d.image.to_rgba8().get_pixel(3, 3).0, [200, 10, 10, 255]);

    let rgb = image::RgbImage::from_pixel(32, 16, image::Rgb([10, 200, 10]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&rgb)
        .unwrap();
    let d = decode(&jpeg).unwrap();
    assert_eq!((d.width, d.height), (32, 16));
    let px = d.image.to_rgb8().get_pixel(5, 5).0;
    assert!(px[1] > 150 && px[0] < 80, "{px:?}");

    let mut webp = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
        .encode(
            RgbaImage::from_pixel(8, 8, Rgba([1, 2, 250, 255])).as_raw(),
            8,
            8,
            image::ExtendedColorType::Rgba8,
        )
        .unwrap();
    let d = decode(&webp).unwrap();
    assert_eq!(d.image.to_rgba8().get_pixel(0, 0).0, [1, 2, 250, 255]);
}

#[test]
fn a_large_picture_is_kept_small() {
    let d = decode(&png(3000, 600, [1, 1, 1, 255])).unwrap();
    assert_eq!((d.width, d.height), (3000, 600));
    assert!(d.image.width() <= KEPT_SIDE && d.image.height() <= KEPT_SIDE);
}

#[test]
fn a_header_claiming_60000_square_is_refused_before_decoding() {
    let bomb = png_claiming(60_000, 60_000);
    assert!(bomb.len() < 200, "a few bytes: {}", bomb.len());
    assert_eq!(dimensions(&bomb).unwrap(), (60_000, 60_000));
    let err = decode(&bomb).unwrap_err().to_string();
    assert!(err.contains("claims 60000x60000"), "{err}");
    // Within the side cap but past the pixel cap.
    let err = decode(&png_claiming(8000, 8000)).unwrap_err().to_string();
    assert!(err.contains("more than herald decodes"), "{err}");
}

#[test]
fn a_lying_header_within_bounds_is_a_decode_error_not_a_crash() {
    // Claims 1000x1000 but holds the data of 2x2.
    let err = decode(&png_claiming(1000, 1000)).unwrap_err().to_string();
    assert!(err.contains("cannot be decoded"), "{err}");
}

#[test]
fn the_decoders_allocation_limit_stops_a_decompression_bomb() {
    // 2000x2000 RGBA is 16 MB of pixels from a file of 80 KB.
    let bomb = png(2000, 2000, [0, 0, 0, 0]);
    assert!(bomb.len() < 128 * 1024, "{} bytes", bomb.len());
    let bounds = Bounds {
        max_alloc: 4 * 1024 * 1024,
        ..Bounds::default()
    };
    let err = decode_within(&bomb, bounds).unwrap_err();
    let chain = format!("{err:#}");
    assert!(
        chain.contains("limit") || chain.contains("Limit"),
        "the decoder's Limits refused it: {chain}"
    );
    // The same file within the default bounds decodes (16 MB < 96 MiB).
    assert!(decode(&bomb).is_ok());
}

#[test]
fn truncated_files_are_errors() {
    let whole = png(64, 64, [5, 6, 7, 255]);
    for cut in [8, 20, 33, 40, whole.len() / 2, whole.len() - 12] {
        assert!(decode(&whole[..cut]).is_err(), "cut at {cut}");
    }
    assert!(decode(b"").is_err());
    assert!(decode(b"GIF89a").is_err());
}

#[test]
fn svg_and_other_formats_are_refused() {
    let svg =
        br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>"#;
    assert!(decode(svg).unwrap_err().to_string().contains("SVG"));
    let bare = br#"<svg width="99999" height="99999"></svg>"#;
    assert!(decode(bare).unwrap_err().to_string().contains("SVG"));
    // A BMP (a format herald does not decode): refused by its signature.
    let err = decode(b"BM\x00\x00\x00\x00\x00\x00\x00\x00").unwrap_err();
    assert!(err.to_string().contains("does not draw") || err.to_string().contains("read"));
}

#[test]
fn an_animated_gif_of_10000_frames_costs_its_first_frame() {
    let mut gif = Vec::new();
    {
        let mut encoder = GifEncoder::new(&mut gif);
        encoder.set_repeat(Repeat::Infinite).unwrap();
        let first = RgbaImage::from_pixel(4, 4, Rgba([250, 0, 0, 255]));
        encoder.encode_frame(Frame::new(first)).unwrap();
        let other = RgbaImage::from_pixel(4, 4, Rgba([0, 0, 250, 255]));
        for _ in 1..10_000 {
            encoder.encode_frame(Frame::new(other.clone())).unwrap();
        }
    }
    let d = decode(&gif).unwrap();
    // The first frame's colour: no later frame was composed over it.
    assert_eq!(d.image.to_rgba8().get_pixel(1, 1).0, [250, 0, 0, 255]);
    assert_eq!((d.width, d.height), (4, 4));
}
