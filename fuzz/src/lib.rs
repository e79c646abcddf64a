//! What each fuzz target does with its bytes: one function per parser of untrusted input, with
//! the keys it needs taken from the spec's vectors (so seeds made from the vectors reach past
//! the parsing into the checks). A target must never panic, hang or allocate without bound;
//! every error is an answer.

use std::sync::OnceLock;

use crypto::encoding::UnixTime;
use crypto::http_sig::SignedCall;
use crypto::log::{LogVerifier, SignedEntry};
use crypto::{
    Identity, ItemReader, Payload, PublicKeys, RecoveryCode, RootSecret, ScopeKey, ScopeKeyring,
    SealedItem, ShareLink, SignedGrant, SignedRequest, SignedRevocation, WrappedScopeKey,
};
use serde_json::Value;

const ITEMS: &str = include_str!("../../spec/vectors/items.json");
const LOG: &str = include_str!("../../spec/vectors/log.json");
const GRANTS: &str = include_str!("../../spec/vectors/grants.json");
const HTTP_SIG: &str = include_str!("../../spec/vectors/http_sig.json");

/// The keys of the vectors: parties, scope keys, a share link, a verified grant.
pub struct Keys {
    owner: Identity,
    gp: Identity,
    owner_ring: ScopeKeyring,
    link: ShareLink,
    log_vault: PublicKeys,
    log_server: PublicKeys,
    log_parties: Vec<PublicKeys>,
    grant: SignedGrant,
    grant_vault: PublicKeys,
    caller: PublicKeys,
    now: UnixTime,
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("the vectors are JSON")
}

fn root(value: &Value) -> Identity {
    let bytes: [u8; 32] = crypto::encoding::b64::decode(value.as_str().expect("a root"))
        .and_then(|b| b.try_into().ok())
        .expect("32 bytes");
    Identity::from_root(RootSecret::from_bytes(bytes))
}

fn hex_root(value: &Value) -> Identity {
    let text = value.as_str().expect("a root");
    let bytes: Vec<u8> = (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect();
    Identity::from_root(RootSecret::from_bytes(bytes.try_into().expect("32 bytes")))
}

fn from<T: serde::de::DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).expect("a vector value")
}

/// The vectors' keys, read once.
pub fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        let items = json(ITEMS);
        let mut owner_ring = ScopeKeyring::new();
        for k in items["scope_keys"]["owner"].as_array().expect("keys") {
            let key: [u8; 32] = crypto::encoding::b64::decode(k["key"].as_str().expect("key"))
                .and_then(|b| b.try_into().ok())
                .expect("32 bytes");
            let epoch = u32::try_from(k["epoch"].as_u64().expect("epoch")).expect("small");
            owner_ring
                .insert(ScopeKey::from_bytes(from(&k["scope"]), epoch, key))
                .expect("distinct keys");
        }
        let link = ShareLink::parse_url(items["share_link"]["url"].as_str().expect("url"))
            .expect("the vector link parses")
            .link;
        let log = json(LOG);
        let parties = log["parties"].as_object().expect("parties");
        let grants = json(GRANTS);
        let inwoner = hex_root(&grants["inputs"]["roots"]["inwoner"]);
        Keys {
            owner: root(&items["parties"]["owner"]["root_secret"]),
            gp: root(&items["parties"]["gp"]["root_secret"]),
            owner_ring,
            link,
            log_vault: from(&parties["vault"]["public"]),
            log_server: from(&parties["server"]["public"]),
            log_parties: parties.values().map(|p| from(&p["public"])).collect(),
            grant: from(&grants["grant"]["signed"]),
            grant_vault: inwoner.public(),
            caller: from(&json(HTTP_SIG)["signer"]["public"]),
            now: grants["inputs"]["now"].as_i64().expect("now"),
        }
    })
}

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// A scanned QR text (requests, references, recovery codes).
pub fn qr_payload(data: &[u8]) {
    if let Some(text) = text(data) {
        if let Ok(Payload::Request(request)) = Payload::parse(text) {
            let _ = request.verify(keys().now);
        }
    }
}

/// A typed or scanned recovery code.
pub fn recovery_code(data: &[u8]) {
    if let Some(text) = text(data) {
        let _ = RecoveryCode::parse(text);
    }
}

/// An access request as JSON (from a QR reference or the server).
pub fn request(data: &[u8]) {
    if let Ok(request) = serde_json::from_slice::<SignedRequest>(data) {
        let _ = request.verify(keys().now);
    }
}

/// A grant as JSON (from the server, for a professional or another device).
pub fn grant(data: &[u8]) {
    if let Ok(grant) = serde_json::from_slice::<SignedGrant>(data) {
        let _ = grant.verify(&keys().grant_vault);
    }
}

/// A revocation as JSON, checked against the vectors' grant.
pub fn revocation(data: &[u8]) {
    let k = keys();
    let Ok(grant) = k.grant.verify(&k.grant_vault) else {
        return;
    };
    if let Ok(revocation) = serde_json::from_slice::<SignedRevocation>(data) {
        let _ = revocation.verify(&grant);
    }
}

/// A share link URL as pasted or scanned.
pub fn share_link_url(data: &[u8]) {
    if let Some(text) = text(data) {
        let _ = ShareLink::parse_url(text);
    }
}

/// A sealed selection as the server serves it, opened with the vectors' link.
pub fn share_link_blob(data: &[u8]) {
    let _ = keys().link.open(data);
}

/// A run of consent-log entries as JSON, verified against the vectors' vault and server.
pub fn log_entries(data: &[u8]) {
    let k = keys();
    if let Ok(entries) = serde_json::from_slice::<Vec<SignedEntry>>(data) {
        let verifier = LogVerifier::new(k.log_vault, k.log_server, |party| {
            k.log_parties
                .iter()
                .find(|p| p.party_id() == party)
                .copied()
        });
        let _ = verifier.verify(None, &entries);
    }
}

/// An item as the server serves it (JSON: id, scope, sealing, the age file), opened by the
/// owner with every key: the age header, the custom stanza, the envelope and its attestation.
pub fn item_open(data: &[u8]) {
    let k = keys();
    if let Ok(sealed) = serde_json::from_slice::<SealedItem>(data) {
        let mut reader =
            ItemReader::new(k.owner.public().vault_id(), &k.owner_ring).with_identity(&k.owner);
        let _ = reader.open(&sealed);
    }
}

/// A wrapped scope key as JSON, opened by the vectors' GP from the owner.
pub fn wrapped_scope_key(data: &[u8]) {
    let k = keys();
    if let Ok(wrapped) = serde_json::from_slice::<WrappedScopeKey>(data) {
        let _ = wrapped.open(&k.gp, &k.owner.public());
    }
}

/// A signed HTTP request as the server receives it. Input: the method, the request target, then
/// one `name: value` header a line, an empty line, and the body.
pub fn http_sig(data: &[u8]) {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    let mut lines = head.split(|b| *b == b'\n');
    let (Some(method), Some(target)) = (lines.next().and_then(text), lines.next().and_then(text))
    else {
        return;
    };
    let headers: Vec<(&[u8], &[u8])> = lines
        .filter_map(|line| {
            let at = line.iter().position(|b| *b == b':')?;
            Some((&line[..at], line[at + 1..].trim_ascii_start()))
        })
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| *v)
    };
    if let Ok(call) = SignedCall::from_http(method, target, body, header) {
        let _ = call.verify_signature(&keys().caller);
    }
}
