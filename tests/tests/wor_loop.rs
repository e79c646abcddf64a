//! The Welzijn op Recept loop end to end, with the real binaries: the GP refers, the coach
//! reads the referral and the scores, writes an intake and feedback, the GP reads the
//! feedback; an appender sees only what it wrote; output in one language at a time.

#![allow(clippy::unwrap_used, reason = "tests")]

#[allow(dead_code, reason = "each test binary uses its own part of the cast")]
mod common;

use common::Cast;
use serde_json::Value;

/// Objects of kind `kind` among the `items` of a `--json` listing.
fn of_kind<'a>(listing: &'a Value, kind: &str) -> Vec<&'a Value> {
    listing["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == kind)
        .collect()
}

/// The GP refers (append on verwijzing) and reads intake and feedback; the coach reads the
/// referral and the questionnaires and adds intake and feedback, all with one QR each.
fn referral_cast() -> Cast {
    let c = Cast::enrol();
    let answers = c.stage.dir.path().join("pss.json");
    std::fs::write(&answers, pss_answers_high()).unwrap();
    let _ = c.annelies.ok(&[
        "vragenlijst",
        "fill",
        "pss-10",
        "--answers",
        &answers.display().to_string(),
    ]);
    c.grant_by_image(
        &c.gp,
        &[
            "--read",
            "vragenlijsten,intake,terugkoppeling",
            "--append",
            "verwijzing",
            "--days",
            "30",
        ],
    );
    c
}

/// PSS-10 answers scoring 40 (the most stress): "4" (very often) on the six negative items,
/// "0" (never) on the four positive ones (4, 5, 7, 8), which score in reverse.
fn pss_answers_high() -> String {
    let answers: serde_json::Map<String, Value> = (1..=10)
        .map(|i| {
            let code = if [4, 5, 7, 8].contains(&i) { "0" } else { "4" };
            (format!("pss-{i}"), Value::from(code))
        })
        .collect();
    Value::Object(answers).to_string()
}

fn refer(c: &Cast) {
    let _ = c.gp.ok(&[
        "append",
        &c.vault,
        "--kind",
        "referral",
        "--to",
        "Welzijn Centraal",
        "--reason",
        "Veel stress en eenzaam sinds het overlijden van haar man.",
        "--question",
        "Wilt u samen met haar zoeken naar contact in de wijk?",
        "--agreed",
        "PSS-10 en deze verwijzing",
        "--contact",
        "Praktijk Centrum, 0320-123456",
        "--yes",
    ]);
}

#[test]
fn the_coach_reads_the_gps_referral_and_the_gp_reads_the_coachs_feedback() {
    let c = referral_cast();
    refer(&c);
    c.grant_by_image(
        &c.coach,
        &[
            "--read",
            "vragenlijsten,verwijzing",
            "--append",
            "intake,terugkoppeling,programmas",
            "--days",
            "90",
        ],
    );
    // The coach reads the referral as a letter, and the score with its band.
    let read = c.coach.ok(&["read", &c.vault, "--yes"]);
    assert!(read.contains("Verwijzing aan: Welzijn Centraal"), "{read}");
    assert!(read.contains("Dr. J. de Vries (huisarts)"), "{read}");
    assert!(
        read.contains("Wilt u samen met haar zoeken naar contact in de wijk?"),
        "{read}"
    );
    let json = c.coach.json(&["read", &c.vault, "--yes"]);
    assert_eq!(json["schema"], "rugzak-items/1");
    let referral = of_kind(&json, "referral");
    assert_eq!(referral.len(), 1, "{json}");
    assert_eq!(referral[0]["body"]["to"], "Welzijn Centraal");
    assert_eq!(referral[0]["author"]["role"], "huisarts");
    let scores = of_kind(&json, "observation");
    assert_eq!(scores[0]["body"]["total"], 40, "{json}");
    assert_eq!(scores[0]["body"]["band"]["key"], "hoog", "{json}");

    let _ = c.coach.ok(&[
        "append",
        &c.vault,
        "--kind",
        "intake",
        "Intake: Annelies wil graag wandelen en mensen ontmoeten. Zij gaat naar de wandelgroep.",
        "--yes",
    ]);
    let _ = c.coach.ok(&[
        "append",
        &c.vault,
        "--kind",
        "activity",
        "--what",
        "Wandelgroep De Hoeve",
        "--where",
        "Buurthuis De Hoeve",
        "--when",
        "dinsdag 10:00",
        "--contact",
        "Karin, 06-12345678",
        "--yes",
    ]);
    let _ = c.coach.ok(&[
        "append",
        &c.vault,
        "--kind",
        "feedback",
        "Terugkoppeling: Annelies loopt sinds twee weken mee met de wandelgroep. Zij voelt zich minder alleen.",
        "--yes",
    ]);

    // The GP, with the inwoner offline, reads the coach's intake and feedback: no failure,
    // nothing kept apart, the author named from the grant the vault signed.
    let out = c.gp.run(&["--json", "read", &c.vault, "--yes"]);
    assert!(out.status.success(), "{}", tests::text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("apart"), "{stderr}");
    let gp: Value = serde_json::from_slice(&out.stdout).unwrap();
    let feedback = of_kind(&gp, "feedback");
    assert_eq!(feedback.len(), 1, "{gp}");
    assert!(feedback[0]["body"]
        .as_str()
        .unwrap()
        .contains("wandelgroep"));
    assert_eq!(feedback[0]["author"]["name"], "Sanne Bakker");
    assert_eq!(of_kind(&gp, "intake-note").len(), 1, "{gp}");
    assert!(
        of_kind(&gp, "activity").is_empty(),
        "the GP has no read on programmas"
    );
    let text = c.gp.ok(&["read", &c.vault, "--yes"]);
    assert!(text.contains("Sanne Bakker (welzijnscoach)"), "{text}");
    let flowing = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flowing.contains(
            "Annelies loopt sinds twee weken mee met de wandelgroep. Zij voelt zich minder alleen."
        ),
        "feedback in full: {text}"
    );

    // Annelies sees it all: referral, intake, activity, feedback.
    let mine = c.annelies.json(&["list"]);
    for kind in ["referral", "intake-note", "activity", "feedback"] {
        assert_eq!(of_kind(&mine, kind).len(), 1, "{kind}: {mine}");
    }
}

#[test]
fn an_append_only_coach_reads_back_its_own_items_and_nothing_else() {
    let c = Cast::enrol();
    let _ = c.annelies.ok(&["note", "add", "privé: alleen voor mij"]);
    c.grant_by_image(&c.coach, &["--append", "intake", "--lifelong"]);
    let _ = c.coach.ok(&[
        "append",
        &c.vault,
        "--kind",
        "intake",
        "Intake: wandelgroep",
        "--yes",
    ]);
    let read = c.coach.json(&["read", &c.vault, "--yes"]);
    assert_eq!(read["own_only"], true);
    let bodies: Vec<&str> = read["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["Intake: wandelgroep"]);
    let text = c.coach.ok(&["read", &c.vault, "--yes"]);
    assert!(!text.contains("privé"), "{text}");
    assert!(text.contains("alleen wat u zelf schreef"), "{text}");
    // Reading back is in Annelies's log like any access.
    let log = c.annelies.json(&["log"]);
    assert!(
        log["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["event"] == "access" && e["outcome"] == "ok"),
        "{log}"
    );
}

#[test]
fn one_request_asks_each_part_in_its_own_mode_and_the_prompt_says_so_in_one_sentence() {
    let c = Cast::enrol();
    let request = c.request(
        &c.coach,
        &[
            "--read",
            "vragenlijsten,verwijzing",
            "--append",
            "intake,terugkoppeling",
            "--days",
            "30",
        ],
    );
    let qr = request["qr_text"].as_str().unwrap();
    // Without a terminal and without --yes the prompt is shown and nothing is granted.
    let refused = c.annelies.fails(&["grant", "--text", qr]);
    assert!(
        refused.contains(
            "Sanne Bakker (welzijnscoach, Welzijn Centraal) wil uw vragenlijsten en verwijzing lezen en iets toevoegen aan intake en terugkoppeling, 30 dagen, ook wat u eerder bewaarde."
        ),
        "{refused}"
    );
    assert!(
        !refused.contains("scope") && !refused.contains(" / "),
        "{refused}"
    );
    let english = c.annelies.fails(&["--lang", "en", "grant", "--text", qr]);
    assert!(
        english.contains("Sanne Bakker (wellbeing coach"),
        "{english}"
    );
    assert!(!english.contains(" wil uw "), "one language: {english}");

    let granted = c.annelies.json(&["grant", "--text", qr, "--yes"]);
    let perms: Vec<(String, String)> = granted["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["scope"].as_str().unwrap().to_owned(),
                p["mode"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        perms,
        [
            ("vragenlijsten", "read"),
            ("verwijzing", "read"),
            ("intake", "append"),
            ("terugkoppeling", "append")
        ]
        .map(|(s, m)| (s.to_owned(), m.to_owned()))
    );
}

#[test]
fn the_inwoner_records_an_activity_and_her_reflection() {
    let c = Cast::enrol();
    let added = c.annelies.json(&[
        "activiteit",
        "add",
        "--what",
        "Wandelgroep De Hoeve",
        "--where",
        "Buurthuis De Hoeve",
        "--when",
        "dinsdag 10:00",
    ]);
    let id = added["item"].as_str().unwrap();
    let _ = c.annelies.ok(&[
        "activiteit",
        "reflect",
        &id[..8],
        "De eerste keer was spannend, maar de mensen waren aardig.",
    ]);
    let list = c.annelies.ok(&["list"]);
    assert!(list.contains("Wat: Wandelgroep De Hoeve"), "{list}");
    assert!(
        list.contains(&format!("Bij activiteit {}", &id[..8])),
        "{list}"
    );
    assert!(list.contains("de mensen waren aardig."), "{list}");
    let english = c.annelies.ok(&["--lang", "en", "list"]);
    assert!(english.contains("What: Wandelgroep De Hoeve"), "{english}");
    assert!(!english.contains("Wat: "), "one language: {english}");
}

#[test]
fn long_notes_are_wrapped_never_cut_and_times_are_dutch_local() {
    let c = Cast::enrol();
    let long = "Vandaag ben ik voor het eerst sinds maanden naar de markt gegaan. \
                Het was druk en ik werd er moe van, maar ik heb met de bakker gepraat \
                en hij vroeg hoe het met me ging. Dat deed me goed. Morgen probeer ik het weer.";
    let _ = c.annelies.ok(&["note", "add", long]);
    let out = c.annelies.ok(&["list"]);
    let joined: String = out
        .lines()
        .skip_while(|l| !l.contains("notitie"))
        .skip(1)
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(joined.contains(long), "the whole note, wrapped: {out}");
    assert!(out.lines().all(|l| l.chars().count() <= 100), "{out}");
    // "6 december 2026, 05:30"-style local time, not ISO UTC.
    let months = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ];
    assert!(months.iter().any(|m| out.contains(m)), "{out}");
    let iso_date = out
        .as_bytes()
        .windows(5)
        .any(|w| w[..4].iter().all(u8::is_ascii_digit) && w[4] == b'-');
    assert!(!iso_date && !out.contains("UTC"), "{out}");
}

#[test]
fn every_json_answer_names_its_schema() {
    let c = Cast::enrol();
    let _ = c.annelies.ok(&["note", "add", "een notitie"]);
    c.grant_by_image(&c.coach, &["--append", "intake", "--days", "7"]);
    let appended = c
        .coach
        .json(&["append", &c.vault, "--kind", "intake", "Intake", "--yes"]);
    assert_eq!(appended["schema"], "rugzak-cli/1", "{appended}");
    assert_eq!(appended["kind"], "intake-note");
    for (args, schema) in [
        (vec!["list"], "rugzak-items/1"),
        (vec!["grants"], "rugzak-cli/1"),
        (vec!["log"], "rugzak-cli/1"),
        (vec!["vragenlijst", "list"], "rugzak-cli/1"),
    ] {
        let answer = c.annelies.json(&args);
        assert_eq!(answer["schema"], schema, "{args:?}: {answer}");
    }
}
