//! Server-side identifiers that the protocol core does not define: accounts and ceremonies. Random bytes, printed as unpadded base64url like `crypto::ids`.

use std::fmt;
use std::str::FromStr;

use crypto::encoding::b64;
use rand_core::CryptoRngCore;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The id text was not of the expected form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed {kind}")]
pub struct MalformedId {
    /// Which id type was being parsed.
    pub kind: &'static str,
}

macro_rules! server_id {
    ($(#[$meta:meta])* $name:ident, $len:expr) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name([u8; $len]);

        impl $name {
            /// Wraps raw bytes.
            #[must_use]
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
            #[must_use]
            pub const fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&b64::encode(self.0))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        impl FromStr for $name {
            type Err = MalformedId;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                b64::decode(s)
                    .and_then(|bytes| bytes.try_into().ok())
                    .map(Self)
                    .ok_or(MalformedId { kind: stringify!($name) })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                crypto::encoding::bytes::serialize(self.0, s)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crypto::encoding::bytes::deserialize(d).map(Self)
            }
        }
    };
}

server_id!(
    /// A person's account (holds passkeys and enrolled device keys).
    AccountId,
    16
);
server_id!(
    /// One passkey ceremony (registration or login) between its start and finish.
    CeremonyId,
    16
);

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    #[test]
    fn ids_round_trip_through_text() {
        let id = AccountId::random(&mut OsRng);
        assert_eq!(id.to_string().parse::<AccountId>(), Ok(id));
        assert!("not base64!".parse::<AccountId>().is_err());
        assert!("AAAA".parse::<AccountId>().is_err(), "wrong length");
    }
}
