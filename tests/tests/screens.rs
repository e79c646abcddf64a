//! Snapshots of the main screens, in Dutch and in English, from the real binaries: the consent
//! prompt the inwoner answers, what the GP reads after the coach's feedback, the inwoner's
//! list of grants and her access log.
//!
//! What changes from run to run (ids, check codes, times, the server's port) is replaced by a
//! placeholder before comparing. After a deliberate change of wording, rewrite the files with
//! `RUGZAK_UPDATE_SNAPSHOTS=1 cargo test -p tests --test screens` and read the diff.

#![allow(clippy::unwrap_used, reason = "tests")]

#[allow(dead_code, reason = "each test binary uses its own part of the cast")]
mod common;

use common::Cast;
use regex::Regex;

/// The coach asks to read the questionnaires and the referral and to add intake notes and
/// feedback; returns the request's QR text.
const COACH_TERMS: [&str; 6] = [
    "--read",
    "vragenlijsten,verwijzing",
    "--append",
    "intake,terugkoppeling",
    "--days",
    "30",
];

/// `screen` with what differs per run replaced: `known` literal values first (ids, codes),
/// then local times in either language.
fn normalised(screen: &str, known: &[(&str, &str)]) -> String {
    let mut out = screen.to_owned();
    for (value, name) in known {
        out = out.replace(value, &format!("<{name}>"));
    }
    let months = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|January|February|March|April|May|June|July|August|September|October|November|December";
    let time = Regex::new(&format!(
        r"\b\d{{1,2}} ({months}) \d{{4}}(, \d{{2}}:\d{{2}})?"
    ))
    .unwrap();
    let out = time.replace_all(&out, "<tijd>");
    let port = Regex::new(r"127\.0\.0\.1:\d+").unwrap();
    let out = port.replace_all(&out, "127.0.0.1:<poort>");
    // Column widths follow the longest cell, which depends on the date (6 or 10 december,
    // mei or september): runs of spaces become two, so only the cells are compared. Trailing
    // spaces say nothing and make the files fragile to edit.
    let gaps = Regex::new(r" {2,}").unwrap();
    out.lines()
        .map(|line| gaps.replace_all(line.trim_end(), "  ").into_owned())
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn check(file: &str, got: &str) {
    let path = tests::crate_dir().join("tests/snapshots").join(file);
    if std::env::var("RUGZAK_UPDATE_SNAPSHOTS").as_deref() == Ok("1") {
        eprintln!("rewriting {}", path.display());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; see the module doc", path.display()));
    assert_eq!(
        got, want,
        "{file} differs; see the module doc to regenerate"
    );
}

#[test]
fn the_main_screens_match_their_snapshots_in_dutch_and_in_english() {
    let c = Cast::enrol();
    let gp_grant = c.grant_by_image(
        &c.gp,
        &[
            "--read",
            "intake,terugkoppeling",
            "--append",
            "verwijzing",
            "--days",
            "30",
        ],
    );
    let coach_grant = c.grant_by_image(&c.coach, &COACH_TERMS);
    let feedback = c.coach.json(&[
        "append",
        &c.vault,
        "--kind",
        "feedback",
        "Terugkoppeling: Annelies loopt sinds twee weken mee met de wandelgroep. Zij voelt zich minder alleen.",
        "--yes",
    ]);
    // A second request of the coach stays unanswered: its prompt is the screen to snapshot.
    let request = c.request(&c.coach, &COACH_TERMS);
    let qr = request["qr_text"].as_str().unwrap();

    let item = feedback["item"].as_str().unwrap().to_owned();
    let grants = c.annelies.json(&["grants"]);
    // Full values first, then the short forms the tables show (8 characters of an id, the check
    // code in two groups of three).
    let mut values: Vec<(String, String)> = vec![
        (c.vault.clone(), "kluis".into()),
        (gp_grant.clone(), "toestemming-huisarts".into()),
        (coach_grant.clone(), "toestemming-coach".into()),
        (item.clone(), "item".into()),
    ];
    for (id, name) in values.clone() {
        values.push((id[..8].to_owned(), name));
    }
    for g in grants["grants"].as_array().unwrap() {
        let digits = g["check_code"].as_str().unwrap();
        let name = if g["grant"] == gp_grant.as_str() {
            "code-huisarts"
        } else {
            "code-coach"
        };
        values.push((format!("{} {}", &digits[..3], &digits[3..]), name.into()));
    }
    let known: Vec<(&str, &str)> = values
        .iter()
        .map(|(v, n)| (v.as_str(), n.as_str()))
        .collect();
    for lang in ["nl", "en"] {
        let prompt = c.annelies.fails(&["--lang", lang, "grant", "--text", qr]);
        // Without a terminal the prompt is refused with the summary the inwoner would have
        // approved: that summary is the screen.
        let with_code = known.to_vec();
        let screens = [
            ("toestemming vragen", prompt),
            (
                "huisarts leest",
                c.gp.ok(&["--lang", lang, "read", &c.vault, "--yes"]),
            ),
            ("toestemmingen", c.annelies.ok(&["--lang", lang, "grants"])),
            ("logboek", c.annelies.ok(&["--lang", lang, "log"])),
        ];
        let got: String = screens
            .iter()
            .map(|(name, screen)| format!("=== {name} ===\n{}", normalised(screen, &with_code)))
            .collect::<Vec<_>>()
            .join("\n");
        check(&format!("screens-{lang}.txt"), &got);
        if lang == "en" {
            for dutch in [" wil uw ", "Goedkeuren", "lezen", "huisarts)", "Wie"] {
                assert!(!got.contains(dutch), "Dutch {dutch:?} in English: {got}");
            }
        } else {
            for english in ["Approve", " wants ", "read by", "Who"] {
                assert!(
                    !got.contains(english),
                    "English {english:?} in Dutch: {got}"
                );
            }
        }
    }

    // A read the server refuses is not described as the parts of the grant: the GP, revoked,
    // reached nothing.
    let _ = c.annelies.ok(&["revoke", &gp_grant]);
    let _ = c.gp.fails(&["read", &c.vault, "--yes"]);
    let log = c.annelies.ok(&["log"]);
    let refused = log.lines().last().unwrap();
    assert!(
        refused.contains("geweigerd") && refused.contains("uw rugzak"),
        "{log}"
    );
    assert!(!refused.contains("onderdelen uit de toestemming"), "{log}");
    let allowed = log.lines().find(|l| l.contains("gelezen")).unwrap();
    assert!(allowed.contains("onderdelen uit de toestemming"), "{log}");
}
