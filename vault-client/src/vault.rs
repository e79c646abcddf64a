//! The inwoner's vault: scope keys, items, grants, revocation with key rotation.

use std::collections::BTreeSet;

use crypto::encoding::UnixTime;
use crypto::log::{ActionCode, Event, EventKind, LogObject, SignedEntry};
use crypto::{
    Envelope, GrantId, GrantTerms, History, Identity, ItemId, ItemKind, ItemReader, LinkId, Mode,
    OpenedItem, Scope, ScopeKeyring, SealedItem, SignedGrant, SignedRequest, SignedRevocation,
    VaultId, WrappedScopeKey,
};
use rand_core::OsRng;

use crate::api::{Api, ApiError, GrantStatus};
use crate::consent::{self, LogError};
use crate::keystore::State;

/// A vault operation failed.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The server call failed.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The consent log did not verify.
    #[error(transparent)]
    Log(#[from] LogError),
    /// A scope key from the server did not open or verify.
    #[error("a scope key from the server does not verify ({0}); do not trust this server's copy")]
    BadScopeKey(crypto::OpenScopeKeyError),
    /// An item did not open or verify.
    #[error("item {id} cannot be opened: {reason}")]
    BadItem {
        /// The item.
        id: ItemId,
        /// Why.
        reason: crypto::OpenItemError,
    },
    /// The access request is invalid or expired.
    #[error("het verzoek is ongeldig of verlopen / the access request is invalid or expired: {0}")]
    BadRequest(#[from] crypto::request::RequestError),
    /// The chosen terms go beyond the request.
    #[error("deze keuze gaat verder dan gevraagd / these terms go beyond the request: {0}")]
    Terms(#[from] crypto::grant::TermsError),
    /// No such grant.
    #[error("toestemming {0} niet gevonden / grant {0} not found; see `rugzak grants`")]
    NoSuchGrant(GrantId),
    /// This home holds a professional, not a vault.
    #[error(
        "dit is geen rugzak van een inwoner / this home holds a professional key, not a vault"
    )]
    NotOwner,
    /// The share-link options are not acceptable.
    #[error("de deellink kan zo niet / the share link options are invalid: {0}")]
    Link(crypto::NewShareLinkError),
    /// A bug in this client.
    #[error("internal error: {0}")]
    Internal(&'static str),
}

/// One new item's content.
#[derive(Debug, Clone)]
pub struct NewItem {
    /// Its scope.
    pub scope: Scope,
    /// Its kind.
    pub kind: ItemKind,
    /// The body bytes (JSON or text).
    pub body: Vec<u8>,
}

/// Builds an envelope for `vault` authored by `author` at `now`.
#[must_use]
pub fn envelope(author: &Identity, vault: VaultId, item: NewItem, now: UnixTime) -> Envelope {
    Envelope {
        id: ItemId::random(&mut OsRng),
        vault,
        scope: item.scope,
        kind: item.kind,
        author: author.public(),
        created: now,
        body: item.body,
    }
}

/// The inwoner's side of the vault.
#[derive(Debug)]
pub struct Owner<'a> {
    api: &'a Api<'a>,
    identity: &'a Identity,
}

impl<'a> Owner<'a> {
    /// The owner `identity` talking through `api`.
    #[must_use]
    pub const fn new(api: &'a Api<'a>, identity: &'a Identity) -> Self {
        Self { api, identity }
    }

    /// The vault id.
    #[must_use]
    pub fn vault(&self) -> VaultId {
        self.identity.public().vault_id()
    }

    /// Enrols the vault and stores the first epoch of every scope key, wrapped for myself.
    pub fn create(&self) -> Result<(), VaultError> {
        self.api.enrol_vault()?;
        let keyring = ScopeKeyring::generate(&mut OsRng);
        let me = self.identity.public();
        let wrapped = keyring
            .iter()
            .map(|key| key.wrap(self.identity, &me))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| VaultError::Internal("wrapping a scope key"))?;
        self.api.put_scope_keys(self.vault(), wrapped)?;
        Ok(())
    }

    /// Every scope key of every epoch, fetched from the server (wrapped for me) and verified.
    pub fn keyring(&self) -> Result<ScopeKeyring, VaultError> {
        let me = self.identity.public();
        let mut keyring = ScopeKeyring::new();
        for wrapped in self.api.scope_keys(self.vault())? {
            let key = wrapped
                .open(self.identity, &me)
                .map_err(VaultError::BadScopeKey)?;
            keyring
                .insert(key)
                .map_err(|_| VaultError::Internal("two different keys for one epoch"))?;
        }
        Ok(keyring)
    }

    /// Seals `items` as one batch and stores them; returns their ids.
    pub fn add(&self, items: Vec<NewItem>) -> Result<Vec<ItemId>, VaultError> {
        let keyring = self.keyring()?;
        let now = self.api.now();
        let envelopes: Vec<Envelope> = items
            .into_iter()
            .map(|item| envelope(self.identity, self.vault(), item, now))
            .collect();
        let sealed = crypto::seal_batch(self.identity, &envelopes, &keyring, &mut OsRng)
            .map_err(|_| VaultError::Internal("sealing items"))?;
        self.api.put_items(self.vault(), sealed)?;
        Ok(envelopes.iter().map(|e| e.id).collect())
    }

    /// Fetches new items after the cached cursor into `state`.
    pub fn sync(&self, state: &mut State) -> Result<usize, VaultError> {
        let before = state.items.len();
        let mut known: BTreeSet<ItemId> = state.items.iter().map(|i| i.id).collect();
        loop {
            let page = self.api.items_page(self.vault(), state.cursor)?;
            for item in page.items {
                if known.insert(item.id) {
                    state.items.push(item);
                }
            }
            // Kept across syncs: the next one fetches only what was uploaded since.
            state.cursor = Some(page.next);
            if !page.more {
                break;
            }
        }
        Ok(state.items.len() - before)
    }

    /// Syncs, then opens and verifies every item (appended ones with my own key).
    pub fn items(&self, state: &mut State) -> Result<Vec<OpenedItem>, VaultError> {
        self.sync(state)?;
        let keyring = self.keyring()?;
        open_all(self.vault(), &keyring, Some(self.identity), &state.items)
    }

    /// Answers a verified request with `terms`: signs the grant and its log entry, submits
    /// both, and wraps the scope keys the grant reads for the grantee.
    pub fn grant(
        &self,
        state: &mut State,
        request: &SignedRequest,
        terms: GrantTerms,
    ) -> Result<SignedGrant, VaultError> {
        let now = self.api.now();
        let verified = request.verify(now)?;
        let signed = SignedGrant::answer(self.identity, &verified, terms, now, &mut OsRng)?;
        let grant = &signed.grant;
        let event = self.event(
            EventKind::Grant,
            ActionCode::Create,
            LogObject::Permissions(grant.permissions.as_slice().to_vec()),
            Some(grant.id),
        );
        self.submit_logged(state, event, |entry| {
            self.api.post_grant(&signed, request, entry).map(drop)
        })?;
        let keyring = self.keyring()?;
        let wrapped = self.wrap_for(&keyring, grant, None)?;
        if !wrapped.is_empty() {
            self.api.put_scope_keys(self.vault(), wrapped)?;
        }
        Ok(signed)
    }

    /// The vault's grants as the server reports them.
    pub fn grants(&self) -> Result<Vec<GrantStatus>, VaultError> {
        Ok(self.api.vault_grants(self.vault())?)
    }

    /// Revokes `grant`, then rotates every scope it could read and re-wraps the new keys
    /// for myself and every remaining active grant that reads that scope. Old items stay as
    /// they are: whoever read them may have kept them anyway; new items use the new epoch.
    /// Returns whether it was already revoked.
    pub fn revoke(&self, state: &mut State, grant: GrantId) -> Result<bool, VaultError> {
        let grants = self.grants()?;
        let target = grants
            .iter()
            .find(|g| g.grant.grant.id == grant)
            .ok_or(VaultError::NoSuchGrant(grant))?;
        let now = self.api.now();
        let revocation = SignedRevocation::sign(self.identity, grant, now);
        let event = self.event(
            EventKind::Revoke,
            ActionCode::Delete,
            LogObject::Permissions(target.grant.grant.permissions.as_slice().to_vec()),
            Some(grant),
        );
        let mut already = false;
        self.submit_logged(state, event, |entry| {
            already = self.api.revoke(&revocation, entry)?;
            Ok(())
        })?;
        let read_scopes: BTreeSet<Scope> = read_scopes(&target.grant.grant);
        if read_scopes.is_empty() {
            return Ok(already);
        }
        let mut keyring = self.keyring()?;
        let me = self.identity.public();
        let mut wrapped = Vec::new();
        for scope in &read_scopes {
            let key = keyring
                .rotate(*scope, &mut OsRng)
                .map_err(|_| VaultError::Internal("rotating a scope key"))?;
            wrapped.push(
                key.wrap(self.identity, &me)
                    .map_err(|_| VaultError::Internal("wrapping a scope key"))?,
            );
        }
        for other in grants
            .iter()
            .filter(|g| is_active(g, now) && g.grant.grant.id != grant)
        {
            wrapped.extend(self.wrap_for(&keyring, &other.grant.grant, Some(&read_scopes))?);
        }
        self.api.put_scope_keys(self.vault(), wrapped)?;
        Ok(already)
    }

    /// Seals the items of `scopes` (all when empty) under a new share link and registers it
    /// with a `share-link-create` log entry.
    pub fn share_link(
        &self,
        state: &mut State,
        scopes: &[Scope],
        options: crypto::LinkOptions,
        passcode: Option<&str>,
    ) -> Result<crypto::ShareLink, VaultError> {
        let items: Vec<OpenedItem> = self
            .items(state)?
            .into_iter()
            .filter(|i| scopes.is_empty() || scopes.contains(&i.envelope.scope))
            .collect();
        let selection = crypto::SharedSelection {
            owner: self.identity.public(),
            created: self.api.now(),
            items,
        };
        let link = crypto::ShareLink::generate(options, &mut OsRng).map_err(VaultError::Link)?;
        let sealed = link
            .seal(&selection, &mut OsRng)
            .map_err(|_| VaultError::Internal("sealing a share link"))?;
        let event = self.event(
            EventKind::ShareLinkCreate,
            ActionCode::Create,
            LogObject::Link(link.id()),
            None,
        );
        self.submit_logged(state, event, |entry| {
            self.api.post_link(
                self.vault(),
                &crate::api::NewLink {
                    id: link.id(),
                    sealed: &sealed,
                    expires: link.expires(),
                    max_uses: link.max_uses(),
                    passcode,
                    log: entry,
                },
            )
        })?;
        Ok(link)
    }

    /// Revokes share link `link` with a `revoke` log entry naming it, in one write on the
    /// server. Revoking a revoked link succeeds again without a second entry; an unknown link
    /// is refused with `link_not_found`.
    pub fn revoke_link(&self, state: &mut State, link: LinkId) -> Result<(), VaultError> {
        let event = self.event(
            EventKind::Revoke,
            ActionCode::Delete,
            LogObject::Link(link),
            None,
        );
        self.submit_logged(state, event, |entry| {
            self.api.revoke_link(self.vault(), link, entry)
        })
    }

    /// Wraps for the grantee the keys of the scopes `grant` reads (only `only` if given):
    /// every epoch when history is included, else the current one.
    fn wrap_for(
        &self,
        keyring: &ScopeKeyring,
        grant: &crypto::Grant,
        only: Option<&BTreeSet<Scope>>,
    ) -> Result<Vec<WrappedScopeKey>, VaultError> {
        let scopes = read_scopes(grant);
        let mut out = Vec::new();
        for scope in scopes.iter().filter(|s| only.is_none_or(|o| o.contains(s))) {
            let keys: Vec<_> = match (grant.history, only) {
                (History::Included, None) => {
                    keyring.iter().filter(|k| k.scope() == *scope).collect()
                }
                _ => keyring.current(*scope).into_iter().collect(),
            };
            for key in keys {
                out.push(
                    key.wrap(self.identity, &grant.grantee)
                        .map_err(|_| VaultError::Internal("wrapping a scope key"))?,
                );
            }
        }
        Ok(out)
    }

    fn event(
        &self,
        kind: EventKind,
        action: ActionCode,
        object: LogObject,
        grant: Option<GrantId>,
    ) -> Event {
        let me = self.identity.public().party_id();
        Event::by_inwoner(me, self.api.now(), kind, action, object, grant)
    }

    /// Signs `event` at the verified head and calls `submit`; when the head moved meanwhile
    /// (an access was logged), verifies again and re-signs, a few times at most.
    fn submit_logged(
        &self,
        state: &mut State,
        event: Event,
        mut submit: impl FnMut(&SignedEntry) -> Result<(), ApiError>,
    ) -> Result<(), VaultError> {
        const ATTEMPTS: usize = 5;
        for _ in 0..ATTEMPTS {
            let verified = consent::fetch_verified(self.api, self.identity, state)?;
            let head = verified.last().map(SignedEntry::head);
            let entry = SignedEntry::by_vault(self.identity, head.as_ref(), event.clone())
                .map_err(|_| VaultError::Internal("log entry breaks the log rules"))?;
            match submit(&entry) {
                Err(e) if e.code() == Some("log_head_moved") => continue,
                other => return other.map_err(VaultError::from),
            }
        }
        Err(VaultError::Api(ApiError::Refused {
            status: 409,
            code: "log_head_moved".into(),
            message: "the consent log kept moving; try again".into(),
        }))
    }
}

/// Scopes `grant` may read.
#[must_use]
pub fn read_scopes(grant: &crypto::Grant) -> BTreeSet<Scope> {
    grant
        .permissions
        .as_slice()
        .iter()
        .filter(|p| p.mode == Mode::Read)
        .map(|p| p.scope)
        .collect()
}

/// Whether a reported grant is neither revoked nor expired at `now`.
#[must_use]
pub fn is_active(status: &GrantStatus, now: UnixTime) -> bool {
    status.revoked.is_none()
        && match status.grant.grant.expiry {
            crypto::Expiry::At(end) => now < end,
            crypto::Expiry::Lifelong => true,
        }
}

/// Opens every item; any item that fails to open or verify fails the whole listing, except
/// items under a scope-key epoch this reader holds no key for (skipped: a revoked reader).
pub fn open_all(
    vault: VaultId,
    keyring: &ScopeKeyring,
    identity: Option<&Identity>,
    items: &[SealedItem],
) -> Result<Vec<OpenedItem>, VaultError> {
    let mut reader = ItemReader::new(vault, keyring);
    if let Some(identity) = identity {
        reader = reader.with_identity(identity);
    }
    let mut out = Vec::new();
    for sealed in items {
        match reader.open(sealed) {
            Ok(item) => out.push(item),
            Err(crypto::OpenItemError::NoScopeKey { .. } | crypto::OpenItemError::NoIdentity) => {}
            Err(reason) => {
                return Err(VaultError::BadItem {
                    id: sealed.id,
                    reason,
                })
            }
        }
    }
    Ok(out)
}
