//! The client's flows against an in-memory server that follows `spec/api.md`: the whole
//! journey through the library, with the security properties checked from the outside.

#![allow(clippy::unwrap_used, reason = "tests")]

#[allow(
    dead_code,
    reason = "each test binary uses its own part of the fake server"
)]
mod fake;

use pollster::FutureExt as _;
use std::cell::RefCell;
use std::collections::BTreeMap;

use crypto::log::{EventKind, LogObject, SignedEntry, Signer};
use crypto::{
    AccessDuration, GrantId, GrantTerms, History, Identity, ItemKind, Mode, OpenedItem, Permission,
    Permissions, Profile, RecoveryCode, Role, RootSecret, Scope, ScopeKeyring, SignedGrant,
    SignedRequest,
};
use fake::FakeServer;
use rand_core::OsRng;
use vault_client::consent::{self, LogError};
use vault_client::vault::{ApartReason, Opened};
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

fn read_notes() -> Permissions {
    perms(&[(Scope::Notities, Mode::Read)])
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

/// Annelies, her GP and a welfare coach on one fake server.
struct World {
    server: FakeServer,
    annelies: Identity,
    gp: Identity,
    coach: Identity,
    /// Annelies's local state, in a cell so that the methods that update it can be handed
    /// one of the world's own identities (`w.read(&w.gp)`).
    state: RefCell<State>,
}

impl World {
    /// Annelies with a new vault; her GP and a welfare coach enrolled with their profiles.
    fn new() -> Self {
        let root = RootSecret::generate(&mut OsRng);
        let w = Self {
            server: FakeServer::new(T0),
            annelies: Identity::from_root(RootSecret::from_bytes(*root.expose_bytes())),
            gp: Identity::generate(&mut OsRng),
            coach: Identity::generate(&mut OsRng),
            state: RefCell::new(State::new(&root, None, "https://rugzak.test".into())),
        };
        w.as_owner(|owner, state| owner.create(state).block_on())
            .unwrap();
        w.enrol(&w.gp, Role::Huisarts, "Dr. De Vries");
        w.enrol(&w.coach, Role::Welzijnscoach, "Sanne");
        w
    }

    /// Runs `f` with an API for `who` on the fake server's clock.
    fn api<R>(&self, who: &Identity, f: impl FnOnce(&Api<'_>) -> R) -> R {
        let clock = || self.server.now.get();
        let api = Api::new(&self.server, who, &clock);
        f(&api)
    }

    /// Runs `f` as Annelies, with her local state.
    fn as_owner<R>(&self, f: impl FnOnce(&Owner<'_>, &mut State) -> R) -> R {
        self.api(&self.annelies, |api| {
            f(
                &Owner::new(api, &self.annelies),
                &mut self.state.borrow_mut(),
            )
        })
    }

    /// Runs `f` as the professional `who`.
    fn as_professional<R>(&self, who: &Identity, f: impl FnOnce(&Professional<'_>) -> R) -> R {
        self.api(who, |api| f(&Professional::new(api, who)))
    }

    /// The professional `who` signs up with a profile.
    fn enrol(&self, who: &Identity, role: Role, name: &str) {
        self.api(who, |api| {
            api.enrol_party(Some(&profile(role, name))).block_on()
        })
        .unwrap();
    }

    /// Annelies adds `items` to her vault.
    fn add(&self, items: Vec<NewItem>) {
        self.as_owner(|owner, state| owner.add(state, items).block_on())
            .unwrap();
    }

    /// The professional `who`, as `role`, asks Annelies for `p` for `d`.
    fn request(
        &self,
        who: &Identity,
        role: Role,
        p: Permissions,
        d: AccessDuration,
    ) -> SignedRequest {
        let (request, _) = self
            .as_professional(who, |pro| {
                pro.request(profile(role, "Prof"), p, d).block_on()
            })
            .unwrap();
        request
    }

    /// Annelies answers `request` with `terms`.
    fn grant(&self, request: &SignedRequest, terms: GrantTerms) -> Result<SignedGrant, VaultError> {
        self.as_owner(|owner, state| owner.grant(state, request, terms).block_on())
    }

    /// The professional `who` requests `p` for `d`; Annelies grants it as asked.
    fn request_and_grant(
        &self,
        who: &Identity,
        role: Role,
        p: Permissions,
        d: AccessDuration,
    ) -> SignedGrant {
        let request = self.request(who, role, p, d);
        self.grant(&request, GrantTerms::as_requested(&request.request))
            .unwrap()
    }

    /// The GP asks to read Annelies's notes for `d`.
    fn gp_requests_notes(&self, d: AccessDuration) -> SignedRequest {
        self.request(&self.gp, Role::Huisarts, read_notes(), d)
    }

    /// The GP asks to read Annelies's notes for `d`; she grants it as asked.
    fn grant_gp_notes(&self, d: AccessDuration) -> SignedGrant {
        self.request_and_grant(&self.gp, Role::Huisarts, read_notes(), d)
    }

    /// The bodies the professional `who` reads in Annelies's vault.
    fn read(&self, who: &Identity) -> Result<Vec<String>, ProfessionalError> {
        let vault = self.annelies.public().vault_id();
        self.as_professional(who, |pro| pro.read(vault).block_on())
            .map(|items| bodies(&items))
    }

    /// The bodies Annelies reads in her own vault.
    fn owner_items(&self) -> Vec<String> {
        bodies(
            &self
                .as_owner(|owner, state| owner.items(state).block_on())
                .unwrap(),
        )
    }

    /// Annelies revokes `grant`; returns whether it was revoked already.
    fn revoke(&self, grant: GrantId) -> bool {
        self.as_owner(|owner, state| owner.revoke(state, grant).block_on())
            .unwrap()
    }

    /// Annelies fetches her log and verifies it against the head she kept.
    fn verified_log(&self) -> Result<Vec<SignedEntry>, LogError> {
        self.api(&self.annelies, |api| {
            consent::fetch_verified(api, &self.annelies, &mut self.state.borrow_mut()).block_on()
        })
    }
}

fn bodies(items: &[OpenedItem]) -> Vec<String> {
    items
        .iter()
        .map(|i| String::from_utf8_lossy(&i.envelope.body).into_owned())
        .collect()
}

#[test]
fn the_journey_grant_read_append_log_revoke() {
    let w = World::new();
    w.add(vec![note("slecht geslapen"), note("weinig contact")]);
    // More items than one page (the fake pages by two): sync must follow the cursor.
    w.add(vec![note("derde")]);
    assert_eq!(
        w.owner_items(),
        ["slecht geslapen", "weinig contact", "derde"]
    );

    w.grant_gp_notes(AccessDuration::Days(30));
    assert_eq!(
        w.read(&w.gp).unwrap(),
        ["slecht geslapen", "weinig contact", "derde"]
    );

    // The coach may only append: reading is refused, appending works, the owner sees it.
    w.request_and_grant(
        &w.coach,
        Role::Welzijnscoach,
        perms(&[(Scope::Intake, Mode::Append)]),
        AccessDuration::Lifelong,
    );
    let err = w.read(&w.coach).unwrap_err();
    assert_eq!(refused(&err), Some("append_only"));
    let vault = w.annelies.public().vault_id();
    w.as_professional(&w.coach, |coach| {
        coach
            .append(
                vault,
                Scope::Intake,
                ItemKind::IntakeNote,
                b"intake: wandelgroep".to_vec(),
            )
            .block_on()
    })
    .unwrap();
    // Appending outside the granted scope is refused before anything is sent.
    let err = w
        .as_professional(&w.coach, |coach| {
            coach
                .append(vault, Scope::Notities, ItemKind::Note, b"x".to_vec())
                .block_on()
        })
        .unwrap_err();
    assert_eq!(err.code(), "no_grant");
    assert!(w.owner_items().contains(&"intake: wandelgroep".to_owned()));

    // The log verifies, proofs included, and the head is kept.
    let entries = w.verified_log().unwrap();
    assert!(entries.len() >= 4, "grant, grant, accesses, append");
    assert_eq!(
        w.state.borrow().log_head,
        entries.last().map(SignedEntry::head)
    );

    // Keep the GP's keys as they were before the revoke, as a curious GP would.
    let gp_old_keys = {
        let owner_keys = w.annelies.public();
        let mut ring = ScopeKeyring::new();
        w.api(&w.gp, |api| api.scope_keys(vault).block_on())
            .unwrap()
            .iter()
            .for_each(|k| {
                ring.insert(k.open(&w.gp, &owner_keys).unwrap()).unwrap();
            });
        ring
    };

    let grant_id = w
        .as_owner(|owner, state| owner.grants(state).block_on())
        .unwrap()
        .iter()
        .find(|g| g.grant.grant.grantee == w.gp.public())
        .unwrap()
        .grant
        .grant
        .id;
    assert!(!w.revoke(grant_id));
    let err = w.read(&w.gp).unwrap_err();
    assert_eq!(refused(&err), Some("grant_revoked"));

    // A note written after the revoke is under a new epoch: the GP's old keys cannot open it,
    // even straight from the raw store.
    w.add(vec![note("na intrekken")]);
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
    assert!(w.owner_items().contains(&"na intrekken".to_owned()));
    // Revoking twice is harmless.
    assert!(w.revoke(grant_id));
}

#[test]
fn remaining_grantees_get_the_new_epoch_after_a_revoke() {
    let w = World::new();
    let poh = Identity::generate(&mut OsRng);
    w.enrol(&poh, Role::PohGgz, "Poh");
    let g1 = w.grant_gp_notes(AccessDuration::Days(30));
    w.request_and_grant(&poh, Role::PohGgz, read_notes(), AccessDuration::Days(30));
    w.revoke(g1.grant.id);
    w.add(vec![note("nieuw")]);
    assert_eq!(w.read(&poh).unwrap(), ["nieuw"]);
}

#[test]
fn from_now_grant_sees_only_new_items_and_narrowing_holds() {
    let w = World::new();
    w.add(vec![note("oud")]);
    w.server.now.set(T0 + 10);
    let asked = perms(&[
        (Scope::Notities, Mode::Read),
        (Scope::Vragenlijsten, Mode::Read),
    ]);
    let request = w.request(&w.gp, Role::Huisarts, asked, AccessDuration::Days(30));
    let mut terms = GrantTerms::as_requested(&request.request);
    terms.history = History::FromNow;
    terms.permissions = read_notes();
    w.grant(&request, terms).unwrap();
    w.add(vec![
        note("nieuw"),
        NewItem {
            scope: Scope::Vragenlijsten,
            kind: ItemKind::Observation,
            body: b"{}".to_vec(),
        },
    ]);
    assert_eq!(w.read(&w.gp).unwrap(), ["nieuw"]);
}

#[test]
fn an_expired_grant_is_refused() {
    let w = World::new();
    w.grant_gp_notes(AccessDuration::Days(1));
    assert!(w.read(&w.gp).is_ok());
    w.server.now.set(T0 + DAY + 1);
    assert_eq!(refused(&w.read(&w.gp).unwrap_err()), Some("grant_expired"));
}

#[test]
fn a_grant_wider_than_the_request_is_not_signed() {
    let w = World::new();
    let request = w.gp_requests_notes(AccessDuration::Days(7));
    let mut terms = GrantTerms::as_requested(&request.request);
    terms.duration = AccessDuration::Lifelong;
    let err = w.grant(&request, terms).unwrap_err();
    assert!(matches!(err, VaultError::Terms(_)));
}

#[test]
fn an_expired_request_cannot_be_granted() {
    let w = World::new();
    let request = w.gp_requests_notes(AccessDuration::Days(7));
    w.server.now.set(T0 + 16 * 60);
    let terms = GrantTerms::as_requested(&request.request);
    let err = w.grant(&request, terms).unwrap_err();
    assert!(matches!(
        err,
        VaultError::BadRequest(crypto::request::RequestError::Expired { .. })
    ));
}

#[test]
fn recovery_code_restores_the_whole_vault() {
    let w = World::new();
    w.add(vec![note("bewaar mij")]);
    let code = RecoveryCode::from_root(w.annelies.root_secret());
    let parsed = RecoveryCode::parse(&code.expose_grouped()).unwrap();
    let restored = Identity::from_root(parsed.root_secret());
    let mut fresh = State::new(&parsed.root_secret(), None, "https://rugzak.test".into());
    let items = w
        .api(&restored, |api| {
            Owner::new(api, &restored).items(&mut fresh).block_on()
        })
        .unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].envelope.body, b"bewaar mij");
}

#[test]
fn a_revoked_share_link_shows_once_in_the_verified_log() {
    let w = World::new();
    w.add(vec![note("voor de POH")]);
    let (link, first, again, unknown) = w.as_owner(|owner, state| {
        let options = crypto::LinkOptions {
            expires: T0 + DAY,
            passcode_required: false,
            max_uses: None,
            label: "Voor de POH".into(),
        };
        let link = owner
            .share_link(state, &[], options, None)
            .block_on()
            .unwrap()
            .id();
        let first = owner.revoke_link(state, link).block_on();
        let again = owner.revoke_link(state, link).block_on();
        let unknown = owner
            .revoke_link(state, crypto::LinkId::random(&mut OsRng))
            .block_on();
        (link, first, again, unknown)
    });
    first.unwrap();
    again.expect("revoking again succeeds");
    let Err(VaultError::Api(err)) = unknown else {
        panic!("an unknown link is refused: {unknown:?}");
    };
    assert_eq!(err.code(), Some("link_not_found"));

    let entries = w.verified_log().unwrap();
    let revokes: Vec<_> = entries
        .iter()
        .filter(|e| e.entry.event.kind == EventKind::Revoke)
        .collect();
    assert_eq!(revokes.len(), 1, "revoking again logs nothing more");
    assert_eq!(revokes[0].entry.event.object, LogObject::Link(link));
    assert_eq!(revokes[0].entry.signer, Signer::Vault);
    let rows = consent::rows(&entries, &BTreeMap::new(), None, None);
    let last = rows.last().unwrap();
    assert_eq!(
        (last.event.as_str(), last.action, last.user.as_str()),
        ("revoke", 'D', "ik/me")
    );
    assert_eq!(
        last.object,
        format!("link {}", consent::short(&link.to_string()))
    );
}

#[test]
fn a_rolled_back_log_is_detected() {
    let w = World::new();
    w.grant_gp_notes(AccessDuration::Days(3));
    w.verified_log().unwrap();
    // A head newer than what the server now shows: the server rolled the log back.
    let mut head = w.state.borrow().log_head.unwrap();
    head.seq += 1;
    w.state.borrow_mut().log_head = Some(head);
    let err = w.verified_log().unwrap_err();
    assert!(matches!(err, LogError::Invalid(_)), "{err}");
}

#[test]
fn an_unreachable_server_is_named() {
    let w = World::new();
    w.server.up.set(false);
    let err = w
        .as_owner(|owner, state| owner.grants(state).block_on())
        .unwrap_err();
    assert!(matches!(err, VaultError::Api(ApiError::Unreachable(_))));
    assert!(err.to_string().contains("unreachable"));
}

/// The GP's keyring as the server would hand it over now: every key wrapped for the GP.
fn keys_of(w: &World, who: &Identity) -> ScopeKeyring {
    let vault = w.annelies.public().vault_id();
    let owner_keys = w.annelies.public();
    let mut ring = ScopeKeyring::new();
    for wrapped in w
        .api(who, |api| api.scope_keys(vault).block_on())
        .unwrap_or_default()
    {
        ring.insert(wrapped.open(who, &owner_keys).unwrap())
            .unwrap();
    }
    ring
}

/// Whether `ring` opens the newest stored item, straight from the raw store.
fn opens_newest(w: &World, ring: &ScopeKeyring) -> bool {
    let vault = w.annelies.public().vault_id();
    let raw = w.server.raw_items(vault);
    crypto::ItemReader::new(vault, ring)
        .open(raw.last().unwrap())
        .is_ok()
}

#[test]
fn an_expired_grant_rotates_at_the_next_command_so_new_items_stay_closed() {
    let w = World::new();
    w.grant_gp_notes(AccessDuration::Days(1));
    w.add(vec![note("binnen de termijn")]);
    let gp_keys = keys_of(&w, &w.gp);
    assert!(opens_newest(&w, &gp_keys), "the GP holds the current epoch");

    w.server.now.set(T0 + DAY + 1);
    w.add(vec![note("na het verlopen")]);
    assert!(
        !opens_newest(&w, &gp_keys),
        "written after the expiry: under a fresh epoch the GP never got"
    );
    let notices = std::mem::take(&mut w.state.borrow_mut().notices);
    assert!(notices
        .iter()
        .any(|n| matches!(n, vault_client::consent_state::Notice::Rotated(s) if s.contains(&Scope::Notities))));
    assert!(w.owner_items().contains(&"na het verlopen".to_owned()));
}

#[test]
fn a_from_now_grant_gets_a_fresh_epoch_that_opens_nothing_older() {
    let w = World::new();
    w.add(vec![note("oud")]);
    let request = w.gp_requests_notes(AccessDuration::Days(30));
    let mut terms = GrantTerms::as_requested(&request.request);
    terms.history = History::FromNow;
    w.grant(&request, terms).unwrap();
    let gp_keys = keys_of(&w, &w.gp);
    let vault = w.annelies.public().vault_id();
    let raw = w.server.raw_items(vault);
    assert!(
        matches!(
            crypto::ItemReader::new(vault, &gp_keys).open(&raw[0]),
            Err(crypto::OpenItemError::NoScopeKey { epoch: 0, .. })
        ),
        "the GP got only the fresh epoch: what was written before stays closed, whatever the server serves"
    );
    assert!(gp_keys.get(Scope::Notities, 1).is_some());
    w.add(vec![note("nieuw")]);
    assert!(opens_newest(&w, &gp_keys));
}

#[test]
fn a_rebuilt_device_knows_the_grants_starts_a_fresh_epoch_and_rekeys_only_what_she_confirms() {
    let w = World::new();
    let g1 = w.grant_gp_notes(AccessDuration::Days(30));
    let gp_keys = keys_of(&w, &w.gp);
    assert!(
        gp_keys.get(Scope::Notities, 0).is_some(),
        "the GP held a key"
    );
    w.revoke(g1.grant.id);
    let poh = Identity::generate(&mut OsRng);
    w.enrol(&poh, Role::PohGgz, "Poh");
    let g2 = w.request_and_grant(&poh, Role::PohGgz, read_notes(), AccessDuration::Days(30));
    let before = w.state.borrow().consent.epochs.clone();

    // A new device from the recovery code: no state but the root secret.
    let mut fresh = State::new(w.annelies.root_secret(), None, "https://rugzak.test".into());
    w.api(&w.annelies, |api| {
        Owner::new(api, &w.annelies)
            .add(&mut fresh, vec![note("op het nieuwe apparaat")])
            .block_on()
    })
    .unwrap();
    assert!(fresh.consent.built);
    let g1_rebuilt = fresh.consent.grant(g1.grant.id).unwrap();
    assert!(g1_rebuilt.revoked.is_some(), "the revoke came from the log");
    assert!(fresh.consent.grant(g2.grant.id).unwrap().revoked.is_none());
    for scope in Scope::ALL {
        assert_eq!(
            fresh.consent.epochs[&scope],
            before[&scope] + 1,
            "{scope}: one fresh epoch after the rebuild"
        );
    }
    let newest = w.server.raw_items(w.annelies.public().vault_id());
    let newest = newest.last().unwrap();
    assert_eq!(
        newest.sealing,
        crypto::Sealing::ScopeKey {
            epoch: before[&Scope::Notities] + 1
        }
    );
    // The log a rebuild was shown may lack a later revoke: the POH's grant waits for her
    // confirmation before it gets the new key; the revoked GP's never will.
    assert_eq!(
        fresh
            .consent
            .unconfirmed
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        [g2.grant.id]
    );
    assert!(w.read(&poh).unwrap().is_empty(), "not before she confirms");
    w.api(&w.annelies, |api| {
        Owner::new(api, &w.annelies)
            .confirm(&mut fresh, &[g2.grant.id, g1.grant.id])
            .block_on()
    })
    .unwrap();
    assert!(fresh.consent.unconfirmed.is_empty());
    assert_eq!(w.read(&poh).unwrap(), ["op het nieuwe apparaat"]);
    assert!(
        !opens_newest(&w, &gp_keys),
        "the keys the GP ever held do not open it"
    );
}

#[test]
fn opening_again_reuses_what_opened_but_only_for_the_same_ciphertext() {
    let w = World::new();
    w.add(vec![note("eerste"), note("tweede"), note("derde")]);
    let mut opened = Opened::default();
    let listing = |opened: &mut Opened| {
        w.as_owner(|owner, state| owner.listing_memo(state, opened).block_on())
            .unwrap()
    };
    let first = listing(&mut opened);
    assert_eq!(bodies(&first.items), ["eerste", "tweede", "derde"]);
    assert_eq!(opened.len(), 3, "every item that opened is kept");
    let again = listing(&mut opened);
    assert_eq!(bodies(&again.items), bodies(&first.items));
    assert!(again.apart.is_empty());

    // The copy on this device changes under the same id (a damaged disk, a swapped item): the
    // kept plaintext is not shown for it; it is opened again and fails, apart with the reason.
    {
        let mut state = w.state.borrow_mut();
        let item = &mut state.items[1];
        let last = item.ciphertext.len() - 1;
        item.ciphertext[last] ^= 1;
    }
    let damaged = listing(&mut opened);
    assert_eq!(bodies(&damaged.items), ["eerste", "derde"]);
    assert_eq!(damaged.apart.len(), 1);
    assert!(matches!(
        damaged.apart[0].reason,
        ApartReason::Unreadable(_)
    ));
}
