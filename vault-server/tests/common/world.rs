//! The world of the signed API tests: a [`Harness`] with an enrolled vault (the inwoner's key)
//! and an enrolled huisarts (GP), and the calls each of them makes on the vault's routes.

use axum::http::{Method, StatusCode};
use crypto::grant::GrantTerms;
use crypto::log::{ActionCode, Event, EventKind, LogObject, SignedEntry};
use crypto::{
    GrantId, Identity, ItemId, LinkId, Mode, Nonce, Scope, SealedItem, Sealing, SignedGrant,
    SignedRequest, WrappedScopeKey,
};
use rand_core::OsRng;
use serde_json::{json, Value};

use super::consent::{access_request, answer, gp_enrolment, vault_enrolment, vault_event};
use super::{harness, Harness, Reply, T0};

/// An item of 64 opaque bytes in `scope`.
pub fn item(scope: Scope, sealing: Sealing) -> SealedItem {
    SealedItem {
        id: ItemId::random(&mut OsRng),
        scope,
        sealing,
        ciphertext: vec![0xC1; 64],
    }
}

pub struct World {
    pub h: Harness,
    pub vault: Identity,
    pub gp: Identity,
}

impl World {
    pub async fn new() -> Self {
        Self::on(harness()).await
    }

    /// Enrols a new vault and a new GP on `h`.
    pub async fn on(h: Harness) -> Self {
        let w = World {
            h,
            vault: Identity::generate(&mut OsRng),
            gp: Identity::generate(&mut OsRng),
        };
        w.enrol(&w.vault, "/v1/vaults", &vault_enrolment(&w.vault))
            .await;
        w.enrol(&w.gp, "/v1/parties", &gp_enrolment(&w.gp)).await;
        w
    }

    async fn enrol(&self, who: &Identity, route: &str, body: &Value) {
        let r = self.h.signed(who, Method::POST, route, Some(body)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }

    /// `rest` under this vault's routes: `/v1/vaults/{vault}{rest}`.
    pub fn path(&self, rest: &str) -> String {
        format!("/v1/vaults/{}{rest}", self.vault.public().vault_id())
    }

    /// A GET signed by `who` on [`Self::path`]`(rest)`.
    pub async fn get(&self, who: &Identity, rest: &str) -> Reply {
        self.h
            .signed(who, Method::GET, &self.path(rest), None)
            .await
    }

    /// As [`Self::get`] with a chosen nonce (replay tests).
    pub async fn get_with_nonce(&self, who: &Identity, rest: &str, nonce: Nonce) -> Reply {
        let path = self.path(rest);
        self.h
            .signed_with(who, Method::GET, &path, None, nonce)
            .await
    }

    /// A POST of `body` signed by `who` on [`Self::path`]`(rest)`.
    pub async fn post(&self, who: &Identity, rest: &str, body: &Value) -> Reply {
        let path = self.path(rest);
        self.h.signed(who, Method::POST, &path, Some(body)).await
    }

    /// The owner stores `items`.
    pub async fn upload(&self, items: &[SealedItem]) {
        let r = self
            .post(&self.vault, "/items", &json!({ "items": items }))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }

    /// The consent log as the owner reads it back.
    pub async fn log(&self) -> Vec<SignedEntry> {
        let r = self.get(&self.vault, "/log").await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        serde_json::from_value(r.body["entries"].clone()).unwrap()
    }

    /// The event at the head of the consent log.
    pub async fn last_event(&self) -> Event {
        self.log().await.pop().unwrap().entry.event
    }

    /// The owner's log entry for `kind` on `object`, signed at the current head.
    pub async fn vault_entry(
        &self,
        kind: EventKind,
        object: LogObject,
        grant: Option<GrantId>,
    ) -> SignedEntry {
        let head = self.log().await.last().map(SignedEntry::head);
        let event = Event {
            object,
            grant,
            ..vault_event(&self.vault, self.h.now(), kind)
        };
        SignedEntry::by_vault(&self.vault, head.as_ref(), event).unwrap()
    }

    /// The owner's `revoke` entry for `object`, signed at the current head.
    pub async fn revoke_entry(&self, object: LogObject, grant: Option<GrantId>) -> SignedEntry {
        let mut entry = self.vault_entry(EventKind::Revoke, object, grant).await;
        entry.entry.event.action = ActionCode::Delete;
        entry.signature = self.vault.sign(crypto::log::DOMAIN_ENTRY, &entry.entry);
        entry
    }

    /// The GP's request for `perms` during 30 days, made now.
    pub fn access_request(&self, perms: &[(Scope, Mode)]) -> SignedRequest {
        access_request(&self.gp, perms, 30, self.h.now())
    }

    /// The GP hands its request to the server to be fetched by reference.
    pub async fn post_request(&self, request: &SignedRequest) -> Reply {
        let body = serde_json::to_value(request).unwrap();
        self.h
            .signed(&self.gp, Method::POST, "/v1/requests", Some(&body))
            .await
    }

    /// The owner submits grant `g` for `request`, with `log` as its consent-log entry.
    pub async fn submit_grant(
        &self,
        g: &SignedGrant,
        request: &SignedRequest,
        log: &SignedEntry,
    ) -> Reply {
        let body = json!({ "grant": g, "request": request, "log": log });
        self.post(&self.vault, "/grants", &body).await
    }

    /// The owner stores an intake item and grants the GP reading intake: the usual start of a
    /// test of what a reading grantee may do.
    pub async fn store_intake_and_grant_read(&self) -> SignedGrant {
        self.upload(&[item(Scope::Intake, Sealing::ScopeKey { epoch: 1 })])
            .await;
        self.grant(&[(Scope::Intake, Mode::Read)]).await
    }

    /// The GP asks for `perms` and the owner grants them as asked.
    pub async fn grant(&self, perms: &[(Scope, Mode)]) -> SignedGrant {
        self.grant_with(perms, |_| {}).await
    }

    /// The GP asks for `perms` and the owner grants them on the terms as changed by `terms`.
    pub async fn grant_with(
        &self,
        perms: &[(Scope, Mode)],
        terms: impl FnOnce(&mut GrantTerms),
    ) -> SignedGrant {
        let request = self.access_request(perms);
        let r = self.post_request(&request).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        let verified = request.verify(self.h.now()).unwrap();
        let g = answer(&self.vault, &verified, self.h.now(), terms);
        let permissions = LogObject::Permissions(g.grant.permissions.as_slice().to_vec());
        let log = self
            .vault_entry(EventKind::Grant, permissions, Some(g.grant.id))
            .await;
        let r = self.submit_grant(&g, &request, &log).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        g
    }

    /// `who` stores wrapped scope keys.
    pub async fn put_scope_keys(&self, who: &Identity, keys: &[WrappedScopeKey]) -> Reply {
        self.post(who, "/scope-keys", &json!({ "keys": keys }))
            .await
    }

    /// The owner makes a share link (open for ten minutes) and logs it.
    pub async fn make_link(&self, passcode: Option<&str>, max_uses: Option<u32>) -> LinkId {
        let id = LinkId::random(&mut OsRng);
        let log = self
            .vault_entry(EventKind::ShareLinkCreate, LogObject::Link(id), None)
            .await;
        let body = json!({"id": id, "sealed": "c2VhbGVk", "expires": T0 + 600, "max_uses": max_uses, "passcode": passcode, "log": log});
        let r = self.post(&self.vault, "/links", &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        id
    }

    /// `who` revokes share link `id` with `body` (the owner's log entry, if any).
    pub async fn delete_link(&self, who: &Identity, id: LinkId, body: Option<&Value>) -> Reply {
        let path = self.path(&format!("/links/{id}"));
        self.h.signed(who, Method::DELETE, &path, body).await
    }
}

impl Harness {
    /// A recipient opens share link `id`, with `passcode` if any.
    pub async fn open_link(&self, id: LinkId, passcode: Option<&str>) -> Reply {
        let body = json!({ "recipient": "x", "passcode": passcode });
        self.post(&format!("/v1/links/{id}"), &body, None).await
    }
}
