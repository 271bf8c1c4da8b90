//! The loopback HTTP server every test and benchmark shares (src/test_server.rs): its
//! routes, its log, its count of requests at once, its bounds, and what it does with a
//! request that is not HTTP.

#[path = "../src/test_server.rs"]
mod server;

use server::{Answer, Script, Server};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn server_addr(server: &Server) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], server.port()))
}

fn get(server: &Server, path: &str, head: &str) -> String {
    let mut stream = TcpStream::connect(server_addr(server)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn routes_answer_and_the_log_keeps_what_was_asked() {
    let server = Script::new()
        .at("/a.xml", Answer::typed("application/rss+xml", "<rss/>"))
        .prefix("/p/", |r| {
            Answer::new(429)
                .header("Retry-After", "60")
                .body(r.path.clone())
        })
        .start();
    let a = get(&server, "/a.xml?x=1", "X-Test: yes\r\n");
    assert!(a.starts_with("HTTP/1.1 200 OK\r\n"), "{a}");
    assert!(a.contains("Content-Type: application/rss+xml\r\n"), "{a}");
    assert!(a.ends_with("\r\n\r\n<rss/>"), "{a}");
    let p = get(&server, "/p/7", "");
    assert!(p.starts_with("HTTP/1.1 429 Too Many Requests\r\n"), "{p}");
    assert!(
        p.contains("Retry-After: 60\r\n") && p.ends_with("/p/7"),
        "{p}"
    );
    assert!(get(&server, "/other", "").starts_with("HTTP/1.1 404 "));
    let asked = server.requests();
    assert_eq!(server.paths(), ["/a.xml?x=1", "/p/7", "/other"]);
    assert_eq!(asked[0].header("x-test"), Some("yes"));
    assert_eq!(asked[0].query("x"), Some("1"));
    assert_eq!(asked[0].host(), "127.0.0.1");
    assert_eq!(server.times_asked("/p/7"), 1);
}

#[test]
fn a_body_is_read_by_its_length_and_the_limit_closes_the_port() {
    let server = Script::new()
        .limit(1)
        .otherwise(|r| Answer::ok(r.body.clone()))
        .start();
    let mut stream = TcpStream::connect(server_addr(&server)).unwrap();
    write!(stream, "POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.ends_with("hello"), "{answer}");
    assert_eq!(server.requests()[0].method, "POST");
    // Past the limit the acceptor ends by itself and the listener closes: connections
    // are refused while the server is still held. Counted in tries, far fewer than the
    // default limit (500) that would close a port whose own limit did not hold.
    let addr = server_addr(&server);
    let tries = (0..100).take_while(|_| {
        let took = TcpStream::connect(addr).is_ok();
        if took {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        took
    });
    assert!(
        tries.count() < 100,
        "the port still takes connections past the limit"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn requests_under_way_together_are_counted_per_host() {
    // Each answer waits until all three requests are in, so all three are under way
    // at once.
    let arrived = Arc::new(AtomicUsize::new(0));
    let seen = arrived.clone();
    let server = Script::new()
        .otherwise(move |_| {
            seen.fetch_add(1, Ordering::SeqCst);
            let deadline = Instant::now() + Duration::from_secs(10);
            while seen.load(Ordering::SeqCst) < 3 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(1));
            }
            Answer::ok("together")
        })
        .start();
    let addr = server_addr(&server);
    let clients: Vec<_> = ["a.test", "a.test", "b.test"]
        .into_iter()
        .map(|host| {
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(addr).unwrap();
                write!(stream, "GET / HTTP/1.1\r\nHost: {host}:80\r\n\r\n").unwrap();
                let mut answer = String::new();
                stream.read_to_string(&mut answer).unwrap();
                answer
            })
        })
        .collect();
    for client in clients {
        assert!(client.join().unwrap().ends_with("together"));
    }
    assert_eq!(arrived.load(Ordering::SeqCst), 3);
    assert_eq!(server.count(), 3);
    assert_eq!(server.in_flight(), 0);
    assert_eq!(server.most_at_once(), 3);
    assert_eq!(server.most_at_once_on("a.test"), 2);
    assert_eq!(server.most_at_once_on("b.test"), 1);
    assert_eq!(server.requests()[2].in_flight, 3);
}

#[test]
fn a_request_that_never_ends_its_line_is_refused_not_logged() {
    let server = Script::new()
        .read_timeout(Duration::from_millis(100))
        .start();
    let mut stream = TcpStream::connect(server_addr(&server)).unwrap();
    stream.write_all(&[0x16, 0x03, 0x01, 0x02, 0x00]).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    assert_eq!(server.count(), 0);
}

#[test]
fn a_hang_up_closes_without_an_answer_and_raw_bytes_go_as_they_are() {
    let server = Script::new()
        .at("/gone", Answer::hang_up())
        .at("/raw", Answer::raw("HTTP/1.1 200 OK\r\n\r\nunbounded"))
        .start();
    assert_eq!(get(&server, "/gone", ""), "");
    assert_eq!(get(&server, "/raw", ""), "HTTP/1.1 200 OK\r\n\r\nunbounded");
}

/// Issue #29: one server serves every test. A file that accepts connections of its own
/// is a second server; the only listeners elsewhere bind to learn a port and let it go.
#[test]
fn no_other_file_accepts_connections() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // Built from parts so that this file does not name them itself.
    let needles = [[".acc", "ept()"].concat(), [".inco", "ming()"].concat()];
    let mut files = Vec::new();
    let mut folders: Vec<_> = ["src", "tests", "benches"]
        .iter()
        .map(|f| root.join(f))
        .collect();
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                files.push(path);
            }
        }
    }
    assert!(
        files.len() > 100,
        "{} files: not the source tree",
        files.len()
    );
    let own = root.join("src/test_server.rs");
    let servers: Vec<String> = files
        .iter()
        .filter(|path| **path != own)
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            needles.iter().any(|n| text.contains(n.as_str()))
        })
        .map(|path| path.strip_prefix(root).unwrap().display().to_string())
        .collect();
    assert!(
        servers.is_empty(),
        "these files serve HTTP on their own; use src/test_server.rs: {servers:?}"
    );
    let text = std::fs::read_to_string(&own).unwrap();
    assert!(needles.iter().any(|n| text.contains(n.as_str())));
}
