//! The client's flows against an in-memory server that follows `spec/api.md`: the whole
//! journey through the library, with the security properties checked from the outside.

#![allow(clippy::unwrap_used, reason = "tests")]

#[allow(
    dead_code,
    reason = "each test binary uses its own part of the fake server"
)]
mod fake;

use std::collections::BTreeMap;

use crypto::log::{EventKind, LogObject, Signer};
use crypto::{
    AccessDuration, GrantTerms, History, Identity, ItemKind, Mode, Permission, Permissions,
    Profile, RecoveryCode, Role, RootSecret, Scope, ScopeKeyring,
};
use fake::FakeServer;
use rand_core::OsRng;
use vault_client::{
    Api, ApiError, NewItem, Owner, Professional, ProfessionalError, State, VaultError,
};

const T0: i64 = 1_772_355_600;
const DAY: i64 = 86_400;

fn profile(role: Role, name: &str) -> Profile {
    Profile {
        role,
        name: name.into(),
        organisation: "Praktijk Centrum".into(),
    }
}

fn perms(list: &[(Scope, Mode)]) -> Permissions {
    Permissions::new(list.iter().map(|(scope, mode)| Permission {
        scope: *scope,
        mode: *mode,
    }))
    .unwrap()
}

fn note(text: &str) -> NewItem {
    NewItem {
        scope: Scope::Notities,
        kind: ItemKind::Note,
        body: text.as_bytes().to_vec(),
    }
}

fn refused(err: &ProfessionalError) -> Option<&str> {
    match err {
        ProfessionalError::Api(e) | ProfessionalError::Vault(VaultError::Api(e)) => e.code(),
        _ => None,
    }
}

struct World {
    server: FakeServer,
    annelies: Identity,
    gp: Identity,
    coach: Identity,
    state: State,
}

impl World {
    fn new() -> Self {
        let root = RootSecret::generate(&mut OsRng);
        Self {
            server: FakeServer::new(T0),
            annelies: Identity::from_root(RootSecret::from_bytes(*root.expose_bytes())),
            gp: Identity::generate(&mut OsRng),
            coach: Identity::generate(&mut OsRng),
            state: State::new(&root, None, "https://rugzak.test".into()),
        }
    }
}

/// Runs `f` with an API for `who` on the fake server's clock.
fn with_api<R>(server: &FakeServer, who: &Identity, f: impl FnOnce(&Api<'_>) -> R) -> R {
    let clock = || server.now.get();
    let api = Api::new(server, who, &clock);
    f(&api)
}

fn setup() -> World {
    let w = World::new();
    with_api(&w.server, &w.annelies, |api| {
        Owner::new(api, &w.annelies).create()
    })
    .unwrap();
    with_api(&w.server, &w.gp, |api| {
        api.enrol_party(Some(&profile(Role::Huisarts, "Dr. De Vries")))
    })
    .unwrap();
    with_api(&w.server, &w.coach, |api| {
        api.enrol_party(Some(&profile(Role::Welzijnscoach, "Sanne")))
    })
    .unwrap();
    w
}

/// The professional `who` requests `p` for `d`; Annelies grants it with `edit` applied.
fn request_and_grant(
    w: &mut World,
    who: &Identity,
    role: Role,
    p: Permissions,
    d: AccessDuration,
    edit: impl FnOnce(&mut GrantTerms),
) -> crypto::SignedGrant {
    let (request, _) = with_api(&w.server, who, |api| {
        Professional::new(api, who).request(profile(role, "Prof"), p, d)
    })
    .unwrap();
    let mut terms = GrantTerms::as_requested(&request.request);
    edit(&mut terms);
    let (server, annelies, state) = (&w.server, &w.annelies, &mut w.state);
    with_api(server, annelies, |api| {
        Owner::new(api, annelies).grant(state, &request, terms)
    })
    .unwrap()
}

fn read(w: &World, who: &Identity) -> Result<Vec<String>, ProfessionalError> {
    let vault = w.annelies.public().vault_id();
    with_api(&w.server, who, |api| {
        Professional::new(api, who).read(vault)
    })
    .map(|items| {
        items
            .iter()
            .map(|i| String::from_utf8_lossy(&i.envelope.body).into_owned())
            .collect()
    })
}

fn owner_items(w: &mut World) -> Vec<String> {
    let (server, annelies, state) = (&w.server, &w.annelies, &mut w.state);
    with_api(server, annelies, |api| {
        Owner::new(api, annelies).items(state)
    })
    .unwrap()
    .iter()
    .map(|i| String::from_utf8_lossy(&i.envelope.body).into_owned())
    .collect()
}

#[test]
fn the_journey_grant_read_append_log_revoke() {
    let mut w = setup();
    with_api(&w.server, &w.annelies, |api| {
        Owner::new(api, &w.annelies).add(vec![note("slecht geslapen"), note("weinig contact")])
    })
    .unwrap();
    // More items than one page (the fake pages by two): sync must follow the cursor.
    with_api(&w.server, &w.annelies, |api| {
        Owner::new(api, &w.annelies).add(vec![note("derde")])
    })
    .unwrap();
    assert_eq!(
        owner_items(&mut w),
        ["slecht geslapen", "weinig contact", "derde"]
    );

    let gp = Identity::from_root(RootSecret::from_bytes(*w.gp.root_secret().expose_bytes()));
    request_and_grant(
        &mut w,
        &gp,
        Role::Huisarts,
        perms(&[(Scope::Notities, Mode::Read)]),
        AccessDuration::Days(30),
        |_| {},
    );
    assert_eq!(
        read(&w, &gp).unwrap(),
        ["slecht geslapen", "weinig contact", "derde"]
    );

    // The coach may only append: reading is refused, appending works, the owner sees it.
    let coach = Identity::from_root(RootSecret::from_bytes(
        *w.coach.root_secret().expose_bytes(),
    ));
    request_and_grant(
        &mut w,
        &coach,
        Role::Welzijnscoach,
        perms(&[(Scope::Intake, Mode::Append)]),
        AccessDuration::Lifelong,
        |_| {},
    );
    let err = read(&w, &coach).unwrap_err();
    assert_eq!(refused(&err), Some("append_only"));
    let vault = w.annelies.public().vault_id();
    with_api(&w.server, &coach, |api| {
        Professional::new(api, &coach).append(
            vault,
            Scope::Intake,
            ItemKind::IntakeNote,
            b"intake: wandelgroep".to_vec(),
        )
    })
    .unwrap();
    // Appending outside the granted scope is refused.
    let err = with_api(&w.server, &coach, |api| {
        Professional::new(api, &coach).append(vault, Scope::Notities, ItemKind::Note, b"x".to_vec())
    })
    .unwrap_err();
    assert_eq!(refused(&err), Some("scope_not_granted"));
    assert!(owner_items(&mut w).contains(&"intake: wandelgroep".to_owned()));

    // The log verifies, proofs included, and the head is kept.
    let entries = {
        let (server, annelies, state) = (&w.server, &w.annelies, &mut w.state);
        with_api(server, annelies, |api| {
            vault_client::consent::fetch_verified(api, annelies, state)
        })
        .unwrap()
    };
    assert!(entries.len() >= 4, "grant, grant, accesses, append");
    assert_eq!(
        w.state.log_head,
        entries.last().map(crypto::log::SignedEntry::head)
    );

    // Keep the GP's keys as they were before the revoke, as a curious GP would.
    let gp_old_keys = {
        let owner_keys = w.annelies.public();
        let mut ring = ScopeKeyring::new();
        with_api(&w.server, &gp, |api| api.scope_keys(vault))
            .unwrap()
            .iter()
            .for_each(|k| {
                ring.insert(k.open(&gp, &owner_keys).unwrap()).unwrap();
            });
        ring
    };

    let grant_id = with_api(&w.server, &w.annelies, |api| {
        Owner::new(api, &w.annelies).grants()
    })
    .unwrap()
    .iter()
    .find(|g| g.grant.grant.grantee == gp.public())
    .unwrap()
    .grant
    .grant
    .id;
    let (server, annelies, state) = (&w.server, &w.annelies, &mut w.state);
    let already = with_api(server, annelies, |api| {
        Owner::new(api, annelies).revoke(state, grant_id)
    })
    .unwrap();
    assert!(!already);
    let err = read(&w, &gp).unwrap_err();
    assert_eq!(refused(&err), Some("grant_revoked"));

    // A note written after the revoke is under a new epoch: the GP's old keys cannot open it,
    // even straight from the raw store.
    with_api(&w.server, &w.annelies, |api| {
        Owner::new(api, &w.annelies).add(vec![note("na intrekken")])
    })
    .unwrap();
    let raw = w.server.raw_items(vault);
    let newest = raw.last().unwrap();
    assert!(matches!(
        newest.sealing,
        crypto::Sealing::ScopeKey { epoch: 1 }
    ));
    let mut reader = crypto::ItemReader::new(vault, &gp_old_keys);
    assert!(matches!(
        reader.open(newest),
        Err(crypto::OpenItemError::NoScopeKey { .. })
    ));
    assert!(
        reader.open(&raw[0]).is_ok(),
        "old items stay readable with old keys: nothing re-sealed"
    );
    // The owner reads everything, old and new epochs.
    assert!(owner_items(&mut w).contains(&"na intrekken".to_owned()));
    // Revoking twice is harmless.
    let (server, annelies, state) = (&w.server, &w.annelies, &mut w.state);
    assert!(with_api(server, annelies, |api| Owner::new(api, annelies)
        .revoke(state, grant_id))
    .unwrap());
}

#[test]
fn remaining_grantees_get_the_new_epoch_after_a_revoke() {
    let mut w = setup();
    let gp = Identity::from_root(RootSecret::from_bytes(*w.gp.root_secret().expose_bytes()));
    let poh = Identity::generate(&mut OsRng);
    with_api(&w.server, &poh, |api| {
        api.enrol_party(Some(&profile(Role::PohGgz, "Poh")))
    })
    .unwrap();
    let read_notes = perms(&[(Scope::Notities, Mode::Read)]);
    let g1 = request_and_grant(
        &mut w,
        &gp,
        Role::Huisarts,
        read_notes.clone(),
        AccessDuration::Days(30),
        |_| {},
    );
    request_and_grant(
        &mut w,
        &poh,
        Role::PohGgz,
        read_notes,
        AccessDuration::Days(30),
        |_| {},
    );
    let (server, annelies, state) = (&w.server, &w.annelies, &mut w.state);
    with_api(server, annelies, |api| {
        Owner::new(api, annelies).revoke(state, g1.grant.id)
    })
    .unwrap();
    with_api(&w.server, &w.annelies, |api| {
        Owner::new(api, &w.annelies).add(vec![note("nieuw")])
    })
    .unwrap();
    assert_eq!(read(&w, &poh).unwrap(), ["nieuw"]);
}

#[test]
fn from_now_grant_sees_only_new_items_and_narrowing_holds() {
    let mut w = setup();
    with_api(&w.server, &w.annelies, |api| {
        Owner::new(api, &w.annelies).add(vec![note("oud")])
    })
    .unwrap();
    w.server.now.set(T0 + 10);
    let gp = Identity::from_root(RootSecret::from_bytes(*w.gp.root_secret().expose_bytes()));
    let asked = perms(&[
        (Scope::Notities, Mode::Read),
        (Scope::Vragenlijsten, Mode::Read),
    ]);
    request_and_grant(
        &mut w,
        &gp,
        Role::Huisarts,
        asked,
        AccessDuration::Days(30),
        |t| {
            t.history = History::FromNow;
            t.permissions = perms(&[(Scope::Notities, Mode::Read)]);
        },
    );
    with_api(&w.server, &w.annelies, |api| {
        Owner::new(api, &w.annelies).add(vec![
            note("nieuw"),
            NewItem {
                scope: Scope::Vragenlijsten,
                kind: ItemKind::Observation,
                body: b"{}".to_vec(),
            },
        ])
    })
    .unwrap();
    assert_eq!(read(&w, &gp).unwrap(), ["nieuw"]);
}

#[test]
fn an_expired_grant_is_refused() {
    let mut w = setup();
    let gp = Identity::from_root(RootSecret::from_bytes(*w.gp.root_secret().expose_bytes()));
    request_and_grant(
        &mut w,
        &gp,
        Role::Huisarts,
        perms(&[(Scope::Notities, Mode::Read)]),
        AccessDuration::Days(1),
        |_| {},
    );
    assert!(read(&w, &gp).is_ok());
    w.server.now.set(T0 + DAY + 1);
    assert_eq!(refused(&read(&w, &gp).unwrap_err()), Some("grant_expired"));
}

#[test]
fn a_grant_wider_than_the_request_is_not_signed() {
    let mut w = setup();
    let gp = Identity::from_root(RootSecret::from_bytes(*w.gp.root_secret().expose_bytes()));
    let (request, _) = with_api(&w.server, &gp, |api| {
        Professional::new(api, &gp).request(
            profile(Role::Huisarts, "Dr"),
            perms(&[(Scope::Notities, Mode::Read)]),
            AccessDuration::Days(7),
        )
    })
    .unwrap();
    let mut terms = GrantTerms::as_requested(&request.request);
    terms.duration = AccessDuration::Lifelong;
    let (server, annelies, state) = (&w.server, &w.annelies, &mut w.state);
    let err = with_api(server, annelies, |api| {
        Owner::new(api, annelies).grant(state, &request, terms)
    })
    .unwrap_err();
    assert!(matches!(err, VaultError::Terms(_)));
}

#[test]
fn an_expired_request_cannot_be_granted() {
    let mut w = setup();
    let gp = Identity::from_root(RootSecret::from_bytes(*w.gp.root_secret().expose_bytes()));
    let (request, _) = with_api(&w.server, &gp, |api| {
        Professional::new(api, &gp).request(
            profile(Role::Huisarts, "Dr"),
            perms(&[(Scope::Notities, Mode::Read)]),
            AccessDuration::Days(7),
        )
    })
    .unwrap();
    w.server.now.set(T0 + 16 * 60);
    let terms = GrantTerms::as_requested(&request.request);
    let (server, annelies, state) = (&w.server, &w.annelies, &mut w.state);
    let err = with_api(server, annelies, |api| {
        Owner::new(api, annelies).grant(state, &request, terms)
    })
    .unwrap_err();
    assert!(matches!(
        err,
        VaultError::BadRequest(crypto::request::RequestError::Expired { .. })
    ));
}

#[test]
fn recovery_code_restores_the_whole_vault() {
    let w = setup();
    with_api(&w.server, &w.annelies, |api| {
        Owner::new(api, &w.annelies).add(vec![note("bewaar mij")])
    })
    .unwrap();
    let code = RecoveryCode::from_root(w.annelies.root_secret());
    let parsed = RecoveryCode::parse(&code.expose_grouped()).unwrap();
    let restored = Identity::from_root(parsed.root_secret());
    let mut fresh = State::new(&parsed.root_secret(), None, "https://rugzak.test".into());
    let items = with_api(&w.server, &restored, |api| {
        Owner::new(api, &restored).items(&mut fresh)
    })
    .unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].envelope.body, b"bewaar mij");
}

#[test]
fn a_revoked_share_link_shows_once_in_the_verified_log() {
    let mut w = setup();
    let (server, annelies, state) = (&w.server, &w.annelies, &mut w.state);
    let (link, first, again, unknown) = with_api(server, annelies, |api| {
        let owner = Owner::new(api, annelies);
        owner.add(vec![note("voor de POH")]).unwrap();
        let options = crypto::LinkOptions {
            expires: T0 + DAY,
            passcode_required: false,
            max_uses: None,
            label: "Voor de POH".into(),
        };
        let link = owner.share_link(state, &[], options, None).unwrap().id();
        let first = owner.revoke_link(state, link);
        let again = owner.revoke_link(state, link);
        let unknown = owner.revoke_link(state, crypto::LinkId::random(&mut OsRng));
        (link, first, again, unknown)
    });
    first.unwrap();
    again.expect("revoking again succeeds");
    let Err(VaultError::Api(err)) = unknown else {
        panic!("an unknown link is refused: {unknown:?}");
    };
    assert_eq!(err.code(), Some("link_not_found"));

    let entries = with_api(&w.server, &w.annelies, |api| {
        vault_client::consent::fetch_verified(api, &w.annelies, &mut w.state)
    })
    .unwrap();
    let revokes: Vec<_> = entries
        .iter()
        .filter(|e| e.entry.event.kind == EventKind::Revoke)
        .collect();
    assert_eq!(revokes.len(), 1, "revoking again logs nothing more");
    assert_eq!(revokes[0].entry.event.object, LogObject::Link(link));
    assert_eq!(revokes[0].entry.signer, Signer::Vault);
    let rows = vault_client::consent::rows(&entries, &BTreeMap::new(), None, None);
    let last = rows.last().unwrap();
    assert_eq!(
        (last.event.as_str(), last.action, last.user.as_str()),
        ("revoke", 'D', "ik/me")
    );
    assert_eq!(
        last.object,
        format!("link {}", vault_client::consent::short(&link.to_string()))
    );
}

#[test]
fn a_rolled_back_log_is_detected() {
    let mut w = setup();
    let gp = Identity::from_root(RootSecret::from_bytes(*w.gp.root_secret().expose_bytes()));
    request_and_grant(
        &mut w,
        &gp,
        Role::Huisarts,
        perms(&[(Scope::Notities, Mode::Read)]),
        AccessDuration::Days(3),
        |_| {},
    );
    let (server, annelies, state) = (&w.server, &w.annelies, &mut w.state);
    with_api(server, annelies, |api| {
        vault_client::consent::fetch_verified(api, annelies, state)
    })
    .unwrap();
    // A head newer than what the server now shows: the server rolled the log back.
    let mut head = w.state.log_head.unwrap();
    head.seq += 1;
    w.state.log_head = Some(head);
    let (server, annelies, state) = (&w.server, &w.annelies, &mut w.state);
    let err = with_api(server, annelies, |api| {
        vault_client::consent::fetch_verified(api, annelies, state)
    })
    .unwrap_err();
    assert!(
        matches!(err, vault_client::consent::LogError::Invalid(_)),
        "{err}"
    );
}

#[test]
fn an_unreachable_server_is_named() {
    let w = setup();
    w.server.up.set(false);
    let err = with_api(&w.server, &w.annelies, |api| {
        Owner::new(api, &w.annelies).grants()
    })
    .unwrap_err();
    assert!(matches!(err, VaultError::Api(ApiError::Unreachable(_))));
    assert!(err.to_string().contains("unreachable"));
}
