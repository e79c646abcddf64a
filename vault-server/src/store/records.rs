//! Typed records kept by a [`Store`](super::Store).
//!
//! Where the signed protocol formats live in `crypto` (grants, revocations, log entries,
//! access requests, share links), a record keeps the signed bytes as an opaque [`Blob`] next to
//! the few fields the server must index or enforce. The handler that stores a record has
//! verified the blob and extracted those fields from it.

use std::fmt;

use crypto::encoding::UnixTime;
use crypto::{
    Digest, GrantId, ItemId, LinkId, Mode, Nonce, PartyId, Permission, Profile, PublicKeys, Role,
    Scope, Sealing, VaultId,
};
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::Passkey;

use crate::ids::AccountId;

/// Opaque bytes: ciphertext, a signed protocol structure or a wrapped key. Never printed.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Blob(#[serde(with = "crypto::encoding::bytes")] pub Vec<u8>);

impl fmt::Debug for Blob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Blob({} bytes)", self.0.len())
    }
}

/// A set of scopes, as a bit set in [`Scope::ALL`] order.
#[derive(Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ScopeSet(u8);

impl ScopeSet {
    /// No scope.
    pub const EMPTY: Self = Self(0);
    /// Every scope.
    pub const ALL: Self = Self((1 << Scope::ALL.len()) - 1);

    const fn bit(scope: Scope) -> u8 {
        1 << scope as u8
    }

    /// Whether `scope` is in the set.
    #[must_use]
    pub const fn contains(self, scope: Scope) -> bool {
        self.0 & Self::bit(scope) != 0
    }

    /// The set with `scope` added.
    #[must_use]
    pub const fn with(self, scope: Scope) -> Self {
        Self(self.0 | Self::bit(scope))
    }

    /// Scopes in both sets.
    #[must_use]
    pub const fn intersect(self, other: Self) -> Self {
        Self(self.0 & other.0)
    }

    /// Whether the set holds no scope.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl FromIterator<Scope> for ScopeSet {
    fn from_iter<I: IntoIterator<Item = Scope>>(iter: I) -> Self {
        iter.into_iter().fold(Self::EMPTY, Self::with)
    }
}

impl fmt::Debug for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(Scope::ALL.into_iter().filter(|s| self.contains(*s)))
            .finish()
    }
}

/// A person's account: a handle for passkeys and enrolled device keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRecord {
    /// Random id, also the WebAuthn user handle.
    pub id: AccountId,
    /// When the account was created.
    pub created_at: UnixTime,
}

/// A passkey registered to an account.
#[derive(Clone, Serialize, Deserialize)]
pub struct PasskeyRecord {
    /// The account it logs in to.
    pub account: AccountId,
    /// The WebAuthn credential id (unique across all accounts).
    #[serde(with = "crypto::encoding::bytes")]
    pub credential_id: Vec<u8>,
    /// The credential with its public key and signature counter.
    #[serde(with = "passkey_json")]
    pub passkey: Passkey,
    /// When it was registered.
    pub created_at: UnixTime,
    /// Last successful login with it.
    pub last_used_at: Option<UnixTime>,
}

impl fmt::Debug for PasskeyRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasskeyRecord")
            .field("account", &self.account)
            .field(
                "credential_id",
                &crypto::encoding::b64::encode(&self.credential_id),
            )
            .finish_non_exhaustive()
    }
}

/// webauthn-rs documents its `Passkey` as serialised with serde_json; postcard cannot express
/// every serde construct it uses, so the record embeds its JSON as bytes.
mod passkey_json {
    use serde::de::Error as _;
    use serde::ser::Error as _;
    use serde::{Deserializer, Serializer};
    use webauthn_rs::prelude::Passkey;

    pub(super) fn serialize<S: Serializer>(passkey: &Passkey, s: S) -> Result<S::Ok, S::Error> {
        let json = serde_json::to_vec(passkey).map_err(S::Error::custom)?;
        crypto::encoding::bytes::serialize(json, s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Passkey, D::Error> {
        let json: Vec<u8> = crypto::encoding::bytes::deserialize(d)?;
        serde_json::from_slice(&json).map_err(|_| D::Error::custom("malformed stored passkey"))
    }
}

/// A login session. Only the SHA-256 of the bearer token is stored, so the store cannot be
/// used to impersonate anyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// SHA-256 of the bearer token.
    pub token_hash: Digest,
    /// The account logged in.
    pub account: AccountId,
    /// Login time.
    pub created_at: UnixTime,
    /// After this the token is refused.
    pub expires_at: UnixTime,
}

/// A device or professional client key enrolled to an account; its requests are signed with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceRecord {
    /// The key's party id (derived from `keys`).
    pub party: PartyId,
    /// The device's public keys.
    pub keys: PublicKeys,
    /// The account it belongs to.
    pub account: AccountId,
    /// When it was enrolled.
    pub enrolled_at: UnixTime,
}

/// A party enrolled by its own signed request: its keys and, for professionals, the public
/// profile it presents (shown to the inwoner and to auditors of the consent log).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyRecord {
    /// Derived from `keys`.
    pub party: PartyId,
    /// The party's public keys.
    pub keys: PublicKeys,
    /// The profile it presents, if any.
    pub profile: Option<Profile>,
    /// When it was enrolled.
    pub enrolled_at: UnixTime,
}

/// A registered vault: its public keys and the signed registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultRecord {
    /// Derived from `keys`.
    pub id: VaultId,
    /// The vault's public keys.
    pub keys: PublicKeys,
    /// The account that registered it, when registered from a passkey session.
    pub owner: Option<AccountId>,
    /// The vault's self-signed registration, as submitted.
    pub registration: Blob,
    /// When it was registered.
    pub created_at: UnixTime,
}

/// Position in a vault's item sequence; `SyncCursor::START` is before the first item.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct SyncCursor(pub u64);

impl SyncCursor {
    /// Before the first item.
    pub const START: Self = Self(0);
}

/// An item as uploaded: ciphertext plus the labels the server needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewItem {
    /// Chosen by the author.
    pub id: ItemId,
    /// The scope whose key encrypts it.
    pub scope: Scope,
    /// Which key opens it (a scope key of some epoch, or age to owner and author).
    pub sealing: Sealing,
    /// Who uploaded it (vault owner or an appending grantee).
    pub author: PartyId,
    /// The encrypted item.
    pub ciphertext: Blob,
}

/// A stored item: the upload plus its position in the vault's sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRecord {
    /// Position in the vault's sequence (1, 2, ...), the sync cursor after this item.
    pub seq: SyncCursor,
    /// When the server stored it.
    pub stored_at: UnixTime,
    /// The item.
    pub item: NewItem,
}

/// Which items to list: everything after a cursor in some scopes, at most `limit` of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemQuery {
    /// Return items after this position.
    pub after: SyncCursor,
    /// Only these scopes.
    pub scopes: ScopeSet,
    /// Only items stored at or after this time (a `from-now` grant's history); `None`: all.
    pub stored_from: Option<UnixTime>,
    /// Only items this party uploaded (an appender reading back its own); `None`: anyone's.
    pub author: Option<PartyId>,
    /// At most this many items (at least 1 is used).
    pub limit: usize,
}

impl ItemQuery {
    /// Whether the query asks for an item of `scope` stored at `stored_at` by `author`.
    #[must_use]
    pub fn wants(&self, scope: Scope, stored_at: UnixTime, author: PartyId) -> bool {
        self.scopes.contains(scope)
            && self.stored_from.is_none_or(|from| stored_at >= from)
            && self.author.is_none_or(|only| only == author)
    }
}

/// One page of a sync.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemPage {
    /// Items in sequence order.
    pub items: Vec<ItemRecord>,
    /// Pass as `after` for the next page. Advances past items filtered out by scope too.
    pub next: SyncCursor,
    /// Whether more items may follow `next`.
    pub more: bool,
}

/// What a grantee reads: a page of a sync, or one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemSelection {
    /// A page (narrowed to what the grant shows: its readable scopes and history).
    Page(ItemQuery),
    /// A single item.
    One(ItemId),
    /// A page of the grantee's own uploads in the scopes it may append to (whatever it may
    /// read): an appender reading back what it wrote.
    Own(ItemQuery),
}

/// A scope key wrapped (age-encrypted) for one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedKeyRecord {
    /// The scope.
    pub scope: Scope,
    /// The key epoch.
    pub epoch: u32,
    /// Who can unwrap it.
    pub recipient: PartyId,
    /// The age file.
    pub wrapped: Blob,
}

/// An access request posted so that a QR code can carry only its short reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRecord {
    /// The short reference.
    pub reference: Nonce,
    /// The requesting professional.
    pub requester: PartyId,
    /// The signed request.
    pub signed: Blob,
    /// When it was posted.
    pub created_at: UnixTime,
    /// After this it is gone.
    pub expires_at: UnixTime,
}

/// A grant as the server enforces it. `signed` is the grant the inwoner signed; the other
/// fields were extracted from it after verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantRecord {
    /// The grant id.
    pub id: GrantId,
    /// The vault it opens.
    pub vault: VaultId,
    /// Who may use it.
    pub grantee: PartyId,
    /// The grantee's role, as named in the grant (for the consent log).
    pub grantee_role: Role,
    /// What the grantee may do, per scope.
    pub permissions: Vec<Permission>,
    /// Not valid before this time.
    pub not_before: UnixTime,
    /// Not valid from this time on; `None` for a lifelong grant.
    pub expires_at: Option<UnixTime>,
    /// Fetches and appends allowed in total; `None` for unlimited.
    pub max_uses: Option<u32>,
    /// With history `from-now`: only items stored at or after this time are shown.
    pub history_from: Option<UnixTime>,
    /// The single-use grant nonce.
    pub nonce: Nonce,
    /// The signed grant.
    pub signed: Blob,
    /// When the server accepted it.
    pub created_at: UnixTime,
    /// Set once, by the first accepted revocation.
    pub revoked_at: Option<UnixTime>,
    /// The signed revocation.
    pub revocation: Option<Blob>,
    /// Fetches and appends made with it.
    pub use_count: u64,
}

/// Why a grantee's request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GrantDenied {
    /// No such grant for this vault and grantee.
    #[error("unknown grant")]
    Unknown,
    /// The grant was revoked.
    #[error("grant revoked")]
    Revoked,
    /// The grant is not valid yet.
    #[error("grant not yet valid")]
    NotYetValid,
    /// The grant has expired.
    #[error("grant expired")]
    Expired,
    /// The grant's maximum number of uses was reached.
    #[error("grant uses exhausted")]
    UsesExhausted,
    /// The grant does not cover this scope with this mode.
    #[error("scope not granted")]
    ScopeNotGranted,
}

impl GrantRecord {
    /// Checks that the grant belongs to `vault` and `grantee` and is in force at `now`.
    pub fn check_active(
        &self,
        vault: VaultId,
        grantee: PartyId,
        now: UnixTime,
    ) -> Result<(), GrantDenied> {
        if self.vault != vault || self.grantee != grantee {
            Err(GrantDenied::Unknown)
        } else if self.revoked_at.is_some() {
            Err(GrantDenied::Revoked)
        } else if now < self.not_before {
            Err(GrantDenied::NotYetValid)
        } else if self.expires_at.is_some_and(|end| now >= end) {
            Err(GrantDenied::Expired)
        } else if self
            .max_uses
            .is_some_and(|max| self.use_count >= u64::from(max))
        {
            Err(GrantDenied::UsesExhausted)
        } else {
            Ok(())
        }
    }

    /// Whether the grant's history choice shows `item` (stored before the grant or not).
    #[must_use]
    pub fn shows(&self, item: &ItemRecord) -> bool {
        self.history_from.is_none_or(|from| item.stored_at >= from)
    }

    /// The scopes granted with `mode`.
    #[must_use]
    pub fn scopes(&self, mode: Mode) -> ScopeSet {
        self.permissions
            .iter()
            .filter(|p| p.mode == mode)
            .map(|p| p.scope)
            .collect()
    }
}

/// Who is using which grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GranteeAccess {
    /// The vault.
    pub vault: VaultId,
    /// The grant presented.
    pub grant: GrantId,
    /// The authenticated caller.
    pub grantee: PartyId,
}

/// Wrong passcodes after which a share link is dead for good.
pub const PASSCODE_FAILURE_LIMIT: u8 = 5;

/// A share link: a sealed copy of some items, opened by link id and optional passcode.
/// `Debug` leaves out the id: it is a bearer capability.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRecord {
    /// The link id (a capability: never logged).
    pub id: LinkId,
    /// The vault it was made from.
    pub vault: VaultId,
    /// The sealed content.
    pub sealed: Blob,
    /// Verifier for the passcode, when the link has one.
    pub passcode_verifier: Option<Blob>,
    /// Wrong passcodes so far; at [`PASSCODE_FAILURE_LIMIT`] the link is dead.
    pub failures: u8,
    /// Maximum successful opens; `None` for unlimited.
    pub max_uses: Option<u32>,
    /// Successful opens so far.
    pub uses: u32,
    /// Gone from this time on.
    pub expires_at: UnixTime,
    /// Revoked by the owner.
    pub revoked: bool,
    /// When it was created.
    pub created_at: UnixTime,
}

impl fmt::Debug for LinkRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkRecord")
            .field("id", &"[redacted]")
            .field("vault", &self.vault)
            .field("failures", &self.failures)
            .field("uses", &self.uses)
            .field("max_uses", &self.max_uses)
            .field("expires_at", &self.expires_at)
            .field("revoked", &self.revoked)
            .finish_non_exhaustive()
    }
}

impl LinkRecord {
    /// Whether the link can still be opened at `now`.
    #[must_use]
    pub fn is_open(&self, now: UnixTime) -> bool {
        !self.revoked
            && now < self.expires_at
            && self.failures < PASSCODE_FAILURE_LIMIT
            && self.max_uses.is_none_or(|max| self.uses < max)
    }
}

/// The end of a vault's consent log: where the next entry goes and what it chains to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LogHead {
    /// Sequence number of the next entry (the first is 0).
    pub next_seq: u64,
    /// Hash of the last entry; `None` for an empty log.
    pub prev_hash: Option<Digest>,
}

/// One consent-log entry: the signed entry and its chain hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntryRecord {
    /// Position in the vault's log.
    pub seq: u64,
    /// Hash of this entry (the next entry's `prev_hash`).
    pub hash: Digest,
    /// The signed entry.
    pub entry: Blob,
}

/// The outcome of a share-link attempt, handed to the log-entry builder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkOutcome {
    /// Opened with a right (or no) passcode.
    Opened,
    /// A wrong passcode was counted.
    WrongPasscode,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    #[test]
    fn scope_bits_follow_scope_all_order() {
        // Storage keys and ScopeSet use `scope as u8` as the index into Scope::ALL.
        for (i, scope) in Scope::ALL.into_iter().enumerate() {
            assert_eq!(usize::from(scope as u8), i);
        }
        let set: ScopeSet = [Scope::Intake, Scope::Notities].into_iter().collect();
        assert!(set.contains(Scope::Intake) && set.contains(Scope::Notities));
        assert!(!set.contains(Scope::Verwijzing));
        assert_eq!(
            set.intersect(ScopeSet::EMPTY.with(Scope::Intake)),
            ScopeSet::EMPTY.with(Scope::Intake)
        );
        assert!(Scope::ALL.into_iter().all(|s| ScopeSet::ALL.contains(s)));
        assert!(ScopeSet::EMPTY.is_empty());
    }

    #[test]
    fn link_debug_hides_the_capability() {
        let link = LinkRecord {
            id: LinkId::random(&mut OsRng),
            vault: VaultId::random(&mut OsRng),
            sealed: Blob(b"secret".to_vec()),
            passcode_verifier: None,
            failures: 0,
            max_uses: None,
            uses: 0,
            expires_at: 10,
            revoked: false,
            created_at: 0,
        };
        let text = format!("{link:?}");
        assert!(
            !text.contains(&link.id.to_string()) && !text.contains("secret"),
            "{text}"
        );
        assert!(link.is_open(9) && !link.is_open(10));
    }
}
