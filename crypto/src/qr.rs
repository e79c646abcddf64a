//! QR payloads: versioned, prefixed, compact text for what a phone or webcam scans.
//!
//! Text form: `RZ:<KIND>:<VERSION>:<DATA>`, every character in the QR alphanumeric set
//! (`0-9 A-Z space $ % * + - . / :`) so a QR code holds 5.5 bits per character instead of 8.
//!
//! | kind  | content                     | DATA                                                      |
//! |-------|-----------------------------|-----------------------------------------------------------|
//! | `REQ` | a [`SignedRequest`]         | Crockford base32 of `postcard(request) ‖ check`           |
//! | `REF` | a [`RequestRef`] (short)    | Crockford base32 of `postcard(reference) ‖ check`         |
//! | `REC` | a [`RecoveryCode`]          | the 65 code symbols (they carry their own checks)         |
//!
//! `check` is the first 4 bytes of SHA-256(`RZ:<KIND>:<VERSION>:` ‖ postcard bytes): it binds
//! kind and version and catches text that was cut short or altered outside a QR code (whose own
//! error correction handles scanning errors).
//!
//! Share links are URLs made by [`crate::share_link`]; they are rendered as they are
//! ([`Qr::fit`] takes any text) and not parsed here.
//!
//! Format and reasons: `spec/parts/recovery-qr.md`.

use zeroize::Zeroizing;

use crate::encoding::sha256;
use crate::recovery::{crockford, RecoveryCode, RecoveryCodeError};
use crate::request::{FormError, RequestRef, SignedRequest};

mod render;

pub use render::{LumaImage, Qr, QrTooLarge, TerminalBackground, QUIET_ZONE};

/// Every payload starts with this.
pub const PREFIX: &str = "RZ:";
/// The one version of each kind this code reads and writes.
pub const VERSION: u16 = 1;
/// Bytes of the truncated SHA-256 check.
pub const CHECK_LEN: usize = 4;

/// Something to put in a QR code.
#[derive(Debug)]
pub enum Payload {
    /// A full access request: the inwoner needs no network to see what is asked.
    Request(SignedRequest),
    /// Where to fetch an access request and its digest: a smaller, easier-to-scan code.
    RequestRef(RequestRef),
    /// The inwoner's recovery code.
    Recovery(RecoveryCode),
}

/// Why QR text was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrParseError {
    /// Not a Rugzak code at all (a web link, another app's code).
    #[error("not a Rugzak code: the text does not start with \"RZ:\"")]
    UnknownPrefix,
    /// Not `RZ:<kind>:<version>:<data>`.
    #[error("damaged Rugzak code: expected RZ:<kind>:<version>:<data>")]
    Layout,
    /// A kind this version does not know.
    #[error("unknown kind of Rugzak code; a newer app may be needed")]
    UnknownKind,
    /// A version this code does not read.
    #[error("unsupported version {version} of Rugzak code {kind}; a newer app may be needed")]
    UnsupportedVersion {
        /// `REQ`, `REF` or `REC`.
        kind: &'static str,
        /// The version found.
        version: u16,
    },
    /// DATA is not Crockford base32.
    #[error("damaged Rugzak code: the data is not valid base32")]
    BadEncoding,
    /// The check does not match: text cut short or altered.
    #[error("damaged Rugzak code: checksum mismatch (text cut short or altered)")]
    BadChecksum,
    /// Checksum fine but the bytes do not decode: produced by a faulty program.
    #[error("malformed Rugzak code: the data does not decode as a {kind}")]
    Malformed {
        /// `REQ` or `REF`.
        kind: &'static str,
    },
    /// The short reference names an unusable server URL.
    #[error("request reference: {0}")]
    BadReference(FormError),
    /// The recovery code inside is not valid.
    #[error("recovery code: {0}")]
    Recovery(#[from] RecoveryCodeError),
}

const KIND_REQUEST: &str = "REQ";
const KIND_REFERENCE: &str = "REF";
const KIND_RECOVERY: &str = "REC";

impl Payload {
    /// The QR text. Zeroized on drop because a recovery code's text is the secret.
    #[must_use]
    pub fn to_text(&self) -> Zeroizing<String> {
        match self {
            Self::Request(request) => encode_checked(KIND_REQUEST, request),
            Self::RequestRef(reference) => encode_checked(KIND_REFERENCE, reference),
            Self::Recovery(code) => {
                let mut text = Zeroizing::new(header(KIND_RECOVERY));
                text.push_str(&code.expose_compact());
                text
            }
        }
    }

    /// Reads scanned text. Surrounding white space is ignored. A request still has to be
    /// verified ([`SignedRequest::verify`]); a reference's server URL is checked here.
    pub fn parse(text: &str) -> Result<Self, QrParseError> {
        let rest = text
            .trim()
            .strip_prefix(PREFIX)
            .ok_or(QrParseError::UnknownPrefix)?;
        let mut fields = rest.splitn(3, ':');
        let (Some(kind), Some(version), Some(data)) = (fields.next(), fields.next(), fields.next())
        else {
            return Err(QrParseError::Layout);
        };
        let kind = [KIND_REQUEST, KIND_REFERENCE, KIND_RECOVERY]
            .into_iter()
            .find(|k| *k == kind)
            .ok_or(QrParseError::UnknownKind)?;
        let version: u16 = version.parse().map_err(|_| QrParseError::Layout)?;
        if version != VERSION {
            return Err(QrParseError::UnsupportedVersion { kind, version });
        }
        match kind {
            KIND_REQUEST => Ok(Self::Request(decode_checked(kind, data)?)),
            KIND_REFERENCE => {
                let reference: RequestRef = decode_checked(kind, data)?;
                reference.check_form().map_err(QrParseError::BadReference)?;
                Ok(Self::RequestRef(reference))
            }
            _ => Ok(Self::Recovery(RecoveryCode::parse(data)?)),
        }
    }
}

fn header(kind: &str) -> String {
    format!("{PREFIX}{kind}:{VERSION}:")
}

fn check(header: &str, bytes: &[u8]) -> [u8; CHECK_LEN] {
    let mut input = Vec::with_capacity(header.len() + bytes.len());
    input.extend_from_slice(header.as_bytes());
    input.extend_from_slice(bytes);
    let mut out = [0u8; CHECK_LEN];
    out.copy_from_slice(&sha256(&input).as_bytes()[..CHECK_LEN]);
    out
}

fn encode_checked<T: serde::Serialize>(kind: &str, value: &T) -> Zeroizing<String> {
    let header = header(kind);
    #[allow(
        clippy::expect_used,
        reason = "postcard cannot fail on the plain structs encoded here"
    )]
    let mut bytes = postcard::to_allocvec(value).expect("postcard encoding into a Vec");
    let check = check(&header, &bytes);
    bytes.extend_from_slice(&check);
    let mut text = Zeroizing::new(header);
    crockford().encode_append(&bytes, &mut text);
    text
}

fn decode_checked<T: serde::de::DeserializeOwned>(
    kind: &'static str,
    data: &str,
) -> Result<T, QrParseError> {
    let bytes = crockford()
        .decode(data.as_bytes())
        .map_err(|_| QrParseError::BadEncoding)?;
    let split = bytes
        .len()
        .checked_sub(CHECK_LEN)
        .ok_or(QrParseError::BadChecksum)?;
    let (body, found) = bytes.split_at(split);
    if check(&header(kind), body) != found {
        return Err(QrParseError::BadChecksum);
    }
    match postcard::take_from_bytes(body) {
        Ok((value, [])) => Ok(value),
        _ => Err(QrParseError::Malformed { kind }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{Identity, Profile, Role, RootSecret};
    use crate::request::{AccessDuration, Permissions};
    use crate::scope::{Mode, Permission, Scope};
    use rand_core::OsRng;

    fn request() -> SignedRequest {
        SignedRequest::create(
            &Identity::generate(&mut OsRng),
            Profile {
                role: Role::Huisarts,
                name: "Dr. J. de Vries".into(),
                organisation: "Huisartsenpraktijk Lelystad-Zuid".into(),
            },
            Permissions::new([Permission {
                scope: Scope::Vragenlijsten,
                mode: Mode::Read,
            }])
            .expect("valid"),
            AccessDuration::Days(30),
            "https://rugzak.example.nl".into(),
            1_760_000_000,
            &mut OsRng,
        )
        .expect("valid")
    }

    fn is_qr_alphanumeric(text: &str) -> bool {
        text.chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || " $%*+-./:".contains(c))
    }

    #[test]
    fn every_kind_round_trips_in_alphanumeric_text() {
        let signed = request();
        let text = Payload::Request(signed.clone()).to_text();
        assert!(text.starts_with("RZ:REQ:1:") && is_qr_alphanumeric(&text));
        assert!(matches!(Payload::parse(&text), Ok(Payload::Request(r)) if r == signed));

        let reference = RequestRef::to(&signed);
        let text = Payload::RequestRef(reference.clone()).to_text();
        assert!(text.starts_with("RZ:REF:1:") && is_qr_alphanumeric(&text));
        assert!(matches!(Payload::parse(&text), Ok(Payload::RequestRef(r)) if r == reference));

        let root = RootSecret::generate(&mut OsRng);
        let text = Payload::Recovery(RecoveryCode::from_root(&root)).to_text();
        assert!(text.starts_with("RZ:REC:1:") && is_qr_alphanumeric(&text));
        assert!(
            matches!(Payload::parse(&text), Ok(Payload::Recovery(c)) if c.root_secret() == root)
        );
    }

    #[test]
    fn damaged_text_gets_a_precise_error() {
        let text = Payload::Request(request()).to_text();
        assert_eq!(
            Payload::parse("https://example.nl").map(|_| ()),
            Err(QrParseError::UnknownPrefix)
        );
        assert_eq!(
            Payload::parse("RZ:REQ").map(|_| ()),
            Err(QrParseError::Layout)
        );
        assert_eq!(
            Payload::parse(&text.replacen("RZ:REQ:", "RZ:XYZ:", 1)).map(|_| ()),
            Err(QrParseError::UnknownKind)
        );
        assert_eq!(
            Payload::parse(&text.replacen(":1:", ":2:", 1)).map(|_| ()),
            Err(QrParseError::UnsupportedVersion {
                kind: "REQ",
                version: 2
            })
        );
        assert_eq!(
            Payload::parse(&format!("{}U", &text[..text.len() - 1])).map(|_| ()),
            Err(QrParseError::BadEncoding)
        );
        // Cut at a multiple of 8 symbols so the base32 stays decodable.
        let body = text.len() - "RZ:REQ:1:".len();
        let cut = &text[..text.len() - (body % 8) - 8];
        assert_eq!(
            Payload::parse(cut).map(|_| ()),
            Err(QrParseError::BadChecksum)
        );
        assert_eq!(
            Payload::parse(&text.replacen("RZ:REQ:", "RZ:REF:", 1)).map(|_| ()),
            Err(QrParseError::BadChecksum)
        );
    }
}
