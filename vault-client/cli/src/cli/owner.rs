//! Commands of the inwoner (and `init`/`recover` for everyone).

use pollster::FutureExt as _;
use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::Path;

use crypto::qr::TerminalBackground;
use crypto::{
    AccessDuration, GrantTerms, History, ItemKind, OpenedItem, Payload, Permissions, Profile, Qr,
    RecoveryCode, Role, RootSecret, Scope, SignedRequest,
};
use rand_core::OsRng;
use serde_json::json;
use vault_client::consent::short;
use vault_client::vault::{Apart, Listing};
use vault_client::{Api, NewItem, Owner, State};

use crate::time;
use crate::ureq_transport::UreqTransport;

use super::args::{
    ActiviteitCommand, ExportArgs, GrantArgs, InitArgs, NoteCommand, RecoverArgs, ShareLinkArgs,
};
use super::{qr, render, resolve, CliError, Ctx, Session};

pub fn init(ctx: &Ctx, a: InitArgs) -> Result<(), CliError> {
    if ctx.home.exists() {
        return Err(crate::keystore::KeystoreError::Exists(ctx.home.dir().to_path_buf()).into());
    }
    let server = ctx.server()?;
    let (profile, display_name) = match a.role {
        Role::Inwoner => (
            None,
            a.name
                .map(|n| checked_display_name(ctx.t(), n))
                .transpose()?,
        ),
        role => (
            Some(Profile {
                role,
                name: a.name.ok_or_else(|| need(ctx.t(), "--name"))?,
                organisation: a.org.ok_or_else(|| need(ctx.t(), "--org"))?,
            }),
            None,
        ),
    };
    let root = RootSecret::generate(&mut OsRng);
    let state = State::new(&root, profile.clone(), server);
    let passphrase = ctx.passphrase(true)?;
    let mut state = state;
    state.check.display_name.clone_from(&display_name);
    let identity = state.identity();
    let transport = UreqTransport::new(&state.server);
    let api = vault_client::Api::new(&transport, &identity, &time::now);
    match &profile {
        None => Owner::new(&api, &identity).create(&mut state).block_on()?,
        Some(p) => drop(api.enrol_party(Some(p)).block_on()?),
    }
    ctx.home.create(&state, &passphrase)?;
    let code = RecoveryCode::from_root(&root);
    let grouped = code.expose_grouped();
    let qr_text = Payload::Recovery(code).to_text();
    let public = identity.public();
    let t = ctx.t();
    ctx.emit(
        || {
            let picture = Qr::fit(&qr_text)
                .map(|q| q.to_terminal(TerminalBackground::Dark))
                .unwrap_or_default();
            let mut out = if profile.is_none() {
                t.get("init-created-vault")
            } else {
                t.fmt(
                    "init-created-professional",
                    &[("role", t.role(a.role.as_str()).into())],
                )
            };
            out.push('\n');
            out.push_str(&t.fmt("init-id", &[("id", public.party_id().to_string().into())]));
            if let Some(name) = display_name.as_deref() {
                out.push('\n');
                out.push_str(&t.fmt("init-display-name", &[("name", name.into())]));
            }
            format!(
                "{out}\n\n{}\n{}\n\n  {}\n\n{picture}",
                t.get("init-recovery-code-title"),
                t.get("init-recovery-code-hint"),
                grouped.as_str(),
            )
        },
        json!({
            "role": a.role.as_str(),
            "party": public.party_id().to_string(),
            "vault": profile.is_none().then(|| public.vault_id().to_string()),
            "display_name": display_name,
            "recovery_code": grouped.as_str(),
        }),
    );
    Ok(())
}

/// An inwoner's display name, held to the rules of a name in a grant.
fn checked_display_name(t: &rugzak_i18n::Texts, name: String) -> Result<String, CliError> {
    crypto::request::check_display_name(&name).map_err(|e| {
        CliError::Usage(t.fmt("init-bad-display-name", &[("reason", e.to_string().into())]))
    })?;
    Ok(name)
}

fn need(t: &rugzak_i18n::Texts, flag: &str) -> CliError {
    CliError::Usage(t.fmt("init-needs-flag", &[("flag", flag.into())]))
}

pub fn recover(ctx: &Ctx, a: RecoverArgs) -> Result<(), CliError> {
    if ctx.home.exists() {
        return Err(crate::keystore::KeystoreError::Exists(ctx.home.dir().to_path_buf()).into());
    }
    let text = match a.code {
        Some(code) => code,
        None => prompt(&ctx.t().get("recover-prompt-code"))?,
    };
    let code = match Payload::parse(&text) {
        Ok(Payload::Recovery(code)) => code,
        _ => RecoveryCode::parse(&text).map_err(|e| {
            CliError::Usage(
                ctx.t()
                    .fmt("recover-bad-code", &[("reason", e.to_string().into())]),
            )
        })?,
    };
    let root = code.root_secret();
    let mut state = State::new(&root, None, ctx.server()?);
    let identity = state.identity();
    let transport = UreqTransport::new(&state.server);
    let api = vault_client::Api::new(&transport, &identity, &time::now);
    let me = api.party(identity.public().party_id()).block_on()?;
    state.profile = me.profile.filter(|p| p.role != Role::Inwoner);
    let count = if state.profile.is_none() {
        let owner = Owner::new(&api, &identity);
        let count = owner.items(&mut state).block_on()?.len();
        confirm_after_recovery(ctx.t(), &owner, &mut state, a.yes)?;
        count
    } else {
        0
    };
    let passphrase = ctx.passphrase(true)?;
    ctx.home.create(&state, &passphrase)?;
    super::print_notices(ctx.t(), &state);
    ctx.emit(
        || ctx.t().fmt("recover-done", &[("count", count.into())]),
        json!({"party": identity.public().party_id().to_string(), "items": count}),
    );
    Ok(())
}

/// After a recovery: the grants in force that the log names get the new keys only once the
/// inwoner confirms them (the log as this server shows it may lack a later revoke). Asks on
/// a terminal, or takes `--yes`; otherwise leaves them for `rugzak grants --confirm`.
fn confirm_after_recovery(
    t: &rugzak_i18n::Texts,
    owner: &Owner<'_>,
    state: &mut State,
    yes: bool,
) -> Result<(), CliError> {
    let waiting: Vec<(crypto::GrantId, String)> = owner
        .unconfirmed(state)
        .iter()
        .map(|g| {
            let grant = &g.grant.grant;
            let line = t.fmt(
                "recover-grant-line",
                &[
                    ("name", grant.profile.name.as_str().into()),
                    ("role", t.role(grant.profile.role.as_str()).into()),
                    ("organisation", grant.profile.organisation.as_str().into()),
                    (
                        "parts",
                        super::grants::parts_text(t, grant.permissions.as_slice()).into(),
                    ),
                ],
            );
            (grant.id, format!("  {line}"))
        })
        .collect();
    if waiting.is_empty() {
        return Ok(());
    }
    let list: Vec<&str> = waiting.iter().map(|(_, line)| line.as_str()).collect();
    eprintln!(
        "{}\n{}",
        t.get("recover-grants-still-hold"),
        list.join("\n")
    );
    let agreed = yes
        || (std::io::stdin().is_terminal()
            && rugzak_i18n::is_yes(&prompt(&t.get("recover-confirm-prompt"))?));
    if agreed {
        let ids: Vec<_> = waiting.iter().map(|(id, _)| *id).collect();
        owner.confirm(state, &ids).block_on()?;
    } else {
        eprintln!("\n{}", t.get("grant-list-unconfirmed-hint"));
    }
    Ok(())
}

pub fn prompt(question: &str) -> Result<String, CliError> {
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
pub(super) fn open_owner(ctx: &Ctx) -> Result<Session, CliError> {
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
                || ctx.t().fmt("note-saved", &[("id", ids.as_str().into())]),
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
    let mut s = open_owner(ctx)?;
    let api = Api::new(&s.transport, &s.identity, &time::now);
    let result = Owner::new(&api, &s.identity)
        .add(&mut s.state, vec![item])
        .block_on();
    let ids = ctx.saved(&s, result)?;
    Ok(ids.first().map(ToString::to_string).unwrap_or_default())
}

pub fn opened(ctx: &Ctx) -> Result<(Session, Vec<OpenedItem>), CliError> {
    let (s, listing) = listed(ctx)?;
    Ok((s, listing.items))
}

/// Every item of my vault: the verified ones, and the ones apart (named on stderr).
pub fn listed(ctx: &Ctx) -> Result<(Session, Listing), CliError> {
    let mut s = open_owner(ctx)?;
    let result = {
        let api = Api::new(&s.transport, &s.identity, &time::now);
        let owner = Owner::new(&api, &s.identity);
        owner.listing(&mut s.state).block_on()
    };
    let listing = ctx.saved(&s, result)?;
    report_apart(ctx.t(), &listing.apart);
    Ok((s, listing))
}

/// One item that cannot be opened, or whose author had no consent, never hides the others:
/// it is named apart, with why (stderr, so that the listing itself stays as it was).
pub fn report_apart(t: &rugzak_i18n::Texts, apart: &[Apart]) {
    for item in apart {
        let reason = match item.reason {
            vault_client::vault::ApartReason::Unreadable(_) => t.get("items-apart-unreadable"),
            vault_client::vault::ApartReason::Unentitled(_) => t.get("items-apart-unentitled"),
        };
        let line = t.fmt(
            "items-apart-line",
            &[
                ("id", short(&item.id.to_string()).into()),
                ("scope", t.scope_inline(item.scope.as_str()).into()),
                ("reason", reason.into()),
            ],
        );
        eprintln!("{line} [{}]", item.reason.code());
    }
}

/// JSON of an item kept apart.
pub fn apart_json(item: &Apart) -> serde_json::Value {
    json!({
        "id": item.id.to_string(),
        "scope": item.scope.as_str(),
        "code": item.reason.code(),
        "reason": item.reason.to_string(),
    })
}

/// The inwoner's items (of one kind, or all), each in full, with the items kept apart named
/// on stderr.
pub fn list(ctx: &Ctx, kind: Option<ItemKind>) -> Result<(), CliError> {
    let (s, listing) = listed(ctx)?;
    let items: Vec<&OpenedItem> = listing
        .items
        .iter()
        .filter(|i| kind.is_none_or(|k| i.envelope.kind == k))
        .collect();
    let me = s.identity.public();
    let reader = render::Reader {
        me: Some(&me),
        owner: &me,
    };
    let t = ctx.t();
    ctx.emit(
        || {
            let count = i64::try_from(items.len()).unwrap_or(i64::MAX);
            let apart = i64::try_from(listing.apart.len()).unwrap_or(i64::MAX);
            let mut out = if listing.apart.is_empty() {
                t.fmt("items-all-ok", &[("count", count.into())])
            } else {
                t.fmt(
                    "items-some-apart",
                    &[("count", count.into()), ("apart", apart.into())],
                )
            };
            for item in &items {
                out.push_str("\n\n");
                out.push_str(&render::item_text(t, ctx.q_lang(), reader, item));
            }
            out
        },
        json!({
            "schema": render::ITEMS_SCHEMA,
            "items": items.iter().map(|i| render::item_value(reader, i)).collect::<Vec<_>>(),
            "apart": listing.apart.iter().map(apart_json).collect::<Vec<_>>(),
        }),
    );
    Ok(())
}

pub fn show(ctx: &Ctx, prefix: &str) -> Result<(), CliError> {
    let (s, items) = opened(ctx)?;
    let id = resolve(ctx.t(), "item", prefix, items.iter().map(|i| i.envelope.id))?;
    let Some(item) = items.iter().find(|i| i.envelope.id == id) else {
        return Err(CliError::Usage(
            ctx.t().fmt("item-not-found", &[("prefix", prefix.into())]),
        ));
    };
    let me = s.identity.public();
    let reader = render::Reader {
        me: Some(&me),
        owner: &me,
    };
    ctx.emit(
        || render::item_text(ctx.t(), ctx.q_lang(), reader, item),
        json!({"schema": render::ITEMS_SCHEMA, "item": render::item_value(reader, item)}),
    );
    Ok(())
}

/// Reads the request from a QR image or text, fetching it when the QR is a reference.
fn read_request(
    t: &rugzak_i18n::Texts,
    s: &Session,
    a: &GrantArgs,
) -> Result<SignedRequest, CliError> {
    let text = match (&a.image, &a.text) {
        (Some(path), _) => qr::decode_image(path)?,
        (None, Some(text)) => text.clone(),
        (None, None) => return Err(CliError::Usage(t.get("grant-give-image-or-text"))),
    };
    let not_a_request =
        |reason: String| CliError::Qr(t.fmt("grant-not-a-request", &[("reason", reason.into())]));
    let payload = Payload::parse(&text).map_err(|e| not_a_request(e.to_string()))?;
    match payload {
        Payload::Request(request) => Ok(request),
        Payload::RequestRef(reference) => {
            let fetched = s.api().request(reference.nonce).block_on()?;
            reference
                .pin(&fetched)
                .map_err(|e| not_a_request(e.to_string()))?;
            Ok(fetched)
        }
        Payload::Recovery(_) => Err(CliError::Qr(t.get("grant-is-recovery-code"))),
    }
}

/// The parts of a grant as stable codes (`--json`): "notities (read), intake (append)".
pub(super) fn describe_permissions(p: &Permissions) -> String {
    p.as_slice()
        .iter()
        .map(|p| format!("{} ({})", p.scope, p.mode))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn grant(ctx: &Ctx, a: GrantArgs) -> Result<(), CliError> {
    let mut s = open_owner(ctx)?;
    let t = ctx.t();
    let request = read_request(t, &s, &a)?;
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
        terms.permissions =
            Permissions::new(narrowed).map_err(|_| CliError::Usage(t.get("consent-none-asked")))?;
    }
    if let Some(days) = a.days {
        terms.duration = AccessDuration::Days(days);
    } else if a.lifelong {
        terms.duration = AccessDuration::Lifelong;
    }
    if a.from_now {
        terms.history = History::FromNow;
    }
    terms.display_name = a
        .name
        .clone()
        .or_else(|| s.state.check.display_name.clone())
        .map(|n| checked_display_name(t, n))
        .transpose()?;
    let who = &asked.profile;
    let consent = vault_client::consent::consent_request(
        who,
        &terms.permissions,
        terms.duration,
        terms.history,
    );
    let shown = match terms.display_name.as_deref() {
        Some(name) => t.fmt("consent-display-name", &[("shown", name.into())]),
        None => t.get("consent-no-display-name"),
    };
    let summary = format!("{}\n{shown}", t.consent_sentence(&consent));
    if !a.yes {
        if !std::io::stdin().is_terminal() {
            return Err(CliError::Usage(format!(
                "{summary}\n{}",
                t.get("consent-no-terminal")
            )));
        }
        eprintln!("{shown}");
        let answer = prompt(&format!("{} ", t.consent_prompt(&consent)))?;
        if !rugzak_i18n::is_yes(&answer) {
            return Err(CliError::Usage(t.get("consent-refused")));
        }
    }
    let result = {
        let api = Api::new(&s.transport, &s.identity, &time::now);
        let owner = Owner::new(&api, &s.identity);
        owner.grant(&mut s.state, &request, terms).block_on()
    };
    let signed = ctx.saved(&s, result)?;
    let g = &signed.grant;
    // The same code appears on the professional's screen only if it holds this very grant.
    let code = crypto::CheckCode::new(g, &s.identity.public());
    ctx.emit(
        || {
            format!(
                "{}\n{summary}\n\n{}\n{}",
                t.fmt("consent-given", &[("grant", g.id.to_string().into())]),
                t.fmt("consent-check-code", &[("code", code.to_string().into())]),
                t.fmt(
                    "consent-read-code-aloud",
                    &[("name", who.name.as_str().into())]
                ),
            )
        },
        json!({
            "grant": g.id.to_string(),
            "grantee": g.grantee.party_id().to_string(),
            "permissions": g.permissions.as_slice(),
            "expiry": g.expiry,
            "display_name": g.display_name,
            "check_code": code.digits(),
        }),
    );
    Ok(())
}

/// The display name as shown to people, or what it means when there is none.
pub fn shown_name(t: &rugzak_i18n::Texts, name: Option<&str>) -> String {
    name.map_or_else(|| t.get("check-no-name"), |n| format!("\"{n}\""))
}

pub fn export(ctx: &Ctx, a: ExportArgs) -> Result<(), CliError> {
    let (s, items) = opened(ctx)?;
    let me = s.identity.public();
    let bytes = if a.fhir {
        serde_json::to_vec_pretty(&render::fhir_bundle(&items))
    } else {
        serde_json::to_vec_pretty(&vault_client::view::owner_export(&me, &items))
    }
    .map_err(|_| CliError::Usage(super::coded(ctx.t(), "internal")))?;
    let out = if a.fhir {
        bytes
    } else {
        let recipient = s.identity.public().age_recipient();
        age::encrypt(&recipient, &bytes)
            .map_err(|_| CliError::Usage(super::coded(ctx.t(), "internal")))?
    };
    crate::keystore::write_private(&a.out, &out)?;
    ctx.emit(
        || {
            let t = ctx.t();
            let done = t.fmt(
                "export-done",
                &[
                    ("count", items.len().into()),
                    ("path", a.out.display().to_string().into()),
                ],
            );
            if a.fhir {
                done
            } else {
                format!("{done}\n{}", t.get("export-open-hint"))
            }
        },
        json!({"items": items.len(), "out": a.out, "fhir": a.fhir}),
    );
    Ok(())
}

pub fn export_identity(ctx: &Ctx, out: &Path, unencrypted: bool) -> Result<(), CliError> {
    let s = open_owner(ctx)?;
    let identity = s.identity.age_identity();
    let secret = identity.to_string();
    let text = zeroize::Zeroizing::new(format!(
        "# Rugzak export identity: keep it secret\n# public key: {}\n{}\n",
        identity.to_public(),
        age::secrecy::ExposeSecret::expose_secret(&secret),
    ));
    let bytes = if unencrypted {
        zeroize::Zeroizing::new(text.as_bytes().to_vec())
    } else {
        // age's passphrase encryption: stock `rage -d -i FILE` asks for the passphrase.
        let mut recipient = age::scrypt::Recipient::new(s.passphrase.clone());
        recipient.set_work_factor(crate::keystore::work_factor());
        zeroize::Zeroizing::new(
            age::encrypt(&recipient, text.as_bytes())
                .map_err(|_| CliError::Usage(super::coded(ctx.t(), "internal")))?,
        )
    };
    crate::keystore::write_private(out, &bytes)?;
    if unencrypted {
        eprintln!("{}", ctx.t().get("export-identity-warning"));
    }
    ctx.emit(
        || {
            let t = ctx.t();
            let path = out.display().to_string();
            if unencrypted {
                t.fmt("export-identity-written-plain", &[("path", path.into())])
            } else {
                format!(
                    "{}\n{}",
                    t.fmt("export-identity-written", &[("path", path.as_str().into())]),
                    t.fmt(
                        "export-identity-open-hint",
                        &[("path", path.as_str().into())]
                    ),
                )
            }
        },
        json!({"out": out, "encrypted": !unencrypted}),
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
    let result = {
        let api = Api::new(&s.transport, &s.identity, &time::now);
        Owner::new(&api, &s.identity)
            .share_link(&mut s.state, &a.scopes, options, a.passcode.as_deref())
            .block_on()
    };
    let link = ctx.saved(&s, result)?;
    let url = link.url(&s.state.server);
    ctx.emit(
        || {
            let t = ctx.t();
            format!(
                "{}\n{}\n\n{}\n{}",
                t.fmt(
                    "share-link-made",
                    &[("until", t.time(link.expires()).into())]
                ),
                url.as_str(),
                super::qr::terminal(&url),
                t.fmt(
                    "share-link-revoke-hint",
                    &[("link", link.id().to_string().into())]
                ),
            )
        },
        json!({"url": url.as_str(), "link": link.id().to_string(), "expires": link.expires()}),
    );
    Ok(())
}

pub fn revoke_link(ctx: &Ctx, link: &str) -> Result<(), CliError> {
    let id = link_id(ctx.t(), link)?;
    let mut s = open_owner(ctx)?;
    let result = {
        let api = Api::new(&s.transport, &s.identity, &time::now);
        Owner::new(&api, &s.identity)
            .revoke_link(&mut s.state, id)
            .block_on()
    };
    ctx.saved(&s, result)?;
    ctx.emit(
        || {
            ctx.t()
                .fmt("share-link-revoked", &[("link", id.to_string().into())])
        },
        json!({"link": id.to_string(), "revoked": true}),
    );
    Ok(())
}

/// A link id as `share-link` prints it, or the whole link (which holds the id).
fn link_id(t: &rugzak_i18n::Texts, text: &str) -> Result<crypto::LinkId, CliError> {
    if let Ok(id) = text.parse() {
        return Ok(id);
    }
    crypto::ShareLink::parse_url(text)
        .map(|parsed| parsed.link.id())
        .map_err(|_| CliError::Usage(t.get("share-link-bad-id")))
}

pub fn open_link(ctx: &Ctx, url: &str, passcode: Option<&str>) -> Result<(), CliError> {
    let t = ctx.t();
    let parsed = crypto::ShareLink::parse_url(url).map_err(|e| {
        CliError::Usage(t.fmt("share-link-not-rugzak", &[("reason", e.to_string().into())]))
    })?;
    let transport = UreqTransport::checked(&parsed.server)?;
    let sealed = vault_client::api::open_link(&transport, parsed.link.id(), "rugzak-cli", passcode)
        .block_on()?;
    let selection = parsed.link.open(&sealed).map_err(|e| {
        CliError::Usage(t.fmt(
            "share-link-bad-content",
            &[("reason", e.to_string().into())],
        ))
    })?;
    let owner = selection.owner;
    // Whoever opens a link has no keys of their own in this vault.
    let reader = render::Reader {
        me: None,
        owner: &owner,
    };
    ctx.emit(
        || {
            let count = i64::try_from(selection.items.len()).unwrap_or(i64::MAX);
            let mut out = format!(
                "{}\n{}",
                parsed.link.label(),
                t.fmt(
                    "read-vault-title",
                    &[
                        ("vault", short(&owner.vault_id().to_string()).into()),
                        ("count", count.into()),
                    ],
                )
            );
            for item in &selection.items {
                out.push_str("\n\n");
                out.push_str(&render::item_text(t, ctx.q_lang(), reader, item));
            }
            out
        },
        json!({
            "schema": render::ITEMS_SCHEMA,
            "label": parsed.link.label(),
            "vault": owner.vault_id().to_string(),
            "items": selection.items.iter().map(|i| render::item_value(reader, i)).collect::<Vec<_>>(),
        }),
    );
    Ok(())
}

/// `activiteit add|reflect`: the inwoner records the activity agreed on, or her own
/// reflection on one (both in part programmas).
pub fn activity(ctx: &Ctx, c: ActiviteitCommand) -> Result<(), CliError> {
    use vault_client::letters::{self, Activity, Letter, Reflection};
    let t = ctx.t();
    let (letter, kind, message) = match c {
        ActiviteitCommand::Add {
            what,
            place,
            when,
            contact,
        } => (
            Letter::Activity(Activity {
                schema: letters::ACTIVITY_SCHEMA.into(),
                what,
                place,
                when,
                contact,
            }),
            ItemKind::Activity,
            "activity-saved",
        ),
        ActiviteitCommand::Reflect { activity, text } => {
            let (_, items) = opened(ctx)?;
            let on = resolve(
                t,
                "activity",
                &activity,
                items
                    .iter()
                    .filter(|i| i.envelope.kind == ItemKind::Activity)
                    .map(|i| i.envelope.id),
            )?;
            (
                Letter::Reflection(Reflection {
                    schema: letters::REFLECTION_SCHEMA.into(),
                    on,
                    text,
                }),
                ItemKind::Reflection,
                "activity-reflection-saved",
            )
        }
    };
    let id = add(
        ctx,
        NewItem {
            scope: Scope::Programmas,
            kind,
            body: letter.to_body(),
        },
    )?;
    ctx.emit(
        || t.fmt(message, &[("item", short(&id).into())]),
        json!({"item": id, "kind": kind.as_str()}),
    );
    Ok(())
}
