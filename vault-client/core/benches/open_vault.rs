//! Opening a rugzakje of 10,000 items of 1 KiB as the inwoner does: decrypt, verify
//! authorship, and judge every author against the device's consent state (the checks of
//! `vault::open_owned`), beside the naive baseline of one age X25519 file and one Ed25519
//! signature per item.
//!
//! Three variants on the same machine in one run: the crypto core's `ItemReader` alone on
//! 10,000 owner items (what `crypto`'s own `open_vault` bench measures), `open_owned` on the
//! same items (the difference is what the consent checks cost), and `open_owned` on 9,900
//! owner items plus 100 appended by a coach (X25519-sealed, as appended items are).
//!
//! Run: `cargo bench -p vault-client --bench open_vault`. Target: ≤ 100 ms, and at least 10×
//! faster than naive. Times are the benchmark thread's on-CPU time (see
//! `crypto/benches/common`).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark set-up")]

use std::hint::black_box;
use std::time::Duration;

use common::timed;
use criterion::{criterion_group, criterion_main, Criterion};
use crypto::encoding::canonical;
use crypto::{
    seal_append_batch, seal_batch, AccessDuration, Envelope, GrantTerms, Identity, ItemId,
    ItemKind, Mode, Permission, Permissions, Profile, Role, Scope, ScopeKeyring, Signature,
    SignedGrant, SignedRequest,
};
use rand_core::{OsRng, RngCore as _};
use serde::{Deserialize, Serialize};
use vault_client::consent_state::{Appended, ConsentState};
use vault_client::vault::open_owned;

/// The on-CPU timing the crypto benchmarks use, so that the figures compare.
#[path = "../../../crypto/benches/common/mod.rs"]
mod common;

const ITEMS: usize = 10_000;
/// Of which appended by a coach under an append grant (X25519-sealed, like the naive ones).
const APPENDED: usize = 100;
const BODY_BYTES: usize = 1024;
const NAIVE_DOMAIN: &str = "rugzak/bench/naive-item";
const T0: i64 = 1_767_225_600;

#[derive(Serialize, Deserialize)]
struct NaiveItem {
    envelope: Envelope,
    signature: Signature,
}

fn envelope(author: &Identity, vault: crypto::VaultId, scope: Scope) -> Envelope {
    let mut body = vec![0u8; BODY_BYTES];
    OsRng.fill_bytes(&mut body);
    Envelope {
        id: ItemId::random(&mut OsRng),
        vault,
        scope,
        kind: ItemKind::Note,
        author: author.public(),
        created: T0 + 10,
        body,
    }
}

/// A consent state with 20 grants, one of them the coach's append grant on `intake`.
fn consent(owner: &Identity, coach: &Identity) -> ConsentState {
    let mut state = ConsentState::new(Identity::generate(&mut OsRng).public());
    let mut grant = |who: &Identity, permissions: Permissions| {
        let request = SignedRequest::create(
            who,
            Profile {
                role: Role::Welzijnscoach,
                name: "Sanne".into(),
                organisation: "Wijkteam".into(),
            },
            permissions,
            AccessDuration::Lifelong,
            "https://rugzak.test".into(),
            T0,
            &mut OsRng,
        )
        .unwrap();
        let verified = request.verify(T0).unwrap();
        let terms = GrantTerms::as_requested(&request.request);
        let signed = SignedGrant::answer(owner, &verified, terms, T0, &mut OsRng).unwrap();
        state.add_grant(signed, 0);
    };
    for _ in 0..19 {
        let other = Identity::generate(&mut OsRng);
        grant(
            &other,
            Permissions::new(vec![Permission {
                scope: Scope::Vragenlijsten,
                mode: Mode::Read,
            }])
            .unwrap(),
        );
    }
    grant(
        coach,
        Permissions::new(vec![Permission {
            scope: Scope::Intake,
            mode: Mode::Append,
        }])
        .unwrap(),
    );
    state
}

fn open_vault(c: &mut Criterion) {
    let owner = Identity::generate(&mut OsRng);
    let coach = Identity::generate(&mut OsRng);
    let vault = owner.public().vault_id();
    let keys = ScopeKeyring::generate(&mut OsRng);
    let own: Vec<Envelope> = (0..ITEMS - APPENDED)
        .map(|i| envelope(&owner, vault, Scope::ALL[i % Scope::ALL.len()]))
        .collect();
    let mut sealed = seal_batch(&owner, &own, &keys, &mut OsRng).unwrap();
    let mut state = consent(&owner, &coach);
    let coach_signed = state
        .grants
        .iter()
        .find(|g| g.grant.grant.grantee == coach.public())
        .unwrap()
        .grant
        .clone();
    let coach_grant = coach_signed.grant.id;
    let append_keys: Vec<crypto::AppendKey> = keys
        .iter()
        .map(|k| {
            k.wrap(&owner, &owner.public())
                .unwrap()
                .append_key(&owner.public())
                .unwrap()
        })
        .collect();
    for seq in 0..APPENDED {
        let note = envelope(&coach, vault, Scope::Intake);
        // As the verified consent log records each append.
        state.appended.push(Appended {
            item: note.id,
            scope: Scope::Intake,
            actor: coach.public().party_id(),
            grant: coach_grant,
            seq: u64::try_from(seq).unwrap() + 1,
            time: T0 + 10,
        });
        sealed.extend(seal_append_batch(&coach, &coach_signed, &append_keys, &[note]).unwrap());
    }
    let listing = open_owned(&owner, &keys, &state, &sealed);
    assert_eq!(listing.items.len(), ITEMS);
    assert!(listing.apart.is_empty());
    let all_own: Vec<Envelope> = (0..ITEMS)
        .map(|i| envelope(&owner, vault, Scope::ALL[i % Scope::ALL.len()]))
        .collect();
    let own_sealed = seal_batch(&owner, &all_own, &keys, &mut OsRng).unwrap();
    assert_eq!(
        open_owned(&owner, &keys, &state, &own_sealed).items.len(),
        ITEMS
    );

    let naive: Vec<Vec<u8>> = own
        .iter()
        .take(ITEMS)
        .map(|e| {
            let item = NaiveItem {
                envelope: e.clone(),
                signature: owner.sign(NAIVE_DOMAIN, e),
            };
            age::encrypt(
                &owner.public().age_recipient(),
                &canonical(NAIVE_DOMAIN, &item),
            )
            .unwrap()
        })
        .collect();

    let mut group = c.benchmark_group("client_open_vault_10000x1KiB");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.bench_function("item_reader_only_10000_own", |b| {
        b.iter_custom(|iters| {
            timed(iters, || {
                // Kept, as any listing keeps what it opened.
                let mut reader = crypto::ItemReader::new(vault, &keys).with_identity(&owner);
                let opened: Vec<_> = own_sealed.iter().map(|i| reader.open(i).unwrap()).collect();
                black_box(opened);
            })
        });
    });
    group.bench_function("open_owned_10000_own", |b| {
        b.iter_custom(|iters| {
            timed(iters, || {
                black_box(open_owned(&owner, &keys, &state, black_box(&own_sealed)));
            })
        });
    });
    group.bench_function("open_owned_9900_own_100_appended", |b| {
        b.iter_custom(|iters| {
            timed(iters, || {
                black_box(open_owned(&owner, &keys, &state, black_box(&sealed)));
            })
        });
    });
    group.bench_function("naive_x25519_per_item_signature", |b| {
        b.iter_custom(|iters| {
            timed(iters, || {
                for ciphertext in &naive {
                    let plaintext = age::decrypt(owner.age_identity(), ciphertext).unwrap();
                    let body = &plaintext[NAIVE_DOMAIN.len() + 1..];
                    let item: NaiveItem = postcard::from_bytes(body).unwrap();
                    item.envelope
                        .author
                        .verify(NAIVE_DOMAIN, &item.envelope, &item.signature)
                        .unwrap();
                    black_box(item.envelope);
                }
            })
        });
    });
    group.finish();
}

criterion_group!(benches, open_vault);
criterion_main!(benches);
