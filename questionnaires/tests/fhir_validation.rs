//! Every shipped Questionnaire and every produced QuestionnaireResponse and Observation
//! validates with an independent FHIR validator: the Python package `fhir.resources`, run by
//! `tests/validate_fhir.py`.
//!
//! Needs Python 3 with `fhir.resources` installed:
//! `python3 -m pip install "fhir.resources==8.3.0"`. Set `RUGZAK_PYTHON` to use another
//! interpreter (e.g. a venv's `bin/python`). Without them this test fails and says so.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use questionnaires::catalog::{
    builtin_json, CHECK_IN, POSITIEVE_GEZONDHEID_KORT, PSS_10, VLQ, ZRM_2017,
};
use questionnaires::{Completed, Instrument, ResourceId};
use serde_json::json;

const PIP: &str = r#"python3 -m pip install "fhir.resources==8.3.0""#;

fn python() -> String {
    std::env::var("RUGZAK_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// A fresh, empty directory under the system temp dir.
fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "rugzak-fhir-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

fn write(dir: &Path, name: &str, value: &impl serde::Serialize) {
    let bytes = serde_json::to_vec_pretty(value).expect("json");
    std::fs::write(dir.join(name), bytes).expect("write");
}

/// Runs the validator on `dir`; returns (success, combined output).
fn validate(dir: &Path) -> (bool, String) {
    let script = crate_dir().join("tests/validate_fhir.py");
    let output = Command::new(python())
        .arg(&script)
        .arg(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{}` ({e}): install Python 3 and then `{PIP}`, or set RUGZAK_PYTHON",
                python()
            )
        });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_ne!(
        output.status.code(),
        Some(3),
        "the Python package fhir.resources is missing; install it with `{PIP}` (or set RUGZAK_PYTHON): {text}"
    );
    (output.status.success(), text)
}

/// Writes the response and Observation of one filled-in instrument.
fn write_outputs(dir: &Path, name: &str, done: &Completed) {
    let response_id = ResourceId::new(format!("{name}-response")).expect("id");
    let observation_id = ResourceId::new(format!("{name}-observation")).expect("id");
    let stored = Stored::new(done, &response_id, &observation_id);
    write(dir, &format!("{name}-response.json"), &stored.response);
    write(
        dir,
        &format!("{name}-observation.json"),
        &stored.observation,
    );
}

#[test]
fn shipped_questionnaires_and_produced_resources_validate() {
    let dir = temp_dir("ok");
    for (i, json) in builtin_json().iter().enumerate() {
        let value: serde_json::Value = serde_json::from_str(json).expect("json");
        write(&dir, &format!("questionnaire-{i}.json"), &value);
    }
    let pg_full_value: serde_json::Value = serde_json::from_str(PG_FULL_FILE).expect("json");
    write(&dir, "questionnaire-pg-full.json", &pg_full_value);

    let at = T0;
    let cases: Vec<(&str, Instrument, String)> = vec![
        (
            "pss-min",
            instrument(PSS_10),
            pss_answers([0, 0, 0, 4, 4, 0, 4, 4, 0, 0]),
        ),
        (
            "pss-max",
            instrument(PSS_10),
            pss_answers([4, 4, 4, 0, 0, 4, 0, 0, 4, 4]),
        ),
        ("pss-mixed", instrument(PSS_10), pss_mixed_answers()),
        ("vlq-min", instrument(VLQ), vlq_answers([1; 10], [1; 10])),
        ("vlq-max", instrument(VLQ), vlq_answers([10; 10], [10; 10])),
        ("vlq-gaps", instrument(VLQ), vlq_gap_answers()),
        (
            "zrm-professional",
            instrument(ZRM_2017),
            zrm_answers("professional", [1; 13]),
        ),
        ("zrm-self", instrument(ZRM_2017), zrm_self_answers()),
        (
            "pg-short",
            instrument(POSITIEVE_GEZONDHEID_KORT),
            pg_answers([7, 4, 6, 5, 3, 8])
                .replace('}', r#","goed-in":"Luisteren","blij-van":"Tuinieren"}"#),
        ),
        (
            "check-in",
            instrument(CHECK_IN),
            json!({"stemming": 6, "toelichting": "Gaat wel"}).to_string(),
        ),
        (
            "pg-full",
            Instrument::positieve_gezondheid_full(PG_FULL_FILE).expect("loads"),
            pg_full_answers([
                [7, 7, 7, 7, 7, 8, 8],
                [5; 7],
                [0; 7],
                [10; 7],
                [1, 1, 1, 0, 0, 0, 0],
                [9; 7],
            ]),
        ),
    ];
    for (name, instrument, answers) in &cases {
        write_outputs(&dir, name, &fill(instrument, answers, at));
    }
    let (ok, output) = validate(&dir);
    let expected = builtin_json().len() + 1 + 2 * cases.len();
    assert!(ok, "FHIR validation failed:\n{output}");
    assert!(
        output.contains(&format!("{expected} passed, 0 failed")),
        "{output}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_validator_rejects_broken_resources() {
    let dir = temp_dir("broken");
    let pss = instrument(PSS_10);
    let pss_json: serde_json::Value = serde_json::from_str(builtin_json()[0]).expect("json");
    write(&dir, "questionnaire.json", &pss_json);
    let done = fill(&pss, &pss_answers([1; 10]), T0);
    let mut response = serde_json::to_value(done.response(None)).expect("json");
    response["status"] = "klaar".into();
    response["item"][0]["answer"][0]["valueCoding"]["code"] = "9".into();
    write(&dir, "bad-response.json", &response);
    let mut obs =
        serde_json::to_value(done.score().expect("score").observation(None, None)).expect("json");
    obs.as_object_mut().expect("object").remove("code");
    obs["effectiveDateTime"] = "1 maart".into();
    write(&dir, "bad-observation.json", &obs);
    let (ok, output) = validate(&dir);
    assert!(!ok, "broken resources must fail:\n{output}");
    assert!(output.contains("1 passed, 2 failed"), "{output}");
    assert!(
        output.contains("bad-response.json")
            && output.contains("'klaar'")
            && output.contains("'9' is not an option"),
        "{output}"
    );
    assert!(
        output.contains("bad-observation.json") && output.contains("code"),
        "{output}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
