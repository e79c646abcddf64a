//! Passkey ceremony state kept server-side between start and finish: in memory, single-use,
//! with expiry and a cap. webauthn-rs deliberately does not make this state serialisable, and
//! a ceremony lost to a restart is simply started again.

use std::collections::HashMap;
use std::sync::Mutex;

use crypto::encoding::UnixTime;
use rand_core::OsRng;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, PasskeyAuthentication, PasskeyRegistration,
};

use crate::error::AppError;
use crate::ids::{AccountId, CeremonyId};
use crate::store::AccountRecord;

/// A ceremony in progress.
pub enum Pending {
    /// Registering the first passkey of a new account (created on finish).
    NewAccount {
        /// The account to create.
        account: AccountRecord,
        /// webauthn-rs state.
        state: PasskeyRegistration,
    },
    /// Adding a passkey to an existing account.
    AddPasskey {
        /// The account.
        account: AccountId,
        /// webauthn-rs state.
        state: PasskeyRegistration,
    },
    /// Logging in.
    Login {
        /// The account.
        account: AccountId,
        /// webauthn-rs state.
        state: PasskeyAuthentication,
    },
    /// Logging in without naming the account: the passkey's user handle says which.
    Discover {
        /// webauthn-rs state.
        state: DiscoverableAuthentication,
    },
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NewAccount { .. } => "Pending::NewAccount",
            Self::AddPasskey { .. } => "Pending::AddPasskey",
            Self::Login { .. } => "Pending::Login",
            Self::Discover { .. } => "Pending::Discover",
        })
    }
}

/// Pending ceremonies by id.
#[derive(Debug)]
pub struct Ceremonies {
    pending: Mutex<HashMap<CeremonyId, (Pending, UnixTime)>>,
    ttl_secs: i64,
    max: usize,
}

impl Ceremonies {
    /// An empty table; ceremonies live `ttl_secs`, at most `max` at once.
    #[must_use]
    pub fn new(ttl_secs: i64, max: usize) -> Self {
        Self {
            pending: Mutex::new(HashMap::new()),
            ttl_secs,
            max,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<CeremonyId, (Pending, UnixTime)>> {
        // Map operations cannot leave it half-changed, so a poisoned lock is still usable.
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Keeps `pending` until `now + ttl`; refuses with `Busy` when the table is full.
    pub fn start(&self, pending: Pending, now: UnixTime) -> Result<CeremonyId, AppError> {
        let mut map = self.lock();
        if map.len() >= self.max {
            map.retain(|_, (_, expires)| now < *expires);
            if map.len() >= self.max {
                return Err(AppError::Busy);
            }
        }
        let id = CeremonyId::random(&mut OsRng);
        map.insert(id, (pending, now + self.ttl_secs));
        Ok(id)
    }

    /// Takes a ceremony out (single use); unknown and expired ones are `UnknownCeremony`.
    pub fn finish(&self, id: CeremonyId, now: UnixTime) -> Result<Pending, AppError> {
        match self.lock().remove(&id) {
            Some((pending, expires)) if now < expires => Ok(pending),
            _ => Err(AppError::UnknownCeremony),
        }
    }

    /// Drops expired ceremonies (run periodically).
    pub fn purge(&self, now: UnixTime) {
        self.lock().retain(|_, (_, expires)| now < *expires);
    }
}
