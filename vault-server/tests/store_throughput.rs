//! Measurements of the sled store, in-process, without HTTP: throughput of the hot path (a
//! grantee fetch of one 1 KiB item with its durable log entry) and disk use. Ignored by
//! default; run with
//! `cargo test --release -p vault-server --test store_throughput -- --ignored --nocapture`.

#![allow(clippy::unwrap_used, reason = "tests")]

use std::sync::Arc;
use std::time::Instant;

use crypto::{GrantId, ItemId, Mode, Nonce, PartyId, Permission, Role, Scope, Sealing, VaultId};
use rand_core::OsRng;
use vault_server::store::{
    AccessEvent, Blob, GrantRecord, GranteeAccess, InsertGrant, ItemSelection, LogEntryRecord,
    LogHead, NewItem, PutItems, SledOptions, SledStore, Store, StoreError,
};

const ITEMS: usize = 1000;
const READS_PER_THREAD: usize = 200;

fn log_entry(head: LogHead, _: AccessEvent<'_>) -> Result<LogEntryRecord, StoreError> {
    Ok(LogEntryRecord {
        seq: head.next_seq,
        hash: crypto::encoding::sha256(&head.next_seq.to_be_bytes()),
        entry: Blob(vec![0; 200]),
    })
}

#[test]
#[ignore = "measurement, not a check"]
fn grantee_fetches_per_second() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SledStore::open(dir.path(), SledOptions::default()).unwrap());
    let vault = VaultId::random(&mut OsRng);
    let items: Vec<NewItem> = (0..ITEMS)
        .map(|_| NewItem {
            id: ItemId::random(&mut OsRng),
            scope: Scope::Notities,
            sealing: Sealing::ScopeKey { epoch: 1 },
            author: PartyId::random(&mut OsRng),
            ciphertext: Blob(vec![1; 1024]),
        })
        .collect();
    assert!(matches!(
        store.put_items(vault, &items, 0).unwrap(),
        PutItems::Stored(_)
    ));
    let grants: Vec<GrantRecord> = (0..64)
        .map(|_| GrantRecord {
            id: GrantId::random(&mut OsRng),
            vault,
            grantee: PartyId::random(&mut OsRng),
            grantee_role: Role::Huisarts,
            permissions: vec![Permission {
                scope: Scope::Notities,
                mode: Mode::Read,
            }],
            not_before: 0,
            expires_at: None,
            max_uses: None,
            history_from: None,
            nonce: Nonce::random(&mut OsRng),
            signed: Blob(vec![0; 200]),
            created_at: 0,
            revoked_at: None,
            revocation: None,
            use_count: 0,
        })
        .collect();
    for g in &grants {
        assert_eq!(store.insert_grant(g, None).unwrap(), InsertGrant::Inserted);
    }
    for threads in [1usize, 8, 64] {
        let start = Instant::now();
        std::thread::scope(|scope| {
            for g in grants.iter().take(threads) {
                let (store, items) = (&store, &items);
                scope.spawn(move || {
                    let access = GranteeAccess {
                        vault,
                        grant: g.id,
                        grantee: g.grantee,
                    };
                    for i in 0..READS_PER_THREAD {
                        let one = ItemSelection::One(items[i % ITEMS].id);
                        let (page, _) = store
                            .grantee_read_items(&access, one, 1, &log_entry)
                            .unwrap()
                            .unwrap();
                        assert_eq!(page.items.len(), 1);
                    }
                });
            }
        });
        let n = threads * READS_PER_THREAD;
        let secs = start.elapsed().as_secs_f64();
        eprintln!(
            "{threads:>2} threads: {n} logged fetches in {secs:.2} s = {:.0}/s",
            n as f64 / secs
        );
    }
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            if path.is_dir() {
                dir_size(&path)
            } else {
                std::fs::metadata(&path).unwrap().len()
            }
        })
        .sum()
}

#[test]
#[ignore = "measurement, not a check"]
fn disk_use_for_100k_items_of_1_kib() {
    const N: usize = 100_000;
    let dir = tempfile::tempdir().unwrap();
    {
        let store = SledStore::open(dir.path(), SledOptions::default()).unwrap();
        let vault = VaultId::random(&mut OsRng);
        for _ in 0..N / 100 {
            let batch: Vec<NewItem> = (0..100)
                .map(|_| NewItem {
                    id: ItemId::random(&mut OsRng),
                    scope: Scope::Notities,
                    sealing: Sealing::ScopeKey { epoch: 1 },
                    author: PartyId::random(&mut OsRng),
                    ciphertext: Blob(vec![7; 1024]),
                })
                .collect();
            assert!(matches!(
                store.put_items(vault, &batch, 0).unwrap(),
                PutItems::Stored(_)
            ));
        }
    }
    let payload = (N * 1024) as f64;
    let used = dir_size(dir.path()) as f64;
    eprintln!(
        "{N} items: {:.1} MiB on disk for {:.1} MiB payload = {:.2}x",
        used / 1048576.0,
        payload / 1048576.0,
        used / payload
    );
}
