//! Items as plain JSON values (schema `rugzak-items/1`): structured bodies as objects, scores
//! as numbers. One view for the CLI's `--json` and the web app.

use crypto::{ItemKind, OpenedItem, PublicKeys};
use serde_json::{json, Value};

use crate::consent::short;
use crate::letters::Letter;

/// Schema tag of the item views (`rugzak list --json`, `read --json`, the web app).
pub const ITEMS_SCHEMA: &str = "rugzak-items/1";

/// Who is reading: decides how authors are named ("u" for oneself).
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    /// The reader's own keys (`None`: someone opening a share link).
    pub me: Option<&'a PublicKeys>,
    /// The vault's keys (the inwoner).
    pub owner: &'a PublicKeys,
}

/// One item as a JSON object: structured bodies as objects, scores as numbers.
#[must_use]
pub fn item_value(reader: Reader<'_>, item: &OpenedItem) -> Value {
    let e = &item.envelope;
    let body = match e.kind {
        ItemKind::Observation => questionnaires::Catalog::builtin()
            .ok()
            .and_then(|c| c.read_observation(&e.body).ok())
            .and_then(|s| serde_json::to_value(s.report()).ok())
            .unwrap_or(Value::Null),
        ItemKind::QuestionnaireResponse | ItemKind::ProgrammeProgress => {
            serde_json::from_slice(&e.body).unwrap_or(Value::Null)
        }
        _ => match Letter::parse(&e.body) {
            Some(_) => serde_json::from_slice(&e.body).unwrap_or(Value::Null),
            None => Value::String(String::from_utf8_lossy(&e.body).into_owned()),
        },
    };
    let author = &e.author;
    let by = if author == reader.owner {
        json!({"party": author.party_id().to_string(), "inwoner": true})
    } else {
        let profile = item.consent(reader.owner).ok().map(|g| &g.grant.profile);
        json!({
            "party": author.party_id().to_string(),
            "inwoner": false,
            "name": profile.map(|p| p.name.clone()),
            "role": profile.map(|p| p.role.as_str()),
            "organisation": profile.map(|p| p.organisation.clone()),
        })
    };
    json!({
        "id": e.id.to_string(),
        "scope": e.scope.as_str(),
        "kind": e.kind.as_str(),
        "created": e.created,
        "author": by,
        "body": body,
    })
}

/// Who wrote `item`, in words.
#[must_use]
pub fn author_text(t: &rugzak_i18n::Texts, reader: Reader<'_>, item: &OpenedItem) -> String {
    let a = &item.envelope.author;
    if Some(a) == reader.me {
        t.get("render-author-you")
    } else if a == reader.owner {
        t.get("render-author-inwoner")
    } else if let Ok(grant) = item.consent(reader.owner) {
        let p = &grant.grant.profile;
        t.fmt(
            "render-author-grantee",
            &[
                ("name", p.name.as_str().into()),
                ("role", t.role(p.role.as_str()).into()),
            ],
        )
    } else {
        t.fmt(
            "render-author-unknown",
            &[("party", short(&a.party_id().to_string()).into())],
        )
    }
}

/// What a filled-in questionnaire is stored as: its FHIR QuestionnaireResponse and the
/// Observation of its score, both under `vragenlijsten` (the CLI's `vragenlijst fill` and the
/// web app store the same two items).
///
/// # Errors
/// [`questionnaires::fhir::EncodeError`] only if JSON encoding fails (a bug).
pub fn questionnaire_items(
    done: &questionnaires::Completed,
    sheet: &questionnaires::ScoreSheet,
) -> Result<Vec<crate::NewItem>, questionnaires::fhir::EncodeError> {
    use questionnaires::fhir::to_json_bytes;
    Ok(vec![
        crate::NewItem {
            scope: crypto::Scope::Vragenlijsten,
            kind: ItemKind::QuestionnaireResponse,
            body: to_json_bytes(&done.response(None))?,
        },
        crate::NewItem {
            scope: crypto::Scope::Vragenlijsten,
            kind: ItemKind::Observation,
            body: to_json_bytes(&sheet.observation(None, None))?,
        },
    ])
}

/// A FHIR R4 `Bundle` (collection): stored FHIR resources as they are, other items as
/// `DocumentReference`s with the text as attachment.
pub fn fhir_bundle(items: &[OpenedItem]) -> serde_json::Value {
    use base64::Engine as _;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let entries: Vec<serde_json::Value> = items
        .iter()
        .map(|item| {
            let e = &item.envelope;
            let resource = match e.kind {
                ItemKind::QuestionnaireResponse | ItemKind::Observation => {
                    serde_json::from_slice(&e.body).unwrap_or(serde_json::Value::Null)
                }
                _ => json!({
                    "resourceType": "DocumentReference",
                    "status": "current",
                    "type": {"text": e.kind.as_str()},
                    "date": crypto::log::fhir::rfc3339(e.created),
                    "content": [{"attachment": {
                        "contentType": "text/plain; charset=utf-8",
                        "data": b64(&e.body),
                    }}],
                }),
            };
            json!({"fullUrl": format!("urn:uuid:{}", uuid_like(&e.id.to_string())), "resource": resource})
        })
        .collect();
    json!({"resourceType": "Bundle", "type": "collection", "entry": entries})
}

/// A stable UUID-shaped name for an item id (the bundle needs URNs).
fn uuid_like(id: &str) -> String {
    let hex: String = crypto::encoding::sha256(id.as_bytes())
        .as_bytes()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The newest stored progress record of every programme (records that do not parse are left
/// out; the newest by creation time counts).
#[must_use]
pub fn latest_progress(items: &[OpenedItem]) -> Vec<questionnaires::Progress> {
    let mut latest: std::collections::BTreeMap<String, (i64, questionnaires::Progress)> =
        std::collections::BTreeMap::new();
    for item in items
        .iter()
        .filter(|i| i.envelope.kind == ItemKind::ProgrammeProgress)
    {
        if let Ok(p) = questionnaires::Progress::from_json(&item.envelope.body) {
            let created = item.envelope.created;
            if latest.get(&p.programme).is_none_or(|(t, _)| *t <= created) {
                latest.insert(p.programme.clone(), (created, p));
            }
        }
    }
    latest.into_values().map(|(_, p)| p).collect()
}

/// Every score sheet stored among `items` (unreadable ones are left out).
#[must_use]
pub fn stored_sheets(
    items: &[OpenedItem],
    catalog: &questionnaires::Catalog,
) -> Vec<questionnaires::ScoreSheet> {
    items
        .iter()
        .filter(|i| i.envelope.kind == ItemKind::Observation)
        .filter_map(|i| catalog.read_observation(&i.envelope.body).ok())
        .collect()
}

/// The inwoner's own items as `rugzak-items/1` JSON for her to keep (the CLI's `export` before
/// its age layer, the web app's download).
#[must_use]
pub fn owner_export(owner: &PublicKeys, items: &[OpenedItem]) -> Value {
    let reader = Reader {
        me: Some(owner),
        owner,
    };
    json!({
        "schema": ITEMS_SCHEMA,
        "vault": owner.vault_id().to_string(),
        "items": items.iter().map(|i| item_value(reader, i)).collect::<Vec<_>>(),
    })
}
