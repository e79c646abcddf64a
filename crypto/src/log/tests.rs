#![allow(clippy::unwrap_used, reason = "tests")]

use proptest::prelude::*;
use rand_core::OsRng;
use serde::Serialize;

use super::*;
use crate::encoding::UnixTime;
use crate::http_sig::MAX_CLOCK_SKEW;
use crate::identity::PublicKeys;
use crate::ids::Nonce;
use crate::scope::Mode;

const T0: UnixTime = 1_780_000_000;

struct Parties {
    vault: Identity,
    server: Identity,
    huisarts: Identity,
}

impl Parties {
    fn new() -> Self {
        Self {
            vault: Identity::generate(&mut OsRng),
            server: Identity::generate(&mut OsRng),
            huisarts: Identity::generate(&mut OsRng),
        }
    }

    fn verifier(&self) -> LogVerifier<impl Fn(PartyId) -> Option<PublicKeys> + '_> {
        LogVerifier::new(self.vault.public(), self.server.public(), |id| {
            (id == self.huisarts.public().party_id()).then(|| self.huisarts.public())
        })
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

    fn grant_event(&self, time: UnixTime, grant: GrantId) -> Event {
        Event {
            time,
            kind: EventKind::Grant,
            action: ActionCode::Create,
            actor: self.inwoner(),
            on_behalf_of: None,
            object: LogObject::Permissions(vec![Permission {
                scope: Scope::Vragenlijsten,
                mode: Mode::Read,
            }]),
            outcome: Outcome::Success,
            grant: Some(grant),
            proof: None,
        }
    }

    fn access_event(&self, time: UnixTime, grant: GrantId) -> Event {
        let proof = SignedCall::sign(
            &self.huisarts,
            "GET",
            "/v1/vaults/x/items?scope=vragenlijsten",
            b"",
            time - 1,
            Nonce::random(&mut OsRng),
        )
        .unwrap();
        Event {
            time,
            kind: EventKind::Access,
            action: ActionCode::Read,
            actor: self.huisarts(),
            on_behalf_of: None,
            object: LogObject::Scope(Scope::Vragenlijsten),
            outcome: Outcome::Success,
            grant: Some(grant),
            proof: Some(proof),
        }
    }

    fn link_open_event(&self, time: UnixTime) -> Event {
        Event {
            time,
            kind: EventKind::ShareLinkOpen,
            action: ActionCode::Read,
            actor: Actor::LinkHolder,
            on_behalf_of: None,
            object: LogObject::Link(LinkId::random(&mut OsRng)),
            outcome: Outcome::Denied(DenyReason::WrongPasscode),
            grant: None,
            proof: None,
        }
    }

    /// grant (vault), then alternately access (server, with proof) and share-link opens.
    fn chain(&self, len: u64) -> Vec<SignedEntry> {
        let grant = GrantId::random(&mut OsRng);
        let mut out: Vec<SignedEntry> = Vec::new();
        for seq in 0..len {
            let prev = out.last().map(SignedEntry::head);
            let time = T0 + i64::try_from(seq).unwrap() * 60;
            let entry = match seq {
                0 => {
                    SignedEntry::by_vault(&self.vault, prev.as_ref(), self.grant_event(time, grant))
                }
                s if s % 2 == 1 => SignedEntry::by_server(
                    &self.server,
                    &self.vault.public(),
                    prev.as_ref(),
                    self.access_event(time, grant),
                ),
                _ => SignedEntry::by_server(
                    &self.server,
                    &self.vault.public(),
                    prev.as_ref(),
                    self.link_open_event(time),
                ),
            };
            out.push(entry.unwrap());
        }
        out
    }

    /// grant (vault), then `deferred` accesses with deferred signatures, then one server-signed
    /// access that covers them.
    fn deferred_chain(&self, deferred: u64) -> Vec<SignedEntry> {
        let grant = GrantId::random(&mut OsRng);
        let mut out =
            vec![SignedEntry::by_vault(&self.vault, None, self.grant_event(T0, grant)).unwrap()];
        for seq in 1..=deferred + 1 {
            let prev = out.last().map(SignedEntry::head);
            let event = self.access_event(T0 + i64::try_from(seq).unwrap(), grant);
            let keys = self.vault.public();
            out.push(if seq <= deferred {
                SignedEntry::deferred_by_server(&keys, prev.as_ref(), event).unwrap()
            } else {
                SignedEntry::by_server(&self.server, &keys, prev.as_ref(), event).unwrap()
            });
        }
        out
    }

    /// Re-signs `entry` as its signer would (a dishonest signer rewriting its own entries).
    fn resign(&self, entry: &mut SignedEntry) {
        let key = match entry.entry.signer {
            Signer::Vault => &self.vault,
            Signer::Server => &self.server,
        };
        entry.signature = key.sign(DOMAIN_ENTRY, &entry.entry);
    }

    /// Re-signs entries from `from` on, repairing every `prev` link after a change.
    fn relink(&self, chain: &mut [SignedEntry], from: usize) {
        for i in from..chain.len() {
            if i > 0 {
                chain[i].entry.prev = chain[i - 1].hash();
            }
            self.resign(&mut chain[i]);
        }
    }
}

#[test]
fn honest_chain_verifies_from_genesis_and_returns_its_head() {
    let p = Parties::new();
    let chain = p.chain(6);
    assert_eq!(chain[0].entry.prev, GENESIS_PREV);
    assert_eq!(chain[3].entry.prev, chain[2].hash());
    let head = p.verifier().verify(None, &chain).unwrap();
    assert_eq!(head, Some(chain[5].head()));
    assert_eq!(p.verifier().verify(head.as_ref(), &[]).unwrap(), head);
}

#[test]
fn suffix_after_or_overlapping_the_seen_head_verifies() {
    let p = Parties::new();
    let chain = p.chain(8);
    let seen = chain[3].head();
    let v = p.verifier();
    assert_eq!(
        v.verify(Some(&seen), &chain[4..]).unwrap(),
        Some(chain[7].head())
    );
    assert_eq!(
        v.verify(Some(&seen), &chain[2..]).unwrap(),
        Some(chain[7].head())
    );
    assert_eq!(v.verify(Some(&seen), &chain[3..4]).unwrap(), Some(seen));
}

#[test]
fn tampered_entry_is_named_by_its_signature() {
    let p = Parties::new();
    let mut chain = p.chain(5);
    chain[2].entry.event.time += 1;
    assert_eq!(
        p.verifier().verify(None, &chain),
        Err(VerifyLogError::BadSignature { seq: 2 })
    );
}

#[test]
fn entry_signed_by_the_wrong_key_is_refused() {
    let p = Parties::new();
    let mut chain = p.chain(3);
    // The server tries to pass off a grant as the inwoner's.
    chain[0].signature = p.server.sign(DOMAIN_ENTRY, &chain[0].entry);
    assert_eq!(
        p.verifier().verify(None, &chain),
        Err(VerifyLogError::BadSignature { seq: 0 })
    );
    // ... or to sign it openly as the server.
    let mut chain = p.chain(3);
    chain[0].entry.signer = Signer::Server;
    p.relink(&mut chain, 0);
    assert_eq!(
        p.verifier().verify(None, &chain),
        Err(VerifyLogError::Rule {
            seq: 0,
            violation: RuleViolation::WrongSigner {
                kind: EventKind::Grant
            }
        })
    );
}

#[test]
fn broken_chains_are_named() {
    let p = Parties::new();
    let chain = p.chain(6);
    let v = p.verifier();
    let mut gap = chain.clone();
    gap.remove(3);
    assert_eq!(
        v.verify(None, &gap),
        Err(VerifyLogError::Gap {
            expected: 3,
            found: 4
        })
    );
    let mut swapped = chain.clone();
    swapped.swap(2, 3);
    assert_eq!(
        v.verify(None, &swapped),
        Err(VerifyLogError::Gap {
            expected: 2,
            found: 3
        })
    );
    let mut repeated = chain.clone();
    repeated.insert(3, chain[2].clone());
    assert_eq!(
        v.verify(None, &repeated),
        Err(VerifyLogError::OutOfOrder {
            expected: 3,
            found: 2
        })
    );
    // The server drops entry 3 and renumbers the rest: the links give it away.
    let mut renumbered = chain.clone();
    renumbered.remove(3);
    for e in &mut renumbered[3..] {
        e.entry.seq -= 1;
        p.resign(e);
    }
    assert_eq!(
        v.verify(None, &renumbered),
        Err(VerifyLogError::WrongPrev { seq: 3 })
    );
    let mut not_genesis = chain.clone();
    not_genesis[0].entry.prev = chain[1].hash();
    p.relink(&mut not_genesis, 0);
    for seen in [None, Some(not_genesis[2].head())] {
        assert_eq!(
            v.verify(seen.as_ref(), &not_genesis),
            Err(VerifyLogError::WrongPrev { seq: 0 })
        );
    }
    assert_eq!(
        v.verify(None, &chain[2..]),
        Err(VerifyLogError::Unanchored { first: 2 })
    );
    assert_eq!(
        v.verify(Some(&chain[1].head()), &chain[3..]),
        Err(VerifyLogError::Gap {
            expected: 2,
            found: 3
        })
    );
}

#[test]
fn rollback_to_an_older_head_is_detected() {
    let p = Parties::new();
    let chain = p.chain(6);
    let seen = chain[4].head();
    assert_eq!(
        p.verifier().verify(Some(&seen), &chain[..3]),
        Err(VerifyLogError::Rollback {
            seen: 4,
            received: 2
        })
    );
    assert_eq!(
        seen.check_received(&chain[2].head()),
        Err(HeadError::Rollback {
            seen: 4,
            received: 2
        })
    );
    assert_eq!(seen.check_received(&chain[5].head()), Ok(()));
    assert_eq!(seen.check_received(&seen), Ok(()));
}

#[test]
fn rewritten_history_is_a_fork() {
    let p = Parties::new();
    let chain = p.chain(6);
    let seen = chain[3].head();
    // The server rewrites its own entry 3 (validly signed) and everything after it.
    let mut forked = chain.clone();
    forked[3].entry.event.outcome = Outcome::Denied(DenyReason::GrantExpired);
    p.relink(&mut forked, 3);
    let v = p.verifier();
    assert_eq!(v.verify(None, &forked).map(|h| h.is_some()), Ok(true));
    assert_eq!(
        v.verify(Some(&seen), &forked),
        Err(VerifyLogError::Fork { seq: 3 })
    );
    assert_eq!(
        seen.check_received(&forked[3].head()),
        Err(HeadError::Fork { seq: 3 })
    );
    // A fork just before the seen head shows as a suffix that does not link to it.
    let mut branch = chain.clone();
    branch[4].entry.prev = forked[3].hash();
    p.relink(&mut branch, 5);
    p.resign(&mut branch[4]);
    assert_eq!(
        v.verify(Some(&seen), &branch[4..]),
        Err(VerifyLogError::Fork { seq: 3 })
    );
}

#[test]
fn entries_of_another_vault_are_refused() {
    let p = Parties::new();
    let other = Parties {
        vault: Identity::generate(&mut OsRng),
        server: Identity::from_root(p.server.root_secret().clone()),
        huisarts: Identity::from_root(p.huisarts.root_secret().clone()),
    };
    let mut chain = p.chain(3);
    let foreign = SignedEntry::by_server(
        &other.server,
        &other.vault.public(),
        Some(&chain[2].head()),
        p.link_open_event(T0 + 999),
    )
    .unwrap();
    chain.push(foreign);
    assert_eq!(
        p.verifier().verify(None, &chain),
        Err(VerifyLogError::WrongVault { seq: 3 })
    );
}

#[test]
fn a_proof_the_server_accepted_in_a_batch_verifies_even_with_a_torsion_component() {
    let p = Parties::new();
    let key = p.huisarts.public().verifier().unwrap();
    let v = p.verifier();
    // A cofactorless batch misses an order-2 component for half of its coefficients; sixteen
    // logs (each with other coefficients) make sure a strict rule would have been caught.
    for _ in 0..16 {
        let mut chain = p.chain(4);
        // The huisarts crafts a point of order 2 into the `R` of its own request: the cofactored
        // equation holds (so the server accepted it), `verify_strict` refuses it.
        if let Some(proof) = &mut chain[1].entry.event.proof {
            let message = crate::encoding::canonical(crate::http_sig::DOMAIN, &proof.claims);
            proof.signature = crate::identity::torsioned_signature(&p.huisarts, &message);
            let strict = crate::identity::SignatureCheck::new(message, &proof.signature, &key);
            assert!(!strict.holds());
        }
        p.relink(&mut chain, 1);
        assert_eq!(v.verify(None, &chain).unwrap().map(|h| h.seq), Some(3));
    }
}

#[test]
fn proofs_must_be_the_actors_own_fresh_unique_requests() {
    let p = Parties::new();
    let chain = p.chain(4);
    let v = p.verifier();
    // A forged proof signature.
    let mut forged = chain.clone();
    if let Some(proof) = &mut forged[1].entry.event.proof {
        proof.claims.path_and_query = "/v1/vaults/x/items?scope=notities".into();
    }
    p.relink(&mut forged, 1);
    assert_eq!(
        v.verify(None, &forged),
        Err(VerifyLogError::BadProofSignature { seq: 1 })
    );
    // One request cannot account for two accesses.
    let mut reused = chain.clone();
    reused[3].entry.event = chain[1].entry.event.clone();
    p.relink(&mut reused, 3);
    assert_eq!(
        v.verify(None, &reused),
        Err(VerifyLogError::ProofReused { seq: 3 })
    );
    // A verifier that does not know the actor cannot accept the proof.
    let blind = LogVerifier::new(p.vault.public(), p.server.public(), |_| None);
    assert_eq!(
        blind.verify(None, &chain),
        Err(VerifyLogError::UnknownActor { seq: 1 })
    );
}

#[test]
fn writers_cannot_make_entries_verification_would_refuse() {
    let p = Parties::new();
    let grant = GrantId::random(&mut OsRng);
    let vault_keys = p.vault.public();
    let by_server = |event| SignedEntry::by_server(&p.server, &vault_keys, None, event);
    let err = |v| Err(CreateEntryError::Rule(v));
    assert_eq!(
        by_server(p.grant_event(T0, grant)),
        err(RuleViolation::WrongSigner {
            kind: EventKind::Grant
        })
    );
    assert_eq!(
        SignedEntry::by_vault(&p.vault, None, p.access_event(T0, grant)),
        err(RuleViolation::WrongSigner {
            kind: EventKind::Access
        })
    );
    let mut event = p.grant_event(T0, grant);
    event.actor = p.huisarts();
    assert_eq!(
        SignedEntry::by_vault(&p.vault, None, event),
        err(RuleViolation::NotVaultOwner)
    );
    let mut event = p.access_event(T0, grant);
    event.actor = Actor::LinkHolder;
    assert_eq!(
        by_server(event),
        err(RuleViolation::AnonymousActor {
            kind: EventKind::Access
        })
    );
    let mut event = p.access_event(T0, grant);
    event.actor = Actor::Party {
        id: p.vault.public().party_id(),
        role: Role::Huisarts,
    };
    assert_eq!(by_server(event), err(RuleViolation::ProofFromOtherParty));
    // The proof is signed one second before the event; the edge is MAX_CLOCK_SKEW.
    let mut edge = p.access_event(T0, grant);
    edge.time += MAX_CLOCK_SKEW - 1;
    let mut late = edge.clone();
    late.time += 1;
    assert!(by_server(edge).is_ok());
    assert_eq!(by_server(late), err(RuleViolation::ProofTimeMismatch));
    let mut export = p.grant_event(T0, grant);
    export.kind = EventKind::Export;
    export.proof = p.access_event(T0, grant).proof;
    assert_eq!(
        SignedEntry::by_vault(&p.vault, None, export),
        err(RuleViolation::ProofNotAllowed)
    );
    let max = LogHead {
        seq: u64::MAX,
        hash: GENESIS_PREV,
    };
    assert_eq!(
        SignedEntry::by_vault(&p.vault, Some(&max), p.grant_event(T0, grant)),
        Err(CreateEntryError::SeqOverflow)
    );
}

#[test]
fn json_form_round_trips_and_keeps_the_hash() {
    let p = Parties::new();
    let chain = p.chain(3);
    let json = serde_json::to_string(&chain).unwrap();
    let back: Vec<SignedEntry> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, chain);
    assert_eq!(back[2].hash(), chain[2].hash());
    assert!(json.contains("\"kind\":\"share-link-open\""));
    assert!(json.contains("\"action\":\"R\""));
    assert!(json.contains("\"denied\":\"wrong-passcode\""));
}

#[test]
fn weak_or_invalid_trusted_keys_are_refused() {
    let p = Parties::new();
    let chain = p.chain(2);
    let mut weak = p.server.public();
    weak.signing = [0; 32];
    weak.signing[0] = 1; // the identity point: small order
    let v = LogVerifier::new(p.vault.public(), weak, |_| None);
    assert_eq!(
        v.verify(None, &chain),
        Err(VerifyLogError::InvalidKey {
            signer: Signer::Server
        })
    );
}

#[test]
fn deferred_entries_verify_once_a_server_signature_covers_them() {
    let p = Parties::new();
    let chain = p.deferred_chain(3);
    assert!(chain[1..4].iter().all(SignedEntry::is_deferred));
    assert!(!chain[4].is_deferred());
    let v = p.verifier();
    assert_eq!(v.verify(None, &chain).unwrap(), Some(chain[4].head()));
    // A page may start inside a run of deferred entries; it is tied to the seen head.
    assert_eq!(
        v.verify(Some(&chain[1].head()), &chain[2..]).unwrap(),
        Some(chain[4].head())
    );
    // Without the covering entry, nothing after the grant is accepted.
    assert_eq!(
        v.verify(None, &chain[..4]),
        Err(VerifyLogError::Unsealed { seq: 1 })
    );
    assert_eq!(
        v.verify(Some(&chain[1].head()), &chain[2..4]),
        Err(VerifyLogError::Unsealed { seq: 2 })
    );
}

#[test]
fn the_deferred_marker_is_no_signature_of_any_key() {
    let p = Parties::new();
    let chain = p.deferred_chain(1);
    let message = crate::encoding::canonical(DOMAIN_ENTRY, &chain[1].entry);
    for who in [&p.server, &p.vault, &p.huisarts] {
        let key = who.public().verifying_key().unwrap();
        assert!(key
            .verify_strict(&message, &DEFERRED_SIGNATURE.to_dalek())
            .is_err());
    }
    // Only a server entry can be deferred: on a vault entry the marker is a bad signature.
    let mut consent = chain.clone();
    consent[0].signature = DEFERRED_SIGNATURE;
    p.relink(&mut consent, 1);
    assert!(!consent[0].is_deferred());
    assert_eq!(
        p.verifier().verify(None, &consent),
        Err(VerifyLogError::BadSignature { seq: 0 })
    );
}

fn flip(bytes: &mut [u8], bit: usize) {
    let bit = bit % (bytes.len() * 8);
    bytes[bit / 8] ^= 1 << (bit % 8);
}

/// Whether `chain` with one bit of entry `index`'s binary form flipped fails to decode or to
/// verify.
fn flipped_bit_is_rejected(p: &Parties, chain: &[SignedEntry], index: usize, bit: usize) -> bool {
    let mut bytes = postcard::to_allocvec(&chain[index]).unwrap();
    flip(&mut bytes, bit);
    let Ok(changed) = postcard::from_bytes::<SignedEntry>(&bytes) else {
        return true;
    };
    let mut tampered = chain.to_vec();
    tampered[index] = changed;
    p.verifier().verify(None, &tampered).is_err()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any single flipped bit in the binary form of any entry makes the chain fail to decode
    /// or fail to verify.
    #[test]
    fn any_flipped_bit_in_an_entry_is_rejected(index in 0usize..4, bit in any::<usize>()) {
        let p = Parties::new();
        prop_assert!(flipped_bit_is_rejected(&p, &p.chain(4), index, bit));
    }

    /// The same for a run of deferred entries and the one signature that covers them.
    #[test]
    fn any_flipped_bit_in_a_deferred_run_is_rejected(index in 1usize..5, bit in any::<usize>()) {
        let p = Parties::new();
        prop_assert!(flipped_bit_is_rejected(&p, &p.deferred_chain(3), index, bit));
    }
}

#[test]
fn text_codes_match_the_json_names() {
    for kind in [
        EventKind::Grant,
        EventKind::Revoke,
        EventKind::ShareLinkCreate,
        EventKind::DeviceChange,
        EventKind::Export,
        EventKind::Access,
        EventKind::Append,
        EventKind::ShareLinkOpen,
    ] {
        assert_eq!(json(&kind), format!("\"{kind}\""));
    }
    for reason in [
        DenyReason::NotAuthenticated,
        DenyReason::Replayed,
        DenyReason::NoGrant,
        DenyReason::GrantNotYetValid,
        DenyReason::GrantExpired,
        DenyReason::GrantRevoked,
        DenyReason::ScopeNotGranted,
        DenyReason::ModeNotGranted,
        DenyReason::MaxUsesReached,
        DenyReason::LinkExpired,
        DenyReason::LinkRevoked,
        DenyReason::LinkUsedUp,
        DenyReason::WrongPasscode,
        DenyReason::LinkLocked,
    ] {
        assert_eq!(json(&reason), format!("\"{}\"", reason.code()));
    }
    for action in [
        ActionCode::Create,
        ActionCode::Read,
        ActionCode::Update,
        ActionCode::Delete,
        ActionCode::Execute,
    ] {
        assert_eq!(json(&action), format!("\"{}\"", action.letter()));
    }
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap()
}
