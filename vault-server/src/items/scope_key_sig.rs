//! Checks the vault's signature on an uploaded [`WrappedScopeKey`] without opening it.
//!
//! `crypto` verifies this signature only inside `WrappedScopeKey::open`, which needs the
//! recipient's secret key. The signed statement is `canonical(DOMAIN_WRAPPED_SCOPE_KEY,
//! {vault, scope, epoch, recipient, sha256(ciphertext)})`; this mirror of crypto's private
//! `WrapStatement` is pinned by the test below against keys wrapped by `crypto` itself, so a
//! change there fails the build's tests instead of silently refusing every upload.
//! TODO(lead): replace with a public `WrappedScopeKey::verify(&PublicKeys)` in `crypto`.

use crypto::encoding::sha256;
use crypto::scope_key::DOMAIN_WRAPPED_SCOPE_KEY;
use crypto::{Digest, PartyId, PublicKeys, Scope, VaultId, WrappedScopeKey};
use serde::Serialize;

/// What the vault key signs for a wrapped scope key (field order is the wire format).
#[derive(Serialize)]
struct WrapStatement {
    vault: VaultId,
    scope: Scope,
    epoch: u32,
    recipient: PartyId,
    ciphertext: Digest,
}

/// Whether `vault`'s key signed `key` (labels and ciphertext).
pub fn signed_by_vault(key: &WrappedScopeKey, vault: &PublicKeys) -> bool {
    let statement = WrapStatement {
        vault: key.vault,
        scope: key.scope,
        epoch: key.epoch,
        recipient: key.recipient,
        ciphertext: sha256(&key.ciphertext),
    };
    key.vault == vault.vault_id()
        && vault
            .verify(DOMAIN_WRAPPED_SCOPE_KEY, &statement, &key.signature)
            .is_ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use crypto::{Identity, ScopeKey};
    use rand_core::OsRng;

    #[test]
    fn keys_wrapped_by_crypto_verify_and_any_change_does_not() {
        let vault = Identity::generate(&mut OsRng);
        let gp = Identity::generate(&mut OsRng).public();
        let key = ScopeKey::generate(Scope::Intake, &mut OsRng)
            .wrap(&vault, &gp)
            .unwrap();
        assert!(signed_by_vault(&key, &vault.public()));

        let other = Identity::generate(&mut OsRng).public();
        assert!(!signed_by_vault(&key, &other), "another vault's key");
        let mut k = key.clone();
        k.scope = Scope::Notities;
        assert!(!signed_by_vault(&k, &vault.public()), "scope swapped");
        let mut k = key.clone();
        k.epoch += 1;
        assert!(!signed_by_vault(&k, &vault.public()), "epoch changed");
        let mut k = key.clone();
        k.recipient = other.party_id();
        assert!(!signed_by_vault(&k, &vault.public()), "recipient changed");
        let mut k = key;
        k.ciphertext[0] ^= 1;
        assert!(!signed_by_vault(&k, &vault.public()), "ciphertext flipped");
    }
}
