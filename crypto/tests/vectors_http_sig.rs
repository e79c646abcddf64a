//! Test vectors for signed API requests (`spec/vectors/http_sig.json`).
//!
//! Every output is deterministic (fixed roots and nonces, deterministic Ed25519), so the stored
//! file must equal what the code produces now. Regenerate only deliberately:
//! `RUGZAK_REGENERATE_VECTORS=1 cargo test -p crypto --test vectors_http_sig`.

#![allow(clippy::unwrap_used, reason = "tests")]

use std::collections::BTreeMap;

use crypto::encoding::{b64, canonical, sha256, UnixTime};
use crypto::http_sig::{
    MemoryReplayGuard, SignedCall, DOMAIN, HEADER_KEY, HEADER_NONCE, HEADER_SIGNATURE,
    HEADER_TIMESTAMP, MAX_CLOCK_SKEW,
};
use crypto::{Digest, Identity, Nonce, PartyId, PublicKeys, RootSecret};
use data_encoding::HEXLOWER;
use serde::{Deserialize, Serialize};

mod vector_file;

const FILE: &str = "http_sig.json";
const T: UnixTime = 1_780_000_000;

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Vectors {
    description: String,
    domain: String,
    max_clock_skew: i64,
    signer: Party,
    other: Party,
    valid: Vec<Valid>,
    cases: Vec<Case>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Party {
    /// Root secret, unpadded base64url.
    root: String,
    public: PublicKeys,
    key_id: PartyId,
}

/// A correctly signed request and every intermediate value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Valid {
    name: String,
    method: String,
    path_and_query: String,
    /// Body as UTF-8 text (every vector body is text).
    body: String,
    timestamp: UnixTime,
    nonce: Nonce,
    body_digest: Digest,
    /// `canonical(domain, claims)` in lower-case hex: exactly what is signed.
    signed_bytes: String,
    /// Unpadded base64url Ed25519 signature.
    signature: String,
    headers: BTreeMap<String, String>,
}

/// Requests as received, checked in order against one fresh replay guard.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Case {
    name: String,
    steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Step {
    method: String,
    path_and_query: String,
    body: String,
    headers: BTreeMap<String, String>,
    /// Whose public keys the server checks against: "signer" or "other".
    verify_with: String,
    now: UnixTime,
    /// "ok" or the error code.
    expect: String,
    /// For header errors, the header at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    header: Option<String>,
}

fn identity(label: &str) -> Identity {
    let seed = sha256(format!("rugzak/v1/test-vector/http-sig/{label}").as_bytes());
    Identity::from_root(RootSecret::from_bytes(*seed.as_bytes()))
}

fn party(id: &Identity) -> Party {
    Party {
        root: b64::encode(id.root_secret().expose_bytes()),
        public: id.public(),
        key_id: id.public().party_id(),
    }
}

fn nonce(label: &str) -> Nonce {
    let d = sha256(format!("rugzak/v1/test-vector/nonce/{label}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&d.as_bytes()[..16]);
    Nonce::from_bytes(bytes)
}

fn valid(name: &str, method: &str, path: &str, body: &str, timestamp: UnixTime) -> Valid {
    let signer = identity("signer");
    let req = SignedCall::sign(
        &signer,
        method,
        path,
        body.as_bytes(),
        timestamp,
        nonce(name),
    )
    .unwrap();
    Valid {
        name: name.into(),
        method: method.into(),
        path_and_query: path.into(),
        body: body.into(),
        timestamp,
        nonce: req.claims.nonce,
        body_digest: req.claims.body_digest,
        signed_bytes: HEXLOWER.encode(&canonical(DOMAIN, &req.claims)),
        signature: b64::encode(req.signature.0),
        headers: req
            .headers()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    }
}

/// The request of `v` as the server receives it, checked at `now`; `expect` is set by hand.
fn step(v: &Valid, now: UnixTime, expect: &str) -> Step {
    Step {
        method: v.method.clone(),
        path_and_query: v.path_and_query.clone(),
        body: v.body.clone(),
        headers: v.headers.clone(),
        verify_with: "signer".into(),
        now,
        expect: expect.into(),
        header: None,
    }
}

fn case(name: &str, steps: Vec<Step>) -> Case {
    Case {
        name: name.into(),
        steps,
    }
}

fn generate() -> Vectors {
    let get = valid(
        "get-with-query",
        "GET",
        "/v1/vaults/n4bQgYhMfWWaL-qgxVrQFa/items?scope=vragenlijsten&since=12",
        "",
        T,
    );
    let post = valid(
        "post-with-json-body",
        "POST",
        "/v1/vaults/n4bQgYhMfWWaL-qgxVrQFa/items",
        "{\"scope\":\"intake\",\"epoch\":0}",
        T + 5,
    );
    let with_header = |v: &Valid, name: &str, value: Option<&str>, expect: &str| {
        let mut s = step(v, v.timestamp, expect);
        match value {
            Some(value) => s.headers.insert(name.into(), value.into()),
            None => s.headers.remove(name),
        };
        s.header = Some(name.into());
        s
    };
    let other = identity("other");
    let cases = vec![
        case(
            "accepted-once-then-replayed",
            vec![step(&get, T + 10, "ok"), step(&get, T + 20, "replayed")],
        ),
        case(
            "clock-skew-at-the-limits-is-accepted",
            vec![
                step(&get, T + MAX_CLOCK_SKEW, "ok"),
                step(&post, post.timestamp - MAX_CLOCK_SKEW, "ok"),
            ],
        ),
        case(
            "clock-skew-too-large",
            vec![
                step(&get, T + MAX_CLOCK_SKEW + 1, "clock-skew"),
                step(&get, T - MAX_CLOCK_SKEW - 1, "clock-skew"),
            ],
        ),
        case("tampered-body", {
            let mut s = step(&post, post.timestamp, "bad-signature");
            s.body = "{\"scope\":\"intake\",\"epoch\":1}".into();
            vec![s]
        }),
        case("tampered-path-and-method", {
            let mut path = step(&get, T, "bad-signature");
            path.path_and_query = path.path_and_query.replace("since=12", "since=0");
            let mut method = step(&get, T, "bad-signature");
            method.method = "DELETE".into();
            vec![path, method]
        }),
        case("checked-against-another-key", {
            let mut s = step(&get, T, "key-mismatch");
            s.verify_with = "other".into();
            vec![s]
        }),
        case("claims-another-key", {
            let mut s = step(&get, T, "bad-signature");
            s.headers
                .insert(HEADER_KEY.into(), other.public().party_id().to_string());
            s.verify_with = "other".into();
            vec![s]
        }),
        case(
            "malformed-headers",
            vec![
                with_header(&get, HEADER_SIGNATURE, None, "missing-header"),
                with_header(&get, HEADER_KEY, None, "missing-header"),
                with_header(
                    &get,
                    HEADER_NONCE,
                    Some("AAAA+/AAAAAAAAAAAAAAAA"),
                    "malformed-base64",
                ),
                with_header(&get, HEADER_SIGNATURE, Some("AAAA"), "wrong-length"),
                with_header(&get, HEADER_TIMESTAMP, Some("+1780000000"), "bad-timestamp"),
                with_header(&get, HEADER_TIMESTAMP, Some("1.78e9"), "bad-timestamp"),
            ],
        ),
    ];
    Vectors {
        description: "Signed API requests: signature over canonical(domain, claims); headers \
                      Rugzak-Key, Rugzak-Timestamp, Rugzak-Nonce, Rugzak-Signature. Each case's \
                      steps run in order against one fresh replay guard. See \
                      spec/parts/http-sig.md."
            .into(),
        domain: DOMAIN.into(),
        max_clock_skew: MAX_CLOCK_SKEW,
        signer: party(&identity("signer")),
        other: party(&other),
        valid: vec![get, post],
        cases,
    }
}

fn load() -> Vectors {
    let text = std::fs::read_to_string(vector_file::path(FILE)).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn stored_vectors_equal_what_the_code_produces() {
    let generated = serde_json::to_string_pretty(&generate()).unwrap() + "\n";
    vector_file::assert_stored_equals_generated(&vector_file::path(FILE), &generated);
}

fn keys_of(party: &Party) -> PublicKeys {
    let root: [u8; 32] = b64::decode(&party.root).unwrap().try_into().unwrap();
    let id = Identity::from_root(RootSecret::from_bytes(root));
    assert_eq!(id.public(), party.public, "root derives the stored keys");
    assert_eq!(id.public().party_id(), party.key_id);
    party.public
}

#[test]
fn valid_requests_reproduce_byte_for_byte() {
    let v = load();
    let signer_keys = keys_of(&v.signer);
    for valid in &v.valid {
        let signer = identity("signer");
        assert_eq!(signer.public(), signer_keys);
        let req = SignedCall::sign(
            &signer,
            &valid.method,
            &valid.path_and_query,
            valid.body.as_bytes(),
            valid.timestamp,
            valid.nonce,
        )
        .unwrap();
        assert_eq!(req.claims.body_digest, valid.body_digest, "{}", valid.name);
        assert_eq!(
            HEXLOWER.encode(&canonical(&v.domain, &req.claims)),
            valid.signed_bytes,
            "{}",
            valid.name
        );
        assert_eq!(
            b64::encode(req.signature.0),
            valid.signature,
            "{}",
            valid.name
        );
        assert_eq!(req.verify_signature(&signer_keys), Ok(()));
    }
}

#[test]
fn recorded_cases_give_the_recorded_outcome() {
    let v = load();
    for case in &v.cases {
        let guard = MemoryReplayGuard::new(16);
        for (i, step) in case.steps.iter().enumerate() {
            let keys = match step.verify_with.as_str() {
                "signer" => keys_of(&v.signer),
                "other" => keys_of(&v.other),
                other => panic!("unknown party {other}"),
            };
            let parsed = SignedCall::from_http(
                &step.method,
                &step.path_and_query,
                step.body.as_bytes(),
                |name| step.headers.get(name).map(|v| v.as_bytes()),
            );
            let (outcome, header) = match parsed {
                Err(e) => (e.code().to_owned(), e.header().map(str::to_owned)),
                Ok(req) => match req.verify(&keys.verifier().expect("valid key"), step.now, &guard)
                {
                    Ok(()) => ("ok".to_owned(), None),
                    Err(e) => (e.code().to_owned(), None),
                },
            };
            assert_eq!(
                (outcome, header),
                (step.expect.clone(), step.header.clone()),
                "case {} step {i}",
                case.name
            );
        }
    }
}
