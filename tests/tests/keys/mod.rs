//! What the hostile-server tests look at with a party's own keys: the identity in a home,
//! the scope keys recorded uploads carried, the keyring a party builds from them, and the
//! items the server stores, fetched with the owner's key.

use age::secrecy::SecretString;
use crypto::{Identity, PublicKeys, ScopeKeyring, WrappedScopeKey};
use pollster::FutureExt as _;
use rugzak_cli::Home;
use rugzak_cli::UreqTransport;
use tests::hostile::Recorded;
use tests::{Person, Server, PASSPHRASE};
use vault_client::Api;

/// The path pattern of scope-key uploads.
pub const SCOPE_KEYS: &str = "/v1/vaults/*/scope-keys";

/// The identity kept in `who`'s home.
pub fn identity(who: &Person) -> Identity {
    let pass = SecretString::from(PASSPHRASE.to_owned());
    Home::new(&who.home)
        .load(&pass)
        .expect("the home opens")
        .identity()
}

/// Every scope key the recorded `POST scope-keys` requests carried.
pub fn wrapped_in(requests: &[Recorded]) -> Vec<WrappedScopeKey> {
    requests
        .iter()
        .filter(|r| r.is("POST", SCOPE_KEYS))
        .flat_map(|r| serde_json::from_value::<Vec<WrappedScopeKey>>(r.json()["keys"].clone()))
        .flatten()
        .collect()
}

/// The keyring `who` can build from `wrapped` (what it opens of it).
pub fn keyring_from(
    who: &Identity,
    owner: &PublicKeys,
    wrapped: &[WrappedScopeKey],
) -> ScopeKeyring {
    let mut keyring = ScopeKeyring::new();
    for key in wrapped {
        if let Ok(key) = key.open(who, owner) {
            let _ = keyring.insert(key);
        }
    }
    keyring
}

/// Every item `server` stores for `owner`'s vault, fetched by the owner straight from the
/// server (not through a proxy), page by page.
pub fn stored_items(server: &Server, owner: &Identity) -> Vec<crypto::SealedItem> {
    let transport = UreqTransport::new(&server.url);
    let api = Api::new(&transport, owner, &rugzak_cli::time::now);
    let vault = owner.public().vault_id();
    let mut items = Vec::new();
    let mut after = None;
    loop {
        let page = api.items_page(vault, after).block_on().unwrap();
        items.extend(page.items);
        after = Some(page.next);
        if !page.more {
            break items;
        }
    }
}
