//! A test-only hostile server: an HTTP/1.1 proxy on 127.0.0.1 in front of the real
//! `vault-server`. It forwards every request unchanged (requests are signed over method, path
//! and body, so they are never altered), records each one with the status the client got,
//! and applies the rules a test installs: rewrite a JSON response ([`Proxy::rewrite`]), or
//! answer without forwarding ([`Proxy::fail`]), by method and path pattern.
//!
//! One request per connection (`Connection: close` both ways): small and enough for `rugzak`
//! (ureq opens a new connection when the old one is closed). A request is recorded before its
//! response is written, so once a `rugzak` process has exited, everything it sent is in
//! [`Proxy::requests`].

use std::io::{BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

/// One request as the client sent it, with what it got back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Path and query, as sent.
    pub path: String,
    /// The request body.
    pub body: Vec<u8>,
    /// The status the client received.
    pub status: u16,
    /// Whether the request reached the server (false when a rule answered it).
    pub forwarded: bool,
}

impl Recorded {
    /// The path without its query.
    #[must_use]
    pub fn path_only(&self) -> &str {
        self.path.split('?').next().unwrap_or_default()
    }

    /// Whether `method` and the path (without query) match `pattern` (see [`matches`]).
    #[must_use]
    pub fn is(&self, method: &str, pattern: &str) -> bool {
        self.method == method && matches(pattern, self.path_only())
    }

    /// The body as JSON.
    ///
    /// # Panics
    /// When the body is not JSON.
    #[must_use]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON request body")
    }
}

/// Whether `path` matches `pattern`: the same number of `/`-separated segments, `*` matching
/// any one segment (e.g. `/v1/vaults/*/grants`).
#[must_use]
pub fn matches(pattern: &str, path: &str) -> bool {
    let (p, q): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    p.len() == q.len() && p.iter().zip(&q).all(|(a, b)| *a == "*" || a == b)
}

type Rewrite = dyn Fn(&Recorded, serde_json::Value) -> serde_json::Value + Send + Sync;

enum Action {
    Rewrite(Box<Rewrite>),
    Fail(u16),
}

struct Rule {
    method: String,
    pattern: String,
    action: Action,
    fired: Arc<AtomicUsize>,
    removed: Arc<AtomicBool>,
}

/// An installed rule: how often it fired; [`RuleHandle::remove`] takes it out.
#[derive(Debug, Clone)]
pub struct RuleHandle {
    fired: Arc<AtomicUsize>,
    removed: Arc<AtomicBool>,
}

impl RuleHandle {
    /// How many responses the rule changed (or requests it failed) so far.
    #[must_use]
    pub fn fired(&self) -> usize {
        self.fired.load(Ordering::SeqCst)
    }

    /// Takes the rule out: later requests pass unchanged.
    pub fn remove(&self) {
        self.removed.store(true, Ordering::SeqCst);
    }
}

#[derive(Default)]
struct Shared {
    upstream: Mutex<String>,
    rules: Mutex<Vec<Rule>>,
    recorded: Mutex<Vec<Recorded>>,
    stop: AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The proxy, stopped on drop.
pub struct Proxy {
    /// Its base URL, `http://127.0.0.1:PORT`: give it to `rugzak` as `--server`.
    pub url: String,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy").field("url", &self.url).finish()
    }
}

impl Proxy {
    /// A proxy on a free 127.0.0.1 port forwarding to `upstream` (`http://127.0.0.1:PORT`).
    ///
    /// # Panics
    /// When no port can be bound.
    #[must_use]
    pub fn start(upstream: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let shared = Arc::new(Shared::default());
        *lock(&shared.upstream) = host_port(upstream);
        let for_thread = Arc::clone(&shared);
        let accept = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if for_thread.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let shared = Arc::clone(&for_thread);
                std::thread::spawn(move || serve(&shared, stream));
            }
        });
        Self {
            url: format!("http://127.0.0.1:{port}"),
            shared,
            accept: Some(accept),
        }
    }

    /// Forwards from now on to `upstream` (another server, e.g. one started on a copy of the
    /// first one's data).
    pub fn set_upstream(&self, upstream: &str) {
        *lock(&self.shared.upstream) = host_port(upstream);
    }

    /// Rewrites the JSON body of every 2xx response to `method` on a path matching `pattern`
    /// with `f(request, body)`.
    pub fn rewrite(
        &self,
        method: &str,
        pattern: &str,
        f: impl Fn(&Recorded, serde_json::Value) -> serde_json::Value + Send + Sync + 'static,
    ) -> RuleHandle {
        self.install(method, pattern, Action::Rewrite(Box::new(f)))
    }

    /// Answers every request `method` on a path matching `pattern` with `status` and an error
    /// body (code `unavailable`), without forwarding it.
    pub fn fail(&self, method: &str, pattern: &str, status: u16) -> RuleHandle {
        self.install(method, pattern, Action::Fail(status))
    }

    fn install(&self, method: &str, pattern: &str, action: Action) -> RuleHandle {
        let handle = RuleHandle {
            fired: Arc::default(),
            removed: Arc::default(),
        };
        lock(&self.shared.rules).push(Rule {
            method: method.to_owned(),
            pattern: pattern.to_owned(),
            action,
            fired: Arc::clone(&handle.fired),
            removed: Arc::clone(&handle.removed),
        });
        handle
    }

    /// Every request so far, in the order their responses were ready.
    #[must_use]
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared.recorded).clone()
    }

    /// How many requests were recorded so far: a mark for [`Self::requests_since`].
    #[must_use]
    pub fn mark(&self) -> usize {
        lock(&self.shared.recorded).len()
    }

    /// The requests recorded after `mark`.
    #[must_use]
    pub fn requests_since(&self, mark: usize) -> Vec<Recorded> {
        lock(&self.shared.recorded)
            .get(mark..)
            .unwrap_or_default()
            .to_vec()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn host_port(url: &str) -> String {
    url.trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned()
}

/// A parsed HTTP message: start line, headers, body.
struct Message {
    start: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Message {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }

    /// The message with `Content-Length` for its body and `Connection: close`.
    fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("{}\r\n", self.start);
        for (name, value) in &self.headers {
            let skip = ["content-length", "transfer-encoding", "connection"];
            if !skip.iter().any(|s| name.eq_ignore_ascii_case(s)) {
                out.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        out.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

/// Reads one message: the head up to the blank line, then a `Content-Length` body, a chunked
/// one, or (`to_eof`, a response on a closing connection) everything up to the end.
fn read_message(reader: &mut impl std::io::BufRead, to_eof: bool) -> std::io::Result<Message> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let mut start = String::new();
    reader.read_line(&mut start)?;
    let start = start.trim_end().to_owned();
    if start.is_empty() {
        return Err(bad("no start line"));
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').ok_or_else(|| bad("header"))?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let mut message = Message {
        start,
        headers,
        body: Vec::new(),
    };
    if message
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let size = size.trim().split(';').next().unwrap_or_default();
            let size = usize::from_str_radix(size, 16).map_err(|_| bad("chunk size"))?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk)?;
            chunk.truncate(size);
            message.body.extend_from_slice(&chunk);
            if size == 0 {
                break;
            }
        }
    } else if let Some(length) = message.header("content-length") {
        let length: usize = length.parse().map_err(|_| bad("content-length"))?;
        message.body = vec![0; length];
        reader.read_exact(&mut message.body)?;
    } else if to_eof {
        reader.read_to_end(&mut message.body)?;
    }
    Ok(message)
}

fn status_of(message: &Message) -> u16 {
    message
        .start
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn serve(shared: &Shared, client: TcpStream) {
    let Ok(reading) = client.try_clone() else {
        return;
    };
    let Ok(request) = read_message(&mut BufReader::new(reading), false) else {
        return;
    };
    let mut parts = request.start.split_whitespace();
    let mut record = Recorded {
        method: parts.next().unwrap_or_default().to_owned(),
        path: parts.next().unwrap_or_default().to_owned(),
        body: request.body.clone(),
        status: 0,
        forwarded: false,
    };
    // The first matching rule that fails the request answers it; else forward and apply
    // every matching rewrite in order.
    let failed = {
        let rules = lock(&shared.rules);
        rules
            .iter()
            .filter(|r| !r.removed.load(Ordering::SeqCst))
            .filter(|r| record.is(&r.method, &r.pattern))
            .find_map(|r| match r.action {
                Action::Fail(status) => {
                    r.fired.fetch_add(1, Ordering::SeqCst);
                    Some(status)
                }
                Action::Rewrite(_) => None,
            })
    };
    let response = match failed {
        Some(status) => Message {
            start: format!("HTTP/1.1 {status} Hostile Proxy"),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: serde_json::to_vec(&serde_json::json!({
                "code": "unavailable",
                "message": "the hostile test proxy failed this request",
            }))
            .unwrap_or_default(),
        },
        None => match forward(shared, &request) {
            Ok(mut response) => {
                record.forwarded = true;
                apply_rewrites(shared, &record, &mut response);
                response
            }
            Err(_) => Message {
                start: "HTTP/1.1 502 Bad Gateway".into(),
                headers: Vec::new(),
                body: Vec::new(),
            },
        },
    };
    record.status = status_of(&response);
    lock(&shared.recorded).push(record);
    let mut client = client;
    let _ = client.write_all(&response.to_bytes());
    let _ = client.flush();
}

fn forward(shared: &Shared, request: &Message) -> std::io::Result<Message> {
    let upstream = lock(&shared.upstream).clone();
    let mut server = TcpStream::connect(upstream)?;
    server.write_all(&request.to_bytes())?;
    server.flush()?;
    read_message(&mut BufReader::new(server), true)
}

fn apply_rewrites(shared: &Shared, record: &Recorded, response: &mut Message) {
    if !(200..300).contains(&status_of(response)) {
        return;
    }
    let rules = lock(&shared.rules);
    for rule in rules.iter() {
        let Action::Rewrite(f) = &rule.action else {
            continue;
        };
        if rule.removed.load(Ordering::SeqCst) || !record.is(&rule.method, &rule.pattern) {
            continue;
        }
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(&response.body) else {
            continue;
        };
        let before = json.clone();
        let changed = f(record, json);
        // Compared as JSON: re-encoding alone may reorder keys, which changes nothing.
        if changed != before {
            rule.fired.fetch_add(1, Ordering::SeqCst);
            response.body = serde_json::to_vec(&changed).unwrap_or_default();
        }
    }
}
