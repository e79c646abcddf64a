//! Verifying a 10,000-entry consent log (target ≤ 200 ms), beside one single-signature check;
//! and what a client does on each command: verifying the 100 entries that are new on top of a
//! 100,000-entry log it verified before (target ≤ 10 ms).
//!
//! Run with `cargo bench -p crypto --bench consent_log`. Times are the benchmark thread's on-CPU
//! time (see `common`).

#![allow(clippy::unwrap_used, reason = "benchmark set-up")]

use std::hint::black_box;

use common::timed;
use criterion::{criterion_group, criterion_main, Criterion};
use crypto::http_sig::SignedCall;
use crypto::log::{
    ActionCode, Actor, Event, EventKind, LogObject, LogVerifier, Outcome, SignedEntry,
};
use crypto::{GrantId, Identity, ItemId, Nonce, PartyId, PublicKeys, Role, Scope};
use rand_core::OsRng;

mod common;

const ENTRIES: usize = 10_000;
const T0: i64 = 1_780_000_000;

struct Setup {
    vault: Identity,
    server: Identity,
    grantee: Identity,
}

impl Setup {
    fn new() -> Self {
        Self {
            vault: Identity::generate(&mut OsRng),
            server: Identity::generate(&mut OsRng),
            grantee: Identity::generate(&mut OsRng),
        }
    }

    /// A realistic log: one grant by the inwoner, then item fetches by the grantee, each
    /// server-signed and, if `with_proofs`, carrying the grantee's signed request.
    fn chain(&self, with_proofs: bool) -> Vec<SignedEntry> {
        self.chain_of(ENTRIES, with_proofs)
    }

    fn chain_of(&self, entries: usize, with_proofs: bool) -> Vec<SignedEntry> {
        let grant = GrantId::random(&mut OsRng);
        let grantee = self.grantee.public().party_id();
        let mut chain: Vec<SignedEntry> = Vec::with_capacity(entries);
        for i in 0..entries {
            let prev = chain.last().map(SignedEntry::head);
            let time = T0 + i64::try_from(i).unwrap();
            let entry = if i == 0 {
                let event = Event {
                    time,
                    kind: EventKind::Grant,
                    action: ActionCode::Create,
                    actor: Actor::Party {
                        id: self.vault.public().party_id(),
                        role: Role::Inwoner,
                    },
                    on_behalf_of: None,
                    object: LogObject::Scope(Scope::Vragenlijsten),
                    outcome: Outcome::Success,
                    grant: Some(grant),
                    proof: None,
                };
                SignedEntry::by_vault(&self.vault, prev.as_ref(), event)
            } else {
                let item = ItemId::random(&mut OsRng);
                let proof = with_proofs.then(|| {
                    let path = format!("/v1/vaults/v/items/{item}");
                    let nonce = Nonce::random(&mut OsRng);
                    SignedCall::sign(&self.grantee, "GET", &path, b"", time, nonce).unwrap()
                });
                let event = Event {
                    time,
                    kind: EventKind::Access,
                    action: ActionCode::Read,
                    actor: Actor::Party {
                        id: grantee,
                        role: Role::Huisarts,
                    },
                    on_behalf_of: None,
                    object: LogObject::Item {
                        scope: Scope::Vragenlijsten,
                        item,
                    },
                    outcome: Outcome::Success,
                    grant: Some(grant),
                    proof,
                };
                SignedEntry::by_server(&self.server, &self.vault.public(), prev.as_ref(), event)
            };
            chain.push(entry.unwrap());
        }
        chain
    }

    fn verifier(&self) -> LogVerifier<impl Fn(PartyId) -> Option<PublicKeys> + '_> {
        let grantee = self.grantee.public();
        LogVerifier::new(self.vault.public(), self.server.public(), move |id| {
            (id == grantee.party_id()).then_some(grantee)
        })
    }
}

fn consent_log(c: &mut Criterion) {
    let setup = Setup::new();
    let mut group = c.benchmark_group("consent_log");
    group.sample_size(10);
    for (name, with_proofs) in [
        ("verify_10k_entries", false),
        ("verify_10k_entries_with_proofs", true),
    ] {
        let chain = setup.chain(with_proofs);
        let verifier = setup.verifier();
        assert!(verifier.verify(None, &chain).unwrap().is_some());
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                timed(iters, || {
                    black_box(verifier.verify(None, black_box(&chain)).unwrap());
                })
            });
        });
    }
    {
        // The client keeps the head it verified and checks only what is new after it.
        let long = setup.chain_of(100_100, true);
        let verifier = setup.verifier();
        let (old, new) = long.split_at(100_000);
        let head = verifier.verify(None, old).unwrap();
        assert!(verifier.verify(head.as_ref(), new).unwrap().is_some());
        group.bench_function("verify_100_new_after_100k_verified_with_proofs", |b| {
            b.iter_custom(|iters| {
                timed(iters, || {
                    black_box(verifier.verify(head.as_ref(), black_box(new)).unwrap());
                })
            });
        });
    }
    let chain = setup.chain(false);
    let keys = setup.server.public();
    let entry = &chain[1];
    group.bench_function("single_signature_verify", |b| {
        b.iter_custom(|iters| {
            timed(iters, || {
                keys.verify(
                    crypto::log::DOMAIN_ENTRY,
                    black_box(&entry.entry),
                    &entry.signature,
                )
                .unwrap();
            })
        });
    });
    group.finish();
}

criterion_group!(benches, consent_log);
criterion_main!(benches);
