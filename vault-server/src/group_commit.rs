//! Group commit: one thread writes the access log and flushes the store for every request
//! that waits on it.
//!
//! The hot-path writes do not flush on their own: a request nonce claim returns a
//! [`SyncMark`], and a grantee read is only read, its log entry still to be written. Request
//! tasks hand these to the committer thread and sleep. The committer takes everything that
//! arrived during the last round, writes all pending log entries in one store write
//! ([`Store::log_grantee_reads`]), runs one flush, and wakes the tasks. A store write and a
//! flush cost about the same whether they cover one request or a hundred, so under load each
//! request pays a small share; a lone request after a quiet spell goes through at once.

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
    AccessEvent, GrantDenied, GranteeAccess, GranteeRead, LogEntryRecord, LogHead, LoggedRead,
    Store, StoreError, StoreResult, SyncMark,
};

/// Shortest time between the starts of two rounds. A round's flush costs the same few hundred
/// microseconds of CPU (sled hands the write to its I/O threads and waits) however many
/// requests it covers; waiting this long under load lets one round cover many requests, and
/// adds at most this much to a request's time.
const MIN_ROUND_INTERVAL: Duration = Duration::from_millis(2);

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
    pub proof: http_sig::SignedRequest,
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

/// What the committer has done so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rounds {
    /// This many rounds have finished.
    Done(u64),
    /// A flush failed: durability can no longer be promised (the store refuses every later
    /// sync too), so waiters get an error instead of waiting forever.
    Failed,
}

/// A read in the queue, with where its answer goes.
type Waiting = (ReadToLog, oneshot::Sender<StoreResult<Logged>>);

/// A round's log write: per read its entry or refusal, and the mark to sync (none when the
/// round had no reads).
type RoundLog = (Vec<Result<LogEntryRecord, GrantDenied>>, Option<SyncMark>);

/// Work for the committer.
enum Job {
    /// Log this read; answer when its entry is durable.
    Log(Box<Waiting>),
    /// Make everything before this mark durable.
    Sync(SyncMark),
}

/// The committer thread, its queue, and the signal it raises after each round.
pub struct GroupCommit {
    store: Arc<dyn Store>,
    /// `None` once dropped, which ends the thread's loop.
    queue: Option<mpsc::Sender<Job>>,
    rounds: watch::Receiver<Rounds>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for GroupCommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommit")
            .field("rounds", &*self.rounds.borrow())
            .finish_non_exhaustive()
    }
}

impl GroupCommit {
    /// Starts the committer thread over `store`; it signs log entries as `server`.
    ///
    /// # Errors
    /// When the thread cannot be started.
    pub fn start(store: Arc<dyn Store>, server: Arc<Identity>) -> std::io::Result<Self> {
        let (queue, jobs) = mpsc::channel();
        let (signal, rounds) = watch::channel(Rounds::Done(0));
        let committing = Arc::clone(&store);
        let thread = std::thread::Builder::new()
            .name("group-commit".into())
            .spawn(move || run_rounds(&*committing, &server, &jobs, &signal))?;
        Ok(Self {
            store,
            queue: Some(queue),
            rounds,
            thread: Some(thread),
        })
    }

    fn send(&self, job: Job) -> Result<(), AppError> {
        self.queue
            .as_ref()
            .and_then(|q| q.send(job).ok())
            .ok_or(AppError::Internal("group-commit thread stopped"))
    }

    /// Logs a grantee read in the next round and returns it once its entry is durable.
    ///
    /// # Errors
    /// When the store write or the flush failed.
    pub async fn log(&self, read: ReadToLog) -> Result<Logged, AppError> {
        let (reply, outcome) = oneshot::channel();
        self.send(Job::Log(Box::new((read, reply))))?;
        Ok(outcome
            .await
            .map_err(|_| AppError::Internal("group-commit thread stopped"))??)
    }

    /// Returns once every write made before `mark` was taken is durable.
    ///
    /// # Errors
    /// `storage_error` when a flush failed.
    pub async fn durable(&self, mark: SyncMark) -> Result<(), AppError> {
        if self.store.is_durable(mark) {
            return Ok(());
        }
        // Subscribe before asking, so a round that ends in between still wakes us.
        let mut rounds = self.rounds.clone();
        rounds.mark_unchanged();
        self.send(Job::Sync(mark))?;
        loop {
            if self.store.is_durable(mark) {
                return Ok(());
            }
            if *rounds.borrow_and_update() == Rounds::Failed {
                return Err(AppError::Storage(StoreError::Backend(
                    "an earlier flush failed".into(),
                )));
            }
            rounds
                .changed()
                .await
                .map_err(|_| AppError::Internal("group-commit thread stopped"))?;
        }
    }
}

impl Drop for GroupCommit {
    fn drop(&mut self) {
        // Closing the queue ends the loop; joining the thread releases its store handle before
        // whoever dropped us reopens the data directory.
        self.queue = None;
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("group-commit thread panicked");
            }
        }
    }
}

/// The committer loop: at most one round per [`MIN_ROUND_INTERVAL`], each covering every
/// job that is waiting.
fn run_rounds(
    store: &dyn Store,
    server: &Identity,
    jobs: &mpsc::Receiver<Job>,
    signal: &watch::Sender<Rounds>,
) {
    let mut last_start: Option<Instant> = None;
    while let Ok(first) = jobs.recv() {
        if let Some(started) = last_start {
            std::thread::sleep(MIN_ROUND_INTERVAL.saturating_sub(started.elapsed()));
        }
        last_start = Some(Instant::now());
        let mut reads = Vec::new();
        let mut latest: Option<SyncMark> = None;
        for job in std::iter::once(first).chain(jobs.try_iter()) {
            match job {
                Job::Log(waiting) => reads.push(*waiting),
                Job::Sync(mark) => latest = latest.max(Some(mark)),
            }
        }
        let logged = log_reads(store, server, &reads);
        let to_sync = match &logged {
            Ok((_, mark)) => latest.max(*mark),
            Err(_) => latest,
        };
        let flushed = to_sync.map_or(Ok(()), |mark| store.sync(mark));
        signal.send_modify(|rounds| {
            *rounds = match (flushed.is_ok(), *rounds) {
                (true, Rounds::Done(n)) => Rounds::Done(n + 1),
                _ => Rounds::Failed,
            };
        });
        answer(reads, logged, flushed);
    }
}

/// Writes the log entries of `reads` in one store write.
fn log_reads(
    store: &dyn Store,
    server: &Identity,
    reads: &[Waiting],
) -> StoreResult<RoundLog> {
    if reads.is_empty() {
        return Ok((Vec::new(), None));
    }
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
        .map(|maker| move |head: LogHead, event: AccessEvent<'_>| maker.build(head, event))
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
    let (entries, mark) = store.log_grantee_reads(&logged)?;
    Ok((entries, Some(mark)))
}

/// Wakes the readers of a round with their outcome.
fn answer(
    reads: Vec<Waiting>,
    logged: StoreResult<RoundLog>,
    flushed: StoreResult<()>,
) {
    let failure = match (&logged, &flushed) {
        (Err(e), _) | (Ok(_), Err(e)) => Some(e),
        (Ok(_), Ok(())) => None,
    };
    if let Some(e) = failure {
        tracing::error!(error = %e, reads = reads.len(), "group commit failed");
        for (_, reply) in reads {
            // A requester that gave up (connection closed) no longer needs its answer.
            let _ = reply.send(Err(same_error(e)));
        }
        return;
    }
    let entries = logged.map(|(entries, _)| entries).unwrap_or_default();
    for ((read, reply), entry) in reads.into_iter().zip(entries) {
        let _ = reply.send(Ok(Logged {
            read: read.read,
            entry,
        }));
    }
}

/// The round's one error, for each of its requesters.
fn same_error(e: &StoreError) -> StoreError {
    match e {
        StoreError::Internal(what) => StoreError::Internal(what),
        other => StoreError::Backend(other.to_string()),
    }
}
