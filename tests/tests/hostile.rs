//! The hostile-server suite (issue 16): the real `vault-server` behind a tampering proxy
//! ([`tests::hostile::Proxy`]) that rewrites its answers, and the real `rugzak` clients using
//! the proxy as their server. One test per finding: the client refuses with a message in one
//! language (Dutch by default) ending in a stable code, nothing harmful is sent (checked on the
//! requests the proxy recorded), and the attacker's key opens nothing written after the
//! attack. The findings about the consent log are in `hostile_log.rs`; what both share is in
//! `hostile_world`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

#[allow(dead_code, reason = "each suite uses its own part of the shared world")]
mod hostile_world;
mod keys;

use crypto::{GrantTerms, ItemKind, ItemReader, OpenItemError, PublicKeys, Scope, SignedGrant};
use keys::{identity, keyring_from, wrapped_in, SCOPE_KEYS};
use pollster::FutureExt as _;
use rand_core::OsRng;
use rugzak_cli::UreqTransport;
use serde_json::{json, Value};
use tests::hostile::Recorded;
use tests::Person;
use vault_client::{Api, GrantStatus, NewItem};

use hostile_world::{
    assert_nothing_written, assert_refused, foreign_grant, has_post, stranger, World, GRANTS, ITEMS,
};

/// Finding 1: the server adds grants to `GET /v1/vaults/{v}/grants`, one signed by another
/// key and one naming the server's own key as grantee (a real grant of the vault with its
/// grantee swapped). `rugzak grants` does not show them, and the keys of the rotation after a
/// later revoke are wrapped for the owner and the remaining reader only.
#[test]
fn a_fake_grant_in_the_grants_list_is_not_shown_and_gets_no_key() {
    let w = World::start();
    let (gp1, gp2) = (w.pro("gp1", "huisarts"), w.pro("gp2", "huisarts"));
    let g1 = w.grant(&gp1, "notities", "read");
    let _g2 = w.grant(&gp2, "notities", "read");
    let owner = w.owner().public();
    let mallory = stranger();
    let server_keys: PublicKeys = {
        let transport = UreqTransport::new(&w.server.url);
        let id = stranger();
        Api::new(&transport, &id, &rugzak_cli::time::now)
            .server_keys()
            .block_on()
            .unwrap()
    };
    let by_mallory = foreign_grant(&mallory, &mallory);
    let mallory_grant = by_mallory.grant.id.to_string();
    let swapped_id = crypto::GrantId::random(&mut OsRng);
    let mallory_keys = mallory.public();
    let rule = w.proxy.rewrite("GET", GRANTS, move |_, mut body| {
        let list = body["grants"].as_array_mut().unwrap();
        let Some(real) = list.first().cloned() else {
            return body;
        };
        // A real grant of this vault, its grantee swapped for the server's key.
        let mut swapped: GrantStatus = serde_json::from_value(real).unwrap();
        swapped.grant.grant.grantee = server_keys;
        swapped.grant.grant.id = swapped_id;
        swapped.revoked = None;
        list.push(serde_json::to_value(swapped).unwrap());
        // A grant signed by Mallory's key, shown with her keys as the vault's.
        let fake = GrantStatus {
            grant: by_mallory.clone(),
            vault_keys: mallory_keys,
            revoked: None,
            uses: 0,
        };
        list.push(serde_json::to_value(fake).unwrap());
        body
    });

    let shown = w.grants_shown();
    assert!(rule.fired() >= 1, "the proxy added no grant");
    let ids: Vec<&str> = shown.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids.len(),
        2,
        "only the two grants Annelies signed: {shown:?}"
    );
    for fake in [mallory_grant, swapped_id.to_string()] {
        assert!(!ids.contains(&fake.as_str()), "fake grant {fake} shown");
    }

    // A revoke that rotates: the new keys go to Annelies and GP 2 only.
    let mark = w.proxy.mark();
    let _ = w.annelies.ok(&["revoke", &g1]);
    let sent = w.proxy.requests_since(mark);
    let wrapped = wrapped_in(&sent);
    assert!(!wrapped.is_empty(), "the revoke rotated no key");
    let allowed = [owner.party_id().to_string(), gp2.party.clone()];
    for key in &wrapped {
        assert!(
            allowed.contains(&key.recipient.to_string()),
            "a key was wrapped for {} (not Annelies or GP 2)",
            key.recipient
        );
    }
    assert!(wrapped.iter().all(
        |k| k.recipient != mallory.public().party_id() && k.recipient != server_keys.party_id()
    ));

    // A note written after the attack: nothing Mallory received opens it.
    let _ = w.annelies.ok(&["note", "add", "na de aanval"]);
    let all = wrapped_in(&w.proxy.requests());
    let keyring = keyring_from(&mallory, &owner, &all);
    let newest = w.stored_items().pop().unwrap();
    assert!(matches!(
        ItemReader::new(owner.vault_id(), &keyring).open(&newest),
        Err(OpenItemError::NoScopeKey { .. })
    ));
}

/// Finding 2: grant GP 1, revoke GP 1, grant GP 2; the server shows GP 1's grant as not
/// revoked; revoking GP 2 wraps no key of the new epoch for GP 1, `rugzak grants` still says
/// GP 1 is revoked, and GP 1's keys do not open a note written afterwards.
#[test]
fn a_revoked_grant_shown_active_gets_no_new_key() {
    let w = World::start();
    let (gp1, gp2) = (w.pro("gp1", "huisarts"), w.pro("gp2", "huisarts"));
    let g1 = w.grant(&gp1, "notities", "read");
    let _ = w.annelies.ok(&["revoke", &g1]);
    let g2 = w.grant(&gp2, "notities", "read");
    let g1_for_rule = g1.clone();
    let rule = w.proxy.rewrite("GET", GRANTS, move |_, mut body| {
        for g in body["grants"].as_array_mut().unwrap() {
            if g["grant"]["grant"]["id"] == g1_for_rule.as_str() {
                g["revoked"] = Value::Null;
            }
        }
        body
    });

    let shown = w.grants_shown();
    assert!(rule.fired() >= 1, "the proxy did not un-revoke GP 1");
    let status_of = |id: &str| shown.iter().find(|(g, _)| g == id).unwrap().1.clone();
    assert_eq!(status_of(&g1), "revoked", "{shown:?}");

    let mark = w.proxy.mark();
    let _ = w.annelies.ok(&["revoke", &g2]);
    let sent = w.proxy.requests_since(mark);
    let wrapped = wrapped_in(&sent);
    assert!(!wrapped.is_empty(), "the revoke of GP 2 rotated no key");
    assert!(
        wrapped.iter().all(|k| k.recipient.to_string() != gp1.party),
        "a key of the new epoch was wrapped for GP 1"
    );

    // Whatever GP 1 was ever given does not open a note written now.
    let _ = w.annelies.ok(&["note", "add", "na beide intrekkingen"]);
    let owner = w.owner().public();
    let gp1_keys = keyring_from(
        &identity(&gp1.person),
        &owner,
        &wrapped_in(&w.proxy.requests()),
    );
    assert!(gp1_keys.iter().count() > 0, "GP 1 was given epoch 0");
    let newest = w.stored_items().pop().unwrap();
    assert!(matches!(
        ItemReader::new(owner.vault_id(), &gp1_keys).open(&newest),
        Err(OpenItemError::NoScopeKey { .. })
    ));
}

/// Finding 3: the server hides an active grant from the grants list. `rugzak grants` still
/// shows it (the device holds the consent state); `rugzak recover` on a fresh home, which
/// rebuilds that state from the log, refuses with `grant_withheld` and writes nothing.
#[test]
fn an_active_grant_hidden_from_the_list_is_still_shown_and_stops_a_rebuild() {
    let w = World::start();
    let gp = w.pro("gp", "huisarts");
    let grant = w.grant(&gp, "notities", "read");
    let rule = w.proxy.rewrite("GET", GRANTS, |_, mut body| {
        body["grants"] = json!([]);
        body
    });

    let shown = w.grants_shown();
    assert!(rule.fired() >= 1, "the proxy hid nothing");
    assert_eq!(shown, vec![(grant.clone(), "active".to_owned())]);

    let fresh = Person::new(w.dir.path().join("nieuwe-laptop"), &w.proxy.url);
    let mark = w.proxy.mark();
    let refused = fresh.fails(&["recover", "--code", &w.recovery]);
    assert_refused(
        &refused,
        "grant_withheld",
        "De server verbergt toestemming",
        "The server hides grant",
    );
    assert!(refused.contains(&grant), "{refused}");
    assert_nothing_written(&w.proxy.requests_since(mark));
    assert!(!fresh.home.join("keystore.age").exists());

    // Once the server shows the grant again, the rebuild succeeds and knows it; it gets the
    // new keys once she confirms it.
    rule.remove();
    let _ = fresh.ok(&["recover", "--code", &w.recovery]);
    let rebuilt = World {
        annelies: fresh,
        ..w
    };
    assert_eq!(
        rebuilt.grants_shown(),
        vec![(grant.clone(), "unconfirmed".to_owned())]
    );
    let _ = rebuilt.annelies.ok(&["grants", "--confirm"]);
    assert_eq!(rebuilt.grants_shown(), vec![(grant, "active".to_owned())]);
}

/// The server answers the coach's `GET /v1/vaults/{v}/append-keys` with append keys of its
/// own (the labels swapped, the vault's signatures kept). The coach's `rugzak append` refuses
/// with `vault_keys_mismatch` and posts nothing: it seals only to keys the vault published.
#[test]
fn the_coach_never_seals_to_a_key_the_vault_did_not_publish() {
    let w = World::start();
    let coach = w.pro("coach", "welzijnscoach");
    let _ = w.grant(&coach, "intake", "append");
    let server_key = crypto::encoding::b64::encode(stranger().public().agreement);
    let rule = w
        .proxy
        .rewrite("GET", "/v1/vaults/*/append-keys", move |_, mut body| {
            for k in body["keys"].as_array_mut().unwrap() {
                k["append_key"] = Value::from(server_key.clone());
            }
            body
        });
    let mark = w.proxy.mark();
    let refused = coach
        .person
        .fails(&["append", &w.vault, "--yes", "Intake: wandelgroep"]);
    assert!(rule.fired() >= 1, "the proxy swapped no append key");
    assert_refused(
        &refused,
        "vault_keys_mismatch",
        "De server gaf sleutels die niet bij deze rugzak horen",
        "The server gave keys",
    );
    assert!(
        !has_post(&w.proxy.requests_since(mark), "/v1/vaults/*/append"),
        "an append was sent"
    );
    assert!(w.stored_items().is_empty());
}

/// Finding 4: the server answers the coach's `GET /v1/vaults/{v}/keys` with its own X25519
/// key. The coach's `rugzak append` refuses with `vault_keys_mismatch` and posts nothing;
/// with the `vault_keys` of the coach's grant statuses swapped too, with `bad_grant`.
#[test]
fn a_swapped_vault_encryption_key_is_caught_before_sealing() {
    let w = World::start();
    let coach = w.pro("coach", "welzijnscoach");
    let _ = w.grant(&coach, "intake", "append");
    let mallory = stranger();
    let theirs = mallory.public().agreement;
    let swap = move |keys: Value| {
        let mut parsed: PublicKeys = serde_json::from_value(keys).unwrap();
        parsed.agreement = theirs;
        serde_json::to_value(parsed).unwrap()
    };
    let rule = w
        .proxy
        .rewrite("GET", "/v1/vaults/*/keys", move |_, body| swap(body));

    let mark = w.proxy.mark();
    let refused = coach
        .person
        .fails(&["append", &w.vault, "--yes", "Intake: wandelgroep"]);
    assert!(rule.fired() >= 1, "the proxy swapped no key");
    assert_refused(
        &refused,
        "vault_keys_mismatch",
        "De server gaf sleutels die niet bij deze rugzak horen",
        "The server gave keys",
    );
    let sent = w.proxy.requests_since(mark);
    assert!(
        !has_post(&sent, "/v1/vaults/*/append"),
        "an append was sent"
    );

    // The grant statuses' `vault_keys` swapped too: the grant no longer verifies against
    // them (the vault id commits to both keys); refused as well, nothing sent.
    let statuses = w.proxy.rewrite("GET", "/v1/grants", move |_, mut body| {
        for g in body["grants"].as_array_mut().unwrap() {
            g["vault_keys"] = swap(g["vault_keys"].clone());
        }
        body
    });
    let mark = w.proxy.mark();
    let refused = coach
        .person
        .fails(&["append", &w.vault, "--yes", "Intake: wandelgroep"]);
    assert!(statuses.fired() >= 1, "the proxy swapped no grant status");
    assert_refused(
        &refused,
        "bad_grant",
        "Een toestemming van de server klopt niet",
        "A grant from the server",
    );
    assert!(!has_post(
        &w.proxy.requests_since(mark),
        "/v1/vaults/*/append"
    ));

    // Nothing reached the vault.
    let items = w.annelies.json(&["list"]);
    assert_eq!(items["items"].as_array().unwrap().len(), 0, "{items}");
    assert!(w.stored_items().is_empty());
}

/// Finding 5: after a revoke, the server leaves the newest epoch out of the owner's
/// `GET scope-keys`. Her next `rugzak note add` refuses with `epoch_withheld` and posts no
/// item; once the server stops, the note goes under the new epoch, which the revoked GP's
/// keys do not open.
#[test]
fn a_withheld_newest_epoch_stops_the_next_write() {
    let w = World::start();
    let gp = w.pro("gp", "huisarts");
    let grant = w.grant(&gp, "notities", "read");
    let _ = w.annelies.ok(&["revoke", &grant]);
    let rule = w.proxy.rewrite("GET", SCOPE_KEYS, |_, mut body| {
        let keys = body["keys"].as_array_mut().unwrap();
        let newest = keys
            .iter()
            .filter(|k| k["scope"] == "notities")
            .filter_map(|k| k["epoch"].as_u64())
            .max()
            .unwrap();
        keys.retain(|k| !(k["scope"] == "notities" && k["epoch"] == newest));
        body
    });

    let mark = w.proxy.mark();
    let refused = w.annelies.fails(&["note", "add", "geheim"]);
    assert!(rule.fired() >= 1, "the proxy withheld nothing");
    assert_refused(
        &refused,
        "epoch_withheld",
        "De server laat de nieuwste sleutel van notities niet zien",
        "The server does not show",
    );
    let sent = w.proxy.requests_since(mark);
    assert!(!has_post(&sent, ITEMS), "an item was posted");
    assert!(w.stored_items().is_empty());

    rule.remove();
    let _ = w.annelies.ok(&["note", "add", "geheim"]);
    let owner = w.owner().public();
    let gp_keys = keyring_from(
        &identity(&gp.person),
        &owner,
        &wrapped_in(&w.proxy.requests()),
    );
    let stored = w.stored_items();
    assert_eq!(
        stored[0].sealing,
        crypto::Sealing::ScopeKey { epoch: 1 },
        "sealed under the newest epoch"
    );
    assert!(matches!(
        ItemReader::new(owner.vault_id(), &gp_keys).open(&stored[0]),
        Err(OpenItemError::NoScopeKey { .. })
    ));
}

/// Finding 8: the server slips an item into the listing, sealed to the vault by someone
/// without a grant. `rugzak list` lists the other items and names that one apart with
/// `unentitled_author`.
#[test]
fn an_item_by_an_unentitled_author_is_kept_apart() {
    let w = World::start();
    let coach = w.pro("coach", "welzijnscoach");
    let _ = w.grant(&coach, "intake", "append");
    let _ = coach
        .person
        .ok(&["append", &w.vault, "--yes", "Intake: wandelgroep"]);
    let _ = w.annelies.ok(&["note", "add", "van mij"]);
    let owner = w.owner().public();
    let mallory = stranger();
    let envelope = vault_client::vault::envelope(
        &mallory,
        owner.vault_id(),
        NewItem {
            scope: Scope::Notities,
            kind: ItemKind::Note,
            body: b"stop met de wandelgroep".to_vec(),
        },
        rugzak_cli::time::now(),
    );
    // Mallory signs a grant to herself: no vault key, so the inwoner's client must not
    // believe it (nor does the log hold it).
    let mut forged = w.grant_of(&identity(&coach.person));
    forged.grant.grantee = mallory.public();
    forged.grant.permissions = crypto::Permissions::new([crypto::Permission {
        scope: Scope::Notities,
        mode: crypto::Mode::Append,
    }])
    .unwrap();
    forged.signature = mallory.sign(crypto::grant::DOMAIN_GRANT, &forged.grant);
    let injected =
        crypto::seal_append_batch(&mallory, &forged, &w.append_keys(), &[envelope]).unwrap();
    let id = injected[0].id.to_string();
    let item = serde_json::to_value(&injected[0]).unwrap();
    let rule = w.proxy.rewrite("GET", ITEMS, move |_, mut body| {
        body["items"].as_array_mut().unwrap().push(item.clone());
        body
    });

    let out = w.annelies.run(&["--json", "list"]);
    assert!(out.status.success(), "{}", tests::text(&out));
    assert!(rule.fired() >= 1, "the proxy injected nothing");
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let bodies: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    assert!(bodies.contains(&"van mij") && bodies.contains(&"Intake: wandelgroep"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.contains("staat apart"))
        .unwrap_or_else(|| panic!("nothing kept apart:\n{stderr}"));
    assert!(line.contains(&id[..8]), "{line}");
    assert!(line.contains("[unentitled_author]"), "{line}");
    assert!(
        line.contains("geschreven door iemand zonder toestemming"),
        "{line}"
    );
}

/// Finding 9: one append request carrying two items. The server logs one entry for the
/// request (its proof may be kept once); Annelies's log verifies, both items are listed, and
/// she can still grant and revoke.
#[test]
fn two_items_under_one_append_request_do_not_break_the_log() {
    let w = World::start();
    let coach = w.pro("coach", "welzijnscoach");
    let _ = w.grant(&coach, "intake", "append");
    let coach_id = identity(&coach.person);
    let owner = w.owner().public();
    let now = rugzak_cli::time::now();
    let envelopes: Vec<crypto::Envelope> = ["Intake: deel 1", "Intake: deel 2"]
        .iter()
        .map(|text| {
            vault_client::vault::envelope(
                &coach_id,
                owner.vault_id(),
                NewItem {
                    scope: Scope::Intake,
                    kind: ItemKind::IntakeNote,
                    body: text.as_bytes().to_vec(),
                },
                now,
            )
        })
        .collect();
    let grant = w.grant_of(&coach_id);
    let sealed =
        crypto::seal_append_batch(&coach_id, &grant, &w.append_keys(), &envelopes).unwrap();
    let transport = UreqTransport::new(&w.proxy.url);
    let api = Api::new(&transport, &coach_id, &rugzak_cli::time::now);
    api.append_items(owner.vault_id(), sealed)
        .block_on()
        .unwrap();
    let appends: Vec<Recorded> = w
        .proxy
        .requests()
        .into_iter()
        .filter(|r| r.is("POST", "/v1/vaults/*/append"))
        .collect();
    assert_eq!(appends.len(), 1);
    assert_eq!(appends[0].json()["items"].as_array().unwrap().len(), 2);

    let log = w.annelies.json(&["log"]);
    let logged = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "append")
        .count();
    assert_eq!(logged, 1, "one entry for the one request: {log}");
    let items = w.annelies.json(&["list"]);
    assert_eq!(items["items"].as_array().unwrap().len(), 2, "{items}");
    let gp = w.pro("gp", "huisarts");
    let grant = w.grant(&gp, "notities", "read");
    let _ = w.annelies.ok(&["revoke", &grant]);
    let _ = w.annelies.ok(&["share-link", "--days", "1"]);
}
/// Finding 11: a revoke interrupted between the revocation and the upload of the new keys
/// (the proxy fails `POST scope-keys`). `rugzak revoke` reports the failure; the next command
/// says the earlier revoke was finished now, the new epoch's keys go to Annelies and the
/// remaining GP only, and a note written afterwards does not open with the revoked GP's keys.
#[test]
fn an_interrupted_revoke_is_finished_by_the_next_command() {
    let w = World::start();
    let (gp1, gp2) = (w.pro("gp1", "huisarts"), w.pro("gp2", "huisarts"));
    let g1 = w.grant(&gp1, "notities", "read");
    let _ = w.grant(&gp2, "notities", "read");
    let _ = w.annelies.ok(&["note", "add", "voor het intrekken"]);

    let fail = w.proxy.fail("POST", SCOPE_KEYS, 503);
    let mark = w.proxy.mark();
    let failed = w.annelies.fails(&["revoke", &g1]);
    assert_eq!(fail.fired(), 1, "the proxy failed no key upload");
    assert!(failed.contains("(revoke_unfinished)"), "{failed}");
    assert!(
        failed.contains("is ingetrokken")
            && failed.contains("de volgende rugzak-opdracht maakt dat af"),
        "she hears that the revoke holds and what finishes it: {failed}"
    );
    let sent = w.proxy.requests_since(mark);
    assert!(
        sent.iter()
            .any(|r| r.is("POST", "/v1/vaults/*/grants/*/revoke") && r.status == 200),
        "the revocation itself reached the server"
    );
    fail.remove();
    let refused = gp1.person.fails(&["read", &w.vault, "--yes"]);
    assert!(refused.contains("grant_revoked"), "{refused}");

    let mark = w.proxy.mark();
    let next = w.annelies.ok(&["list"]);
    assert!(
        next.contains(&format!(
            "Het intrekken van toestemming {g1} is nu helemaal klaar."
        )),
        "{next}"
    );
    assert!(next.contains("Nieuwe sleutels voor: notities"), "{next}");
    let wrapped = wrapped_in(&w.proxy.requests_since(mark));
    let owner = w.owner().public();
    let allowed = [owner.party_id().to_string(), gp2.party.clone()];
    assert!(wrapped.iter().any(|k| k.epoch == 1), "no new epoch stored");
    for key in &wrapped {
        assert!(
            allowed.contains(&key.recipient.to_string()),
            "new key wrapped for {}",
            key.recipient
        );
    }

    let _ = w.annelies.ok(&["note", "add", "na het intrekken"]);
    let gp1_keys = keyring_from(
        &identity(&gp1.person),
        &owner,
        &wrapped_in(&w.proxy.requests()),
    );
    let stored = w.stored_items();
    let newest = stored.last().unwrap();
    assert_eq!(newest.sealing, crypto::Sealing::ScopeKey { epoch: 1 });
    let mut reader = ItemReader::new(owner.vault_id(), &gp1_keys);
    assert!(matches!(
        reader.open(newest),
        Err(OpenItemError::NoScopeKey { .. })
    ));
    assert!(reader.open(&stored[0]).is_ok(), "GP 1 kept what it had");
    let read = gp2.person.json(&["read", &w.vault, "--yes"]);
    assert!(read.to_string().contains("na het intrekken"), "{read}");
}

/// Finding 12: the coach's request QR answered by the wrong vault. The server holds every
/// request, so it can answer one itself: it signs a grant with a vault key of its own and
/// puts it first in the coach's `GET /v1/grants`. The coach's `rugzak wait` shows that
/// vault's check code, not the one on Annelies's screen; the coach says no
/// (`check_code_refused`) and nothing is appended anywhere. Asked again for Annelies's vault,
/// the coach sees her code, says yes, and the intake note goes to her.
#[test]
fn a_request_answered_by_the_wrong_vault_shows_another_check_code() {
    let w = World::start();
    let coach = w.pro("coach", "welzijnscoach");
    let out = w.dir.path().display().to_string();
    let request = coach.person.json(&[
        "request", "--out", &out, "--scope", "intake", "--mode", "append", "--days", "30",
    ]);
    let reference = request["reference"].as_str().unwrap().to_owned();
    let granted = w.annelies.json(&[
        "grant",
        "--text",
        request["qr_text"].as_str().unwrap(),
        "--yes",
    ]);
    let hers = granted["check_code"].as_str().unwrap().to_owned();

    // The server answers the same request with a vault of its own.
    let signed = {
        let owner = w.owner();
        let transport = UreqTransport::new(&w.server.url);
        let api = Api::new(&transport, &owner, &rugzak_cli::time::now);
        api.request(reference.parse().unwrap()).block_on().unwrap()
    };
    let mallory = stranger();
    let now = rugzak_cli::time::now();
    let verified = signed.verify(now).unwrap();
    let hijack = SignedGrant::answer(
        &mallory,
        &verified,
        GrantTerms::as_requested(verified.request()),
        now,
        &mut OsRng,
    )
    .unwrap();
    let theirs = crypto::CheckCode::new(&hijack.grant, &mallory.public());
    assert_ne!(theirs.digits(), hers);
    let mallory_vault = mallory.public().vault_id().to_string();
    let injected = serde_json::to_value(GrantStatus {
        grant: hijack,
        vault_keys: mallory.public(),
        revoked: None,
        uses: 0,
    })
    .unwrap();
    let rule = w.proxy.rewrite("GET", "/v1/grants", move |_, mut body| {
        body["grants"]
            .as_array_mut()
            .unwrap()
            .insert(0, injected.clone());
        body
    });

    let waited = coach
        .person
        .typing(&["wait", &reference, "--timeout", "20"], "n\n");
    let all = tests::text(&waited);
    assert!(rule.fired() >= 1, "the proxy injected no grant");
    assert!(!waited.status.success(), "{all}");
    assert!(all.contains(&format!("CONTROLECODE: {theirs}")), "{all}");
    assert!(all.contains(&mallory_vault), "{all}");
    assert_refused(
        &all,
        "check_code_refused",
        "Niet bevestigd",
        "Not confirmed",
    );

    // Appending to Annelies's vault: her code is shown this time, and confirmed.
    let appended = coach
        .person
        .typing(&["append", &w.vault, "Intake: wandelgroep"], "j\n");
    let all = tests::text(&appended);
    assert!(appended.status.success(), "{all}");
    let shown = format!("{} {}", &hers[..3], &hers[3..]);
    assert!(all.contains(&format!("CONTROLECODE: {shown}")), "{all}");
    let appends: Vec<String> = w
        .proxy
        .requests()
        .iter()
        .filter(|r| r.is("POST", "/v1/vaults/*/append"))
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(appends, vec![format!("/v1/vaults/{}/append", w.vault)]);
    let items = w.annelies.json(&["list"]);
    assert_eq!(items["items"][0]["body"], "Intake: wandelgroep");
}
