//! What one caller's request can do to others (issue 16): one log entry per request, caps on
//! the work of one request, denied entries that cannot flood a log, and a limit on bad
//! signatures per key. Through the real router over the memory store.

#![allow(clippy::unwrap_used, reason = "tests")]

mod common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use crypto::log::{DenyReason, EventKind, ItemRef, LogObject, LogVerifier, Outcome, SignedEntry};
use crypto::{Identity, Mode, Scope, SealedItem, Sealing};
use rand_core::OsRng;
use serde_json::json;
use vault_server::refusals::{MOST_STRANGERS, WINDOW_SECS};

use common::consent::gp_enrolment;
use common::world::{item, World};
use common::{Harness, Reply};

/// The whole log of `w` verifies against the vault, the server and the GP's keys.
async fn log_verifies(w: &World, others: &[&Identity]) -> Vec<SignedEntry> {
    let log = w.log().await;
    let server = w.h.server_keys().await;
    let mut actors = vec![w.gp.public()];
    actors.extend(others.iter().map(|o| o.public()));
    let verifier = LogVerifier::new(w.vault.public(), server, |p| {
        actors.iter().copied().find(|k| k.party_id() == p)
    });
    let verified = verifier.verify(None, &log);
    assert!(verified.is_ok(), "the log verifies: {verified:?}");
    log
}

fn appended(n: usize, scope: Scope) -> Vec<SealedItem> {
    (0..n)
        .map(|_| item(scope, Sealing::AppendKey { epoch: 0 }))
        .collect()
}

#[tokio::test]
async fn two_items_in_one_append_are_one_entry_and_the_owner_can_still_write() {
    let w = World::new().await;
    w.grant(&[
        (Scope::Intake, Mode::Append),
        (Scope::Terugkoppeling, Mode::Append),
    ])
    .await;
    let items = [
        item(Scope::Intake, Sealing::AppendKey { epoch: 0 }),
        item(Scope::Terugkoppeling, Sealing::AppendKey { epoch: 0 }),
    ];
    let r = w.post(&w.gp, "/append", &json!({ "items": items })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["stored"], 2);

    let log = log_verifies(&w, &[]).await;
    let appends: Vec<_> = log
        .iter()
        .filter(|e| e.entry.event.kind == EventKind::Append)
        .collect();
    assert_eq!(appends.len(), 1, "one request, one entry");
    assert_eq!(
        appends[0].entry.event.object,
        LogObject::Items(
            items
                .iter()
                .map(|i| ItemRef {
                    scope: i.scope,
                    item: i.id,
                })
                .collect()
        )
    );
    assert!(
        appends[0].entry.event.proof.is_some(),
        "the request is its proof"
    );

    // The owner goes on writing: a second grant and its revocation verify on top.
    let g = w.grant(&[(Scope::Notities, Mode::Read)]).await;
    let perms = LogObject::Permissions(g.grant.permissions.as_slice().to_vec());
    let revoke = crypto::SignedRevocation::sign(&w.vault, g.grant.id, w.h.now());
    let entry = w.revoke_entry(perms, Some(g.grant.id)).await;
    let path = format!("/grants/{}/revoke", g.grant.id);
    let r = w
        .post(
            &w.vault,
            &path,
            &json!({"revocation": revoke, "log": entry}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let log = log_verifies(&w, &[]).await;
    assert_eq!(log.last().unwrap().entry.event.kind, EventKind::Revoke);
}

#[tokio::test]
async fn an_append_is_all_or_nothing() {
    let w = World::new().await;
    w.grant(&[(Scope::Intake, Mode::Append)]).await;
    let mixed = [
        item(Scope::Intake, Sealing::AppendKey { epoch: 0 }),
        item(Scope::Notities, Sealing::AppendKey { epoch: 0 }),
    ];
    let r = w.post(&w.gp, "/append", &json!({ "items": mixed })).await;
    assert_eq!(r.error(), (StatusCode::FORBIDDEN, "scope_not_granted"));
    let r = w.get(&w.vault, "/items").await;
    assert_eq!(r.body["items"], json!([]), "nothing of the request stored");
    let log = log_verifies(&w, &[]).await;
    assert_eq!(log.len(), 2, "the grant and one refusal");
}

#[tokio::test]
async fn an_append_takes_at_most_100_items() {
    let w = World::new().await;
    w.grant(&[(Scope::Intake, Mode::Append)]).await;
    let r = w
        .post(
            &w.gp,
            "/append",
            &json!({ "items": appended(101, Scope::Intake) }),
        )
        .await;
    assert_eq!(r.error(), (StatusCode::PAYLOAD_TOO_LARGE, "too_many_items"));
    let r = w
        .post(
            &w.gp,
            "/append",
            &json!({ "items": appended(100, Scope::Intake) }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["stored"], 100);
    let log = log_verifies(&w, &[]).await;
    assert_eq!(log.len(), 2, "the grant and the one append");
}

#[tokio::test]
async fn an_upload_takes_at_most_1000_items() {
    let w = World::new().await;
    let items = |n| -> Vec<SealedItem> {
        (0..n)
            .map(|_| item(Scope::Notities, Sealing::ScopeKey { epoch: 1 }))
            .collect()
    };
    let r = w
        .post(&w.vault, "/items", &json!({ "items": items(1001) }))
        .await;
    assert_eq!(r.error(), (StatusCode::PAYLOAD_TOO_LARGE, "too_many_items"));
    let r = w
        .post(&w.vault, "/items", &json!({ "items": items(1000) }))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["stored"], 1000);
}

#[tokio::test]
async fn a_scope_key_upload_takes_at_most_1000_keys() {
    let w = World::new().await;
    let key = crypto::ScopeKey::generate(Scope::Notities, &mut rand_core::OsRng)
        .wrap(&w.vault, &w.vault.public())
        .unwrap();
    let r = w.put_scope_keys(&w.vault, &vec![key.clone(); 1001]).await;
    assert_eq!(r.error(), (StatusCode::PAYLOAD_TOO_LARGE, "too_many_items"));
    let r = w.put_scope_keys(&w.vault, &vec![key; 1000]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
}

/// A party that holds no grant on `w`'s vault, enrolled.
async fn stranger(w: &World) -> Identity {
    let who = Identity::generate(&mut OsRng);
    let r =
        w.h.signed(&who, Method::POST, "/v1/parties", Some(&gp_enrolment(&who)))
            .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    who
}

/// The `denied` entries in the log.
fn denials(log: &[SignedEntry]) -> Vec<DenyReason> {
    log.iter()
        .filter_map(|e| match e.entry.event.outcome {
            Outcome::Denied(reason) => Some(reason),
            Outcome::Success => None,
        })
        .collect()
}

#[tokio::test]
async fn a_stranger_is_logged_once_per_window_and_refused_every_time() {
    let w = World::new().await;
    let s = stranger(&w).await;
    for _ in 0..5 {
        let r = w.get(&s, "/items").await;
        assert_eq!(r.error(), (StatusCode::FORBIDDEN, "no_grant"));
        let r = w
            .post(
                &s,
                "/append",
                &json!({ "items": appended(1, Scope::Intake) }),
            )
            .await;
        assert_eq!(r.error(), (StatusCode::FORBIDDEN, "no_grant"));
    }
    let log = log_verifies(&w, &[&s]).await;
    assert_eq!(
        denials(&log),
        [DenyReason::NoGrant],
        "ten refusals, one entry"
    );

    w.h.advance(WINDOW_SECS);
    let r = w.get(&s, "/scope-keys").await;
    assert_eq!(r.error(), (StatusCode::FORBIDDEN, "no_grant"));
    let log = log_verifies(&w, &[&s]).await;
    assert_eq!(denials(&log).len(), 2, "logged again in the next window");
}

#[tokio::test]
async fn at_most_ten_strangers_a_window_reach_a_log() {
    let w = World::new().await;
    let mut strangers = Vec::new();
    for _ in 0..=MOST_STRANGERS {
        let s = stranger(&w).await;
        let r = w.get(&s, "/items").await;
        assert_eq!(r.error(), (StatusCode::FORBIDDEN, "no_grant"));
        strangers.push(s);
    }
    let others: Vec<&Identity> = strangers.iter().collect();
    let log = log_verifies(&w, &others).await;
    assert_eq!(denials(&log).len(), MOST_STRANGERS);
}

#[tokio::test]
async fn refusals_of_a_grantee_are_all_logged() {
    let w = World::new().await;
    w.grant(&[(Scope::Intake, Mode::Append)]).await;
    for _ in 0..3 {
        let r = w.get(&w.gp, "/items").await;
        assert_eq!(r.error(), (StatusCode::FORBIDDEN, "append_only"));
    }
    let log = log_verifies(&w, &[]).await;
    assert_eq!(denials(&log), [DenyReason::ModeNotGranted; 3]);
}

/// A GET of `path` signed by `who`, from address `ip`; with a bad signature when `tampered`
/// (signed over a body it does not carry).
async fn get_from(h: &Harness, who: &Identity, path: &str, ip: [u8; 4], tampered: bool) -> Reply {
    let signed_body: &[u8] = if tampered { b"not this body" } else { b"" };
    let nonce = crypto::Nonce::random(&mut OsRng);
    let call =
        crypto::http_sig::SignedCall::sign(who, "GET", path, signed_body, h.now(), nonce).unwrap();
    let mut req = Request::builder().method(Method::GET).uri(path);
    for (name, value) in call.headers() {
        req = req.header(name, value);
    }
    let mut req = req.body(Body::empty()).unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 40_000))));
    h.send(req).await
}

#[tokio::test]
async fn a_key_sending_bad_signatures_is_refused_for_a_while_from_that_address_only() {
    use vault_server::bad_signatures::{MOST_BAD, WINDOW_SECS as BAD_WINDOW};
    let w = World::new().await;
    let (attacker, victim) = ([198, 51, 100, 7], [203, 0, 113, 9]);
    // Bad signatures claiming the GP's key, from the attacker's address.
    for _ in 0..MOST_BAD {
        let r = get_from(&w.h, &w.gp, "/v1/grants", attacker, true).await;
        assert_eq!(r.error(), (StatusCode::UNAUTHORIZED, "bad_signature"));
    }
    // From that address the key is refused now, good signature or not, before any check.
    let r = get_from(&w.h, &w.gp, "/v1/grants", attacker, false).await;
    assert_eq!(
        r.error(),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_bad_signatures")
    );
    let retry: i64 = r.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=BAD_WINDOW).contains(&retry), "{retry}");
    // The GP itself, from its own address, is not locked out; nor is another key.
    let r = get_from(&w.h, &w.gp, "/v1/grants", victim, false).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r = get_from(&w.h, &w.vault, "/v1/grants", attacker, false).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // After the window, the key is served from that address again.
    w.h.advance(retry);
    let r = get_from(&w.h, &w.gp, "/v1/grants", attacker, false).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}
