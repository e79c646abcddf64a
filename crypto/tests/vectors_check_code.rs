//! Test vectors for check codes (`spec/vectors/check_code.json`): the exact bytes hashed, the
//! hash and the code of the vector grant of `grants.json`, and the codes of the grants a
//! hijacker or a key-swapping server would bring, which differ.
//!
//! Regenerate (only after a deliberate format change) with
//! `RUGZAK_REGENERATE_VECTORS=1 cargo test -p crypto --test vectors_check_code`.

mod grants_support;
mod vector_file;

use std::num::NonZeroU32;

use crypto::check_code::{CheckCode, DOMAIN_CHECK_CODE};
use crypto::encoding::{canonical, sha256};
use crypto::grant::DOMAIN_GRANT;
use crypto::{
    AccessDuration, GrantTerms, History, Identity, Mode, Permissions, PublicKeys, Scope,
    SignedGrant, VerifiedRequest,
};
use grants_support::{
    from_json, gp_request, hex, party, perm, stored_or_regenerate, to_json, unhex, Replay, NOW,
};
use serde_json::{json, Value};

const GP_ROOT: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const INWONER_ROOT: &str = "2222222222222222222222222222222222222222222222222222222222222222";
const STRANGER_ROOT: &str = "3333333333333333333333333333333333333333333333333333333333333333";
const REQUEST_NONCE: [u8; 16] = [0xA1; 16];
const GRANT_ID: [u8; 16] = [0xB2; 16];

/// The terms of the `grants.json` vector grant.
fn terms(name: Option<&str>) -> GrantTerms {
    GrantTerms {
        permissions: Permissions::new([perm(Scope::Vragenlijsten, Mode::Read)]).expect("valid"),
        duration: AccessDuration::Days(14),
        max_uses: NonZeroU32::new(20),
        history: History::Included,
        display_name: name.map(Into::into),
    }
}

fn answer(vault: &Identity, request: &VerifiedRequest, name: Option<&str>) -> SignedGrant {
    SignedGrant::answer(
        vault,
        request,
        terms(name),
        NOW,
        &mut Replay::new(&[&GRANT_ID]),
    )
    .expect("terms within request")
}

/// The check code by the spec's recipe alone: SHA-256 of the stated bytes, first 8 bytes
/// big-endian, modulo 10^6.
fn by_recipe(bytes: &[u8]) -> u32 {
    let hash = sha256(bytes);
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash.as_bytes()[..8]);
    u32::try_from(u64::from_be_bytes(first) % 1_000_000).expect("below 10^6")
}

fn case(name: &str, grant: &SignedGrant, keys: &PublicKeys) -> Value {
    let code = CheckCode::new(&grant.grant, keys);
    json!({
        "name": name,
        "grant": to_json(grant),
        "vault_keys": to_json(keys),
        "code": code.digits(),
    })
}

fn build() -> Value {
    let (gp, inwoner, stranger) = (party(GP_ROOT), party(INWONER_ROOT), party(STRANGER_ROOT));
    let request = gp_request(&gp, &REQUEST_NONCE);
    let verified = request.verify(NOW).expect("fresh request");
    let grant = answer(&inwoner, &verified, Some("Annelies"));
    let keys = inwoner.public();
    let hashed = canonical(DOMAIN_CHECK_CODE, &(&grant.grant, &keys));
    let code = CheckCode::new(&grant.grant, &keys);
    assert_eq!(by_recipe(&hashed), code.value());

    // A stranger answers the same (photographed) request, calling herself "Annelies" too.
    let hijack = answer(&stranger, &verified, Some("Annelies"));
    let unnamed = answer(&inwoner, &verified, None);
    let mut swapped = keys;
    swapped.agreement = stranger.public().agreement;
    let cases = vec![
        case("the vector grant", &grant, &keys),
        case(
            "the same request answered by another vault",
            &hijack,
            &stranger.public(),
        ),
        case("the same grant without a display name", &unnamed, &keys),
        case(
            "the vector grant with the vault's X25519 key swapped",
            &grant,
            &swapped,
        ),
    ];
    json!({
        "about": "Check codes; see spec/parts/grants.md (Check code). `hashed` is \
                  \"rugzak/v1/check-code\" || 0x00 || postcard(grant) || postcard(vault keys); \
                  the code is the first 8 bytes of its SHA-256, big-endian, modulo 1000000, \
                  shown as two groups of three digits.",
        "inputs": {
            "now": NOW,
            "roots": { "gp": GP_ROOT, "inwoner": INWONER_ROOT, "stranger": STRANGER_ROOT },
            "request_nonce": hex(&REQUEST_NONCE),
            "grant_id": hex(&GRANT_ID),
        },
        "grant": to_json(&grant),
        "grant_signed_bytes": hex(&canonical(DOMAIN_GRANT, &grant.grant)),
        "vault_keys": to_json(&keys),
        "hashed": hex(&hashed),
        "sha256": sha256(&hashed).to_string(),
        "code": code.digits(),
        "shown": code.to_string(),
        "cases": cases,
    })
}

#[test]
fn vectors_match_code() {
    let stored = stored_or_regenerate("check_code.json", &build());
    // Another implementation's route: the stated bytes, hashed by the recipe.
    let hashed = unhex(stored["hashed"].as_str().expect("hex"));
    let code = by_recipe(&hashed);
    assert_eq!(format!("{code:06}"), stored["code"]);
    assert_eq!(
        stored["shown"],
        format!("{:03} {:03}", code / 1000, code % 1000)
    );
    // The hashed bytes are the grant's signed bytes without their domain tag, then the keys.
    let signed = unhex(stored["grant_signed_bytes"].as_str().expect("hex"));
    let grant_part = &signed[DOMAIN_GRANT.len() + 1..];
    let body = &hashed[DOMAIN_CHECK_CODE.len() + 1..];
    assert!(body.starts_with(grant_part));
    assert_eq!(body.len(), grant_part.len() + 2 * 33);

    let mut codes = Vec::new();
    for c in stored["cases"].as_array().expect("cases") {
        let grant: SignedGrant = from_json(&c["grant"]);
        let keys: PublicKeys = from_json(&c["vault_keys"]);
        let code = CheckCode::new(&grant.grant, &keys);
        assert_eq!(code.digits(), c["code"], "{}", c["name"]);
        codes.push(code);
    }
    let mut distinct = codes.clone();
    distinct.sort_by_key(|c| c.value());
    distinct.dedup();
    assert_eq!(distinct.len(), codes.len(), "every case shows another code");
}

#[test]
fn the_professional_and_the_inwoner_compute_the_same_code() {
    let (gp, inwoner) = (party(GP_ROOT), party(INWONER_ROOT));
    let verified = gp_request(&gp, &REQUEST_NONCE)
        .verify(NOW)
        .expect("fresh request");
    let grant = answer(&inwoner, &verified, Some("Annelies"));
    let on_her_screen = CheckCode::new(&grant.grant, &inwoner.public());
    let on_his_screen = grant
        .verify(&inwoner.public())
        .expect("valid grant")
        .check_code();
    assert_eq!(on_her_screen, on_his_screen);
}
