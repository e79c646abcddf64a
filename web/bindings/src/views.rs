//! JSON views for the web app: the core's values with the texts people read added (kind and
//! scope names, local times, the consent sentence). Shapes follow `rugzak-items/1` and the
//! CLI's `--json` output; nothing here decides anything.

use crypto::{
    AccessDuration, GrantTerms, History, ItemKind, Payload, Permissions, PublicKeys, Scope,
    SignedRequest,
};
use questionnaires::{AnswerKind, Catalog, Completed, Lang};
use serde_json::{json, Value};
use vault_client::letters::{self, Activity, Letter, Referral};
use vault_client::vault::{Listing, OwnGrant};
use vault_client::view::{item_value, Reader, ITEMS_SCHEMA};
use vault_client::{Api, GrantStatus, NewItem};

use crate::{texts, Failure};

fn catalog() -> Result<Catalog, Failure> {
    Catalog::builtin().map_err(|_| Failure::code("internal"))
}

/// `[{key, title}]` of the shipped questionnaires.
pub fn catalog_list(lang: Lang) -> Result<String, Failure> {
    let list: Vec<Value> = catalog()?
        .list()
        .iter()
        .map(|i| json!({"key": i.key(), "title": i.title().get(lang)}))
        .collect();
    Ok(Value::Array(list).to_string())
}

/// One questionnaire: title, description and every question with its scale.
pub fn instrument(key: &str, lang: Lang) -> Result<String, Failure> {
    let catalog = catalog()?;
    let i = catalog
        .get(key)
        .ok_or_else(|| Failure::code("unknown_questionnaire"))?;
    let questions: Vec<Value> = i
        .questions()
        .iter()
        .map(|q| {
            let (kind, options, min, max) = match &q.kind {
                AnswerKind::Choice(options) => (
                    "choice",
                    options
                        .iter()
                        .map(|o| json!({"code": o.code, "label": o.label.get(lang)}))
                        .collect(),
                    None,
                    None,
                ),
                AnswerKind::Integer { min, max } => ("integer", Vec::new(), *min, *max),
                AnswerKind::String => ("string", Vec::new(), None, None),
                AnswerKind::Text => ("text", Vec::new(), None, None),
                AnswerKind::Boolean => ("boolean", Vec::new(), None, None),
            };
            json!({
                "link_id": q.link_id,
                "prefix": q.prefix,
                "text": q.text.get(lang),
                "preamble": q.preamble.iter().map(|p| p.get(lang)).collect::<Vec<_>>(),
                "kind": kind,
                "options": options,
                "min": min,
                "max": max,
                "required": q.must_answer(),
            })
        })
        .collect();
    Ok(json!({
        "key": i.key(),
        "title": i.title().get(lang),
        "description": i.description().map(|d| d.get(lang)),
        "questions": questions,
    })
    .to_string())
}

/// The two items a filled-in questionnaire becomes (the answers and the score), and the
/// answer to show: the score report, its summary and the advice the shipped rules give.
pub fn completed_items(
    key: &str,
    answers: &str,
    now: i64,
    lang: Lang,
) -> Result<(Vec<NewItem>, Value), Failure> {
    let catalog = catalog()?;
    let instrument = catalog
        .get(key)
        .ok_or_else(|| Failure::code("unknown_questionnaire"))?
        .clone();
    let done = Completed::from_answers_json(instrument, answers, now)
        .map_err(|_| Failure::code("bad_answers"))?;
    let sheet = done.score().map_err(|_| Failure::code("bad_answers"))?;
    let items = vault_client::view::questionnaire_items(&done, &sheet)
        .map_err(|_| Failure::code("internal"))?;
    let advice = questionnaires::suggestions(std::slice::from_ref(&sheet))
        .map_err(|_| Failure::code("internal"))?;
    let programmes = questionnaires::Programme::builtin().map_err(|_| Failure::code("internal"))?;
    Ok((
        items,
        json!({
            "score": sheet.report(),
            "summary": sheet.summary(lang),
            "advice": advice.iter().map(|s| s.describe(lang, &programmes)).collect::<Vec<_>>(),
        }),
    ))
}

/// Which items of a listing a view carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Every item people read.
    All,
    /// The newest few of every part, with each part's count (the overview of a large rugzak
    /// stays quick to make and to show; a part is shown whole on request).
    Newest(usize),
    /// Every item of one part.
    Part(Scope),
}

/// How many items of a part the overview shows.
pub const OVERVIEW_NEWEST: usize = 20;

/// A listing as the web app shows it: each item's `rugzak-items/1` value plus its kind, scope
/// and time in words, and a summary for scores; `counts` per part. Answers are not items
/// people read (their score is), nor a programme's older progress; `shown` says which of the
/// rest come along.
pub fn listing(
    listing: &Listing,
    me: Option<&PublicKeys>,
    owner: &PublicKeys,
    lang: Lang,
    shown: Shown,
) -> Value {
    let t = texts();
    let reader = Reader { me, owner };
    let catalog = Catalog::builtin().ok();
    let programmes = questionnaires::Programme::builtin().unwrap_or_default();
    // The newest progress record of each programme (by creation time).
    let mut newest: std::collections::BTreeMap<String, (crypto::ItemId, i64)> =
        std::collections::BTreeMap::new();
    for item in &listing.items {
        let e = &item.envelope;
        if e.kind != ItemKind::ProgrammeProgress {
            continue;
        }
        if let Ok(p) = questionnaires::Progress::from_json(&e.body) {
            if newest
                .get(&p.programme)
                .is_none_or(|(_, t)| *t <= e.created)
            {
                newest.insert(p.programme, (e.id, e.created));
            }
        }
    }
    let read = |item: &&crypto::OpenedItem| {
        let e = &item.envelope;
        match e.kind {
            ItemKind::QuestionnaireResponse => false,
            ItemKind::ProgrammeProgress => newest.values().any(|(id, _)| *id == e.id),
            _ => true,
        }
    };
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for item in listing.items.iter().filter(read) {
        *counts.entry(item.envelope.scope.as_str()).or_default() += 1;
    }
    // Items come oldest first; the newest few of a part are its last ones.
    let mut seen: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    let carried = listing.items.iter().filter(read).filter(|item| {
        let scope = item.envelope.scope;
        let at = seen.entry(scope.as_str()).or_default();
        *at += 1;
        match shown {
            Shown::All => true,
            Shown::Part(part) => scope == part,
            Shown::Newest(n) => counts[scope.as_str()] - *at < n,
        }
    });
    let items: Vec<Value> = carried
        .map(|item| {
            let mut v = item_value(reader, item);
            let e = &item.envelope;
            v["kind_text"] = t.kind(e.kind.as_str()).into();
            v["scope_text"] = t.scope(e.scope.as_str()).into();
            v["time_text"] = t.time(e.created).into();
            v["author_text"] = vault_client::view::author_text(t, reader, item).into();
            if e.kind == ItemKind::Observation {
                if let Some(sheet) = catalog
                    .as_ref()
                    .and_then(|c| c.read_observation(&e.body).ok())
                {
                    v["title"] = sheet.title().get(lang).into();
                    v["summary"] = sheet.summary(lang).into();
                }
            }
            // A programme's progress: its title and how far, in words.
            if e.kind == ItemKind::ProgrammeProgress {
                if let Some((programme, progress)) = questionnaires::Progress::from_json(&e.body)
                    .ok()
                    .and_then(|p| Some((programmes.iter().find(|x| x.id == p.programme)?, p)))
                {
                    v["title"] = programme.title.get(lang).into();
                    v["summary"] = progress.summary(programme, lang).into();
                }
            }
            v
        })
        .collect();
    let apart: Vec<Value> = listing
        .apart
        .iter()
        .map(|a| {
            json!({
                "id": a.id.to_string(),
                "scope": a.scope.as_str(),
                "scope_text": t.scope(a.scope.as_str()),
                "reason": a.reason.code(),
            })
        })
        .collect();
    let charts = catalog.map_or_else(Vec::new, |c| charts(&c, listing, lang));
    let part = match shown {
        Shown::Part(scope) => Some(scope.as_str()),
        _ => None,
    };
    json!({"schema": ITEMS_SCHEMA, "items": items, "counts": counts, "part": part, "apart": apart, "charts": charts})
}

/// The charts of the stored scores: a trend line of the total for instruments with one
/// (PSS-10, VLQ), a spider web of the latest sheet for the others (Positieve Gezondheid, ZRM).
fn charts(catalog: &Catalog, listing: &Listing, lang: Lang) -> Vec<Value> {
    let mut sheets: Vec<questionnaires::ScoreSheet> = listing
        .items
        .iter()
        .filter(|i| i.envelope.kind == ItemKind::Observation)
        .filter_map(|i| catalog.read_observation(&i.envelope.body).ok())
        .collect();
    sheets.sort_by_key(questionnaires::ScoreSheet::effective);
    let mut out = Vec::new();
    for instrument in catalog.list() {
        let own: Vec<_> = sheets
            .iter()
            .filter(|s| s.instrument() == instrument.key())
            .cloned()
            .collect();
        let Some(latest) = own.last() else {
            continue;
        };
        let (kind, svg) = match instrument.total() {
            Some(total) => (
                "trend",
                questionnaires::trend_line(instrument, &own, &total.key, lang),
            ),
            None => ("spider-web", questionnaires::spider_web_of(latest, lang)),
        };
        if let Ok(svg) = svg {
            out.push(json!({
                "key": instrument.key(),
                "kind": kind,
                "title": instrument.title().get(lang),
                "svg": svg,
            }));
        }
    }
    out
}

/// The access request in a scanned or pasted QR text, fetched when the QR is a reference.
pub async fn fetch_request(api: &Api<'_>, text: &str) -> Result<SignedRequest, Failure> {
    match Payload::parse(text.trim()) {
        Ok(Payload::Request(request)) => Ok(request),
        Ok(Payload::RequestRef(reference)) => {
            let fetched = api.request(reference.nonce).await?;
            reference
                .pin(&fetched)
                .map_err(|_| Failure::code("bad_request"))?;
            Ok(fetched)
        }
        Ok(Payload::Recovery(_)) => Err(Failure::code("qr_is_recovery_code")),
        Err(_) => Err(Failure::code("qr_not_a_request")),
    }
}

/// What a request asks, for the approval screen.
pub fn request_view(request: &SignedRequest, now: i64) -> Value {
    let t = texts();
    let r = &request.request;
    let sentence = t.consent_sentence(&vault_client::consent::consent_request(
        &r.profile,
        &r.permissions,
        r.duration,
        History::Included,
    ));
    json!({
        "sentence": sentence,
        "who": {
            "name": r.profile.name,
            "role": r.profile.role.as_str(),
            "role_text": t.role(r.profile.role.as_str()),
            "organisation": r.profile.organisation,
        },
        "permissions": r.permissions.as_slice().iter().map(|p| json!({
            "scope": p.scope.as_str(),
            "scope_text": t.scope(p.scope.as_str()),
            "mode": p.mode.as_str(),
            "mode_text": t.mode(p.mode.as_str()),
        })).collect::<Vec<_>>(),
        "days": match r.duration { AccessDuration::Days(n) => Some(n), AccessDuration::Lifelong => None },
        "expired": request.verify(now).is_err(),
    })
}

/// Narrows `terms` to the inwoner's choices: `{scopes?, days?, lifelong?, from_now?}`.
pub fn apply_choices(terms: &mut GrantTerms, choices: &str) -> Result<(), Failure> {
    let bad = || Failure::code("bad_choices");
    let c: Value = serde_json::from_str(choices).map_err(|_| bad())?;
    if let Some(scopes) = c.get("scopes").and_then(Value::as_array) {
        let wanted: Vec<Scope> = scopes
            .iter()
            .map(|s| s.as_str().and_then(|s| s.parse().ok()).ok_or_else(bad))
            .collect::<Result<_, _>>()?;
        let narrowed = terms
            .permissions
            .as_slice()
            .iter()
            .copied()
            .filter(|p| wanted.contains(&p.scope));
        terms.permissions =
            Permissions::new(narrowed).map_err(|_| Failure::code("nothing_chosen"))?;
    }
    if c.get("lifelong").and_then(Value::as_bool) == Some(true) {
        terms.duration = AccessDuration::Lifelong;
    } else if let Some(days) = c.get("days").and_then(Value::as_u64) {
        terms.duration = AccessDuration::Days(u16::try_from(days).map_err(|_| bad())?);
    }
    if c.get("from_now").and_then(Value::as_bool) == Some(true) {
        terms.history = History::FromNow;
    }
    Ok(())
}

fn expiry_value(grant: &crypto::Grant, now: i64) -> Value {
    let t = texts();
    match grant.expiry {
        crypto::Expiry::Lifelong => json!({"lifelong": true, "text": t.get("web-lifelong")}),
        crypto::Expiry::At(at) => json!({
            "lifelong": false,
            "at": at,
            "text": t.time(at),
            "days_left": (at - now).max(0) / 86_400,
        }),
    }
}

fn parts(permissions: &Permissions) -> Vec<Value> {
    let t = texts();
    permissions
        .as_slice()
        .iter()
        .map(|p| {
            json!({
                "scope": p.scope.as_str(),
                "scope_text": t.scope(p.scope.as_str()),
                "mode": p.mode.as_str(),
                "mode_text": t.mode(p.mode.as_str()),
            })
        })
        .collect()
}

/// The inwoner's grants.
pub fn own_grants(grants: &[OwnGrant], now: i64) -> Value {
    let t = texts();
    Value::Array(
        grants
            .iter()
            .map(|g| {
                let grant = &g.grant.grant;
                json!({
                    "grant": grant.id.to_string(),
                    "who": {
                        "name": grant.profile.name,
                        "role_text": t.role(grant.profile.role.as_str()),
                        "organisation": grant.profile.organisation,
                    },
                    "parts": parts(&grant.permissions),
                    "expiry": expiry_value(grant, now),
                    "uses": g.uses,
                    "revoked": g.revoked,
                    "active": vault_client::vault::is_active(g, now),
                })
            })
            .collect(),
    )
}

/// A grant as the professional sees it, with the check code to compare.
pub fn grant_status(g: &GrantStatus, now: i64) -> Value {
    let grant = &g.grant.grant;
    let code = g
        .grant
        .verify(&g.vault_keys)
        .ok()
        .map(|v| v.check_code().to_string());
    json!({
        "grant": grant.id.to_string(),
        "vault": grant.vault.to_string(),
        "display_name": grant.display_name,
        "parts": parts(&grant.permissions),
        "expiry": expiry_value(grant, now),
        "check_code": code,
        "active": g.is_active(now),
        "revoked": g.revoked.is_some(),
    })
}

/// Where an appended item of `kind` goes, and what kind it is.
pub fn append_target(kind: &str) -> Result<(Scope, ItemKind), Failure> {
    Ok(match kind {
        "referral" => (Scope::Verwijzing, ItemKind::Referral),
        "intake-note" => (Scope::Intake, ItemKind::IntakeNote),
        "feedback" => (Scope::Terugkoppeling, ItemKind::Feedback),
        "activity" => (Scope::Programmas, ItemKind::Activity),
        _ => return Err(Failure::code("bad_kind")),
    })
}

/// The body of an appended item: a letter (referral, activity) from a JSON object of its
/// fields, or the text itself.
pub fn append_body(kind: ItemKind, body: &str) -> Result<Vec<u8>, Failure> {
    let field = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    match kind {
        ItemKind::Referral | ItemKind::Activity => {
            let v: Value = serde_json::from_str(body).map_err(|_| Failure::code("bad_letter"))?;
            let letter = if kind == ItemKind::Referral {
                Letter::Referral(Referral {
                    schema: letters::REFERRAL_SCHEMA.into(),
                    to: field(&v, "to"),
                    reason: field(&v, "reason"),
                    question: field(&v, "question"),
                    agreed: field(&v, "agreed"),
                    contact: field(&v, "contact"),
                })
            } else {
                Letter::Activity(Activity {
                    schema: letters::ACTIVITY_SCHEMA.into(),
                    what: field(&v, "what"),
                    place: field(&v, "place"),
                    when: field(&v, "when"),
                    contact: field(&v, "contact"),
                })
            };
            Ok(letter.to_body())
        }
        _ if body.trim().is_empty() => Err(Failure::code("empty_note")),
        _ => Ok(body.as_bytes().to_vec()),
    }
}

/// The consent log's entries as rows for people, newest first.
pub fn log_rows(
    entries: &[crypto::log::SignedEntry],
    people: &std::collections::BTreeMap<crypto::PartyId, crypto::Profile>,
) -> Value {
    use crypto::log::{Actor, Outcome};
    let t = texts();
    let rows: Vec<Value> = entries
        .iter()
        .rev()
        .map(|e| {
            let event = &e.entry.event;
            let (who, role, organisation) = match event.actor {
                Actor::Party { role, .. } if role == crypto::Role::Inwoner => {
                    (t.get("log-user-me"), t.role(role.as_str()), String::new())
                }
                Actor::Party { id, role } => people.get(&id).map_or_else(
                    || {
                        (
                            vault_client::consent::short(&id.to_string()),
                            t.role(role.as_str()),
                            String::new(),
                        )
                    },
                    |p| (p.name.clone(), t.role(role.as_str()), p.organisation.clone()),
                ),
                Actor::LinkHolder => (t.get("log-user-link"), String::new(), String::new()),
            };
            let own = matches!(
                event.actor,
                Actor::Party {
                    role: crypto::Role::Inwoner,
                    ..
                }
            );
            let under_grant = event.grant.is_some() && event.outcome == Outcome::Success && !own;
            json!({
                "seq": e.entry.seq,
                "time": event.time,
                "time_text": t.time(event.time),
                "event": event.kind.as_str(),
                "event_text": t.log_event(event.kind.as_str()),
                "who": who,
                "role_text": role,
                "organisation": organisation,
                "object_text": vault_client::consent::object_for_people(t, &event.object, under_grant),
                "grant": event.grant.map(|g| vault_client::consent::short(&g.to_string())),
                "denied": matches!(event.outcome, Outcome::Denied(_)),
                "outcome_text": t.log_outcome(match event.outcome {
                    Outcome::Success => None,
                    Outcome::Denied(reason) => Some(reason.code()),
                }),
            })
        })
        .collect();
    Value::Array(rows)
}
