//! Pictures end to end: the real binary in tmux (where `images = "auto"` means half
//! blocks), a picture served from loopback drawn in the reader, drawn again from the
//! cache once the server is gone, and only the alt text with `images = "off"`.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::server::{Answer, Server};
use common::tmux::Tmux;

/// A 48x24 PNG: orange on the left, teal on the right, made here.
fn picture() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(48, 24, |x, _| {
        if x < 24 {
            image::Rgba([250, 140, 20, 255])
        } else {
            image::Rgba([20, 160, 150, 255])
        }
    });
    let mut out = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut out),
        img.as_raw(),
        48,
        24,
        image::ExtendedColorType::Rgba8,
    )
    .unwrap();
    out
}

/// Serves the picture at any path until it is closed; then the port refuses.
fn serve() -> Server {
    let body = picture();
    Server::answering(move |_| Answer::typed("image/png", body.clone()))
}

fn store_with_picture(dir: &Path, port: u16) -> std::path::PathBuf {
    let feed = dir.join("lanterns.xml");
    std::fs::write(
        &feed,
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Lantern Notes</title>\
             <item><guid>lantern-1</guid><title>Paper lanterns on the canal</title>\
             <pubDate>Tue, 01 Dec 2026 18:00:00 GMT</pubDate>\
             <description><![CDATA[<p>Volunteers folded four hundred lanterns.</p>\
             <figure><img src=\"http://127.0.0.1:{port}/lantern.png\" alt=\"Lanterns on dark water\">\
             <figcaption>The first boats set off at six.</figcaption></figure>\
             <p>The route follows the old towpath.</p>]]></description></item>\
             </channel></rss>"
        ),
    )
    .unwrap();
    let store = dir.join("pictures.db");
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["--store", store.to_str().unwrap(), "import"])
        .arg(&feed)
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    store
}

fn open_reader(dir: &Path, store: &Path, images: &str) -> Tmux {
    let config = dir.join(format!("config-{images}.toml"));
    std::fs::write(&config, format!("images = \"{images}\"\n")).unwrap();
    let command = format!(
        "env -u NO_COLOR HOME={home} {bin} --config {config} --store {store}; echo HERALD_EXIT=$?; sleep 30",
        home = dir.display(),
        bin = env!("CARGO_BIN_EXE_herald"),
        config = config.display(),
        store = store.display(),
    );
    let tmux = Tmux::start(&command, 100, 30);
    tmux.wait_for("the list", |s| s.contains("Paper lanterns on the canal"));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the article", |s| {
        s.contains("[image 1: Lanterns on dark water]")
    });
    tmux
}

/// The screen with its colours: capture-pane -e.
fn coloured(tmux: &Tmux) -> String {
    String::from_utf8_lossy(
        &tmux
            .run(&["capture-pane", "-e", "-p", "-t", "herald"])
            .stdout,
    )
    .into_owned()
}

/// Waits until the picture's two colours are drawn as 24-bit backgrounds.
fn wait_for_picture(tmux: &Tmux) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let screen = coloured(tmux);
        if screen.contains("48;2;250;140;20") && screen.contains("48;2;20;160;150") {
            return screen;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no picture drawn; the screen was:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `q` leaves the reader, then herald.
fn quit(tmux: &Tmux) {
    tmux.keys(&["q"]);
    tmux.wait_for("the list's focus", |s| s.contains("▶ Articles"));
    tmux.keys(&["q"]);
    tmux.wait_for("herald to quit", |s| s.contains("HERALD_EXIT=0"));
}

#[test]
fn a_picture_is_drawn_in_half_blocks_then_again_offline_and_not_at_all_when_off() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve();
    let port = server.port();
    let store = store_with_picture(dir.path(), port);

    let tmux = open_reader(dir.path(), &store, "auto");
    wait_for_picture(&tmux);
    let screen = tmux.screen();
    // The alt text and the caption read beneath the picture.
    let picture_row = coloured(&tmux)
        .lines()
        .position(|l| l.contains("48;2;250;140;20"))
        .unwrap();
    let alt_row = screen
        .lines()
        .position(|l| l.contains("[image 1: Lanterns on dark water]"))
        .unwrap();
    assert!(picture_row < alt_row, "{screen}");
    assert!(screen.contains("The first boats set off at six."));
    assert_eq!(server.count(), 1);
    quit(&tmux);
    drop(tmux);

    // The server is gone: the picture comes from the cache beside the store.
    server.close();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
    let mut cache = store.as_os_str().to_owned();
    cache.push(".images");
    assert!(Path::new(&cache).is_dir());
    let tmux = open_reader(dir.path(), &store, "auto");
    wait_for_picture(&tmux);
    quit(&tmux);
    drop(tmux);

    // Off: the marker as text, no picture.
    // With pictures off no pictures thread is started, so nothing can draw one later:
    // the article's marker text on screen is the frame to check (no sleep).
    let tmux = open_reader(dir.path(), &store, "off");
    tmux.wait_for("the marker", |s| {
        s.contains("[image 1: Lanterns on dark water]")
    });
    let screen = coloured(&tmux);
    assert!(!screen.contains("48;2;250;140;20"), "{screen}");
    quit(&tmux);
}
