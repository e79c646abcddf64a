//! The consent log as the inwoner sees it: fetched, verified against the last head kept
//! locally (rollback and fork check), and laid out in NEN 7513 columns.

use std::collections::BTreeMap;

use crypto::encoding::UnixTime;
use crypto::log::{Actor, LogObject, LogVerifier, Outcome, SignedEntry, VerifyLogError};
use crypto::{Identity, PartyId, PublicKeys};
use serde::Serialize;

use crate::api::{Api, ApiError};
use crate::keystore::State;
use crate::time::format_time;

/// Fetching or verifying the log failed.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The server call failed.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The log does not verify: the server's copy is damaged, rolled back or forked.
    #[error("het toestemmingslog klopt niet / the consent log does not verify: {0}; the server's log was changed or rolled back, report this to your practice")]
    Invalid(#[from] VerifyLogError),
}

/// Fetches the whole log, verifies it against `state.log_head` and moves that head on.
pub fn fetch_verified(
    api: &Api<'_>,
    identity: &Identity,
    state: &mut State,
) -> Result<Vec<SignedEntry>, LogError> {
    let vault = identity.public();
    let entries = api.log(vault.vault_id(), 0)?;
    let server = api.server_keys()?;
    let actors = actor_keys(api, &entries)?;
    let verifier = LogVerifier::new(vault, server, |id: PartyId| actors.get(&id).copied());
    state.log_head = verifier.verify(state.log_head.as_ref(), &entries)?;
    Ok(entries)
}

/// Keys of every party that signed a proof in `entries`.
fn actor_keys(
    api: &Api<'_>,
    entries: &[SignedEntry],
) -> Result<BTreeMap<PartyId, PublicKeys>, ApiError> {
    let mut keys = BTreeMap::new();
    for entry in entries {
        if let (Actor::Party { id, .. }, Some(_)) =
            (entry.entry.event.actor, &entry.entry.event.proof)
        {
            if let std::collections::btree_map::Entry::Vacant(slot) = keys.entry(id) {
                slot.insert(api.party(id)?.keys);
            }
        }
    }
    Ok(keys)
}

/// One log line in NEN 7513 terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogRow {
    /// Sequence number.
    pub seq: u64,
    /// Date and time (UTC).
    pub time: String,
    /// The event (grant, access, ...).
    pub event: String,
    /// EventActionCode C/R/U/D/E.
    pub action: char,
    /// Who acted (UserID), with name when known.
    pub user: String,
    /// Their role (RoleIDCode).
    pub role: String,
    /// What it concerned (participant object).
    pub object: String,
    /// Success or the reason of refusal.
    pub outcome: String,
    /// The grant it used or changed.
    pub grant: Option<String>,
    /// Who signed the entry.
    pub signer: String,
}

/// Lays out verified entries as rows, naming parties through `names`, keeping entries
/// with `from <= time < to`.
pub fn rows(
    entries: &[SignedEntry],
    names: &BTreeMap<PartyId, String>,
    from: Option<UnixTime>,
    to: Option<UnixTime>,
) -> Vec<LogRow> {
    entries
        .iter()
        .filter(|e| from.is_none_or(|f| e.entry.event.time >= f))
        .filter(|e| to.is_none_or(|t| e.entry.event.time < t))
        .map(|e| {
            let event = &e.entry.event;
            let (user, role) = match event.actor {
                Actor::Party { role, .. } if role == crypto::Role::Inwoner => {
                    ("ik/me".to_owned(), role.as_str().to_owned())
                }
                Actor::Party { id, role } => (
                    names
                        .get(&id)
                        .cloned()
                        .unwrap_or_else(|| short(&id.to_string())),
                    role.as_str().to_owned(),
                ),
                Actor::LinkHolder => ("(link)".to_owned(), "link-holder".to_owned()),
            };
            LogRow {
                seq: e.entry.seq,
                time: format_time(event.time),
                event: event.kind.as_str().to_owned(),
                action: event.action.letter(),
                user,
                role,
                object: object_text(&event.object),
                outcome: match event.outcome {
                    Outcome::Success => "ok".to_owned(),
                    Outcome::Denied(reason) => format!("geweigerd/denied: {}", reason.code()),
                },
                grant: event.grant.map(|g| short(&g.to_string())),
                signer: format!("{:?}", e.entry.signer).to_lowercase(),
            }
        })
        .collect()
}

fn object_text(object: &LogObject) -> String {
    match object {
        LogObject::Vault => "rugzak".to_owned(),
        LogObject::Permissions(list) => list
            .iter()
            .map(|p| format!("{}:{}", p.scope, p.mode))
            .collect::<Vec<_>>()
            .join(","),
        LogObject::Scope(scope) => scope.to_string(),
        LogObject::Item { scope, item } => format!("{scope}/{}", short(&item.to_string())),
        LogObject::Link(link) => format!("link {}", short(&link.to_string())),
        LogObject::Device(device) => format!("device {}", short(&device.to_string())),
    }
}

/// The first 8 characters of an id, for tables.
#[must_use]
pub fn short(id: &str) -> String {
    id.chars().take(8).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crypto::log::{ActionCode, Event, EventKind};
    use crypto::{Identity, RootSecret};

    fn entries(times: &[UnixTime]) -> Vec<SignedEntry> {
        let vault = Identity::from_root(RootSecret::from_bytes([3; 32]));
        let mut out: Vec<SignedEntry> = Vec::new();
        for (n, time) in times.iter().enumerate() {
            let event = Event {
                time: *time,
                kind: EventKind::Export,
                action: ActionCode::Execute,
                actor: Actor::Party {
                    id: vault.public().party_id(),
                    role: crypto::Role::Inwoner,
                },
                on_behalf_of: None,
                object: LogObject::Vault,
                outcome: Outcome::Success,
                grant: None,
                proof: None,
            };
            let prev = out.last().map(SignedEntry::head);
            out.push(SignedEntry::by_vault(&vault, prev.as_ref(), event).expect("entry"));
            assert_eq!(out[n].entry.seq, n as u64);
        }
        out
    }

    #[test]
    fn rows_keep_the_period_from_inclusive_to_exclusive() {
        let day = 86_400;
        let all = entries(&[0, day, 2 * day]);
        let rows = rows(&all, &BTreeMap::new(), Some(day), Some(2 * day));
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].seq, 1);
        assert_eq!(rows[0].time, "1970-01-02 00:00");
        assert_eq!(rows[0].action, 'E');
        assert_eq!(rows[0].user, "ik/me");
    }
}
