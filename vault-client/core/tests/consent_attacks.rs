//! Attacks on the inwoner's consent state found by the second review of issue 16, against the
//! in-memory server behind a thin tampering transport (hide revoke entries from `GET log`,
//! hide one grant from `GET grants`, record every key posted to `POST scope-keys`, act right
//! before `GET items`). Each test asserts the safe outcome.

#![allow(clippy::unwrap_used, reason = "tests")]

#[allow(
    dead_code,
    reason = "each test binary uses its own part of the fake server"
)]
mod fake;

use pollster::FutureExt as _;
use std::cell::{Cell, RefCell};

use crypto::log::{ActionCode, Actor, Event, EventKind, LogObject, Outcome, SignedEntry};
use crypto::{
    AccessDuration, GrantId, GrantTerms, Identity, ItemKind, Mode, OpenedItem, Permission,
    Permissions, Profile, Role, RootSecret, Scope, SignedGrant, SignedRequest, WrappedScopeKey,
};
use fake::FakeServer;
use rand_core::OsRng;
use serde_json::Value;
use vault_client::consent_state::{Authorship, ConsentState, Notice};
use vault_client::transport::{HttpRequest, HttpResponse, Sending, Transport};
use vault_client::{Api, NewItem, Owner, Professional, State, VaultError};

const T0: i64 = 1_772_355_600;
const DAY: i64 = 86_400;

/// Something done to the server right before it answers a request.
type Hook = Box<dyn FnOnce(&FakeServer)>;

/// The fake server behind a tampering layer.
struct Tamper {
    inner: FakeServer,
    hide_revokes: Cell<bool>,
    hide_grant: Cell<Option<GrantId>>,
    wrapped: RefCell<Vec<WrappedScopeKey>>,
    /// Run once, right before the next `GET items` is answered.
    before_items: RefCell<Option<Hook>>,
}

impl Transport for Tamper {
    fn server(&self) -> &str {
        self.inner.server()
    }
    fn send<'a>(&'a self, request: &'a HttpRequest) -> Sending<'a> {
        let path = request.path_and_query.clone();
        if request.method == "POST" && path.ends_with("/scope-keys") {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            let keys: Vec<WrappedScopeKey> = serde_json::from_value(body["keys"].clone()).unwrap();
            self.wrapped.borrow_mut().extend(keys);
        }
        if request.method == "GET" && path.contains("/items") {
            if let Some(hook) = self.before_items.borrow_mut().take() {
                hook(&self.inner);
            }
        }
        let mut answer = self.inner.answer(request);
        if let Ok(HttpResponse { status: 200, body }) = &mut answer {
            let mut json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            let mut changed = false;
            if request.method == "GET" && path.contains("/log?") && self.hide_revokes.get() {
                let list = json["entries"].as_array_mut().unwrap();
                if let Some(at) = list
                    .iter()
                    .position(|e| e["entry"]["event"]["kind"] == "revoke")
                {
                    list.truncate(at);
                    changed = true;
                }
            }
            if request.method == "GET" && path.ends_with("/grants") {
                if let Some(hidden) = self.hide_grant.get() {
                    let hidden = hidden.to_string();
                    json["grants"]
                        .as_array_mut()
                        .unwrap()
                        .retain(|g| g["grant"]["grant"]["id"] != hidden.as_str());
                    changed = true;
                }
            }
            if changed {
                *body = serde_json::to_vec(&json).unwrap();
            }
        }
        Box::pin(std::future::ready(answer))
    }
}

fn profile(role: Role, name: &str) -> Profile {
    Profile {
        role,
        name: name.into(),
        organisation: "Praktijk Centrum".into(),
    }
}

fn perms(scope: Scope, mode: Mode) -> Permissions {
    Permissions::new([Permission { scope, mode }]).unwrap()
}

fn note(text: &str) -> NewItem {
    NewItem {
        scope: Scope::Notities,
        kind: ItemKind::Note,
        body: text.as_bytes().to_vec(),
    }
}

struct World {
    t: Tamper,
    annelies: Identity,
    root: [u8; 32],
    state: RefCell<State>,
}

impl World {
    fn new() -> Self {
        let root = RootSecret::generate(&mut OsRng);
        let w = Self {
            t: Tamper {
                inner: FakeServer::new(T0),
                hide_revokes: Cell::new(false),
                hide_grant: Cell::new(None),
                wrapped: RefCell::new(Vec::new()),
                before_items: RefCell::new(None),
            },
            annelies: Identity::from_root(RootSecret::from_bytes(*root.expose_bytes())),
            root: *root.expose_bytes(),
            state: RefCell::new(State::new(&root, None, "https://rugzak.test".into())),
        };
        w.owner(&mut w.state.borrow_mut(), |o, s| o.create(s).block_on())
            .unwrap();
        w
    }
    fn api<R>(&self, who: &Identity, f: impl FnOnce(&Api<'_>) -> R) -> R {
        let clock = || self.t.inner.now.get();
        let api = Api::new(&self.t, who, &clock);
        f(&api)
    }
    fn owner<R>(&self, state: &mut State, f: impl FnOnce(&Owner<'_>, &mut State) -> R) -> R {
        self.api(&self.annelies, |api| {
            f(&Owner::new(api, &self.annelies), state)
        })
    }
    fn pro(&self, role: Role, name: &str) -> Identity {
        let who = Identity::generate(&mut OsRng);
        self.api(&who, |api| {
            api.enrol_party(Some(&profile(role, name))).block_on()
        })
        .unwrap();
        who
    }
    fn grant(&self, who: &Identity, p: Permissions, d: AccessDuration) -> SignedGrant {
        let (request, _) = self
            .api(who, |api| {
                Professional::new(api, who)
                    .request(profile(Role::Huisarts, "Prof"), p, d)
                    .block_on()
            })
            .unwrap();
        self.owner(&mut self.state.borrow_mut(), |o, s| {
            o.grant(s, &request, GrantTerms::as_requested(&request.request))
                .block_on()
        })
        .unwrap()
    }
    fn add(&self, state: &mut State, text: &str) -> Result<(), VaultError> {
        self.owner(state, |o, s| o.add(s, vec![note(text)]).block_on())
            .map(drop)
    }
    fn read(&self, who: &Identity) -> Vec<String> {
        let vault = self.annelies.public().vault_id();
        self.api(who, |api| {
            Professional::new(api, who).read(vault).block_on()
        })
        .unwrap()
        .iter()
        .map(|i| String::from_utf8_lossy(&i.envelope.body).into_owned())
        .collect()
    }
    fn fresh_device(&self) -> State {
        State::new(
            &RootSecret::from_bytes(self.root),
            None,
            "https://rugzak.test".into(),
        )
    }
    /// Epochs of `scope` wrapped for `who` so far.
    fn epochs_for(&self, who: &Identity, scope: Scope) -> Vec<u32> {
        self.t
            .wrapped
            .borrow()
            .iter()
            .filter(|k| k.recipient == who.public().party_id() && k.scope == scope)
            .map(|k| k.epoch)
            .collect()
    }
}

/// The keystore round trip (what the CLI writes and reads back).
fn persisted(state: &State) -> State {
    serde_json::from_slice(&serde_json::to_vec(state).unwrap()).unwrap()
}

/// A process killed between sending a revoke and saving its state (Ctrl-C while the key upload
/// hangs) keeps the state the shell stored when she decided: `intend_revoke` before the send.
/// A server that then hides the revoke entry cannot undo it: the grant gets no key of the next
/// epoch (here owed by another grant's expiry), and the revoke is sent again.
#[test]
fn a_revoke_killed_before_the_save_is_kept_and_sent_again() {
    let w = World::new();
    let gp1 = w.pro(Role::Huisarts, "gp1");
    let gp2 = w.pro(Role::Huisarts, "gp2");
    let g1 = w.grant(
        &gp1,
        perms(Scope::Notities, Mode::Read),
        AccessDuration::Days(30),
    );
    let _g2 = w.grant(
        &gp2,
        perms(Scope::Notities, Mode::Read),
        AccessDuration::Days(1),
    );
    w.add(&mut w.state.borrow_mut(), "voor").unwrap();

    w.owner(&mut w.state.borrow_mut(), |o, s| {
        o.intend_revoke(s, g1.grant.id)
    })
    .unwrap();
    let on_disk = persisted(&w.state.borrow());
    w.owner(&mut w.state.borrow_mut(), |o, s| {
        o.revoke(s, g1.grant.id).block_on()
    })
    .unwrap();
    // Killed before the save: the keystore is the one stored when she decided.
    let mut state = on_disk;
    w.t.hide_revokes.set(true);
    w.t.inner.now.set(T0 + DAY + 1); // gp2's grant expires: a rotation is owed
    let sealed_before = w.t.inner.raw_items(w.annelies.public().vault_id()).len();
    // Sending the revoke again needs the log's true head, which the server hides: the
    // command stops, and nothing is sealed meanwhile.
    let hidden = w.add(&mut state, "na het intrekken");
    assert!(hidden.is_err(), "{hidden:?}");
    assert_eq!(
        w.t.inner.raw_items(w.annelies.public().vault_id()).len(),
        sealed_before
    );
    let gp1_epochs = |w: &World| w.epochs_for(&gp1, Scope::Notities);
    assert_eq!(
        gp1_epochs(&w),
        [0],
        "the revoked GP got no new key: {:?}",
        gp1_epochs(&w)
    );
    // Once the server shows the log again, the revoke is there; the rotation owed by the
    // expiry goes to nobody but her.
    w.t.hide_revokes.set(false);
    w.add(&mut state, "na het intrekken").unwrap();
    assert!(state.consent.grant(g1.grant.id).unwrap().revoked.is_some());
    let newest = state.consent.epochs[&Scope::Notities];
    assert!(newest >= 1);
    assert_eq!(
        gp1_epochs(&w),
        [0],
        "the revoked GP got no new key: {:?}",
        gp1_epochs(&w)
    );
}

/// A rebuild does not announce revokes finished long ago on another device as "finished now".
#[test]
fn a_rebuild_does_not_say_old_revokes_were_finished_now() {
    let w = World::new();
    let gp1 = w.pro(Role::Huisarts, "gp1");
    let g1 = w.grant(
        &gp1,
        perms(Scope::Notities, Mode::Read),
        AccessDuration::Days(30),
    );
    w.owner(&mut w.state.borrow_mut(), |o, s| {
        o.revoke(s, g1.grant.id).block_on()
    })
    .unwrap();
    w.add(&mut w.state.borrow_mut(), "weken later").unwrap();

    let mut fresh = w.fresh_device();
    w.add(&mut fresh, "op het nieuwe apparaat").unwrap();
    assert!(
        fresh.notices.contains(&Notice::Rebuilt),
        "{:?}",
        fresh.notices
    );
    assert!(
        !fresh.notices.contains(&Notice::RevokeFinished(g1.grant.id)),
        "{:?}",
        fresh.notices
    );
}

/// A grant confirmed after a rebuild gets every epoch since the rebuild: items written while it
/// waited, under an epoch rotated again meanwhile (she revoked another grant first, as the
/// hint tells her to), open for it too.
#[test]
fn a_grant_confirmed_late_gets_the_epochs_made_while_it_waited() {
    let w = World::new();
    let poh = w.pro(Role::PohGgz, "poh");
    let gp = w.pro(Role::Huisarts, "gp");
    let g_poh = w.grant(
        &poh,
        perms(Scope::Notities, Mode::Read),
        AccessDuration::Days(30),
    );
    let g_gp = w.grant(
        &gp,
        perms(Scope::Notities, Mode::Read),
        AccessDuration::Days(30),
    );
    w.add(&mut w.state.borrow_mut(), "voor het herstel")
        .unwrap();

    let mut fresh = w.fresh_device();
    w.add(&mut fresh, "na het herstel").unwrap(); // rebuild: fresh epoch, owner only
    w.owner(&mut fresh, |o, s| o.revoke(s, g_gp.grant.id).block_on())
        .unwrap(); // she revokes the one she does not recognise: another epoch
    w.owner(&mut fresh, |o, s| {
        o.confirm(s, &[g_poh.grant.id]).block_on()
    })
    .unwrap();
    let read = w.read(&poh);
    assert!(read.contains(&"voor het herstel".to_owned()), "{read:?}");
    assert!(
        read.contains(&"na het herstel".to_owned()),
        "the confirmed POH reads the note written while it waited: {read:?}"
    );
}

/// Log entries are applied to a copy that is kept only whole: a server that withholds a grant
/// (so the refresh fails and the shell saves the state anyway) cannot make the same appends be
/// recorded again at every command.
#[test]
fn a_withheld_grant_does_not_duplicate_the_recorded_appends() {
    let w = World::new();
    let coach = w.pro(Role::Welzijnscoach, "coach");
    let _gc = w.grant(
        &coach,
        perms(Scope::Intake, Mode::Append),
        AccessDuration::Days(30),
    );
    let mut phone = w.fresh_device();
    w.add(&mut phone, "op de telefoon").unwrap(); // rebuilt, knows the coach's grant
    let vault = w.annelies.public().vault_id();
    w.api(&coach, |api| {
        Professional::new(api, &coach)
            .append(
                vault,
                Scope::Intake,
                ItemKind::IntakeNote,
                b"intake".to_vec(),
            )
            .block_on()
    })
    .unwrap();
    let gp = w.pro(Role::Huisarts, "gp");
    let g_gp = w.grant(
        &gp,
        perms(Scope::Notities, Mode::Read),
        AccessDuration::Days(30),
    );
    w.t.hide_grant.set(Some(g_gp.grant.id));
    for _ in 0..3 {
        let err = w.add(&mut phone, "x").unwrap_err();
        assert_eq!(err.code(), "grant_withheld");
        phone = persisted(&phone); // the CLI saves on the error path
    }
    assert!(
        phone.consent.appended.len() <= 1,
        "one append recorded {} times",
        phone.consent.appended.len()
    );
}

fn item(author: &Identity, owner: &Identity, scope: Scope, created: i64) -> OpenedItem {
    let envelope = crypto::Envelope {
        id: crypto::ItemId::random(&mut OsRng),
        vault: owner.public().vault_id(),
        scope,
        kind: ItemKind::IntakeNote,
        author: author.public(),
        created,
        body: b"intake".to_vec(),
    };
    // The consent state judges authorship only: an attested item, however it was sealed.
    let attestation = crypto::batch::sign_batch(author, envelope.vault, &[envelope.digest()])
        .unwrap()
        .remove(0);
    OpenedItem {
        envelope,
        attestation,
        grant: None,
    }
}

/// An append entry's time is the server's word. After an owner-signed entry dated after a
/// grant's expiry, no append under that grant counts, whatever time the server wrote on it.
#[test]
fn an_expired_coachs_item_does_not_count_when_the_server_backdates_its_entry() {
    let owner = Identity::generate(&mut OsRng);
    let coach = Identity::generate(&mut OsRng);
    let server = Identity::generate(&mut OsRng);
    let request = SignedRequest::create(
        &coach,
        profile(Role::Welzijnscoach, "coach"),
        perms(Scope::Intake, Mode::Append),
        AccessDuration::Days(1),
        "https://rugzak.test".into(),
        T0,
        &mut OsRng,
    )
    .unwrap();
    let verified = request.verify(T0).unwrap();
    let g = SignedGrant::answer(
        &owner,
        &verified,
        GrantTerms::as_requested(&request.request),
        T0,
        &mut OsRng,
    )
    .unwrap();
    let mut state = ConsentState::new(server.public());
    state.add_grant(g.clone(), 1);
    // Seq 5: the owner's own entry (an export), two days later by her clock.
    let own = Event::by_inwoner(
        owner.public().party_id(),
        T0 + 2 * DAY,
        EventKind::Export,
        ActionCode::Execute,
        LogObject::Vault,
        None,
    );
    let mut own = SignedEntry::by_vault(&owner, None, own).unwrap();
    own.entry.seq = 5;
    // Seq 6: the coach's append, written after that, logged "just before the expiry".
    let late = item(&coach, &owner, Scope::Intake, T0 + 2 * DAY);
    let append = Event {
        time: T0 + DAY - 60,
        kind: EventKind::Append,
        action: ActionCode::Create,
        actor: Actor::Party {
            id: coach.public().party_id(),
            role: Role::Welzijnscoach,
        },
        on_behalf_of: None,
        object: LogObject::Item {
            scope: Scope::Intake,
            item: late.envelope.id,
        },
        outcome: Outcome::Success,
        grant: Some(g.grant.id),
        proof: None,
    };
    let mut append = SignedEntry::by_server(&server, &owner.public(), None, append).unwrap();
    append.entry.seq = 6;
    state.apply(&[own, append], &|_| None).unwrap();
    assert_eq!(
        state.authorship(&owner.public(), &state.appended_index(), &late),
        Authorship::Unentitled,
        "logged after her entry dated past the expiry"
    );
}

/// After an expiry, the new epoch is wrapped for nobody but the owner and grants still in force,
/// judged from the keys actually posted.
#[test]
fn an_expired_grantee_is_sent_no_key_of_the_new_epoch() {
    let w = World::new();
    let gp = w.pro(Role::Huisarts, "gp");
    let poh = w.pro(Role::PohGgz, "poh");
    let _g = w.grant(
        &gp,
        perms(Scope::Notities, Mode::Read),
        AccessDuration::Days(1),
    );
    let _p = w.grant(
        &poh,
        perms(Scope::Notities, Mode::Read),
        AccessDuration::Days(30),
    );
    w.add(&mut w.state.borrow_mut(), "binnen de termijn")
        .unwrap();
    w.t.inner.now.set(T0 + DAY + 1);
    w.add(&mut w.state.borrow_mut(), "na het verlopen").unwrap();
    let newest = w.state.borrow().consent.epochs[&Scope::Notities];
    assert!(newest >= 1);
    assert!(!w.epochs_for(&gp, Scope::Notities).contains(&newest));
    assert!(w.epochs_for(&poh, Scope::Notities).contains(&newest));
}

/// Confirming a revoked grant through the core API posts no key for it, judged from the keys
/// actually posted.
#[test]
fn confirming_a_revoked_grant_posts_no_key_for_it() {
    let w = World::new();
    let gp = w.pro(Role::Huisarts, "gp");
    let poh = w.pro(Role::PohGgz, "poh");
    let g1 = w.grant(
        &gp,
        perms(Scope::Notities, Mode::Read),
        AccessDuration::Days(30),
    );
    let g2 = w.grant(
        &poh,
        perms(Scope::Notities, Mode::Read),
        AccessDuration::Days(30),
    );
    w.owner(&mut w.state.borrow_mut(), |o, s| {
        o.revoke(s, g1.grant.id).block_on()
    })
    .unwrap();
    let before = w.epochs_for(&gp, Scope::Notities);
    let mut fresh = w.fresh_device();
    w.add(&mut fresh, "op het nieuwe apparaat").unwrap();
    w.owner(&mut fresh, |o, s| {
        o.confirm(s, &[g2.grant.id, g1.grant.id]).block_on()
    })
    .unwrap();
    assert_eq!(
        w.epochs_for(&gp, Scope::Notities),
        before,
        "no new key for the revoked GP"
    );
    assert!(w.read(&poh).contains(&"op het nieuwe apparaat".to_owned()));
}

/// A GP who may read `intake` is served the coach's appended intake notes, sealed to the
/// inwoner and the coach only: they are not the GP's to open, and not named as damaged.
/// The coach appends to intake while the inwoner is offline; the GP who reads intake opens
/// the note (sealed to the epoch's append key), sees who wrote it under which grant, and
/// nothing is called damaged.
#[test]
fn a_reading_gp_opens_the_coachs_note_without_the_inwoner() {
    let w = World::new();
    let coach = w.pro(Role::Welzijnscoach, "coach");
    let gp = w.pro(Role::Huisarts, "gp");
    let _gc = w.grant(
        &coach,
        perms(Scope::Intake, Mode::Append),
        AccessDuration::Days(30),
    );
    let _gg = w.grant(
        &gp,
        perms(Scope::Intake, Mode::Read),
        AccessDuration::Days(30),
    );
    let vault = w.annelies.public().vault_id();
    w.api(&coach, |api| {
        Professional::new(api, &coach)
            .append(
                vault,
                Scope::Intake,
                ItemKind::IntakeNote,
                b"intake".to_vec(),
            )
            .block_on()
    })
    .unwrap();
    let listing = w
        .api(&gp, |api| {
            Professional::new(api, &gp).listing(vault).block_on()
        })
        .unwrap();
    assert!(listing.apart.is_empty(), "{:?}", listing.apart);
    assert_eq!(listing.items.len(), 1, "the coach's note opens for the GP");
    let note = &listing.items[0];
    assert_eq!(note.envelope.body, b"intake");
    assert_eq!(note.envelope.author, coach.public());
    let grant = note
        .consent(&w.annelies.public())
        .expect("appended under a grant the vault signed");
    assert_eq!(grant.grant.grantee, coach.public());
}

/// `listing` fetches the items before the log: a coach's append that lands just before the
/// items are fetched (item and entry stored together) is in the log fetched afterwards, so it
/// is not called "written by someone without consent".
#[test]
fn an_append_just_before_the_listing_is_entitled() {
    let w = World::new();
    let coach_root = [7u8; 32];
    let coach = Identity::from_root(RootSecret::from_bytes(coach_root));
    w.api(&coach, |api| {
        api.enrol_party(Some(&profile(Role::Welzijnscoach, "coach")))
            .block_on()
    })
    .unwrap();
    let _gc = w.grant(
        &coach,
        perms(Scope::Intake, Mode::Append),
        AccessDuration::Days(30),
    );
    let vault = w.annelies.public().vault_id();
    *w.t.before_items.borrow_mut() = Some(Box::new(move |server: &FakeServer| {
        let coach = Identity::from_root(RootSecret::from_bytes(coach_root));
        let clock = || server.now.get();
        let api = Api::new(server, &coach, &clock);
        Professional::new(&api, &coach)
            .append(
                vault,
                Scope::Intake,
                ItemKind::IntakeNote,
                b"intake".to_vec(),
            )
            .block_on()
            .unwrap();
    }));
    let listing = w
        .owner(&mut w.state.borrow_mut(), |o, s| o.listing(s).block_on())
        .unwrap();
    assert!(listing.apart.is_empty(), "{:?}", listing.apart);
    assert!(listing
        .items
        .iter()
        .any(|i| i.envelope.body == b"intake" && i.envelope.author == coach.public()));
}
