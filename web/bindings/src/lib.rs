//! Rugzak's web binding: a thin wasm-bindgen layer over the client core (`vault-client`),
//! the questionnaires and the Fluent texts. No logic of its own: it turns JavaScript calls into
//! calls of those crates and their answers into JSON text.
//!
//! - Keys stay inside WebAssembly: JavaScript holds a [`Rugzak`] handle, never a key's bytes.
//!   What leaves is ciphertext to store (the sealed state) and the recovery code, shown once.
//! - Errors cross as a JavaScript `Error` with `name` `RugzakError`, a stable `code` and a
//!   `message` for people in the chosen language (the same texts as the CLI).
//! - Async calls return Promises; one handle runs one call at a time (a second call meanwhile
//!   is refused with code `in_progress`), so the state is never changed from two places.

mod fetch;
mod offline;
mod programmes;
mod views;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use age::secrecy::SecretString;
use crypto::{
    AccessDuration, GrantTerms, Identity, ItemKind, Mode, Payload, Permission, Permissions,
    Profile, RecoveryCode, Role, RootSecret, Scope,
};
use rand_core::OsRng;
use rugzak_i18n::{Lang, Texts};
use serde_json::{json, Value};
use vault_client::vault::Opened;
use vault_client::{Api, NewItem, Owner, Professional, State};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use zeroize::Zeroizing;

use crate::fetch::FetchTransport;

thread_local! {
    static LANG: Cell<Lang> = const { Cell::new(Lang::Nl) };
}

fn lang() -> Lang {
    LANG.with(Cell::get)
}

fn q_lang() -> questionnaires::Lang {
    match lang() {
        Lang::Nl => questionnaires::Lang::Nl,
        Lang::En => questionnaires::Lang::En,
    }
}

fn texts() -> &'static Texts {
    Texts::global(lang())
}

/// The seconds since 1970 of the browser's clock.
#[allow(
    clippy::cast_possible_truncation,
    reason = "Date.now() is a whole number of milliseconds, far inside i64"
)]
fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// A failure crossing into JavaScript: a stable code, shown to people through the texts, and
/// the tries left after a wrong share-link passcode.
struct Failure {
    code: String,
    remaining: Option<u32>,
}

impl Failure {
    fn code(code: &str) -> Self {
        Self {
            code: code.to_owned(),
            remaining: None,
        }
    }
}

impl From<vault_client::VaultError> for Failure {
    fn from(e: vault_client::VaultError) -> Self {
        Self::code(e.code())
    }
}

impl From<vault_client::ProfessionalError> for Failure {
    fn from(e: vault_client::ProfessionalError) -> Self {
        Self::code(e.code())
    }
}

impl From<vault_client::ApiError> for Failure {
    fn from(e: vault_client::ApiError) -> Self {
        Self {
            code: e.stable_code().to_owned(),
            remaining: e.remaining(),
        }
    }
}

impl From<vault_client::consent::LogError> for Failure {
    fn from(e: vault_client::consent::LogError) -> Self {
        Self::code(e.code())
    }
}

impl From<Failure> for JsValue {
    fn from(f: Failure) -> Self {
        let message = match (f.remaining, f.code.as_str()) {
            (Some(n), _) => texts().fmt(
                "web-wrong-passcode-left",
                &[("remaining", i64::from(n).into())],
            ),
            // The CLI's text names its `--server` option; the web app's says it for people.
            (None, "unreachable") => texts().get("web-unreachable"),
            (None, code) => texts().error(code),
        };
        let error = js_sys::Error::new(&message);
        error.set_name("RugzakError");
        let _ = js_sys::Reflect::set(&error, &"code".into(), &f.code.as_str().into());
        if let Some(n) = f.remaining {
            let _ = js_sys::Reflect::set(&error, &"remaining".into(), &n.into());
        }
        error.into()
    }
}

/// Chooses the language of every text and error message (`nl` or `en`); false for another tag.
#[wasm_bindgen(js_name = setLanguage)]
pub fn set_language(tag: &str) -> bool {
    Lang::from_tag(tag).is_some_and(|l| {
        LANG.with(|c| c.set(l));
        true
    })
}

/// The message `id` in the chosen language, with `args` (a JSON object of strings and numbers).
#[wasm_bindgen]
#[must_use]
pub fn text(id: &str, args: Option<String>) -> String {
    let args: serde_json::Map<String, Value> = args
        .and_then(|a| serde_json::from_str(&a).ok())
        .unwrap_or_default();
    let owned: Vec<(String, rugzak_i18n::Arg<'_>)> = args
        .iter()
        .map(|(k, v)| {
            let arg = match v {
                Value::Number(n) => n.as_i64().map_or_else(
                    || rugzak_i18n::Arg::from(n.to_string()),
                    rugzak_i18n::Arg::from,
                ),
                Value::String(s) => rugzak_i18n::Arg::from(s.as_str()),
                other => rugzak_i18n::Arg::from(other.to_string()),
            };
            (k.clone(), arg)
        })
        .collect();
    let borrowed: Vec<(&str, rugzak_i18n::Arg<'_>)> =
        owned.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    texts().fmt(id, &borrowed)
}

/// A Dutch (or English) local date and time of `unix_seconds`.
#[wasm_bindgen(js_name = localTime)]
#[must_use]
pub fn local_time(unix_seconds: f64) -> String {
    #[allow(clippy::cast_possible_truncation, reason = "seconds from our own JSON")]
    texts().time(unix_seconds as i64)
}

/// An SVG picture of a QR code holding `text`.
#[wasm_bindgen(js_name = qrSvg)]
pub fn qr_svg(text: &str) -> Result<String, JsValue> {
    svg_of(text).map_err(Into::into)
}

fn svg_of(text: &str) -> Result<String, Failure> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|_| Failure::code("qr_too_long"))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(280, 280)
        .quiet_zone(true)
        .build())
}

/// The text of the first QR code in a camera frame or photo (`rgba`: `width` × `height` pixels,
/// four bytes each, as a canvas gives them), or nothing.
#[wasm_bindgen(js_name = decodeQr)]
#[must_use]
pub fn decode_qr(width: usize, height: usize, rgba: &[u8]) -> Option<String> {
    if width == 0 || height == 0 || rgba.len() < width * height * 4 {
        return None;
    }
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        let i = (y * width + x) * 4;
        let (r, g, b) = (
            u16::from(rgba[i]),
            u16::from(rgba[i + 1]),
            u16::from(rgba[i + 2]),
        );
        // Integer luma (BT.601), as the CLI's image decoding does through `image`.
        u8::try_from((r * 77 + g * 150 + b * 29) >> 8).unwrap_or(u8::MAX)
    });
    image
        .detect_grids()
        .into_iter()
        .find_map(|grid| grid.decode().ok().map(|(_, text)| text))
}

/// The questionnaires this app can fill, as JSON `[{key, title}]`.
#[wasm_bindgen]
pub fn questionnaires() -> Result<String, JsValue> {
    views::catalog_list(q_lang()).map_err(Into::into)
}

/// One questionnaire with its questions and answer scales in the chosen language, as JSON.
#[wasm_bindgen]
pub fn questionnaire(key: &str) -> Result<String, JsValue> {
    views::instrument(key, q_lang()).map_err(Into::into)
}

/// What the client keeps, and the transport to its server.
struct Session {
    state: State,
    identity: Identity,
    transport: FetchTransport,
    /// The key this device seals its stored state under, itself stored locked with a
    /// passphrase or a passkey.
    device: Option<Zeroizing<[u8; 32]>>,
    /// The items this session opened already (memory only): opening the rugzak again
    /// decrypts only what is new.
    opened: Opened,
}

impl Session {
    /// The age identity everything this device stores is sealed to (`not_locked` before a lock
    /// made the device key).
    fn device_identity(&self) -> Result<age::x25519::Identity, Failure> {
        self.device
            .as_ref()
            .map(|key| crypto::device_state_identity(key))
            .ok_or_else(|| Failure::code("not_locked"))
    }

    fn new(state: State) -> Result<Self, Failure> {
        let transport =
            FetchTransport::new(&state.server).map_err(|_| Failure::code("insecure_server"))?;
        let identity = state.identity();
        Ok(Self {
            state,
            identity,
            transport,
            device: None,
            opened: Opened::default(),
        })
    }
}

/// A signed-in person's Rugzak: an inwoner's vault or a professional. Holds the keys; hands out
/// only what people read and ciphertext to store.
#[wasm_bindgen]
pub struct Rugzak {
    inner: Rc<RefCell<Option<Session>>>,
}

impl std::fmt::Debug for Rugzak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Rugzak([redacted])")
    }
}

/// Takes the session out for one call; `in_progress` while another call has it.
fn take(inner: &Rc<RefCell<Option<Session>>>) -> Result<Session, Failure> {
    inner
        .borrow_mut()
        .take()
        .ok_or_else(|| Failure::code("in_progress"))
}

fn put(inner: &Rc<RefCell<Option<Session>>>, session: Session) {
    *inner.borrow_mut() = Some(session);
}

/// Runs `f` with the session and hands it back afterwards, whatever the outcome.
fn run<F, Fut>(inner: &Rc<RefCell<Option<Session>>>, f: F) -> js_sys::Promise
where
    F: FnOnce(Session) -> Fut + 'static,
    Fut: std::future::Future<Output = (Session, Result<Value, Failure>)> + 'static,
{
    let inner = inner.clone();
    future_to_promise(async move {
        let session = take(&inner)?;
        let (session, result) = f(session).await;
        put(&inner, session);
        result
            .map(|v| JsValue::from_str(&v.to_string()))
            .map_err(Into::into)
    })
}

fn wrap(session: Session) -> Rugzak {
    Rugzak {
        inner: Rc::new(RefCell::new(Some(session))),
    }
}

/// Which items a listing view carries: the overview's newest of each part, or one part whole.
fn shown(part: Option<&str>) -> Result<views::Shown, Failure> {
    match part {
        None => Ok(views::Shown::Newest(views::OVERVIEW_NEWEST)),
        Some(name) => name
            .parse()
            .map(views::Shown::Part)
            .map_err(|_| Failure::code("bad_scope")),
    }
}

fn passphrase_of(text: &str) -> Result<SecretString, Failure> {
    if text.chars().count() < 8 {
        return Err(Failure::code("passphrase_too_short"));
    }
    Ok(SecretString::from(text.to_owned()))
}

/// The scrypt work factor of the passphrase lock (as the CLI's keystore).
const WORK_FACTOR: u8 = 18;

#[wasm_bindgen]
impl Rugzak {
    /// A new inwoner vault on `server`, registered there. `name` is the optional name shown to
    /// professionals next to the check code.
    #[wasm_bindgen(js_name = createInwoner)]
    pub fn create_inwoner(server: String, name: Option<String>) -> js_sys::Promise {
        future_to_promise(async move {
            let root = RootSecret::generate(&mut OsRng);
            let mut state = State::new(&root, None, server);
            state.check.display_name = name.filter(|n| !n.trim().is_empty());
            let mut s = Session::new(state)?;
            let api = Api::new(&s.transport, &s.identity, &now);
            Owner::new(&api, &s.identity)
                .create(&mut s.state)
                .await
                .map_err(Failure::from)?;
            Ok(wrap(s).into())
        })
    }

    /// A new professional (`huisarts`, `welzijnscoach`, ...) on `server`, enrolled there.
    #[wasm_bindgen(js_name = createProfessional)]
    pub fn create_professional(
        server: String,
        role: String,
        name: String,
        organisation: String,
    ) -> js_sys::Promise {
        future_to_promise(async move {
            let role: Role = role.parse().map_err(|_| Failure::code("bad_role"))?;
            if role == Role::Inwoner || name.trim().is_empty() {
                return Err(Failure::code("bad_profile").into());
            }
            let profile = Profile {
                role,
                name,
                organisation,
            };
            let root = RootSecret::generate(&mut OsRng);
            let state = State::new(&root, Some(profile.clone()), server);
            let s = Session::new(state)?;
            let api = Api::new(&s.transport, &s.identity, &now);
            api.enrol_party(Some(&profile))
                .await
                .map_err(Failure::from)?;
            Ok(wrap(s).into())
        })
    }

    /// Restores an inwoner's vault on a new device from the recovery code (text or QR text).
    pub fn recover(server: String, code: String) -> js_sys::Promise {
        future_to_promise(async move {
            let code = match Payload::parse(&code) {
                Ok(Payload::Recovery(code)) => code,
                _ => RecoveryCode::parse(&code).map_err(|_| Failure::code("bad_recovery_code"))?,
            };
            let state = State::new(&code.root_secret(), None, server);
            let mut s = Session::new(state)?;
            let api = Api::new(&s.transport, &s.identity, &now);
            let me = api
                .party(s.identity.public().party_id())
                .await
                .map_err(Failure::from)?;
            s.state.profile = me.profile.filter(|p| p.role != Role::Inwoner);
            if s.state.profile.is_none() {
                let owner = Owner::new(&api, &s.identity);
                owner.items(&mut s.state).await.map_err(Failure::from)?;
            }
            Ok(wrap(s).into())
        })
    }

    /// Opens the stored state: `wrapped` is the device key as [`Self::lock_with_passphrase`]
    /// made it, `sealed` the state as [`Self::seal_state`] made it.
    #[wasm_bindgen(js_name = unlockWithPassphrase)]
    pub fn unlock_with_passphrase(
        wrapped: &[u8],
        sealed: &[u8],
        passphrase: &str,
    ) -> Result<Self, JsValue> {
        let mut identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_owned()));
        identity.set_max_work_factor(WORK_FACTOR + 2);
        let key = Zeroizing::new(
            age::decrypt(&identity, wrapped).map_err(|_| Failure::code("wrong_passphrase"))?,
        );
        Ok(Self::unlock(&key, sealed)?)
    }

    /// Opens the stored state with the 32-byte PRF output of the passkey that locked it
    /// ([`Self::lock_with_passkey`]).
    #[wasm_bindgen(js_name = unlockWithPasskey)]
    pub fn unlock_with_passkey(wrapped: &[u8], sealed: &[u8], prf: &[u8]) -> Result<Self, JsValue> {
        let identity = prf_identity(prf)?;
        let key = Zeroizing::new(
            age::decrypt(&identity, wrapped).map_err(|_| Failure::code("wrong_passkey"))?,
        );
        Ok(Self::unlock(&key, sealed)?)
    }

    fn unlock(key: &[u8], sealed: &[u8]) -> Result<Self, Failure> {
        let device: [u8; 32] = key
            .try_into()
            .map_err(|_| Failure::code("keystore_damaged"))?;
        let device = Zeroizing::new(device);
        let plain = Zeroizing::new(
            age::decrypt(&crypto::device_state_identity(&device), sealed)
                .map_err(|_| Failure::code("keystore_damaged"))?,
        );
        let state: State =
            serde_json::from_slice(&plain).map_err(|_| Failure::code("keystore_damaged"))?;
        let mut session = Session::new(state)?;
        session.device = Some(device);
        Ok(wrap(session))
    }

    /// Locks this device's key with `passphrase` (age, scrypt): the answer is what to store
    /// beside [`Self::seal_state`]'s. Makes the device key on first use.
    #[wasm_bindgen(js_name = lockWithPassphrase)]
    pub fn lock_with_passphrase(&self, passphrase: &str) -> Result<Vec<u8>, JsValue> {
        let mut recipient = age::scrypt::Recipient::new(passphrase_of(passphrase)?);
        recipient.set_work_factor(WORK_FACTOR);
        Ok(self.lock(&recipient)?)
    }

    /// Locks this device's key to a passkey's 32-byte PRF output.
    #[wasm_bindgen(js_name = lockWithPasskey)]
    pub fn lock_with_passkey(&self, prf: &[u8]) -> Result<Vec<u8>, JsValue> {
        let recipient = prf_identity(prf)?.to_public();
        Ok(self.lock(&recipient)?)
    }

    fn lock(&self, recipient: &impl age::Recipient) -> Result<Vec<u8>, Failure> {
        let mut guard = self.inner.borrow_mut();
        let s = guard.as_mut().ok_or_else(|| Failure::code("in_progress"))?;
        let device = s.device.get_or_insert_with(|| {
            let mut key = Zeroizing::new([0u8; 32]);
            rand_core::RngCore::fill_bytes(&mut OsRng, key.as_mut_slice());
            key
        });
        age::encrypt(recipient, device.as_slice()).map_err(|_| Failure::code("internal"))
    }

    /// The state, encrypted under this device's key, for IndexedDB. Fast: call it after every
    /// change. Needs a lock first ([`Self::lock_with_passphrase`] or [`Self::lock_with_passkey`]).
    #[wasm_bindgen(js_name = sealState)]
    pub fn seal_state(&self) -> Result<Vec<u8>, JsValue> {
        let guard = self.inner.borrow();
        let s = guard.as_ref().ok_or_else(|| Failure::code("in_progress"))?;
        let plain =
            Zeroizing::new(serde_json::to_vec(&s.state).map_err(|_| Failure::code("internal"))?);
        Ok(age::encrypt(&s.device_identity()?.to_public(), &plain)
            .map_err(|_| Failure::code("internal"))?)
    }

    /// Who this is, as JSON: `{role, party, vault, name, organisation, display_name}`.
    #[wasm_bindgen(js_name = whoAmI)]
    pub fn who_am_i(&self) -> Result<String, JsValue> {
        let guard = self.inner.borrow();
        let s = guard.as_ref().ok_or_else(|| Failure::code("in_progress"))?;
        let public = s.identity.public();
        let profile = s.state.profile.as_ref();
        Ok(json!({
            "role": profile.map_or("inwoner", |p| p.role.as_str()),
            "party": public.party_id().to_string(),
            "vault": profile.is_none().then(|| public.vault_id().to_string()),
            "name": profile.map(|p| p.name.clone()),
            "organisation": profile.map(|p| p.organisation.clone()),
            "display_name": s.state.check.display_name,
            "server": s.state.server,
        })
        .to_string())
    }

    /// The recovery code, grouped for writing down (shown once, at creation).
    #[wasm_bindgen(js_name = recoveryCode)]
    pub fn recovery_code(&self) -> Result<String, JsValue> {
        let guard = self.inner.borrow();
        let s = guard.as_ref().ok_or_else(|| Failure::code("in_progress"))?;
        Ok(s.state.recovery_code().expose_grouped().to_string())
    }

    /// The inwoner's rugzakje as JSON (schema `rugzak-items/1`, each item with a title and a
    /// text for people): the newest items of every part with each part's count, or with
    /// `part` every item of that part; the ones apart with why, and the scores.
    pub fn overview(&self, part: Option<String>) -> js_sys::Promise {
        run(&self.inner, |mut s| async move {
            let out = async {
                let shown = shown(part.as_deref())?;
                let api = Api::new(&s.transport, &s.identity, &now);
                let listing = Owner::new(&api, &s.identity)
                    .listing_memo(&mut s.state, &mut s.opened)
                    .await?;
                let owner = s.identity.public();
                Ok::<_, Failure>(views::listing(
                    &listing,
                    Some(&owner),
                    &owner,
                    q_lang(),
                    shown,
                ))
            }
            .await;
            (s, out)
        })
    }

    /// Stores a filled-in questionnaire (`answers`: JSON object of linkId → answer) with its
    /// score; answers JSON `{score, suggestions}`.
    #[wasm_bindgen(js_name = saveQuestionnaire)]
    pub fn save_questionnaire(&self, key: String, answers: String) -> js_sys::Promise {
        run(&self.inner, move |mut s| async move {
            let prepared = views::completed_items(&key, &answers, now(), q_lang());
            let out = match prepared {
                Err(e) => Err(e),
                Ok((items, report)) => {
                    let api = Api::new(&s.transport, &s.identity, &now);
                    let owner = Owner::new(&api, &s.identity);
                    match owner.add(&mut s.state, items).await {
                        Ok(_) => Ok(report),
                        Err(e) => Err(Failure::from(e)),
                    }
                }
            };
            (s, out)
        })
    }

    /// Stores a note the inwoner wrote.
    #[wasm_bindgen(js_name = addNote)]
    pub fn add_note(&self, text: String) -> js_sys::Promise {
        run(&self.inner, move |mut s| async move {
            let out = if text.trim().is_empty() {
                Err(Failure::code("empty_note"))
            } else {
                let api = Api::new(&s.transport, &s.identity, &now);
                let item = NewItem {
                    scope: Scope::Notities,
                    kind: ItemKind::Note,
                    body: text.into_bytes(),
                };
                Owner::new(&api, &s.identity)
                    .add(&mut s.state, vec![item])
                    .await
                    .map(|ids| json!({"items": ids.iter().map(ToString::to_string).collect::<Vec<_>>()}))
                    .map_err(Failure::from)
            };
            (s, out)
        })
    }

    /// Reads an access request from a scanned or pasted QR text; answers JSON with the plain
    /// sentence of what is asked, the parts, the duration and the requester.
    #[wasm_bindgen(js_name = readRequest)]
    pub fn read_request(&self, text: String) -> js_sys::Promise {
        run(&self.inner, move |s| async move {
            let api = Api::new(&s.transport, &s.identity, &now);
            let out = views::fetch_request(&api, &text)
                .await
                .map(|r| views::request_view(&r, now()));
            (s, out)
        })
    }

    /// Grants the request in `text` with the inwoner's choices (`choices`: JSON
    /// `{scopes?: [..], days?: n, lifelong?: bool, from_now?: bool}`); answers JSON with the
    /// grant and the check code to compare.
    pub fn approve(&self, text: String, choices: String) -> js_sys::Promise {
        run(&self.inner, move |mut s| async move {
            let out = async {
                let api = Api::new(&s.transport, &s.identity, &now);
                let request = views::fetch_request(&api, &text).await?;
                let verified = request
                    .verify(now())
                    .map_err(|_| Failure::code("bad_request"))?;
                let mut terms = GrantTerms::as_requested(verified.request());
                views::apply_choices(&mut terms, &choices)?;
                terms.display_name.clone_from(&s.state.check.display_name);
                let signed = Owner::new(&api, &s.identity)
                    .grant(&mut s.state, &request, terms)
                    .await?;
                let code = crypto::CheckCode::new(&signed.grant, &s.identity.public());
                Ok::<_, Failure>(json!({
                    "grant": signed.grant.id.to_string(),
                    "check_code": code.to_string(),
                }))
            }
            .await;
            (s, out)
        })
    }

    /// The inwoner's grants as JSON: who, parts, period, time left, uses, revoked.
    pub fn grants(&self) -> js_sys::Promise {
        run(&self.inner, |mut s| async move {
            let result = {
                let api = Api::new(&s.transport, &s.identity, &now);
                Owner::new(&api, &s.identity).grants(&mut s.state).await
            };
            let out = result
                .map_err(Failure::from)
                .map(|g| views::own_grants(&g, now()));
            (s, out)
        })
    }

    /// The consent log, verified against the head this device kept, as rows for people (NEN
    /// 7513: when, who, role, organisation, what, about what, under which grant, outcome).
    pub fn log(&self) -> js_sys::Promise {
        run(&self.inner, |mut s| async move {
            let out = async {
                let api = Api::new(&s.transport, &s.identity, &now);
                let entries =
                    vault_client::consent::fetch_verified(&api, &s.identity, &mut s.state).await?;
                let mut people = std::collections::BTreeMap::new();
                for e in &entries {
                    if let crypto::log::Actor::Party { id, role } = e.entry.event.actor {
                        if role != Role::Inwoner && !people.contains_key(&id) {
                            if let Ok(Some(p)) = api.party(id).await.map(|i| i.profile) {
                                people.insert(id, p);
                            }
                        }
                    }
                }
                Ok::<_, Failure>(views::log_rows(&entries, &people))
            }
            .await;
            (s, out)
        })
    }

    /// Revokes a grant at once (the next request under it is refused; keys rotate).
    pub fn revoke(&self, grant: String) -> js_sys::Promise {
        run(&self.inner, move |mut s| async move {
            let out = async {
                let id = grant.parse().map_err(|_| Failure::code("no_such_grant"))?;
                let api = Api::new(&s.transport, &s.identity, &now);
                Owner::new(&api, &s.identity)
                    .revoke(&mut s.state, id)
                    .await?;
                Ok::<_, Failure>(json!({"revoked": grant}))
            }
            .await;
            (s, out)
        })
    }

    /// A professional's access request: `read` and `append` are lists of scope codes, `days` a
    /// number of days (0: lifelong). Answers JSON `{qr_text, qr_svg, reference}`.
    pub fn request(&self, read: Vec<String>, append: Vec<String>, days: u16) -> js_sys::Promise {
        run(&self.inner, move |s| async move {
            let out = async {
                let profile = s
                    .state
                    .profile
                    .clone()
                    .ok_or_else(|| Failure::code("not_professional"))?;
                let mut asked = Vec::new();
                for (list, mode) in [(read, Mode::Read), (append, Mode::Append)] {
                    for code in list {
                        let scope: Scope = code.parse().map_err(|_| Failure::code("bad_scope"))?;
                        asked.push(Permission { scope, mode });
                    }
                }
                let permissions =
                    Permissions::new(asked).map_err(|_| Failure::code("bad_request_form"))?;
                let duration = if days == 0 {
                    AccessDuration::Lifelong
                } else {
                    AccessDuration::Days(days)
                };
                let api = Api::new(&s.transport, &s.identity, &now);
                let (signed, reference) = Professional::new(&api, &s.identity)
                    .request(profile, permissions, duration)
                    .await?;
                let text = Payload::RequestRef(reference).to_text();
                Ok::<_, Failure>(json!({
                    "qr_text": text.as_str(),
                    "qr_svg": qr_svg(&text).map_err(|_| Failure::code("qr_too_long"))?,
                    "reference": signed.request.nonce.to_string(),
                }))
            }
            .await;
            (s, out)
        })
    }

    /// The grant that answered the request `reference`, if any yet, as JSON with its check
    /// code; `null` while the inwoner has not answered.
    #[wasm_bindgen(js_name = grantFor)]
    pub fn grant_for(&self, reference: String) -> js_sys::Promise {
        run(&self.inner, move |s| async move {
            let out = async {
                let nonce = reference
                    .trim()
                    .parse()
                    .map_err(|_| Failure::code("bad_reference"))?;
                let api = Api::new(&s.transport, &s.identity, &now);
                let found = Professional::new(&api, &s.identity)
                    .grant_for(nonce)
                    .await?;
                Ok::<_, Failure>(found.map_or(Value::Null, |g| views::grant_status(&g, now())))
            }
            .await;
            (s, out)
        })
    }

    /// A professional's grants as JSON (each with the check code and whether it is active).
    #[wasm_bindgen(js_name = myGrants)]
    pub fn my_grants(&self) -> js_sys::Promise {
        run(&self.inner, |s| async move {
            let out = async {
                let api = Api::new(&s.transport, &s.identity, &now);
                let grants = Professional::new(&api, &s.identity).grants().await?;
                Ok::<_, Failure>(Value::Array(
                    grants
                        .iter()
                        .map(|g| views::grant_status(g, now()))
                        .collect(),
                ))
            }
            .await;
            (s, out)
        })
    }

    /// What a professional may read of `vault` now, as the overview JSON (`part` as in
    /// [`Self::overview`]).
    pub fn read(&self, vault: String, part: Option<String>) -> js_sys::Promise {
        run(&self.inner, move |s| async move {
            let out = async {
                let shown = shown(part.as_deref())?;
                let vault = vault.parse().map_err(|_| Failure::code("bad_vault"))?;
                let api = Api::new(&s.transport, &s.identity, &now);
                let pro = Professional::new(&api, &s.identity);
                let owner = pro.vault_keys(vault).await?;
                let listing = pro.visible(vault, now()).await?;
                let me = s.identity.public();
                Ok::<_, Failure>(views::listing(&listing, Some(&me), &owner, q_lang(), shown))
            }
            .await;
            (s, out)
        })
    }

    /// Appends an item for the inwoner of `vault` under a grant: `kind` is `referral`,
    /// `intake-note`, `activity` or `feedback`, `body` its text or letter JSON.
    pub fn append(&self, vault: String, kind: String, body: String) -> js_sys::Promise {
        run(&self.inner, move |s| async move {
            let out = async {
                let vault = vault.parse().map_err(|_| Failure::code("bad_vault"))?;
                let (scope, kind) = views::append_target(&kind)?;
                let body = views::append_body(kind, &body)?;
                let api = Api::new(&s.transport, &s.identity, &now);
                let id = Professional::new(&api, &s.identity)
                    .append(vault, scope, kind, body)
                    .await?;
                Ok::<_, Failure>(json!({"item": id.to_string()}))
            }
            .await;
            (s, out)
        })
    }

    /// The consent log as a FHIR R4 `Bundle` of `AuditEvent`s (NEN 7513), made from the entries
    /// this device verified (not the server's own rendering).
    #[wasm_bindgen(js_name = auditEvents)]
    pub fn audit_events(&self) -> js_sys::Promise {
        run(&self.inner, |mut s| async move {
            let out = async {
                let api = Api::new(&s.transport, &s.identity, &now);
                let entries =
                    vault_client::consent::fetch_verified(&api, &s.identity, &mut s.state).await?;
                let vault = s.identity.public().vault_id();
                Ok::<_, Failure>(crypto::log::fhir::audit_bundle(vault, &entries))
            }
            .await;
            (s, out)
        })
    }

    /// Every item of the rugzakje, opened, for the inwoner to keep: as a FHIR R4 `Bundle` when
    /// `fhir`, else as `rugzak-items/1` JSON (as the CLI's `export`, before its age layer).
    #[wasm_bindgen(js_name = exportItems)]
    pub fn export_items(&self, fhir: bool) -> js_sys::Promise {
        run(&self.inner, move |mut s| async move {
            let result = {
                let api = Api::new(&s.transport, &s.identity, &now);
                Owner::new(&api, &s.identity).items(&mut s.state).await
            };
            let me = s.identity.public();
            let out = result.map_err(Failure::from).map(|items| {
                if fhir {
                    vault_client::view::fhir_bundle(&items)
                } else {
                    vault_client::view::owner_export(&me, &items)
                }
            });
            (s, out)
        })
    }

    /// A share link for the items of `scopes` (all when empty), valid `days` days, optionally
    /// behind `passcode`: answers JSON `{url, qr_svg, link, until}`. The key is only in the URL.
    #[wasm_bindgen(js_name = shareLink)]
    pub fn share_link(
        &self,
        scopes: Vec<String>,
        days: u16,
        passcode: Option<String>,
        label: String,
    ) -> js_sys::Promise {
        run(&self.inner, move |mut s| async move {
            let out = async {
                let scopes = scopes
                    .iter()
                    .map(|c| c.parse::<Scope>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| Failure::code("bad_scope"))?;
                let passcode = passcode.filter(|p| !p.is_empty()).map(Zeroizing::new);
                let options = crypto::LinkOptions {
                    expires: now().saturating_add(i64::from(days.max(1)) * 86_400),
                    passcode_required: passcode.is_some(),
                    max_uses: None,
                    label,
                };
                let api = Api::new(&s.transport, &s.identity, &now);
                let link = Owner::new(&api, &s.identity)
                    .share_link(
                        &mut s.state,
                        &scopes,
                        options,
                        passcode.as_deref().map(String::as_str),
                    )
                    .await?;
                let url = link.url(&s.state.server);
                let svg = svg_of(url.as_str())?;
                Ok::<_, Failure>(json!({
                    "url": url.as_str(),
                    "qr_svg": svg,
                    "link": link.id().to_string(),
                    "until": texts().time(link.expires()),
                }))
            }
            .await;
            (s, out)
        })
    }

    /// The share links made from this vault and not revoked, from the verified log: JSON
    /// `[{link, made, opens}]` (`made` in words).
    pub fn links(&self) -> js_sys::Promise {
        run(&self.inner, |mut s| async move {
            let out = async {
                let api = Api::new(&s.transport, &s.identity, &now);
                let entries =
                    vault_client::consent::fetch_verified(&api, &s.identity, &mut s.state).await?;
                let links: Vec<Value> = vault_client::consent::share_links(&entries)
                    .iter()
                    .filter(|l| !l.revoked)
                    .map(|l| json!({"link": l.link.to_string(), "made": texts().time(l.made), "opens": l.opens}))
                    .collect();
                Ok::<_, Failure>(Value::from(links))
            }
            .await;
            (s, out)
        })
    }

    /// Revokes share link `link` (its id): the server stops serving it at once.
    #[wasm_bindgen(js_name = revokeLink)]
    pub fn revoke_link(&self, link: String) -> js_sys::Promise {
        run(&self.inner, move |mut s| async move {
            let out = async {
                let id = link
                    .parse()
                    .map_err(|_| Failure::code("not_a_share_link"))?;
                let api = Api::new(&s.transport, &s.identity, &now);
                Owner::new(&api, &s.identity)
                    .revoke_link(&mut s.state, id)
                    .await?;
                Ok::<_, Failure>(json!({"revoked": link}))
            }
            .await;
            (s, out)
        })
    }
}

/// The age identity of a passkey's PRF output (32 bytes, uniformly random by the PRF's design).
fn prf_identity(prf: &[u8]) -> Result<age::x25519::Identity, Failure> {
    let bytes: [u8; 32] = prf.try_into().map_err(|_| Failure::code("wrong_passkey"))?;
    Ok(crypto::device_state_identity(&bytes))
}

/// What a share link says about itself before it is opened: JSON `{label, passcode_required,
/// until}`. Nothing is fetched.
#[wasm_bindgen(js_name = linkInfo)]
pub fn link_info(url: &str) -> Result<String, JsValue> {
    let parsed =
        crypto::ShareLink::parse_url(url).map_err(|_| Failure::code("not_a_share_link"))?;
    let link = &parsed.link;
    Ok(json!({
        "label": link.label(),
        "passcode_required": link.passcode_required(),
        "until": texts().time(link.expires()),
    })
    .to_string())
}

/// Opens a share link (anyone holding it; no account): fetches the sealed selection with the
/// passcode, opens it with the key from the URL and answers the overview JSON plus `label`.
/// A wrong passcode fails with code `wrong_passcode` and `remaining` tries.
#[wasm_bindgen(js_name = openLink)]
pub fn open_link(url: String, passcode: Option<String>) -> js_sys::Promise {
    future_to_promise(async move {
        let parsed =
            crypto::ShareLink::parse_url(&url).map_err(|_| Failure::code("not_a_share_link"))?;
        let transport =
            FetchTransport::new(&parsed.server).map_err(|_| Failure::code("insecure_server"))?;
        let passcode = passcode.filter(|p| !p.is_empty()).map(Zeroizing::new);
        let sealed = vault_client::api::open_link(
            &transport,
            parsed.link.id(),
            "rugzak-web",
            passcode.as_deref().map(String::as_str),
        )
        .await
        .map_err(Failure::from)?;
        let selection = parsed
            .link
            .open(&sealed)
            .map_err(|_| Failure::code("bad_link_content"))?;
        let owner = selection.owner;
        let listing = vault_client::vault::Listing {
            items: selection.items,
            apart: Vec::new(),
        };
        // All of it: a link's selection is small, and opening it again counts a use.
        let mut out = views::listing(&listing, None, &owner, q_lang(), views::Shown::All);
        out["label"] = parsed.link.label().into();
        Ok(JsValue::from_str(&out.to_string()))
    })
}
