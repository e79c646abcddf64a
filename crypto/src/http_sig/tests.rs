#![allow(clippy::unwrap_used, reason = "tests")]

use std::collections::BTreeMap;

use proptest::prelude::*;
use rand_core::OsRng;

use super::*;

const NOW: UnixTime = 1_780_000_000;

fn signed(id: &Identity, body: &[u8]) -> SignedCall {
    SignedCall::sign(
        id,
        "POST",
        "/v1/vaults/abc/items?since=3",
        body,
        NOW,
        Nonce::random(&mut OsRng),
    )
    .unwrap()
}

/// Headers as a server would see them, looked up case-insensitively.
fn header_map(req: &SignedCall) -> BTreeMap<String, Vec<u8>> {
    req.headers()
        .into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.into_bytes()))
        .collect()
}

fn receive(map: &BTreeMap<String, Vec<u8>>, body: &[u8]) -> Result<SignedCall, ParseHeadersError> {
    SignedCall::from_http("POST", "/v1/vaults/abc/items?since=3", body, |name| {
        map.get(&name.to_ascii_lowercase()).map(Vec::as_slice)
    })
}

#[test]
fn headers_round_trip_and_verify_once() {
    let id = Identity::generate(&mut OsRng);
    let req = signed(&id, b"{\"a\":1}");
    let got = receive(&header_map(&req), b"{\"a\":1}").unwrap();
    assert_eq!(got, req);
    let guard = MemoryReplayGuard::new(100);
    assert_eq!(
        got.verify(&id.public().verifier().unwrap(), NOW + 10, &guard),
        Ok(())
    );
    assert_eq!(
        got.verify(&id.public().verifier().unwrap(), NOW + 11, &guard),
        Err(VerifyRequestError::Replayed)
    );
}

#[test]
fn changed_body_method_or_path_breaks_the_signature() {
    let id = Identity::generate(&mut OsRng);
    let req = signed(&id, b"body");
    let map = header_map(&req);
    let guard = MemoryReplayGuard::new(100);
    let other_body = receive(&map, b"bodY").unwrap();
    assert_eq!(
        other_body.verify(&id.public().verifier().unwrap(), NOW, &guard),
        Err(VerifyRequestError::BadSignature)
    );
    let lookup = |name: &str| map.get(&name.to_ascii_lowercase()).map(Vec::as_slice);
    for (method, path) in [
        ("PUT", "/v1/vaults/abc/items?since=3"),
        ("POST", "/v1/vaults/abc/items?since=4"),
        ("POST", "/v1/vaults/abd/items?since=3"),
    ] {
        let moved = SignedCall::from_http(method, path, b"body", lookup).unwrap();
        assert_eq!(
            moved.verify(&id.public().verifier().unwrap(), NOW, &guard),
            Err(VerifyRequestError::BadSignature),
            "{method} {path}"
        );
    }
    assert!(guard.is_empty(), "refused requests must not use up nonces");
}

#[test]
fn other_key_is_refused() {
    let id = Identity::generate(&mut OsRng);
    let other = Identity::generate(&mut OsRng);
    let req = signed(&id, b"");
    let guard = MemoryReplayGuard::new(10);
    assert_eq!(
        req.verify(&other.public().verifier().unwrap(), NOW, &guard),
        Err(VerifyRequestError::KeyMismatch)
    );
    // A request claiming the other key but signed by `id`.
    let mut forged = req.clone();
    forged.claims.key = other.public().party_id();
    assert_eq!(
        forged.verify(&other.public().verifier().unwrap(), NOW, &guard),
        Err(VerifyRequestError::BadSignature)
    );
}

#[test]
fn clock_skew_is_bounded_both_ways() {
    let id = Identity::generate(&mut OsRng);
    let guard = MemoryReplayGuard::new(10);
    let req = signed(&id, b"");
    for now in [NOW + MAX_CLOCK_SKEW + 1, NOW - MAX_CLOCK_SKEW - 1] {
        assert_eq!(
            req.verify(&id.public().verifier().unwrap(), now, &guard),
            Err(VerifyRequestError::ClockSkew {
                timestamp: NOW,
                now
            })
        );
    }
    assert_eq!(
        req.verify(
            &id.public().verifier().unwrap(),
            NOW - MAX_CLOCK_SKEW,
            &guard
        ),
        Ok(())
    );
    let edge = signed(&id, b"");
    assert_eq!(
        edge.verify(
            &id.public().verifier().unwrap(),
            NOW + MAX_CLOCK_SKEW,
            &guard
        ),
        Ok(())
    );
}

#[test]
fn missing_and_malformed_headers_are_named() {
    let id = Identity::generate(&mut OsRng);
    let req = signed(&id, b"");
    let good = header_map(&req);
    let with = |name: &str, value: Option<&[u8]>| {
        let mut map = good.clone();
        match value {
            Some(v) => map.insert(name.to_ascii_lowercase(), v.to_vec()),
            None => map.remove(&name.to_ascii_lowercase()),
        };
        receive(&map, b"")
    };
    for header in [HEADER_KEY, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE] {
        assert_eq!(
            with(header, None),
            Err(ParseHeadersError::Missing { header })
        );
        assert_eq!(
            with(header, Some(b"caf\xc3\xa9")),
            Err(ParseHeadersError::NotText { header })
        );
    }
    assert_eq!(
        with(HEADER_NONCE, Some(b"not+base64/")),
        Err(ParseHeadersError::MalformedBase64 {
            header: HEADER_NONCE
        })
    );
    assert_eq!(
        with(HEADER_SIGNATURE, Some(b"AAAA")),
        Err(ParseHeadersError::WrongLength {
            header: HEADER_SIGNATURE,
            expected: 64
        })
    );
    assert_eq!(
        with(HEADER_KEY, Some(b"AAAA=")),
        Err(ParseHeadersError::MalformedBase64 { header: HEADER_KEY })
    );
    for bad in [
        &b"-5"[..],
        b"+5",
        b"12a",
        b"",
        b"99999999999999999999",
        b"9223372036854775808",
    ] {
        assert_eq!(
            with(HEADER_TIMESTAMP, Some(bad)),
            Err(ParseHeadersError::BadTimestamp),
            "{bad:?}"
        );
    }
}

#[test]
fn request_line_is_checked_on_both_sides() {
    let id = Identity::generate(&mut OsRng);
    let nonce = Nonce::random(&mut OsRng);
    for method in ["", "get", "GET ", "VERYLONGMETHODNAMEXYZ"] {
        assert_eq!(
            SignedCall::sign(&id, method, "/", b"", NOW, nonce),
            Err(RequestLineError::Method)
        );
    }
    for path in ["", "v1", "/a b", "/a#frag", "/caf\u{e9}", "/\n"] {
        assert_eq!(
            SignedCall::sign(&id, "GET", path, b"", NOW, nonce),
            Err(RequestLineError::Path)
        );
    }
    let map = header_map(&signed(&id, b""));
    assert_eq!(
        SignedCall::from_http("GET", "/a b", b"", |n| map
            .get(&n.to_ascii_lowercase())
            .map(Vec::as_slice)),
        Err(ParseHeadersError::RequestLine(RequestLineError::Path))
    );
}

#[test]
fn guard_forgets_old_nonces_but_never_accepts_them_again() {
    let key = Identity::generate(&mut OsRng).public().party_id();
    let guard = MemoryReplayGuard::new(3);
    let n1 = Nonce::random(&mut OsRng);
    assert_eq!(guard.first_use(key, n1, NOW, NOW), Ok(NonceUse::First));
    assert_eq!(guard.first_use(key, n1, NOW, NOW + 1), Ok(NonceUse::Again));
    // Another key may use the same nonce value.
    let other = Identity::generate(&mut OsRng).public().party_id();
    assert_eq!(guard.first_use(other, n1, NOW, NOW), Ok(NonceUse::First));
    // Full: fail closed.
    let n2 = Nonce::random(&mut OsRng);
    assert_eq!(guard.first_use(key, n2, NOW, NOW), Ok(NonceUse::First));
    assert_eq!(
        guard.first_use(key, Nonce::random(&mut OsRng), NOW, NOW),
        Err(ReplayGuardFull)
    );
    // Once the window has passed, memory is freed ...
    let later = NOW + MAX_CLOCK_SKEW + 1;
    let n3 = Nonce::random(&mut OsRng);
    assert_eq!(guard.first_use(key, n3, later, later), Ok(NonceUse::First));
    assert_eq!(guard.len(), 1);
    // ... and anything signed before the horizon is refused, even after the clock steps back.
    assert_eq!(guard.first_use(key, n1, NOW, NOW), Ok(NonceUse::Again));
    assert_eq!(
        guard.first_use(key, Nonce::random(&mut OsRng), NOW, NOW),
        Ok(NonceUse::Again)
    );
}

#[test]
fn signed_request_survives_serialisation_and_reverifies_offline() {
    let id = Identity::generate(&mut OsRng);
    let req = signed(&id, b"x");
    let json = serde_json::to_string(&req).unwrap();
    let back: SignedCall = serde_json::from_str(&json).unwrap();
    assert_eq!(back.verify_signature(&id.public()), Ok(()));
    let bin = postcard::to_allocvec(&req).unwrap();
    let back: SignedCall = postcard::from_bytes(&bin).unwrap();
    assert_eq!(back, req);
    let other = Identity::generate(&mut OsRng);
    assert_eq!(
        back.verify_signature(&other.public()),
        Err(RequestSignatureError::KeyMismatch)
    );
}

#[test]
fn display_and_debug_leave_out_the_body() {
    let id = Identity::generate(&mut OsRng);
    let req = signed(&id, b"GEHEIM-gezondheidsdata");
    let text = format!("{req:?} {}", req.claims);
    assert!(!text.contains("GEHEIM"));
    assert!(text.contains("POST /v1/vaults/abc/items?since=3"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any single flipped bit in the binary form of a signed request makes it fail to decode or
    /// fail to verify.
    #[test]
    fn any_flipped_bit_in_a_signed_request_is_rejected(bit in any::<usize>()) {
        let id = Identity::generate(&mut OsRng);
        let req = signed(&id, b"{\"a\":1}");
        let mut bytes = postcard::to_allocvec(&req).unwrap();
        let bit = bit % (bytes.len() * 8);
        bytes[bit / 8] ^= 1 << (bit % 8);
        if let Ok(changed) = postcard::from_bytes::<SignedCall>(&bytes) {
            prop_assert!(changed.verify_signature(&id.public()).is_err());
        }
    }
}

#[test]
fn a_nonce_signed_again_at_another_time_is_another_request() {
    // A replay repeats the signed time too, so (key, time, nonce) identifies a request; that
    // lets the server keep its nonces by time.
    let key = Identity::generate(&mut OsRng).public().party_id();
    let guard = MemoryReplayGuard::new(10);
    let nonce = Nonce::random(&mut OsRng);
    assert_eq!(guard.first_use(key, nonce, NOW, NOW), Ok(NonceUse::First));
    assert_eq!(
        guard.first_use(key, nonce, NOW + 1, NOW + 1),
        Ok(NonceUse::First)
    );
    assert_eq!(
        guard.first_use(key, nonce, NOW + 1, NOW + 2),
        Ok(NonceUse::Again)
    );
}
