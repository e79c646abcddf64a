//! The one-question-at-a-time filler, and reading stored responses and scores back.

mod common;

use common::*;
use questionnaires::answer::parse_response;
use questionnaires::catalog::{CHECK_IN, POSITIEVE_GEZONDHEID_KORT, PSS_10, VLQ, ZRM_2017};
use questionnaires::score::parse_observation;
use questionnaires::{
    AnswerError, AnswerKind, AnswerValue, Completed, FillError, Filler, ReadScoreError, ResourceId,
    ScoreSheet,
};

#[test]
fn filler_walks_questions_with_options_back_and_finish() {
    let pss = instrument(PSS_10);
    let mut f = Filler::new(pss.clone());
    let q = f.current().expect("first question");
    assert_eq!(q.link_id, "pss-1");
    assert_eq!(
        q.preamble.len(),
        1,
        "the instruction comes with the first question"
    );
    let AnswerKind::Choice(options) = &q.kind else {
        panic!("choice question")
    };
    let labels: Vec<&str> = options.iter().map(|o| o.label.nl.as_str()).collect();
    assert_eq!(
        labels,
        ["Nooit", "Bijna nooit", "Soms", "Tamelijk vaak", "Heel vaak"]
    );
    assert_eq!(options[4].label.en.as_deref(), Some("Very often"));
    assert_eq!((f.position().number, f.position().count), (1, 10));
    assert!(!f.back(), "no question before the first");

    // A refused answer changes nothing.
    let err = f.answer_input("7").expect_err("not an option");
    assert!(matches!(err, AnswerError::NotAnOption { .. }));
    assert_eq!(f.position().number, 1);
    assert!(matches!(f.skip(), Err(AnswerError::Required { .. })));

    f.answer_input("2").expect("valid");
    f.answer_input(" 1 ").expect("valid, trimmed");
    assert_eq!(f.current().map(|q| q.link_id.as_str()), Some("pss-3"));
    // Finishing early names every unanswered question.
    match f.finish(T0) {
        Err(FillError::Missing(qs)) => assert_eq!(qs.len(), 8),
        other => panic!("expected Missing, got {other:?}"),
    }
    // Go back and change the answer to question 2.
    assert!(f.back());
    assert_eq!(f.current_answer(), Some(&AnswerValue::Code("1".into())));
    f.answer(AnswerValue::Code("3".into())).expect("valid");
    for code in ["3", "0", "1", "2", "4", "1", "3", "2"] {
        f.answer_input(code).expect("valid");
    }
    assert!(f.current().is_none());
    assert_eq!(f.position().number, 11);
    f.answer_input("4").expect("nothing to answer at the end");
    let done = f.finish(T0).expect("complete");
    // Same answers through the JSON map give the same score: 2,3,3,4,3,2,0,3,3,2 = 25.
    let via_json = score(&pss, &pss_answers([2, 3, 3, 0, 1, 2, 4, 1, 3, 2]), T0);
    let sheet = done.score().expect("score");
    assert_eq!(sheet, via_json);
    assert_eq!(
        sheet.total().map(|t| t.value.to_string()).as_deref(),
        Some("25")
    );
}

#[test]
fn filler_shows_sections_and_skips_optional_questions() {
    let vlq = instrument(VLQ);
    let mut f = Filler::new(vlq);
    assert_eq!(
        f.current_section().map(|s| s.label.nl.as_str()),
        Some("Deel 1: hoe belangrijk is dit voor u?")
    );
    for _ in 0..10 {
        f.answer_input("6").expect("valid");
    }
    assert_eq!(
        f.current_section().map(|s| s.link_id.as_str()),
        Some("consistentie")
    );
    assert_eq!(f.current().map(|q| q.preamble.len()), Some(1));
    let err = f.answer_input("zes").expect_err("not a number");
    assert!(err.to_string().contains("een geheel getal"), "{err}");
    assert!(matches!(
        f.answer_input("11"),
        Err(AnswerError::OutOfRange { .. })
    ));

    let check_in = instrument(CHECK_IN);
    let mut f = Filler::new(check_in);
    f.answer_input("7").expect("valid");
    f.skip().expect("the comment is optional");
    let done = f.finish(T0).expect("complete without the comment");
    assert_eq!(done.answers().len(), 1);
}

#[test]
fn responses_are_fhir_shaped_and_read_back_to_the_same_score() {
    let catalog = catalog();
    let cases = [
        (PSS_10, pss_answers([2, 1, 3, 0, 1, 2, 4, 1, 3, 2])),
        (
            VLQ,
            vlq_answers(
                [10, 5, 1, 9, 8, 3, 7, 2, 6, 10],
                [10, 5, 1, 3, 4, 3, 4, 2, 1, 6],
            ),
        ),
        (
            ZRM_2017,
            zrm_answers("professional", [3, 4, 2, 5, 3, 2, 4, 5, 5, 4, 2, 3, 5]),
        ),
        (POSITIEVE_GEZONDHEID_KORT, pg_answers([7, 4, 6, 5, 3, 8])),
    ];
    let response_id = ResourceId::new("a1b2c3").expect("id");
    for (key, answers) in cases {
        let instrument = catalog.get(key).expect("exists").clone();
        let done = fill(&instrument, &answers, T0);
        let response = done.response(Some(&response_id));
        assert_eq!(response.status, "completed");
        assert_eq!(response.authored.as_deref(), Some("2026-03-01T09:00:00Z"));
        assert_eq!(
            response.questionnaire.as_deref(),
            Some(format!("{}|1.0.0", instrument.url()).as_str())
        );
        let bytes = questionnaires::fhir::to_json_bytes(&response).expect("json");
        let read = parse_response(&bytes).expect("parses");
        let again = Completed::from_response(instrument.clone(), &read).expect("valid");
        let sheet = done.score().expect("score");
        assert_eq!(again.score().expect("score"), sheet, "{key}");

        let obs = sheet.observation(None, Some(&response_id));
        assert_eq!(
            obs.derived_from[0].reference,
            "QuestionnaireResponse/a1b2c3"
        );
        let bytes = questionnaires::fhir::to_json_bytes(&obs).expect("json");
        let back =
            ScoreSheet::from_observation(&instrument, &parse_observation(&bytes).expect("parses"))
                .expect("reads back");
        assert_eq!(back, sheet, "{key}");
    }
}

#[test]
fn observation_carries_band_gap_and_rater() {
    let pss = score(
        &instrument(PSS_10),
        &pss_answers([2, 1, 3, 0, 1, 2, 4, 1, 3, 2]),
        T0,
    );
    let obs = serde_json::to_value(pss.observation(None, None)).expect("json");
    assert_eq!(obs["valueInteger"], 23);
    assert_eq!(obs["interpretation"][0]["coding"][0]["code"], "matig");
    assert_eq!(obs["category"][0]["coding"][0]["code"], "survey");
    assert!(obs["note"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .contains("geen diagnose"));

    let vlq = score(&instrument(VLQ), &vlq_answers([9; 10], [5; 10]), T0);
    let obs = serde_json::to_value(vlq.observation(None, None)).expect("json");
    assert_eq!(obs["valueQuantity"]["value"], 45);
    assert_eq!(
        obs["component"][3]["code"]["coding"][0]["code"],
        "vlq.vrienden"
    );
    assert_eq!(obs["component"][3]["valueInteger"], 45);
    assert_eq!(
        obs["component"][3]["interpretation"][0]["coding"][0]["code"],
        "kloof"
    );

    let zrm = score(&instrument(ZRM_2017), &zrm_answers("zelf", [3; 13]), T0);
    let obs = serde_json::to_value(zrm.observation(None, None)).expect("json");
    assert!(obs.get("valueInteger").is_none() && obs.get("valueQuantity").is_none());
    assert_eq!(obs["method"]["coding"][0]["code"], "zelf");
    assert_eq!(obs["component"].as_array().map(Vec::len), Some(13));
}

#[test]
fn tampered_or_foreign_observations_are_refused() {
    let pss_i = instrument(PSS_10);
    let pss = score(&pss_i, &pss_answers([2, 1, 3, 0, 1, 2, 4, 1, 3, 2]), T0);
    let good = serde_json::to_value(pss.observation(None, None)).expect("json");
    let read = |v: &serde_json::Value| {
        let obs = parse_observation(v.to_string().as_bytes())?;
        ScoreSheet::from_observation(&pss_i, &obs)
    };
    assert!(read(&good).is_ok());
    let mut v = good.clone();
    v["valueInteger"] = 41.into();
    assert!(matches!(read(&v), Err(ReadScoreError::BadMeasure(_))));
    let mut v = good.clone();
    v["effectiveDateTime"] = "gisteren".into();
    assert_eq!(read(&v), Err(ReadScoreError::BadEffective));
    let mut v = good.clone();
    v["code"]["coding"][0]["code"] = "vlq".into();
    assert_eq!(read(&v), Err(ReadScoreError::OtherInstrument));
    let mut v = good;
    v["resourceType"] = "Patient".into();
    assert_eq!(read(&v), Err(ReadScoreError::Json));

    let zrm_i = instrument(ZRM_2017);
    let zrm = score(&zrm_i, &zrm_answers("zelf", [3; 13]), T0);
    let mut v = serde_json::to_value(zrm.observation(None, None)).expect("json");
    v["component"].as_array_mut().expect("array").pop();
    let obs = parse_observation(v.to_string().as_bytes()).expect("parses");
    assert!(matches!(
        ScoreSheet::from_observation(&zrm_i, &obs),
        Err(ReadScoreError::BadMeasure(_))
    ));

    // A stored response of another questionnaire, or with a changed answer outside the options.
    let done = fill(&pss_i, &pss_answers([1; 10]), T0);
    let response = done.response(None);
    assert_eq!(
        Completed::from_response(zrm_i, &response),
        Err(FillError::OtherQuestionnaire)
    );
    let mut v = serde_json::to_value(&response).expect("json");
    v["item"][2]["answer"][0]["valueCoding"]["code"] = "9".into();
    let tampered = parse_response(v.to_string().as_bytes()).expect("parses");
    assert!(matches!(
        Completed::from_response(pss_i, &tampered),
        Err(FillError::Invalid(AnswerError::NotAnOption { .. }))
    ));
}

#[test]
fn answers_and_errors_do_not_leak_answers_in_debug() {
    let pg = instrument(POSITIEVE_GEZONDHEID_KORT);
    let done = fill(
        &pg,
        &pg_answers([5; 6]).replace('}', r#","blij-van":"Mijn kleinkinderen"}"#),
        T0,
    );
    let debug = format!("{done:?}");
    assert!(!debug.contains("kleinkinderen"), "{debug}");
    assert!(debug.contains("blij-van"));
}

#[test]
fn authored_time_must_be_writable() {
    let pss = instrument(PSS_10);
    let err =
        Completed::from_answers_json(pss, &pss_answers([1; 10]), i64::MAX).expect_err("too late");
    assert!(matches!(err, FillError::Time(_)));
}

#[test]
fn catalog_reads_stored_items_back() {
    let catalog = catalog();
    let zrm = instrument(ZRM_2017);
    let done = fill(&zrm, &zrm_answers("zelf", [2; 13]), T0);
    let response = questionnaires::fhir::to_json_bytes(&done.response(None)).expect("json");
    assert_eq!(catalog.read_response(&response), Ok(done.clone()));
    let sheet = done.score().expect("score");
    let obs = questionnaires::fhir::to_json_bytes(&sheet.observation(None, None)).expect("json");
    assert_eq!(catalog.read_observation(&obs), Ok(sheet));
    let foreign = String::from_utf8(response)
        .expect("utf8")
        .replace("zrm-2017|", "onbekend|");
    assert_eq!(
        catalog.read_response(foreign.as_bytes()),
        Err(FillError::OtherQuestionnaire)
    );
    let foreign = String::from_utf8(obs)
        .expect("utf8")
        .replace("\"zrm-2017\"", "\"onbekend\"");
    assert_eq!(
        catalog.read_observation(foreign.as_bytes()),
        Err(ReadScoreError::OtherInstrument)
    );
    assert_eq!(
        catalog.read_observation(b"not json"),
        Err(ReadScoreError::Json)
    );
}
