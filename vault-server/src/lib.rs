//! Rugzak's vault server: stores ciphertext, wrapped keys and the consent log, and never sees
//! a plaintext item or key.
//!
//! [`app`] builds the router from an [`AppState`]; `main.rs` only parses flags, opens the
//! store and serves. Storage sits behind [`store::Store`].

pub mod ids;
pub mod store;
