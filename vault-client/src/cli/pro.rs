//! Commands of professionals: request, wait, read, append.

use std::time::{Duration, Instant};

use crypto::{AccessDuration, ItemKind, Nonce, Payload, Permission, Permissions, Scope, VaultId};
use serde_json::json;
use vault_client::consent::short;
use vault_client::{time, Professional};

use super::args::{AppendArgs, AppendKind, RequestArgs};
use super::owner::{item_json, item_line};
use super::{qr, resolve, CliError, Ctx, Session};

/// Opens the keystore and checks it holds a professional.
fn open_pro(ctx: &Ctx) -> Result<(Session, crypto::Profile), CliError> {
    let session = ctx.open()?;
    let profile = session.state.profile.clone().ok_or_else(|| {
        CliError::Usage(
            "dit is de rugzak van een inwoner, geen professional / this home holds a vault, not a professional key (init with --role)".into(),
        )
    })?;
    Ok((session, profile))
}

pub fn request(ctx: &Ctx, a: RequestArgs) -> Result<(), CliError> {
    let (s, profile) = open_pro(ctx)?;
    let permissions = Permissions::new(a.scopes.iter().flat_map(|scope| {
        a.modes.iter().map(|mode| Permission {
            scope: *scope,
            mode: *mode,
        })
    }))
    .map_err(|e| CliError::Usage(format!("ongeldige scopes / invalid scopes: {e}")))?;
    let duration = match (a.days, a.lifelong) {
        (Some(days), _) => AccessDuration::Days(days),
        (None, true) => AccessDuration::Lifelong,
        (None, false) => {
            return Err(CliError::Usage(
                "kies --days N of --lifelong / choose --days N or --lifelong".into(),
            ))
        }
    };
    let api = s.api();
    let (signed, reference) =
        Professional::new(&api, &s.identity).request(profile, permissions, duration)?;
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
                "Verzoek geplaatst / request posted. Laat de inwoner deze code scannen / let the inwoner scan this code\n\
                 (geldig 15 minuten / valid 15 minutes):\n\n{}\n{}\n\nPNG: {}\nSVG: {}\nreferentie / reference: {nonce}\n\
                 wachten / wait: rugzak wait {nonce}",
                qr::terminal(&text),
                text.as_str(),
                png.display(),
                svg.display()
            )
        },
        json!({"reference": nonce, "qr_text": text.as_str(), "png": png, "svg": svg}),
    );
    if a.wait {
        wait_for(ctx, &s, signed.request.nonce, 900)?;
    }
    Ok(())
}

pub fn wait(ctx: &Ctx, reference: &str, timeout: u64) -> Result<(), CliError> {
    let (s, _) = open_pro(ctx)?;
    let nonce: Nonce = reference.trim().parse().map_err(|_| {
        CliError::Usage(format!(
            "ongeldige referentie / invalid reference: {reference}"
        ))
    })?;
    wait_for(ctx, &s, nonce, timeout)
}

fn wait_for(ctx: &Ctx, s: &Session, nonce: Nonce, timeout: u64) -> Result<(), CliError> {
    let api = s.api();
    let pro = Professional::new(&api, &s.identity);
    let spinner = indicatif::ProgressBar::new_spinner();
    if ctx.json {
        spinner.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    spinner.set_message("wachten op toestemming / waiting for the inwoner to grant ...");
    spinner.enable_steady_tick(Duration::from_millis(120));
    let start = Instant::now();
    let found = loop {
        if let Some(g) = pro.grant_for(nonce)? {
            break g;
        }
        if start.elapsed() > Duration::from_secs(timeout) {
            spinner.finish_and_clear();
            return Err(CliError::Usage(
                "nog geen toestemming; het verzoek is misschien verlopen / no grant yet; the request may have expired: make a new one".into(),
            ));
        }
        std::thread::sleep(Duration::from_secs(1));
    };
    spinner.finish_and_clear();
    let g = &found.grant.grant;
    ctx.emit(
        || {
            format!(
                "Toestemming ontvangen / granted: {} voor rugzak / for vault {}",
                g.id, g.vault
            )
        },
        json!({"grant": g.id.to_string(), "vault": g.vault.to_string()}),
    );
    Ok(())
}

fn resolve_vault(pro: &Professional<'_>, prefix: &str) -> Result<VaultId, CliError> {
    let mut vaults: Vec<VaultId> = pro.grants()?.iter().map(|g| g.grant.grant.vault).collect();
    vaults.sort_by_key(ToString::to_string);
    vaults.dedup();
    resolve("rugzak/vault", prefix, vaults)
}

pub fn read(ctx: &Ctx, vault: Option<&str>) -> Result<(), CliError> {
    let (s, _) = open_pro(ctx)?;
    let api = s.api();
    let pro = Professional::new(&api, &s.identity);
    let Some(prefix) = vault else {
        let now = time::now();
        let grants = pro.grants()?;
        let rows: Vec<_> = grants
            .iter()
            .map(|g| {
                let grant = &g.grant.grant;
                json!({
                    "vault": grant.vault.to_string(),
                    "grant": grant.id.to_string(),
                    "permissions": grant.permissions.as_slice(),
                    "active": vault_client::vault::is_active(g, now),
                    "revoked": g.revoked.is_some(),
                })
            })
            .collect();
        ctx.emit(
            || {
                let mut out = String::from("Met mij gedeeld / shared with me:\n");
                for g in &grants {
                    let grant = &g.grant.grant;
                    out.push_str(&format!(
                        "  rugzak/vault {}  toestemming/grant {}  {}  {}\n",
                        grant.vault,
                        short(&grant.id.to_string()),
                        grant
                            .permissions
                            .as_slice()
                            .iter()
                            .map(|p| format!("{}:{}", p.scope, p.mode))
                            .collect::<Vec<_>>()
                            .join(","),
                        if g.revoked.is_some() {
                            "ingetrokken/revoked"
                        } else if vault_client::vault::is_active(g, now) {
                            "actief/active"
                        } else {
                            "verlopen/expired"
                        }
                    ));
                }
                out
            },
            json!({"grants": rows}),
        );
        return Ok(());
    };
    let vault = resolve_vault(&pro, prefix)?;
    let items = pro.read(vault)?;
    let catalog = questionnaires::Catalog::builtin().ok();
    let scores: Vec<String> = items
        .iter()
        .filter(|i| i.envelope.kind == ItemKind::Observation)
        .filter_map(|i| {
            let sheet = catalog.as_ref()?.read_observation(&i.envelope.body).ok()?;
            Some(sheet.summary(questionnaires::Lang::Nl))
        })
        .collect();
    let me = s.identity.public();
    ctx.emit(
        || {
            let mut out = format!(
                "Rugzak {vault}: {} items (ontsleuteld en geverifieerd / decrypted and verified)\n",
                items.len()
            );
            for item in &items {
                out.push_str(&item_line(item, &me));
                out.push('\n');
            }
            for score in &scores {
                out.push_str(&format!("score: {score}\n"));
            }
            out
        },
        json!({"vault": vault.to_string(), "items": items.iter().map(item_json).collect::<Vec<_>>(), "scores": scores}),
    );
    Ok(())
}

pub fn append(ctx: &Ctx, a: AppendArgs) -> Result<(), CliError> {
    let (s, _) = open_pro(ctx)?;
    let api = s.api();
    let pro = Professional::new(&api, &s.identity);
    let vault = resolve_vault(&pro, &a.vault)?;
    let (scope, kind) = match a.kind {
        AppendKind::Intake => (Scope::Intake, ItemKind::IntakeNote),
        AppendKind::Feedback => (Scope::Terugkoppeling, ItemKind::Feedback),
    };
    let id = pro.append(vault, scope, kind, a.text.into_bytes())?;
    ctx.emit(
        || format!("Toegevoegd / appended: {id} ({kind}) aan rugzak / to vault {vault}"),
        json!({"item": id.to_string(), "vault": vault.to_string(), "kind": kind.as_str()}),
    );
    Ok(())
}
