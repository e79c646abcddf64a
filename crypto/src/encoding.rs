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
    // Sizing first (no copying) saves the reallocations of a growing buffer: values with a
    // 1 KiB body would otherwise be copied five times over.
    let size = encode_into(value, postcard::ser_flavors::Size::default());
    let mut out = Vec::with_capacity(domain.len() + 1 + size);
    out.extend_from_slice(domain.as_bytes());
    out.push(0);
    encode_into(value, postcard::ser_flavors::ExtendFlavor::new(out))
}

/// SHA-256 over `canonical(domain, value)`, hashed as it is encoded (no buffer).
#[must_use]
pub fn digest<T: Serialize + ?Sized>(domain: &str, value: &T) -> Digest {
    let mut hasher = Hasher(Sha256::new());
    hasher.0.update(domain.as_bytes());
    hasher.0.update([0]);
    Digest::from_bytes(encode_into(value, hasher).finalize().into())
}

/// Runs postcard over `value` into `flavor`.
fn encode_into<T, F>(value: &T, flavor: F) -> F::Output
where
    T: Serialize + ?Sized,
    F: postcard::ser_flavors::Flavor,
{
    #[allow(
        clippy::expect_used,
        reason = "postcard cannot fail on the plain structs used here, and these flavors never fail"
    )]
    postcard::serialize_with_flavor(value, flavor).expect("postcard encoding is infallible here")
}

/// Postcard output fed straight into SHA-256.
struct Hasher(Sha256);

impl postcard::ser_flavors::Flavor for Hasher {
    type Output = Sha256;

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.0.update(data);
        Ok(())
    }

    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.0.update([data]);
        Ok(())
    }

    fn finalize(self) -> postcard::Result<Sha256> {
        Ok(self.0)
    }
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

    /// What [`deserialize`] can fill: a `Vec<u8>` or a fixed-size byte array.
    pub trait ByteString: Sized {
        /// Copies `bytes`; `None` when the length does not fit.
        fn from_slice(bytes: &[u8]) -> Option<Self>;
        /// Takes `bytes`; `None` when the length does not fit.
        fn from_vec(bytes: Vec<u8>) -> Option<Self>;
    }

    impl ByteString for Vec<u8> {
        fn from_slice(bytes: &[u8]) -> Option<Self> {
            Some(bytes.to_vec())
        }

        fn from_vec(bytes: Vec<u8>) -> Option<Self> {
            Some(bytes)
        }
    }

    impl<const N: usize> ByteString for [u8; N] {
        fn from_slice(bytes: &[u8]) -> Option<Self> {
            bytes.try_into().ok()
        }

        fn from_vec(bytes: Vec<u8>) -> Option<Self> {
            Self::from_slice(&bytes)
        }
    }

    /// Deserialises into a `Vec<u8>` or a fixed array. In binary formats a fixed array is
    /// copied straight from the input, without an intermediate `Vec`.
    pub fn deserialize<'de, D, T>(d: D) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
        T: ByteString,
    {
        if d.is_human_readable() {
            let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
            let raw = URL_SAFE_NO_PAD
                .decode(text.as_bytes())
                .map_err(|_| D::Error::custom("malformed base64url"))?;
            let len = raw.len();
            T::from_vec(raw).ok_or_else(|| wrong_length(len))
        } else {
            d.deserialize_bytes(BytesVisitor(std::marker::PhantomData))
        }
    }

    fn wrong_length<E: serde::de::Error>(len: usize) -> E {
        E::custom(format!("unexpected length {len}"))
    }

    struct BytesVisitor<T>(std::marker::PhantomData<T>);

    impl<T: ByteString> serde::de::Visitor<'_> for BytesVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a byte string")
        }

        fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<T, E> {
            T::from_slice(v).ok_or_else(|| wrong_length(v.len()))
        }

        fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<T, E> {
            let len = v.len();
            T::from_vec(v).ok_or_else(|| wrong_length(len))
        }
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
