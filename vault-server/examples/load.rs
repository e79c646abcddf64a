//! Load benchmark against the real `vault-server` binary over HTTP on 127.0.0.1.
//!
//! It starts the binary on a fresh temporary data directory, registers a vault and a GP,
//! uploads `--items` items of 1 KiB (batches of 100), grants the GP read access, and then, with
//! `--connections` keep-alive connections for `--seconds` each, runs three phases:
//!
//! 1. `GET /healthz` (the bare route);
//! 2. owner fetches `GET /v1/vaults/{vault}/items/{item}` of random items: signed like every
//!    API call (fresh nonce, claimed durably) but not logged;
//! 3. the same fetches by the GP under its grant: each also answered only after its
//!    consent-log entry is durable.
//!
//! `--hot N` makes the fetches pick from the last N items uploaded only: a working set that
//! fits sled's cache, where the default (any of the items) mostly misses it at 100,000 items.
//!
//! Requests are signed before a phase starts so that signing does not compete with the server
//! for the CPU. Per phase it prints requests/s, p50/p99 latency and the CPU time per request
//! of the server (also split by kind of server thread) and of itself; then the ratio of the
//! logged fetches to the bare route, the server's peak RSS (`VmHWM`) and the data directory's
//! size.
//!
//! ```sh
//! cargo build --release -p vault-server --bin vault-server --example load
//! target/release/examples/load --server target/release/vault-server
//! ```

#![allow(clippy::print_stdout, reason = "the benchmark report goes to stdout")]

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crypto::grant::GrantTerms;
use crypto::log::{ActionCode, Event, EventKind, LogObject, SignedEntry};
use crypto::request::{AccessDuration, Permissions};
use crypto::{
    Identity, ItemId, Mode, Nonce, Permission, Profile, Role, Scope, SealedItem, Sealing,
    SignedGrant, SignedRequest,
};
use rand_core::{OsRng, RngCore as _};
use serde_json::{json, Value};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Command-line options (`--name value`).
struct Options {
    server: PathBuf,
    connections: usize,
    seconds: u64,
    items: usize,
    /// `--cache-mb` for the server; its own default when absent.
    cache_mb: Option<u32>,
    /// Signed requests prepared per connection (must outlast the phase).
    per_connection: usize,
    /// Fetch only the last `hot` items uploaded (a working set the server's cache can hold,
    /// like GPs reading the rugzakjes shared lately); all items when absent.
    hot: Option<usize>,
}

impl Options {
    fn parse() -> Result<Self, Error> {
        let mut o = Self {
            server: PathBuf::from("target/release/vault-server"),
            connections: 64,
            seconds: 10,
            items: 100_000,
            cache_mb: None,
            per_connection: 4_000,
            hot: None,
        };
        let args: Vec<String> = std::env::args().skip(1).collect();
        for pair in args.chunks(2) {
            let [name, value] = pair else {
                return Err(format!("missing value for {}", pair[0]).into());
            };
            match name.as_str() {
                "--server" => o.server = PathBuf::from(value),
                "--connections" => o.connections = value.parse()?,
                "--seconds" => o.seconds = value.parse()?,
                "--items" => o.items = value.parse()?,
                "--cache-mb" => o.cache_mb = Some(value.parse()?),
                "--per-connection" => o.per_connection = value.parse()?,
                "--hot" => o.hot = Some(value.parse()?),
                other => return Err(format!("unknown option {other}").into()),
            }
        }
        Ok(o)
    }
}

fn now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    i64::try_from(secs).unwrap_or(i64::MAX)
}

/// The server process; killed on drop.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(binary: &Path, data: &Path, cache_mb: Option<u32>) -> Result<Self, Error> {
        let mut command = Command::new(binary);
        if let Some(mb) = cache_mb {
            command.args(["--cache-mb", &mb.to_string()]);
        }
        let mut child = command
            .args(["--listen", "127.0.0.1:0"])
            .arg("--data-dir")
            .arg(data)
            .env("RUST_LOG", "warn,vault_server=info")
            .stderr(Stdio::piped())
            .spawn()?;
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let mut lines = BufReader::new(stderr).lines();
        let addr = loop {
            let line = lines.next().ok_or("server exited before listening")??;
            if let Some(rest) = line.split("local=").nth(1) {
                break rest
                    .split_whitespace()
                    .next()
                    .ok_or("no address")?
                    .parse()?;
            }
        };
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Self { child, addr })
    }

    fn peak_rss_kib(&self) -> Result<u64, Error> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let line = status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .ok_or("no VmHWM")?;
        Ok(line
            .split_whitespace()
            .nth(1)
            .ok_or("no VmHWM value")?
            .parse()?)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One prepared HTTP/1.1 request.
fn raw_request(method: &str, path: &str, body: &[u8], headers: &[(&str, String)]) -> Vec<u8> {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !body.is_empty() {
        head.push_str("Content-Type: application/json\r\n");
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}

fn signed_request(who: &Identity, method: &str, path: &str, body: &[u8]) -> Vec<u8> {
    let sig = crypto::http_sig::SignedCall::sign(
        who,
        method,
        path,
        body,
        now(),
        Nonce::random(&mut OsRng),
    )
    .map(|s| s.headers());
    match sig {
        Ok(headers) => raw_request(method, path, body, &headers),
        Err(e) => panic!("signing failed: {e}"),
    }
}

/// A keep-alive connection that sends prepared requests and reads whole responses.
struct Conn {
    stream: BufReader<TcpStream>,
}

impl Conn {
    fn open(addr: SocketAddr) -> Result<Self, Error> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        Ok(Self {
            stream: BufReader::with_capacity(64 * 1024, stream),
        })
    }

    /// Sends one request; returns the status and the body.
    fn send(&mut self, request: &[u8]) -> Result<(u16, Vec<u8>), Error> {
        self.stream.get_mut().write_all(request)?;
        let mut line = String::new();
        self.stream.read_line(&mut line)?;
        let status: u16 = line.split_whitespace().nth(1).ok_or("no status")?.parse()?;
        let mut length = 0usize;
        loop {
            line.clear();
            self.stream.read_line(&mut line)?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse()?;
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    return Err("chunked responses are not expected".into());
                }
            }
        }
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body)?;
        Ok((status, body))
    }
}

/// A one-off JSON call on its own connection.
fn call(addr: SocketAddr, request: &[u8]) -> Result<(u16, Value), Error> {
    let (status, body) = Conn::open(addr)?.send(request)?;
    let value = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body)?
    };
    Ok((status, value))
}

fn expect(addr: SocketAddr, request: &[u8], want: u16) -> Result<Value, Error> {
    let (status, body) = call(addr, request)?;
    if status == want {
        Ok(body)
    } else {
        Err(format!("expected {want}, got {status}: {body}").into())
    }
}

fn signed_json(who: &Identity, method: &str, path: &str, body: &Value) -> Vec<u8> {
    signed_request(who, method, path, body.to_string().as_bytes())
}

struct World {
    owner: Identity,
    gp: Identity,
    vault: crypto::VaultId,
    items: Vec<ItemId>,
}

/// Vault, GP, `count` items of 1 KiB and a read grant on them.
fn set_up(addr: SocketAddr, count: usize) -> Result<World, Error> {
    let vault = Identity::generate(&mut OsRng);
    let gp = Identity::generate(&mut OsRng);
    let v = vault.public().vault_id();
    let profile = Profile {
        role: Role::Huisarts,
        name: "Dr. Load".into(),
        organisation: "Benchmark".into(),
    };
    let body = json!({"keys": vault.public()});
    expect(addr, &signed_json(&vault, "POST", "/v1/vaults", &body), 201)?;
    let body = json!({"keys": gp.public(), "profile": profile});
    expect(addr, &signed_json(&gp, "POST", "/v1/parties", &body), 201)?;

    let started = Instant::now();
    let mut items = Vec::with_capacity(count);
    let path = format!("/v1/vaults/{v}/items");
    let mut conn = Conn::open(addr)?;
    let mut batch = Vec::with_capacity(100);
    for i in 0..count {
        let mut ciphertext = vec![0; 1024];
        OsRng.fill_bytes(&mut ciphertext);
        let item = SealedItem {
            id: ItemId::random(&mut OsRng),
            scope: Scope::Intake,
            sealing: Sealing::ScopeKey { epoch: 0 },
            ciphertext,
        };
        items.push(item.id);
        batch.push(item);
        if batch.len() == 100 || i + 1 == count {
            let body = json!({ "items": batch });
            let (status, _) = conn.send(&signed_json(&vault, "POST", &path, &body))?;
            if status != 201 {
                return Err(format!("upload refused: {status}").into());
            }
            batch.clear();
        }
    }
    eprintln!(
        "uploaded {count} items of 1 KiB in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let permissions = Permissions::new([Permission {
        scope: Scope::Intake,
        mode: Mode::Read,
    }])?;
    let request = SignedRequest::create(
        &gp,
        profile,
        permissions,
        AccessDuration::Days(30),
        "https://rugzak.example".into(),
        now(),
        &mut OsRng,
    )?;
    let body = serde_json::to_value(&request)?;
    expect(addr, &signed_json(&gp, "POST", "/v1/requests", &body), 201)?;
    let verified = request.verify(now())?;
    let grant = SignedGrant::answer(
        &vault,
        &verified,
        GrantTerms::as_requested(verified.request()),
        now(),
        &mut OsRng,
    )?;
    let event = Event::by_inwoner(
        vault.public().party_id(),
        now(),
        EventKind::Grant,
        ActionCode::Create,
        LogObject::Vault,
        Some(grant.grant.id),
    );
    let log = SignedEntry::by_vault(&vault, None, event)?;
    let body = json!({"grant": grant, "request": request, "log": log});
    expect(
        addr,
        &signed_json(&vault, "POST", &format!("/v1/vaults/{v}/grants"), &body),
        201,
    )?;
    Ok(World {
        owner: vault,
        gp,
        vault: v,
        items,
    })
}

/// What one phase measured.
struct Phase {
    requests: usize,
    errors: usize,
    exhausted: bool,
    elapsed: Duration,
    latencies_us: Vec<u64>,
    /// CPU time (user + system) the server and this tool used during the phase.
    cpu: (Duration, Duration),
    /// The server's CPU time during the phase per kind of thread (threads alive at its end).
    threads: BTreeMap<String, Duration>,
}

/// User + system CPU time of a process so far, from `/proc/<pid>/stat` (clock ticks).
fn cpu_time(pid: &str) -> Result<Duration, Error> {
    stat_cpu(&std::fs::read_to_string(format!("/proc/{pid}/stat"))?)
}

/// CPU time so far of the server's threads, summed per kind of thread: the name without its
/// trailing number (`sled-io-3` counts as `sled-io`). Shows where a request's CPU goes.
fn thread_cpu(pid: &str) -> Result<BTreeMap<String, Duration>, Error> {
    let mut by_kind = BTreeMap::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        let dir = task?.path();
        // A thread that ended between listing and reading counts no more.
        let (Ok(name), Ok(stat)) = (
            std::fs::read_to_string(dir.join("comm")),
            std::fs::read_to_string(dir.join("stat")),
        ) else {
            continue;
        };
        let kind = name.trim().trim_end_matches(|c: char| c.is_ascii_digit());
        let kind = kind.trim_end_matches('-').to_owned();
        *by_kind.entry(kind).or_default() += stat_cpu(&stat)?;
    }
    Ok(by_kind)
}

/// User + system time from the text of a `stat` file.
fn stat_cpu(stat: &str) -> Result<Duration, Error> {
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').ok_or("malformed stat")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11).ok_or("no utime")?.parse::<u64>()?
        + fields.get(12).ok_or("no stime")?.parse::<u64>()?;
    // Linux reports in USER_HZ, 100 on every mainstream architecture.
    Ok(Duration::from_millis(ticks * 10))
}

impl Phase {
    fn rate(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        let rank = ((self.latencies_us.len() - 1) as f64 * p).round() as usize;
        self.latencies_us[rank] as f64 / 1000.0
    }

    fn print(&self, name: &str) {
        let per_request = |cpu: Duration| cpu.as_secs_f64() * 1e6 / self.requests.max(1) as f64;
        println!(
            "{name:<14} {:>6.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  CPU/request: server {:>5.1} µs, load tool {:>5.1} µs  ({} requests, {} errors{})",
            self.rate(),
            self.percentile_ms(0.50),
            self.percentile_ms(0.99),
            per_request(self.cpu.0),
            per_request(self.cpu.1),
            self.requests,
            self.errors,
            if self.exhausted {
                ", ran out of prepared requests: raise --per-connection"
            } else {
                ""
            }
        );
        let threads: Vec<String> = self
            .threads
            .iter()
            .filter(|(_, cpu)| !cpu.is_zero())
            .map(|(kind, cpu)| format!("{kind} {:.1}", per_request(*cpu)))
            .collect();
        println!(
            "{:<14} server CPU/request by thread (µs): {}",
            "",
            threads.join(", ")
        );
    }
}

/// What one connection sends: the same request again and again, or prepared ones in turn.
enum Source {
    Repeat(Vec<u8>),
    Prepared(Vec<Vec<u8>>),
}

impl Source {
    fn get(&self, i: usize) -> Option<&[u8]> {
        match self {
            Self::Repeat(r) => Some(r),
            Self::Prepared(all) => all.get(i).map(Vec::as_slice),
        }
    }
}

/// What one connection measured.
struct Worker {
    latencies: Vec<u64>,
    errors: usize,
    exhausted: bool,
    elapsed: Duration,
}

fn work(
    addr: SocketAddr,
    source: &Source,
    start: &std::sync::Barrier,
    duration: Duration,
) -> Result<Worker, String> {
    let mut conn = Conn::open(addr).map_err(|e| e.to_string())?;
    let mut w = Worker {
        latencies: Vec::with_capacity(1 << 16),
        errors: 0,
        exhausted: false,
        elapsed: Duration::ZERO,
    };
    start.wait();
    let began = Instant::now();
    let deadline = began + duration;
    for i in 0.. {
        if Instant::now() >= deadline {
            break;
        }
        let Some(request) = source.get(i) else {
            w.exhausted = true;
            break;
        };
        let sent = Instant::now();
        let (status, _) = conn.send(request).map_err(|e| e.to_string())?;
        w.latencies
            .push(u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX));
        if status != 200 {
            w.errors += 1;
        }
    }
    w.elapsed = began.elapsed();
    Ok(w)
}

/// Runs one thread per source, each on its own keep-alive connection, for `duration`.
fn run(
    name: &str,
    addr: SocketAddr,
    server_pid: u32,
    sources: Vec<Source>,
    duration: Duration,
) -> Result<Phase, Error> {
    // The pid lets a profiler attach to the server for one phase.
    eprintln!("phase {name} starts (server pid {server_pid})");
    let server_pid = server_pid.to_string();
    let before = (cpu_time(&server_pid)?, cpu_time("self")?);
    let threads_before = thread_cpu(&server_pid)?;
    let start = Arc::new(std::sync::Barrier::new(sources.len()));
    let workers: Vec<_> = sources
        .into_iter()
        .map(|source| {
            let start = Arc::clone(&start);
            // The prepared requests are dropped after the measurement, not inside it.
            std::thread::spawn(move || (work(addr, &source, &start, duration), source))
        })
        .collect();
    let mut phase = Phase {
        requests: 0,
        errors: 0,
        exhausted: false,
        elapsed: Duration::ZERO,
        latencies_us: Vec::new(),
        cpu: (Duration::ZERO, Duration::ZERO),
        threads: BTreeMap::new(),
    };
    let mut finished = Vec::with_capacity(workers.len());
    for w in workers {
        finished.push(w.join().map_err(|_| "worker panicked")?);
    }
    phase.cpu = (
        cpu_time(&server_pid)?.saturating_sub(before.0),
        cpu_time("self")?.saturating_sub(before.1),
    );
    phase.threads = thread_cpu(&server_pid)?
        .into_iter()
        .map(|(kind, cpu)| {
            let spent = cpu.saturating_sub(threads_before.get(&kind).copied().unwrap_or_default());
            (kind, spent)
        })
        .collect();
    for w in finished {
        let (w, _source) = w;
        let w = w?;
        phase.requests += w.latencies.len();
        phase.errors += w.errors;
        phase.exhausted |= w.exhausted;
        phase.elapsed = phase.elapsed.max(w.elapsed);
        phase.latencies_us.extend(w.latencies);
    }
    phase.latencies_us.sort_unstable();
    Ok(phase)
}

/// Signs `per_connection` item fetches for each connection, on all cores.
fn prepare_fetches(
    world: &World,
    caller: &Identity,
    connections: usize,
    per_connection: usize,
    hot: Option<usize>,
) -> Vec<Source> {
    let world = &world;
    let candidates =
        &world.items[world.items.len() - hot.unwrap_or(usize::MAX).min(world.items.len())..];
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..connections)
            .map(|_| {
                s.spawn(move || {
                    (0..per_connection)
                        .map(|_| {
                            let i = (OsRng.next_u64() % candidates.len() as u64) as usize;
                            let path =
                                format!("/v1/vaults/{}/items/{}", world.vault, candidates[i]);
                            signed_request(caller, "GET", &path, b"")
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| Source::Prepared(h.join().unwrap_or_default()))
            .collect()
    })
}

fn dir_size(path: &Path) -> std::io::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            dir_size(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

fn main() -> Result<(), Error> {
    let o = Options::parse()?;
    let data = std::env::temp_dir().join(format!("rugzak-load-{}", std::process::id()));
    let server = Server::start(&o.server, &data, o.cache_mb)?;
    let addr = server.addr;
    let world = set_up(addr, o.items)?;
    let payload = o.items as f64 * 1024.0;
    let after_upload = dir_size(&data)?;

    let duration = Duration::from_secs(o.seconds);
    let healthz = raw_request("GET", "/healthz", b"", &[]);
    let bare_sources = (0..o.connections)
        .map(|_| Source::Repeat(healthz.clone()))
        .collect();
    let pid = server.child.id();
    let bare = run("healthz", addr, pid, bare_sources, duration)?;
    // The owner's fetch is authenticated the same way but not logged: the difference to the
    // grantee's shows what the access log costs.
    let owner_sources =
        prepare_fetches(&world, &world.owner, o.connections, o.per_connection, o.hot);
    let owner = run("owner", addr, pid, owner_sources, duration)?;
    let fetch_sources = prepare_fetches(&world, &world.gp, o.connections, o.per_connection, o.hot);
    let fetch = run("grantee", addr, pid, fetch_sources, duration)?;

    println!(
        "{} connections, {} s per phase, {} items of 1 KiB, fetching {}",
        o.connections,
        o.seconds,
        o.items,
        o.hot.map_or_else(
            || "any of them".to_owned(),
            |hot| format!("only the last {hot} uploaded")
        )
    );
    bare.print("GET /healthz");
    owner.print("owner fetch");
    fetch.print("grantee fetch");
    println!(
        "ratio signed/bare  {:.1} %",
        100.0 * fetch.rate() / bare.rate()
    );
    println!(
        "server peak RSS    {:.1} MiB (VmHWM)",
        server.peak_rss_kib()? as f64 / 1024.0
    );
    println!(
        "disk after upload  {:.1} MiB for {:.1} MiB payload ({:.2}x)",
        after_upload as f64 / 1048576.0,
        payload / 1048576.0,
        after_upload as f64 / payload
    );
    println!(
        "disk after load    {:.1} MiB (with {} access-log entries)",
        dir_size(&data)? as f64 / 1048576.0,
        fetch.requests
    );
    drop(server);
    std::fs::remove_dir_all(&data)?;
    Ok(())
}
