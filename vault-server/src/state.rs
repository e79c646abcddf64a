//! Shared application state.

use std::sync::Arc;

use crypto::encoding::UnixTime;
use crypto::{Identity, PublicKeys, RootSecret};
use rand_core::OsRng;
use webauthn_rs::{Webauthn, WebauthnBuilder};

use crate::auth::KeyCache;
use crate::bad_signatures::BadSignatures;
use crate::ceremonies::Ceremonies;
use crate::config::ServerConfig;
use crate::error::AppError;
use crate::group_commit::{GroupCommit, Logged, ReadToLog};
use crate::rate_limit::RateLimiters;
use crate::refusals::StrangerRefusals;
use crate::signatures::SignatureChecker;
use crate::store::{Store, StoreResult, SyncMark};

/// The server clock: seconds since the Unix epoch. Replaceable so tests can move time.
pub type Clock = Arc<dyn Fn() -> UnixTime + Send + Sync>;

/// The system clock.
#[must_use]
pub fn system_clock() -> Clock {
    Arc::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    })
}

/// Everything handlers share. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    webauthn: Webauthn,
    ceremonies: Ceremonies,
    limiters: RateLimiters,
    config: ServerConfig,
    clock: Clock,
    /// Signs server-made consent-log entries; its root secret lives in the store.
    identity: Arc<Identity>,
    /// Writes grantee-read log entries and flushes, for many requests at once.
    group_commit: GroupCommit,
    /// Decoded keys of recent callers.
    key_cache: KeyCache,
    /// Checks request signatures, many at once.
    signatures: SignatureChecker,
    /// Slots for share-link passcode hashes ([`crate::links::MAX_HASHES`]).
    passcode_slots: tokio::sync::Semaphore,
    /// Which refusals of parties without a grant get a log entry.
    stranger_refusals: StrangerRefusals,
    /// Bad request signatures per key and address.
    bad_signatures: BadSignatures,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("public_url", &self.inner.config.public_url.as_str())
            .finish_non_exhaustive()
    }
}

/// The state could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The public URL cannot serve as a WebAuthn origin.
    #[error("the public URL must be http(s)://<domain name>[:port] (WebAuthn needs a domain, not an IP address)")]
    BadPublicUrl,
    /// The server's signing key could not be loaded from or stored in the store.
    #[error("cannot load the server key: {0}")]
    ServerKey(#[from] crate::store::StoreError),
    /// A group-commit or signature-checker thread could not be started.
    #[error("cannot start a server thread: {0}")]
    Thread(#[from] std::io::Error),
}

impl AppState {
    /// State over `store` with the system clock.
    pub fn new(store: Arc<dyn Store>, config: ServerConfig) -> Result<Self, StateError> {
        Self::with_clock(store, config, system_clock())
    }

    /// State with an explicit clock (tests).
    pub fn with_clock(
        store: Arc<dyn Store>,
        config: ServerConfig,
        clock: Clock,
    ) -> Result<Self, StateError> {
        let rp_id = config.public_url.domain().ok_or(StateError::BadPublicUrl)?;
        let webauthn = WebauthnBuilder::new(rp_id, &config.public_url)
            .and_then(|b| b.rp_name("Rugzak").timeout(config.ceremony_ttl).build())
            .map_err(|_| StateError::BadPublicUrl)?;
        let identity = Arc::new(Identity::from_root(
            store.server_root(&RootSecret::generate(&mut OsRng))?,
        ));
        let group_commit = GroupCommit::start(Arc::clone(&store), Arc::clone(&identity))?;
        let signatures = SignatureChecker::start()?;
        let ttl = i64::try_from(config.ceremony_ttl.as_secs()).unwrap_or(i64::MAX);
        Ok(Self {
            inner: Arc::new(Inner {
                store,
                webauthn,
                ceremonies: Ceremonies::new(ttl, config.max_pending_ceremonies),
                limiters: RateLimiters::new(&config.rate_limits),
                config,
                clock,
                identity,
                group_commit,
                key_cache: KeyCache::default(),
                signatures,
                passcode_slots: tokio::sync::Semaphore::new(crate::links::MAX_HASHES),
                stranger_refusals: StrangerRefusals::default(),
                bad_signatures: BadSignatures::default(),
            }),
        })
    }

    /// Runs a store operation on the blocking pool (sled reads, writes and flushes block).
    pub async fn store<T, F>(&self, op: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> StoreResult<T> + Send + 'static,
    {
        let store = Arc::clone(&self.inner.store);
        tokio::task::spawn_blocking(move || op(&*store))
            .await
            .map_err(|_| AppError::Internal("store task failed"))?
            .map_err(AppError::from)
    }

    /// Runs a store operation that never flushes (reads, a nonce claim) on the calling task:
    /// sled answers those from its cache, and an item body is one read of a file the OS keeps
    /// cached, in microseconds: less than a trip to the blocking pool. (A cold disk would block
    /// a runtime worker for that read.)
    pub fn store_now<T>(
        &self,
        op: impl FnOnce(&dyn Store) -> StoreResult<T>,
    ) -> Result<T, AppError> {
        op(&*self.inner.store).map_err(AppError::from)
    }

    /// Returns once every write made before `mark` is durable (see [`GroupCommit`]).
    ///
    /// # Errors
    /// When a flush failed.
    pub async fn durable(&self, mark: SyncMark) -> Result<(), AppError> {
        self.inner.group_commit.durable(mark).await
    }

    /// Decoded keys of recent callers.
    #[must_use]
    pub fn key_cache(&self) -> &KeyCache {
        &self.inner.key_cache
    }

    /// Bad request signatures per key and client address lately.
    #[must_use]
    pub fn bad_signatures(&self) -> &BadSignatures {
        &self.inner.bad_signatures
    }

    /// Which refusals of parties without any grant on a vault get a log entry.
    #[must_use]
    pub fn stranger_refusals(&self) -> &StrangerRefusals {
        &self.inner.stranger_refusals
    }

    /// Slots for share-link passcode hashes, which run outside the store's lock.
    #[must_use]
    pub fn passcode_slots(&self) -> &tokio::sync::Semaphore {
        &self.inner.passcode_slots
    }

    /// The request-signature checker.
    #[must_use]
    pub fn signatures(&self) -> &SignatureChecker {
        &self.inner.signatures
    }

    /// Logs a grantee read and returns it once its entry is durable (see [`GroupCommit`]).
    ///
    /// # Errors
    /// When the store write or the flush failed.
    pub async fn log_read(&self, read: ReadToLog) -> Result<Logged, AppError> {
        self.inner.group_commit.log(read).await
    }

    /// The store itself, for maintenance and tests.
    #[must_use]
    pub fn raw_store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    /// Now, by the server clock.
    #[must_use]
    pub fn now(&self) -> UnixTime {
        (self.inner.clock)()
    }

    /// The server's signing identity (consent-log entries).
    #[must_use]
    pub fn identity(&self) -> &Identity {
        &self.inner.identity
    }

    /// The server's public keys.
    #[must_use]
    pub fn server_keys(&self) -> PublicKeys {
        self.inner.identity.public()
    }

    /// The WebAuthn relying party.
    #[must_use]
    pub fn webauthn(&self) -> &Webauthn {
        &self.inner.webauthn
    }

    /// Pending passkey ceremonies.
    #[must_use]
    pub fn ceremonies(&self) -> &Ceremonies {
        &self.inner.ceremonies
    }

    /// Rate limiters.
    #[must_use]
    pub fn limiters(&self) -> &RateLimiters {
        &self.inner.limiters
    }

    /// Settings.
    #[must_use]
    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// Periodic clean-up: expired store records, ceremonies and idle rate-limit buckets.
    pub async fn maintain(&self) -> Result<(), AppError> {
        let now = self.now();
        self.ceremonies().purge(now);
        self.limiters().forget_idle();
        self.stranger_refusals().forget_past(now);
        self.bad_signatures().forget_past(now);
        let purged = self.store(move |s| s.purge_expired(now)).await?;
        tracing::debug!(?purged, "maintenance");
        Ok(())
    }
}
