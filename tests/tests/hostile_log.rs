//! The hostile-server suite, part two (issue 16): a server that tampers with the consent log
//! (rolls it back, truncates, forks or reorders it, changes its signing key) and logs longer
//! than one page. The client refuses with a message in one language ending in a stable code
//! and writes nothing; a long log is paged and verified in full. Part one is `hostile.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

#[allow(dead_code, reason = "each suite uses its own part of the shared world")]
mod hostile_world;
#[allow(dead_code, reason = "each suite uses its own part of the keys helpers")]
mod keys;

use crypto::RootSecret;
use keys::identity;
use pollster::FutureExt as _;
use rand_core::OsRng;
use rugzak_cli::UreqTransport;
use serde_json::Value;
use tests::hostile::Recorded;
use vault_client::Api;

use hostile_world::{assert_nothing_written, assert_refused, Pro, World, LOG};

/// A world with a GP that read the vault a few times, and Annelies's device holding the
/// verified head after that. Returns it with the head's sequence number.
fn logged_world(reads: usize) -> (World, Pro, u64) {
    let w = World::start();
    let gp = w.pro("gp", "huisarts");
    let _ = w.grant(&gp, "notities", "read");
    let _ = w.annelies.ok(&["note", "add", "eerste"]);
    for _ in 0..reads {
        let _ = gp.person.ok(&["read", &w.vault, "--yes"]);
    }
    // A listing brings her device's head up to date.
    let _ = w.annelies.ok(&["list"]);
    let head = w.annelies.json(&["log"])["head"]["seq"].as_u64().unwrap();
    (w, gp, head)
}

/// `entries` of a log response, to rewrite.
fn entries(body: &mut Value) -> &mut Vec<Value> {
    body["entries"].as_array_mut().unwrap()
}

/// Runs `rugzak log` and an owner write (`note add`) and asserts both refuse with `code` and
/// that nothing was written.
fn assert_log_refused(w: &World, code: &str) {
    let mark = w.proxy.mark();
    let shown = w.annelies.fails(&["log"]);
    assert_refused(
        &shown,
        code,
        "Vertrouw deze server niet",
        "Do not trust this server",
    );
    let write = w.annelies.fails(&["note", "add", "na het terugdraaien"]);
    assert_refused(
        &write,
        code,
        "Vertrouw deze server niet",
        "Do not trust this server",
    );
    assert_nothing_written(&w.proxy.requests_since(mark));
}

/// Finding 6a: the server answers with the log as it was before its newest entries (rolled
/// back below the head Annelies's device verified): `log_rollback`, nothing written.
#[test]
fn a_rolled_back_log_is_refused() {
    let (w, _gp, head) = logged_world(2);
    let rule = w.proxy.rewrite("GET", LOG, move |_, mut body| {
        entries(&mut body).retain(|e| e["entry"]["seq"].as_u64().unwrap() < head - 1);
        body
    });
    assert_log_refused(&w, "log_rollback");
    assert!(rule.fired() >= 2);
}

/// Finding 6b: the log is truncated: the server cuts an entry out of the middle (a gap), or
/// shows nothing from the device's head on. `log_invalid` and `log_rollback`, nothing written.
#[test]
fn a_truncated_log_is_refused() {
    let (w, gp, head) = logged_world(1);
    // New entries after the head, one of them cut out.
    let _ = gp.person.ok(&["read", &w.vault, "--yes"]);
    let _ = gp.person.ok(&["read", &w.vault, "--yes"]);
    let cut = head + 1;
    let gap = w.proxy.rewrite("GET", LOG, move |_, mut body| {
        entries(&mut body).retain(|e| e["entry"]["seq"].as_u64().unwrap() != cut);
        body
    });
    assert_log_refused(&w, "log_invalid");
    assert!(gap.fired() >= 2);
    gap.remove();

    // Everything from the head on withheld: the log ends before what the device verified.
    let _ = w.annelies.ok(&["list"]);
    let head = w.annelies.json(&["log"])["head"]["seq"].as_u64().unwrap();
    let ends = w.proxy.rewrite("GET", LOG, move |_, mut body| {
        entries(&mut body).retain(|e| e["entry"]["seq"].as_u64().unwrap() < head);
        body
    });
    assert_log_refused(&w, "log_rollback");
    assert!(ends.fired() >= 2);
}

/// Finding 6c: the log forks. The server's data is copied; on the original Annelies makes a
/// share link (an entry at the next position, which her device verifies and keeps); on the
/// copy the GP reads instead (another entry at that position, signed by the same server
/// key). The proxy then forwards to the copy: `log_fork`, nothing written.
#[test]
fn a_forked_log_is_refused() {
    let (w, gp, head) = logged_world(1);
    let (server, copy) = w.server.fork();
    let w = World { server, ..w };
    let link = w.annelies.json(&["share-link", "--days", "1"]);
    assert!(link["link"].is_string());
    let mine = w.annelies.json(&["log"])["head"]["seq"].as_u64().unwrap();
    assert_eq!(mine, head + 1);

    w.proxy.set_upstream(&copy.url);
    let _ = gp.person.ok(&["read", &w.vault, "--yes"]);
    assert_log_refused(&w, "log_fork");
    drop(copy);
}

/// Finding 6d: the server swaps two entries of the log: `log_invalid`, nothing written.
#[test]
fn a_reordered_log_is_refused() {
    let (w, gp, head) = logged_world(1);
    let _ = gp.person.ok(&["read", &w.vault, "--yes"]);
    let _ = gp.person.ok(&["read", &w.vault, "--yes"]);
    let (a, b) = (head + 1, head + 2);
    let rule = w.proxy.rewrite("GET", LOG, move |_, mut body| {
        let list = entries(&mut body);
        let at = |seq: u64| {
            list.iter()
                .position(|e| e["entry"]["seq"].as_u64() == Some(seq))
        };
        if let (Some(i), Some(j)) = (at(a), at(b)) {
            list.swap(i, j);
        }
        body
    });
    assert_log_refused(&w, "log_invalid");
    assert!(rule.fired() >= 2);
}

/// Finding 7: the server signs its log with another key than the one Annelies's device
/// pinned at `init`. Done honestly: the real server is stopped, the signing root it keeps in
/// its store replaced, and started again on the same data; the GP's next read gets an entry
/// signed with the new key. Her next command refuses with `server_key_changed`.
#[test]
fn a_changed_server_log_key_is_refused() {
    let (w, gp, _) = logged_world(1);
    let (server, ()) = w.server.while_stopped(|store| {
        let db = sled::open(store).unwrap();
        let meta = db.open_tree("meta").unwrap();
        let old = meta
            .get(b"server_root")
            .unwrap()
            .expect("the server keeps its root");
        let new = RootSecret::generate(&mut OsRng);
        assert_ne!(old.as_ref(), new.expose_bytes().as_slice());
        meta.insert(b"server_root", new.expose_bytes().as_slice())
            .unwrap();
        db.flush().unwrap();
    });
    let w = World { server, ..w };
    let _ = gp.person.ok(&["read", &w.vault, "--yes"]);
    let mark = w.proxy.mark();
    for args in [&["note", "add", "na de sleutelwissel"][..], &["log"]] {
        let refused = w.annelies.fails(args);
        assert_refused(
            &refused,
            "server_key_changed",
            "De server gebruikt een andere sleutel dan eerst",
            "The server uses",
        );
    }
    assert_nothing_written(&w.proxy.requests_since(mark));
}

/// `reads` logged grantee reads by `gp` of the vault, straight to the server (each one an
/// access entry in the log), on `threads` threads.
fn logged_reads(w: &World, gp: &Pro, reads: usize, threads: usize) {
    let gp_id = identity(&gp.person);
    let vault = w.owner().public().vault_id();
    std::thread::scope(|s| {
        for t in 0..threads {
            let gp_id = &gp_id;
            let url = &w.server.url;
            s.spawn(move || {
                let transport = UreqTransport::new(url);
                let api = Api::new(&transport, gp_id, &rugzak_cli::time::now);
                for _ in (t..reads).step_by(threads) {
                    api.items_page(vault, None).block_on().unwrap();
                }
            });
        }
    });
}

/// The `from` of every `GET log` request in `requests`.
fn log_pages(requests: &[Recorded]) -> Vec<u64> {
    requests
        .iter()
        .filter(|r| r.is("GET", LOG))
        .map(|r| {
            r.path
                .split("from=")
                .nth(1)
                .and_then(|f| f.parse().ok())
                .unwrap()
        })
        .collect()
}

/// Finding 10, paging: the proxy hands out pages of at most 25 entries (smaller than the
/// server's 10,000); Annelies's client pages through all of them, verifies, and can still
/// write. The server's own 10,000-entry pages are in
/// [`a_log_of_more_than_ten_thousand_entries_is_paged_and_verified`].
#[test]
fn a_log_of_several_pages_is_paged_and_verified() {
    let (w, gp, _) = logged_world(0);
    logged_reads(&w, &gp, 80, 2);
    const PAGE: usize = 25;
    let rule = w.proxy.rewrite("GET", LOG, |_, mut body| {
        entries(&mut body).truncate(PAGE);
        body
    });
    let mark = w.proxy.mark();
    let log = w.annelies.json(&["log"]);
    let total = log["entries"].as_array().unwrap().len();
    assert!(total > 3 * PAGE, "{total} entries");
    let pages = log_pages(&w.proxy.requests_since(mark));
    assert!(pages.len() > 3, "{pages:?}");
    assert!(rule.fired() >= 3);
    for (n, from) in pages.iter().enumerate().take(3) {
        assert_eq!(*from, (n * PAGE) as u64, "{pages:?}");
    }
    let link = w.annelies.json(&["share-link", "--days", "1"]);
    assert!(link["link"].is_string());
    let head = w.annelies.json(&["log"])["head"]["seq"].as_u64().unwrap();
    assert_eq!(
        head, total as u64,
        "the share link's entry follows them all"
    );
}

/// Finding 10, in full: a log of more than 10,000 entries (the server's page size): `rugzak
/// log` fetches it in two pages and verifies it, and an owner write (a share link) still
/// succeeds. In the default run: about 12 s in a debug build (10,050 reads on 4 threads).
#[test]
fn a_log_of_more_than_ten_thousand_entries_is_paged_and_verified() {
    let (w, gp, _) = logged_world(0);
    logged_reads(&w, &gp, 10_050, 4);
    let mark = w.proxy.mark();
    let log = w.annelies.json(&["log"]);
    let total = log["entries"].as_array().unwrap().len();
    assert!(total > 10_000, "{total} entries");
    let pages = log_pages(&w.proxy.requests_since(mark));
    assert!(pages.len() >= 2 && pages[1] >= 10_000, "{pages:?}");
    let link = w.annelies.json(&["share-link", "--days", "1"]);
    assert!(link["link"].is_string());
}
