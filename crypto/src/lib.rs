//! Rugzak's cryptographic core.
//!
//! Sans-IO: this crate performs no network, file or clock access and has no async runtime.
//! Callers push bytes in, take bytes out, and pass the current time as `now`.
//! It builds for `wasm32-unknown-unknown` so the browser runs exactly the same code.
//!
//! Modules name the mechanism; types name the role (`Identity`, `PublicKeys`, `ScopeKey`, ...).
//! The byte-level formats are specified in `spec/protocol.md`; `spec/vectors/` holds test vectors.

pub mod encoding;
pub mod identity;
pub mod ids;
pub mod scope;

pub use identity::{
    device_state_identity, verify_all, BadSignature, Identity, Profile, PublicKeys, Role,
    RootSecret, Signature, SignatureCheck, Verifier,
};
pub use ids::{Digest, GrantId, IdParseError, ItemId, LinkId, Nonce, PartyId, VaultId};
pub use scope::{Mode, Permission, Scope};

pub mod batch;
pub mod check_code;
pub mod grant;
pub mod http_sig;
pub mod item;
pub mod log;
pub mod qr;
pub mod recovery;
pub mod request;
pub mod revocation;
pub mod scope_key;
pub mod share_link;
#[cfg(test)]
#[allow(clippy::expect_used, reason = "test helpers")]
mod test_support;

// items: envelopes, batch authorship, scope keys with epochs, append, share links
pub use batch::{Attestation, AuthorshipVerifier, BatchStatement, VerifyAuthorshipError};
pub use item::{
    reseal_in_scope, seal_append_batch, seal_batch, ConsentError, Envelope, ItemKind, ItemReader,
    OpenItemError, OpenedItem, SealItemError, SealedItem, Sealing,
};
pub use scope_key::{
    AppendKey, AppendPublicKey, KeyringConflict, OpenScopeKeyError, RotateScopeKeyError, ScopeKey,
    ScopeKeyring, WrapScopeKeyError, WrappedScopeKey,
};
pub use share_link::{
    LinkOptions, LinkUrl, NewShareLinkError, OpenSelectionError, ParseShareLinkError,
    SealSelectionError, ShareLink, SharedSelection,
};

// grants: access requests, grants, revocations, recovery codes, QR payloads.
pub use check_code::CheckCode;
pub use grant::{
    Expiry, Grant, GrantTerms, History, MemoryNonceLedger, NonceLedger, SignedGrant, VerifiedGrant,
};
pub use qr::{Payload, Qr};
pub use recovery::RecoveryCode;
pub use request::{
    AccessDuration, AccessRequest, Permissions, RequestRef, SignedRequest, VerifiedRequest,
};
pub use revocation::{Revocation, Revocations, SignedRevocation, VerifiedRevocation};
