//! Score sheets as structured JSON with numbers (`rugzak-score/1`).

mod common;

use common::*;
use questionnaires::catalog::{PSS_10, VLQ, ZRM_2017};
use questionnaires::SCORE_SCHEMA;

#[test]
fn pss_sheet_serialises_its_total_as_a_json_number() {
    // Items 4, 5, 7 and 8 are reversed: 4+4+4+3+3+4+3+3+2+0 = 30.
    let sheet = score(
        &instrument(PSS_10),
        &pss_answers([4, 4, 4, 1, 1, 4, 1, 1, 2, 0]),
        T0,
    );
    let computed = sheet
        .total()
        .expect("total")
        .value
        .as_whole()
        .expect("whole");
    assert_eq!(computed, 30);
    let json = serde_json::to_value(sheet.report()).expect("json");
    assert_eq!(json["schema"], SCORE_SCHEMA);
    assert_eq!(json["instrument"], "pss-10");
    assert!(json["total"].is_number(), "{}", json["total"]);
    assert_eq!(json["total"].as_i64(), Some(computed));
    assert_eq!(
        (json["total_min"].as_i64(), json["total_max"].as_i64()),
        (Some(0), Some(40))
    );
    assert_eq!(json["band"]["key"], "hoog");
    assert_eq!(json["band"]["label"]["nl"], "hoog");
    assert_eq!(json["when"], "2026-03-01T09:00:00Z");
    assert_eq!(json["when_unix"].as_i64(), Some(T0));
    assert_eq!(json["self_rated"], false);
}

#[test]
fn zrm_sheet_serialises_each_domain_as_a_number_and_says_who_rated() {
    let levels = [3, 4, 2, 5, 3, 2, 4, 5, 5, 4, 2, 3, 5];
    let sheet = score(&instrument(ZRM_2017), &zrm_answers("zelf", levels), T0);
    let json = serde_json::to_value(sheet.report()).expect("json");
    assert!(json["total"].is_null() && json["band"].is_null());
    let domains = json["domains"].as_array().expect("domains");
    assert_eq!(domains.len(), 13);
    for ((d, key), level) in domains.iter().zip(ZRM_DOMAINS).zip(levels) {
        assert_eq!(d["key"], key);
        assert_eq!(d["value"].as_i64(), Some(i64::from(level)), "{key}");
        assert_eq!((d["min"].as_i64(), d["max"].as_i64()), (Some(1), Some(5)));
    }
    assert_eq!(domains[2]["level"]["nl"], "Niet zelfredzaam");
    assert_eq!(json["rated_by"]["code"], "zelf");
    assert_eq!(json["self_rated"], true);
}

#[test]
fn vlq_mean_total_keeps_its_decimals() {
    let sheet = score(&instrument(VLQ), &vlq_gap_answers(), T0);
    let total = sheet.total().expect("total").value;
    let json = serde_json::to_value(sheet.report()).expect("json");
    let number = json["total"].as_f64().expect("a number");
    assert!(
        (number - total.to_f64()).abs() < 1e-9,
        "{number} vs {total:?}"
    );
    assert!(
        total.as_whole().is_none(),
        "the example has a fractional mean"
    );
    let gaps: Vec<&str> = json["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .filter(|d| d["gap"] == true)
        .filter_map(|d| d["key"].as_str())
        .collect();
    assert!(gaps.contains(&"vrienden"), "{gaps:?}");
}
