//! Access requests: a professional asks an inwoner for access, shown as a QR code.
//!
//! The professional signs what they ask for (scopes × modes, duration) together with who they
//! are, where their server is, a fresh nonce and the time. The inwoner's client verifies it,
//! shows it, and answers with a [`crate::grant`] bound to the nonce. A request is short-lived
//! ([`REQUEST_LIFETIME`]): a photo of an old QR code cannot be used to obtain a grant later.
//!
//! Format and reasons: `spec/parts/grants.md`.

use rand_core::CryptoRngCore;
use serde::{Deserialize, Serialize};

use crate::encoding::{digest, UnixTime};
use crate::identity::{Identity, Profile, PublicKeys, Role, Signature};
use crate::ids::{Digest, Nonce};

mod permissions;

pub use permissions::{Permissions, PermissionsError};

/// Domain tag of the requester's signature.
pub const DOMAIN_REQUEST: &str = "rugzak/v1/access-request";
/// Domain tag of a signed request's digest (pinned by the short QR form).
pub const DOMAIN_REQUEST_DIGEST: &str = "rugzak/v1/access-request-digest";

/// How long a request can be answered after it was made: 15 minutes, the length of a consult.
pub const REQUEST_LIFETIME: i64 = 15 * 60;
/// How far a request's creation time may lie ahead of the verifier's clock.
pub const MAX_CLOCK_SKEW: i64 = 5 * 60;
/// Seconds in a day, the unit of a requested duration.
pub const DAY: i64 = 24 * 60 * 60;
/// Longest duration in days (ten years); anything longer is asked for as lifelong.
pub const MAX_DAYS: u16 = 3653;
/// Longest display name in bytes.
pub const MAX_NAME_LEN: usize = 80;
/// Longest organisation name in bytes.
pub const MAX_ORGANISATION_LEN: usize = 120;
/// Longest server URL in bytes.
pub const MAX_SERVER_URL_LEN: usize = 200;

/// How long access is asked for or granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccessDuration {
    /// A number of days, 1 to [`MAX_DAYS`].
    Days(u16),
    /// Until revoked (a coach who follows someone for years).
    Lifelong,
}

impl AccessDuration {
    /// The length in seconds, `None` for lifelong.
    #[must_use]
    pub fn seconds(self) -> Option<i64> {
        match self {
            Self::Days(days) => Some(i64::from(days) * DAY),
            Self::Lifelong => None,
        }
    }

    /// Whether `self` asks for no more than `limit` does.
    #[must_use]
    pub fn fits_within(self, limit: Self) -> bool {
        match (self, limit) {
            (_, Self::Lifelong) => true,
            (Self::Lifelong, Self::Days(_)) => false,
            (Self::Days(a), Self::Days(b)) => a <= b,
        }
    }

    pub(crate) fn check(self) -> Result<(), FormError> {
        match self {
            Self::Days(days) if days == 0 || days > MAX_DAYS => Err(FormError::Duration),
            _ => Ok(()),
        }
    }
}

/// The content of an access request, as signed by the professional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRequest {
    /// The professional's keys: the grant and the wrapped scope keys go to these.
    pub requester: PublicKeys,
    /// Who the professional is, shown to the inwoner.
    pub profile: Profile,
    /// What is asked for.
    pub permissions: Permissions,
    /// For how long.
    pub duration: AccessDuration,
    /// Fresh random value; the grant repeats it and the server accepts it once.
    pub nonce: Nonce,
    /// Base URL of the professional's vault server, where the grant is submitted.
    pub server: String,
    /// When the request was made.
    pub created_at: UnixTime,
}

/// An access request with the professional's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedRequest {
    /// What was signed.
    pub request: AccessRequest,
    /// Signature by `request.requester` over `canonical(DOMAIN_REQUEST, request)`.
    pub signature: Signature,
}

/// A request whose form, signature and age were checked at some `now`.
///
/// Only [`SignedRequest::verify`] makes one, so holding it is proof of those checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedRequest {
    signed: SignedRequest,
    digest: Digest,
}

/// A field of a request or grant that is not well-formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// Only professionals ask for access.
    #[error("an access request must come from a professional, not an inwoner")]
    InwonerRequester,
    /// Name or organisation is empty.
    #[error("{field} is empty")]
    EmptyText {
        /// `name`, `organisation` or `display name`.
        field: &'static str,
    },
    /// Name or organisation is too long to show or to fit a QR code.
    #[error("{field} is longer than {max} bytes")]
    TextTooLong {
        /// `name`, `organisation` or `display name`.
        field: &'static str,
        /// The limit.
        max: usize,
    },
    /// Leading or trailing white space, which would make equal names compare unequal.
    #[error("{field} starts or ends with white space")]
    UntrimmedText {
        /// `name`, `organisation` or `display name`.
        field: &'static str,
    },
    /// A control or bidirectional-override character, which could disguise the text shown.
    #[error("{field} contains a control or text-direction character")]
    ForbiddenCharacter {
        /// `name`, `organisation` or `display name`.
        field: &'static str,
    },
    /// The server URL is not `https://…` (or `http://` to this machine), or is not plain ASCII.
    #[error("server URL must be https:// (or http:// to localhost), printable ASCII without '#' or '@', at most {MAX_SERVER_URL_LEN} bytes")]
    ServerUrl,
    /// Zero days or more than the maximum.
    #[error("duration must be 1 to {MAX_DAYS} days, or lifelong")]
    Duration,
}

/// Why a signed request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// A field is not well-formed.
    #[error("malformed access request: {0}")]
    Malformed(#[from] FormError),
    /// The signature does not verify with the requester's key.
    #[error("access request signature does not verify with the requester's key")]
    BadSignature,
    /// Too old to answer: the professional must show a new QR code.
    #[error("expired access request: made {age} seconds ago, valid for {REQUEST_LIFETIME} seconds; ask for a new QR code")]
    Expired {
        /// Seconds since the request was made.
        age: i64,
    },
    /// Made in the future: one of the two clocks is wrong.
    #[error(
        "access request is dated {ahead} seconds in the future; check the clocks of both devices"
    )]
    FromTheFuture {
        /// Seconds ahead of `now`.
        ahead: i64,
    },
}

impl SignedRequest {
    /// Makes and signs a request from `identity`, with a fresh nonce and `created_at = now`.
    pub fn create(
        identity: &Identity,
        profile: Profile,
        permissions: Permissions,
        duration: AccessDuration,
        server: String,
        now: UnixTime,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Self, FormError> {
        let request = AccessRequest {
            requester: identity.public(),
            profile,
            permissions,
            duration,
            nonce: Nonce::random(rng),
            server,
            created_at: now,
        };
        request.check_form()?;
        let signature = identity.sign(DOMAIN_REQUEST, &request);
        Ok(Self { request, signature })
    }

    /// Checks form, signature and age at `now`.
    pub fn verify(&self, now: UnixTime) -> Result<VerifiedRequest, RequestError> {
        self.request.check_form()?;
        self.request
            .requester
            .verify(DOMAIN_REQUEST, &self.request, &self.signature)
            .map_err(|_| RequestError::BadSignature)?;
        let age = now.saturating_sub(self.request.created_at);
        if age < -MAX_CLOCK_SKEW {
            return Err(RequestError::FromTheFuture { ahead: -age });
        }
        if age > REQUEST_LIFETIME {
            return Err(RequestError::Expired { age });
        }
        Ok(VerifiedRequest {
            signed: self.clone(),
            digest: self.digest(),
        })
    }

    /// SHA-256 over `canonical(DOMAIN_REQUEST_DIGEST, self)`, signature included.
    #[must_use]
    pub fn digest(&self) -> Digest {
        digest(DOMAIN_REQUEST_DIGEST, self)
    }
}

impl AccessRequest {
    /// Checks every field's form (not the signature, not the time).
    pub fn check_form(&self) -> Result<(), FormError> {
        check_profile(&self.profile)?;
        if self.profile.role == Role::Inwoner {
            return Err(FormError::InwonerRequester);
        }
        check_server_url(&self.server)?;
        self.duration.check()
    }
}

impl VerifiedRequest {
    /// The verified content.
    #[must_use]
    pub const fn request(&self) -> &AccessRequest {
        &self.signed.request
    }

    /// The request as received, for storage or for the consent log.
    #[must_use]
    pub const fn signed(&self) -> &SignedRequest {
        &self.signed
    }

    /// [`SignedRequest::digest`] of this request.
    #[must_use]
    pub const fn digest(&self) -> Digest {
        self.digest
    }
}

/// The short QR form of a request: where to fetch it, and its digest to pin what is fetched.
///
/// The nonce serves as the reference id: it is already unique per request, so the server
/// needs no id of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRef {
    /// Server that holds the request.
    pub server: String,
    /// The request's nonce, under which the server stores it.
    pub nonce: Nonce,
    /// [`SignedRequest::digest`] of the request.
    pub digest: Digest,
}

/// A fetched request is not the one the QR code referred to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the fetched access request does not match the digest in the QR code; do not grant, ask for a new code")]
pub struct PinMismatch;

impl RequestRef {
    /// The reference to `signed`, on the server named in it.
    #[must_use]
    pub fn to(signed: &SignedRequest) -> Self {
        Self {
            server: signed.request.server.clone(),
            nonce: signed.request.nonce,
            digest: signed.digest(),
        }
    }

    /// Checks that `fetched` is exactly the referenced request (verify it afterwards as usual).
    pub fn pin(&self, fetched: &SignedRequest) -> Result<(), PinMismatch> {
        if fetched.digest() == self.digest {
            Ok(())
        } else {
            Err(PinMismatch)
        }
    }

    /// Checks the server URL, the only free-form field.
    pub fn check_form(&self) -> Result<(), FormError> {
        check_server_url(&self.server)
    }
}

pub(crate) fn check_profile(profile: &Profile) -> Result<(), FormError> {
    check_text("name", &profile.name, MAX_NAME_LEN)?;
    check_text("organisation", &profile.organisation, MAX_ORGANISATION_LEN)
}

/// Checks the inwoner's display name in a grant: the rules of a profile name.
pub fn check_display_name(name: &str) -> Result<(), FormError> {
    check_text("display name", name, MAX_NAME_LEN)
}

fn check_text(field: &'static str, text: &str, max: usize) -> Result<(), FormError> {
    if text.is_empty() {
        return Err(FormError::EmptyText { field });
    }
    if text.len() > max {
        return Err(FormError::TextTooLong { field, max });
    }
    if text.trim() != text {
        return Err(FormError::UntrimmedText { field });
    }
    if text.chars().any(is_forbidden_char) {
        return Err(FormError::ForbiddenCharacter { field });
    }
    Ok(())
}

/// Control characters and the Unicode bidirectional controls, which can make a name display as
/// something other than what it is ("Trojan Source").
fn is_forbidden_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `https://host…`, or `http://` to the loopback interface for local development and tests.
/// Printable ASCII only so the URL shown is the URL used; no fragment; no user information
/// (`http://localhost:80@elders.example` goes to `elders.example`).
fn check_server_url(url: &str) -> Result<(), FormError> {
    let printable = url
        .bytes()
        .all(|b| b.is_ascii_graphic() && b != b'#' && b != b'@');
    let well_formed = if let Some(rest) = url.strip_prefix("https://") {
        !host_of(rest).is_empty()
    } else if let Some(rest) = url.strip_prefix("http://") {
        let host = host_of(rest);
        let name = host.rsplit_once(':').map_or(host, |(name, _port)| name);
        matches!(name, "localhost" | "127.0.0.1" | "[::1]")
    } else {
        false
    };
    if printable && well_formed && url.len() <= MAX_SERVER_URL_LEN {
        Ok(())
    } else {
        Err(FormError::ServerUrl)
    }
}

fn host_of(after_scheme: &str) -> &str {
    after_scheme
        .split(['/', '?'])
        .next()
        .unwrap_or(after_scheme)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::{Mode, Permission, Scope};
    use rand_core::OsRng;

    fn profile() -> Profile {
        Profile {
            role: Role::Huisarts,
            name: "Dr. J. de Vries".into(),
            organisation: "Huisartsenpraktijk Lelystad-Zuid".into(),
        }
    }

    fn read(scope: Scope) -> Permission {
        Permission {
            scope,
            mode: Mode::Read,
        }
    }

    fn request(now: UnixTime) -> (Identity, SignedRequest) {
        let gp = Identity::generate(&mut OsRng);
        let signed = SignedRequest::create(
            &gp,
            profile(),
            Permissions::new([read(Scope::Vragenlijsten)]).expect("valid"),
            AccessDuration::Days(30),
            "https://rugzak.example.nl".into(),
            now,
            &mut OsRng,
        )
        .expect("valid request");
        (gp, signed)
    }

    #[test]
    fn fresh_request_verifies_until_it_expires() {
        let (_, signed) = request(1_000_000);
        assert!(signed.verify(1_000_000).is_ok());
        assert!(signed.verify(1_000_000 + REQUEST_LIFETIME).is_ok());
        assert_eq!(
            signed.verify(1_000_000 + REQUEST_LIFETIME + 1),
            Err(RequestError::Expired {
                age: REQUEST_LIFETIME + 1
            })
        );
        assert_eq!(
            signed.verify(1_000_000 - MAX_CLOCK_SKEW - 1),
            Err(RequestError::FromTheFuture {
                ahead: MAX_CLOCK_SKEW + 1
            })
        );
    }

    #[test]
    fn changed_request_is_refused() {
        let (_, mut signed) = request(1_000_000);
        signed.request.duration = AccessDuration::Lifelong;
        assert_eq!(signed.verify(1_000_000), Err(RequestError::BadSignature));
    }

    #[test]
    fn signature_by_another_key_is_refused() {
        let (_, mut signed) = request(1_000_000);
        let other = Identity::generate(&mut OsRng);
        signed.signature = other.sign(DOMAIN_REQUEST, &signed.request);
        assert_eq!(signed.verify(1_000_000), Err(RequestError::BadSignature));
    }

    #[test]
    fn form_rules() {
        let (gp, _) = request(0);
        let make = |profile: Profile, server: &str, duration| {
            SignedRequest::create(
                &gp,
                profile,
                Permissions::new([read(Scope::Notities)]).expect("valid"),
                duration,
                server.into(),
                0,
                &mut OsRng,
            )
            .map(|_| ())
        };
        let ok = "https://rugzak.example.nl";
        assert_eq!(make(profile(), ok, AccessDuration::Lifelong), Ok(()));
        assert_eq!(
            make(profile(), "http://127.0.0.1:8080", AccessDuration::Days(1)),
            Ok(())
        );
        assert_eq!(
            make(profile(), "http://evil.example", AccessDuration::Days(1)),
            Err(FormError::ServerUrl)
        );
        assert_eq!(
            make(profile(), "https://", AccessDuration::Days(1)),
            Err(FormError::ServerUrl)
        );
        for with_user in [
            "http://localhost:80@elders.example",
            "https://rugzak.example.nl@elders.example",
        ] {
            assert_eq!(
                make(profile(), with_user, AccessDuration::Days(1)),
                Err(FormError::ServerUrl),
                "{with_user}"
            );
        }
        assert_eq!(
            make(profile(), "https://a b", AccessDuration::Days(1)),
            Err(FormError::ServerUrl)
        );
        assert_eq!(
            make(profile(), ok, AccessDuration::Days(0)),
            Err(FormError::Duration)
        );
        assert_eq!(
            make(profile(), ok, AccessDuration::Days(MAX_DAYS + 1)),
            Err(FormError::Duration)
        );
        let inwoner = Profile {
            role: Role::Inwoner,
            ..profile()
        };
        assert_eq!(
            make(inwoner, ok, AccessDuration::Days(1)),
            Err(FormError::InwonerRequester)
        );
        let sneaky = Profile {
            name: "Dr. J. de Vries\u{202E}".into(),
            ..profile()
        };
        assert_eq!(
            make(sneaky, ok, AccessDuration::Days(1)),
            Err(FormError::ForbiddenCharacter { field: "name" })
        );
        let padded = Profile {
            organisation: " Praktijk".into(),
            ..profile()
        };
        assert_eq!(
            make(padded, ok, AccessDuration::Days(1)),
            Err(FormError::UntrimmedText {
                field: "organisation"
            })
        );
    }

    #[test]
    fn reference_pins_the_exact_request() {
        let (_, signed) = request(1_000_000);
        let reference = RequestRef::to(&signed);
        assert_eq!(reference.pin(&signed), Ok(()));
        let (_, other) = request(1_000_000);
        assert_eq!(reference.pin(&other), Err(PinMismatch));
    }

    #[test]
    fn durations_compare_by_length() {
        assert!(AccessDuration::Days(7).fits_within(AccessDuration::Days(30)));
        assert!(!AccessDuration::Days(31).fits_within(AccessDuration::Days(30)));
        assert!(AccessDuration::Days(31).fits_within(AccessDuration::Lifelong));
        assert!(!AccessDuration::Lifelong.fits_within(AccessDuration::Days(30)));
    }
}
