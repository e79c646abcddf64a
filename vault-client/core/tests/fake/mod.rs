//! An in-memory server that follows `spec/api.md` closely enough to drive the client's flows
//! in-process: it checks request signatures, enforces grants (revoked, expired, scope,
//! append-only, history) and writes server-signed access entries with the request as proof.
//! It is a test double of the contract, not a second server: no persistence, no rate limits.
//! [`http`] serves it on 127.0.0.1, so that `rugzak-cli`'s tests run the real `rugzak` binary
//! against it.

pub mod http;

use std::cell::RefCell;
use std::collections::BTreeMap;

use crypto::log::{ActionCode, Actor, Event, EventKind, LogObject, Outcome, SignedEntry};
use crypto::{
    Identity, LinkId, Mode, Nonce, PartyId, Profile, PublicKeys, RootSecret, Scope, SealedItem,
    SignedGrant, SignedRequest, SignedRevocation, VaultId, WrappedScopeKey,
};
use serde::Deserialize;
use serde_json::{json, Value};
use vault_client::transport::{HttpRequest, HttpResponse, Sending, Transport, Unreachable};
use vault_client::GrantStatus;

#[derive(Default)]
struct Vault {
    keys: Option<PublicKeys>,
    items: Vec<(SealedItem, i64)>,
    scope_keys: Vec<WrappedScopeKey>,
    grants: Vec<GrantStatus>,
    /// Share links and whether each is revoked.
    links: BTreeMap<LinkId, bool>,
    log: Vec<SignedEntry>,
}

#[derive(Default)]
struct Db {
    parties: BTreeMap<PartyId, (PublicKeys, Option<Profile>)>,
    vaults: BTreeMap<VaultId, Vault>,
    requests: BTreeMap<Nonce, SignedRequest>,
}

/// The fake server; `now` is its clock (tests move it).
pub struct FakeServer {
    db: RefCell<Db>,
    server_identity: Identity,
    pub now: std::cell::Cell<i64>,
    pub up: std::cell::Cell<bool>,
}

type Reply = Result<(u16, Value), (u16, &'static str)>;

impl FakeServer {
    pub fn new(now: i64) -> Self {
        Self {
            db: RefCell::default(),
            server_identity: Identity::from_root(RootSecret::from_bytes([42; 32])),
            now: std::cell::Cell::new(now),
            up: std::cell::Cell::new(true),
        }
    }

    /// Every stored sealed item of `vault`, as a thief of the raw store would see them.
    pub fn raw_items(&self, vault: VaultId) -> Vec<SealedItem> {
        self.db
            .borrow()
            .vaults
            .get(&vault)
            .map(|v| v.items.iter().map(|(i, _)| i.clone()).collect())
            .unwrap_or_default()
    }

    fn handle(&self, req: &HttpRequest) -> Reply {
        let headers: BTreeMap<String, Vec<u8>> = req
            .headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.as_bytes().to_vec()))
            .collect();
        let signed = crypto::http_sig::SignedCall::from_http(
            req.method,
            &req.path_and_query,
            &req.body,
            |name| headers.get(&name.to_ascii_lowercase()).map(Vec::as_slice),
        )
        .map_err(|_| (401, "malformed_signature"))?;
        let caller = signed.claims.key;
        let (path, query) = req
            .path_and_query
            .split_once('?')
            .unwrap_or((&req.path_and_query, ""));
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        // Self-signed enrolment: the keys come in the body.
        let enrol_keys = match (req.method, parts.as_slice()) {
            ("POST", ["v1", "parties"] | ["v1", "vaults"]) => {
                Some(body::<EnrolBody>(&req.body)?.keys)
            }
            _ => None,
        };
        let caller_keys = match enrol_keys {
            Some(k) => k,
            None => self
                .db
                .borrow()
                .parties
                .get(&caller)
                .map(|p| p.0)
                .ok_or((401, "unknown_key"))?,
        };
        signed
            .verify_signature(&caller_keys)
            .map_err(|_| (401, "bad_signature"))?;
        let now = self.now.get();
        let mut db = self.db.borrow_mut();
        match (req.method, parts.as_slice()) {
            ("POST", ["v1", "parties"]) => {
                let b: EnrolBody = body(&req.body)?;
                db.parties.insert(caller, (b.keys, b.profile));
                Ok((201, json!({"party": caller})))
            }
            ("GET", ["v1", "parties", id]) => {
                let id: PartyId = id.parse().map_err(|_| (400, "bad_id"))?;
                let (keys, profile) = db.parties.get(&id).ok_or((404, "party_not_found"))?;
                Ok((200, json!({"keys": keys, "profile": profile})))
            }
            ("POST", ["v1", "vaults"]) => {
                let b: EnrolBody = body(&req.body)?;
                db.parties.insert(caller, (b.keys, None));
                db.vaults.entry(b.keys.vault_id()).or_default().keys = Some(b.keys);
                Ok((201, json!({"vault": b.keys.vault_id()})))
            }
            ("GET", ["v1", "server"]) => Ok((200, json!({"keys": self.server_identity.public()}))),
            ("GET", ["v1", "vaults", v, "keys"]) => {
                let v = vault_of(&db, v)?;
                Ok((200, json!(v.keys)))
            }
            ("POST", ["v1", "requests"]) => {
                let r: SignedRequest = body(&req.body)?;
                r.verify(now).map_err(|_| (400, "bad_request"))?;
                let nonce = r.request.nonce;
                db.requests.insert(nonce, r);
                Ok((201, json!({"reference": nonce})))
            }
            ("GET", ["v1", "requests", n]) => {
                let n: Nonce = n.parse().map_err(|_| (400, "bad_id"))?;
                let r = db.requests.get(&n).ok_or((404, "request_not_found"))?;
                if r.verify(now).is_err() {
                    return Err((404, "request_not_found"));
                }
                Ok((200, json!(r)))
            }
            ("GET", ["v1", "grants"]) => {
                let mine: Vec<&GrantStatus> = db
                    .vaults
                    .values()
                    .flat_map(|v| v.grants.iter())
                    .filter(|g| g.grant.grant.grantee.party_id() == caller)
                    .collect();
                Ok((200, json!({"grants": mine})))
            }
            (method, ["v1", "vaults", v, rest @ ..]) => {
                let vault_id: VaultId = v.parse().map_err(|_| (400, "bad_id"))?;
                let server = &self.server_identity;
                let vault = db
                    .vaults
                    .get_mut(&vault_id)
                    .ok_or((404, "vault_not_found"))?;
                let owner_keys = vault.keys.ok_or((404, "vault_not_found"))?;
                let is_owner = caller == owner_keys.party_id();
                let ctx = Call {
                    server,
                    caller,
                    signed: &signed,
                    now,
                    owner_keys,
                };
                if is_owner {
                    owner_route(vault, method, rest, query, &req.body, now)
                } else {
                    grantee_route(vault, &ctx, method, rest, &req.body)
                }
            }
            _ => Err((404, "not_found")),
        }
    }
}

struct Call<'a> {
    server: &'a Identity,
    caller: PartyId,
    signed: &'a crypto::http_sig::SignedCall,
    now: i64,
    owner_keys: PublicKeys,
}

fn owner_route(
    vault: &mut Vault,
    method: &str,
    rest: &[&str],
    query: &str,
    raw: &[u8],
    now: i64,
) -> Reply {
    match (method, rest) {
        ("POST", ["items"]) => {
            let b: ItemsBody = body(raw)?;
            let n = b.items.len();
            vault.items.extend(b.items.into_iter().map(|i| (i, now)));
            Ok((201, json!({"stored": n})))
        }
        ("GET", ["items"]) => Ok((200, page(vault.items.iter().map(|(i, _)| i), query))),
        ("POST", ["scope-keys"]) => {
            let b: KeysBody = body(raw)?;
            let n = b.keys.len();
            vault.scope_keys.extend(b.keys);
            Ok((201, json!({"stored": n})))
        }
        ("GET", ["scope-keys"]) => {
            let me = vault.keys.map(|k| k.party_id());
            let keys: Vec<_> = vault
                .scope_keys
                .iter()
                .filter(|k| Some(k.recipient) == me)
                .collect();
            Ok((200, json!({"keys": keys})))
        }
        ("POST", ["grants"]) => {
            let b: GrantBody = body(raw)?;
            let keys = vault.keys.ok_or((404, "vault_not_found"))?;
            let request = b
                .request
                .verify(now)
                .map_err(|_| (403, "request_expired"))?;
            b.grant.verify(&keys).map_err(|_| (403, "forged_grant"))?;
            b.grant
                .verify(&keys)
                .and_then(|g| g.check_answers(&request))
                .map_err(|_| (403, "widened_scope"))?;
            append_log(vault, b.log)?;
            vault.grants.push(GrantStatus {
                grant: b.grant.clone(),
                vault_keys: keys,
                revoked: None,
                uses: 0,
            });
            Ok((201, json!({"grant": b.grant.grant.id})))
        }
        ("GET", ["grants"]) => Ok((200, json!({"grants": vault.grants}))),
        ("POST", ["grants", _, "revoke"]) => {
            let b: RevokeBody = body(raw)?;
            let g = vault
                .grants
                .iter_mut()
                .find(|g| g.grant.grant.id == b.revocation.revocation.grant)
                .ok_or((404, "grant_not_found"))?;
            let already = g.revoked.is_some();
            g.revoked = Some(b.revocation);
            append_log(vault, b.log)?;
            Ok((200, json!({"already_revoked": already})))
        }
        ("POST", ["links"]) => {
            let b: LinkBody = body(raw)?;
            let e = &b.log.entry.event;
            if e.kind != EventKind::ShareLinkCreate || e.object != LogObject::Link(b.id) {
                return Err((422, "invalid_log_entry"));
            }
            if vault.links.contains_key(&b.id) {
                return Err((409, "link_exists"));
            }
            append_log(vault, b.log)?;
            vault.links.insert(b.id, false);
            Ok((201, Value::Null))
        }
        ("DELETE", ["links", id]) => {
            let id: LinkId = id.parse().map_err(|_| (400, "bad_id"))?;
            let b: RevokeLinkBody = body(raw)?;
            if *vault.links.get(&id).ok_or((404, "link_not_found"))? {
                return Ok((204, Value::Null));
            }
            let e = &b.log.entry.event;
            if e.kind != EventKind::Revoke || e.object != LogObject::Link(id) || e.grant.is_some() {
                return Err((422, "invalid_log_entry"));
            }
            append_log(vault, b.log)?;
            vault.links.insert(id, true);
            Ok((204, Value::Null))
        }
        ("GET", ["log"]) => {
            let from: usize = query
                .strip_prefix("from=")
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let entries = vault.log.get(from..).unwrap_or_default();
            Ok((200, json!({ "entries": entries })))
        }
        _ => Err((404, "not_found")),
    }
}

fn append_log(vault: &mut Vault, entry: SignedEntry) -> Result<(), (u16, &'static str)> {
    let head = vault.log.last().map(SignedEntry::head);
    let expected_seq = head.map_or(0, |h| h.seq + 1);
    let expected_prev = head.map_or(crypto::log::GENESIS_PREV, |h| h.hash);
    if entry.entry.seq != expected_seq || entry.entry.prev != expected_prev {
        return Err((409, "log_head_moved"));
    }
    vault.log.push(entry);
    Ok(())
}

fn grantee_route(
    vault: &mut Vault,
    c: &Call<'_>,
    method: &str,
    rest: &[&str],
    raw: &[u8],
) -> Reply {
    let status = vault
        .grants
        .iter()
        .rev()
        .find(|g| g.grant.grant.grantee.party_id() == c.caller)
        .cloned()
        .ok_or((403, "no_grant"))?;
    let grant = &status.grant.grant;
    let refuse = |code| Err((403, code));
    if status.revoked.is_some() {
        return refuse("grant_revoked");
    }
    if let crypto::Expiry::At(end) = grant.expiry {
        if c.now >= end {
            return refuse("grant_expired");
        }
    }
    if method == "GET" && rest == ["keys"] {
        return Ok((200, json!(vault.keys)));
    }
    let reads: Vec<Scope> = vault_client::vault::read_scopes(grant)
        .into_iter()
        .collect();
    let actor = Actor::Party {
        id: c.caller,
        role: grant.profile.role,
    };
    match (method, rest) {
        ("GET", ["items"]) => {
            if reads.is_empty() {
                return refuse("append_only");
            }
            let visible: Vec<SealedItem> = vault
                .items
                .iter()
                .filter(|(i, at)| {
                    reads.contains(&i.scope)
                        && (grant.history == crypto::History::Included || *at >= grant.not_before)
                })
                .map(|(i, _)| i.clone())
                .collect();
            log_read(vault, c, actor, grant.id);
            let next = vault.items.len();
            Ok((200, json!({"items": visible, "next": next, "more": false})))
        }
        ("GET", ["scope-keys"]) => {
            if reads.is_empty() {
                return refuse("append_only");
            }
            let keys: Vec<_> = vault
                .scope_keys
                .iter()
                .filter(|k| k.recipient == c.caller)
                .cloned()
                .collect();
            log_read(vault, c, actor, grant.id);
            Ok((200, json!({"keys": keys})))
        }
        ("GET", ["append-keys"]) => {
            let owner = vault
                .keys
                .as_ref()
                .ok_or((404, "unknown_vault"))?
                .party_id();
            let mine: Vec<&crypto::WrappedScopeKey> = vault
                .scope_keys
                .iter()
                .filter(|k| {
                    k.recipient == owner && grant.permissions.contains(k.scope, Mode::Append)
                })
                .collect();
            let keys: Vec<_> = mine
                .iter()
                .filter(|k| !mine.iter().any(|o| o.scope == k.scope && o.epoch > k.epoch))
                .map(|k| (*k).clone())
                .collect();
            Ok((200, json!({"keys": keys})))
        }
        ("POST", ["append"]) => {
            let b: ItemsBody = body(raw)?;
            if b.items
                .iter()
                .any(|i| !grant.permissions.contains(i.scope, Mode::Append))
            {
                return refuse("scope_not_granted");
            }
            let n = b.items.len();
            // As the real server: one entry per request, naming the items it stored.
            let object = match b.items.as_slice() {
                [] => return Err((400, "empty")),
                [one] => LogObject::Item {
                    scope: one.scope,
                    item: one.id,
                },
                many => LogObject::Items(
                    many.iter()
                        .map(|i| crypto::log::ItemRef {
                            scope: i.scope,
                            item: i.id,
                        })
                        .collect(),
                ),
            };
            vault.items.extend(b.items.into_iter().map(|i| (i, c.now)));
            server_log(
                vault,
                c,
                EventKind::Append,
                ActionCode::Create,
                actor,
                object,
                grant.id,
            );
            Ok((201, json!({"stored": n})))
        }
        _ => Err((404, "not_found")),
    }
}

/// Every read by a grantee, of items or of scope keys, is logged as an access to the vault.
fn log_read(vault: &mut Vault, c: &Call<'_>, actor: Actor, grant: crypto::GrantId) {
    server_log(
        vault,
        c,
        EventKind::Access,
        ActionCode::Read,
        actor,
        LogObject::Vault,
        grant,
    );
}

fn server_log(
    vault: &mut Vault,
    c: &Call<'_>,
    kind: EventKind,
    action: ActionCode,
    actor: Actor,
    object: LogObject,
    grant: crypto::GrantId,
) {
    let head = vault.log.last().map(SignedEntry::head);
    let event = Event {
        time: c.now,
        kind,
        action,
        actor,
        on_behalf_of: None,
        object,
        outcome: Outcome::Success,
        grant: Some(grant),
        proof: Some(c.signed.clone()),
    };
    let entry = SignedEntry::by_server(c.server, &c.owner_keys, head.as_ref(), event)
        .expect("valid server entry");
    vault.log.push(entry);
}

fn page<'a>(items: impl Iterator<Item = &'a SealedItem>, query: &str) -> Value {
    let after: usize = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("after="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let all: Vec<&SealedItem> = items.collect();
    let rest: Vec<&SealedItem> = all.iter().skip(after).take(2).copied().collect();
    let end = after + rest.len();
    json!({"items": rest, "next": end, "more": end < all.len()})
}

fn vault_of<'a>(db: &'a Db, v: &str) -> Result<&'a Vault, (u16, &'static str)> {
    let id: VaultId = v.parse().map_err(|_| (400, "bad_id"))?;
    db.vaults.get(&id).ok_or((404, "vault_not_found"))
}

fn body<T: for<'de> Deserialize<'de>>(raw: &[u8]) -> Result<T, (u16, &'static str)> {
    serde_json::from_slice(raw).map_err(|_| (400, "bad_body"))
}

#[derive(Deserialize)]
struct EnrolBody {
    keys: PublicKeys,
    #[serde(default)]
    profile: Option<Profile>,
}
#[derive(Deserialize)]
struct ItemsBody {
    items: Vec<SealedItem>,
}
#[derive(Deserialize)]
struct KeysBody {
    keys: Vec<WrappedScopeKey>,
}
#[derive(Deserialize)]
struct GrantBody {
    grant: SignedGrant,
    request: SignedRequest,
    log: SignedEntry,
}
#[derive(Deserialize)]
struct RevokeBody {
    revocation: SignedRevocation,
    log: SignedEntry,
}

#[derive(Deserialize)]
struct LinkBody {
    id: LinkId,
    log: SignedEntry,
}
#[derive(Deserialize)]
struct RevokeLinkBody {
    log: SignedEntry,
}

impl Transport for FakeServer {
    fn server(&self) -> &str {
        "https://rugzak.test"
    }

    fn send<'a>(&'a self, request: &'a HttpRequest) -> Sending<'a> {
        Box::pin(std::future::ready(self.answer(request)))
    }
}

impl FakeServer {
    /// Answers `request` at once (the fake is in process).
    pub fn answer(&self, request: &HttpRequest) -> Result<HttpResponse, Unreachable> {
        if !self.up.get() {
            return Err(Unreachable {
                server: self.server().into(),
                reason: "connection refused".into(),
            });
        }
        let (status, value) = match self.handle(request) {
            Ok(ok) => ok,
            Err((status, code)) => (status, json!({"code": code, "message": code})),
        };
        Ok(HttpResponse {
            status,
            body: serde_json::to_vec(&value).expect("json"),
        })
    }
}
