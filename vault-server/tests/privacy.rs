//! Privacy: planted markers never reach a log line or the sled files. In its own test binary because
//! tracing caches per-callsite interest process-wide, which a thread-local subscriber in a
//! binary full of parallel tests would miss.

#![allow(clippy::unwrap_used, reason = "tests")]

mod common;

use std::sync::{Arc, Mutex};

use common::accounts::authenticator;
use common::*;
use serde_json::json;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn names_and_tokens_reach_neither_logs_nor_disk() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let dir = tempfile::tempdir().unwrap();
    let store = vault_server::store::SledStore::open(dir.path(), Default::default()).unwrap();
    let h = harness_on(Arc::new(store), |_| {});
    let mut auth = authenticator();
    let marker = "MARKER-Jansen-7a1c";
    let (account, token) = h.register(&mut auth, marker).await;
    let token2 = h.login(&mut auth, &account).await.string("token");
    let _ = h
        .post(
            "/v1/accounts/register/start",
            &json!({ "label": 5, "geheim": marker }),
            None,
        )
        .await;
    let _ = h
        .get(&format!("/v1/account?note={marker}"), Some(&token))
        .await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains(r#"route="/v1/accounts/register/start""#),
        "the capture works: {logs}"
    );
    assert!(logs.contains(&account), "ids are logged");
    for secret in [marker, token.as_str(), token2.as_str()] {
        assert!(!logs.contains(secret), "leaked {secret} into the logs");
    }

    let mut on_disk = Vec::new();
    for entry in walk(dir.path()) {
        on_disk.extend(std::fs::read(entry).unwrap());
    }
    assert!(!on_disk.is_empty(), "the store wrote files");
    for secret in [marker, token.as_str(), token2.as_str()] {
        assert!(
            !on_disk
                .windows(secret.len())
                .any(|w| w == secret.as_bytes()),
            "{secret} reached the sled files"
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
