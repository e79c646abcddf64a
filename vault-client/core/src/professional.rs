//! The professional's side: access requests, waiting for a grant, reading a shared
//! rugzakje, appending to it.

use crypto::encoding::UnixTime;
use crypto::request::FormError;
use crypto::{
    AccessDuration, AppendKey, Identity, ItemKind, OpenedItem, Permissions, Profile, PublicKeys,
    RequestRef, Scope, ScopeKeyring, SignedRequest, VaultId,
};
use rand_core::OsRng;

use crate::api::{Api, ApiError, GrantStatus};
use crate::vault::{envelope, open_each, Listing, NewItem, VaultError};

/// A professional operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ProfessionalError {
    /// The server call failed.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// Opening what was shared failed.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// The request's fields are not acceptable.
    #[error("the request is not valid: {0}")]
    Form(#[from] FormError),
    /// No active grant for this vault.
    #[error("no active grant for vault {0}; ask the inwoner for a new one")]
    NoGrant(VaultId),
    /// A grant from the server does not verify.
    #[error("a grant from the server does not verify: {0}")]
    BadGrant(#[from] crypto::grant::GrantError),
    /// The server gave other keys for the vault than the ones its id commits to: it may
    /// be trying to have items sealed to itself. Nothing was sent.
    #[error("the server gave keys that do not belong to vault {0}; nothing was sent")]
    VaultKeysMismatch(VaultId),
    /// A bug in this client.
    #[error("internal error: {0}")]
    Internal(&'static str),
}

impl ProfessionalError {
    /// A stable code for scripts and tests.
    #[must_use]
    pub fn code(&self) -> &str {
        match self {
            Self::Api(e) => e.stable_code(),
            Self::Vault(e) => e.code(),
            Self::Form(_) => "bad_request_form",
            Self::NoGrant(_) => "no_grant",
            Self::BadGrant(_) => "bad_grant",
            Self::VaultKeysMismatch(_) => "vault_keys_mismatch",
            Self::Internal(_) => "internal",
        }
    }
}

/// The professional `identity` with `profile`, talking through `api`.
#[derive(Debug)]
pub struct Professional<'a> {
    api: &'a Api<'a>,
    identity: &'a Identity,
}

impl<'a> Professional<'a> {
    /// A professional session.
    #[must_use]
    pub const fn new(api: &'a Api<'a>, identity: &'a Identity) -> Self {
        Self { api, identity }
    }

    /// Signs and posts an access request; returns it and its QR reference.
    pub async fn request(
        &self,
        profile: Profile,
        permissions: Permissions,
        duration: AccessDuration,
    ) -> Result<(SignedRequest, RequestRef), ProfessionalError> {
        let signed = SignedRequest::create(
            self.identity,
            profile,
            permissions,
            duration,
            self.api.server().to_owned(),
            self.api.now(),
            &mut OsRng,
        )?;
        self.api.post_request(&signed).await?;
        let reference = RequestRef::to(&signed);
        Ok((signed, reference))
    }

    /// Grants given to me, each verified against the vault key it names.
    pub async fn grants(&self) -> Result<Vec<GrantStatus>, ProfessionalError> {
        let grants = self.api.my_grants().await?;
        for g in &grants {
            g.grant.verify(&g.vault_keys)?;
        }
        Ok(grants)
    }

    /// The grant that answered the request with `nonce`, if there is one yet.
    pub async fn grant_for(
        &self,
        nonce: crypto::Nonce,
    ) -> Result<Option<GrantStatus>, ProfessionalError> {
        Ok(self
            .grants()
            .await?
            .into_iter()
            .find(|g| g.grant.grant.request_nonce == nonce))
    }

    /// The vault's public keys, checked against its id: the id commits to both keys, so a
    /// server that answers with a key of its own is caught before anything is sealed to it.
    pub async fn vault_keys(&self, vault: VaultId) -> Result<PublicKeys, ProfessionalError> {
        let keys = self.api.vault_keys(vault).await?;
        if keys.vault_id() != vault {
            return Err(ProfessionalError::VaultKeysMismatch(vault));
        }
        Ok(keys)
    }

    /// Fetches the scope keys wrapped for me and every item I may see, and opens them.
    /// The server enforces the grant; the keys decide what opens.
    pub async fn read(&self, vault: VaultId) -> Result<Vec<OpenedItem>, ProfessionalError> {
        Ok(self.listing(vault).await?.items)
    }

    /// As [`Self::read`], with every item that does not open, or whose author the vault did
    /// not entitle, listed apart with the reason: one bad item never hides the others.
    ///
    /// Shown: what the inwoner wrote, what I wrote, and what another grantee appended under a
    /// grant the vault signed for that scope and time (it travels inside the item).
    pub async fn listing(&self, vault: VaultId) -> Result<Listing, ProfessionalError> {
        let owner = self.vault_keys(vault).await?;
        let mut keyring = ScopeKeyring::new();
        for wrapped in self.api.scope_keys(vault).await? {
            let key = wrapped
                .open(self.identity, &owner)
                .map_err(VaultError::BadScopeKey)?;
            keyring
                .insert(key)
                .map_err(|_| ProfessionalError::Internal("two keys for one epoch"))?;
        }
        let items = self.all_pages(vault, false).await?;
        Ok(self.open(vault, &owner, &keyring, &items))
    }

    /// Whether a grant in force at `now` lets me read any part of `vault`.
    pub async fn reads(&self, vault: VaultId, now: UnixTime) -> Result<bool, ProfessionalError> {
        Ok(self.grants().await?.iter().any(|g| {
            g.grant.grant.vault == vault
                && g.is_active(now)
                && g.grant
                    .grant
                    .permissions
                    .as_slice()
                    .iter()
                    .any(|p| p.mode == crypto::Mode::Read)
        }))
    }

    /// Everything I may see of `vault` now: what my read parts open, and what I appended myself
    /// (an append-only part reads back my own items and nothing else). Sorted by time.
    pub async fn visible(
        &self,
        vault: VaultId,
        now: UnixTime,
    ) -> Result<Listing, ProfessionalError> {
        let mut listing = if self.reads(vault, now).await? {
            self.listing(vault).await?
        } else {
            Listing::default()
        };
        let own = self.own_items(vault).await?;
        for item in own.items {
            if !listing
                .items
                .iter()
                .any(|i| i.envelope.id == item.envelope.id)
            {
                listing.items.push(item);
            }
        }
        for apart in own.apart {
            if !listing.apart.iter().any(|a| a.id == apart.id) {
                listing.apart.push(apart);
            }
        }
        listing.items.sort_by_key(|i| i.envelope.created);
        Ok(listing)
    }

    /// What I appended to `vault` myself, read back (an appender sees nothing else).
    pub async fn own_items(&self, vault: VaultId) -> Result<Listing, ProfessionalError> {
        let owner = self.vault_keys(vault).await?;
        let items = self.all_pages(vault, true).await?;
        Ok(self.open(vault, &owner, &ScopeKeyring::new(), &items))
    }

    fn open(
        &self,
        vault: VaultId,
        owner: &PublicKeys,
        keyring: &ScopeKeyring,
        items: &[crypto::SealedItem],
    ) -> Listing {
        let me = self.identity.public();
        open_each(vault, keyring, Some(self.identity), items, false, |i| {
            i.envelope.author == *owner || i.envelope.author == me || i.consent(owner).is_ok()
        })
    }

    async fn all_pages(
        &self,
        vault: VaultId,
        own: bool,
    ) -> Result<Vec<crypto::SealedItem>, ProfessionalError> {
        let mut items = Vec::new();
        let mut cursor = None;
        loop {
            let page = if own {
                self.api.own_items_page(vault, cursor).await?
            } else {
                self.api.items_page(vault, cursor).await?
            };
            items.extend(page.items);
            // A page that does not move on cannot be followed (no endless loop).
            let moved = cursor.is_none_or(|c| page.next > c);
            cursor = Some(page.next);
            if !page.more || !moved {
                break;
            }
        }
        Ok(items)
    }

    /// My active grant on `vault` that lets me append to `scope`, checked against the vault key.
    async fn append_grant(
        &self,
        vault: VaultId,
        scope: Scope,
    ) -> Result<crypto::SignedGrant, ProfessionalError> {
        let now = self.api.now();
        self.grants()
            .await?
            .into_iter()
            .find(|g| {
                g.grant.grant.vault == vault
                    && g.is_active(now)
                    && g.grant
                        .grant
                        .permissions
                        .contains(scope, crypto::Mode::Append)
            })
            .map(|g| g.grant)
            .ok_or(ProfessionalError::NoGrant(vault))
    }

    /// The append keys of `vault`, each checked against the vault key (the server cannot
    /// have me seal to a key of its own).
    async fn append_keys(
        &self,
        vault: VaultId,
        owner: &PublicKeys,
    ) -> Result<Vec<AppendKey>, ProfessionalError> {
        self.api
            .append_keys(vault)
            .await?
            .iter()
            .map(|w| {
                w.append_key(owner)
                    .map_err(|_| ProfessionalError::VaultKeysMismatch(vault))
            })
            .collect()
    }

    /// Appends one item (intake note, feedback, referral, activity) to `vault`, sealed to the
    /// newest append key of its scope (so the scope's readers open it) and to me.
    pub async fn append(
        &self,
        vault: VaultId,
        scope: Scope,
        kind: ItemKind,
        body: Vec<u8>,
    ) -> Result<crypto::ItemId, ProfessionalError> {
        let owner = self.vault_keys(vault).await?;
        let grant = self.append_grant(vault, scope).await?;
        let env = envelope(
            self.identity,
            vault,
            NewItem { scope, kind, body },
            self.api.now(),
        );
        let id = env.id;
        // Once again after a rotation that happened between fetching the keys and sending.
        let mut tries = 0;
        loop {
            tries += 1;
            let keys = self.append_keys(vault, &owner).await?;
            let sealed =
                crypto::seal_append_batch(self.identity, &grant, &keys, std::slice::from_ref(&env))
                    .map_err(|e| match e {
                        crypto::SealItemError::NoAppendKey(_)
                        | crypto::SealItemError::NotGranted(_) => ProfessionalError::NoGrant(vault),
                        _ => ProfessionalError::Internal("sealing an appended item"),
                    })?;
            match self.api.append_items(vault, sealed).await {
                Err(e) if tries < 3 && e.code() == Some("stale_append_key") => continue,
                other => {
                    other?;
                    return Ok(id);
                }
            }
        }
    }
}
