//! Access requests (posted so a QR code can carry a reference), grants and revocations.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use crypto::grant::{Expiry, GrantError, History};
use crypto::log::{EventKind, SignedEntry};
use crypto::request::{RequestError, REQUEST_LIFETIME};
use crypto::{GrantId, Nonce, PublicKeys, SignedGrant, SignedRequest, SignedRevocation};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Json as Body, NoBody, Owner, Signed};
use crate::consent::check_owner_entry;
use crate::error::{AppError, ErrorBody};
use crate::extract::ApiPath;
use crate::state::AppState;
use crate::store::{
    Blob, GrantRecord, Insert, InsertGrant, RequestRecord, RevokeGrant, Store, StoreError,
};

/// `{reference}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Reference {
    /// The request nonce.
    #[schema(value_type = String)]
    pub reference: Nonce,
}

/// Posts a professional's signed access request; its nonce is the reference.
#[utoipa::path(post, path = "/v1/requests", tag = "grants", request_body = Object,
    responses((status = 201, body = Reference), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_request(
    State(state): State<AppState>,
    call: Signed<Body<SignedRequest>>,
) -> Result<(StatusCode, Json<Reference>), AppError> {
    let Body(request) = call.body;
    if request.request.requester.party_id() != call.caller.party() {
        return Err(AppError::InvalidRequest);
    }
    let now = state.now();
    request.verify(now).map_err(request_error)?;
    let reference = request.request.nonce;
    let record = RequestRecord {
        reference,
        requester: call.caller.party(),
        signed: Blob(
            postcard::to_allocvec(&request)
                .map_err(|_| AppError::Internal("request does not encode"))?,
        ),
        created_at: now,
        expires_at: request.request.created_at.saturating_add(REQUEST_LIFETIME),
    };
    match state.store(move |s| s.insert_request(&record)).await? {
        Insert::Inserted => Ok((StatusCode::CREATED, Json(Reference { reference }))),
        Insert::Exists => Err(AppError::RequestExists),
    }
}

const fn request_error(e: RequestError) -> AppError {
    match e {
        RequestError::Expired { .. } | RequestError::FromTheFuture { .. } => {
            AppError::RequestExpired
        }
        RequestError::Malformed(_) | RequestError::BadSignature => AppError::InvalidRequest,
    }
}

/// Fetches an access request by reference.
#[utoipa::path(get, path = "/v1/requests/{reference}", tag = "grants",
    params(("reference" = String, Path, description = "Request nonce")),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn get_request(
    State(state): State<AppState>,
    ApiPath(reference): ApiPath<Nonce>,
    _caller: Signed<NoBody>,
) -> Result<Json<SignedRequest>, AppError> {
    let now = state.now();
    let record = state
        .store(move |s| s.request(reference, now))
        .await?
        .ok_or(AppError::RequestNotFound)?;
    let request = postcard::from_bytes(&record.signed.0)
        .map_err(|_| StoreError::Corrupt { tree: "requests" })?;
    Ok(Json(request))
}

/// `POST /v1/vaults/{vault}/grants` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitGrant {
    /// The vault-signed grant.
    #[schema(value_type = Object)]
    pub grant: SignedGrant,
    /// The request it answers.
    #[schema(value_type = Object)]
    pub request: SignedRequest,
    /// The vault-signed `grant` log entry at the current head.
    #[schema(value_type = Object)]
    pub log: SignedEntry,
}

/// `{grant}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantCreated {
    /// The grant id.
    #[schema(value_type = String)]
    pub grant: GrantId,
}

const fn grant_error(e: &GrantError) -> AppError {
    match e {
        GrantError::VaultMismatch { .. } | GrantError::BadSignature => AppError::ForgedGrant,
        GrantError::EmptyWindow | GrantError::Malformed(_) => AppError::ForgedGrant,
        GrantError::NotForThisRequest | GrantError::GranteeMismatch => {
            AppError::GrantRequestMismatch
        }
        GrantError::WidenedScope { .. } => AppError::WidenedScope,
        GrantError::ExpiryBeyondRequest => AppError::ExpiryBeyondRequest,
    }
}

/// Stores a grant: verified against the vault key and the request it answers, its request
/// nonce claimed, and the vault-signed log entry appended, all in one write.
#[utoipa::path(post, path = "/v1/vaults/{vault}/grants", tag = "grants", request_body = SubmitGrant,
    params(("vault" = String, Path, description = "Vault id")),
    responses((status = 201, body = GrantCreated), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submit_grant(
    State(state): State<AppState>,
    owner: Owner<Body<SubmitGrant>>,
) -> Result<(StatusCode, Json<GrantCreated>), AppError> {
    let Body(SubmitGrant {
        grant,
        request,
        log,
    }) = owner.body;
    let now = state.now();
    let request = request.verify(now).map_err(request_error)?;
    let verified = grant
        .verify(&owner.vault.keys)
        .map_err(|e| grant_error(&e))?;
    verified
        .check_answers(&request)
        .map_err(|e| grant_error(&e))?;
    let g = verified.grant();
    if log.entry.event.grant != Some(g.id) {
        return Err(AppError::InvalidLogEntry);
    }
    let record = GrantRecord {
        id: g.id,
        vault: g.vault,
        grantee: g.grantee.party_id(),
        grantee_role: g.profile.role,
        permissions: g.permissions.as_slice().to_vec(),
        not_before: g.not_before,
        expires_at: match g.expiry {
            Expiry::At(end) => Some(end),
            Expiry::Lifelong => None,
        },
        max_uses: g.max_uses.map(std::num::NonZeroU32::get),
        history_from: match g.history {
            History::Included => None,
            History::FromNow => Some(g.not_before),
        },
        nonce: g.request_nonce,
        signed: Blob(
            postcard::to_allocvec(&grant)
                .map_err(|_| AppError::Internal("grant does not encode"))?,
        ),
        created_at: now,
        revoked_at: None,
        revocation: None,
        use_count: 0,
    };
    let vault = owner.vault;
    let server = state.server_keys();
    let id = record.id;
    state
        .store(move |s| {
            let head = s.log_head(vault.id)?;
            let entry =
                match check_owner_entry(&log, &vault.keys, &server, head, &[EventKind::Grant]) {
                    Ok(entry) => entry,
                    Err(e) => return Ok(Err(e)),
                };
            Ok(match s.insert_grant(&record, Some(&entry))? {
                InsertGrant::Inserted => Ok(()),
                InsertGrant::NonceReplayed => Err(AppError::NonceReused),
                InsertGrant::Exists => Err(AppError::GrantExists),
                InsertGrant::LogHeadMoved(_) => Err(AppError::LogHeadMoved),
            })
        })
        .await??;
    Ok((StatusCode::CREATED, Json(GrantCreated { grant: id })))
}

/// A grant with its state.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantStatus {
    /// The signed grant.
    #[schema(value_type = Object)]
    pub grant: SignedGrant,
    /// The keys of the vault that signed it.
    #[schema(value_type = Object)]
    pub vault_keys: PublicKeys,
    /// The revocation, if revoked.
    #[schema(value_type = Option<Object>)]
    pub revoked: Option<SignedRevocation>,
    /// Fetches and appends made with it.
    pub uses: u32,
}

/// `{grants}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Grants {
    /// The grants.
    pub grants: Vec<GrantStatus>,
}

fn status(s: &dyn Store, record: &GrantRecord) -> Result<GrantStatus, StoreError> {
    let corrupt = StoreError::Corrupt { tree: "grants" };
    let grant: SignedGrant = postcard::from_bytes(&record.signed.0).map_err(|_| corrupt)?;
    let revoked = record
        .revocation
        .as_ref()
        .map(|b| postcard::from_bytes(&b.0))
        .transpose()
        .map_err(|_| StoreError::Corrupt { tree: "grants" })?;
    let vault_keys = s
        .vault(record.vault)?
        .ok_or(StoreError::Corrupt { tree: "grants" })?
        .keys;
    Ok(GrantStatus {
        grant,
        vault_keys,
        revoked,
        uses: u32::try_from(record.use_count).unwrap_or(u32::MAX),
    })
}

/// The vault's grants.
#[utoipa::path(get, path = "/v1/vaults/{vault}/grants", tag = "grants",
    params(("vault" = String, Path, description = "Vault id")),
    responses((status = 200, body = Grants)))]
pub async fn vault_grants(
    State(state): State<AppState>,
    owner: Owner<NoBody>,
) -> Result<Json<Grants>, AppError> {
    let vault = owner.vault.id;
    let grants = state
        .store(move |s| {
            s.grants_for_vault(vault)?
                .iter()
                .map(|g| status(s, g))
                .collect()
        })
        .await?;
    Ok(Json(Grants { grants }))
}

/// The grants where the caller is the grantee.
#[utoipa::path(get, path = "/v1/grants", tag = "grants", responses((status = 200, body = Grants)))]
pub async fn my_grants(
    State(state): State<AppState>,
    call: Signed<NoBody>,
) -> Result<Json<Grants>, AppError> {
    let party = call.caller.party();
    let grants = state
        .store(move |s| {
            s.grants_for_grantee(party)?
                .iter()
                .map(|g| status(s, g))
                .collect()
        })
        .await?;
    Ok(Json(Grants { grants }))
}

/// `POST .../revoke` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Revoke {
    /// The vault-signed revocation.
    #[schema(value_type = Object)]
    pub revocation: SignedRevocation,
    /// The vault-signed `revoke` log entry at the head.
    #[schema(value_type = Object)]
    pub log: SignedEntry,
}

/// `{already_revoked}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Revoked {
    /// Whether the grant was revoked before.
    pub already_revoked: bool,
}

/// Revokes a grant; takes effect on the very next grantee request. Idempotent.
#[utoipa::path(post, path = "/v1/vaults/{vault}/grants/{grant}/revoke", tag = "grants", request_body = Revoke,
    params(("vault" = String, Path, description = "Vault id"), ("grant" = String, Path, description = "Grant id")),
    responses((status = 200, body = Revoked), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    ApiPath(ids): ApiPath<(String, GrantId)>,
    owner: Owner<Body<Revoke>>,
) -> Result<Json<Revoked>, AppError> {
    let grant_id = ids.1;
    let Body(Revoke { revocation, log }) = owner.body;
    let vault = owner.vault;
    let server = state.server_keys();
    let now = state.now();
    let already = state
        .store(move |s| {
            let Some(record) = s.grant(grant_id)?.filter(|g| g.vault == vault.id) else {
                return Ok(Err(AppError::UnknownGrant));
            };
            let grant: SignedGrant = postcard::from_bytes(&record.signed.0)
                .map_err(|_| StoreError::Corrupt { tree: "grants" })?;
            let Ok(verified) = grant.verify(&vault.keys) else {
                return Err(StoreError::Corrupt { tree: "grants" });
            };
            if revocation.verify(&verified).is_err() {
                return Ok(Err(AppError::InvalidRevocation));
            }
            if record.revoked_at.is_some() {
                return Ok(Ok(true));
            }
            let head = s.log_head(vault.id)?;
            let entry =
                match check_owner_entry(&log, &vault.keys, &server, head, &[EventKind::Revoke]) {
                    Ok(entry) if log.entry.event.grant == Some(grant_id) => entry,
                    Ok(_) => return Ok(Err(AppError::InvalidLogEntry)),
                    Err(e) => return Ok(Err(e)),
                };
            let blob = Blob(
                postcard::to_allocvec(&revocation)
                    .map_err(|_| StoreError::Internal("revocation does not encode"))?,
            );
            Ok(
                match s.revoke_grant(vault.id, grant_id, now, &blob, Some(&entry))? {
                    RevokeGrant::Revoked(_) => Ok(false),
                    RevokeGrant::AlreadyRevoked(_) => Ok(true),
                    RevokeGrant::Unknown => Err(AppError::UnknownGrant),
                    RevokeGrant::LogHeadMoved(_) => Err(AppError::LogHeadMoved),
                },
            )
        })
        .await??;
    Ok(Json(Revoked {
        already_revoked: already,
    }))
}
