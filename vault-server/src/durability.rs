//! Waiting, without holding a thread, until a write is durable.
//!
//! The hot-path writes (request nonces, grantee-read log entries) return a [`SyncMark`]
//! instead of flushing. A request task hands its mark to the one flusher thread and sleeps;
//! the flusher runs one flush for every mark that arrived meanwhile (group commit) and wakes
//! the tasks. Under load one fsync covers many requests, and no blocking-pool thread waits
//! per request.

use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::watch;

use crate::error::AppError;
use crate::store::{Store, StoreError, SyncMark};

/// What the flusher has done so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flushed {
    /// This many flush rounds have finished.
    Rounds(u64),
    /// A flush failed: durability can no longer be promised (the store refuses every later
    /// sync too), so waiters get an error instead of waiting forever.
    Failed,
}

/// The flusher thread and the signal it raises after each flush round.
pub struct Flusher {
    store: Arc<dyn Store>,
    /// Marks waiting for a flush; `None` once dropped, which stops the thread.
    wanted: Option<mpsc::Sender<SyncMark>>,
    flushed: watch::Receiver<Flushed>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Flusher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Flusher")
            .field("flushed", &*self.flushed.borrow())
            .finish_non_exhaustive()
    }
}

impl Flusher {
    /// Starts the flusher thread over `store`.
    ///
    /// # Errors
    /// When the thread cannot be started.
    pub fn start(store: Arc<dyn Store>) -> std::io::Result<Self> {
        let (wanted, marks) = mpsc::channel();
        let (signal, flushed) = watch::channel(Flushed::Rounds(0));
        let flushing = Arc::clone(&store);
        let thread = std::thread::Builder::new()
            .name("flusher".into())
            .spawn(move || flush_rounds(&*flushing, &marks, &signal))?;
        Ok(Self {
            store,
            wanted: Some(wanted),
            flushed,
            thread: Some(thread),
        })
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
        let mut flushed = self.flushed.clone();
        flushed.mark_unchanged();
        self.wanted
            .as_ref()
            .and_then(|w| w.send(mark).ok())
            .ok_or(AppError::Internal("flusher stopped"))?;
        loop {
            if self.store.is_durable(mark) {
                return Ok(());
            }
            if *flushed.borrow_and_update() == Flushed::Failed {
                return Err(AppError::Storage(StoreError::Backend(
                    "an earlier flush failed".into(),
                )));
            }
            flushed
                .changed()
                .await
                .map_err(|_| AppError::Internal("flusher stopped"))?;
        }
    }
}

impl Drop for Flusher {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop; joining it releases its store handle
        // before whoever dropped us reopens the data directory.
        self.wanted = None;
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("flusher thread panicked");
            }
        }
    }
}

/// The flusher loop: one flush for all marks that are waiting, then a signal.
fn flush_rounds(
    store: &dyn Store,
    marks: &mpsc::Receiver<SyncMark>,
    signal: &watch::Sender<Flushed>,
) {
    while let Ok(first) = marks.recv() {
        let latest = marks.try_iter().fold(first, std::cmp::max);
        let outcome = store.sync(latest);
        signal.send_modify(|flushed| {
            *flushed = match (outcome.is_ok(), *flushed) {
                (true, Flushed::Rounds(n)) => Flushed::Rounds(n + 1),
                _ => Flushed::Failed,
            };
        });
        if let Err(e) = outcome {
            tracing::error!(error = %e, "flush failed; durable answers are no longer possible");
        }
    }
}
