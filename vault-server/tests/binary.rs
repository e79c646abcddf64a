//! The real binary on 127.0.0.1 with a temporary data directory: serve, graceful stop on
//! SIGTERM, offline backup, and a restart that keeps accounts, passkeys and sessions.

#![allow(clippy::unwrap_used, reason = "tests")]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use url::Url;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse};

const ORIGIN: &str = "http://localhost:8080";

struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    /// Starts the binary on an ephemeral port and waits for its "listening" line.
    fn start(data_dir: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vault-server"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--public-url",
                ORIGIN,
                "--cache-mb",
                "8",
            ])
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
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
        if !body.is_empty() {
            head.push_str("Content-Type: application/json\r\n");
        }
        if let Some(t) = token {
            head.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
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

fn origin() -> Url {
    Url::parse(ORIGIN).unwrap()
}

#[test]
fn serve_stop_backup_and_restart_keep_everything() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut auth = WebauthnAuthenticator::new(SoftPasskey::new(true));

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
    let options: CreationChallengeResponse =
        serde_json::from_value(start["options"].clone()).unwrap();
    let credential = auth.do_registration(origin(), options).unwrap();
    let finish = json!({ "ceremony": start["ceremony"], "credential": credential });
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
    let status = Command::new(env!("CARGO_BIN_EXE_vault-server"))
        .arg("backup")
        .arg("--data-dir")
        .arg(&data)
        .arg("--out")
        .arg(&backup)
        .status()
        .unwrap();
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
        let options: RequestChallengeResponse =
            serde_json::from_value(start["options"].clone()).unwrap();
        let credential = auth.do_authentication(origin(), options).unwrap();
        let finish = json!({ "ceremony": start["ceremony"], "credential": credential });
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
    let backup = Command::new(env!("CARGO_BIN_EXE_vault-server"))
        .arg("backup")
        .arg("--data-dir")
        .arg(dir.path())
        .arg("--out")
        .arg(dir.path().join("copy"))
        .output()
        .unwrap();
    assert!(
        !backup.status.success(),
        "no backup while the server writes"
    );
    assert!(first.stop().success());
}
