//! The real binary on 127.0.0.1 with a temporary data directory: serve, graceful stop on
//! SIGTERM, offline backup, and restarts that keep accounts, passkeys, sessions, vaults, items,
//! grants with their use counts and the consent log.

#![allow(clippy::unwrap_used, reason = "tests")]

mod common;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::accounts::{answer_login, answer_registration, authenticator};
use common::consent::{access_request, answer, gp_enrolment, vault_enrolment, vault_event};
use common::ORIGIN;
use crypto::log::{Event, EventKind, LogHead, SignedEntry};
use crypto::{GrantId, Identity, Mode, Scope, SealedItem, Sealing};
use rand_core::OsRng;
use serde_json::{json, Value};

struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    /// Starts the binary on an ephemeral port and waits for its "listening" line.
    fn start(data_dir: &Path) -> Self {
        Self::start_with(data_dir, &[])
    }

    /// [`Server::start`] with `extra` flags.
    fn start_with(data_dir: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vault-server"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--public-url",
                ORIGIN,
                "--cache-mb",
                "8",
            ])
            .args(extra)
            .arg("--data-dir")
            .arg(data_dir)
            .env("RUST_LOG", "info")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("server exited before listening")
                .unwrap();
            if let Some(rest) = line.split("local=").nth(1) {
                break rest.split_whitespace().next().unwrap().parse().unwrap();
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Self { child, addr }
    }

    /// Minimal HTTP/1.1 client (one request per connection) to keep dependencies small.
    fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        token: Option<&str>,
    ) -> (u16, Value) {
        let extra = token
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        self.send(method, path, body, &extra)
    }

    /// A request signed by `who` with the wall clock (the real server's clock) and a fresh nonce.
    fn signed(
        &self,
        who: &Identity,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let bytes = body.map(Value::to_string).unwrap_or_default();
        let sig = crypto::http_sig::SignedCall::sign(
            who,
            method,
            path,
            bytes.as_bytes(),
            wall_clock(),
            crypto::Nonce::random(&mut OsRng),
        )
        .unwrap();
        let extra: String = sig
            .headers()
            .into_iter()
            .map(|(name, value)| format!("{name}: {value}\r\n"))
            .collect();
        self.send(method, path, body, &extra)
    }

    fn send(&self, method: &str, path: &str, body: Option<&Value>, extra: &str) -> (u16, Value) {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
        if !body.is_empty() {
            head.push_str("Content-Type: application/json\r\n");
        }
        head.push_str(extra);
        stream
            .write_all(format!("{head}\r\n{body}").as_bytes())
            .unwrap();
        let mut raw = String::new();
        stream.read_to_string(&mut raw).unwrap();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap();
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(body)
        } else {
            body.to_owned()
        };
        (status, serde_json::from_str(&body).unwrap_or(Value::Null))
    }

    /// Sends SIGTERM and waits for a clean exit.
    fn stop(mut self) -> ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "server did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = &rest[n + 2..];
    }
    out
}

/// The offline backup of `data` into `out`.
fn backup_command(data: &Path, out: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vault-server"));
    command
        .arg("backup")
        .arg("--data-dir")
        .arg(data)
        .arg("--out")
        .arg(out);
    command
}

#[test]
fn serve_stop_backup_and_restart_keep_everything() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut auth = authenticator();

    let server = Server::start(&data);
    assert_eq!(
        server.request("GET", "/healthz", None, None),
        (200, json!({ "status": "ok" }))
    );
    let (status, start) = server.request(
        "POST",
        "/v1/accounts/register/start",
        Some(&json!({ "label": "x" })),
        None,
    );
    assert_eq!(status, 200);
    let finish = answer_registration(&mut auth, &start);
    let (status, session) =
        server.request("POST", "/v1/accounts/register/finish", Some(&finish), None);
    assert_eq!(status, 200, "{session}");
    let token = session["token"].as_str().unwrap().to_owned();
    let account = session["account"].as_str().unwrap().to_owned();
    assert_eq!(
        server.request("GET", "/v1/account", None, Some(&token)).0,
        200
    );
    assert!(server.stop().success(), "SIGTERM is a clean shutdown");

    let backup = dir.path().join("backup");
    let status = backup_command(&data, &backup).status().unwrap();
    assert!(status.success(), "backup of a stopped server");

    for dir in [&data, &backup] {
        let server = Server::start(dir);
        let (status, me) = server.request("GET", "/v1/account", None, Some(&token));
        assert_eq!(
            (status, me["id"].as_str()),
            (200, Some(account.as_str())),
            "session survives"
        );
        let (status, start) = server.request(
            "POST",
            "/v1/session/login/start",
            Some(&json!({ "account": account })),
            None,
        );
        assert_eq!(status, 200, "the passkey survives");
        let finish = answer_login(&mut auth, &start);
        assert_eq!(
            server
                .request("POST", "/v1/session/login/finish", Some(&finish), None)
                .0,
            200
        );
        assert!(server.stop().success());
    }
}

#[test]
fn a_request_that_never_completes_cannot_keep_the_server_from_stopping() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir.path(), &["--drain-seconds", "1"]);
    let mut hung = TcpStream::connect(server.addr).unwrap();
    // A request head that never ends: the connection is busy, not idle.
    hung.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let asked = Instant::now();
    assert!(server.stop().success());
    assert!(
        asked.elapsed() < Duration::from_secs(10),
        "stopped after the drain time, not when the client gave up"
    );
}

#[test]
fn a_second_server_on_the_same_data_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let first = Server::start(dir.path());
    let second = Command::new(env!("CARGO_BIN_EXE_vault-server"))
        .args(["--listen", "127.0.0.1:0"])
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("in use by another process"), "{stderr}");
    let backup = backup_command(dir.path(), &dir.path().join("copy"))
        .output()
        .unwrap();
    assert!(
        !backup.status.success(),
        "no backup while the server writes"
    );
    assert!(first.stop().success());
}

/// A vault-signed log entry at `head` (grant or export), made now.
fn vault_entry(
    vault: &Identity,
    head: Option<&LogHead>,
    kind: EventKind,
    grant: Option<GrantId>,
) -> SignedEntry {
    let event = Event {
        grant,
        ..vault_event(vault, wall_clock(), kind)
    };
    SignedEntry::by_vault(vault, head, event).unwrap()
}

fn wall_clock() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    i64::try_from(secs).unwrap()
}

fn log_of(server: &Server, vault: &Identity) -> Vec<SignedEntry> {
    let path = format!("/v1/vaults/{}/log", vault.public().vault_id());
    let (status, body) = server.signed(vault, "GET", &path, None);
    assert_eq!(status, 200, "{body}");
    serde_json::from_value(body["entries"].clone()).unwrap()
}

#[test]
fn vaults_items_grants_and_the_log_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let vault = Identity::generate(&mut OsRng);
    let gp = Identity::generate(&mut OsRng);
    let v = vault.public().vault_id();
    let item = SealedItem {
        id: crypto::ItemId::random(&mut OsRng),
        scope: Scope::Intake,
        sealing: Sealing::ScopeKey { epoch: 0 },
        ciphertext: vec![0xC1; 1024],
    };

    let server = Server::start(dir.path());
    let body = vault_enrolment(&vault);
    assert_eq!(
        server.signed(&vault, "POST", "/v1/vaults", Some(&body)).0,
        201
    );
    let body = gp_enrolment(&gp);
    assert_eq!(
        server.signed(&gp, "POST", "/v1/parties", Some(&body)).0,
        201
    );
    let items = format!("/v1/vaults/{v}/items");
    let (status, body) = server.signed(&vault, "POST", &items, Some(&json!({"items": [item]})));
    assert_eq!(status, 201, "{body}");

    let request = access_request(&gp, &[(Scope::Intake, Mode::Read)], 30, wall_clock());
    let body = serde_json::to_value(&request).unwrap();
    assert_eq!(
        server.signed(&gp, "POST", "/v1/requests", Some(&body)).0,
        201
    );
    let verified = request.verify(wall_clock()).unwrap();
    let grant = answer(&vault, &verified, wall_clock(), |_| {});
    let log = vault_entry(&vault, None, EventKind::Grant, Some(grant.grant.id));
    let body = json!({"grant": grant, "request": request, "log": log});
    let (status, body) = server.signed(
        &vault,
        "POST",
        &format!("/v1/vaults/{v}/grants"),
        Some(&body),
    );
    assert_eq!(status, 201, "{body}");
    let (status, body) = server.signed(&gp, "GET", &items, None);
    assert_eq!(
        (status, body["items"].as_array().map(Vec::len)),
        (200, Some(1))
    );
    let head = log_of(&server, &vault).last().map(SignedEntry::head);
    let export = vault_entry(&vault, head.as_ref(), EventKind::Export, None);
    let body = serde_json::to_value(&export).unwrap();
    let (status, body) = server.signed(&vault, "POST", &format!("/v1/vaults/{v}/log"), Some(&body));
    assert_eq!(status, 201, "{body}");
    let before = log_of(&server, &vault);
    assert!(server.stop().success());

    let server = Server::start(dir.path());
    let (status, body) = server.signed(&vault, "GET", &items, None);
    assert_eq!(status, 200);
    let stored: Vec<SealedItem> = serde_json::from_value(body["items"].clone()).unwrap();
    assert_eq!(stored, vec![item], "the item survives byte for byte");
    let (status, body) = server.signed(&gp, "GET", &items, None);
    assert_eq!(
        (status, body["items"].as_array().map(Vec::len)),
        (200, Some(1)),
        "the grant survives"
    );
    let (_, body) = server.signed(&vault, "GET", &format!("/v1/vaults/{v}/grants"), None);
    assert_eq!(body["grants"][0]["uses"], 2, "the use count survives");
    let after = log_of(&server, &vault);
    assert_eq!(after[..before.len()], before[..], "the log survives");
    let kinds: Vec<_> = after.iter().map(|e| e.entry.event.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Grant,
            EventKind::Access,
            EventKind::Export,
            EventKind::Access
        ]
    );
    // The chain (with the server's entries) verifies against the same server key as before.
    let (_, info) = server.request("GET", "/v1/server", None, None);
    let server_keys: crypto::PublicKeys = serde_json::from_value(info["keys"].clone()).unwrap();
    let gp_keys = gp.public();
    crypto::log::LogVerifier::new(vault.public(), server_keys, |p| {
        (p == gp_keys.party_id()).then_some(gp_keys)
    })
    .verify(None, &after)
    .unwrap();
    assert!(server.stop().success());
}
