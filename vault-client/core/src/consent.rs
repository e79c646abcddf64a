//! The consent log as the inwoner sees it: fetched, verified against the last head kept
//! locally (rollback and fork check), and laid out in NEN 7513 columns.

use std::collections::BTreeMap;

use crypto::encoding::UnixTime;
use crypto::log::{Actor, LogHead, LogObject, LogVerifier, Outcome, SignedEntry, VerifyLogError};
use crypto::{Identity, PartyId, Permission, PublicKeys, VaultId};
use rugzak_i18n::Texts;
use serde::Serialize;

use crate::api::{Api, ApiError};
use crate::state::State;
use crate::time::format_time;

/// Fetching or verifying the log failed.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The server call failed.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The log does not verify: the server's copy is damaged, rolled back or forked.
    #[error("the consent log does not verify: {0}; the server's log was changed or rolled back")]
    Invalid(#[from] VerifyLogError),
    /// The server signs its log with another key than the one pinned when the vault was made.
    #[error("the server's log key changed since it was pinned")]
    ServerKeyChanged,
}

impl LogError {
    /// A stable code for scripts and tests.
    #[must_use]
    pub fn code(&self) -> &str {
        match self {
            Self::Api(e) => e.stable_code(),
            Self::Invalid(e) => match e {
                VerifyLogError::Rollback { .. } => "log_rollback",
                VerifyLogError::Fork { .. } => "log_fork",
                _ => "log_invalid",
            },
            Self::ServerKeyChanged => "server_key_changed",
        }
    }
}

/// Verified entries after the stored head, and the head to store once they are applied.
#[derive(Debug)]
pub struct Fetched {
    /// The new entries, in order.
    pub entries: Vec<SignedEntry>,
    /// The head after them (the stored one when nothing is new).
    pub head: Option<LogHead>,
}

/// The server key to verify with: the pinned one. A state without one (a vault made before
/// pinning, or being rebuilt) pins the key the server shows now.
async fn pinned_server_key(api: &Api<'_>, state: &mut State) -> Result<PublicKeys, LogError> {
    if let Some(key) = state.consent.server_log_key {
        return Ok(key);
    }
    let key = api.server_keys().await?;
    state.consent.server_log_key = Some(key);
    Ok(key)
}

/// Every entry from `from` on, page by page (a page holds at most a few thousand entries).
async fn fetch_from(
    api: &Api<'_>,
    vault: VaultId,
    from: u64,
) -> Result<Vec<SignedEntry>, ApiError> {
    let mut entries: Vec<SignedEntry> = Vec::new();
    let mut next = from;
    loop {
        let page = api.log(vault, next).await?;
        let Some(last) = page.last() else { break };
        let Some(after) = last.entry.seq.checked_add(1) else {
            entries.extend(page);
            break;
        };
        if after <= next {
            // A page that does not move forward: let the verifier name the fault.
            entries.extend(page);
            break;
        }
        next = after;
        entries.extend(page);
    }
    Ok(entries)
}

async fn verify(
    api: &Api<'_>,
    identity: &Identity,
    state: &mut State,
    entries: &[SignedEntry],
) -> Result<Option<LogHead>, LogError> {
    let vault = identity.public();
    let server = pinned_server_key(api, state).await?;
    let actors = actor_keys(api, entries).await?;
    let verifier = LogVerifier::new(vault, server, |id: PartyId| actors.get(&id).copied());
    match verifier.verify(state.log_head.as_ref(), entries) {
        Ok(head) => Ok(head),
        Err(e @ VerifyLogError::BadSignature { .. }) => {
            if api.server_keys().await? == server {
                Err(e.into())
            } else {
                Err(LogError::ServerKeyChanged)
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// Fetches the entries after the stored head (all of them, page by page), verifies them
/// against that head with the pinned server key, and returns them with the new head. Only
/// what is new is verified; the stored head does not move here (the caller moves it once it
/// has applied the entries).
pub async fn fetch_new(
    api: &Api<'_>,
    identity: &Identity,
    state: &mut State,
) -> Result<Fetched, LogError> {
    // A state being rebuilt reads the whole log (tied to the stored head, if any, through the
    // chain), so that grants made before that head are known too.
    let from = if state.consent.built {
        state.log_head.map_or(0, |h| h.seq.saturating_add(1))
    } else {
        0
    };
    let entries = fetch_from(api, identity.public().vault_id(), from).await?;
    if entries.is_empty() {
        // Nothing after the head: the server must still hold the head itself, else it rolled
        // the log back.
        if let Some(seen) = state.log_head {
            let at = fetch_from(api, identity.public().vault_id(), seen.seq).await?;
            if at.is_empty() {
                // The log now ends before the head this device verified: truncated.
                return Err(VerifyLogError::Rollback {
                    seen: seen.seq,
                    received: seen.seq.saturating_sub(1),
                }
                .into());
            }
            verify(api, identity, state, &at).await?;
        }
        return Ok(Fetched {
            entries,
            head: state.log_head,
        });
    }
    let head = verify(api, identity, state, &entries).await?;
    Ok(Fetched { entries, head })
}

/// Fetches the whole log, page by page, and verifies it against the stored head (rollback
/// and fork check) with the pinned server key, for showing it. The stored head is left to
/// the owner's refresh, which applies what is new.
pub async fn fetch_verified(
    api: &Api<'_>,
    identity: &Identity,
    state: &mut State,
) -> Result<Vec<SignedEntry>, LogError> {
    let entries = fetch_from(api, identity.public().vault_id(), 0).await?;
    verify(api, identity, state, &entries).await?;
    Ok(entries)
}

/// Keys of every party that signed a proof in `entries`.
async fn actor_keys(
    api: &Api<'_>,
    entries: &[SignedEntry],
) -> Result<BTreeMap<PartyId, PublicKeys>, ApiError> {
    let mut keys = BTreeMap::new();
    for entry in entries {
        if let (Actor::Party { id, .. }, Some(_)) =
            (entry.entry.event.actor, &entry.entry.event.proof)
        {
            if let std::collections::btree_map::Entry::Vacant(slot) = keys.entry(id) {
                slot.insert(api.party(id).await?.keys);
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
                    Outcome::Denied(reason) => format!("denied: {}", reason.code()),
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
        LogObject::Items(items) => items
            .iter()
            .map(|i| format!("{}/{}", i.scope, short(&i.item.to_string())))
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// The first 8 characters of an id, for tables.
#[must_use]
pub fn short(id: &str) -> String {
    id.chars().take(8).collect()
}

/// The parts of a grant as people read them: "notities (lezen), intake (toevoegen)".
#[must_use]
pub fn parts_text(t: &Texts, permissions: &[Permission]) -> String {
    permissions
        .iter()
        .map(|p| {
            t.fmt(
                "grant-list-part",
                &[
                    ("scope", t.scope_inline(p.scope.as_str()).into()),
                    ("mode", t.mode(p.mode.as_str()).into()),
                ],
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a log entry was about, as people read it. A grantee's allowed call on several parts
/// names the vault as a whole, though it reached only what its grant covers (`under_grant`).
#[must_use]
pub fn object_for_people(t: &Texts, object: &LogObject, under_grant: bool) -> String {
    let item = |scope: crypto::Scope, item: &crypto::ItemId| {
        format!(
            "{} {}",
            t.scope_inline(scope.as_str()),
            short(&item.to_string())
        )
    };
    match object {
        LogObject::Vault if under_grant => t.get("log-object-grant-parts"),
        LogObject::Vault => t.get("log-object-vault"),
        LogObject::Permissions(list) => parts_text(t, list),
        LogObject::Scope(scope) => t.scope_inline(scope.as_str()),
        LogObject::Item { scope, item: id } => item(*scope, id),
        LogObject::Link(link) => t.fmt(
            "log-object-link",
            &[("id", short(&link.to_string()).into())],
        ),
        LogObject::Device(device) => t.fmt(
            "log-object-device",
            &[("id", short(&device.to_string()).into())],
        ),
        LogObject::Items(items) => items
            .iter()
            .map(|i| item(i.scope, &i.item))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The consent sentence's view of what is about to be granted (or was asked).
#[must_use]
pub fn consent_request<'a>(
    who: &'a crypto::Profile,
    permissions: &crypto::Permissions,
    duration: crypto::AccessDuration,
    history: crypto::History,
) -> rugzak_i18n::ConsentRequest<'a> {
    let scopes = |mode| {
        permissions
            .as_slice()
            .iter()
            .filter(|p| p.mode == mode)
            .map(|p| p.scope.as_str())
            .collect()
    };
    rugzak_i18n::ConsentRequest {
        name: &who.name,
        role: who.role.as_str(),
        organisation: (!who.organisation.is_empty()).then_some(who.organisation.as_str()),
        read: scopes(crypto::Mode::Read),
        append: scopes(crypto::Mode::Append),
        duration: match duration {
            crypto::AccessDuration::Days(n) => rugzak_i18n::AccessDuration::Days(u32::from(n)),
            crypto::AccessDuration::Lifelong => rugzak_i18n::AccessDuration::Lifelong,
        },
        history: match history {
            crypto::History::Included => rugzak_i18n::History::Included,
            crypto::History::FromNow => rugzak_i18n::History::FromNow,
        },
    }
}

/// A share link as the verified log shows it: when it was made, whether it was revoked, and how
/// often it was opened (successful opens only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkSummary {
    /// The link's id.
    pub link: crypto::LinkId,
    /// When its `share-link-create` entry was written.
    pub made: UnixTime,
    /// Whether a later `revoke` entry names it.
    pub revoked: bool,
    /// Successful `share-link-open` entries naming it.
    pub opens: u32,
}

/// Every share link of the vault, oldest first, from its verified log `entries`: the device
/// keeps no list of its own, so links made on another device or before a recovery show too.
#[must_use]
pub fn share_links(entries: &[SignedEntry]) -> Vec<LinkSummary> {
    use crypto::log::EventKind;
    let mut links: Vec<LinkSummary> = Vec::new();
    for e in entries {
        let event = &e.entry.event;
        let LogObject::Link(id) = event.object else {
            continue;
        };
        match event.kind {
            EventKind::ShareLinkCreate if event.outcome == Outcome::Success => {
                links.push(LinkSummary {
                    link: id,
                    made: event.time,
                    revoked: false,
                    opens: 0,
                });
            }
            EventKind::Revoke if event.outcome == Outcome::Success => {
                links
                    .iter_mut()
                    .filter(|l| l.link == id)
                    .for_each(|l| l.revoked = true);
            }
            EventKind::ShareLinkOpen if event.outcome == Outcome::Success => {
                links
                    .iter_mut()
                    .filter(|l| l.link == id)
                    .for_each(|l| l.opens = l.opens.saturating_add(1));
            }
            _ => {}
        }
    }
    links
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

    #[test]
    fn share_links_come_from_the_log_with_revocations_and_opens() {
        use crypto::log::{DenyReason, EventKind};
        let vault = Identity::from_root(RootSecret::from_bytes([4; 32]));
        let server = Identity::from_root(RootSecret::from_bytes([5; 32]));
        let a = crypto::LinkId::random(&mut rand_core::OsRng);
        let b = crypto::LinkId::random(&mut rand_core::OsRng);
        let events = [
            (EventKind::ShareLinkCreate, a, Outcome::Success),
            (EventKind::ShareLinkCreate, b, Outcome::Success),
            (EventKind::ShareLinkOpen, a, Outcome::Success),
            (
                EventKind::ShareLinkOpen,
                a,
                Outcome::Denied(DenyReason::WrongPasscode),
            ),
            (EventKind::ShareLinkOpen, a, Outcome::Success),
            (EventKind::Revoke, b, Outcome::Success),
        ];
        let mut out: Vec<SignedEntry> = Vec::new();
        for (n, (kind, link, outcome)) in events.into_iter().enumerate() {
            // Opens are written by the server for whoever holds the link; the rest by the vault.
            let opened = kind == EventKind::ShareLinkOpen;
            let event = Event {
                time: 100 + n as i64,
                kind,
                action: ActionCode::Execute,
                actor: if opened {
                    Actor::LinkHolder
                } else {
                    Actor::Party {
                        id: vault.public().party_id(),
                        role: crypto::Role::Inwoner,
                    }
                },
                on_behalf_of: None,
                object: LogObject::Link(link),
                outcome,
                grant: None,
                proof: None,
            };
            let prev = out.last().map(SignedEntry::head);
            let entry = if opened {
                SignedEntry::by_server(&server, &vault.public(), prev.as_ref(), event)
            } else {
                SignedEntry::by_vault(&vault, prev.as_ref(), event)
            };
            out.push(entry.expect("entry"));
        }
        let links = share_links(&out);
        assert_eq!(links.len(), 2);
        assert_eq!(
            (
                links[0].link,
                links[0].made,
                links[0].revoked,
                links[0].opens
            ),
            (a, 100, false, 2),
            "a denied open is no open"
        );
        assert_eq!(
            (links[1].link, links[1].revoked, links[1].opens),
            (b, true, 0)
        );
    }
}
