//! End to end: questionnaires, suggestions, programmes and charts with the real `rugzak` and
//! the real `vault-server` on 127.0.0.1, one language at a time.

#![allow(clippy::unwrap_used, reason = "tests")]

#[allow(dead_code, reason = "each test binary uses its own part of the cast")]
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::Stage;
use tests::Person;

/// PSS-10 answers (option codes) that make a high score: "very often" on the six stress items
/// and "almost never" on the four reversed coping items (4, 5, 7, 8).
const HIGH_PSS: [(&str, i64); 10] = [
    ("pss-1", 4),
    ("pss-2", 4),
    ("pss-3", 4),
    ("pss-4", 1),
    ("pss-5", 1),
    ("pss-6", 4),
    ("pss-7", 1),
    ("pss-8", 1),
    ("pss-9", 4),
    ("pss-10", 4),
];

/// Items 4, 5, 7 and 8 are scored in reverse (4 − code).
fn pss_total(answers: &[(&str, i64)]) -> i64 {
    answers
        .iter()
        .map(|(id, code)| {
            if ["pss-4", "pss-5", "pss-7", "pss-8"].contains(id) {
                4 - code
            } else {
                *code
            }
        })
        .sum()
}

/// Writes `answers` as a JSON answers file in `dir` and returns its path.
fn answers_file(dir: &Path, name: &str, answers: &[(&str, i64)]) -> PathBuf {
    let map: serde_json::Map<String, serde_json::Value> = answers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::json!(v)))
        .collect();
    let path = dir.join(name);
    std::fs::write(&path, serde_json::Value::Object(map).to_string()).unwrap();
    path
}

/// An inwoner with a fresh vault.
fn inwoner(stage: &Stage, name: &str) -> Person {
    let me = stage.person(name);
    let _ = me.json(&["init"]);
    me
}

/// The shipped stress programme's JSON (the content the CLI shows).
fn stress_programme() -> serde_json::Value {
    let path = tests::crate_dir().join("../questionnaires/definitions/programmes/stress.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A small whole number as a chart value.
fn whole(n: i64) -> f64 {
    f64::from(i32::try_from(n).unwrap())
}

/// The plotted points of a chart: `data-measure` → `data-value`, in order.
fn points(svg: &str) -> Vec<(String, f64)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("circle") && n.attribute("class") == Some("point"))
        .map(|n| {
            (
                n.attribute("data-measure").unwrap().to_owned(),
                n.attribute("data-value").unwrap().parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_high_pss10_names_the_band_and_advises_the_huisarts_first() {
    let stage = Stage::start();
    let me = inwoner(&stage, "annelies");
    let file = answers_file(stage.dir.path(), "pss.json", &HIGH_PSS);
    let file = file.display().to_string();
    let expected = pss_total(&HIGH_PSS);
    assert_eq!(expected, 36);

    let out = me.ok(&[
        "--lang",
        "nl",
        "vragenlijst",
        "fill",
        "pss-10",
        "--answers",
        &file,
    ]);
    assert!(
        out.contains("Totaalscore: 36 (van 0 tot 40) — hoog"),
        "{out}"
    );
    let gp = out
        .find("Neem contact op met uw huisarts")
        .expect("GP advice");
    let programme = out.find("Volg het programma").expect("programme advice");
    assert!(
        gp < programme,
        "the huisarts comes before a programme:\n{out}"
    );
    // The reason names the score it rests on.
    assert!(
        out.contains("Ervaren stress (PSS-10), Totaalscore: 36 — hoog"),
        "{out}"
    );

    let json = me.json(&["vragenlijst", "fill", "pss-10", "--answers", &file]);
    assert_eq!(json["score"]["schema"], "rugzak-score/1");
    assert_eq!(json["score"]["total"].as_i64(), Some(expected), "{json}");
    assert!(json["score"]["total"].is_number());
    assert_eq!(json["score"]["band"]["key"], "hoog");
    let first = &json["suggestions"][0];
    assert_eq!(first["kind"], "contact-gp", "{json}");
    assert_eq!(first["reasons"][0]["score"]["value"].as_i64(), Some(36));
    assert_eq!(first["reasons"][0]["score"]["measure"], "totaal");
    let kinds: Vec<&str> = json["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"programme"), "{kinds:?}");

    // `results` gives the same numbers, and the programme list shows the suggestion with why.
    let results = me.json(&["vragenlijst", "results"]);
    let totals: Vec<i64> = results["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["total"].as_i64())
        .collect();
    assert_eq!(totals, [36, 36]);
    let list = me.ok(&["programma", "list"]);
    assert!(list.contains("Stress de baas"), "{list}");
    assert!(
        list.contains("Uw score op de stressvragenlijst is 14 of hoger"),
        "{list}"
    );
    let list = me.json(&["programma", "list"]);
    let stress = list["programmes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "stress")
        .unwrap();
    assert_eq!(stress["suggested"], true);
}

#[test]
fn one_language_at_a_time() {
    let stage = Stage::start();
    let me = inwoner(&stage, "annelies");
    let file = answers_file(stage.dir.path(), "pss.json", &HIGH_PSS);
    let file = file.display().to_string();
    let en = me.ok(&[
        "--lang",
        "en",
        "vragenlijst",
        "fill",
        "pss-10",
        "--answers",
        &file,
    ]);
    let nl = me.ok(&[
        "--lang",
        "nl",
        "vragenlijst",
        "fill",
        "pss-10",
        "--answers",
        &file,
    ]);
    let dutch = [
        "bewaard",
        "Uitslag",
        "Ervaren stress",
        "Totaalscore",
        "van 0 tot 40",
        "— hoog",
        "Ons advies",
        "Neem contact op",
        "Volg het programma",
        "Uw score",
        "ingevuld op",
        "december",
    ];
    let english = [
        "saved",
        "Result",
        "Perceived Stress",
        "Total score",
        "from 0 to 40",
        "— high",
        "Our advice",
        "Contact your GP",
        "Follow the programme",
        "Your stress",
        "filled in on",
        "December",
    ];
    for (d, e) in dutch.iter().zip(english) {
        assert!(nl.contains(d), "nl lacks {d}:\n{nl}");
        assert!(!en.contains(d), "en has Dutch {d}:\n{en}");
        assert!(en.contains(e), "en lacks {e}:\n{en}");
        assert!(!nl.contains(e), "nl has English {e}:\n{nl}");
    }
    let show_en = me.ok(&["--lang", "en", "programma", "show", "stress", "3"]);
    let show_nl = me.ok(&["--lang", "nl", "programma", "show", "stress", "3"]);
    assert!(
        show_en.contains("Step 3 of 9") && !show_en.contains("Stap"),
        "{show_en}"
    );
    assert!(
        show_nl.contains("Stap 3 van 9") && !show_nl.contains("Step"),
        "{show_nl}"
    );
    assert!(!show_en.contains("Bronnen van spanning"), "{show_en}");
    assert!(!show_nl.contains("Sources of tension"), "{show_nl}");
}

#[test]
fn interactive_filling_shows_the_answer_scale_in_the_chosen_language() {
    let stage = Stage::start();
    let me = inwoner(&stage, "annelies");
    // Ten answers, with a wrong one and a step back on the way.
    let input = "2\n9\n2\nterug\n2\n2\n2\n2\n2\n2\n2\n2\n2\n";
    let en = me.typing(&["--lang", "en", "vragenlijst", "fill", "pss-10"], input);
    let en_text = tests::text(&en);
    assert!(en.status.success(), "{en_text}");
    assert!(en_text.contains("Question 1 of 10"), "{en_text}");
    assert!(en_text.contains("0 = Never"), "{en_text}");
    assert!(en_text.contains("4 = Very often"), "{en_text}");
    assert!(en_text.contains("does not fit"), "{en_text}");
    assert!(
        !en_text.contains("Nooit") && !en_text.contains("Vraag 1"),
        "{en_text}"
    );
    assert!(
        en_text.contains("Total score: 20 (from 0 to 40)"),
        "{en_text}"
    );

    let nl = me.typing(
        &[
            "--lang",
            "nl",
            "vragenlijst",
            "fill",
            "positieve-gezondheid-kort",
        ],
        "7\n7\n7\n7\n7\n7\n\n\n",
    );
    let nl_text = tests::text(&nl);
    assert!(nl.status.success(), "{nl_text}");
    assert!(
        nl_text.contains("Typ een getal van 0 tot en met 10."),
        "{nl_text}"
    );
    assert!(nl_text.contains("Deze vraag mag u overslaan"), "{nl_text}");
    assert!(!nl_text.contains("Type a number"), "{nl_text}");
}

#[test]
fn fill_help_names_only_questionnaires_that_exist() {
    let stage = Stage::start();
    let me = stage.person("annelies");
    let help = me.ok(&["vragenlijst", "fill", "--help"]);
    let list = me.json(&["vragenlijst", "list"]);
    let keys: Vec<&str> = list["questionnaires"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|q| q["key"].as_str())
        .collect();
    // "Welke vragenlijst: pss-10, vlq, ... of check-in."
    let named = help
        .split_once("Welke vragenlijst: ")
        .and_then(|(_, rest)| rest.split_once('.'))
        .map(|(inner, _)| inner.replace(" of ", ", "))
        .expect("the help names the keys");
    assert!(!help.contains("Usage") && !help.contains("Which"), "{help}");
    for key in named.split(", ") {
        assert!(keys.contains(&key), "help names {key}, not in {keys:?}");
    }
    for key in &keys {
        assert!(named.contains(key), "help lacks {key}: {named}");
    }
}

#[test]
fn a_programme_step_and_a_reflection_that_survives_encryption_and_storage() {
    let stage = Stage::start();
    let me = inwoner(&stage, "annelies");
    let programme = stress_programme();
    let step = &programme["modules"][0]["steps"][2];
    assert_eq!(step["id"], "stress-bronnen");
    let question = step["question"]["nl"].as_str().unwrap();
    let first_paragraph = step["text"]["nl"]
        .as_str()
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap();

    let shown = me.ok(&["programma", "show", "stress", "3"]);
    assert!(shown.contains("Stap 3 van 9 — Stress herkennen"), "{shown}");
    assert!(shown.contains("Bronnen van spanning"), "{shown}");
    assert!(shown.contains(first_paragraph), "{shown}");
    assert!(shown.contains(question), "{shown}");
    let by_id = me.json(&["programma", "show", "stress", "stress-bronnen"]);
    assert_eq!(by_id["step"]["number"], 3);
    assert_eq!(by_id["step"]["total"], 9);
    assert_eq!(by_id["step"]["question"], question);
    let exercise = me.json(&["programma", "show", "stress", "2"]);
    assert_eq!(
        exercise["step"]["exercise"],
        programme["modules"][0]["steps"][1]["instructions"]["nl"]
    );

    let refused = me.fails(&["programma", "reflect", "stress", "3", "te vroeg"]);
    assert!(refused.contains("nog niet begonnen"), "{refused}");
    let _ = me.ok(&["programma", "start", "stress"]);
    let _ = me.ok(&["programma", "done", "stress", "1"]);
    let written = "Mijn werk, en de zorg voor mijn moeder. Wandelen geeft energie.";
    let saved = me.ok(&["programma", "reflect", "stress", "stress-bronnen", written]);
    assert!(saved.contains("versleuteld bewaard"), "{saved}");
    let not_a_question = me.fails(&["programma", "reflect", "stress", "1", "tekst"]);
    assert!(not_a_question.contains("geen vraag"), "{not_a_question}");

    // A fresh process reads the record back from the server and decrypts it.
    let status = me.ok(&["programma", "status"]);
    assert!(status.contains(written), "{status}");
    assert!(status.contains("2 van 9 stappen gedaan"), "{status}");
    assert!(status.contains("Stress herkennen: 2 van 4"), "{status}");
    let json = me.json(&["programma", "status"]);
    let p = &json["programmes"][0];
    assert_eq!(p["programme"], "stress");
    assert_eq!(p["done"], 2);
    assert_eq!(p["total"], 9);
    assert_eq!(p["modules"][0]["done"], 2);
    assert_eq!(p["modules"][1]["done"], 0);
    assert_eq!(p["next_step"], "stress-signalen");
    assert_eq!(p["reflected"], serde_json::json!(["stress-bronnen"]));
    assert_eq!(p["reflections"][0]["text"], written);
    let again = me.json(&["programma", "show", "stress", "3"]);
    assert_eq!(again["step"]["reflections"][0]["text"], written);
    assert_eq!(again["step"]["done"], true);

    // Starting again keeps the progress.
    let restart = me.ok(&["programma", "start", "stress"]);
    assert!(restart.contains("al begonnen"), "{restart}");
    assert_eq!(
        me.json(&["programma", "status"])["programmes"][0]["done"],
        2
    );
}

#[test]
fn grafiek_plots_the_filled_scores_as_svg_and_png() {
    let stage = Stage::start();
    let me = inwoner(&stage, "annelies");
    let dir = stage.dir.path();
    let pg: [(&str, i64); 6] = [
        ("lichaamsfuncties", 7),
        ("mentaal-welbevinden", 3),
        ("zingeving", 6),
        ("kwaliteit-van-leven", 5),
        ("meedoen", 4),
        ("dagelijks-functioneren", 8),
    ];
    let file = answers_file(dir, "pg.json", &pg).display().to_string();
    let _ = me.ok(&[
        "vragenlijst",
        "fill",
        "positieve-gezondheid-kort",
        "--answers",
        &file,
    ]);
    let svg_path = dir.join("pg.svg");
    let out = me.json(&[
        "vragenlijst",
        "grafiek",
        "positieve-gezondheid-kort",
        "--out",
        &svg_path.display().to_string(),
    ]);
    assert_eq!(out["chart"], "spider-web");
    let plotted: BTreeMap<String, f64> = points(&std::fs::read_to_string(&svg_path).unwrap())
        .into_iter()
        .collect();
    let filled: BTreeMap<String, f64> = pg
        .iter()
        .map(|(k, v)| ((*k).to_owned(), whole(*v)))
        .collect();
    assert_eq!(plotted, filled);

    // Two PSS-10 sheets: a trend line with both totals, oldest first.
    let high = answers_file(dir, "high.json", &HIGH_PSS)
        .display()
        .to_string();
    let low_answers: Vec<(&str, i64)> = HIGH_PSS.iter().map(|(k, _)| (*k, 2)).collect();
    let low = answers_file(dir, "low.json", &low_answers)
        .display()
        .to_string();
    let _ = me.ok(&["vragenlijst", "fill", "pss-10", "--answers", &high]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let _ = me.ok(&["vragenlijst", "fill", "pss-10", "--answers", &low]);
    let trend = dir.join("pss.svg");
    let text = me.ok(&[
        "vragenlijst",
        "grafiek",
        "pss-10",
        "--out",
        &trend.display().to_string(),
    ]);
    assert!(text.contains("pss.svg"), "{text}");
    let plotted = points(&std::fs::read_to_string(&trend).unwrap());
    let expected = [
        ("totaal".to_owned(), whole(pss_total(&HIGH_PSS))),
        ("totaal".to_owned(), whole(pss_total(&low_answers))),
    ];
    assert_eq!(plotted, expected);

    let png = dir.join("pss.png");
    let _ = me.ok(&[
        "vragenlijst",
        "grafiek",
        "pss-10",
        "--out",
        &png.display().to_string(),
    ]);
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]));

    let missing = me.fails(&["vragenlijst", "grafiek", "zrm-2017"]);
    assert!(missing.contains("nog geen scores"), "{missing}");
}

#[test]
fn a_self_rated_zrm_in_crisis_puts_113_first_and_draws_a_spider_web() {
    let stage = Stage::start();
    let me = inwoner(&stage, "annelies");
    let dir = stage.dir.path();
    let domains: [(&str, i32); 13] = [
        ("financien", 3),
        ("werk-opleiding", 3),
        ("tijdsbesteding", 2),
        ("huisvesting", 4),
        ("huiselijke-relaties", 3),
        ("geestelijke-gezondheid", 1),
        ("lichamelijke-gezondheid", 3),
        ("middelengebruik", 5),
        ("basale-adl", 5),
        ("instrumentele-adl", 4),
        ("sociaal-netwerk", 2),
        ("maatschappelijke-participatie", 2),
        ("justitie", 5),
    ];
    let mut answers: serde_json::Map<String, serde_json::Value> = domains
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::json!(v.to_string())))
        .collect();
    answers.insert("beoordelaar".into(), serde_json::json!("zelf"));
    let file = dir.join("zrm.json");
    std::fs::write(&file, serde_json::Value::Object(answers).to_string()).unwrap();
    let file = file.display().to_string();

    let out = me.ok(&["vragenlijst", "fill", "zrm-2017", "--answers", &file]);
    let crisis = out.find("113").expect("113 advice");
    let gp = out
        .find("Neem contact op met uw huisarts")
        .expect("GP advice");
    let programme = out.find("Volg het programma").expect("programme advice");
    assert!(crisis < gp && gp < programme, "{out}");
    assert!(out.contains("U heeft dit zelf ingevuld"), "{out}");

    let json = me.json(&["vragenlijst", "results"]);
    let report = &json["results"][0];
    assert!(report["total"].is_null(), "{report}");
    assert_eq!(report["self_rated"], true);
    let values: BTreeMap<String, i64> = report["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["key"].as_str().unwrap().to_owned(),
                d["value"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected: BTreeMap<String, i64> = domains
        .iter()
        .map(|(k, v)| ((*k).to_owned(), i64::from(*v)))
        .collect();
    assert_eq!(values, expected);
    let kinds: Vec<&str> = json["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["kind"].as_str())
        .collect();
    assert_eq!(kinds.first(), Some(&"crisis-line"), "{kinds:?}");

    let svg = dir.join("zrm.svg");
    let _ = me.ok(&[
        "--lang",
        "en",
        "vragenlijst",
        "grafiek",
        "zrm-2017",
        "--out",
        &svg.display().to_string(),
    ]);
    let plotted: BTreeMap<String, f64> = points(&std::fs::read_to_string(&svg).unwrap())
        .into_iter()
        .collect();
    let expected: BTreeMap<String, f64> = domains
        .iter()
        .map(|(k, v)| ((*k).to_owned(), f64::from(*v)))
        .collect();
    assert_eq!(plotted, expected);
}
