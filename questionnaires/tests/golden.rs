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
        (
            "pss-10",
            instrument(PSS_10),
            pss_answers([2, 1, 3, 0, 1, 2, 4, 1, 3, 2]),
        ),
        (
            "vlq",
            instrument(VLQ),
            vlq_answers(
                [10, 5, 1, 9, 8, 3, 7, 2, 6, 10],
                [10, 5, 1, 3, 4, 3, 4, 2, 1, 6],
            ),
        ),
        (
            "zrm-2017",
            instrument(ZRM_2017),
            zrm_answers("zelf", [3, 4, 2, 5, 3, 2, 4, 5, 5, 4, 2, 3, 5]),
        ),
    ];
    for (name, instrument, answers) in cases {
        let done = fill(&instrument, &answers, T0);
        check(
            &format!("{name}-response.json"),
            &done.response(Some(&response_id)),
        );
        let sheet = done.score().expect("score");
        let obs = sheet.observation(Some(&observation_id), Some(&response_id));
        check(&format!("{name}-observation.json"), &obs);
    }
}
