//! Enrolment: parties and vaults register their own keys with a self-signed request; anyone
//! enrolled can look keys up; anyone can fetch the server's log-signing key.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use crypto::{PartyId, Profile, PublicKeys, VaultId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{CarriesKeys, NoBody, SelfSigned, Signed};
use crate::error::{AppError, ErrorBody};
use crate::extract::ApiPath;
use crate::state::AppState;
use crate::store::{Blob, Insert, PartyRecord, RegisterVault, VaultRecord};

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

/// `POST /v1/parties` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolParty {
    /// The party's keys (they sign this request).
    #[schema(value_type = PublicKeysJson)]
    pub keys: PublicKeys,
    /// A professional's public profile.
    #[schema(value_type = Option<Object>)]
    pub profile: Option<Profile>,
}

impl CarriesKeys for EnrolParty {
    fn keys(&self) -> &PublicKeys {
        &self.keys
    }
}

/// `POST /v1/parties` answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Enrolled {
    /// The party id.
    #[schema(value_type = String)]
    pub party: PartyId,
}

/// A party's keys and profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartyInfo {
    /// Its keys.
    #[schema(value_type = PublicKeysJson)]
    pub keys: PublicKeys,
    /// Its profile, if any.
    #[schema(value_type = Option<Object>)]
    pub profile: Option<Profile>,
}

/// Enrols a party by its own signature; idempotent for the same keys.
#[utoipa::path(post, path = "/v1/parties", tag = "vaults", request_body = EnrolParty,
    responses((status = 201, body = Enrolled), (status = 401, body = ErrorBody)))]
pub async fn enrol_party(
    State(state): State<AppState>,
    enrol: SelfSigned<EnrolParty>,
) -> Result<(StatusCode, Json<Enrolled>), AppError> {
    let EnrolParty { keys, profile } = enrol.body;
    let party = keys.party_id();
    let record = PartyRecord {
        party,
        keys,
        profile,
        enrolled_at: state.now(),
    };
    let _: Insert = state.store(move |s| s.enroll_party(&record)).await?;
    Ok((StatusCode::CREATED, Json(Enrolled { party })))
}

/// A party's keys and profile.
#[utoipa::path(get, path = "/v1/parties/{party}", tag = "vaults",
    params(("party" = String, Path, description = "Party id, base64url")),
    responses((status = 200, body = PartyInfo), (status = 404, body = ErrorBody)))]
pub async fn party(
    State(state): State<AppState>,
    ApiPath(party): ApiPath<PartyId>,
    _caller: Signed<NoBody>,
) -> Result<Json<PartyInfo>, AppError> {
    let record = state
        .store(move |s| s.party(party))
        .await?
        .ok_or(AppError::UnknownParty)?;
    Ok(Json(PartyInfo {
        keys: record.keys,
        profile: record.profile,
    }))
}

/// `POST /v1/vaults` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterVaultBody {
    /// The vault's keys (they sign this request).
    #[schema(value_type = PublicKeysJson)]
    pub keys: PublicKeys,
}

impl CarriesKeys for RegisterVaultBody {
    fn keys(&self) -> &PublicKeys {
        &self.keys
    }
}

/// `POST /v1/vaults` answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Registered {
    /// The vault id.
    #[schema(value_type = String)]
    pub vault: VaultId,
}

/// Registers a vault by its own signature (and enrols its key as a party); idempotent.
#[utoipa::path(post, path = "/v1/vaults", tag = "vaults", request_body = RegisterVaultBody,
    responses((status = 201, body = Registered), (status = 401, body = ErrorBody)))]
pub async fn register_vault(
    State(state): State<AppState>,
    register: SelfSigned<RegisterVaultBody>,
) -> Result<(StatusCode, Json<Registered>), AppError> {
    let keys = register.body.keys;
    let now = state.now();
    let registration = Blob(
        postcard::to_allocvec(&register.proof)
            .map_err(|_| AppError::Internal("request does not encode"))?,
    );
    let vault = VaultRecord {
        id: keys.vault_id(),
        keys,
        owner: None,
        registration,
        created_at: now,
    };
    let party = PartyRecord {
        party: keys.party_id(),
        keys,
        profile: None,
        enrolled_at: now,
    };
    state
        .store(move |s| {
            let _: RegisterVault = s.register_vault(&vault)?;
            let _: Insert = s.enroll_party(&party)?;
            Ok(())
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Registered {
            vault: keys.vault_id(),
        }),
    ))
}

/// A vault's public keys: what a professional needs to verify its grants.
#[utoipa::path(get, path = "/v1/vaults/{vault}/keys", tag = "vaults",
    params(("vault" = String, Path, description = "Vault id, base64url")),
    responses(
        (status = 200, body = PublicKeysJson),
        (status = 400, description = "Malformed vault id", body = ErrorBody),
        (status = 404, description = "Unknown vault", body = ErrorBody),
    ))]
pub async fn vault_keys(
    State(state): State<AppState>,
    ApiPath(vault): ApiPath<VaultId>,
    _caller: Signed<NoBody>,
) -> Result<Json<PublicKeys>, AppError> {
    let record = state
        .store(move |s| s.vault(vault))
        .await?
        .ok_or(AppError::UnknownVault)?;
    Ok(Json(record.keys))
}

/// `GET /v1/server` answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServerInfo {
    /// The key that signs server-made consent-log entries.
    #[schema(value_type = PublicKeysJson)]
    pub keys: PublicKeys,
}

/// The server's log-signing keys.
#[utoipa::path(get, path = "/v1/server", tag = "vaults", responses((status = 200, body = ServerInfo)))]
pub async fn server(State(state): State<AppState>) -> Json<ServerInfo> {
    Json(ServerInfo {
        keys: state.server_keys(),
    })
}
