//! Syncing against the real server: a vault of several pages arrives whole, and a later sync
//! fetches only what was uploaded since (the cursor the server hands out is kept).

#![allow(clippy::unwrap_used, reason = "tests")]

use crypto::{Identity, ItemKind, RootSecret, Scope};
use pollster::FutureExt as _;
use rand_core::OsRng;
use rugzak_cli::UreqTransport;
use tests::Server;
use vault_client::vault::{NewItem, Owner};
use vault_client::{Api, State};

fn notes(range: std::ops::Range<usize>) -> Vec<NewItem> {
    range
        .map(|i| NewItem {
            scope: Scope::Notities,
            kind: ItemKind::Note,
            body: format!("notitie {i}").into_bytes(),
        })
        .collect()
}

#[test]
fn a_vault_of_several_pages_syncs_whole_and_then_only_what_is_new() {
    let server = Server::start();
    let root = RootSecret::generate(&mut OsRng);
    let identity = Identity::from_root(root.clone());
    let transport = UreqTransport::new(&server.url);
    let clock = rugzak_cli::time::now;
    let api = Api::new(&transport, &identity, &clock);
    let owner = Owner::new(&api, &identity);
    let mut writer = State::new(&root, None, server.url.clone());
    owner.create(&mut writer).block_on().unwrap();
    owner.add(&mut writer, notes(0..250)).block_on().unwrap();

    let mut state = State::new(&root, None, server.url.clone());
    assert_eq!(
        owner.sync(&mut state).block_on().unwrap(),
        250,
        "three pages of 100"
    );
    owner.add(&mut writer, notes(250..253)).block_on().unwrap();
    assert_eq!(
        owner.sync(&mut state).block_on().unwrap(),
        3,
        "only the new ones"
    );
    assert_eq!(owner.sync(&mut state).block_on().unwrap(), 0);

    let opened = owner.items(&mut state).block_on().unwrap();
    assert_eq!(opened.len(), 253);
    let last = opened.last().unwrap();
    assert_eq!(last.envelope.body, b"notitie 252", "in upload order");
}
