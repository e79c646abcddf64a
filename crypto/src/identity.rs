//! Parties and their keys: one 32-byte root secret derives everything else.
//!
//! `root → HKDF-SHA256(salt = "rugzak/v1/root", info = "rugzak/v1/ed25519") → Ed25519 signing key`
//! `root → HKDF-SHA256(salt = "rugzak/v1/root", info = "rugzak/v1/x25519")  → X25519 age identity`

use std::fmt;

use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use hkdf::Hkdf;
use rand_core::CryptoRngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::encoding::{canonical, sha256};
use crate::ids::{PartyId, VaultId};

const ROOT_SALT: &[u8] = b"rugzak/v1/root";
const INFO_SIGNING: &[u8] = b"rugzak/v1/ed25519";
const INFO_AGREEMENT: &[u8] = b"rugzak/v1/x25519";
const INFO_DEVICE_STATE: &[u8] = b"rugzak/v1/device-state";
const DOMAIN_PARTY_ID: &[u8] = b"rugzak/v1/party-id\0";
/// The vault id commits to both keys, so a grant (which names the vault id and is signed by the
/// signing key) also binds the X25519 key that appenders seal to: a server cannot swap it.
const DOMAIN_VAULT_ID: &[u8] = b"rugzak/v1/vault-id/2\0";

/// A party's 32-byte root secret. Zeroized on drop, compared in constant time, never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct RootSecret([u8; 32]);

impl RootSecret {
    /// A fresh random root secret.
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Wraps existing bytes (from a keystore or a recovery code).
    #[must_use]
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The secret bytes, for the keystore and the recovery code only.
    #[must_use]
    pub const fn expose_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn derive(&self, info: &[u8]) -> Zeroizing<[u8; 32]> {
        let hk = Hkdf::<Sha256>::new(Some(ROOT_SALT), &self.0);
        let mut out = Zeroizing::new([0u8; 32]);
        #[allow(
            clippy::expect_used,
            reason = "32 bytes is far below HKDF-SHA256's 8160-byte output limit"
        )]
        hk.expand(info, out.as_mut()).expect("32-byte HKDF output");
        out
    }
}

impl PartialEq for RootSecret {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}
impl Eq for RootSecret {}

impl fmt::Debug for RootSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RootSecret([redacted])")
    }
}

/// An Ed25519 signature (64 bytes).
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature(#[serde(with = "crate::encoding::bytes")] pub [u8; 64]);

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Signature({})",
            crate::encoding::b64::encode(&self.0[..8])
        )
    }
}

impl From<ed25519_dalek::Signature> for Signature {
    fn from(sig: ed25519_dalek::Signature) -> Self {
        Self(sig.to_bytes())
    }
}

impl Signature {
    /// As the dalek type, for verification.
    #[must_use]
    pub fn to_dalek(&self) -> ed25519_dalek::Signature {
        ed25519_dalek::Signature::from_bytes(&self.0)
    }
}

/// A signature did not verify, or the key it names is not a valid Ed25519 point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("signature does not verify")]
pub struct BadSignature;

/// A party's keys with the Ed25519 point already decoded. Decoding (a square root in the field)
/// is about a third of a signature check, so a server that authenticates the same parties
/// again and again keeps these instead of decoding [`PublicKeys`] per request.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Verifier {
    keys: PublicKeys,
    key: VerifyingKey,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Verifier({})", self.keys.party_id())
    }
}

impl Verifier {
    /// The keys it checks signatures of.
    #[must_use]
    pub const fn keys(&self) -> &PublicKeys {
        &self.keys
    }

    /// Verifies `sig` over `canonical(domain, value)`, as [`PublicKeys::verify`] does.
    pub fn verify<T: Serialize + ?Sized>(
        &self,
        domain: &str,
        value: &T,
        sig: &Signature,
    ) -> Result<(), BadSignature> {
        if self.check(domain, value, sig).holds() {
            Ok(())
        } else {
            Err(BadSignature)
        }
    }

    /// The check of `sig` over `canonical(domain, value)`, to run alone or with others
    /// ([`verify_all`]).
    #[must_use]
    pub fn check<T: Serialize + ?Sized>(
        &self,
        domain: &str,
        value: &T,
        sig: &Signature,
    ) -> SignatureCheck {
        SignatureCheck::new(canonical(domain, value), sig, self)
    }
}

/// One signature to check, alone ([`SignatureCheck::holds`]) or together with others
/// ([`verify_all`]): the signed bytes, the signature, the signer's decoded key, and the
/// equation it must satisfy.
#[derive(Clone)]
pub struct SignatureCheck {
    message: Vec<u8>,
    signature: ed25519_dalek::Signature,
    key: VerifyingKey,
    equation: Equation,
}

/// The equation a signature must satisfy when checked alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Equation {
    /// `verify_strict`: canonical `S`, `R` not of small order, `[S]B = R + [k]A` exactly.
    Strict,
    /// The cofactored `[8][S]B = [8]R + [8][k]A` with canonical `S` (ZIP 215, by
    /// `ed25519-zebra`): what a batch verification of several signatures accepts with
    /// certainty, so a signed request the server accepted in a batch always holds again as a
    /// proof in the consent log.
    Cofactored,
}

impl fmt::Debug for SignatureCheck {
    /// The signed bytes may name a request target: not printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SignatureCheck({:?}, [redacted])", self.equation)
    }
}

impl SignatureCheck {
    /// The strict check of `signature` over `message` by `signer` (a key known not to be of
    /// small order: [`PublicKeys::verifier`] refuses those).
    #[must_use]
    pub fn new(message: Vec<u8>, signature: &Signature, signer: &Verifier) -> Self {
        Self {
            message,
            signature: signature.to_dalek(),
            key: signer.key,
            equation: Equation::Strict,
        }
    }

    /// The cofactored check of a signed API request (see `spec/parts/http-sig.md`).
    #[must_use]
    pub fn cofactored(message: Vec<u8>, signature: &Signature, signer: &Verifier) -> Self {
        Self {
            equation: Equation::Cofactored,
            ..Self::new(message, signature, signer)
        }
    }

    /// Whether the signature holds by itself.
    #[must_use]
    pub fn holds(&self) -> bool {
        match self.equation {
            Equation::Strict => self
                .key
                .verify_strict(&self.message, &self.signature)
                .is_ok(),
            Equation::Cofactored => ed25519_zebra::VerificationKey::try_from(self.key.to_bytes())
                .and_then(|key| {
                    key.verify(
                        &ed25519_zebra::Signature::from(self.signature.to_bytes()),
                        &self.message,
                    )
                })
                .is_ok(),
        }
    }
}

/// Checks many signatures at once: for each, whether it holds, in the order given.
///
/// The checks of each equation go in batches of their own, each batch about half the cost per
/// signature of checking each alone, from a few signatures on: strict ones in
/// `ed25519_dalek::verify_batch`, cofactored ones in `ed25519_zebra::batch` (which merges the
/// terms of one key, and accepts exactly the sets in which each signature holds alone, so a
/// signer gains nothing by crafting torsion into its `R`). When a batch fails, each half is
/// checked the same way, down to single signatures checked alone ([`SignatureCheck::holds`]):
/// one bad signature costs a few more batches, not a check of every other one. A forged
/// signature passes a batch only with negligible probability; the strict batch also accepts
/// a signature its signer crafted with a small-torsion component (see `spec/parts/log.md`,
/// Notes on batch verification), which only the log's own authors are held to.
#[must_use]
pub fn verify_all(checks: &[SignatureCheck]) -> Vec<bool> {
    let mut holds = vec![false; checks.len()];
    for equation in [Equation::Strict, Equation::Cofactored] {
        let (places, alike): (Vec<usize>, Vec<&SignatureCheck>) = checks
            .iter()
            .enumerate()
            .filter(|(_, check)| check.equation == equation)
            .unzip();
        for (place, ok) in places.into_iter().zip(verify_alike(&alike, equation)) {
            holds[place] = ok;
        }
    }
    holds
}

/// [`verify_all`] for checks of one equation: a batch, then halves of a failed one.
fn verify_alike(checks: &[&SignatureCheck], equation: Equation) -> Vec<bool> {
    match checks {
        [] => Vec::new(),
        [one] => vec![one.holds()],
        _ if batch_holds(checks, equation) => vec![true; checks.len()],
        _ => {
            let (first, second) = checks.split_at(checks.len() / 2);
            let mut holds = verify_alike(first, equation);
            holds.extend(verify_alike(second, equation));
            holds
        }
    }
}

/// One batch verification of `checks`, all of `equation`.
fn batch_holds(checks: &[&SignatureCheck], equation: Equation) -> bool {
    match equation {
        Equation::Strict => {
            let messages: Vec<&[u8]> = checks.iter().map(|c| c.message.as_slice()).collect();
            let signatures: Vec<ed25519_dalek::Signature> =
                checks.iter().map(|c| c.signature).collect();
            let keys: Vec<VerifyingKey> = checks.iter().map(|c| c.key).collect();
            ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok()
        }
        Equation::Cofactored => {
            let mut batch = ed25519_zebra::batch::Verifier::new();
            for check in checks {
                batch.queue((
                    ed25519_zebra::VerificationKeyBytes::from(check.key.to_bytes()),
                    ed25519_zebra::Signature::from(check.signature.to_bytes()),
                    &check.message,
                ));
            }
            // The coefficients must be unknown to the signers: fresh randomness per batch.
            batch.verify(rand_core::OsRng).is_ok()
        }
    }
}

/// A party's public keys: what others need to verify its signatures and encrypt to it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PublicKeys {
    /// Ed25519 verifying key.
    #[serde(with = "crate::encoding::bytes")]
    pub signing: [u8; 32],
    /// X25519 public key (the age recipient).
    #[serde(with = "crate::encoding::bytes")]
    pub agreement: [u8; 32],
}

impl fmt::Debug for PublicKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKeys({})", self.party_id())
    }
}

impl PublicKeys {
    /// The party id: first 16 bytes of SHA-256("rugzak/v1/party-id\0" || signing key).
    #[must_use]
    pub fn party_id(&self) -> PartyId {
        PartyId::from_bytes(truncate16(DOMAIN_PARTY_ID, &self.signing))
    }

    /// The vault id when these are a vault's keys: the first 16 bytes of
    /// SHA-256("rugzak/v1/vault-id/2\0" || signing key || agreement key). Both keys, so that
    /// whoever trusts a vault id (a grantee, from its signed grant) also trusts the X25519 key.
    #[must_use]
    pub fn vault_id(&self) -> VaultId {
        let mut both = [0u8; 64];
        both[..32].copy_from_slice(&self.signing);
        both[32..].copy_from_slice(&self.agreement);
        let digest = sha256(&[DOMAIN_VAULT_ID, &both[..]].concat());
        let mut out = [0u8; 16];
        out.copy_from_slice(&digest.as_bytes()[..16]);
        VaultId::from_bytes(out)
    }

    /// The Ed25519 verifying key; fails for bytes that are not a valid point.
    pub fn verifying_key(&self) -> Result<VerifyingKey, BadSignature> {
        VerifyingKey::from_bytes(&self.signing).map_err(|_| BadSignature)
    }

    /// Verifies `sig` over `canonical(domain, value)` (strict: rejects small-order keys and
    /// non-canonical signatures).
    pub fn verify<T: Serialize + ?Sized>(
        &self,
        domain: &str,
        value: &T,
        sig: &Signature,
    ) -> Result<(), BadSignature> {
        self.verifier()?.verify(domain, value, sig)
    }

    /// These keys with the signing key decoded, for checking many signatures by this party.
    /// Fails for a key of small order, which no signature by it may pass (as `verify_strict`
    /// demands; a batch verification would not check it itself).
    pub fn verifier(&self) -> Result<Verifier, BadSignature> {
        let key = self.verifying_key()?;
        if key.is_weak() {
            return Err(BadSignature);
        }
        Ok(Verifier { keys: *self, key })
    }

    /// The age X25519 recipient for this party.
    #[must_use]
    pub fn age_recipient(&self) -> age::x25519::Recipient {
        let text = bech32_encode("age", &self.agreement);
        #[allow(
            clippy::expect_used,
            reason = "a bech32 string built from 32 bytes always parses"
        )]
        text.parse().expect("valid age recipient encoding")
    }
}

fn truncate16(domain: &[u8], key: &[u8; 32]) -> [u8; 16] {
    let mut input = Vec::with_capacity(domain.len() + 32);
    input.extend_from_slice(domain);
    input.extend_from_slice(key);
    let digest = sha256(&input);
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest.as_bytes()[..16]);
    out
}

pub(crate) fn bech32_encode(hrp: &str, data: &[u8]) -> String {
    #[allow(
        clippy::expect_used,
        reason = "the human-readable parts used here are fixed, valid constants"
    )]
    let hrp = bech32::Hrp::parse(hrp).expect("valid hrp");
    #[allow(
        clippy::expect_used,
        reason = "32 bytes fit well within bech32's length limit"
    )]
    bech32::encode::<bech32::Bech32>(hrp, data).expect("encodable")
}

/// A party's private side: root secret plus the keys derived from it.
pub struct Identity {
    root: RootSecret,
    signing: SigningKey,
    agreement: x25519_dalek::StaticSecret,
    age: age::x25519::Identity,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Identity({}, [redacted])", self.public().party_id())
    }
}

impl Identity {
    /// A new party with a fresh root secret.
    pub fn generate(rng: &mut impl CryptoRngCore) -> Self {
        Self::from_root(RootSecret::generate(rng))
    }

    /// Derives every key from `root`; the same root always gives the same keys.
    #[must_use]
    pub fn from_root(root: RootSecret) -> Self {
        let signing = SigningKey::from_bytes(&root.derive(INFO_SIGNING));
        let agreement_bytes = root.derive(INFO_AGREEMENT);
        let agreement = x25519_dalek::StaticSecret::from(*agreement_bytes);
        let age_text =
            Zeroizing::new(bech32_encode("age-secret-key-", agreement.as_bytes()).to_uppercase());
        #[allow(
            clippy::expect_used,
            reason = "a bech32 string built from 32 bytes always parses"
        )]
        let age = age_text.parse().expect("valid age identity encoding");
        Self {
            root,
            signing,
            agreement,
            age,
        }
    }

    /// The root secret, for the keystore and the recovery code.
    #[must_use]
    pub const fn root_secret(&self) -> &RootSecret {
        &self.root
    }

    /// The public keys.
    #[must_use]
    pub fn public(&self) -> PublicKeys {
        PublicKeys {
            signing: self.signing.verifying_key().to_bytes(),
            agreement: x25519_dalek::PublicKey::from(&self.agreement).to_bytes(),
        }
    }

    /// Signs `canonical(domain, value)`.
    #[must_use]
    pub fn sign<T: Serialize + ?Sized>(&self, domain: &str, value: &T) -> Signature {
        self.signing.sign(&canonical(domain, value)).into()
    }

    /// The age identity that opens files encrypted to [`PublicKeys::age_recipient`].
    #[must_use]
    pub const fn age_identity(&self) -> &age::x25519::Identity {
        &self.age
    }
}

/// The age identity that encrypts a device's stored state under a secret the device holds
/// outside Rugzak (the 32-byte PRF output of a passkey). Derived with its own label, so that
/// secret never doubles as a party key; the same secret always gives the same identity.
#[must_use]
pub fn device_state_identity(secret: &[u8; 32]) -> age::x25519::Identity {
    let key = RootSecret::from_bytes(*secret).derive(INFO_DEVICE_STATE);
    let text = Zeroizing::new(bech32_encode("age-secret-key-", key.as_slice()).to_uppercase());
    #[allow(
        clippy::expect_used,
        reason = "a bech32 string built from 32 bytes always parses"
    )]
    text.parse().expect("valid age identity encoding")
}

/// What a party is in the WoR journey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The citizen who owns a vault.
    Inwoner,
    /// General practitioner.
    Huisarts,
    /// Welfare coach.
    Welzijnscoach,
    /// Practice nurse for mental health.
    PohGgz,
    /// Any other professional.
    Other,
}

impl Role {
    /// Stable text form (`huisarts`, `poh-ggz`, ...).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Inwoner => "inwoner",
            Self::Huisarts => "huisarts",
            Self::Welzijnscoach => "welzijnscoach",
            Self::PohGgz => "poh-ggz",
            Self::Other => "other",
        }
    }

    /// All roles, for parsing and help texts.
    pub const ALL: [Self; 5] = [
        Self::Inwoner,
        Self::Huisarts,
        Self::Welzijnscoach,
        Self::PohGgz,
        Self::Other,
    ];
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or(UnknownRole)
    }
}

/// Text that names no [`Role`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown role (expected inwoner, huisarts, welzijnscoach, poh-ggz or other)")]
pub struct UnknownRole;

/// A professional's public description, shown to the inwoner before granting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Role in the journey.
    pub role: Role,
    /// Display name ("Dr. J. de Vries").
    pub name: String,
    /// Organisation ("Huisartsenpraktijk Lelystad-Zuid").
    pub organisation: String,
}

#[cfg(test)]
/// A signature by `id` over `message` whose `R` carries a point of order 2: valid under
/// the cofactored equation, refused by `verify_strict`. Only the signer can make one.
pub(crate) fn torsioned_signature(id: &Identity, message: &[u8]) -> Signature {
    use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
    use curve25519_dalek::edwards::CompressedEdwardsY;
    use curve25519_dalek::Scalar;
    use sha2::{Digest as _, Sha512};

    // (0, -1): the point of order 2.
    let mut minus_one = [0u8; 32];
    minus_one[0] = 0xec;
    minus_one[1..31].fill(0xff);
    minus_one[31] = 0x7f;
    let order_two = CompressedEdwardsY(minus_one)
        .decompress()
        .expect("(0, -1) is on the curve");
    let r = Scalar::from(987_654_321u64);
    let big_r = (ED25519_BASEPOINT_POINT * r + order_two).compress();
    let k = Scalar::from_bytes_mod_order_wide(
        &Sha512::new()
            .chain_update(big_r.as_bytes())
            .chain_update(id.public().signing)
            .chain_update(message)
            .finalize()
            .into(),
    );
    let s = r + k * id.signing.to_scalar();
    let mut bytes = [0u8; 64];
    bytes[..32].copy_from_slice(big_r.as_bytes());
    bytes[32..].copy_from_slice(s.as_bytes());
    Signature(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    #[test]
    fn same_root_gives_same_keys_and_different_roots_differ() {
        let a = Identity::generate(&mut OsRng);
        let again = Identity::from_root(a.root_secret().clone());
        assert_eq!(a.public(), again.public());
        let b = Identity::generate(&mut OsRng);
        assert_ne!(a.public(), b.public());
        assert_ne!(a.public().party_id(), b.public().party_id());
    }

    #[test]
    fn signature_binds_domain_and_value() {
        let id = Identity::generate(&mut OsRng);
        let sig = id.sign("rugzak/v1/test", &7u32);
        assert!(id.public().verify("rugzak/v1/test", &7u32, &sig).is_ok());
        assert!(id.public().verify("rugzak/v1/other", &7u32, &sig).is_err());
        assert!(id.public().verify("rugzak/v1/test", &8u32, &sig).is_err());
        let other = Identity::generate(&mut OsRng);
        assert!(other
            .public()
            .verify("rugzak/v1/test", &7u32, &sig)
            .is_err());
    }

    #[test]
    fn a_verifier_checks_exactly_what_its_keys_check() {
        let id = Identity::generate(&mut OsRng);
        let sig = id.sign("rugzak/v1/test", &7u32);
        let verifier = id.public().verifier().expect("a real key decodes");
        assert_eq!(verifier.keys(), &id.public());
        assert!(verifier.verify("rugzak/v1/test", &7u32, &sig).is_ok());
        assert!(verifier.verify("rugzak/v1/test", &8u32, &sig).is_err());
        assert!(verifier.verify("rugzak/v1/other", &7u32, &sig).is_err());
        let other = Identity::generate(&mut OsRng).public().verifier();
        assert!(other
            .expect("a real key decodes")
            .verify("rugzak/v1/test", &7u32, &sig)
            .is_err());
        // About half of all 32-byte strings are no curve point; such keys fail both ways.
        let not_a_point = (1u8..=255)
            .map(|b| {
                let mut signing = [0; 32];
                signing[0] = b;
                PublicKeys {
                    signing,
                    ..id.public()
                }
            })
            .find(|keys| keys.verifier().is_err())
            .expect("some small y is not on the curve");
        assert_eq!(
            not_a_point.verify("rugzak/v1/test", &7u32, &sig),
            Err(BadSignature)
        );
        assert!(
            format!("{verifier:?}").starts_with("Verifier("),
            "no key bytes printed"
        );
    }

    #[test]
    fn a_key_of_small_order_gets_no_verifier() {
        // The identity point (y = 1): every "signature" with R = identity and s = 0 would pass
        // the batch equation under it.
        let mut signing = [0u8; 32];
        signing[0] = 1;
        let weak = PublicKeys {
            signing,
            ..Identity::generate(&mut OsRng).public()
        };
        assert!(weak.verifying_key().is_ok(), "a valid point");
        assert_eq!(weak.verifier().err(), Some(BadSignature));
    }

    /// `n` checks by two signers, each over its own message.
    fn checks(n: u32) -> (Vec<Identity>, Vec<SignatureCheck>) {
        let ids = vec![
            Identity::generate(&mut OsRng),
            Identity::generate(&mut OsRng),
        ];
        let checks = (0..n)
            .map(|i| {
                let id = &ids[usize::from(i % 2 == 1)];
                let verifier = id.public().verifier().expect("a real key decodes");
                verifier.check("rugzak/v1/test", &i, &id.sign("rugzak/v1/test", &i))
            })
            .collect();
        (ids, checks)
    }

    #[test]
    fn a_request_signature_with_a_torsion_component_holds_alone_and_in_every_batch() {
        let (ids, mut all) = checks(6);
        let verifier = ids[0].public().verifier().expect("a real key decodes");
        let message = canonical("rugzak/v1/test", &7u32);
        let crafted = torsioned_signature(&ids[0], &message);
        let strict = SignatureCheck::new(message.clone(), &crafted, &verifier);
        let cofactored = SignatureCheck::cofactored(message, &crafted, &verifier);
        assert!(!strict.holds(), "verify_strict refuses it");
        assert!(cofactored.holds(), "the cofactored equation holds");
        // Whatever the batch's coefficients, the answer is the one alone: all hold.
        for at in 0..all.len() {
            let mut batch = all.clone();
            batch.insert(at, cofactored.clone());
            assert_eq!(verify_all(&batch), vec![true; batch.len()], "at {at}");
        }
        // A forged signature next to it is still refused, alone.
        let mut forged = ids[1].sign("rugzak/v1/test", &1u32);
        forged.0[3] ^= 4;
        all[1] = ids[1]
            .public()
            .verifier()
            .expect("a real key decodes")
            .check("rugzak/v1/test", &1u32, &forged);
        all.push(cofactored.clone());
        let holds = verify_all(&all);
        assert_eq!(holds.iter().filter(|ok| !**ok).count(), 1);
        assert!(!holds[1]);
        // Among cofactored checks (a batch of their own), a forged one is refused alone.
        let mut requests: Vec<SignatureCheck> = (0..9u32)
            .map(|i| {
                let message = canonical("rugzak/v1/test", &i);
                let sig = ids[0].sign("rugzak/v1/test", &i);
                SignatureCheck::cofactored(message, &sig, &verifier)
            })
            .collect();
        requests[4] = SignatureCheck::cofactored(
            canonical("rugzak/v1/test", &4u32),
            &ids[0].sign("rugzak/v1/test", &5u32),
            &verifier,
        );
        requests.push(cofactored);
        let expected: Vec<bool> = (0..10).map(|i| i != 4).collect();
        assert_eq!(verify_all(&requests), expected);
    }

    #[test]
    fn verify_all_accepts_a_batch_of_good_signatures_and_none_is_nothing() {
        for n in [1, 2, 17] {
            let (_, all) = checks(n);
            assert_eq!(
                verify_all(&all),
                vec![true; all.len()],
                "{n} good signatures"
            );
        }
        assert!(verify_all(&[]).is_empty());
    }

    #[test]
    fn verify_all_names_exactly_the_signatures_that_fail() {
        let (ids, mut all) = checks(9);
        let verifier = |i: usize| ids[i].public().verifier().expect("a real key decodes");
        // Another message than the one signed, a signature by the other signer, a flipped bit.
        all[2] = verifier(0).check(
            "rugzak/v1/test",
            &99u32,
            &ids[0].sign("rugzak/v1/test", &2u32),
        );
        all[5] = verifier(1).check(
            "rugzak/v1/test",
            &5u32,
            &ids[0].sign("rugzak/v1/test", &5u32),
        );
        let mut flipped = ids[0].sign("rugzak/v1/test", &8u32);
        flipped.0[40] ^= 1;
        all[8] = verifier(0).check("rugzak/v1/test", &8u32, &flipped);
        let expected: Vec<bool> = (0..9).map(|i| ![2, 5, 8].contains(&i)).collect();
        assert_eq!(verify_all(&all), expected);
        // Alone, each answers the same.
        let alone: Vec<bool> = all.iter().map(SignatureCheck::holds).collect();
        assert_eq!(alone, expected);
        assert_eq!(verify_all(&all[2..3]), vec![false]);
        assert_eq!(
            format!("{:?}", all[0]),
            "SignatureCheck(Strict, [redacted])"
        );
    }

    #[test]
    fn age_keys_round_trip() {
        let id = Identity::generate(&mut OsRng);
        let ct = age::encrypt(&id.public().age_recipient(), b"hallo").expect("encrypt");
        assert_eq!(
            age::decrypt(id.age_identity(), &ct).expect("decrypt"),
            b"hallo"
        );
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let id = Identity::generate(&mut OsRng);
        let text = format!("{id:?} {:?}", id.root_secret());
        assert!(text.contains("redacted"));
        assert!(!text.contains(&crate::encoding::b64::encode(
            id.root_secret().expose_bytes()
        )));
    }
}
