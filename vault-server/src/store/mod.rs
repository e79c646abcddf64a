//! Persistence behind one trait, with an in-memory and a sled implementation.
//!
//! Rules every implementation keeps (checked by the conformance suite in `conformance.rs`):
//! - a method that returns `Ok` has made its writes durable (flushed) before returning;
//! - a method writes all of its keys or none of them;
//! - `grantee_append_items` and `open_link` check the grant or link, do the write and append the
//!   consent-log entry that accounts for it in ONE atomic, durable write; grantee reads are
//!   read first and then logged by `log_grantee_reads`, which re-checks the grant in the write
//!   of its entry. So no response is ever given without its log entry, and a revocation that
//!   has returned is seen by every later request;
//! - the exception to "durable before `Ok`" is the hot-path write `claim_request_nonce`: it
//!   returns a [`SyncMark`], and the caller answers only after [`Store::sync`] for it (one
//!   flush then covers many requests), or after a grantee read whose entry keeps the request
//!   as proof was logged: `log_grantee_reads` makes that request's nonce claim durable too.
//!
//! Methods are synchronous (sled is); async callers run those that flush through
//! [`crate::state::AppState::store`], which moves them to the blocking thread pool.

mod bodies;
#[cfg(test)]
pub(crate) mod conformance;
mod disk;
mod journal;
mod memory;
mod nonces;
mod records;

pub use disk::{Migration, SledOptions, SledStore};
pub use memory::MemoryStore;
pub use records::*;

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use crypto::encoding::UnixTime;
use crypto::{Digest, GrantId, ItemId, LinkId, Mode, Nonce, PartyId, RootSecret, VaultId};

use crate::ids::AccountId;

/// Version of the persisted format. Bump it with a migration in `disk::MIGRATIONS`.
pub const FORMAT_VERSION: u32 = 4;

/// A storage failure: never a domain outcome (those are the `Ok` enums below).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The storage backend failed (disk full, I/O error, ...).
    #[error("storage backend failed: {0}")]
    Backend(String),
    /// A stored record could not be decoded.
    #[error("stored record in {tree} is corrupt")]
    Corrupt {
        /// Where the record was.
        tree: &'static str,
    },
    /// The data directory was written by a newer server.
    #[error("data was written in format version {found}; this server reads up to version {supported}: upgrade the server")]
    TooNew {
        /// Version on disk.
        found: u32,
        /// Highest version this build understands.
        supported: u32,
    },
    /// The data directory is in a format this build cannot upgrade from.
    #[error("data format version {found} cannot be upgraded by this server")]
    NoUpgradePath {
        /// Version on disk.
        found: u32,
    },
    /// Another process holds the data directory.
    #[error("the data directory is in use by another process (stop the server first)")]
    Locked,
    /// The item body file is missing or shorter than the store's references to it.
    #[error("the item body file `item-bodies` in the data directory holds {found} bytes but the store refers to {expected}: restore the data directory from a backup")]
    BodiesMissing {
        /// Bytes found.
        found: u64,
        /// Bytes the store has committed references into.
        expected: u64,
    },
    /// A caller broke a contract of this trait (a bug in the server, not bad input).
    #[error("internal error: {0}")]
    Internal(&'static str),
}

/// Result of a store method.
pub type StoreResult<T> = Result<T, StoreError>;

/// What a consent-log entry accounts for; the log-entry builder turns it into a signed entry.
#[derive(Debug, Clone, Copy)]
pub enum AccessEvent<'a> {
    /// A grantee read items (possibly none).
    ItemsRead {
        /// The grant used.
        grant: &'a GrantRecord,
        /// The items returned.
        items: &'a [ItemRecord],
    },
    /// A grantee fetched the scope keys wrapped for it.
    KeysRead {
        /// The grant used.
        grant: &'a GrantRecord,
        /// The keys returned.
        keys: &'a [WrappedKeyRecord],
    },
    /// A grantee added items, in one request.
    ItemsAppended {
        /// The grant used.
        grant: &'a GrantRecord,
        /// The items stored (at least one), in order.
        items: &'a [ItemRecord],
    },
    /// A grantee's fetch or append was refused (nothing was read or stored).
    Refused {
        /// The grant presented, when the caller has one for this vault.
        grant: Option<&'a GrantRecord>,
        /// The caller.
        grantee: PartyId,
        /// `Read` for fetches, `Append` for appends.
        mode: Mode,
        /// Why.
        reason: Refusal,
    },
    /// Someone tried a share link.
    LinkAttempt {
        /// The link.
        link: &'a LinkRecord,
        /// What happened.
        outcome: LinkOutcome,
    },
}

/// Why a grantee was refused, for the consent log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The caller holds no grant on this vault.
    NoGrant,
    /// The grant exists but does not allow this (revoked, expired, scope, ...).
    Grant(GrantDenied),
    /// The grant allows only appending, and the caller tried to read.
    AppendOnly,
}

/// Builds the log entry at `head` for an event. Pure: it may be called more than once when a
/// transaction is retried, and only the committed call counts. It must return `head.next_seq`;
/// an error (a bug: the entry could not be made) aborts the whole write.
pub type LogBuilder<'a> =
    &'a (dyn Fn(LogHead, AccessEvent<'_>) -> StoreResult<LogEntryRecord> + Sync);

/// How the entry of a grantee read is signed. In a batch of reads each vault's last entry is
/// signed and covers the deferred ones before it (`crypto::log::DEFERRED_SIGNATURE`): one
/// server signature per vault per batch, and a vault's log never ends on a deferred entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntrySigning {
    /// Signed by the server now.
    Signed,
    /// Deferred: a later entry of the same batch and vault is signed.
    Deferred,
}

/// Builds the log entry of a grantee read, as [`LogBuilder`] does, signed or deferred.
pub type ReadLogBuilder<'a> =
    &'a (dyn Fn(LogHead, AccessEvent<'_>, EntrySigning) -> StoreResult<LogEntryRecord> + Sync);

/// What a grantee read, held back until its log entry is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GranteeRead {
    /// Items (possibly none: a lookup of an item outside the grant is logged too).
    Items(Vec<ItemRecord>),
    /// The scope keys wrapped for the grantee.
    Keys(Vec<WrappedKeyRecord>),
}

impl GranteeRead {
    /// The event its log entry accounts for.
    #[must_use]
    pub fn event<'a>(&'a self, grant: &'a GrantRecord) -> AccessEvent<'a> {
        match self {
            Self::Items(items) => AccessEvent::ItemsRead { grant, items },
            Self::Keys(keys) => AccessEvent::KeysRead { grant, keys },
        }
    }
}

/// One grantee read to log: under which grant, what, when, and how to make its entry.
#[derive(Clone, Copy)]
pub struct LoggedRead<'a> {
    /// Who used which grant.
    pub access: GranteeAccess,
    /// What was read.
    pub read: &'a GranteeRead,
    /// When, by the server clock (the grant is re-checked at this time).
    pub now: UnixTime,
    /// Makes its entry.
    pub log: ReadLogBuilder<'a>,
}

impl std::fmt::Debug for LoggedRead<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoggedRead")
            .field("access", &self.access)
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

/// Outcome of [`Store::log_grantee_reads`]: per read its durable entry, or its refusal.
pub type LoggedReads = Vec<Result<LogEntryRecord, GrantDenied>>;

/// A batch of grantee reads worked out against the grants and heads it started from, under
/// the store's lock for log writes, before anything is written; each store then writes the
/// entries and the grants' new use counts.
#[derive(Debug, Default)]
struct ReadPlan {
    outcomes: Vec<Result<LogEntryRecord, GrantDenied>>,
    /// Per grant: as read (`None`: unknown), and with the uses of this batch counted.
    grants: BTreeMap<GrantId, (Option<GrantRecord>, Option<GrantRecord>)>,
    /// Per vault: the head after this batch's entries so far.
    heads: BTreeMap<VaultId, LogHead>,
    /// The new entries, in order, with the access each accounts for.
    entries: Vec<(GranteeAccess, LogEntryRecord)>,
}

impl ReadPlan {
    /// Works out `reads` in order, reading grants and heads through the lookups once each:
    /// first which reads their grants still allow (counting each use), then their entries,
    /// each vault's last one signed.
    fn new<E: From<StoreError>>(
        reads: &[LoggedRead<'_>],
        mut grant: impl FnMut(GrantId) -> Result<Option<GrantRecord>, E>,
        mut head: impl FnMut(VaultId) -> Result<LogHead, E>,
    ) -> Result<Self, E> {
        let mut plan = Self::default();
        let mut verdicts = Vec::with_capacity(reads.len());
        for read in reads {
            let access = read.access;
            if let Entry::Vacant(slot) = plan.grants.entry(access.grant) {
                let found = grant(access.grant)?;
                slot.insert((found.clone(), found));
            }
            if let Entry::Vacant(slot) = plan.heads.entry(access.vault) {
                slot.insert(head(access.vault)?);
            }
            verdicts.push(plan.count_use(read));
        }
        let last_of_vault: BTreeMap<VaultId, usize> = verdicts
            .iter()
            .enumerate()
            .filter(|(_, verdict)| verdict.is_ok())
            .map(|(i, _)| (reads[i].access.vault, i))
            .collect();
        for (i, (read, verdict)) in reads.iter().zip(verdicts).enumerate() {
            let signing = if last_of_vault.get(&read.access.vault) == Some(&i) {
                EntrySigning::Signed
            } else {
                EntrySigning::Deferred
            };
            let outcome = match verdict {
                Ok(()) => Ok(plan.log(read, signing)?),
                Err(denied) => Err(denied),
            };
            plan.outcomes.push(outcome);
        }
        Ok(plan)
    }

    /// Checks one read's grant and, if it is still active, counts the use.
    fn count_use(&mut self, read: &LoggedRead<'_>) -> Result<(), GrantDenied> {
        let access = read.access;
        let Some((_, Some(grant))) = self.grants.get_mut(&access.grant) else {
            return Err(GrantDenied::Unknown);
        };
        grant.check_active(access.vault, access.grantee, read.now)?;
        grant.use_count += 1;
        Ok(())
    }

    /// Adds the entry of an allowed read at its vault's head.
    fn log(&mut self, read: &LoggedRead<'_>, signing: EntrySigning) -> StoreResult<LogEntryRecord> {
        let access = read.access;
        let (Some((_, Some(grant))), Some(head)) = (
            self.grants.get(&access.grant),
            self.heads.get_mut(&access.vault),
        ) else {
            return Err(StoreError::Internal("read plan without the grant or head"));
        };
        let entry = checked_entry(*head, (read.log)(*head, read.read.event(grant), signing))?;
        *head = head_after(&entry);
        self.entries.push((access, entry.clone()));
        Ok(entry)
    }
}

/// Checks a share-link passcode against the link's verifier. Pure, like [`LogBuilder`].
pub type PasscodeCheck<'a> = &'a (dyn Fn(&LinkRecord) -> bool + Sync);

/// Outcome of storing a passkey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum CredentialInsert {
    /// Stored.
    Stored,
    /// The credential id is already registered (to any account): nothing stored.
    CredentialTaken,
}

/// Outcome of removing a passkey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum RemovePasskey {
    /// Removed.
    Removed,
    /// The account has no such passkey.
    Unknown,
    /// It is the account's only passkey; removing it would lock the person out.
    LastPasskey,
}

/// Outcome of enrolling a device key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum EnrollDevice {
    /// Enrolled (or already enrolled to the same account).
    Enrolled,
    /// The key is enrolled to another account: nothing changed.
    OtherAccount,
}

/// Outcome of an insert-if-absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Insert {
    /// Inserted.
    Inserted,
    /// A record with this key exists: nothing changed.
    Exists,
}

/// Outcome of registering a vault.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum RegisterVault {
    /// Newly registered.
    Registered,
    /// Already registered (ids derive from keys, so the keys are the same): the stored record.
    AlreadyRegistered(VaultRecord),
}

/// Outcome of storing items.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum PutItems {
    /// All stored, in order.
    Stored(Vec<ItemRecord>),
    /// This item id exists already (or twice in the batch): nothing stored.
    Duplicate(ItemId),
}

/// Why a grantee append was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendDenied {
    /// The grant does not allow it.
    Grant(GrantDenied),
    /// The item id exists already.
    Duplicate(ItemId),
}

/// What a signed request's nonce claims in [`Store::claim_request_nonce`]: the value stored and
/// how long it is kept. Nonces are per key, so the value binds both (the first 16 bytes of
/// SHA-256(key ‖ nonce)); it is kept until no request signed at `timestamp` could pass the
/// clock check any more. A replay of the access-log journal claims the same for the request
/// kept as proof in each entry it replays.
#[must_use]
pub fn request_nonce_claim(key: PartyId, nonce: Nonce, timestamp: UnixTime) -> (Nonce, UnixTime) {
    let digest = crypto::encoding::sha256(&[key.as_bytes().as_slice(), nonce.as_bytes()].concat());
    let mut bound = [0u8; 16];
    bound.copy_from_slice(&digest.as_bytes()[..16]);
    let keep_until = timestamp.saturating_add(2 * crypto::http_sig::MAX_CLOCK_SKEW);
    (Nonce::from_bytes(bound), keep_until)
}

/// A point in the store's write history: [`Store::sync`] makes everything before it durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SyncMark(pub(crate) u64);

/// Outcome of claiming a single-use nonce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum NonceClaim {
    /// First use: recorded.
    Fresh,
    /// Seen before: a replay.
    Replayed,
}

/// The vault already holds another key of its own for this scope and epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EpochTaken {
    /// The scope.
    pub scope: crypto::Scope,
    /// The epoch.
    pub epoch: u32,
}

/// The first owner key in `keys` that differs from one `held` returns for its slot, or from
/// an earlier key of the request for that slot: what [`Store::put_scope_keys`] refuses.
pub(crate) fn owner_epoch_taken<E>(
    owner: PartyId,
    keys: &[WrappedKeyRecord],
    mut held: impl FnMut(&WrappedKeyRecord) -> Result<Option<WrappedKeyRecord>, E>,
) -> Result<Option<EpochTaken>, E> {
    let mut seen: std::collections::BTreeMap<(crypto::Scope, u32), &WrappedKeyRecord> =
        std::collections::BTreeMap::new();
    for k in keys.iter().filter(|k| k.recipient == owner) {
        let earlier = match seen.get(&(k.scope, k.epoch)) {
            Some(earlier) => Some((*earlier).clone()),
            None => held(k)?,
        };
        if earlier.is_some_and(|e| e.wrapped != k.wrapped) {
            return Ok(Some(EpochTaken {
                scope: k.scope,
                epoch: k.epoch,
            }));
        }
        seen.insert((k.scope, k.epoch), k);
    }
    Ok(None)
}

/// Outcome of storing a grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum InsertGrant {
    /// Stored, and its nonce recorded as used.
    Inserted,
    /// The grant nonce was used before: nothing stored.
    NonceReplayed,
    /// A grant with this id exists: nothing stored.
    Exists,
    /// The accompanying log entry is not at the log's head: nothing stored.
    LogHeadMoved(LogHead),
}

/// Outcome of storing a share link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum InsertLink {
    /// Stored, with its log entry.
    Inserted,
    /// A link with this id exists: nothing stored.
    Exists,
    /// The accompanying log entry is not at the log's head: nothing stored.
    LogHeadMoved(LogHead),
}

/// Outcome of revoking a share link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum RevokeLink {
    /// Revoked now, with its log entry.
    Revoked,
    /// Was revoked before: nothing changed and nothing logged (idempotent).
    AlreadyRevoked,
    /// No such link on this vault.
    Unknown,
    /// The accompanying log entry is not at the log's head: nothing changed.
    LogHeadMoved(LogHead),
}

/// Outcome of a revocation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum RevokeGrant {
    /// Revoked now.
    Revoked(GrantRecord),
    /// Was revoked before; the first revocation stands (idempotent).
    AlreadyRevoked(GrantRecord),
    /// No such grant on this vault.
    Unknown,
    /// The accompanying log entry is not at the log's head: nothing changed.
    LogHeadMoved(LogHead),
}

/// Outcome of opening a share link.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum OpenLink {
    /// Opened; the use is counted and logged.
    Opened(LinkRecord, LogEntryRecord),
    /// Wrong passcode; counted and logged. `remaining` tries are left (0: the link is dead).
    WrongPasscode {
        /// Tries left.
        remaining: u8,
    },
    /// Unknown, expired, revoked, used up or dead: deliberately one answer.
    Gone,
}

/// Outcome of appending a log entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum AppendLog {
    /// Appended.
    Appended,
    /// The entry's seq is not the log's next seq (someone appended first).
    SeqMismatch(LogHead),
}

/// How many expired records [`Store::purge_expired`] removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Purged {
    /// Sessions.
    pub sessions: usize,
    /// Nonces.
    pub nonces: usize,
    /// Access requests.
    pub requests: usize,
}

/// The server's persistence. See the module docs for the rules every implementation keeps.
pub trait Store: Send + Sync + 'static {
    // ---- accounts, passkeys, sessions, devices ----

    /// Creates an account with its first passkey.
    fn create_account(
        &self,
        account: &AccountRecord,
        passkey: &PasskeyRecord,
    ) -> StoreResult<CredentialInsert>;
    /// An account.
    fn account(&self, id: AccountId) -> StoreResult<Option<AccountRecord>>;
    /// Adds a passkey to an existing account.
    fn add_passkey(&self, passkey: &PasskeyRecord) -> StoreResult<CredentialInsert>;
    /// An account's passkeys, oldest first.
    fn passkeys(&self, account: AccountId) -> StoreResult<Vec<PasskeyRecord>>;
    /// Replaces a stored passkey (new counter, last use); `false` when it was removed meanwhile.
    fn update_passkey(&self, passkey: &PasskeyRecord) -> StoreResult<bool>;
    /// Removes a passkey, refusing to remove an account's last one.
    fn remove_passkey(
        &self,
        account: AccountId,
        credential_id: &[u8],
    ) -> StoreResult<RemovePasskey>;
    /// Stores a session.
    fn put_session(&self, session: &SessionRecord) -> StoreResult<()>;
    /// The session for a token hash, if it exists and has not expired at `now`.
    fn session(&self, token_hash: Digest, now: UnixTime) -> StoreResult<Option<SessionRecord>>;
    /// Ends a session (no-op when unknown).
    fn delete_session(&self, token_hash: Digest) -> StoreResult<()>;
    /// Enrolls a device key to an account.
    fn enroll_device(&self, device: &DeviceRecord) -> StoreResult<EnrollDevice>;
    /// The enrolled device with this party id.
    fn device(&self, party: PartyId) -> StoreResult<Option<DeviceRecord>>;
    /// Enrolls a self-signed party (insert-if-absent; ids derive from keys).
    fn enroll_party(&self, party: &PartyRecord) -> StoreResult<Insert>;
    /// A self-enrolled party.
    fn party(&self, id: PartyId) -> StoreResult<Option<PartyRecord>>;
    /// The server's own root secret: the stored one, or `candidate` stored now if there is
    /// none yet (so the server keeps one signing key for its whole life).
    fn server_root(&self, candidate: &RootSecret) -> StoreResult<RootSecret>;

    // ---- vaults, items, scope keys ----

    /// Registers a vault (idempotent).
    fn register_vault(&self, vault: &VaultRecord) -> StoreResult<RegisterVault>;
    /// A vault.
    fn vault(&self, id: VaultId) -> StoreResult<Option<VaultRecord>>;
    /// Stores the owner's items atomically, assigning consecutive sequence numbers.
    fn put_items(&self, vault: VaultId, items: &[NewItem], now: UnixTime) -> StoreResult<PutItems>;
    /// One item.
    fn item(&self, vault: VaultId, id: ItemId) -> StoreResult<Option<ItemRecord>>;
    /// A page of items after a cursor, filtered by scope, in one ordered scan.
    fn list_items(&self, vault: VaultId, query: &ItemQuery) -> StoreResult<ItemPage>;
    /// Grantee read, first half: checks the grant is active at `now`, narrows the selection
    /// to its readable scopes and reads. Nothing read may be handed out before
    /// [`Store::log_grantee_reads`] has logged it.
    fn grantee_items(
        &self,
        access: &GranteeAccess,
        selection: ItemSelection,
        now: UnixTime,
    ) -> StoreResult<Result<ItemPage, GrantDenied>>;
    /// Grantee append of one request: checks the grant allows `append` on every item's scope
    /// at `now`, stores all the items (none if one is refused), counts one use and appends ONE
    /// log entry for them all (the request is its proof), in one durable write. `items` must
    /// not be empty.
    fn grantee_append_items(
        &self,
        access: &GranteeAccess,
        items: &[NewItem],
        now: UnixTime,
        log: LogBuilder<'_>,
    ) -> StoreResult<Result<(Vec<ItemRecord>, LogEntryRecord), AppendDenied>>;
    /// Stores wrapped scope keys atomically. A key wrapped for `owner` (the vault itself) is
    /// written once per scope and epoch: a different one for a scope and epoch it already
    /// holds is refused with [`EpochTaken`] and nothing is stored (two devices of one inwoner
    /// that rotate at once would otherwise leave items sealed under a key nobody holds); the
    /// same bytes again are fine. Keys for grantees replace any for the same scope, epoch and
    /// recipient (a re-wrap).
    fn put_scope_keys(
        &self,
        vault: VaultId,
        owner: PartyId,
        keys: &[WrappedKeyRecord],
    ) -> StoreResult<Result<(), EpochTaken>>;
    /// All scope keys wrapped for `recipient` in a vault.
    fn scope_keys(&self, vault: VaultId, recipient: PartyId) -> StoreResult<Vec<WrappedKeyRecord>>;
    /// Grantee key fetch, first half: the keys wrapped for the grantee in its readable scopes,
    /// if its grant is active at `now`. Logged like [`Store::grantee_items`].
    fn grantee_scope_keys(
        &self,
        access: &GranteeAccess,
        now: UnixTime,
    ) -> StoreResult<Result<Vec<WrappedKeyRecord>, GrantDenied>>;
    /// Grantee reads, second half, many at once (group commit of the access log): in order,
    /// re-checks each read's grant at the read's time, counts the use and appends the read's
    /// log entry, all in ONE atomic write. Per read: its entry, or why its grant no longer
    /// allows it (then nothing is written for that read). Durable before `Ok`, and with each
    /// entry the nonce claim of the request it keeps as proof (claimed earlier with
    /// [`Store::claim_request_nonce`]): a store that writes entries apart from its nonces
    /// claims the proofs' nonces again when it recovers the entries after a crash.
    fn log_grantee_reads(&self, reads: &[LoggedRead<'_>]) -> StoreResult<LoggedReads>;

    // ---- access requests, nonces, grants ----

    /// Stores an access request under its reference (insert-if-absent).
    fn insert_request(&self, request: &RequestRecord) -> StoreResult<Insert>;
    /// The request with this reference, unless expired at `now`.
    fn request(&self, reference: Nonce, now: UnixTime) -> StoreResult<Option<RequestRecord>>;
    /// Records a request's single-use nonce; it may be purged after `expires_at`. A claim is
    /// the pair: the same nonce with another `expires_at` is another claim (the caller derives
    /// `expires_at` from the signed request's time, which a replay repeats). (A grant's nonce
    /// is claimed by [`Store::insert_grant`], in the grant's own write.)
    ///
    /// The one exception to "durable before `Ok`": the claim is visible to every later claim at
    /// once (so a concurrent replay is refused), but it is durable only after
    /// [`Store::sync`]`(mark)`. The caller must call that before it answers the request the
    /// nonce authenticates; a durable write made after the claim (a grantee read with its log
    /// entry, or any write followed by a flush) already covers it, so the nonce costs no flush
    /// of its own there.
    fn claim_request_nonce(
        &self,
        nonce: Nonce,
        expires_at: UnixTime,
    ) -> StoreResult<(NonceClaim, SyncMark)>;
    /// Makes every write committed before `mark` was taken durable. Returns at once when a
    /// flush has started and finished since (group commit); otherwise flushes.
    fn sync(&self, mark: SyncMark) -> StoreResult<()>;
    /// Whether everything before `mark` is durable already (never blocks).
    fn is_durable(&self, mark: SyncMark) -> bool;
    /// Stores a verified grant, claims its grant nonce (kept forever) and appends `log` (the
    /// vault-signed grant entry, which must sit at the head), atomically.
    fn insert_grant(
        &self,
        grant: &GrantRecord,
        log: Option<&LogEntryRecord>,
    ) -> StoreResult<InsertGrant>;
    /// A grant.
    fn grant(&self, id: GrantId) -> StoreResult<Option<GrantRecord>>;
    /// A vault's grants, by id.
    fn grants_for_vault(&self, vault: VaultId) -> StoreResult<Vec<GrantRecord>>;
    /// A grantee's grants, by id.
    fn grants_for_grantee(&self, grantee: PartyId) -> StoreResult<Vec<GrantRecord>>;
    /// Revokes a grant of `vault` and appends `log` (the vault-signed revoke entry, at the
    /// head), atomically. Idempotent: the first revocation stands and nothing is logged again.
    fn revoke_grant(
        &self,
        vault: VaultId,
        id: GrantId,
        at: UnixTime,
        revocation: &Blob,
        log: Option<&LogEntryRecord>,
    ) -> StoreResult<RevokeGrant>;

    // ---- share links ----

    /// Stores a new share link (insert-if-absent) and appends `log` (the vault-signed
    /// share-link-create entry, at the head), atomically.
    fn insert_link(
        &self,
        link: &LinkRecord,
        log: Option<&LogEntryRecord>,
    ) -> StoreResult<InsertLink>;
    /// A link (for the server to learn its vault before opening it).
    fn link(&self, id: LinkId) -> StoreResult<Option<LinkRecord>>;
    /// Tries to open a link: atomically checks it is open at `now`, checks the passcode,
    /// counts the use or the failure, and logs the attempt. Safe under parallel attempts:
    /// at most [`PASSCODE_FAILURE_LIMIT`] wrong passcodes are ever checked.
    fn open_link(
        &self,
        id: LinkId,
        now: UnixTime,
        passcode_ok: PasscodeCheck<'_>,
        log: LogBuilder<'_>,
    ) -> StoreResult<OpenLink>;
    /// Revokes a link of `vault` and appends `log` (the vault-signed revoke entry naming the
    /// link, at the head), atomically. Idempotent: a revoked link stays revoked and nothing is
    /// logged again.
    fn revoke_link(
        &self,
        vault: VaultId,
        id: LinkId,
        log: Option<&LogEntryRecord>,
    ) -> StoreResult<RevokeLink>;

    // ---- consent log ----

    /// Where the vault's next log entry goes.
    fn log_head(&self, vault: VaultId) -> StoreResult<LogHead>;
    /// Appends the server-signed entry for `event` at the head (refusals, which read or store
    /// nothing else).
    fn log_event(
        &self,
        vault: VaultId,
        event: AccessEvent<'_>,
        log: LogBuilder<'_>,
    ) -> StoreResult<LogEntryRecord>;
    /// Appends an entry if its seq is the log's next seq (compare-and-set).
    fn append_log(&self, vault: VaultId, entry: &LogEntryRecord) -> StoreResult<AppendLog>;
    /// Up to `limit` entries from `from_seq` on.
    fn log_from(
        &self,
        vault: VaultId,
        from_seq: u64,
        limit: usize,
    ) -> StoreResult<Vec<LogEntryRecord>>;

    // ---- maintenance ----

    /// Removes sessions, nonces and requests that expired before `now`.
    fn purge_expired(&self, now: UnixTime) -> StoreResult<Purged>;
}

/// Checks a builder kept its contract.
fn checked_entry(head: LogHead, entry: StoreResult<LogEntryRecord>) -> StoreResult<LogEntryRecord> {
    let entry = entry?;
    if entry.seq == head.next_seq {
        Ok(entry)
    } else {
        Err(StoreError::Internal(
            "log builder returned an entry for the wrong seq",
        ))
    }
}

/// The head after `entry` is appended.
const fn head_after(entry: &LogEntryRecord) -> LogHead {
    LogHead {
        next_seq: entry.seq + 1,
        prev_hash: Some(entry.hash),
    }
}

/// A grant that lets its grantee read something, or `ScopeNotGranted` (append-only grants).
fn readable(grant: &GrantRecord) -> Result<&GrantRecord, GrantDenied> {
    if grant.scopes(Mode::Read).is_empty() {
        Err(GrantDenied::ScopeNotGranted)
    } else {
        Ok(grant)
    }
}

/// Whether `grant` lets its grantee make `selection` at all: its own uploads need an
/// `append` scope, anything else a `read` scope.
fn may_select(grant: &GrantRecord, selection: &ItemSelection) -> Result<(), GrantDenied> {
    match selection {
        ItemSelection::Own(_) if grant.scopes(Mode::Append).is_empty() => {
            Err(GrantDenied::ScopeNotGranted)
        }
        ItemSelection::Own(_) => Ok(()),
        ItemSelection::Page(_) | ItemSelection::One(_) => readable(grant).map(drop),
    }
}

/// An appender's query narrowed to its own uploads in the scopes it may append to, old and
/// new (it wrote them).
fn own_uploads(query: &ItemQuery, grant: &GrantRecord) -> ItemQuery {
    ItemQuery {
        scopes: query.scopes.intersect(grant.scopes(Mode::Append)),
        stored_from: None,
        author: Some(grant.grantee),
        ..*query
    }
}

/// A grantee's page query narrowed to what `grant` shows: its readable scopes and, for a
/// `from-now` grant, items stored since (shared by both stores). Filtering while scanning,
/// not after, fills a page with items the grantee may see.
fn narrowed(query: &ItemQuery, grant: &GrantRecord) -> ItemQuery {
    ItemQuery {
        scopes: query.scopes.intersect(grant.scopes(Mode::Read)),
        stored_from: grant.history_from,
        author: None,
        ..*query
    }
}
