//! Loading Questionnaires: any ordinalValue-scored file the same way, refusing what cannot be
//! honoured; a licence holder's ZRM criteria; the catalog.

mod common;

use common::*;
use questionnaires::catalog::{builtin_json, POSITIEVE_GEZONDHEID_KORT, PSS_10, ZRM_2017};
use questionnaires::{
    AnswerKind, CatalogError, CriteriaError, Instrument, LoadError, Points, Scoring,
};
use serde_json::{json, Value};

const ORDINAL: &str = "http://hl7.org/fhir/StructureDefinition/ordinalValue";

fn option(code: &str, display: &str, ordinal: f64) -> Value {
    json!({"valueCoding": {"extension": [{"url": ORDINAL, "valueDecimal": ordinal}], "code": code, "display": display}})
}

fn choice(link: &str, ordinals: &[f64]) -> Value {
    let options: Vec<Value> = ordinals
        .iter()
        .enumerate()
        .map(|(i, o)| option(&i.to_string(), &format!("Optie {i}"), *o))
        .collect();
    json!({"linkId": link, "text": format!("Vraag {link}"), "type": "choice", "required": true, "answerOption": options})
}

/// A foreign questionnaire: two groups of ordinal-scored choice items, no Rugzak extensions.
fn foreign() -> Value {
    json!({
        "resourceType": "Questionnaire",
        "id": "vreemd",
        "url": "https://example.invalid/ander/Questionnaire/vreemd",
        "title": "Een vreemde vragenlijst",
        "status": "active",
        "item": [
            {"linkId": "a", "text": "Deel A", "type": "group", "item": [choice("a1", &[0.0, 1.0, 2.0]), choice("a2", &[0.0, 1.0, 2.0])]},
            {"linkId": "b", "text": "Deel B", "type": "group", "item": [choice("b1", &[0.0, 0.5, 3.0])]},
            {"linkId": "c", "text": "Opmerking", "type": "string"}
        ]
    })
}

fn load(v: &Value) -> Result<Instrument, LoadError> {
    Instrument::from_json(&v.to_string())
}

#[test]
fn every_shipped_questionnaire_loads() {
    assert_eq!(builtin_json().len(), 5);
    let keys: Vec<String> = catalog()
        .list()
        .iter()
        .map(|i| i.key().to_owned())
        .collect();
    assert_eq!(
        keys,
        [
            "pss-10",
            "vlq",
            "zrm-2017",
            "positieve-gezondheid-kort",
            "check-in"
        ]
    );
    for i in catalog().list() {
        assert!(i.title().en.is_some(), "{} has an English title", i.key());
        for q in i.questions() {
            assert!(
                q.text.en.is_some(),
                "{} {} has English text",
                i.key(),
                q.link_id
            );
        }
    }
}

#[test]
fn any_ordinal_value_questionnaire_scores_as_a_sum_with_group_subscores() {
    let instrument = load(&foreign()).expect("loads");
    assert_eq!(instrument.scoring(), Scoring::Sum);
    assert_eq!(instrument.direction(), None);
    let total = instrument.total().expect("total");
    assert_eq!((total.min, total.max), (Points::ZERO, Points::whole(7)));
    let answers = json!({"a1": "2", "a2": "1", "b1": "1", "c": "niets"}).to_string();
    let sheet = score(&instrument, &answers, T0);
    // 2 + 1 + 0.5 = 3.5; subtotals A = 3, B = 0.5.
    assert_eq!(
        sheet.total().map(|t| t.value),
        Some(Points::from_hundredths(350))
    );
    assert_eq!(sheet.measure("a").map(|m| m.value), Some(Points::whole(3)));
    assert_eq!(
        sheet.measure("b").map(|m| m.value),
        Some(Points::from_hundredths(50))
    );
    // Decimal totals become a Quantity; they read back the same.
    let obs = sheet.observation(None, None);
    assert!(obs.value_integer.is_none());
    assert_eq!(
        questionnaires::ScoreSheet::from_observation(&instrument, &obs),
        Ok(sheet)
    );
    // The unscored string is optional; a missing scored item is not.
    let missing = json!({"a1": "2", "b1": "1"}).to_string();
    assert!(questionnaires::Completed::from_answers_json(instrument, &missing, T0).is_err());
}

#[test]
fn ordinal_value_on_the_answer_option_is_read_too() {
    let mut v = foreign();
    let opt = &mut v["item"][0]["item"][0]["answerOption"][2];
    let ext = opt["valueCoding"]["extension"].take();
    opt["valueCoding"]
        .as_object_mut()
        .expect("object")
        .remove("extension");
    opt["extension"] = ext;
    let instrument = load(&v).expect("loads");
    let q = instrument.question("a1").expect("a1");
    assert_eq!(
        q.option("2").and_then(|o| o.ordinal),
        Some(Points::whole(2))
    );
}

#[test]
fn what_the_engine_cannot_honour_is_refused_by_name() {
    type Change = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(Change, LoadError)> = vec![
        (
            Box::new(|v| {
                v["item"][0]["item"][0]["enableWhen"] =
                    json!([{"question": "b1", "operator": "exists", "answerBoolean": true}])
            }),
            LoadError::Unsupported {
                link_id: "a1".into(),
                feature: "enableWhen",
            },
        ),
        (
            Box::new(|v| v["item"][0]["item"][0]["repeats"] = json!(true)),
            LoadError::Unsupported {
                link_id: "a1".into(),
                feature: "repeats",
            },
        ),
        (
            Box::new(|v| v["item"][1]["item"][0]["linkId"] = json!("a1")),
            LoadError::DuplicateLinkId("a1".into()),
        ),
        (
            Box::new(|v| v["item"][2]["type"] = json!("date")),
            LoadError::UnsupportedType {
                link_id: "c".into(),
                item_type: "date".into(),
            },
        ),
        (
            Box::new(|v| v["item"][2]["answerValueSet"] = json!("http://example.invalid/vs")),
            LoadError::Unsupported {
                link_id: "c".into(),
                feature: "answerValueSet",
            },
        ),
        (
            Box::new(|v| {
                v["item"][0]["item"][0]["answerOption"][1]["valueCoding"]["extension"] = json!([])
            }),
            LoadError::BadOption {
                link_id: "a1".into(),
                reason: "ordinalValue bij sommige opties maar niet bij alle",
            },
        ),
        (
            Box::new(|v| {
                v["item"][0]["item"][0]["answerOption"][1]["valueCoding"]["extension"][0]
                    ["valueDecimal"] = json!(0.125)
            }),
            LoadError::BadOption {
                link_id: "a1".into(),
                reason: "ordinalValue is geen getal met hoogstens twee decimalen",
            },
        ),
        (
            Box::new(|v| {
                v["item"][0]["item"][0]["answerOption"][1]["valueCoding"]["code"] = json!("0")
            }),
            LoadError::BadOption {
                link_id: "a1".into(),
                reason: "dubbele code",
            },
        ),
        (
            Box::new(|v| {
                v["item"][0]["item"][0]
                    .as_object_mut()
                    .map(|o| o.remove("text"))
                    .map(drop)
                    .unwrap_or(())
            }),
            LoadError::Incomplete("a1".into()),
        ),
        (
            Box::new(|v| v["id"] = json!("geen_geldige_id")),
            LoadError::Missing("id"),
        ),
        (
            Box::new(|v| v["resourceType"] = json!("Patient")),
            LoadError::NotAQuestionnaire,
        ),
        (
            Box::new(
                |v| v["extension"] = json!([{"url": "https://example.invalid/rugzak/fhir/StructureDefinition/scoring", "valueCode": "median"}]),
            ),
            LoadError::BadExtension {
                url: "https://example.invalid/rugzak/fhir/StructureDefinition/scoring",
                value: "median".into(),
            },
        ),
    ];
    for (change, expected) in cases {
        let mut v = foreign();
        change(&mut v);
        assert_eq!(load(&v).err(), Some(expected));
    }
    assert!(matches!(
        Instrument::from_json("{"),
        Err(LoadError::Json(_))
    ));
}

#[test]
fn bands_must_cover_the_total_exactly() {
    let band = |min: i64, max: i64, code: &str| {
        json!({"url": "https://example.invalid/rugzak/fhir/StructureDefinition/score-band", "extension": [
            {"url": "min", "valueInteger": min}, {"url": "max", "valueInteger": max},
            {"url": "band", "valueCoding": {"system": "https://example.invalid/b", "code": code, "display": code}}]})
    };
    let mut v = foreign();
    v["item"][1]["item"][0] = choice("b1", &[0.0, 1.0, 3.0]); // whole totals 0..=7
    let mut ok = v.clone();
    ok["extension"] = json!([band(0, 3, "laag"), band(4, 7, "hoog")]);
    let instrument = load(&ok).expect("bands cover 0–7");
    assert_eq!(
        instrument
            .band_of(Points::whole(4))
            .map(|b| b.code.as_str()),
        Some("hoog")
    );
    for bands in [
        json!([band(0, 3, "laag"), band(5, 7, "hoog")]), // gap at 4
        json!([band(0, 4, "laag"), band(4, 7, "hoog")]), // overlap at 4
        json!([band(0, 3, "laag"), band(4, 8, "hoog")]), // past the maximum
        json!([band(1, 3, "laag"), band(4, 7, "hoog")]), // misses 0
    ] {
        let mut bad = v.clone();
        bad["extension"] = bands;
        assert_eq!(load(&bad).err(), Some(LoadError::BadBands));
    }
}

#[test]
fn licence_holder_can_add_zrm_criteria_per_cell() {
    let zrm = instrument(ZRM_2017);
    let cells = |skip: Option<(&str, &str)>| {
        let mut criteria = serde_json::Map::new();
        for d in ZRM_DOMAINS {
            let mut levels = serde_json::Map::new();
            for l in ["1", "2", "3", "4", "5"] {
                if skip != Some((d, l)) {
                    levels.insert(l.into(), json!({"nl": format!("Verzonnen criterium {d} {l}"), "en": format!("Made-up criterion {d} {l}")}));
                }
            }
            criteria.insert(d.into(), Value::Object(levels));
        }
        criteria
    };
    let file = |criteria: serde_json::Map<String, Value>| {
        json!({"format": "rugzak-criteria/1", "instrument": "zrm-2017", "criteria": criteria})
            .to_string()
    };
    let with = zrm
        .clone()
        .with_criteria(&file(cells(None)))
        .expect("complete criteria load");
    let q = with.question("sociaal-netwerk").expect("domain");
    let AnswerKind::Choice(options) = &q.kind else {
        panic!("choice")
    };
    assert_eq!(
        options[1].criteria.as_ref().map(|c| c.nl.as_str()),
        Some("Verzonnen criterium sociaal-netwerk 2")
    );
    assert!(with
        .question("beoordelaar")
        .and_then(|q| q.option("zelf"))
        .and_then(|o| o.criteria.as_ref())
        .is_none());
    // Criteria are display text only: scores and responses are the same as without them.
    let answers = zrm_answers("professional", [3; 13]);
    assert_eq!(
        score(&with, &answers, T0).parts(),
        score(&zrm, &answers, T0).parts()
    );

    assert_eq!(
        zrm.clone()
            .with_criteria(&file(cells(Some(("justitie", "4")))))
            .err(),
        Some(CriteriaError::MissingCell {
            domain: "justitie".into(),
            level: "4".into()
        })
    );
    let mut extra = cells(None);
    extra.insert("ouderschap".into(), json!({"1": {"nl": "x"}}));
    assert_eq!(
        zrm.clone().with_criteria(&file(extra)).err(),
        Some(CriteriaError::UnknownDomain("ouderschap".into()))
    );
    let mut extra = cells(None);
    extra["financien"]["6"] = json!({"nl": "x"});
    assert_eq!(
        zrm.clone().with_criteria(&file(extra)).err(),
        Some(CriteriaError::UnknownCell {
            domain: "financien".into(),
            level: "6".into()
        })
    );
    let mut missing = cells(None);
    missing.remove("huisvesting");
    assert_eq!(
        zrm.clone().with_criteria(&file(missing)).err(),
        Some(CriteriaError::MissingDomain("huisvesting".into()))
    );
    let other =
        json!({"format": "rugzak-criteria/1", "instrument": "pss-10", "criteria": {}}).to_string();
    assert_eq!(
        zrm.clone().with_criteria(&other).err(),
        Some(CriteriaError::OtherInstrument)
    );
    assert_eq!(zrm.with_criteria("[]").err(), Some(CriteriaError::Json));
}

#[test]
fn catalog_adds_licensed_instruments_and_refuses_clashes() {
    let mut catalog = catalog();
    let full = Instrument::positieve_gezondheid_full(PG_FULL_FILE).expect("loads");
    catalog.add(full.clone()).expect("added");
    assert_eq!(catalog.get("mpg-42-testbestand"), Some(&full));
    assert_eq!(
        catalog.by_canonical(&format!("{}|0.0.1", full.url())),
        Some(&full)
    );
    // Replacing the ZRM with its criteria-enriched self is allowed.
    let zrm = catalog.get(ZRM_2017).expect("zrm").clone();
    catalog.add(zrm).expect("replaced");
    // Reusing a key with another URL is not.
    let mut v: Value = serde_json::from_str(builtin_json()[3]).expect("json");
    v["url"] = json!("https://example.invalid/elders");
    let clash = Instrument::from_json(&v.to_string()).expect("loads");
    assert_eq!(clash.key(), POSITIEVE_GEZONDHEID_KORT);
    assert_eq!(
        catalog.add(clash),
        Err(CatalogError::Duplicate(POSITIEVE_GEZONDHEID_KORT.into()))
    );
    assert!(catalog.get(PSS_10).is_some());
}
