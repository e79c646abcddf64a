//! Commands of professionals: request, wait, read, append.

use pollster::FutureExt as _;
use std::time::{Duration, Instant};

use crypto::{
    AccessDuration, CheckCode, GrantId, ItemKind, Nonce, Payload, Permission, Permissions, Scope,
    VaultId,
};
use serde_json::json;
use vault_client::consent::short;
use vault_client::letters::{self, Activity, Letter, Referral};
use vault_client::CheckState;
use vault_client::{GrantStatus, Professional};

use crate::time;

use super::args::{AppendArgs, AppendKind, RequestArgs};
use super::owner::{prompt, shown_name};
use super::{qr, render, resolve, CliError, Ctx, Session};

/// Opens the keystore and checks it holds a professional.
fn open_pro(ctx: &Ctx) -> Result<(Session, crypto::Profile), CliError> {
    let session = ctx.open()?;
    let profile = session
        .state
        .profile
        .clone()
        .ok_or_else(|| CliError::Usage(ctx.t().get("request-not-professional")))?;
    Ok((session, profile))
}

pub fn request(ctx: &Ctx, a: RequestArgs) -> Result<(), CliError> {
    let t = ctx.t();
    let (s, profile) = open_pro(ctx)?;
    let each = |scopes: &[Scope], mode: crypto::Mode| {
        scopes
            .iter()
            .map(move |&scope| Permission { scope, mode })
            .collect::<Vec<_>>()
    };
    let mut asked = each(&a.read, crypto::Mode::Read);
    asked.extend(each(&a.append, crypto::Mode::Append));
    for mode in &a.modes {
        if !a.scopes.is_empty() {
            asked.extend(each(&a.scopes, *mode));
        }
    }
    let permissions = Permissions::new(asked).map_err(|e| {
        CliError::Usage(t.fmt("request-bad-parts", &[("reason", e.to_string().into())]))
    })?;
    let duration = match (a.days, a.lifelong) {
        (Some(days), _) => AccessDuration::Days(days),
        (None, true) => AccessDuration::Lifelong,
        (None, false) => return Err(CliError::Usage(t.get("request-choose-duration"))),
    };
    let api = s.api();
    let (signed, reference) = Professional::new(&api, &s.identity)
        .request(profile, permissions, duration)
        .block_on()?;
    let text = Payload::RequestRef(reference).to_text();
    let dir = a
        .out
        .clone()
        .unwrap_or_else(|| ctx.home.dir().to_path_buf());
    let nonce = signed.request.nonce.to_string();
    let base = dir.join(format!("request-{}", short(&nonce)));
    let (png, svg) = qr::write_files(&text, &base)?;
    ctx.emit(
        || {
            format!(
                "{}\n\n{}\n{}\n\n{}\n{}\n{}\n{}",
                t.get("request-posted"),
                qr::terminal(&text),
                text.as_str(),
                t.fmt("request-png", &[("path", png.display().to_string().into())]),
                t.fmt("request-svg", &[("path", svg.display().to_string().into())]),
                t.fmt("request-reference", &[("reference", nonce.as_str().into())]),
                t.fmt("request-wait-hint", &[("reference", nonce.as_str().into())]),
            )
        },
        json!({"reference": nonce, "qr_text": text.as_str(), "png": png, "svg": svg}),
    );
    if a.wait {
        let mut s = s;
        wait_for(ctx, &mut s, signed.request.nonce, 900, a.yes)?;
    }
    Ok(())
}

pub fn wait(ctx: &Ctx, reference: &str, timeout: u64, yes: bool) -> Result<(), CliError> {
    let (mut s, _) = open_pro(ctx)?;
    let nonce: Nonce = reference.trim().parse().map_err(|_| {
        CliError::Usage(
            ctx.t()
                .fmt("request-bad-reference", &[("reference", reference.into())]),
        )
    })?;
    wait_for(ctx, &mut s, nonce, timeout, yes)
}

/// Stable code of a check code the professional did not confirm.
const REFUSED: &str = "check_code_refused";

/// The check code of a grant from the server, computed with the vault keys that verify it.
fn check_code(g: &GrantStatus) -> Result<CheckCode, CliError> {
    g.grant
        .verify(&g.vault_keys)
        .map(|verified| verified.check_code())
        .map_err(|_| CliError::Usage(super::coded(super::texts(), "bad_grant")))
}

/// What the professional is asked to compare: the code, the inwoner's chosen name, the vault.
fn code_block(t: &rugzak_i18n::Texts, g: &GrantStatus, code: CheckCode) -> String {
    let grant = &g.grant.grant;
    format!(
        "{}\n{}\n{}",
        t.fmt("check-code", &[("code", code.to_string().into())]),
        t.fmt(
            "check-name",
            &[("name", shown_name(t, grant.display_name.as_deref()).into())]
        ),
        t.fmt(
            "check-ids",
            &[
                ("vault", grant.vault.to_string().into()),
                ("grant", grant.id.to_string().into()),
            ]
        ),
    )
}

/// Asks the professional to compare `code` with the one the inwoner reads aloud, before the
/// first read or append; `yes` answers for a script. A confirmed grant is recorded in `check`;
/// a refusal records nothing and is an error.
fn confirm(
    t: &rugzak_i18n::Texts,
    check: &mut CheckState,
    g: &GrantStatus,
    code: CheckCode,
    yes: bool,
) -> Result<(), CliError> {
    if !yes {
        eprintln!("{}\n{}", code_block(t, g, code), t.get("check-ask"));
        let answer = prompt(&t.get("check-prompt"))?;
        if !rugzak_i18n::is_yes(&answer) {
            return Err(CliError::Usage(super::coded(t, REFUSED)));
        }
    }
    check.confirmed.insert(g.grant.grant.id);
    Ok(())
}

/// Before a read or append of `vault`: one of its grants must have a confirmed check code; if
/// none has, the newest grant's code is compared now. Returns whether something was recorded.
fn confirmed_for(
    t: &rugzak_i18n::Texts,
    check: &mut CheckState,
    grants: &[GrantStatus],
    vault: VaultId,
    yes: bool,
) -> Result<bool, CliError> {
    let of_vault: Vec<&GrantStatus> = grants
        .iter()
        .filter(|g| g.grant.grant.vault == vault)
        .collect();
    if of_vault
        .iter()
        .any(|g| check.confirmed.contains(&g.grant.grant.id))
    {
        return Ok(false);
    }
    let Some(newest) = of_vault.iter().max_by_key(|g| g.grant.grant.not_before) else {
        return Ok(false);
    };
    let code = check_code(newest)?;
    confirm(t, check, newest, code, yes)?;
    Ok(true)
}

fn wait_for(
    ctx: &Ctx,
    s: &mut Session,
    nonce: Nonce,
    timeout: u64,
    yes: bool,
) -> Result<(), CliError> {
    let t = ctx.t();
    let found = poll_grant(ctx, s, nonce, timeout)?;
    let code = check_code(&found)?;
    if found.grant.grant.grantee != s.identity.public() {
        return Err(CliError::Usage(t.get("wait-wrong-grantee")));
    }
    confirm(t, &mut s.state.check, &found, code, yes)?;
    ctx.save(s)?;
    let g = &found.grant.grant;
    ctx.emit(
        || {
            format!(
                "{}\n{}",
                t.fmt(
                    "wait-granted",
                    &[
                        ("grant", g.id.to_string().into()),
                        ("vault", g.vault.to_string().into()),
                    ]
                ),
                code_block(t, &found, code)
            )
        },
        json!({
            "grant": g.id.to_string(),
            "vault": g.vault.to_string(),
            "check_code": code.digits(),
            "display_name": g.display_name,
            "confirmed": true,
        }),
    );
    Ok(())
}

/// Polls once a second until a grant answers the request `nonce`.
fn poll_grant(ctx: &Ctx, s: &Session, nonce: Nonce, timeout: u64) -> Result<GrantStatus, CliError> {
    let api = s.api();
    let pro = Professional::new(&api, &s.identity);
    let spinner = indicatif::ProgressBar::new_spinner();
    if ctx.json {
        spinner.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    spinner.set_message(ctx.t().get("wait-spinner"));
    spinner.enable_steady_tick(Duration::from_millis(120));
    let start = Instant::now();
    let found = loop {
        if let Some(g) = pro.grant_for(nonce).block_on()? {
            break g;
        }
        if start.elapsed() > Duration::from_secs(timeout) {
            spinner.finish_and_clear();
            return Err(CliError::Usage(ctx.t().get("wait-timeout")));
        }
        std::thread::sleep(Duration::from_secs(1));
    };
    spinner.finish_and_clear();
    Ok(found)
}

fn resolve_vault(
    t: &rugzak_i18n::Texts,
    grants: &[GrantStatus],
    prefix: &str,
) -> Result<VaultId, CliError> {
    let mut vaults: Vec<VaultId> = grants.iter().map(|g| g.grant.grant.vault).collect();
    vaults.sort_by_key(ToString::to_string);
    vaults.dedup();
    resolve(t, "vault", prefix, vaults)
}

/// The grants given to me and the vault named by `prefix`, after making sure its check code
/// was confirmed (asking now when it was not).
fn confirmed_vault(
    ctx: &Ctx,
    s: &mut Session,
    prefix: &str,
    yes: bool,
) -> Result<VaultId, CliError> {
    let grants = {
        let api = s.api();
        let result = Professional::new(&api, &s.identity).grants().block_on();
        result?
    };
    let vault = resolve_vault(ctx.t(), &grants, prefix)?;
    if confirmed_for(ctx.t(), &mut s.state.check, &grants, vault, yes)? {
        ctx.save(s)?;
    }
    Ok(vault)
}

pub fn read(ctx: &Ctx, vault: Option<&str>, yes: bool) -> Result<(), CliError> {
    let (mut s, _) = open_pro(ctx)?;
    let Some(prefix) = vault else {
        let api = s.api();
        let pro = Professional::new(&api, &s.identity);
        let now = time::now();
        let grants = pro.grants().block_on()?;
        let confirmed = |id: &GrantId| s.state.check.confirmed.contains(id);
        let rows: Vec<_> = grants
            .iter()
            .map(|g| {
                let grant = &g.grant.grant;
                json!({
                    "vault": grant.vault.to_string(),
                    "grant": grant.id.to_string(),
                    "permissions": grant.permissions.as_slice(),
                    "active": g.is_active(now),
                    "revoked": g.revoked.is_some(),
                    "display_name": grant.display_name,
                    "check_code": check_code(g).ok().map(CheckCode::digits),
                    "confirmed": confirmed(&grant.id),
                })
            })
            .collect();
        ctx.emit(
            || {
                let t = ctx.t();
                if grants.is_empty() {
                    return t.get("read-shared-none");
                }
                let mut out = t.get("read-shared-title");
                for g in &grants {
                    let grant = &g.grant.grant;
                    let state = if g.revoked.is_some() {
                        "grant-state-revoked"
                    } else if g.is_active(now) {
                        "grant-state-active"
                    } else {
                        "grant-state-expired"
                    };
                    let mut code = check_code(g).map_or_else(|_| "?".to_owned(), |c| c.to_string());
                    if confirmed(&grant.id) {
                        code = format!("{code} ({})", t.get("grant-state-confirmed"));
                    }
                    out.push_str("\n  ");
                    out.push_str(&t.fmt(
                        "read-shared-line",
                        &[
                            ("vault", grant.vault.to_string().into()),
                            ("grant", short(&grant.id.to_string()).into()),
                            ("name", shown_name(t, grant.display_name.as_deref()).into()),
                            ("code", code.into()),
                            (
                                "parts",
                                super::grants::parts_text(t, grant.permissions.as_slice()).into(),
                            ),
                            ("state", t.get(state).into()),
                        ],
                    ));
                }
                out
            },
            json!({"grants": rows}),
        );
        return Ok(());
    };
    let vault = confirmed_vault(ctx, &mut s, prefix, yes)?;
    let api = s.api();
    let pro = Professional::new(&api, &s.identity);
    let owner = pro.vault_keys(vault).block_on()?;
    // An appender without any read part reads back what it wrote itself, and nothing else.
    let reads = pro.reads(vault, time::now()).block_on()?;
    let listing = if reads {
        pro.listing(vault).block_on()?
    } else {
        pro.own_items(vault).block_on()?
    };
    let t = ctx.t();
    super::owner::report_apart(t, &listing.apart);
    let items = listing.items;
    let me = s.identity.public();
    let reader = render::Reader {
        me: Some(&me),
        owner: &owner,
    };
    ctx.emit(
        || {
            let count = i64::try_from(items.len()).unwrap_or(i64::MAX);
            let mut out = t.fmt(
                "read-vault-title",
                &[
                    ("vault", short(&vault.to_string()).into()),
                    ("count", count.into()),
                ],
            );
            if !reads {
                out.push('\n');
                out.push_str(&t.get("read-own-only"));
            }
            for item in &items {
                out.push_str("\n\n");
                out.push_str(&render::item_text(t, ctx.q_lang(), reader, item));
            }
            out
        },
        json!({
            "schema": render::ITEMS_SCHEMA,
            "vault": vault.to_string(),
            "own_only": !reads,
            "items": items.iter().map(|i| render::item_value(reader, i)).collect::<Vec<_>>(),
            "apart": listing.apart.iter().map(super::owner::apart_json).collect::<Vec<_>>(),
        }),
    );
    Ok(())
}

pub fn append(ctx: &Ctx, a: AppendArgs) -> Result<(), CliError> {
    let (mut s, _) = open_pro(ctx)?;
    let vault = confirmed_vault(ctx, &mut s, &a.vault, a.yes)?;
    let api = s.api();
    let pro = Professional::new(&api, &s.identity);
    let given = |v: Option<String>| v.unwrap_or_default();
    let (scope, kind, body) = match a.kind {
        AppendKind::Intake => (
            Scope::Intake,
            ItemKind::IntakeNote,
            given(a.text).into_bytes(),
        ),
        AppendKind::Feedback => (
            Scope::Terugkoppeling,
            ItemKind::Feedback,
            given(a.text).into_bytes(),
        ),
        AppendKind::Referral => (
            Scope::Verwijzing,
            ItemKind::Referral,
            Letter::Referral(Referral {
                schema: letters::REFERRAL_SCHEMA.into(),
                to: given(a.to),
                reason: given(a.reason),
                question: given(a.question),
                agreed: given(a.agreed),
                contact: given(a.contact),
            })
            .to_body(),
        ),
        AppendKind::Activity => (
            Scope::Programmas,
            ItemKind::Activity,
            Letter::Activity(Activity {
                schema: letters::ACTIVITY_SCHEMA.into(),
                what: given(a.what),
                place: given(a.place),
                when: given(a.when),
                contact: given(a.contact),
            })
            .to_body(),
        ),
    };
    let id = pro.append(vault, scope, kind, body).block_on()?;
    let t = ctx.t();
    ctx.emit(
        || {
            t.fmt(
                "append-done",
                &[
                    ("item", short(&id.to_string()).into()),
                    ("kind", t.kind(kind.as_str()).into()),
                    ("vault", short(&vault.to_string()).into()),
                ],
            )
        },
        json!({"item": id.to_string(), "vault": vault.to_string(), "kind": kind.as_str(), "scope": scope.as_str()}),
    );
    Ok(())
}
