//! Check codes: six digits that the inwoner's and the professional's screens both show after a
//! grant, compared aloud before the professional reads or appends anything.
//!
//! A photographed or relayed request QR code can be answered by someone else's vault; the
//! professional then receives a grant that is perfectly valid, only for the wrong rugzakje. The
//! code is a hash of the grant (which carries the request's nonce, the requester's keys and
//! profile, and the inwoner's chosen display name) and of the vault's public keys, so two screens
//! show the same code only when they hold the same grant from the same vault.
//!
//! Format, what it resists and what not: `spec/parts/grants.md` ("Check code").

use std::fmt;

use serde::Serialize;

use crate::encoding::digest;
use crate::grant::{Grant, VerifiedGrant};
use crate::identity::PublicKeys;

/// Domain tag of the check-code hash.
pub const DOMAIN_CHECK_CODE: &str = "rugzak/v1/check-code";

/// How many different codes there are: six decimal digits.
pub const CHECK_CODE_RANGE: u32 = 1_000_000;

/// Six digits, shown as two groups of three (`"042 917"`) to be read aloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CheckCode(u32);

/// What the code hashes: the grant, then the vault's keys.
#[derive(Serialize)]
struct CheckInput<'a> {
    grant: &'a Grant,
    vault_keys: &'a PublicKeys,
}

impl CheckCode {
    /// The code of `grant` made by the vault with `vault_keys`:
    /// `SHA-256("rugzak/v1/check-code" || 0x00 || postcard(grant) || postcard(vault_keys))`,
    /// its first 8 bytes as a big-endian integer, modulo 1,000,000.
    #[must_use]
    pub fn new(grant: &Grant, vault_keys: &PublicKeys) -> Self {
        let hash = digest(DOMAIN_CHECK_CODE, &CheckInput { grant, vault_keys });
        let mut first = [0u8; 8];
        first.copy_from_slice(&hash.as_bytes()[..8]);
        let value = u64::from_be_bytes(first) % u64::from(CHECK_CODE_RANGE);
        #[allow(
            clippy::cast_possible_truncation,
            reason = "below CHECK_CODE_RANGE, which fits a u32"
        )]
        Self(value as u32)
    }

    /// The number, below [`CHECK_CODE_RANGE`].
    #[must_use]
    pub const fn value(self) -> u32 {
        self.0
    }

    /// The six digits without a space (`"042917"`), for JSON and scripts.
    #[must_use]
    pub fn digits(self) -> String {
        format!("{:06}", self.0)
    }

    /// Reads six digits, allowing spaces and hyphens between them (`"042 917"`, `"042-917"`).
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let digits: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().map(Self)
    }
}

/// Two groups of three digits: `042 917`.
impl fmt::Display for CheckCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03} {:03}", self.0 / 1000, self.0 % 1000)
    }
}

impl VerifiedGrant {
    /// The check code of this grant with the keys that verified it.
    #[must_use]
    pub fn check_code(&self) -> CheckCode {
        CheckCode::new(self.grant(), self.vault_keys())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grant::{GrantTerms, SignedGrant};
    use crate::identity::{Identity, Profile, Role};
    use crate::request::{AccessDuration, Permissions, SignedRequest};
    use crate::scope::{Mode, Permission, Scope};
    use rand_core::OsRng;

    const NOW: i64 = 1_760_000_000;

    fn request() -> SignedRequest {
        SignedRequest::create(
            &Identity::generate(&mut OsRng),
            Profile {
                role: Role::Welzijnscoach,
                name: "Sanne Bakker".into(),
                organisation: "Welzijn Lelystad".into(),
            },
            Permissions::new([Permission {
                scope: Scope::Intake,
                mode: Mode::Append,
            }])
            .expect("valid"),
            AccessDuration::Days(30),
            "https://rugzak.example.nl".into(),
            NOW,
            &mut OsRng,
        )
        .expect("valid request")
    }

    fn answer(vault: &Identity, request: &SignedRequest, name: Option<&str>) -> SignedGrant {
        let verified = request.verify(NOW).expect("fresh");
        let terms = GrantTerms {
            display_name: name.map(Into::into),
            ..GrantTerms::as_requested(verified.request())
        };
        SignedGrant::answer(vault, &verified, terms, NOW, &mut OsRng).expect("within request")
    }

    #[test]
    fn both_sides_compute_the_same_code_and_another_vault_gets_another() {
        let request = request();
        let annelies = Identity::generate(&mut OsRng);
        let grant = answer(&annelies, &request, Some("Annelies"));
        // The inwoner's side: her own keys. The professional's: the keys it was given.
        let mine = CheckCode::new(&grant.grant, &annelies.public());
        let theirs = grant
            .verify(&annelies.public())
            .expect("valid")
            .check_code();
        assert_eq!(mine, theirs);

        let stranger = Identity::generate(&mut OsRng);
        let hijack = answer(&stranger, &request, Some("Annelies"));
        assert_ne!(
            hijack
                .verify(&stranger.public())
                .expect("valid")
                .check_code(),
            mine
        );
        // Another display name is another code.
        let renamed = crate::grant::Grant {
            display_name: Some("Anneliese".into()),
            ..grant.grant.clone()
        };
        assert_ne!(CheckCode::new(&renamed, &annelies.public()), mine);
        // A swapped X25519 key is another code too.
        let mut swapped = annelies.public();
        swapped.agreement = stranger.public().agreement;
        assert_ne!(CheckCode::new(&grant.grant, &swapped), mine);
    }

    #[test]
    fn shown_as_two_groups_of_three_digits_and_read_back() {
        let code = CheckCode(42_917);
        assert_eq!(code.to_string(), "042 917");
        assert_eq!(code.digits(), "042917");
        assert_eq!(CheckCode::parse("042 917"), Some(code));
        assert_eq!(CheckCode::parse(" 042-917 "), Some(code));
        assert_eq!(CheckCode::parse("42917"), None);
        assert_eq!(CheckCode::parse("0429171"), None);
        assert_eq!(CheckCode::parse("04a917"), None);
        assert_eq!(CheckCode(7).to_string(), "000 007");
    }
}
