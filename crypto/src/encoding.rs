//! Encodings shared by every format: canonical bytes for signing, base64url for JSON, timestamps.
//!
//! **Canonical encoding.** Everything that is signed or hashed is first encoded with
//! [postcard](https://postcard.jamesmunns.com/wire-format) 1.x: fields in declaration order,
//! unsigned integers as LEB128 varints, signed ones zigzag-encoded, byte strings and text as
//! varint length + bytes, fixed arrays without length, enums as varint discriminant, `Option`
//! as a 0/1 tag. For a given value the bytes are unique, and signatures are always checked over
//! the re-encoded value, never over bytes as received.
//!
//! A *domain tag* (`rugzak/v1/<purpose>`) is prepended before signing or hashing, so a
//! signature made for one purpose can never be replayed as another.

use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::ids::Digest;

/// Seconds since the Unix epoch (UTC). The crypto core never reads a clock: callers pass `now`.
pub type UnixTime = i64;

/// Canonical bytes of `value` under `domain`: `domain || 0x00 || postcard(value)`.
///
/// # Panics
/// Never in practice: postcard serialisation into a `Vec` only fails for types that serde
/// cannot express (maps with non-string keys are fine, unsized sequences are not used).
#[must_use]
pub fn canonical<T: Serialize + ?Sized>(domain: &str, value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(domain.len() + 64);
    out.extend_from_slice(domain.as_bytes());
    out.push(0);
    #[allow(
        clippy::expect_used,
        reason = "postcard cannot fail on the plain structs used here"
    )]
    postcard::to_extend(value, out).expect("postcard encoding into a Vec is infallible")
}

/// SHA-256 over `canonical(domain, value)`.
#[must_use]
pub fn digest<T: Serialize + ?Sized>(domain: &str, value: &T) -> Digest {
    sha256(&canonical(domain, value))
}

/// Plain SHA-256.
#[must_use]
pub fn sha256(bytes: &[u8]) -> Digest {
    Digest::from_bytes(Sha256::digest(bytes).into())
}

/// Serde helpers: raw bytes in binary formats (postcard), unpadded base64url in text formats (JSON).
pub mod bytes {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serialises a byte string or array.
    pub fn serialize<S: Serializer>(bytes: impl AsRef<[u8]>, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&URL_SAFE_NO_PAD.encode(bytes.as_ref()))
        } else {
            s.serialize_bytes(bytes.as_ref())
        }
    }

    /// Deserialises into a `Vec<u8>` or a fixed array (via `TryFrom<Vec<u8>>`).
    pub fn deserialize<'de, D, T>(d: D) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
        T: TryFrom<Vec<u8>>,
    {
        let raw: Vec<u8> = if d.is_human_readable() {
            let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
            URL_SAFE_NO_PAD
                .decode(text.as_bytes())
                .map_err(|_| D::Error::custom("malformed base64url"))?
        } else {
            serde_bytes_vec(d)?
        };
        let len = raw.len();
        T::try_from(raw).map_err(|_| D::Error::custom(format!("unexpected length {len}")))
    }

    fn serde_bytes_vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
        }
        d.deserialize_bytes(V)
    }
}

/// Unpadded base64url, for text that is not inside a serde structure.
pub mod b64 {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;

    /// Encodes bytes.
    #[must_use]
    pub fn encode(bytes: impl AsRef<[u8]>) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Decodes text; `None` when it is not unpadded base64url.
    #[must_use]
    pub fn decode(text: &str) -> Option<Vec<u8>> {
        URL_SAFE_NO_PAD.decode(text).ok()
    }
}
