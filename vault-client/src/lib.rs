//! Rugzak's client library: the vault model (scope keys, items, grants, revocation with key
//! rotation), the local passphrase-encrypted keystore, consent-log verification, and the
//! signed HTTP calls of `spec/api.md` behind a small [`transport::Transport`] trait so that the
//! same logic runs over another transport (the web app, a fake server in tests).

pub mod api;
pub mod consent;
pub mod keystore;
pub mod professional;
pub mod time;
pub mod transport;
pub mod vault;

pub use api::{Api, ApiError, GrantStatus};
pub use keystore::{Home, KeystoreError, State};
pub use professional::{Professional, ProfessionalError};
pub use transport::{HttpRequest, HttpResponse, Transport, Unreachable, UreqTransport};
pub use vault::{NewItem, Owner, VaultError};
