//! Consent-log routes: read the chain, append owner-signed entries, export as FHIR R4
//! `AuditEvent` resources (NEN 7513 mapping).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use crypto::log::{ActionCode, Actor, EventKind, LogObject, Outcome, SignedEntry};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
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
    Ok(Json(bundle(vault, &entries)))
}

/// RFC 3339 UTC time of Unix seconds (empty for a time no calendar year 1–9999 holds, which
/// a server clock never produces).
fn rfc3339(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|at| {
            at.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// A FHIR `Bundle` (collection) with one `AuditEvent` per entry.
#[must_use]
pub fn bundle(vault: crypto::VaultId, entries: &[SignedEntry]) -> Value {
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": entries.iter().map(|e| json!({"resource": audit_event(vault, e)})).collect::<Vec<_>>(),
    })
}

/// One entry as an `AuditEvent` (NEN 7513: event, action, time, actor and role,
/// on-behalf-of, client = vault, object, outcome, consent = grant id as policy).
fn audit_event(vault: crypto::VaultId, signed: &SignedEntry) -> Value {
    let e = &signed.entry.event;
    let action = match e.action {
        ActionCode::Create => "C",
        ActionCode::Read => "R",
        ActionCode::Update => "U",
        ActionCode::Delete => "D",
        ActionCode::Execute => "E",
    };
    let (outcome, outcome_desc) = match e.outcome {
        Outcome::Success => ("0", None),
        Outcome::Denied(reason) => ("4", Some(reason.code())),
    };
    let mut requestor = json!({
        "requestor": true,
        "who": match e.actor {
            Actor::Party { id, .. } => json!({"identifier": {"system": "urn:rugzak:party", "value": id.to_string()}}),
            Actor::LinkHolder => json!({"display": "share-link holder"}),
        },
    });
    if let Actor::Party { role, .. } = e.actor {
        requestor["role"] =
            json!([{"coding": [{"system": "urn:rugzak:role", "code": role.as_str()}]}]);
    }
    if let Some(grant) = e.grant {
        requestor["policy"] = json!([format!("urn:rugzak:grant:{grant}")]);
    }
    let mut agents = vec![requestor];
    if let Some(principal) = e.on_behalf_of {
        agents.push(json!({
            "requestor": false,
            "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-RoleClass", "code": "PROV"}]},
            "who": {"identifier": {"system": "urn:rugzak:party", "value": principal.to_string()}},
        }));
    }
    let mut entities = vec![json!({
        "what": {"identifier": {"system": "urn:rugzak:vault", "value": vault.to_string()}},
        "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-entity-type", "code": "1"},
        "role": {"system": "http://terminology.hl7.org/CodeSystem/object-role", "code": "1"},
    })];
    let item_entity = |scope: &crypto::Scope, item: &crypto::ItemId| json!({"what": {"identifier": {"system": "urn:rugzak:item", "value": item.to_string()}}, "description": scope.to_string()});
    let object = match &e.object {
        LogObject::Vault => None,
        // One entity per item of the request.
        LogObject::Items(items) => {
            entities.extend(items.iter().map(|i| item_entity(&i.scope, &i.item)));
            None
        }
        LogObject::Permissions(p) => Some(
            json!({"name": "permissions", "description": p.iter().map(|p| format!("{}:{}", p.scope, p.mode)).collect::<Vec<_>>().join(",")}),
        ),
        LogObject::Scope(s) => Some(json!({"name": "scope", "description": s.to_string()})),
        LogObject::Item { scope, item } => Some(item_entity(scope, item)),
        LogObject::Link(_) => Some(json!({"name": "share-link"})),
        LogObject::Device(d) => Some(
            json!({"what": {"identifier": {"system": "urn:rugzak:party", "value": d.to_string()}}, "name": "device"}),
        ),
    };
    entities.extend(object);
    let mut event = json!({
        "resourceType": "AuditEvent",
        "id": format!("{vault}-{}", signed.entry.seq),
        "type": {"system": "urn:rugzak:event", "code": e.kind.as_str()},
        "action": action,
        "recorded": rfc3339(e.time),
        "outcome": outcome,
        "agent": agents,
        "source": {"observer": {"display": "rugzak vault-server"}},
        "entity": entities,
    });
    if let Some(desc) = outcome_desc {
        event["outcomeDesc"] = json!(desc);
    }
    event
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_800_000_000), "2027-01-15T08:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }
}
