//! The signed API through the real router: enrolment, items, grants, grantee reads and appends
//! with their consent-log entries, revocation, expiry, replay, share links, FHIR export.

#![allow(clippy::unwrap_used, reason = "tests")]

mod common;

use std::num::NonZeroU32;
use std::sync::Arc;

use axum::http::{Method, StatusCode};
use common::consent::answer;
use common::world::{item, World};
use common::{harness_on, harness_with, T0};
use crypto::grant::History;
use crypto::http_sig::SignedCall;
use crypto::log::{ActionCode, DenyReason, EventKind, LogObject, Outcome, SignedEntry};
use crypto::request::{AccessDuration, Permissions};
use crypto::{
    Identity, ItemId, LinkId, Mode, Nonce, Permission, Scope, ScopeKey, SealedItem, Sealing,
    SignedGrant, SignedRequest, SignedRevocation, WrappedScopeKey,
};
use rand_core::OsRng;
use serde_json::{json, Value};

fn ids(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn item_pages_hand_out_a_cursor_to_resume_from() {
    let w = World::new().await;
    let first: Vec<SealedItem> = (0..3)
        .map(|_| item(Scope::Notities, Sealing::ScopeKey { epoch: 1 }))
        .collect();
    w.upload(&first).await;
    let page = async |after: u64| {
        let rest = format!("/items?after={after}&limit=2");
        w.get(&w.vault, &rest).await
    };
    let r = page(0).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(ids(&r.body).len(), 2);
    assert_eq!(
        (r.body["next"].as_u64(), r.body["more"].as_bool()),
        (Some(2), Some(true))
    );
    let r = page(2).await;
    assert_eq!(ids(&r.body), vec![first[2].id.to_string()]);
    assert_eq!(
        (r.body["next"].as_u64(), r.body["more"].as_bool()),
        (Some(3), Some(false)),
        "the last page still names where it ended"
    );
    let later = item(Scope::Notities, Sealing::ScopeKey { epoch: 1 });
    w.upload(std::slice::from_ref(&later)).await;
    let r = page(3).await;
    assert_eq!(ids(&r.body), vec![later.id.to_string()], "only what is new");
    assert_eq!(r.body["next"].as_u64(), Some(4));
}

#[tokio::test]
async fn grantee_reads_granted_scopes_only_and_every_read_is_logged() {
    let w = World::new().await;
    let intake = item(Scope::Intake, Sealing::ScopeKey { epoch: 1 });
    let notes = item(Scope::Notities, Sealing::ScopeKey { epoch: 1 });
    w.upload(&[intake.clone(), notes.clone()]).await;
    let g = w.grant(&[(Scope::Intake, Mode::Read)]).await;

    let r = w.get(&w.gp, "/items").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(ids(&r.body), vec![intake.id.to_string()], "never the notes");

    let r = w.get(&w.gp, &format!("/items/{}", notes.id)).await;
    assert_eq!(r.error(), (StatusCode::FORBIDDEN, "scope_not_granted"));

    let log = w.log().await;
    let kinds: Vec<_> = log
        .iter()
        .map(|e| (e.entry.event.kind, e.entry.event.outcome))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (EventKind::Grant, Outcome::Success),
            (EventKind::Access, Outcome::Success),
            (
                EventKind::Access,
                Outcome::Denied(DenyReason::ScopeNotGranted)
            ),
        ]
    );
    let read = &log[1].entry.event;
    assert_eq!(read.grant, Some(g.grant.id));
    assert_eq!(
        read.proof.as_ref().unwrap().claims.key,
        w.gp.public().party_id()
    );

    // The whole chain verifies against the vault and the server key.
    let server = w.h.server_keys().await;
    let gp_keys = w.gp.public();
    let verifier = crypto::log::LogVerifier::new(w.vault.public(), server, |p| {
        (p == gp_keys.party_id()).then_some(gp_keys)
    });
    verifier.verify(None, &log).unwrap();

    let r = w.get(&w.vault, "/log/audit-events").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["resourceType"], "Bundle");
    let events = r.body["entry"].as_array().unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(events[1]["resource"]["action"], "R");
    assert_eq!(events[2]["resource"]["outcome"], "4");
    assert_eq!(
        events[1]["resource"]["agent"][0]["role"][0]["coding"][0]["code"],
        "huisarts"
    );
}

#[tokio::test]
async fn revocation_takes_effect_on_the_next_request_and_is_idempotent() {
    let w = World::new().await;
    let g = w.store_intake_and_grant_read().await;
    assert_eq!(w.get(&w.gp, "/items").await.status, StatusCode::OK);

    let revocation = SignedRevocation::sign(&w.vault, g.grant.id, T0);
    let log = w
        .vault_entry(EventKind::Revoke, LogObject::Vault, Some(g.grant.id))
        .await;
    let revoke = format!("/grants/{}/revoke", g.grant.id);
    let body = json!({"revocation": revocation, "log": log});
    let r = w.post(&w.vault, &revoke, &body).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["already_revoked"], false);
    let r = w.post(&w.vault, &revoke, &body).await;
    assert_eq!(r.body["already_revoked"], true);

    let r = w.get(&w.gp, "/items").await;
    assert_eq!(r.error(), (StatusCode::FORBIDDEN, "grant_revoked"));
    let r = w.h.signed(&w.gp, Method::GET, "/v1/grants", None).await;
    assert!(r.body["grants"][0]["revoked"].is_object());
}

#[tokio::test]
async fn expired_grant_is_refused_by_the_server_clock() {
    let w = World::new().await;
    w.grant_with(&[(Scope::Intake, Mode::Read)], |t| {
        t.duration = AccessDuration::Days(1)
    })
    .await;
    assert_eq!(w.get(&w.gp, "/items").await.status, StatusCode::OK);
    w.h.advance(86_400);
    let r = w.get(&w.gp, "/items").await;
    assert_eq!(r.error(), (StatusCode::FORBIDDEN, "grant_expired"));
}

#[tokio::test]
async fn max_uses_and_history_from_now_are_enforced() {
    let w = World::new().await;
    let old = item(Scope::Intake, Sealing::ScopeKey { epoch: 1 });
    w.upload(&[old]).await;
    w.h.advance(10);
    w.grant_with(&[(Scope::Intake, Mode::Read)], |t| {
        t.max_uses = NonZeroU32::new(2);
        t.history = History::FromNow;
    })
    .await;
    let r = w.get(&w.gp, "/items").await;
    assert!(
        ids(&r.body).is_empty(),
        "items from before the grant stay hidden"
    );
    assert_eq!(w.get(&w.gp, "/items").await.status, StatusCode::OK);
    let r = w.get(&w.gp, "/items").await;
    assert_eq!(r.error(), (StatusCode::FORBIDDEN, "grant_uses_exhausted"));
}

#[tokio::test]
async fn an_item_from_before_a_from_now_grant_is_refused_and_logged_as_refused() {
    let w = World::new().await;
    let old = item(Scope::Intake, Sealing::ScopeKey { epoch: 1 });
    w.upload(std::slice::from_ref(&old)).await;
    w.h.advance(10);
    w.grant_with(&[(Scope::Intake, Mode::Read)], |t| {
        t.history = History::FromNow;
    })
    .await;
    let r = w.get(&w.gp, &format!("/items/{}", old.id)).await;
    assert_eq!(r.error(), (StatusCode::FORBIDDEN, "scope_not_granted"));
    let last = w.last_event().await;
    assert_eq!(
        (last.kind, last.outcome),
        (
            EventKind::Access,
            Outcome::Denied(DenyReason::ScopeNotGranted)
        ),
        "the log says what the GP was told"
    );
}

#[tokio::test]
async fn a_grantee_cannot_tell_an_unknown_item_from_one_outside_its_grant() {
    let w = World::new().await;
    let notes = item(Scope::Notities, Sealing::ScopeKey { epoch: 1 });
    w.upload(std::slice::from_ref(&notes)).await;
    w.grant(&[(Scope::Intake, Mode::Read)]).await;
    let unknown = ItemId::random(&mut OsRng);
    let mut answers = Vec::new();
    for id in [notes.id, unknown] {
        let r = w.get(&w.gp, &format!("/items/{id}")).await;
        answers.push((r.status, r.code().to_owned()));
        assert_eq!(
            w.last_event().await.outcome,
            Outcome::Denied(DenyReason::ScopeNotGranted),
            "each probe is in the log"
        );
    }
    assert_eq!(answers[0], answers[1], "the same answer for both");
    assert_eq!(answers[0].0, StatusCode::FORBIDDEN);
    let r = w.get(&w.vault, &format!("/items/{unknown}")).await;
    assert_eq!(
        r.error(),
        (StatusCode::NOT_FOUND, "unknown_item"),
        "the owner is told"
    );
}

#[tokio::test]
async fn append_grantee_appends_but_cannot_read() {
    let w = World::new().await;
    w.grant(&[(Scope::Intake, Mode::Append)]).await;
    let note = item(Scope::Intake, Sealing::AppendKey { epoch: 0 });
    let r = w.post(&w.gp, "/append", &json!({"items": [note]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = w.get(&w.gp, "/items").await;
    assert_eq!(r.error(), (StatusCode::FORBIDDEN, "append_only"));
    let other = item(Scope::Notities, Sealing::AppendKey { epoch: 0 });
    let r = w.post(&w.gp, "/append", &json!({"items": [other]})).await;
    assert_eq!(r.error(), (StatusCode::FORBIDDEN, "scope_not_granted"));
    // The owner sees the appended note.
    let r = w.get(&w.vault, "/items").await;
    assert_eq!(ids(&r.body), vec![note.id.to_string()]);
    let kinds: Vec<_> = w.log().await.iter().map(|e| e.entry.event.kind).collect();
    assert_eq!(
        kinds,
        vec![
            EventKind::Grant,
            EventKind::Append,
            EventKind::Access,
            EventKind::Append
        ]
    );
}

#[tokio::test]
async fn forged_widened_extended_and_replayed_grants_are_refused() {
    let w = World::new().await;
    let request = w.access_request(&[(Scope::Intake, Mode::Read)]);
    let verified = request.verify(T0).unwrap();
    let as_requested = || answer(&w.vault, &verified, T0, |_| {});
    let good = as_requested();
    let log = w
        .vault_entry(EventKind::Grant, LogObject::Vault, Some(good.grant.id))
        .await;

    // Forged: signed by another key.
    let mallory = Identity::generate(&mut OsRng);
    let mut forged = good.clone();
    forged.signature = mallory.sign(crypto::grant::DOMAIN_GRANT, &forged.grant);
    assert_eq!(
        w.submit_grant(&forged, &request, &log).await.code(),
        "forged_grant"
    );
    // Widened: notes added, re-signed by the vault (the request did not ask for them).
    let mut widened = good.clone();
    widened.grant.permissions = Permissions::new([
        Permission {
            scope: Scope::Intake,
            mode: Mode::Read,
        },
        Permission {
            scope: Scope::Notities,
            mode: Mode::Read,
        },
    ])
    .unwrap();
    widened.signature = w.vault.sign(crypto::grant::DOMAIN_GRANT, &widened.grant);
    assert_eq!(
        w.submit_grant(&widened, &request, &log).await.code(),
        "widened_scope"
    );
    // Extended expiry.
    let mut extended = good.clone();
    extended.grant.expiry = crypto::Expiry::At(T0 + 365 * 86_400);
    extended.signature = w.vault.sign(crypto::grant::DOMAIN_GRANT, &extended.grant);
    assert_eq!(
        w.submit_grant(&extended, &request, &log).await.code(),
        "expiry_beyond_request"
    );
    assert!(w.log().await.is_empty(), "nothing stored");

    let third = as_requested();
    let stale = w
        .vault_entry(EventKind::Grant, LogObject::Vault, Some(third.grant.id))
        .await;
    assert_eq!(
        w.submit_grant(&good, &request, &log).await.status,
        StatusCode::CREATED
    );
    // Same request nonce answered again by a second grant.
    let again = as_requested();
    let log2 = w
        .vault_entry(EventKind::Grant, LogObject::Vault, Some(again.grant.id))
        .await;
    let r = w.submit_grant(&again, &request, &log2).await;
    assert_eq!(r.error(), (StatusCode::CONFLICT, "nonce_reused"));
    // A log entry signed before the head moved.
    let r = w.submit_grant(&third, &request, &stale).await;
    assert_eq!(r.error(), (StatusCode::CONFLICT, "log_head_moved"));
}

#[tokio::test]
async fn replayed_skewed_unsigned_and_unknown_requests_are_refused() {
    let w = World::new().await;
    let nonce = Nonce::random(&mut OsRng);
    assert_eq!(
        w.get_with_nonce(&w.vault, "/items", nonce).await.status,
        StatusCode::OK
    );
    let r = w.get_with_nonce(&w.vault, "/items", nonce).await;
    assert_eq!(r.error(), (StatusCode::UNAUTHORIZED, "replayed_request"));
    let r = w.h.get(&w.path("/items"), None).await;
    assert_eq!(r.code(), "missing_signature");
    let stranger = Identity::generate(&mut OsRng);
    assert_eq!(w.get(&stranger, "/items").await.code(), "unknown_key");
    let r = w.get(&w.gp, "/items").await;
    assert_eq!(r.code(), "no_grant");
    let r = w.post(&w.gp, "/items", &json!({"items": []})).await;
    assert_eq!(r.code(), "not_owner");
    // Malformed bodies: precise codes, nothing stored.
    let malformed = json!({"items": [{"id": "!!"}]});
    let r = w.post(&w.vault, "/items", &malformed).await;
    assert_eq!(
        r.error(),
        (StatusCode::UNPROCESSABLE_ENTITY, "malformed_base64")
    );
    let appended = json!({"items": [item(Scope::Intake, Sealing::AppendKey { epoch: 0 })]});
    let r = w.post(&w.vault, "/items", &appended).await;
    assert_eq!(r.code(), "wrong_sealing");
    let r = w.get(&w.vault, "/items").await;
    assert!(ids(&r.body).is_empty());
    // Same id, other bytes.
    let a = item(Scope::Intake, Sealing::ScopeKey { epoch: 1 });
    w.upload(std::slice::from_ref(&a)).await;
    w.upload(std::slice::from_ref(&a)).await;
    let mut b = a;
    b.ciphertext = vec![1; 3];
    let r = w.post(&w.vault, "/items", &json!({"items": [b]})).await;
    assert_eq!(r.error(), (StatusCode::CONFLICT, "item_conflict"));
}

#[tokio::test]
async fn share_links_open_expire_and_all_failures_look_the_same() {
    let w = World::new().await;
    let id = w.make_link(None, Some(1)).await;
    let r = w.h.open_link(id, None).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["sealed"], "c2VhbGVk");
    let used_up = w.h.open_link(id, None).await;
    let unknown = w.h.open_link(LinkId::random(&mut OsRng), None).await;
    let expiring = w.make_link(None, None).await;
    let revoked = w.make_link(None, None).await;
    let log = w.revoke_entry(LogObject::Link(revoked), None).await;
    let r = w
        .delete_link(&w.vault, revoked, Some(&json!({ "log": log })))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    let revoked = w.h.open_link(revoked, None).await;
    w.h.advance(600);
    let expired = w.h.open_link(expiring, None).await;
    for r in [used_up, unknown, revoked, expired] {
        assert_eq!(r.error(), (StatusCode::NOT_FOUND, "link_not_found"));
        assert_eq!(r.body, unknown_body());
    }
}

#[tokio::test]
async fn revoking_a_share_link_refuses_bad_entries_and_changes_nothing() {
    let w = World::new().await;
    let id = w.make_link(None, None).await;
    let other = w.make_link(None, None).await;
    let refuse = async |who: &Identity, log: &SignedEntry, expected: (StatusCode, &str)| {
        let r = w.delete_link(who, id, Some(&json!({ "log": log }))).await;
        assert_eq!(r.error(), expected, "{:?}", r.body);
    };
    let invalid = (StatusCode::UNPROCESSABLE_ENTITY, "invalid_log_entry");

    // Another kind: a second share-link-create entry for this link.
    let create = w
        .vault_entry(EventKind::ShareLinkCreate, LogObject::Link(id), None)
        .await;
    refuse(&w.vault, &create, invalid).await;
    // A revoke entry for another link, for a grant, or for a link and a grant at once.
    let other_link = w.revoke_entry(LogObject::Link(other), None).await;
    refuse(&w.vault, &other_link, invalid).await;
    let grant = Some(crypto::GrantId::random(&mut OsRng));
    let of_grant = w.revoke_entry(LogObject::Vault, grant).await;
    refuse(&w.vault, &of_grant, invalid).await;
    let both = w.revoke_entry(LogObject::Link(id), grant).await;
    refuse(&w.vault, &both, invalid).await;
    // Signed by someone else than the vault key.
    let mut forged = w.revoke_entry(LogObject::Link(id), None).await;
    forged.signature = w.gp.sign(crypto::log::DOMAIN_ENTRY, &forged.entry);
    refuse(&w.vault, &forged, invalid).await;
    // A good entry, but the caller is not the owner.
    let good = w.revoke_entry(LogObject::Link(id), None).await;
    refuse(&w.gp, &good, (StatusCode::FORBIDDEN, "not_owner")).await;
    // No entry at all (the body this call had before it was logged).
    let r = w.delete_link(&w.vault, id, None).await;
    assert_eq!(r.error(), (StatusCode::BAD_REQUEST, "malformed_json"));
    let r = w.delete_link(&w.vault, id, Some(&json!({}))).await;
    assert_eq!(r.code(), "missing_field", "{:?}", r.body);
    // Signed at the head, but the head moved (an open was logged) before it arrived.
    let log_before = w.log().await;
    assert_eq!(w.h.open_link(id, None).await.status, StatusCode::OK);
    refuse(&w.vault, &good, (StatusCode::CONFLICT, "log_head_moved")).await;

    // Nothing was stored: the log holds only the two creations and the open, and the link
    // still opens.
    let log = w.log().await;
    assert_eq!(log.len(), log_before.len() + 1);
    assert_eq!(log[..log_before.len()], log_before[..]);
    assert_eq!(
        log.last().unwrap().entry.event.kind,
        EventKind::ShareLinkOpen
    );
    assert_eq!(w.h.open_link(id, None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn revoking_a_share_link_logs_it_once_in_the_same_write() {
    let w = World::new().await;
    let id = w.make_link(None, None).await;
    let log = w.revoke_entry(LogObject::Link(id), None).await;
    let r = w
        .delete_link(&w.vault, id, Some(&json!({ "log": log })))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    let chain = w.log().await;
    assert_eq!(chain.last(), Some(&log), "the owner's entry is the head");
    let event = &chain.last().unwrap().entry.event;
    assert_eq!(
        (event.kind, event.action, event.object.clone()),
        (EventKind::Revoke, ActionCode::Delete, LogObject::Link(id))
    );
    assert_eq!(w.h.open_link(id, None).await.body, unknown_body());

    // Idempotent: revoking again answers 204 and logs nothing more.
    let again = w.revoke_entry(LogObject::Link(id), None).await;
    let r = w
        .delete_link(&w.vault, id, Some(&json!({ "log": again })))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    assert_eq!(w.log().await, chain, "nothing more logged");
    // An unknown link: the same 404 as for opening one, nothing logged.
    let unknown = LinkId::random(&mut OsRng);
    let log = w.revoke_entry(LogObject::Link(unknown), None).await;
    let r = w
        .delete_link(&w.vault, unknown, Some(&json!({ "log": log })))
        .await;
    assert_eq!((r.status, r.body), (StatusCode::NOT_FOUND, unknown_body()));

    // The inwoner's device verifies the whole chain, revocation included.
    let chain = w.log().await;
    let server = w.h.server_keys().await;
    crypto::log::LogVerifier::new(w.vault.public(), server, |_| None)
        .verify(None, &chain)
        .unwrap();
}

fn unknown_body() -> Value {
    json!({"code": "link_not_found", "message": "Deze link bestaat niet of werkt niet meer. / This link does not exist or no longer works."})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn passcode_brute_force_stops_at_five_even_in_parallel() {
    let w = World::on(harness_with(|c| {
        c.rate_limits.passcode_per_minute = NonZeroU32::new(1000).unwrap()
    }))
    .await;
    let id = w.make_link(Some("1234"), None).await;
    let tries = (0..20).map(|i| {
        let h = w.h.clone();
        tokio::spawn(async move { h.open_link(id, Some(&format!("wrong{i}"))).await })
    });
    let mut wrong = 0;
    for t in tries {
        let r = t.await.unwrap();
        match r.code() {
            "wrong_passcode" => wrong += 1,
            "link_not_found" => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(wrong, 5, "exactly five wrong passcodes are ever checked");
    let r = w.h.open_link(id, Some("1234")).await;
    assert_eq!(
        r.code(),
        "link_not_found",
        "the right passcode no longer opens a dead link"
    );
    let opens = w
        .log()
        .await
        .iter()
        .filter(|e| e.entry.event.kind == EventKind::ShareLinkOpen)
        .count();
    assert_eq!(opens, 5, "each checked attempt is logged");
}

// ---- scope keys ----

fn wrap(scope: Scope, owner: &Identity, to: &crypto::PublicKeys) -> WrappedScopeKey {
    ScopeKey::generate(scope, &mut OsRng)
        .wrap(owner, to)
        .unwrap()
}

fn key_labels(body: &Value) -> Vec<(String, String)> {
    let mut labels: Vec<_> = body["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["scope"].as_str().unwrap().to_owned(),
                k["recipient"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    labels.sort();
    labels
}

#[tokio::test]
async fn scope_keys_reach_only_their_recipient_and_granted_scopes() {
    let w = World::new().await;
    let me = w.vault.public();
    let gp = w.gp.public();
    let keys = [
        wrap(Scope::Intake, &w.vault, &me),
        wrap(Scope::Intake, &w.vault, &gp),
        wrap(Scope::Notities, &w.vault, &gp),
    ];
    let r = w.put_scope_keys(&w.vault, &keys).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["stored"], 3);

    // The owner gets the keys wrapped for itself only, and can open them.
    let r = w.get(&w.vault, "/scope-keys").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let mine: Vec<WrappedScopeKey> = serde_json::from_value(r.body["keys"].clone()).unwrap();
    assert_eq!(mine.len(), 1);
    assert!(mine[0].open(&w.vault, &me).is_ok());

    // Without a grant the GP gets nothing; with a read grant on intake, only the intake key.
    let r = w.get(&w.gp, "/scope-keys").await;
    assert_eq!(r.error(), (StatusCode::FORBIDDEN, "no_grant"));
    w.grant(&[(Scope::Intake, Mode::Read)]).await;
    let r = w.get(&w.gp, "/scope-keys").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        key_labels(&r.body),
        vec![("intake".to_owned(), gp.party_id().to_string())],
        "never the notes key"
    );
    let theirs: Vec<WrappedScopeKey> = serde_json::from_value(r.body["keys"].clone()).unwrap();
    assert!(theirs[0].open(&w.gp, &me).is_ok());
    let last = w.last_event().await;
    assert_eq!(
        (last.kind, last.outcome),
        (EventKind::Access, Outcome::Success),
        "the key fetch is logged"
    );

    // Only the owner uploads, and only keys of its own vault.
    let r = w.put_scope_keys(&w.gp, &keys).await;
    assert_eq!(r.error(), (StatusCode::FORBIDDEN, "not_owner"));
    let stranger = Identity::generate(&mut OsRng);
    let foreign = wrap(Scope::Intake, &stranger, &gp);
    let r = w.put_scope_keys(&w.vault, &[foreign]).await;
    assert_eq!(r.error(), (StatusCode::UNPROCESSABLE_ENTITY, "wrong_vault"));

    // Keys the vault key did not sign (relabelled, or signed by someone else) are refused.
    let mut relabelled = wrap(Scope::Intake, &w.vault, &gp);
    relabelled.scope = Scope::Notities;
    let mut resigned = wrap(Scope::Intake, &w.vault, &gp);
    resigned.signature = stranger.sign("rugzak/v1/wrapped-scope-key", &resigned.epoch);
    for forged in [relabelled, resigned] {
        let keys = [wrap(Scope::Intake, &w.vault, &gp), forged];
        let r = w.put_scope_keys(&w.vault, &keys).await;
        assert_eq!(
            r.error(),
            (StatusCode::UNPROCESSABLE_ENTITY, "forged_scope_key")
        );
    }
    let r = w.get(&w.gp, "/scope-keys").await;
    assert_eq!(
        r.body["keys"].as_array().unwrap().len(),
        1,
        "nothing stored"
    );
}

#[tokio::test]
async fn an_append_grantee_gets_no_scope_keys() {
    let w = World::new().await;
    let gp = w.gp.public();
    let r = w
        .put_scope_keys(&w.vault, &[wrap(Scope::Intake, &w.vault, &gp)])
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    w.grant(&[(Scope::Intake, Mode::Append)]).await;
    let r = w.get(&w.gp, "/scope-keys").await;
    assert_eq!(r.error(), (StatusCode::FORBIDDEN, "append_only"));
    assert!(
        matches!(w.last_event().await.outcome, Outcome::Denied(_)),
        "the refusal is logged"
    );
}

/// An appender gets the append keys of the newest epoch of its append scopes only (the
/// vault's own copies, whose label the vault signed); an append sealed to an older epoch is
/// refused so that a reader revoked before the rotation cannot open it; the old format and a
/// read-only grantee are refused.
#[tokio::test]
async fn appenders_get_the_newest_append_keys_and_stale_appends_are_refused() {
    let w = World::new().await;
    let me = w.vault.public();
    let intake0 = ScopeKey::generate(Scope::Intake, &mut OsRng);
    let intake1 = intake0.rotate(&mut OsRng).unwrap();
    let keys = [
        intake0.wrap(&w.vault, &me).unwrap(),
        intake1.wrap(&w.vault, &me).unwrap(),
        wrap(Scope::Notities, &w.vault, &me),
    ];
    let r = w.put_scope_keys(&w.vault, &keys).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);

    let r = w.get(&w.gp, "/append-keys").await;
    assert_eq!(r.error(), (StatusCode::FORBIDDEN, "no_grant"));
    w.grant(&[(Scope::Intake, Mode::Append)]).await;
    let r = w.get(&w.gp, "/append-keys").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let got: Vec<WrappedScopeKey> = serde_json::from_value(r.body["keys"].clone()).unwrap();
    assert_eq!(got.len(), 1, "intake only, newest epoch only: {got:?}");
    let key = got[0].append_key(&me).expect("signed by the vault");
    assert_eq!((key.scope(), key.epoch()), (Scope::Intake, 1));
    assert_eq!(key.public(), intake1.append_public());

    let stale = item(Scope::Intake, Sealing::AppendKey { epoch: 0 });
    let r = w.post(&w.gp, "/append", &json!({"items": [stale]})).await;
    assert_eq!(r.error(), (StatusCode::CONFLICT, "stale_append_key"));
    let old_format = item(Scope::Intake, Sealing::Append);
    let r = w
        .post(&w.gp, "/append", &json!({"items": [old_format]}))
        .await;
    assert_eq!(
        r.error(),
        (StatusCode::UNPROCESSABLE_ENTITY, "wrong_sealing")
    );
    let fresh = item(Scope::Intake, Sealing::AppendKey { epoch: 1 });
    let r = w.post(&w.gp, "/append", &json!({"items": [fresh]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = w.get(&w.vault, "/items").await;
    assert_eq!(
        ids(&r.body),
        vec![fresh.id.to_string()],
        "nothing refused was stored"
    );
}

/// An append-only grantee reads back its own appended items, logged, and nothing else: not
/// the owner's items in the same scope, not another appender's.
#[tokio::test]
async fn an_appender_reads_back_its_own_items_and_nothing_else() {
    let w = World::new().await;
    let owners = item(Scope::Intake, Sealing::ScopeKey { epoch: 0 });
    w.upload(std::slice::from_ref(&owners)).await;
    w.grant(&[(Scope::Intake, Mode::Append)]).await;
    let mine = item(Scope::Intake, Sealing::AppendKey { epoch: 0 });
    let r = w.post(&w.gp, "/append", &json!({"items": [mine]})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);

    let r = w.get(&w.gp, "/items?own=true").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(ids(&r.body), vec![mine.id.to_string()]);
    let last = w.last_event().await;
    assert_eq!(
        (last.kind, last.outcome),
        (EventKind::Access, Outcome::Success),
        "reading back is logged"
    );
    let r = w.get(&w.gp, "/items").await;
    assert_eq!(r.error(), (StatusCode::FORBIDDEN, "append_only"));
    // The owner asking for "own" gets only what it uploaded itself.
    let r = w.get(&w.vault, "/items?own=true").await;
    assert_eq!(ids(&r.body), vec![owners.id.to_string()]);
}

// ---- owner log entries ----

#[tokio::test]
async fn owner_appends_log_entries_only_at_the_head_and_only_its_own() {
    let w = World::new().await;
    let device = LogObject::Device(Identity::generate(&mut OsRng).public().party_id());
    let first = w.vault_entry(EventKind::DeviceChange, device, None).await;
    let stale = w
        .vault_entry(EventKind::Export, LogObject::Vault, None)
        .await;
    let post = async |e: &SignedEntry, who: &Identity| {
        w.post(who, "/log", &serde_json::to_value(e).unwrap()).await
    };
    let r = post(&first, &w.vault).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = post(&stale, &w.vault).await;
    assert_eq!(r.error(), (StatusCode::CONFLICT, "log_head_moved"));
    let r = post(&first, &w.vault).await;
    assert_eq!(
        r.code(),
        "log_head_moved",
        "the same entry twice is stale too"
    );

    // Signed by someone else than the vault key: refused, even though it sits at the head.
    let mut forged = w
        .vault_entry(EventKind::Export, LogObject::Vault, None)
        .await;
    forged.signature = w.gp.sign(crypto::log::DOMAIN_ENTRY, &forged.entry);
    let r = post(&forged, &w.vault).await;
    assert_eq!(
        r.error(),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_log_entry")
    );
    // A kind that belongs to another route (a grant) is refused here.
    let grant_entry = w
        .vault_entry(EventKind::Grant, LogObject::Vault, None)
        .await;
    assert_eq!(
        post(&grant_entry, &w.vault).await.code(),
        "invalid_log_entry"
    );
    // Only the owner posts.
    let export = w
        .vault_entry(EventKind::Export, LogObject::Vault, None)
        .await;
    let r = post(&export, &w.gp).await;
    assert_eq!(r.error(), (StatusCode::FORBIDDEN, "not_owner"));

    let log = w.log().await;
    assert_eq!(log.len(), 1, "only the first entry was stored");
    assert_eq!(log[0], first);
}

// ---- parties, requests, grants ----

#[tokio::test]
async fn parties_are_looked_up_by_enrolled_callers() {
    let w = World::new().await;
    let look_up = async |who: &Identity, party: &str| {
        let path = format!("/v1/parties/{party}");
        w.h.signed(who, Method::GET, &path, None).await
    };
    let gp = w.gp.public().party_id().to_string();
    let r = look_up(&w.vault, &gp).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let keys: crypto::PublicKeys = serde_json::from_value(r.body["keys"].clone()).unwrap();
    assert_eq!(keys, w.gp.public());
    assert_eq!(r.body["profile"]["name"], "Dr. J. de Vries");

    let nobody = Identity::generate(&mut OsRng).public().party_id();
    let r = look_up(&w.vault, &nobody.to_string()).await;
    assert_eq!(r.error(), (StatusCode::NOT_FOUND, "unknown_party"));
    let r = w.h.get(&format!("/v1/parties/{gp}"), None).await;
    assert_eq!(r.error(), (StatusCode::UNAUTHORIZED, "missing_signature"));
    let stranger = Identity::generate(&mut OsRng);
    let r = look_up(&stranger, &gp).await;
    assert_eq!(r.code(), "unknown_key");
    let r = look_up(&w.vault, "not-an-id").await;
    assert_eq!(r.error(), (StatusCode::BAD_REQUEST, "malformed_id"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_and_stale_requests_are_refused_among_good_ones_checked_at_once() {
    let w = Arc::new(World::new().await);
    let items = w.path("/items");
    let sign =
        |at: i64, nonce: Nonce| SignedCall::sign(&w.vault, "GET", &items, b"", at, nonce).unwrap();
    // Many requests at once, so that their signatures are checked in batches; every fourth
    // carries its signature with one bit flipped.
    let calls: Vec<(SignedCall, bool)> = (0..32)
        .map(|i| (sign(w.h.now(), Nonce::random(&mut OsRng)), i % 4 == 1))
        .collect();
    let tasks: Vec<_> = calls
        .iter()
        .map(|(call, tampered)| {
            let (w, path, mut sent) = (Arc::clone(&w), items.clone(), call.clone());
            if *tampered {
                sent.signature.0[7] ^= 0x10;
            }
            tokio::spawn(
                async move { w.h.send_call(&sent, Method::GET, &path, vec![], None).await },
            )
        })
        .collect();
    for ((_, tampered), task) in calls.iter().zip(tasks) {
        let r = task.await.unwrap();
        if *tampered {
            assert_eq!(r.error(), (StatusCode::UNAUTHORIZED, "bad_signature"));
        } else {
            assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        }
    }
    // A refused signature claims no nonce: the request as signed still goes through, once.
    let (refused, _) = calls.iter().find(|(_, tampered)| *tampered).unwrap();
    let r =
        w.h.send_call(refused, Method::GET, &items, vec![], None)
            .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let r =
        w.h.send_call(refused, Method::GET, &items, vec![], None)
            .await;
    assert_eq!(r.error(), (StatusCode::UNAUTHORIZED, "replayed_request"));
    // Signed more than five minutes away from the server clock, either way.
    for skew in [-301, 301] {
        let stale = sign(w.h.now() + skew, Nonce::random(&mut OsRng));
        let r =
            w.h.send_call(&stale, Method::GET, &items, vec![], None)
                .await;
        assert_eq!(
            r.error(),
            (StatusCode::UNAUTHORIZED, "clock_skew"),
            "{skew}"
        );
    }
    // A signature by another key than the one named.
    let mut foreign = sign(w.h.now(), Nonce::random(&mut OsRng));
    foreign.signature =
        SignedCall::sign(&w.gp, "GET", &items, b"", w.h.now(), foreign.claims.nonce)
            .unwrap()
            .signature;
    let r =
        w.h.send_call(&foreign, Method::GET, &items, vec![], None)
            .await;
    assert_eq!(r.error(), (StatusCode::UNAUTHORIZED, "bad_signature"));
}

#[tokio::test]
async fn access_requests_are_fetched_by_reference_until_they_expire() {
    let w = World::new().await;
    let request = w.access_request(&[(Scope::Intake, Mode::Read)]);
    let r = w.post_request(&request).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let reference = r.string("reference");
    assert_eq!(reference, request.request.nonce.to_string());

    let path = format!("/v1/requests/{reference}");
    let r = w.h.signed(&w.vault, Method::GET, &path, None).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let fetched: SignedRequest = serde_json::from_value(r.body).unwrap();
    assert_eq!(fetched, request);

    let r = w.h.get(&path, None).await;
    assert_eq!(r.code(), "missing_signature");
    let unknown = format!("/v1/requests/{}", Nonce::random(&mut OsRng));
    let r = w.h.signed(&w.vault, Method::GET, &unknown, None).await;
    assert_eq!(r.error(), (StatusCode::NOT_FOUND, "request_not_found"));

    w.h.advance(crypto::request::REQUEST_LIFETIME);
    let r = w.h.signed(&w.vault, Method::GET, &path, None).await;
    assert_eq!(
        r.error(),
        (StatusCode::NOT_FOUND, "request_not_found"),
        "an expired request is gone"
    );
}

#[tokio::test]
async fn the_owner_lists_its_grants_with_their_uses() {
    let w = World::new().await;
    let g = w.store_intake_and_grant_read().await;
    for _ in 0..2 {
        let r = w.get(&w.gp, "/items").await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let r = w.get(&w.vault, "/grants").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let grants = r.body["grants"].as_array().unwrap();
    assert_eq!(grants.len(), 1);
    let listed: SignedGrant = serde_json::from_value(grants[0]["grant"].clone()).unwrap();
    assert_eq!(listed, g);
    assert_eq!(grants[0]["uses"], 2);
    assert!(grants[0]["revoked"].is_null());
    let keys: crypto::PublicKeys = serde_json::from_value(grants[0]["vault_keys"].clone()).unwrap();
    assert_eq!(keys, w.vault.public());

    let r = w.get(&w.gp, "/grants").await;
    assert_eq!(r.error(), (StatusCode::FORBIDDEN, "not_owner"));
}

// ---- bad input on signed routes ----

#[tokio::test]
async fn too_large_and_non_json_bodies_on_signed_routes_store_nothing() {
    let w = World::on(harness_with(|c| c.body_limit = 2048)).await;
    let mut big = item(Scope::Intake, Sealing::ScopeKey { epoch: 1 });
    big.ciphertext = vec![7; 4096];
    let r = w.post(&w.vault, "/items", &json!({"items": [big]})).await;
    assert_eq!(r.error(), (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"));

    let small = item(Scope::Intake, Sealing::ScopeKey { epoch: 1 });
    let bytes = serde_json::to_vec(&json!({"items": [small]})).unwrap();
    let path = w.path("/items");
    for ct in [Some("text/plain"), None] {
        let r =
            w.h.signed_raw(&w.vault, Method::POST, &path, bytes.clone(), ct)
                .await;
        assert_eq!(
            r.error(),
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            "{ct:?}"
        );
    }
    let r = w.get(&w.vault, "/items").await;
    assert!(ids(&r.body).is_empty(), "nothing stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sled_a_grantee_read_is_answered_and_its_nonce_stays_single_use() {
    let dir = tempfile::tempdir().unwrap();
    let store = vault_server::store::SledStore::open(dir.path(), Default::default()).unwrap();
    let w = World::on(harness_on(Arc::new(store), |_| {})).await;
    w.store_intake_and_grant_read().await;
    let nonce = Nonce::random(&mut OsRng);
    let r = w.get_with_nonce(&w.gp, "/items", nonce).await;
    assert_eq!((r.status, ids(&r.body).len()), (StatusCode::OK, 1));
    let r = w.get_with_nonce(&w.gp, "/items", nonce).await;
    assert_eq!(r.error(), (StatusCode::UNAUTHORIZED, "replayed_request"));
    // Owner reads write nothing else: their nonce is synced by the middleware, and still single use.
    let r = w.get_with_nonce(&w.vault, "/items", nonce).await;
    assert_eq!(r.status, StatusCode::OK, "nonces are per key");
    let r = w.get_with_nonce(&w.vault, "/items", nonce).await;
    assert_eq!(r.code(), "replayed_request");
}
