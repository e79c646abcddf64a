//! Revocations: the inwoner withdraws a grant, signed by the vault key.
//!
//! Revoking is idempotent: the first valid revocation of a grant counts, and any later one
//! (identical or with another time) is accepted and changes nothing. Revocation stops the
//! server from serving the grantee; rotating the affected scope keys (done by the client) is
//! what keeps items written afterwards out of a revoked grantee's reach.
//!
//! Format and reasons: `spec/parts/grants.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::encoding::UnixTime;
use crate::grant::VerifiedGrant;
use crate::identity::{Identity, Signature};
use crate::ids::{GrantId, VaultId};

/// Domain tag of the vault's signature on a revocation.
pub const DOMAIN_REVOCATION: &str = "rugzak/v1/revocation";

/// The content of a revocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revocation {
    /// The grant withdrawn.
    pub grant: GrantId,
    /// The vault it belongs to.
    pub vault: VaultId,
    /// When the inwoner revoked it.
    pub at: UnixTime,
}

/// A revocation with the vault key's signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedRevocation {
    /// What was signed.
    pub revocation: Revocation,
    /// Signature by the vault key over `canonical(DOMAIN_REVOCATION, revocation)`.
    pub signature: Signature,
}

/// A revocation checked against the grant it withdraws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifiedRevocation(SignedRevocation);

/// Why a revocation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RevocationError {
    /// It names another grant than the one it was checked against.
    #[error("revocation names another grant")]
    OtherGrant,
    /// It names another vault than the grant's.
    #[error("revocation names another vault than the grant's")]
    OtherVault,
    /// Not signed by the grant's vault key.
    #[error("revocation signature does not verify with the vault key (wrong signer or altered revocation)")]
    BadSignature,
}

/// Whether applying a revocation changed anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The grant was active and is now revoked.
    Revoked,
    /// The grant was already revoked; the earlier revocation stands.
    AlreadyRevoked,
}

impl SignedRevocation {
    /// The inwoner (`vault`) revokes `grant` at `now`.
    #[must_use]
    pub fn sign(vault: &Identity, grant: GrantId, now: UnixTime) -> Self {
        let revocation = Revocation {
            grant,
            vault: vault.public().vault_id(),
            at: now,
        };
        Self {
            signature: vault.sign(DOMAIN_REVOCATION, &revocation),
            revocation,
        }
    }

    /// Checks that this revokes `grant` and is signed by the key of the vault that made it.
    pub fn verify(&self, grant: &VerifiedGrant) -> Result<VerifiedRevocation, RevocationError> {
        let target = grant.grant();
        if self.revocation.grant != target.id {
            return Err(RevocationError::OtherGrant);
        }
        if self.revocation.vault != target.vault {
            return Err(RevocationError::OtherVault);
        }
        grant
            .vault_keys()
            .verify(DOMAIN_REVOCATION, &self.revocation, &self.signature)
            .map_err(|_| RevocationError::BadSignature)?;
        Ok(VerifiedRevocation(*self))
    }
}

impl VerifiedRevocation {
    /// The revocation as received, for storage and the consent log.
    #[must_use]
    pub const fn signed(&self) -> &SignedRevocation {
        &self.0
    }
}

/// The revoked grants of one or more vaults, first revocation wins.
///
/// Clients keep their view in this; the server stores the same rule in its own store.
#[derive(Debug, Default, Clone)]
pub struct Revocations {
    by_grant: BTreeMap<GrantId, SignedRevocation>,
}

impl Revocations {
    /// Records `revocation` unless its grant is already revoked.
    pub fn apply(&mut self, revocation: VerifiedRevocation) -> Applied {
        let signed = revocation.0;
        match self.by_grant.entry(signed.revocation.grant) {
            std::collections::btree_map::Entry::Occupied(_) => Applied::AlreadyRevoked,
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(signed);
                Applied::Revoked
            }
        }
    }

    /// Whether `grant` is revoked.
    #[must_use]
    pub fn is_revoked(&self, grant: GrantId) -> bool {
        self.by_grant.contains_key(&grant)
    }

    /// The revocation in force for `grant`, if any.
    #[must_use]
    pub fn get(&self, grant: GrantId) -> Option<&SignedRevocation> {
        self.by_grant.get(&grant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grant::{GrantTerms, SignedGrant};
    use crate::identity::{Profile, Role};
    use crate::request::{AccessDuration, Permissions, SignedRequest};
    use crate::scope::{Mode, Permission, Scope};
    use rand_core::OsRng;

    const NOW: UnixTime = 1_760_000_000;

    fn granted(inwoner: &Identity) -> VerifiedGrant {
        let gp = Identity::generate(&mut OsRng);
        let request = SignedRequest::create(
            &gp,
            Profile {
                role: Role::Huisarts,
                name: "Dr. J. de Vries".into(),
                organisation: "Praktijk Zuid".into(),
            },
            Permissions::new([Permission {
                scope: Scope::Vragenlijsten,
                mode: Mode::Read,
            }])
            .expect("valid"),
            AccessDuration::Days(30),
            "https://rugzak.example.nl".into(),
            NOW,
            &mut OsRng,
        )
        .expect("valid")
        .verify(NOW)
        .expect("fresh");
        SignedGrant::answer(
            inwoner,
            &request,
            GrantTerms::as_requested(request.request()),
            NOW,
            &mut OsRng,
        )
        .expect("valid")
        .verify(&inwoner.public())
        .expect("valid")
    }

    #[test]
    fn revoking_twice_changes_nothing() {
        let inwoner = Identity::generate(&mut OsRng);
        let grant = granted(&inwoner);
        let id = grant.grant().id;
        let first = SignedRevocation::sign(&inwoner, id, NOW + 10);
        let later = SignedRevocation::sign(&inwoner, id, NOW + 99);
        let mut revocations = Revocations::default();
        assert!(!revocations.is_revoked(id));
        let verified = first.verify(&grant).expect("valid");
        assert_eq!(revocations.apply(verified), Applied::Revoked);
        assert_eq!(revocations.apply(verified), Applied::AlreadyRevoked);
        assert_eq!(
            revocations.apply(later.verify(&grant).expect("valid")),
            Applied::AlreadyRevoked
        );
        assert_eq!(revocations.get(id), Some(&first));
        assert!(revocations.is_revoked(id));
    }

    #[test]
    fn wrong_signer_other_grant_and_tampering_are_refused() {
        let inwoner = Identity::generate(&mut OsRng);
        let grant = granted(&inwoner);
        let id = grant.grant().id;

        let stranger = Identity::generate(&mut OsRng);
        assert_eq!(
            SignedRevocation::sign(&stranger, id, NOW).verify(&grant),
            Err(RevocationError::OtherVault)
        );
        let mut forged = SignedRevocation::sign(&inwoner, id, NOW);
        forged.signature = stranger.sign(DOMAIN_REVOCATION, &forged.revocation);
        assert_eq!(forged.verify(&grant), Err(RevocationError::BadSignature));

        let other = granted(&inwoner);
        assert_eq!(
            SignedRevocation::sign(&inwoner, other.grant().id, NOW).verify(&grant),
            Err(RevocationError::OtherGrant)
        );

        let mut moved = SignedRevocation::sign(&inwoner, id, NOW);
        moved.revocation.at += 1;
        assert_eq!(moved.verify(&grant), Err(RevocationError::BadSignature));
    }
}
