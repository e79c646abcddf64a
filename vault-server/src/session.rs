//! Bearer session tokens issued after a passkey login, and the extractor that requires one.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use crypto::encoding::{b64, sha256, UnixTime};
use crypto::Digest;
use rand_core::{OsRng, RngCore as _};
use zeroize::Zeroizing;

use crate::error::AppError;
use crate::ids::AccountId;
use crate::state::AppState;
use crate::store::SessionRecord;

/// A freshly issued token: handed to the client once, stored only as its hash.
pub struct IssuedSession {
    /// The bearer token text (32 random bytes, base64url).
    pub token: Zeroizing<String>,
    /// The stored record.
    pub record: SessionRecord,
}

impl std::fmt::Debug for IssuedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedSession")
            .field("token", &"[redacted]")
            .field("account", &self.record.account)
            .finish()
    }
}

/// The stored form of a token.
fn token_hash(token: &str) -> Digest {
    sha256(token.as_bytes())
}

/// Makes a new session for `account`, valid for `ttl_secs` from `now`.
#[must_use]
pub fn issue(account: AccountId, now: UnixTime, ttl_secs: i64) -> IssuedSession {
    let mut raw = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(raw.as_mut());
    let token = Zeroizing::new(b64::encode(&raw[..]));
    let record = SessionRecord {
        token_hash: token_hash(&token),
        account,
        created_at: now,
        expires_at: now.saturating_add(ttl_secs),
    };
    IssuedSession { token, record }
}

/// A request made with a valid session: the handler's signature says "logged-in account".
#[derive(Debug, Clone, Copy)]
pub struct AccountSession {
    /// The logged-in account.
    pub account: AccountId,
    /// Hash of the presented token (to end the session).
    pub token_hash: Digest,
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl FromRequestParts<AppState> for AccountSession {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let hash = token_hash(bearer(parts).ok_or(AppError::Unauthenticated)?);
        let now = state.now();
        let session = state
            .store(move |s| s.session(hash, now))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        Ok(Self {
            account: session.account,
            token_hash: hash,
        })
    }
}
