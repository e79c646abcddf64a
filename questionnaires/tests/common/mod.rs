//! Helpers shared by the integration tests.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::PathBuf;

use questionnaires::fhir::{Observation, QuestionnaireResponse};
use questionnaires::{Catalog, Completed, Instrument, ResourceId, ScoreSheet, UnixTime};
use serde_json::{json, Map, Value};

/// 2026-03-01T09:00:00Z.
pub const T0: UnixTime = 1_772_355_600;
/// One day.
pub const DAY: UnixTime = 86_400;

/// This crate's directory in the checkout under test. Read when the test runs (cargo sets
/// `CARGO_MANIFEST_DIR` for it), not baked in when it is built: cargo may reuse a test binary
/// built in another checkout, whose directory may be gone.
pub fn crate_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .expect("CARGO_MANIFEST_DIR is set by `cargo test`: run the tests through cargo")
        .into()
}

pub fn catalog() -> Catalog {
    Catalog::builtin().expect("shipped definitions load")
}

pub fn instrument(key: &str) -> Instrument {
    catalog().get(key).expect("instrument exists").clone()
}

/// PSS-10 answers (option codes, i.e. raw 0–4 frequencies) for items 1..=10.
pub fn pss_answers(codes: [u8; 10]) -> String {
    let map: Map<String, Value> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("pss-{}", i + 1), json!(c.to_string())))
        .collect();
    Value::Object(map).to_string()
}

/// PSS-10 answers using every frequency (total 23): the typical filled-in form of the examples.
pub fn pss_mixed_answers() -> String {
    pss_answers([2, 1, 3, 0, 1, 2, 4, 1, 3, 2])
}

pub const VLQ_DOMAINS: [&str; 10] = [
    "familie",
    "partner",
    "ouderschap",
    "vrienden",
    "werk",
    "opleiding",
    "ontspanning",
    "spiritualiteit",
    "samenleving",
    "zelfzorg",
];

pub fn vlq_answers(importance: [i64; 10], consistency: [i64; 10]) -> String {
    let mut map = Map::new();
    for (i, d) in VLQ_DOMAINS.iter().enumerate() {
        map.insert(format!("belang.{d}"), json!(importance[i]));
        map.insert(format!("consistentie.{d}"), json!(consistency[i]));
    }
    Value::Object(map).to_string()
}

/// VLQ answers that differ per domain, several of them important but little lived (a gap).
pub fn vlq_gap_answers() -> String {
    vlq_answers(
        [10, 5, 1, 9, 8, 3, 7, 2, 6, 10],
        [10, 5, 1, 3, 4, 3, 4, 2, 1, 6],
    )
}

pub const ZRM_DOMAINS: [&str; 13] = [
    "financien",
    "werk-opleiding",
    "tijdsbesteding",
    "huisvesting",
    "huiselijke-relaties",
    "geestelijke-gezondheid",
    "lichamelijke-gezondheid",
    "middelengebruik",
    "basale-adl",
    "instrumentele-adl",
    "sociaal-netwerk",
    "maatschappelijke-participatie",
    "justitie",
];

pub fn zrm_answers(rater: &str, levels: [u8; 13]) -> String {
    let mut map = Map::new();
    map.insert("beoordelaar".into(), json!(rater));
    for (d, l) in ZRM_DOMAINS.iter().zip(levels) {
        map.insert((*d).to_owned(), json!(l.to_string()));
    }
    Value::Object(map).to_string()
}

/// A ZRM self-rating using levels 2 to 5.
pub fn zrm_self_answers() -> String {
    zrm_answers("zelf", [3, 4, 2, 5, 3, 2, 4, 5, 5, 4, 2, 3, 5])
}

pub const PG_DIMENSIONS: [&str; 6] = [
    "lichaamsfuncties",
    "mentaal-welbevinden",
    "zingeving",
    "kwaliteit-van-leven",
    "meedoen",
    "dagelijks-functioneren",
];

pub fn pg_answers(values: [i64; 6]) -> String {
    let map: Map<String, Value> = PG_DIMENSIONS
        .iter()
        .zip(values)
        .map(|(d, v)| ((*d).to_owned(), json!(v)))
        .collect();
    Value::Object(map).to_string()
}

pub const PG_FULL_FILE: &str = include_str!("../data/mpg-42-testbestand.json");

/// Answers for the made-up 42-statement file: `values[d][s]` for group d+1, statement s+1.
pub fn pg_full_answers(values: [[i64; 7]; 6]) -> String {
    let mut map = Map::new();
    for (d, row) in values.iter().enumerate() {
        for (s, v) in row.iter().enumerate() {
            let link = format!("dim-{}.{}", d + 1, s + 1);
            // Group 2 of the made-up file uses choice items (codes "0".."10").
            let value = if d == 1 {
                json!(v.to_string())
            } else {
                json!(v)
            };
            map.insert(link, value);
        }
    }
    Value::Object(map).to_string()
}

pub fn fill(instrument: &Instrument, answers: &str, at: UnixTime) -> Completed {
    Completed::from_answers_json(instrument.clone(), answers, at)
        .expect("answers complete and valid")
}

pub fn score(instrument: &Instrument, answers: &str, at: UnixTime) -> ScoreSheet {
    fill(instrument, answers, at).score().expect("scores")
}

/// A filled-in form as the vault stores it: its QuestionnaireResponse, and the Observation
/// scored from it that refers back to the response.
pub struct Stored {
    pub response: QuestionnaireResponse,
    pub observation: Observation,
}

impl Stored {
    pub fn new(done: &Completed, response_id: &ResourceId, observation_id: &ResourceId) -> Self {
        let sheet = done.score().expect("score");
        Self {
            response: done.response(Some(response_id)),
            observation: sheet.observation(Some(observation_id), Some(response_id)),
        }
    }
}
