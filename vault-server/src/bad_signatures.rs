//! A limit on bad request signatures per key and client address.
//!
//! A bad signature costs the sig-check thread more than a good one: it fails the batch it is
//! in, whose halves are then checked again down to the bad one (`crypto::verify_all`). So a key
//! that sends more than [`MOST_BAD`] requests with bad signatures within a window of
//! [`WINDOW_SECS`] (by the server clock) from one client address is refused for the rest of
//! that window, good signatures included: `429 too_many_bad_signatures` with `Retry-After`,
//! before its signature is checked.
//!
//! Counted per **(claimed key id, client address)**, not per key id alone: the key id in
//! `Rugzak-Key` is public, and anybody can send bad signatures that claim someone else's key.
//! Counted per key alone, that would lock the victim out for the price of a few requests. Per
//! address, it only locks out the victim's key *from the attacker's address*: the victim is
//! affected only if it shares that address (the same NAT or proxy; behind a reverse proxy every
//! client shares the proxy's address, see the README). An attacker who rotates keys is not
//! limited by this (the per-address rate limits and the batch size bound what it costs us).
//!
//! The record is in memory; it starts over past [`MOST_TRACKED`] pairs (erring towards not
//! refusing) and forgets ended windows in maintenance.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};

use crypto::encoding::UnixTime;
use crypto::PartyId;

/// Length of a window, in seconds: ten minutes.
pub const WINDOW_SECS: i64 = 600;
/// Bad signatures a (key, address) may send per window before it is refused.
pub const MOST_BAD: u32 = 20;
/// Pairs tracked before the record starts over (bounds memory to a few MiB).
const MOST_TRACKED: usize = 100_000;

/// Bad signatures per (key, address) in the current window.
#[derive(Debug, Default)]
pub struct BadSignatures(Mutex<HashMap<(PartyId, IpAddr), Strikes>>);

#[derive(Debug, Clone, Copy)]
struct Strikes {
    /// `now / WINDOW_SECS` of the window.
    window: i64,
    /// Bad signatures in it.
    count: u32,
}

impl BadSignatures {
    /// `Some(seconds until the window ends)` when `key` from `client` is refused at `now`.
    pub fn refused(&self, key: PartyId, client: IpAddr, now: UnixTime) -> Option<u64> {
        let window = now.div_euclid(WINDOW_SECS);
        let strikes = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&(key, client))
            .copied()?;
        (strikes.window == window && strikes.count >= MOST_BAD).then(|| {
            let end = (window + 1).saturating_mul(WINDOW_SECS);
            u64::try_from(end.saturating_sub(now)).unwrap_or(1).max(1)
        })
    }

    /// Counts a bad signature of `key` from `client` at `now`.
    pub fn strike(&self, key: PartyId, client: IpAddr, now: UnixTime) {
        let window = now.div_euclid(WINDOW_SECS);
        let mut pairs = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if pairs.len() >= MOST_TRACKED && !pairs.contains_key(&(key, client)) {
            pairs.clear();
        }
        let strikes = pairs
            .entry((key, client))
            .or_insert(Strikes { window, count: 0 });
        if strikes.window != window {
            *strikes = Strikes { window, count: 0 };
        }
        strikes.count = strikes.count.saturating_add(1);
    }

    /// Forgets windows that ended before `now` (maintenance).
    pub fn forget_past(&self, now: UnixTime) {
        let window = now.div_euclid(WINDOW_SECS);
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, s| s.window >= window);
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use rand_core::OsRng;

    use super::*;

    #[test]
    fn a_key_is_refused_after_too_many_bad_signatures_from_one_address_only() {
        let b = BadSignatures::default();
        let key = PartyId::random(&mut OsRng);
        let here = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
        let there = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));
        let t = 9 * WINDOW_SECS + 100;
        for _ in 0..MOST_BAD - 1 {
            b.strike(key, here, t);
        }
        assert_eq!(b.refused(key, here, t), None, "one more is allowed");
        b.strike(key, here, t);
        assert_eq!(b.refused(key, here, t), Some(500), "till the window ends");
        assert_eq!(
            b.refused(key, there, t),
            None,
            "another address is not refused"
        );
        assert_eq!(b.refused(PartyId::random(&mut OsRng), here, t), None);
        assert_eq!(b.refused(key, here, t + 500), None, "a new window");
        b.forget_past(t + 500);
        assert_eq!(b.refused(key, here, t), None, "forgotten");
    }
}
