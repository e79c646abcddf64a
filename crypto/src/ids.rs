//! Identifier newtypes. Every id is random or derived bytes, printed as unpadded base64url.

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand_core::CryptoRngCore;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The id text was not unpadded base64url of the right length.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed {kind}: expected {len} bytes as unpadded base64url")]
pub struct IdParseError {
    /// Which id type was being parsed.
    pub kind: &'static str,
    /// Its length in bytes.
    pub len: usize,
}

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident, $len:expr) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name([u8; $len]);

        impl $name {
            /// Length in bytes.
            pub const LEN: usize = $len;

            /// Wraps raw bytes.
            pub const fn from_bytes(bytes: [u8; $len]) -> Self {
                Self(bytes)
            }

            /// A fresh random id.
            pub fn random(rng: &mut impl CryptoRngCore) -> Self {
                let mut bytes = [0u8; $len];
                rng.fill_bytes(&mut bytes);
                Self(bytes)
            }

            /// The raw bytes.
            pub const fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&URL_SAFE_NO_PAD.encode(self.0))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let err = IdParseError { kind: stringify!($name), len: $len };
                let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| err.clone())?;
                bytes.try_into().map(Self).map_err(|_| err)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                crate::encoding::bytes::serialize(&self.0, s)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::encoding::bytes::deserialize(d).map(Self)
            }
        }
    };
}

id_type!(
    /// An inwoner's vault, derived from the vault's signing key.
    VaultId,
    16
);
id_type!(
    /// A party (inwoner or professional), derived from its signing key.
    PartyId,
    16
);
id_type!(
    /// A grant, chosen at random by the inwoner when granting.
    GrantId,
    16
);
id_type!(
    /// An item in a vault, chosen at random by its author.
    ItemId,
    16
);
id_type!(
    /// A share link; 256 bits so that guessing one is hopeless.
    LinkId,
    32
);
id_type!(
    /// A single-use value binding a grant to its request, or a signed API request to itself.
    Nonce,
    16
);
id_type!(
    /// A SHA-256 digest (item digest, log entry hash, Merkle root).
    Digest,
    32
);
