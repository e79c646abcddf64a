//! Recovery-code vectors (`spec/vectors/recovery.json`): secrets and their codes, inputs that
//! must be accepted (case, look-alikes, separators) and mistakes that must be caught, with the
//! group the error names. Regenerate (only after a deliberate format change) with
//! `RUGZAK_REGENERATE_VECTORS=1 cargo test -p crypto --test vectors_recovery`.

mod grants_support;
mod vector_file;

use crypto::recovery::{ALPHABET, GROUP_LEN};
use crypto::{Identity, Payload, RecoveryCode};
use grants_support::{hex, outcome, root, stored_or_regenerate};
use serde_json::{json, Value};

const ROOTS: [&str; 4] = [
    "0000000000000000000000000000000000000000000000000000000000000000",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    "2222222222222222222222222222222222222222222222222222222222222222",
];

fn code_of(root_hex: &str) -> String {
    RecoveryCode::from_root(&root(root_hex))
        .expose_grouped()
        .to_string()
}

fn with_symbol(code: &str, index: usize, c: char) -> String {
    code.chars()
        .enumerate()
        .map(|(i, old)| if i == index { c } else { old })
        .collect()
}

/// Index in the grouped text of symbol `position` (from 0) of group `group` (from 0).
const fn at(group: usize, position: usize) -> usize {
    group * (GROUP_LEN + 1) + position
}

fn swap(code: &str, i: usize, j: usize) -> String {
    let mut chars: Vec<char> = code.chars().collect();
    chars.swap(i, j);
    chars.into_iter().collect()
}

fn next_symbol(c: char) -> char {
    let i = ALPHABET.find(c).expect("alphabet symbol");
    ALPHABET.as_bytes()[(i + 1) % 32] as char
}

/// Two symbols of group 6 changed so that the group's check still holds (found by search):
/// only the 4-bit whole-code check can catch this.
fn compensating_errors(code: &str) -> String {
    let g = 5;
    for a in ALPHABET.chars() {
        for b in ALPHABET.chars() {
            let candidate = with_symbol(&with_symbol(code, at(g, 0), a), at(g, 1), b);
            if candidate != code
                && RecoveryCode::parse(&candidate)
                    .err()
                    .is_some_and(|e| format!("{e:?}") == "WholeCode")
            {
                return candidate;
            }
        }
    }
    panic!("no compensating pair found");
}

fn rejected(input: String, expected: &str) -> Value {
    let actual = outcome(&RecoveryCode::parse(&input));
    assert_eq!(actual, expected, "input {input}");
    json!({ "input": input, "expected": expected })
}

fn build() -> Value {
    let codes: Vec<Value> = ROOTS
        .iter()
        .map(|r| {
            let keys = Identity::from_root(root(r)).public();
            json!({
                "root": r,
                "code": code_of(r),
                "qr_text": Payload::Recovery(RecoveryCode::from_root(&root(r))).to_text().as_str(),
                "restores_keys": keys,
            })
        })
        .collect();
    let code = code_of(ROOTS[2]);
    let accepted: Vec<Value> = [
        code.to_lowercase(),
        code.replace('-', " "),
        code.replace('-', ""),
        code.replace('0', "O").replace('1', "I"),
        code.replace('1', "l").replace('-', "  \n"),
    ]
    .into_iter()
    .map(|input| {
        let parsed = RecoveryCode::parse(&input).expect("tolerated input");
        json!({ "input": input, "root": hex(parsed.root_secret().expose_bytes()) })
    })
    .collect();
    let typo = with_symbol(
        &code,
        at(3, 2),
        next_symbol(code.as_bytes()[at(3, 2)] as char),
    );
    let mut groups: Vec<&str> = code.split('-').collect();
    groups.swap(2, 7);
    let swapped_groups = groups.join("-");
    let mut short_group: Vec<String> = code.split('-').map(str::to_owned).collect();
    short_group[4].pop();
    let rejected = vec![
        rejected(typo, "BadGroups { groups: [4] }"),
        rejected(swap(&code, at(1, 1), at(1, 2)), "BadGroups { groups: [2] }"),
        rejected(
            swap(&code, at(1, 4), at(2, 0)),
            "BadGroups { groups: [2, 3] }",
        ),
        rejected(swapped_groups, "BadGroups { groups: [3, 8] }"),
        rejected(short_group.join("-"), "GroupLength { group: 5, found: 4 }"),
        rejected(
            code[..code.len() - 6].to_string(),
            "WrongLength { found: 60 }",
        ),
        rejected(
            with_symbol(&code, at(6, 0), 'U'),
            "InvalidCharacter { group: 7, position: 1 }",
        ),
        rejected(compensating_errors(&code), "WholeCode"),
    ];
    json!({
        "about": "Recovery-code vectors; see spec/parts/recovery-qr.md. Expected errors are the \
                  Rust Debug form; groups and positions count from 1.",
        "codes": codes,
        "accepted": accepted,
        "rejected": rejected,
    })
}

#[test]
fn vectors_match_code() {
    let stored = stored_or_regenerate("recovery.json", &build());
    for c in stored["codes"].as_array().expect("codes") {
        let parsed = RecoveryCode::parse(c["code"].as_str().expect("code")).expect("valid code");
        assert_eq!(hex(parsed.root_secret().expose_bytes()), c["root"]);
        let keys = Identity::from_root(parsed.root_secret()).public();
        assert_eq!(
            serde_json::to_value(keys).expect("json"),
            c["restores_keys"]
        );
        match Payload::parse(c["qr_text"].as_str().expect("qr")) {
            Ok(Payload::Recovery(code)) => {
                assert_eq!(hex(code.root_secret().expose_bytes()), c["root"]);
            }
            other => panic!("QR form did not parse as a recovery code: {other:?}"),
        }
    }
    for c in stored["accepted"].as_array().expect("accepted") {
        let parsed = RecoveryCode::parse(c["input"].as_str().expect("input")).expect("tolerated");
        assert_eq!(hex(parsed.root_secret().expose_bytes()), c["root"]);
    }
    for c in stored["rejected"].as_array().expect("rejected") {
        let result = RecoveryCode::parse(c["input"].as_str().expect("input"));
        assert_eq!(outcome(&result), c["expected"], "input {}", c["input"]);
    }
}
