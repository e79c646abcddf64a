//! Signed API requests: every call from a device or professional carries an Ed25519 signature
//! over what the request does (method, path and query, body digest), when (timestamp) and a
//! single-use nonce, made with the caller's key.
//!
//! Flow. The client calls [`SignedCall::sign`] and sends [`SignedCall::headers`] with the
//! request. The server rebuilds the value from what it actually received with
//! [`SignedCall::from_http`] (so a changed method, path or body breaks the signature), looks
//! up the caller's [`PublicKeys`] by the key id and calls [`SignedCall::verify`] with its clock
//! and a [`ReplayGuard`]. A verified `SignedCall` is kept as proof in consent-log entries and
//! can be checked again later, without the HTTP layer, with [`SignedCall::verify_signature`].
//!
//! The byte format is in `spec/parts/http-sig.md`.

mod replay;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use self::replay::{MemoryReplayGuard, NonceUse, ReplayGuard, ReplayGuardFull};
use crate::encoding::{b64, canonical, sha256, UnixTime};
use crate::identity::{Identity, PublicKeys, Signature, SignatureCheck, Verifier};
use crate::ids::{Digest, Nonce, PartyId};

/// Domain tag of the signed request claims.
pub const DOMAIN: &str = "rugzak/v1/http-request";

/// Header carrying the signer's key id: its [`PartyId`] as unpadded base64url.
pub const HEADER_KEY: &str = "Rugzak-Key";
/// Header carrying the signing time: decimal Unix seconds.
pub const HEADER_TIMESTAMP: &str = "Rugzak-Timestamp";
/// Header carrying the request's single-use [`Nonce`] as unpadded base64url.
pub const HEADER_NONCE: &str = "Rugzak-Nonce";
/// Header carrying the Ed25519 signature as unpadded base64url.
pub const HEADER_SIGNATURE: &str = "Rugzak-Signature";

/// How far the signing time may lie from the verifier's clock, either way, in seconds.
///
/// Requests outside this window are refused, so a replay guard only has to remember the nonces
/// of the last `2 * MAX_CLOCK_SKEW` seconds.
pub const MAX_CLOCK_SKEW: i64 = 300;

/// Longest accepted method token (the longest registered HTTP method is 17 characters).
const MAX_METHOD_LEN: usize = 20;
/// Longest accepted path and query, matching common server limits for a request target.
const MAX_PATH_LEN: usize = 8 * 1024;
/// Longest decimal timestamp text (`i64::MAX` has 19 digits).
const MAX_TIMESTAMP_DIGITS: usize = 19;

/// What a request signature covers, in canonical order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestClaims {
    /// The signer's key id.
    pub key: PartyId,
    /// HTTP method in upper case (`GET`, `POST`, ...).
    pub method: String,
    /// The request target exactly as sent: path plus `?query` if any, without scheme or host.
    pub path_and_query: String,
    /// SHA-256 of the request body bytes as sent (of the empty string when there is no body).
    pub body_digest: Digest,
    /// When the request was signed (Unix seconds).
    pub timestamp: UnixTime,
    /// Single-use value; the server refuses a second request with the same key and nonce.
    pub nonce: Nonce,
}

/// A signed API call: request claims with the signer's signature over `canonical(DOMAIN,
/// claims)`. (Not to be confused with [`crate::request::SignedRequest`], an access request.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedCall {
    /// What was signed.
    pub claims: RequestClaims,
    /// Ed25519 signature by the key named in `claims.key`.
    pub signature: Signature,
}

/// The method or path and query cannot be signed as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RequestLineError {
    /// The method is not 1 to 20 upper-case ASCII letters.
    #[error("HTTP method must be 1 to 20 upper-case ASCII letters")]
    Method,
    /// The path is empty, does not start with `/`, is too long, or holds a space, a control
    /// character, a non-ASCII byte or a fragment.
    #[error("path must start with '/', be at most 8 KiB of visible ASCII and have no fragment")]
    Path,
}

/// The signature headers of a request could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ParseHeadersError {
    /// A required header is absent.
    #[error("missing header {header}")]
    Missing {
        /// The header name.
        header: &'static str,
    },
    /// A header holds bytes that are not visible ASCII.
    #[error("header {header} is not visible ASCII text")]
    NotText {
        /// The header name.
        header: &'static str,
    },
    /// A header is not unpadded base64url.
    #[error("header {header} is not unpadded base64url")]
    MalformedBase64 {
        /// The header name.
        header: &'static str,
    },
    /// A header decodes to the wrong number of bytes.
    #[error("header {header} must hold {expected} bytes")]
    WrongLength {
        /// The header name.
        header: &'static str,
        /// The required length in bytes.
        expected: usize,
    },
    /// The timestamp header is not 1 to 19 decimal digits fitting a signed 64-bit integer.
    #[error("header Rugzak-Timestamp must be Unix seconds as 1 to 19 decimal digits")]
    BadTimestamp,
    /// The method or path of the request itself cannot be part of a signed request.
    #[error("request line cannot be verified: {0}")]
    RequestLine(#[from] RequestLineError),
}

/// A request signature does not hold for the given keys (checked without clock or replay guard).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RequestSignatureError {
    /// The request names another key than the one it is checked against.
    #[error("request is signed with another key than expected")]
    KeyMismatch,
    /// The signature does not verify: the request was changed or signed by someone else.
    #[error("request signature does not verify")]
    BadSignature,
}

/// A signed request was refused by the server-side check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyRequestError<E> {
    /// The request names another key than the one it is checked against.
    #[error("request is signed with another key than expected")]
    KeyMismatch,
    /// The signature does not verify: the request was changed or signed by someone else.
    #[error("request signature does not verify")]
    BadSignature,
    /// The signing time is more than [`MAX_CLOCK_SKEW`] seconds away from the verifier's clock.
    #[error(
        "request time {timestamp} is more than {MAX_CLOCK_SKEW} s away from server time {now}"
    )]
    ClockSkew {
        /// The signed timestamp.
        timestamp: UnixTime,
        /// The verifier's clock.
        now: UnixTime,
    },
    /// This key already used this nonce: the request is a replay.
    #[error("request nonce was already used (replayed request)")]
    Replayed,
    /// The replay guard could not answer (for example a storage failure).
    #[error("replay guard failed: {0}")]
    Guard(#[source] E),
}

impl ParseHeadersError {
    /// Stable code, for API error bodies and test vectors.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Missing { .. } => "missing-header",
            Self::NotText { .. } => "header-not-text",
            Self::MalformedBase64 { .. } => "malformed-base64",
            Self::WrongLength { .. } => "wrong-length",
            Self::BadTimestamp => "bad-timestamp",
            Self::RequestLine(RequestLineError::Method) => "bad-method",
            Self::RequestLine(RequestLineError::Path) => "bad-path",
        }
    }

    /// The header at fault, if one is.
    #[must_use]
    pub const fn header(&self) -> Option<&'static str> {
        match *self {
            Self::Missing { header }
            | Self::NotText { header }
            | Self::MalformedBase64 { header }
            | Self::WrongLength { header, .. } => Some(header),
            Self::BadTimestamp => Some(HEADER_TIMESTAMP),
            Self::RequestLine(_) => None,
        }
    }
}

impl<E> VerifyRequestError<E> {
    /// Stable code, for API error bodies and test vectors.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::KeyMismatch => "key-mismatch",
            Self::BadSignature => "bad-signature",
            Self::ClockSkew { .. } => "clock-skew",
            Self::Replayed => "replayed",
            Self::Guard(_) => "replay-guard-failed",
        }
    }
}

impl<E> From<RequestSignatureError> for VerifyRequestError<E> {
    fn from(err: RequestSignatureError) -> Self {
        match err {
            RequestSignatureError::KeyMismatch => Self::KeyMismatch,
            RequestSignatureError::BadSignature => Self::BadSignature,
        }
    }
}

impl RequestClaims {
    /// Claims for a request; checks the method and path so that the server can rebuild them.
    pub fn new(
        key: PartyId,
        method: &str,
        path_and_query: &str,
        body: &[u8],
        timestamp: UnixTime,
        nonce: Nonce,
    ) -> Result<Self, RequestLineError> {
        check_method(method)?;
        check_path(path_and_query)?;
        Ok(Self {
            key,
            method: method.to_owned(),
            path_and_query: path_and_query.to_owned(),
            body_digest: sha256(body),
            timestamp,
            nonce,
        })
    }
}

impl SignedCall {
    /// Signs a request as `identity` at time `now` with a fresh `nonce`
    /// (callers pass `Nonce::random(&mut OsRng)`; tests pass fixed ones).
    pub fn sign(
        identity: &Identity,
        method: &str,
        path_and_query: &str,
        body: &[u8],
        now: UnixTime,
        nonce: Nonce,
    ) -> Result<Self, RequestLineError> {
        let key = identity.public().party_id();
        let claims = RequestClaims::new(key, method, path_and_query, body, now, nonce)?;
        let signature = identity.sign(DOMAIN, &claims);
        Ok(Self { claims, signature })
    }

    /// The four headers to send, as `(name, value)` pairs.
    #[must_use]
    pub fn headers(&self) -> [(&'static str, String); 4] {
        [
            (HEADER_KEY, self.claims.key.to_string()),
            (HEADER_TIMESTAMP, self.claims.timestamp.to_string()),
            (HEADER_NONCE, self.claims.nonce.to_string()),
            (HEADER_SIGNATURE, b64::encode(self.signature.0)),
        ]
    }

    /// Rebuilds a signed request from what the server received: the method, the request target
    /// (path and query exactly as on the request line), the body bytes and a header lookup
    /// (`header(name)` returns the raw value bytes of the first header with that name,
    /// case-insensitively, as HTTP libraries do).
    pub fn from_http<'h>(
        method: &str,
        path_and_query: &str,
        body: &[u8],
        header: impl Fn(&str) -> Option<&'h [u8]>,
    ) -> Result<Self, ParseHeadersError> {
        let key = PartyId::from_bytes(fixed_header(&header, HEADER_KEY)?);
        let timestamp = parse_timestamp(header_text(&header, HEADER_TIMESTAMP)?)?;
        let nonce = Nonce::from_bytes(fixed_header(&header, HEADER_NONCE)?);
        let signature = Signature(fixed_header(&header, HEADER_SIGNATURE)?);
        let claims = RequestClaims::new(key, method, path_and_query, body, timestamp, nonce)?;
        Ok(Self { claims, signature })
    }

    /// Checks only the signature against `keys`, as an auditor does for a proof kept in the
    /// consent log long after the request.
    pub fn verify_signature(&self, keys: &PublicKeys) -> Result<(), RequestSignatureError> {
        let signer = keys
            .verifier()
            .map_err(|_| RequestSignatureError::BadSignature)?;
        self.check_signature(&signer)
    }

    fn check_signature(&self, signer: &Verifier) -> Result<(), RequestSignatureError> {
        if self.signature_check(signer)?.holds() {
            Ok(())
        } else {
            Err(RequestSignatureError::BadSignature)
        }
    }

    /// The check of this request's signature by `signer`, to run alone or, on a busy server,
    /// in one batch with other requests' ([`crate::identity::verify_all`]); fails at once if
    /// the request names another key.
    pub fn signature_check(
        &self,
        signer: &Verifier,
    ) -> Result<SignatureCheck, RequestSignatureError> {
        if signer.keys().party_id() != self.claims.key {
            return Err(RequestSignatureError::KeyMismatch);
        }
        Ok(SignatureCheck::cofactored(
            canonical(DOMAIN, &self.claims),
            &self.signature,
            signer,
        ))
    }

    /// The server-side check: signing time within [`MAX_CLOCK_SKEW`] of `now`, signature by
    /// `signer`, and a nonce never used before by this key (recorded in `guard` on success).
    ///
    /// The guard is consulted last, so unsigned or stale requests never take up its memory. A
    /// server checking many requests' signatures in one batch runs the same steps itself:
    /// [`Self::check_time`], [`Self::signature_check`], then [`Self::claim_nonce`].
    pub fn verify<G: ReplayGuard>(
        &self,
        signer: &Verifier,
        now: UnixTime,
        guard: &G,
    ) -> Result<(), VerifyRequestError<G::Error>> {
        self.check_time(now)?;
        self.check_signature(signer)?;
        self.claim_nonce(now, guard)
    }

    /// Step one of [`Self::verify`]: the signing time is within [`MAX_CLOCK_SKEW`] of `now`.
    pub fn check_time<E>(&self, now: UnixTime) -> Result<(), VerifyRequestError<E>> {
        check_skew(self.claims.timestamp, now)
    }

    /// The last step of [`Self::verify`], once the signature holds: records the nonce in
    /// `guard`, refusing one this key used before.
    pub fn claim_nonce<G: ReplayGuard>(
        &self,
        now: UnixTime,
        guard: &G,
    ) -> Result<(), VerifyRequestError<G::Error>> {
        match guard
            .first_use(
                self.claims.key,
                self.claims.nonce,
                self.claims.timestamp,
                now,
            )
            .map_err(VerifyRequestError::Guard)?
        {
            NonceUse::First => Ok(()),
            NonceUse::Again => Err(VerifyRequestError::Replayed),
        }
    }
}

impl fmt::Display for RequestClaims {
    /// One line for diagnostics: method, path, key and time (no body, which may hold health data).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} by {} at {}",
            self.method, self.path_and_query, self.key, self.timestamp
        )
    }
}

/// Whether `timestamp` lies within [`MAX_CLOCK_SKEW`] of `now`.
pub(crate) const fn within_skew(timestamp: UnixTime, now: UnixTime) -> bool {
    timestamp.abs_diff(now) <= MAX_CLOCK_SKEW.unsigned_abs()
}

fn check_skew<E>(timestamp: UnixTime, now: UnixTime) -> Result<(), VerifyRequestError<E>> {
    if within_skew(timestamp, now) {
        Ok(())
    } else {
        Err(VerifyRequestError::ClockSkew { timestamp, now })
    }
}

fn check_method(method: &str) -> Result<(), RequestLineError> {
    let ok = (1..=MAX_METHOD_LEN).contains(&method.len())
        && method.bytes().all(|b| b.is_ascii_uppercase());
    ok.then_some(()).ok_or(RequestLineError::Method)
}

fn check_path(path: &str) -> Result<(), RequestLineError> {
    let ok = path.starts_with('/')
        && path.len() <= MAX_PATH_LEN
        && path.bytes().all(|b| b.is_ascii_graphic() && b != b'#');
    ok.then_some(()).ok_or(RequestLineError::Path)
}

fn header_text<'h>(
    header: &impl Fn(&str) -> Option<&'h [u8]>,
    name: &'static str,
) -> Result<&'h str, ParseHeadersError> {
    let raw = header(name).ok_or(ParseHeadersError::Missing { header: name })?;
    let text = std::str::from_utf8(raw).map_err(|_| ParseHeadersError::NotText { header: name })?;
    if text.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(text)
    } else {
        Err(ParseHeadersError::NotText { header: name })
    }
}

fn fixed_header<'h, const N: usize>(
    header: &impl Fn(&str) -> Option<&'h [u8]>,
    name: &'static str,
) -> Result<[u8; N], ParseHeadersError> {
    let text = header_text(header, name)?;
    let bytes = b64::decode(text).ok_or(ParseHeadersError::MalformedBase64 { header: name })?;
    bytes
        .try_into()
        .map_err(|_| ParseHeadersError::WrongLength {
            header: name,
            expected: N,
        })
}

fn parse_timestamp(text: &str) -> Result<UnixTime, ParseHeadersError> {
    let digits_only = (1..=MAX_TIMESTAMP_DIGITS).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_digit());
    if !digits_only {
        return Err(ParseHeadersError::BadTimestamp);
    }
    text.parse().map_err(|_| ParseHeadersError::BadTimestamp)
}

#[cfg(test)]
mod tests;
