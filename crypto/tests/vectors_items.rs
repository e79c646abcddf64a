//! Item, batch, scope-key and share-link vectors: `spec/vectors/items.json`.
//!
//! age output is randomized, so the file holds one fixed output produced once, plus every input
//! needed to open and verify it. Everything deterministic (digests, Merkle tree, signatures,
//! attestations, the share-link URL) is recomputed and compared. Negative vectors name the exact
//! error (its `Debug` form) that opening must produce.
//!
//! Regenerate (only when the format deliberately changes):
//! `RUGZAK_REGENERATE_VECTORS=1 cargo test -p crypto --test vectors_items`

use crypto::batch::{leaf_hash, root_from_audit_path, sign_batch, MerkleTree, DOMAIN_BATCH};
use crypto::encoding::{b64, canonical};
use crypto::{
    reseal_in_scope, seal_append_batch, seal_batch, BatchStatement, Digest, Envelope, Identity,
    ItemId, ItemKind, ItemReader, LinkOptions, OpenedItem, PublicKeys, RootSecret, Scope, ScopeKey,
    ScopeKeyring, SealedItem, Sealing, ShareLink, SharedSelection, Signature, VaultId,
    WrappedScopeKey,
};
use rand::rngs::StdRng;
use rand::SeedableRng as _;
use serde::{Deserialize, Serialize};

mod vector_file;

const FILE: &str = "items.json";
const CREATED: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const SERVER: &str = "https://rugzak.example";

#[derive(Debug, Serialize, Deserialize)]
struct Vectors {
    about: String,
    merkle_rfc6962: Merkle,
    parties: Parties,
    scope_keys: ScopeKeys,
    batch: Batch,
    append: Append,
    wrapped_scope_keys: Vec<WrappedVector>,
    share_link: ShareLinkVector,
    readers: Vec<ReaderDescription>,
    negative: Negative,
}

/// The Certificate Transparency test vectors (leaves as hex, roots and audit paths).
#[derive(Debug, Serialize, Deserialize)]
struct Merkle {
    source: String,
    leaves_hex: Vec<String>,
    roots_hex: Vec<String>,
    paths: Vec<MerklePath>,
}

#[derive(Debug, Serialize, Deserialize)]
struct MerklePath {
    index: u32,
    count: u32,
    path_hex: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Party {
    #[serde(with = "crypto::encoding::bytes")]
    root_secret: [u8; 32],
    public: PublicKeys,
}

#[derive(Debug, Serialize, Deserialize)]
struct Parties {
    owner: Party,
    coach: Party,
    gp: Party,
    stranger: Party,
    forger: Party,
}

#[derive(Debug, Serialize, Deserialize)]
struct KeyVector {
    scope: Scope,
    epoch: u32,
    #[serde(with = "crypto::encoding::bytes")]
    key: [u8; 32],
}

#[derive(Debug, Serialize, Deserialize)]
struct ScopeKeys {
    owner: Vec<KeyVector>,
    stranger: Vec<KeyVector>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Batch {
    envelopes: Vec<Envelope>,
    envelope_canonical_0: String,
    item_digests: Vec<Digest>,
    leaf_hashes: Vec<Digest>,
    statement: BatchStatement,
    statement_canonical: String,
    signature: Signature,
    attestations: Vec<crypto::Attestation>,
    sealed: Vec<SealedItem>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Append {
    envelope: Envelope,
    sealed: SealedItem,
    attestation: crypto::Attestation,
    /// The grant the coach appended under (inside the plaintext).
    grant: crypto::SignedGrant,
    /// The append key of intake@0, derived from that scope key.
    append_key: crypto::AppendPublicKey,
}

#[derive(Debug, Serialize, Deserialize)]
struct WrappedVector {
    description: String,
    recipient: String,
    wrapped: WrappedScopeKey,
    expected_scope: Scope,
    expected_epoch: u32,
}

#[derive(Debug, Serialize, Deserialize)]
struct ShareLinkVector {
    server: String,
    url: String,
    link_id: crypto::LinkId,
    #[serde(with = "crypto::encoding::bytes")]
    link_key: [u8; 32],
    expires: i64,
    passcode_required: bool,
    max_uses: Option<u32>,
    label: String,
    /// Batch item indexes, then the appended item (`"append"`), in selection order.
    selection: Vec<String>,
    #[serde(with = "crypto::encoding::bytes")]
    sealed_selection: Vec<u8>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ReaderDescription {
    name: String,
    description: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Negative {
    items: Vec<NegativeItem>,
    wrapped_scope_keys: Vec<NegativeWrapped>,
    share_link_urls: Vec<NegativeUrl>,
    share_link_blobs: Vec<NegativeBlob>,
}

#[derive(Debug, Serialize, Deserialize)]
struct NegativeItem {
    description: String,
    reader: String,
    sealed: SealedItem,
    error: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct NegativeWrapped {
    description: String,
    opener: String,
    wrapped: WrappedScopeKey,
    error: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct NegativeUrl {
    description: String,
    url: String,
    error: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct NegativeBlob {
    description: String,
    #[serde(with = "crypto::encoding::bytes")]
    sealed: Vec<u8>,
    error: String,
}

// ---------------------------------------------------------------------------------------------
// The world the vectors describe, rebuilt from the stored secrets.

struct World {
    owner: Identity,
    coach: Identity,
    gp: Identity,
    stranger: Identity,
    forger: Identity,
    owner_keys: ScopeKeyring,
    stranger_keys: ScopeKeyring,
}

fn identity(party: &Party) -> Identity {
    let id = Identity::from_root(RootSecret::from_bytes(party.root_secret));
    assert_eq!(
        id.public(),
        party.public,
        "public keys derived from the root"
    );
    id
}

fn keyring(keys: &[KeyVector]) -> ScopeKeyring {
    let mut ring = ScopeKeyring::new();
    for k in keys {
        ring.insert(ScopeKey::from_bytes(k.scope, k.epoch, k.key))
            .expect("distinct keys");
    }
    ring
}

fn only(ring: &ScopeKeyring, slots: &[(Scope, u32)]) -> ScopeKeyring {
    let mut out = ScopeKeyring::new();
    for (scope, epoch) in slots {
        out.insert(ring.get(*scope, *epoch).expect("held").clone())
            .expect("insert");
    }
    out
}

impl World {
    fn from_vectors(v: &Vectors) -> Self {
        Self::from_parts(&v.parties, &v.scope_keys)
    }

    fn from_parts(parties: &Parties, keys: &ScopeKeys) -> Self {
        Self {
            owner: identity(&parties.owner),
            coach: identity(&parties.coach),
            gp: identity(&parties.gp),
            stranger: identity(&parties.stranger),
            forger: identity(&parties.forger),
            owner_keys: keyring(&keys.owner),
            stranger_keys: keyring(&keys.stranger),
        }
    }

    fn vault(&self) -> VaultId {
        self.owner.public().vault_id()
    }

    fn reader_descriptions() -> Vec<ReaderDescription> {
        [
            (
                "owner",
                "owner vault, every owner scope key, owner identity",
            ),
            (
                "gp",
                "owner vault, only intake@0, gp identity (a read grantee)",
            ),
            (
                "revoked",
                "owner vault, only notities@0 (revoked before epoch 1)",
            ),
            (
                "coach",
                "owner vault, no scope keys, coach identity (append author)",
            ),
            (
                "stranger",
                "stranger vault, stranger scope keys, stranger identity",
            ),
            (
                "owner-keys-only",
                "owner vault, every owner scope key, no identity",
            ),
            (
                "foreign-keys",
                "owner vault, the stranger's scope keys, no identity",
            ),
        ]
        .into_iter()
        .map(|(name, description)| ReaderDescription {
            name: name.into(),
            description: description.into(),
        })
        .collect()
    }

    fn open(&self, reader: &str, sealed: &SealedItem) -> Result<OpenedItem, crypto::OpenItemError> {
        let gp_keys = only(&self.owner_keys, &[(Scope::Intake, 0)]);
        let revoked_keys = only(&self.owner_keys, &[(Scope::Notities, 0)]);
        let none = ScopeKeyring::new();
        let vault = self.vault();
        let stranger_vault = self.stranger.public().vault_id();
        let mut reader = match reader {
            "owner" => ItemReader::new(vault, &self.owner_keys).with_identity(&self.owner),
            "gp" => ItemReader::new(vault, &gp_keys).with_identity(&self.gp),
            "revoked" => ItemReader::new(vault, &revoked_keys),
            "coach" => ItemReader::new(vault, &none).with_identity(&self.coach),
            "stranger" => {
                ItemReader::new(stranger_vault, &self.stranger_keys).with_identity(&self.stranger)
            }
            "owner-keys-only" => ItemReader::new(vault, &self.owner_keys),
            "foreign-keys" => ItemReader::new(vault, &self.stranger_keys),
            other => panic!("unknown reader {other}"),
        };
        reader.open(sealed)
    }

    fn party(&self, name: &str) -> &Identity {
        match name {
            "owner" => &self.owner,
            "coach" => &self.coach,
            "gp" => &self.gp,
            "stranger" => &self.stranger,
            other => panic!("unknown party {other}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Generation (only with RUGZAK_REGENERATE_VECTORS).

fn hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

fn unhex(text: &str) -> Vec<u8> {
    data_encoding::HEXLOWER
        .decode(text.as_bytes())
        .expect("hex")
}

fn ct_merkle() -> Merkle {
    let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    Merkle {
        source: "Certificate Transparency (RFC 6962) reference test vectors: leaf data, tree roots for 1..8 leaves, audit paths".into(),
        leaves_hex: s(&["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]),
        roots_hex: s(&[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ]),
        paths: vec![
            MerklePath { index: 0, count: 1, path_hex: vec![] },
            MerklePath {
                index: 0,
                count: 8,
                path_hex: s(&[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ]),
            },
            MerklePath {
                index: 5,
                count: 8,
                path_hex: s(&[
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ]),
            },
            MerklePath {
                index: 2,
                count: 3,
                path_hex: s(&["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
            },
            MerklePath {
                index: 1,
                count: 5,
                path_hex: s(&[
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ]),
            },
        ],
    }
}

fn party(rng: &mut StdRng) -> Party {
    let root = RootSecret::generate(rng);
    Party {
        root_secret: *root.expose_bytes(),
        public: Identity::from_root(root).public(),
    }
}

fn key_vectors(ring: &ScopeKeyring) -> Vec<KeyVector> {
    ring.iter()
        .map(|k| KeyVector {
            scope: k.scope(),
            epoch: k.epoch(),
            key: *k.expose_bytes(),
        })
        .collect()
}

fn err<T, E: std::fmt::Debug>(result: Result<T, E>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => format!("{e:?}"),
    }
}

fn flip_last_byte(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    if let Some(last) = out.last_mut() {
        *last ^= 0x01;
    }
    out
}

fn generate() -> Vectors {
    let mut rng = StdRng::seed_from_u64(0x7275_677a_616b_0001);
    let parties = Parties {
        owner: party(&mut rng),
        coach: party(&mut rng),
        gp: party(&mut rng),
        stranger: party(&mut rng),
        forger: party(&mut rng),
    };
    let mut owner_keys = ScopeKeyring::generate(&mut rng);
    owner_keys
        .rotate(Scope::Notities, &mut rng)
        .expect("rotate notities to epoch 1");
    let stranger_keys = ScopeKeyring::generate(&mut rng);
    let scope_keys = ScopeKeys {
        owner: key_vectors(&owner_keys),
        stranger: key_vectors(&stranger_keys),
    };
    let w = World::from_parts(&parties, &scope_keys);
    let vault = w.vault();

    // A batch of three items by the owner; notities is at epoch 1 after a rotation.
    let envelope = |id: u8, scope, kind, body: &str, author: &Identity| Envelope {
        id: ItemId::from_bytes([id; 16]),
        vault,
        scope,
        kind,
        author: author.public(),
        created: CREATED,
        body: body.as_bytes().to_vec(),
    };
    let envelopes = vec![
        envelope(
            1,
            Scope::Vragenlijsten,
            ItemKind::QuestionnaireResponse,
            r#"{"resourceType":"QuestionnaireResponse","questionnaire":"PSS-10","status":"completed"}"#,
            &w.owner,
        ),
        envelope(
            2,
            Scope::Programmas,
            ItemKind::ProgrammeProgress,
            r#"{"programme":"Samen in beweging","week":3,"done":true}"#,
            &w.owner,
        ),
        envelope(
            3,
            Scope::Notities,
            ItemKind::Note,
            "Wandeling met de buurvrouw ging goed.",
            &w.owner,
        ),
    ];
    let sealed = seal_batch(&w.owner, &envelopes, &w.owner_keys, &mut rng).expect("seal");
    let digests: Vec<Digest> = envelopes.iter().map(Envelope::digest).collect();
    let leaves: Vec<Digest> = digests.iter().map(|d| leaf_hash(d.as_bytes())).collect();
    let root = MerkleTree::from_leaf_hashes(leaves.clone())
        .expect("tree")
        .root();
    let statement = BatchStatement {
        vault,
        author: w.owner.public(),
        root,
        count: 3,
    };
    let attestations = sign_batch(&w.owner, vault, &digests).expect("sign");
    let batch = Batch {
        envelope_canonical_0: b64::encode(canonical("rugzak/v1/item", &envelopes[0])),
        item_digests: digests,
        leaf_hashes: leaves,
        statement_canonical: b64::encode(canonical(DOMAIN_BATCH, &statement)),
        signature: w.owner.sign(DOMAIN_BATCH, &statement),
        statement,
        attestations,
        sealed: sealed.clone(),
        envelopes: envelopes.clone(),
    };

    // The coach appends an intake note.
    let note = envelope(
        4,
        Scope::Intake,
        ItemKind::IntakeNote,
        "Intake: wil graag meer bewegen en mensen ontmoeten.",
        &w.coach,
    );
    let request = crypto::SignedRequest::create(
        &w.coach,
        crypto::Profile {
            role: crypto::Role::Welzijnscoach,
            name: "Sanne Bakker".into(),
            organisation: "Welzijn Lelystad".into(),
        },
        crypto::Permissions::new([
            crypto::Permission {
                scope: Scope::Verwijzing,
                mode: crypto::Mode::Read,
            },
            crypto::Permission {
                scope: Scope::Intake,
                mode: crypto::Mode::Append,
            },
        ])
        .expect("permissions"),
        crypto::AccessDuration::Days(30),
        SERVER.into(),
        CREATED,
        &mut rng,
    )
    .expect("request")
    .verify(CREATED)
    .expect("fresh");
    let terms = crypto::GrantTerms::as_requested(request.request());
    let grant =
        crypto::SignedGrant::answer(&w.owner, &request, terms, CREATED, &mut rng).expect("grant");
    let append_keys: Vec<crypto::AppendKey> = w
        .owner_keys
        .iter()
        .map(|k| {
            k.wrap(&w.owner, &w.owner.public())
                .expect("wrap")
                .append_key(&w.owner.public())
                .expect("signed")
        })
        .collect();
    let appended = seal_append_batch(&w.coach, &grant, &append_keys, std::slice::from_ref(&note))
        .expect("append")
        .remove(0);
    let append = Append {
        attestation: sign_batch(&w.coach, vault, &[note.digest()])
            .expect("sign")
            .remove(0),
        envelope: note.clone(),
        sealed: appended.clone(),
        grant,
        append_key: w
            .owner_keys
            .get(Scope::Intake, 0)
            .expect("key")
            .append_public(),
    };

    // Scope keys wrapped to the gp (intake@0) and to the owner (notities@1).
    let intake0 = w.owner_keys.get(Scope::Intake, 0).expect("key");
    let notities1 = w.owner_keys.get(Scope::Notities, 1).expect("key");
    let to_gp = intake0.wrap(&w.owner, &w.gp.public()).expect("wrap");
    let to_owner = notities1.wrap(&w.owner, &w.owner.public()).expect("wrap");
    let wrapped_scope_keys = vec![
        WrappedVector {
            description: "intake@0 for the gp".into(),
            recipient: "gp".into(),
            wrapped: to_gp.clone(),
            expected_scope: Scope::Intake,
            expected_epoch: 0,
        },
        WrappedVector {
            description: "notities@1 for the owner itself".into(),
            recipient: "owner".into(),
            wrapped: to_owner,
            expected_scope: Scope::Notities,
            expected_epoch: 1,
        },
    ];

    // A share link with the questionnaire and the coach's note.
    let link = ShareLink::generate(
        LinkOptions {
            expires: CREATED + 14 * 86_400,
            passcode_required: true,
            max_uses: Some(5),
            label: "Voor dr. De Vries (POH-GGZ)".into(),
        },
        &mut rng,
    )
    .expect("link");
    let opened_q = w.open("owner", &sealed[0]).expect("open");
    let opened_note = w.open("owner", &appended).expect("open");
    let selection = SharedSelection {
        owner: w.owner.public(),
        created: CREATED + 3_600,
        items: vec![opened_q.clone(), opened_note.clone()],
    };
    let sealed_selection = link.seal(&selection, &mut rng).expect("seal");
    let url = link.url(SERVER).to_string();
    let fragment_bytes = b64::decode(url.split_once("#rzl1.").expect("fragment").1).expect("b64");
    let share_link = ShareLinkVector {
        server: SERVER.into(),
        url: url.clone(),
        link_id: link.id(),
        link_key: fragment_bytes[34..66].try_into().expect("key bytes"),
        expires: link.expires(),
        passcode_required: link.passcode_required(),
        max_uses: link.max_uses(),
        label: link.label().into(),
        selection: vec!["0".into(), "append".into()],
        sealed_selection: sealed_selection.clone(),
    };

    let negative = negatives(
        &w, &mut rng, &sealed, &appended, &to_gp, &link, &selection, &url,
    );
    Vectors {
        about: "Rugzak items, batch authorship, scope keys, append and share links; see \
                spec/parts/items.md. age output is randomized: these ciphertexts were produced \
                once, deterministic values are recomputed by crypto/tests/vectors_items.rs."
            .into(),
        merkle_rfc6962: ct_merkle(),
        parties,
        scope_keys,
        batch,
        append,
        wrapped_scope_keys,
        share_link,
        readers: World::reader_descriptions(),
        negative,
    }
}

#[allow(
    clippy::too_many_arguments,
    reason = "one call site, building the negative vectors"
)]
fn negatives(
    w: &World,
    rng: &mut StdRng,
    sealed: &[SealedItem],
    appended: &SealedItem,
    to_gp: &WrappedScopeKey,
    link: &ShareLink,
    selection: &SharedSelection,
    url: &str,
) -> Negative {
    let vault = w.vault();
    let mut items = Vec::new();
    let mut item = |description: &str, reader: &str, sealed: SealedItem| {
        let error = err(w.open(reader, &sealed));
        items.push(NegativeItem {
            description: description.into(),
            reader: reader.into(),
            sealed,
            error,
        });
    };
    let q = &sealed[0];
    let notities = &sealed[2];
    let mut tampered = q.clone();
    tampered.ciphertext = flip_last_byte(&q.ciphertext);
    item("last ciphertext byte flipped", "owner", tampered);
    item(
        "wrong scope key: another vault's key of the same scope and epoch",
        "foreign-keys",
        q.clone(),
    );
    item(
        "old epoch key (revoked at notities@0) vs an item sealed at notities@1",
        "revoked",
        notities.clone(),
    );
    let mut relabelled_epoch = notities.clone();
    relabelled_epoch.sealing = Sealing::ScopeKey { epoch: 0 };
    item(
        "notities@1 item relabelled as epoch 0",
        "revoked",
        relabelled_epoch,
    );
    let mut relabelled_id = q.clone();
    relabelled_id.id = ItemId::from_bytes([9; 16]);
    item("stored under another item id", "owner", relabelled_id);
    let mut relabelled_scope = q.clone();
    relabelled_scope.scope = Scope::Intake;
    item("stored under another scope", "owner", relabelled_scope);
    item("a read grantee without the scope's key", "gp", q.clone());

    let opened = w.open("owner", q).expect("open");
    let mut forged = opened.clone();
    forged.attestation = sign_batch(&w.forger, vault, &[opened.envelope.digest()])
        .expect("sign")
        .remove(0);
    item(
        "envelope names the owner, batch signed by another author",
        "owner",
        reseal_in_scope(&forged, &w.owner_keys, rng).expect("reseal"),
    );
    let mut bad_path = opened.clone();
    bad_path.attestation.path[0] = Digest::from_bytes([0x42; 32]);
    item(
        "attestation path tampered",
        "owner",
        reseal_in_scope(&bad_path, &w.owner_keys, rng).expect("reseal"),
    );
    let mut bad_index = opened.clone();
    bad_index.attestation.index = 1;
    item(
        "attestation index changed",
        "owner",
        reseal_in_scope(&bad_index, &w.owner_keys, rng).expect("reseal"),
    );
    item(
        "item moved to another vault (re-sealed under that vault's key)",
        "stranger",
        reseal_in_scope(&opened, &w.stranger_keys, rng).expect("reseal"),
    );
    item(
        "appended item opened by a stranger's identity",
        "stranger",
        appended.clone(),
    );
    item(
        "appended item without the key of its epoch nor an identity",
        "revoked",
        appended.clone(),
    );

    let mut wrapped = Vec::new();
    let mut wrap = |description: &str, opener: &str, value: WrappedScopeKey| {
        let error = err(value.open(w.party(opener), &w.owner.public()));
        wrapped.push(NegativeWrapped {
            description: description.into(),
            opener: opener.into(),
            wrapped: value,
            error,
        });
    };
    wrap(
        "opened by a party it is not wrapped for",
        "coach",
        to_gp.clone(),
    );
    let mut epoch = to_gp.clone();
    epoch.epoch = 1;
    wrap(
        "epoch relabelled without the vault's signature",
        "gp",
        epoch,
    );
    let mut scope = to_gp.clone();
    scope.scope = Scope::Notities;
    wrap(
        "scope relabelled without the vault's signature",
        "gp",
        scope,
    );
    let mut forged_key = ScopeKey::from_bytes(Scope::Intake, 0, [7; 32])
        .wrap(&w.stranger, &w.gp.public())
        .expect("wrap");
    forged_key.vault = vault;
    wrap(
        "a key of someone else's choosing, signed by that someone",
        "gp",
        forged_key,
    );
    let mut flipped = to_gp.clone();
    flipped.ciphertext = flip_last_byte(&to_gp.ciphertext);
    wrap("ciphertext byte flipped", "gp", flipped);

    let fragment = url.split_once('#').expect("fragment").1;
    let data = fragment.strip_prefix("rzl1.").expect("prefix");
    let share_link_urls = [
        ("fragment cut off", format!("{SERVER}/open")),
        ("another path", format!("{SERVER}/elders#{fragment}")),
        ("another prefix", format!("{SERVER}/open#shlink:/{data}")),
        ("a future version", format!("{SERVER}/open#rzl2.{data}")),
        ("not base64url", format!("{SERVER}/open#rzl1.{data}*")),
        (
            "truncated payload",
            format!("{SERVER}/open#rzl1.{}", &data[..data.len() - 8]),
        ),
        ("trailing bytes", format!("{SERVER}/open#rzl1.{data}AAAA")),
    ]
    .into_iter()
    .map(|(description, url)| NegativeUrl {
        description: description.into(),
        error: err(ShareLink::parse_url(&url)),
        url,
    })
    .collect();

    let mut edited = selection.clone();
    edited.items[1].envelope.body = b"Intake: aangepast door de ontvanger.".to_vec();
    let other_link = ShareLink::generate(
        LinkOptions {
            expires: CREATED,
            passcode_required: false,
            max_uses: None,
            label: String::new(),
        },
        rng,
    )
    .expect("link");
    let sealed_selection = link.seal(selection, rng).expect("seal");
    let share_link_blobs = [
        ("last byte flipped", flip_last_byte(&sealed_selection)),
        (
            "sealed under another link's key",
            other_link.seal(selection, rng).expect("seal"),
        ),
        (
            "an item edited after attestation",
            link.seal(&edited, rng).expect("seal"),
        ),
    ]
    .into_iter()
    .map(|(description, sealed)| NegativeBlob {
        description: description.into(),
        error: err(link.open(&sealed)),
        sealed,
    })
    .collect();

    Negative {
        items,
        wrapped_scope_keys: wrapped,
        share_link_urls,
        share_link_blobs,
    }
}

// ---------------------------------------------------------------------------------------------
// Checks.

fn load() -> Vectors {
    let path = vector_file::path(FILE);
    if std::env::var_os("RUGZAK_REGENERATE_VECTORS").is_some() {
        let json = serde_json::to_string_pretty(&generate()).expect("json");
        std::fs::write(&path, json + "\n").expect("write vectors");
    }
    let text = std::fs::read_to_string(&path).expect("read spec/vectors/items.json");
    serde_json::from_str(&text).expect("parse vectors")
}

fn digest_hex(text: &str) -> Digest {
    Digest::from_bytes(unhex(text).try_into().expect("32 bytes"))
}

#[test]
fn merkle_tree_matches_certificate_transparency_vectors() {
    let m = load().merkle_rfc6962;
    let leaves: Vec<Digest> = m.leaves_hex.iter().map(|l| leaf_hash(&unhex(l))).collect();
    for (n, root) in (1..=leaves.len()).zip(&m.roots_hex) {
        let tree = MerkleTree::from_leaf_hashes(leaves[..n].to_vec()).expect("tree");
        assert_eq!(hex(tree.root().as_bytes()), *root, "root of {n} leaves");
    }
    for p in &m.paths {
        let count = usize::try_from(p.count).expect("small");
        let index = usize::try_from(p.index).expect("small");
        let tree = MerkleTree::from_leaf_hashes(leaves[..count].to_vec()).expect("tree");
        let path = tree.audit_path(index).expect("in range");
        let expected: Vec<Digest> = p.path_hex.iter().map(|h| digest_hex(h)).collect();
        assert_eq!(path, expected, "path of leaf {index} in {count}");
        assert_eq!(
            root_from_audit_path(&leaves[index], p.index, p.count, &expected),
            Some(digest_hex(&m.roots_hex[count - 1]))
        );
    }
}

#[test]
fn batch_digests_tree_statement_and_signature_are_reproduced() {
    let v = load();
    let w = World::from_vectors(&v);
    let b = &v.batch;
    assert_eq!(
        b64::encode(canonical("rugzak/v1/item", &b.envelopes[0])),
        b.envelope_canonical_0
    );
    let digests: Vec<Digest> = b.envelopes.iter().map(Envelope::digest).collect();
    assert_eq!(digests, b.item_digests);
    let leaves: Vec<Digest> = digests.iter().map(|d| leaf_hash(d.as_bytes())).collect();
    assert_eq!(leaves, b.leaf_hashes);
    let root = MerkleTree::from_leaf_hashes(leaves).expect("tree").root();
    assert_eq!(root, b.statement.root);
    assert_eq!(b.statement.vault, w.vault());
    assert_eq!(b.statement.author, w.owner.public());
    assert_eq!(
        b64::encode(canonical(DOMAIN_BATCH, &b.statement)),
        b.statement_canonical
    );
    assert_eq!(w.owner.sign(DOMAIN_BATCH, &b.statement), b.signature);
    assert_eq!(
        sign_batch(&w.owner, w.vault(), &digests).expect("sign"),
        b.attestations
    );
}

#[test]
fn sealed_items_open_to_the_stored_envelopes() {
    let v = load();
    let w = World::from_vectors(&v);
    for ((sealed, envelope), attestation) in v
        .batch
        .sealed
        .iter()
        .zip(&v.batch.envelopes)
        .zip(&v.batch.attestations)
    {
        let opened = w.open("owner", sealed).expect("owner opens");
        assert_eq!(&opened.envelope, envelope);
        assert_eq!(&opened.attestation, attestation);
        let epoch = w.owner_keys.current(envelope.scope).expect("key").epoch();
        assert_eq!(sealed.sealing, Sealing::ScopeKey { epoch });
    }
    assert_eq!(v.append.sealed.sealing, Sealing::AppendKey { epoch: 0 });
    assert_eq!(
        w.owner_keys
            .get(Scope::Intake, 0)
            .expect("key")
            .append_public(),
        v.append.append_key,
        "the append key derives from the scope key"
    );
    // The owner, a reader of intake@0 (the gp) and the author open it.
    for reader in ["owner", "gp", "coach"] {
        let opened = w.open(reader, &v.append.sealed).expect("append opens");
        assert_eq!(opened.envelope, v.append.envelope);
        assert_eq!(opened.attestation, v.append.attestation);
        assert_eq!(opened.grant.as_ref(), Some(&v.append.grant));
        assert_eq!(opened.consent(&w.owner.public()), Ok(&v.append.grant));
    }
}

#[test]
fn wrapped_scope_keys_open_for_their_recipients() {
    let v = load();
    let w = World::from_vectors(&v);
    for case in &v.wrapped_scope_keys {
        let key = case
            .wrapped
            .open(w.party(&case.recipient), &w.owner.public())
            .expect(&case.description);
        let held = w
            .owner_keys
            .get(case.expected_scope, case.expected_epoch)
            .expect("held");
        assert_eq!(&key, held, "{}", case.description);
        assert_eq!(
            case.wrapped.append_key,
            held.append_public(),
            "{}",
            case.description
        );
    }
}

#[test]
fn share_link_url_and_sealed_selection_are_reproduced() {
    let v = load();
    let w = World::from_vectors(&v);
    let s = &v.share_link;
    let parsed = ShareLink::parse_url(&s.url).expect("parse");
    assert_eq!(parsed.server, s.server);
    let link = parsed.link;
    assert_eq!(link.id(), s.link_id);
    assert_eq!(link.expires(), s.expires);
    assert_eq!(link.passcode_required(), s.passcode_required);
    assert_eq!(link.max_uses(), s.max_uses);
    assert_eq!(link.label(), s.label);
    assert_eq!(
        *link.url(&s.server),
        s.url,
        "the URL encoding is deterministic"
    );
    // postcard byte strings carry a varint length: payload = 0x20 id(32) 0x20 key(32) ...
    let payload = b64::decode(s.url.split_once("#rzl1.").expect("fragment").1).expect("b64");
    assert_eq!((payload[0], payload[33]), (32, 32));
    assert_eq!(payload[1..33], *s.link_id.as_bytes());
    assert_eq!(payload[34..66], s.link_key);

    let selection = link.open(&s.sealed_selection).expect("open");
    assert_eq!(selection.owner, w.owner.public());
    let expected: Vec<&Envelope> = s
        .selection
        .iter()
        .map(|which| match which.as_str() {
            "append" => &v.append.envelope,
            index => &v.batch.envelopes[index.parse::<usize>().expect("index")],
        })
        .collect();
    let got: Vec<&Envelope> = selection.items.iter().map(|i| &i.envelope).collect();
    assert_eq!(got, expected);
}

#[test]
fn negative_vectors_fail_with_the_stored_error() {
    let v = load();
    let w = World::from_vectors(&v);
    assert!(!v.negative.items.is_empty());
    for case in &v.negative.items {
        assert_eq!(
            err(w.open(&case.reader, &case.sealed)),
            case.error,
            "{}",
            case.description
        );
    }
    for case in &v.negative.wrapped_scope_keys {
        assert_eq!(
            err(case.wrapped.open(w.party(&case.opener), &w.owner.public())),
            case.error,
            "{}",
            case.description
        );
    }
    for case in &v.negative.share_link_urls {
        assert_eq!(
            err(ShareLink::parse_url(&case.url)),
            case.error,
            "{}",
            case.description
        );
    }
    let link = ShareLink::parse_url(&v.share_link.url).expect("parse").link;
    for case in &v.negative.share_link_blobs {
        assert_eq!(
            err(link.open(&case.sealed)),
            case.error,
            "{}",
            case.description
        );
    }
}
