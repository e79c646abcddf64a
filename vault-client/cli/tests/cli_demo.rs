//! The real `rugzak` binary over HTTP against the in-memory contract server: the demo
//! journey, and the error messages people see.

#![allow(clippy::unwrap_used, reason = "tests")]

#[allow(
    dead_code,
    reason = "each test binary uses its own part of the fake server"
)]
#[path = "../../core/tests/fake/mod.rs"]
mod fake;
mod fake_cli;

use fake_cli::{text, Person};

#[test]
fn demo_plays_the_whole_journey() {
    let me = Person::new();
    let out = me.run(&["demo", "--dir", &me.dir.path().display().to_string()]);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    for step in 1..=12 {
        assert!(
            all.contains(&format!("Stap {step}: ")),
            "step {step} missing:\n{all}"
        );
    }
    assert!(all.contains("Intake: Annelies"), "{all}");
    assert!(all.contains("Verwijzing aan: Welzijn Centraal"), "{all}");
    assert!(all.contains("Geweigerd, zoals verwacht"), "{all}");
    assert!(all.contains("grant_revoked"), "{all}");
}

#[test]
fn wrong_passphrase_and_unreachable_server_say_what_to_do() {
    let annelies = Person::with_vault();
    let out = annelies.run_with_passphrase("fout", &["list"]);
    assert!(!out.status.success());
    let nl = text(&out);
    assert!(
        nl.contains("Het wachtwoord klopt niet") && nl.contains("(wrong_passphrase)"),
        "{nl}"
    );
    assert!(!nl.contains("passphrase is wrong"), "one language: {nl}");
    let out = annelies.run_with_passphrase("fout", &["--lang", "en", "list"]);
    let en = text(&out);
    assert!(
        en.contains("The passphrase is wrong") && en.contains("(wrong_passphrase)"),
        "{en}"
    );
    assert!(!en.contains("wachtwoord"), "one language: {en}");

    let out = Person::using("http://127.0.0.1:9".into()).run(&["init"]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("Rugzak kan de server") && text(&out).contains("niet bereiken"),
        "{}",
        text(&out)
    );
}

#[test]
fn unreadable_qr_image_is_explained() {
    let annelies = Person::with_vault();
    let bogus = annelies.file("foto.png");
    image::GrayImage::from_pixel(64, 64, image::Luma([255]))
        .save(&bogus)
        .unwrap();
    let out = annelies.run(&["grant", "--image", &bogus.display().to_string(), "--yes"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("geen QR-code lezen"), "{}", text(&out));
}

#[test]
#[ignore = "prints the demo for a person to read: cargo test -p rugzak-cli --test cli_demo print_demo -- --ignored --nocapture"]
#[allow(clippy::print_stdout, reason = "this test exists to print the demo")]
fn print_demo() {
    let me = Person::new();
    let out = me.run(&["demo", "--dir", &me.dir.path().display().to_string()]);
    println!("{}", text(&out));
}

#[test]
fn questionnaire_results_show_scores_and_trend() {
    let annelies = Person::with_vault();
    let answers = annelies.file("a.json");
    for level in ["3", "1"] {
        let json = (1..=10)
            .map(|i| format!("\"pss-{i}\":\"{level}\""))
            .collect::<Vec<_>>()
            .join(",");
        std::fs::write(&answers, format!("{{{json}}}")).unwrap();
        let _ = annelies.ok(&[
            "vragenlijst",
            "fill",
            "pss-10",
            "--answers",
            &answers.display().to_string(),
        ]);
    }
    let json = annelies.json(&["vragenlijst", "results"]);
    assert_eq!(json["results"].as_array().unwrap().len(), 2);
    assert_eq!(json["trends"].as_array().unwrap().len(), 1, "{json}");
}

#[test]
fn a_programme_is_started_followed_and_reflected_on() {
    let annelies = Person::with_vault();
    let stress = questionnaires::Programme::builtin()
        .unwrap()
        .into_iter()
        .find(|p| p.id == "stress")
        .unwrap();
    let first = stress.steps().next().unwrap().1.id.clone();
    let reflection = stress
        .steps()
        .find(|(_, s)| matches!(s.content, questionnaires::StepContent::Reflection { .. }))
        .unwrap()
        .1
        .id
        .clone();
    assert!(annelies.ok(&["programma", "list"]).contains("stress"));
    let _ = annelies.ok(&["programma", "start", "stress"]);
    let _ = annelies.ok(&["programma", "done", "stress", &first]);
    let _ = annelies.ok(&[
        "programma",
        "reflect",
        "stress",
        &reflection,
        "Wandelen helpt mij.",
    ]);
    let json = annelies.json(&["programma", "status"]);
    assert_eq!(json["programmes"].as_array().unwrap().len(), 1, "{json}");
    let refused = annelies.run(&["programma", "reflect", "stress", &first, "x"]);
    assert!(!refused.status.success());
}

#[test]
fn interactive_fill_goes_back_and_scores_and_fhir_export_holds_it() {
    let annelies = Person::with_vault();
    // Answer 4 to the first, go back, answer 2, then 2 to the rest: total 20.
    let input = format!("4\nterug\n{}", "2\n".repeat(10));
    let out = annelies.run_typing(&["vragenlijst", "fill", "pss-10"], &input);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("Vraag 1 van 10"), "{all}");
    assert!(all.contains("Totaalscore: 20"), "{all}");

    let bundle = annelies.file("bundle.json");
    let _ = annelies.ok(&["export", "--fhir", "--out", &bundle.display().to_string()]);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
    assert_eq!(json["resourceType"], "Bundle");
    let kinds: Vec<&str> = json["entry"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["resource"]["resourceType"].as_str())
        .collect();
    assert_eq!(kinds, ["QuestionnaireResponse", "Observation"]);
}
