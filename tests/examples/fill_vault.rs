//! Makes an inwoner rugzak with COUNT notes of 1 KiB on a running Rugzak server and prints its
//! recovery code: the set-up of the web app's measurement of opening a 10,000-item rugzak in
//! Chromium (`web/bench/open-10k.mjs`, which runs this).
//!
//! Run: `cargo run --release -p tests --example fill_vault -- http://localhost:8080 10000`

#![allow(
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a set-up tool: prints its answer; any failure ends it with the reason"
)]

use crypto::{ItemKind, RootSecret, Scope};
use pollster::FutureExt as _;
use rand_core::{OsRng, RngCore as _};
use rugzak_cli::UreqTransport;
use vault_client::{Api, NewItem, Owner, State};

/// Items per upload: well inside the server's body limit (1 MiB) and item cap (1,000).
const BATCH: usize = 200;

fn main() {
    let mut args = std::env::args().skip(1);
    let server = args.next().expect("usage: fill_vault SERVER [COUNT]");
    let count: usize = args
        .next()
        .map_or(10_000, |c| c.parse().expect("COUNT is a number"));
    let root = RootSecret::generate(&mut OsRng);
    let mut state = State::new(&root, None, server.clone());
    let identity = state.identity();
    let transport = UreqTransport::checked(&server).expect("a loopback or https server");
    let now = rugzak_cli::time::now;
    let api = Api::new(&transport, &identity, &now);
    let owner = Owner::new(&api, &identity);
    owner.create(&mut state).block_on().expect("vault created");
    let mut made = 0;
    while made < count {
        let items: Vec<NewItem> = (made..count.min(made + BATCH))
            .map(|n| {
                // 1 KiB of text, different in every note.
                let mut noise = [0u8; 512];
                OsRng.fill_bytes(&mut noise);
                let hex: String = noise.iter().map(|b| format!("{b:02x}")).collect();
                NewItem {
                    scope: Scope::Notities,
                    kind: ItemKind::Note,
                    body: format!("Notitie {n}: {}", &hex[..1000]).into_bytes(),
                }
            })
            .collect();
        made += items.len();
        owner
            .add(&mut state, items)
            .block_on()
            .expect("items stored");
    }
    println!("{}", state.recovery_code().expose_grouped().as_str());
}
