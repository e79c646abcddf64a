//! Key-derivation vectors: `spec/vectors/identity.json`.
//!
//! Regenerate (only when the format deliberately changes):
//! `RUGZAK_REGENERATE_VECTORS=1 cargo test -p crypto --test vectors_identity`

use crypto::encoding::b64;
use crypto::{Identity, RootSecret};
use serde::{Deserialize, Serialize};

mod vector_file;

const FILE: &str = "identity.json";

#[derive(Debug, Serialize, Deserialize)]
struct Vector {
    description: String,
    root_secret_hex: String,
    ed25519_public: String,
    x25519_public: String,
    age_recipient: String,
    party_id: String,
    vault_id: String,
}

fn hex32(text: &str) -> [u8; 32] {
    let bytes = data_encoding::HEXLOWER
        .decode(text.as_bytes())
        .expect("hex");
    bytes.try_into().expect("32 bytes")
}

fn derive(description: &str, root_hex: &str) -> Vector {
    let id = Identity::from_root(RootSecret::from_bytes(hex32(root_hex)));
    let public = id.public();
    Vector {
        description: description.to_owned(),
        root_secret_hex: root_hex.to_owned(),
        ed25519_public: b64::encode(public.signing),
        x25519_public: b64::encode(public.agreement),
        age_recipient: public.age_recipient().to_string(),
        party_id: public.party_id().to_string(),
        vault_id: public.vault_id().to_string(),
    }
}

fn generate() -> Vec<Vector> {
    [
        ("all-zero root", "00".repeat(32)),
        ("all-ones root", "ff".repeat(32)),
        (
            "counting root",
            (0u8..32).map(|b| format!("{b:02x}")).collect::<String>(),
        ),
    ]
    .iter()
    .map(|(d, r)| derive(d, r))
    .collect()
}

#[test]
fn derivation_matches_vectors() {
    let path = vector_file::path(FILE);
    if std::env::var_os("RUGZAK_REGENERATE_VECTORS").is_some() {
        let json = serde_json::to_string_pretty(&generate()).expect("json");
        std::fs::write(&path, json + "\n").expect("write vectors");
    }
    let text = std::fs::read_to_string(&path).expect("spec/vectors/identity.json exists");
    let vectors: Vec<Vector> = serde_json::from_str(&text).expect("valid vector file");
    assert_eq!(vectors.len(), 3);
    for v in vectors {
        let derived = derive(&v.description, &v.root_secret_hex);
        assert_eq!(
            derived.ed25519_public, v.ed25519_public,
            "{}",
            v.description
        );
        assert_eq!(derived.x25519_public, v.x25519_public, "{}", v.description);
        assert_eq!(derived.age_recipient, v.age_recipient, "{}", v.description);
        assert_eq!(derived.party_id, v.party_id, "{}", v.description);
        assert_eq!(derived.vault_id, v.vault_id, "{}", v.description);
        assert_ne!(
            derived.party_id, derived.vault_id,
            "party and vault ids are domain-separated"
        );
    }
}
