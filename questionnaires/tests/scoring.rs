//! Hand-computed scoring cases for every instrument, and the errors a person can run into.

mod common;

use common::*;
use questionnaires::catalog::{POSITIEVE_GEZONDHEID_KORT, PSS_10, VLQ, ZRM_2017};
use questionnaires::{AnswerError, Completed, FillError, Instrument, Lang, Points, ScoreSheet};

fn total(sheet: &ScoreSheet) -> Points {
    sheet.total().expect("has a total").value
}

fn band(sheet: &ScoreSheet) -> String {
    sheet
        .total()
        .and_then(|t| t.band.as_ref())
        .map(|b| b.code.clone())
        .unwrap_or_default()
}

fn part(sheet: &ScoreSheet, key: &str) -> Points {
    sheet.measure(key).expect("measure exists").value
}

fn fill_err(instrument: &Instrument, answers: &str) -> FillError {
    Completed::from_answers_json(instrument.clone(), answers, T0).expect_err("must be refused")
}

// ---------------------------------------------------------------- PSS-10

#[test]
fn pss_minimum_is_zero_because_items_4_5_7_8_are_reversed() {
    let pss = instrument(PSS_10);
    // "Nooit" on the negative items, "heel vaak" on the positive (reversed) items 4, 5, 7, 8.
    let sheet = score(&pss, &pss_answers([0, 0, 0, 4, 4, 0, 4, 4, 0, 0]), T0);
    assert_eq!(total(&sheet), Points::whole(0));
    assert_eq!(band(&sheet), "laag");
}

#[test]
fn pss_maximum_is_forty() {
    let pss = instrument(PSS_10);
    let sheet = score(&pss, &pss_answers([4, 4, 4, 0, 0, 4, 0, 0, 4, 4]), T0);
    assert_eq!(total(&sheet), Points::whole(40));
    assert_eq!(band(&sheet), "hoog");
}

#[test]
fn pss_all_never_scores_sixteen_from_the_reversed_items() {
    let pss = instrument(PSS_10);
    // Six items give 0; items 4, 5, 7, 8 answered "nooit" give 4 each.
    let sheet = score(&pss, &pss_answers([0; 10]), T0);
    assert_eq!(total(&sheet), Points::whole(16));
    assert_eq!(band(&sheet), "matig");
    // All "heel vaak": six items give 4 (24), the reversed ones 0.
    let sheet = score(&pss, &pss_answers([4; 10]), T0);
    assert_eq!(total(&sheet), Points::whole(24));
}

#[test]
fn pss_mixed_case_by_hand() {
    let pss = instrument(PSS_10);
    // Raw 2,1,3,0,1,2,4,1,3,2 → scores 2,1,3,4,3,2,0,3,3,2 = 23.
    let sheet = score(&pss, &pss_answers([2, 1, 3, 0, 1, 2, 4, 1, 3, 2]), T0);
    assert_eq!(total(&sheet), Points::whole(23));
    assert_eq!(band(&sheet), "matig");
    let text = sheet.summary(Lang::Nl);
    assert!(
        text.contains("Totaalscore: 23 (bereik 0–40) — matig"),
        "{text}"
    );
    assert!(text.contains("geen diagnose"), "{text}");
    assert!(sheet
        .summary(Lang::En)
        .contains("Total score: 23 (range 0–40) — moderate"));
}

#[test]
fn pss_band_boundaries() {
    let pss = instrument(PSS_10);
    // Negative items 4+4+4+1+0+0 = 13, reversed items answered 4 → 0.
    let thirteen = score(&pss, &pss_answers([4, 4, 4, 4, 4, 1, 4, 4, 0, 0]), T0);
    assert_eq!(
        (total(&thirteen), band(&thirteen).as_str()),
        (Points::whole(13), "laag")
    );
    let fourteen = score(&pss, &pss_answers([4, 4, 4, 4, 4, 1, 4, 4, 1, 0]), T0);
    assert_eq!(
        (total(&fourteen), band(&fourteen).as_str()),
        (Points::whole(14), "matig")
    );
    // 26 and 27.
    let b = |n| pss.band_of(Points::whole(n)).map(|b| b.code.clone());
    assert_eq!(b(26).as_deref(), Some("matig"));
    assert_eq!(b(27).as_deref(), Some("hoog"));
    assert_eq!(b(41), None);
}

#[test]
fn pss_missing_answer_names_the_question_and_gives_no_score() {
    let pss = instrument(PSS_10);
    let json = pss_answers([1; 10]).replace(r#""pss-7":"1","#, "");
    match fill_err(&pss, &json) {
        FillError::Missing(qs) => {
            assert_eq!(qs.len(), 1);
            assert_eq!(qs[0].link_id, "pss-7");
            assert!(qs[0].text.contains("ergernissen"));
        }
        other => panic!("expected Missing, got {other:?}"),
    }
    let message = fill_err(&pss, &json).to_string();
    assert!(
        message.contains("pss-7") && message.contains("ergernissen"),
        "{message}"
    );
    // An explicit null is no answer either.
    let json = pss_answers([1; 10]).replace(r#""pss-7":"1""#, r#""pss-7":null"#);
    assert!(matches!(fill_err(&pss, &json), FillError::Missing(_)));
}

#[test]
fn pss_out_of_range_and_wrong_type_are_refused() {
    let pss = instrument(PSS_10);
    let json = pss_answers([1; 10]).replace(r#""pss-3":"1""#, r#""pss-3":5"#);
    let err = fill_err(&pss, &json);
    assert!(
        matches!(&err, FillError::Invalid(AnswerError::NotAnOption { question, .. }) if question.link_id == "pss-3")
    );
    assert!(err.to_string().contains("0, 1, 2, 3, 4"), "{err}");
    assert!(
        !err.to_string().contains('5'),
        "the refused value is not echoed: {err}"
    );
    let json = pss_answers([1; 10]).replace(r#""pss-3":"1""#, r#""pss-3":true"#);
    assert!(matches!(
        fill_err(&pss, &json),
        FillError::Invalid(AnswerError::WrongType { .. })
    ));
    let json = pss_answers([1; 10]).replace(r#""pss-3":"1""#, r#""pss-3":-1"#);
    assert!(matches!(
        fill_err(&pss, &json),
        FillError::Invalid(AnswerError::NotAnOption { .. })
    ));
    let json = pss_answers([1; 10]).replace(r#""pss-3":"1""#, r#""pss-11":"1""#);
    assert_eq!(
        fill_err(&pss, &json),
        FillError::UnknownQuestion("pss-11".into())
    );
    assert_eq!(fill_err(&pss, "[1,2]"), FillError::NotAnObject);
    assert_eq!(fill_err(&pss, "{"), FillError::Json);
}

// ---------------------------------------------------------------- VLQ

#[test]
fn vlq_minimum_and_maximum() {
    let vlq = instrument(VLQ);
    let low = score(&vlq, &vlq_answers([1; 10], [1; 10]), T0);
    assert_eq!(total(&low), Points::whole(1));
    assert!(low
        .parts()
        .iter()
        .all(|p| p.value == Points::whole(1) && !p.gap));
    let high = score(&vlq, &vlq_answers([10; 10], [10; 10]), T0);
    assert_eq!(total(&high), Points::whole(100));
    assert_eq!(high.parts().len(), 10);
    assert!(high
        .parts()
        .iter()
        .all(|p| p.value == Points::whole(100) && !p.gap));
}

#[test]
fn vlq_products_composite_and_gaps_by_hand() {
    let vlq = instrument(VLQ);
    let importance = [10, 5, 1, 9, 8, 3, 7, 2, 6, 10];
    let consistency = [10, 5, 1, 3, 4, 3, 4, 2, 1, 6];
    // Products 100, 25, 1, 27, 32, 9, 28, 4, 6, 60 → sum 292 → composite 29.2.
    let sheet = score(&vlq, &vlq_answers(importance, consistency), T0);
    assert_eq!(total(&sheet), Points::from_hundredths(2920));
    assert_eq!(part(&sheet, "vrienden"), Points::whole(27));
    assert_eq!(part(&sheet, "zelfzorg"), Points::whole(60));
    // Gap: importance ≥ 7 and consistency at least 3 lower.
    let gaps: Vec<&str> = sheet
        .parts()
        .iter()
        .filter(|p| p.gap)
        .map(|p| p.key.as_str())
        .collect();
    // vrienden 9/3, werk 8/4, ontspanning 7/4, zelfzorg 10/6; not samenleving 6/1 (importance < 7).
    assert_eq!(gaps, ["vrienden", "werk", "ontspanning", "zelfzorg"]);
    let text = sheet.summary(Lang::Nl);
    assert!(text.contains("Samengestelde score: 29,2"), "{text}");
    assert!(
        text.contains(
            "Vrienden en sociaal leven: 27 (bereik 1–100) — belangrijk, maar weinig naar geleefd"
        ),
        "{text}"
    );
}

#[test]
fn vlq_out_of_range_names_the_question() {
    let vlq = instrument(VLQ);
    for bad in [0, 11] {
        let json = vlq_answers([5; 10], [5; 10]).replace(
            r#""consistentie.werk":5"#,
            &format!(r#""consistentie.werk":{bad}"#),
        );
        let err = fill_err(&vlq, &json);
        match &err {
            FillError::Invalid(AnswerError::OutOfRange { question, min, max }) => {
                assert_eq!(question.link_id, "consistentie.werk");
                assert_eq!((*min, *max), (Some(1), Some(10)));
            }
            other => panic!("expected OutOfRange, got {other:?}"),
        }
        assert!(err.to_string().contains("1–10"), "{err}");
    }
    let json = vlq_answers([5; 10], [5; 10]).replace(r#""belang.werk":5"#, r#""belang.werk":5.5"#);
    assert!(matches!(
        fill_err(&vlq, &json),
        FillError::Invalid(AnswerError::WrongType { .. })
    ));
    let json = vlq_answers([5; 10], [5; 10]).replace(r#""belang.werk":5,"#, "");
    assert!(
        matches!(fill_err(&vlq, &json), FillError::Missing(q) if q[0].link_id == "belang.werk")
    );
}

// ---------------------------------------------------------------- ZRM

#[test]
fn zrm_profile_without_total_and_with_rater() {
    let zrm = instrument(ZRM_2017);
    assert!(zrm.total().is_none());
    let low = score(&zrm, &zrm_answers("professional", [1; 13]), T0);
    assert!(low.total().is_none());
    assert_eq!(low.parts().len(), 13);
    assert!(low.parts().iter().all(|p| p.value == Points::whole(1)));
    assert_eq!(
        low.parts()[0].level.as_ref().map(|l| l.nl.as_str()),
        Some("Acute problematiek")
    );
    assert_eq!(low.method().map(|m| m.code.as_str()), Some("professional"));
    let high = score(&zrm, &zrm_answers("zelf", [5; 13]), T0);
    assert!(high.parts().iter().all(|p| p.value == Points::whole(5)));
    assert_eq!(high.method().map(|m| m.code.as_str()), Some("zelf"));
    let mixed = score(
        &zrm,
        &zrm_answers("zelf", [3, 4, 2, 5, 3, 2, 4, 5, 5, 4, 2, 3, 5]),
        T0,
    );
    assert_eq!(part(&mixed, "sociaal-netwerk"), Points::whole(2));
    let text = mixed.summary(Lang::Nl);
    assert!(
        text.starts_with("Zelfredzaamheid-Matrix (ZRM 2017) (beoordeeld door: De inwoner zelf"),
        "{text}"
    );
    assert!(
        text.contains("Sociaal netwerk: 2 (bereik 1–5) — Niet zelfredzaam"),
        "{text}"
    );
}

#[test]
fn zrm_refuses_level_six_and_a_missing_rater() {
    let zrm = instrument(ZRM_2017);
    let json = zrm_answers("zelf", [3; 13]).replace(r#""justitie":"3""#, r#""justitie":"6""#);
    assert!(
        matches!(fill_err(&zrm, &json), FillError::Invalid(AnswerError::NotAnOption { question, .. }) if question.link_id == "justitie")
    );
    let json = zrm_answers("zelf", [3; 13]).replace(r#""beoordelaar":"zelf","#, "");
    assert!(
        matches!(fill_err(&zrm, &json), FillError::Missing(q) if q[0].link_id == "beoordelaar")
    );
    let json = zrm_answers("buurman", [3; 13]);
    assert!(matches!(
        fill_err(&zrm, &json),
        FillError::Invalid(AnswerError::NotAnOption { .. })
    ));
}

// ---------------------------------------------------------------- Positieve Gezondheid

#[test]
fn positieve_gezondheid_short_profile() {
    let pg = instrument(POSITIEVE_GEZONDHEID_KORT);
    let low = score(&pg, &pg_answers([0; 6]), T0);
    assert!(low.total().is_none());
    assert_eq!(low.parts().len(), 6);
    assert!(low.parts().iter().all(|p| p.value == Points::ZERO));
    let mixed = score(&pg, &pg_answers([7, 4, 6, 5, 3, 8]), T0);
    assert_eq!(part(&mixed, "mentaal-welbevinden"), Points::whole(4));
    assert_eq!(part(&mixed, "dagelijks-functioneren"), Points::whole(8));
    let high = score(&pg, &pg_answers([10; 6]), T0);
    assert!(high.parts().iter().all(|p| p.value == Points::whole(10)));
    // The open questions are optional and unscored, but kept in the response.
    let with_text = pg_answers([5; 6]).replace('}', r#","blij-van":"Wandelen met de hond"}"#);
    let done = fill(&pg, &with_text, T0);
    let response = serde_json::to_string(&done.response(None)).expect("json");
    assert!(response.contains("Wandelen met de hond"));
    let bad = pg_answers([5; 6]).replace(r#""meedoen":5"#, r#""meedoen":11"#);
    assert!(
        matches!(fill_err(&pg, &bad), FillError::Invalid(AnswerError::OutOfRange { question, .. }) if question.link_id == "meedoen")
    );
    let empty = pg_answers([5; 6]).replace('}', r#","goed-in":"  "}"#);
    assert!(matches!(
        fill_err(&pg, &empty),
        FillError::Invalid(AnswerError::Empty { .. })
    ));
}

#[test]
fn positieve_gezondheid_full_from_a_licence_holders_file() {
    let pg = Instrument::positieve_gezondheid_full(PG_FULL_FILE).expect("made-up file loads");
    assert!(pg.total().is_none());
    let keys: Vec<&str> = pg.parts().iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, PG_DIMENSIONS);
    assert_eq!(pg.questions().len(), 42);
    let low = score(&pg, &pg_full_answers([[0; 7]; 6]), T0);
    assert!(low.parts().iter().all(|p| p.value == Points::ZERO));
    let high = score(&pg, &pg_full_answers([[10; 7]; 6]), T0);
    assert!(high.parts().iter().all(|p| p.value == Points::whole(10)));
    // Means per dimension: 51/7 = 7.29; 35/7 = 5; 0; 70/7 = 10; 3/7 = 0.43; 66/7 = 9.43.
    let values = [
        [7, 7, 7, 7, 7, 8, 8],
        [5, 5, 5, 5, 5, 5, 5],
        [0; 7],
        [10; 7],
        [1, 1, 1, 0, 0, 0, 0],
        [9, 9, 9, 9, 10, 10, 10],
    ];
    let sheet = score(&pg, &pg_full_answers(values), T0);
    let got: Vec<i64> = sheet.parts().iter().map(|p| p.value.hundredths()).collect();
    assert_eq!(got, [729, 500, 0, 1000, 43, 943]);
    assert_eq!(sheet.parts()[1].label.nl, "Mentaal welbevinden");
    // One statement missing: no partial mean.
    let json = pg_full_answers(values).replace(r#""dim-3.4":0,"#, "");
    assert!(matches!(fill_err(&pg, &json), FillError::Missing(q) if q[0].link_id == "dim-3.4"));
    let json = pg_full_answers(values).replace(r#""dim-2.1":"5""#, r#""dim-2.1":"11""#);
    assert!(matches!(
        fill_err(&pg, &json),
        FillError::Invalid(AnswerError::NotAnOption { .. })
    ));
}

#[test]
fn positieve_gezondheid_full_refuses_a_file_of_another_shape() {
    let mut file: serde_json::Value = serde_json::from_str(PG_FULL_FILE).expect("json");
    let groups = file["item"].as_array_mut().expect("items");
    groups.pop();
    let five = file.to_string();
    assert!(Instrument::positieve_gezondheid_full(&five).is_err());
    let mut file: serde_json::Value = serde_json::from_str(PG_FULL_FILE).expect("json");
    file["item"][5]["text"] = "Iets anders".into();
    assert!(Instrument::positieve_gezondheid_full(&file.to_string()).is_err());
    let mut file: serde_json::Value = serde_json::from_str(PG_FULL_FILE).expect("json");
    file["item"][5]["text"] = "meedoen".into(); // a dimension twice
    assert!(Instrument::positieve_gezondheid_full(&file.to_string()).is_err());
}
