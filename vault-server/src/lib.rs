//! Rugzak's vault server: stores ciphertext, wrapped keys and the consent log, and never sees
//! a plaintext item or key.
//!
//! [`app()`] builds the router from an [`AppState`]; `main.rs` only parses flags, opens the
//! store and serves. Storage sits behind [`store::Store`].

pub mod accounts;
pub mod app;
pub mod auth;
pub mod bad_signatures;
pub mod ceremonies;
pub mod config;
pub mod consent;
pub mod error;
pub mod extract;
pub mod grants;
pub mod group_commit;
pub mod ids;
pub mod items;
pub mod links;
pub mod log_routes;
pub mod rate_limit;
pub mod refusals;
pub mod session;
pub mod signatures;
pub mod state;
pub mod store;
pub mod vaults;

pub use app::{app, openapi};
pub use config::{RateLimits, ServerConfig};
pub use error::AppError;
pub use state::AppState;
