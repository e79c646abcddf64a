//! The `rugzak` command-line tool: the shell around the client core (`vault-client`) that
//! owns the terminal, the keystore file, the clock and the network (ureq).

#![allow(
    clippy::print_stdout,
    reason = "a command-line tool prints its results"
)]
#![allow(clippy::print_stderr, reason = "a command-line tool prints its errors")]

pub mod cli;
pub mod keystore;
pub mod time;
pub mod ureq_transport;

pub use keystore::{Home, KeystoreError};
pub use ureq_transport::UreqTransport;
