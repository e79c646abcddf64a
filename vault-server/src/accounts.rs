//! Accounts and passkeys (WebAuthn via webauthn-rs): register, log in, list, add and remove
//! passkeys, log out. Ceremony state stays on the server between start and finish.

use axum::http::StatusCode;
use axum::Json;
use crypto::encoding::{b64, UnixTime};
use rand_core::OsRng;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use webauthn_rs::prelude::{
    AuthenticationResult, CreationChallengeResponse, DiscoverableKey, Passkey, PublicKeyCredential,
    RegisterPublicKeyCredential, RequestChallengeResponse, Uuid,
};
use webauthn_rs_proto::ResidentKeyRequirement;

use crate::ceremonies::Pending;
use crate::error::{AppError, ErrorBody, FieldProblem};
use crate::extract::{ApiJson, ApiPath};
use crate::ids::{AccountId, CeremonyId};
use crate::session::{self, AccountSession};
use crate::state::AppState;
use crate::store::{AccountRecord, CredentialInsert, PasskeyRecord, RemovePasskey};

/// Longest passkey label, in characters.
const MAX_LABEL_CHARS: usize = 64;

/// Start registering a passkey (for a new account, or another one for the logged-in account).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterStart {
    /// The name the person's authenticator will show for this passkey (1–64 characters).
    /// Passed on to the authenticator only: the server does not store it.
    #[schema(example = "Mijn rugzak")]
    pub label: String,
}

/// A started registration: pass `options` to `navigator.credentials.create`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationChallenge {
    /// Quote this id in the finish call.
    #[schema(value_type = String)]
    pub ceremony: CeremonyId,
    /// WebAuthn `PublicKeyCredentialCreationOptions` (as `{ publicKey: ... }`).
    #[schema(value_type = Object)]
    pub options: CreationChallengeResponse,
}

/// Finish a registration with the authenticator's response.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterFinish {
    /// From the start call.
    #[schema(value_type = String)]
    pub ceremony: CeremonyId,
    /// The `PublicKeyCredential` returned by `navigator.credentials.create`.
    #[schema(value_type = Object)]
    pub credential: RegisterPublicKeyCredential,
}

/// Start logging in to an account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginStart {
    /// The account id (kept by the client after registration).
    #[schema(value_type = String)]
    pub account: AccountId,
}

/// A started login: pass `options` to `navigator.credentials.get`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginChallenge {
    /// Quote this id in the finish call.
    #[schema(value_type = String)]
    pub ceremony: CeremonyId,
    /// WebAuthn `PublicKeyCredentialRequestOptions` (as `{ publicKey: ... }`).
    #[schema(value_type = Object)]
    pub options: RequestChallengeResponse,
}

/// Finish a login with the authenticator's assertion.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginFinish {
    /// From the start call.
    #[schema(value_type = String)]
    pub ceremony: CeremonyId,
    /// The `PublicKeyCredential` returned by `navigator.credentials.get`.
    #[schema(value_type = Object)]
    pub credential: PublicKeyCredential,
}

/// A new session.
#[derive(Serialize, ToSchema)]
pub struct SessionCreated {
    /// The account logged in to.
    #[schema(value_type = String)]
    pub account: AccountId,
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Unix seconds after which the token is refused.
    pub expires_at: UnixTime,
}

impl std::fmt::Debug for SessionCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCreated")
            .field("account", &self.account)
            .field("token", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// The logged-in account.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountInfo {
    /// Account id.
    #[schema(value_type = String)]
    pub id: AccountId,
    /// Unix seconds.
    pub created_at: UnixTime,
}

/// One passkey of the account (no key material).
#[derive(Debug, Serialize, ToSchema)]
pub struct PasskeyInfo {
    /// Credential id, base64url; use it to remove the passkey.
    pub id: String,
    /// Unix seconds.
    pub created_at: UnixTime,
    /// Unix seconds of the last login with it.
    pub last_used_at: Option<UnixTime>,
}

impl From<&PasskeyRecord> for PasskeyInfo {
    fn from(p: &PasskeyRecord) -> Self {
        Self {
            id: b64::encode(&p.credential_id),
            created_at: p.created_at,
            last_used_at: p.last_used_at,
        }
    }
}

fn valid_label(label: &str) -> Result<String, AppError> {
    let trimmed = label.trim();
    let chars = trimmed.chars().count();
    if chars == 0 || chars > MAX_LABEL_CHARS || trimmed.chars().any(char::is_control) {
        return Err(AppError::InvalidField {
            path: "label".into(),
            problem: FieldProblem::Invalid,
        });
    }
    Ok(trimmed.to_owned())
}

fn user_handle(account: AccountId) -> Uuid {
    Uuid::from_bytes(*account.as_bytes())
}

/// Asks the authenticator to keep the passkey discoverable, so that a later login need not name
/// the account (`/v1/session/discover`). webauthn-rs's passkey registration asks for the
/// opposite by default (to spare the few slots of old security keys); the registration is
/// verified the same either way.
fn ask_for_discoverable(options: &mut CreationChallengeResponse) {
    if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
        selection.resident_key = Some(ResidentKeyRequirement::Required);
        selection.require_resident_key = true;
    }
}

fn passkey_record(account: AccountId, passkey: Passkey, now: UnixTime) -> PasskeyRecord {
    PasskeyRecord {
        account,
        credential_id: passkey.cred_id().as_ref().to_vec(),
        passkey,
        created_at: now,
        last_used_at: None,
    }
}

async fn new_session(
    state: &AppState,
    account: AccountId,
) -> Result<Json<SessionCreated>, AppError> {
    let ttl = i64::try_from(state.config().session_ttl.as_secs()).unwrap_or(i64::MAX);
    let issued = session::issue(account, state.now(), ttl);
    let record = issued.record.clone();
    state.store(move |s| s.put_session(&record)).await?;
    tracing::info!(%account, "session started");
    Ok(Json(SessionCreated {
        account,
        token: issued.token.to_string(),
        expires_at: issued.record.expires_at,
    }))
}

/// Starts registering a new account with its first passkey.
#[utoipa::path(post, path = "/v1/accounts/register/start", tag = "accounts",
    request_body = RegisterStart,
    responses(
        (status = 200, body = RegistrationChallenge),
        (status = 422, description = "Invalid label", body = ErrorBody),
        (status = 429, description = "Rate limited", body = ErrorBody),
    ))]
pub async fn register_start(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiJson(req): ApiJson<RegisterStart>,
) -> Result<Json<RegistrationChallenge>, AppError> {
    let now = state.now();
    let label = valid_label(&req.label)?;
    let account = AccountRecord {
        id: AccountId::random(&mut OsRng),
        created_at: now,
    };
    let (mut options, reg) = state
        .webauthn()
        .start_passkey_registration(user_handle(account.id), &label, &label, None)
        .map_err(|_| AppError::Internal("webauthn registration start failed"))?;
    ask_for_discoverable(&mut options);
    let ceremony = state.ceremonies().start(
        Pending::NewAccount {
            account,
            state: reg,
        },
        now,
    )?;
    Ok(Json(RegistrationChallenge { ceremony, options }))
}

/// Finishes registration: creates the account and logs in.
#[utoipa::path(post, path = "/v1/accounts/register/finish", tag = "accounts",
    request_body = RegisterFinish,
    responses(
        (status = 200, body = SessionCreated),
        (status = 401, description = "The authenticator's response did not verify", body = ErrorBody),
        (status = 409, description = "Passkey already registered", body = ErrorBody),
        (status = 410, description = "Unknown, used or expired ceremony", body = ErrorBody),
    ))]
pub async fn register_finish(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiJson(req): ApiJson<RegisterFinish>,
) -> Result<Json<SessionCreated>, AppError> {
    let now = state.now();
    let Pending::NewAccount {
        account,
        state: reg,
    } = state.ceremonies().finish(req.ceremony, now)?
    else {
        return Err(AppError::UnknownCeremony);
    };
    let passkey = state
        .webauthn()
        .finish_passkey_registration(&req.credential, &reg)
        .map_err(|_| AppError::PasskeyRejected)?;
    let record = passkey_record(account.id, passkey, now);
    let id = account.id;
    match state
        .store(move |s| s.create_account(&account, &record))
        .await?
    {
        CredentialInsert::Stored => {
            tracing::info!(account = %id, "account created");
            new_session(&state, id).await
        }
        CredentialInsert::CredentialTaken => Err(AppError::CredentialTaken),
    }
}

/// Starts a passkey login.
#[utoipa::path(post, path = "/v1/session/login/start", tag = "accounts",
    request_body = LoginStart,
    responses(
        (status = 200, body = LoginChallenge),
        (status = 404, description = "Unknown account", body = ErrorBody),
        (status = 429, description = "Rate limited", body = ErrorBody),
    ))]
pub async fn login_start(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiJson(req): ApiJson<LoginStart>,
) -> Result<Json<LoginChallenge>, AppError> {
    let account = req.account;
    let passkeys = state.store(move |s| s.passkeys(account)).await?;
    if passkeys.is_empty() {
        return Err(AppError::UnknownAccount);
    }
    let keys: Vec<Passkey> = passkeys.into_iter().map(|p| p.passkey).collect();
    let (options, auth) = state
        .webauthn()
        .start_passkey_authentication(&keys)
        .map_err(|_| AppError::Internal("webauthn authentication start failed"))?;
    let ceremony = state.ceremonies().start(
        Pending::Login {
            account,
            state: auth,
        },
        state.now(),
    )?;
    Ok(Json(LoginChallenge { ceremony, options }))
}

/// Finishes a passkey login and issues a session token.
#[utoipa::path(post, path = "/v1/session/login/finish", tag = "accounts",
    request_body = LoginFinish,
    responses(
        (status = 200, body = SessionCreated),
        (status = 401, description = "The assertion did not verify", body = ErrorBody),
        (status = 410, description = "Unknown, used or expired ceremony", body = ErrorBody),
    ))]
pub async fn login_finish(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiJson(req): ApiJson<LoginFinish>,
) -> Result<Json<SessionCreated>, AppError> {
    let now = state.now();
    let Pending::Login {
        account,
        state: auth,
    } = state.ceremonies().finish(req.ceremony, now)?
    else {
        return Err(AppError::UnknownCeremony);
    };
    let result = state
        .webauthn()
        .finish_passkey_authentication(&req.credential, &auth)
        .map_err(|_| AppError::PasskeyRejected)?;
    if !record_use(&state, account, result, now).await? {
        // The passkey was removed between start and finish.
        return Err(AppError::PasskeyRejected);
    }
    new_session(&state, account).await
}

/// Keeps the used passkey's signature counter and backup state current (clone detection) and
/// notes when it was used; false when the passkey is no longer on the account.
async fn record_use(
    state: &AppState,
    account: AccountId,
    result: AuthenticationResult,
    now: UnixTime,
) -> Result<bool, AppError> {
    let used = result.cred_id().as_ref().to_vec();
    state
        .store(move |s| {
            let Some(mut record) = s
                .passkeys(account)?
                .into_iter()
                .find(|p| p.credential_id == used)
            else {
                return Ok(false);
            };
            record.passkey.update_credential(&result);
            record.last_used_at = Some(now);
            s.update_passkey(&record)
        })
        .await
}

/// A started login without an account id: pass `options` to `navigator.credentials.get`.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiscoverChallenge {
    /// Quote this id in the finish call.
    #[schema(value_type = String)]
    pub ceremony: CeremonyId,
    /// WebAuthn `PublicKeyCredentialRequestOptions` with no `allowCredentials`: the person picks
    /// one of their passkeys for this site. `mediation` is `conditional` (autofill); a client
    /// may also use it in a modal `get`.
    #[schema(value_type = Object)]
    pub options: RequestChallengeResponse,
}

/// Starts a passkey login that does not name the account (discoverable credentials).
#[utoipa::path(post, path = "/v1/session/discover/start", tag = "accounts",
    responses(
        (status = 200, body = DiscoverChallenge),
        (status = 429, description = "Rate limited", body = ErrorBody),
    ))]
pub async fn discover_start(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<Json<DiscoverChallenge>, AppError> {
    let (options, auth) = state
        .webauthn()
        .start_discoverable_authentication()
        .map_err(|_| AppError::Internal("webauthn authentication start failed"))?;
    let ceremony = state
        .ceremonies()
        .start(Pending::Discover { state: auth }, state.now())?;
    Ok(Json(DiscoverChallenge { ceremony, options }))
}

/// Finishes a login that did not name the account: the assertion's user handle names it, and
/// the assertion must verify under one of that account's passkeys.
#[utoipa::path(post, path = "/v1/session/discover/finish", tag = "accounts",
    request_body = LoginFinish,
    responses(
        (status = 200, body = SessionCreated),
        (status = 401, description = "No user handle, no such passkey on that account, or the assertion did not verify", body = ErrorBody),
        (status = 410, description = "Unknown, used or expired ceremony", body = ErrorBody),
    ))]
pub async fn discover_finish(
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiJson(req): ApiJson<LoginFinish>,
) -> Result<Json<SessionCreated>, AppError> {
    let now = state.now();
    let Pending::Discover { state: auth } = state.ceremonies().finish(req.ceremony, now)? else {
        return Err(AppError::UnknownCeremony);
    };
    // The user handle is not covered by the signature; it only says where to look. The
    // signature must then verify under a passkey stored for that very account.
    let (handle, credential) = state
        .webauthn()
        .identify_discoverable_authentication(&req.credential)
        .map_err(|_| AppError::PasskeyRejected)?;
    let account = AccountId::from_bytes(*handle.as_bytes());
    let credential = credential.to_vec();
    let passkeys = state.store(move |s| s.passkeys(account)).await?;
    let keys: Vec<DiscoverableKey> = passkeys
        .iter()
        .filter(|p| p.credential_id == credential)
        .map(|p| DiscoverableKey::from(&p.passkey))
        .collect();
    if keys.is_empty() {
        return Err(AppError::PasskeyRejected);
    }
    let result = state
        .webauthn()
        .finish_discoverable_authentication(&req.credential, auth, &keys)
        .map_err(|_| AppError::PasskeyRejected)?;
    if !record_use(&state, account, result, now).await? {
        return Err(AppError::PasskeyRejected);
    }
    new_session(&state, account).await
}

/// Ends the current session.
#[utoipa::path(post, path = "/v1/session/logout", tag = "accounts", security(("session" = [])),
    responses((status = 204, description = "Logged out"), (status = 401, body = ErrorBody)))]
pub async fn logout(
    axum::extract::State(state): axum::extract::State<AppState>,
    session: AccountSession,
) -> Result<StatusCode, AppError> {
    let hash = session.token_hash;
    state.store(move |s| s.delete_session(hash)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The logged-in account.
#[utoipa::path(get, path = "/v1/account", tag = "accounts", security(("session" = [])),
    responses((status = 200, body = AccountInfo), (status = 401, body = ErrorBody)))]
pub async fn account(
    axum::extract::State(state): axum::extract::State<AppState>,
    session: AccountSession,
) -> Result<Json<AccountInfo>, AppError> {
    let id = session.account;
    let record = state
        .store(move |s| s.account(id))
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Ok(Json(AccountInfo {
        id: record.id,
        created_at: record.created_at,
    }))
}

/// The account's passkeys.
#[utoipa::path(get, path = "/v1/account/passkeys", tag = "accounts", security(("session" = [])),
    responses((status = 200, body = [PasskeyInfo]), (status = 401, body = ErrorBody)))]
pub async fn list_passkeys(
    axum::extract::State(state): axum::extract::State<AppState>,
    session: AccountSession,
) -> Result<Json<Vec<PasskeyInfo>>, AppError> {
    let id = session.account;
    let passkeys = state.store(move |s| s.passkeys(id)).await?;
    Ok(Json(passkeys.iter().map(PasskeyInfo::from).collect()))
}

/// Starts adding another passkey to the logged-in account.
#[utoipa::path(post, path = "/v1/account/passkeys/start", tag = "accounts", security(("session" = [])),
    request_body = RegisterStart,
    responses(
        (status = 200, body = RegistrationChallenge),
        (status = 401, body = ErrorBody),
        (status = 422, description = "Invalid label", body = ErrorBody),
    ))]
pub async fn add_passkey_start(
    axum::extract::State(state): axum::extract::State<AppState>,
    session: AccountSession,
    ApiJson(req): ApiJson<RegisterStart>,
) -> Result<Json<RegistrationChallenge>, AppError> {
    let label = valid_label(&req.label)?;
    let id = session.account;
    let passkeys = state.store(move |s| s.passkeys(id)).await?;
    let exclude = passkeys
        .iter()
        .map(|p| p.passkey.cred_id().clone())
        .collect();
    let (mut options, reg) = state
        .webauthn()
        .start_passkey_registration(user_handle(id), &label, &label, Some(exclude))
        .map_err(|_| AppError::Internal("webauthn registration start failed"))?;
    ask_for_discoverable(&mut options);
    let ceremony = state.ceremonies().start(
        Pending::AddPasskey {
            account: id,
            state: reg,
        },
        state.now(),
    )?;
    Ok(Json(RegistrationChallenge { ceremony, options }))
}

/// Finishes adding a passkey.
#[utoipa::path(post, path = "/v1/account/passkeys/finish", tag = "accounts", security(("session" = [])),
    request_body = RegisterFinish,
    responses(
        (status = 201, body = PasskeyInfo),
        (status = 401, body = ErrorBody),
        (status = 409, description = "Passkey already registered", body = ErrorBody),
        (status = 410, description = "Unknown, used or expired ceremony", body = ErrorBody),
    ))]
pub async fn add_passkey_finish(
    axum::extract::State(state): axum::extract::State<AppState>,
    session: AccountSession,
    ApiJson(req): ApiJson<RegisterFinish>,
) -> Result<(StatusCode, Json<PasskeyInfo>), AppError> {
    let now = state.now();
    let Pending::AddPasskey {
        account,
        state: reg,
    } = state.ceremonies().finish(req.ceremony, now)?
    else {
        return Err(AppError::UnknownCeremony);
    };
    if account != session.account {
        // Another account's ceremony: treat as unknown rather than reveal it.
        return Err(AppError::UnknownCeremony);
    }
    let passkey = state
        .webauthn()
        .finish_passkey_registration(&req.credential, &reg)
        .map_err(|_| AppError::PasskeyRejected)?;
    let record = passkey_record(account, passkey, now);
    let info = PasskeyInfo::from(&record);
    match state.store(move |s| s.add_passkey(&record)).await? {
        CredentialInsert::Stored => Ok((StatusCode::CREATED, Json(info))),
        CredentialInsert::CredentialTaken => Err(AppError::CredentialTaken),
    }
}

/// Removes a passkey (never the last one).
#[utoipa::path(delete, path = "/v1/account/passkeys/{id}", tag = "accounts", security(("session" = [])),
    params(("id" = String, Path, description = "Credential id, base64url")),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such passkey on this account", body = ErrorBody),
        (status = 409, description = "It is the last passkey", body = ErrorBody),
    ))]
pub async fn remove_passkey(
    axum::extract::State(state): axum::extract::State<AppState>,
    session: AccountSession,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, AppError> {
    let credential = b64::decode(&id).ok_or(AppError::MalformedPath)?;
    let account = session.account;
    match state
        .store(move |s| s.remove_passkey(account, &credential))
        .await?
    {
        RemovePasskey::Removed => Ok(StatusCode::NO_CONTENT),
        RemovePasskey::Unknown => Err(AppError::UnknownPasskey),
        RemovePasskey::LastPasskey => Err(AppError::LastPasskey),
    }
}
