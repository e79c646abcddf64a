//! End to end: the real `vault-server` binary on 127.0.0.1 and the real `rugzak` binary,
//! one home directory per person.

#![allow(clippy::unwrap_used, reason = "tests")]

#[allow(dead_code, reason = "each test binary uses its own part of the cast")]
mod common;

use common::{Cast, Stage};
use tests::PASSPHRASE;

/// The string `field` of each object in the JSON array `list` (objects without it are skipped).
fn strings_of_each<'a>(list: &'a serde_json::Value, field: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap()
        .iter()
        .filter_map(|object| object[field].as_str())
        .collect()
}

#[test]
fn the_demo_journey_plays_to_the_end() {
    let stage = Stage::start();
    let me = stage.person("unused");
    let out = me.ok(&["demo", "--dir", &stage.dir.path().display().to_string()]);
    for step in 1..=12 {
        assert!(
            out.contains(&format!("Stap {step}: ")),
            "step {step} missing:\n{out}"
        );
    }
    // The loop: the coach reads the GP's referral, the GP reads the coach's feedback, the
    // revoked GP is refused while the coach goes on.
    assert!(out.contains("Verwijzing aan: Welzijn Centraal"), "{out}");
    assert!(out.contains("Terugkoppeling aan dr. De Vries"), "{out}");
    assert!(out.contains("Sanne Bakker (welzijnscoach)"), "{out}");
    assert!(out.contains("Wat: Wandelgroep De Hoeve"), "{out}");
    assert!(out.contains("Geweigerd, zoals verwacht"), "{out}");
    assert!(out.contains("De demo is klaar."), "{out}");
}

#[test]
fn a_qr_image_written_by_one_client_is_scanned_by_another() {
    let c = Cast::enrol();
    let _ = c.annelies.ok(&["note", "add", "Ik slaap slecht."]);
    c.grant_by_image(
        &c.gp,
        &["--scope", "notities", "--mode", "read", "--days", "30"],
    );
    let read = c.gp.json(&["read", &c.vault]);
    assert_eq!(read["items"][0]["body"], "Ik slaap slecht.");
}

#[test]
fn an_append_only_coach_sees_nothing_of_the_inwoners() {
    let c = Cast::enrol();
    let _ = c.annelies.ok(&["note", "add", "privé"]);
    c.grant_by_image(
        &c.coach,
        &["--scope", "intake", "--mode", "append", "--lifelong"],
    );
    let own = c.coach.json(&["read", &c.vault]);
    assert_eq!(own["own_only"], true, "{own}");
    assert_eq!(own["items"], serde_json::json!([]), "{own}");
    let _ = c.coach.ok(&[
        "append",
        &c.vault,
        "--kind",
        "intake",
        "Intake: wandelgroep",
    ]);
    let items = c.annelies.json(&["list"]);
    let bodies = strings_of_each(&items["items"], "body");
    assert!(bodies.contains(&"Intake: wandelgroep"), "{bodies:?}");
}

#[test]
fn a_revoked_gp_reads_nothing_new_not_even_from_the_raw_store() {
    use pollster::FutureExt as _;
    use rugzak_cli::{Home, UreqTransport};
    use vault_client::Api;
    let c = Cast::enrol();
    let _ = c.annelies.ok(&["note", "add", "voor het intrekken"]);
    let grant = c.grant_by_image(
        &c.gp,
        &["--scope", "notities", "--mode", "read", "--days", "30"],
    );
    assert!(c.gp.ok(&["read", &c.vault]).contains("voor het intrekken"));

    // The GP keeps every scope key it was ever given.
    let pass = age::secrecy::SecretString::from(PASSPHRASE.to_owned());
    let gp_id = Home::new(&c.gp.home).load(&pass).unwrap().identity();
    let owner_id = Home::new(&c.annelies.home).load(&pass).unwrap().identity();
    let transport = UreqTransport::new(&c.stage.server.url);
    let clock = rugzak_cli::time::now;
    let vault = owner_id.public().vault_id();
    let mut gp_keys = crypto::ScopeKeyring::new();
    for wrapped in Api::new(&transport, &gp_id, &clock)
        .scope_keys(vault)
        .block_on()
        .unwrap()
    {
        gp_keys
            .insert(wrapped.open(&gp_id, &owner_id.public()).unwrap())
            .unwrap();
    }

    let _ = c.annelies.ok(&["revoke", &grant]);
    let refused = c.gp.fails(&["read", &c.vault]);
    assert!(refused.contains("grant_revoked"), "{refused}");
    let _ = c.annelies.ok(&["note", "add", "na het intrekken"]);

    // What the server stores (as the owner fetches it): the new note is under epoch 1.
    let owner_api = Api::new(&transport, &owner_id, &clock);
    let raw = owner_api.items_page(vault, None).block_on().unwrap().items;
    let newest = raw.last().unwrap();
    assert_eq!(newest.sealing, crypto::Sealing::ScopeKey { epoch: 1 });
    let mut reader = crypto::ItemReader::new(vault, &gp_keys);
    assert!(matches!(
        reader.open(newest),
        Err(crypto::OpenItemError::NoScopeKey { .. })
    ));
    assert!(reader.open(&raw[0]).is_ok(), "old items are not re-sealed");
}

#[test]
fn recovery_on_a_fresh_home_sees_the_whole_vault() {
    let stage = Stage::start();
    let first = stage.person("laptop");
    let code = first.json(&["init"])["recovery_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let _ = first.ok(&["note", "add", "mijn verhaal"]);
    let fresh = stage.person("nieuwe-laptop");
    let _ = fresh.ok(&["recover", "--code", &code]);
    let items = fresh.json(&["list"]);
    assert_eq!(items["items"][0]["body"], "mijn verhaal");
    let wrong = stage
        .person("x")
        .fails(&["recover", "--code", "AAAAA-BBBBB"]);
    assert!(wrong.contains("recovery code"), "{wrong}");
}

#[test]
fn the_export_opens_with_stock_rage() {
    let c = Cast::enrol();
    let _ = c.annelies.ok(&["note", "add", "exporteer mij"]);
    let file = c.stage.dir.path().join("rugzak.age");
    let identity = c.stage.dir.path().join("identity.txt");
    let _ = c
        .annelies
        .ok(&["export", "--out", &file.display().to_string()]);
    // Plain, to compare its key line below; the default (passphrase-protected) export is
    // opened by stock rage in export_identity.rs.
    let _ = c.annelies.ok(&[
        "export-identity",
        "--unencrypted",
        "--out",
        &identity.display().to_string(),
    ]);
    let rage = std::process::Command::new("rage")
        .arg("-d")
        .arg("-i")
        .arg(&identity)
        .arg(&file)
        .output()
        .expect("the `rage` binary on PATH (cargo install rage --locked)");
    assert!(rage.status.success(), "{}", tests::text(&rage));
    // rage and this client's own age decryption agree byte for byte.
    let key_line = std::fs::read_to_string(&identity).unwrap();
    let key: age::x25519::Identity = key_line
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .unwrap()
        .parse()
        .unwrap();
    let ours = age::decrypt(&key, &std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(rage.stdout, ours);
    let json: serde_json::Value = serde_json::from_slice(&rage.stdout).unwrap();
    assert_eq!(json["items"][0]["body"], "exporteer mij");
    assert_eq!(json["vault"], c.vault.as_str());
}

#[test]
fn a_share_link_opens_with_its_passcode_and_only_as_often_as_allowed() {
    let c = Cast::enrol();
    let _ = c.annelies.ok(&["note", "add", "voor de POH"]);
    let link = c.annelies.json(&[
        "share-link",
        "--scope",
        "notities",
        "--days",
        "2",
        "--passcode",
        "4711",
        "--max-uses",
        "1",
    ]);
    let url = link["url"].as_str().unwrap();
    let stranger = c.stage.person("stranger");
    let wrong = stranger.fails(&["open-link", url, "--passcode", "0000"]);
    assert!(wrong.contains("wrong_passcode"), "{wrong}");
    let opened = stranger.json(&["open-link", url, "--passcode", "4711"]);
    assert_eq!(opened["items"][0]["body"], "voor de POH");
    assert_eq!(opened["vault"], c.vault.as_str());
    let used_up = stranger.fails(&["open-link", url, "--passcode", "4711"]);
    assert!(used_up.contains("link_not_found"), "{used_up}");
    let log = c.annelies.json(&["log"]);
    let events = strings_of_each(&log["entries"], "event");
    assert!(
        events.contains(&"share-link-create") && events.contains(&"share-link-open"),
        "{events:?}"
    );
}

#[test]
fn a_revoked_share_link_no_longer_opens_and_the_revocation_is_in_the_log() {
    let c = Cast::enrol();
    let _ = c.annelies.ok(&["note", "add", "voor de POH"]);
    let link = c.annelies.json(&["share-link", "--days", "2"]);
    let (url, id) = (
        link["url"].as_str().unwrap(),
        link["link"].as_str().unwrap(),
    );
    let stranger = c.stage.person("stranger");
    let _ = stranger.json(&["open-link", url]);

    let revoked = c.annelies.json(&["share-link", "revoke", id]);
    assert_eq!(revoked["link"], id);
    let gone = stranger.fails(&["open-link", url]);
    assert!(gone.contains("link_not_found"), "{gone}");
    // Again, by the whole link this time: accepted, and not logged twice.
    let again = c.annelies.ok(&["share-link", "revoke", url]);
    assert!(again.contains("ingetrokken"), "{again}");
    let unknown = c.annelies.fails(&["share-link", "revoke", "geen-link"]);
    assert!(unknown.contains("geen deellink"), "{unknown}");

    let log = c.annelies.json(&["log"]);
    let revokes: Vec<&serde_json::Value> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "revoke")
        .collect();
    assert_eq!(revokes.len(), 1, "{log}");
    assert_eq!(revokes[0]["object"], format!("link {}", &id[..8]));
    assert_eq!(
        (&revokes[0]["action"], &revokes[0]["signer"]),
        (&serde_json::json!("D"), &serde_json::json!("vault"))
    );
}
