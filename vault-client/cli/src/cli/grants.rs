//! The inwoner's overview screens: her grants (`grants`), revoking one (`revoke`) and the log
//! of who did what (`log`), each in the chosen language with Dutch local times. `--json` keeps
//! stable codes and the fixed UTC times for scripts.

use pollster::FutureExt as _;
use std::collections::BTreeMap;

use crypto::log::{Actor, Outcome};
use crypto::Role;
use serde_json::json;
pub use vault_client::consent::parts_text;
use vault_client::consent::{self, object_for_people, short};
use vault_client::{Api, Owner};

use crate::time;

use super::owner::{describe_permissions, open_owner};
use super::{resolve, CliError, Ctx};

/// A table: the header, then each row, columns padded to the widest cell.
fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let width = |i: usize| {
        std::iter::once(header)
            .chain(rows.iter().map(Vec::as_slice))
            .filter_map(|r| r.get(i))
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                let pad = widths[i].saturating_sub(cell.chars().count());
                out.push_str(cell);
                out.push_str(&" ".repeat(pad + 2));
            }
        }
        out.trim_end().to_owned()
    };
    let mut out = line(header);
    for row in rows {
        out.push('\n');
        out.push_str(&line(row));
    }
    out
}

pub fn grants(ctx: &Ctx, confirm: bool) -> Result<(), CliError> {
    let t = ctx.t();
    let mut s = open_owner(ctx)?;
    let result = {
        let api = Api::new(&s.transport, &s.identity, &time::now);
        let owner = Owner::new(&api, &s.identity);
        match owner.grants(&mut s.state).block_on() {
            Ok(list) if confirm => {
                let ids: Vec<_> = owner
                    .unconfirmed(&s.state)
                    .iter()
                    .map(|g| g.grant.grant.id)
                    .collect();
                owner
                    .confirm(&mut s.state, &ids)
                    .block_on()
                    .map(|()| (list, ids))
            }
            other => other.map(|list| (list, Vec::new())),
        }
    };
    let (list, confirmed) = ctx.saved(&s, result)?;
    let now = time::now();
    for id in &confirmed {
        // Only a grant still in force gets keys; an ended one is just no longer waiting.
        let in_force = list
            .iter()
            .any(|g| g.grant.grant.id == *id && vault_client::vault::is_active(g, now));
        let message = if in_force {
            "grant-list-confirmed"
        } else {
            "grant-list-confirmed-ended"
        };
        eprintln!("{}", t.fmt(message, &[("grant", id.to_string().into())]));
    }
    let me = s.identity.public();
    // The state of each grant as a stable code (`--json`); people read grant-state-<code>.
    let state = |g: &vault_client::vault::OwnGrant| {
        if g.revoked.is_some() {
            "revoked"
        } else if g.unconfirmed && !confirmed.contains(&g.grant.grant.id) {
            "unconfirmed"
        } else if vault_client::vault::is_active(g, now) {
            "active"
        } else {
            "expired"
        }
    };
    let json_rows: Vec<serde_json::Value> = list
        .iter()
        .map(|g| {
            let grant = &g.grant.grant;
            json!({
                "grant": grant.id.to_string(),
                "name": grant.profile.name,
                "role": grant.profile.role.as_str(),
                "organisation": grant.profile.organisation,
                "permissions": describe_permissions(&grant.permissions),
                "expires": match grant.expiry {
                    crypto::Expiry::At(at) => time::format_time(at),
                    crypto::Expiry::Lifelong => "lifelong".to_owned(),
                },
                "uses": g.uses,
                "status": state(g),
                "check_code": crypto::CheckCode::new(grant, &me).digits(),
            })
        })
        .collect();
    ctx.emit(
        || {
            if list.is_empty() {
                return t.get("grant-list-empty");
            }
            let header: Vec<String> = [
                "grant-list-col-grant",
                "grant-list-col-code",
                "grant-list-col-who",
                "grant-list-col-role",
                "grant-list-col-parts",
                "grant-list-col-until",
                "grant-list-col-uses",
                "grant-list-col-state",
            ]
            .iter()
            .map(|id| t.get(id))
            .collect();
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|g| {
                    let grant = &g.grant.grant;
                    vec![
                        short(&grant.id.to_string()),
                        crypto::CheckCode::new(grant, &me).to_string(),
                        grant.profile.name.clone(),
                        t.role(grant.profile.role.as_str()),
                        parts_text(t, grant.permissions.as_slice()),
                        match grant.expiry {
                            crypto::Expiry::At(at) => t.time(at),
                            crypto::Expiry::Lifelong => t.get("grant-state-lifelong"),
                        },
                        g.uses.map_or_else(|| "?".to_owned(), |n| n.to_string()),
                        t.get(&format!("grant-state-{}", state(g))),
                    ]
                })
                .collect();
            let mut out = table(&header, &rows);
            if list.iter().any(|g| state(g) == "unconfirmed") {
                out.push_str("\n\n");
                out.push_str(&t.get("grant-list-unconfirmed-hint"));
            }
            out
        },
        json!({"grants": json_rows}),
    );
    Ok(())
}

pub fn revoke(ctx: &Ctx, prefix: &str) -> Result<(), CliError> {
    let t = ctx.t();
    let mut s = open_owner(ctx)?;
    let result = {
        let api = Api::new(&s.transport, &s.identity, &time::now);
        let owner = Owner::new(&api, &s.identity);
        match owner.grants(&mut s.state).block_on() {
            Err(e) => Err(CliError::from(e)),
            Ok(list) => {
                let ids: Vec<_> = list.iter().map(|g| g.grant.grant.id).collect();
                match resolve(t, "grant", prefix, ids) {
                    Err(e) => Err(e),
                    Ok(id) => match owner.intend_revoke(&mut s.state, id) {
                        Err(e) => Err(CliError::from(e)),
                        // Her decision is stored before anything is sent.
                        Ok(()) => match ctx.save(&s) {
                            Err(e) => Err(e),
                            Ok(()) => owner
                                .revoke(&mut s.state, id)
                                .block_on()
                                .map(|a| (id, a))
                                .map_err(CliError::from),
                        },
                    },
                }
            }
        }
    };
    let (id, already) = ctx.saved(&s, result)?;
    ctx.emit(
        || {
            let message = if already {
                "revoke-already"
            } else {
                "revoke-done"
            };
            t.fmt(message, &[("grant", id.to_string().into())])
        },
        json!({"grant": id.to_string(), "already_revoked": already}),
    );
    Ok(())
}

pub fn log(ctx: &Ctx, from: Option<&str>, to: Option<&str>) -> Result<(), CliError> {
    let t = ctx.t();
    let date = |d: Option<&str>| -> Result<Option<i64>, CliError> {
        d.map(|text| {
            rugzak_i18n::parse_local_date(text)
                .ok_or_else(|| CliError::Usage(t.fmt("log-bad-date", &[("text", text.into())])))
        })
        .transpose()
    };
    let (from, to) = (date(from)?, date(to)?);
    let mut s = open_owner(ctx)?;
    let (entries, names) = {
        let api = Api::new(&s.transport, &s.identity, &time::now);
        let result = consent::fetch_verified(&api, &s.identity, &mut s.state).block_on();
        let entries = result?;
        let mut names = BTreeMap::new();
        for e in &entries {
            if let Actor::Party { id, role } = e.entry.event.actor {
                if role == Role::Inwoner || names.contains_key(&id) {
                    continue;
                }
                if let Ok(info) = api.party(id).block_on() {
                    if let Some(p) = info.profile {
                        names.insert(id, format!("{} ({})", p.name, p.organisation));
                    }
                }
            }
        }
        (entries, names)
    };
    ctx.save(&s)?;
    let rows = consent::rows(&entries, &names, from, to);
    ctx.emit(
        || {
            let header: Vec<String> = [
                "log-col-seq",
                "log-col-time",
                "log-col-event",
                "log-col-action",
                "log-col-user",
                "log-col-role",
                "log-col-object",
                "log-col-grant",
                "log-col-outcome",
            ]
            .iter()
            .map(|id| t.get(id))
            .collect();
            let shown: Vec<Vec<String>> = entries
                .iter()
                .map(|e| &e.entry)
                .filter(|e| from.is_none_or(|f| e.event.time >= f))
                .filter(|e| to.is_none_or(|until| e.event.time < until))
                .map(|e| {
                    let event = &e.event;
                    let (user, role) = match event.actor {
                        Actor::Party { role, .. } if role == Role::Inwoner => {
                            (t.get("log-user-me"), t.role(role.as_str()))
                        }
                        Actor::Party { id, role } => (
                            names
                                .get(&id)
                                .cloned()
                                .unwrap_or_else(|| short(&id.to_string())),
                            t.role(role.as_str()),
                        ),
                        Actor::LinkHolder => (t.get("log-user-link"), String::new()),
                    };
                    vec![
                        e.seq.to_string(),
                        t.time(event.time),
                        t.log_event(event.kind.as_str()),
                        event.action.letter().to_string(),
                        user,
                        role,
                        object_for_people(
                            t,
                            &event.object,
                            // What a grantee was given on several parts; a refusal may be
                            // about a part outside the grant, and the owner's own entries
                            // are about her rugzak.
                            event.grant.is_some()
                                && event.outcome == Outcome::Success
                                && !matches!(
                                    event.actor,
                                    Actor::Party {
                                        role: Role::Inwoner,
                                        ..
                                    }
                                ),
                        ),
                        event
                            .grant
                            .map(|g| short(&g.to_string()))
                            .unwrap_or_default(),
                        t.log_outcome(match event.outcome {
                            Outcome::Success => None,
                            Outcome::Denied(reason) => Some(reason.code()),
                        }),
                    ]
                })
                .collect();
            format!(
                "{}\n\n{}",
                t.fmt("log-checked", &[("count", entries.len().into())]),
                table(&header, &shown)
            )
        },
        json!({"verified": true, "head": s.state.log_head, "entries": rows}),
    );
    Ok(())
}
