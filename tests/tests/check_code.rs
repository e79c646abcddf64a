//! The check code end to end with the real binaries: after a grant both screens show the same
//! six digits and the name the inwoner chose; a request QR answered by another vault shows
//! another code, and a professional who refuses it reads and appends nothing.

#![allow(clippy::unwrap_used, reason = "tests")]

#[allow(dead_code, reason = "each test binary uses its own part of the cast")]
mod common;

use common::Cast;
use tests::text;

/// The code as shown to people (`123 456`) from its six digits.
fn shown(digits: &serde_json::Value) -> String {
    let d = digits.as_str().unwrap();
    assert_eq!(d.len(), 6, "{d}");
    format!("{} {}", &d[..3], &d[3..])
}

#[test]
fn both_screens_show_the_same_code_and_the_name_she_chose() {
    let c = Cast::enrol();
    let request = c.request(&c.gp, &["--scope", "notities", "--days", "30"]);
    let qr = request["qr_text"].as_str().unwrap();
    let reference = request["reference"].as_str().unwrap();

    // The inwoner's screen.
    let granted = c
        .annelies
        .ok(&["grant", "--text", qr, "--yes", "--name", "Annelies"]);
    let her_code = granted
        .lines()
        .find_map(|l| l.strip_prefix("Controlecode: "))
        .unwrap_or_else(|| panic!("no check code on the inwoner's screen:\n{granted}"))
        .to_owned();
    assert!(granted.contains("Lees deze code hardop voor"), "{granted}");

    // The professional's screen: the code and the name, then the question; typed "j".
    let waited = c.gp.typing(&["wait", reference, "--timeout", "20"], "j\n");
    let all = text(&waited);
    assert!(waited.status.success(), "{all}");
    assert!(
        all.contains(&format!("CONTROLECODE: {her_code}")),
        "the professional sees the inwoner's code {her_code}:\n{all}"
    );
    assert!(all.contains("\"Annelies\""), "{all}");
    assert!(all.contains("Noemt de inwoner precies deze code?"), "{all}");

    // Confirmed once: reading asks nothing more (stdin is closed here).
    let read = c.gp.json(&["read", &c.vault]);
    assert_eq!(read["vault"], c.vault.as_str());
    let list = c.gp.json(&["read"]);
    let row = &list["grants"][0];
    assert_eq!(shown(&row["check_code"]), her_code);
    assert_eq!(row["display_name"], "Annelies");
    assert_eq!(row["confirmed"], true);
    // The inwoner can show her code again later.
    let hers = c.annelies.json(&["grants"]);
    assert_eq!(shown(&hers["grants"][0]["check_code"]), her_code);
}

#[test]
fn a_qr_answered_by_another_vault_shows_another_code_and_refusing_it_stores_nothing() {
    let c = Cast::enrol();
    let mallory = c.stage.person("mallory");
    let _ = mallory.json(&["init", "--name", "Annelies"]);
    let _ = c.annelies.ok(&["note", "add", "van Annelies"]);

    // Mallory photographed the coach's QR code and answers it first, calling herself Annelies.
    let request = c.request(
        &c.coach,
        &["--scope", "intake", "--mode", "append", "--days", "30"],
    );
    let qr = request["qr_text"].as_str().unwrap();
    let reference = request["reference"].as_str().unwrap();
    let hijack = mallory.json(&["grant", "--text", qr, "--yes"]);
    assert_eq!(hijack["display_name"], "Annelies");
    // Annelies's own answer is refused: her screen shows no code at all.
    let hers = c.annelies.fails(&["grant", "--text", qr, "--yes"]);
    assert!(!hers.contains("CONTROLECODE"), "{hers}");

    // The coach sees Mallory's code; Annelies reads out none (or another): the coach says no.
    let waited = c
        .coach
        .typing(&["wait", reference, "--timeout", "20"], "n\n");
    let all = text(&waited);
    assert!(!waited.status.success(), "{all}");
    assert!(
        all.contains(&format!("CONTROLECODE: {}", shown(&hijack["check_code"]))),
        "{all}"
    );
    assert!(all.contains("check_code_refused"), "{all}");
    assert!(all.contains("niets bewaard"), "{all}");

    // Nothing was recorded: an append to Mallory's vault asks again, and without a yes
    // nothing is appended.
    let list = c.coach.json(&["read"]);
    let mallory_vault = list["grants"][0]["vault"].as_str().unwrap().to_owned();
    assert_eq!(list["grants"][0]["confirmed"], false);
    let refused = c
        .coach
        .fails(&["append", &mallory_vault, "Intake: Annelies, wandelgroep"]);
    assert!(refused.contains("check_code_refused"), "{refused}");
    let hers = mallory.json(&["list"]);
    assert_eq!(hers["items"].as_array().unwrap().len(), 0, "{hers}");

    // A new request answered by Annelies: the coach's screen shows her code, another one.
    let request = c.request(
        &c.coach,
        &["--scope", "intake", "--mode", "append", "--days", "30"],
    );
    let qr = request["qr_text"].as_str().unwrap();
    let granted = c
        .annelies
        .json(&["grant", "--text", qr, "--yes", "--name", "Annelies"]);
    let waited = c.coach.json(&[
        "wait",
        request["reference"].as_str().unwrap(),
        "--timeout",
        "20",
        "--yes",
    ]);
    assert_eq!(waited["check_code"], granted["check_code"]);
    assert_eq!(waited["confirmed"], true);
    assert_ne!(waited["check_code"], hijack["check_code"]);
    let _ = c.coach.ok(&["append", &c.vault, "Intake: wandelgroep"]);
}
