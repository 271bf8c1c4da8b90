//! The one loopback HTTP server of herald's tests and benchmarks: answers scripted per
//! path (an exact path, a path prefix, or a closure for the fakes that compute their
//! answers), each a status, headers, a body and an optional delay; and a log of every
//! request (method, path with query, headers, body, when it came, how many were under way
//! at once, overall and per host).
//!
//! One source file serves three kinds of crate: the library's unit tests name it as
//! `crate::test_server` (declared under `#[cfg(test)]`, so it is not in the binary), the
//! integration tests through `tests/common/mod.rs`, and the benchmarks by `#[path]`.
//! Each uses part of it, hence the `allow`.
//!
//! Every connection has a thread of its own, so requests overlap as a client lets them.
//! Every answer closes its connection (`Connection: close`): no test needs more. The
//! server stops accepting after its limit of requests or its lifetime, whichever comes
//! first, or when it is dropped; then its port refuses, so a client that loops ends its
//! test instead of hanging it.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What a script answers: a status with headers and a body, bytes written as they are
/// (a malformed or forwarded answer), or nothing (the connection is closed unanswered).
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// How long the server waits before answering; the request counts as under way
    /// meanwhile.
    pub delay: Duration,
    form: Form,
}

#[derive(Clone, Debug)]
enum Form {
    Http,
    Raw,
    HangUp,
}

impl Answer {
    pub fn new(status: u16) -> Answer {
        Answer {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
            form: Form::Http,
        }
    }

    /// 200 with `body`.
    pub fn ok(body: impl Into<Vec<u8>>) -> Answer {
        Answer::new(200).body(body)
    }

    /// 200 with `body` of the content type `kind`.
    pub fn typed(kind: &str, body: impl Into<Vec<u8>>) -> Answer {
        Answer::ok(body).header("Content-Type", kind)
    }

    pub fn not_found() -> Answer {
        Answer::new(404).body("not found")
    }

    /// `bytes` written as they are, instead of an answer the server makes.
    pub fn raw(bytes: impl Into<Vec<u8>>) -> Answer {
        Answer {
            form: Form::Raw,
            ..Answer::ok(bytes)
        }
    }

    /// No answer at all: the connection closes once the request is read.
    pub fn hang_up() -> Answer {
        Answer {
            form: Form::HangUp,
            ..Answer::new(0)
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Answer {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Answer {
        self.body = body.into();
        self
    }

    pub fn after(mut self, delay: Duration) -> Answer {
        self.delay = delay;
        self
    }

    fn bytes(&self) -> Vec<u8> {
        let mut out = format!(
            "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.status,
            reason(self.status),
            self.body.len()
        )
        .into_bytes();
        for (name, value) in &self.headers {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&self.body);
        out
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// The request target: the path with its query.
    pub path: String,
    /// Names in lower case, in the order sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When its head and body had been read.
    pub at: Instant,
    /// Requests under way on the server when it came, itself included.
    pub in_flight: usize,
    /// The address the client connected to.
    pub local: SocketAddr,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The Host header's name, without its port.
    pub fn host(&self) -> String {
        let host = self.header("host").unwrap_or_default();
        host.rsplit_once(':')
            .map_or(host, |(name, _)| name)
            .to_owned()
    }

    /// The path without its query.
    pub fn route(&self) -> &str {
        self.path.split('?').next().unwrap_or_default()
    }

    /// The value of `name` in the query, if any.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.path
            .split_once('?')?
            .1
            .split('&')
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
    }

    /// `http://address:port` of the listener that took it, for answers that link back.
    pub fn origin(&self) -> String {
        format!("http://{}", self.local)
    }
}

type Handler = Arc<dyn Fn(&Request) -> Answer + Send + Sync>;

enum Route {
    Exact(String),
    Prefix(String),
}

/// The answers and bounds of a server, before it starts.
pub struct Script {
    routes: Vec<(Route, Handler)>,
    otherwise: Handler,
    limit: usize,
    lifetime: Duration,
    read_timeout: Duration,
}

impl Default for Script {
    fn default() -> Script {
        Script::new()
    }
}

impl Script {
    /// No routes (every path is a 404), at most 500 requests, two minutes, and five
    /// seconds for a client to send its request.
    pub fn new() -> Script {
        Script {
            routes: Vec::new(),
            otherwise: Arc::new(|_| Answer::not_found()),
            limit: 500,
            lifetime: Duration::from_secs(120),
            read_timeout: Duration::from_secs(5),
        }
    }

    /// `answer` for the path `path` (the query aside).
    pub fn at(self, path: &str, answer: Answer) -> Script {
        self.at_with(path, move |_| answer.clone())
    }

    /// The closure's answer for the path `path` (the query aside).
    pub fn at_with(
        mut self,
        path: &str,
        handler: impl Fn(&Request) -> Answer + Send + Sync + 'static,
    ) -> Script {
        self.routes
            .push((Route::Exact(path.to_owned()), Arc::new(handler)));
        self
    }

    /// The closure's answer for every target starting with `prefix`.
    pub fn prefix(
        mut self,
        prefix: &str,
        handler: impl Fn(&Request) -> Answer + Send + Sync + 'static,
    ) -> Script {
        self.routes
            .push((Route::Prefix(prefix.to_owned()), Arc::new(handler)));
        self
    }

    /// The closure's answer for what no route takes (a 404 unless set).
    pub fn otherwise(
        mut self,
        handler: impl Fn(&Request) -> Answer + Send + Sync + 'static,
    ) -> Script {
        self.otherwise = Arc::new(handler);
        self
    }

    /// Stops accepting after `requests` requests.
    pub fn limit(mut self, requests: usize) -> Script {
        self.limit = requests;
        self
    }

    /// Stops accepting after `lifetime`.
    pub fn lifetime(mut self, lifetime: Duration) -> Script {
        self.lifetime = lifetime;
        self
    }

    /// How long a client may take to send its request before it is answered 400 (a TLS
    /// hello sent to this plain-HTTP server ends no line).
    pub fn read_timeout(mut self, timeout: Duration) -> Script {
        self.read_timeout = timeout;
        self
    }

    fn handler(&self, request: &Request) -> Handler {
        self.routes
            .iter()
            .find(|(route, _)| match route {
                Route::Exact(path) => request.route() == path,
                Route::Prefix(prefix) => request.path.starts_with(prefix.as_str()),
            })
            .map_or_else(|| self.otherwise.clone(), |(_, h)| h.clone())
    }

    /// Starts serving on 127.0.0.1.
    pub fn start(self) -> Server {
        self.start_on(&["127.0.0.1"])
    }

    /// Starts serving on each of `addresses` (a port of its own on each, one script, one
    /// log, one limit).
    pub fn start_on(self, addresses: &[&str]) -> Server {
        let shared = Arc::new(Shared {
            script: self,
            log: Mutex::default(),
            busy: Mutex::default(),
            accepted: AtomicUsize::new(0),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let mut addrs = Vec::new();
        let mut acceptors = Vec::new();
        for address in addresses {
            let listener = TcpListener::bind((*address, 0)).unwrap();
            addrs.push(listener.local_addr().unwrap());
            listener.set_nonblocking(true).unwrap();
            let (shared, stop) = (shared.clone(), stop.clone());
            acceptors.push(std::thread::spawn(move || {
                accept(&listener, &shared, &stop)
            }));
        }
        Server {
            addrs,
            shared,
            stop,
            acceptors,
        }
    }
}

struct Shared {
    script: Script,
    log: Mutex<Vec<Request>>,
    busy: Mutex<Busy>,
    accepted: AtomicUsize,
}

/// Requests under way now, and the most seen at once: overall and per host.
#[derive(Default)]
struct Busy {
    all: (usize, usize),
    hosts: HashMap<String, (usize, usize)>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A script that panicked on one connection leaves the log readable for the test.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn accept(listener: &TcpListener, shared: &Arc<Shared>, stop: &AtomicBool) {
    let deadline = Instant::now() + shared.script.lifetime;
    while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
        if shared.accepted.load(Ordering::SeqCst) >= shared.script.limit {
            break;
        }
        match listener.accept() {
            Ok((stream, _)) => {
                // Counted at once, so the limit holds across listeners and a burst.
                if shared.accepted.fetch_add(1, Ordering::SeqCst) >= shared.script.limit {
                    break;
                }
                let shared = shared.clone();
                std::thread::spawn(move || serve(stream, &shared));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(2)),
        }
    }
}

/// The head of a request: at most this many lines, and a body of at most 64 MiB.
const MAX_HEADERS: usize = 200;
const MAX_BODY: usize = 64 << 20;

/// The request on `stream`, counted as under way by none yet.
fn read_request(stream: &TcpStream, local: SocketAddr) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut words = line.split_whitespace();
    let (method, path) = (words.next()?.to_owned(), words.next()?.to_owned());
    let mut headers = Vec::new();
    for _ in 0..MAX_HEADERS {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_BODY);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body,
        at: Instant::now(),
        in_flight: 0,
        local,
    })
}

fn serve(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(shared.script.read_timeout));
    let Ok(local) = stream.local_addr() else {
        return;
    };
    let Some(mut request) = read_request(&stream, local) else {
        let _ = stream.write_all(&Answer::new(400).body("not HTTP").bytes());
        return;
    };
    let host = request.host();
    {
        let mut busy = lock(&shared.busy);
        busy.all.0 += 1;
        busy.all.1 = busy.all.1.max(busy.all.0);
        request.in_flight = busy.all.0;
        let on_host = busy.hosts.entry(host.clone()).or_default();
        on_host.0 += 1;
        on_host.1 = on_host.1.max(on_host.0);
        lock(&shared.log).push(request.clone());
    }
    let answer = (shared.script.handler(&request))(&request);
    std::thread::sleep(answer.delay);
    // The request leaves the count just before its answer is written: the client cannot
    // ask again before it has the answer, while a count taken after the write raced with
    // its next request (3 at once was seen under load, with the client keeping to 2).
    {
        let mut busy = lock(&shared.busy);
        busy.all.0 -= 1;
        if let Some(on_host) = busy.hosts.get_mut(&host) {
            on_host.0 -= 1;
        }
    }
    let _ = match answer.form {
        Form::Http => stream.write_all(&answer.bytes()),
        Form::Raw => stream.write_all(&answer.body),
        Form::HangUp => Ok(()),
    };
}

/// A running server. Dropping it stops the accepting and closes its ports; requests
/// already taken are still answered.
pub struct Server {
    addrs: Vec<SocketAddr>,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    acceptors: Vec<JoinHandle<()>>,
}

impl Server {
    /// A server answering every request with the closure's answer.
    pub fn answering(handler: impl Fn(&Request) -> Answer + Send + Sync + 'static) -> Server {
        Script::new().otherwise(handler).start()
    }

    /// A server of documents: (path, content type, body), 404 for the rest.
    pub fn documents<B: Into<Vec<u8>>>(documents: Vec<(&str, &str, B)>) -> Server {
        documents
            .into_iter()
            .fold(Script::new(), |script, (path, kind, body)| {
                script.at(path, Answer::typed(kind, body))
            })
            .start()
    }

    pub fn port(&self) -> u16 {
        self.addrs[0].port()
    }

    /// `http://127.0.0.1:port`, without a slash.
    pub fn base(&self) -> String {
        format!("http://{}", self.addrs[0])
    }

    pub fn url(&self, path: &str) -> String {
        self.url_on(0, path)
    }

    /// The address of `path` on the `which`th of the addresses it was started on.
    pub fn url_on(&self, which: usize, path: &str) -> String {
        format!("http://{}{path}", self.addrs[which])
    }

    /// Every request read so far, in the order they came.
    pub fn requests(&self) -> Vec<Request> {
        lock(&self.shared.log).clone()
    }

    /// The paths asked for so far (with their queries), in order.
    pub fn paths(&self) -> Vec<String> {
        lock(&self.shared.log)
            .iter()
            .map(|r| r.path.clone())
            .collect()
    }

    pub fn count(&self) -> usize {
        lock(&self.shared.log).len()
    }

    /// How many requests asked for exactly `path` (with its query, if any).
    pub fn times_asked(&self, path: &str) -> usize {
        lock(&self.shared.log)
            .iter()
            .filter(|r| r.path == path)
            .count()
    }

    /// Requests under way now.
    pub fn in_flight(&self) -> usize {
        lock(&self.shared.busy).all.0
    }

    /// The most requests under way at once.
    pub fn most_at_once(&self) -> usize {
        lock(&self.shared.busy).all.1
    }

    /// The most requests under way at once with `host` in their Host header.
    pub fn most_at_once_on(&self, host: &str) -> usize {
        lock(&self.shared.busy)
            .hosts
            .get(host)
            .map_or(0, |busy| busy.1)
    }

    /// Stops now: the ports refuse from here on.
    pub fn close(self) {}
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for acceptor in self.acceptors.drain(..) {
            let _ = acceptor.join();
        }
    }
}
