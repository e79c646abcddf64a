//! Append keys: a public key per scope epoch, so that a grantee who may only add to a scope
//! can write items its readers open without the inwoner being online.
//!
//! The X25519 secret is derived from the scope key (`HKDF-SHA256(ikm = scope key, salt = none,
//! info = "rugzak/v1/scope-append-key")`, clamped as X25519 requires), so whoever holds the
//! scope key of an epoch (the owner, read grantees of that epoch) holds the append secret too,
//! and an appender, who holds no scope key, learns nothing it could open. The public half is a
//! label of every [`super::WrappedScopeKey`] and so signed by the vault key: the server hands
//! it to appenders, and cannot hand them a key of its own.

use std::fmt;

use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::identity::bech32_encode;
use crate::ids::VaultId;
use crate::scope::Scope;

/// HKDF info of the append secret derived from a scope key.
pub const APPEND_KEY_INFO: &str = "rugzak/v1/scope-append-key";

/// The X25519 public key appenders encrypt to for one scope epoch.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AppendPublicKey(#[serde(with = "crate::encoding::bytes")] pub [u8; 32]);

impl fmt::Debug for AppendPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AppendPublicKey({})", bech32_encode("age", &self.0))
    }
}

impl AppendPublicKey {
    /// The age recipient of this key.
    #[must_use]
    pub fn age_recipient(&self) -> age::x25519::Recipient {
        #[allow(
            clippy::expect_used,
            reason = "a bech32 string built from 32 bytes always parses"
        )]
        bech32_encode("age", &self.0)
            .parse()
            .expect("valid age recipient encoding")
    }
}

fn secret(scope_key: &[u8; 32]) -> x25519_dalek::StaticSecret {
    let mut okm = Zeroizing::new([0u8; 32]);
    #[allow(
        clippy::expect_used,
        reason = "32 bytes is far below HKDF-SHA256's 8160-byte output limit"
    )]
    Hkdf::<Sha256>::new(None, scope_key)
        .expand(APPEND_KEY_INFO.as_bytes(), okm.as_mut())
        .expect("32-byte HKDF output");
    x25519_dalek::StaticSecret::from(*okm)
}

/// The public append key of the scope key `scope_key`.
pub(crate) fn public(scope_key: &[u8; 32]) -> AppendPublicKey {
    AppendPublicKey(x25519_dalek::PublicKey::from(&secret(scope_key)).to_bytes())
}

/// The age identity that opens items sealed to [`public`] of the same scope key.
pub(crate) fn identity(scope_key: &[u8; 32]) -> age::x25519::Identity {
    let text = Zeroizing::new(
        bech32_encode("age-secret-key-", secret(scope_key).as_bytes()).to_uppercase(),
    );
    #[allow(
        clippy::expect_used,
        reason = "a bech32 string built from 32 bytes always parses"
    )]
    text.parse().expect("valid age identity encoding")
}

/// A scope's append key for one epoch, whose vault signature was checked.
///
/// Only [`super::WrappedScopeKey::append_key`] makes one, so holding it is proof that the vault
/// key published it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppendKey {
    pub(crate) vault: VaultId,
    pub(crate) scope: Scope,
    pub(crate) epoch: u32,
    pub(crate) public: AppendPublicKey,
}

impl AppendKey {
    /// The vault it belongs to.
    #[must_use]
    pub const fn vault(&self) -> VaultId {
        self.vault
    }

    /// Its scope.
    #[must_use]
    pub const fn scope(&self) -> Scope {
        self.scope
    }

    /// Its epoch.
    #[must_use]
    pub const fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The public key.
    #[must_use]
    pub const fn public(&self) -> AppendPublicKey {
        self.public
    }
}
