//! The local keystore in the home directory: one age file, encrypted with a passphrase
//! (age scrypt), holding the root secret and cached state. Written with mode 0600.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use crypto::log::LogHead;
use crypto::{Identity, Profile, RootSecret, SealedItem};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// The file name inside the home directory.
pub const KEYSTORE_FILE: &str = "keystore.age";

/// Environment variable holding the passphrase for scripts and tests.
pub const PASSPHRASE_ENV: &str = "RUGZAK_PASSPHRASE";

/// Environment variable overriding the scrypt work factor (log2 N) for new keystore files;
/// tests lower it, people leave it alone.
pub const WORK_FACTOR_ENV: &str = "RUGZAK_SCRYPT_WORK_FACTOR";

/// The default scrypt work factor: about a second on a laptop.
const DEFAULT_WORK_FACTOR: u8 = 18;

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
        }
    }

    /// The identity derived from the root secret.
    #[must_use]
    pub fn identity(&self) -> Identity {
        Identity::from_root(RootSecret::from_bytes(self.root.0))
    }
}

/// Reading or writing the keystore failed.
#[derive(Debug, thiserror::Error)]
pub enum KeystoreError {
    /// No keystore in this home directory.
    #[error("geen rugzak in {0} (run `rugzak init` or `rugzak recover` first) / no keystore in {0}: run `rugzak init` or `rugzak recover` first")]
    Missing(PathBuf),
    /// A keystore exists where a new one would be made.
    #[error(
        "er staat al een rugzak in {0} / a keystore already exists in {0}: use another --home"
    )]
    Exists(PathBuf),
    /// The passphrase does not open the keystore.
    #[error("verkeerd wachtwoord / wrong passphrase: the keystore could not be opened; try again (or set RUGZAK_PASSPHRASE correctly)")]
    WrongPassphrase,
    /// No passphrase: no terminal and no environment variable.
    #[error("geen wachtwoord / no passphrase: set RUGZAK_PASSPHRASE or run in a terminal")]
    NoPassphrase,
    /// The file is damaged or not a keystore.
    #[error("het sleutelbestand is beschadigd / the keystore file is damaged; restore it with `rugzak recover`")]
    Damaged,
    /// File system error.
    #[error("kan {path} niet lezen of schrijven / cannot read or write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Encryption failed: a bug.
    #[error("internal error: could not encrypt the keystore")]
    Internal,
}

/// A home directory holding one keystore.
#[derive(Debug, Clone)]
pub struct Home {
    dir: PathBuf,
}

impl Home {
    /// The home at `dir`.
    #[must_use]
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file(&self) -> PathBuf {
        self.dir.join(KEYSTORE_FILE)
    }

    /// Whether a keystore exists.
    #[must_use]
    pub fn exists(&self) -> bool {
        self.file().exists()
    }

    /// Decrypts the keystore with `passphrase`.
    pub fn load(&self, passphrase: &SecretString) -> Result<State, KeystoreError> {
        let path = self.file();
        if !path.exists() {
            return Err(KeystoreError::Missing(self.dir.clone()));
        }
        let bytes = fs::read(&path).map_err(|source| KeystoreError::Io { path, source })?;
        let mut identity = age::scrypt::Identity::new(passphrase.clone());
        identity.set_max_work_factor(30);
        let plain = Zeroizing::new(age::decrypt(&identity, &bytes).map_err(|e| match e {
            age::DecryptError::DecryptionFailed
            | age::DecryptError::KeyDecryptionFailed
            | age::DecryptError::NoMatchingKeys => KeystoreError::WrongPassphrase,
            _ => KeystoreError::Damaged,
        })?);
        serde_json::from_slice(&plain).map_err(|_| KeystoreError::Damaged)
    }

    /// Encrypts `state` with `passphrase` and writes it (mode 0600), replacing the old file
    /// only once the new one is complete.
    pub fn save(&self, state: &State, passphrase: &SecretString) -> Result<(), KeystoreError> {
        let plain = Zeroizing::new(serde_json::to_vec(state).map_err(|_| KeystoreError::Internal)?);
        let mut recipient = age::scrypt::Recipient::new(passphrase.clone());
        recipient.set_work_factor(work_factor());
        let sealed = age::encrypt(&recipient, &plain).map_err(|_| KeystoreError::Internal)?;
        create_private_dir(&self.dir)?;
        let tmp = self.dir.join(format!("{KEYSTORE_FILE}.tmp"));
        write_private(&tmp, &sealed)?;
        let path = self.file();
        fs::rename(&tmp, &path).map_err(|source| KeystoreError::Io { path, source })
    }

    /// Writes a fresh keystore; refuses to overwrite one.
    pub fn create(&self, state: &State, passphrase: &SecretString) -> Result<(), KeystoreError> {
        if self.exists() {
            return Err(KeystoreError::Exists(self.dir.clone()));
        }
        self.save(state, passphrase)
    }
}

fn work_factor() -> u8 {
    std::env::var(WORK_FACTOR_ENV)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| (1..=30).contains(n))
        .unwrap_or(DEFAULT_WORK_FACTOR)
}

fn create_private_dir(dir: &Path) -> Result<(), KeystoreError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|source| KeystoreError::Io {
        path: dir.to_path_buf(),
        source,
    })
}

/// Writes `bytes` to a new file readable only by the owner.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), KeystoreError> {
    let io = |source| KeystoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(text: &str) -> SecretString {
        SecretString::from(text.to_owned())
    }

    #[test]
    fn round_trip_and_wrong_passphrase() {
        std::env::set_var(WORK_FACTOR_ENV, "4");
        let dir = tempfile::tempdir().expect("tempdir");
        let home = Home::new(dir.path().join("h"));
        let root = RootSecret::from_bytes([7; 32]);
        let state = State::new(&root, None, "http://127.0.0.1:1".into());
        home.create(&state, &pass("goed")).expect("create");
        let loaded = home.load(&pass("goed")).expect("load");
        assert_eq!(loaded.identity().public(), state.identity().public());
        assert!(matches!(
            home.load(&pass("fout")),
            Err(KeystoreError::WrongPassphrase)
        ));
        assert!(matches!(
            home.create(&state, &pass("goed")),
            Err(KeystoreError::Exists(_))
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = fs::metadata(home.file())
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn missing_keystore_is_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let home = Home::new(dir.path());
        assert!(matches!(
            home.load(&pass("x")),
            Err(KeystoreError::Missing(_))
        ));
    }
}
