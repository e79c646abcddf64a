//! age files under a 32-byte symmetric key: a custom age `Recipient`/`Identity` pair, plus the
//! two small helpers every Rugzak age file goes through.
//!
//! Stanza: `-> <tag> <arg>... <salt>` with body
//! `ChaCha20-Poly1305(key = HKDF-SHA256(ikm = key, salt = salt, info = <info>), nonce = 0^12, file key)`.
//! The salt is 16 fresh random bytes per file (standard base64 without padding, as age encodes
//! stanza arguments), so the wrapping key differs for every file and the zero nonce is never
//! reused under one ChaCha20-Poly1305 key. Scope keys use tag `rugzak-scope` (arguments: scope,
//! epoch); share links use `rugzak-link` (no arguments).

use std::collections::HashSet;
use std::io::{self, BufRead, Read, Write as _};
use std::iter;

use age_core::format::{FileKey, Stanza, FILE_KEY_BYTES};
use age_core::secrecy::ExposeSecret as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead as _, KeyInit as _};
use chacha20poly1305::{ChaCha20Poly1305, Key};
use hkdf::Hkdf;
use rand_core::CryptoRngCore;
use sha2::Sha256;
use zeroize::Zeroizing;

/// Length of the per-file salt.
pub(crate) const SALT_LEN: usize = 16;
/// A wrapped file key: 16 bytes plus the 16-byte Poly1305 tag.
const WRAPPED_FILE_KEY_LEN: usize = FILE_KEY_BYTES + 16;
/// Safe because every wrapping key is used exactly once (fresh salt per file), as in age itself.
const ZERO_NONCE: [u8; 12] = [0; 12];

/// Names one symmetric stanza kind and the key it is made with.
pub(crate) struct StanzaSpec<'a> {
    /// Stanza tag, e.g. `rugzak-scope`.
    pub tag: &'static str,
    /// Arguments that identify the key (before the salt).
    pub args: Vec<String>,
    /// HKDF info label, e.g. `rugzak/v1/scope-wrap`.
    pub info: &'static [u8],
    /// The symmetric key.
    pub key: &'a [u8; 32],
}

impl std::fmt::Debug for StanzaSpec<'_> {
    /// The key stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StanzaSpec")
            .field("tag", &self.tag)
            .field("args", &self.args)
            .finish_non_exhaustive()
    }
}

impl StanzaSpec<'_> {
    fn wrap_key(&self, salt: &[u8; SALT_LEN]) -> Zeroizing<[u8; 32]> {
        let mut okm = Zeroizing::new([0u8; 32]);
        #[allow(
            clippy::expect_used,
            reason = "32 bytes is far below HKDF-SHA256's 8160-byte output limit"
        )]
        Hkdf::<Sha256>::new(Some(salt), self.key)
            .expand(self.info, okm.as_mut())
            .expect("32-byte HKDF output");
        okm
    }
}

/// Encrypts `plaintext` as an age file whose only stanza is `spec` with a fresh salt.
pub(crate) fn encrypt(
    spec: &StanzaSpec<'_>,
    rng: &mut impl CryptoRngCore,
    plaintext: &[u8],
) -> Result<Vec<u8>, age::EncryptError> {
    let mut salt = [0u8; SALT_LEN];
    rng.fill_bytes(&mut salt);
    // The recipient lives only for this one file: a salt must never wrap two file keys.
    let recipient = SymmetricRecipient { spec, salt };
    encrypt_to(&[&recipient], plaintext)
}

/// Decrypts an age file made by [`encrypt`] with the same `spec`.
pub(crate) fn decrypt(
    spec: &StanzaSpec<'_>,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, age::DecryptError> {
    decrypt_with(&SymmetricIdentity { spec }, ciphertext)
}

/// Encrypts `plaintext` as one age file to all `recipients`.
pub(crate) fn encrypt_to(
    recipients: &[&dyn age::Recipient],
    plaintext: &[u8],
) -> Result<Vec<u8>, age::EncryptError> {
    let encryptor = age::Encryptor::with_recipients(recipients.iter().copied())?;
    let mut out = Vec::with_capacity(plaintext.len() + 256);
    let mut writer = encryptor.wrap_output(&mut out)?;
    writer.write_all(plaintext)?;
    writer.finish()?;
    Ok(out)
}

/// Decrypts an age file with `identity`; the plaintext is zeroized when dropped.
pub(crate) fn decrypt_with(
    identity: &dyn age::Identity,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, age::DecryptError> {
    let decryptor = age::Decryptor::new_buffered(WholeHeader(ciphertext))?;
    let mut reader = decryptor.decrypt(iter::once(identity))?;
    let mut plaintext = Zeroizing::new(Vec::with_capacity(ciphertext.len()));
    reader.read_to_end(&mut plaintext)?;
    Ok(plaintext)
}

/// An age file in memory that hands age its whole header in one `read_until` call.
///
/// `age::Decryptor::new_buffered` (age 0.12) reads the header line by line and re-parses it
/// from the start after every line, which made header parsing about a quarter of the time to
/// open a 1 KiB item. Handing over every line up to and including the MAC line (`--- ...`, the
/// header's last line: stanza lines start with `-> ` and bodies are base64) lets the first parse
/// succeed. age still parses and MAC-checks exactly the same bytes; a file without such a line
/// is read line by line as before, and age rejects it as it would have.
struct WholeHeader<'a>(&'a [u8]);

impl WholeHeader<'_> {
    /// Length of the header through the end of its MAC line, if there is one.
    fn header_len(&self) -> Option<usize> {
        let mut start = 0;
        loop {
            let line_end = start + self.0[start..].iter().position(|&b| b == b'\n')? + 1;
            if self.0[start..].starts_with(b"--- ") {
                return Some(line_end);
            }
            start = line_end;
        }
    }
}

impl Read for WholeHeader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl BufRead for WholeHeader<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        Ok(self.0)
    }

    fn consume(&mut self, amt: usize) {
        self.0.consume(amt);
    }

    fn read_until(&mut self, byte: u8, buf: &mut Vec<u8>) -> io::Result<usize> {
        match self.header_len().filter(|_| byte == b'\n') {
            Some(len) => {
                let (header, rest) = self.0.split_at(len);
                buf.extend_from_slice(header);
                self.0 = rest;
                Ok(len)
            }
            None => self.0.read_until(byte, buf),
        }
    }
}

struct SymmetricRecipient<'a> {
    spec: &'a StanzaSpec<'a>,
    salt: [u8; SALT_LEN],
}

impl age::Recipient for SymmetricRecipient<'_> {
    fn wrap_file_key(
        &self,
        file_key: &FileKey,
    ) -> Result<(Vec<Stanza>, HashSet<String>), age::EncryptError> {
        let wrap_key = self.spec.wrap_key(&self.salt);
        #[allow(
            clippy::expect_used,
            reason = "ChaCha20-Poly1305 only fails on inputs beyond 256 GiB; this is 16 bytes"
        )]
        let body = ChaCha20Poly1305::new(Key::from_slice(&wrap_key[..]))
            .encrypt(&ZERO_NONCE.into(), file_key.expose_secret().as_slice())
            .expect("encrypting 16 bytes cannot fail");
        let mut args = self.spec.args.clone();
        args.push(STANDARD_NO_PAD.encode(self.salt));
        Ok((
            vec![Stanza {
                tag: self.spec.tag.to_owned(),
                args,
                body,
            }],
            HashSet::new(),
        ))
    }
}

struct SymmetricIdentity<'a> {
    spec: &'a StanzaSpec<'a>,
}

impl age::Identity for SymmetricIdentity<'_> {
    fn unwrap_stanza(&self, stanza: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
        let n = self.spec.args.len();
        // Another tag, or the same tag for another key (scope, epoch): not ours to open.
        if stanza.tag != self.spec.tag
            || stanza.args.len() != n + 1
            || stanza.args[..n] != self.spec.args[..]
        {
            return None;
        }
        let Some(salt) = decode_salt(&stanza.args[n]) else {
            return Some(Err(age::DecryptError::InvalidHeader));
        };
        if stanza.body.len() != WRAPPED_FILE_KEY_LEN {
            return Some(Err(age::DecryptError::InvalidHeader));
        }
        let wrap_key = self.spec.wrap_key(&salt);
        let opened = ChaCha20Poly1305::new(Key::from_slice(&wrap_key[..]))
            .decrypt(&ZERO_NONCE.into(), stanza.body.as_slice())
            .map(Zeroizing::new);
        // The stanza names exactly our key, so a failure means a wrong key or a tampered stanza.
        Some(match opened {
            Ok(file_key) => Ok(FileKey::init_with_mut(|out| {
                out.copy_from_slice(&file_key);
            })),
            Err(_) => Err(age::DecryptError::KeyDecryptionFailed),
        })
    }
}

/// Canonical standard base64 without padding of exactly [`SALT_LEN`] bytes.
fn decode_salt(text: &str) -> Option<[u8; SALT_LEN]> {
    // Room for base64's conservative length estimate (22 characters: 18 bytes), on the stack.
    let mut buf = [0u8; SALT_LEN + 2];
    let len = STANDARD_NO_PAD.decode_slice(text, &mut buf).ok()?;
    buf.get(..len)?.try_into().ok()
}
