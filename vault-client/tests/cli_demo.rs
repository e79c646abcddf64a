//! The real `rugzak` binary over HTTP against the in-memory contract server: the demo
//! journey, and the error messages people see.

#![allow(clippy::unwrap_used, reason = "tests")]

#[allow(
    dead_code,
    reason = "each test binary uses its own part of the fake server"
)]
mod fake;

use std::process::{Command, Output};

fn rugzak(server: &str, home: &std::path::Path, pass: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rugzak"))
        .arg("--server")
        .arg(server)
        .arg("--home")
        .arg(home)
        .args(args)
        .env("RUGZAK_PASSPHRASE", pass)
        .env("RUGZAK_SCRYPT_WORK_FACTOR", "10")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn demo_plays_the_whole_journey() {
    let server = fake::http::spawn();
    let dir = tempfile::tempdir().unwrap();
    let out = rugzak(
        &server,
        &dir.path().join("x"),
        "p",
        &["demo", "--dir", &dir.path().display().to_string()],
    );
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    for step in 1..=9 {
        assert!(
            all.contains(&format!("Stap {step} ")),
            "step {step} missing:\n{all}"
        );
    }
    assert!(all.contains("Intake: Annelies"), "{all}");
    assert!(all.contains("refused, as expected"), "{all}");
    assert!(all.contains("grant_revoked"), "{all}");
}

#[test]
fn wrong_passphrase_and_unreachable_server_say_what_to_do() {
    let server = fake::http::spawn();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("annelies");
    assert!(rugzak(&server, &home, "goed", &["init"]).status.success());
    let out = rugzak(&server, &home, "fout", &["list"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("wrong passphrase"), "{}", text(&out));

    let out = rugzak(
        "http://127.0.0.1:9",
        &dir.path().join("new"),
        "p",
        &["init"],
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("cannot reach the server"),
        "{}",
        text(&out)
    );
}

#[test]
fn unreadable_qr_image_is_explained() {
    let server = fake::http::spawn();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("annelies");
    assert!(rugzak(&server, &home, "p", &["init"]).status.success());
    let bogus = dir.path().join("foto.png");
    image::GrayImage::from_pixel(64, 64, image::Luma([255]))
        .save(&bogus)
        .unwrap();
    let out = rugzak(
        &server,
        &home,
        "p",
        &["grant", "--image", &bogus.display().to_string(), "--yes"],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("no readable QR code"), "{}", text(&out));
}

#[test]
#[ignore = "prints the demo for a person to read: cargo test -p vault-client --test cli_demo -- --ignored --nocapture"]
#[allow(clippy::print_stdout, reason = "this test exists to print the demo")]
fn print_demo() {
    let server = fake::http::spawn();
    let dir = tempfile::tempdir().unwrap();
    let out = rugzak(
        &server,
        &dir.path().join("x"),
        "p",
        &["demo", "--dir", &dir.path().display().to_string()],
    );
    println!("{}", text(&out));
}

#[test]
fn questionnaire_results_show_scores_and_trend() {
    let server = fake::http::spawn();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("annelies");
    assert!(rugzak(&server, &home, "p", &["init"]).status.success());
    let answers = dir.path().join("a.json");
    for level in ["3", "1"] {
        let json = (1..=10)
            .map(|i| format!("\"pss-{i}\":\"{level}\""))
            .collect::<Vec<_>>()
            .join(",");
        std::fs::write(&answers, format!("{{{json}}}")).unwrap();
        let out = rugzak(
            &server,
            &home,
            "p",
            &[
                "vragenlijst",
                "fill",
                "pss-10",
                "--answers",
                &answers.display().to_string(),
            ],
        );
        assert!(out.status.success(), "{}", text(&out));
    }
    let out = rugzak(&server, &home, "p", &["--json", "vragenlijst", "results"]);
    assert!(out.status.success(), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["results"].as_array().unwrap().len(), 2);
    assert_eq!(json["trends"].as_array().unwrap().len(), 1, "{json}");
}

#[test]
fn a_programme_is_started_followed_and_reflected_on() {
    let server = fake::http::spawn();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("annelies");
    assert!(rugzak(&server, &home, "p", &["init"]).status.success());
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
    let run = |args: &[&str]| {
        let out = rugzak(&server, &home, "p", args);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        text(&out)
    };
    assert!(run(&["programma", "list"]).contains("stress"));
    let _ = run(&["programma", "start", "stress"]);
    let _ = run(&["programma", "done", "stress", &first]);
    let _ = run(&[
        "programma",
        "reflect",
        "stress",
        &reflection,
        "Wandelen helpt mij.",
    ]);
    let out = rugzak(&server, &home, "p", &["--json", "programma", "status"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["programmes"].as_array().unwrap().len(), 1, "{json}");
    let refused = rugzak(
        &server,
        &home,
        "p",
        &["programma", "reflect", "stress", &first, "x"],
    );
    assert!(!refused.status.success());
}

#[test]
fn interactive_fill_goes_back_and_scores_and_fhir_export_holds_it() {
    use std::io::Write as _;
    let server = fake::http::spawn();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("annelies");
    assert!(rugzak(&server, &home, "p", &["init"]).status.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_rugzak"))
        .args(["--server", &server, "--home"])
        .arg(&home)
        .args(["vragenlijst", "fill", "pss-10"])
        .env("RUGZAK_PASSPHRASE", "p")
        .env("RUGZAK_SCRYPT_WORK_FACTOR", "10")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Answer 4 to the first, go back, answer 2, then 2 to the rest: total 20.
    let input = format!("4\nterug\n{}", "2\n".repeat(10));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("Vraag / question 1 / 10"), "{all}");
    assert!(all.contains("Totaalscore: 20"), "{all}");

    let bundle = dir.path().join("bundle.json");
    let out = rugzak(
        &server,
        &home,
        "p",
        &["export", "--fhir", "--out", &bundle.display().to_string()],
    );
    assert!(out.status.success(), "{}", text(&out));
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
