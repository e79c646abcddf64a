//! Vault endpoints. For now the public-key lookup; registration, items, scope keys, grants
//! and the consent log plug in here once the signed formats are merged (see the README).

use axum::extract::State;
use axum::Json;
use crypto::encoding::UnixTime;
use crypto::{PublicKeys, VaultId};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{AppError, ErrorBody};
use crate::extract::ApiPath;
use crate::state::AppState;

/// How `PublicKeys` appear in JSON (documentation only; `crypto` owns the type).
#[derive(Debug, ToSchema)]
#[allow(
    dead_code,
    reason = "only describes the JSON form of crypto::PublicKeys for OpenAPI"
)]
pub struct PublicKeysJson {
    /// Ed25519 verifying key, 32 bytes, base64url.
    signing: String,
    /// X25519 public key (age recipient), 32 bytes, base64url.
    agreement: String,
}

/// A vault's public keys: what a professional needs to verify its grants.
#[derive(Debug, Serialize, ToSchema)]
pub struct VaultInfo {
    /// Vault id, base64url.
    #[schema(value_type = String)]
    pub id: VaultId,
    /// The vault's public keys.
    #[schema(value_type = PublicKeysJson)]
    pub keys: PublicKeys,
    /// Unix seconds.
    pub created_at: UnixTime,
}

/// A vault's public keys.
#[utoipa::path(get, path = "/v1/vaults/{vault}", tag = "vaults",
    params(("vault" = String, Path, description = "Vault id, base64url")),
    responses(
        (status = 200, body = VaultInfo),
        (status = 400, description = "Malformed vault id", body = ErrorBody),
        (status = 404, description = "Unknown vault", body = ErrorBody),
    ))]
pub async fn vault_keys(
    State(state): State<AppState>,
    ApiPath(vault): ApiPath<VaultId>,
) -> Result<Json<VaultInfo>, AppError> {
    let record = state
        .store(move |s| s.vault(vault))
        .await?
        .ok_or(AppError::UnknownVault)?;
    Ok(Json(VaultInfo {
        id: record.id,
        keys: record.keys,
        created_at: record.created_at,
    }))
}
