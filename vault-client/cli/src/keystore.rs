//! The local keystore in the home directory: one age file, encrypted with a passphrase
//! (age scrypt), holding the root secret and cached state. Written with mode 0600.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use vault_client::State;
use zeroize::Zeroizing;

/// The file name inside the home directory.
pub const KEYSTORE_FILE: &str = "keystore.age";

/// Environment variable holding the passphrase for scripts and tests.
pub const PASSPHRASE_ENV: &str = "RUGZAK_PASSPHRASE";

/// Environment variable overriding the scrypt work factor (log2 N) for new keystore files;
/// tests lower it. Read only by debug builds: a release build always uses the default, or the
/// program's own choice for throw-away homes ([`set_throwaway_work_factor`]); spec
/// `parts/client.md`, "Test-only knobs".
pub const WORK_FACTOR_ENV: &str = "RUGZAK_SCRYPT_WORK_FACTOR";

/// The work factor the program chose for throw-away homes (the demo's); 0 when none.
static THROWAWAY_WORK_FACTOR: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

/// Makes this process write keystores with the lighter work factor `n` (1..=30): only for
/// throw-away homes such as those of `rugzak demo`. A program's decision, not reachable from
/// the environment; [`WORK_FACTOR_ENV`] still wins in a debug build.
pub fn set_throwaway_work_factor(n: u8) {
    if (1..=30).contains(&n) {
        THROWAWAY_WORK_FACTOR.store(n, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The default scrypt work factor: about a second on a laptop.
const DEFAULT_WORK_FACTOR: u8 = 18;

/// Reading or writing the keystore failed. Shown (its `Display`) in the language of the
/// running command, with its stable [`code`](Self::code) in brackets.
#[derive(Debug)]
pub enum KeystoreError {
    /// No keystore in this home directory.
    Missing(PathBuf),
    /// A keystore exists where a new one would be made.
    Exists(PathBuf),
    /// The passphrase does not open the keystore.
    WrongPassphrase,
    /// No passphrase: no terminal and no environment variable.
    NoPassphrase,
    /// The file is damaged or not a keystore.
    Damaged,
    /// File system error.
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Encryption failed: a bug.
    Internal,
}

impl std::fmt::Display for KeystoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(crate::cli::texts()))
    }
}

impl std::error::Error for KeystoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl KeystoreError {
    /// A stable code for scripts and tests.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Missing(_) => "keystore_missing",
            Self::Exists(_) => "keystore_exists",
            Self::WrongPassphrase => "wrong_passphrase",
            Self::NoPassphrase => "no_passphrase",
            Self::Damaged => "keystore_damaged",
            Self::Io { .. } => "io",
            Self::Internal => "internal",
        }
    }

    /// What happened and what to do, in `t`'s language, with the code in brackets.
    #[must_use]
    pub fn text(&self, t: &rugzak_i18n::Texts) -> String {
        let path = |p: &Path| p.display().to_string();
        match self {
            Self::Missing(dir) | Self::Exists(dir) => {
                crate::cli::coded_with(t, self.code(), &[("path", path(dir).into())])
            }
            Self::Io { path: file, source } => crate::cli::coded_with(
                t,
                self.code(),
                &[
                    ("path", path(file).into()),
                    ("reason", source.to_string().into()),
                ],
            ),
            _ => crate::cli::coded(t, self.code()),
        }
    }
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

/// The scrypt work factor (log2 N) for files this client encrypts with a passphrase (the
/// keystore, an encrypted `export-identity`): [`WORK_FACTOR_ENV`] in a debug build, else the
/// throw-away choice of [`set_throwaway_work_factor`], else 18.
#[must_use]
pub fn work_factor() -> u8 {
    env_work_factor()
        .or_else(|| {
            let chosen = THROWAWAY_WORK_FACTOR.load(std::sync::atomic::Ordering::Relaxed);
            (chosen != 0).then_some(chosen)
        })
        .unwrap_or(DEFAULT_WORK_FACTOR)
}

/// [`WORK_FACTOR_ENV`] in a debug build; nothing in a release build (not even read there).
fn env_work_factor() -> Option<u8> {
    #[cfg(debug_assertions)]
    {
        parse_work_factor(std::env::var(WORK_FACTOR_ENV).ok().as_deref())
    }
    #[cfg(not(debug_assertions))]
    {
        None
    }
}

/// A work factor of 1..=30, or nothing.
#[cfg(any(debug_assertions, test))]
fn parse_work_factor(value: Option<&str>) -> Option<u8> {
    value
        .and_then(|v| v.trim().parse().ok())
        .filter(|n| (1..=30).contains(n))
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
    use crypto::RootSecret;

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
    fn the_work_factor_knob_takes_1_to_30() {
        assert_eq!(parse_work_factor(Some("10")), Some(10));
        assert_eq!(parse_work_factor(Some("0")), None);
        assert_eq!(parse_work_factor(Some("31")), None);
        assert_eq!(parse_work_factor(Some("tien")), None);
        assert_eq!(parse_work_factor(None), None);
    }

    /// A release build ignores the variable and writes keystores at the default cost.
    /// Runs with `cargo test -p rugzak-cli --lib --config
    /// 'profile.dev.package.rugzak-cli.debug-assertions=false'`.
    #[cfg(not(debug_assertions))]
    #[test]
    fn a_release_build_has_no_work_factor_knob() {
        std::env::set_var(WORK_FACTOR_ENV, "4");
        assert_eq!(env_work_factor(), None);
        assert_eq!(work_factor(), DEFAULT_WORK_FACTOR);
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
