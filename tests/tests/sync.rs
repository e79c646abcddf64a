//! Syncing against the real server: a vault of several pages arrives whole, and a later sync
//! fetches only what was uploaded since (the cursor the server hands out is kept).

#![allow(clippy::unwrap_used, reason = "tests")]

use crypto::{Identity, ItemKind, RootSecret, Scope};
use rand_core::OsRng;
use tests::Server;
use vault_client::vault::{NewItem, Owner};
use vault_client::{Api, State, UreqTransport};

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
    let clock = vault_client::time::now;
    let api = Api::new(&transport, &identity, &clock);
    let owner = Owner::new(&api, &identity);
    owner.create().unwrap();
    owner.add(notes(0..250)).unwrap();

    let mut state = State::new(&root, None, server.url.clone());
    assert_eq!(owner.sync(&mut state).unwrap(), 250, "three pages of 100");
    owner.add(notes(250..253)).unwrap();
    assert_eq!(owner.sync(&mut state).unwrap(), 3, "only the new ones");
    assert_eq!(owner.sync(&mut state).unwrap(), 0);

    let opened = owner.items(&mut state).unwrap();
    assert_eq!(opened.len(), 253);
    let last = opened.last().unwrap();
    assert_eq!(last.envelope.body, b"notitie 252", "in upload order");
}
