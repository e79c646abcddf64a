//! Share links: a sealed selection opened by link id and optional passcode. The server keeps
//! only a slow scrypt hash of the passcode; a link dies after five wrong passcodes in its
//! lifetime (counted atomically by the store), and every way a link can fail to open gives
//! the same `404 link_not_found`.
//!
//! The slow hash of an attempt runs before the store's write, not inside it: that write holds
//! the store's lock for log writes of every vault. The write then only compares the attempt's
//! hash with the link's verifier (constant time) and counts the outcome in the same
//! transaction that reads the failure counter, so the limit holds under parallel attempts: an
//! attempt whose hash was made while the link was still open is refused `link_not_found` if
//! the link died meanwhile. At most [`MAX_HASHES`] hashes run at once (32 MiB each).

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
/// Passcode hashes running at once, server-wide: bounds their memory (32 MiB each) and CPU.
/// More wait their turn (only share-link creation and opening wait; nothing else does).
pub const MAX_HASHES: usize = 2;
/// Longest passcode accepted, in bytes (`422 invalid_field` beyond).
pub const MAX_PASSCODE_LEN: usize = 256;

/// The slow hash of a passcode attempt with a link's salt.
pub type PasscodeHasher =
    Box<dyn FnOnce(&[u8], &[u8]) -> Result<Zeroizing<[u8; HASH_LEN]>, AppError> + Send>;

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

/// An attempt, hashed with the salt of the link's verifier (`None`: no passcode given, or
/// the link has none).
struct HashedAttempt {
    salt: Vec<u8>,
    hash: Zeroizing<[u8; HASH_LEN]>,
}

/// Whether an attempt opens a link with `verifier` (no verifier: no passcode needed). Cheap:
/// the slow hash was made before.
fn passcode_matches(verifier: Option<&Blob>, attempt: Option<&HashedAttempt>) -> bool {
    let Some(v) = verifier else {
        return true;
    };
    let (Some(attempt), Some((salt, hash))) = (attempt, v.0.split_at_checked(SALT_LEN)) else {
        return false;
    };
    attempt.salt == salt && bool::from(attempt.hash.as_slice().ct_eq(hash))
}

/// A passcode's length checked (before any hashing).
fn checked_passcode(passcode: Option<&str>, path: &str) -> Result<(), AppError> {
    match passcode {
        Some(p) if p.len() > MAX_PASSCODE_LEN => Err(AppError::InvalidField {
            path: path.into(),
            problem: crate::error::FieldProblem::Invalid,
        }),
        _ => Ok(()),
    }
}

/// Runs `hash` on the blocking pool once one of the [`MAX_HASHES`] slots is free.
async fn slow_hash<T: Send + 'static>(
    state: &AppState,
    hash: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let _slot = state
        .passcode_slots()
        .acquire()
        .await
        .map_err(|_| AppError::Internal("passcode slots closed"))?;
    tokio::task::spawn_blocking(hash)
        .await
        .map_err(|_| AppError::Internal("passcode hash task failed"))?
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
    checked_passcode(body.passcode.as_deref(), "passcode")?;
    let passcode = body.passcode.map(Zeroizing::new);
    let verifier = match passcode {
        Some(p) => Some(slow_hash(&state, move || verifier(&p)).await?),
        None => None,
    };
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
    responses((status = 200, body = Sealed), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn open_link(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<LinkId>,
    ApiJson(body): ApiJson<OpenLinkBody>,
) -> Result<Json<Sealed>, AppError> {
    checked_passcode(body.passcode.as_deref(), "passcode")?;
    let passcode = body.passcode.map(Zeroizing::new);
    let hasher: PasscodeHasher = Box::new(scrypt_hash);
    open(&state, id, passcode, hasher).await
}

/// Opens link `id` with `passcode`, hashed by `hasher` (scrypt; a test can hold it).
async fn open(
    state: &AppState,
    id: LinkId,
    passcode: Option<Zeroizing<String>>,
    hasher: PasscodeHasher,
) -> Result<Json<Sealed>, AppError> {
    // The slow hash first, outside the store's lock; a link that is not open is not hashed for.
    let attempt = match passcode {
        None => None,
        Some(passcode) => {
            let st = state.clone();
            slow_hash(state, move || {
                let now = st.now();
                let link = st.store_now(|s| s.link(id))?;
                let salt = link
                    .filter(|l| l.is_open(now))
                    .and_then(|l| l.passcode_verifier)
                    .and_then(|v| v.0.get(..SALT_LEN).map(<[u8]>::to_vec));
                salt.map(|salt| {
                    hasher(passcode.as_bytes(), &salt).map(|hash| HashedAttempt { salt, hash })
                })
                .transpose()
            })
            .await?
        }
    };
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
                &|l| passcode_matches(l.passcode_verifier.as_ref(), attempt.as_ref()),
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use std::sync::Arc;

    use crypto::{http_sig, Identity, Mode, Nonce, Scope};
    use tokio::sync::oneshot;

    use super::*;
    use crate::group_commit::ReadToLog;
    use crate::store::conformance::{self, NOW};
    use crate::store::{
        GranteeAccess, GranteeRead, InsertGrant, RegisterVault, SledOptions, SledStore, Store,
        VaultRecord,
    };
    use crate::ServerConfig;

    /// While one link's passcode is being hashed (held at a synchronisation point), a grantee
    /// read of another vault is logged and answered: the hash does not hold the store's lock
    /// for log writes. Then the held attempt is still counted as one wrong passcode.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_slow_passcode_hash_blocks_no_other_vaults_logged_read() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> =
            Arc::new(SledStore::open(dir.path(), SledOptions::default()).unwrap());
        let config = ServerConfig::new("http://localhost:8080".parse().unwrap());
        let state = AppState::with_clock(Arc::clone(&store), config, Arc::new(|| NOW)).unwrap();

        // Vault A has a share link with a passcode.
        let vault_a = Identity::generate(&mut OsRng);
        let a = VaultRecord {
            id: vault_a.public().vault_id(),
            keys: vault_a.public(),
            owner: None,
            registration: Blob(Vec::new()),
            created_at: NOW,
        };
        assert_eq!(store.register_vault(&a).unwrap(), RegisterVault::Registered);
        let link = LinkRecord {
            id: LinkId::random(&mut OsRng),
            vault: a.id,
            sealed: Blob(b"sealed".to_vec()),
            passcode_verifier: Some(verifier("1234").unwrap()),
            failures: 0,
            max_uses: None,
            uses: 0,
            expires_at: NOW + 600,
            revoked: false,
            created_at: NOW,
        };
        assert_eq!(
            store.insert_link(&link, None).unwrap(),
            InsertLink::Inserted
        );
        // Vault B has a grantee who reads.
        let vault_b = Identity::generate(&mut OsRng);
        let grantee = Identity::generate(&mut OsRng);
        let grant = conformance::grant(
            vault_b.public().vault_id(),
            grantee.public().party_id(),
            &[(Scope::Notities, Mode::Read)],
        );
        assert_eq!(
            store.insert_grant(&grant, None).unwrap(),
            InsertGrant::Inserted
        );

        let (started, hashing) = oneshot::channel();
        let (release, held) = std::sync::mpsc::channel::<()>();
        let hasher: PasscodeHasher = Box::new(move |passcode, salt| {
            let _ = started.send(());
            held.recv().unwrap();
            scrypt_hash(passcode, salt)
        });
        let st = state.clone();
        let attempt = tokio::spawn(async move {
            open(&st, link.id, Some(Zeroizing::new("wrong".into())), hasher).await
        });
        hashing.await.unwrap();

        let read = ReadToLog {
            access: GranteeAccess {
                vault: grant.vault,
                grant: grant.id,
                grantee: grant.grantee,
            },
            read: GranteeRead::Items(Vec::new()),
            vault_keys: vault_b.public(),
            proof: http_sig::SignedCall::sign(
                &grantee,
                "GET",
                "/v1/vaults/b/items",
                b"",
                NOW,
                Nonce::random(&mut OsRng),
            )
            .unwrap(),
            now: NOW,
        };
        // The bound only turns a deadlock into a failure instead of a hung test run.
        let logged = tokio::time::timeout(std::time::Duration::from_secs(60), state.log_read(read))
            .await
            .expect("the read was logged while the passcode hash was held")
            .unwrap();
        assert_eq!(logged.entry.unwrap().seq, 0);

        release.send(()).unwrap();
        let refused = attempt.await.unwrap();
        assert!(matches!(
            refused,
            Err(AppError::WrongPasscode { remaining: 4 })
        ));
        assert_eq!(store.link(link.id).unwrap().unwrap().failures, 1);
        assert_eq!(
            store.log_head(a.id).unwrap().next_seq,
            1,
            "the try is logged"
        );
    }
}
