//! Shared helpers for the end-to-end tests (filled in by the server and client issues).
