//! The sled [`Store`]: the default, embedded in the data directory.
//!
//! Layout: one sled tree per record kind, keys built from fixed-width ids and big-endian
//! sequence numbers so that prefix scans return records in order; values are postcard-encoded
//! records. Multi-key writes run in one sled transaction across the trees involved, and every
//! method that wrote something flushes before it returns. Item bodies live outside sled, in the
//! append-only body file of [`super::bodies`].

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use fs2::FileExt as _;

use crypto::encoding::UnixTime;
use crypto::{
    Digest, GrantId, ItemId, LinkId, Mode, Nonce, PartyId, RootSecret, Scope, Sealing, VaultId,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sled::transaction::{
    ConflictableTransactionError, ConflictableTransactionResult, TransactionError,
    TransactionalTree,
};
use sled::{Transactional as _, Tree};

use super::bodies::{self, Appended, BodyFile, BodyRef};
use super::journal::{self, Framed, Journal, JournalRecord, Run};
use super::nonces::{Claim, Known, NonceIndex};
use super::*;
use crate::ids::AccountId;

/// Key in the `meta` tree holding [`FORMAT_VERSION`] as 4 big-endian bytes.
const VERSION_KEY: &[u8] = b"format_version";
/// Key in the `meta` tree holding the server's 32-byte root secret.
const SERVER_ROOT_KEY: &[u8] = b"server_root";

/// One step of the upgrade path: turns format `from` into `from + 1`.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The version it upgrades from.
    pub from: u32,
    /// Rewrites the data in place.
    pub run: fn(&SledStore) -> StoreResult<()>,
}

/// Upgrades for every format version before [`FORMAT_VERSION`].
const MIGRATIONS: &[Migration] = &[
    Migration {
        from: 1,
        run: move_item_bodies_out,
    },
    Migration {
        from: 2,
        run: move_request_nonces,
    },
    Migration {
        from: 3,
        run: start_access_log_journal,
    },
];

/// Key in the `meta` tree holding the body file's committed length (be64), written in the
/// transaction that commits references into it.
const BODIES_END_KEY: &[u8] = b"bodies_end";

/// Key in the `meta` tree holding the length of the access-log journal (be64) whose records
/// sled holds the effects of: heads, use counts and runs (see [`LogOverlay`]).
const JOURNAL_APPLIED_KEY: &[u8] = b"journal_applied";

/// Version 1's tree of items with their bodies inline; emptied into `item_records` and the
/// body file by the upgrade to version 2, then dropped.
const V1_ITEMS: &str = "items";

/// Settings for opening the sled store.
#[derive(Debug, Clone, Copy)]
pub struct SledOptions {
    /// Page cache size in bytes: the main knob for the server's memory use.
    pub cache_bytes: u64,
}

impl Default for SledOptions {
    fn default() -> Self {
        Self {
            // Measured (examples/load.rs, 100,000 items of 1 KiB, 64 connections): peak RSS is
            // about 80 MiB plus 1.2-1.5x the cache; 32 MiB keeps the server near 120 MiB, under
            // the 150 MB budget, where 64 MiB peaked at 177 MiB. Fetch rate did not change.
            cache_bytes: 32 * 1024 * 1024,
        }
    }
}

struct Trees {
    meta: Tree,
    accounts: Tree,
    passkeys: Tree,
    passkeys_by_account: Tree,
    sessions: Tree,
    devices: Tree,
    parties: Tree,
    vaults: Tree,
    /// [`StoredItem`]s by vault and sequence number; their bodies are in the body file.
    items: Tree,
    item_ids: Tree,
    item_heads: Tree,
    scope_keys: Tree,
    requests: Tree,
    /// Grant nonces, kept for good.
    nonces: Tree,
    /// Request nonces, a flush's worth per expiry second (see `write_pending_nonces`).
    request_nonces: Tree,
    grants: Tree,
    grants_by_vault: Tree,
    grants_by_grantee: Tree,
    links: Tree,
    log: Tree,
    log_heads: Tree,
    /// Where runs of grantee-read entries lie in the journal, by vault and first seq.
    log_runs: Tree,
}

impl Trees {
    fn open(db: &sled::Db) -> sled::Result<Self> {
        Ok(Self {
            meta: db.open_tree("meta")?,
            accounts: db.open_tree("accounts")?,
            passkeys: db.open_tree("passkeys")?,
            passkeys_by_account: db.open_tree("passkeys_by_account")?,
            sessions: db.open_tree("sessions")?,
            devices: db.open_tree("devices")?,
            parties: db.open_tree("parties")?,
            vaults: db.open_tree("vaults")?,
            items: db.open_tree("item_records")?,
            item_ids: db.open_tree("item_ids")?,
            item_heads: db.open_tree("item_heads")?,
            scope_keys: db.open_tree("scope_keys")?,
            requests: db.open_tree("requests")?,
            nonces: db.open_tree("nonces")?,
            request_nonces: db.open_tree("request_nonces")?,
            grants: db.open_tree("grants")?,
            grants_by_vault: db.open_tree("grants_by_vault")?,
            grants_by_grantee: db.open_tree("grants_by_grantee")?,
            links: db.open_tree("links")?,
            log: db.open_tree("log")?,
            log_heads: db.open_tree("log_heads")?,
            log_runs: db.open_tree("log_runs")?,
        })
    }
}

/// The overlay's lock, held for a sled write of log heads or grants outside a round
/// ([`SledStore::log_settled`]). Dropping it (before the lock is released) notes the flusher's
/// mark: rounds that build on the write wait for a flush that covers it.
struct LogOrder<'a> {
    store: &'a SledStore,
    _overlay: MutexGuard<'a, LogOverlay>,
}

impl Drop for LogOrder<'_> {
    fn drop(&mut self) {
        let written = self.store.flusher.mark().saturating_add(1);
        self.store.log_written.fetch_max(written, Ordering::AcqRel);
    }
}

/// A [`Store`] in a sled database directory.
pub struct SledStore {
    db: sled::Db,
    t: Trees,
    bodies: BodyFile,
    flusher: GroupFlush,
    /// Request-nonce claims: the pending ones, and filters over those written.
    request_nonces: std::sync::Mutex<NonceIndex>,
    vaults: WrittenOnce<VaultId, VaultRecord>,
    parties: WrittenOnce<PartyId, PartyRecord>,
    devices: WrittenOnce<PartyId, DeviceRecord>,
    /// The entries of grantee reads (see [`journal`]).
    journal: Journal,
    /// What those entries changed that sled does not hold yet. Every write of a log head or
    /// a grant holds its lock: a round of reads for its whole write, other writers after
    /// first writing it out ([`SledStore::log_settled`]), so they never interleave.
    log_overlay: Mutex<LogOverlay>,
    /// One more than the flusher's mark after the last sled write of log heads or grants made
    /// outside a round (0: none yet); see [`LogOrder`].
    log_written: AtomicU64,
    /// Declared last, so dropped after sled's handles above.
    _released: Released,
}

/// Makes dropping a [`SledStore`] return only once sled has closed its lock on the data
/// directory. sled's I/O threads can still hold the database for a moment after its last handle
/// is gone, and a store opened again in the same process in that moment (a restart in the
/// tests, a backup opened after it was written) was refused as [`StoreError::Locked`] now and
/// then: on a busy machine, in up to one run in eight of the store's tests.
#[derive(Debug)]
struct Released {
    /// The file sled locks (`db` in the directory).
    lock_file: PathBuf,
}

/// How long a drop waits for sled to let go of the directory before it gives up and says so.
const RELEASE_WAIT: Duration = Duration::from_secs(5);

impl Released {
    /// For the sled database in `dir`. Declare it before the database's handles, so that it
    /// is dropped after them.
    fn of(dir: &Path) -> Self {
        Self {
            lock_file: dir.join("db"),
        }
    }
}

impl Drop for Released {
    fn drop(&mut self) {
        let deadline = Instant::now() + RELEASE_WAIT;
        while Instant::now() < deadline {
            match std::fs::File::open(&self.lock_file).map(|f| f.try_lock_exclusive()) {
                // Locked here means free; the lock goes with the file at the end of the arm.
                // A file that cannot be opened holds no lock either.
                Ok(Ok(())) | Err(_) => return,
                Ok(Err(_)) => std::thread::sleep(Duration::from_millis(1)),
            }
        }
        tracing::warn!("sled still holds the data directory after the store was dropped");
    }
}

/// Records written once and never changed or removed (vaults, parties, devices), kept in
/// memory after their first read: every signed request looks up its vault and its signer's
/// keys, and a map lookup is cheaper than a sled read. Only found records are kept (one not
/// there yet may be written later). Bounded: starts over when full.
#[derive(Debug)]
struct WrittenOnce<K, V>(std::sync::RwLock<HashMap<K, V>>);

/// Records kept per kind before [`WrittenOnce`] starts over.
const WRITTEN_ONCE_LIMIT: usize = 10_000;

impl<K, V> Default for WrittenOnce<K, V> {
    fn default() -> Self {
        Self(std::sync::RwLock::new(HashMap::new()))
    }
}

impl<K: std::hash::Hash + Eq + Copy, V: Clone> WrittenOnce<K, V> {
    fn get(&self, key: K, load: impl FnOnce() -> StoreResult<Option<V>>) -> StoreResult<Option<V>> {
        // A poisoned lock still holds whole records: inserts are single calls.
        let known = self
            .0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
            .cloned();
        if known.is_some() {
            return Ok(known);
        }
        let loaded = load()?;
        if let Some(record) = &loaded {
            let mut map = self
                .0
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if map.len() >= WRITTEN_ONCE_LIMIT {
                map.clear();
            }
            map.insert(key, record.clone());
        }
        Ok(loaded)
    }
}

/// Group commit: a caller that needs its committed writes durable waits for a flush that
/// *started* after its commit. One caller (the leader) runs that flush for everyone who is
/// waiting, so under load one fsync covers many writes instead of one each.
#[derive(Debug, Default)]
struct GroupFlush {
    state: std::sync::Mutex<FlushState>,
    done: std::sync::Condvar,
}

#[derive(Debug, Default)]
struct FlushState {
    /// Flushes started so far (the generation of the running or last flush).
    started: u64,
    /// The generation of the last finished flush.
    finished: u64,
    /// Whether a flush is running.
    running: bool,
    /// A failed flush: durability can no longer be promised, so every later flush fails.
    failed: Option<String>,
}

impl GroupFlush {
    fn lock(&self) -> std::sync::MutexGuard<'_, FlushState> {
        // The state is plain counters, consistent after any panic.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The generation of the last flush started so far: a flush with a higher generation
    /// starts after every write committed before this call.
    fn mark(&self) -> u64 {
        self.lock().started
    }

    /// Whether a flush that started after `mark` has finished (and none failed).
    fn covers(&self, mark: u64) -> bool {
        let st = self.lock();
        st.failed.is_none() && st.finished > mark
    }

    fn flush(&self, run: impl Fn() -> StoreResult<()>) -> StoreResult<()> {
        let mark = self.mark();
        self.flush_since(mark, run)
    }

    /// Waits for (or runs) a flush that started after `mark` was taken.
    fn flush_since(&self, mark: u64, run: impl Fn() -> StoreResult<()>) -> StoreResult<()> {
        let mut st = self.lock();
        // A flush already running may have started before our commit: we need the next one.
        let target = mark + 1;
        loop {
            if let Some(e) = &st.failed {
                return Err(StoreError::Backend(e.clone()));
            }
            if st.finished >= target {
                return Ok(());
            }
            if st.running {
                st = self
                    .done
                    .wait(st)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                continue;
            }
            st.running = true;
            st.started += 1;
            let generation = st.started;
            drop(st);
            let outcome = run();
            st = self.lock();
            st.running = false;
            st.finished = generation;
            if let Err(e) = outcome {
                st.failed = Some(e.to_string());
            }
            self.done.notify_all();
        }
    }
}

impl std::fmt::Debug for SledStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SledStore").finish_non_exhaustive()
    }
}

fn backend(e: sled::Error) -> StoreError {
    if let sled::Error::Io(io) = &e {
        if io.to_string().contains("could not acquire lock") {
            return StoreError::Locked;
        }
    }
    StoreError::Backend(e.to_string())
}

fn from_tx(e: TransactionError<StoreError>) -> StoreError {
    match e {
        TransactionError::Abort(e) => e,
        TransactionError::Storage(e) => backend(e),
    }
}

fn enc<T: Serialize>(value: &T) -> StoreResult<Vec<u8>> {
    postcard::to_allocvec(value).map_err(|_| StoreError::Internal("record cannot be encoded"))
}

fn dec<T: DeserializeOwned>(tree: &'static str, bytes: &[u8]) -> StoreResult<T> {
    postcard::from_bytes(bytes).map_err(|_| StoreError::Corrupt { tree })
}

fn get<T: DeserializeOwned>(tree: &Tree, name: &'static str, key: &[u8]) -> StoreResult<Option<T>> {
    tree.get(key)
        .map_err(backend)?
        .map(|v| dec(name, &v))
        .transpose()
}

/// A store error inside a transaction aborts it (lets `?` carry store errors there).
impl From<StoreError> for ConflictableTransactionError<StoreError> {
    fn from(e: StoreError) -> Self {
        Self::Abort(e)
    }
}

fn tx_get<T: DeserializeOwned>(
    tree: &TransactionalTree,
    name: &'static str,
    key: &[u8],
) -> ConflictableTransactionResult<Option<T>, StoreError> {
    tree.get(key)?
        .map(|v| dec(name, &v).map_err(Into::into))
        .transpose()
}

fn tx_put<T: Serialize>(
    tree: &TransactionalTree,
    key: &[u8],
    value: &T,
) -> ConflictableTransactionResult<(), StoreError> {
    tree.insert(key, enc(value)?)?;
    Ok(())
}

fn key2(a: &[u8], b: &[u8]) -> Vec<u8> {
    [a, b].concat()
}

fn seq_key(vault: VaultId, seq: u64) -> Vec<u8> {
    key2(vault.as_bytes(), &seq.to_be_bytes())
}

fn grant_nonce_key(nonce: Nonce) -> Vec<u8> {
    key2(b"g", nonce.as_bytes())
}

/// A time as 8 bytes that sort as the times do (big-endian with the sign bit flipped).
fn time_key(t: UnixTime) -> [u8; 8] {
    (t ^ i64::MIN).to_be_bytes()
}

fn time_from_key(key: &[u8]) -> StoreResult<UnixTime> {
    let raw: [u8; 8] = key
        .get(..8)
        .and_then(|k| k.try_into().ok())
        .ok_or(StoreError::Corrupt {
            tree: "request_nonces",
        })?;
    Ok(i64::from_be_bytes(raw) ^ i64::MIN)
}

/// The nonces in a `request_nonces` value.
fn stored_nonces(value: &[u8]) -> StoreResult<impl Iterator<Item = Nonce> + '_> {
    if value.len() % 16 != 0 {
        return Err(StoreError::Corrupt {
            tree: "request_nonces",
        });
    }
    Ok(value.chunks_exact(16).map(|chunk| {
        let mut nonce = [0u8; 16];
        nonce.copy_from_slice(chunk);
        Nonce::from_bytes(nonce)
    }))
}

/// The format version recorded in `meta`, if any.
fn stored_version(meta: &Tree) -> StoreResult<Option<u32>> {
    let Some(raw) = meta.get(VERSION_KEY).map_err(backend)? else {
        return Ok(None);
    };
    let bytes: [u8; 4] = raw
        .as_ref()
        .try_into()
        .map_err(|_| StoreError::Corrupt { tree: "meta" })?;
    Ok(Some(u32::from_be_bytes(bytes)))
}

/// The first format with the access-log journal.
const JOURNAL_SINCE: u32 = 4;

/// A file length recorded in `meta` under `key` (0 when none is): the body file's committed
/// length, or how much of the journal sled has applied.
fn meta_len(meta: &Tree, key: &[u8]) -> StoreResult<u64> {
    meta.get(key).map_err(backend)?.map_or(Ok(0), |raw| {
        <[u8; 8]>::try_from(raw.as_ref())
            .map(u64::from_be_bytes)
            .map_err(|_| StoreError::Corrupt { tree: "meta" })
    })
}

fn seq_from(bytes: &[u8]) -> StoreResult<u64> {
    let raw: [u8; 8] = bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt { tree: "item_ids" })?;
    Ok(u64::from_be_bytes(raw))
}

/// What rounds of grantee reads changed that sled does not hold yet: kept in memory, written
/// into sled by a flush once due ([`SledStore::write_log_overlay`]; the round that finds it
/// due runs that flush itself), rebuilt from the journal
/// after a crash ([`SledStore::replay_journal`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct LogOverlay {
    /// Heads of the vaults whose log grew.
    heads: HashMap<VaultId, LogHead>,
    /// Use counts of the grants used.
    uses: HashMap<GrantId, u64>,
    /// New runs of entries in the journal.
    runs: Vec<(VaultId, Run)>,
    /// Since when it holds something sled does not.
    unwritten_since: Option<Instant>,
}

/// Longest time rounds stay in the overlay before a flush writes them into sled: bounds the
/// journal a replay after a crash reads (about this many seconds of reads).
const OVERLAY_WRITE_INTERVAL: Duration = Duration::from_secs(1);

/// Longest run of journal records: a log page reads whole runs.
const MAX_RUN_BYTES: u32 = 64 * 1024;

/// Most runs the overlay holds before a flush writes them into sled, whatever the time.
const MAX_UNWRITTEN_RUNS: usize = 4096;

impl LogOverlay {
    fn is_empty(&self) -> bool {
        self.heads.is_empty() && self.uses.is_empty() && self.runs.is_empty()
    }

    /// Whether the next flush should write it into sled.
    fn due(&self) -> bool {
        self.unwritten_since
            .is_some_and(|since| since.elapsed() >= OVERLAY_WRITE_INTERVAL)
            || self.runs.len() >= MAX_UNWRITTEN_RUNS
    }

    /// `grant` with its uses in these rounds counted.
    fn counted(&self, mut grant: GrantRecord) -> GrantRecord {
        if let Some(&uses) = self.uses.get(&grant.id) {
            grant.use_count = grant.use_count.max(uses);
        }
        grant
    }

    fn runs_of(&self, vault: VaultId) -> Vec<Run> {
        self.runs
            .iter()
            .filter(|(v, _)| *v == vault)
            .map(|(_, run)| *run)
            .collect()
    }

    /// Adds a record written at `framed` (its offset and length): its vault's head and its
    /// place, extending the vault's last run when it follows on; and `uses`, its grant's use
    /// count with it, when known.
    fn add(&mut self, record: &JournalRecord, framed: (u64, u32), uses: Option<u64>) {
        let (offset, len) = framed;
        self.unwritten_since.get_or_insert_with(Instant::now);
        self.heads.insert(record.vault, head_after(&record.entry));
        if let Some(uses) = uses {
            self.uses.insert(record.grant, uses);
        }
        match self.runs.last_mut() {
            Some((vault, run))
                if *vault == record.vault
                    && run.offset + u64::from(run.len) == offset
                    && run.len.saturating_add(len) <= MAX_RUN_BYTES =>
            {
                run.len += len;
            }
            _ => self.runs.push((
                record.vault,
                Run {
                    offset,
                    len,
                    first_seq: record.entry.seq,
                },
            )),
        }
    }

    /// Drops what `written` holds and has not changed since it was taken.
    fn forget(&mut self, written: &Self) {
        self.heads.retain(|v, h| written.heads.get(v) != Some(h));
        self.uses.retain(|g, u| written.uses.get(g) != Some(u));
        self.runs.retain(|run| !written.runs.contains(run));
        self.unwritten_since = (!self.is_empty()).then(Instant::now);
    }
}

impl SledStore {
    /// Opens (or creates) the store in `dir`, upgrading an older format and refusing a newer one.
    pub fn open(dir: &Path, options: SledOptions) -> StoreResult<Self> {
        let (store, unapplied) = Self::open_parts(dir, options)?;
        store.check_version(FORMAT_VERSION, MIGRATIONS)?;
        // Left by the upgrade to version 2 (dropped only once that upgrade is recorded).
        store.db.drop_tree(V1_ITEMS).map_err(backend)?;
        store.index_written_nonces()?;
        store.replay_journal(unapplied)?;
        Ok(store)
    }

    /// Opens the store in `dir` without upgrading it (for a backup, which must copy older
    /// data as it is, so that the server that wrote it can still read the copy); refuses a
    /// newer format.
    pub fn open_as_it_is(dir: &Path, options: SledOptions) -> StoreResult<Self> {
        Self::open_parts(dir, options).map(|(store, _)| store)
    }

    /// Opens the store as it is, with the journal records sled has not applied yet.
    fn open_parts(dir: &Path, options: SledOptions) -> StoreResult<(Self, Vec<Framed>)> {
        let db = sled::Config::new()
            .path(dir)
            .cache_capacity(options.cache_bytes)
            .open()
            .map_err(backend)?;
        let t = Trees::open(&db).map_err(backend)?;
        let committed = meta_len(&t.meta, BODIES_END_KEY)?;
        let applied = meta_len(&t.meta, JOURNAL_APPLIED_KEY)?;
        let had_journal = stored_version(&t.meta)?.is_some_and(|v| v >= JOURNAL_SINCE);
        let (journal, unapplied) = Journal::open(dir, applied, !had_journal)?;
        let store = Self {
            db,
            t,
            bodies: BodyFile::open(dir, committed)?,
            flusher: GroupFlush::default(),
            log_written: AtomicU64::new(0),
            request_nonces: std::sync::Mutex::default(),
            vaults: WrittenOnce::default(),
            parties: WrittenOnce::default(),
            devices: WrittenOnce::default(),
            journal,
            log_overlay: Mutex::default(),
            _released: Released::of(dir),
        };
        match store.stored_version()? {
            Some(found) if found > FORMAT_VERSION => Err(StoreError::TooNew {
                found,
                supported: FORMAT_VERSION,
            }),
            _ => Ok((store, unapplied)),
        }
    }

    /// The stored format version, writing `target` on a fresh store and running `migrations`
    /// up to `target` on an older one.
    fn check_version(&self, target: u32, migrations: &[Migration]) -> StoreResult<()> {
        let Some(found) = self.stored_version()? else {
            return self.set_version(target);
        };
        if found > target {
            return Err(StoreError::TooNew {
                found,
                supported: target,
            });
        }
        for from in found..target {
            let step = migrations
                .iter()
                .find(|m| m.from == from)
                .ok_or(StoreError::NoUpgradePath { found })?;
            tracing::info!(from, to = from + 1, "upgrading data format");
            (step.run)(self)?;
            self.set_version(from + 1)?;
        }
        Ok(())
    }

    fn stored_version(&self) -> StoreResult<Option<u32>> {
        stored_version(&self.t.meta)
    }

    fn set_version(&self, version: u32) -> StoreResult<()> {
        self.t
            .meta
            .insert(VERSION_KEY, &version.to_be_bytes())
            .map_err(backend)?;
        self.flush()
    }

    /// Makes every write committed so far durable, sharing one fsync among concurrent callers.
    fn flush(&self) -> StoreResult<()> {
        self.flusher.flush(|| self.write_out())
    }

    /// One flush: the pending nonce claims into their tree, the journal and what its rounds
    /// changed, then everything to disk.
    fn write_out(&self) -> StoreResult<()> {
        self.write_pending_nonces()?;
        self.journal.sync()?;
        if self.log_overlay().due() {
            self.write_log_overlay()?;
        }
        self.db.flush().map(drop).map_err(backend)
    }

    fn log_overlay(&self) -> MutexGuard<'_, LogOverlay> {
        // Each change is a whole round or a clear after a successful write.
        self.log_overlay
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Syncs the journal, then writes what its rounds changed into sled (without holding the
    /// overlay's lock through the sync, so rounds go on meanwhile). Done now and then, not on
    /// every flush: a sled write per flush cost about as much as writing the entries into sled
    /// did, while the journal alone makes the rounds durable.
    fn write_log_overlay(&self) -> StoreResult<()> {
        let (snapshot, applied) = {
            let overlay = self.log_overlay();
            if overlay.is_empty() {
                return Ok(());
            }
            (overlay.clone(), self.journal.len())
        };
        self.journal.sync()?;
        self.apply_overlay(&snapshot, applied)?;
        self.log_overlay().forget(&snapshot);
        Ok(())
    }

    /// Takes the overlay's lock for a write of log heads or grants outside a round, after
    /// writing the overlay into sled (journal synced first), so the write's transaction sees
    /// every round before it. Drop the guard before flushing: the flusher takes the lock too.
    fn log_settled(&self) -> StoreResult<LogOrder<'_>> {
        let mut overlay = self.log_overlay();
        if !overlay.is_empty() {
            let applied = self.journal.sync()?;
            self.apply_overlay(&overlay, applied)?;
            *overlay = LogOverlay::default();
        }
        Ok(LogOrder {
            store: self,
            _overlay: overlay,
        })
    }

    /// The flusher mark a round must see covered before it is answered: a round builds on the
    /// heads and grants that writes outside rounds put into sled, and if such a write were
    /// lost in a crash, the round's records would continue no chain and be cut off at replay.
    fn log_written_mark(&self) -> Option<u64> {
        self.log_written.load(Ordering::Acquire).checked_sub(1)
    }

    /// Writes `overlay` into sled with `applied`, the journal length it accounts for, in one
    /// transaction. Values only ever grow (use counts, heads by seq, runs, the applied length),
    /// so a snapshot written after a newer write changes nothing.
    ///
    /// The pending request nonces are written first, earlier in sled's order: every record up
    /// to `applied` had its request's nonce claimed before it was appended, so once sled holds
    /// `applied` (and a replay after a crash starts beyond those records), it holds their
    /// nonces too.
    fn apply_overlay(&self, overlay: &LogOverlay, applied: u64) -> StoreResult<()> {
        self.write_pending_nonces()?;
        let trees = (
            &self.t.grants,
            &self.t.log_heads,
            &self.t.log_runs,
            &self.t.meta,
        );
        trees
            .transaction(|(grants, heads, runs, meta)| {
                for (id, &uses) in &overlay.uses {
                    let found = tx_get::<GrantRecord>(grants, "grants", id.as_bytes())?;
                    if let Some(mut grant) = found.filter(|g| g.use_count < uses) {
                        grant.use_count = uses;
                        tx_put(grants, id.as_bytes(), &grant)?;
                    }
                }
                for (vault, head) in &overlay.heads {
                    let stored: LogHead =
                        tx_get(heads, "log_heads", vault.as_bytes())?.unwrap_or_default();
                    if stored.next_seq < head.next_seq {
                        tx_put(heads, vault.as_bytes(), head)?;
                    }
                }
                for (vault, run) in &overlay.runs {
                    // A run grows while later rounds extend it: keep the longest.
                    let key = seq_key(*vault, run.first_seq);
                    let stored = tx_get::<Run>(runs, "log_runs", &key)?;
                    if stored.is_none_or(|s| s.len < run.len) {
                        tx_put(runs, &key, run)?;
                    }
                }
                let stored = match meta.get(JOURNAL_APPLIED_KEY)? {
                    Some(raw) => <[u8; 8]>::try_from(raw.as_ref())
                        .map(u64::from_be_bytes)
                        .map_err(|_| StoreError::Corrupt { tree: "meta" })?,
                    None => 0,
                };
                if stored < applied {
                    meta.insert(JOURNAL_APPLIED_KEY, &applied.to_be_bytes())?;
                }
                Ok(())
            })
            .map_err(from_tx)
    }

    /// Applies the journal records sled has not (a crash before a flush wrote them out), in
    /// order, as far as they continue each vault's chain: a record that does not was never
    /// answered (a round is answered only once the journal is synced and the sled writes it
    /// built on are flushed, [`LogOrder`]), so it and everything after it is cut off.
    fn replay_journal(&self, unapplied: Vec<Framed>) -> StoreResult<()> {
        let Some(first) = unapplied.first() else {
            return Ok(());
        };
        let mut overlay = LogOverlay::default();
        let mut applied = first.offset;
        let mut round = Vec::new();
        for framed in unapplied {
            let ends_round = framed.record.ends_round;
            let end = framed.offset + u64::from(framed.len);
            round.push(framed);
            if ends_round {
                if !self.replay_round(&mut overlay, &round)? {
                    break;
                }
                self.claim_proof_nonces(&round)?;
                applied = end;
                round.clear();
            }
        }
        if applied < self.journal.len() {
            tracing::warn!(
                cut = self.journal.len() - applied,
                "access-log journal: a round cut off by a crash, or one that continues no chain, is cut off"
            );
            self.journal.cut(applied)?;
        }
        self.journal.sync()?;
        self.apply_overlay(&overlay, applied)?;
        self.flush()
    }

    /// Claims again the nonces of the requests kept as proofs in `round`'s entries: the reads
    /// were answered once the journal held them, maybe before sled held their nonces.
    fn claim_proof_nonces(&self, round: &[Framed]) -> StoreResult<()> {
        for framed in round {
            // The server's entries are `SignedEntry`s (`consent::record`); the CRC vouches for
            // the bytes, so one that does not decode was never the server's (a test's).
            let Ok(entry) =
                postcard::from_bytes::<crypto::log::SignedEntry>(&framed.record.entry.entry.0)
            else {
                tracing::warn!("access-log journal: an entry that is no signed entry is replayed without a nonce");
                continue;
            };
            if let Some(proof) = entry.entry.event.proof {
                let claims = proof.claims;
                let (nonce, keep_until) =
                    request_nonce_claim(claims.key, claims.nonce, claims.timestamp);
                // `Replayed`: sled held it already.
                let _ = self.claim_request_nonce(nonce, keep_until)?;
            }
        }
        Ok(())
    }

    /// Adds one whole round to `overlay` if every record continues its vault's chain;
    /// `false`, adding nothing, if one does not.
    fn replay_round(&self, overlay: &mut LogOverlay, round: &[Framed]) -> StoreResult<bool> {
        let mut next = overlay.clone();
        for framed in round {
            let record = &framed.record;
            if record.entry.seq != self.head_with(&next, record.vault)?.next_seq {
                return Ok(false);
            }
            let uses = self
                .grant_with(&next, record.grant)?
                .map(|g| g.use_count + 1);
            next.add(record, (framed.offset, framed.len), uses);
        }
        *overlay = next;
        Ok(true)
    }

    /// The log head of `vault`, the rounds in `overlay` included.
    fn head_with(&self, overlay: &LogOverlay, vault: VaultId) -> StoreResult<LogHead> {
        match overlay.heads.get(&vault) {
            Some(head) => Ok(*head),
            None => Ok(get(&self.t.log_heads, "log_heads", vault.as_bytes())?.unwrap_or_default()),
        }
    }

    /// The grant, its uses in the rounds in `overlay` counted.
    fn grant_with(&self, overlay: &LogOverlay, id: GrantId) -> StoreResult<Option<GrantRecord>> {
        Ok(
            get::<GrantRecord>(&self.t.grants, "grants", id.as_bytes())?
                .map(|g| overlay.counted(g)),
        )
    }

    /// Runs of `vault`'s journal entries that may hold entries from `from_seq` on, at most
    /// `limit` beyond the one holding `from_seq`, those not yet in sled included; by first seq.
    fn runs_from(
        &self,
        overlay: &LogOverlay,
        vault: VaultId,
        from_seq: u64,
        limit: usize,
    ) -> StoreResult<Vec<Run>> {
        let mut runs = overlay.runs_of(vault);
        let holding = self
            .t
            .log_runs
            .range(seq_key(vault, 0)..=seq_key(vault, from_seq))
            .next_back();
        let after = self
            .t
            .log_runs
            .range(seq_key(vault, from_seq.saturating_add(1))..=seq_key(vault, u64::MAX))
            .take(limit);
        for kv in holding.into_iter().chain(after) {
            runs.push(dec("log_runs", &kv.map_err(backend)?.1)?);
        }
        // The same run may be both in the overlay and in sled, one longer: keep the longest.
        runs.sort_by_key(|r| (r.first_seq, std::cmp::Reverse(r.len)));
        runs.dedup_by_key(|r| r.first_seq);
        Ok(runs)
    }

    /// Moves the pending nonce claims into their tree, in one batch: one value per expiry
    /// second, the nonces concatenated, under `time(expiry) ‖ be64(flush id)`.
    fn write_pending_nonces(&self) -> StoreResult<()> {
        let mut index = self.nonce_index();
        let pending = index.pending_by_expiry();
        if pending.is_empty() {
            return Ok(());
        }
        let flush_id = self.db.generate_id().map_err(backend)?;
        // Written while the claims are still pending, so that a concurrent replay finds its
        // nonce in one place or the other.
        let mut batch = sled::Batch::default();
        for (expires_at, nonces) in pending {
            batch.insert(key2(&time_key(expires_at), &flush_id.to_be_bytes()), nonces);
        }
        self.t.request_nonces.apply_batch(batch).map_err(backend)?;
        index.written();
        Ok(())
    }

    fn nonce_index(&self) -> std::sync::MutexGuard<'_, NonceIndex> {
        // Each change is a single insert, a clear after a successful write, or a split.
        self.request_nonces
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether `claim` is in the tree: reads the values of its expiry second.
    fn nonce_written(&self, claim: &Claim) -> StoreResult<bool> {
        for value in self
            .t
            .request_nonces
            .scan_prefix(time_key(claim.expires_at))
            .values()
        {
            if stored_nonces(&value.map_err(backend)?)?.any(|n| n == claim.nonce) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Fills the nonce index's filters from the tree, on open.
    fn index_written_nonces(&self) -> StoreResult<()> {
        let mut index = self.nonce_index();
        for kv in &self.t.request_nonces {
            let (key, value) = kv.map_err(backend)?;
            let expires_at = time_from_key(&key)?;
            for nonce in stored_nonces(&value)? {
                index.remember_written(Claim { expires_at, nonce });
            }
        }
        Ok(())
    }

    /// Removes the request nonces that expired by `now`: a prefix of their tree. None of them
    /// can be claimed again, as their requests fail the clock check first.
    fn purge_request_nonces(&self, now: UnixTime) -> StoreResult<usize> {
        /// Values per removal batch, bounding the memory a purge takes.
        const CHUNK: usize = 1_000;
        let end = time_key(now.saturating_add(1));
        let mut removed = 0;
        loop {
            let mut batch = sled::Batch::default();
            let mut values = 0;
            for kv in self.t.request_nonces.range(..end).take(CHUNK) {
                let (key, value) = kv.map_err(backend)?;
                removed += value.len() / 16;
                batch.remove(key);
                values += 1;
            }
            if values == 0 {
                self.nonce_index().forget_expired(now);
                return Ok(removed);
            }
            self.t.request_nonces.apply_batch(batch).map_err(backend)?;
        }
    }

    /// Writes a copy of the whole store to a new sled directory `dest`, usable as a data
    /// directory. Consistent because the caller holds the store exclusively (sled locks its
    /// directory, so no server can write meanwhile). Verified by checksum.
    pub fn backup_to(&self, dest: &Path) -> StoreResult<()> {
        if dest.exists() {
            return Err(StoreError::Backend(format!(
                "{} exists already",
                dest.display()
            )));
        }
        let written = self.write_backup(dest);
        if written.is_err() {
            // A half-written copy is no backup, and would block the next attempt.
            let _ = std::fs::remove_dir_all(dest);
        }
        written
    }

    fn write_backup(&self, dest: &Path) -> StoreResult<()> {
        let _released = Released::of(dest);
        let copy = sled::Config::new().path(dest).open().map_err(backend)?;
        copy.import(self.db.export());
        copy.flush().map_err(backend)?;
        self.bodies.copy_to(&dest.join(bodies::FILE_NAME))?;
        self.journal.copy_to(&dest.join(journal::FILE_NAME))?;
        if copy.checksum().map_err(backend)? == self.db.checksum().map_err(backend)? {
            Ok(())
        } else {
            Err(StoreError::Backend(
                "backup checksum differs from the store".into(),
            ))
        }
    }

    fn page(&self, vault: VaultId, query: &ItemQuery) -> StoreResult<ItemPage> {
        let limit = query.limit.max(1);
        let mut page = ItemPage {
            next: query.after,
            ..ItemPage::default()
        };
        let start = seq_key(vault, query.after.0.saturating_add(1));
        let end = seq_key(vault, u64::MAX);
        for kv in self.t.items.range(start..=end) {
            let (_, v) = kv.map_err(backend)?;
            if page.items.len() == limit {
                page.more = true;
                break;
            }
            let stored: StoredItem = dec("item_records", &v)?;
            page.next = stored.seq;
            if query.wants(stored.scope, stored.stored_at, stored.author) {
                page.items.push(self.load(stored)?);
            }
        }
        Ok(page)
    }

    /// What `grant` shows of `selection`.
    fn select(
        &self,
        vault: VaultId,
        selection: ItemSelection,
        grant: &GrantRecord,
    ) -> StoreResult<ItemPage> {
        match selection {
            ItemSelection::Page(q) => self.page(vault, &narrowed(&q, grant)),
            ItemSelection::Own(q) => self.page(vault, &own_uploads(&q, grant)),
            ItemSelection::One(id) => Ok(ItemPage {
                items: self
                    .item(vault, id)?
                    .filter(|r| grant.scopes(Mode::Read).contains(r.item.scope) && grant.shows(r))
                    .into_iter()
                    .collect(),
                ..ItemPage::default()
            }),
        }
    }

    /// The grant, if it is active at `now` and lets its grantee make `selection` (`None`:
    /// read something).
    fn active_grant(
        &self,
        access: &GranteeAccess,
        now: UnixTime,
        selection: Option<&ItemSelection>,
    ) -> StoreResult<Result<GrantRecord, GrantDenied>> {
        let Some(grant) = self.grant(access.grant)? else {
            return Ok(Err(GrantDenied::Unknown));
        };
        Ok(grant
            .check_active(access.vault, access.grantee, now)
            .and_then(|()| match selection {
                Some(selection) => may_select(&grant, selection),
                None => readable(&grant).map(drop),
            })
            .map(|()| grant))
    }

    fn prefix_values<T: DeserializeOwned>(
        &self,
        tree: &Tree,
        name: &'static str,
        prefix: &[u8],
    ) -> StoreResult<Vec<T>> {
        tree.scan_prefix(prefix)
            .map(|kv| dec(name, &kv.map_err(backend)?.1))
            .collect()
    }

    /// Grants listed in an index tree under `prefix` (index keys end with the grant id).
    fn indexed_grants(&self, index: &Tree, prefix: &[u8]) -> StoreResult<Vec<GrantRecord>> {
        let mut out = Vec::new();
        for kv in index.scan_prefix(prefix) {
            let (k, _) = kv.map_err(backend)?;
            let id = &k[prefix.len()..];
            if let Some(g) = get(&self.t.grants, "grants", id)? {
                out.push(g);
            }
        }
        let overlay = self.log_overlay();
        Ok(out.into_iter().map(|g| overlay.counted(g)).collect())
    }
}

/// Inside a grant+log transaction: loads the grant and checks it is active.
fn tx_active_grant(
    grants: &TransactionalTree,
    access: &GranteeAccess,
    now: UnixTime,
) -> ConflictableTransactionResult<Result<GrantRecord, GrantDenied>, StoreError> {
    let Some(grant) = tx_get::<GrantRecord>(grants, "grants", access.grant.as_bytes())? else {
        return Ok(Err(GrantDenied::Unknown));
    };
    Ok(grant
        .check_active(access.vault, access.grantee, now)
        .map(|()| grant))
}

/// Inside a transaction: builds the log entry for `event` at the vault's head and writes it.
fn tx_log(
    log: &TransactionalTree,
    heads: &TransactionalTree,
    vault: VaultId,
    builder: LogBuilder<'_>,
    event: AccessEvent<'_>,
) -> ConflictableTransactionResult<LogEntryRecord, StoreError> {
    let head: LogHead = tx_get(heads, "log_heads", vault.as_bytes())?.unwrap_or_default();
    let entry = checked_entry(head, builder(head, event))?;
    tx_put(log, &seq_key(vault, entry.seq), &entry)?;
    tx_put(heads, vault.as_bytes(), &head_after(&entry))?;
    Ok(entry)
}

/// Inside a transaction: appends an owner-signed entry if it sits at the vault's head.
/// `Ok(Err(head))` when it does not (nothing written).
fn tx_append_at_head(
    log: &TransactionalTree,
    heads: &TransactionalTree,
    vault: VaultId,
    entry: Option<&LogEntryRecord>,
) -> ConflictableTransactionResult<Result<(), LogHead>, StoreError> {
    let Some(entry) = entry else {
        return Ok(Ok(()));
    };
    let head: LogHead = tx_get(heads, "log_heads", vault.as_bytes())?.unwrap_or_default();
    if entry.seq != head.next_seq {
        return Ok(Err(head));
    }
    tx_put(log, &seq_key(vault, entry.seq), entry)?;
    tx_put(heads, vault.as_bytes(), &head_after(entry))?;
    Ok(Ok(()))
}

/// Inside a transaction: counts one use of a grant.
fn tx_count_use(
    grants: &TransactionalTree,
    grant: &GrantRecord,
) -> ConflictableTransactionResult<(), StoreError> {
    let mut used = grant.clone();
    used.use_count += 1;
    tx_put(grants, grant.id.as_bytes(), &used)
}

impl Store for SledStore {
    fn create_account(
        &self,
        account: &AccountRecord,
        passkey: &PasskeyRecord,
    ) -> StoreResult<CredentialInsert> {
        let out = (
            &self.t.accounts,
            &self.t.passkeys,
            &self.t.passkeys_by_account,
        )
            .transaction(|(accounts, passkeys, by_account)| {
                if passkeys.get(&passkey.credential_id)?.is_some()
                    || accounts.get(account.id.as_bytes())?.is_some()
                {
                    return Ok(CredentialInsert::CredentialTaken);
                }
                tx_put(accounts, account.id.as_bytes(), account)?;
                tx_put(passkeys, &passkey.credential_id, passkey)?;
                by_account.insert(key2(account.id.as_bytes(), &passkey.credential_id), &[])?;
                Ok(CredentialInsert::Stored)
            })
            .map_err(from_tx)?;
        self.flush()?;
        Ok(out)
    }

    fn account(&self, id: AccountId) -> StoreResult<Option<AccountRecord>> {
        get(&self.t.accounts, "accounts", id.as_bytes())
    }

    fn add_passkey(&self, passkey: &PasskeyRecord) -> StoreResult<CredentialInsert> {
        let out = (
            &self.t.accounts,
            &self.t.passkeys,
            &self.t.passkeys_by_account,
        )
            .transaction(|(accounts, passkeys, by_account)| {
                if passkeys.get(&passkey.credential_id)?.is_some() {
                    return Ok(CredentialInsert::CredentialTaken);
                }
                if accounts.get(passkey.account.as_bytes())?.is_none() {
                    return Err(StoreError::Internal("passkey added to an unknown account").into());
                }
                tx_put(passkeys, &passkey.credential_id, passkey)?;
                by_account.insert(
                    key2(passkey.account.as_bytes(), &passkey.credential_id),
                    &[],
                )?;
                Ok(CredentialInsert::Stored)
            })
            .map_err(from_tx)?;
        self.flush()?;
        Ok(out)
    }

    fn passkeys(&self, account: AccountId) -> StoreResult<Vec<PasskeyRecord>> {
        let prefix = account.as_bytes();
        let mut list = Vec::new();
        for kv in self.t.passkeys_by_account.scan_prefix(prefix) {
            let (k, _) = kv.map_err(backend)?;
            if let Some(p) = get::<PasskeyRecord>(&self.t.passkeys, "passkeys", &k[prefix.len()..])?
            {
                list.push(p);
            }
        }
        list.sort_by_key(|p| (p.created_at, p.credential_id.clone()));
        Ok(list)
    }

    fn update_passkey(&self, passkey: &PasskeyRecord) -> StoreResult<bool> {
        let out = self
            .t
            .passkeys
            .transaction(|passkeys| {
                match tx_get::<PasskeyRecord>(passkeys, "passkeys", &passkey.credential_id)? {
                    Some(stored) if stored.account == passkey.account => {
                        tx_put(passkeys, &passkey.credential_id, passkey)?;
                        Ok(true)
                    }
                    _ => Ok(false),
                }
            })
            .map_err(from_tx)?;
        self.flush()?;
        Ok(out)
    }

    fn remove_passkey(
        &self,
        account: AccountId,
        credential_id: &[u8],
    ) -> StoreResult<RemovePasskey> {
        // The count of an account's passkeys needs a scan, which sled transactions cannot do;
        // a per-account counter would duplicate state. Instead the scan runs first and the
        // transaction re-checks every key it counted, so a concurrent removal aborts as a
        // conflict and the whole check reruns.
        loop {
            let prefix = account.as_bytes();
            let owned: Vec<Vec<u8>> = self
                .t
                .passkeys_by_account
                .scan_prefix(prefix)
                .map(|kv| kv.map(|(k, _)| k.to_vec()))
                .collect::<Result<_, _>>()
                .map_err(backend)?;
            let index_key = key2(prefix, credential_id);
            if !owned.contains(&index_key) {
                return Ok(RemovePasskey::Unknown);
            }
            if owned.len() == 1 {
                return Ok(RemovePasskey::LastPasskey);
            }
            let removed = (&self.t.passkeys, &self.t.passkeys_by_account)
                .transaction(|(passkeys, by_account)| {
                    for k in &owned {
                        if by_account.get(k)?.is_none() {
                            return Ok(false);
                        }
                    }
                    by_account.remove(index_key.as_slice())?;
                    passkeys.remove(credential_id)?;
                    Ok(true)
                })
                .map_err(from_tx)?;
            if removed {
                self.flush()?;
                return Ok(RemovePasskey::Removed);
            }
        }
    }

    fn put_session(&self, session: &SessionRecord) -> StoreResult<()> {
        self.t
            .sessions
            .insert(session.token_hash.as_bytes(), enc(session)?)
            .map_err(backend)?;
        self.flush()
    }

    fn session(&self, token_hash: Digest, now: UnixTime) -> StoreResult<Option<SessionRecord>> {
        Ok(
            get::<SessionRecord>(&self.t.sessions, "sessions", token_hash.as_bytes())?
                .filter(|s| now < s.expires_at),
        )
    }

    fn delete_session(&self, token_hash: Digest) -> StoreResult<()> {
        self.t
            .sessions
            .remove(token_hash.as_bytes())
            .map_err(backend)?;
        self.flush()
    }

    fn enroll_device(&self, device: &DeviceRecord) -> StoreResult<EnrollDevice> {
        let out = self
            .t
            .devices
            .transaction(|devices| {
                match tx_get::<DeviceRecord>(devices, "devices", device.party.as_bytes())? {
                    Some(existing) if existing.account != device.account => {
                        Ok(EnrollDevice::OtherAccount)
                    }
                    Some(_) => Ok(EnrollDevice::Enrolled),
                    None => {
                        tx_put(devices, device.party.as_bytes(), device)?;
                        Ok(EnrollDevice::Enrolled)
                    }
                }
            })
            .map_err(from_tx)?;
        self.flush()?;
        Ok(out)
    }

    fn device(&self, party: PartyId) -> StoreResult<Option<DeviceRecord>> {
        self.devices
            .get(party, || get(&self.t.devices, "devices", party.as_bytes()))
    }

    fn enroll_party(&self, party: &PartyRecord) -> StoreResult<Insert> {
        let out = insert_absent(&self.t.parties, party.party.as_bytes(), party)?;
        self.flush()?;
        Ok(out)
    }

    fn party(&self, id: PartyId) -> StoreResult<Option<PartyRecord>> {
        self.parties
            .get(id, || get(&self.t.parties, "parties", id.as_bytes()))
    }

    fn server_root(&self, candidate: &RootSecret) -> StoreResult<RootSecret> {
        let previous = self
            .t
            .meta
            .compare_and_swap(
                SERVER_ROOT_KEY,
                None::<&[u8]>,
                Some(candidate.expose_bytes().as_slice()),
            )
            .map_err(backend)?;
        self.flush()?;
        match previous {
            Ok(()) => Ok(candidate.clone()),
            Err(existing) => existing
                .current
                .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_ref()).ok())
                .map(RootSecret::from_bytes)
                .ok_or(StoreError::Corrupt { tree: "meta" }),
        }
    }

    fn register_vault(&self, vault: &VaultRecord) -> StoreResult<RegisterVault> {
        let out = self
            .t
            .vaults
            .transaction(|vaults| {
                match tx_get::<VaultRecord>(vaults, "vaults", vault.id.as_bytes())? {
                    Some(existing) => Ok(RegisterVault::AlreadyRegistered(existing)),
                    None => {
                        tx_put(vaults, vault.id.as_bytes(), vault)?;
                        Ok(RegisterVault::Registered)
                    }
                }
            })
            .map_err(from_tx)?;
        self.flush()?;
        Ok(out)
    }

    fn vault(&self, id: VaultId) -> StoreResult<Option<VaultRecord>> {
        self.vaults
            .get(id, || get(&self.t.vaults, "vaults", id.as_bytes()))
    }

    fn put_items(&self, vault: VaultId, items: &[NewItem], now: UnixTime) -> StoreResult<PutItems> {
        let bodies = self
            .bodies
            .append(items.iter().map(|i| i.ciphertext.0.as_slice()))?;
        let result = (
            &self.t.items,
            &self.t.item_ids,
            &self.t.item_heads,
            &self.t.meta,
        )
            .transaction(|(items_t, ids, heads, meta)| {
                let trees = ItemTrees {
                    items: items_t,
                    ids,
                    heads,
                    meta,
                };
                tx_store_items(&trees, vault, items, &bodies, now)
            });
        settle(bodies, &result, |out| matches!(out, PutItems::Stored(_)));
        let out = result.map_err(from_tx)?;
        self.flush()?;
        Ok(out)
    }

    fn item(&self, vault: VaultId, id: ItemId) -> StoreResult<Option<ItemRecord>> {
        let Some(seq) = self
            .t
            .item_ids
            .get(key2(vault.as_bytes(), id.as_bytes()))
            .map_err(backend)?
        else {
            return Ok(None);
        };
        get::<StoredItem>(
            &self.t.items,
            "item_records",
            &seq_key(vault, seq_from(&seq)?),
        )?
        .map(|stored| self.load(stored))
        .transpose()
    }

    fn list_items(&self, vault: VaultId, query: &ItemQuery) -> StoreResult<ItemPage> {
        self.page(vault, query)
    }

    fn grantee_items(
        &self,
        access: &GranteeAccess,
        selection: ItemSelection,
        now: UnixTime,
    ) -> StoreResult<Result<ItemPage, GrantDenied>> {
        let grant = match self.active_grant(access, now, Some(&selection))? {
            Ok(g) => g,
            Err(denied) => return Ok(Err(denied)),
        };
        Ok(Ok(self.select(access.vault, selection, &grant)?))
    }

    fn grantee_append_items(
        &self,
        access: &GranteeAccess,
        items: &[NewItem],
        now: UnixTime,
        log: LogBuilder<'_>,
    ) -> StoreResult<Result<(Vec<ItemRecord>, LogEntryRecord), AppendDenied>> {
        if items.is_empty() {
            return Err(StoreError::Internal("an append of no items"));
        }
        let body = self
            .bodies
            .append(items.iter().map(|i| i.ciphertext.0.as_slice()))?;
        let trees = (
            &self.t.grants,
            &self.t.log,
            &self.t.log_heads,
            &self.t.items,
            &self.t.item_ids,
            &self.t.item_heads,
            &self.t.meta,
        );
        let log_order = self.log_settled()?;
        let result = trees.transaction(|(grants, log_t, heads, items_t, ids, item_heads, meta)| {
            let grant = match tx_active_grant(grants, access, now)? {
                Ok(g) => g,
                Err(denied) => return Ok(Err(AppendDenied::Grant(denied))),
            };
            if !items
                .iter()
                .all(|i| grant.scopes(Mode::Append).contains(i.scope))
            {
                return Ok(Err(AppendDenied::Grant(GrantDenied::ScopeNotGranted)));
            }
            let item_trees = ItemTrees {
                items: items_t,
                ids,
                heads: item_heads,
                meta,
            };
            let records = match tx_store_items(&item_trees, access.vault, items, &body, now)? {
                PutItems::Stored(stored) => stored,
                PutItems::Duplicate(id) => return Ok(Err(AppendDenied::Duplicate(id))),
            };
            tx_count_use(grants, &grant)?;
            let event = AccessEvent::ItemsAppended {
                grant: &grant,
                items: &records,
            };
            let entry = tx_log(log_t, heads, access.vault, log, event)?;
            Ok(Ok((records, entry)))
        });
        drop(log_order);
        settle(body, &result, Result::is_ok);
        let out = result.map_err(from_tx)?;
        if out.is_ok() {
            self.flush()?;
        }
        Ok(out)
    }

    fn put_scope_keys(
        &self,
        vault: VaultId,
        owner: PartyId,
        keys: &[WrappedKeyRecord],
    ) -> StoreResult<Result<(), EpochTaken>> {
        let outcome = self
            .t
            .scope_keys
            .transaction(|t| {
                let taken = owner_epoch_taken(owner, keys, |k| {
                    tx_get(t, "scope_keys", &scope_key_key(vault, k))
                })?;
                if let Some(taken) = taken {
                    return Ok(Err(taken));
                }
                for k in keys {
                    tx_put(t, &scope_key_key(vault, k), k)?;
                }
                Ok(Ok(()))
            })
            .map_err(from_tx)?;
        if outcome.is_ok() {
            self.flush()?;
        }
        Ok(outcome)
    }

    fn scope_keys(&self, vault: VaultId, recipient: PartyId) -> StoreResult<Vec<WrappedKeyRecord>> {
        self.prefix_values(
            &self.t.scope_keys,
            "scope_keys",
            &key2(vault.as_bytes(), recipient.as_bytes()),
        )
    }

    fn grantee_scope_keys(
        &self,
        access: &GranteeAccess,
        now: UnixTime,
    ) -> StoreResult<Result<Vec<WrappedKeyRecord>, GrantDenied>> {
        let scopes = match self.active_grant(access, now, None)? {
            Ok(g) => g.scopes(Mode::Read),
            Err(denied) => return Ok(Err(denied)),
        };
        let mut keys = self.scope_keys(access.vault, access.grantee)?;
        keys.retain(|k| scopes.contains(k.scope));
        Ok(Ok(keys))
    }

    fn log_grantee_reads(&self, reads: &[LoggedRead<'_>]) -> StoreResult<LoggedReads> {
        // Under the overlay's lock nobody else writes a head or a grant, so the plan stays
        // valid while its entries are appended to the journal.
        let mut overlay = self.log_overlay();
        let plan = ReadPlan::new(
            reads,
            |id| self.grant_with(&overlay, id),
            |vault| self.head_with(&overlay, vault),
        )?;
        // Entries grouped by vault (a stable sort keeps each vault's order), so that each
        // vault's entries of the round lie together in the journal, as one run.
        let mut records: Vec<JournalRecord> = plan
            .entries
            .iter()
            .map(|(access, entry)| JournalRecord {
                vault: access.vault,
                grant: access.grant,
                entry: entry.clone(),
                ends_round: false,
            })
            .collect();
        records.sort_by_key(|r| r.vault);
        if let Some(last) = records.last_mut() {
            last.ends_round = true;
        }
        let places = self.journal.append(&records)?;
        for (record, place) in records.iter().zip(places) {
            overlay.add(record, place, None);
        }
        for (id, (before, after)) in &plan.grants {
            if let Some(after) = after.as_ref().filter(|a| Some(*a) != before.as_ref()) {
                overlay.uses.insert(*id, after.use_count);
            }
        }
        let due = overlay.due();
        let built_on = self.log_written_mark();
        drop(overlay);
        // The journal makes the round durable: its overlay goes into sled later, and a replay
        // after a crash recovers it, the nonces of the requests kept as proofs included, as
        // long as what it built on is durable in sled too.
        self.journal.sync()?;
        if due {
            // Nothing else may flush while only grantees read: keep what a replay has to redo,
            // and the overlay's memory, bounded.
            self.flush()?;
        } else if let Some(mark) = built_on.filter(|&m| !self.flusher.covers(m)) {
            self.flusher.flush_since(mark, || self.write_out())?;
        }
        Ok(plan.outcomes)
    }

    fn insert_request(&self, request: &RequestRecord) -> StoreResult<Insert> {
        insert_absent(&self.t.requests, request.reference.as_bytes(), request).and_then(|o| {
            self.flush()?;
            Ok(o)
        })
    }

    fn request(&self, reference: Nonce, now: UnixTime) -> StoreResult<Option<RequestRecord>> {
        Ok(
            get::<RequestRecord>(&self.t.requests, "requests", reference.as_bytes())?
                .filter(|r| now < r.expires_at),
        )
    }

    fn claim_request_nonce(
        &self,
        nonce: Nonce,
        expires_at: UnixTime,
    ) -> StoreResult<(NonceClaim, SyncMark)> {
        let claim = Claim { expires_at, nonce };
        let outcome = {
            let mut index = self.nonce_index();
            let seen = match index.lookup(&claim) {
                Known::Pending => true,
                Known::Maybe => self.nonce_written(&claim)?,
                Known::No => false,
            };
            if seen {
                NonceClaim::Replayed
            } else {
                index.claim(claim);
                NonceClaim::Fresh
            }
        };
        // Taken after the claim was recorded: any flush started later writes it out.
        Ok((outcome, SyncMark(self.flusher.mark())))
    }

    fn sync(&self, mark: SyncMark) -> StoreResult<()> {
        self.flusher.flush_since(mark.0, || self.write_out())
    }

    fn is_durable(&self, mark: SyncMark) -> bool {
        self.flusher.covers(mark.0)
    }

    fn insert_grant(
        &self,
        grant: &GrantRecord,
        log: Option<&LogEntryRecord>,
    ) -> StoreResult<InsertGrant> {
        let trees = (
            &self.t.grants,
            &self.t.nonces,
            &self.t.grants_by_vault,
            &self.t.grants_by_grantee,
            &self.t.log,
            &self.t.log_heads,
        );
        let log_order = self.log_settled()?;
        let out = trees
            .transaction(|(grants, nonces, by_vault, by_grantee, log_t, heads)| {
                if grants.get(grant.id.as_bytes())?.is_some() {
                    return Ok(InsertGrant::Exists);
                }
                let nonce = grant_nonce_key(grant.nonce);
                if nonces.get(&nonce)?.is_some() {
                    return Ok(InsertGrant::NonceReplayed);
                }
                if let Err(head) = tx_append_at_head(log_t, heads, grant.vault, log)? {
                    return Ok(InsertGrant::LogHeadMoved(head));
                }
                tx_put(nonces, &nonce, &None::<UnixTime>)?;
                tx_put(grants, grant.id.as_bytes(), grant)?;
                by_vault.insert(key2(grant.vault.as_bytes(), grant.id.as_bytes()), &[])?;
                by_grantee.insert(key2(grant.grantee.as_bytes(), grant.id.as_bytes()), &[])?;
                Ok(InsertGrant::Inserted)
            })
            .map_err(from_tx)?;
        drop(log_order);
        self.flush()?;
        Ok(out)
    }

    fn grant(&self, id: GrantId) -> StoreResult<Option<GrantRecord>> {
        self.grant_with(&self.log_overlay(), id)
    }

    fn grants_for_vault(&self, vault: VaultId) -> StoreResult<Vec<GrantRecord>> {
        self.indexed_grants(&self.t.grants_by_vault, vault.as_bytes())
    }

    fn grants_for_grantee(&self, grantee: PartyId) -> StoreResult<Vec<GrantRecord>> {
        self.indexed_grants(&self.t.grants_by_grantee, grantee.as_bytes())
    }

    fn revoke_grant(
        &self,
        vault: VaultId,
        id: GrantId,
        at: UnixTime,
        revocation: &Blob,
        log: Option<&LogEntryRecord>,
    ) -> StoreResult<RevokeGrant> {
        let log_order = self.log_settled()?;
        let out = (&self.t.grants, &self.t.log, &self.t.log_heads)
            .transaction(|(grants, log_t, heads)| {
                let Some(mut grant) = tx_get::<GrantRecord>(grants, "grants", id.as_bytes())?
                    .filter(|g| g.vault == vault)
                else {
                    return Ok(RevokeGrant::Unknown);
                };
                if grant.revoked_at.is_some() {
                    return Ok(RevokeGrant::AlreadyRevoked(grant));
                }
                if let Err(head) = tx_append_at_head(log_t, heads, vault, log)? {
                    return Ok(RevokeGrant::LogHeadMoved(head));
                }
                grant.revoked_at = Some(at);
                grant.revocation = Some(revocation.clone());
                tx_put(grants, id.as_bytes(), &grant)?;
                Ok(RevokeGrant::Revoked(grant))
            })
            .map_err(from_tx)?;
        drop(log_order);
        self.flush()?;
        Ok(out)
    }

    fn insert_link(
        &self,
        link: &LinkRecord,
        log: Option<&LogEntryRecord>,
    ) -> StoreResult<InsertLink> {
        let log_order = self.log_settled()?;
        let out = (&self.t.links, &self.t.log, &self.t.log_heads)
            .transaction(|(links, log_t, heads)| {
                if links.get(link.id.as_bytes())?.is_some() {
                    return Ok(InsertLink::Exists);
                }
                if let Err(head) = tx_append_at_head(log_t, heads, link.vault, log)? {
                    return Ok(InsertLink::LogHeadMoved(head));
                }
                tx_put(links, link.id.as_bytes(), link)?;
                Ok(InsertLink::Inserted)
            })
            .map_err(from_tx)?;
        drop(log_order);
        self.flush()?;
        Ok(out)
    }

    fn link(&self, id: LinkId) -> StoreResult<Option<LinkRecord>> {
        get(&self.t.links, "links", id.as_bytes())
    }

    fn open_link(
        &self,
        id: LinkId,
        now: UnixTime,
        passcode_ok: PasscodeCheck<'_>,
        log: LogBuilder<'_>,
    ) -> StoreResult<OpenLink> {
        let log_order = self.log_settled()?;
        let out = (&self.t.links, &self.t.log, &self.t.log_heads)
            .transaction(|(links, log_t, heads)| {
                let Some(link) =
                    tx_get::<LinkRecord>(links, "links", id.as_bytes())?.filter(|l| l.is_open(now))
                else {
                    return Ok(OpenLink::Gone);
                };
                let mut updated = link.clone();
                let outcome = if passcode_ok(&link) {
                    updated.uses += 1;
                    LinkOutcome::Opened
                } else {
                    updated.failures += 1;
                    LinkOutcome::WrongPasscode
                };
                tx_put(links, id.as_bytes(), &updated)?;
                let entry = tx_log(
                    log_t,
                    heads,
                    link.vault,
                    log,
                    AccessEvent::LinkAttempt {
                        link: &updated,
                        outcome,
                    },
                )?;
                Ok(match outcome {
                    LinkOutcome::Opened => OpenLink::Opened(updated, entry),
                    LinkOutcome::WrongPasscode => OpenLink::WrongPasscode {
                        remaining: PASSCODE_FAILURE_LIMIT.saturating_sub(updated.failures),
                    },
                })
            })
            .map_err(from_tx)?;
        drop(log_order);
        self.flush()?;
        Ok(out)
    }

    fn revoke_link(
        &self,
        vault: VaultId,
        id: LinkId,
        log: Option<&LogEntryRecord>,
    ) -> StoreResult<RevokeLink> {
        let log_order = self.log_settled()?;
        let out = (&self.t.links, &self.t.log, &self.t.log_heads)
            .transaction(|(links, log_t, heads)| {
                let Some(mut link) = tx_get::<LinkRecord>(links, "links", id.as_bytes())?
                    .filter(|l| l.vault == vault)
                else {
                    return Ok(RevokeLink::Unknown);
                };
                if link.revoked {
                    return Ok(RevokeLink::AlreadyRevoked);
                }
                if let Err(head) = tx_append_at_head(log_t, heads, vault, log)? {
                    return Ok(RevokeLink::LogHeadMoved(head));
                }
                link.revoked = true;
                tx_put(links, id.as_bytes(), &link)?;
                Ok(RevokeLink::Revoked)
            })
            .map_err(from_tx)?;
        drop(log_order);
        self.flush()?;
        Ok(out)
    }

    fn log_head(&self, vault: VaultId) -> StoreResult<LogHead> {
        self.head_with(&self.log_overlay(), vault)
    }

    fn log_event(
        &self,
        vault: VaultId,
        event: AccessEvent<'_>,
        log: LogBuilder<'_>,
    ) -> StoreResult<LogEntryRecord> {
        let log_order = self.log_settled()?;
        let entry = (&self.t.log, &self.t.log_heads)
            .transaction(|(log_t, heads)| tx_log(log_t, heads, vault, log, event))
            .map_err(from_tx)?;
        drop(log_order);
        self.flush()?;
        Ok(entry)
    }

    fn append_log(&self, vault: VaultId, entry: &LogEntryRecord) -> StoreResult<AppendLog> {
        let log_order = self.log_settled()?;
        let out = (&self.t.log, &self.t.log_heads)
            .transaction(|(log_t, heads)| {
                let head: LogHead =
                    tx_get(heads, "log_heads", vault.as_bytes())?.unwrap_or_default();
                if entry.seq != head.next_seq {
                    return Ok(AppendLog::SeqMismatch(head));
                }
                tx_put(log_t, &seq_key(vault, entry.seq), entry)?;
                tx_put(heads, vault.as_bytes(), &head_after(entry))?;
                Ok(AppendLog::Appended)
            })
            .map_err(from_tx)?;
        drop(log_order);
        self.flush()?;
        Ok(out)
    }

    fn log_from(
        &self,
        vault: VaultId,
        from_seq: u64,
        limit: usize,
    ) -> StoreResult<Vec<LogEntryRecord>> {
        // Under the overlay's lock every writer of the log waits, so the runs (in the overlay
        // or in sled) and the `log` tree are read as of one moment.
        let (runs, mut entries) = {
            let overlay = self.log_overlay();
            let runs = self.runs_from(&overlay, vault, from_seq, limit)?;
            let inline: Vec<LogEntryRecord> = self
                .t
                .log
                .range(seq_key(vault, from_seq)..=seq_key(vault, u64::MAX))
                .take(limit)
                .map(|kv| dec("log", &kv.map_err(backend)?.1))
                .collect::<StoreResult<_>>()?;
            (runs, inline)
        };
        let mut from_journal = 0;
        for run in &runs {
            if from_journal >= limit {
                break;
            }
            for record in self.journal.read(run)? {
                if record.entry.seq >= from_seq {
                    entries.push(record.entry);
                    from_journal += 1;
                }
            }
        }
        entries.sort_by_key(|e| e.seq);
        entries.truncate(limit);
        Ok(entries)
    }

    fn purge_expired(&self, now: UnixTime) -> StoreResult<Purged> {
        self.write_pending_nonces()?;
        let purged = Purged {
            sessions: purge(&self.t.sessions, "sessions", |s: SessionRecord| {
                s.expires_at <= now
            })?,
            nonces: self.purge_request_nonces(now)?,
            requests: purge(&self.t.requests, "requests", |r: RequestRecord| {
                r.expires_at <= now
            })?,
        };
        self.flush()?;
        Ok(purged)
    }
}

fn scope_key_key(vault: VaultId, k: &WrappedKeyRecord) -> Vec<u8> {
    [
        vault.as_bytes().as_slice(),
        k.recipient.as_bytes(),
        &[k.scope as u8],
        &k.epoch.to_be_bytes(),
    ]
    .concat()
}

/// An item as the `item_records` tree keeps it: the labels of its [`ItemRecord`] and where
/// its body lies in the body file.
#[derive(Debug, Serialize, Deserialize)]
struct StoredItem {
    seq: SyncCursor,
    stored_at: UnixTime,
    id: ItemId,
    scope: Scope,
    sealing: Sealing,
    author: PartyId,
    body: BodyRef,
}

impl StoredItem {
    fn new(record: &ItemRecord, body: BodyRef) -> Self {
        Self {
            seq: record.seq,
            stored_at: record.stored_at,
            id: record.item.id,
            scope: record.item.scope,
            sealing: record.item.sealing,
            author: record.item.author,
            body,
        }
    }

    fn with_body(self, ciphertext: Vec<u8>) -> ItemRecord {
        ItemRecord {
            seq: self.seq,
            stored_at: self.stored_at,
            item: NewItem {
                id: self.id,
                scope: self.scope,
                sealing: self.sealing,
                author: self.author,
                ciphertext: Blob(ciphertext),
            },
        }
    }
}

impl SledStore {
    /// The whole item: the stored labels with the body read from the body file.
    fn load(&self, stored: StoredItem) -> StoreResult<ItemRecord> {
        let body = self.bodies.read(&stored.body)?;
        Ok(stored.with_body(body))
    }

    /// Writes the bodies of version-1 `items` to the body file and their stored items to
    /// `item_records`, then records the file's committed length.
    fn move_bodies(&self, items: &[(sled::IVec, V1Item)]) -> StoreResult<()> {
        let bodies = self
            .bodies
            .append(items.iter().map(|(_, i)| i.ciphertext.0.as_slice()))?;
        let mut batch = sled::Batch::default();
        for ((key, old), body) in items.iter().zip(&bodies.refs) {
            let stored = StoredItem {
                seq: old.seq,
                stored_at: old.stored_at,
                id: old.id,
                scope: old.scope,
                sealing: old.sealing,
                author: old.author,
                body: *body,
            };
            batch.insert(key, enc(&stored)?);
        }
        self.t.items.apply_batch(batch).map_err(backend)?;
        self.t
            .meta
            .insert(BODIES_END_KEY, &bodies.end().to_be_bytes())
            .map_err(backend)?;
        bodies.keep();
        Ok(())
    }
}

/// An item as format version 1 stored it in tree `items`, body inline. Frozen here so that
/// later changes to [`ItemRecord`] cannot break this upgrade.
#[derive(Deserialize)]
struct V1Item {
    seq: SyncCursor,
    stored_at: UnixTime,
    id: ItemId,
    scope: Scope,
    sealing: Sealing,
    author: PartyId,
    ciphertext: Blob,
}

/// Upgrade 1 → 2: moves every item body from the `items` tree into the body file, keeping
/// the rest in `item_records`. Starts over from scratch when an earlier attempt was cut off
/// (the old tree stays until the new version is recorded).
fn move_item_bodies_out(store: &SledStore) -> StoreResult<()> {
    /// Items per body-file write and sled batch.
    const CHUNK: usize = 1_000;
    let old = store.db.open_tree(V1_ITEMS).map_err(backend)?;
    store.t.items.clear().map_err(backend)?;
    // Forget the committed length durably before emptying the file, so that no crash can
    // leave a length the file does not have.
    store.t.meta.remove(BODIES_END_KEY).map_err(backend)?;
    store.flush()?;
    store.bodies.clear()?;
    let mut chunk = Vec::with_capacity(CHUNK);
    for kv in &old {
        let (key, value) = kv.map_err(backend)?;
        chunk.push((key, dec::<V1Item>(V1_ITEMS, &value)?));
        if chunk.len() == CHUNK {
            store.move_bodies(&chunk)?;
            chunk.clear();
        }
    }
    store.move_bodies(&chunk)
}

/// Format 3 to 4: grantee-read entries go to the access-log journal from now on; the entries
/// already in the `log` tree stay there (`log_from` reads both), so nothing moves.
#[allow(clippy::unnecessary_wraps, reason = "a migration's signature")]
fn start_access_log_journal(_: &SledStore) -> StoreResult<()> {
    Ok(())
}

/// Upgrade 2 → 3: moves request nonces (tag `r` in `nonces`, their expiry in the value) to
/// `request_nonces`, grouped by expiry second. Each chunk is in the new tree before it leaves
/// the old one, so an upgrade cut off halfway just runs again (a nonce stored twice is
/// harmless).
fn move_request_nonces(store: &SledStore) -> StoreResult<()> {
    /// Nonces per pair of batches.
    const CHUNK: usize = 10_000;
    let corrupt = || StoreError::Corrupt { tree: "nonces" };
    loop {
        let chunk = store
            .t
            .nonces
            .scan_prefix(b"r")
            .take(CHUNK)
            .collect::<Result<Vec<_>, _>>()
            .map_err(backend)?;
        if chunk.is_empty() {
            return Ok(());
        }
        let mut by_expiry = BTreeMap::<UnixTime, Vec<u8>>::new();
        let mut gone = sled::Batch::default();
        for (key, value) in chunk {
            let nonce = key.get(1..).filter(|n| n.len() == 16).ok_or_else(corrupt)?;
            let expires_at = dec::<Option<UnixTime>>("nonces", &value)?.ok_or_else(corrupt)?;
            by_expiry
                .entry(expires_at)
                .or_default()
                .extend_from_slice(nonce);
            gone.remove(key);
        }
        let chunk_id = store.db.generate_id().map_err(backend)?;
        let mut moved = sled::Batch::default();
        for (expires_at, nonces) in by_expiry {
            moved.insert(key2(&time_key(expires_at), &chunk_id.to_be_bytes()), nonces);
        }
        store.t.request_nonces.apply_batch(moved).map_err(backend)?;
        store.t.nonces.apply_batch(gone).map_err(backend)?;
    }
}

/// Keeps appended bodies when their transaction committed, or may have: sled applies a
/// commit tree by tree, so a storage error can leave some of it in place, and the bytes then
/// cost only space. Cuts them off when the transaction refused or aborted.
fn settle<T>(
    bodies: Appended<'_>,
    result: &Result<T, TransactionError<StoreError>>,
    committed: impl Fn(&T) -> bool,
) {
    match result {
        Ok(out) if committed(out) => bodies.keep(),
        Err(TransactionError::Storage(_)) => bodies.keep(),
        Ok(_) | Err(TransactionError::Abort(_)) => drop(bodies),
    }
}

/// The trees an item write touches, inside a transaction.
struct ItemTrees<'a> {
    items: &'a TransactionalTree,
    ids: &'a TransactionalTree,
    heads: &'a TransactionalTree,
    meta: &'a TransactionalTree,
}

/// Inside a transaction: stores items, whose bodies `bodies` has appended to the body file,
/// with the vault's next sequence numbers, and records the file's new committed length.
fn tx_store_items(
    t: &ItemTrees<'_>,
    vault: VaultId,
    items: &[NewItem],
    bodies: &Appended<'_>,
    now: UnixTime,
) -> ConflictableTransactionResult<PutItems, StoreError> {
    let ItemTrees {
        items: items_t,
        ids,
        heads,
        meta,
    } = *t;
    let mut seen = std::collections::HashSet::new();
    for item in items {
        if !seen.insert(item.id)
            || ids
                .get(key2(vault.as_bytes(), item.id.as_bytes()))?
                .is_some()
        {
            return Ok(PutItems::Duplicate(item.id));
        }
    }
    let mut seq = match heads.get(vault.as_bytes())? {
        Some(raw) => seq_from(&raw)?,
        None => 0,
    };
    if bodies.refs.len() != items.len() {
        return Err(StoreError::Internal("items and body references differ in number").into());
    }
    let mut stored = Vec::with_capacity(items.len());
    for (item, body) in items.iter().zip(&bodies.refs) {
        seq += 1;
        let record = ItemRecord {
            seq: SyncCursor(seq),
            stored_at: now,
            item: item.clone(),
        };
        tx_put(
            items_t,
            &seq_key(vault, seq),
            &StoredItem::new(&record, *body),
        )?;
        ids.insert(
            key2(vault.as_bytes(), item.id.as_bytes()),
            &seq.to_be_bytes(),
        )?;
        stored.push(record);
    }
    heads.insert(vault.as_bytes(), &seq.to_be_bytes())?;
    meta.insert(BODIES_END_KEY, &bodies.end().to_be_bytes())?;
    Ok(PutItems::Stored(stored))
}

/// Inserts `value` under `key` unless the key exists (compare-and-swap against absent).
fn insert_absent<T: Serialize>(tree: &Tree, key: &[u8], value: &T) -> StoreResult<Insert> {
    match tree
        .compare_and_swap(key, None::<&[u8]>, Some(enc(value)?))
        .map_err(backend)?
    {
        Ok(()) => Ok(Insert::Inserted),
        Err(_) => Ok(Insert::Exists),
    }
}

/// Removes every record of `tree` for which `expired` holds; returns how many.
fn purge<T: DeserializeOwned>(
    tree: &Tree,
    name: &'static str,
    expired: impl Fn(T) -> bool,
) -> StoreResult<usize> {
    let mut removed = 0;
    for kv in tree.iter() {
        let (k, v) = kv.map_err(backend)?;
        if expired(dec(name, &v)?) {
            // Only remove the value we judged, never a newer one written meanwhile.
            if tree
                .compare_and_swap(&k, Some(&v), None::<&[u8]>)
                .map_err(backend)?
                .is_ok()
            {
                removed += 1;
            }
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use crypto::Scope;
    use rand_core::{OsRng, RngCore as _};

    fn item() -> NewItem {
        NewItem {
            id: ItemId::random(&mut OsRng),
            scope: Scope::Notities,
            sealing: crypto::Sealing::ScopeKey { epoch: 1 },
            author: PartyId::random(&mut OsRng),
            ciphertext: Blob(random_body()),
        }
    }

    /// Stores `items` in `vault`, which must all be new.
    fn put_all(s: &SledStore, vault: VaultId, items: &[NewItem], now: UnixTime) -> Vec<ItemRecord> {
        match s.put_items(vault, items, now).unwrap() {
            PutItems::Stored(stored) => stored,
            PutItems::Duplicate(id) => panic!("duplicate item {id}"),
        }
    }

    /// Distinct bodies of varied length (empty ones too), so that a body attached to the
    /// wrong record cannot go unnoticed.
    fn random_body() -> Vec<u8> {
        let len = (OsRng.next_u32() % 300) as usize;
        let mut body = vec![0; len];
        OsRng.fill_bytes(&mut body);
        body
    }

    fn body_file_len(dir: &Path) -> u64 {
        std::fs::metadata(dir.join(bodies::FILE_NAME))
            .unwrap()
            .len()
    }

    fn total_body_len(items: &[NewItem]) -> u64 {
        items.iter().map(|i| i.ciphertext.0.len() as u64).sum()
    }

    #[test]
    fn a_nonce_claim_is_durable_after_sync_or_after_any_later_write() {
        let dir = tempfile::tempdir().unwrap();
        let s = SledStore::open(dir.path(), SledOptions::default()).unwrap();
        let (claim, mark) = s
            .claim_request_nonce(Nonce::random(&mut OsRng), 10)
            .unwrap();
        assert_eq!(claim, NonceClaim::Fresh);
        assert!(!s.is_durable(mark), "the claim has not been flushed yet");
        s.sync(mark).unwrap();
        assert!(s.is_durable(mark));

        let (_, mark) = s
            .claim_request_nonce(Nonce::random(&mut OsRng), 10)
            .unwrap();
        let _ = s
            .put_items(VaultId::random(&mut OsRng), &[item()], 1)
            .unwrap();
        assert!(s.is_durable(mark), "a later durable write covers the claim");
    }

    #[test]
    fn a_vault_looked_up_before_it_exists_is_found_once_registered() {
        let dir = tempfile::tempdir().unwrap();
        let s = SledStore::open(dir.path(), SledOptions::default()).unwrap();
        let keys = crypto::Identity::generate(&mut OsRng).public();
        let record = VaultRecord {
            id: keys.vault_id(),
            keys,
            owner: None,
            registration: Blob(b"registration".to_vec()),
            created_at: 1,
        };
        assert_eq!(
            s.vault(record.id).unwrap(),
            None,
            "a miss is not remembered"
        );
        assert!(matches!(
            s.register_vault(&record).unwrap(),
            RegisterVault::Registered
        ));
        assert_eq!(s.vault(record.id).unwrap(), Some(record.clone()));
        assert_eq!(s.vault(record.id).unwrap(), Some(record), "and from memory");
    }

    #[test]
    fn reopening_the_directory_keeps_everything() {
        let dir = tempfile::tempdir().unwrap();
        let vault = VaultId::random(&mut OsRng);
        let first = item();
        {
            let s = SledStore::open(dir.path(), SledOptions::default()).unwrap();
            put_all(&s, vault, std::slice::from_ref(&first), 1);
        }
        let s = SledStore::open(dir.path(), SledOptions::default()).unwrap();
        assert_eq!(s.item(vault, first.id).unwrap().unwrap().item, first);
        let next = put_all(&s, vault, &[item()], 2);
        assert_eq!(
            next[0].seq,
            SyncCursor(2),
            "sequence numbers continue after a restart"
        );
    }

    #[test]
    fn a_dropped_store_can_be_opened_again_at_once() {
        // sled's I/O threads can hold the directory a moment after the store is gone; with the
        // CPU busy (here: eight stores at once) a reopen right after a drop was refused as
        // `Locked` before the store waited for sled to let go.
        let reopen_again_and_again = || {
            let dir = tempfile::tempdir().unwrap();
            for round in 0..50 {
                let s = SledStore::open(dir.path(), SledOptions::default())
                    .unwrap_or_else(|e| panic!("reopen {round} refused: {e}"));
                for _ in 0..20 {
                    assert_eq!(
                        s.insert_grant(&any_grant(), None).unwrap(),
                        InsertGrant::Inserted
                    );
                }
            }
        };
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(reopen_again_and_again);
            }
        });
    }

    #[test]
    fn a_second_process_is_refused_while_the_store_is_open() {
        let dir = tempfile::tempdir().unwrap();
        let _open = SledStore::open(dir.path(), SledOptions::default()).unwrap();
        // sled takes an exclusive file lock per open, so even this process cannot open it twice.
        assert!(matches!(
            SledStore::open(dir.path(), SledOptions::default()),
            Err(StoreError::Locked)
        ));
    }

    #[test]
    fn a_newer_format_is_refused_with_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = SledStore::open(dir.path(), SledOptions::default()).unwrap();
            s.set_version(FORMAT_VERSION + 1).unwrap();
        }
        let err = SledStore::open(dir.path(), SledOptions::default()).unwrap_err();
        assert!(
            matches!(err, StoreError::TooNew { found, supported } if found == FORMAT_VERSION + 1 && supported == FORMAT_VERSION)
        );
        assert!(err.to_string().contains("upgrade the server"));
    }

    #[test]
    fn older_formats_are_upgraded_step_by_step() {
        fn add_marker(s: &SledStore) -> StoreResult<()> {
            s.t.meta.insert("migrated", &[1]).map_err(backend)?;
            Ok(())
        }
        let dir = tempfile::tempdir().unwrap();
        let s = SledStore::open(dir.path(), SledOptions::default()).unwrap();
        let steps = [Migration {
            from: FORMAT_VERSION,
            run: add_marker,
        }];
        s.check_version(FORMAT_VERSION + 1, &steps).unwrap();
        assert_eq!(s.stored_version().unwrap(), Some(FORMAT_VERSION + 1));
        assert!(
            s.t.meta.get("migrated").unwrap().is_some(),
            "the migration ran"
        );
        assert!(matches!(
            s.check_version(FORMAT_VERSION + 2, &steps),
            Err(StoreError::NoUpgradePath { found }) if found == FORMAT_VERSION + 1
        ));
    }

    /// Writes `items` of `vault` the way format version 1 kept them (bodies inline in the
    /// `items` tree), in a store recorded as version 1.
    fn write_version_1(dir: &Path, vault: VaultId, items: &[NewItem]) {
        let _released = Released::of(dir);
        let db = sled::open(dir).unwrap();
        let (old, ids, heads) = (
            db.open_tree(V1_ITEMS).unwrap(),
            db.open_tree("item_ids").unwrap(),
            db.open_tree("item_heads").unwrap(),
        );
        for (seq, item) in (1u64..).zip(items) {
            let record = ItemRecord {
                seq: SyncCursor(seq),
                stored_at: 7,
                item: item.clone(),
            };
            old.insert(seq_key(vault, seq), enc(&record).unwrap())
                .unwrap();
            ids.insert(
                key2(vault.as_bytes(), item.id.as_bytes()),
                &seq.to_be_bytes(),
            )
            .unwrap();
            heads.insert(vault.as_bytes(), &seq.to_be_bytes()).unwrap();
        }
        db.open_tree("meta")
            .unwrap()
            .insert(VERSION_KEY, &1u32.to_be_bytes())
            .unwrap();
        #[allow(clippy::disallowed_methods, reason = "a test store nobody else opens")]
        db.flush().unwrap();
    }

    /// A data directory in format version 1 holding `n` items of one vault.
    fn version_1_store(n: usize) -> (tempfile::TempDir, VaultId, Vec<NewItem>) {
        let dir = tempfile::tempdir().unwrap();
        let vault = VaultId::random(&mut OsRng);
        let items: Vec<NewItem> = (0..n).map(|_| item()).collect();
        write_version_1(dir.path(), vault, &items);
        (dir, vault, items)
    }

    /// Each of `items` reads back whole from `s`.
    fn assert_reads_back(s: &SledStore, vault: VaultId, items: &[NewItem]) {
        for wanted in items {
            assert_eq!(&s.item(vault, wanted.id).unwrap().unwrap().item, wanted);
        }
    }

    #[test]
    fn version_1_items_move_their_bodies_to_the_body_file() {
        let (dir, vault, items) = version_1_store(2_500);

        let s = SledStore::open(dir.path(), SledOptions::default()).unwrap();
        assert_eq!(s.stored_version().unwrap(), Some(FORMAT_VERSION));
        for (seq, wanted) in (1u64..).zip(&items).step_by(499) {
            let found = s.item(vault, wanted.id).unwrap().unwrap();
            assert_eq!((found.seq, found.stored_at), (SyncCursor(seq), 7));
            assert_eq!(&found.item, wanted);
        }
        let all = s
            .list_items(
                vault,
                &ItemQuery {
                    after: SyncCursor(0),
                    scopes: [Scope::Notities].into_iter().collect(),
                    stored_from: None,
                    author: None,
                    limit: 5_000,
                },
            )
            .unwrap();
        assert_eq!(
            all.items.iter().map(|r| r.item.clone()).collect::<Vec<_>>(),
            items
        );
        assert!(
            !s.db
                .tree_names()
                .iter()
                .any(|n| n.as_ref() == V1_ITEMS.as_bytes()),
            "the old tree is gone"
        );
        let next = put_all(&s, vault, &[item()], 8);
        assert_eq!(
            next[0].seq,
            SyncCursor(2_501),
            "new items continue the sequence"
        );
    }

    #[test]
    fn an_upgrade_cut_off_halfway_starts_over() {
        let (dir, vault, items) = version_1_store(3);
        {
            // As if a first attempt wrote part of the new tree and the body file, then died.
            let _released = Released::of(dir.path());
            let db = sled::open(dir.path()).unwrap();
            db.open_tree("item_records")
                .unwrap()
                .insert(b"half", &b"written"[..])
                .unwrap();
            std::fs::write(dir.path().join(bodies::FILE_NAME), b"partial bodies").unwrap();
        }
        let s = SledStore::open(dir.path(), SledOptions::default()).unwrap();
        assert_eq!(s.t.items.len(), 3);
        assert_reads_back(&s, vault, &items);
        assert_eq!(
            body_file_len(dir.path()),
            total_body_len(&items),
            "the partial bodies were thrown away"
        );
    }

    #[test]
    fn an_upgraded_store_reopens_without_upgrading_again() {
        let (dir, vault, items) = version_1_store(20);
        drop(SledStore::open(dir.path(), SledOptions::default()).unwrap());
        let len = body_file_len(dir.path());
        assert_eq!(len, total_body_len(&items));

        let s = SledStore::open(dir.path(), SledOptions::default()).unwrap();
        assert_eq!(body_file_len(dir.path()), len);
        assert_reads_back(&s, vault, &items);
    }

    #[test]
    fn a_store_whose_body_file_is_lost_refuses_to_open() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = SledStore::open(dir.path(), SledOptions::default()).unwrap();
            put_all(&s, VaultId::random(&mut OsRng), &[item(), item()], 1);
        }
        std::fs::remove_file(dir.path().join(bodies::FILE_NAME)).unwrap();
        let err = SledStore::open(dir.path(), SledOptions::default()).unwrap_err();
        assert!(
            matches!(err, StoreError::BodiesMissing { found: 0, .. }),
            "{err}"
        );
        assert!(err
            .to_string()
            .contains("restore the data directory from a backup"));
    }

    #[test]
    fn a_refused_grantee_append_leaves_no_body_behind() {
        let dir = tempfile::tempdir().unwrap();
        let s = SledStore::open(dir.path(), SledOptions::default()).unwrap();
        let vault = VaultId::random(&mut OsRng);
        let stored = [item(), item()];
        put_all(&s, vault, &stored, 1);
        let no_grant = GranteeAccess {
            vault,
            grant: GrantId::random(&mut OsRng),
            grantee: PartyId::random(&mut OsRng),
        };
        let never = |_: LogHead, _: AccessEvent<'_>| -> StoreResult<LogEntryRecord> {
            Err(StoreError::Internal("a refused append writes no log entry"))
        };
        let refused = s
            .grantee_append_items(&no_grant, &[item(), item()], 2, &never)
            .unwrap();
        assert_eq!(refused, Err(AppendDenied::Grant(GrantDenied::Unknown)));
        assert_eq!(body_file_len(dir.path()), total_body_len(&stored));
        let next = item();
        put_all(&s, vault, std::slice::from_ref(&next), 3);
        assert_eq!(s.item(vault, next.id).unwrap().unwrap().item, next);
    }

    #[test]
    fn a_backup_copies_an_older_format_as_it_is() {
        let (dir, vault, items) = version_1_store(3);
        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("backup");
        {
            let source = SledStore::open_as_it_is(dir.path(), SledOptions::default()).unwrap();
            source.backup_to(&dest).unwrap();
            assert_eq!(
                source.stored_version().unwrap(),
                Some(1),
                "the source is not upgraded"
            );
        }
        let copy = SledStore::open_as_it_is(&dest, SledOptions::default()).unwrap();
        assert_eq!(copy.stored_version().unwrap(), Some(1));
        drop(copy);
        let upgraded = SledStore::open(&dest, SledOptions::default()).unwrap();
        assert_reads_back(&upgraded, vault, &items);
    }

    #[test]
    fn a_refused_upload_leaves_no_body_behind() {
        let dir = tempfile::tempdir().unwrap();
        let s = SledStore::open(dir.path(), SledOptions::default()).unwrap();
        let vault = VaultId::random(&mut OsRng);
        let first = item();
        put_all(&s, vault, std::slice::from_ref(&first), 1);
        let body_file = dir.path().join(bodies::FILE_NAME);
        let size = std::fs::metadata(&body_file).unwrap().len();
        assert_eq!(size, first.ciphertext.0.len() as u64);
        assert_eq!(
            s.put_items(vault, &[item(), first.clone()], 2).unwrap(),
            PutItems::Duplicate(first.id)
        );
        assert_eq!(std::fs::metadata(&body_file).unwrap().len(), size);
    }

    #[test]
    fn backup_is_a_complete_openable_data_directory() {
        let dir = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("backup");
        let vault = VaultId::random(&mut OsRng);
        let first = item();
        {
            let s = SledStore::open(dir.path(), SledOptions::default()).unwrap();
            put_all(&s, vault, std::slice::from_ref(&first), 1);
            s.backup_to(&dest).unwrap();
            assert!(s.backup_to(&dest).is_err(), "never overwrites");
        }
        let restored = SledStore::open(&dest, SledOptions::default()).unwrap();
        assert_eq!(restored.item(vault, first.id).unwrap().unwrap().item, first);
        assert_eq!(restored.stored_version().unwrap(), Some(FORMAT_VERSION));
    }

    /// Copies a data directory as it is on disk now: what a crash would leave.
    fn crash_image(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                crash_image(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }

    /// A new store in `dir` holding one grant.
    fn store_with_grant(dir: &Path) -> (SledStore, GrantRecord) {
        let s = SledStore::open(dir, SledOptions::default()).unwrap();
        let g = any_grant();
        assert_eq!(s.insert_grant(&g, None).unwrap(), InsertGrant::Inserted);
        (s, g)
    }

    /// Logs `n` reads of `g` as one batch; `flushed` also waits for their flush.
    fn log_reads(s: &SledStore, g: &GrantRecord, n: usize, flushed: bool) {
        let nothing = GranteeRead::Items(Vec::new());
        let access = GranteeAccess {
            vault: g.vault,
            grant: g.id,
            grantee: g.grantee,
        };
        let batch: Vec<_> = (0..n)
            .map(|_| LoggedRead {
                access,
                read: &nothing,
                now: super::super::conformance::NOW,
                log: &super::super::conformance::test_read_log,
            })
            .collect();
        let outcomes = s.log_grantee_reads(&batch).unwrap();
        assert!(outcomes.iter().all(Result::is_ok));
        if flushed {
            s.flush().unwrap();
        }
    }

    /// The log of `g`'s vault is one unbroken chain of `len` reads under `g`, each counted.
    fn assert_reads_logged(s: &SledStore, g: &GrantRecord, len: u64) {
        let vault = g.vault;
        let entries = s.log_from(vault, 0, 1000).unwrap();
        let seqs: Vec<u64> = entries.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (0..len).collect::<Vec<_>>());
        for pair in entries.windows(2) {
            let head = head_after(&pair[0]);
            let expected = super::super::conformance::test_read_log(
                head,
                AccessEvent::Refused {
                    grant: None,
                    grantee: PartyId::random(&mut OsRng),
                    mode: Mode::Read,
                    reason: Refusal::NoGrant,
                },
                EntrySigning::Signed,
            )
            .unwrap();
            assert_eq!(
                pair[1].hash, expected.hash,
                "entry {} links on",
                pair[1].seq
            );
        }
        assert_eq!(s.log_head(vault).unwrap().next_seq, len);
        assert_eq!(s.grant(g.id).unwrap().unwrap().use_count, len);
    }

    #[test]
    fn grantee_reads_survive_a_crash_before_sled_held_them() {
        let dir = tempfile::tempdir().unwrap();
        let (s, g) = store_with_grant(dir.path());
        log_reads(&s, &g, 3, true);
        log_reads(&s, &g, 4, false);
        assert!(
            meta_len(&s.t.meta, JOURNAL_APPLIED_KEY).unwrap() < s.journal.len(),
            "the last round is only in the journal"
        );
        let image = tempfile::tempdir().unwrap();
        crash_image(dir.path(), image.path());
        drop(s);

        let copy = SledStore::open(image.path(), SledOptions::default()).unwrap();
        assert_reads_logged(&copy, &g, 7);
        assert_eq!(
            meta_len(&copy.t.meta, JOURNAL_APPLIED_KEY).unwrap(),
            copy.journal.len(),
            "replayed into sled at open"
        );
        // Reads go on after the replay, and a backup carries the journal along.
        log_reads(&copy, &g, 2, true);
        let backup = image.path().join("backup");
        copy.backup_to(&backup).unwrap();
        drop(copy);
        let restored = SledStore::open(&backup, SledOptions::default()).unwrap();
        assert_reads_logged(&restored, &g, 9);
    }

    #[test]
    fn a_logged_reads_request_nonce_survives_a_crash_before_sled_held_it() {
        let dir = tempfile::tempdir().unwrap();
        let s = SledStore::open(dir.path(), SledOptions::default()).unwrap();
        let [vault, grantee, server] = [(); 3].map(|()| crypto::Identity::generate(&mut OsRng));
        let g = super::super::conformance::grant(
            vault.public().vault_id(),
            grantee.public().party_id(),
            &[(Scope::Notities, Mode::Read)],
        );
        assert_eq!(s.insert_grant(&g, None).unwrap(), InsertGrant::Inserted);
        let now = super::super::conformance::NOW;
        let nonce = Nonce::random(&mut OsRng);
        let call =
            crypto::http_sig::SignedCall::sign(&grantee, "GET", "/v1/x", b"", now, nonce).unwrap();
        let (bound, keep_until) = request_nonce_claim(call.claims.key, nonce, now);
        let claim = |s: &SledStore| s.claim_request_nonce(bound, keep_until).unwrap().0;
        assert_eq!(claim(&s), NonceClaim::Fresh);
        let maker = crate::consent::EntryMaker {
            server: &server,
            vault: &vault.public(),
            proof: Some(&call),
            now,
        };
        let build = |head: LogHead, event: AccessEvent<'_>, signing: EntrySigning| {
            maker.build_read(head, event, signing)
        };
        let read = LoggedRead {
            access: GranteeAccess {
                vault: g.vault,
                grant: g.id,
                grantee: g.grantee,
            },
            read: &GranteeRead::Items(Vec::new()),
            now,
            log: &build,
        };
        assert!(s.log_grantee_reads(&[read]).unwrap()[0].is_ok());
        // The read may be answered now: its entry is durable in the journal, while sled holds
        // neither the round nor the nonce yet.
        let written = Claim {
            expires_at: keep_until,
            nonce: bound,
        };
        assert!(
            !s.nonce_written(&written).unwrap(),
            "the nonce is only in memory"
        );
        assert!(meta_len(&s.t.meta, JOURNAL_APPLIED_KEY).unwrap() < s.journal.len());
        let image = tempfile::tempdir().unwrap();
        crash_image(dir.path(), image.path());
        drop(s);

        let copy = SledStore::open(image.path(), SledOptions::default()).unwrap();
        assert_eq!(
            claim(&copy),
            NonceClaim::Replayed,
            "claimed again by the replay"
        );
        assert!(
            copy.nonce_written(&written).unwrap(),
            "and written into sled"
        );
        drop(copy);
        let again = SledStore::open(image.path(), SledOptions::default()).unwrap();
        assert_eq!(claim(&again), NonceClaim::Replayed);
    }

    #[test]
    fn a_round_built_on_an_unflushed_log_write_is_answered_only_once_that_is_durable() {
        let dir = tempfile::tempdir().unwrap();
        let (s, g) = store_with_grant(dir.path());
        log_reads(&s, &g, 2, true);
        // Another writer's entry at the head: committed in sled under the log order, its own
        // flush still to come.
        let refusal = |head: LogHead, event: AccessEvent<'_>| {
            super::super::conformance::test_read_log(head, event, EntrySigning::Signed)
        };
        let order = s.log_settled().unwrap();
        (&s.t.log, &s.t.log_heads)
            .transaction(|(log_t, heads)| {
                let event = AccessEvent::Refused {
                    grant: None,
                    grantee: PartyId::random(&mut OsRng),
                    mode: Mode::Read,
                    reason: Refusal::NoGrant,
                };
                tx_log(log_t, heads, g.vault, &refusal, event)
            })
            .unwrap();
        drop(order);
        // A round on top of it, answered: a crash now must keep it, and so the entry below it.
        log_reads(&s, &g, 3, false);
        let image = tempfile::tempdir().unwrap();
        crash_image(dir.path(), image.path());
        drop(s);
        let copy = SledStore::open(image.path(), SledOptions::default()).unwrap();
        assert_eq!(
            copy.log_head(g.vault).unwrap().next_seq,
            6,
            "2 reads, the refusal, 3 reads"
        );
        assert_eq!(copy.log_from(g.vault, 0, 100).unwrap().len(), 6);
    }

    #[test]
    fn flushes_write_the_rounds_into_sled_only_now_and_then() {
        let dir = tempfile::tempdir().unwrap();
        let (s, g) = store_with_grant(dir.path());
        let applied = || meta_len(&s.t.meta, JOURNAL_APPLIED_KEY).unwrap();
        log_reads(&s, &g, 2, true);
        assert_eq!(applied(), 0, "durable in the journal, not yet in sled");
        assert_eq!(
            s.grant(g.id).unwrap().unwrap().use_count,
            2,
            "counted meanwhile"
        );
        std::thread::sleep(OVERLAY_WRITE_INTERVAL);
        // No flush asked for: while only grantees read, the round itself writes it out.
        log_reads(&s, &g, 1, false);
        assert_eq!(
            applied(),
            s.journal.len(),
            "written out once the interval passed"
        );
        assert!(s.log_overlay().is_empty());
        assert_reads_logged(&s, &g, 3);
    }

    #[test]
    fn a_torn_round_or_stray_record_is_cut_off_and_the_chain_stays_whole() {
        let dir = tempfile::tempdir().unwrap();
        let (s, g) = store_with_grant(dir.path());
        log_reads(&s, &g, 3, true);
        log_reads(&s, &g, 2, false);
        let image = tempfile::tempdir().unwrap();
        crash_image(dir.path(), image.path());
        drop(s);
        // The crash tore the last record, and a stray record that continues no chain
        // follows (as if from a round whose head was lost).
        let path = image.path().join(journal::FILE_NAME);
        let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        let len = file.metadata().unwrap().len();
        file.set_len(len - 5).unwrap();
        drop(file);
        let copy = SledStore::open(image.path(), SledOptions::default()).unwrap();
        // The torn round goes as a whole: its first entry alone would be deferred, covered by
        // nothing.
        assert_reads_logged(&copy, &g, 3);
        let stray = JournalRecord {
            vault: g.vault,
            grant: g.id,
            entry: LogEntryRecord {
                seq: 40,
                hash: crypto::encoding::sha256(b"stray"),
                entry: Blob(b"stray".to_vec()),
            },
            ends_round: true,
        };
        let before = copy.journal.len();
        copy.journal.append(&[stray]).unwrap();
        drop(copy);
        let copy = SledStore::open(image.path(), SledOptions::default()).unwrap();
        assert_eq!(copy.journal.len(), before, "the stray record is cut off");
        assert_reads_logged(&copy, &g, 3);
    }

    #[test]
    fn a_store_whose_journal_is_lost_refuses_to_open() {
        let dir = tempfile::tempdir().unwrap();
        let (s, g) = store_with_grant(dir.path());
        log_reads(&s, &g, 2, true);
        drop(s);
        std::fs::remove_file(dir.path().join(journal::FILE_NAME)).unwrap();
        assert!(matches!(
            SledStore::open(dir.path(), SledOptions::default()),
            Err(StoreError::Corrupt { .. })
        ));
    }

    fn any_grant() -> GrantRecord {
        super::super::conformance::grant(
            VaultId::random(&mut OsRng),
            PartyId::random(&mut OsRng),
            &[(Scope::Notities, Mode::Read)],
        )
    }

    fn claim(s: &SledStore, nonce: Nonce, expires_at: UnixTime) -> NonceClaim {
        let (claim, mark) = s.claim_request_nonce(nonce, expires_at).unwrap();
        s.sync(mark).unwrap();
        claim
    }

    #[test]
    fn a_request_nonce_stays_claimed_across_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let nonces: Vec<Nonce> = (0..50).map(|_| Nonce::random(&mut OsRng)).collect();
        {
            let s = SledStore::open(dir.path(), SledOptions::default()).unwrap();
            for (n, expires_at) in nonces.iter().zip((1_000..).step_by(7)) {
                assert_eq!(claim(&s, *n, expires_at), NonceClaim::Fresh);
            }
        }
        let s = SledStore::open(dir.path(), SledOptions::default()).unwrap();
        for (n, expires_at) in nonces.iter().zip((1_000..).step_by(7)) {
            assert_eq!(claim(&s, *n, expires_at), NonceClaim::Replayed);
        }
        assert_eq!(
            claim(&s, Nonce::random(&mut OsRng), 1_000),
            NonceClaim::Fresh,
            "a new nonce of a known second"
        );
    }

    #[test]
    fn version_2_request_nonces_move_to_their_own_tree() {
        let dir = tempfile::tempdir().unwrap();
        let (old, grant_nonce) = (Nonce::random(&mut OsRng), Nonce::random(&mut OsRng));
        {
            // A version-2 store: request nonces as `r ‖ nonce` in `nonces`, expiry in the value.
            let s = SledStore::open(dir.path(), SledOptions::default()).unwrap();
            let g = any_grant();
            let g = GrantRecord {
                nonce: grant_nonce,
                ..g
            };
            assert_eq!(s.insert_grant(&g, None).unwrap(), InsertGrant::Inserted);
            s.t.nonces
                .insert(key2(b"r", old.as_bytes()), enc(&Some(5_000i64)).unwrap())
                .unwrap();
            s.set_version(2).unwrap();
        }
        let s = SledStore::open(dir.path(), SledOptions::default()).unwrap();
        assert_eq!(s.stored_version().unwrap(), Some(FORMAT_VERSION));
        assert_eq!(claim(&s, old, 5_000), NonceClaim::Replayed, "still claimed");
        assert_eq!(s.t.nonces.scan_prefix(b"r").count(), 0, "moved out");
        let again = GrantRecord {
            id: GrantId::random(&mut OsRng),
            nonce: grant_nonce,
            ..any_grant()
        };
        assert_eq!(
            s.insert_grant(&again, None).unwrap(),
            InsertGrant::NonceReplayed,
            "grant nonces stay"
        );
        assert_eq!(
            s.purge_expired(5_000).unwrap().nonces,
            1,
            "and the moved nonce expires as before"
        );
        assert_eq!(claim(&s, old, 5_000), NonceClaim::Fresh);
    }

    #[test]
    fn a_torn_request_nonce_value_is_reported_not_misread() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = SledStore::open(dir.path(), SledOptions::default()).unwrap();
            s.t.request_nonces
                .insert(key2(&time_key(9_000), &1u64.to_be_bytes()), &[7u8; 15][..])
                .unwrap();
            s.flush().unwrap();
        }
        let err = SledStore::open(dir.path(), SledOptions::default()).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Corrupt {
                    tree: "request_nonces"
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn times_sort_as_their_keys_do() {
        let times = [i64::MIN, -1, 0, 1, 1_780_000_000, i64::MAX];
        for pair in times.windows(2) {
            assert!(time_key(pair[0]) < time_key(pair[1]), "{pair:?}");
        }
        for t in times {
            assert_eq!(time_from_key(&time_key(t)).unwrap(), t);
        }
    }
}

#[cfg(test)]
mod group_flush_tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn concurrent_callers_share_flushes_and_each_waits_for_one() {
        let flusher = GroupFlush::default();
        let runs = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..32 {
                scope.spawn(|| {
                    flusher
                        .flush(|| {
                            runs.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(std::time::Duration::from_millis(5));
                            Ok(())
                        })
                        .unwrap();
                });
            }
        });
        let runs = runs.load(Ordering::SeqCst);
        assert!((1..32).contains(&runs), "{runs} flushes for 32 callers");
        let state = flusher.lock();
        assert_eq!(state.finished, state.started, "no flush left running");
    }

    #[test]
    fn a_flush_since_a_mark_is_free_once_a_later_flush_finished() {
        let flusher = GroupFlush::default();
        let runs = AtomicUsize::new(0);
        let count = || {
            runs.fetch_add(1, Ordering::SeqCst);
            Ok(())
        };
        let mark = flusher.mark();
        flusher.flush_since(mark, count).unwrap();
        assert_eq!(
            runs.load(Ordering::SeqCst),
            1,
            "nothing covered the mark yet"
        );
        flusher.flush_since(mark, count).unwrap();
        assert_eq!(
            runs.load(Ordering::SeqCst),
            1,
            "the flush after the mark covers it"
        );
        let later = flusher.mark();
        flusher.flush_since(later, count).unwrap();
        assert_eq!(
            runs.load(Ordering::SeqCst),
            2,
            "a newer mark needs a newer flush"
        );
    }

    #[test]
    fn a_failed_flush_fails_every_later_one() {
        let flusher = GroupFlush::default();
        assert!(flusher
            .flush(|| Err(StoreError::Backend("disk gone".into())))
            .is_err());
        assert!(
            flusher.flush(|| Ok(())).is_err(),
            "durability can no longer be promised"
        );
    }
}
