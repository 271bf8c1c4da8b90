//! Property tests for pictures, standing in for fuzzing (`fuzz/fuzz_targets/picture.rs`
//! is the cargo-fuzz target): real PNG, GIF, JPEG and WebP files, made here, with bytes
//! changed, cut and spliced, decode within bounds or fail, never panic; and the markers
//! of any text are found without a panic. `PROPTEST_CASES` runs more.

use herald::domain::images::{self, decode::KEPT_SIDE};
use image::{ImageEncoder, Rgba, RgbaImage};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// One small file of each format herald decodes.
fn samples() -> Vec<Vec<u8>> {
    let img = RgbaImage::from_fn(24, 16, |x, y| Rgba([x as u8 * 10, y as u8 * 15, 90, 255]));
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(img.as_raw(), 24, 16, image::ExtendedColorType::Rgba8)
        .unwrap();
    let mut gif = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut gif);
        encoder
            .encode_frame(image::Frame::new(img.clone()))
            .unwrap();
        encoder
            .encode_frame(image::Frame::new(img.clone()))
            .unwrap();
    }
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
        .encode_image(&image::DynamicImage::ImageRgba8(img.clone()).to_rgb8())
        .unwrap();
    let mut webp = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
        .encode(img.as_raw(), 24, 16, image::ExtendedColorType::Rgba8)
        .unwrap();
    vec![png, gif, jpeg, webp]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn changed_pictures_decode_within_bounds_or_fail(
        which in 0usize..4,
        changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..12),
        cut in any::<prop::sample::Index>(),
        splice in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut bytes = samples().swap_remove(which);
        for (at, value) in changes {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let keep = cut.index(bytes.len() + 1);
        bytes.truncate(keep.max(bytes.len() / 2));
        bytes.extend(splice);
        if let Ok(decoded) = images::decode(&bytes) {
            prop_assert!(decoded.image.width() <= KEPT_SIDE);
            prop_assert!(decoded.image.height() <= KEPT_SIDE);
            prop_assert!(decoded.width <= images::MAX_SIDE && decoded.height <= images::MAX_SIDE);
        }
    }

    #[test]
    fn the_markers_of_any_text_are_found_without_a_panic(
        paragraphs in prop::collection::vec(
            prop::collection::vec(
                prop_oneof![
                    prop::sample::select(vec!["[image", "[image ", "]", ":", " 1", "99", "[image 2: a]", "\u{10ffff}", "é"])
                        .prop_map(str::to_owned),
                    any::<String>(),
                ],
                0..12,
            )
            .prop_map(|p| p.concat()),
            0..6,
        ),
        links in prop::collection::vec("https://[a-z]{1,8}\\.test/[a-z]{0,8}", 0..4),
    ) {
        let article = herald::domain::model::Article {
            summary: herald::domain::model::Summary {
                id: herald::domain::model::ArticleId(1),
                source: String::new(),
                title: String::new(),
                authors: Vec::new(),
                published: None,
                url: None,
                read: false,
                starred: false,
            },
            guid: None,
            summary_text: None,
            paragraphs,
            links,
            enclosures: Vec::new(),
            added: jiff::Timestamp::UNIX_EPOCH,
            position: Default::default(),
        };
        let figures = images::figures(&article);
        prop_assert!(figures.len() <= images::MAX_FIGURES);
        for figure in figures {
            prop_assert!(figure.paragraph < article.paragraphs.len());
            if let Some(url) = figure.url {
                prop_assert!(article.links.contains(&url));
            }
        }
    }

    #[test]
    fn any_bytes_decode_or_fail(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = images::decode(&bytes);
    }
}
