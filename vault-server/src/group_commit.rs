//! Group commit: the access-log entries of grantee reads, and the flushes that make request
//! nonces durable, each done for many requests at once, on two threads.
//!
//! The hot-path writes do not flush on their own: a request nonce claim returns a
//! [`SyncMark`], and a grantee read is only read, its log entry still to be written. Request
//! tasks hand these over and sleep. The log writer takes every read that arrived during its
//! last round, writes their entries in one durable store write ([`Store::log_grantee_reads`],
//! which also makes the nonces of the requests kept in them as proofs durable) and answers
//! them; the flusher takes every mark that arrived during its last flush and runs one flush
//! for all of them, then wakes the tasks. A store write and a flush cost about the same
//! whether they cover one request or a hundred, so under load each request pays a small
//! share, while a lone request after a quiet spell goes through at once.

use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crypto::encoding::UnixTime;
use crypto::{http_sig, Identity, PublicKeys};
use tokio::sync::{oneshot, watch};

use crate::consent::EntryMaker;
use crate::error::AppError;
use crate::store::{
    AccessEvent, EntrySigning, GrantDenied, GranteeAccess, GranteeRead, LogEntryRecord, LogHead,
    LoggedRead, LoggedReads, Store, StoreError, StoreResult, SyncMark,
};

/// Shortest time between the starts of two log-writer rounds: under load a round then covers
/// several reads, so its fixed cost (a signature per vault, a journal `fdatasync`) is shared.
/// A read waits for its round and nothing else, so the interval is most of a logged read's
/// wait: measured, 1 ms served 9–11 % more logged fetches than 2 ms for 3 µs more CPU each in
/// the log writer, and 0.5 ms no more than 1 ms for another 3 µs (`vault-server/README.md`).
const MIN_LOG_INTERVAL: Duration = Duration::from_millis(1);

/// Most reads in one log-writer round: a round holds the store's lock for log writes while it
/// builds its entries (each vault's last one signed, about 25 µs) and appends them, so it is
/// kept short. It also bounds a run of deferred entries.
pub(crate) const MAX_READS: usize = 64;

/// Shortest time between the starts of two flushes. A flush costs the same few hundred
/// microseconds of CPU (sled hands the write to its I/O threads and waits) however many
/// requests it covers; waiting this long under load lets one flush cover many requests, and
/// adds at most this much to a request's time.
const MIN_FLUSH_INTERVAL: Duration = Duration::from_millis(2);
/// A grantee read waiting for its log entry.
#[derive(Debug)]
pub struct ReadToLog {
    /// Who used which grant.
    pub access: GranteeAccess,
    /// What was read.
    pub read: GranteeRead,
    /// The vault's keys (the entry is in its log).
    pub vault_keys: PublicKeys,
    /// The grantee's signed request, kept in the entry as proof.
    pub proof: http_sig::SignedCall,
    /// When, by the server clock.
    pub now: UnixTime,
}

/// A read after its round: handed back with its durable entry, or with why its grant no
/// longer allowed it (then nothing was logged for it).
#[derive(Debug)]
pub struct Logged {
    /// What was read, handed back.
    pub read: GranteeRead,
    /// The entry, or the refusal.
    pub entry: Result<LogEntryRecord, GrantDenied>,
}

/// What the flusher has done so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flushes {
    /// This many flushes have finished.
    Done(u64),
    /// A flush failed: durability can no longer be promised (the store refuses every later
    /// sync too), so waiters get an error instead of waiting forever.
    Failed,
}

/// A read in the writer's queue, with where its answer goes.
type Waiting = (ReadToLog, Reply);

/// Where a read's answer goes.
type Reply = oneshot::Sender<Result<Logged, AppError>>;

/// The log-writer and flusher threads, their queues, and the signal raised after each flush.
pub struct GroupCommit {
    store: Arc<dyn Store>,
    /// `None` once dropped, which ends the writer's loop.
    reads: Option<mpsc::Sender<Waiting>>,
    /// `None` once dropped, which ends the flusher's loop.
    flushes: Option<mpsc::Sender<SyncMark>>,
    flushed: watch::Receiver<Flushes>,
    threads: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for GroupCommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommit")
            .field("flushed", &*self.flushed.borrow())
            .finish_non_exhaustive()
    }
}

impl GroupCommit {
    /// Starts the log writer (which signs entries as `server`) and the flusher over `store`.
    ///
    /// # Errors
    /// When a thread cannot be started.
    pub fn start(store: Arc<dyn Store>, server: Arc<Identity>) -> std::io::Result<Self> {
        let (reads, waiting) = mpsc::channel();
        let (flushes, to_flush) = mpsc::channel();
        let (signal, flushed) = watch::channel(Flushes::Done(0));
        let flushing = Arc::clone(&store);
        let flusher = std::thread::Builder::new()
            .name("flusher".into())
            .spawn(move || run_flushes(&*flushing, &to_flush, &signal))?;
        let writing = Arc::clone(&store);
        let writer = std::thread::Builder::new()
            .name("log-writer".into())
            .spawn(move || run_log_rounds(&*writing, &server, &waiting));
        let writer = match writer {
            Ok(writer) => writer,
            Err(e) => {
                // Without its sender the flusher's loop ends; join it before giving up.
                drop(flushes);
                if flusher.join().is_err() {
                    tracing::error!("flusher thread panicked");
                }
                return Err(e);
            }
        };
        Ok(Self {
            store,
            reads: Some(reads),
            flushes: Some(flushes),
            flushed,
            threads: vec![writer, flusher],
        })
    }

    /// Logs a grantee read in the writer's next round and returns it once its entry is
    /// durable.
    ///
    /// # Errors
    /// When the store write failed; `clock_skew` when the request, kept as proof, was signed
    /// more than the clock skew away from `read.now` (this read alone fails).
    pub async fn log(&self, read: ReadToLog) -> Result<Logged, AppError> {
        let (reply, outcome) = oneshot::channel();
        self.reads
            .as_ref()
            .and_then(|q| q.send((read, reply)).ok())
            .ok_or(STOPPED)?;
        outcome.await.map_err(|_| STOPPED)?
    }

    /// Returns once every write made before `mark` was taken is durable.
    ///
    /// # Errors
    /// `storage_error` when a flush failed.
    pub async fn durable(&self, mark: SyncMark) -> Result<(), AppError> {
        if self.store.is_durable(mark) {
            return Ok(());
        }
        // Subscribe before asking, so a flush that ends in between still wakes us.
        let mut flushed = self.flushed.clone();
        flushed.mark_unchanged();
        self.flushes
            .as_ref()
            .and_then(|q| q.send(mark).ok())
            .ok_or(STOPPED)?;
        loop {
            // Mark the signal seen *before* looking at the store: a flush that ends after the
            // look then changes the signal again and wakes us. (The other order can miss it
            // and wait for a flush that only the next request would cause.)
            let state = *flushed.borrow_and_update();
            if self.store.is_durable(mark) {
                return Ok(());
            }
            if state == Flushes::Failed {
                return Err(AppError::Storage(StoreError::Backend(
                    "an earlier flush failed".into(),
                )));
            }
            flushed.changed().await.map_err(|_| STOPPED)?;
        }
    }
}

/// The error when the threads are gone (only while the server shuts down).
const STOPPED: AppError = AppError::Internal("group-commit threads stopped");

impl Drop for GroupCommit {
    fn drop(&mut self) {
        // Closing the queues ends both loops; joining them releases their store handles
        // before whoever dropped us reopens the data directory. Reads still queued (their
        // requests were cancelled) are logged first: an entry too many is harmless, one too
        // few is not. This waits for at most a round and a flush.
        self.reads = None;
        self.flushes = None;
        for thread in self.threads.drain(..) {
            if thread.join().is_err() {
                tracing::error!("group-commit thread panicked");
            }
        }
    }
}

/// Waits for the next job, then at least until `interval` has passed since the last round
/// started, and returns it with what else is waiting by then, up to `most` jobs in all (the
/// rest go in the next round, so a round's work stays bounded).
pub(crate) fn next_round<T>(
    queue: &mpsc::Receiver<T>,
    last_start: &mut Option<Instant>,
    interval: Duration,
    most: usize,
) -> Option<Vec<T>> {
    let first = queue.recv().ok()?;
    if let Some(started) = *last_start {
        std::thread::sleep(interval.saturating_sub(started.elapsed()));
    }
    *last_start = Some(Instant::now());
    Some(
        std::iter::once(first)
            .chain(queue.try_iter().take(most.saturating_sub(1)))
            .collect(),
    )
}

/// The log writer: each round writes the entries of every waiting read in one durable store
/// write, then answers the round's readers.
fn run_log_rounds(store: &dyn Store, server: &Identity, waiting: &mpsc::Receiver<Waiting>) {
    let mut last_start = None;
    while let Some(round) = next_round(waiting, &mut last_start, MIN_LOG_INTERVAL, MAX_READS) {
        answer_round(store, server, round);
    }
}

/// Logs one round and answers its readers. A read whose request can no longer be kept as
/// proof (signed more than the clock skew before the entry's time: the log's rules refuse
/// such an entry) is answered `clock_skew` on its own and left out, so that it cannot fail
/// the round's write for the others.
fn answer_round(store: &dyn Store, server: &Identity, round: Vec<Waiting>) {
    let (late, round): (Vec<Waiting>, Vec<Waiting>) = round
        .into_iter()
        .partition(|(read, _)| read.proof.check_time::<()>(read.now).is_err());
    for (_, reply) in late {
        // A requester that gave up (connection closed) needs no answer.
        let _ = reply.send(Err(AppError::ClockSkew));
    }
    if round.is_empty() {
        return;
    }
    match log_reads(store, server, &round) {
        Ok(entries) => {
            for ((read, reply), entry) in round.into_iter().zip(entries) {
                let logged = Logged {
                    read: read.read,
                    entry,
                };
                let _ = reply.send(Ok(logged));
            }
        }
        Err(e) => fail(round.into_iter().map(|(_, r)| r), &e),
    }
}

/// Writes the log entries of `reads` in one store write.
fn log_reads(store: &dyn Store, server: &Identity, reads: &[Waiting]) -> StoreResult<LoggedReads> {
    let makers: Vec<EntryMaker<'_>> = reads
        .iter()
        .map(|(r, _)| EntryMaker {
            server,
            vault: &r.vault_keys,
            proof: Some(&r.proof),
            now: r.now,
        })
        .collect();
    let builders: Vec<_> = makers
        .iter()
        .map(|maker| {
            move |head: LogHead, event: AccessEvent<'_>, signing: EntrySigning| {
                maker.build_read(head, event, signing)
            }
        })
        .collect();
    let logged: Vec<LoggedRead<'_>> = reads
        .iter()
        .zip(&builders)
        .map(|((r, _), build)| LoggedRead {
            access: r.access,
            read: &r.read,
            now: r.now,
            log: build,
        })
        .collect();
    store.log_grantee_reads(&logged)
}

/// The flusher: each flush covers every mark waiting; then their waiters are woken.
fn run_flushes(
    store: &dyn Store,
    jobs: &mpsc::Receiver<SyncMark>,
    signal: &watch::Sender<Flushes>,
) {
    let mut last_start = None;
    while let Some(marks) = next_round(jobs, &mut last_start, MIN_FLUSH_INTERVAL, usize::MAX) {
        let flushed = marks
            .into_iter()
            .max()
            .map_or(Ok(()), |mark| store.sync(mark));
        if let Err(e) = &flushed {
            tracing::error!(error = %e, "flush failed");
        }
        signal.send_modify(|flushes| {
            *flushes = match (flushed.is_ok(), *flushes) {
                (true, Flushes::Done(n)) => Flushes::Done(n + 1),
                _ => Flushes::Failed,
            };
        });
    }
}

/// Answers every reply with `e`.
fn fail(replies: impl Iterator<Item = Reply>, e: &StoreError) {
    tracing::error!(error = %e, "group commit failed");
    for reply in replies {
        let _ = reply.send(Err(AppError::Storage(same_error(e))));
    }
}

/// One error, for each of the requesters it concerns.
fn same_error(e: &StoreError) -> StoreError {
    match e {
        StoreError::Internal(what) => StoreError::Internal(what),
        other => StoreError::Backend(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use crypto::log::{LogVerifier, SignedEntry};
    use crypto::{Mode, Nonce, Scope};
    use rand_core::OsRng;

    use super::*;
    use crate::store::conformance::{self, NOW};
    use crate::store::{Blob, GrantRecord, InsertGrant, MemoryStore, SledOptions, SledStore};

    struct World {
        store: Arc<dyn Store>,
        server: Arc<Identity>,
        vault: Identity,
        grantee: Identity,
        grant: GrantRecord,
    }

    fn world(store: Arc<dyn Store>) -> World {
        let vault = Identity::generate(&mut OsRng);
        let grantee = Identity::generate(&mut OsRng);
        let grant = conformance::grant(
            vault.public().vault_id(),
            grantee.public().party_id(),
            &[(Scope::Notities, Mode::Read)],
        );
        assert_eq!(
            store.insert_grant(&grant, None).unwrap(),
            InsertGrant::Inserted
        );
        World {
            store,
            server: Arc::new(Identity::generate(&mut OsRng)),
            vault,
            grantee,
            grant,
        }
    }

    fn read(w: &World) -> ReadToLog {
        ReadToLog {
            access: GranteeAccess {
                vault: w.grant.vault,
                grant: w.grant.id,
                grantee: w.grant.grantee,
            },
            read: GranteeRead::Items(Vec::new()),
            vault_keys: w.vault.public(),
            proof: http_sig::SignedCall::sign(
                &w.grantee,
                "GET",
                "/v1/vaults/x/items",
                b"",
                NOW,
                Nonce::random(&mut OsRng),
            )
            .unwrap(),
            now: NOW,
        }
    }

    /// 40 reads from 40 tasks at once: each is answered with its own entry, and together they
    /// form one unbroken, server-signed chain that is already on disk.
    async fn many_reads_make_one_durable_chain(w: &World) {
        let commit =
            Arc::new(GroupCommit::start(Arc::clone(&w.store), Arc::clone(&w.server)).unwrap());
        let tasks: Vec<_> = (0..40)
            .map(|_| {
                let commit = Arc::clone(&commit);
                let read = read(w);
                tokio::spawn(async move { commit.log(read).await })
            })
            .collect();
        let mut seqs = Vec::new();
        for task in tasks {
            seqs.push(task.await.unwrap().unwrap().entry.unwrap().seq);
        }
        seqs.sort_unstable();
        assert_eq!(seqs, (0..40).collect::<Vec<_>>(), "one entry per read");
        let entries: Vec<SignedEntry> = w
            .store
            .log_from(w.grant.vault, 0, 100)
            .unwrap()
            .iter()
            .map(|r| crate::consent::decode(r).unwrap())
            .collect();
        let grantee = w.grantee.public();
        let verifier = LogVerifier::new(w.vault.public(), w.server.public(), |id| {
            (id == grantee.party_id()).then_some(grantee)
        });
        let verified = verifier.verify(None, &entries);
        assert!(verified.is_ok(), "chain and signatures hold: {verified:?}");
        assert!(
            entries.iter().any(SignedEntry::is_deferred),
            "reads of one round share one server signature"
        );
        assert_eq!(w.store.grant(w.grant.id).unwrap().unwrap().use_count, 40);
        // Read one entry at a time, a client still gets pages that each verify on their own.
        let mut seen = None;
        while seen.map_or(0, |h: crypto::log::LogHead| h.seq + 1) < 40 {
            let from = seen.map_or(0, |h| h.seq + 1);
            let page = crate::log_routes::page(&*w.store, w.grant.vault, from, 1).unwrap();
            assert!(
                page.last().is_some_and(|e| !e.is_deferred()),
                "page ends signed"
            );
            seen = verifier.verify(seen.as_ref(), &page).unwrap();
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_reads_make_one_durable_chain_in_memory() {
        many_reads_make_one_durable_chain(&world(Arc::new(MemoryStore::new()))).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_reads_make_one_durable_chain_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let store = SledStore::open(dir.path(), SledOptions::default()).unwrap();
        many_reads_make_one_durable_chain(&world(Arc::new(store))).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn lone_requests_on_a_quiet_server_are_answered() {
        // One request at a time, each after the last flush ended: no later request can come to
        // the rescue of a wake-up that got lost.
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SledStore::open(dir.path(), SledOptions::default()).unwrap());
        let commit =
            GroupCommit::start(store.clone(), Arc::new(Identity::generate(&mut OsRng))).unwrap();
        for _ in 0..200 {
            let (_, mark) = store
                .claim_request_nonce(Nonce::random(&mut OsRng), NOW)
                .unwrap();
            let waited =
                tokio::time::timeout(std::time::Duration::from_secs(5), commit.durable(mark)).await;
            assert!(matches!(waited, Ok(Ok(()))), "answered, and durable");
        }
    }

    /// One reader whose signed time has fallen out of the clock skew by the time its entry is
    /// made fails alone, with `clock_skew`; the others in its round are logged and answered.
    #[tokio::test]
    async fn a_late_reader_fails_alone_and_its_round_is_logged() {
        let w = world(Arc::new(MemoryStore::new()));
        let mut late = read(&w);
        late.proof = http_sig::SignedCall::sign(
            &w.grantee,
            "GET",
            "/v1/vaults/x/items",
            b"",
            NOW - http_sig::MAX_CLOCK_SKEW - 1,
            Nonce::random(&mut OsRng),
        )
        .unwrap();
        let mut answers = Vec::new();
        let round: Vec<Waiting> = [read(&w), late, read(&w)]
            .into_iter()
            .map(|r| {
                let (reply, answer) = oneshot::channel();
                answers.push(answer);
                (r, reply)
            })
            .collect();
        answer_round(&*w.store, &w.server, round);
        let mut got = Vec::new();
        for answer in answers {
            got.push(match answer.await.unwrap() {
                Ok(logged) => Ok(logged.entry.unwrap().seq),
                Err(e) => Err(e.code()),
            });
        }
        assert_eq!(got, [Ok(0), Err("clock_skew"), Ok(1)]);
        assert_eq!(w.store.log_head(w.grant.vault).unwrap().next_seq, 2);
        assert_eq!(w.store.grant(w.grant.id).unwrap().unwrap().use_count, 2);
    }

    #[tokio::test]
    async fn a_read_whose_grant_was_revoked_meanwhile_is_refused_and_not_logged() {
        let w = world(Arc::new(MemoryStore::new()));
        let commit = GroupCommit::start(Arc::clone(&w.store), Arc::clone(&w.server)).unwrap();
        let pending = read(&w);
        let _ = w
            .store
            .revoke_grant(w.grant.vault, w.grant.id, NOW, &Blob(b"r".to_vec()), None)
            .unwrap();
        let logged = commit.log(pending).await.unwrap();
        assert_eq!(logged.entry.map(|e| e.seq), Err(GrantDenied::Revoked));
        assert_eq!(logged.read, GranteeRead::Items(Vec::new()), "handed back");
        assert!(w.store.log_from(w.grant.vault, 0, 10).unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_nonce_claim_waits_for_its_flush_and_the_store_can_reopen_after_drop() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SledStore::open(dir.path(), SledOptions::default()).unwrap());
        let commit =
            GroupCommit::start(store.clone(), Arc::new(Identity::generate(&mut OsRng))).unwrap();
        let (_, mark) = store
            .claim_request_nonce(Nonce::random(&mut OsRng), NOW)
            .unwrap();
        assert!(!store.is_durable(mark), "nothing flushed yet");
        commit.durable(mark).await.unwrap();
        assert!(store.is_durable(mark));
        drop(commit);
        drop(store);
        assert!(
            SledStore::open(dir.path(), SledOptions::default()).is_ok(),
            "dropping joined the threads, which released the directory"
        );
    }
}
