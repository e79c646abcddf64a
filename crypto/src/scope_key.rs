//! Scope keys with epochs, the keyring that holds their chains, and wrapping them to parties.
//!
//! Each scope of a vault has a chain of random 32-byte keys, epoch 0, 1, 2, ... Items are age
//! files whose file key is wrapped under the current key of their scope (stanza
//! `rugzak-scope <scope> <epoch> <salt>`, see [`stanza`]), so opening an item is symmetric work
//! only. Rotation (a new epoch with fresh randomness) is how a revocation protects what is
//! written afterwards: the revoked party never receives the new key.
//!
//! Scope keys travel as [`WrappedScopeKey`]s: a standard age X25519 file to the owner or a
//! grantee, signed by the vault key so that the server cannot slip in a key of its own choosing.

use std::collections::BTreeMap;
use std::fmt;

use rand_core::CryptoRngCore;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq as _;
use zeroize::{Zeroize as _, ZeroizeOnDrop, Zeroizing};

use crate::encoding::{canonical, sha256};
use crate::identity::{Identity, PublicKeys, Signature};
use crate::ids::{Digest, PartyId, VaultId};
use crate::scope::Scope;

pub(crate) mod append;
pub(crate) mod stanza;

pub use append::{AppendKey, AppendPublicKey, APPEND_KEY_INFO};

/// Stanza tag of an age file whose file key is wrapped under a scope key.
pub const SCOPE_STANZA_TAG: &str = "rugzak-scope";
/// HKDF info for the per-file wrapping key derived from a scope key.
pub const SCOPE_WRAP_INFO: &str = "rugzak/v1/scope-wrap";
/// Domain tag of the plaintext inside a [`WrappedScopeKey`].
pub const DOMAIN_SCOPE_KEY: &str = "rugzak/v1/scope-key";
/// Domain tag of the vault's signature on a [`WrappedScopeKey`].
pub const DOMAIN_WRAPPED_SCOPE_KEY: &str = "rugzak/v1/wrapped-scope-key";

/// One key of a scope's chain. Zeroized on drop, compared in constant time, never printed.
#[derive(Clone)]
pub struct ScopeKey {
    scope: Scope,
    epoch: u32,
    key: [u8; 32],
}

impl ScopeKey {
    /// A fresh random key at epoch 0.
    pub fn generate(scope: Scope, rng: &mut impl CryptoRngCore) -> Self {
        Self::random(scope, 0, rng)
    }

    /// Wraps existing key bytes (from an unwrapped [`WrappedScopeKey`] or a test vector).
    #[must_use]
    pub const fn from_bytes(scope: Scope, epoch: u32, key: [u8; 32]) -> Self {
        Self { scope, epoch, key }
    }

    /// The next epoch's key: fresh randomness, not derived from this one, so holding an old
    /// key says nothing about the new one.
    pub fn rotate(&self, rng: &mut impl CryptoRngCore) -> Result<Self, RotateScopeKeyError> {
        let epoch = self
            .epoch
            .checked_add(1)
            .ok_or(RotateScopeKeyError::EpochsExhausted(self.scope))?;
        Ok(Self::random(self.scope, epoch, rng))
    }

    fn random(scope: Scope, epoch: u32, rng: &mut impl CryptoRngCore) -> Self {
        let mut key = [0u8; 32];
        rng.fill_bytes(&mut key);
        Self { scope, epoch, key }
    }

    /// The scope this key belongs to.
    #[must_use]
    pub const fn scope(&self) -> Scope {
        self.scope
    }

    /// Its position in the scope's chain.
    #[must_use]
    pub const fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The secret bytes, for test vectors and key export only.
    #[must_use]
    pub const fn expose_bytes(&self) -> &[u8; 32] {
        &self.key
    }

    /// The public key appenders seal to in this scope epoch ([`append`]).
    #[must_use]
    pub fn append_public(&self) -> AppendPublicKey {
        append::public(&self.key)
    }

    /// The age identity that opens items sealed to [`Self::append_public`].
    pub(crate) fn append_identity(&self) -> age::x25519::Identity {
        append::identity(&self.key)
    }

    /// The stanza that wraps item file keys under this key.
    pub(crate) fn stanza(&self) -> stanza::StanzaSpec<'_> {
        stanza::StanzaSpec {
            tag: SCOPE_STANZA_TAG,
            args: vec![self.scope.as_str().to_owned(), self.epoch.to_string()],
            info: SCOPE_WRAP_INFO.as_bytes(),
            key: &self.key,
        }
    }

    /// Wraps this key to `recipient` (the owner itself or a grantee), signed by the vault key.
    pub fn wrap(
        &self,
        owner: &Identity,
        recipient: &PublicKeys,
    ) -> Result<WrappedScopeKey, WrapScopeKeyError> {
        let vault = owner.public().vault_id();
        let plaintext = Zeroizing::new(canonical(
            DOMAIN_SCOPE_KEY,
            &KeyPlaintext {
                vault,
                scope: self.scope,
                epoch: self.epoch,
                key: self.key,
            },
        ));
        let ciphertext = stanza::encrypt_to(&[&recipient.age_recipient()], &plaintext)
            .map_err(|_| WrapScopeKeyError::Internal)?;
        let recipient = recipient.party_id();
        let append_key = self.append_public();
        let signature = owner.sign(
            DOMAIN_WRAPPED_SCOPE_KEY,
            &WrapStatement::new(
                vault,
                self.scope,
                self.epoch,
                append_key,
                recipient,
                &ciphertext,
            ),
        );
        Ok(WrappedScopeKey {
            vault,
            scope: self.scope,
            epoch: self.epoch,
            append_key,
            recipient,
            ciphertext,
            signature,
        })
    }
}

impl Drop for ScopeKey {
    fn drop(&mut self) {
        self.key.zeroize();
    }
}
impl ZeroizeOnDrop for ScopeKey {}

impl PartialEq for ScopeKey {
    fn eq(&self, other: &Self) -> bool {
        self.scope == other.scope
            && self.epoch == other.epoch
            && bool::from(self.key.ct_eq(&other.key))
    }
}
impl Eq for ScopeKey {}

impl fmt::Debug for ScopeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ScopeKey({} epoch {}, [redacted])",
            self.scope, self.epoch
        )
    }
}

/// A key could not be rotated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RotateScopeKeyError {
    /// The keyring holds no key of this scope to rotate from.
    #[error("no key for scope {0} to rotate")]
    NoKey(Scope),
    /// Epoch `u32::MAX` has been reached.
    #[error("scope {0} has used every epoch")]
    EpochsExhausted(Scope),
}

/// The scope keys a party holds, by scope and epoch. A grantee may hold only some epochs
/// (e.g. "from now on" grants), so chains can start late and have gaps.
#[derive(Default, Clone, PartialEq, Eq)]
pub struct ScopeKeyring {
    keys: BTreeMap<(Scope, u32), ScopeKey>,
}

impl fmt::Debug for ScopeKeyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(
                self.keys
                    .keys()
                    .map(|(scope, epoch)| format!("{scope}@{epoch}")),
            )
            .finish()
    }
}

impl ScopeKeyring {
    /// An empty keyring.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A new vault's keyring: a fresh epoch-0 key for every scope.
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        let mut ring = Self::new();
        for scope in Scope::ALL {
            let key = ScopeKey::generate(scope, rng);
            ring.keys.insert((scope, 0), key);
        }
        ring
    }

    /// Adds a key. Adding the same key again changes nothing; a different key for a scope and
    /// epoch already held is refused, since one of the two must be forged.
    pub fn insert(&mut self, key: ScopeKey) -> Result<(), KeyringConflict> {
        let slot = (key.scope, key.epoch);
        match self.keys.get(&slot) {
            Some(held) if *held == key => Ok(()),
            Some(_) => Err(KeyringConflict {
                scope: key.scope,
                epoch: key.epoch,
            }),
            None => {
                self.keys.insert(slot, key);
                Ok(())
            }
        }
    }

    /// The key of `scope` at `epoch`.
    #[must_use]
    pub fn get(&self, scope: Scope, epoch: u32) -> Option<&ScopeKey> {
        self.keys.get(&(scope, epoch))
    }

    /// The newest key of `scope`: the one new items are sealed with.
    #[must_use]
    pub fn current(&self, scope: Scope) -> Option<&ScopeKey> {
        self.keys
            .range((scope, 0)..=(scope, u32::MAX))
            .next_back()
            .map(|(_, key)| key)
    }

    /// Adds the next epoch of `scope` (after a revocation) and returns it.
    pub fn rotate(
        &mut self,
        scope: Scope,
        rng: &mut impl CryptoRngCore,
    ) -> Result<&ScopeKey, RotateScopeKeyError> {
        let next = self
            .current(scope)
            .ok_or(RotateScopeKeyError::NoKey(scope))?
            .rotate(rng)?;
        let slot = (scope, next.epoch);
        Ok(self.keys.entry(slot).or_insert(next))
    }

    /// Every key, by scope then epoch.
    pub fn iter(&self) -> impl Iterator<Item = &ScopeKey> {
        self.keys.values()
    }
}

/// A keyring already holds a different key for this scope and epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a different key is already held for scope {scope} epoch {epoch}")]
pub struct KeyringConflict {
    /// The scope.
    pub scope: Scope,
    /// The epoch.
    pub epoch: u32,
}

/// A scope key as stored on the server for one recipient.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedScopeKey {
    /// The vault whose key this is.
    pub vault: VaultId,
    /// The key's scope.
    pub scope: Scope,
    /// The key's epoch.
    pub epoch: u32,
    /// The epoch's public append key (derived from the key): what appenders seal to.
    pub append_key: AppendPublicKey,
    /// Who can open it: the owner's or a grantee's party id.
    pub recipient: PartyId,
    /// age X25519 file to the recipient; plaintext `canonical(DOMAIN_SCOPE_KEY, KeyPlaintext)`.
    #[serde(with = "crate::encoding::bytes")]
    pub ciphertext: Vec<u8>,
    /// The vault key's signature over the labels and the ciphertext digest.
    pub signature: Signature,
}

impl fmt::Debug for WrappedScopeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WrappedScopeKey")
            .field("vault", &self.vault)
            .field("scope", &self.scope)
            .field("epoch", &self.epoch)
            .field("append_key", &self.append_key)
            .field("recipient", &self.recipient)
            .field("ciphertext_len", &self.ciphertext.len())
            .finish_non_exhaustive()
    }
}

/// What the vault key signs for a wrapped scope key.
#[derive(Serialize)]
struct WrapStatement {
    vault: VaultId,
    scope: Scope,
    epoch: u32,
    append_key: AppendPublicKey,
    recipient: PartyId,
    ciphertext: Digest,
}

/// The plaintext inside a wrapped scope key; it repeats the labels so they cannot be swapped.
#[derive(Serialize, Deserialize)]
struct KeyPlaintext {
    vault: VaultId,
    scope: Scope,
    epoch: u32,
    #[serde(with = "crate::encoding::bytes")]
    key: [u8; 32],
}

impl Drop for KeyPlaintext {
    fn drop(&mut self) {
        self.key.zeroize();
    }
}

impl WrapStatement {
    fn new(
        vault: VaultId,
        scope: Scope,
        epoch: u32,
        append_key: AppendPublicKey,
        recipient: PartyId,
        ciphertext: &[u8],
    ) -> Self {
        Self {
            vault,
            scope,
            epoch,
            append_key,
            recipient,
            ciphertext: sha256(ciphertext),
        }
    }
}

impl WrappedScopeKey {
    fn statement(&self) -> WrapStatement {
        WrapStatement::new(
            self.vault,
            self.scope,
            self.epoch,
            self.append_key,
            self.recipient,
            &self.ciphertext,
        )
    }

    /// The epoch's append key, once the vault key's signature on it is checked: what an
    /// `append` grantee seals to. Any recipient's copy carries it (the owner's too).
    pub fn append_key(&self, owner: &PublicKeys) -> Result<AppendKey, OpenScopeKeyError> {
        self.verify(owner)?;
        Ok(AppendKey {
            vault: self.vault,
            scope: self.scope,
            epoch: self.epoch,
            public: self.append_key,
        })
    }

    /// Checks, without opening it, that the vault `owner` wrapped this key with these labels
    /// (vault, scope, epoch, recipient) and this ciphertext. The server calls this on upload.
    pub fn verify(&self, owner: &PublicKeys) -> Result<(), OpenScopeKeyError> {
        if self.vault != owner.vault_id() {
            return Err(OpenScopeKeyError::WrongVault);
        }
        owner
            .verify(DOMAIN_WRAPPED_SCOPE_KEY, &self.statement(), &self.signature)
            .map_err(|_| OpenScopeKeyError::BadSignature)
    }

    /// Opens the key with the recipient's `identity`, checking that the vault `owner` wrapped it.
    pub fn open(
        &self,
        identity: &Identity,
        owner: &PublicKeys,
    ) -> Result<ScopeKey, OpenScopeKeyError> {
        if self.recipient != identity.public().party_id() {
            return Err(OpenScopeKeyError::NotForMe);
        }
        self.verify(owner)?;
        let plaintext = stanza::decrypt_with(identity.age_identity(), &self.ciphertext)
            .map_err(|_| OpenScopeKeyError::Decrypt)?;
        let inner = parse_key_plaintext(&plaintext).ok_or(OpenScopeKeyError::Malformed)?;
        if (inner.vault, inner.scope, inner.epoch) != (self.vault, self.scope, self.epoch) {
            return Err(OpenScopeKeyError::Mismatch);
        }
        let key = ScopeKey::from_bytes(inner.scope, inner.epoch, inner.key);
        // The append key is a label the vault signed; it must be the one this key derives,
        // or appenders would seal to a key the readers of this epoch cannot open.
        if key.append_public() != self.append_key {
            return Err(OpenScopeKeyError::Mismatch);
        }
        Ok(key)
    }
}

fn parse_key_plaintext(plaintext: &[u8]) -> Option<KeyPlaintext> {
    let body = strip_domain(DOMAIN_SCOPE_KEY, plaintext)?;
    match postcard::take_from_bytes::<KeyPlaintext>(body) {
        Ok((inner, [])) => Some(inner),
        _ => None,
    }
}

/// The bytes after `domain || 0x00`, as written by [`canonical`].
pub(crate) fn strip_domain<'a>(domain: &str, bytes: &'a [u8]) -> Option<&'a [u8]> {
    bytes
        .strip_prefix(domain.as_bytes())?
        .strip_prefix(&[0u8][..])
}

/// Wrapping a scope key failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WrapScopeKeyError {
    /// age refused to encrypt to a single X25519 recipient: a bug, not a user error.
    #[error("internal error: age encryption of a scope key failed")]
    Internal,
}

/// Opening a wrapped scope key failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OpenScopeKeyError {
    /// The key is wrapped to another party.
    #[error("this scope key is wrapped for another party")]
    NotForMe,
    /// The key names another vault than the owner given.
    #[error("this scope key belongs to another vault")]
    WrongVault,
    /// The vault key did not sign it (forged or altered labels or ciphertext).
    #[error("the vault's signature on this scope key does not verify")]
    BadSignature,
    /// The ciphertext does not open with this identity.
    #[error("the scope key does not decrypt with this identity")]
    Decrypt,
    /// The plaintext is not a scope key.
    #[error("the wrapped scope key is malformed")]
    Malformed,
    /// The plaintext names another vault, scope or epoch than its labels, or the key does not
    /// derive the append key it is labelled with.
    #[error("the wrapped scope key's labels do not match its contents")]
    Mismatch,
}

#[cfg(test)]
mod tests;
