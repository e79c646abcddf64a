//! Share links: a sealed selection opened by link id and optional passcode. The server keeps
//! only a slow scrypt hash of the passcode; a link dies after five wrong passcodes in its
//! lifetime (counted atomically by the store), and every way a link can fail to open gives
//! the same `404 link_not_found`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use crypto::encoding::UnixTime;
use crypto::log::{EventKind, LogObject, SignedEntry};
use crypto::LinkId;
use rand_core::{OsRng, RngCore as _};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq as _;
use utoipa::ToSchema;
use zeroize::Zeroizing;

use crate::auth::{Json as Body, Owner};
use crate::consent::{check_owner_entry, EntryMaker};
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;
use crate::store::{Blob, InsertLink, LinkRecord, OpenLink, RevokeLink};

/// scrypt cost: 2^15 × 8 × 128 bytes = 32 MiB and ~0.1 s per try, so guessing offline from a
/// stolen store is slow, while the five-try limit stops online guessing.
const SCRYPT_LOG_N: u8 = 15;
const SALT_LEN: usize = 16;
const HASH_LEN: usize = 32;

fn scrypt_hash(passcode: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; HASH_LEN]>, AppError> {
    let params = scrypt::Params::new(SCRYPT_LOG_N, 8, 1, HASH_LEN)
        .map_err(|_| AppError::Internal("scrypt parameters"))?;
    let mut out = Zeroizing::new([0u8; HASH_LEN]);
    scrypt::scrypt(passcode, salt, &params, out.as_mut())
        .map_err(|_| AppError::Internal("scrypt output length"))?;
    Ok(out)
}

/// The verifier kept for a passcode: `salt || scrypt(passcode, salt)`.
fn verifier(passcode: &str) -> Result<Blob, AppError> {
    let mut salt = [0u8; SALT_LEN];
    OsRng.fill_bytes(&mut salt);
    let hash = scrypt_hash(passcode.as_bytes(), &salt)?;
    Ok(Blob([salt.as_slice(), hash.as_slice()].concat()))
}

/// Whether `attempt` opens a link with `verifier` (no verifier: no passcode needed).
fn passcode_matches(verifier: Option<&Blob>, attempt: Option<&str>) -> bool {
    let Some(v) = verifier else {
        return true;
    };
    let (Some(attempt), Some((salt, hash))) = (attempt, v.0.split_at_checked(SALT_LEN)) else {
        return false;
    };
    scrypt_hash(attempt.as_bytes(), salt).is_ok_and(|h| bool::from(h.as_slice().ct_eq(hash)))
}

/// `POST /v1/vaults/{vault}/links` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLink {
    /// The link id (from the link's secret).
    #[schema(value_type = String)]
    pub id: LinkId,
    /// The sealed selection, base64url.
    #[serde(with = "crypto::encoding::bytes")]
    #[schema(value_type = String)]
    pub sealed: Vec<u8>,
    /// Gone from this time on.
    pub expires: UnixTime,
    /// Most opens; `null` for unlimited.
    pub max_uses: Option<u32>,
    /// Optional passcode (kept only as a slow hash).
    pub passcode: Option<String>,
    /// The vault-signed `share-link-create` entry at the head.
    #[schema(value_type = Object)]
    pub log: SignedEntry,
}

/// Creates a share link with its log entry in one write.
#[utoipa::path(post, path = "/v1/vaults/{vault}/links", tag = "links", request_body = CreateLink,
    params(("vault" = String, Path, description = "Vault id")),
    responses((status = 201), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_link(
    State(state): State<AppState>,
    owner: Owner<Body<CreateLink>>,
) -> Result<StatusCode, AppError> {
    let Body(body) = owner.body;
    let passcode = body.passcode.map(Zeroizing::new);
    let verifier = passcode.as_deref().map(|p| verifier(p)).transpose()?;
    let vault = owner.vault;
    let server = state.server_keys();
    let link = LinkRecord {
        id: body.id,
        vault: vault.id,
        sealed: Blob(body.sealed),
        passcode_verifier: verifier,
        failures: 0,
        max_uses: body.max_uses,
        uses: 0,
        expires_at: body.expires,
        revoked: false,
        created_at: state.now(),
    };
    let log = body.log;
    state
        .store(move |s| {
            let head = s.log_head(vault.id)?;
            let entry = match check_owner_entry(
                &log,
                &vault.keys,
                &server,
                head,
                &[EventKind::ShareLinkCreate],
            ) {
                Ok(entry) => entry,
                Err(e) => return Ok(Err(e)),
            };
            Ok(match s.insert_link(&link, Some(&entry))? {
                InsertLink::Inserted => Ok(()),
                InsertLink::Exists => Err(AppError::LinkExists),
                InsertLink::LogHeadMoved(_) => Err(AppError::LogHeadMoved),
            })
        })
        .await??;
    Ok(StatusCode::CREATED)
}

/// `POST /v1/links/{id}` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenLinkBody {
    /// Who opens it, as the recipient says (not stored: the log names the link holder).
    pub recipient: String,
    /// The passcode, if the link has one.
    pub passcode: Option<String>,
}

/// `{sealed}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Sealed {
    /// The sealed selection, base64url.
    #[serde(with = "crypto::encoding::bytes")]
    #[schema(value_type = String)]
    pub sealed: Vec<u8>,
}

/// Opens a share link (each attempt logged in the vault's consent log).
#[utoipa::path(post, path = "/v1/links/{id}", tag = "links", request_body = OpenLinkBody,
    params(("id" = String, Path, description = "Link id")),
    responses((status = 200, body = Sealed), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn open_link(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<LinkId>,
    ApiJson(body): ApiJson<OpenLinkBody>,
) -> Result<Json<Sealed>, AppError> {
    let passcode = body.passcode.map(Zeroizing::new);
    let now = state.now();
    let st = state.clone();
    let outcome = state
        .store(move |s| {
            let Some(link) = s.link(id)? else {
                return Ok(OpenLink::Gone);
            };
            let Some(vault) = s.vault(link.vault)? else {
                return Ok(OpenLink::Gone);
            };
            let maker = EntryMaker {
                server: st.identity(),
                vault: &vault.keys,
                proof: None,
                now,
            };
            s.open_link(
                id,
                now,
                &|l| {
                    passcode_matches(
                        l.passcode_verifier.as_ref(),
                        passcode.as_deref().map(String::as_str),
                    )
                },
                &|h, e| maker.build(h, e),
            )
        })
        .await?;
    match outcome {
        OpenLink::Opened(link, _) => Ok(Json(Sealed {
            sealed: link.sealed.0,
        })),
        OpenLink::WrongPasscode { remaining } => Err(AppError::WrongPasscode { remaining }),
        OpenLink::Gone => Err(AppError::LinkNotFound),
    }
}

/// `DELETE /v1/vaults/{vault}/links/{id}` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeLinkBody {
    /// The vault-signed `revoke` entry with object `link(id)`, at the head.
    #[schema(value_type = Object)]
    pub log: SignedEntry,
}

/// Revokes a share link with its `revoke` log entry in one write. Idempotent: revoking a
/// revoked link answers `204` again and logs nothing more; an unknown link (or one of another
/// vault) is `404 link_not_found`.
#[utoipa::path(delete, path = "/v1/vaults/{vault}/links/{id}", tag = "links", request_body = RevokeLinkBody,
    params(("vault" = String, Path, description = "Vault id"), ("id" = String, Path, description = "Link id")),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn revoke_link(
    State(state): State<AppState>,
    ApiPath(ids): ApiPath<(String, LinkId)>,
    owner: Owner<Body<RevokeLinkBody>>,
) -> Result<StatusCode, AppError> {
    let id = ids.1;
    let Body(RevokeLinkBody { log }) = owner.body;
    let vault = owner.vault;
    let server = state.server_keys();
    state
        .store(move |s| {
            let Some(link) = s.link(id)?.filter(|l| l.vault == vault.id) else {
                return Ok(Err(AppError::LinkNotFound));
            };
            if link.revoked {
                return Ok(Ok(()));
            }
            if !revokes_link(&log, id) {
                return Ok(Err(AppError::InvalidLogEntry));
            }
            let head = s.log_head(vault.id)?;
            let entry =
                match check_owner_entry(&log, &vault.keys, &server, head, &[EventKind::Revoke]) {
                    Ok(entry) => entry,
                    Err(e) => return Ok(Err(e)),
                };
            Ok(match s.revoke_link(vault.id, id, Some(&entry))? {
                RevokeLink::Revoked | RevokeLink::AlreadyRevoked => Ok(()),
                RevokeLink::Unknown => Err(AppError::LinkNotFound),
                RevokeLink::LogHeadMoved(_) => Err(AppError::LogHeadMoved),
            })
        })
        .await??;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether a `revoke` entry is about share link `id`, and not about a grant (a revoke entry
/// naming a grant belongs to that grant's revocation).
fn revokes_link(entry: &SignedEntry, id: LinkId) -> bool {
    let event = &entry.entry.event;
    event.object == LogObject::Link(id) && event.grant.is_none()
}
