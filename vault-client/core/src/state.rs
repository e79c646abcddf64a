//! Everything a client keeps between commands, as one value: the root secret, the cached
//! items, the verified log head and the consent state. The shell that runs the core stores it
//! (the CLI in its passphrase-encrypted keystore file, the web app in IndexedDB).

use crypto::log::LogHead;
use crypto::{Identity, Profile, RootSecret, SealedItem};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::consent_state::{ConsentState, Notice};

/// The root secret's bytes, wiped on drop.
#[derive(Clone, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
struct RootBytes(#[serde(with = "crypto::encoding::bytes")] [u8; 32]);

/// Everything the client keeps between commands.
#[derive(Serialize, Deserialize)]
pub struct State {
    root: RootBytes,
    /// The professional profile; `None` for an inwoner (vault owner).
    pub profile: Option<Profile>,
    /// Base URL of the server.
    pub server: String,
    /// The last consent-log head this client verified (rollback and fork check).
    pub log_head: Option<LogHead>,
    /// Sealed items fetched so far (owner), in upload order.
    pub items: Vec<SealedItem>,
    /// Cursor after the last fetched item.
    pub cursor: Option<u64>,
    /// Check codes: the inwoner's display name, the grants a professional confirmed.
    #[serde(default)]
    pub check: CheckState,
    /// The inwoner's consent state (grants, revocations, newest epochs, pinned server key).
    #[serde(default)]
    pub consent: ConsentState,
    /// What the last command did on the way, for the person to read; not stored.
    #[serde(skip)]
    pub notices: Vec<Notice>,
}

/// What this home keeps about check codes (spec `parts/grants.md`, "Check code").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckState {
    /// The name an inwoner shows professionals next to the code (`rugzak init --name`).
    #[serde(default)]
    pub display_name: Option<String>,
    /// The grants whose code a professional compared aloud and confirmed (`rugzak wait`).
    #[serde(default)]
    pub confirmed: std::collections::BTreeSet<crypto::GrantId>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("root", &"[redacted]")
            .field("server", &self.server)
            .field("items", &self.items.len())
            .finish_non_exhaustive()
    }
}

impl State {
    /// Fresh state for the holder of `root`.
    #[must_use]
    pub fn new(root: &RootSecret, profile: Option<Profile>, server: String) -> Self {
        Self {
            root: RootBytes(*root.expose_bytes()),
            profile,
            server,
            log_head: None,
            items: Vec::new(),
            cursor: None,
            check: CheckState::default(),
            consent: ConsentState::default(),
            notices: Vec::new(),
        }
    }

    /// The recovery code of the root secret (shown once, when a vault is made).
    #[must_use]
    pub fn recovery_code(&self) -> crypto::RecoveryCode {
        crypto::RecoveryCode::from_root(&RootSecret::from_bytes(self.root.0))
    }

    /// The identity derived from the root secret.
    #[must_use]
    pub fn identity(&self) -> Identity {
        Identity::from_root(RootSecret::from_bytes(self.root.0))
    }
}
