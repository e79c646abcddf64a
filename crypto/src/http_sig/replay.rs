//! Replay protection: each signed request, identified by (key, timestamp, nonce), is accepted
//! once. A replay repeats all three (they are signed); the timestamp being part of the identity
//! lets a store keep its nonces by time.
//!
//! Requests older than [`MAX_CLOCK_SKEW`] are refused by the clock check anyway, so a guard only
//! needs to remember the nonces of requests signed within the last `2 * MAX_CLOCK_SKEW` seconds.

use std::collections::BTreeSet;
use std::sync::{Mutex, PoisonError};

use crate::encoding::UnixTime;
use crate::http_sig::MAX_CLOCK_SKEW;
use crate::ids::{Nonce, PartyId};

/// Whether a nonce was new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceUse {
    /// Never seen: the request may proceed, and the nonce is now recorded.
    First,
    /// Seen before, or too old to tell: the request must be refused.
    Again,
}

/// Remembers which nonces each key has used. The server backs it with its store; tests and
/// single-process deployments use [`MemoryReplayGuard`].
///
/// Implementations must make the check-and-record atomic: two concurrent calls with the same
/// key, timestamp and nonce must not both get [`NonceUse::First`].
pub trait ReplayGuard {
    /// Why the guard could not answer (storage failure, full).
    type Error: std::error::Error + 'static;

    /// Records that `key` used `nonce` for a request signed at `timestamp`, with `now` the
    /// verifier's clock. Called only for requests whose signature and time already checked out.
    fn first_use(
        &self,
        key: PartyId,
        nonce: Nonce,
        timestamp: UnixTime,
        now: UnixTime,
    ) -> Result<NonceUse, Self::Error>;
}

/// The in-memory guard holds its maximum number of nonces; requests are refused until older
/// ones expire (failing closed rather than forgetting a nonce that could still be replayed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many recent requests to check for replay; try again shortly")]
pub struct ReplayGuardFull;

/// A bounded in-memory [`ReplayGuard`].
///
/// It forgets nonces of requests signed more than [`MAX_CLOCK_SKEW`] before the latest `now`
/// it was given, and from then on answers [`NonceUse::Again`] for anything signed before that
/// horizon, so that a clock stepping back cannot make a forgotten nonce usable again.
#[derive(Debug)]
pub struct MemoryReplayGuard {
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Recorded uses ordered by signing time, so expiry pops from the front.
    by_time: BTreeSet<(UnixTime, PartyId, Nonce)>,
    /// Everything signed before this time has been forgotten.
    horizon: Option<UnixTime>,
}

impl MemoryReplayGuard {
    /// A guard holding at most `capacity` nonces (about 100 bytes each).
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            state: Mutex::new(State::default()),
        }
    }

    /// Number of nonces currently remembered.
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().by_time.len()
    }

    /// Whether no nonce is remembered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent even if a holder panicked: each mutation below is a single
        // set operation.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    fn forget_before(&mut self, cutoff: UnixTime) {
        if self.horizon.is_some_and(|h| h >= cutoff) {
            return;
        }
        self.horizon = Some(cutoff);
        while self
            .by_time
            .first()
            .is_some_and(|&(time, _, _)| time < cutoff)
        {
            self.by_time.pop_first();
        }
    }
}

impl ReplayGuard for MemoryReplayGuard {
    type Error = ReplayGuardFull;

    fn first_use(
        &self,
        key: PartyId,
        nonce: Nonce,
        timestamp: UnixTime,
        now: UnixTime,
    ) -> Result<NonceUse, ReplayGuardFull> {
        let mut state = self.lock();
        state.forget_before(now.saturating_sub(MAX_CLOCK_SKEW));
        let used = (timestamp, key, nonce);
        if state.horizon.is_some_and(|h| timestamp < h) || state.by_time.contains(&used) {
            return Ok(NonceUse::Again);
        }
        if state.by_time.len() >= self.capacity {
            return Err(ReplayGuardFull);
        }
        state.by_time.insert(used);
        Ok(NonceUse::First)
    }
}
