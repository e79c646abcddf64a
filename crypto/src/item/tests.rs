use super::*;
use crate::batch::VerifyAuthorshipError;
use crate::scope::Scope;
use proptest::prelude::*;
use rand_core::OsRng;

struct Vault {
    owner: Identity,
    keys: ScopeKeyring,
}

impl Vault {
    fn new() -> Self {
        Self {
            owner: Identity::generate(&mut OsRng),
            keys: ScopeKeyring::generate(&mut OsRng),
        }
    }

    fn id(&self) -> VaultId {
        self.owner.public().vault_id()
    }

    fn reader(&self) -> ItemReader<'_> {
        ItemReader::new(self.id(), &self.keys).with_identity(&self.owner)
    }
}

fn envelope(vault: VaultId, author: &Identity, scope: Scope, body: &[u8]) -> Envelope {
    Envelope {
        id: ItemId::random(&mut OsRng),
        vault,
        scope,
        kind: ItemKind::Note,
        author: author.public(),
        created: 1_767_225_600,
        body: body.to_vec(),
    }
}

fn only_key(ring: &ScopeKeyring, scope: Scope, epoch: u32) -> ScopeKeyring {
    let mut only = ScopeKeyring::new();
    only.insert(ring.get(scope, epoch).expect("held").clone())
        .expect("insert");
    only
}

#[test]
fn owner_seals_a_batch_across_scopes_and_opens_every_item() {
    let v = Vault::new();
    let envelopes: Vec<Envelope> = Scope::ALL
        .iter()
        .map(|s| envelope(v.id(), &v.owner, *s, s.as_str().as_bytes()))
        .collect();
    let sealed = seal_batch(&v.owner, &envelopes, &v.keys, &mut OsRng).expect("seal");
    let mut reader = v.reader();
    for (env, item) in envelopes.iter().zip(&sealed) {
        assert_eq!(item.id, env.id);
        assert_eq!(item.scope, env.scope);
        assert_eq!(item.sealing, Sealing::ScopeKey { epoch: 0 });
        let opened = reader.open(item).expect("open");
        assert_eq!(&opened.envelope, env);
        assert_eq!(opened.attestation.count, 6);
    }
}

#[test]
fn batch_of_one_is_self_verifying() {
    let v = Vault::new();
    let env = envelope(v.id(), &v.owner, Scope::Notities, b"alleen");
    let sealed =
        seal_batch(&v.owner, std::slice::from_ref(&env), &v.keys, &mut OsRng).expect("seal");
    let opened = v.reader().open(&sealed[0]).expect("open");
    assert_eq!(opened.envelope, env);
    assert!(opened.attestation.path.is_empty());
    assert_eq!(
        opened.attestation.root,
        crate::batch::leaf_hash(env.digest().as_bytes())
    );
}

#[test]
fn grantee_opens_only_the_scopes_it_holds_keys_for() {
    let v = Vault::new();
    let intake = envelope(v.id(), &v.owner, Scope::Intake, b"intake");
    let notes = envelope(v.id(), &v.owner, Scope::Notities, b"prive");
    let sealed = seal_batch(&v.owner, &[intake.clone(), notes], &v.keys, &mut OsRng).expect("seal");
    let grantee_keys = only_key(&v.keys, Scope::Intake, 0);
    let mut reader = ItemReader::new(v.id(), &grantee_keys);
    assert_eq!(reader.open(&sealed[0]).expect("open").envelope, intake);
    assert_eq!(
        reader.open(&sealed[1]),
        Err(OpenItemError::NoScopeKey {
            scope: Scope::Notities,
            epoch: 0
        })
    );
}

#[test]
fn old_epoch_key_cannot_open_an_item_sealed_after_rotation() {
    let mut v = Vault::new();
    let revoked_keys = only_key(&v.keys, Scope::Vragenlijsten, 0);
    v.keys
        .rotate(Scope::Vragenlijsten, &mut OsRng)
        .expect("rotate");
    let env = envelope(v.id(), &v.owner, Scope::Vragenlijsten, b"na intrekking");
    let sealed = seal_batch(&v.owner, &[env], &v.keys, &mut OsRng)
        .expect("seal")
        .remove(0);
    assert_eq!(sealed.sealing, Sealing::ScopeKey { epoch: 1 });
    let mut revoked = ItemReader::new(v.id(), &revoked_keys);
    assert_eq!(
        revoked.open(&sealed),
        Err(OpenItemError::NoScopeKey {
            scope: Scope::Vragenlijsten,
            epoch: 1
        })
    );
    // Relabelling the item as epoch 0 does not help: the stanza names epoch 1.
    let mut relabelled = sealed.clone();
    relabelled.sealing = Sealing::ScopeKey { epoch: 0 };
    assert_eq!(revoked.open(&relabelled), Err(OpenItemError::Decrypt));
    // The owner still opens both epochs.
    v.reader().open(&sealed).expect("owner opens epoch 1");
}

#[test]
fn key_of_another_vault_fails_cleanly() {
    let v = Vault::new();
    let other = Vault::new();
    let env = envelope(v.id(), &v.owner, Scope::Intake, b"intake");
    let sealed = seal_batch(&v.owner, &[env], &v.keys, &mut OsRng).expect("seal");
    let mut reader = ItemReader::new(v.id(), &other.keys);
    assert_eq!(reader.open(&sealed[0]), Err(OpenItemError::Decrypt));
}

#[test]
fn relabelled_id_or_scope_is_detected() {
    let v = Vault::new();
    let env = envelope(v.id(), &v.owner, Scope::Notities, b"notitie");
    let sealed = seal_batch(&v.owner, std::slice::from_ref(&env), &v.keys, &mut OsRng)
        .expect("seal")
        .remove(0);

    let mut other_id = sealed.clone();
    other_id.id = ItemId::random(&mut OsRng);
    assert_eq!(v.reader().open(&other_id), Err(OpenItemError::Mismatch));

    // Stored under another scope: that scope's key does not match the stanza.
    let mut other_scope = sealed.clone();
    other_scope.scope = Scope::Intake;
    assert_eq!(v.reader().open(&other_scope), Err(OpenItemError::Decrypt));

    // Someone holding both scope keys re-seals it under the other scope: the envelope says no.
    let opened = v.reader().open(&sealed).expect("open");
    let intake_key = v.keys.current(Scope::Intake).expect("key");
    let mut moved = seal_under(
        intake_key,
        &opened.envelope,
        &opened.attestation,
        &mut OsRng,
    )
    .expect("seal");
    moved.scope = Scope::Intake;
    assert_eq!(v.reader().open(&moved), Err(OpenItemError::Mismatch));
}

#[test]
fn item_moved_to_another_vault_is_rejected() {
    let a = Vault::new();
    let b = Vault::new();
    let env = envelope(a.id(), &a.owner, Scope::Intake, b"van vault A");
    let sealed = seal_batch(&a.owner, &[env], &a.keys, &mut OsRng).expect("seal");
    // A party holding keys of both vaults re-seals A's item under B's key.
    let opened = a.reader().open(&sealed[0]).expect("open");
    let b_key = b.keys.current(Scope::Intake).expect("key");
    let moved = seal_under(b_key, &opened.envelope, &opened.attestation, &mut OsRng).expect("seal");
    assert_eq!(b.reader().open(&moved), Err(OpenItemError::WrongVault));
}

#[test]
fn attestation_by_another_author_is_rejected() {
    let v = Vault::new();
    let forger = Identity::generate(&mut OsRng);
    // The envelope claims the owner wrote it; the batch is signed by the forger.
    let env = envelope(v.id(), &v.owner, Scope::Notities, b"vervalst");
    let attestation = sign_batch(&forger, v.id(), &[env.digest()])
        .expect("sign")
        .remove(0);
    let key = v.keys.current(Scope::Notities).expect("key");
    let sealed = seal_under(key, &env, &attestation, &mut OsRng).expect("seal");
    assert_eq!(
        v.reader().open(&sealed),
        Err(OpenItemError::Authorship(
            VerifyAuthorshipError::BadSignature
        ))
    );
}

#[test]
fn tampered_attestation_path_or_envelope_is_rejected() {
    let v = Vault::new();
    let envelopes: Vec<Envelope> = (0..4u8)
        .map(|i| envelope(v.id(), &v.owner, Scope::Notities, &[i]))
        .collect();
    let sealed = seal_batch(&v.owner, &envelopes, &v.keys, &mut OsRng).expect("seal");
    let opened = v.reader().open(&sealed[0]).expect("open");
    let key = v.keys.current(Scope::Notities).expect("key");

    let mut bad_path = opened.attestation.clone();
    bad_path.path[0] = bad_path.path[1];
    let sealed_bad = seal_under(key, &opened.envelope, &bad_path, &mut OsRng).expect("seal");
    assert_eq!(
        v.reader().open(&sealed_bad),
        Err(OpenItemError::Authorship(
            VerifyAuthorshipError::PathMismatch
        ))
    );

    let mut changed = opened.envelope.clone();
    changed.body = b"anders".to_vec();
    let sealed_changed = seal_under(key, &changed, &opened.attestation, &mut OsRng).expect("seal");
    assert_eq!(
        v.reader().open(&sealed_changed),
        Err(OpenItemError::Authorship(
            VerifyAuthorshipError::PathMismatch
        ))
    );
}

#[test]
fn appended_item_opens_for_owner_and_author_only() {
    let v = Vault::new();
    let coach = Identity::generate(&mut OsRng);
    let mut env = envelope(v.id(), &coach, Scope::Intake, b"intakegesprek");
    env.kind = ItemKind::IntakeNote;
    let sealed = seal_append_batch(&coach, &v.owner.public(), std::slice::from_ref(&env))
        .expect("append")
        .remove(0);
    assert_eq!(sealed.sealing, Sealing::Append);
    assert_eq!(sealed.scope, Scope::Intake);

    let opened = v.reader().open(&sealed).expect("owner opens");
    assert_eq!(opened.envelope, env);
    assert_eq!(opened.envelope.author, coach.public());

    let no_keys = ScopeKeyring::new();
    let mut author = ItemReader::new(v.id(), &no_keys).with_identity(&coach);
    assert_eq!(author.open(&sealed).expect("author opens").envelope, env);

    let stranger = Identity::generate(&mut OsRng);
    let mut other = ItemReader::new(v.id(), &no_keys).with_identity(&stranger);
    assert_eq!(other.open(&sealed), Err(OpenItemError::Decrypt));
    assert_eq!(
        ItemReader::new(v.id(), &v.keys).open(&sealed),
        Err(OpenItemError::NoIdentity)
    );
}

#[test]
fn appending_to_another_vault_is_refused() {
    let v = Vault::new();
    let coach = Identity::generate(&mut OsRng);
    let env = envelope(VaultId::random(&mut OsRng), &coach, Scope::Intake, b"x");
    assert_eq!(
        seal_append_batch(&coach, &v.owner.public(), &[env]),
        Err(SealItemError::WrongVault)
    );
}

#[test]
fn owner_reseals_an_appended_item_for_read_grantees_keeping_its_authorship() {
    let v = Vault::new();
    let coach = Identity::generate(&mut OsRng);
    let env = envelope(v.id(), &coach, Scope::Intake, b"intake");
    let appended = seal_append_batch(&coach, &v.owner.public(), std::slice::from_ref(&env))
        .expect("append")
        .remove(0);
    let opened = v.reader().open(&appended).expect("open");
    let filed = reseal_in_scope(&opened, &v.keys, &mut OsRng).expect("reseal");
    assert_eq!(filed.sealing, Sealing::ScopeKey { epoch: 0 });
    let gp_keys = only_key(&v.keys, Scope::Intake, 0);
    let seen = ItemReader::new(v.id(), &gp_keys)
        .open(&filed)
        .expect("gp opens");
    assert_eq!(seen.envelope, env);
    assert_eq!(seen.envelope.author, coach.public());
}

#[test]
fn sealing_refuses_empty_mixed_foreign_or_keyless_batches() {
    let v = Vault::new();
    let other_author = Identity::generate(&mut OsRng);
    let seal =
        |envs: &[Envelope], keys: &ScopeKeyring| seal_batch(&v.owner, envs, keys, &mut OsRng);
    assert_eq!(seal(&[], &v.keys), Err(SealItemError::Empty));
    let mixed = [
        envelope(v.id(), &v.owner, Scope::Notities, b"a"),
        envelope(VaultId::random(&mut OsRng), &v.owner, Scope::Notities, b"b"),
    ];
    assert_eq!(seal(&mixed, &v.keys), Err(SealItemError::MixedVaults));
    let foreign = [envelope(v.id(), &other_author, Scope::Notities, b"a")];
    assert_eq!(seal(&foreign, &v.keys), Err(SealItemError::NotAuthor));
    let mine = [envelope(v.id(), &v.owner, Scope::Notities, b"a")];
    assert_eq!(
        seal(&mine, &ScopeKeyring::new()),
        Err(SealItemError::NoScopeKey(Scope::Notities))
    );
}

#[test]
fn garbage_and_foreign_plaintexts_are_malformed() {
    let v = Vault::new();
    let key = v.keys.current(Scope::Notities).expect("key");
    let mut sealed = SealedItem {
        id: ItemId::random(&mut OsRng),
        scope: Scope::Notities,
        sealing: Sealing::ScopeKey { epoch: 0 },
        ciphertext: b"not an age file".to_vec(),
    };
    assert_eq!(v.reader().open(&sealed), Err(OpenItemError::Malformed));
    sealed.ciphertext =
        stanza::encrypt(&key.stanza(), &mut OsRng, b"rugzak/v1/item-plaintext\0junk").expect("enc");
    assert_eq!(v.reader().open(&sealed), Err(OpenItemError::Malformed));
}

#[test]
fn debug_output_never_shows_the_body() {
    let v = Vault::new();
    let env = envelope(v.id(), &v.owner, Scope::Notities, b"geheime notitie");
    let sealed =
        seal_batch(&v.owner, std::slice::from_ref(&env), &v.keys, &mut OsRng).expect("seal");
    let opened = v.reader().open(&sealed[0]).expect("open");
    let text = format!("{env:?} {opened:?} {:?}", sealed[0]);
    assert!(!text.contains("geheime"));
    assert!(!text.contains(&crate::encoding::b64::encode(b"geheime notitie")));
    assert!(text.contains("body_len"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn items_round_trip_and_any_flipped_ciphertext_bit_is_rejected(
        body in proptest::collection::vec(any::<u8>(), 0..2048),
        append in any::<bool>(),
        bit in any::<prop::sample::Index>(),
    ) {
        let v = Vault::new();
        let env = envelope(v.id(), &v.owner, Scope::Vragenlijsten, &body);
        let mut sealed = if append {
            seal_append_batch(&v.owner, &v.owner.public(), std::slice::from_ref(&env))
        } else {
            seal_batch(&v.owner, std::slice::from_ref(&env), &v.keys, &mut OsRng)
        }
        .expect("seal")
        .remove(0);
        prop_assert_eq!(v.reader().open(&sealed).expect("open").envelope, env);
        let bit = bit.index(sealed.ciphertext.len() * 8);
        sealed.ciphertext[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(v.reader().open(&sealed).is_err());
    }
}
