//! Test vectors for access requests, grants and revocations (`spec/vectors/grants.json`), and
//! tamper properties: any flipped bit of a signed request, grant or revocation is rejected.
//!
//! The vectors are rebuilt from fixed inputs and must equal the stored file byte for byte;
//! every stored case is then decoded from its JSON and checked for its stated outcome.
//! Regenerate (only after a deliberate format change) with
//! `RUGZAK_REGENERATE_VECTORS=1 cargo test -p crypto --test vectors_grants`.

mod grants_support;
mod vector_file;

use std::num::NonZeroU32;

use crypto::encoding::canonical;
use crypto::grant::{AcceptError, DOMAIN_GRANT};
use crypto::request::DOMAIN_REQUEST;
use crypto::revocation::{Applied, DOMAIN_REVOCATION};
use crypto::{
    AccessDuration, AccessRequest, Expiry, GrantTerms, History, Identity, MemoryNonceLedger, Mode,
    Permissions, Profile, PublicKeys, Revocations, Role, Scope, Signature, SignedGrant,
    SignedRequest, SignedRevocation, VerifiedGrant, VerifiedRequest,
};
use grants_support::{
    from_json, gp_request, hex, outcome, party, perm, stored_or_regenerate, to_json, unhex, Replay,
    NOW,
};
use proptest::prelude::*;
use serde_json::{json, Value};

const GP_ROOT: &str = "1111111111111111111111111111111111111111111111111111111111111111";
const INWONER_ROOT: &str = "2222222222222222222222222222222222222222222222222222222222222222";
const STRANGER_ROOT: &str = "3333333333333333333333333333333333333333333333333333333333333333";
const REQUEST_NONCE: [u8; 16] = [0xA1; 16];
const GRANT_ID: [u8; 16] = [0xB2; 16];
const SECOND_GRANT_ID: [u8; 16] = [0xB3; 16];
const DAY: i64 = 86_400;

struct Parties {
    gp: Identity,
    inwoner: Identity,
    stranger: Identity,
}

fn parties() -> Parties {
    Parties {
        gp: party(GP_ROOT),
        inwoner: party(INWONER_ROOT),
        stranger: party(STRANGER_ROOT),
    }
}

fn keys_named(p: &Parties, name: &str) -> PublicKeys {
    match name {
        "inwoner" => p.inwoner.public(),
        "stranger" => p.stranger.public(),
        other => panic!("unknown party {other}"),
    }
}

/// The inwoner narrows the GP's request: questionnaires only, 14 days, 20 uses, and shows
/// herself as "Annelies".
fn narrowed_terms() -> GrantTerms {
    GrantTerms {
        permissions: Permissions::new([perm(Scope::Vragenlijsten, Mode::Read)]).expect("valid"),
        duration: AccessDuration::Days(14),
        max_uses: NonZeroU32::new(20),
        history: History::Included,
        display_name: Some("Annelies".into()),
    }
}

fn answer(p: &Parties, request: &VerifiedRequest, id: [u8; 16]) -> SignedGrant {
    SignedGrant::answer(
        &p.inwoner,
        request,
        narrowed_terms(),
        NOW,
        &mut Replay::new(&[&id]),
    )
    .expect("terms within request")
}

fn resign_request(by: &Identity, request: AccessRequest) -> SignedRequest {
    SignedRequest {
        signature: by.sign(DOMAIN_REQUEST, &request),
        request,
    }
}

fn resign_grant(by: &Identity, grant: crypto::Grant) -> SignedGrant {
    SignedGrant {
        signature: by.sign(DOMAIN_GRANT, &grant),
        grant,
    }
}

/// What the server does with a submitted grant; `prior` grants are accepted first on the
/// same nonce ledger.
fn accept(
    vault: &PublicKeys,
    request: &VerifiedRequest,
    prior: &[SignedGrant],
    grant: &SignedGrant,
) -> Result<VerifiedGrant, AcceptError<std::convert::Infallible>> {
    let mut ledger = MemoryNonceLedger::default();
    for earlier in prior {
        earlier
            .accept(vault, request, &mut ledger)
            .expect("prior grant accepted");
    }
    grant.accept(vault, request, &mut ledger)
}

fn case(name: &str, object: Value, extra: Value, expected: &str, actual: String) -> Value {
    assert_eq!(actual, expected, "case {name}");
    let mut entry = json!({ "name": name, "object": object, "expected": expected });
    if let (Value::Object(entry), Value::Object(extra)) = (&mut entry, extra) {
        entry.extend(extra);
    }
    entry
}

fn request_cases(p: &Parties, good: &SignedRequest) -> Vec<Value> {
    let at = |now: i64| json!({ "now": now });
    let check = |name: &str, signed: &SignedRequest, now: i64, expected: &str| {
        case(
            name,
            to_json(signed),
            at(now),
            expected,
            outcome(&signed.verify(now)),
        )
    };
    let mut changed = good.clone();
    changed.request.duration = AccessDuration::Lifelong;
    let mut widened = good.clone();
    widened.request.permissions = Permissions::new([
        perm(Scope::Vragenlijsten, Mode::Read),
        perm(Scope::Notities, Mode::Read),
        perm(Scope::Verwijzing, Mode::Read),
    ])
    .expect("valid");
    let mut wrong_signer = good.clone();
    wrong_signer.signature = p.stranger.sign(DOMAIN_REQUEST, &good.request);
    let inwoner_role = resign_request(
        &p.gp,
        AccessRequest {
            profile: Profile {
                role: Role::Inwoner,
                ..good.request.profile.clone()
            },
            ..good.request.clone()
        },
    );
    let plain_http = resign_request(
        &p.gp,
        AccessRequest {
            server: "http://rugzak.example.nl".into(),
            ..good.request.clone()
        },
    );
    vec![
        check("fresh request", good, NOW, "ok"),
        check(
            "request at the end of its 15 minutes",
            good,
            NOW + 900,
            "ok",
        ),
        check("expired request", good, NOW + 901, "Expired { age: 901 }"),
        check(
            "request from the future",
            good,
            NOW - 301,
            "FromTheFuture { ahead: 301 }",
        ),
        check("changed duration", &changed, NOW, "BadSignature"),
        check("widened after signing", &widened, NOW, "BadSignature"),
        check("wrong signer", &wrong_signer, NOW, "BadSignature"),
        check(
            "inwoner as requester",
            &inwoner_role,
            NOW,
            "Malformed(InwonerRequester)",
        ),
        check(
            "plain http to a remote server",
            &plain_http,
            NOW,
            "Malformed(ServerUrl)",
        ),
    ]
}

fn grant_cases(p: &Parties, request: &VerifiedRequest, good: &SignedGrant) -> Vec<Value> {
    let check = |name: &str, vault: &str, prior: &[SignedGrant], g: &SignedGrant, expected| {
        let result = accept(&keys_named(p, vault), request, prior, g);
        let prior: Vec<Value> = prior.iter().map(to_json).collect();
        case(
            name,
            to_json(g),
            json!({ "vault": vault, "accepted_before": prior }),
            expected,
            outcome(&result),
        )
    };
    let g = &good.grant;
    let mut wrong_signer = good.clone();
    wrong_signer.signature = p.stranger.sign(DOMAIN_GRANT, g);
    let strangers_vault = resign_grant(
        &p.stranger,
        crypto::Grant {
            vault: p.stranger.public().vault_id(),
            ..g.clone()
        },
    );
    let widened = resign_grant(
        &p.inwoner,
        crypto::Grant {
            permissions: Permissions::new([
                perm(Scope::Vragenlijsten, Mode::Read),
                perm(Scope::Notities, Mode::Read),
            ])
            .expect("valid"),
            ..g.clone()
        },
    );
    let mut changed_expiry = good.clone();
    changed_expiry.grant.expiry = Expiry::At(NOW + 30 * DAY);
    let mut renamed = good.clone();
    renamed.grant.display_name = Some("Mallory".into());
    let longer = resign_grant(
        &p.inwoner,
        crypto::Grant {
            expiry: Expiry::At(NOW + 31 * DAY),
            ..g.clone()
        },
    );
    let lifelong = resign_grant(
        &p.inwoner,
        crypto::Grant {
            expiry: Expiry::Lifelong,
            ..g.clone()
        },
    );
    let empty = resign_grant(
        &p.inwoner,
        crypto::Grant {
            not_before: NOW + 14 * DAY,
            ..g.clone()
        },
    );
    let other_grantee = resign_grant(
        &p.inwoner,
        crypto::Grant {
            grantee: p.stranger.public(),
            ..g.clone()
        },
    );
    let other_nonce = resign_grant(
        &p.inwoner,
        crypto::Grant {
            request_nonce: crypto::Nonce::from_bytes([0xEE; 16]),
            ..g.clone()
        },
    );
    let second = answer(p, request, SECOND_GRANT_ID);
    let prior = std::slice::from_ref(good);
    let vault_mismatch = format!(
        "Invalid(VaultMismatch {{ named: {:?}, keys: {:?} }})",
        p.stranger.public().vault_id(),
        p.inwoner.public().vault_id()
    );
    vec![
        check("narrowed grant", "inwoner", &[], good, "ok"),
        check(
            "wrong signer",
            "inwoner",
            &[],
            &wrong_signer,
            "Invalid(BadSignature)",
        ),
        check(
            "vault id mismatch",
            "inwoner",
            &[],
            &strangers_vault,
            &vault_mismatch,
        ),
        check(
            "widened scope",
            "inwoner",
            &[],
            &widened,
            "Invalid(WidenedScope { scope: Notities, mode: Read })",
        ),
        check(
            "changed expiry",
            "inwoner",
            &[],
            &changed_expiry,
            "Invalid(BadSignature)",
        ),
        check(
            "changed display name",
            "inwoner",
            &[],
            &renamed,
            "Invalid(BadSignature)",
        ),
        check(
            "expiry beyond request",
            "inwoner",
            &[],
            &longer,
            "Invalid(ExpiryBeyondRequest)",
        ),
        check(
            "lifelong when days were requested",
            "inwoner",
            &[],
            &lifelong,
            "Invalid(ExpiryBeyondRequest)",
        ),
        check(
            "not-before at expiry",
            "inwoner",
            &[],
            &empty,
            "Invalid(EmptyWindow)",
        ),
        check(
            "other grantee",
            "inwoner",
            &[],
            &other_grantee,
            "Invalid(GranteeMismatch)",
        ),
        check(
            "other request nonce",
            "inwoner",
            &[],
            &other_nonce,
            "Invalid(NotForThisRequest)",
        ),
        check("replayed grant", "inwoner", prior, good, "NonceReused"),
        check(
            "second grant for one request",
            "inwoner",
            prior,
            &second,
            "NonceReused",
        ),
    ]
}

fn revocation_cases(p: &Parties, grant: &VerifiedGrant, good: &SignedRevocation) -> Vec<Value> {
    let check = |name: &str, r: &SignedRevocation, expected: &str| {
        case(
            name,
            to_json(r),
            json!({}),
            expected,
            outcome(&r.verify(grant)),
        )
    };
    let mut wrong_signer = *good;
    wrong_signer.signature = p.stranger.sign(DOMAIN_REVOCATION, &good.revocation);
    let strangers = SignedRevocation::sign(&p.stranger, grant.grant().id, NOW + 3600);
    let mut moved = *good;
    moved.revocation.at += 1;
    let other_grant = SignedRevocation::sign(
        &p.inwoner,
        crypto::GrantId::from_bytes(SECOND_GRANT_ID),
        NOW + 3600,
    );
    vec![
        check("revocation", good, "ok"),
        check("wrong signer", &wrong_signer, "BadSignature"),
        check("signed by another vault", &strangers, "OtherVault"),
        check("changed time", &moved, "BadSignature"),
        check("other grant", &other_grant, "OtherGrant"),
    ]
}

fn build() -> Value {
    let p = parties();
    let request = gp_request(&p.gp, &REQUEST_NONCE);
    let verified = request.verify(NOW).expect("fresh request");
    let grant = answer(&p, &verified, GRANT_ID);
    let accepted = grant.verify(&p.inwoner.public()).expect("valid grant");
    let revocation = SignedRevocation::sign(&p.inwoner, grant.grant.id, NOW + 3600);
    let mut revocations = Revocations::default();
    let once = revocation.verify(&accepted).expect("valid");
    let applied_twice =
        [revocations.apply(once), revocations.apply(once)].map(|a| format!("{a:?}"));
    json!({
        "about": "Access request, grant and revocation vectors; see spec/parts/grants.md. \
                  Expected outcomes are the Rust Debug form of the error, or \"ok\".",
        "inputs": {
            "now": NOW,
            "roots": { "gp": GP_ROOT, "inwoner": INWONER_ROOT, "stranger": STRANGER_ROOT },
            "request_nonce": hex(&REQUEST_NONCE),
            "grant_id": hex(&GRANT_ID),
            "second_grant_id": hex(&SECOND_GRANT_ID),
        },
        "request": {
            "signed": to_json(&request),
            "signed_bytes": hex(&canonical(DOMAIN_REQUEST, &request.request)),
            "digest": request.digest().to_string(),
        },
        "grant": {
            "signed": to_json(&grant),
            "signed_bytes": hex(&canonical(DOMAIN_GRANT, &grant.grant)),
        },
        "revocation": {
            "signed": to_json(&revocation),
            "signed_bytes": hex(&canonical(DOMAIN_REVOCATION, &revocation.revocation)),
        },
        "request_cases": request_cases(&p, &request),
        "grant_cases": grant_cases(&p, &verified, &grant),
        "revocation_cases": revocation_cases(&p, &accepted, &revocation),
        "revocation_applied_twice": applied_twice,
    })
}

/// Checks a stored signed object the way another implementation would: the signature is an
/// Ed25519 signature by `keys` over exactly the stored `signed_bytes`.
fn signature_covers(entry: &Value, keys: &PublicKeys) {
    let bytes = unhex(entry["signed_bytes"].as_str().expect("hex"));
    let sig: Signature = from_json(&entry["signed"]["signature"]);
    keys.verifying_key()
        .expect("valid key")
        .verify_strict(&bytes, &sig.to_dalek())
        .expect("signature over the stated bytes");
}

#[test]
fn vectors_match_code() {
    let stored = stored_or_regenerate("grants.json", &build());
    let p = parties();
    signature_covers(&stored["request"], &p.gp.public());
    signature_covers(&stored["grant"], &p.inwoner.public());
    signature_covers(&stored["revocation"], &p.inwoner.public());

    let request: SignedRequest = from_json(&stored["request"]["signed"]);
    assert_eq!(
        request.digest().to_string(),
        stored["request"]["digest"].as_str().expect("digest")
    );
    let verified = request.verify(NOW).expect("stored request verifies");

    for c in stored["request_cases"].as_array().expect("cases") {
        let signed: SignedRequest = from_json(&c["object"]);
        let now = c["now"].as_i64().expect("now");
        assert_eq!(outcome(&signed.verify(now)), c["expected"], "{}", c["name"]);
    }
    for c in stored["grant_cases"].as_array().expect("cases") {
        let grant: SignedGrant = from_json(&c["object"]);
        let prior: Vec<SignedGrant> = from_json(&c["accepted_before"]);
        let vault = keys_named(&p, c["vault"].as_str().expect("vault"));
        let result = accept(&vault, &verified, &prior, &grant);
        assert_eq!(outcome(&result), c["expected"], "{}", c["name"]);
    }
    let grant: SignedGrant = from_json(&stored["grant"]["signed"]);
    let grant = grant.verify(&p.inwoner.public()).expect("stored grant");
    for c in stored["revocation_cases"].as_array().expect("cases") {
        let revocation: SignedRevocation = from_json(&c["object"]);
        assert_eq!(
            outcome(&revocation.verify(&grant)),
            c["expected"],
            "{}",
            c["name"]
        );
    }
    let revocation: SignedRevocation = from_json(&stored["revocation"]["signed"]);
    let mut revocations = Revocations::default();
    let v = revocation.verify(&grant).expect("valid");
    assert_eq!(revocations.apply(v), Applied::Revoked);
    assert_eq!(revocations.apply(v), Applied::AlreadyRevoked);
}

/// Any single flipped bit either fails to decode or fails verification.
fn flips_are_rejected(bytes: &[u8], bit: usize, accepts: impl Fn(&[u8]) -> bool) {
    let mut flipped = bytes.to_vec();
    flipped[bit / 8] ^= 1 << (bit % 8);
    assert!(!accepts(&flipped), "flipped bit {bit} was accepted");
}

fn request_strategy() -> impl Strategy<Value = (Vec<(usize, bool)>, u16, String, bool)> {
    (
        proptest::collection::vec((0usize..6, any::<bool>()), 1..12),
        1u16..=3653,
        "[A-Za-z][A-Za-z .'-]{0,60}[a-z]",
        any::<bool>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_flipped_bit_of_a_request_grant_or_revocation_is_rejected(
        (wanted, days, name, lifelong) in request_strategy(),
        bit_seed in any::<usize>(),
    ) {
        let p = parties();
        let permissions = Permissions::new(
            wanted
                .iter()
                .map(|&(s, append)| perm(Scope::ALL[s], if append { Mode::Append } else { Mode::Read }))
                .collect::<std::collections::BTreeSet<_>>(),
        )
        .expect("non-empty, deduplicated");
        let duration = if lifelong { AccessDuration::Lifelong } else { AccessDuration::Days(days) };
        let request = SignedRequest::create(
            &p.gp,
            Profile { role: Role::Welzijnscoach, name, organisation: "Welzijn Lelystad".into() },
            permissions,
            duration,
            grants_support::SERVER.into(),
            NOW,
            &mut Replay::new(&[&REQUEST_NONCE]),
        )
        .expect("valid request");
        let verified = request.verify(NOW).expect("fresh");
        let grant = SignedGrant::answer(
            &p.inwoner,
            &verified,
            GrantTerms::as_requested(verified.request()),
            NOW,
            &mut Replay::new(&[&GRANT_ID]),
        )
        .expect("as requested");
        let accepted = grant.verify(&p.inwoner.public()).expect("valid");
        let revocation = SignedRevocation::sign(&p.inwoner, grant.grant.id, NOW);

        let bytes = postcard::to_allocvec(&request).expect("encode");
        flips_are_rejected(&bytes, bit_seed % (bytes.len() * 8), |b| {
            postcard::from_bytes::<SignedRequest>(b).is_ok_and(|r| r.verify(NOW).is_ok())
        });
        let bytes = postcard::to_allocvec(&grant).expect("encode");
        flips_are_rejected(&bytes, bit_seed % (bytes.len() * 8), |b| {
            postcard::from_bytes::<SignedGrant>(b).is_ok_and(|g| {
                accept(&p.inwoner.public(), &verified, &[], &g).is_ok()
            })
        });
        let bytes = postcard::to_allocvec(&revocation).expect("encode");
        flips_are_rejected(&bytes, bit_seed % (bytes.len() * 8), |b| {
            postcard::from_bytes::<SignedRevocation>(b).is_ok_and(|r| r.verify(&accepted).is_ok())
        });
    }
}

/// Every bit of the fixed vectors, exhaustively (the property above samples random content).
#[test]
fn every_bit_of_the_vector_objects_matters() {
    let p = parties();
    let request = gp_request(&p.gp, &REQUEST_NONCE);
    let verified = request.verify(NOW).expect("fresh");
    let grant = answer(&p, &verified, GRANT_ID);
    let accepted = grant.verify(&p.inwoner.public()).expect("valid");
    let revocation = SignedRevocation::sign(&p.inwoner, grant.grant.id, NOW);
    let bytes = postcard::to_allocvec(&request).expect("encode");
    for bit in 0..bytes.len() * 8 {
        flips_are_rejected(&bytes, bit, |b| {
            postcard::from_bytes::<SignedRequest>(b).is_ok_and(|r| r.verify(NOW).is_ok())
        });
    }
    let bytes = postcard::to_allocvec(&grant).expect("encode");
    for bit in 0..bytes.len() * 8 {
        flips_are_rejected(&bytes, bit, |b| {
            postcard::from_bytes::<SignedGrant>(b)
                .is_ok_and(|g| accept(&p.inwoner.public(), &verified, &[], &g).is_ok())
        });
    }
    let bytes = postcard::to_allocvec(&revocation).expect("encode");
    for bit in 0..bytes.len() * 8 {
        flips_are_rejected(&bytes, bit, |b| {
            postcard::from_bytes::<SignedRevocation>(b).is_ok_and(|r| r.verify(&accepted).is_ok())
        });
    }
}
