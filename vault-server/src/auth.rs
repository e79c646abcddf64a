//! Signed-request authentication and authorization as extractors: a handler's argument types
//! say who may call it.
//!
//! - [`Signed<B>`]: any enrolled party (its key looked up by the `Rugzak-Key` party id);
//! - [`SelfSigned<B>`]: a request signed by the keys carried in its own body (enrolment);
//! - [`Owner<B>`]: the owner of the vault named in the path;
//! - [`VaultCaller<B>`]: the owner, or another enrolled party that may hold a grant on the
//!   vault (the grant itself is checked atomically by the store, with the read or write);
//! - [`Grantee<B>`]: an enrolled party other than the owner (appends).
//!
//! `B` is the body: [`NoBody`] (must be empty) or [`Json<T>`].
//!
//! Every extractor verifies the signature over method, path and query, body digest, time and
//! nonce with `crypto::http_sig`; the nonce is claimed in the store (single use).

use std::cell::Cell;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::response::IntoResponse as _;
use crypto::encoding::UnixTime;
use crypto::http_sig::{self, NonceUse, ParseHeadersError, ReplayGuard, VerifyRequestError};
use crypto::{Nonce, PartyId, PublicKeys, VaultId, Verifier};
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::extract::parse_json;
use crate::state::AppState;
use crate::store::{request_nonce_claim, NonceClaim, Store, StoreError, SyncMark, VaultRecord};

/// The authenticated caller: its keys and the verified signed request (kept as proof in
/// consent-log entries).
#[derive(Debug, Clone)]
pub struct Caller {
    /// The caller's public keys.
    pub keys: PublicKeys,
    /// The verified request.
    pub proof: http_sig::SignedCall,
    /// Where [`durable_nonces`] looks for the request nonce's claim still to make durable.
    nonce: Option<PendingNonce>,
}

impl Caller {
    /// The caller's party id.
    #[must_use]
    pub fn party(&self) -> PartyId {
        self.proof.claims.key
    }

    /// Says that the request is kept as proof in a logged, durable consent-log entry, which
    /// keeps its nonce claim durable too ([`Store::log_grantee_reads`]): the answer then waits
    /// for no flush.
    pub fn proof_logged(&self) {
        if let Some(pending) = &self.nonce {
            *pending.0.lock().unwrap_or_else(PoisonError::into_inner) = None;
        }
    }
}

/// A request body.
pub trait RequestBody: Sized {
    /// Parses the raw body bytes.
    fn parse(bytes: &[u8]) -> Result<Self, AppError>;
}

/// No body: the request must have an empty one.
#[derive(Debug, Clone, Copy)]
pub struct NoBody;

impl RequestBody for NoBody {
    fn parse(bytes: &[u8]) -> Result<Self, AppError> {
        if bytes.is_empty() {
            Ok(Self)
        } else {
            Err(AppError::MalformedJson)
        }
    }
}

/// A JSON body (the content type is checked before the signature).
#[derive(Debug, Clone)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned> RequestBody for Json<T> {
    fn parse(bytes: &[u8]) -> Result<Self, AppError> {
        parse_json(bytes).map(Self)
    }
}

/// The raw pieces of a signed request, before verification.
struct Received {
    request: http_sig::SignedCall,
    body: Bytes,
    pending: Option<PendingNonce>,
    /// The TCP peer (all in-process requests share the unspecified address).
    client: IpAddr,
}

/// Request extension set by [`durable_nonces`]: the durability mark of the request nonce
/// claimed while authenticating, so that the claim is made durable before the answer leaves.
#[derive(Debug, Clone, Default)]
pub struct PendingNonce(Arc<Mutex<Option<SyncMark>>>);

/// Middleware around every route: after the handler, makes the request-nonce claim durable
/// before the response goes out. A handler that wrote durably after the claim (a grantee read
/// and its consent-log entry) has covered it already, so this costs no second flush there.
/// If the sync fails, the answer is withheld: a replay after a crash could otherwise succeed.
pub async fn durable_nonces(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut req: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let pending = PendingNonce::default();
    req.extensions_mut().insert(pending.clone());
    let response = next.run(req).await;
    let mark = *pending.0.lock().unwrap_or_else(PoisonError::into_inner);
    // Usually the handler's own durable write covered the claim already.
    match mark {
        None => response,
        Some(mark) => match state.durable(mark).await {
            Ok(()) => response,
            Err(e) => e.into_response(),
        },
    }
}

/// Hands the claim's mark to [`durable_nonces`]; without that middleware (a router built
/// without it), syncs at once, so a nonce is never left undurable by mistake.
async fn settle(
    state: &AppState,
    pending: Option<&PendingNonce>,
    mark: Option<SyncMark>,
) -> Result<(), AppError> {
    let Some(mark) = mark else {
        return Ok(());
    };
    match pending {
        Some(p) => {
            *p.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(mark);
            Ok(())
        }
        None => state.durable(mark).await,
    }
}

/// Reads the signature headers and the body. A body is only accepted as JSON.
async fn receive<S: Send + Sync>(req: Request, state: &S) -> Result<Received, AppError> {
    let pending = req.extensions().get::<PendingNonce>().cloned();
    let client = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED), |ConnectInfo(addr)| {
            addr.ip()
        });
    let method = req.method().as_str().to_owned();
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_owned(), |pq| pq.as_str().to_owned());
    let headers = req.headers().clone();
    let has_json = crate::extract::is_json(headers.get(axum::http::header::CONTENT_TYPE));
    let body = crate::extract::body_bytes(req, state).await?;
    if !body.is_empty() && !has_json {
        return Err(AppError::UnsupportedMediaType);
    }
    let request = http_sig::SignedCall::from_http(&method, &target, &body, |name| {
        headers.get(name).map(axum::http::HeaderValue::as_bytes)
    })
    .map_err(|e| match e {
        ParseHeadersError::Missing { .. } => AppError::MissingSignature,
        _ => AppError::MalformedSignature,
    })?;
    Ok(Received {
        request,
        body,
        pending,
        client,
    })
}

/// The store as a replay guard: each (key, nonce) is claimed once, and kept until no request
/// signed with it could pass the clock check any more. Remembers the claim's durability mark.
struct StoreGuard<'a>(&'a dyn Store, Cell<Option<SyncMark>>);

impl ReplayGuard for StoreGuard<'_> {
    type Error = StoreError;

    fn first_use(
        &self,
        key: PartyId,
        nonce: Nonce,
        timestamp: UnixTime,
        _now: UnixTime,
    ) -> Result<NonceUse, StoreError> {
        let (bound, keep_until) = request_nonce_claim(key, nonce, timestamp);
        let (claim, mark) = self.0.claim_request_nonce(bound, keep_until)?;
        self.1.set(Some(mark));
        Ok(match claim {
            NonceClaim::Fresh => NonceUse::First,
            NonceClaim::Replayed => NonceUse::Again,
        })
    }
}

/// Decoded signing keys of recent callers (see [`crypto::Verifier`]). Only a computation
/// cache: which keys a party has enrolled is still read from the store on every request, and
/// an entry is used only for exactly the keys it was made from.
#[derive(Debug, Default)]
pub struct KeyCache(Mutex<HashMap<[u8; 32], Verifier>>);

/// Entries kept before the cache starts over (a few hundred KiB).
const KEY_CACHE_LIMIT: usize = 4096;

impl KeyCache {
    /// The verifier for `keys`: cached, or decoded now.
    fn verifier(&self, keys: &PublicKeys) -> Result<Verifier, AppError> {
        let cached = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&keys.signing)
            .copied();
        if let Some(hit) = cached.filter(|v| v.keys() == keys) {
            return Ok(hit);
        }
        let fresh = keys.verifier().map_err(|_| AppError::BadSignature)?;
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= KEY_CACHE_LIMIT {
            map.clear();
        }
        map.insert(keys.signing, fresh);
        Ok(fresh)
    }
}

/// Verifies the received request as signed by `signer`, in the spec's order: clock, key and
/// signature (checked in one batch with other requests waiting), then the single-use nonce,
/// whose claim is settled (see [`durable_nonces`]) before this returns. A key that sent too
/// many bad signatures from this address lately is refused first ([`crate::bad_signatures`]).
async fn verify(state: &AppState, received: &Received, signer: &Verifier) -> Result<(), AppError> {
    let now = state.now();
    let request = &received.request;
    let (key, client) = (request.claims.key, received.client);
    let bad = state.bad_signatures();
    if let Some(retry_after_secs) = bad.refused(key, client, now) {
        return Err(AppError::TooManyBadSignatures { retry_after_secs });
    }
    verdict(request.check_time(now))??;
    let holds = match request.signature_check(signer) {
        Ok(check) => state.signatures().holds(check).await?,
        Err(_) => false,
    };
    if !holds {
        bad.strike(key, client, now);
        return Err(AppError::BadSignature);
    }
    let (outcome, claimed) = state.store_now(|s| {
        let guard = StoreGuard(s, Cell::new(None));
        let outcome = request.claim_nonce(now, &guard);
        Ok((outcome, guard.1.get()))
    })?;
    settle(state, received.pending.as_ref(), claimed).await?;
    verdict(outcome)?
}

/// The answer to a verification outcome.
fn verdict(
    outcome: Result<(), VerifyRequestError<StoreError>>,
) -> Result<Result<(), AppError>, StoreError> {
    Ok(match outcome {
        Ok(()) => Ok(()),
        Err(VerifyRequestError::Guard(e)) => return Err(e),
        Err(VerifyRequestError::KeyMismatch | VerifyRequestError::BadSignature) => {
            Err(AppError::BadSignature)
        }
        Err(VerifyRequestError::ClockSkew { .. }) => Err(AppError::ClockSkew),
        Err(VerifyRequestError::Replayed) => Err(AppError::ReplayedRequest),
    })
}

/// The enrolled keys of a party: self-enrolled parties and vaults, or passkey-enrolled devices.
pub fn enrolled_keys(store: &dyn Store, party: PartyId) -> Result<Option<PublicKeys>, StoreError> {
    if let Some(p) = store.party(party)? {
        return Ok(Some(p.keys));
    }
    Ok(store.device(party)?.map(|d| d.keys))
}

/// The signer of `request`, decoded: its enrolled keys, or why there are none to check with.
fn enrolled_signer(
    s: &dyn Store,
    cache: &KeyCache,
    request: &http_sig::SignedCall,
) -> Result<Result<Verifier, AppError>, StoreError> {
    let Some(keys) = enrolled_keys(s, request.claims.key)? else {
        return Ok(Err(AppError::UnknownKey));
    };
    // Only enrolled keys are cached: anybody can present new keys to the self-signed routes.
    Ok(cache.verifier(&keys))
}

/// Authenticates a received request of an enrolled party.
async fn authenticate(state: &AppState, received: Received) -> Result<(Caller, Bytes), AppError> {
    let signer =
        state.store_now(|s| enrolled_signer(s, state.key_cache(), &received.request))??;
    verify(state, &received, &signer).await?;
    Ok(caller(signer, received))
}

/// The caller of a verified request, and the request's body.
fn caller(signer: Verifier, received: Received) -> (Caller, Bytes) {
    let caller = Caller {
        keys: *signer.keys(),
        proof: received.request,
        nonce: received.pending,
    };
    (caller, received.body)
}

/// Any enrolled party, with body `B`.
#[derive(Debug)]
pub struct Signed<B> {
    /// Who called.
    pub caller: Caller,
    /// The body.
    pub body: B,
}

impl<B: RequestBody> FromRequest<AppState> for Signed<B> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let received = receive(req, state).await?;
        let (caller, body) = authenticate(state, received).await?;
        let body = B::parse(&body)?;
        Ok(Self { caller, body })
    }
}

/// A body that names the keys which signed the request carrying it.
pub trait CarriesKeys {
    /// The keys.
    fn keys(&self) -> &PublicKeys;
}

/// A request signed by the keys in its own JSON body (enrolment of parties and vaults).
#[derive(Debug)]
pub struct SelfSigned<T> {
    /// The verified request.
    pub proof: http_sig::SignedCall,
    /// The body.
    pub body: T,
}

impl<T: DeserializeOwned + CarriesKeys + Send + 'static> FromRequest<AppState> for SelfSigned<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let received = receive(req, state).await?;
        let Json(body) = Json::<T>::parse(&received.body)?;
        let signer = body.keys().verifier().map_err(|_| AppError::BadSignature)?;
        verify(state, &received, &signer).await?;
        Ok(Self {
            proof: received.request,
            body,
        })
    }
}

/// The vault id in the path (`{vault}`).
async fn path_vault(parts: &mut Parts, state: &AppState) -> Result<VaultId, AppError> {
    let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
        .await
        .map_err(|_| AppError::MalformedPath)?;
    params
        .get("vault")
        .ok_or(AppError::Internal("route without {vault}"))?
        .parse()
        .map_err(|_| AppError::MalformedPath)
}

/// Splits the request, reads it, then looks up the path's vault and authenticates the caller.
async fn vault_request<B: RequestBody>(
    req: Request,
    state: &AppState,
) -> Result<(VaultRecord, Caller, B), AppError> {
    let (mut parts, body) = req.into_parts();
    let vault = path_vault(&mut parts, state).await?;
    let received = receive(Request::from_parts(parts, body), state).await?;
    let (vault, signer) = state.store_now(|s| {
        let Some(vault) = s.vault(vault)? else {
            return Ok(Err(AppError::UnknownVault));
        };
        let signer = enrolled_signer(s, state.key_cache(), &received.request)?;
        Ok(signer.map(|signer| (vault, signer)))
    })??;
    verify(state, &received, &signer).await?;
    let (caller, body) = caller(signer, received);
    let body = B::parse(&body)?;
    Ok((vault, caller, body))
}

/// The owner of the vault in the path.
#[derive(Debug)]
pub struct Owner<B> {
    /// The vault.
    pub vault: VaultRecord,
    /// The owner's request.
    pub caller: Caller,
    /// The body.
    pub body: B,
}

impl<B: RequestBody> FromRequest<AppState> for Owner<B> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let (vault, caller, body) = vault_request(req, state).await?;
        if caller.party() != vault.keys.party_id() {
            return Err(AppError::NotOwner);
        }
        Ok(Self {
            vault,
            caller,
            body,
        })
    }
}

/// The owner of the vault in the path, or another enrolled party (a possible grantee).
#[derive(Debug)]
pub struct VaultCaller<B> {
    /// The vault.
    pub vault: VaultRecord,
    /// Who called.
    pub caller: Caller,
    /// Whether the caller owns the vault.
    pub is_owner: bool,
    /// The body.
    pub body: B,
}

impl<B: RequestBody> FromRequest<AppState> for VaultCaller<B> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let (vault, caller, body) = vault_request(req, state).await?;
        let is_owner = caller.party() == vault.keys.party_id();
        Ok(Self {
            vault,
            caller,
            is_owner,
            body,
        })
    }
}

/// An enrolled party other than the vault's owner (its grant is checked by the store).
#[derive(Debug)]
pub struct Grantee<B> {
    /// The vault.
    pub vault: VaultRecord,
    /// Who called.
    pub caller: Caller,
    /// The body.
    pub body: B,
}

impl<B: RequestBody> FromRequest<AppState> for Grantee<B> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let (vault, caller, body) = vault_request(req, state).await?;
        if caller.party() == vault.keys.party_id() {
            // The owner writes with scope keys through /items, not as a grantee.
            return Err(AppError::Grantee(crate::error::GranteeRefusal::NoGrant));
        }
        Ok(Self {
            vault,
            caller,
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use crypto::Identity;
    use rand_core::OsRng;

    use super::*;

    #[test]
    fn the_key_cache_serves_only_the_keys_an_entry_was_made_from() {
        let cache = KeyCache::default();
        let id = Identity::generate(&mut OsRng);
        let keys = id.public();
        let sig = id.sign("rugzak/v1/test", &1u8);
        let first = cache
            .verifier(&keys)
            .unwrap_or_else(|_| panic!("a real key"));
        assert_eq!(first.keys(), &keys);
        assert!(first.verify("rugzak/v1/test", &1u8, &sig).is_ok());
        // Same signing key, other agreement key: not the cached entry's keys.
        let twin = PublicKeys {
            agreement: Identity::generate(&mut OsRng).public().agreement,
            ..keys
        };
        let second = cache
            .verifier(&twin)
            .unwrap_or_else(|_| panic!("a real key"));
        assert_eq!(second.keys(), &twin);
        let mut not_a_point = keys;
        not_a_point.signing = (1u8..=255)
            .map(|b| {
                let mut bytes = [0; 32];
                bytes[0] = b;
                bytes
            })
            .find(|bytes| {
                PublicKeys {
                    signing: *bytes,
                    ..keys
                }
                .verifier()
                .is_err()
            })
            .unwrap_or_else(|| panic!("some small y is not on the curve"));
        assert!(matches!(
            cache.verifier(&not_a_point),
            Err(AppError::BadSignature)
        ));
    }
}
