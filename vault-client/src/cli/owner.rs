//! Commands of the inwoner (and `init`/`recover` for everyone).

use std::collections::BTreeMap;
use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::Path;

use crypto::qr::TerminalBackground;
use crypto::{
    AccessDuration, GrantTerms, History, ItemKind, OpenedItem, Payload, Permissions, Profile, Qr,
    RecoveryCode, Role, RootSecret, Scope, SignedRequest,
};
use rand_core::OsRng;
use serde_json::json;
use vault_client::consent::{self, short};
use vault_client::{time, Api, NewItem, Owner, State, UreqTransport};

use super::args::{ExportArgs, GrantArgs, InitArgs, NoteCommand, RecoverArgs, ShareLinkArgs};
use super::{qr, resolve, CliError, Ctx, Session};

pub fn init(ctx: &Ctx, a: InitArgs) -> Result<(), CliError> {
    if ctx.home.exists() {
        return Err(vault_client::KeystoreError::Exists(ctx.home.dir().to_path_buf()).into());
    }
    let profile = match a.role {
        Role::Inwoner => None,
        role => Some(Profile {
            role,
            name: a.name.ok_or_else(|| need("--name"))?,
            organisation: a.org.ok_or_else(|| need("--org"))?,
        }),
    };
    let root = RootSecret::generate(&mut OsRng);
    let state = State::new(&root, profile.clone(), ctx.server());
    let passphrase = ctx.passphrase(true)?;
    let identity = state.identity();
    let transport = UreqTransport::new(&state.server);
    let api = vault_client::Api::new(&transport, &identity, &time::now);
    match &profile {
        None => Owner::new(&api, &identity).create()?,
        Some(p) => drop(api.enrol_party(Some(p))?),
    }
    ctx.home.create(&state, &passphrase)?;
    let code = RecoveryCode::from_root(&root);
    let grouped = code.expose_grouped();
    let qr_text = Payload::Recovery(code).to_text();
    let public = identity.public();
    ctx.emit(
        || {
            let picture = Qr::fit(&qr_text)
                .map(|q| q.to_terminal(TerminalBackground::Dark))
                .unwrap_or_default();
            format!(
                "Rugzak gemaakt / created ({role}).\n  id: {id}\n\n\
                 HERSTELCODE / RECOVERY CODE (wordt maar één keer getoond / shown only once;\n\
                 schrijf hem op en bewaar hem veilig / write it down and keep it safe):\n\n  {code}\n\n{picture}",
                role = a.role,
                id = public.party_id(),
                code = grouped.as_str(),
            )
        },
        json!({
            "role": a.role.as_str(),
            "party": public.party_id().to_string(),
            "vault": profile.is_none().then(|| public.vault_id().to_string()),
            "recovery_code": grouped.as_str(),
        }),
    );
    Ok(())
}

fn need(flag: &str) -> CliError {
    CliError::Usage(format!(
        "een professional heeft {flag} nodig / a professional needs {flag}"
    ))
}

pub fn recover(ctx: &Ctx, a: RecoverArgs) -> Result<(), CliError> {
    if ctx.home.exists() {
        return Err(vault_client::KeystoreError::Exists(ctx.home.dir().to_path_buf()).into());
    }
    let text = match a.code {
        Some(code) => code,
        None => prompt("Herstelcode / recovery code: ")?,
    };
    let code = match Payload::parse(&text) {
        Ok(Payload::Recovery(code)) => code,
        _ => RecoveryCode::parse(&text).map_err(|e| {
            CliError::Usage(format!(
                "dit is geen geldige herstelcode / not a valid recovery code: {e}; check every group"
            ))
        })?,
    };
    let root = code.root_secret();
    let mut state = State::new(&root, None, ctx.server());
    let identity = state.identity();
    let transport = UreqTransport::new(&state.server);
    let api = vault_client::Api::new(&transport, &identity, &time::now);
    let me = api.party(identity.public().party_id())?;
    state.profile = me.profile.filter(|p| p.role != Role::Inwoner);
    let count = if state.profile.is_none() {
        Owner::new(&api, &identity).items(&mut state)?.len()
    } else {
        0
    };
    let passphrase = ctx.passphrase(true)?;
    ctx.home.create(&state, &passphrase)?;
    ctx.emit(
        || format!("Hersteld / recovered: {} items.", count),
        json!({"party": identity.public().party_id().to_string(), "items": count}),
    );
    Ok(())
}

fn prompt(question: &str) -> Result<String, CliError> {
    let mut out = std::io::stderr();
    let _ = write!(out, "{question}");
    let _ = out.flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|source| CliError::Io {
            path: "stdin".into(),
            source,
        })?;
    Ok(line.trim().to_owned())
}

/// Opens the keystore and checks it holds a vault.
fn open_owner(ctx: &Ctx) -> Result<Session, CliError> {
    let session = ctx.open()?;
    if session.state.profile.is_some() {
        return Err(vault_client::VaultError::NotOwner.into());
    }
    Ok(session)
}

pub fn note(ctx: &Ctx, c: NoteCommand) -> Result<(), CliError> {
    match c {
        NoteCommand::Add { text } => {
            let ids = add(
                ctx,
                NewItem {
                    scope: Scope::Notities,
                    kind: ItemKind::Note,
                    body: text.into_bytes(),
                },
            )?;
            ctx.emit(
                || format!("Notitie bewaard / note saved: {}", ids),
                json!({"item": ids}),
            );
            Ok(())
        }
        NoteCommand::List => list(ctx, Some(ItemKind::Note)),
        NoteCommand::Show { item } => show(ctx, &item),
    }
}

/// Stores one item in my vault; returns its id.
pub fn add(ctx: &Ctx, item: NewItem) -> Result<String, CliError> {
    let s = open_owner(ctx)?;
    let api = Api::new(&s.transport, &s.identity, &time::now);
    let ids = Owner::new(&api, &s.identity).add(vec![item])?;
    ctx.save(&s)?;
    Ok(ids.first().map(ToString::to_string).unwrap_or_default())
}

pub fn opened(ctx: &Ctx) -> Result<(Session, Vec<OpenedItem>), CliError> {
    let mut s = open_owner(ctx)?;
    let items = {
        let api = Api::new(&s.transport, &s.identity, &time::now);
        let owner = Owner::new(&api, &s.identity);
        let result = owner.items(&mut s.state);
        result?
    };
    ctx.save(&s)?;
    Ok((s, items))
}

/// JSON of one opened item (body as text when it is UTF-8).
pub fn item_json(item: &OpenedItem) -> serde_json::Value {
    let e = &item.envelope;
    json!({
        "id": e.id.to_string(),
        "scope": e.scope.as_str(),
        "kind": e.kind.as_str(),
        "author": e.author.party_id().to_string(),
        "created": e.created,
        "body": String::from_utf8_lossy(&e.body),
    })
}

/// One table line of an item.
pub fn item_line(item: &OpenedItem, me: &crypto::PublicKeys) -> String {
    let e = &item.envelope;
    let author = if e.author == *me {
        "ik/me".to_owned()
    } else {
        short(&e.author.party_id().to_string())
    };
    let preview: String = String::from_utf8_lossy(&e.body).chars().take(50).collect();
    format!(
        "{}  {}  {:<14} {:<22} {:<8}  {}",
        short(&e.id.to_string()),
        time::format_time(e.created),
        e.scope.as_str(),
        e.kind.as_str(),
        author,
        preview.replace('\n', " ")
    )
}

pub fn list(ctx: &Ctx, kind: Option<ItemKind>) -> Result<(), CliError> {
    let (s, items) = opened(ctx)?;
    let items: Vec<&OpenedItem> = items
        .iter()
        .filter(|i| kind.is_none_or(|k| i.envelope.kind == k))
        .collect();
    let me = s.identity.public();
    ctx.emit(
        || {
            let mut out = format!("{} items (alle geverifieerd / all verified)\n", items.len());
            for item in &items {
                out.push_str(&item_line(item, &me));
                out.push('\n');
            }
            out
        },
        json!({"items": items.iter().map(|i| item_json(i)).collect::<Vec<_>>()}),
    );
    Ok(())
}

pub fn show(ctx: &Ctx, prefix: &str) -> Result<(), CliError> {
    let (_, items) = opened(ctx)?;
    let id = resolve("item", prefix, items.iter().map(|i| i.envelope.id))?;
    let Some(item) = items.iter().find(|i| i.envelope.id == id) else {
        return Err(CliError::Usage(format!("no item {prefix}")));
    };
    let e = &item.envelope;
    ctx.emit(
        || {
            format!(
                "id:      {}\nscope:   {}\nsoort/kind: {}\nauteur/author: {}\ntijd/time: {}\n\n{}",
                e.id,
                e.scope,
                e.kind,
                e.author.party_id(),
                time::format_time(e.created),
                String::from_utf8_lossy(&e.body)
            )
        },
        item_json(item),
    );
    Ok(())
}

/// Reads the request from a QR image or text, fetching it when the QR is a reference.
fn read_request(s: &Session, a: &GrantArgs) -> Result<SignedRequest, CliError> {
    let text = match (&a.image, &a.text) {
        (Some(path), _) => qr::decode_image(path)?,
        (None, Some(text)) => text.clone(),
        (None, None) => {
            return Err(CliError::Usage(
                "geef --image BESTAND of --text RZ:... / give --image FILE or --text RZ:...".into(),
            ))
        }
    };
    let payload = Payload::parse(&text).map_err(|e| {
        CliError::Qr(format!(
            "dit is geen toegangsverzoek van Rugzak / not a Rugzak access request: {e}; scan the code again"
        ))
    })?;
    match payload {
        Payload::Request(request) => Ok(request),
        Payload::RequestRef(reference) => {
            let fetched = s.api().request(reference.nonce)?;
            reference.pin(&fetched).map_err(|e| CliError::Qr(e.to_string()))?;
            Ok(fetched)
        }
        Payload::Recovery(_) => Err(CliError::Qr(
            "dit is een herstelcode, geen verzoek / this is a recovery code, not a request; use `rugzak recover`".into(),
        )),
    }
}

fn describe_duration(d: AccessDuration) -> String {
    match d {
        AccessDuration::Days(n) => format!("{n} dagen / days"),
        AccessDuration::Lifelong => "levenslang (tot intrekken) / lifelong (until revoked)".into(),
    }
}

fn describe_permissions(p: &Permissions) -> String {
    p.as_slice()
        .iter()
        .map(|p| format!("{} ({})", p.scope, p.mode))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn grant(ctx: &Ctx, a: GrantArgs) -> Result<(), CliError> {
    let mut s = open_owner(ctx)?;
    let request = read_request(&s, &a)?;
    let verified = request
        .verify(time::now())
        .map_err(vault_client::VaultError::from)?;
    let asked = verified.request();
    let mut terms = GrantTerms::as_requested(asked);
    if !a.scopes.is_empty() {
        let narrowed = asked
            .permissions
            .as_slice()
            .iter()
            .copied()
            .filter(|p| a.scopes.contains(&p.scope));
        terms.permissions = Permissions::new(narrowed).map_err(|_| {
            CliError::Usage(
                "geen van deze scopes is gevraagd / none of these scopes was asked for".into(),
            )
        })?;
    }
    if let Some(days) = a.days {
        terms.duration = AccessDuration::Days(days);
    } else if a.lifelong {
        terms.duration = AccessDuration::Lifelong;
    }
    if a.from_now {
        terms.history = History::FromNow;
    }
    let who = &asked.profile;
    let summary = format!(
        "{} ({}, {}) vraagt / asks: {}\nvoor / for: {}\ngeschiedenis / history: {}",
        who.name,
        who.role,
        who.organisation,
        describe_permissions(&terms.permissions),
        describe_duration(terms.duration),
        match terms.history {
            History::Included => "ook eerdere items / including earlier items",
            History::FromNow => "alleen nieuwe items / only new items",
        }
    );
    if !a.yes {
        if !std::io::stdin().is_terminal() {
            return Err(CliError::Usage(format!(
                "{summary}\nbevestig met --yes / confirm with --yes (no terminal to ask)"
            )));
        }
        eprintln!("{summary}");
        let answer = prompt("Toestemming geven? / Grant access? [j/N] ")?;
        if !matches!(answer.to_lowercase().as_str(), "j" | "ja" | "y" | "yes") {
            return Err(CliError::Usage(
                "geen toestemming gegeven / nothing granted".into(),
            ));
        }
    }
    let signed = {
        let api = Api::new(&s.transport, &s.identity, &time::now);
        let owner = Owner::new(&api, &s.identity);
        let result = owner.grant(&mut s.state, &request, terms);
        result?
    };
    ctx.save(&s)?;
    let g = &signed.grant;
    ctx.emit(
        || format!("Toestemming gegeven / granted: {}\n{summary}", g.id),
        json!({
            "grant": g.id.to_string(),
            "grantee": g.grantee.party_id().to_string(),
            "permissions": g.permissions.as_slice(),
            "expiry": g.expiry,
        }),
    );
    Ok(())
}

pub fn grants(ctx: &Ctx) -> Result<(), CliError> {
    let s = open_owner(ctx)?;
    let api = Api::new(&s.transport, &s.identity, &time::now);
    let list = Owner::new(&api, &s.identity).grants()?;
    let now = time::now();
    let rows: Vec<serde_json::Value> = list
        .iter()
        .map(|g| {
            let grant = &g.grant.grant;
            let status = if g.revoked.is_some() {
                "ingetrokken/revoked"
            } else if vault_client::vault::is_active(g, now) {
                "actief/active"
            } else {
                "verlopen/expired"
            };
            json!({
                "grant": grant.id.to_string(),
                "name": grant.profile.name,
                "role": grant.profile.role.as_str(),
                "organisation": grant.profile.organisation,
                "permissions": describe_permissions(&grant.permissions),
                "expires": match grant.expiry {
                    crypto::Expiry::At(t) => time::format_time(t),
                    crypto::Expiry::Lifelong => "levenslang/lifelong".to_owned(),
                },
                "uses": g.uses,
                "status": status,
            })
        })
        .collect();
    ctx.emit(
        || {
            let mut out = String::from(
                "toestemming  wie/who  rol/role  scopes  tot/expires  gebruikt/uses  status\n",
            );
            for r in &rows {
                out.push_str(&format!(
                    "{}  {}  {}  {}  {}  {}  {}\n",
                    short(r["grant"].as_str().unwrap_or_default()),
                    r["name"].as_str().unwrap_or_default(),
                    r["role"].as_str().unwrap_or_default(),
                    r["permissions"].as_str().unwrap_or_default(),
                    r["expires"].as_str().unwrap_or_default(),
                    r["uses"],
                    r["status"].as_str().unwrap_or_default(),
                ));
            }
            out
        },
        json!({"grants": rows}),
    );
    Ok(())
}

pub fn revoke(ctx: &Ctx, prefix: &str) -> Result<(), CliError> {
    let mut s = open_owner(ctx)?;
    let already = {
        let api = Api::new(&s.transport, &s.identity, &time::now);
        let owner = Owner::new(&api, &s.identity);
        let ids: Vec<_> = owner.grants()?.iter().map(|g| g.grant.grant.id).collect();
        let id = resolve("toestemming/grant", prefix, ids)?;
        let result = owner.revoke(&mut s.state, id).map(|a| (id, a));
        result?
    };
    ctx.save(&s)?;
    ctx.emit(
        || {
            format!(
                "Toestemming {} ingetrokken; sleutels vernieuwd / grant revoked; scope keys rotated{}",
                already.0,
                if already.1 { " (was al ingetrokken / already revoked)" } else { "" }
            )
        },
        json!({"grant": already.0.to_string(), "already_revoked": already.1}),
    );
    Ok(())
}

pub fn log(ctx: &Ctx, from: Option<&str>, to: Option<&str>) -> Result<(), CliError> {
    let date = |d: Option<&str>| -> Result<Option<i64>, CliError> {
        d.map(|text| {
            time::parse_date(text).ok_or_else(|| {
                CliError::Usage(format!(
                    "ongeldige datum {text} / invalid date {text}: use YYYY-MM-DD"
                ))
            })
        })
        .transpose()
    };
    let (from, to) = (date(from)?, date(to)?);
    let mut s = open_owner(ctx)?;
    let (entries, names) = {
        let api = Api::new(&s.transport, &s.identity, &time::now);
        let result = consent::fetch_verified(&api, &s.identity, &mut s.state);
        let entries = result?;
        let mut names = BTreeMap::new();
        for e in &entries {
            if let crypto::log::Actor::Party { id, role } = e.entry.event.actor {
                if role == Role::Inwoner || names.contains_key(&id) {
                    continue;
                }
                if let Ok(info) = api.party(id) {
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
            let mut out = format!(
                "Log geverifieerd (keten, handtekeningen, geen terugdraaiing) / log verified (chain, signatures, no rollback): {} entries\n\
                 {:<4} {:<16} {:<18} {:<2} {:<32} {:<14} {:<30} {:<10} {}\n",
                entries.len(), "seq", "tijd/time", "gebeurtenis/event", "A", "gebruiker/user", "rol/role", "object", "toestemming", "uitkomst/outcome"
            );
            for r in &rows {
                out.push_str(&format!(
                    "{:<4} {:<16} {:<18} {:<2} {:<32} {:<14} {:<30} {:<10} {}\n",
                    r.seq, r.time, r.event, r.action, r.user, r.role, r.object,
                    r.grant.clone().unwrap_or_default(), r.outcome
                ));
            }
            out
        },
        json!({"verified": true, "head": s.state.log_head, "entries": rows}),
    );
    Ok(())
}

pub fn export(ctx: &Ctx, a: ExportArgs) -> Result<(), CliError> {
    let (s, items) = opened(ctx)?;
    let bytes = if a.fhir {
        serde_json::to_vec_pretty(&fhir_bundle(&items))
    } else {
        serde_json::to_vec_pretty(&json!({
            "vault": s.identity.public().vault_id().to_string(),
            "items": items.iter().map(item_json).collect::<Vec<_>>(),
        }))
    }
    .map_err(|_| CliError::Usage("internal error: export encoding".into()))?;
    let out = if a.fhir {
        bytes
    } else {
        let recipient = s.identity.public().age_recipient();
        age::encrypt(&recipient, &bytes)
            .map_err(|_| CliError::Usage("internal error: age encryption".into()))?
    };
    vault_client::keystore::write_private(&a.out, &out)?;
    ctx.emit(
        || {
            format!(
                "{} items geëxporteerd naar / exported to {}{}",
                items.len(),
                a.out.display(),
                if a.fhir {
                    ""
                } else {
                    "\nopenen / open with: rage -d -i IDENTITY-FILE (see `rugzak export-identity`)"
                }
            )
        },
        json!({"items": items.len(), "out": a.out, "fhir": a.fhir}),
    );
    Ok(())
}

/// A FHIR R4 `Bundle` (collection): stored FHIR resources as they are, other items as
/// `DocumentReference`s with the text as attachment.
fn fhir_bundle(items: &[OpenedItem]) -> serde_json::Value {
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
                    "date": rfc3339(e.created),
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

/// RFC 3339 date-time of `t`.
fn rfc3339(t: i64) -> String {
    let text = time::format_time(t);
    format!("{}:00Z", text.replacen(' ', "T", 1))
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

pub fn export_identity(ctx: &Ctx, out: &Path) -> Result<(), CliError> {
    let s = open_owner(ctx)?;
    let identity = s.identity.age_identity();
    let secret = age::secrecy::ExposeSecret::expose_secret(&identity.to_string()).to_owned();
    let text = zeroize::Zeroizing::new(format!(
        "# Rugzak export identity: keep it secret\n# public key: {}\n{secret}\n",
        identity.to_public()
    ));
    vault_client::keystore::write_private(out, text.as_bytes())?;
    ctx.emit(
        || {
            format!(
                "Sleutelbestand geschreven / identity file written: {}",
                out.display()
            )
        },
        json!({"out": out}),
    );
    Ok(())
}

pub fn share_link(ctx: &Ctx, a: ShareLinkArgs) -> Result<(), CliError> {
    let mut s = open_owner(ctx)?;
    let options = crypto::LinkOptions {
        expires: time::now().saturating_add(i64::from(a.days) * 86_400),
        passcode_required: a.passcode.is_some(),
        max_uses: a.max_uses,
        label: a.label,
    };
    let link = {
        let api = Api::new(&s.transport, &s.identity, &time::now);
        Owner::new(&api, &s.identity).share_link(
            &mut s.state,
            &a.scopes,
            options,
            a.passcode.as_deref(),
        )?
    };
    ctx.save(&s)?;
    let url = link.url(&s.state.server);
    ctx.emit(
        || {
            format!(
                "Deellink / share link (geldig tot / valid until {}):\n{}\n\n{}\nIntrekken / revoke: rugzak share-link revoke {}",
                time::format_time(link.expires()),
                url.as_str(),
                super::qr::terminal(&url),
                link.id()
            )
        },
        json!({"url": url.as_str(), "link": link.id().to_string(), "expires": link.expires()}),
    );
    Ok(())
}

pub fn revoke_link(ctx: &Ctx, link: &str) -> Result<(), CliError> {
    let id = link_id(link)?;
    let mut s = open_owner(ctx)?;
    {
        let api = Api::new(&s.transport, &s.identity, &time::now);
        let result = Owner::new(&api, &s.identity).revoke_link(&mut s.state, id);
        result?;
    }
    ctx.save(&s)?;
    ctx.emit(
        || {
            format!(
                "Deellink {id} ingetrokken; dit staat in je log / share link revoked; recorded in your log"
            )
        },
        json!({"link": id.to_string(), "revoked": true}),
    );
    Ok(())
}

/// A link id as `share-link` prints it, or the whole link (which holds the id).
fn link_id(text: &str) -> Result<crypto::LinkId, CliError> {
    if let Ok(id) = text.parse() {
        return Ok(id);
    }
    crypto::ShareLink::parse_url(text)
        .map(|parsed| parsed.link.id())
        .map_err(|_| {
            CliError::Usage(
                "dit is geen deellink of link-id / not a share link or link id; use the id printed by `rugzak share-link`"
                    .to_owned(),
            )
        })
}

pub fn open_link(ctx: &Ctx, url: &str, passcode: Option<&str>) -> Result<(), CliError> {
    let parsed = crypto::ShareLink::parse_url(url).map_err(|e| {
        CliError::Usage(format!(
            "dit is geen Rugzak-deellink / not a Rugzak share link: {e}"
        ))
    })?;
    let transport = UreqTransport::new(&parsed.server);
    let sealed =
        vault_client::api::open_link(&transport, parsed.link.id(), "rugzak-cli", passcode)?;
    let selection = parsed.link.open(&sealed).map_err(|e| {
        CliError::Usage(format!(
            "de gedeelde inhoud klopt niet / the shared content does not verify: {e}"
        ))
    })?;
    let owner = selection.owner;
    ctx.emit(
        || {
            let mut out = format!(
                "{}: {} items van / from rugzak {} (geverifieerd / verified)\n",
                parsed.link.label(),
                selection.items.len(),
                owner.vault_id()
            );
            for item in &selection.items {
                out.push_str(&item_line(item, &owner));
                out.push('\n');
            }
            out
        },
        json!({
            "label": parsed.link.label(),
            "vault": owner.vault_id().to_string(),
            "items": selection.items.iter().map(item_json).collect::<Vec<_>>(),
        }),
    );
    Ok(())
}
