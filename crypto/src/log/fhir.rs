//! The consent log as FHIR R4 `AuditEvent` resources (NEN 7513 fields): one place for the
//! mapping, used by the server's `/log/audit-events` and by the inwoner's own download, which
//! maps the entries her device verified rather than trusting a server's rendering.

use serde_json::{json, Value};

use super::{ActionCode, Actor, LogObject, Outcome, SignedEntry};
use crate::{ItemId, Scope, VaultId};

/// RFC 3339 UTC time of Unix seconds (empty for a time no calendar year 1–9999 holds, which
/// a server clock never produces).
#[must_use]
pub fn rfc3339(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|at| {
            at.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// A FHIR R4 `Bundle` (collection) with one `AuditEvent` per entry of `vault`'s log.
#[must_use]
pub fn audit_bundle(vault: VaultId, entries: &[SignedEntry]) -> Value {
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": entries.iter().map(|e| json!({"resource": audit_event(vault, e)})).collect::<Vec<_>>(),
    })
}

/// One entry as an `AuditEvent` (NEN 7513: event, action, time, actor and role,
/// on-behalf-of, client = vault, object, outcome, consent = grant id as policy).
fn audit_event(vault: VaultId, signed: &SignedEntry) -> Value {
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
    let item_entity = |scope: &Scope, item: &ItemId| json!({"what": {"identifier": {"system": "urn:rugzak:item", "value": item.to_string()}}, "description": scope.to_string()});
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
