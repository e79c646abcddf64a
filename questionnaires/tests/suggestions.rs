//! Suggestion rules: what each shipped rule advises, with the score it rests on.

mod common;

use common::*;
use questionnaires::catalog::{POSITIEVE_GEZONDHEID_KORT, PSS_10, ZRM_2017};
use questionnaires::{suggestions, Lang, Points, Programme, RuleError, RuleSet, SuggestionKind};

fn kinds(s: &[questionnaires::Suggestion]) -> Vec<(SuggestionKind, Option<&str>)> {
    s.iter().map(|s| (s.kind, s.programme.as_deref())).collect()
}

/// ZRM levels: 3 everywhere, with `changes` as (domain index, level).
fn zrm_levels(changes: &[(usize, u8)]) -> [u8; 13] {
    let mut levels = [3; 13];
    for &(i, l) in changes {
        levels[i] = l;
    }
    levels
}

const GEESTELIJKE_GEZONDHEID: usize = 5;
const SOCIAAL_NETWERK: usize = 10;

#[test]
fn pss_high_total_advises_the_huisarts_as_well_as_the_programme() {
    let pss = instrument(PSS_10);
    // Items 4, 5, 7 and 8 are reversed: 4+4+4+3+3+4+3+3+2+0 = 30.
    let sheet = score(&pss, &pss_answers([4, 4, 4, 1, 1, 4, 1, 1, 2, 0]), T0);
    let total = sheet.total().expect("total").value;
    assert_eq!(total, Points::whole(30));
    let s = suggestions(std::slice::from_ref(&sheet)).expect("rules");
    assert_eq!(
        kinds(&s),
        [
            (SuggestionKind::ContactGp, None),
            (SuggestionKind::Programme, Some("stress"))
        ]
    );
    let gp = &s[0].reasons[0];
    assert_eq!(gp.rule, "pss-hoog");
    assert_eq!(
        (gp.score.instrument.as_str(), gp.score.measure.as_str()),
        ("pss-10", "totaal")
    );
    assert_eq!(gp.score.value, Points::whole(30));
    assert_eq!(gp.score.band.as_ref().map(|b| b.key.as_str()), Some("hoog"));
    assert!(!gp.score.self_rated);
    let text = s[0].describe(Lang::Nl, &Programme::builtin().expect("programmes"));
    assert!(
        text.starts_with("Neem contact op met uw huisarts"),
        "{text}"
    );
    assert!(text.contains("Totaalscore: 30 — hoog"), "{text}");
    // A later moderate total (3*8 + 1 + 1 = 26) gives the programme only.
    let moderate = score(&pss, &pss_answers([3, 3, 3, 1, 1, 3, 1, 1, 1, 1]), T0 + DAY);
    assert_eq!(moderate.total().expect("total").value, Points::whole(26));
    let s = suggestions(&[sheet, moderate]).expect("rules");
    assert_eq!(kinds(&s), [(SuggestionKind::Programme, Some("stress"))]);
}

#[test]
fn zrm_level_1_advises_the_huisarts_not_a_self_help_module() {
    let zrm = instrument(ZRM_2017);
    let sheet = score(
        &zrm,
        &zrm_answers("professional", zrm_levels(&[(SOCIAAL_NETWERK, 1)])),
        T0,
    );
    let s = suggestions(std::slice::from_ref(&sheet)).expect("rules");
    assert_eq!(kinds(&s), [(SuggestionKind::ContactGp, None)]);
    let reason = &s[0].reasons[0];
    assert_eq!(reason.score.measure, "sociaal-netwerk");
    assert_eq!(reason.score.value, Points::whole(1));
    assert!(reason.text.nl.contains("acute problematiek (1)"));
    assert!(
        !reason.text.nl.contains("zelfredzaam"),
        "level 1 is not named a zelfredzaam level"
    );
    // Two acute domains: one piece of advice with two reasons.
    let two = score(
        &zrm,
        &zrm_answers("professional", zrm_levels(&[(0, 1), (SOCIAAL_NETWERK, 1)])),
        T0 + DAY,
    );
    let s = suggestions(&[two]).expect("rules");
    let domains: Vec<&str> = s[0]
        .reasons
        .iter()
        .map(|r| r.score.measure.as_str())
        .collect();
    assert_eq!(domains, ["financien", "sociaal-netwerk"]);
}

#[test]
fn zrm_acute_mental_health_names_113_first() {
    let zrm = instrument(ZRM_2017);
    let sheet = score(
        &zrm,
        &zrm_answers("professional", zrm_levels(&[(GEESTELIJKE_GEZONDHEID, 1)])),
        T0,
    );
    let s = suggestions(&[sheet]).expect("rules");
    assert_eq!(
        kinds(&s),
        [
            (SuggestionKind::CrisisLine, None),
            (SuggestionKind::ContactGp, None)
        ]
    );
    let text = s[0].describe(Lang::Nl, &[]);
    for needle in ["113 Zelfmoordpreventie", "0800-0113", "113.nl"] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    let en = s[0].describe(Lang::En, &[]);
    assert!(en.contains("0800-0113") && !en.contains("Bel "), "{en}");
}

#[test]
fn zrm_reason_uses_the_right_level_names_and_marks_self_rating() {
    let zrm = instrument(ZRM_2017);
    let by_coach = score(
        &zrm,
        &zrm_answers("professional", zrm_levels(&[(SOCIAAL_NETWERK, 2)])),
        T0,
    );
    let s = suggestions(&[by_coach]).expect("rules");
    assert_eq!(
        kinds(&s),
        [(SuggestionKind::Programme, Some("eenzaamheid"))]
    );
    let reason = &s[0].reasons[0];
    assert!(
        reason.text.nl.contains("niet zelfredzaam (2)"),
        "{}",
        reason.text.nl
    );
    assert!(!reason.text.nl.contains("niet of niet voldoende"));
    assert_eq!(
        reason.score.level.as_ref().map(|l| l.nl.as_str()),
        Some("Niet zelfredzaam")
    );
    assert!(!reason.score.self_rated);
    assert!(!reason.describe(Lang::Nl).contains("zelf ingevuld"));
    // The same rating by the inwoner themself is marked as self-rated.
    let own = score(
        &zrm,
        &zrm_answers("zelf", zrm_levels(&[(SOCIAAL_NETWERK, 2)])),
        T0,
    );
    let s = suggestions(&[own]).expect("rules");
    let reason = &s[0].reasons[0];
    assert!(reason.score.self_rated);
    assert!(
        reason.describe(Lang::Nl).contains("zelf ingevuld"),
        "{}",
        reason.describe(Lang::Nl)
    );
    assert!(reason.describe(Lang::En).contains("self-rated"));
    let json = serde_json::to_value(&s).expect("json");
    assert_eq!(json[0]["reasons"][0]["score"]["self_rated"], true);
    assert_eq!(json[0]["kind"], "programme");
    // Level 3 (beperkt zelfredzaam) and up give nothing.
    let fine = score(&zrm, &zrm_answers("zelf", [3; 13]), T0);
    assert!(suggestions(&[fine]).expect("rules").is_empty());
}

#[test]
fn very_low_mental_wellbeing_advises_113_huisarts_and_the_programme() {
    let pg = instrument(POSITIEVE_GEZONDHEID_KORT);
    let low = score(&pg, &pg_answers([6, 2, 6, 6, 6, 6]), T0);
    let s = suggestions(&[low]).expect("rules");
    assert_eq!(
        kinds(&s),
        [
            (SuggestionKind::CrisisLine, None),
            (SuggestionKind::ContactGp, None),
            (SuggestionKind::Programme, Some("somberheid"))
        ]
    );
    assert!(s[0].reasons[0].text.nl.contains("0800-0113"));
    // 3 or 4: the programme only.
    let lowish = score(&pg, &pg_answers([6, 3, 6, 6, 6, 6]), T0 + DAY);
    let s = suggestions(&[lowish]).expect("rules");
    assert_eq!(kinds(&s), [(SuggestionKind::Programme, Some("somberheid"))]);
}

#[test]
fn rule_files_pair_kinds_and_programmes() {
    let rules = RuleSet::builtin().expect("rules");
    rules
        .check(&catalog(), &Programme::builtin().expect("programmes"))
        .expect("no dangling names");
    let mut v: serde_json::Value =
        serde_json::from_str(include_str!("../definitions/suggestion-rules.json")).expect("json");
    // A huisarts rule naming a programme is refused, and so is a programme rule without one.
    v["rules"][0]["programme"] = "stress".into();
    assert_eq!(
        RuleSet::from_json(&v.to_string()),
        Err(RuleError::Programme("pss-hoog".into()))
    );
    let mut v: serde_json::Value =
        serde_json::from_str(include_str!("../definitions/suggestion-rules.json")).expect("json");
    v["rules"][1]
        .as_object_mut()
        .expect("object")
        .remove("programme");
    assert_eq!(
        RuleSet::from_json(&v.to_string()),
        Err(RuleError::Programme("pss-stress".into()))
    );
}
