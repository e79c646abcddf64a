//! Rugzak's vault server (filled in by the server issue).
