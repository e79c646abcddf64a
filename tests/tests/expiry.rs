//! Expiry end to end with the real binaries: the server is restarted on the same data with
//! its clock moved (hidden `RUGZAK_CLOCK_OFFSET_SECONDS`), and `rugzak` moves its clock the
//! same way so that its signed requests stay within the server's clock-skew window.

#![allow(clippy::unwrap_used, reason = "tests")]

use tests::{Person, Server};

const DAY: i64 = 86_400;

#[test]
fn a_one_day_grant_reads_today_and_is_refused_after_a_day() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let annelies = Person::new(dir.path().join("annelies"), &server.url);
    let gp = Person::new(dir.path().join("huisarts"), &server.url);
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
    let out = dir.path().display().to_string();
    let request = gp.json(&[
        "request", "--scope", "notities", "--days", "1", "--out", &out,
    ]);
    let qr = request["qr_text"].as_str().unwrap();
    let _ = annelies.ok(&["grant", "--text", qr, "--yes"]);
    assert!(gp.ok(&["read", &vault]).contains("vandaag"));

    let later = DAY + 60;
    let _server = server.restart_at(later);
    let refused = gp.run_at(later, &["read", &vault]);
    assert!(!refused.status.success());
    let text = tests::text(&refused);
    assert!(text.contains("grant_expired"), "{text}");
    assert!(
        text.contains("verlopen"),
        "the message says what happened in Dutch: {text}"
    );
}

#[test]
fn a_request_older_than_fifteen_minutes_cannot_be_granted() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let annelies = Person::new(dir.path().join("annelies"), &server.url);
    let gp = Person::new(dir.path().join("huisarts"), &server.url);
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
    let out = dir.path().display().to_string();
    let request = gp.json(&[
        "request", "--scope", "notities", "--days", "1", "--out", &out,
    ]);
    let qr = request["qr_text"].as_str().unwrap();
    let later = 16 * 60;
    let _server = server.restart_at(later);
    let refused = annelies.run_at(later, &["grant", "--text", qr, "--yes"]);
    assert!(!refused.status.success());
    let text = tests::text(&refused);
    assert!(
        text.contains("verlopen") && text.contains("request_not_found"),
        "{text}"
    );
}
