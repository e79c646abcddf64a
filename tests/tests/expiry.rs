//! Expiry end to end with the real binaries: the server is restarted on the same data with
//! its clock moved (hidden `RUGZAK_CLOCK_OFFSET_SECONDS`), and `rugzak` moves its clock the
//! same way so that its signed requests stay within the server's clock-skew window.

#![allow(clippy::unwrap_used, reason = "tests")]

#[allow(dead_code, reason = "each test binary uses its own part of the cast")]
mod common;

use common::Cast;

const DAY: i64 = 86_400;

#[test]
fn a_one_day_grant_reads_today_and_is_refused_after_a_day() {
    let c = Cast::enrol();
    let _ = c.annelies.ok(&["note", "add", "vandaag"]);
    let request = c.request(&c.gp, &["--scope", "notities", "--days", "1"]);
    let qr = request["qr_text"].as_str().unwrap();
    let _ = c.annelies.ok(&["grant", "--text", qr, "--yes"]);
    assert!(c.gp.ok(&["read", &c.vault, "--yes"]).contains("vandaag"));

    let later = DAY + 60;
    let c = c.restart_server_at(later);
    let refused = c.gp.run_at(later, &["read", &c.vault]);
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
    let c = Cast::enrol();
    let request = c.request(&c.gp, &["--scope", "notities", "--days", "1"]);
    let qr = request["qr_text"].as_str().unwrap();
    let later = 16 * 60;
    let c = c.restart_server_at(later);
    let refused = c.annelies.run_at(later, &["grant", "--text", qr, "--yes"]);
    assert!(!refused.status.success());
    let text = tests::text(&refused);
    assert!(
        text.contains("verlopen") && text.contains("request_not_found"),
        "{text}"
    );
}
