//! Group commit of the access log: every grantee read is logged by one writer thread, which
//! takes all reads waiting at that moment and logs them in one store write
//! ([`Store::log_grantee_reads`]). Signing the entries and writing them cost the same few
//! microseconds per read whether 1 or 200 arrive together, while a store write of its own per
//! read would serialise every request on the store's write lock.

use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;

use crypto::encoding::UnixTime;
use crypto::{http_sig, Identity, PublicKeys};
use tokio::sync::oneshot;

use crate::consent::EntryMaker;
use crate::error::AppError;
use crate::store::{
    AccessEvent, GrantDenied, GranteeAccess, GranteeRead, LogEntryRecord, LogHead, LoggedRead,
    Store, StoreError, StoreResult, SyncMark,
};

/// Most reads logged in one store write; more wait for the next.
const MAX_BATCH: usize = 256;

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

/// A read after the writer saw it: handed back, with its entry or why its grant no longer
/// allowed it, and the mark to make durable before answering.
#[derive(Debug)]
pub struct LoggedOutcome {
    /// What was read, handed back.
    pub read: GranteeRead,
    /// The entry, or the refusal (nothing logged for it then).
    pub entry: Result<LogEntryRecord, GrantDenied>,
    /// Durable once flushed past this.
    pub mark: SyncMark,
}

struct Pending {
    read: ReadToLog,
    reply: oneshot::Sender<StoreResult<LoggedOutcome>>,
}

/// The writer thread and its queue.
#[derive(Debug)]
pub struct AccessLog {
    queue: Option<mpsc::Sender<Pending>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending").finish_non_exhaustive()
    }
}

impl AccessLog {
    /// Starts the writer thread, which signs entries as `server`.
    ///
    /// # Errors
    /// When the thread cannot be started.
    pub fn start(store: Arc<dyn Store>, server: Arc<Identity>) -> std::io::Result<Self> {
        let (queue, waiting) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("access-log".into())
            .spawn(move || write_batches(&*store, &server, &waiting))?;
        Ok(Self {
            queue: Some(queue),
            thread: Some(thread),
        })
    }

    /// Logs one read (with whatever else is waiting) and returns it with its outcome. The
    /// entry is not durable yet: wait for `mark` before answering.
    ///
    /// # Errors
    /// When the store write failed.
    pub async fn log(&self, read: ReadToLog) -> Result<LoggedOutcome, AppError> {
        let (reply, outcome) = oneshot::channel();
        self.queue
            .as_ref()
            .and_then(|q| q.send(Pending { read, reply }).ok())
            .ok_or(AppError::Internal("access-log writer stopped"))?;
        Ok(outcome
            .await
            .map_err(|_| AppError::Internal("access-log writer stopped"))??)
    }
}

impl Drop for AccessLog {
    fn drop(&mut self) {
        // As for the flusher: end the loop, then release the writer's store handle.
        self.queue = None;
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("access-log writer panicked");
            }
        }
    }
}

/// The writer loop: everything waiting, up to [`MAX_BATCH`], in one store write.
fn write_batches(store: &dyn Store, server: &Identity, waiting: &mpsc::Receiver<Pending>) {
    while let Ok(first) = waiting.recv() {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        batch.push(first);
        batch.extend(waiting.try_iter().take(MAX_BATCH - 1));
        write_batch(store, server, batch);
    }
}

fn write_batch(store: &dyn Store, server: &Identity, batch: Vec<Pending>) {
    let makers: Vec<EntryMaker<'_>> = batch
        .iter()
        .map(|p| EntryMaker {
            server,
            vault: &p.read.vault_keys,
            proof: Some(&p.read.proof),
            now: p.read.now,
        })
        .collect();
    let builders: Vec<_> = makers
        .iter()
        .map(|maker| move |head: LogHead, event: AccessEvent<'_>| maker.build(head, event))
        .collect();
    let reads: Vec<LoggedRead<'_>> = batch
        .iter()
        .zip(&builders)
        .map(|(p, build)| LoggedRead {
            access: p.read.access,
            read: &p.read.read,
            now: p.read.now,
            log: build,
        })
        .collect();
    let outcome = store.log_grantee_reads(&reads);
    drop(reads);
    drop(builders);
    drop(makers);
    match outcome {
        Ok((entries, mark)) => {
            for (pending, entry) in batch.into_iter().zip(entries) {
                // A requester that gave up (connection closed) no longer needs its answer.
                let _ = pending.reply.send(Ok(LoggedOutcome {
                    read: pending.read.read,
                    entry,
                    mark,
                }));
            }
        }
        Err(e) => {
            tracing::error!(error = %e, reads = batch.len(), "access-log write failed");
            for pending in batch {
                let _ = pending.reply.send(Err(same_error(&e)));
            }
        }
    }
}

/// The batch's one error, for each of its requesters.
fn same_error(e: &StoreError) -> StoreError {
    match e {
        StoreError::Internal(what) => StoreError::Internal(what),
        other => StoreError::Backend(other.to_string()),
    }
}
