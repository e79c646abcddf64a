//! Fixed examples of the stored formats: the JSON (pretty-printed, in output field order) of a QuestionnaireResponse and its
//! Observation for known answers. A change in the output format fails here; regenerate on
//! purpose with `RUGZAK_REGENERATE_VECTORS=1 cargo test -p questionnaires --test golden`.

mod common;

use common::*;
use questionnaires::catalog::{PSS_10, VLQ, ZRM_2017};
use questionnaires::ResourceId;

fn check(name: &str, value: &impl serde::Serialize) {
    let path = crate_dir().join("tests/data/golden").join(name);
    let text = serde_json::to_string_pretty(value).expect("json") + "\n";
    if std::env::var_os("RUGZAK_REGENERATE_VECTORS").is_some() {
        std::fs::write(&path, &text).expect("write golden file");
    }
    let stored = std::fs::read_to_string(&path).expect("golden file exists (regenerate to create)");
    assert_eq!(text, stored, "{name} differs from the stored example");
}

#[test]
fn stored_formats_match_the_examples() {
    let response_id = ResourceId::new("voorbeeld-antwoord").expect("id");
    let observation_id = ResourceId::new("voorbeeld-score").expect("id");
    let cases = [
        ("pss-10", instrument(PSS_10), pss_mixed_answers()),
        ("vlq", instrument(VLQ), vlq_gap_answers()),
        ("zrm-2017", instrument(ZRM_2017), zrm_self_answers()),
    ];
    for (name, instrument, answers) in cases {
        let stored = Stored::new(
            &fill(&instrument, &answers, T0),
            &response_id,
            &observation_id,
        );
        check(&format!("{name}-response.json"), &stored.response);
        check(&format!("{name}-observation.json"), &stored.observation);
    }
}
