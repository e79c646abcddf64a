use crypto::log::{ActionCode, Event, EventKind, LogObject, SignedEntry};
use crypto::{
    AccessDuration, GrantTerms, Identity, ItemKind, Permission, Permissions, Profile, Role,
    SignedRequest,
};
use rand_core::OsRng;

use super::*;

const T0: i64 = 1_772_355_600;
const DAY: i64 = 86_400;

fn grant(owner: &Identity, who: &Identity, scope: Scope, mode: Mode, days: u16) -> SignedGrant {
    let permissions = Permissions::new([Permission { scope, mode }]).expect("permissions");
    let request = SignedRequest::create(
        who,
        Profile {
            role: Role::Huisarts,
            name: "Dr. De Vries".into(),
            organisation: "Praktijk Centrum".into(),
        },
        permissions,
        AccessDuration::Days(days),
        "https://rugzak.test".into(),
        T0,
        &mut OsRng,
    )
    .expect("request");
    let verified = request.verify(T0).expect("verified");
    let terms = GrantTerms::as_requested(&request.request);
    SignedGrant::answer(owner, &verified, terms, T0, &mut OsRng).expect("grant")
}

fn entry(owner: &Identity, kind: EventKind, g: &SignedGrant, time: i64) -> SignedEntry {
    let event = Event::by_inwoner(
        owner.public().party_id(),
        time,
        kind,
        ActionCode::Create,
        LogObject::Permissions(g.grant.permissions.as_slice().to_vec()),
        Some(g.grant.id),
    );
    SignedEntry::by_vault(owner, None, event).expect("entry")
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
        .expect("attest")
        .remove(0);
    OpenedItem {
        envelope,
        attestation,
        grant: None,
    }
}

#[test]
fn a_grant_entry_whose_signed_grant_is_withheld_or_altered_is_refused() {
    let owner = Identity::generate(&mut OsRng);
    let gp = Identity::generate(&mut OsRng);
    let g = grant(&owner, &gp, Scope::Notities, Mode::Read, 30);
    let log = [entry(&owner, EventKind::Grant, &g, T0)];
    let mut state = ConsentState::new(owner.public());
    assert_eq!(
        state.apply(&log, &|_| None),
        Err(ApplyError::GrantWithheld(g.grant.id))
    );
    // Another grant of the same id with other permissions is not the one the log names.
    let other = grant(&owner, &gp, Scope::Vragenlijsten, Mode::Read, 30);
    let mut swapped = other.clone();
    swapped.grant.id = g.grant.id;
    assert_eq!(
        state.apply(&log, &|_| Some(swapped.clone())),
        Err(ApplyError::GrantWithheld(g.grant.id))
    );
    assert!(state.grants.is_empty());
    assert_eq!(state.apply(&log, &|_| Some(g.clone())), Ok(vec![]));
    assert_eq!(state.grants.len(), 1);
}

#[test]
fn a_revoke_entry_revokes_once_and_owes_the_read_scopes_a_fresh_epoch() {
    let owner = Identity::generate(&mut OsRng);
    let gp = Identity::generate(&mut OsRng);
    let g = grant(&owner, &gp, Scope::Notities, Mode::Read, 30);
    let mut state = ConsentState::new(owner.public());
    state.add_grant(g.clone(), 1);
    let revoke = [entry(&owner, EventKind::Revoke, &g, T0 + 5)];
    assert_eq!(state.apply(&revoke, &|_| None), Ok(vec![g.grant.id]));
    assert!(state.rotate.contains(&Scope::Notities));
    assert_eq!(
        state.grant(g.grant.id).and_then(|r| r.revoked),
        Some(T0 + 5)
    );
    assert_eq!(state.readers(Scope::Notities, T0 + 6).count(), 0);
    // Seen again (a replayed page): nothing new.
    state.rotate.clear();
    assert_eq!(state.apply(&revoke, &|_| None), Ok(vec![]));
    assert!(state.rotate.is_empty());
}

#[test]
fn an_expired_grant_ends_once() {
    let owner = Identity::generate(&mut OsRng);
    let gp = Identity::generate(&mut OsRng);
    let g = grant(&owner, &gp, Scope::Vragenlijsten, Mode::Read, 1);
    let mut state = ConsentState::new(owner.public());
    state.add_grant(g.clone(), 1);
    assert!(state.expire(T0 + DAY - 1, 9).is_empty());
    assert_eq!(state.readers(Scope::Vragenlijsten, T0 + 1).count(), 1);
    assert_eq!(state.expire(T0 + DAY, 9), vec![g.grant.id]);
    assert!(state.rotate.contains(&Scope::Vragenlijsten));
    assert!(state.expire(T0 + 2 * DAY, 9).is_empty(), "ends once");
}

/// A server-signed `append` entry at `seq` and server time `time` for `items`.
fn appended_entry(
    owner: &Identity,
    who: &Identity,
    g: &SignedGrant,
    items: &[&OpenedItem],
    seq: u64,
    time: i64,
) -> SignedEntry {
    let server = Identity::from_root(crypto::RootSecret::from_bytes([9; 32]));
    let object = match items {
        [one] => LogObject::Item {
            scope: one.envelope.scope,
            item: one.envelope.id,
        },
        many => LogObject::Items(
            many.iter()
                .map(|i| crypto::log::ItemRef {
                    scope: i.envelope.scope,
                    item: i.envelope.id,
                })
                .collect(),
        ),
    };
    let event = Event {
        time,
        kind: EventKind::Append,
        action: ActionCode::Create,
        actor: crypto::log::Actor::Party {
            id: who.public().party_id(),
            role: Role::Welzijnscoach,
        },
        on_behalf_of: None,
        object,
        outcome: crypto::log::Outcome::Success,
        grant: Some(g.grant.id),
        proof: None,
    };
    let mut signed = SignedEntry::by_server(&server, &owner.public(), None, event).expect("entry");
    // apply() takes entries already verified in their chain; only the position matters here.
    signed.entry.seq = seq;
    signed
}

#[test]
fn authorship_needs_a_logged_append_under_a_grant_for_that_scope_before_its_revoke() {
    let owner = Identity::generate(&mut OsRng);
    let coach = Identity::generate(&mut OsRng);
    let stranger = Identity::generate(&mut OsRng);
    let g = grant(&owner, &coach, Scope::Intake, Mode::Append, 30);
    let mut state = ConsentState::new(owner.public());
    state.add_grant(g.clone(), 1);
    let me = owner.public();
    let judge = |state: &ConsentState, item: &OpenedItem| {
        state.authorship(&me, &state.appended_index(), item)
    };

    let own = item(&owner, &owner, Scope::Notities, T0);
    assert_eq!(judge(&state, &own), Authorship::Owner, "no log needed");

    let intake = item(&coach, &owner, Scope::Intake, T0 + 10);
    assert_eq!(
        judge(&state, &intake),
        Authorship::Unentitled,
        "an append the log does not record"
    );
    let two = item(&coach, &owner, Scope::Intake, T0 + 11);
    let wrong_scope = item(&coach, &owner, Scope::Notities, T0 + 12);
    let by_stranger = item(&stranger, &owner, Scope::Intake, T0 + 13);
    let log = [
        appended_entry(&owner, &coach, &g, &[&intake, &two], 2, T0 + 10),
        appended_entry(&owner, &coach, &g, &[&wrong_scope], 3, T0 + 12),
        // The stranger's item logged as if by the coach: the actor does not match its author.
        appended_entry(&owner, &coach, &g, &[&by_stranger], 4, T0 + 13),
    ];
    assert_eq!(state.apply(&log, &|_| None), Ok(vec![]));
    assert_eq!(judge(&state, &intake), Authorship::Grantee(g.grant.id));
    assert_eq!(
        judge(&state, &two),
        Authorship::Grantee(g.grant.id),
        "several items, one entry"
    );
    assert_eq!(judge(&state, &wrong_scope), Authorship::Unentitled);
    assert_eq!(judge(&state, &by_stranger), Authorship::Unentitled);

    // Logged outside the grant's period (by the server's time), with a clock margin.
    let early = item(&coach, &owner, Scope::Intake, T0);
    let late = item(&coach, &owner, Scope::Intake, T0);
    let log = [
        appended_entry(&owner, &coach, &g, &[&early], 5, T0 - 200),
        appended_entry(&owner, &coach, &g, &[&late], 6, T0 + 31 * DAY),
    ];
    assert_eq!(state.apply(&log, &|_| None), Ok(vec![]));
    assert_eq!(
        judge(&state, &early),
        Authorship::Grantee(g.grant.id),
        "clocks differ a little"
    );
    assert_eq!(judge(&state, &late), Authorship::Unentitled);

    // After the revoke entry (seq 7): what was logged before still counts, what comes after
    // does not, whatever `created` time its author wrote into it.
    state.revoke(g.grant.id, T0 + 20, 7);
    let backdated = item(&coach, &owner, Scope::Intake, T0 + 15);
    let log = [appended_entry(
        &owner,
        &coach,
        &g,
        &[&backdated],
        8,
        T0 + 15,
    )];
    assert_eq!(state.apply(&log, &|_| None), Ok(vec![]));
    assert_eq!(judge(&state, &intake), Authorship::Grantee(g.grant.id));
    assert_eq!(judge(&state, &backdated), Authorship::Unentitled);
}
