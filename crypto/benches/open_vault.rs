//! Opening a vault of 10,000 items of 1 KiB already in memory: decrypt AND verify authorship.
//!
//! `rugzak`: items sealed under a scope key (symmetric `rugzak-scope` stanza) from one upload
//! batch, so authorship is one Ed25519 check plus an audit path per item.
//! `naive`: each item its own age X25519 file with its own Ed25519 signature, as a baseline.
//!
//! Run: `cargo bench -p crypto --bench open_vault` (release). Target: rugzak ≤ 100 ms on one
//! core, and at least 10× faster than naive.
//!
//! Times are the benchmark thread's on-CPU time (see `common`).

use std::hint::black_box;
use std::time::Duration;

use common::timed;
use criterion::{criterion_group, criterion_main, Criterion};
use crypto::encoding::canonical;
use crypto::{
    seal_batch, Envelope, Identity, ItemId, ItemKind, ItemReader, Scope, ScopeKeyring, Signature,
};
use rand_core::{OsRng, RngCore as _};
use serde::{Deserialize, Serialize};

mod common;

const ITEMS: usize = 10_000;
const BODY_BYTES: usize = 1024;
const NAIVE_DOMAIN: &str = "rugzak/bench/naive-item";

/// The baseline's plaintext: the envelope and a signature over it alone.
#[derive(Serialize, Deserialize)]
struct NaiveItem {
    envelope: Envelope,
    signature: Signature,
}

fn envelopes(owner: &Identity) -> Vec<Envelope> {
    (0..ITEMS)
        .map(|i| {
            let mut body = vec![0u8; BODY_BYTES];
            OsRng.fill_bytes(&mut body);
            Envelope {
                id: ItemId::random(&mut OsRng),
                vault: owner.public().vault_id(),
                scope: Scope::ALL[i % Scope::ALL.len()],
                kind: ItemKind::Observation,
                author: owner.public(),
                created: 1_767_225_600,
                body,
            }
        })
        .collect()
}

fn naive_seal(owner: &Identity, envelope: &Envelope) -> Vec<u8> {
    let item = NaiveItem {
        envelope: envelope.clone(),
        signature: owner.sign(NAIVE_DOMAIN, envelope),
    };
    age::encrypt(
        &owner.public().age_recipient(),
        &canonical(NAIVE_DOMAIN, &item),
    )
    .expect("encrypt")
}

fn naive_open(owner: &Identity, ciphertext: &[u8]) -> Envelope {
    let plaintext = age::decrypt(owner.age_identity(), ciphertext).expect("decrypt");
    let body = plaintext
        .strip_prefix(NAIVE_DOMAIN.as_bytes())
        .and_then(|rest| rest.strip_prefix(&[0u8][..]))
        .expect("domain");
    let item: NaiveItem = postcard::from_bytes(body).expect("parse");
    item.envelope
        .author
        .verify(NAIVE_DOMAIN, &item.envelope, &item.signature)
        .expect("signature");
    item.envelope
}

fn open_vault(c: &mut Criterion) {
    let owner = Identity::generate(&mut OsRng);
    let keys = ScopeKeyring::generate(&mut OsRng);
    let vault = owner.public().vault_id();
    let envelopes = envelopes(&owner);
    let sealed = seal_batch(&owner, &envelopes, &keys, &mut OsRng).expect("seal");
    let naive: Vec<Vec<u8>> = envelopes.iter().map(|e| naive_seal(&owner, e)).collect();

    let mut group = c.benchmark_group("open_vault_10000x1KiB");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.bench_function("rugzak_scope_key_batch_attested", |b| {
        b.iter_custom(|iters| {
            timed(iters, || {
                // A fresh reader each time: one cold signature check per run, as on a new device.
                let mut reader = ItemReader::new(vault, &keys);
                for item in &sealed {
                    black_box(reader.open(item).expect("open"));
                }
            })
        });
    });
    group.bench_function("naive_x25519_per_item_signature", |b| {
        b.iter_custom(|iters| {
            timed(iters, || {
                for ciphertext in &naive {
                    black_box(naive_open(&owner, ciphertext));
                }
            })
        });
    });
    group.finish();
}

criterion_group!(benches, open_vault);
criterion_main!(benches);
