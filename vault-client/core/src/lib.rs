//! Rugzak's client core, sans-IO: the vault model (scope keys, items, grants, revocation with
//! key rotation), the inwoner's consent state, consent-log verification, and the signed HTTP
//! calls of `spec/api.md` over a small async [`transport::Transport`] trait. It opens no
//! socket, file or terminal and reads no clock: the shells do (the `rugzak` CLI in
//! `rugzak-cli`, the web app over `fetch`, tests over an in-process server). It builds for
//! `wasm32-unknown-unknown`.

pub mod api;
pub mod consent;
pub mod consent_state;
pub mod letters;
pub mod professional;
pub mod state;
pub mod time;
pub mod transport;
pub mod vault;
pub mod view;

pub use api::{Api, ApiError, GrantStatus};
pub use professional::{Professional, ProfessionalError};
pub use state::{CheckState, State};
pub use transport::{HttpRequest, HttpResponse, Sending, Transport, Unreachable};
pub use vault::{NewItem, Owner, VaultError};
