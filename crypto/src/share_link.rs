//! Share links: SMART Health Links turned around, for a professional without an account.
//!
//! The inwoner picks some opened items, seals them under a fresh 256-bit link key and uploads the
//! sealed blob under a fresh 256-bit link id. The link `<server>/open#rzl1.<payload>` carries id,
//! key and the link's settings in the URL fragment, which browsers never send to a server: the
//! server learns the id (to serve the blob and enforce passcode, uses and expiry), never the key.
//!
//! The blob is an age file whose only stanza is `rugzak-link <salt>` (the same symmetric stanza
//! machinery as scope keys, with its own tag and HKDF label), holding
//! `canonical(DOMAIN_LINK_SELECTION, {link id, selection})`. Every shared item keeps its author's
//! batch attestation, so the professional verifies who wrote what.

use std::fmt;

use rand_core::CryptoRngCore;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq as _;
use zeroize::{Zeroize as _, ZeroizeOnDrop, Zeroizing};

use crate::batch::{AuthorshipVerifier, VerifyAuthorshipError};
use crate::encoding::{b64, canonical, UnixTime};
use crate::identity::PublicKeys;
use crate::ids::LinkId;
use crate::item::OpenedItem;
use crate::scope_key::{stanza, strip_domain};

/// Stanza tag of a sealed selection.
pub const LINK_STANZA_TAG: &str = "rugzak-link";
/// HKDF info for the per-file wrapping key derived from a link key.
pub const LINK_WRAP_INFO: &str = "rugzak/v1/link-wrap";
/// Domain tag (and version) of the plaintext of a sealed selection.
pub const DOMAIN_LINK_SELECTION: &str = "rugzak/v1/link-selection";
/// The path between the server URL and `#` (the viewer page).
pub const OPEN_PATH: &str = "/open";
/// The fragment's prefix, followed by the decimal version and a dot.
pub const FRAGMENT_PREFIX: &str = "rzl";
/// The only fragment version this code writes and reads.
pub const FRAGMENT_VERSION: &str = "1";
/// Longest label, in characters (as in SMART Health Links).
pub const MAX_LABEL_CHARS: usize = 80;

/// What the inwoner chooses when making a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkOptions {
    /// When the server stops serving it (the fragment repeats it as a hint for the viewer).
    pub expires: UnixTime,
    /// Whether the server asks for a passcode (told to the professional separately).
    pub passcode_required: bool,
    /// How many times the server serves it; `None` for no limit.
    pub max_uses: Option<u32>,
    /// Shown to the professional, e.g. "Voor de POH-GGZ" (at most 80 characters).
    pub label: String,
}

/// A share link: a 256-bit id for the server and a 256-bit key only in the URL fragment.
/// The key is zeroized on drop, compared in constant time and never printed.
#[derive(Clone)]
pub struct ShareLink {
    id: LinkId,
    key: [u8; 32],
    expires: UnixTime,
    passcode_required: bool,
    max_uses: Option<u32>,
    label: String,
}

/// The fragment payload (postcard); field order is the wire order.
#[derive(Serialize, Deserialize)]
struct Payload {
    id: LinkId,
    #[serde(with = "crate::encoding::bytes")]
    key: [u8; 32],
    expires: UnixTime,
    passcode_required: bool,
    max_uses: Option<u32>,
    label: String,
}

impl Drop for Payload {
    fn drop(&mut self) {
        self.key.zeroize();
    }
}

impl ShareLink {
    /// A new link with a fresh random id and key.
    pub fn generate(
        options: LinkOptions,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Self, NewShareLinkError> {
        check_options(options.max_uses, &options.label)?;
        let mut key = [0u8; 32];
        rng.fill_bytes(&mut key);
        Ok(Self {
            id: LinkId::random(rng),
            key,
            expires: options.expires,
            passcode_required: options.passcode_required,
            max_uses: options.max_uses,
            label: options.label,
        })
    }

    /// The id the server files the sealed selection under.
    #[must_use]
    pub const fn id(&self) -> LinkId {
        self.id
    }

    /// Expiry as chosen by the inwoner (the server enforces it).
    #[must_use]
    pub const fn expires(&self) -> UnixTime {
        self.expires
    }

    /// Whether the server will ask for a passcode.
    #[must_use]
    pub const fn passcode_required(&self) -> bool {
        self.passcode_required
    }

    /// Use limit (the server enforces it).
    #[must_use]
    pub const fn max_uses(&self) -> Option<u32> {
        self.max_uses
    }

    /// The label shown to the professional.
    #[must_use]
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The URL fragment (without `#`): `rzl1.` + base64url(postcard(payload)). Holds the key.
    #[must_use]
    pub fn fragment(&self) -> Zeroizing<String> {
        let payload = Payload {
            id: self.id,
            key: self.key,
            expires: self.expires,
            passcode_required: self.passcode_required,
            max_uses: self.max_uses,
            label: self.label.clone(),
        };
        #[allow(
            clippy::expect_used,
            reason = "postcard encoding of this plain struct into a Vec cannot fail"
        )]
        let bytes = Zeroizing::new(postcard::to_allocvec(&payload).expect("encodable"));
        Zeroizing::new(format!(
            "{FRAGMENT_PREFIX}{FRAGMENT_VERSION}.{}",
            *Zeroizing::new(b64::encode(&*bytes))
        ))
    }

    /// Reads a fragment (with or without the leading `#`).
    pub fn from_fragment(fragment: &str) -> Result<Self, ParseShareLinkError> {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        let rest = fragment
            .strip_prefix(FRAGMENT_PREFIX)
            .ok_or(ParseShareLinkError::UnknownPrefix)?;
        let (version, data) = rest
            .split_once('.')
            .filter(|(v, _)| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
            .ok_or(ParseShareLinkError::UnknownPrefix)?;
        if version != FRAGMENT_VERSION {
            return Err(ParseShareLinkError::UnsupportedVersion);
        }
        let bytes = Zeroizing::new(b64::decode(data).ok_or(ParseShareLinkError::Encoding)?);
        let mut payload = match postcard::take_from_bytes::<Payload>(&bytes) {
            Ok((payload, [])) => payload,
            _ => return Err(ParseShareLinkError::Malformed),
        };
        check_options(payload.max_uses, &payload.label).map_err(|e| match e {
            NewShareLinkError::LabelTooLong => ParseShareLinkError::LabelTooLong,
            NewShareLinkError::ZeroUses => ParseShareLinkError::Malformed,
        })?;
        Ok(Self {
            id: payload.id,
            key: payload.key,
            expires: payload.expires,
            passcode_required: payload.passcode_required,
            max_uses: payload.max_uses,
            label: std::mem::take(&mut payload.label),
        })
    }

    /// The full link: `<server>/open#<fragment>` (a trailing `/` of `server` is dropped).
    #[must_use]
    pub fn url(&self, server: &str) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "{}{OPEN_PATH}#{}",
            server.trim_end_matches('/'),
            *self.fragment()
        ))
    }

    /// Splits a full link into the server URL and the link.
    pub fn parse_url(url: &str) -> Result<LinkUrl, ParseShareLinkError> {
        let (base, fragment) = url
            .split_once('#')
            .ok_or(ParseShareLinkError::MissingFragment)?;
        let server = base
            .strip_suffix(OPEN_PATH)
            .filter(|s| !s.is_empty())
            .ok_or(ParseShareLinkError::NotAShareLink)?;
        Ok(LinkUrl {
            server: server.to_owned(),
            link: Self::from_fragment(fragment)?,
        })
    }

    fn stanza(&self) -> stanza::StanzaSpec<'_> {
        stanza::StanzaSpec {
            tag: LINK_STANZA_TAG,
            args: Vec::new(),
            info: LINK_WRAP_INFO.as_bytes(),
            key: &self.key,
        }
    }

    /// Seals `selection` so that only this link's key opens it; upload the result under
    /// [`Self::id`].
    pub fn seal(
        &self,
        selection: &SharedSelection,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Vec<u8>, SealSelectionError> {
        let vault = selection.owner.vault_id();
        if let Some(index) = selection
            .items
            .iter()
            .position(|item| item.envelope.vault != vault)
        {
            return Err(SealSelectionError::WrongVault { index });
        }
        let plaintext = Zeroizing::new(canonical(
            DOMAIN_LINK_SELECTION,
            &SelectionPlaintextRef {
                link: self.id,
                selection,
            },
        ));
        stanza::encrypt(&self.stanza(), rng, &plaintext).map_err(|_| SealSelectionError::Internal)
    }

    /// Opens a sealed selection fetched from the server and verifies every item in it.
    pub fn open(&self, sealed: &[u8]) -> Result<SharedSelection, OpenSelectionError> {
        let plaintext = stanza::decrypt(&self.stanza(), sealed).map_err(|e| match e {
            age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat => {
                OpenSelectionError::Malformed
            }
            _ => OpenSelectionError::Decrypt,
        })?;
        let body =
            strip_domain(DOMAIN_LINK_SELECTION, &plaintext).ok_or(OpenSelectionError::Malformed)?;
        let inner = match postcard::take_from_bytes::<SelectionPlaintext>(body) {
            Ok((inner, [])) => inner,
            _ => return Err(OpenSelectionError::Malformed),
        };
        if inner.link != self.id {
            return Err(OpenSelectionError::WrongLink);
        }
        let selection = inner.selection;
        let vault = selection.owner.vault_id();
        let mut verifier = AuthorshipVerifier::new();
        for (index, item) in selection.items.iter().enumerate() {
            if item.envelope.vault != vault {
                return Err(OpenSelectionError::WrongVault { index });
            }
            item.verify_authorship(&mut verifier)
                .map_err(|source| OpenSelectionError::Authorship { index, source })?;
        }
        Ok(selection)
    }
}

fn check_options(max_uses: Option<u32>, label: &str) -> Result<(), NewShareLinkError> {
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(NewShareLinkError::LabelTooLong);
    }
    if max_uses == Some(0) {
        return Err(NewShareLinkError::ZeroUses);
    }
    Ok(())
}

impl Drop for ShareLink {
    fn drop(&mut self) {
        self.key.zeroize();
    }
}
impl ZeroizeOnDrop for ShareLink {}

impl PartialEq for ShareLink {
    fn eq(&self, other: &Self) -> bool {
        bool::from(self.key.ct_eq(&other.key))
            && self.id == other.id
            && self.expires == other.expires
            && self.passcode_required == other.passcode_required
            && self.max_uses == other.max_uses
            && self.label == other.label
    }
}
impl Eq for ShareLink {}

impl fmt::Debug for ShareLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShareLink")
            .field("id", &self.id)
            .field("expires", &self.expires)
            .field("passcode_required", &self.passcode_required)
            .field("max_uses", &self.max_uses)
            .field("key", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// A parsed link URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkUrl {
    /// The server base URL, e.g. `https://rugzak.example`.
    pub server: String,
    /// The link itself.
    pub link: ShareLink,
}

/// What a share link carries: items of one vault, each with its attestation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedSelection {
    /// The vault owner's public keys (every item must belong to its vault).
    pub owner: PublicKeys,
    /// When the selection was made.
    pub created: UnixTime,
    /// The shared items.
    pub items: Vec<OpenedItem>,
}

#[derive(Serialize)]
struct SelectionPlaintextRef<'a> {
    link: LinkId,
    selection: &'a SharedSelection,
}

#[derive(Deserialize)]
struct SelectionPlaintext {
    link: LinkId,
    selection: SharedSelection,
}

/// The link options are not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NewShareLinkError {
    /// The label is longer than 80 characters.
    #[error("the label is longer than 80 characters")]
    LabelTooLong,
    /// A use limit of zero would make a link that never opens.
    #[error("a use limit must be at least 1")]
    ZeroUses,
}

/// Text that is not a valid share link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ParseShareLinkError {
    /// There is no `#` fragment (it may have been cut off when copying).
    #[error("the link has no '#' part; was it copied completely?")]
    MissingFragment,
    /// The part before `#` is not `<server>/open`.
    #[error("not a Rugzak share link: expected <server>/open#rzl1....")]
    NotAShareLink,
    /// The fragment does not start with `rzl<version>.`.
    #[error("not a Rugzak share link: the fragment must start with 'rzl1.'")]
    UnknownPrefix,
    /// A later version of the link format.
    #[error("this share link has a newer format; update the app")]
    UnsupportedVersion,
    /// The payload is not unpadded base64url.
    #[error("the share link is damaged: not valid base64url")]
    Encoding,
    /// The payload does not decode to exactly one link.
    #[error("the share link is damaged: malformed payload")]
    Malformed,
    /// The label is longer than 80 characters.
    #[error("the share link's label is longer than 80 characters")]
    LabelTooLong,
}

/// Sealing a selection failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SealSelectionError {
    /// An item belongs to another vault than the selection's owner.
    #[error("shared item {index} belongs to another vault")]
    WrongVault {
        /// Position in the selection.
        index: usize,
    },
    /// age refused to encrypt: a bug, not a user error.
    #[error("internal error: age encryption of a selection failed")]
    Internal,
}

/// Opening a sealed selection failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OpenSelectionError {
    /// The link key does not open it, or it was altered.
    #[error("the shared data does not decrypt with this link (wrong link or altered data)")]
    Decrypt,
    /// Not an age file or not a v1 selection.
    #[error("the shared data is malformed")]
    Malformed,
    /// The selection was sealed for another link id.
    #[error("the shared data belongs to another link")]
    WrongLink,
    /// An item belongs to another vault than the selection's owner.
    #[error("shared item {index} belongs to another vault")]
    WrongVault {
        /// Position in the selection.
        index: usize,
    },
    /// An item's authorship does not verify.
    #[error("shared item {index}: {source}")]
    Authorship {
        /// Position in the selection.
        index: usize,
        /// Why.
        source: VerifyAuthorshipError,
    },
}

#[cfg(test)]
mod tests;
