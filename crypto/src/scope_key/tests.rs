use super::*;
use proptest::prelude::*;
use rand_core::OsRng;

fn seal(key: &ScopeKey, plaintext: &[u8]) -> Vec<u8> {
    stanza::encrypt(&key.stanza(), &mut OsRng, plaintext).expect("encrypt")
}

fn open(key: &ScopeKey, ciphertext: &[u8]) -> Result<Vec<u8>, age::DecryptError> {
    stanza::decrypt(&key.stanza(), ciphertext).map(|pt| pt.to_vec())
}

/// The age header up to (not including) the MAC line, as text.
fn header(ciphertext: &[u8]) -> String {
    let text = String::from_utf8_lossy(ciphertext);
    text.split("\n---").next().expect("header").to_owned()
}

#[test]
fn scope_key_file_round_trips_and_names_scope_epoch_and_salt() {
    let key = ScopeKey::generate(Scope::Intake, &mut OsRng);
    let ct = seal(&key, b"intake: goed gesprek");
    assert_eq!(open(&key, &ct).expect("open"), b"intake: goed gesprek");
    let header = header(&ct);
    let stanza = header.lines().nth(1).expect("stanza line");
    let parts: Vec<&str> = stanza.split(' ').collect();
    assert_eq!(parts[..4], ["->", "rugzak-scope", "intake", "0"]);
    assert_eq!(parts[4].len(), 22, "16-byte salt in unpadded base64");
}

#[test]
fn damaged_or_truncated_headers_are_refused_not_misread() {
    let key = ScopeKey::generate(Scope::Notities, &mut OsRng);
    let file = seal(&key, b"\n--- looks like a MAC line\n");
    let mac_line = header(&file).len() + 1;
    let mac_line_end = mac_line
        + file[mac_line..]
            .iter()
            .position(|&b| b == b'\n')
            .expect("eol");
    // No MAC line at all: the header never ends.
    let without_mac = [&file[..mac_line], &file[mac_line_end + 1..]].concat();
    assert!(open(&key, &without_mac).is_err());
    // Cut anywhere inside the header.
    for cut in [0, 10, mac_line, mac_line_end] {
        assert!(open(&key, &file[..cut]).is_err(), "cut at {cut}");
    }
    // A second MAC-like line before the real one.
    let doubled = [&file[..mac_line], b"--- AAAA\n", &file[mac_line..]].concat();
    assert!(open(&key, &doubled).is_err());
    assert_eq!(
        open(&key, &file).expect("intact file opens"),
        b"\n--- looks like a MAC line\n"
    );
}

#[test]
fn every_file_gets_a_fresh_salt() {
    let key = ScopeKey::generate(Scope::Notities, &mut OsRng);
    assert_ne!(header(&seal(&key, b"x")), header(&seal(&key, b"x")));
}

#[test]
fn wrong_key_of_the_same_scope_and_epoch_fails_cleanly() {
    // E.g. the same scope and epoch of another vault.
    let key = ScopeKey::generate(Scope::Vragenlijsten, &mut OsRng);
    let other = ScopeKey::generate(Scope::Vragenlijsten, &mut OsRng);
    let ct = seal(&key, b"PHQ-9: 7");
    assert!(matches!(
        open(&other, &ct),
        Err(age::DecryptError::KeyDecryptionFailed)
    ));
}

#[test]
fn old_epoch_key_does_not_open_new_epoch_file_nor_the_other_way_round() {
    let old = ScopeKey::generate(Scope::Vragenlijsten, &mut OsRng);
    let new = old.rotate(&mut OsRng).expect("rotate");
    assert_eq!(new.epoch(), 1);
    assert_ne!(new.expose_bytes(), old.expose_bytes());
    let after = seal(&new, b"after revocation");
    let before = seal(&old, b"before revocation");
    assert!(matches!(
        open(&old, &after),
        Err(age::DecryptError::NoMatchingKeys)
    ));
    assert!(matches!(
        open(&new, &before),
        Err(age::DecryptError::NoMatchingKeys)
    ));
    // Same bytes claimed for another epoch still do not match the stanza.
    let relabelled = ScopeKey::from_bytes(Scope::Vragenlijsten, 1, *old.expose_bytes());
    assert!(open(&relabelled, &before).is_err());
}

#[test]
fn key_of_another_scope_does_not_open() {
    let key = ScopeKey::generate(Scope::Verwijzing, &mut OsRng);
    let same_bytes_other_scope = ScopeKey::from_bytes(Scope::Intake, 0, *key.expose_bytes());
    let ct = seal(&key, b"verwijzing");
    assert!(matches!(
        open(&same_bytes_other_scope, &ct),
        Err(age::DecryptError::NoMatchingKeys)
    ));
}

#[test]
fn keys_are_redacted_and_compare_by_value() {
    let key = ScopeKey::generate(Scope::Programmas, &mut OsRng);
    let text = format!("{key:?} {:?}", ScopeKeyring::generate(&mut OsRng));
    assert!(text.contains("redacted"));
    assert!(!text.contains(&crate::encoding::b64::encode(key.expose_bytes())));
    assert_eq!(key.clone(), key);
    assert_ne!(ScopeKey::generate(Scope::Programmas, &mut OsRng), key);
}

#[test]
fn keyring_tracks_current_epoch_and_refuses_conflicting_keys() {
    let mut ring = ScopeKeyring::generate(&mut OsRng);
    for scope in Scope::ALL {
        assert_eq!(ring.current(scope).expect("epoch 0").epoch(), 0);
    }
    let epoch1 = ring
        .rotate(Scope::Intake, &mut OsRng)
        .expect("rotate")
        .clone();
    assert_eq!(epoch1.epoch(), 1);
    assert_eq!(ring.current(Scope::Intake), Some(&epoch1));
    assert_eq!(ring.current(Scope::Notities).expect("key").epoch(), 0);
    assert!(ring.get(Scope::Intake, 0).is_some());

    // Idempotent insert, conflicting insert refused.
    ring.insert(epoch1.clone()).expect("same key again");
    let forged = ScopeKey::from_bytes(Scope::Intake, 1, [7; 32]);
    assert_eq!(
        ring.insert(forged),
        Err(KeyringConflict {
            scope: Scope::Intake,
            epoch: 1
        })
    );

    // A grantee's keyring may start at a later epoch.
    let mut grantee = ScopeKeyring::new();
    grantee.insert(epoch1.clone()).expect("insert");
    assert_eq!(grantee.current(Scope::Intake), Some(&epoch1));
    assert_eq!(grantee.get(Scope::Intake, 0), None);
    assert_eq!(
        grantee
            .rotate(Scope::Notities, &mut OsRng)
            .map(|k| k.epoch()),
        Err(RotateScopeKeyError::NoKey(Scope::Notities))
    );
    let last = ScopeKey::from_bytes(Scope::Intake, u32::MAX, [1; 32]);
    assert_eq!(
        last.rotate(&mut OsRng).map(|k| k.epoch()),
        Err(RotateScopeKeyError::EpochsExhausted(Scope::Intake))
    );
}

struct Parties {
    owner: Identity,
    grantee: Identity,
    key: ScopeKey,
}

fn parties() -> Parties {
    Parties {
        owner: Identity::generate(&mut OsRng),
        grantee: Identity::generate(&mut OsRng),
        key: ScopeKey::generate(Scope::Vragenlijsten, &mut OsRng),
    }
}

#[test]
fn wrapped_key_opens_for_owner_and_grantee() {
    let p = parties();
    let owner_keys = p.owner.public();
    for recipient in [&p.owner, &p.grantee] {
        let wrapped = p.key.wrap(&p.owner, &recipient.public()).expect("wrap");
        assert_eq!(wrapped.recipient, recipient.public().party_id());
        assert_eq!(wrapped.vault, owner_keys.vault_id());
        assert_eq!(wrapped.open(recipient, &owner_keys).expect("open"), p.key);
    }
}

#[test]
fn wrapped_key_rejects_another_recipient_vault_or_forger() {
    let p = parties();
    let owner_keys = p.owner.public();
    let wrapped = p.key.wrap(&p.owner, &p.grantee.public()).expect("wrap");
    let stranger = Identity::generate(&mut OsRng);
    assert_eq!(
        wrapped.open(&stranger, &owner_keys),
        Err(OpenScopeKeyError::NotForMe)
    );
    assert_eq!(
        wrapped.open(&p.grantee, &stranger.public()),
        Err(OpenScopeKeyError::WrongVault)
    );

    // A server (or anyone) wrapping a key of its own choosing cannot sign as the vault.
    let mut forged = ScopeKey::from_bytes(Scope::Vragenlijsten, 0, [9; 32])
        .wrap(&stranger, &p.grantee.public())
        .expect("wrap");
    forged.vault = owner_keys.vault_id();
    assert_eq!(
        forged.open(&p.grantee, &owner_keys),
        Err(OpenScopeKeyError::BadSignature)
    );

    // Relabelled epoch without a new signature.
    let mut relabelled = wrapped.clone();
    relabelled.epoch = 1;
    assert_eq!(
        relabelled.open(&p.grantee, &owner_keys),
        Err(OpenScopeKeyError::BadSignature)
    );
}

#[test]
fn wrapped_key_contents_must_match_labels_and_recipient() {
    let p = parties();
    let owner_keys = p.owner.public();
    let resign = |w: &mut WrappedScopeKey| {
        w.signature = p.owner.sign(DOMAIN_WRAPPED_SCOPE_KEY, &w.statement());
    };

    // Labels changed and re-signed (an owner bug): the plaintext still says epoch 0.
    let mut relabelled = p.key.wrap(&p.owner, &p.grantee.public()).expect("wrap");
    relabelled.epoch = 1;
    resign(&mut relabelled);
    assert_eq!(
        relabelled.open(&p.grantee, &owner_keys),
        Err(OpenScopeKeyError::Mismatch)
    );

    // Wrapped to the owner, labelled for the grantee: the grantee cannot decrypt.
    let mut misaddressed = p.key.wrap(&p.owner, &owner_keys).expect("wrap");
    misaddressed.recipient = p.grantee.public().party_id();
    resign(&mut misaddressed);
    assert_eq!(
        misaddressed.open(&p.grantee, &owner_keys),
        Err(OpenScopeKeyError::Decrypt)
    );

    // Something that is not a scope key plaintext.
    let mut garbage = p.key.wrap(&p.owner, &p.grantee.public()).expect("wrap");
    garbage.ciphertext =
        stanza::encrypt_to(&[&p.grantee.public().age_recipient()], b"not a key").expect("enc");
    resign(&mut garbage);
    assert_eq!(
        garbage.open(&p.grantee, &owner_keys),
        Err(OpenScopeKeyError::Malformed)
    );
}

#[test]
fn the_append_key_is_signed_derived_from_the_key_and_the_same_in_every_copy() {
    let p = parties();
    let owner_keys = p.owner.public();
    let to_owner = p.key.wrap(&p.owner, &owner_keys).expect("wrap");
    let to_grantee = p.key.wrap(&p.owner, &p.grantee.public()).expect("wrap");
    assert_eq!(to_owner.append_key, p.key.append_public());
    assert_eq!(to_grantee.append_key, to_owner.append_key);
    let checked = to_owner.append_key(&owner_keys).expect("signed");
    assert_eq!(
        (
            checked.vault(),
            checked.scope(),
            checked.epoch(),
            checked.public()
        ),
        (
            owner_keys.vault_id(),
            Scope::Vragenlijsten,
            0,
            p.key.append_public()
        )
    );
    // Each epoch has its own append key, unrelated to the agreement key.
    let next = p.key.rotate(&mut OsRng).expect("rotate");
    assert_ne!(next.append_public(), p.key.append_public());
    assert_ne!(p.key.append_public().0, owner_keys.agreement);

    // A server swapping in its own append key breaks the vault's signature.
    let server = Identity::generate(&mut OsRng);
    let mut swapped = to_owner.clone();
    swapped.append_key = AppendPublicKey(server.public().agreement);
    assert_eq!(
        swapped.append_key(&owner_keys),
        Err(OpenScopeKeyError::BadSignature)
    );
    assert_eq!(
        swapped.open(&p.owner, &owner_keys),
        Err(OpenScopeKeyError::BadSignature)
    );
    // A signed label that the key does not derive (an owner bug) does not open either.
    let mut mislabelled = to_grantee;
    mislabelled.append_key = AppendPublicKey(server.public().agreement);
    mislabelled.signature = p
        .owner
        .sign(DOMAIN_WRAPPED_SCOPE_KEY, &mislabelled.statement());
    assert_eq!(
        mislabelled.open(&p.grantee, &owner_keys),
        Err(OpenScopeKeyError::Mismatch)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_flipped_bit_of_a_scope_key_file_is_rejected(
        body in proptest::collection::vec(any::<u8>(), 0..300),
        bit in any::<prop::sample::Index>(),
    ) {
        let key = ScopeKey::generate(Scope::Intake, &mut OsRng);
        let mut ct = seal(&key, &body);
        prop_assert_eq!(open(&key, &ct).expect("round trip"), body);
        let bit = bit.index(ct.len() * 8);
        ct[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(open(&key, &ct).is_err());
    }

    #[test]
    fn any_flipped_bit_of_a_wrapped_key_is_rejected(
        bit in any::<prop::sample::Index>(),
        in_signature in any::<bool>(),
    ) {
        let p = parties();
        let mut wrapped = p.key.wrap(&p.owner, &p.grantee.public()).expect("wrap");
        if in_signature {
            let bit = bit.index(512);
            wrapped.signature.0[bit / 8] ^= 1 << (bit % 8);
        } else {
            let bit = bit.index(wrapped.ciphertext.len() * 8);
            wrapped.ciphertext[bit / 8] ^= 1 << (bit % 8);
        }
        prop_assert_eq!(
            wrapped.open(&p.grantee, &p.owner.public()),
            Err(OpenScopeKeyError::BadSignature)
        );
    }
}

#[test]
fn verify_checks_the_vault_signature_over_labels_and_ciphertext_without_opening() {
    let vault = Identity::generate(&mut OsRng);
    let gp = Identity::generate(&mut OsRng).public();
    let key = ScopeKey::generate(Scope::Intake, &mut OsRng)
        .wrap(&vault, &gp)
        .expect("wrap");
    assert_eq!(key.verify(&vault.public()), Ok(()));

    let other = Identity::generate(&mut OsRng).public();
    assert_eq!(key.verify(&other), Err(OpenScopeKeyError::WrongVault));
    let mut k = key.clone();
    k.scope = Scope::Notities;
    assert_eq!(
        k.verify(&vault.public()),
        Err(OpenScopeKeyError::BadSignature)
    );
    let mut k = key.clone();
    k.epoch += 1;
    assert_eq!(
        k.verify(&vault.public()),
        Err(OpenScopeKeyError::BadSignature)
    );
    let mut k = key.clone();
    k.recipient = other.party_id();
    assert_eq!(
        k.verify(&vault.public()),
        Err(OpenScopeKeyError::BadSignature)
    );
    let mut k = key;
    k.ciphertext[0] ^= 1;
    assert_eq!(
        k.verify(&vault.public()),
        Err(OpenScopeKeyError::BadSignature)
    );
}
