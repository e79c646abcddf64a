//! The inwoner's vault: scope keys, items, grants, revocation with key rotation.
//!
//! What the server says about consent is never what decides who gets a key: the grants,
//! revocations and newest epochs come from the device's [`ConsentState`], kept in step with
//! the verified consent log (`refresh`). The server's copies are checked against it.

use std::collections::{BTreeSet, HashMap};

use crypto::encoding::UnixTime;
use crypto::log::{ActionCode, Event, EventKind, LogObject, SignedEntry};
use crypto::{
    Envelope, GrantId, GrantTerms, History, Identity, ItemId, ItemKind, ItemReader, LinkId,
    OpenedItem, Scope, ScopeKeyring, SealedItem, SignedGrant, SignedRequest, SignedRevocation,
    VaultId, WrappedScopeKey,
};
use rand_core::OsRng;

use crate::api::{Api, ApiError};
use crate::consent::{self, LogError};
use crate::consent_state::{Authorship, ConsentState, GrantRecord, Notice, CONSENT_VERSION};
use crate::state::State;

pub use crate::consent_state::read_scopes;

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
    /// The server does not show the newest key of a scope that this device knows of: it
    /// withholds it, so that new items would be sealed under an older key.
    #[error("the server withholds the newest key of {scope} (has {got:?}, expected {expected}); nothing was stored")]
    EpochWithheld {
        /// The scope.
        scope: Scope,
        /// The newest epoch this device knows.
        expected: u32,
        /// The newest the server showed.
        got: Option<u32>,
    },
    /// The consent log names a grant whose signed copy the server does not give.
    #[error("the server hides grant {0} that the consent log names")]
    GrantWithheld(GrantId),
    /// The revoke is in force (the server refuses the grantee from now on), but the new keys
    /// could not be stored yet; the next command stores them.
    #[error("grant {grant} is revoked, but the new keys are not stored yet ({cause}); the next command finishes that")]
    RevokeUnfinished {
        /// The revoked grant.
        grant: GrantId,
        /// Why the keys were not stored.
        cause: Box<VaultError>,
    },
    /// An item did not open or verify.
    #[error("item {id} cannot be opened: {reason}")]
    BadItem {
        /// The item.
        id: ItemId,
        /// Why.
        reason: crypto::OpenItemError,
    },
    /// The access request is invalid or expired.
    #[error("the access request is invalid or expired: {0}")]
    BadRequest(#[from] crypto::request::RequestError),
    /// The chosen terms go beyond the request.
    #[error("these terms go beyond the request: {0}")]
    Terms(#[from] crypto::grant::TermsError),
    /// No such grant.
    #[error("grant {0} not found")]
    NoSuchGrant(GrantId),
    /// This home holds a professional, not a vault.
    #[error("this home holds a professional key, not a vault")]
    NotOwner,
    /// The share-link options are not acceptable.
    #[error("the share link options are invalid: {0}")]
    Link(crypto::NewShareLinkError),
    /// A bug in this client.
    #[error("internal error: {0}")]
    Internal(&'static str),
}

impl VaultError {
    /// A stable code for scripts and tests.
    #[must_use]
    pub fn code(&self) -> &str {
        match self {
            Self::Api(e) => e.stable_code(),
            Self::Log(e) => e.code(),
            Self::BadScopeKey(_) => "bad_scope_key",
            Self::EpochWithheld { .. } => "epoch_withheld",
            Self::GrantWithheld(_) => "grant_withheld",
            Self::RevokeUnfinished { .. } => "revoke_unfinished",
            Self::BadItem { .. } => "bad_item",
            Self::BadRequest(_) => "bad_request",
            Self::Terms(_) => "terms_too_wide",
            Self::NoSuchGrant(_) => "no_such_grant",
            Self::NotOwner => "not_owner",
            Self::Link(_) => "bad_link_options",
            Self::Internal(_) => "internal",
        }
    }
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

/// Why an item is listed apart instead of among the rugzakje's items.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApartReason {
    /// It does not open or verify.
    #[error("cannot be opened: {0}")]
    Unreadable(crypto::OpenItemError),
    /// Its author held no append grant for its scope at its time.
    #[error("written by someone without consent ({0})")]
    Unentitled(crypto::PartyId),
}

impl ApartReason {
    /// A stable code.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Unreadable(_) => "unreadable",
            Self::Unentitled(_) => "unentitled_author",
        }
    }
}

/// An item that is not shown among the others, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Apart {
    /// The item.
    pub id: ItemId,
    /// Its scope (as stored).
    pub scope: Scope,
    /// Why.
    pub reason: ApartReason,
}

/// Every item of a rugzakje: the verified ones, and the rest apart with the reason. One bad
/// item never hides the others.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// Items that opened and whose author was entitled.
    pub items: Vec<OpenedItem>,
    /// Items that did not open, or whose author was not entitled.
    pub apart: Vec<Apart>,
}

/// A grant of this vault as the device knows it, with the server's use count.
#[derive(Debug, Clone)]
pub struct OwnGrant {
    /// The signed grant.
    pub grant: SignedGrant,
    /// When it was revoked.
    pub revoked: Option<UnixTime>,
    /// How often it was used, as the server counts (`None` if the server does not show it).
    pub uses: Option<u32>,
    /// Learned in a rebuild and not confirmed by the inwoner yet: it gets no new keys.
    pub unconfirmed: bool,
}

/// Whether a grant is neither revoked nor expired at `now`.
#[must_use]
pub fn is_active(grant: &OwnGrant, now: UnixTime) -> bool {
    grant.revoked.is_none() && grant.grant.grant.is_active(now)
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

    /// Enrols the vault, stores the first epoch of every scope key wrapped for myself, and
    /// starts the consent state with the server's log key pinned.
    pub async fn create(&self, state: &mut State) -> Result<(), VaultError> {
        self.api.enrol_vault().await?;
        let server = self.api.server_keys().await?;
        let keyring = ScopeKeyring::generate(&mut OsRng);
        let me = self.identity.public();
        let wrapped = keyring
            .iter()
            .map(|key| key.wrap(self.identity, &me))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| VaultError::Internal("wrapping a scope key"))?;
        self.api.put_scope_keys(self.vault(), wrapped).await?;
        state.consent = ConsentState::new(server);
        Ok(())
    }

    /// Brings the consent state up to date with the verified log (rebuilding it first when
    /// this device has none), turns expired grants into owed rotations, checks the server's
    /// keyring against the newest epochs known, and finishes every owed rotation (an
    /// interrupted revoke, an expiry, a rebuild). Returns the checked keyring.
    pub async fn refresh(&self, state: &mut State) -> Result<ScopeKeyring, VaultError> {
        let rebuilding = !state.consent.built || state.consent.version != CONSENT_VERSION;
        if rebuilding {
            // Keep a key pinned by an earlier attempt at this rebuild.
            let pinned = state.consent.server_log_key;
            state.consent = ConsentState {
                server_log_key: pinned,
                ..ConsentState::default()
            };
        }
        let seen = self.sync_log(state).await?;
        let now = self.api.now();
        let next_seq = state.log_head.map_or(0, |h| h.seq.saturating_add(1));
        for id in state.consent.expire(now, next_seq) {
            state.notices.push(Notice::Expired(id));
        }
        let mut keyring = self.keyring(state).await?;
        if rebuilding {
            // A rebuilt state cannot know whether the server withheld the newest epoch, nor
            // whether the log it was shown lacks a later revoke: start a fresh epoch for every
            // scope, for the owner alone; grants in force get it once she confirms them.
            state.consent.hold_for_confirmation();
            state.consent.rotate.extend(Scope::ALL);
            state.consent.built = true;
            state.consent.version = CONSENT_VERSION;
            state.notices.push(Notice::Rebuilt);
        } else {
            state
                .notices
                .extend(seen.into_iter().map(Notice::RevokeSeen));
        }
        // A revoke she decided on that the log does not show (never taken by the server, or
        // hidden by it): send it again. Its grant gets no key meanwhile.
        let unsent: Vec<GrantId> = state
            .consent
            .revoking
            .iter()
            .copied()
            .filter(|id| {
                state
                    .consent
                    .grant(*id)
                    .is_some_and(|g| g.revoked.is_none())
            })
            .collect();
        for id in unsent {
            self.submit_revoke(state, id).await?;
        }
        let finishing = state.consent.pending_revokes.clone();
        if let Err(cause) = self.finish_rotations(state, &mut keyring).await {
            return Err(match finishing.first() {
                Some(grant) => VaultError::RevokeUnfinished {
                    grant: *grant,
                    cause: Box::new(cause),
                },
                None => cause,
            });
        }
        state
            .notices
            .extend(finishing.into_iter().map(Notice::RevokeFinished));
        if rebuilding {
            state.consent.confirm_from = state.consent.epochs.clone();
        }
        Ok(keyring)
    }

    /// Fetches the log entries after the stored head, verifies them with the pinned server
    /// key, applies the owner-signed grant and revoke entries to the consent state, and only
    /// then moves the stored head on.
    async fn sync_log(&self, state: &mut State) -> Result<Vec<GrantId>, VaultError> {
        let fetched = consent::fetch_new(self.api, self.identity, state)
            .await
            .map_err(|e| match e {
                LogError::Api(api) => VaultError::Api(api),
                other => VaultError::Log(other),
            })?;
        // The signed grants of grant entries this device does not know yet (made on another
        // device, or before a rebuild) come from the server's list, checked against the vault
        // key and the entry's permissions.
        let unknown = fetched.entries.iter().any(|e| {
            e.entry.event.kind == EventKind::Grant
                && e.entry
                    .event
                    .grant
                    .is_some_and(|id| state.consent.grant(id).is_none())
        });
        let server_grants = if unknown {
            self.api.vault_grants(self.vault()).await?
        } else {
            Vec::new()
        };
        let me = self.identity.public();
        let lookup = |id: GrantId| -> Option<SignedGrant> {
            server_grants
                .iter()
                .find(|g| g.grant.grant.id == id && g.grant.verify(&me).is_ok())
                .map(|g| g.grant.clone())
        };
        // Applied to a copy, kept only whole: a state is never saved half-applied.
        let mut next = state.consent.clone();
        let seen = next.apply(&fetched.entries, &lookup).map_err(|e| match e {
            crate::consent_state::ApplyError::GrantWithheld(id) => VaultError::GrantWithheld(id),
        })?;
        state.consent = next;
        state.log_head = fetched.head;
        Ok(seen)
    }

    /// Every scope key of every epoch, fetched from the server (wrapped for me), verified, and
    /// checked to reach the newest epoch this device knows of.
    async fn keyring(&self, state: &mut State) -> Result<ScopeKeyring, VaultError> {
        let me = self.identity.public();
        let mut keyring = ScopeKeyring::new();
        for wrapped in self.api.scope_keys(self.vault()).await? {
            let key = wrapped
                .open(self.identity, &me)
                .map_err(VaultError::BadScopeKey)?;
            keyring
                .insert(key)
                .map_err(|_| VaultError::Internal("two different keys for one epoch"))?;
        }
        for scope in Scope::ALL {
            let got = keyring.current(scope).map(crypto::ScopeKey::epoch);
            match (state.consent.epochs.get(&scope).copied(), got) {
                (Some(expected), got) if got.is_none_or(|g| g < expected) => {
                    return Err(VaultError::EpochWithheld {
                        scope,
                        expected,
                        got,
                    })
                }
                (_, Some(got)) => {
                    state.consent.epochs.insert(scope, got);
                }
                (None, None) => {
                    return Err(VaultError::Internal("the vault has no key for a scope"))
                }
                _ => {}
            }
        }
        Ok(keyring)
    }

    /// Rotates every scope owed a fresh epoch, wraps the new key for myself and every grant
    /// in force that reads the scope (from the consent state, never the server's list), and
    /// stores them. Only once they are stored is the rotation done.
    async fn finish_rotations(
        &self,
        state: &mut State,
        keyring: &mut ScopeKeyring,
    ) -> Result<(), VaultError> {
        let owed: Vec<Scope> = state.consent.rotate.iter().copied().collect();
        if owed.is_empty() {
            // A revoke of a grant that read nothing owes no key.
            state.consent.pending_revokes.clear();
            return Ok(());
        }
        let me = self.identity.public();
        let now = self.api.now();
        // Another device of this inwoner may have taken the next epoch meanwhile (the server
        // keeps the owner's key of an epoch write-once): then fetch again and rotate past it.
        let mut attempt = 0;
        let epochs = loop {
            let mut ring = keyring.clone();
            let mut wrapped = Vec::new();
            let mut epochs = Vec::new();
            for scope in &owed {
                let key = ring
                    .rotate(*scope, &mut OsRng)
                    .map_err(|_| VaultError::Internal("rotating a scope key"))?;
                epochs.push((*scope, key.epoch()));
                let mut recipients = vec![me];
                recipients.extend(
                    state
                        .consent
                        .readers(*scope, now)
                        .map(|g| g.grant.grant.grantee),
                );
                for recipient in &recipients {
                    wrapped.push(
                        key.wrap(self.identity, recipient)
                            .map_err(|_| VaultError::Internal("wrapping a scope key"))?,
                    );
                }
            }
            match self.api.put_scope_keys(self.vault(), wrapped).await {
                Ok(()) => {
                    *keyring = ring;
                    break epochs;
                }
                Err(e) if e.code() == Some("epoch_taken") && attempt < 2 => {
                    attempt += 1;
                    *keyring = self.keyring(state).await?;
                }
                Err(e) => return Err(e.into()),
            }
        };
        state.consent.epochs.extend(epochs);
        state.consent.rotate.clear();
        state.consent.pending_revokes.clear();
        state.notices.push(Notice::Rotated(owed));
        Ok(())
    }

    /// Grants a rebuild learned from the log and that wait for the inwoner's confirmation
    /// before they get new keys (see [`Self::confirm`]).
    #[must_use]
    pub fn unconfirmed<'s>(&self, state: &'s State) -> Vec<&'s GrantRecord> {
        state
            .consent
            .grants
            .iter()
            .filter(|g| state.consent.unconfirmed.contains(&g.grant.grant.id))
            .collect()
    }

    /// The inwoner confirms that `grants` (learned in a rebuild) are still hers to keep:
    /// they become readers again and get the current key of every scope they may read.
    pub async fn confirm(&self, state: &mut State, grants: &[GrantId]) -> Result<(), VaultError> {
        let keyring = self.refresh(state).await?;
        let now = self.api.now();
        let mut wrapped = Vec::new();
        for id in grants {
            if !state.consent.unconfirmed.remove(id) {
                continue;
            }
            let Some(record) = state.consent.grant(*id).filter(|g| g.is_active(now)) else {
                continue;
            };
            for scope in record.read_scopes() {
                // Every epoch since the rebuild (the grant held the older ones already).
                let from = state.consent.confirm_from.get(&scope).copied().unwrap_or(0);
                for key in keyring
                    .iter()
                    .filter(|k| k.scope() == scope && k.epoch() >= from)
                {
                    wrapped.push(
                        key.wrap(self.identity, &record.grant.grant.grantee)
                            .map_err(|_| VaultError::Internal("wrapping a scope key"))?,
                    );
                }
            }
        }
        if !wrapped.is_empty() {
            self.api.put_scope_keys(self.vault(), wrapped).await?;
        }
        Ok(())
    }

    /// Seals `items` as one batch and stores them; returns their ids.
    pub async fn add(
        &self,
        state: &mut State,
        items: Vec<NewItem>,
    ) -> Result<Vec<ItemId>, VaultError> {
        let keyring = self.refresh(state).await?;
        let now = self.api.now();
        let envelopes: Vec<Envelope> = items
            .into_iter()
            .map(|item| envelope(self.identity, self.vault(), item, now))
            .collect();
        let sealed = crypto::seal_batch(self.identity, &envelopes, &keyring, &mut OsRng)
            .map_err(|_| VaultError::Internal("sealing items"))?;
        self.api.put_items(self.vault(), sealed).await?;
        Ok(envelopes.iter().map(|e| e.id).collect())
    }

    /// Fetches new items after the cached cursor into `state`.
    pub async fn sync(&self, state: &mut State) -> Result<usize, VaultError> {
        let before = state.items.len();
        let mut known: BTreeSet<ItemId> = state.items.iter().map(|i| i.id).collect();
        loop {
            let page = self.api.items_page(self.vault(), state.cursor).await?;
            for item in page.items {
                if known.insert(item.id) {
                    state.items.push(item);
                }
            }
            // A page that does not move on cannot be followed (a server that says "more" for
            // ever would hold the client in a loop).
            let moved = state.cursor.is_none_or(|c| page.next > c);
            // Kept across syncs: the next one fetches only what was uploaded since.
            state.cursor = Some(page.next);
            if !page.more || !moved {
                break;
            }
        }
        Ok(state.items.len() - before)
    }

    /// Syncs, then opens and verifies every item: the ones whose author was entitled, and
    /// apart, with the reason, every item that does not open or whose author was not.
    pub async fn listing(&self, state: &mut State) -> Result<Listing, VaultError> {
        // Items first: the server logs an append in the write that stores it, so the log
        // fetched afterwards names every appended item fetched here.
        self.sync(state).await?;
        let keyring = self.refresh(state).await?;
        Ok(open_owned(
            self.identity,
            &keyring,
            &state.consent,
            &state.items,
        ))
    }

    /// [`Self::listing`], opening only what `opened` does not hold yet (see [`Opened`]).
    pub async fn listing_memo(
        &self,
        state: &mut State,
        opened: &mut Opened,
    ) -> Result<Listing, VaultError> {
        self.sync(state).await?;
        let keyring = self.refresh(state).await?;
        Ok(open_owned_memo(
            self.identity,
            &keyring,
            &state.consent,
            &state.items,
            Some(opened),
        ))
    }

    /// The verified items only (see [`Self::listing`] for the ones apart).
    pub async fn items(&self, state: &mut State) -> Result<Vec<OpenedItem>, VaultError> {
        Ok(self.listing(state).await?.items)
    }

    /// Answers a verified request with `terms`: signs the grant and its log entry, submits
    /// both, and wraps for the grantee the scope keys the grant reads: every epoch with
    /// history, else a fresh epoch (so it cannot open anything written before).
    pub async fn grant(
        &self,
        state: &mut State,
        request: &SignedRequest,
        terms: GrantTerms,
    ) -> Result<SignedGrant, VaultError> {
        let mut keyring = self.refresh(state).await?;
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
        self.submit_logged(
            state,
            event,
            Submission::Grant {
                grant: &signed,
                request,
            },
            |state, entry| state.consent.add_grant(signed.clone(), entry.entry.seq),
        )
        .await?;
        let reads = read_scopes(grant);
        match grant.history {
            History::FromNow => {
                // A fresh epoch, wrapped for every reader in force (the new grantee too).
                state.consent.rotate.extend(reads);
                self.finish_rotations(state, &mut keyring).await?;
            }
            History::Included => {
                let wrapped = reads
                    .iter()
                    .flat_map(|scope| keyring.iter().filter(move |k| k.scope() == *scope))
                    .map(|key| key.wrap(self.identity, &grant.grantee))
                    .collect::<Result<Vec<WrappedScopeKey>, _>>()
                    .map_err(|_| VaultError::Internal("wrapping a scope key"))?;
                if !wrapped.is_empty() {
                    self.api.put_scope_keys(self.vault(), wrapped).await?;
                }
            }
        }
        Ok(signed)
    }

    /// The vault's grants as this device knows them (signed by this vault), with the server's
    /// use counts. Grants the server shows beyond these are not listed: the vault never
    /// signed them, or the log does not name them.
    pub async fn grants(&self, state: &mut State) -> Result<Vec<OwnGrant>, VaultError> {
        self.refresh(state).await?;
        let server = self.api.vault_grants(self.vault()).await?;
        Ok(state
            .consent
            .grants
            .iter()
            .map(|record: &GrantRecord| OwnGrant {
                grant: record.grant.clone(),
                revoked: record.revoked,
                unconfirmed: state.consent.unconfirmed.contains(&record.grant.grant.id),
                uses: server
                    .iter()
                    .find(|s| s.grant.grant.id == record.grant.grant.id)
                    .map(|s| s.uses),
            })
            .collect())
    }

    /// Records that the inwoner decided to revoke `grant` (no I/O): from now on it gets no
    /// key, and until the log shows the revoke every refresh sends it (again). A shell that
    /// stores its state calls this and stores the state before [`Self::revoke`], so that a
    /// process killed in between cannot forget the decision.
    pub fn intend_revoke(&self, state: &mut State, grant: GrantId) -> Result<(), VaultError> {
        state
            .consent
            .grant(grant)
            .ok_or(VaultError::NoSuchGrant(grant))?;
        state.consent.revoking.insert(grant);
        Ok(())
    }

    /// Revokes `grant` (one this vault signed), then rotates every scope it could read and
    /// wraps the new keys for myself and every grant still in force that reads the scope.
    /// The revoke is done only once the new keys are stored; if that step is interrupted,
    /// the next command finishes it. Old items stay as they are: whoever read them may have
    /// kept them anyway; new items use the new epoch. Returns whether it was revoked before.
    pub async fn revoke(&self, state: &mut State, grant: GrantId) -> Result<bool, VaultError> {
        let revoked_before = state.consent.grant(grant).map(|g| g.revoked.is_some());
        if revoked_before.is_some() {
            state.consent.revoking.insert(grant);
        }
        // A revoke already decided is sent by the refresh itself; that is this revoke, not
        // an earlier one to tell about.
        let mut keyring = self.refresh(state).await?;
        state
            .notices
            .retain(|n| *n != Notice::RevokeFinished(grant));
        let record = state
            .consent
            .grant(grant)
            .ok_or(VaultError::NoSuchGrant(grant))?;
        if record.revoked.is_some() {
            return Ok(revoked_before == Some(true));
        }
        state.consent.revoking.insert(grant);
        let already = self.submit_revoke(state, grant).await?;
        self.finish_rotations(state, &mut keyring)
            .await
            .map_err(|cause| VaultError::RevokeUnfinished {
                grant,
                cause: Box::new(cause),
            })?;
        Ok(already)
    }

    /// Signs and sends the revocation of `grant` with its `revoke` log entry; once the server
    /// accepts, the grant is revoked in the consent state and its read scopes owe a fresh
    /// epoch. Returns whether the server had it revoked already.
    async fn submit_revoke(&self, state: &mut State, grant: GrantId) -> Result<bool, VaultError> {
        let record = state
            .consent
            .grant(grant)
            .ok_or(VaultError::NoSuchGrant(grant))?;
        let permissions = record.grant.grant.permissions.as_slice().to_vec();
        let now = self.api.now();
        let revocation = SignedRevocation::sign(self.identity, grant, now);
        let event = self.event(
            EventKind::Revoke,
            ActionCode::Delete,
            LogObject::Permissions(permissions),
            Some(grant),
        );
        self.submit_logged(
            state,
            event,
            Submission::Revoke(&revocation),
            |state, entry| {
                state.consent.revoke(grant, now, entry.entry.seq);
                state.consent.pending_revokes.insert(grant);
            },
        )
        .await
    }

    /// Seals the items of `scopes` (all when empty) under a new share link and registers it
    /// with a `share-link-create` log entry.
    pub async fn share_link(
        &self,
        state: &mut State,
        scopes: &[Scope],
        options: crypto::LinkOptions,
        passcode: Option<&str>,
    ) -> Result<crypto::ShareLink, VaultError> {
        let items: Vec<OpenedItem> = self
            .items(state)
            .await?
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
        self.submit_logged(
            state,
            event,
            Submission::Link {
                link: &link,
                sealed: &sealed,
                passcode,
            },
            |_, _| {},
        )
        .await?;
        Ok(link)
    }

    /// Revokes share link `link` with a `revoke` log entry naming it, in one write on the
    /// server. Revoking a revoked link succeeds again without a second entry; an unknown link
    /// is refused with `link_not_found`.
    pub async fn revoke_link(&self, state: &mut State, link: LinkId) -> Result<(), VaultError> {
        self.refresh(state).await?;
        let event = self.event(
            EventKind::Revoke,
            ActionCode::Delete,
            LogObject::Link(link),
            None,
        );
        self.submit_logged(state, event, Submission::RevokeLink(link), |_, _| {})
            .await?;
        Ok(())
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

    /// Signs `event` at the verified head and submits it with `what`; when the head moved
    /// meanwhile (an access was logged), verifies and applies what is new and re-signs, a few
    /// times at most. Once the server accepts, `accepted` records the change in the consent
    /// state and the stored head moves on past the new entry (fetched and verified like any
    /// other: a server may accept without logging, e.g. a second revoke of one link).
    /// Returns whether the server said it was done before (a revoke).
    async fn submit_logged(
        &self,
        state: &mut State,
        event: Event,
        what: Submission<'_>,
        accepted: impl FnOnce(&mut State, &SignedEntry),
    ) -> Result<bool, VaultError> {
        const ATTEMPTS: usize = 5;
        for _ in 0..ATTEMPTS {
            self.sync_log(state).await?;
            let entry =
                SignedEntry::by_vault(self.identity, state.log_head.as_ref(), event.clone())
                    .map_err(|_| VaultError::Internal("log entry breaks the log rules"))?;
            let sent = match &what {
                Submission::Grant { grant, request } => self
                    .api
                    .post_grant(grant, request, &entry)
                    .await
                    .map(|_| false),
                Submission::Revoke(revocation) => self.api.revoke(revocation, &entry).await,
                Submission::Link {
                    link,
                    sealed,
                    passcode,
                } => {
                    let new = crate::api::NewLink {
                        id: link.id(),
                        sealed,
                        expires: link.expires(),
                        max_uses: link.max_uses(),
                        passcode: *passcode,
                        log: &entry,
                    };
                    self.api.post_link(self.vault(), &new).await.map(|()| false)
                }
                Submission::RevokeLink(link) => self
                    .api
                    .revoke_link(self.vault(), *link, &entry)
                    .await
                    .map(|()| false),
            };
            match sent {
                Err(e) if e.code() == Some("log_head_moved") => continue,
                Err(e) => return Err(e.into()),
                Ok(before) => {
                    accepted(state, &entry);
                    self.sync_log(state).await?;
                    return Ok(before);
                }
            }
        }
        Err(VaultError::Api(ApiError::Refused {
            status: 409,
            code: "log_head_moved".into(),
            message: "the consent log kept moving; try again".into(),
            remaining: None,
        }))
    }
}

/// What an owner-signed log entry is submitted with.
enum Submission<'s> {
    /// A grant and the request it answers.
    Grant {
        grant: &'s SignedGrant,
        request: &'s SignedRequest,
    },
    /// A revocation.
    Revoke(&'s SignedRevocation),
    /// A new share link, its sealed selection and passcode.
    Link {
        link: &'s crypto::ShareLink,
        sealed: &'s [u8],
        passcode: Option<&'s str>,
    },
    /// The revocation of a share link.
    RevokeLink(LinkId),
}

/// The owner's view of `items`: every item opened with `keyring` (appended ones with the
/// owner's identity) and judged against `consent`; what does not open, or whose author held
/// no append grant for its scope at its time, is apart with the reason.
#[must_use]
pub fn open_owned(
    owner: &Identity,
    keyring: &ScopeKeyring,
    consent: &ConsentState,
    items: &[SealedItem],
) -> Listing {
    open_owned_memo(owner, keyring, consent, items, None)
}

/// [`open_owned`], taking what `memo` opened before and keeping what it opens.
pub fn open_owned_memo(
    owner: &Identity,
    keyring: &ScopeKeyring,
    consent: &ConsentState,
    items: &[SealedItem],
    memo: Option<&mut Opened>,
) -> Listing {
    let me = owner.public();
    let appended = consent.appended_index();
    open_each_memo(
        me.vault_id(),
        keyring,
        Some(owner),
        items,
        true,
        memo,
        |item| consent.authorship(&me, &appended, item) != Authorship::Unentitled,
    )
}

/// Opens every item in one pass, never failing as a whole: what does not open, or what
/// `entitled` refuses (its author had no right to write it), is returned apart with the
/// reason. Items under an epoch this reader holds no key for are apart too when
/// `report_missing_keys` (the owner holds every epoch), else skipped (a grantee holds only
/// the epochs it was given).
#[must_use]
pub fn open_each(
    vault: VaultId,
    keyring: &ScopeKeyring,
    identity: Option<&Identity>,
    items: &[SealedItem],
    report_missing_keys: bool,
    entitled: impl Fn(&OpenedItem) -> bool,
) -> Listing {
    open_each_memo(
        vault,
        keyring,
        identity,
        items,
        report_missing_keys,
        None,
        entitled,
    )
}

/// Items a session opened already, kept in memory only, so that opening the rugzak again
/// decrypts just what is new. An entry is used only for the very same ciphertext; what it
/// says about the author's right is decided again every time (the consent state moves on).
/// Only items that opened are kept: one that did not may open with a key that comes later.
#[derive(Default)]
pub struct Opened {
    by_id: HashMap<ItemId, (SealedItem, OpenedItem)>,
}

/// Only the count: what is kept is health data.
impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened")
            .field("items", &self.len())
            .finish()
    }
}

impl Opened {
    fn get(&self, sealed: &SealedItem) -> Option<&OpenedItem> {
        self.by_id
            .get(&sealed.id)
            .filter(|(kept, _)| kept == sealed)
            .map(|(_, item)| item)
    }

    /// How many items are kept.
    #[must_use]
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether none is kept.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

fn open_each_memo(
    vault: VaultId,
    keyring: &ScopeKeyring,
    identity: Option<&Identity>,
    items: &[SealedItem],
    report_missing_keys: bool,
    mut memo: Option<&mut Opened>,
    entitled: impl Fn(&OpenedItem) -> bool,
) -> Listing {
    let mut reader = ItemReader::new(vault, keyring);
    if let Some(identity) = identity {
        reader = reader.with_identity(identity);
    }
    let mut listing = Listing {
        items: Vec::with_capacity(items.len()),
        apart: Vec::new(),
    };
    for sealed in items {
        let kept = memo.as_deref().and_then(|m| m.get(sealed)).cloned();
        let opened = kept.map_or_else(
            || {
                let opened = reader.open(sealed);
                if let (Some(memo), Ok(item)) = (memo.as_deref_mut(), &opened) {
                    memo.by_id.insert(sealed.id, (sealed.clone(), item.clone()));
                }
                opened
            },
            Ok,
        );
        match opened {
            Ok(item) if entitled(&item) => listing.items.push(item),
            Ok(item) => listing.apart.push(Apart {
                id: sealed.id,
                scope: sealed.scope,
                reason: ApartReason::Unentitled(item.envelope.author.party_id()),
            }),
            Err(crypto::OpenItemError::NoScopeKey { .. } | crypto::OpenItemError::NoIdentity)
                if !report_missing_keys => {}
            // An item another grantee appended is sealed to the inwoner and its author only.
            Err(crypto::OpenItemError::Decrypt)
                if !report_missing_keys && sealed.sealing == crypto::Sealing::Append => {}
            Err(reason) => listing.apart.push(Apart {
                id: sealed.id,
                scope: sealed.scope,
                reason: ApartReason::Unreadable(reason),
            }),
        }
    }
    listing
}
