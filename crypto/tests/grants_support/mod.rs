//! Shared fixture of the grant, recovery and QR vector tests: fixed parties, a fixed "random"
//! source, and the compare-or-regenerate logic for `spec/vectors/*.json`.

#![allow(
    dead_code,
    reason = "each test crate uses a different part of this fixture"
)]

use std::fmt::Debug;

use crypto::encoding::UnixTime;
use crypto::{AccessDuration, Identity, Permissions, Profile, Role, RootSecret, SignedRequest};
use crypto::{Mode, Permission, Scope};
use rand_core::{CryptoRng, RngCore};
use serde_json::Value;

/// The time at which every vector is made and checked.
pub const NOW: UnixTime = 1_760_000_000;
/// The server named in every request.
pub const SERVER: &str = "https://rugzak.example.nl";

/// Set to `1` to rewrite the vector files from the code instead of checking them.
pub const REGENERATE: &str = "RUGZAK_REGENERATE_VECTORS";

/// Hands out fixed bytes in place of randomness, so vectors are reproducible.
pub struct Replay {
    bytes: Vec<u8>,
    at: usize,
}

impl Replay {
    pub fn new(chunks: &[&[u8]]) -> Self {
        Self {
            bytes: chunks.concat(),
            at: 0,
        }
    }
}

impl RngCore for Replay {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        let end = self.at + dest.len();
        assert!(
            end <= self.bytes.len(),
            "fixture ran out of fixed random bytes"
        );
        dest.copy_from_slice(&self.bytes[self.at..end]);
        self.at = end;
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl CryptoRng for Replay {}

pub fn hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

pub fn unhex(text: &str) -> Vec<u8> {
    data_encoding::HEXLOWER
        .decode(text.as_bytes())
        .expect("hex in vector file")
}

pub fn root(text: &str) -> RootSecret {
    RootSecret::from_bytes(unhex(text).try_into().expect("32-byte root"))
}

pub fn party(text: &str) -> Identity {
    Identity::from_root(root(text))
}

pub const fn perm(scope: Scope, mode: Mode) -> Permission {
    Permission { scope, mode }
}

/// The GP's request of every vector: questionnaires and referral, read, 30 days.
pub fn gp_request(gp: &Identity, nonce: &[u8]) -> SignedRequest {
    SignedRequest::create(
        gp,
        Profile {
            role: Role::Huisarts,
            name: "Dr. J. de Vries".into(),
            organisation: "Huisartsenpraktijk Lelystad-Zuid".into(),
        },
        Permissions::new([
            perm(Scope::Vragenlijsten, Mode::Read),
            perm(Scope::Verwijzing, Mode::Read),
        ])
        .expect("valid permissions"),
        AccessDuration::Days(30),
        SERVER.into(),
        NOW,
        &mut Replay::new(&[nonce]),
    )
    .expect("valid request")
}

/// `Debug` of an outcome, the form in which vectors state expected errors.
pub fn outcome<T, E: Debug>(result: &Result<T, E>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(e) => format!("{e:?}"),
    }
}

pub fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serialisable")
}

pub fn from_json<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).expect("vector object decodes")
}

/// Compares `built` (what the code makes now) with the stored vector file and returns the
/// stored one; with `RUGZAK_REGENERATE_VECTORS=1` writes `built` instead.
pub fn stored_or_regenerate(name: &str, built: &Value) -> Value {
    let path = crate::vector_file::path(name);
    if std::env::var(REGENERATE).as_deref() == Ok("1") {
        let text = serde_json::to_string_pretty(built).expect("json") + "\n";
        std::fs::write(&path, text).expect("write vector file");
    }
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; regenerate with {REGENERATE}=1", path.display()));
    let stored: Value = serde_json::from_str(&text).expect("vector file is JSON");
    if let Some(at) = first_difference(&stored, built, String::new()) {
        panic!("{name}: code and vectors disagree at {at}");
    }
    stored
}

fn first_difference(a: &Value, b: &Value, at: String) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                (Some(p), Some(q)) => first_difference(p, q, format!("{at}/{k}")),
                _ => Some(format!("{at}/{k} (present on one side only)")),
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(p, q, format!("{at}/{i}"))),
        _ if a == b => None,
        _ => Some(format!("{at}: stored {a}, code makes {b}")),
    }
}
