//! Rugzak's client library (filled in by the client issue).
