//! Expiry end to end: the real server code (`vault_server::app`, in this process, with a
//! clock the test moves) and the real `rugzak` binary, whose clock is moved the same way
//! (`RUGZAK_CLOCK_OFFSET_SECONDS`) so that its signed requests stay within the server's
//! clock-skew window. The server binary has no clock flag, hence the in-process server.

#![allow(clippy::unwrap_used, reason = "tests")]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use tests::Person;
use vault_server::store::MemoryStore;
use vault_server::{app, AppState, ServerConfig};

const DAY: i64 = 86_400;

/// Starts the server on a free port; returns its URL and the clock offset it adds.
fn start_server() -> (String, Arc<AtomicI64>) {
    let offset = Arc::new(AtomicI64::new(0));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let config = ServerConfig::new(url::Url::parse(&format!("http://localhost:{port}")).unwrap());
    let shift = Arc::clone(&offset);
    let clock = Arc::new(move || vault_client::time::system_now() + shift.load(Ordering::SeqCst));
    let state = AppState::with_clock(Arc::new(MemoryStore::new()), config, clock).unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
            axum::serve(listener, service).await.unwrap();
        });
    });
    (format!("http://127.0.0.1:{port}"), offset)
}

#[test]
fn a_one_day_grant_reads_today_and_is_refused_after_a_day() {
    let (url, offset) = start_server();
    let dir = tempfile::tempdir().unwrap();
    let annelies = Person::new(dir.path().join("annelies"), &url);
    let gp = Person::new(dir.path().join("huisarts"), &url);
    let vault = annelies.json(&["init"])["vault"]
        .as_str()
        .unwrap()
        .to_owned();
    let _ = gp.json(&[
        "init",
        "--role",
        "huisarts",
        "--name",
        "Dr. De Vries",
        "--org",
        "Praktijk",
    ]);
    let _ = annelies.ok(&["note", "add", "vandaag"]);
    let request = gp.json(&[
        "request",
        "--scope",
        "notities",
        "--days",
        "1",
        "--out",
        &dir.path().display().to_string(),
    ]);
    let _ = annelies.ok(&[
        "grant",
        "--text",
        request["qr_text"].as_str().unwrap(),
        "--yes",
    ]);
    assert!(gp.ok(&["read", &vault]).contains("vandaag"));

    let later = DAY + 60;
    offset.store(later, Ordering::SeqCst);
    let out = gp.run_at(later, &["read", &vault]);
    assert!(!out.status.success());
    let text = tests::text(&out);
    assert!(text.contains("grant_expired"), "{text}");
    assert!(
        text.contains("verlopen"),
        "the message says what happened in Dutch: {text}"
    );
}

#[test]
fn a_request_older_than_fifteen_minutes_cannot_be_granted() {
    let (url, offset) = start_server();
    let dir = tempfile::tempdir().unwrap();
    let annelies = Person::new(dir.path().join("annelies"), &url);
    let gp = Person::new(dir.path().join("huisarts"), &url);
    let _ = annelies.json(&["init"]);
    let _ = gp.json(&[
        "init",
        "--role",
        "huisarts",
        "--name",
        "Dr. De Vries",
        "--org",
        "Praktijk",
    ]);
    let request = gp.json(&[
        "request",
        "--scope",
        "notities",
        "--days",
        "1",
        "--out",
        &dir.path().display().to_string(),
    ]);
    let later = 16 * 60;
    offset.store(later, Ordering::SeqCst);
    let out = annelies.run_at(
        later,
        &[
            "grant",
            "--text",
            request["qr_text"].as_str().unwrap(),
            "--yes",
        ],
    );
    assert!(!out.status.success());
    let text = tests::text(&out);
    assert!(
        text.contains("request_not_found") || text.contains("expired"),
        "{text}"
    );
}
