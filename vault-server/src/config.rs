//! Runtime settings, filled from flags and environment by `main.rs` (clap) or set directly
//! by tests.

use std::num::NonZeroU32;
use std::time::Duration;

use url::Url;

/// How many requests per minute one client address may make to a rate-limited group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Passkey registration and login.
    pub login_per_minute: NonZeroU32,
    /// Share-link passcode attempts.
    pub passcode_per_minute: NonZeroU32,
    /// Posting and fetching access requests.
    pub request_per_minute: NonZeroU32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            login_per_minute: NonZeroU32::new(30).unwrap_or(NonZeroU32::MIN),
            passcode_per_minute: NonZeroU32::new(10).unwrap_or(NonZeroU32::MIN),
            request_per_minute: NonZeroU32::new(60).unwrap_or(NonZeroU32::MIN),
        }
    }
}

/// Settings of the HTTP application (not of the listener or the store).
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The public origin of the web app (`https://rugzak.example`): WebAuthn's origin, and its
    /// host is the relying-party id.
    pub public_url: Url,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// How long a login session lasts.
    pub session_ttl: Duration,
    /// How long a passkey ceremony may take between start and finish.
    pub ceremony_ttl: Duration,
    /// Most passkey ceremonies pending at once, server-wide (bounds memory).
    pub max_pending_ceremonies: usize,
    /// Rate limits per client address.
    pub rate_limits: RateLimits,
    /// The built web app (`web/app/dist`), served at `/`; `None` serves the API alone.
    pub web_dir: Option<std::path::PathBuf>,
}

impl ServerConfig {
    /// Defaults for a server reachable at `public_url`.
    #[must_use]
    pub fn new(public_url: Url) -> Self {
        Self {
            public_url,
            body_limit: 1024 * 1024,
            session_ttl: Duration::from_secs(12 * 3600),
            ceremony_ttl: Duration::from_secs(300),
            max_pending_ceremonies: 10_000,
            rate_limits: RateLimits::default(),
            web_dir: None,
        }
    }
}
