//! Who may write what: the per-entry rules checked both when an entry is made and when a chain
//! is verified, so that a correct writer can never produce an entry a verifier refuses.

use crate::http_sig::within_skew;
use crate::identity::Role;
use crate::ids::PartyId;
use crate::log::{Actor, EventKind, LogEntry, Signer};

/// An entry breaks a rule of the consent log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RuleViolation {
    /// Consent entries (grant, revoke, share-link create) must be signed by the vault key and
    /// observations (access, append, share-link open) by the server key.
    #[error("a {kind} entry is signed by the wrong key")]
    WrongSigner {
        /// The entry's kind.
        kind: EventKind,
    },
    /// A vault-signed entry names another actor than the vault's own inwoner.
    #[error("a vault-signed entry must name the inwoner of the vault as actor")]
    NotVaultOwner,
    /// Only a share-link open may have an anonymous link holder as actor.
    #[error("a {kind} entry needs a known actor")]
    AnonymousActor {
        /// The entry's kind.
        kind: EventKind,
    },
    /// A proof belongs on server-signed entries with a known actor only.
    #[error("this entry cannot carry a signed request as proof")]
    ProofNotAllowed,
    /// The proof is a request of another party than the entry's actor.
    #[error("the proof is signed by another party than the actor")]
    ProofFromOtherParty,
    /// The proof was signed too long before or after the entry's time.
    #[error("the proof's time is too far from the entry's time")]
    ProofTimeMismatch,
}

/// Checks `entry` against the rules; `vault_party` is the party id of the vault's own key.
pub(crate) fn check(entry: &LogEntry, vault_party: PartyId) -> Result<(), RuleViolation> {
    let event = &entry.event;
    if event
        .kind
        .required_signer()
        .is_some_and(|required| required != entry.signer)
    {
        return Err(RuleViolation::WrongSigner { kind: event.kind });
    }
    match (entry.signer, event.actor) {
        (Signer::Vault, actor) => {
            let owner = Actor::Party {
                id: vault_party,
                role: Role::Inwoner,
            };
            if actor != owner {
                return Err(RuleViolation::NotVaultOwner);
            }
            if event.proof.is_some() {
                return Err(RuleViolation::ProofNotAllowed);
            }
        }
        (Signer::Server, Actor::LinkHolder) => {
            if event.kind != EventKind::ShareLinkOpen {
                return Err(RuleViolation::AnonymousActor { kind: event.kind });
            }
            if event.proof.is_some() {
                return Err(RuleViolation::ProofNotAllowed);
            }
        }
        (Signer::Server, Actor::Party { id, .. }) => {
            if let Some(proof) = &event.proof {
                if proof.claims.key != id {
                    return Err(RuleViolation::ProofFromOtherParty);
                }
                if !within_skew(proof.claims.timestamp, event.time) {
                    return Err(RuleViolation::ProofTimeMismatch);
                }
            }
        }
    }
    Ok(())
}
