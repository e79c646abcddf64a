//! Per-client rate limits (GCRA via `governor`), keyed by the peer's IP address.
//!
//! The key is the TCP peer address. Behind a reverse proxy every client would share the
//! proxy's bucket; the proxy should then rate-limit itself (documented in the README).

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;

use axum::extract::rejection::ExtensionRejection;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::RateLimits;
use crate::error::AppError;
use crate::state::AppState;

/// A group of endpoints sharing one budget per client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// Passkey registration and login.
    Login,
    /// Share-link passcode attempts.
    Passcode,
    /// Access requests.
    Request,
}

/// One keyed limiter per bucket.
#[derive(Debug)]
pub struct RateLimiters {
    login: DefaultKeyedRateLimiter<IpAddr>,
    passcode: DefaultKeyedRateLimiter<IpAddr>,
    request: DefaultKeyedRateLimiter<IpAddr>,
}

fn per_minute(n: NonZeroU32) -> DefaultKeyedRateLimiter<IpAddr> {
    // Burst of the whole minute's budget, refilled evenly.
    RateLimiter::keyed(Quota::per_minute(n))
}

impl RateLimiters {
    /// Limiters for the configured budgets.
    #[must_use]
    pub fn new(limits: &RateLimits) -> Self {
        Self {
            login: per_minute(limits.login_per_minute),
            passcode: per_minute(limits.passcode_per_minute),
            request: per_minute(limits.request_per_minute),
        }
    }

    const fn limiter(&self, bucket: Bucket) -> &DefaultKeyedRateLimiter<IpAddr> {
        match bucket {
            Bucket::Login => &self.login,
            Bucket::Passcode => &self.passcode,
            Bucket::Request => &self.request,
        }
    }

    /// Takes one request from `client`'s budget in `bucket`.
    pub fn check(&self, bucket: Bucket, client: IpAddr) -> Result<(), AppError> {
        self.limiter(bucket)
            .check_key(&client)
            .map_err(|not_until| {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                AppError::RateLimited {
                    retry_after_secs: wait.as_secs().max(1),
                }
            })
    }

    /// Forgets clients whose buckets are full again, so memory stays bounded.
    pub fn forget_idle(&self) {
        for limiter in [&self.login, &self.passcode, &self.request] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// Middleware: refuses with `429 rate_limited` when the client's budget is spent. Requests
/// without connection info (in-process tests) share one key.
pub async fn limit(
    State((state, bucket)): State<(AppState, Bucket)>,
    peer: Result<ConnectInfo<SocketAddr>, ExtensionRejection>,
    req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let client = peer.map_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED), |ConnectInfo(addr)| {
        addr.ip()
    });
    state.limiters().check(bucket, client)?;
    Ok(next.run(req).await)
}
