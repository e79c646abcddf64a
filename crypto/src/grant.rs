//! Grants: the inwoner's signed answer to an access request.
//!
//! A grant names the vault, the grantee's keys and profile, the permissions, a validity window
//! (not-before, expiry or lifelong), optional max uses, whether history is included, and the
//! request's nonce. It is signed by the vault key, so only the inwoner can make one. Checked
//! against the request it answers, it may narrow but never widen what was asked; the nonce makes
//! each request answerable once.
//!
//! Format and reasons: `spec/parts/grants.md`.

use std::collections::HashSet;
use std::convert::Infallible;
use std::num::NonZeroU32;

use rand_core::CryptoRngCore;
use serde::{Deserialize, Serialize};

use crate::encoding::UnixTime;
use crate::identity::{Identity, Profile, PublicKeys, Signature};
use crate::ids::{GrantId, Nonce, VaultId};
use crate::request::{
    check_display_name, check_profile, AccessDuration, AccessRequest, FormError, Permissions,
    VerifiedRequest,
};
use crate::scope::{Mode, Scope};

/// Domain tag of the vault's signature on a grant.
pub const DOMAIN_GRANT: &str = "rugzak/v1/grant";

/// When a grant ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expiry {
    /// Not valid at or after this time.
    At(UnixTime),
    /// Valid until revoked.
    Lifelong,
}

/// Whether the grantee sees items made before the grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum History {
    /// Everything in the granted scopes, old and new.
    Included,
    /// Only items made at or after the grant's not-before.
    FromNow,
}

/// The content of a grant, as signed by the vault key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// Random id, chosen by the inwoner.
    pub id: GrantId,
    /// The vault shared; its key signs the grant.
    pub vault: VaultId,
    /// The grantee's keys (copied from the request).
    pub grantee: PublicKeys,
    /// Who the grantee is (copied from the request): the consent record names them.
    pub profile: Profile,
    /// What is granted: a subset of what was requested.
    pub permissions: Permissions,
    /// Not valid before this time.
    pub not_before: UnixTime,
    /// When it ends.
    pub expiry: Expiry,
    /// How many item fetches or appends the server allows, if limited.
    pub max_uses: Option<NonZeroU32>,
    /// Whether items from before `not_before` are included.
    pub history: History,
    /// The nonce of the request this answers.
    pub request_nonce: Nonce,
    /// The name the inwoner chose to be shown to the grantee next to the check code
    /// ([`crate::check_code`]); `None` when none was chosen. Same form rules as a profile name.
    #[serde(default)]
    pub display_name: Option<String>,
}

/// A grant with the vault key's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedGrant {
    /// What was signed.
    pub grant: Grant,
    /// Signature by the vault key over `canonical(DOMAIN_GRANT, grant)`.
    pub signature: Signature,
}

/// A grant whose signature and form were checked against the vault's keys.
///
/// Only [`SignedGrant::verify`] and [`SignedGrant::accept`] make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedGrant {
    signed: SignedGrant,
    vault_keys: PublicKeys,
}

/// What the inwoner chooses when answering a request: at most what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantTerms {
    /// Granted permissions, a subset of the requested ones.
    pub permissions: Permissions,
    /// At most the requested duration.
    pub duration: AccessDuration,
    /// Optional limit on uses.
    pub max_uses: Option<NonZeroU32>,
    /// History included or only from now on.
    pub history: History,
    /// The inwoner's name as the grantee will see it (optional, see [`Grant::display_name`]).
    pub display_name: Option<String>,
}

/// Why the inwoner's chosen terms cannot be granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TermsError {
    /// A permission that was not asked for: a grant may only narrow a request.
    #[error("{scope}:{mode} was not requested; a grant can only narrow a request")]
    NotRequested {
        /// The scope.
        scope: Scope,
        /// The mode.
        mode: Mode,
    },
    /// Longer than asked for.
    #[error("the chosen duration is longer than the requested one")]
    LongerThanRequested,
    /// Zero days or more than the maximum.
    #[error("{0}")]
    Malformed(#[from] FormError),
}

/// Why a signed grant was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    /// The keys used to check are not the keys of the vault the grant names.
    #[error("grant names vault {named}, but was checked with the keys of vault {keys}")]
    VaultMismatch {
        /// Vault named in the grant.
        named: VaultId,
        /// Vault of the keys given.
        keys: VaultId,
    },
    /// Not signed by the vault key (wrong signer or altered content).
    #[error("grant signature does not verify with the vault key (wrong signer or altered grant)")]
    BadSignature,
    /// Not-before is at or after expiry: the grant is never valid.
    #[error("grant not-before is at or after its expiry")]
    EmptyWindow,
    /// The grantee's profile is not well-formed.
    #[error("malformed grant: {0}")]
    Malformed(#[from] FormError),
    /// The grant repeats another request's nonce.
    #[error("grant answers a different access request (nonce differs)")]
    NotForThisRequest,
    /// The grantee is not the requester.
    #[error("grant is for other keys or another profile than the requester's")]
    GranteeMismatch,
    /// A permission that was not requested.
    #[error("widened scope: {scope}:{mode} was not requested")]
    WidenedScope {
        /// The scope.
        scope: Scope,
        /// The mode.
        mode: Mode,
    },
    /// Lasts longer than requested (or lifelong when days were requested).
    #[error("grant lasts longer than the request asked for")]
    ExpiryBeyondRequest,
}

/// Why a submitted grant was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AcceptError<E> {
    /// The grant itself is invalid.
    #[error(transparent)]
    Invalid(#[from] GrantError),
    /// The request's nonce was used by an earlier grant: a replay.
    #[error("the access request was already answered (nonce reused)")]
    NonceReused,
    /// The nonce ledger could not record the nonce; nothing was accepted.
    #[error("nonce ledger failed: {0}")]
    Ledger(E),
}

/// Outcome of claiming a nonce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// First use: now recorded.
    Fresh,
    /// Seen before.
    Reused,
}

/// Remembers which request nonces were answered, so each request yields at most one grant.
///
/// `claim` must be atomic: of two concurrent claims of one nonce, exactly one is `Fresh`.
/// Entries must be kept at least [`crate::request::REQUEST_LIFETIME`] +
/// [`crate::request::MAX_CLOCK_SKEW`] after the request was made; after that the request
/// itself is expired and can no longer be answered.
pub trait NonceLedger {
    /// Storage failure.
    type Error;
    /// Records `nonce`; `Reused` if it was recorded before.
    fn claim(&mut self, nonce: Nonce) -> Result<Claim, Self::Error>;
}

/// A [`NonceLedger`] in memory, for clients and tests.
#[derive(Debug, Default)]
pub struct MemoryNonceLedger {
    seen: HashSet<Nonce>,
}

impl NonceLedger for MemoryNonceLedger {
    type Error = Infallible;

    fn claim(&mut self, nonce: Nonce) -> Result<Claim, Infallible> {
        Ok(if self.seen.insert(nonce) {
            Claim::Fresh
        } else {
            Claim::Reused
        })
    }
}

impl GrantTerms {
    /// Exactly what was requested, with history: where the inwoner's choice starts.
    #[must_use]
    pub fn as_requested(request: &AccessRequest) -> Self {
        Self {
            permissions: request.permissions.clone(),
            duration: request.duration,
            max_uses: None,
            history: History::Included,
            display_name: None,
        }
    }

    fn check_within(&self, request: &AccessRequest) -> Result<(), TermsError> {
        if let Some(p) = self.permissions.first_outside(&request.permissions) {
            return Err(TermsError::NotRequested {
                scope: p.scope,
                mode: p.mode,
            });
        }
        self.duration.check()?;
        if let Some(name) = &self.display_name {
            check_display_name(name)?;
        }
        if !self.duration.fits_within(request.duration) {
            return Err(TermsError::LongerThanRequested);
        }
        Ok(())
    }
}

impl SignedGrant {
    /// The inwoner (`vault`) answers a verified request with `terms`, valid from `now`.
    pub fn answer(
        vault: &Identity,
        request: &VerifiedRequest,
        terms: GrantTerms,
        now: UnixTime,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Self, TermsError> {
        let asked = request.request();
        terms.check_within(asked)?;
        let grant = Grant {
            id: GrantId::random(rng),
            vault: vault.public().vault_id(),
            grantee: asked.requester,
            profile: asked.profile.clone(),
            permissions: terms.permissions,
            not_before: now,
            expiry: terms.duration.seconds().map_or(Expiry::Lifelong, |secs| {
                Expiry::At(now.saturating_add(secs))
            }),
            max_uses: terms.max_uses,
            history: terms.history,
            request_nonce: asked.nonce,
            display_name: terms.display_name,
        };
        let signature = vault.sign(DOMAIN_GRANT, &grant);
        Ok(Self { grant, signature })
    }

    /// Checks that the vault with `vault_keys` signed this grant and that it is well-formed.
    pub fn verify(&self, vault_keys: &PublicKeys) -> Result<VerifiedGrant, GrantError> {
        let grant = &self.grant;
        if vault_keys.vault_id() != grant.vault {
            return Err(GrantError::VaultMismatch {
                named: grant.vault,
                keys: vault_keys.vault_id(),
            });
        }
        vault_keys
            .verify(DOMAIN_GRANT, grant, &self.signature)
            .map_err(|_| GrantError::BadSignature)?;
        check_profile(&grant.profile)?;
        if let Some(name) = &grant.display_name {
            check_display_name(name)?;
        }
        if let Expiry::At(end) = grant.expiry {
            if grant.not_before >= end {
                return Err(GrantError::EmptyWindow);
            }
        }
        Ok(VerifiedGrant {
            signed: self.clone(),
            vault_keys: *vault_keys,
        })
    }

    /// The server's check on submission: [`Self::verify`], [`VerifiedGrant::check_answers`],
    /// then a single-use claim of the request nonce (last, so an invalid grant burns nothing).
    pub fn accept<L: NonceLedger>(
        &self,
        vault_keys: &PublicKeys,
        request: &VerifiedRequest,
        ledger: &mut L,
    ) -> Result<VerifiedGrant, AcceptError<L::Error>> {
        let verified = self.verify(vault_keys)?;
        verified.check_answers(request)?;
        match ledger
            .claim(self.grant.request_nonce)
            .map_err(AcceptError::Ledger)?
        {
            Claim::Fresh => Ok(verified),
            Claim::Reused => Err(AcceptError::NonceReused),
        }
    }
}

impl VerifiedGrant {
    /// The verified content.
    #[must_use]
    pub const fn grant(&self) -> &Grant {
        &self.signed.grant
    }

    /// The grant as received, for storage.
    #[must_use]
    pub const fn signed(&self) -> &SignedGrant {
        &self.signed
    }

    /// The keys of the vault that signed it.
    #[must_use]
    pub const fn vault_keys(&self) -> &PublicKeys {
        &self.vault_keys
    }

    /// Checks that this grant answers `request` without widening it: same nonce, same grantee,
    /// a subset of the permissions, and no longer than the requested duration.
    pub fn check_answers(&self, request: &VerifiedRequest) -> Result<(), GrantError> {
        let grant = self.grant();
        let asked = request.request();
        if grant.request_nonce != asked.nonce {
            return Err(GrantError::NotForThisRequest);
        }
        if grant.grantee != asked.requester || grant.profile != asked.profile {
            return Err(GrantError::GranteeMismatch);
        }
        if let Some(p) = grant.permissions.first_outside(&asked.permissions) {
            return Err(GrantError::WidenedScope {
                scope: p.scope,
                mode: p.mode,
            });
        }
        if !grant.lasts_at_most(asked.duration) {
            return Err(GrantError::ExpiryBeyondRequest);
        }
        Ok(())
    }
}

impl Grant {
    /// Within the validity window at `now` (revocation and uses are the caller's to check).
    #[must_use]
    pub fn is_active(&self, now: UnixTime) -> bool {
        self.not_before <= now
            && match self.expiry {
                Expiry::At(end) => now < end,
                Expiry::Lifelong => true,
            }
    }

    /// Active at `now` and granting `scope` in `mode`.
    #[must_use]
    pub fn permits(&self, scope: Scope, mode: Mode, now: UnixTime) -> bool {
        self.is_active(now) && self.permissions.contains(scope, mode)
    }

    /// Whether another use is allowed after `used` uses.
    #[must_use]
    pub fn has_uses_left(&self, used: u32) -> bool {
        self.max_uses.is_none_or(|max| used < max.get())
    }

    /// Whether an item made at `made_at` is visible under this grant's history choice.
    #[must_use]
    pub const fn includes_item_made_at(&self, made_at: UnixTime) -> bool {
        match self.history {
            History::Included => true,
            History::FromNow => made_at >= self.not_before,
        }
    }

    fn lasts_at_most(&self, limit: AccessDuration) -> bool {
        match (self.expiry, limit.seconds()) {
            (_, None) => true,
            (Expiry::Lifelong, Some(_)) => false,
            (Expiry::At(end), Some(max)) => {
                i128::from(end) - i128::from(self.not_before) <= i128::from(max)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::Role;
    use crate::request::SignedRequest;
    use crate::scope::Permission;
    use rand_core::OsRng;

    const NOW: UnixTime = 1_760_000_000;

    struct World {
        inwoner: Identity,
        request: VerifiedRequest,
    }

    fn p(scope: Scope, mode: Mode) -> Permission {
        Permission { scope, mode }
    }

    fn world(duration: AccessDuration) -> World {
        let coach = Identity::generate(&mut OsRng);
        let signed = SignedRequest::create(
            &coach,
            Profile {
                role: Role::Welzijnscoach,
                name: "Sanne Bakker".into(),
                organisation: "Welzijn Lelystad".into(),
            },
            Permissions::new([
                p(Scope::Vragenlijsten, Mode::Read),
                p(Scope::Intake, Mode::Read),
                p(Scope::Intake, Mode::Append),
            ])
            .expect("valid"),
            duration,
            "https://rugzak.example.nl".into(),
            NOW,
            &mut OsRng,
        )
        .expect("valid request");
        World {
            inwoner: Identity::generate(&mut OsRng),
            request: signed.verify(NOW).expect("fresh"),
        }
    }

    fn grant(w: &World, terms: GrantTerms) -> SignedGrant {
        SignedGrant::answer(&w.inwoner, &w.request, terms, NOW, &mut OsRng).expect("within request")
    }

    #[test]
    fn answer_as_requested_is_accepted_once() {
        let w = world(AccessDuration::Days(30));
        let signed = grant(&w, GrantTerms::as_requested(w.request.request()));
        let mut ledger = MemoryNonceLedger::default();
        let keys = w.inwoner.public();
        let accepted = signed
            .accept(&keys, &w.request, &mut ledger)
            .expect("valid grant");
        assert_eq!(accepted.grant().expiry, Expiry::At(NOW + 30 * 86_400));
        assert_eq!(
            signed.accept(&keys, &w.request, &mut ledger),
            Err(AcceptError::NonceReused)
        );
    }

    #[test]
    fn narrowing_is_allowed_and_widening_refused() {
        let w = world(AccessDuration::Days(30));
        let narrow = GrantTerms {
            permissions: Permissions::new([p(Scope::Intake, Mode::Append)]).expect("valid"),
            duration: AccessDuration::Days(7),
            max_uses: NonZeroU32::new(3),
            history: History::FromNow,
            display_name: Some("Annelies".into()),
        };
        let signed = grant(&w, narrow.clone());
        let verified = signed.verify(&w.inwoner.public()).expect("valid");
        assert_eq!(verified.check_answers(&w.request), Ok(()));

        let wider = GrantTerms {
            permissions: Permissions::new([p(Scope::Notities, Mode::Read)]).expect("valid"),
            ..narrow.clone()
        };
        assert_eq!(
            SignedGrant::answer(&w.inwoner, &w.request, wider, NOW, &mut OsRng),
            Err(TermsError::NotRequested {
                scope: Scope::Notities,
                mode: Mode::Read
            })
        );
        let longer = GrantTerms {
            duration: AccessDuration::Lifelong,
            ..narrow
        };
        assert_eq!(
            SignedGrant::answer(&w.inwoner, &w.request, longer, NOW, &mut OsRng),
            Err(TermsError::LongerThanRequested)
        );
    }

    #[test]
    fn verification_rejects_wrong_signer_and_widened_and_extended_grants() {
        let w = world(AccessDuration::Days(30));
        let good = grant(&w, GrantTerms::as_requested(w.request.request()));
        let keys = w.inwoner.public();

        let stranger = Identity::generate(&mut OsRng);
        let mut forged = good.clone();
        forged.signature = stranger.sign(DOMAIN_GRANT, &forged.grant);
        assert_eq!(forged.verify(&keys), Err(GrantError::BadSignature));
        assert!(matches!(
            good.verify(&stranger.public()),
            Err(GrantError::VaultMismatch { .. })
        ));

        // The inwoner signs a grant wider than requested: signature fine, answer refused.
        let mut wide = good.grant.clone();
        wide.permissions = Permissions::new([p(Scope::Notities, Mode::Read)]).expect("valid");
        let wide = SignedGrant {
            signature: w.inwoner.sign(DOMAIN_GRANT, &wide),
            grant: wide,
        };
        let verified = wide.verify(&keys).expect("well signed");
        assert_eq!(
            verified.check_answers(&w.request),
            Err(GrantError::WidenedScope {
                scope: Scope::Notities,
                mode: Mode::Read
            })
        );

        // Expiry changed after signing: the signature no longer holds.
        let mut extended = good.clone();
        extended.grant.expiry = Expiry::Lifelong;
        assert_eq!(extended.verify(&keys), Err(GrantError::BadSignature));

        // Expiry beyond the request, signed: refused against the request.
        let mut long = good.grant.clone();
        long.expiry = Expiry::At(NOW + 31 * 86_400);
        let long = SignedGrant {
            signature: w.inwoner.sign(DOMAIN_GRANT, &long),
            grant: long,
        };
        assert_eq!(
            long.verify(&keys)
                .expect("signed")
                .check_answers(&w.request),
            Err(GrantError::ExpiryBeyondRequest)
        );

        // Not-before at expiry.
        let mut empty = good.grant;
        empty.expiry = Expiry::At(empty.not_before);
        let empty = SignedGrant {
            signature: w.inwoner.sign(DOMAIN_GRANT, &empty),
            grant: empty,
        };
        assert_eq!(empty.verify(&keys), Err(GrantError::EmptyWindow));
    }

    #[test]
    fn a_display_name_is_signed_and_held_to_the_name_rules() {
        let w = world(AccessDuration::Days(30));
        let keys = w.inwoner.public();
        let named = GrantTerms {
            display_name: Some("Annelies".into()),
            ..GrantTerms::as_requested(w.request.request())
        };
        let signed = grant(&w, named.clone());
        assert_eq!(signed.grant.display_name.as_deref(), Some("Annelies"));
        assert!(signed.verify(&keys).is_ok());
        let mut renamed = signed.clone();
        renamed.grant.display_name = Some("Mallory".into());
        assert_eq!(renamed.verify(&keys), Err(GrantError::BadSignature));
        let mut dropped = signed;
        dropped.grant.display_name = None;
        assert_eq!(dropped.verify(&keys), Err(GrantError::BadSignature));

        let disguised = FormError::ForbiddenCharacter {
            field: "display name",
        };
        let bidi = GrantTerms {
            display_name: Some("Annelies\u{202E}".into()),
            ..named
        };
        assert_eq!(
            SignedGrant::answer(&w.inwoner, &w.request, bidi.clone(), NOW, &mut OsRng),
            Err(TermsError::Malformed(disguised))
        );
        // Signed anyway by a client that skips the check: refused on verification.
        let mut bad = grant(&w, GrantTerms::as_requested(w.request.request())).grant;
        bad.display_name = bidi.display_name;
        let bad = SignedGrant {
            signature: w.inwoner.sign(DOMAIN_GRANT, &bad),
            grant: bad,
        };
        assert_eq!(bad.verify(&keys), Err(GrantError::Malformed(disguised)));
    }

    #[test]
    fn grant_for_another_request_is_refused() {
        let w = world(AccessDuration::Lifelong);
        let other = world(AccessDuration::Lifelong);
        let signed = grant(&w, GrantTerms::as_requested(w.request.request()));
        let mut ledger = MemoryNonceLedger::default();
        assert_eq!(
            signed.accept(&w.inwoner.public(), &other.request, &mut ledger),
            Err(AcceptError::Invalid(GrantError::NotForThisRequest))
        );
        // Nothing was burnt: the right pairing still goes through.
        assert!(signed
            .accept(&w.inwoner.public(), &w.request, &mut ledger)
            .is_ok());
    }

    #[test]
    fn activity_window_permissions_uses_and_history() {
        let w = world(AccessDuration::Days(1));
        let terms = GrantTerms {
            max_uses: NonZeroU32::new(2),
            history: History::FromNow,
            ..GrantTerms::as_requested(w.request.request())
        };
        let g = grant(&w, terms).grant;
        assert!(!g.is_active(NOW - 1));
        assert!(g.is_active(NOW));
        assert!(g.is_active(NOW + 86_399));
        assert!(!g.is_active(NOW + 86_400));
        assert!(g.permits(Scope::Intake, Mode::Append, NOW));
        assert!(!g.permits(Scope::Notities, Mode::Read, NOW));
        assert!(!g.permits(Scope::Intake, Mode::Append, NOW + 86_400));
        assert!(g.has_uses_left(1));
        assert!(!g.has_uses_left(2));
        assert!(!g.includes_item_made_at(NOW - 1));
        assert!(g.includes_item_made_at(NOW));
    }
}
