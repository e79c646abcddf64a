//! What the hostile-server suites share: the real server behind a tampering proxy, Annelies
//! with a vault made through it, professionals enrolled through it, and the assertions about
//! refusals and what was written.
//!
//! A suite that includes this module declares `mod keys;` too: the world reads identities from
//! homes with `crate::keys::identity`.

use crate::keys::identity;
use crypto::{
    AccessDuration, GrantTerms, Identity, Mode, Permission, Permissions, Profile, Role, RootSecret,
    Scope, SealedItem, SignedGrant, SignedRequest,
};
use pollster::FutureExt as _;
use rand_core::OsRng;
use rugzak_cli::UreqTransport;
use tests::hostile::{Proxy, Recorded};
use tests::{Person, Server};
use vault_client::Api;

pub(crate) const GRANTS: &str = "/v1/vaults/*/grants";
pub(crate) const ITEMS: &str = "/v1/vaults/*/items";
pub(crate) const LOG: &str = "/v1/vaults/*/log";

/// A server, the proxy in front of it, a folder for homes, and Annelies with a vault made
/// through the proxy (so every later command of hers goes through it too).
pub(crate) struct World {
    pub(crate) server: Server,
    pub(crate) proxy: Proxy,
    pub(crate) dir: tempfile::TempDir,
    pub(crate) annelies: Person,
    pub(crate) vault: String,
    /// Annelies's recovery code.
    pub(crate) recovery: String,
}

/// Someone enrolled through the proxy, with their party id.
pub(crate) struct Pro {
    pub(crate) person: Person,
    pub(crate) party: String,
}

impl World {
    pub(crate) fn start() -> Self {
        let server = Server::start();
        let proxy = Proxy::start(&server.url);
        let dir = tempfile::tempdir().unwrap();
        let annelies = Person::new(dir.path().join("annelies"), &proxy.url);
        let made = annelies.json(&["init"]);
        let text = |field: &str| made[field].as_str().unwrap().to_owned();
        Self {
            server,
            proxy,
            dir,
            annelies,
            vault: text("vault"),
            recovery: text("recovery_code"),
        }
    }

    /// A professional `name` enrolled as `role`.
    pub(crate) fn pro(&self, name: &str, role: &str) -> Pro {
        let person = Person::new(self.dir.path().join(name), &self.proxy.url);
        let party = person.json(&["init", "--role", role, "--name", name, "--org", "Praktijk"])
            ["party"]
            .as_str()
            .unwrap()
            .to_owned();
        Pro { person, party }
    }

    /// `who` asks for `mode` on `scope` for 30 days and Annelies grants it from the QR text;
    /// returns the grant id.
    pub(crate) fn grant(&self, who: &Pro, scope: &str, mode: &str) -> String {
        let out = self.dir.path().display().to_string();
        let request = who.person.json(&[
            "request", "--out", &out, "--scope", scope, "--mode", mode, "--days", "30",
        ]);
        let qr = request["qr_text"].as_str().unwrap();
        let granted = self.annelies.json(&["grant", "--text", qr, "--yes"]);
        granted["grant"].as_str().unwrap().to_owned()
    }

    /// Annelies's identity.
    pub(crate) fn owner(&self) -> Identity {
        identity(&self.annelies)
    }

    /// Every item the server stores for the vault, fetched by the owner straight from the
    /// server (not through the proxy).
    pub(crate) fn stored_items(&self) -> Vec<SealedItem> {
        crate::keys::stored_items(&self.server, &self.owner())
    }

    /// The append keys of the vault's newest epochs, as the owner's own wrapped copies carry
    /// them (fetched straight from the server).
    pub(crate) fn append_keys(&self) -> Vec<crypto::AppendKey> {
        let owner = self.owner();
        let transport = UreqTransport::new(&self.server.url);
        let api = Api::new(&transport, &owner, &rugzak_cli::time::now);
        let wrapped = api
            .scope_keys(owner.public().vault_id())
            .block_on()
            .unwrap();
        wrapped
            .iter()
            .map(|w| w.append_key(&owner.public()).unwrap())
            .collect()
    }

    /// The grant `who` holds on the vault (as the server reports it to them).
    pub(crate) fn grant_of(&self, who: &Identity) -> crypto::SignedGrant {
        let transport = UreqTransport::new(&self.server.url);
        let api = Api::new(&transport, who, &rugzak_cli::time::now);
        api.my_grants().block_on().unwrap().remove(0).grant
    }

    /// The grants list as `rugzak grants --json` shows it: (grant id, status) pairs.
    pub(crate) fn grants_shown(&self) -> Vec<(String, String)> {
        let list = self.annelies.json(&["grants"]);
        list["grants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["grant"].as_str().unwrap().to_owned(),
                    g["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }
}

/// An identity nobody gave anything to.
pub(crate) fn stranger() -> Identity {
    Identity::from_root(RootSecret::generate(&mut OsRng))
}

/// Asserts that `out` is a refusal ending in the stable `code`, in Dutch (`dutch`) and in
/// one language only: the English text of the same refusal (`english`) is not there.
pub(crate) fn assert_refused(out: &str, code: &str, dutch: &str, english: &str) {
    assert!(out.contains(&format!("({code})")), "no ({code}) in:\n{out}");
    assert!(out.contains(dutch), "no Dutch text {dutch:?} in:\n{out}");
    assert!(
        !out.contains(english),
        "English text {english:?} next to the Dutch in:\n{out}"
    );
}

/// Asserts that none of `requests` wrote anything: no item, key, grant, revoke or log entry.
pub(crate) fn assert_nothing_written(requests: &[Recorded]) {
    let writes: Vec<String> = requests
        .iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(writes.is_empty(), "written after the attack: {writes:?}");
}

pub(crate) fn has_post(requests: &[Recorded], pattern: &str) -> bool {
    requests.iter().any(|r| r.is("POST", pattern))
}

/// A grant the vault never signed: an access request by `grantee` answered (signed) by
/// `signer`'s own vault.
pub(crate) fn foreign_grant(signer: &Identity, grantee: &Identity) -> SignedGrant {
    let now = rugzak_cli::time::now();
    let request = SignedRequest::create(
        grantee,
        Profile {
            role: Role::Huisarts,
            name: "Dr. Nep".into(),
            organisation: "Nergens".into(),
        },
        Permissions::new([Permission {
            scope: Scope::Notities,
            mode: Mode::Read,
        }])
        .unwrap(),
        AccessDuration::Days(30),
        "http://127.0.0.1".into(),
        now,
        &mut OsRng,
    )
    .unwrap();
    let verified = request.verify(now).unwrap();
    let terms = GrantTerms::as_requested(verified.request());
    SignedGrant::answer(signer, &verified, terms, now, &mut OsRng).unwrap()
}
