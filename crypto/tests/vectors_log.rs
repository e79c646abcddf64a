//! Test vectors for the consent log (`spec/vectors/log.json`): one honest chain with every
//! intermediate value, then positive and negative verification cases (bad signature, broken
//! chain, rollback, fork, bad or reused proof, rule violations) and head comparisons.
//!
//! Every output is deterministic (fixed roots and ids, deterministic Ed25519), so the stored
//! file must equal what the code produces now. Regenerate only deliberately:
//! `RUGZAK_REGENERATE_VECTORS=1 cargo test -p crypto --test vectors_log`.

#![allow(clippy::unwrap_used, reason = "tests")]

use crypto::encoding::{b64, canonical, sha256, UnixTime};
use crypto::http_sig::SignedCall;
use crypto::log::{
    ActionCode, Actor, DenyReason, Event, EventKind, ItemRef, LogHead, LogObject, LogVerifier,
    Outcome, SignedEntry, Signer, DEFERRED_SIGNATURE, DOMAIN_ENTRY, DOMAIN_ENTRY_HASH,
    GENESIS_PREV,
};
use crypto::{
    Digest, GrantId, Identity, ItemId, LinkId, Mode, Nonce, PartyId, Permission, PublicKeys, Role,
    RootSecret, Scope, VaultId,
};
use data_encoding::HEXLOWER;
use serde::{Deserialize, Serialize};

mod vector_file;

const FILE: &str = "log.json";
const T: UnixTime = 1_780_000_000;

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Vectors {
    description: String,
    domain_entry: String,
    domain_entry_hash: String,
    genesis_prev: Digest,
    parties: Parties,
    chain: Vec<ChainEntry>,
    cases: Vec<Case>,
    head_cases: Vec<HeadCase>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Parties {
    vault: Party,
    server: Party,
    huisarts: Party,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Party {
    /// Root secret, unpadded base64url.
    root: String,
    public: PublicKeys,
    party_id: PartyId,
    vault_id: VaultId,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct ChainEntry {
    signed: SignedEntry,
    /// `canonical(domain_entry, signed.entry)` in lower-case hex: what the signature covers.
    signed_bytes: String,
    /// SHA-256 of `canonical(domain_entry_hash, signed)`: the next entry's `prev`.
    hash: Digest,
}

/// An entry of a case: an unchanged entry of `chain` by index, or a full (changed) entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
enum CaseEntry {
    Chain { chain: usize },
    Full(Box<SignedEntry>),
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Case {
    name: String,
    /// The last head the verifying client accepted before.
    seen: Option<LogHead>,
    /// Whether the verifier knows the huisarts's keys (to check proofs).
    resolve_actors: bool,
    entries: Vec<CaseEntry>,
    expect: Expect,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Expect {
    /// "ok" or the error code.
    result: String,
    /// For errors: the sequence number named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    seq: Option<u64>,
    /// For "ok": the head to remember.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    head: Option<LogHead>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct HeadCase {
    name: String,
    seen: LogHead,
    received: LogHead,
    /// "ok", "rollback" or "fork".
    expect: String,
}

fn seed(label: &str) -> Digest {
    sha256(format!("rugzak/v1/test-vector/log/{label}").as_bytes())
}

fn identity(label: &str) -> Identity {
    Identity::from_root(RootSecret::from_bytes(*seed(label).as_bytes()))
}

fn id16(label: &str) -> [u8; 16] {
    let mut out = [0u8; 16];
    out.copy_from_slice(&seed(label).as_bytes()[..16]);
    out
}

fn party(id: &Identity) -> Party {
    Party {
        root: b64::encode(id.root_secret().expose_bytes()),
        public: id.public(),
        party_id: id.public().party_id(),
        vault_id: id.public().vault_id(),
    }
}

/// Who makes an entry of the honest chain.
enum By {
    Vault,
    Server,
    DeferredServer,
}

struct Keys {
    vault: Identity,
    server: Identity,
    huisarts: Identity,
}

impl Keys {
    fn new() -> Self {
        Self {
            vault: identity("vault"),
            server: identity("server"),
            huisarts: identity("huisarts"),
        }
    }

    fn inwoner(&self) -> Actor {
        Actor::Party {
            id: self.vault.public().party_id(),
            role: Role::Inwoner,
        }
    }

    fn huisarts(&self) -> Actor {
        Actor::Party {
            id: self.huisarts.public().party_id(),
            role: Role::Huisarts,
        }
    }

    fn proof(
        &self,
        label: &str,
        method: &str,
        path: &str,
        body: &str,
        time: UnixTime,
    ) -> SignedCall {
        let nonce = Nonce::from_bytes(id16(label));
        SignedCall::sign(&self.huisarts, method, path, body.as_bytes(), time, nonce).unwrap()
    }

    /// The honest chain: grant, access, append, share-link create, a refused share-link open
    /// (deferred: the server signature on the refused access after it covers it), a refused
    /// access, revoke.
    fn chain(&self) -> Vec<SignedEntry> {
        let grant = GrantId::from_bytes(id16("grant"));
        let link = LinkId::from_bytes(*seed("link").as_bytes());
        let item = ItemId::from_bytes(id16("item"));
        let vault = self.vault.public().vault_id();
        let event = |time, kind, action, actor, object, outcome, grant, proof| Event {
            time,
            kind,
            action,
            actor,
            on_behalf_of: None,
            object,
            outcome,
            grant,
            proof,
        };
        let events: [(By, Event); 7] = [
            (
                By::Vault,
                event(
                    T,
                    EventKind::Grant,
                    ActionCode::Create,
                    self.inwoner(),
                    LogObject::Permissions(vec![
                        Permission {
                            scope: Scope::Vragenlijsten,
                            mode: Mode::Read,
                        },
                        Permission {
                            scope: Scope::Intake,
                            mode: Mode::Append,
                        },
                    ]),
                    Outcome::Success,
                    Some(grant),
                    None,
                ),
            ),
            (
                By::Server,
                event(
                    T + 60,
                    EventKind::Access,
                    ActionCode::Read,
                    self.huisarts(),
                    LogObject::Scope(Scope::Vragenlijsten),
                    Outcome::Success,
                    Some(grant),
                    Some(self.proof(
                        "proof-1",
                        "GET",
                        &format!("/v1/vaults/{vault}/items?scope=vragenlijsten"),
                        "",
                        T + 59,
                    )),
                ),
            ),
            (
                By::Server,
                event(
                    T + 120,
                    EventKind::Append,
                    ActionCode::Create,
                    self.huisarts(),
                    LogObject::Item {
                        scope: Scope::Intake,
                        item,
                    },
                    Outcome::Success,
                    Some(grant),
                    Some(self.proof(
                        "proof-2",
                        "POST",
                        &format!("/v1/vaults/{vault}/items"),
                        "{\"scope\":\"intake\"}",
                        T + 119,
                    )),
                ),
            ),
            (
                By::Vault,
                event(
                    T + 180,
                    EventKind::ShareLinkCreate,
                    ActionCode::Create,
                    self.inwoner(),
                    LogObject::Link(link),
                    Outcome::Success,
                    None,
                    None,
                ),
            ),
            (
                By::DeferredServer,
                event(
                    T + 240,
                    EventKind::ShareLinkOpen,
                    ActionCode::Read,
                    Actor::LinkHolder,
                    LogObject::Link(link),
                    Outcome::Denied(DenyReason::WrongPasscode),
                    None,
                    None,
                ),
            ),
            (
                By::Server,
                event(
                    T + 300,
                    EventKind::Access,
                    ActionCode::Read,
                    self.huisarts(),
                    LogObject::Scope(Scope::Notities),
                    Outcome::Denied(DenyReason::ScopeNotGranted),
                    Some(grant),
                    Some(self.proof(
                        "proof-3",
                        "GET",
                        &format!("/v1/vaults/{vault}/items?scope=notities"),
                        "",
                        T + 300,
                    )),
                ),
            ),
            (
                By::Vault,
                event(
                    T + 360,
                    EventKind::Revoke,
                    ActionCode::Delete,
                    self.inwoner(),
                    LogObject::Vault,
                    Outcome::Success,
                    Some(grant),
                    None,
                ),
            ),
        ];
        let mut chain: Vec<SignedEntry> = Vec::new();
        for (signer, event) in events {
            let prev = chain.last().map(SignedEntry::head);
            let vault = self.vault.public();
            let entry = match signer {
                By::Vault => SignedEntry::by_vault(&self.vault, prev.as_ref(), event),
                By::Server => SignedEntry::by_server(&self.server, &vault, prev.as_ref(), event),
                By::DeferredServer => SignedEntry::deferred_by_server(&vault, prev.as_ref(), event),
            };
            chain.push(entry.unwrap());
        }
        chain
    }

    /// Signs `entry` again after a change; a deferred entry stays deferred.
    fn resign(&self, entry: &mut SignedEntry) {
        if entry.is_deferred() {
            return;
        }
        let key = match entry.entry.signer {
            Signer::Vault => &self.vault,
            Signer::Server => &self.server,
        };
        entry.signature = key.sign(DOMAIN_ENTRY, &entry.entry);
    }

    /// Re-signs `chain[from..]`, repairing every `prev` link after a change.
    fn relink(&self, chain: &mut [SignedEntry], from: usize) {
        for i in from..chain.len() {
            if i > 0 {
                chain[i].entry.prev = chain[i - 1].hash();
            }
            self.resign(&mut chain[i]);
        }
    }
}

fn ok(head: LogHead) -> Expect {
    Expect {
        result: "ok".into(),
        seq: None,
        head: Some(head),
    }
}

fn err(code: &str, seq: u64) -> Expect {
    Expect {
        result: code.into(),
        seq: Some(seq),
        head: None,
    }
}

fn case(
    name: &str,
    chain: &[SignedEntry],
    seen: Option<LogHead>,
    entries: &[SignedEntry],
    expect: Expect,
) -> Case {
    let entries = entries
        .iter()
        .map(|e| match chain.iter().position(|c| c == e) {
            Some(i) => CaseEntry::Chain { chain: i },
            None => CaseEntry::Full(Box::new(e.clone())),
        })
        .collect();
    Case {
        name: name.into(),
        seen,
        resolve_actors: true,
        entries,
        expect,
    }
}

fn generate() -> Vectors {
    let k = Keys::new();
    let chain = k.chain();
    let head = |i: usize| chain[i].head();
    let mut cases = vec![
        case("full-chain", &chain, None, &chain, ok(head(6))),
        case(
            "suffix-after-seen-head",
            &chain,
            Some(head(3)),
            &chain[4..],
            ok(head(6)),
        ),
        case(
            "suffix-overlapping-seen-head",
            &chain,
            Some(head(3)),
            &chain[2..],
            ok(head(6)),
        ),
        case("nothing-new", &chain, Some(head(6)), &[], ok(head(6))),
    ];

    let mut tampered = chain.clone();
    tampered[2].entry.event.time += 1;
    cases.push(case(
        "bad-signature",
        &chain,
        None,
        &tampered,
        err("bad-signature", 2),
    ));

    let mut wrong_key = chain.clone();
    wrong_key[0].signature = k.server.sign(DOMAIN_ENTRY, &wrong_key[0].entry);
    cases.push(case(
        "grant-signed-with-server-key",
        &chain,
        None,
        &wrong_key,
        err("bad-signature", 0),
    ));

    let mut server_grant = chain.clone();
    server_grant[0].entry.signer = Signer::Server;
    k.relink(&mut server_grant, 0);
    cases.push(case(
        "grant-openly-signed-by-server",
        &chain,
        None,
        &server_grant,
        err("rule-violation", 0),
    ));

    let mut gap = chain.clone();
    gap.remove(3);
    cases.push(case("gap", &chain, None, &gap, err("gap", 3)));

    let mut swapped = chain.clone();
    swapped.swap(2, 3);
    cases.push(case("reordered", &chain, None, &swapped, err("gap", 2)));

    let mut repeated = chain.clone();
    repeated.insert(3, chain[2].clone());
    cases.push(case(
        "repeated-entry",
        &chain,
        None,
        &repeated,
        err("out-of-order", 3),
    ));

    let mut renumbered = chain.clone();
    renumbered.remove(3);
    for e in &mut renumbered[3..] {
        e.entry.seq -= 1;
        k.resign(e);
    }
    cases.push(case(
        "deleted-and-renumbered",
        &chain,
        None,
        &renumbered,
        err("wrong-prev", 3),
    ));

    let mut bad_genesis = chain.clone();
    bad_genesis[0].entry.prev = chain[6].hash();
    k.relink(&mut bad_genesis, 0);
    cases.push(case(
        "genesis-prev-not-zero",
        &chain,
        Some(bad_genesis[2].head()),
        &bad_genesis,
        err("wrong-prev", 0),
    ));

    cases.push(case(
        "unanchored-suffix",
        &chain,
        None,
        &chain[2..],
        err("unanchored", 2),
    ));
    cases.push(case(
        "suffix-leaves-a-gap-after-seen-head",
        &chain,
        Some(head(2)),
        &chain[4..],
        err("gap", 3),
    ));

    cases.push(case(
        "rollback",
        &chain,
        Some(head(5)),
        &chain[..3],
        err("rollback", 2),
    ));

    // The server rewrites its own entry 4 (hiding a wrong passcode) and entry 5 after it.
    let mut forked = chain[..6].to_vec();
    forked[4].entry.event.outcome = Outcome::Success;
    k.relink(&mut forked, 4);
    cases.push(case(
        "fork-rewritten-history",
        &chain,
        Some(head(4)),
        &forked,
        err("fork", 4),
    ));
    cases.push(case(
        "fork-suffix-not-linking-to-seen-head",
        &chain,
        Some(head(4)),
        &forked[5..],
        err("fork", 4),
    ));

    let other_vault = identity("other-vault");
    let mut foreign = chain.clone();
    let mut stray = chain[4].clone();
    stray.entry.vault = other_vault.public().vault_id();
    stray.entry.seq = 7;
    stray.entry.prev = chain[6].hash();
    k.resign(&mut stray);
    foreign.push(stray);
    cases.push(case(
        "entry-of-another-vault",
        &chain,
        None,
        &foreign,
        err("wrong-vault", 7),
    ));

    let mut bad_proof = chain.clone();
    if let Some(proof) = &mut bad_proof[1].entry.event.proof {
        proof.claims.path_and_query = proof
            .claims
            .path_and_query
            .replace("vragenlijsten", "notities");
    }
    k.relink(&mut bad_proof, 1);
    cases.push(case(
        "forged-proof",
        &chain,
        None,
        &bad_proof,
        err("bad-proof-signature", 1),
    ));

    let mut reused = chain.clone();
    reused[5].entry.event = chain[1].entry.event.clone();
    k.relink(&mut reused, 5);
    cases.push(case(
        "proof-reused",
        &chain,
        None,
        &reused,
        err("proof-reused", 5),
    ));

    let mut blind = case(
        "unknown-actor",
        &chain,
        None,
        &chain,
        err("unknown-actor", 1),
    );
    blind.resolve_actors = false;
    cases.push(blind);

    cases.push(case(
        "deferred-entry-at-the-end",
        &chain,
        None,
        &chain[..5],
        err("unsealed", 4),
    ));

    let mut vault_after_deferred = chain[..5].to_vec();
    let mut revoke = chain[6].clone();
    revoke.entry.seq = 5;
    vault_after_deferred.push(revoke);
    k.relink(&mut vault_after_deferred, 5);
    cases.push(case(
        "deferred-entry-followed-by-a-vault-entry",
        &chain,
        None,
        &vault_after_deferred,
        err("unsealed", 4),
    ));

    let mut changed_deferred = chain.clone();
    changed_deferred[4].entry.event.outcome = Outcome::Success;
    cases.push(case(
        "deferred-entry-changed",
        &chain,
        None,
        &changed_deferred,
        err("wrong-prev", 5),
    ));

    let mut unsigned_consent = chain.clone();
    unsigned_consent[3].signature = DEFERRED_SIGNATURE;
    k.relink(&mut unsigned_consent, 4);
    cases.push(case(
        "vault-entry-with-the-deferred-marker",
        &chain,
        None,
        &unsigned_consent,
        err("bad-signature", 3),
    ));

    // One append request storing two items: one entry names both, with the request as proof.
    let mut two_items = chain[2].clone();
    two_items.entry.seq = 7;
    two_items.entry.prev = chain[6].hash();
    two_items.entry.event.time = T + 420;
    two_items.entry.event.object = LogObject::Items(vec![
        ItemRef {
            scope: Scope::Intake,
            item: ItemId::from_bytes(id16("item-a")),
        },
        ItemRef {
            scope: Scope::Terugkoppeling,
            item: ItemId::from_bytes(id16("item-b")),
        },
    ]);
    two_items.entry.event.proof = Some(k.proof(
        "proof-4",
        "POST",
        &format!("/v1/vaults/{}/append", k.vault.public().vault_id()),
        "{\"items\":[]}",
        T + 419,
    ));
    k.resign(&mut two_items);
    cases.push(case(
        "append-of-two-items-in-one-entry",
        &chain,
        Some(head(6)),
        std::slice::from_ref(&two_items),
        ok(two_items.head()),
    ));

    let mut forked_head = head(4);
    forked_head.hash = forked[4].hash();
    let head_cases = vec![
        HeadCase {
            name: "newer".into(),
            seen: head(3),
            received: head(5),
            expect: "ok".into(),
        },
        HeadCase {
            name: "same".into(),
            seen: head(3),
            received: head(3),
            expect: "ok".into(),
        },
        HeadCase {
            name: "older".into(),
            seen: head(5),
            received: head(3),
            expect: "rollback".into(),
        },
        HeadCase {
            name: "same-seq-other-hash".into(),
            seen: head(4),
            received: forked_head,
            expect: "fork".into(),
        },
    ];

    Vectors {
        description: "Consent log: entry signature over canonical(domain_entry, entry) by the \
                      vault or server key; entry hash = SHA-256(canonical(domain_entry_hash, \
                      signed entry)); prev of entry 0 is 32 zero bytes. Case entries are either \
                      {\"chain\": i} (unchanged chain entry i) or a full signed entry. A server entry whose \
                      signature is 64 zero bytes is deferred: the next server-signed entry covers \
                      it. Each case \
                      verifies its entries against its seen head. See spec/parts/log.md."
            .into(),
        domain_entry: DOMAIN_ENTRY.into(),
        domain_entry_hash: DOMAIN_ENTRY_HASH.into(),
        genesis_prev: GENESIS_PREV,
        parties: Parties {
            vault: party(&k.vault),
            server: party(&k.server),
            huisarts: party(&k.huisarts),
        },
        chain: chain
            .into_iter()
            .map(|signed| ChainEntry {
                signed_bytes: HEXLOWER.encode(&canonical(DOMAIN_ENTRY, &signed.entry)),
                hash: signed.hash(),
                signed,
            })
            .collect(),
        cases,
        head_cases,
    }
}

fn load() -> Vectors {
    let text = std::fs::read_to_string(vector_file::path(FILE)).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn stored_vectors_equal_what_the_code_produces() {
    let generated = serde_json::to_string_pretty(&generate()).unwrap() + "\n";
    vector_file::assert_stored_equals_generated(&vector_file::path(FILE), &generated);
}

fn identity_of(party: &Party) -> Identity {
    let root: [u8; 32] = b64::decode(&party.root).unwrap().try_into().unwrap();
    let id = Identity::from_root(RootSecret::from_bytes(root));
    assert_eq!(id.public(), party.public, "root derives the stored keys");
    assert_eq!(id.public().party_id(), party.party_id);
    assert_eq!(id.public().vault_id(), party.vault_id);
    id
}

#[test]
fn stored_chain_reproduces_byte_for_byte() {
    let v = load();
    let vault = identity_of(&v.parties.vault);
    let server = identity_of(&v.parties.server);
    let mut prev = v.genesis_prev;
    for (i, c) in v.chain.iter().enumerate() {
        let entry = &c.signed.entry;
        assert_eq!(entry.seq, u64::try_from(i).unwrap());
        assert_eq!(entry.prev, prev, "entry {i} links to the one before");
        assert_eq!(
            HEXLOWER.encode(&canonical(&v.domain_entry, entry)),
            c.signed_bytes,
            "entry {i} signed bytes"
        );
        let key = match entry.signer {
            Signer::Vault => &vault,
            Signer::Server => &server,
        };
        let signature = if c.signed.is_deferred() {
            DEFERRED_SIGNATURE
        } else {
            key.sign(&v.domain_entry, entry)
        };
        assert_eq!(signature, c.signed.signature, "entry {i} signature");
        let hash = sha256(&canonical(&v.domain_entry_hash, &c.signed));
        assert_eq!(hash, c.hash, "entry {i} hash");
        assert_eq!(c.signed.hash(), c.hash);
        prev = hash;
    }
}

#[test]
fn recorded_cases_give_the_recorded_outcome() {
    let v = load();
    let huisarts = v.parties.huisarts.public;
    for case in &v.cases {
        let entries: Vec<SignedEntry> = case
            .entries
            .iter()
            .map(|e| match e {
                CaseEntry::Chain { chain } => v.chain[*chain].signed.clone(),
                CaseEntry::Full(entry) => (**entry).clone(),
            })
            .collect();
        let resolve =
            |id: PartyId| (case.resolve_actors && id == huisarts.party_id()).then_some(huisarts);
        let verifier = LogVerifier::new(v.parties.vault.public, v.parties.server.public, resolve);
        let got = match verifier.verify(case.seen.as_ref(), &entries) {
            Ok(head) => Expect {
                result: "ok".into(),
                seq: None,
                head,
            },
            Err(e) => Expect {
                result: e.code().into(),
                seq: e.seq(),
                head: None,
            },
        };
        assert_eq!(got, case.expect, "case {}", case.name);
    }
}

#[test]
fn recorded_head_comparisons_give_the_recorded_outcome() {
    let v = load();
    for case in &v.head_cases {
        let got = match case.seen.check_received(&case.received) {
            Ok(()) => "ok",
            Err(crypto::log::HeadError::Rollback { .. }) => "rollback",
            Err(crypto::log::HeadError::Fork { .. }) => "fork",
        };
        assert_eq!(got, case.expect, "head case {}", case.name);
    }
}
