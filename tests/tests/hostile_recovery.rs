//! The hostile-server suite, part two (issue 16): a lying server against an interrupted
//! revoke, a recovery, and a rebuild of an older keystore. Found by a review of the first
//! version of the consent state; each test asserts the safe outcome.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod keys;

use age::secrecy::SecretString;
use crypto::ItemReader;
use keys::{identity, keyring_from, stored_items, wrapped_in, SCOPE_KEYS};
use rugzak_cli::Home;
use serde_json::Value;
use tests::hostile::Proxy;
use tests::{Person, Server, PASSPHRASE};

const LOG: &str = "/v1/vaults/*/log";

/// Drops the first owner `revoke` entry of a log answer and everything after it: a valid
/// prefix of the real log (a "withheld newer entries" answer).
fn hide_revokes(body: &mut Value) {
    let list = body["entries"].as_array_mut().unwrap();
    if let Some(at) = list
        .iter()
        .position(|e| e["entry"]["event"]["kind"] == "revoke")
    {
        list.truncate(at);
    }
}

struct World {
    server: Server,
    proxy: Proxy,
    dir: tempfile::TempDir,
    annelies: Person,
    vault: String,
    recovery: String,
}

impl World {
    fn start() -> Self {
        let server = Server::start();
        let proxy = Proxy::start(&server.url);
        let dir = tempfile::tempdir().unwrap();
        let annelies = Person::new(dir.path().join("annelies"), &proxy.url);
        let made = annelies.json(&["init"]);
        Self {
            vault: made["vault"].as_str().unwrap().to_owned(),
            recovery: made["recovery_code"].as_str().unwrap().to_owned(),
            server,
            proxy,
            dir,
            annelies,
        }
    }
    fn pro(&self, name: &str) -> Person {
        let p = Person::new(self.dir.path().join(name), &self.proxy.url);
        let _ = p.json(&[
            "init", "--role", "huisarts", "--name", name, "--org", "Praktijk",
        ]);
        p
    }
    fn grant(&self, who: &Person) -> String {
        let out = self.dir.path().display().to_string();
        let request = who.json(&[
            "request", "--out", &out, "--scope", "notities", "--mode", "read", "--days", "30",
        ]);
        let qr = request["qr_text"].as_str().unwrap();
        self.annelies.json(&["grant", "--text", qr, "--yes"])["grant"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// An interrupted revoke (`POST scope-keys` fails) is saved on the device as revoked with a
/// rotation owed, and the head past its entry. A server that then withholds the revoke entry
/// (answering the log as it was before) is caught as a rollback and nothing is written; once
/// it shows the log again, the next note is sealed under a fresh key the revoked GP never got.
#[test]
fn an_interrupted_revoke_survives_a_server_that_then_hides_it() {
    let w = World::start();
    let gp1 = w.pro("gp1");
    let g1 = w.grant(&gp1);
    let _ = w.annelies.ok(&["note", "add", "voor"]);

    let fail = w.proxy.fail("POST", SCOPE_KEYS, 503);
    let failed = w.annelies.fails(&["revoke", &g1]);
    assert!(failed.contains("(revoke_unfinished)"), "{failed}");
    fail.remove();
    let hide = w.proxy.rewrite("GET", LOG, |_, mut body| {
        hide_revokes(&mut body);
        body
    });
    let mark = w.proxy.mark();
    let refused = w.annelies.fails(&["note", "add", "na het intrekken"]);
    assert!(hide.fired() > 0, "the proxy hid the revoke");
    assert!(refused.contains("(log_rollback)"), "{refused}");
    assert!(
        !w.proxy
            .requests_since(mark)
            .iter()
            .any(|r| r.method == "POST"),
        "nothing was written while the log was rolled back"
    );
    hide.remove();

    let _ = w.annelies.ok(&["note", "add", "na het intrekken"]);
    let owner = identity(&w.annelies);
    let gp_keys = keyring_from(
        &identity(&gp1),
        &owner.public(),
        &wrapped_in(&w.proxy.requests()),
    );
    let newest = stored_items(&w.server, &owner).pop().unwrap();
    let opened = ItemReader::new(owner.public().vault_id(), &gp_keys).open(&newest);
    assert!(
        opened.is_err(),
        "the revoked GP opens the note written after its revoke: {:?}",
        newest.sealing
    );
    let grants = w.annelies.json(&["grants"]);
    assert_eq!(grants["grants"][0]["status"], "revoked", "{grants}");
    let _ = &w.vault;
}

/// `recover` rebuilds the consent state from the log as the server shows it. A server that
/// shows the log without the revoke entry (a valid prefix) cannot make the rebuild wrap its
/// fresh epoch for the revoked GP: grants found in a rebuild get new keys only once the
/// inwoner confirms them (`--yes`, a terminal, or `rugzak grants --confirm`).
#[test]
fn a_recovery_shown_a_log_without_the_revoke_gives_the_revoked_gp_no_new_key() {
    let w = World::start();
    let gp1 = w.pro("gp1");
    let g1 = w.grant(&gp1);
    let _ = w.annelies.ok(&["revoke", &g1]);

    let hide = w.proxy.rewrite("GET", LOG, |_, mut body| {
        hide_revokes(&mut body);
        body
    });
    let fresh = Person::new(w.dir.path().join("nieuwe-laptop"), &w.proxy.url);
    let mark = w.proxy.mark();
    let _ = fresh.ok(&["recover", "--code", &w.recovery]);
    assert!(hide.fired() > 0, "the proxy hid the revoke");
    let shown = fresh.json(&["grants"]);
    assert_eq!(
        shown["grants"][0]["status"], "unconfirmed",
        "the rebuilt device believes the grant, but holds it for her confirmation: {shown}"
    );
    let _ = fresh.ok(&["note", "add", "op het nieuwe apparaat"]);

    let owner = identity(&fresh);
    let gp_party = identity(&gp1).public().party_id().to_string();
    let wrapped = wrapped_in(&w.proxy.requests_since(mark));
    let for_gp: Vec<_> = wrapped
        .iter()
        .filter(|k| k.recipient.to_string() == gp_party)
        .map(|k| (k.scope, k.epoch))
        .collect();
    let gp_keys = keyring_from(
        &identity(&gp1),
        &owner.public(),
        &wrapped_in(&w.proxy.requests()),
    );
    let newest = stored_items(&w.server, &owner).pop().unwrap();
    let opened = ItemReader::new(owner.public().vault_id(), &gp_keys).open(&newest);
    assert!(
        for_gp.is_empty() && opened.is_err(),
        "the rebuild wrapped new keys for the revoked GP: {for_gp:?}; newest opens: {}",
        opened.is_ok()
    );
}

/// A keystore from before the consent state (no `consent` in it, `built` false) but with a
/// stored log head, as older clients kept one: the rebuild reads the whole log (tied to that
/// head), so grants made before it are known and can be revoked.
#[test]
fn a_rebuild_of_an_older_keystore_knows_the_grants_before_its_head() {
    let w = World::start();
    let gp1 = w.pro("gp1");
    let g1 = w.grant(&gp1);
    let _ = w.annelies.ok(&["list"]);
    let pass = SecretString::from(PASSPHRASE.to_owned());
    let home = Home::new(&w.annelies.home);
    let mut state = home.load(&pass).unwrap();
    assert!(state.log_head.is_some());
    state.consent = vault_client::consent_state::ConsentState::default();
    home.save(&state, &pass).unwrap();

    let shown = w.annelies.json(&["grants"]);
    eprintln!("grants after the rebuild: {shown}");
    assert!(
        shown.to_string().contains(&g1),
        "the rebuilt state does not know grant {g1}"
    );
}

/// Two devices of one inwoner rotate the same scope at once: the laptop revokes the GP (a new
/// epoch of `notities`) and writes a note under it; the phone, shown the keys as they were a
/// moment before, rotates from the older epoch to the same new one. The server keeps the
/// owner's key of an epoch write-once (`epoch_taken`), so the phone fetches again and rotates
/// past it: the laptop's note stays readable on both devices, the phone's note too.
#[test]
fn two_devices_rotating_at_once_do_not_overwrite_each_others_key() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    let w = World::start();
    let gp1 = w.pro("gp1");
    let g1 = w.grant(&gp1);
    let phone = Person::new(w.dir.path().join("telefoon"), &w.proxy.url);
    let _ = phone.ok(&["recover", "--code", &w.recovery, "--yes"]);
    let _ = w
        .annelies
        .ok(&["note", "add", "op de laptop, voor het intrekken"]);
    let _ = w.annelies.ok(&["revoke", &g1]);
    let _ = w
        .annelies
        .ok(&["note", "add", "op de laptop, na het intrekken"]);
    let newest = |who: &Person| {
        let owner = identity(who);
        match stored_items(&w.server, &owner).pop().unwrap().sealing {
            crypto::Sealing::ScopeKey { epoch } => epoch,
            other => panic!("an owner note is sealed under a scope key, not {other:?}"),
        }
    };
    let laptop_epoch = newest(&w.annelies);

    // The phone's first look at the keys misses the laptop's newest epoch.
    let once = Arc::new(AtomicBool::new(false));
    let stale = w.proxy.rewrite("GET", SCOPE_KEYS, move |_, mut body| {
        if !once.swap(true, Ordering::SeqCst) {
            body["keys"]
                .as_array_mut()
                .unwrap()
                .retain(|k| !(k["scope"] == "notities" && k["epoch"] == laptop_epoch));
        }
        body
    });
    let mark = w.proxy.mark();
    let _ = phone.ok(&["note", "add", "op de telefoon"]);
    assert_eq!(stale.fired(), 1, "the phone was shown the older keys");
    let refused: Vec<_> = w
        .proxy
        .requests_since(mark)
        .into_iter()
        .filter(|r| r.is("POST", SCOPE_KEYS) && r.status == 409)
        .collect();
    assert_eq!(
        refused.len(),
        1,
        "the phone's first try at the taken epoch was refused"
    );
    assert!(
        newest(&phone) > laptop_epoch,
        "the phone rotated past the laptop's epoch"
    );

    for device in [&w.annelies, &phone] {
        let listed = device.json(&["list"]);
        let text = listed.to_string();
        for note in [
            "op de laptop, voor het intrekken",
            "op de laptop, na het intrekken",
            "op de telefoon",
        ] {
            assert!(text.contains(note), "{note} missing: {listed}");
        }
        assert_eq!(listed["apart"], serde_json::json!([]), "{listed}");
    }
}
