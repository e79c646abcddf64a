//! Programmes, progress records, suggestions and trends.

mod common;

use common::*;
use questionnaires::catalog::{POSITIEVE_GEZONDHEID_KORT, PSS_10, VLQ, ZRM_2017};
use questionnaires::{
    Lang, Meaning, Movement, Points, Programme, ProgrammeError, Progress, ProgressError, RuleError,
    RuleSet, StepContent, Trend,
};

fn programme(id: &str) -> Programme {
    Programme::builtin()
        .expect("shipped programmes load")
        .into_iter()
        .find(|p| p.id == id)
        .expect("programme exists")
}

#[test]
fn four_example_programmes_ship_marked_as_examples() {
    let programmes = Programme::builtin().expect("load");
    let ids: Vec<&str> = programmes.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["rouw", "eenzaamheid", "stress", "somberheid"]);
    let catalog = catalog();
    for p in &programmes {
        assert!(p.example, "{} is marked as an example", p.id);
        assert!(p.title.nl.contains("(voorbeeld)"));
        assert!(p.summary.nl.contains("voorbeeldprogramma"));
        let kinds: Vec<&str> = p
            .steps()
            .map(|(_, s)| match s.content {
                StepContent::Text { .. } => "text",
                StepContent::Exercise { .. } => "exercise",
                StepContent::Reflection { .. } => "reflection",
                StepContent::CheckIn { .. } => "check-in",
            })
            .collect();
        for kind in ["text", "exercise", "reflection", "check-in"] {
            assert!(kinds.contains(&kind), "{} has a {kind} step", p.id);
        }
        for key in p.check_ins() {
            assert!(catalog.get(key).is_some(), "check-in {key} exists");
        }
    }
}

#[test]
fn every_step_has_text_in_both_languages_and_its_exercise_or_question() {
    for p in Programme::builtin().expect("load") {
        assert!(p.step_count() >= 8, "{} has a real number of steps", p.id);
        for (_, step) in p.steps() {
            let text = step.text();
            let en = text.en.as_deref().unwrap_or_default();
            // A few short paragraphs, in Dutch and in an English that is not the Dutch copied.
            assert!(
                text.nl.split("\n\n").count() >= 2,
                "{}: paragraphs",
                step.id
            );
            assert!(
                en.split("\n\n").count() >= 2,
                "{}: English paragraphs",
                step.id
            );
            assert!(
                text.nl.len() > 150 && en.len() > 150,
                "{}: real text",
                step.id
            );
            assert_ne!(text.nl, en, "{}: translated", step.id);
            let (exercise, question) = (step.exercise(), step.question());
            match &step.content {
                StepContent::Exercise { .. } => assert!(exercise.is_some_and(|e| e.nl.len() > 40)),
                StepContent::Reflection { .. } => {
                    assert!(question.is_some_and(|q| q.nl.ends_with('?')), "{}", step.id);
                    assert!(question
                        .and_then(|q| q.en.as_deref())
                        .is_some_and(|q| q.ends_with('?')));
                }
                StepContent::CheckIn { .. } => assert_eq!(step.check_in(), Some("check-in")),
                StepContent::Text {} => assert!(exercise.is_none() && question.is_none()),
            }
            // One language at a time: the Dutch rendering holds no English text and vice versa.
            let nl = p.render_step(&step.id, Lang::Nl).expect("step renders");
            let en_rendered = p.render_step(&step.id, Lang::En).expect("step renders");
            assert!(nl.contains(&text.nl) && !nl.contains(en), "{}", step.id);
            assert!(en_rendered.contains(en) && !en_rendered.contains(&text.nl));
            for extra in [exercise, question].into_iter().flatten() {
                assert!(nl.contains(&extra.nl));
                assert!(en_rendered.contains(extra.en.as_deref().unwrap_or("missing")));
            }
        }
    }
}

#[test]
fn every_programme_says_when_to_contact_the_huisarts() {
    for p in Programme::builtin().expect("load") {
        let last = p.steps().last().map(|(_, s)| s).expect("a last step");
        assert!(
            last.text.nl.contains("Neem contact op met uw huisarts als"),
            "{}",
            p.id
        );
        assert!(
            last.text.get(Lang::En).contains("Contact your GP"),
            "{}",
            p.id
        );
    }
}

#[test]
fn somberheid_names_113_first_and_wherever_dark_thoughts_come_up() {
    let p = programme("somberheid");
    let (_, first) = p.steps().next().expect("a first step");
    for lang in [Lang::Nl, Lang::En] {
        let text = p.render_step(&first.id, lang).expect("renders");
        for needle in ["113", "0800-0113", "113.nl"] {
            assert!(text.contains(needle), "{lang:?}: first step names {needle}");
        }
    }
    assert!(first.text.nl.contains("113 Zelfmoordpreventie"));
    let dark: Vec<&str> = p
        .steps()
        .filter(|(_, s)| s.text.nl.contains("gedachten") || s.text.nl.contains("dood"))
        .map(|(_, s)| s.id.as_str())
        .collect();
    assert!(dark.contains(&"somberheid-vriendelijk"), "{dark:?}");
    for (_, s) in p.steps().filter(|(_, s)| dark.contains(&s.id.as_str())) {
        assert!(
            s.text.nl.contains("0800-0113") && s.text.get(Lang::En).contains("0800-0113"),
            "{}",
            s.id
        );
    }
}

#[test]
fn a_step_renders_with_its_place_and_question() {
    let p = programme("stress");
    let text = p.render_step("stress-bronnen", Lang::Nl).expect("renders");
    assert!(
        text.starts_with(
            "Stap 3 van 9 — Stress herkennen\nBronnen van spanning\n\nSpanning komt vaak"
        ),
        "{text}"
    );
    assert!(
        text.contains("Vraag om over na te denken:\nWat geeft u op dit moment de meeste spanning")
    );
    let text = p
        .render_step("stress-ademhaling", Lang::En)
        .expect("renders");
    assert!(
        text.starts_with("Step 5 of 9 — Relaxing and choosing\nCalm breathing"),
        "{text}"
    );
    assert!(text.contains("Exercise:\nSit down quietly."));
    assert!(p.render_step("bestaat-niet", Lang::Nl).is_none());
}

#[test]
fn progress_report_counts_steps_and_keeps_reflections_per_step() {
    let p = programme("stress");
    let mut progress = Progress::start(&p, T0);
    let report = progress.report(&p);
    assert_eq!((report.done, report.total), (0, 9));
    progress
        .mark_done(&p, "stress-wat-is-stress", T0)
        .expect("done");
    progress
        .mark_done(&p, "stress-ademhaling", T0 + 60)
        .expect("done");
    progress
        .add_reflection(&p, "stress-bronnen", "Vooral mijn werk.", T0 + 120)
        .expect("reflection");
    progress
        .add_reflection(&p, "stress-bronnen", "En de verbouwing.", T0 + DAY)
        .expect("second reflection");
    let report = progress.report(&p);
    assert_eq!((report.done, report.total), (3, 9));
    let per_module: Vec<(&str, usize, usize)> = report
        .modules
        .iter()
        .map(|m| (m.id.as_str(), m.done, m.total))
        .collect();
    assert_eq!(
        per_module,
        [
            ("stress-herkennen", 2, 4),
            ("stress-ontspannen", 1, 4),
            ("stress-verder", 0, 1)
        ]
    );
    assert_eq!(report.next_step.as_deref(), Some("stress-signalen"));
    assert_eq!(report.reflected, ["stress-bronnen"]);
    let written: Vec<&str> = progress
        .reflections_on("stress-bronnen")
        .map(|r| r.text.as_str())
        .collect();
    assert_eq!(written, ["Vooral mijn werk.", "En de verbouwing."]);
    // The reflections survive the stored record.
    let back = Progress::from_json(&progress.to_json().expect("json")).expect("read");
    assert_eq!(back.reflections_on("stress-bronnen").count(), 2);
    let json = serde_json::to_value(&report).expect("report json");
    assert_eq!(json["done"], 3);
    assert_eq!(json["modules"][0]["total"], 4);
}

#[test]
fn programme_files_are_checked() {
    let good = include_str!("../definitions/programmes/stress.json");
    let mut v: serde_json::Value = serde_json::from_str(good).expect("json");
    v["format"] = "iets-anders/1".into();
    assert_eq!(
        Programme::from_json(&v.to_string()),
        Err(ProgrammeError::Format)
    );
    let mut v: serde_json::Value = serde_json::from_str(good).expect("json");
    v["modules"][1]["steps"][0]["id"] = v["modules"][0]["steps"][0]["id"].clone();
    assert!(matches!(
        Programme::from_json(&v.to_string()),
        Err(ProgrammeError::DuplicateId(_))
    ));
    let mut v: serde_json::Value = serde_json::from_str(good).expect("json");
    v["modules"][0]["steps"] = serde_json::json!([]);
    assert!(matches!(
        Programme::from_json(&v.to_string()),
        Err(ProgrammeError::Empty(_))
    ));
    let mut v: serde_json::Value = serde_json::from_str(good).expect("json");
    v["modules"][0]["steps"][0]["kind"] = "video".into();
    assert!(matches!(
        Programme::from_json(&v.to_string()),
        Err(ProgrammeError::Json(_))
    ));
    let mut v: serde_json::Value = serde_json::from_str(good).expect("json");
    v["modules"][0]["steps"][1]["text"]["en"] = " ".into();
    assert_eq!(
        Programme::from_json(&v.to_string()),
        Err(ProgrammeError::EmptyText("stress-signalen".into()))
    );
    let mut v: serde_json::Value = serde_json::from_str(good).expect("json");
    v["id"] = "Stress Programma".into();
    assert!(matches!(
        Programme::from_json(&v.to_string()),
        Err(ProgrammeError::BadId(_))
    ));
}

#[test]
fn progress_marks_steps_keeps_reflections_and_round_trips() {
    let p = programme("stress");
    let mut progress = Progress::start(&p, T0);
    let (_, first) = progress.next_step(&p).expect("a first step");
    assert_eq!(first.id, "stress-wat-is-stress");
    progress
        .mark_done(&p, "stress-wat-is-stress", T0 + 60)
        .expect("done");
    // Marking again keeps the first time.
    progress
        .mark_done(&p, "stress-wat-is-stress", T0 + DAY)
        .expect("done again");
    assert_eq!(progress.done.get("stress-wat-is-stress"), Some(&(T0 + 60)));
    progress
        .add_reflection(&p, "stress-bronnen", "Het werk en de verbouwing.", T0 + 120)
        .expect("reflection");
    assert!(progress.done.contains_key("stress-bronnen"));
    let (module, next) = progress.next_step(&p).expect("next");
    assert_eq!(
        (module.id.as_str(), next.id.as_str()),
        ("stress-herkennen", "stress-signalen")
    );
    let modules = progress.modules(&p);
    assert_eq!((modules[0].done, modules[0].total), (2, 4));
    assert_eq!(
        progress.summary(&p, Lang::Nl),
        "Stress de baas (voorbeeld): 2 van 9 stappen gedaan. Volgende stap: Stress herkennen — Uw signalen."
    );
    let bytes = progress.to_json().expect("json");
    assert_eq!(Progress::from_json(&bytes), Ok(progress.clone()));
    // Reflections are personal: Debug does not show them.
    assert!(!format!("{progress:?}").contains("verbouwing"));
    for (_, s) in p.steps() {
        progress.mark_done(&p, &s.id, T0 + 2 * DAY).expect("done");
    }
    assert!(progress.next_step(&p).is_none());
    assert!(progress
        .summary(&p, Lang::En)
        .ends_with("All steps are done."));
}

#[test]
fn progress_refuses_wrong_steps_and_programmes() {
    let stress = programme("stress");
    let rouw = programme("rouw");
    let mut progress = Progress::start(&stress, T0);
    assert_eq!(
        progress.mark_done(&stress, "bestaat-niet", T0),
        Err(ProgressError::UnknownStep("bestaat-niet".into()))
    );
    assert_eq!(
        progress.mark_done(&rouw, "rouw-wat-is-rouw", T0),
        Err(ProgressError::OtherProgramme)
    );
    assert_eq!(
        progress.add_reflection(&stress, "stress-ademhaling", "tekst", T0),
        Err(ProgressError::NotAReflection("stress-ademhaling".into()))
    );
    assert_eq!(
        progress.add_reflection(&stress, "stress-bronnen", "   ", T0),
        Err(ProgressError::EmptyReflection)
    );
    assert!(progress.done.is_empty() && progress.reflections.is_empty());
    assert_eq!(
        Progress::from_json(b"{\"format\":\"x\"}"),
        Err(ProgressError::Json)
    );
}

#[test]
fn shipped_rules_name_existing_instruments_scores_and_programmes() {
    let rules = RuleSet::builtin().expect("rules load");
    rules
        .check(&catalog(), &Programme::builtin().expect("programmes"))
        .expect("no dangling names");
    let mut bad = rules.clone();
    bad.rules[0].measure = "bestaat-niet".into();
    assert!(matches!(
        bad.check(&catalog(), &Programme::builtin().expect("p")),
        Err(RuleError::Unknown { what: "score", .. })
    ));
    let mut dup: serde_json::Value =
        serde_json::from_str(include_str!("../definitions/suggestion-rules.json")).expect("json");
    let first = dup["rules"][0].clone();
    dup["rules"].as_array_mut().expect("array").push(first);
    assert!(matches!(
        RuleSet::from_json(&dup.to_string()),
        Err(RuleError::DuplicateRule(_))
    ));
}

#[test]
fn suggestions_follow_the_latest_scores_with_reasons() {
    let rules = RuleSet::builtin().expect("rules");
    let pss = instrument(PSS_10);
    let zrm = instrument(ZRM_2017);
    let vlq = instrument(VLQ);
    // PSS 13 gives nothing; 14 suggests stress.
    let low = score(&pss, &pss_answers([4, 4, 4, 4, 4, 1, 4, 4, 0, 0]), T0);
    assert!(rules.suggest(std::slice::from_ref(&low)).is_empty());
    let moderate = score(&pss, &pss_answers([4, 4, 4, 4, 4, 1, 4, 4, 1, 0]), T0 + DAY);
    let s = rules.suggest(&[low.clone(), moderate.clone()]);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].programme.as_deref(), Some("stress"));
    assert_eq!(
        s[0].reasons[0].describe(Lang::Nl),
        "Uw score op de stressvragenlijst is 14 of hoger. Het programma over stress kan u helpen om spanning te herkennen en te verminderen. (Ervaren stress (PSS-10), Totaalscore: 14 — matig, 2026-03-02)"
    );
    assert!(s[0].reasons[0]
        .describe(Lang::En)
        .starts_with("Your stress questionnaire score"));
    // Only the latest sheet counts: a later low score withdraws the suggestion.
    let later_low = score(
        &pss,
        &pss_answers([0, 0, 0, 4, 4, 0, 4, 4, 0, 0]),
        T0 + 2 * DAY,
    );
    assert!(rules.suggest(&[moderate, later_low]).is_empty());
    // ZRM sociaal netwerk 2 and a VLQ gap on friends both suggest eenzaamheid: one suggestion, two reasons.
    let zrm_sheet = score(
        &zrm,
        &zrm_answers("professional", [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 3, 3]),
        T0,
    );
    let mut importance = [5; 10];
    let mut consistency = [5; 10];
    importance[3] = 9;
    consistency[3] = 2;
    let vlq_sheet = score(&vlq, &vlq_answers(importance, consistency), T0);
    let s = rules.suggest(&[zrm_sheet.clone(), vlq_sheet]);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].programme.as_deref(), Some("eenzaamheid"));
    let fired: Vec<&str> = s[0].reasons.iter().map(|r| r.rule.as_str()).collect();
    assert_eq!(fired, ["zrm-sociaal-netwerk", "vlq-vrienden-kloof"]);
    // Sociaal netwerk 3 does not fire.
    let zrm_ok = score(&zrm, &zrm_answers("professional", [3; 13]), T0);
    assert!(rules.suggest(&[zrm_ok]).is_empty());
    // Positieve Gezondheid: mentaal welbevinden 4 → somberheid.
    let pg = instrument(POSITIEVE_GEZONDHEID_KORT);
    let pg_sheet = score(&pg, &pg_answers([6, 4, 6, 6, 6, 6]), T0);
    let s = rules.suggest(&[pg_sheet, zrm_sheet]);
    let programmes: Vec<Option<&str>> = s.iter().map(|s| s.programme.as_deref()).collect();
    assert_eq!(programmes, [Some("eenzaamheid"), Some("somberheid")]);
}

#[test]
fn pss_trend_from_intake_to_three_months() {
    let pss = instrument(PSS_10);
    let intake = score(&pss, &pss_answers([2, 1, 3, 0, 1, 2, 4, 1, 3, 2]), T0); // 23
    let month = score(
        &pss,
        &pss_answers([2, 1, 2, 1, 1, 2, 3, 1, 2, 2]),
        T0 + 30 * DAY,
    ); // 2+1+2+3+3+2+1+3+2+2 = 21
    let quarter = score(
        &pss,
        &pss_answers([1, 1, 1, 2, 2, 1, 2, 2, 1, 1]),
        T0 + 91 * DAY,
    ); // 1+1+1+2+2+1+2+2+1+1 = 14
    let other = score(&instrument(VLQ), &vlq_answers([5; 10], [5; 10]), T0);
    // Order of the input does not matter; other instruments are left out.
    let trend = Trend::new(&pss, &[quarter, other, intake, month]);
    let total = trend.series("totaal").expect("total series");
    let values: Vec<Points> = total.points.iter().map(|p| p.value).collect();
    assert_eq!(values, [23, 21, 14].map(Points::whole));
    let overall = total.overall.expect("change");
    assert_eq!(overall.delta, Points::whole(-9));
    assert_eq!(
        (overall.movement, overall.meaning),
        (Movement::Down, Meaning::Better)
    );
    let latest = total.latest.expect("latest change");
    assert_eq!(latest.delta, Points::whole(-7));
    let text = trend.summary(Lang::Nl);
    assert!(text.contains("Totaalscore: 23 (2026-03-01) → 21 (2026-03-31) → 14 (2026-05-31); verandering -9: beter"), "{text}");
}

#[test]
fn trend_direction_depends_on_the_instrument() {
    let vlq = instrument(VLQ);
    let a = score(&vlq, &vlq_answers([8; 10], [4; 10]), T0); // 32
    let b = score(&vlq, &vlq_answers([8; 10], [6; 10]), T0 + DAY); // 48
    let trend = Trend::new(&vlq, &[a.clone(), b]);
    let change = trend
        .series("totaal")
        .and_then(|s| s.overall)
        .expect("change");
    assert_eq!(
        (change.delta, change.meaning),
        (Points::whole(16), Meaning::Better)
    );
    assert_eq!(trend.series.len(), 11);
    // One point: no change yet. Same value: unchanged.
    let single = Trend::new(&vlq, std::slice::from_ref(&a));
    assert!(single.series("totaal").and_then(|s| s.overall).is_none());
    let same = Trend::new(&vlq, &[a.clone(), a]);
    let change = same
        .series("totaal")
        .and_then(|s| s.overall)
        .expect("change");
    assert_eq!(
        (change.movement, change.meaning),
        (Movement::Same, Meaning::Unchanged)
    );
}
