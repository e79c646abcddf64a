//! The professional's side: access requests, waiting for a grant, reading a shared
//! rugzakje, appending to it.

use crypto::request::FormError;
use crypto::{
    AccessDuration, Identity, ItemKind, OpenedItem, Permissions, Profile, RequestRef, Scope,
    ScopeKeyring, SignedRequest, VaultId,
};
use rand_core::OsRng;

use crate::api::{Api, ApiError, GrantStatus};
use crate::vault::{envelope, is_active, open_all, NewItem, VaultError};

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
    #[error("het verzoek is niet geldig / the request is not valid: {0}")]
    Form(#[from] FormError),
    /// No active grant for this vault.
    #[error("geen geldige toestemming voor rugzak {0} / no active grant for vault {0}; ask the inwoner for a new one")]
    NoGrant(VaultId),
    /// A grant from the server does not verify.
    #[error("a grant from the server does not verify: {0}")]
    BadGrant(#[from] crypto::grant::GrantError),
    /// A bug in this client.
    #[error("internal error: {0}")]
    Internal(&'static str),
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
    pub fn request(
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
        self.api.post_request(&signed)?;
        let reference = RequestRef::to(&signed);
        Ok((signed, reference))
    }

    /// Grants given to me, each verified against the vault key it names.
    pub fn grants(&self) -> Result<Vec<GrantStatus>, ProfessionalError> {
        let grants = self.api.my_grants()?;
        for g in &grants {
            g.grant.verify(&g.vault_keys)?;
        }
        Ok(grants)
    }

    /// The grant that answered the request with `nonce`, if there is one yet.
    pub fn grant_for(
        &self,
        nonce: crypto::Nonce,
    ) -> Result<Option<GrantStatus>, ProfessionalError> {
        Ok(self
            .grants()?
            .into_iter()
            .find(|g| g.grant.grant.request_nonce == nonce))
    }

    /// The first active grant for `vault`.
    pub fn active_grant(&self, vault: VaultId) -> Result<GrantStatus, ProfessionalError> {
        let now = self.api.now();
        self.grants()?
            .into_iter()
            .find(|g| g.grant.grant.vault == vault && is_active(g, now))
            .ok_or(ProfessionalError::NoGrant(vault))
    }

    /// Fetches the scope keys wrapped for me and every item I may see, and opens them.
    /// The server enforces the grant; the keys decide what opens.
    pub fn read(&self, vault: VaultId) -> Result<Vec<OpenedItem>, ProfessionalError> {
        let owner = self.api.vault_keys(vault)?;
        let mut keyring = ScopeKeyring::new();
        for wrapped in self.api.scope_keys(vault)? {
            let key = wrapped
                .open(self.identity, &owner)
                .map_err(VaultError::BadScopeKey)?;
            keyring
                .insert(key)
                .map_err(|_| ProfessionalError::Internal("two keys for one epoch"))?;
        }
        let mut items = Vec::new();
        let mut cursor = None;
        loop {
            let page = self.api.items_page(vault, cursor)?;
            items.extend(page.items);
            cursor = Some(page.next);
            if !page.more {
                break;
            }
        }
        Ok(open_all(vault, &keyring, Some(self.identity), &items)?)
    }

    /// Appends one item (intake note, feedback) to `vault`, sealed to the owner and me.
    pub fn append(
        &self,
        vault: VaultId,
        scope: Scope,
        kind: ItemKind,
        body: Vec<u8>,
    ) -> Result<crypto::ItemId, ProfessionalError> {
        let owner = self.api.vault_keys(vault)?;
        let env = envelope(
            self.identity,
            vault,
            NewItem { scope, kind, body },
            self.api.now(),
        );
        let id = env.id;
        let sealed = crypto::seal_append_batch(self.identity, &owner, &[env])
            .map_err(|_| ProfessionalError::Internal("sealing an appended item"))?;
        self.api.append_items(vault, sealed)?;
        Ok(id)
    }
}
