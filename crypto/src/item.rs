//! Items: an author's envelope, attested per upload batch, sealed as an age file.
//!
//! The plaintext of every item file is `canonical(DOMAIN_ITEM_PLAINTEXT, OpenedItem)`: the
//! [`Envelope`] (opaque body plus who, what, where and when) and its batch [`Attestation`], so an
//! item proves its authorship on its own wherever it travels (a share link, an export).
//!
//! Two ways to seal, named by [`Sealing`]:
//! - under the current [`ScopeKey`] of the item's scope (custom stanza `rugzak-scope`): how the
//!   owner, and read grantees holding the scope key, store and open items. Symmetric work only.
//! - `AppendKey`: standard age X25519 to the scope's append key of the current epoch
//!   ([`crate::scope_key::append`]) and to the author itself. A grantee with `append` mode writes
//!   without holding any scope key and so learns nothing else; the owner and every reader of
//!   that epoch open it without the owner having to be online. The plaintext carries the
//!   author's grant, so a reader checks against the vault key that the author was allowed to
//!   add to that scope at that time ([`OpenedItem::consent`]).
//! - `Append` (earlier format, still opened): age X25519 to the vault owner and the author.

use std::collections::btree_map::{BTreeMap, Entry};
use std::fmt;

use rand_core::CryptoRngCore;
use serde::{Deserialize, Serialize};

use crate::batch::{
    sign_batch, Attestation, AuthorshipVerifier, SignBatchError, VerifyAuthorshipError,
};
use crate::encoding::{canonical, digest, UnixTime};
use crate::grant::SignedGrant;
use crate::identity::{Identity, PublicKeys};
use crate::ids::{Digest, ItemId, VaultId};
use crate::scope::{Mode, Scope};
use crate::scope_key::stanza::{self, StanzaSpec};
use crate::scope_key::{strip_domain, AppendKey, ScopeKey, ScopeKeyring};

/// Domain tag of an envelope's digest (the Merkle leaf data).
pub const DOMAIN_ITEM: &str = "rugzak/v1/item";
/// Domain tag (and version) of the plaintext inside an item's age file.
pub const DOMAIN_ITEM_PLAINTEXT: &str = "rugzak/v1/item-plaintext";
/// Domain tag of the plaintext of an item sealed to an append key: the item plus the grant
/// under which its author appended it.
pub const DOMAIN_APPENDED_ITEM_PLAINTEXT: &str = "rugzak/v1/appended-item-plaintext";

/// What an item is. The body's format follows from it (e.g. FHIR JSON for a questionnaire
/// response), but the crypto core treats every body as opaque bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    /// Answers to a questionnaire (e.g. a FHIR `QuestionnaireResponse`).
    QuestionnaireResponse,
    /// A measurement or score (e.g. a FHIR `Observation`).
    Observation,
    /// Progress in an online programme.
    ProgrammeProgress,
    /// A free note.
    Note,
    /// A GP's referral to the welzijnscoach.
    Referral,
    /// A coach's intake note.
    IntakeNote,
    /// Feedback to the referrer.
    Feedback,
    /// An activity in the neighbourhood the inwoner and coach agreed on (step 4).
    Activity,
    /// The inwoner's reflection on a programme step.
    Reflection,
}

impl ItemKind {
    /// Stable text form.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::QuestionnaireResponse => "questionnaire-response",
            Self::Observation => "observation",
            Self::ProgrammeProgress => "programme-progress",
            Self::Note => "note",
            Self::Referral => "referral",
            Self::IntakeNote => "intake-note",
            Self::Feedback => "feedback",
            Self::Activity => "activity",
            Self::Reflection => "reflection",
        }
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An item as its author wrote it. Its digest is what the author's batch signature covers.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// Chosen at random by the author.
    pub id: ItemId,
    /// The vault it belongs to.
    pub vault: VaultId,
    /// The scope it is filed under.
    pub scope: Scope,
    /// What it is.
    pub kind: ItemKind,
    /// Who wrote it (the inwoner's vault keys, or a professional's keys).
    pub author: PublicKeys,
    /// When the author wrote it.
    pub created: UnixTime,
    /// Opaque content, e.g. FHIR JSON.
    #[serde(with = "crate::encoding::bytes")]
    pub body: Vec<u8>,
}

impl fmt::Debug for Envelope {
    /// Health data stays out of logs: the body is shown by length only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Envelope")
            .field("id", &self.id)
            .field("vault", &self.vault)
            .field("scope", &self.scope)
            .field("kind", &self.kind)
            .field("author", &self.author)
            .field("created", &self.created)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl Envelope {
    /// `SHA-256(canonical(DOMAIN_ITEM, envelope))`: the item digest the batch tree is built over.
    #[must_use]
    pub fn digest(&self) -> Digest {
        digest(DOMAIN_ITEM, self)
    }
}

/// A decrypted item: envelope plus the attestation that proves who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenedItem {
    /// The item.
    pub envelope: Envelope,
    /// Its batch attestation.
    pub attestation: Attestation,
    /// For an item a grantee appended: the grant it was appended under, signed by the vault.
    #[serde(default)]
    pub grant: Option<SignedGrant>,
}

/// The plaintext of a scope-sealed item, borrowed, so sealing does not copy bodies.
#[derive(Serialize)]
struct OpenedItemRef<'a> {
    envelope: &'a Envelope,
    attestation: &'a Attestation,
}

/// The plaintext of an item sealed to an append key.
#[derive(Serialize)]
struct AppendedItemRef<'a> {
    envelope: &'a Envelope,
    attestation: &'a Attestation,
    grant: &'a SignedGrant,
}

#[derive(Deserialize)]
struct ItemPlaintext {
    envelope: Envelope,
    attestation: Attestation,
}

#[derive(Deserialize)]
struct AppendedItemPlaintext {
    envelope: Envelope,
    attestation: Attestation,
    grant: SignedGrant,
}

/// Why an appended item's author does not show as entitled by the grant it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConsentError {
    /// The item carries no grant (the owner wrote it, or it was sealed in the earlier format).
    #[error("the item carries no grant")]
    NoGrant,
    /// The grant's signature or form does not verify against the vault's keys.
    #[error("the item's grant does not verify against the vault key")]
    BadGrant,
    /// The grant is for another party or vault than the item's author and vault.
    #[error("the item's grant was given to someone else")]
    NotTheAuthors,
    /// The grant does not allow adding to this scope at the time the item was written.
    #[error("the item's grant does not allow adding to {0} at the time it was written")]
    NotPermitted(Scope),
}

impl OpenedItem {
    /// Checks that the envelope's author attested exactly this envelope for its vault.
    pub fn verify_authorship(
        &self,
        verifier: &mut AuthorshipVerifier,
    ) -> Result<(), VerifyAuthorshipError> {
        verifier.verify(
            self.envelope.vault,
            &self.envelope.author,
            &self.envelope.digest(),
            &self.attestation,
        )
    }

    /// The grant this appended item carries, once checked against the vault's keys: it was
    /// given by the vault to the item's author, and allows adding to the item's scope at the
    /// time the item says it was written. A revocation is not visible here (it is in the
    /// consent log, which only the inwoner reads); the server refuses appends after one.
    pub fn consent(&self, vault_keys: &PublicKeys) -> Result<&SignedGrant, ConsentError> {
        let signed = self.grant.as_ref().ok_or(ConsentError::NoGrant)?;
        let verified = signed
            .verify(vault_keys)
            .map_err(|_| ConsentError::BadGrant)?;
        let grant = &verified.signed().grant;
        if grant.grantee != self.envelope.author || grant.vault != self.envelope.vault {
            return Err(ConsentError::NotTheAuthors);
        }
        let scope = self.envelope.scope;
        if !grant.permits(scope, Mode::Append, self.envelope.created) {
            return Err(ConsentError::NotPermitted(scope));
        }
        Ok(signed)
    }

    /// Parses the plaintext of an item file; `None` if it is not exactly one v1 item of the
    /// form `sealing` uses (scope-sealed items carry no grant, appended ones must).
    pub(crate) fn from_plaintext(plaintext: &[u8], sealing: Sealing) -> Option<Self> {
        if let Sealing::AppendKey { .. } = sealing {
            let body = strip_domain(DOMAIN_APPENDED_ITEM_PLAINTEXT, plaintext)?;
            return match postcard::take_from_bytes::<AppendedItemPlaintext>(body) {
                Ok((item, [])) => Some(Self {
                    envelope: item.envelope,
                    attestation: item.attestation,
                    grant: Some(item.grant),
                }),
                _ => None,
            };
        }
        let body = strip_domain(DOMAIN_ITEM_PLAINTEXT, plaintext)?;
        match postcard::take_from_bytes::<ItemPlaintext>(body) {
            Ok((item, [])) => Some(Self {
                envelope: item.envelope,
                attestation: item.attestation,
                grant: None,
            }),
            _ => None,
        }
    }
}

fn plaintext(envelope: &Envelope, attestation: &Attestation) -> zeroize::Zeroizing<Vec<u8>> {
    zeroize::Zeroizing::new(canonical(
        DOMAIN_ITEM_PLAINTEXT,
        &OpenedItemRef {
            envelope,
            attestation,
        },
    ))
}

/// How an item's file key is wrapped; the server sees this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sealing {
    /// Under the scope key of this epoch (stanza `rugzak-scope`).
    ScopeKey {
        /// The scope key's epoch.
        epoch: u32,
    },
    /// age X25519 to the vault owner and the author (the earlier append format; still
    /// opened, no longer written).
    Append,
    /// age X25519 to the scope's append key of this epoch and to the author (written by an
    /// `append` grantee).
    AppendKey {
        /// The epoch whose append key it is sealed to.
        epoch: u32,
    },
}

/// An item as the server stores it: only what it needs to file and serve the ciphertext.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedItem {
    /// The item id (the same as inside the envelope; checked when opening).
    pub id: ItemId,
    /// The scope, so the server serves a grantee only the scopes it was granted.
    pub scope: Scope,
    /// Which key opens it.
    pub sealing: Sealing,
    /// The age file.
    #[serde(with = "crate::encoding::bytes")]
    pub ciphertext: Vec<u8>,
}

impl fmt::Debug for SealedItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealedItem")
            .field("id", &self.id)
            .field("scope", &self.scope)
            .field("sealing", &self.sealing)
            .field("ciphertext_len", &self.ciphertext.len())
            .finish()
    }
}

/// Sealing items failed; nothing was signed or encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SealItemError {
    /// No items were given.
    #[error("nothing to seal: the batch is empty")]
    Empty,
    /// More items than one batch can hold.
    #[error("too many items for one batch")]
    TooLarge,
    /// A batch is signed for one vault; these envelopes name several.
    #[error("all items of a batch must belong to the same vault")]
    MixedVaults,
    /// An envelope names another author than the one signing.
    #[error("an envelope names another author than the signer")]
    NotAuthor,
    /// The envelopes belong to another vault than the grant's (or an append key's).
    #[error("the items belong to another vault than the grant's")]
    WrongVault,
    /// The grant was given to someone else than the author.
    #[error("the grant was given to someone else than the author")]
    NotGrantee,
    /// The grant does not allow adding to this scope.
    #[error("the grant does not allow adding to {0}")]
    NotGranted(Scope),
    /// No append key was given for this scope.
    #[error("no append key for {0}")]
    NoAppendKey(Scope),
    /// The keyring holds no key for this scope.
    #[error("no scope key for {0}")]
    NoScopeKey(Scope),
    /// age refused to encrypt: a bug, not a user error.
    #[error("internal error: age encryption of an item failed")]
    Internal,
}

/// Signs `envelopes` as one batch and seals each under the current key of its scope.
pub fn seal_batch(
    author: &Identity,
    envelopes: &[Envelope],
    keys: &ScopeKeyring,
    rng: &mut impl CryptoRngCore,
) -> Result<Vec<SealedItem>, SealItemError> {
    let scope_keys = envelopes
        .iter()
        .map(|e| {
            keys.current(e.scope)
                .ok_or(SealItemError::NoScopeKey(e.scope))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let attestations = attest(author, envelopes)?;
    envelopes
        .iter()
        .zip(&attestations)
        .zip(scope_keys)
        .map(|((envelope, attestation), key)| seal_under(key, envelope, attestation, rng))
        .collect()
}

/// Signs `envelopes` as one batch and seals each to the append key of its scope (one of
/// `keys`, each checked against the vault key) and to the author, with `grant` inside: the
/// `append` mode, in which the author holds no scope key.
pub fn seal_append_batch(
    author: &Identity,
    grant: &SignedGrant,
    keys: &[AppendKey],
    envelopes: &[Envelope],
) -> Result<Vec<SealedItem>, SealItemError> {
    let vault = grant.grant.vault;
    if envelopes.iter().any(|e| e.vault != vault) || keys.iter().any(|k| k.vault() != vault) {
        return Err(SealItemError::WrongVault);
    }
    if grant.grant.grantee != author.public() {
        return Err(SealItemError::NotGrantee);
    }
    let targets = envelopes
        .iter()
        .map(|e| {
            if !grant.grant.permissions.contains(e.scope, Mode::Append) {
                return Err(SealItemError::NotGranted(e.scope));
            }
            keys.iter()
                .filter(|k| k.scope() == e.scope)
                .max_by_key(|k| k.epoch())
                .ok_or(SealItemError::NoAppendKey(e.scope))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let attestations = attest(author, envelopes)?;
    let author_recipient = author.public().age_recipient();
    envelopes
        .iter()
        .zip(&attestations)
        .zip(targets)
        .map(|((envelope, attestation), key)| {
            let plaintext = zeroize::Zeroizing::new(canonical(
                DOMAIN_APPENDED_ITEM_PLAINTEXT,
                &AppendedItemRef {
                    envelope,
                    attestation,
                    grant,
                },
            ));
            let ciphertext = stanza::encrypt_to(
                &[&key.public().age_recipient(), &author_recipient],
                &plaintext,
            )
            .map_err(|_| SealItemError::Internal)?;
            Ok(SealedItem {
                id: envelope.id,
                scope: envelope.scope,
                sealing: Sealing::AppendKey { epoch: key.epoch() },
                ciphertext,
            })
        })
        .collect()
}

/// Seals an item that was already opened (and so verified) under the current key of its scope,
/// keeping its original attestation: how the owner files an appended item so that read
/// grantees of that scope see it too.
pub fn reseal_in_scope(
    item: &OpenedItem,
    keys: &ScopeKeyring,
    rng: &mut impl CryptoRngCore,
) -> Result<SealedItem, SealItemError> {
    let scope = item.envelope.scope;
    let key = keys
        .current(scope)
        .ok_or(SealItemError::NoScopeKey(scope))?;
    seal_under(key, &item.envelope, &item.attestation, rng)
}

fn attest(author: &Identity, envelopes: &[Envelope]) -> Result<Vec<Attestation>, SealItemError> {
    let first = envelopes.first().ok_or(SealItemError::Empty)?;
    if envelopes.iter().any(|e| e.vault != first.vault) {
        return Err(SealItemError::MixedVaults);
    }
    let me = author.public();
    if envelopes.iter().any(|e| e.author != me) {
        return Err(SealItemError::NotAuthor);
    }
    let digests: Vec<Digest> = envelopes.iter().map(Envelope::digest).collect();
    sign_batch(author, first.vault, &digests).map_err(|e| match e {
        SignBatchError::Empty => SealItemError::Empty,
        SignBatchError::TooLarge => SealItemError::TooLarge,
    })
}

fn seal_under(
    key: &ScopeKey,
    envelope: &Envelope,
    attestation: &Attestation,
    rng: &mut impl CryptoRngCore,
) -> Result<SealedItem, SealItemError> {
    let ciphertext = stanza::encrypt(&key.stanza(), rng, &plaintext(envelope, attestation))
        .map_err(|_| SealItemError::Internal)?;
    Ok(SealedItem {
        id: envelope.id,
        scope: envelope.scope,
        sealing: Sealing::ScopeKey { epoch: key.epoch() },
        ciphertext,
    })
}

/// Opening an item failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OpenItemError {
    /// The reader holds no key for the scope and epoch the item is sealed under.
    #[error("no scope key for {scope} epoch {epoch}")]
    NoScopeKey {
        /// The item's scope.
        scope: Scope,
        /// The epoch it is sealed under.
        epoch: u32,
    },
    /// An appended item needs the owner's or the author's identity (or, sealed to an append
    /// key, that epoch's scope key), and the reader has none.
    #[error("an appended item opens only with the vault owner's or the author's identity")]
    NoIdentity,
    /// The key does not open the file, or the file was altered.
    #[error("the item does not decrypt with this key (wrong key or altered ciphertext)")]
    Decrypt,
    /// Not an age file, or the plaintext is not a v1 item.
    #[error("the item is malformed")]
    Malformed,
    /// The envelope's id or scope differs from what the item is stored under.
    #[error("the item's envelope does not match the id or scope it is stored under")]
    Mismatch,
    /// The envelope belongs to another vault.
    #[error("the item belongs to another vault")]
    WrongVault,
    /// The author's attestation does not verify.
    #[error("the item's authorship does not verify: {0}")]
    Authorship(#[from] VerifyAuthorshipError),
}

/// Opens the items of one vault, verifying each and remembering verified batch signatures.
pub struct ItemReader<'a> {
    vault: VaultId,
    scope_keys: &'a ScopeKeyring,
    identity: Option<&'a Identity>,
    verifier: AuthorshipVerifier,
    /// The stanza of every scope key used so far, built once instead of once per item.
    stanzas: BTreeMap<(Scope, u32), StanzaSpec<'a>>,
    /// The append identity of every scope epoch used so far.
    append_identities: BTreeMap<(Scope, u32), age::x25519::Identity>,
}

impl fmt::Debug for ItemReader<'_> {
    /// Keys stay out of logs: only which ones are in use.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemReader")
            .field("vault", &self.vault)
            .field("scope_keys", self.scope_keys)
            .field("has_identity", &self.identity.is_some())
            .finish_non_exhaustive()
    }
}

impl<'a> ItemReader<'a> {
    /// A reader for `vault` holding `scope_keys` (the owner's full keyring, or a grantee's).
    #[must_use]
    pub fn new(vault: VaultId, scope_keys: &'a ScopeKeyring) -> Self {
        Self {
            vault,
            scope_keys,
            identity: None,
            verifier: AuthorshipVerifier::new(),
            stanzas: BTreeMap::new(),
            append_identities: BTreeMap::new(),
        }
    }

    /// Also opens appended items, with the owner's identity (or the author's own).
    #[must_use]
    pub fn with_identity(self, identity: &'a Identity) -> Self {
        Self {
            identity: Some(identity),
            ..self
        }
    }

    /// Decrypts `sealed`, checks it is the item it is stored as, for this vault, and verifies
    /// its authorship.
    pub fn open(&mut self, sealed: &SealedItem) -> Result<OpenedItem, OpenItemError> {
        let plaintext = match sealed.sealing {
            Sealing::ScopeKey { epoch } => {
                stanza::decrypt(self.stanza(sealed.scope, epoch)?, &sealed.ciphertext)
            }
            Sealing::Append => {
                let identity = self.identity.ok_or(OpenItemError::NoIdentity)?;
                stanza::decrypt_with(identity.age_identity(), &sealed.ciphertext)
            }
            Sealing::AppendKey { epoch } => match self.append_identity(sealed.scope, epoch) {
                Some(identity) => stanza::decrypt_with(identity, &sealed.ciphertext),
                // Without that epoch's key, only the author can open it.
                None => match self.identity {
                    Some(identity) => {
                        stanza::decrypt_with(identity.age_identity(), &sealed.ciphertext)
                    }
                    None => {
                        return Err(OpenItemError::NoScopeKey {
                            scope: sealed.scope,
                            epoch,
                        })
                    }
                },
            },
        }
        .map_err(|e| match e {
            age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat => {
                OpenItemError::Malformed
            }
            _ => OpenItemError::Decrypt,
        })?;
        let item = OpenedItem::from_plaintext(&plaintext, sealed.sealing)
            .ok_or(OpenItemError::Malformed)?;
        if item.envelope.id != sealed.id || item.envelope.scope != sealed.scope {
            return Err(OpenItemError::Mismatch);
        }
        if item.envelope.vault != self.vault {
            return Err(OpenItemError::WrongVault);
        }
        item.verify_authorship(&mut self.verifier)?;
        Ok(item)
    }

    /// The append identity of `scope` at `epoch`, if this reader holds that scope key.
    fn append_identity(&mut self, scope: Scope, epoch: u32) -> Option<&age::x25519::Identity> {
        match self.append_identities.entry((scope, epoch)) {
            Entry::Occupied(held) => Some(held.into_mut()),
            Entry::Vacant(slot) => {
                let key = self.scope_keys.get(scope, epoch)?;
                Some(slot.insert(key.append_identity()))
            }
        }
    }

    /// The stanza of the scope key of `scope` at `epoch`.
    fn stanza(&mut self, scope: Scope, epoch: u32) -> Result<&StanzaSpec<'a>, OpenItemError> {
        match self.stanzas.entry((scope, epoch)) {
            Entry::Occupied(held) => Ok(held.into_mut()),
            Entry::Vacant(slot) => {
                let key = self
                    .scope_keys
                    .get(scope, epoch)
                    .ok_or(OpenItemError::NoScopeKey { scope, epoch })?;
                Ok(slot.insert(key.stanza()))
            }
        }
    }
}

#[cfg(test)]
mod tests;
