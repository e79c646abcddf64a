//! The consent log on the server side: server-signed entries for what the server observed
//! (grantee reads and appends, refusals, share-link opens), checks of the owner-signed entries
//! that accompany grants, revocations, links and device changes, and stored-entry decoding.

use crypto::encoding::UnixTime;
use crypto::http_sig;
use crypto::log::{
    ActionCode, Actor, DenyReason, Event, EventKind, ItemRef, LogHead as ChainHead, LogObject,
    LogVerifier, Outcome, SignedEntry,
};
use crypto::{Identity, Mode, PublicKeys, Scope};

use crate::error::{AppError, GranteeRefusal};
use crate::store::{
    AccessEvent, Blob, EntrySigning, GrantDenied, LinkOutcome, LogEntryRecord, LogHead, Refusal,
    StoreError, StoreResult, PASSCODE_FAILURE_LIMIT,
};

/// Makes the server-signed entries of one request.
#[derive(Debug)]
pub struct EntryMaker<'a> {
    /// The server's signing identity.
    pub server: &'a Identity,
    /// The vault whose log it is.
    pub vault: &'a PublicKeys,
    /// The caller's signed request, kept as proof.
    pub proof: Option<&'a http_sig::SignedCall>,
    /// Now, by the server clock.
    pub now: UnixTime,
}

impl EntryMaker<'_> {
    /// The log entry for `event` at `head` (a [`crate::store::LogBuilder`]).
    pub fn build(&self, head: LogHead, event: AccessEvent<'_>) -> StoreResult<LogEntryRecord> {
        self.build_read(head, event, EntrySigning::Signed)
    }

    /// The log entry for `event` at `head`, signed or deferred (a
    /// [`crate::store::ReadLogBuilder`]).
    pub fn build_read(
        &self,
        head: LogHead,
        event: AccessEvent<'_>,
        signing: EntrySigning,
    ) -> StoreResult<LogEntryRecord> {
        let prev = chain_head(head);
        let event = self.event(event);
        let signed = match signing {
            EntrySigning::Signed => {
                SignedEntry::by_server(self.server, self.vault, prev.as_ref(), event)
            }
            EntrySigning::Deferred => {
                SignedEntry::deferred_by_server(self.vault, prev.as_ref(), event)
            }
        }
        .map_err(|_| StoreError::Internal("server log entry breaks a log rule"))?;
        record(&signed)
    }

    fn event(&self, event: AccessEvent<'_>) -> Event {
        let base = |kind, action, actor, object, outcome, grant, proof| Event {
            time: self.now,
            kind,
            action,
            actor,
            on_behalf_of: None,
            object,
            outcome,
            grant,
            proof,
        };
        let proof = self.proof.cloned();
        match event {
            AccessEvent::ItemsRead { grant, items } => base(
                EventKind::Access,
                ActionCode::Read,
                Actor::Party {
                    id: grant.grantee,
                    role: grant.grantee_role,
                },
                match items {
                    [one] => LogObject::Item {
                        scope: one.item.scope,
                        item: one.item.id,
                    },
                    _ => object_of_scopes(items.iter().map(|i| i.item.scope)),
                },
                Outcome::Success,
                Some(grant.id),
                proof,
            ),
            AccessEvent::KeysRead { grant, keys } => base(
                EventKind::Access,
                ActionCode::Read,
                Actor::Party {
                    id: grant.grantee,
                    role: grant.grantee_role,
                },
                object_of_scopes(keys.iter().map(|k| k.scope)),
                Outcome::Success,
                Some(grant.id),
                proof,
            ),
            AccessEvent::ItemsAppended { grant, items } => base(
                EventKind::Append,
                ActionCode::Create,
                Actor::Party {
                    id: grant.grantee,
                    role: grant.grantee_role,
                },
                match items {
                    [one] => LogObject::Item {
                        scope: one.item.scope,
                        item: one.item.id,
                    },
                    // One request, one entry: its proof accounts for every item it stored.
                    _ => LogObject::Items(
                        items
                            .iter()
                            .map(|i| ItemRef {
                                scope: i.item.scope,
                                item: i.item.id,
                            })
                            .collect(),
                    ),
                },
                Outcome::Success,
                Some(grant.id),
                proof,
            ),
            AccessEvent::Refused {
                grant,
                grantee,
                mode,
                reason,
            } => base(
                match mode {
                    Mode::Read => EventKind::Access,
                    Mode::Append => EventKind::Append,
                },
                match mode {
                    Mode::Read => ActionCode::Read,
                    Mode::Append => ActionCode::Create,
                },
                Actor::Party {
                    id: grantee,
                    role: grant.map_or(crypto::Role::Other, |g| g.grantee_role),
                },
                LogObject::Vault,
                Outcome::Denied(deny_reason(reason)),
                grant.map(|g| g.id),
                proof,
            ),
            AccessEvent::LinkAttempt { link, outcome } => base(
                EventKind::ShareLinkOpen,
                ActionCode::Read,
                Actor::LinkHolder,
                LogObject::Link(link.id),
                match outcome {
                    LinkOutcome::Opened => Outcome::Success,
                    LinkOutcome::WrongPasscode if link.failures >= PASSCODE_FAILURE_LIMIT => {
                        Outcome::Denied(DenyReason::LinkLocked)
                    }
                    LinkOutcome::WrongPasscode => Outcome::Denied(DenyReason::WrongPasscode),
                },
                None,
                None,
            ),
        }
    }
}

/// One scope if all are the same, else the vault as a whole.
fn object_of_scopes(mut scopes: impl Iterator<Item = Scope>) -> LogObject {
    let Some(first) = scopes.next() else {
        return LogObject::Vault;
    };
    if scopes.all(|s| s == first) {
        LogObject::Scope(first)
    } else {
        LogObject::Vault
    }
}

/// The log's reason code for a refusal.
const fn deny_reason(reason: Refusal) -> DenyReason {
    match reason {
        Refusal::NoGrant | Refusal::Grant(GrantDenied::Unknown) => DenyReason::NoGrant,
        Refusal::AppendOnly => DenyReason::ModeNotGranted,
        Refusal::Grant(GrantDenied::Revoked) => DenyReason::GrantRevoked,
        Refusal::Grant(GrantDenied::NotYetValid) => DenyReason::GrantNotYetValid,
        Refusal::Grant(GrantDenied::Expired) => DenyReason::GrantExpired,
        Refusal::Grant(GrantDenied::UsesExhausted) => DenyReason::MaxUsesReached,
        Refusal::Grant(GrantDenied::ScopeNotGranted) => DenyReason::ScopeNotGranted,
    }
}

/// The API error for a refusal.
#[must_use]
pub const fn refusal_error(reason: Refusal) -> AppError {
    AppError::Grantee(match reason {
        Refusal::NoGrant | Refusal::Grant(GrantDenied::Unknown) => GranteeRefusal::NoGrant,
        Refusal::AppendOnly => GranteeRefusal::AppendOnly,
        Refusal::Grant(GrantDenied::Revoked) => GranteeRefusal::Revoked,
        Refusal::Grant(GrantDenied::NotYetValid) => GranteeRefusal::NotYetValid,
        Refusal::Grant(GrantDenied::Expired) => GranteeRefusal::Expired,
        Refusal::Grant(GrantDenied::UsesExhausted) => GranteeRefusal::UsesExhausted,
        Refusal::Grant(GrantDenied::ScopeNotGranted) => GranteeRefusal::ScopeNotGranted,
    })
}

/// The store's head as the chain head the crypto API names (`None` for an empty log).
fn chain_head(head: LogHead) -> Option<ChainHead> {
    head.prev_hash.map(|hash| ChainHead {
        seq: head.next_seq.saturating_sub(1),
        hash,
    })
}

/// A signed entry as stored.
pub fn record(signed: &SignedEntry) -> StoreResult<LogEntryRecord> {
    Ok(LogEntryRecord {
        seq: signed.entry.seq,
        hash: signed.hash(),
        entry: Blob(
            postcard::to_allocvec(signed)
                .map_err(|_| StoreError::Internal("log entry does not encode"))?,
        ),
    })
}

/// A stored entry decoded.
pub fn decode(record: &LogEntryRecord) -> Result<SignedEntry, StoreError> {
    postcard::from_bytes(&record.entry.0).map_err(|_| StoreError::Corrupt { tree: "log" })
}

/// Checks an owner-signed entry: vault signature, log rules, the expected kind, and that it
/// sits at `head` (else `log_head_moved`). Returns the record to store.
pub fn check_owner_entry(
    entry: &SignedEntry,
    vault: &PublicKeys,
    server: &PublicKeys,
    head: LogHead,
    kinds: &[EventKind],
) -> Result<LogEntryRecord, AppError> {
    if !kinds.contains(&entry.entry.event.kind) || entry.entry.signer != crypto::log::Signer::Vault
    {
        return Err(AppError::InvalidLogEntry);
    }
    if entry.entry.seq != head.next_seq {
        return Err(AppError::LogHeadMoved);
    }
    let verifier = LogVerifier::new(*vault, *server, |_| None);
    verifier
        .verify(chain_head(head).as_ref(), std::slice::from_ref(entry))
        .map_err(|_| AppError::InvalidLogEntry)?;
    record(entry).map_err(AppError::from)
}
