//! The consent log: per vault, an append-only, hash-chained list of signed entries recording
//! every grant, revocation, access, append and share-link use, with the NEN 7513 fields
//! (event, action code, time, actor and role, on-behalf-of, client, object, outcome, consent).
//!
//! Entry `n` names the hash of entry `n - 1` (`prev`); entry 0 names 32 zero bytes. Entries
//! expressing the inwoner's consent are signed by the vault key; entries recording what the
//! server observed (an access, an append, a share-link open) are signed by the server key, and an
//! access can carry the grantee's own signed request as proof.
//!
//! A client keeps the last [`LogHead`] it accepted. [`LogVerifier::verify`] checks the entries
//! the server returns against it, so the server can neither rewrite history it has shown (a
//! **fork**) nor present an older state (a **rollback**). The byte format is in
//! `spec/parts/log.md`.

pub mod fhir;
mod rules;
mod verify;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use self::rules::RuleViolation;
pub use self::verify::{HeadError, LogVerifier, VerifyLogError};
use crate::encoding::{digest, UnixTime};
use crate::http_sig::SignedCall;
use crate::identity::{Identity, Role, Signature};
use crate::ids::{Digest, GrantId, ItemId, LinkId, PartyId, VaultId};
use crate::scope::{Permission, Scope};

/// Domain tag of the signature over a [`LogEntry`].
pub const DOMAIN_ENTRY: &str = "rugzak/v1/log-entry";
/// Domain tag of the hash over a [`SignedEntry`] (what the next entry's `prev` names).
pub const DOMAIN_ENTRY_HASH: &str = "rugzak/v1/log-entry-hash";
/// The `prev` of entry 0.
pub const GENESIS_PREV: Digest = Digest::from_bytes([0; 32]);
/// The signature of a **deferred** server entry: all zeros, which no key can produce and
/// `verify_strict` never accepts (its `R` is a point of small order). A deferred entry is
/// covered by the next server-signed entry of the chain, whose signature commits to it through
/// `prev`; the server signs once per vault per write instead of once per entry.
pub const DEFERRED_SIGNATURE: Signature = Signature([0; 64]);

/// What happened. Postcard encodes the variant index, so new kinds are only ever appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// The inwoner granted access (vault-signed).
    Grant,
    /// The inwoner revoked a grant or a share link (vault-signed).
    Revoke,
    /// The inwoner created a share link (vault-signed).
    ShareLinkCreate,
    /// A device key was added to or removed from the inwoner's account (either signer).
    DeviceChange,
    /// The rugzakje or its log was exported (either signer).
    Export,
    /// A grantee fetched items or keys, or was refused (server-signed).
    Access,
    /// A grantee stored an item on an append scope, or was refused (server-signed).
    Append,
    /// A share link was opened, or an attempt was refused (server-signed).
    ShareLinkOpen,
}

impl EventKind {
    /// Who must sign entries of this kind; `None` when both may (a device enrolled by the
    /// vault's own signature or by a passkey session on the server; an export by the client or
    /// the server).
    #[must_use]
    pub const fn required_signer(self) -> Option<Signer> {
        match self {
            Self::Grant | Self::Revoke | Self::ShareLinkCreate => Some(Signer::Vault),
            Self::Access | Self::Append | Self::ShareLinkOpen => Some(Signer::Server),
            Self::DeviceChange | Self::Export => None,
        }
    }

    /// Stable text form.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Grant => "grant",
            Self::Revoke => "revoke",
            Self::ShareLinkCreate => "share-link-create",
            Self::DeviceChange => "device-change",
            Self::Export => "export",
            Self::Access => "access",
            Self::Append => "append",
            Self::ShareLinkOpen => "share-link-open",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// NEN 7513 `EventActionCode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ActionCode {
    /// Create.
    #[serde(rename = "C")]
    Create,
    /// Read.
    #[serde(rename = "R")]
    Read,
    /// Update.
    #[serde(rename = "U")]
    Update,
    /// Delete.
    #[serde(rename = "D")]
    Delete,
    /// Execute.
    #[serde(rename = "E")]
    Execute,
}

impl ActionCode {
    /// The NEN 7513 letter.
    #[must_use]
    pub const fn letter(self) -> char {
        match self {
            Self::Create => 'C',
            Self::Read => 'R',
            Self::Update => 'U',
            Self::Delete => 'D',
            Self::Execute => 'E',
        }
    }
}

/// Who acted (NEN 7513 `UserID` and `RoleIDCode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Actor {
    /// A known party with its role.
    Party {
        /// The party's id.
        id: PartyId,
        /// Its role in the journey.
        role: Role,
    },
    /// Whoever holds a share link (no account; the link is the entry's object).
    LinkHolder,
}

/// What the event concerned (NEN 7513 participant object, besides the client = the vault).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogObject {
    /// The vault as a whole.
    Vault,
    /// The permissions of a grant.
    Permissions(Vec<Permission>),
    /// All items of one scope (a listing, or scope keys).
    Scope(Scope),
    /// One item.
    Item {
        /// The item's scope.
        scope: Scope,
        /// The item.
        item: ItemId,
    },
    /// A share link.
    Link(LinkId),
    /// A device key.
    Device(PartyId),
    /// Several items stored by one request (a grantee's append of more than one item), in
    /// the order stored. One request is one event: its proof accounts for all of them.
    Items(Vec<ItemRef>),
}

/// One item named in [`LogObject::Items`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ItemRef {
    /// The item's scope.
    pub scope: Scope,
    /// The item.
    pub item: ItemId,
}

/// Why an attempt was refused. A stable code; postcard encodes the variant index, so new
/// reasons are only ever appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DenyReason {
    /// The request carried no valid signature.
    NotAuthenticated,
    /// The request's nonce was already used.
    Replayed,
    /// No grant covers the caller.
    NoGrant,
    /// The grant's not-before lies in the future.
    GrantNotYetValid,
    /// The grant expired.
    GrantExpired,
    /// The grant was revoked.
    GrantRevoked,
    /// The grant does not include the scope.
    ScopeNotGranted,
    /// The grant includes the scope with another mode (an append grantee trying to read).
    ModeNotGranted,
    /// The grant's maximum number of uses was reached.
    MaxUsesReached,
    /// The share link expired.
    LinkExpired,
    /// The share link was revoked.
    LinkRevoked,
    /// The share link's maximum number of uses was reached.
    LinkUsedUp,
    /// The passcode was wrong.
    WrongPasscode,
    /// The share link was disabled after too many wrong passcodes.
    LinkLocked,
}

impl DenyReason {
    /// Stable code, as in the JSON form.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::NotAuthenticated => "not-authenticated",
            Self::Replayed => "replayed",
            Self::NoGrant => "no-grant",
            Self::GrantNotYetValid => "grant-not-yet-valid",
            Self::GrantExpired => "grant-expired",
            Self::GrantRevoked => "grant-revoked",
            Self::ScopeNotGranted => "scope-not-granted",
            Self::ModeNotGranted => "mode-not-granted",
            Self::MaxUsesReached => "max-uses-reached",
            Self::LinkExpired => "link-expired",
            Self::LinkRevoked => "link-revoked",
            Self::LinkUsedUp => "link-used-up",
            Self::WrongPasscode => "wrong-passcode",
            Self::LinkLocked => "link-locked",
        }
    }
}

impl fmt::Display for DenyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// NEN 7513 `EventOutcomeIndicator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The action took place.
    Success,
    /// The action was refused.
    Denied(DenyReason),
}

/// Whose key signs an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Signer {
    /// The inwoner's vault key.
    Vault,
    /// The server's key.
    Server,
}

/// The NEN 7513 content of an entry: what happened, when, by whom, to what, with what result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// When it happened (Unix seconds, UTC).
    pub time: UnixTime,
    /// What happened.
    pub kind: EventKind,
    /// NEN 7513 action code.
    pub action: ActionCode,
    /// Who acted.
    pub actor: Actor,
    /// The responsible party the actor acted for, if not the actor itself.
    pub on_behalf_of: Option<PartyId>,
    /// What it concerned.
    pub object: LogObject,
    /// Whether it happened or was refused.
    pub outcome: Outcome,
    /// The grant (consent) it happened under, if any.
    pub grant: Option<GrantId>,
    /// The actor's own signed request that caused it (server-signed entries only).
    pub proof: Option<SignedCall>,
}

impl Event {
    /// A successful event the inwoner (party `inwoner`) records about their own vault, as
    /// the vault key signs it: no one else acted, no proof is needed.
    #[must_use]
    pub const fn by_inwoner(
        inwoner: PartyId,
        time: UnixTime,
        kind: EventKind,
        action: ActionCode,
        object: LogObject,
        grant: Option<GrantId>,
    ) -> Self {
        Self {
            time,
            kind,
            action,
            actor: Actor::Party {
                id: inwoner,
                role: Role::Inwoner,
            },
            on_behalf_of: None,
            object,
            outcome: Outcome::Success,
            grant,
            proof: None,
        }
    }
}

/// An event at its place in a vault's chain, as signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// The vault (NEN 7513 client) whose log this is.
    pub vault: VaultId,
    /// Position in the chain, from 0.
    pub seq: u64,
    /// Hash of entry `seq - 1`, or [`GENESIS_PREV`] for entry 0.
    pub prev: Digest,
    /// Whose key signs this entry.
    pub signer: Signer,
    /// What happened.
    pub event: Event,
}

/// A log entry with its signature; the unit stored, sent and hashed into the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedEntry {
    /// The signed content.
    pub entry: LogEntry,
    /// Signature by the vault or server key (per `entry.signer`) over
    /// `canonical(DOMAIN_ENTRY, entry)`, or [`DEFERRED_SIGNATURE`] on a server entry that a
    /// later server-signed entry covers.
    pub signature: Signature,
}

/// The latest entry of a chain as a client remembers it: its sequence number and hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LogHead {
    /// Sequence number of the entry.
    pub seq: u64,
    /// Its hash.
    pub hash: Digest,
}

/// An entry could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CreateEntryError {
    /// The event breaks a rule that verification would reject it for.
    #[error("log entry not allowed: {0}")]
    Rule(#[from] RuleViolation),
    /// The previous head is the last possible sequence number.
    #[error("consent log is full (sequence number overflow)")]
    SeqOverflow,
}

impl SignedEntry {
    /// The inwoner appends `event` after `prev` (the current head, `None` for the first entry),
    /// signing with the vault key.
    pub fn by_vault(
        vault: &Identity,
        prev: Option<&LogHead>,
        event: Event,
    ) -> Result<Self, CreateEntryError> {
        let keys = vault.public();
        Self::create(
            Some(vault),
            Signer::Vault,
            keys.vault_id(),
            keys.party_id(),
            prev,
            event,
        )
    }

    /// The server appends `event` to the log of the vault with keys `vault`, after `prev`,
    /// signing with the server key.
    pub fn by_server(
        server: &Identity,
        vault: &crate::identity::PublicKeys,
        prev: Option<&LogHead>,
        event: Event,
    ) -> Result<Self, CreateEntryError> {
        Self::create(
            Some(server),
            Signer::Server,
            vault.vault_id(),
            vault.party_id(),
            prev,
            event,
        )
    }

    /// Like [`Self::by_server`], but deferred: the entry carries [`DEFERRED_SIGNATURE`] and
    /// must be followed, in the same write, by a server-signed entry of the same vault, which
    /// covers it (a verifier refuses a chain where it is not).
    pub fn deferred_by_server(
        vault: &crate::identity::PublicKeys,
        prev: Option<&LogHead>,
        event: Event,
    ) -> Result<Self, CreateEntryError> {
        Self::create(
            None,
            Signer::Server,
            vault.vault_id(),
            vault.party_id(),
            prev,
            event,
        )
    }

    /// `key` signs the entry; `None` defers a server entry's signature.
    fn create(
        key: Option<&Identity>,
        signer: Signer,
        vault: VaultId,
        vault_party: PartyId,
        prev: Option<&LogHead>,
        event: Event,
    ) -> Result<Self, CreateEntryError> {
        let (seq, prev) = match prev {
            None => (0, GENESIS_PREV),
            Some(head) => (
                head.seq
                    .checked_add(1)
                    .ok_or(CreateEntryError::SeqOverflow)?,
                head.hash,
            ),
        };
        let entry = LogEntry {
            vault,
            seq,
            prev,
            signer,
            event,
        };
        rules::check(&entry, vault_party)?;
        let signature = key.map_or(DEFERRED_SIGNATURE, |key| key.sign(DOMAIN_ENTRY, &entry));
        Ok(Self { entry, signature })
    }

    /// Whether this is a deferred server entry, covered by a later server-signed one.
    #[must_use]
    pub fn is_deferred(&self) -> bool {
        self.entry.signer == Signer::Server && self.signature == DEFERRED_SIGNATURE
    }

    /// The entry's hash: SHA-256 of `canonical(DOMAIN_ENTRY_HASH, self)`.
    #[must_use]
    pub fn hash(&self) -> Digest {
        digest(DOMAIN_ENTRY_HASH, self)
    }

    /// This entry as a chain head.
    #[must_use]
    pub fn head(&self) -> LogHead {
        LogHead {
            seq: self.entry.seq,
            hash: self.hash(),
        }
    }
}

#[cfg(test)]
mod tests;
