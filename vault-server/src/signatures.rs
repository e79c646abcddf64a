//! Request signatures checked many at once, on one thread.
//!
//! Checking an Ed25519 signature alone takes about 40 µs, in one batch with others about
//! 17 µs each (`crypto::verify_all`), and every API call carries one. Request tasks hand their
//! signature check to the checker thread and wait; the thread takes every check waiting (up
//! to [`MAX_BATCH`]) and runs them as one batch. It never waits to fill a batch: under load
//! checks pile up while it works on the last batch, and a lone request is checked at once.

use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use crypto::{verify_all, SignatureCheck};
use tokio::sync::oneshot;

use crate::error::AppError;
use crate::group_commit::next_round;

/// Most checks in one batch: bounds the time a batch keeps its requests waiting (about 1 ms)
/// and the work redone when a batch holds a bad signature (its halves are checked again, down
/// to the bad one: a few more batches, see `crypto::verify_all`).
const MAX_BATCH: usize = 64;

/// A check waiting, with where its answer goes.
type Job = (SignatureCheck, oneshot::Sender<bool>);

/// The checker thread and its queue.
#[derive(Debug)]
pub struct SignatureChecker {
    /// `None` once dropped, which ends the thread's loop.
    checks: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
}

impl SignatureChecker {
    /// Starts the checker thread.
    ///
    /// # Errors
    /// When the thread cannot be started.
    pub fn start() -> std::io::Result<Self> {
        let (checks, queue) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("sig-check".into())
            .spawn(move || run_batches(&queue))?;
        Ok(Self {
            checks: Some(checks),
            thread: Some(thread),
        })
    }

    /// Whether the signature holds, checked in the next batch.
    ///
    /// # Errors
    /// Only while the server shuts down.
    pub async fn holds(&self, check: SignatureCheck) -> Result<bool, AppError> {
        let (reply, answer) = oneshot::channel();
        self.checks
            .as_ref()
            .and_then(|q| q.send((check, reply)).ok())
            .ok_or(STOPPED)?;
        answer.await.map_err(|_| STOPPED)
    }
}

/// The error when the thread is gone (only while the server shuts down).
const STOPPED: AppError = AppError::Internal("signature checker stopped");

impl Drop for SignatureChecker {
    fn drop(&mut self) {
        self.checks = None;
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("signature-checker thread panicked");
            }
        }
    }
}

/// The checker: each batch answers every check waiting.
fn run_batches(queue: &mpsc::Receiver<Job>) {
    let mut last_start = None;
    while let Some(batch) = next_round(queue, &mut last_start, Duration::ZERO, MAX_BATCH) {
        let (checks, replies): (Vec<SignatureCheck>, Vec<_>) = batch.into_iter().unzip();
        for (reply, holds) in replies.into_iter().zip(verify_all(&checks)) {
            // A request cancelled meanwhile has nobody waiting for its answer.
            let _ = reply.send(holds);
        }
    }
}
