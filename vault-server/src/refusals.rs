//! Which refusals of *strangers* get a consent-log entry. A stranger is an enrolled party that
//! holds no grant at all on the vault it calls. Anybody can enrol a key, so without a limit
//! anybody could fill any inwoner's log with `denied` entries. Per vault and per window of
//! [`WINDOW_SECS`] (by the server clock), the first refusal of each stranger is logged, for at
//! most [`MOST_STRANGERS`] strangers; later ones in the window get the same `403 no_grant`
//! but no entry. Refusals of parties that hold a grant on the vault (revoked, expired, not
//! covering the scope, ...) are always logged: they are not limited here.
//!
//! The record is in memory only: after a restart each stranger may be logged once more.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use crypto::encoding::UnixTime;
use crypto::{PartyId, VaultId};

/// Length of a window, in seconds: an hour.
pub const WINDOW_SECS: i64 = 3600;
/// Most strangers whose refusal is logged per vault per window.
pub const MOST_STRANGERS: usize = 10;
/// Vaults tracked at once before the record starts over (bounds memory to a few MiB). Starting
/// over errs towards logging: each vault may then log its strangers once more.
const MOST_VAULTS: usize = 100_000;

/// The strangers logged per vault in the current window.
#[derive(Debug, Default)]
pub struct StrangerRefusals(Mutex<HashMap<VaultId, Window>>);

#[derive(Debug)]
struct Window {
    /// `now / WINDOW_SECS` of the window.
    index: i64,
    /// The strangers logged in it, at most [`MOST_STRANGERS`].
    logged: Vec<PartyId>,
}

impl StrangerRefusals {
    /// Whether the refusal of stranger `party` on `vault` at `now` gets its log entry (and is
    /// counted as logged).
    pub fn admit(&self, vault: VaultId, party: PartyId, now: UnixTime) -> bool {
        let index = now.div_euclid(WINDOW_SECS);
        let mut vaults = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if vaults.len() >= MOST_VAULTS && !vaults.contains_key(&vault) {
            vaults.clear();
        }
        let window = vaults.entry(vault).or_insert(Window {
            index,
            logged: Vec::new(),
        });
        if window.index != index {
            *window = Window {
                index,
                logged: Vec::new(),
            };
        }
        if window.logged.len() >= MOST_STRANGERS || window.logged.contains(&party) {
            return false;
        }
        window.logged.push(party);
        true
    }

    /// Forgets windows that ended before `now` (maintenance).
    pub fn forget_past(&self, now: UnixTime) {
        let index = now.div_euclid(WINDOW_SECS);
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, w| w.index >= index);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use rand_core::OsRng;

    use super::*;

    #[test]
    fn one_entry_per_stranger_and_window_and_at_most_ten_strangers() {
        let r = StrangerRefusals::default();
        let vault = VaultId::random(&mut OsRng);
        let other = VaultId::random(&mut OsRng);
        let t = 7 * WINDOW_SECS;
        let stranger = PartyId::random(&mut OsRng);
        assert!(r.admit(vault, stranger, t));
        assert!(!r.admit(vault, stranger, t + 1), "collapsed");
        assert!(!r.admit(vault, stranger, t + WINDOW_SECS - 1));
        assert!(r.admit(other, stranger, t), "per vault");
        assert!(r.admit(vault, stranger, t + WINDOW_SECS), "next window");
        let admitted = (0..20)
            .filter(|_| r.admit(vault, PartyId::random(&mut OsRng), t + WINDOW_SECS))
            .count();
        assert_eq!(
            admitted,
            MOST_STRANGERS - 1,
            "ten strangers a window in all"
        );
        r.forget_past(t + 2 * WINDOW_SECS);
        assert!(r.0.lock().unwrap().is_empty());
    }
}
