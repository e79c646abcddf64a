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

const CREATED: UnixTime = 1_767_225_600;

fn grant_to(v: &Vault, grantee: &Identity, permissions: &[(Scope, Mode)]) -> SignedGrant {
    crate::test_support::grant_to(&v.owner, grantee, permissions, CREATED)
}

fn append_keys(v: &Vault) -> Vec<AppendKey> {
    crate::test_support::append_keys(&v.owner, &v.keys)
}

#[test]
fn appended_item_opens_for_readers_of_its_epoch_and_its_author_only() {
    let v = Vault::new();
    let coach = Identity::generate(&mut OsRng);
    let grant = grant_to(&v, &coach, &[(Scope::Intake, Mode::Append)]);
    let mut env = envelope(v.id(), &coach, Scope::Intake, b"intakegesprek");
    env.kind = ItemKind::IntakeNote;
    let sealed = seal_append_batch(&coach, &grant, &append_keys(&v), std::slice::from_ref(&env))
        .expect("append")
        .remove(0);
    assert_eq!(sealed.sealing, Sealing::AppendKey { epoch: 0 });
    assert_eq!(sealed.scope, Scope::Intake);

    let opened = v.reader().open(&sealed).expect("owner opens");
    assert_eq!(opened.envelope, env);
    assert_eq!(opened.grant.as_ref(), Some(&grant));
    assert_eq!(opened.consent(&v.owner.public()), Ok(&grant));

    // A reader of intake at epoch 0 (a GP) opens it without the owner, and sees the grant.
    let gp_keys = only_key(&v.keys, Scope::Intake, 0);
    let seen = ItemReader::new(v.id(), &gp_keys)
        .open(&sealed)
        .expect("gp opens");
    assert_eq!(seen.envelope, env);
    assert_eq!(seen.consent(&v.owner.public()), Ok(&grant));

    let no_keys = ScopeKeyring::new();
    let mut author = ItemReader::new(v.id(), &no_keys).with_identity(&coach);
    assert_eq!(author.open(&sealed).expect("author opens").envelope, env);

    // Another scope's key, a later epoch's key, a stranger: nothing opens.
    let other_scope = only_key(&v.keys, Scope::Notities, 0);
    assert_eq!(
        ItemReader::new(v.id(), &other_scope).open(&sealed),
        Err(OpenItemError::NoScopeKey {
            scope: Scope::Intake,
            epoch: 0
        })
    );
    let mut later = v.keys.clone();
    later.rotate(Scope::Intake, &mut OsRng).expect("rotate");
    let later_only = only_key(&later, Scope::Intake, 1);
    assert!(ItemReader::new(v.id(), &later_only).open(&sealed).is_err());
    let stranger = Identity::generate(&mut OsRng);
    let mut other = ItemReader::new(v.id(), &no_keys).with_identity(&stranger);
    assert_eq!(other.open(&sealed), Err(OpenItemError::Decrypt));
}

#[test]
fn an_appended_item_is_sealed_to_the_newest_epoch_given() {
    let mut v = Vault::new();
    let coach = Identity::generate(&mut OsRng);
    let grant = grant_to(&v, &coach, &[(Scope::Terugkoppeling, Mode::Append)]);
    let old_keys = append_keys(&v);
    v.keys
        .rotate(Scope::Terugkoppeling, &mut OsRng)
        .expect("rotate");
    let mut keys = old_keys;
    keys.extend(append_keys(&v));
    let env = envelope(v.id(), &coach, Scope::Terugkoppeling, b"terugkoppeling");
    let sealed = seal_append_batch(&coach, &grant, &keys, &[env]).expect("append");
    assert_eq!(sealed[0].sealing, Sealing::AppendKey { epoch: 1 });
    // The holder of epoch 0 only (revoked before the rotation) cannot open it.
    let revoked = only_key(&v.keys, Scope::Terugkoppeling, 0);
    assert!(ItemReader::new(v.id(), &revoked).open(&sealed[0]).is_err());
}

#[test]
fn appending_outside_the_grant_or_without_a_key_is_refused() {
    let v = Vault::new();
    let coach = Identity::generate(&mut OsRng);
    let grant = grant_to(
        &v,
        &coach,
        &[
            (Scope::Intake, Mode::Append),
            (Scope::Verwijzing, Mode::Read),
        ],
    );
    let keys = append_keys(&v);
    let foreign = envelope(VaultId::random(&mut OsRng), &coach, Scope::Intake, b"x");
    assert_eq!(
        seal_append_batch(&coach, &grant, &keys, &[foreign]),
        Err(SealItemError::WrongVault)
    );
    let read_only = envelope(v.id(), &coach, Scope::Verwijzing, b"x");
    assert_eq!(
        seal_append_batch(&coach, &grant, &keys, &[read_only]),
        Err(SealItemError::NotGranted(Scope::Verwijzing))
    );
    let intake = envelope(v.id(), &coach, Scope::Intake, b"x");
    let not_intake: Vec<AppendKey> = keys
        .iter()
        .copied()
        .filter(|k| k.scope() != Scope::Intake)
        .collect();
    assert_eq!(
        seal_append_batch(&coach, &grant, &not_intake, std::slice::from_ref(&intake)),
        Err(SealItemError::NoAppendKey(Scope::Intake))
    );
    let someone_else = Identity::generate(&mut OsRng);
    let theirs = envelope(v.id(), &someone_else, Scope::Intake, b"x");
    assert_eq!(
        seal_append_batch(&someone_else, &grant, &keys, &[theirs]),
        Err(SealItemError::NotGrantee)
    );
}

#[test]
fn a_readers_consent_check_refuses_grants_that_do_not_cover_the_item() {
    let v = Vault::new();
    let coach = Identity::generate(&mut OsRng);
    let grant = grant_to(&v, &coach, &[(Scope::Intake, Mode::Append)]);
    let env = envelope(v.id(), &coach, Scope::Intake, b"intake");
    let sealed = seal_append_batch(&coach, &grant, &append_keys(&v), std::slice::from_ref(&env))
        .expect("append")
        .remove(0);
    let opened = v.reader().open(&sealed).expect("open");
    let owner = v.owner.public();
    assert_eq!(opened.consent(&owner), Ok(&grant));

    // Written before the grant began, or after it ended.
    let mut early = opened.clone();
    early.envelope.created = CREATED - 1;
    assert_eq!(
        early.consent(&owner),
        Err(ConsentError::NotPermitted(Scope::Intake))
    );
    let mut late = opened.clone();
    late.envelope.created = CREATED + 31 * 86_400;
    assert_eq!(
        late.consent(&owner),
        Err(ConsentError::NotPermitted(Scope::Intake))
    );
    // Filed under a scope the grant does not let it add to.
    let mut elsewhere = opened.clone();
    elsewhere.envelope.scope = Scope::Notities;
    assert_eq!(
        elsewhere.consent(&owner),
        Err(ConsentError::NotPermitted(Scope::Notities))
    );
    // Someone else's grant, a grant of another vault, no grant.
    let other = Identity::generate(&mut OsRng);
    let mut borrowed = opened.clone();
    borrowed.envelope.author = other.public();
    assert_eq!(borrowed.consent(&owner), Err(ConsentError::NotTheAuthors));
    let stranger_vault = Vault::new();
    assert_eq!(
        opened.consent(&stranger_vault.owner.public()),
        Err(ConsentError::BadGrant)
    );
    let mut none = opened;
    none.grant = None;
    assert_eq!(none.consent(&owner), Err(ConsentError::NoGrant));
}

#[test]
fn a_scope_sealed_plaintext_under_an_append_sealing_is_malformed() {
    // An appended item must carry its grant: the plain item form is refused there.
    let v = Vault::new();
    let env = envelope(v.id(), &v.owner, Scope::Intake, b"x");
    let attestation = attest(&v.owner, std::slice::from_ref(&env))
        .expect("attest")
        .remove(0);
    let key = append_keys(&v)
        .into_iter()
        .find(|k| k.scope() == Scope::Intake)
        .expect("intake key");
    let ciphertext = stanza::encrypt_to(
        &[&key.public().age_recipient()],
        &plaintext(&env, &attestation),
    )
    .expect("encrypt");
    let sealed = SealedItem {
        id: env.id,
        scope: Scope::Intake,
        sealing: Sealing::AppendKey { epoch: 0 },
        ciphertext,
    };
    assert_eq!(v.reader().open(&sealed), Err(OpenItemError::Malformed));
}

#[test]
fn owner_reseals_an_opened_item_for_read_grantees_keeping_its_authorship() {
    let v = Vault::new();
    let coach = Identity::generate(&mut OsRng);
    let env = envelope(v.id(), &coach, Scope::Intake, b"intake");
    let attestation = attest(&coach, std::slice::from_ref(&env))
        .expect("attest")
        .remove(0);
    let opened = OpenedItem {
        envelope: env.clone(),
        attestation,
        grant: None,
    };
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
        let coach = Identity::generate(&mut OsRng);
        let author = if append { &coach } else { &v.owner };
        let env = envelope(v.id(), author, Scope::Vragenlijsten, &body);
        let mut sealed = if append {
            let grant = grant_to(&v, &coach, &[(Scope::Vragenlijsten, Mode::Append)]);
            seal_append_batch(&coach, &grant, &append_keys(&v), std::slice::from_ref(&env))
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
