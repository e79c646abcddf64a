//! The consent state the inwoner's device holds, so that the server's word is never what
//! decides who gets a key: the grants this vault signed and their revocations, the newest
//! epoch of every scope, the scopes that still owe a fresh epoch, and the pinned log key of
//! the server. The log head stays in [`crate::keystore::State::log_head`].
//!
//! The state is a plain value (serialised into the keystore by the CLI, into IndexedDB by
//! the web app). It is rebuilt from the root secret plus the verified consent log: every
//! grant and every revoke is an owner-signed log entry, and the signed grants themselves are
//! signed by the vault key, so a server can withhold them (which is detected) but cannot
//! forge them. Sans-IO: nothing here talks to the network or the disk.

use std::collections::{BTreeMap, BTreeSet};

use crypto::encoding::UnixTime;
use crypto::log::{Actor, EventKind, LogObject, Outcome, SignedEntry, Signer};
use crypto::{Expiry, GrantId, ItemId, Mode, OpenedItem, PartyId, PublicKeys, Scope, SignedGrant};
use serde::{Deserialize, Serialize};

/// The layout of [`ConsentState`]; a state of another version is rebuilt from the log.
pub const CONSENT_VERSION: u32 = 2;

/// How far a signed request's time may be from the server's (`spec/parts/http-sig.md`).
const CLOCK_SKEW_SECONDS: i64 = 300;

/// One grant this vault signed, as the device knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantRecord {
    /// The grant, signed by the vault key.
    pub grant: SignedGrant,
    /// When it was revoked (the owner-signed `revoke` entry's time), if it was.
    pub revoked: Option<UnixTime>,
    /// The log position of that `revoke` entry: appends logged after it do not count.
    #[serde(default)]
    pub revoked_seq: Option<u64>,
    /// The log position of its `grant` entry: appends logged before it do not count.
    #[serde(default)]
    pub granted_seq: Option<u64>,
    /// The log position from which this device knew the grant had expired: appends logged
    /// from there on do not count, whatever time the server wrote on them.
    #[serde(default)]
    pub ended_seq: Option<u64>,
    /// Whether the end of this grant (revoke or expiry) was already turned into a rotation.
    pub ended: bool,
}

impl GrantRecord {
    /// Whether the grant is in force at `now`: signed, not revoked, within its period.
    #[must_use]
    pub fn is_active(&self, now: UnixTime) -> bool {
        self.revoked.is_none() && self.grant.grant.is_active(now)
    }

    /// Whether the grant allowed an append on `scope` logged at `seq` and server time `time`:
    /// before its `revoke` entry in the chain, within its period (with the clock margin the
    /// server allows requests: its clock and the inwoner's may differ that much).
    #[must_use]
    pub fn allowed_append(&self, scope: Scope, seq: u64, time: UnixTime) -> bool {
        let grant = &self.grant.grant;
        let time = if time < grant.not_before
            && time.saturating_add(CLOCK_SKEW_SECONDS) >= grant.not_before
        {
            grant.not_before
        } else {
            time
        };
        self.granted_seq.is_none_or(|at| seq > at)
            && self.revoked_seq.is_none_or(|at| seq < at)
            && self.ended_seq.is_none_or(|at| seq < at)
            && grant.permits(scope, Mode::Append, time)
    }

    /// The scopes it may read.
    #[must_use]
    pub fn read_scopes(&self) -> BTreeSet<Scope> {
        read_scopes(&self.grant.grant)
    }
}

/// What the inwoner's device knows about its vault's consent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentState {
    /// Whether this state is complete: made at `init`, or rebuilt from the verified log.
    /// A keystore without it (an older one, or after `recover`) is rebuilt first.
    pub built: bool,
    /// The layout version ([`CONSENT_VERSION`]); another one is rebuilt.
    #[serde(default)]
    pub version: u32,
    /// The server's log-signing key, pinned at `init` (or at the rebuild); a different key
    /// later is refused loudly.
    pub server_log_key: Option<PublicKeys>,
    /// Every grant this vault signed, in the order they were made.
    pub grants: Vec<GrantRecord>,
    /// The newest epoch of every scope's key (the server must show at least this one).
    pub epochs: BTreeMap<Scope, u32>,
    /// Scopes owed a fresh epoch (after a revoke, an expiry or a rebuild) before anything
    /// else is sealed or wrapped.
    pub rotate: BTreeSet<Scope>,
    /// Grants this device revoked whose rotation is not stored yet (the revoke is finished
    /// once it is).
    #[serde(default)]
    pub pending_revokes: BTreeSet<GrantId>,
    /// Grants the inwoner decided to revoke, recorded (and stored by the shell) before the
    /// revocation is sent: from then on they get no key, and a revocation the server never
    /// took, or hides, is sent again.
    #[serde(default)]
    pub revoking: BTreeSet<GrantId>,
    /// Grants learned in a rebuild that the inwoner has not confirmed yet: the log as one
    /// server shows it may lack a later revoke, so they get no new key until she confirms.
    #[serde(default)]
    pub unconfirmed: BTreeSet<GrantId>,
    /// The epoch of every scope right after a rebuild: a grant confirmed later gets every
    /// epoch from there on, so it misses nothing written while it waited.
    #[serde(default)]
    pub confirm_from: BTreeMap<Scope, u32>,
    /// Items appended by grantees, as the verified log records them (server-signed `append`
    /// entries): the only proof of when an item was stored that its author cannot backdate.
    #[serde(default)]
    pub appended: Vec<Appended>,
}

/// One appended item as the consent log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appended {
    /// The item.
    pub item: ItemId,
    /// Its scope.
    pub scope: Scope,
    /// Who appended it.
    pub actor: PartyId,
    /// Under which grant.
    pub grant: GrantId,
    /// The entry's position in the log.
    pub seq: u64,
    /// The entry's (server) time.
    pub time: UnixTime,
}

/// An owner-signed log entry the state did not expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    /// A `grant` entry names a grant the server does not show (or shows altered).
    #[error("the log names grant {0} but the server does not give its signed grant")]
    GrantWithheld(GrantId),
}

impl ConsentState {
    /// A new vault's state: every scope at epoch 0, the server's key pinned.
    #[must_use]
    pub fn new(server_log_key: PublicKeys) -> Self {
        Self {
            built: true,
            version: CONSENT_VERSION,
            server_log_key: Some(server_log_key),
            grants: Vec::new(),
            epochs: Scope::ALL.iter().map(|s| (*s, 0)).collect(),
            rotate: BTreeSet::new(),
            pending_revokes: BTreeSet::new(),
            revoking: BTreeSet::new(),
            unconfirmed: BTreeSet::new(),
            confirm_from: BTreeMap::new(),
            appended: Vec::new(),
        }
    }

    /// The record of `grant`.
    #[must_use]
    pub fn grant(&self, grant: GrantId) -> Option<&GrantRecord> {
        self.grants.iter().find(|g| g.grant.grant.id == grant)
    }

    fn grant_mut(&mut self, grant: GrantId) -> Option<&mut GrantRecord> {
        self.grants.iter_mut().find(|g| g.grant.grant.id == grant)
    }

    /// Adds a grant this device just signed and the server accepted (its `grant` entry at
    /// log position `seq`).
    pub fn add_grant(&mut self, grant: SignedGrant, seq: u64) {
        if let Some(known) = self.grant_mut(grant.grant.id) {
            known.granted_seq.get_or_insert(seq);
        } else {
            self.grants.push(GrantRecord {
                grant,
                revoked: None,
                revoked_seq: None,
                granted_seq: Some(seq),
                ended_seq: None,
                ended: false,
            });
        }
    }

    /// Marks `grant` revoked at `at` by the log entry at `seq`, and owes its read scopes a
    /// fresh epoch. Returns whether it was revoked before.
    pub fn revoke(&mut self, grant: GrantId, at: UnixTime, seq: u64) -> bool {
        let Some(record) = self.grant_mut(grant) else {
            return false;
        };
        if record.revoked.is_some() {
            return true;
        }
        record.revoked = Some(at);
        record.revoked_seq = Some(seq);
        self.unconfirmed.remove(&grant);
        self.revoking.remove(&grant);
        self.end(grant);
        false
    }

    /// Grants a rebuild learned from the log that are neither revoked nor ended (in force now,
    /// or starting soon): the inwoner confirms them before they get new keys.
    pub fn hold_for_confirmation(&mut self) {
        let open: Vec<GrantId> = self
            .grants
            .iter()
            .filter(|g| g.revoked.is_none() && !g.ended)
            .map(|g| g.grant.grant.id)
            .collect();
        self.unconfirmed.extend(open);
    }

    /// Turns the end of `grant` into owed rotations, once.
    fn end(&mut self, grant: GrantId) {
        if let Some(record) = self.grant_mut(grant) {
            if !record.ended {
                record.ended = true;
                let scopes = record.read_scopes();
                self.rotate.extend(scopes);
            }
        }
    }

    /// Grants whose period ended by `now` without a revoke: their read scopes owe a fresh
    /// epoch too, so an expired grantee cannot open what is written next. Returns them.
    pub fn expire(&mut self, now: UnixTime, next_seq: u64) -> Vec<GrantId> {
        let ended: Vec<GrantId> = self
            .grants
            .iter()
            .filter(|g| !g.ended && g.revoked.is_none())
            .filter(|g| matches!(g.grant.grant.expiry, Expiry::At(end) if now >= end))
            .map(|g| g.grant.grant.id)
            .collect();
        for id in &ended {
            if let Some(record) = self.grant_mut(*id) {
                record.ended_seq = Some(next_seq);
            }
            self.end(*id);
        }
        ended
    }

    /// Applies verified log entries (in order): owner-signed `grant` entries add the grant
    /// (taken from `signed_grants`, which must hold it, signed by this vault, with the same
    /// permissions), owner-signed `revoke` entries naming a grant revoke it. Everything else
    /// (server-signed entries, links, exports) leaves the state alone. Returns the grants
    /// that these entries revoked.
    pub fn apply(
        &mut self,
        entries: &[SignedEntry],
        signed_grants: &dyn Fn(GrantId) -> Option<SignedGrant>,
    ) -> Result<Vec<GrantId>, ApplyError> {
        let mut revoked = Vec::new();
        for signed in entries {
            let entry = &signed.entry;
            let event = &entry.event;
            if event.outcome != Outcome::Success {
                continue;
            }
            if entry.signer == Signer::Server {
                self.note_append(signed);
                continue;
            }
            // Her own signed time is a bound the server cannot move: a grant that had ended by
            // then counts no append logged after this entry.
            self.bound_expiries(entry.seq, event.time);
            let (Some(id), LogObject::Permissions(permissions)) = (event.grant, &event.object)
            else {
                continue;
            };
            match event.kind {
                EventKind::Grant => {
                    if let Some(known) = self.grant_mut(id) {
                        known.granted_seq.get_or_insert(entry.seq);
                        continue;
                    }
                    let grant = signed_grants(id)
                        .filter(|g| g.grant.permissions.as_slice() == permissions.as_slice())
                        .ok_or(ApplyError::GrantWithheld(id))?;
                    self.add_grant(grant, entry.seq);
                }
                EventKind::Revoke
                    if self.grant(id).is_some() && !self.revoke(id, event.time, entry.seq) =>
                {
                    revoked.push(id);
                }
                _ => {}
            }
        }
        Ok(revoked)
    }

    /// Grants whose period ended by `time` (an owner-signed entry's time, at `seq`) count no
    /// append logged after `seq`.
    fn bound_expiries(&mut self, seq: u64, time: UnixTime) {
        for g in &mut self.grants {
            if matches!(g.grant.grant.expiry, Expiry::At(end) if end <= time)
                && g.ended_seq.is_none()
            {
                g.ended_seq = Some(seq);
            }
        }
    }

    /// Records the items of a server-signed, successful `append` entry.
    fn note_append(&mut self, signed: &SignedEntry) {
        let entry = &signed.entry;
        let event = &entry.event;
        let (EventKind::Append, Actor::Party { id: actor, .. }, Some(grant)) =
            (event.kind, event.actor, event.grant)
        else {
            return;
        };
        let items: Vec<(Scope, ItemId)> = match &event.object {
            LogObject::Item { scope, item } => vec![(*scope, *item)],
            LogObject::Items(list) => list.iter().map(|i| (i.scope, i.item)).collect(),
            _ => return,
        };
        for (scope, item) in items {
            self.appended.push(Appended {
                item,
                scope,
                actor,
                grant,
                seq: entry.seq,
                time: event.time,
            });
        }
    }

    /// Grants that read `scope`, are in force at `now` and confirmed: the only parties a key
    /// of that scope is ever wrapped for (besides the owner).
    pub fn readers(&self, scope: Scope, now: UnixTime) -> impl Iterator<Item = &GrantRecord> {
        self.grants.iter().filter(move |g| {
            g.is_active(now)
                && !self.unconfirmed.contains(&g.grant.grant.id)
                && !self.revoking.contains(&g.grant.grant.id)
                && g.read_scopes().contains(&scope)
        })
    }

    /// The appended items by id, for judging a whole listing at once.
    #[must_use]
    pub fn appended_index(&self) -> BTreeMap<ItemId, &Appended> {
        self.appended.iter().map(|a| (a.item, a)).collect()
    }

    /// Whether an opened item's author was entitled to write it: the owner (`owner`), or a
    /// party whose `append` of this very item the verified log records (`appended`, from
    /// [`Self::appended_index`]) under a grant that allowed it there: before the grant's
    /// revoke entry, within its period. The item's own `created` time is its author's word
    /// and is not trusted for this.
    #[must_use]
    pub fn authorship(
        &self,
        owner: &PublicKeys,
        appended: &BTreeMap<ItemId, &Appended>,
        item: &OpenedItem,
    ) -> Authorship {
        let envelope = &item.envelope;
        if envelope.author == *owner {
            return Authorship::Owner;
        }
        let Some(logged) = appended.get(&envelope.id) else {
            return Authorship::Unentitled;
        };
        let held = self.grant(logged.grant).filter(|g| {
            logged.actor == envelope.author.party_id()
                && logged.scope == envelope.scope
                && g.grant.grant.grantee == envelope.author
                && g.allowed_append(envelope.scope, logged.seq, logged.time)
        });
        match held {
            Some(g) => Authorship::Grantee(g.grant.grant.id),
            None => Authorship::Unentitled,
        }
    }
}

/// Something a command did on the way that the person should hear about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The consent state was rebuilt from the verified log (after `recover`, or from an
    /// older keystore).
    Rebuilt,
    /// A revoke made earlier (interrupted before its new keys were stored, or found in the
    /// log) is finished now: its new keys are stored.
    RevokeFinished(GrantId),
    /// A revoke made elsewhere (another device) was found in the log; its keys are renewed.
    RevokeSeen(GrantId),
    /// A grant's period ended; its read scopes get a fresh key.
    Expired(GrantId),
    /// These scopes got a fresh key (after a revoke, an expiry, a rebuild or a from-now grant).
    Rotated(Vec<Scope>),
}

/// Who wrote an item, judged against consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authorship {
    /// The inwoner.
    Owner,
    /// A professional under this append grant.
    Grantee(GrantId),
    /// Someone without an append grant for that scope at that time.
    Unentitled,
}

/// Scopes `grant` may read.
#[must_use]
pub fn read_scopes(grant: &crypto::Grant) -> BTreeSet<Scope> {
    grant
        .permissions
        .as_slice()
        .iter()
        .filter(|p| p.mode == Mode::Read)
        .map(|p| p.scope)
        .collect()
}

#[cfg(test)]
mod tests;
