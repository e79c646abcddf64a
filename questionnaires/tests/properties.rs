//! Property tests: scoring formulas hold for every possible answer set, anything out of range is
//! refused, and responses and Observations read back to the same scores.

mod common;

use std::sync::OnceLock;

use common::*;
use proptest::prelude::*;
use questionnaires::answer::parse_response;
use questionnaires::catalog::{PSS_10, VLQ};
use questionnaires::score::parse_observation;
use questionnaires::{AnswerError, Completed, FillError, Instrument, Points, ScoreSheet};

fn pss() -> &'static Instrument {
    static I: OnceLock<Instrument> = OnceLock::new();
    I.get_or_init(|| instrument(PSS_10))
}

fn vlq() -> &'static Instrument {
    static I: OnceLock<Instrument> = OnceLock::new();
    I.get_or_init(|| instrument(VLQ))
}

const REVERSED: [usize; 4] = [4, 5, 7, 8];

proptest! {
    #[test]
    fn pss_total_is_the_sum_with_items_4_5_7_8_reversed(raw in prop::array::uniform10(0u8..=4)) {
        let sheet = score(pss(), &pss_answers(raw), T0);
        let expected: i64 = raw
            .iter()
            .enumerate()
            .map(|(i, a)| if REVERSED.contains(&(i + 1)) { 4 - i64::from(*a) } else { i64::from(*a) })
            .sum();
        let total = sheet.total().expect("total");
        prop_assert_eq!(total.value, Points::whole(expected));
        let band = match expected { 0..=13 => "laag", 14..=26 => "matig", _ => "hoog" };
        prop_assert_eq!(total.band.as_ref().map(|b| b.code.as_str()), Some(band));
    }

    #[test]
    fn vlq_composite_is_the_mean_of_products_and_gaps_follow_the_rule(
        importance in prop::array::uniform10(1i64..=10),
        consistency in prop::array::uniform10(1i64..=10),
    ) {
        let sheet = score(vlq(), &vlq_answers(importance, consistency), T0);
        let products: Vec<i64> = importance.iter().zip(&consistency).map(|(i, c)| i * c).collect();
        // Mean of ten whole numbers, in hundredths: exact.
        let composite = Points::from_hundredths(products.iter().sum::<i64>() * 10);
        prop_assert_eq!(sheet.total().map(|t| t.value), Some(composite));
        for (k, part) in sheet.parts().iter().enumerate() {
            prop_assert_eq!(part.value, Points::whole(products[k]));
            let gap = importance[k] >= 7 && importance[k] - consistency[k] >= 3;
            prop_assert_eq!(part.gap, gap, "domain {}", part.key);
        }
    }

    #[test]
    fn vlq_refuses_any_value_outside_1_to_10(
        domain in 0usize..10,
        consistency_side in any::<bool>(),
        bad in prop_oneof![i64::MIN..=0, 11..=i64::MAX],
    ) {
        let mut importance = [5; 10];
        let mut consistency = [5; 10];
        if consistency_side { consistency[domain] = bad } else { importance[domain] = bad }
        let err = Completed::from_answers_json(vlq().clone(), &vlq_answers(importance, consistency), T0)
            .expect_err("out of range");
        let link = format!("{}.{}", if consistency_side { "consistentie" } else { "belang" }, VLQ_DOMAINS[domain]);
        let named = matches!(&err, FillError::Invalid(AnswerError::OutOfRange { question, .. }) if question.link_id == link);
        prop_assert!(named, "{:?}", err);
    }

    #[test]
    fn pss_refuses_any_code_outside_the_options(item in 0usize..10, code in "[0-9]{1,3}|[a-z]{1,5}") {
        prop_assume!(!["0", "1", "2", "3", "4"].contains(&code.as_str()));
        let mut answers: serde_json::Value = serde_json::from_str(&pss_answers([2; 10])).expect("json");
        answers[format!("pss-{}", item + 1)] = code.into();
        let err = Completed::from_answers_json(pss().clone(), &answers.to_string(), T0).expect_err("not an option");
        let named = matches!(&err, FillError::Invalid(AnswerError::NotAnOption { question, .. }) if question.link_id == format!("pss-{}", item + 1));
        prop_assert!(named, "{:?}", err);
    }

    #[test]
    fn responses_and_observations_read_back_to_the_same_scores(
        raw in prop::array::uniform10(0u8..=4),
        at in 0i64..4_102_444_800,
    ) {
        let done = fill(pss(), &pss_answers(raw), at);
        let sheet = done.score().expect("score");
        let response = serde_json::to_vec(&done.response(None)).expect("json");
        let again = Completed::from_response(pss().clone(), &parse_response(&response).expect("parses"))
            .expect("valid");
        prop_assert_eq!(again.score().expect("score"), sheet.clone());
        let obs = serde_json::to_vec(&sheet.observation(None, None)).expect("json");
        let back = ScoreSheet::from_observation(pss(), &parse_observation(&obs).expect("parses")).expect("reads");
        prop_assert_eq!(back, sheet);
    }
}
