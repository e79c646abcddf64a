//! Measurement of the sled store's disk use, in-process, without HTTP (throughput is measured
//! against the real server by `examples/load.rs`). Ignored by default; run with
//! `cargo test --release -p vault-server --test store_throughput -- --ignored --nocapture`.

#![allow(clippy::unwrap_used, reason = "tests")]

use crypto::{ItemId, PartyId, Scope, Sealing, VaultId};
use rand_core::OsRng;
use vault_server::store::{Blob, NewItem, PutItems, SledOptions, SledStore, Store};

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
