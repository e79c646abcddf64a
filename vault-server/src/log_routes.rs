//! Consent-log routes: read the chain, append owner-signed entries, export as FHIR R4
//! `AuditEvent` resources (NEN 7513 mapping).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use crypto::log::{EventKind, SignedEntry};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::auth::{Json as Body, NoBody, Owner};
use crate::consent::{check_owner_entry, decode};
use crate::error::{AppError, ErrorBody};
use crate::extract::ApiQuery;
use crate::group_commit::MAX_READS;
use crate::state::AppState;
use crate::store::{AppendLog, LogEntryRecord, Store, StoreError, StoreResult};

/// Most entries returned at once.
const MAX_ENTRIES: usize = 10_000;

/// Query of a log read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FromQuery {
    /// First sequence number (default 0).
    pub from: Option<u64>,
}

/// `{entries}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Entries {
    /// Signed entries in chain order.
    #[schema(value_type = Vec<Object>)]
    pub entries: Vec<SignedEntry>,
}

async fn entries(
    state: &AppState,
    vault: crypto::VaultId,
    from: u64,
) -> Result<Vec<SignedEntry>, AppError> {
    state
        .store(move |s| page(s, vault, from, MAX_ENTRIES))
        .await
}

/// Up to `limit` entries from `from` on, and then any more up to the entry that covers a
/// deferred last one: a page never ends on a deferred entry, so each page verifies on its own
/// (spec/parts/log.md, Deferred server entries).
pub(crate) fn page(
    s: &dyn Store,
    vault: crypto::VaultId,
    from: u64,
    limit: usize,
) -> StoreResult<Vec<SignedEntry>> {
    let mut entries = decode_all(&s.log_from(vault, from, limit)?)?;
    while let Some(last) = entries.last().filter(|e| e.is_deferred()) {
        let next = last.entry.seq.checked_add(1);
        let more = match next {
            Some(next) => s.log_from(vault, next, MAX_READS)?,
            None => Vec::new(),
        };
        if more.is_empty() {
            return Err(StoreError::Internal(
                "the log ends on a deferred entry that nothing covers",
            ));
        }
        entries.extend(decode_all(&more)?);
    }
    Ok(entries)
}

fn decode_all(records: &[LogEntryRecord]) -> StoreResult<Vec<SignedEntry>> {
    records.iter().map(decode).collect()
}

/// The vault's consent log from a sequence number.
#[utoipa::path(get, path = "/v1/vaults/{vault}/log", tag = "log",
    params(("vault" = String, Path, description = "Vault id"), ("from" = Option<u64>, Query, description = "First seq")),
    responses((status = 200, body = Entries)))]
pub async fn read_log(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<FromQuery>,
    owner: Owner<NoBody>,
) -> Result<Json<Entries>, AppError> {
    let entries = entries(&state, owner.vault.id, q.from.unwrap_or(0)).await?;
    Ok(Json(Entries { entries }))
}

/// Appends a vault-signed entry (device change, export) at the head.
#[utoipa::path(post, path = "/v1/vaults/{vault}/log", tag = "log", request_body = Object,
    params(("vault" = String, Path, description = "Vault id")),
    responses((status = 201), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn append_log(
    State(state): State<AppState>,
    owner: Owner<Body<SignedEntry>>,
) -> Result<StatusCode, AppError> {
    let Body(entry) = owner.body;
    let vault = owner.vault;
    let server = state.server_keys();
    state
        .store(move |s| {
            let head = s.log_head(vault.id)?;
            let record = match check_owner_entry(
                &entry,
                &vault.keys,
                &server,
                head,
                &[EventKind::DeviceChange, EventKind::Export],
            ) {
                Ok(r) => r,
                Err(e) => return Ok(Err(e)),
            };
            Ok(match s.append_log(vault.id, &record)? {
                AppendLog::Appended => Ok(()),
                AppendLog::SeqMismatch(_) => Err(AppError::LogHeadMoved),
            })
        })
        .await??;
    Ok(StatusCode::CREATED)
}

/// The consent log as a FHIR R4 `Bundle` of `AuditEvent` resources.
#[utoipa::path(get, path = "/v1/vaults/{vault}/log/audit-events", tag = "log",
    params(("vault" = String, Path, description = "Vault id")),
    responses((status = 200, description = "FHIR R4 Bundle (type collection) of AuditEvent", body = Object)))]
pub async fn audit_events(
    State(state): State<AppState>,
    owner: Owner<NoBody>,
) -> Result<Json<Value>, AppError> {
    let vault = owner.vault.id;
    let entries = entries(&state, vault, 0).await?;
    Ok(Json(crypto::log::fhir::audit_bundle(vault, &entries)))
}
