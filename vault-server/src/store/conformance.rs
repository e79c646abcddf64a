//! The conformance suite: every case runs against every [`Store`] implementation, so the
//! memory store used in router tests behaves exactly like the sled store in production.

#![allow(clippy::unwrap_used, reason = "tests")]

use std::sync::{Arc, OnceLock};

use crypto::encoding::{sha256, UnixTime};
use crypto::{GrantId, ItemId, LinkId, Mode, Nonce, PartyId, Permission, Scope, VaultId};
use rand_core::OsRng;
use webauthn_rs::prelude::Passkey;

use super::*;
use crate::ids::AccountId;

/// A store under test plus whatever keeps it alive (a temporary directory).
pub(super) type Fixture = (Arc<dyn Store>, Option<tempfile::TempDir>);

macro_rules! conformance_suite {
    ($make:expr; $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                let (store, _dir): $crate::store::conformance::Fixture = $make();
                $crate::store::conformance::$case(&store);
            }
        )*
    };
}

macro_rules! all_cases {
    ($make:expr) => {
        conformance_suite!($make;
            accounts_and_passkeys, sessions_expire, devices_belong_to_one_account,
            vault_registration_is_idempotent, items_page_by_cursor_and_scope, item_batches_are_atomic,
            grantee_reads_only_granted_scopes_and_logs_each_read, grantee_refused_when_grant_not_active,
            grantee_append_stores_item_with_log_entry, append_only_grantee_cannot_read,
            an_appender_selects_only_its_own_uploads,
            failed_log_builder_writes_nothing, scope_keys_per_recipient_and_grantee_fetch,
            the_owners_key_of_an_epoch_is_written_once,
            requests_by_reference_expire, nonces_are_single_use, grants_insert_list_and_revoke,
            links_open_count_and_die, parallel_wrong_passcodes_stop_at_limit,
            link_revocation_is_logged_in_the_same_write,
            log_append_is_compare_and_set, parallel_grantee_reads_keep_the_log_chain_intact,
            batched_reads_recheck_each_grant_in_order,
            read_batches_and_other_log_writers_keep_one_chain,
            a_from_now_grant_pages_only_items_stored_since,
            purge_removes_only_expired,
        );
    };
}

mod memory_store {
    all_cases!(|| (
        std::sync::Arc::new(crate::store::MemoryStore::new())
            as std::sync::Arc<dyn crate::store::Store>,
        None
    ));
}

mod sled_store {
    all_cases!(|| {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::SledStore::open(dir.path(), crate::store::SledOptions::default())
            .unwrap();
        (
            std::sync::Arc::new(store) as std::sync::Arc<dyn crate::store::Store>,
            Some(dir),
        )
    });
}

// ---------------------------------------------------------------- helpers

pub(crate) const NOW: UnixTime = 1_800_000_000;

fn vault() -> VaultId {
    VaultId::random(&mut OsRng)
}

fn party() -> PartyId {
    PartyId::random(&mut OsRng)
}

/// A real passkey, made once with the software authenticator.
fn sample_passkey() -> Passkey {
    static PASSKEY: OnceLock<Passkey> = OnceLock::new();
    PASSKEY
        .get_or_init(|| {
            use webauthn_authenticator_rs::softpasskey::SoftPasskey;
            use webauthn_authenticator_rs::WebauthnAuthenticator;
            let origin = url::Url::parse("http://localhost:8080").unwrap();
            let webauthn = webauthn_rs::WebauthnBuilder::new("localhost", &origin)
                .unwrap()
                .build()
                .unwrap();
            let (options, state) = webauthn
                .start_passkey_registration(
                    webauthn_rs::prelude::Uuid::from_bytes([7; 16]),
                    "t",
                    "t",
                    None,
                )
                .unwrap();
            let mut auth = WebauthnAuthenticator::new(SoftPasskey::new(true));
            let credential = auth.do_registration(origin, options).unwrap();
            webauthn
                .finish_passkey_registration(&credential, &state)
                .unwrap()
        })
        .clone()
}

fn passkey_record(account: AccountId, credential: u8) -> PasskeyRecord {
    PasskeyRecord {
        account,
        credential_id: vec![credential; 16],
        passkey: sample_passkey(),
        created_at: NOW + i64::from(credential),
        last_used_at: None,
    }
}

fn account() -> AccountRecord {
    AccountRecord {
        id: AccountId::random(&mut OsRng),
        created_at: NOW,
    }
}

fn new_item(scope: Scope) -> NewItem {
    NewItem {
        id: ItemId::random(&mut OsRng),
        scope,
        sealing: crypto::Sealing::ScopeKey { epoch: 1 },
        author: party(),
        ciphertext: Blob(vec![0xAB; 32]),
    }
}

/// An active grant (from a minute before [`NOW`] for an hour); also used by other modules' tests.
pub(crate) fn grant(
    vault: VaultId,
    grantee: PartyId,
    permissions: &[(Scope, Mode)],
) -> GrantRecord {
    GrantRecord {
        id: GrantId::random(&mut OsRng),
        vault,
        grantee,
        grantee_role: crypto::Role::Huisarts,
        permissions: permissions
            .iter()
            .map(|&(scope, mode)| Permission { scope, mode })
            .collect(),
        not_before: NOW - 60,
        expires_at: Some(NOW + 3600),
        max_uses: None,
        history_from: None,
        nonce: Nonce::random(&mut OsRng),
        signed: Blob(b"signed grant".to_vec()),
        created_at: NOW - 60,
        revoked_at: None,
        revocation: None,
        use_count: 0,
    }
}

/// A deterministic log builder: hash = SHA-256(prev hash || seq), entry names the event.
fn test_log(head: LogHead, event: AccessEvent<'_>) -> StoreResult<LogEntryRecord> {
    let mut input = head
        .prev_hash
        .map(|h| h.as_bytes().to_vec())
        .unwrap_or_default();
    input.extend_from_slice(&head.next_seq.to_be_bytes());
    let label = match event {
        AccessEvent::ItemsRead { items, .. } => format!("read {}", items.len()),
        AccessEvent::KeysRead { keys, .. } => format!("keys {}", keys.len()),
        AccessEvent::ItemsAppended { items, .. } => format!("append {}", items.len()),
        AccessEvent::LinkAttempt { outcome, .. } => format!("link {outcome:?}"),
        AccessEvent::Refused { reason, .. } => format!("refused {reason:?}"),
    };
    Ok(LogEntryRecord {
        seq: head.next_seq,
        hash: sha256(&input),
        entry: Blob(label.into_bytes()),
    })
}

/// [`test_log`] for a grantee read: the entry's label also says how it is sealed.
pub(super) fn test_read_log(
    head: LogHead,
    event: AccessEvent<'_>,
    signing: EntrySigning,
) -> StoreResult<LogEntryRecord> {
    let mut entry = test_log(head, event)?;
    entry
        .entry
        .0
        .extend_from_slice(format!(" {signing:?}").as_bytes());
    Ok(entry)
}

/// A grantee read of items the way the server makes one: read, log, sync.
fn read_items(
    s: &Arc<dyn Store>,
    a: &GranteeAccess,
    selection: ItemSelection,
    now: UnixTime,
    log: LogBuilder<'_>,
) -> StoreResult<Result<(ItemPage, LogEntryRecord), GrantDenied>> {
    let page = match s.grantee_items(a, selection, now)? {
        Ok(page) => page,
        Err(denied) => return Ok(Err(denied)),
    };
    let read = GranteeRead::Items(page.items.clone());
    Ok(log_one(s, a, &read, now, log)?.map(|entry| (page, entry)))
}

/// A grantee fetch of scope keys the way the server makes one.
fn read_keys(
    s: &Arc<dyn Store>,
    a: &GranteeAccess,
    now: UnixTime,
    log: LogBuilder<'_>,
) -> StoreResult<Result<(Vec<WrappedKeyRecord>, LogEntryRecord), GrantDenied>> {
    let keys = match s.grantee_scope_keys(a, now)? {
        Ok(keys) => keys,
        Err(denied) => return Ok(Err(denied)),
    };
    let read = GranteeRead::Keys(keys.clone());
    Ok(log_one(s, a, &read, now, log)?.map(|entry| (keys, entry)))
}

/// Logs one read as a batch of one and syncs it.
fn log_one(
    s: &Arc<dyn Store>,
    access: &GranteeAccess,
    read: &GranteeRead,
    now: UnixTime,
    log: LogBuilder<'_>,
) -> StoreResult<Result<LogEntryRecord, GrantDenied>> {
    let signed = |head: LogHead, event: AccessEvent<'_>, signing: EntrySigning| {
        assert_eq!(
            signing,
            EntrySigning::Signed,
            "a read alone in its batch is signed"
        );
        log(head, event)
    };
    let mut outcomes = s.log_grantee_reads(&[LoggedRead {
        access: *access,
        read,
        now,
        log: &signed,
    }])?;
    assert_eq!(outcomes.len(), 1, "one outcome per read");
    Ok(outcomes.remove(0))
}

fn all(after: u64, limit: usize) -> ItemQuery {
    ItemQuery {
        after: SyncCursor(after),
        scopes: ScopeSet::ALL,
        stored_from: None,
        author: None,
        limit,
    }
}

fn stored(outcome: PutItems) -> Vec<ItemRecord> {
    match outcome {
        PutItems::Stored(records) => records,
        PutItems::Duplicate(id) => panic!("unexpected duplicate {id}"),
    }
}

fn access(g: &GrantRecord) -> GranteeAccess {
    GranteeAccess {
        vault: g.vault,
        grant: g.id,
        grantee: g.grantee,
    }
}

fn link(vault: VaultId) -> LinkRecord {
    LinkRecord {
        id: LinkId::random(&mut OsRng),
        vault,
        sealed: Blob(vec![1, 2, 3]),
        passcode_verifier: Some(Blob(b"right".to_vec())),
        failures: 0,
        max_uses: Some(3),
        uses: 0,
        expires_at: NOW + 600,
        revoked: false,
        created_at: NOW,
    }
}

/// Passcode check for tests: the "verifier" is the passcode itself.
fn passcode(attempt: &'static [u8]) -> impl Fn(&LinkRecord) -> bool + Sync {
    move |l: &LinkRecord| l.passcode_verifier.as_ref().is_none_or(|v| v.0 == attempt)
}

// ---------------------------------------------------------------- cases

pub(super) fn accounts_and_passkeys(s: &Arc<dyn Store>) {
    let a = account();
    assert_eq!(
        s.create_account(&a, &passkey_record(a.id, 1)).unwrap(),
        CredentialInsert::Stored
    );
    assert_eq!(s.account(a.id).unwrap(), Some(a.clone()));

    let b = account();
    assert_eq!(
        s.create_account(&b, &passkey_record(b.id, 1)).unwrap(),
        CredentialInsert::CredentialTaken,
        "a credential belongs to one account"
    );
    assert_eq!(
        s.account(b.id).unwrap(),
        None,
        "nothing stored for the refused account"
    );

    assert_eq!(
        s.add_passkey(&passkey_record(a.id, 2)).unwrap(),
        CredentialInsert::Stored
    );
    assert_eq!(
        s.add_passkey(&passkey_record(a.id, 2)).unwrap(),
        CredentialInsert::CredentialTaken
    );
    let ids: Vec<_> = s
        .passkeys(a.id)
        .unwrap()
        .into_iter()
        .map(|p| p.credential_id)
        .collect();
    assert_eq!(ids, vec![vec![1; 16], vec![2; 16]]);

    let mut used = passkey_record(a.id, 2);
    used.last_used_at = Some(NOW + 5);
    assert!(s.update_passkey(&used).unwrap());
    assert_eq!(s.passkeys(a.id).unwrap()[1].last_used_at, Some(NOW + 5));
    assert!(
        !s.update_passkey(&passkey_record(b.id, 2)).unwrap(),
        "another account's credential is not touched"
    );

    assert_eq!(
        s.remove_passkey(b.id, &[1; 16]).unwrap(),
        RemovePasskey::Unknown
    );
    assert_eq!(
        s.remove_passkey(a.id, &[9; 16]).unwrap(),
        RemovePasskey::Unknown
    );
    assert_eq!(
        s.remove_passkey(a.id, &[1; 16]).unwrap(),
        RemovePasskey::Removed
    );
    assert_eq!(
        s.remove_passkey(a.id, &[2; 16]).unwrap(),
        RemovePasskey::LastPasskey
    );
    assert_eq!(s.passkeys(a.id).unwrap().len(), 1);

    assert!(matches!(
        s.add_passkey(&passkey_record(b.id, 3)),
        Err(StoreError::Internal(_))
    ));
}

pub(super) fn sessions_expire(s: &Arc<dyn Store>) {
    let session = SessionRecord {
        token_hash: sha256(b"token"),
        account: AccountId::random(&mut OsRng),
        created_at: NOW,
        expires_at: NOW + 10,
    };
    s.put_session(&session).unwrap();
    assert_eq!(
        s.session(session.token_hash, NOW + 9).unwrap(),
        Some(session.clone())
    );
    assert_eq!(
        s.session(session.token_hash, NOW + 10).unwrap(),
        None,
        "expired"
    );
    assert_eq!(s.session(sha256(b"other"), NOW).unwrap(), None);
    s.delete_session(session.token_hash).unwrap();
    assert_eq!(
        s.session(session.token_hash, NOW).unwrap(),
        None,
        "logged out"
    );
}

pub(super) fn devices_belong_to_one_account(s: &Arc<dyn Store>) {
    let keys = crypto::Identity::generate(&mut OsRng).public();
    let device = DeviceRecord {
        party: keys.party_id(),
        keys,
        account: AccountId::random(&mut OsRng),
        enrolled_at: NOW,
    };
    assert_eq!(s.enroll_device(&device).unwrap(), EnrollDevice::Enrolled);
    assert_eq!(
        s.enroll_device(&device).unwrap(),
        EnrollDevice::Enrolled,
        "idempotent"
    );
    let stolen = DeviceRecord {
        account: AccountId::random(&mut OsRng),
        ..device.clone()
    };
    assert_eq!(
        s.enroll_device(&stolen).unwrap(),
        EnrollDevice::OtherAccount
    );
    assert_eq!(s.device(device.party).unwrap(), Some(device));
}

pub(super) fn vault_registration_is_idempotent(s: &Arc<dyn Store>) {
    let keys = crypto::Identity::generate(&mut OsRng).public();
    let record = VaultRecord {
        id: keys.vault_id(),
        keys,
        owner: None,
        registration: Blob(b"self-signed".to_vec()),
        created_at: NOW,
    };
    assert_eq!(
        s.register_vault(&record).unwrap(),
        RegisterVault::Registered
    );
    let again = VaultRecord {
        created_at: NOW + 1,
        ..record.clone()
    };
    assert_eq!(
        s.register_vault(&again).unwrap(),
        RegisterVault::AlreadyRegistered(record.clone())
    );
    assert_eq!(s.vault(record.id).unwrap(), Some(record));
    assert_eq!(s.vault(vault()).unwrap(), None);
}

pub(super) fn items_page_by_cursor_and_scope(s: &Arc<dyn Store>) {
    let v = vault();
    let items = [
        Scope::Notities,
        Scope::Vragenlijsten,
        Scope::Notities,
        Scope::Intake,
    ]
    .map(new_item);
    let records = stored(s.put_items(v, &items, NOW).unwrap());
    assert_eq!(
        records.iter().map(|r| r.seq.0).collect::<Vec<_>>(),
        vec![1, 2, 3, 4]
    );
    // Another vault's items never show up.
    let _ = stored(
        s.put_items(vault(), &[new_item(Scope::Notities)], NOW)
            .unwrap(),
    );

    let first = s.list_items(v, &all(0, 3)).unwrap();
    assert_eq!(first.items, records[..3].to_vec());
    assert_eq!((first.next, first.more), (SyncCursor(3), true));
    let rest = s.list_items(v, &all(first.next.0, 3)).unwrap();
    assert_eq!(rest.items, records[3..].to_vec());
    assert_eq!((rest.next, rest.more), (SyncCursor(4), false));
    let empty = s.list_items(v, &all(4, 3)).unwrap();
    assert_eq!(
        (empty.items.len(), empty.next, empty.more),
        (0, SyncCursor(4), false),
        "cursor stays put"
    );

    let notes = ItemQuery {
        scopes: ScopeSet::EMPTY.with(Scope::Notities),
        ..all(0, 10)
    };
    let page = s.list_items(v, &notes).unwrap();
    assert_eq!(page.items, vec![records[0].clone(), records[2].clone()]);
    assert_eq!(
        page.next,
        SyncCursor(4),
        "the cursor moves past filtered-out items"
    );

    assert_eq!(s.item(v, items[1].id).unwrap(), Some(records[1].clone()));
    assert_eq!(
        s.item(vault(), items[1].id).unwrap(),
        None,
        "items are per vault"
    );
}

pub(super) fn item_batches_are_atomic(s: &Arc<dyn Store>) {
    let v = vault();
    let first = new_item(Scope::Notities);
    let _ = stored(s.put_items(v, std::slice::from_ref(&first), NOW).unwrap());
    let fresh = new_item(Scope::Notities);
    assert_eq!(
        s.put_items(v, &[fresh.clone(), first.clone()], NOW)
            .unwrap(),
        PutItems::Duplicate(first.id)
    );
    assert_eq!(
        s.item(v, fresh.id).unwrap(),
        None,
        "nothing of a refused batch is stored"
    );
    assert_eq!(
        s.put_items(v, &[fresh.clone(), fresh.clone()], NOW)
            .unwrap(),
        PutItems::Duplicate(fresh.id),
        "twice in one batch"
    );
    let next = stored(s.put_items(v, &[fresh], NOW).unwrap());
    assert_eq!(
        next[0].seq,
        SyncCursor(2),
        "refused batches use no sequence numbers"
    );
}

pub(super) fn a_from_now_grant_pages_only_items_stored_since(s: &Arc<dyn Store>) {
    let v = vault();
    let earlier = [Scope::Notities; 5].map(new_item);
    let _ = stored(s.put_items(v, &earlier, NOW - 100).unwrap());
    let later = stored(
        s.put_items(v, &[Scope::Notities; 3].map(new_item), NOW + 10)
            .unwrap(),
    );
    let g = GrantRecord {
        history_from: Some(NOW),
        ..grant(v, party(), &[(Scope::Notities, Mode::Read)])
    };
    assert_eq!(s.insert_grant(&g, None).unwrap(), InsertGrant::Inserted);
    let a = access(&g);

    // Hidden items take no places: one page of three holds the three visible ones.
    let page = s
        .grantee_items(&a, ItemSelection::Page(all(0, 3)), NOW + 20)
        .unwrap()
        .unwrap();
    assert_eq!(page.items, later);
    assert_eq!((page.next, page.more), (SyncCursor(8), false));
    let one = |id| {
        s.grantee_items(&a, ItemSelection::One(id), NOW + 20)
            .unwrap()
            .unwrap()
            .items
    };
    assert!(
        one(earlier[0].id).is_empty(),
        "an earlier item is not shown by id either"
    );
    assert_eq!(one(later[0].item.id), vec![later[0].clone()]);
}

pub(super) fn grantee_reads_only_granted_scopes_and_logs_each_read(s: &Arc<dyn Store>) {
    let v = vault();
    let g = grant(
        v,
        party(),
        &[
            (Scope::Vragenlijsten, Mode::Read),
            (Scope::Intake, Mode::Append),
        ],
    );
    assert_eq!(s.insert_grant(&g, None).unwrap(), InsertGrant::Inserted);
    let records = stored(
        s.put_items(
            v,
            &[
                Scope::Vragenlijsten,
                Scope::Notities,
                Scope::Intake,
                Scope::Vragenlijsten,
            ]
            .map(new_item),
            NOW,
        )
        .unwrap(),
    );

    let (page, entry) = read_items(
        s,
        &access(&g),
        ItemSelection::Page(all(0, 10)),
        NOW,
        &test_log,
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        page.items,
        vec![records[0].clone(), records[3].clone()],
        "only the read scope"
    );
    assert_eq!(page.next, SyncCursor(4));
    assert_eq!(
        (entry.seq, entry.entry.0.as_slice()),
        (0, b"read 2".as_slice())
    );

    let (one, entry) = read_items(
        s,
        &access(&g),
        ItemSelection::One(records[1].item.id),
        NOW,
        &test_log,
    )
    .unwrap()
    .unwrap();
    assert!(
        one.items.is_empty(),
        "an item of an ungranted scope is not returned"
    );
    assert_eq!(entry.seq, 1, "the refused lookup is logged too");

    let (one, _) = read_items(
        s,
        &access(&g),
        ItemSelection::One(records[3].item.id),
        NOW,
        &test_log,
    )
    .unwrap()
    .unwrap();
    assert_eq!(one.items, vec![records[3].clone()]);

    assert_eq!(s.grant(g.id).unwrap().unwrap().use_count, 3);
    assert_eq!(s.log_head(v).unwrap().next_seq, 3);
    assert_eq!(s.log_from(v, 0, 10).unwrap().len(), 3);
}

pub(super) fn grantee_refused_when_grant_not_active(s: &Arc<dyn Store>) {
    let v = vault();
    let read = &[(Scope::Notities, Mode::Read)];
    let g = grant(v, party(), read);
    assert_eq!(s.insert_grant(&g, None).unwrap(), InsertGrant::Inserted);
    let _ = stored(s.put_items(v, &[new_item(Scope::Notities)], NOW).unwrap());
    let read_page = |a: &GranteeAccess, now| {
        read_items(s, a, ItemSelection::Page(all(0, 10)), now, &test_log)
            .unwrap()
            .map(|(p, _)| p.items.len())
    };

    assert_eq!(read_page(&access(&g), NOW), Ok(1));
    assert_eq!(
        read_page(&access(&g), g.not_before - 1),
        Err(GrantDenied::NotYetValid)
    );
    assert_eq!(
        read_page(&access(&g), g.expires_at.unwrap()),
        Err(GrantDenied::Expired)
    );
    let stranger = GranteeAccess {
        grantee: party(),
        ..access(&g)
    };
    assert_eq!(
        read_page(&stranger, NOW),
        Err(GrantDenied::Unknown),
        "another party cannot use the grant"
    );
    let other_vault = GranteeAccess {
        vault: vault(),
        ..access(&g)
    };
    assert_eq!(
        read_page(&other_vault, NOW),
        Err(GrantDenied::Unknown),
        "nor for another vault"
    );
    let unknown = GranteeAccess {
        grant: GrantId::random(&mut OsRng),
        ..access(&g)
    };
    assert_eq!(read_page(&unknown, NOW), Err(GrantDenied::Unknown));

    assert!(matches!(
        s.revoke_grant(v, g.id, NOW, &Blob(b"revocation".to_vec()), None)
            .unwrap(),
        RevokeGrant::Revoked(_)
    ));
    assert_eq!(
        read_page(&access(&g), NOW),
        Err(GrantDenied::Revoked),
        "the very next request is refused"
    );
    assert_eq!(
        read_keys(s, &access(&g), NOW, &test_log)
            .unwrap()
            .map(|_| ()),
        Err(GrantDenied::Revoked)
    );
    assert_eq!(
        s.log_head(v).unwrap().next_seq,
        1,
        "refusals write no log entry"
    );

    let lifelong = GrantRecord {
        expires_at: None,
        ..grant(v, party(), read)
    };
    assert_eq!(
        s.insert_grant(&lifelong, None).unwrap(),
        InsertGrant::Inserted
    );
    assert_eq!(
        read_page(&access(&lifelong), i64::MAX),
        Ok(1),
        "a lifelong grant does not expire"
    );
}

pub(super) fn grantee_append_stores_item_with_log_entry(s: &Arc<dyn Store>) {
    let v = vault();
    let g = grant(
        v,
        party(),
        &[
            (Scope::Intake, Mode::Append),
            (Scope::Terugkoppeling, Mode::Append),
        ],
    );
    assert_eq!(s.insert_grant(&g, None).unwrap(), InsertGrant::Inserted);
    let append = |items: &[NewItem], now| {
        s.grantee_append_items(&access(&g), items, now, &test_log)
            .unwrap()
    };
    let note = new_item(Scope::Intake);
    let (records, entry) = append(std::slice::from_ref(&note), NOW).unwrap();
    assert_eq!((records[0].seq, &records[0].item), (SyncCursor(1), &note));
    assert_eq!(entry.seq, 0);
    assert_eq!(s.item(v, note.id).unwrap(), Some(records[0].clone()));
    assert_eq!(
        append(std::slice::from_ref(&note), NOW),
        Err(AppendDenied::Duplicate(note.id))
    );
    // Two items of one request: both stored, one entry, one use.
    let pair = [new_item(Scope::Intake), new_item(Scope::Terugkoppeling)];
    let (records, entry) = append(&pair, NOW).unwrap();
    assert_eq!(
        records.iter().map(|r| r.seq).collect::<Vec<_>>(),
        [SyncCursor(2), SyncCursor(3)]
    );
    assert_eq!(
        (entry.seq, entry.entry.0.as_slice()),
        (1, b"append 2".as_slice())
    );
    // All or nothing: one item out of scope, or a known id, and nothing of the request stays.
    let wrong_scope = new_item(Scope::Verwijzing);
    let mixed = [new_item(Scope::Intake), wrong_scope.clone()];
    assert_eq!(
        append(&mixed, NOW),
        Err(AppendDenied::Grant(GrantDenied::ScopeNotGranted))
    );
    let with_known = [new_item(Scope::Intake), pair[0].clone()];
    assert_eq!(
        append(&with_known, NOW),
        Err(AppendDenied::Duplicate(pair[0].id))
    );
    let twice = new_item(Scope::Intake);
    assert_eq!(
        append(&[twice.clone(), twice.clone()], NOW),
        Err(AppendDenied::Duplicate(twice.id))
    );
    for refused in [&mixed[0], &with_known[0], &twice] {
        assert_eq!(s.item(v, refused.id).unwrap(), None, "nothing stored");
    }
    assert_eq!(
        append(&[new_item(Scope::Intake)], g.expires_at.unwrap()),
        Err(AppendDenied::Grant(GrantDenied::Expired))
    );
    assert_eq!(
        s.log_head(v).unwrap().next_seq,
        2,
        "one entry per stored request"
    );
    assert_eq!(s.grant(g.id).unwrap().unwrap().use_count, 2);
    assert_eq!(
        s.list_items(v, &all(0, 10)).unwrap().items.len(),
        3,
        "no refused item left behind"
    );
}

pub(super) fn append_only_grantee_cannot_read(s: &Arc<dyn Store>) {
    let v = vault();
    let g = grant(v, party(), &[(Scope::Intake, Mode::Append)]);
    assert_eq!(s.insert_grant(&g, None).unwrap(), InsertGrant::Inserted);
    let records = stored(s.put_items(v, &[new_item(Scope::Intake)], NOW).unwrap());
    for selection in [
        ItemSelection::Page(all(0, 10)),
        ItemSelection::One(records[0].item.id),
    ] {
        assert_eq!(
            read_items(s, &access(&g), selection, NOW, &test_log)
                .unwrap()
                .map(|_| ()),
            Err(GrantDenied::ScopeNotGranted)
        );
    }
    assert_eq!(
        read_keys(s, &access(&g), NOW, &test_log)
            .unwrap()
            .map(|_| ()),
        Err(GrantDenied::ScopeNotGranted)
    );
}

pub(super) fn an_appender_selects_only_its_own_uploads(s: &Arc<dyn Store>) {
    let v = vault();
    let coach = party();
    let g = grant(v, coach, &[(Scope::Intake, Mode::Append)]);
    assert_eq!(s.insert_grant(&g, None).unwrap(), InsertGrant::Inserted);
    let readers = grant(v, party(), &[(Scope::Intake, Mode::Read)]);
    assert_eq!(
        s.insert_grant(&readers, None).unwrap(),
        InsertGrant::Inserted
    );
    // The owner's intake item, another party's, and two of the coach's (one in a scope the
    // coach may no longer append to is not among them: its grant names intake only).
    let _ = stored(s.put_items(v, &[new_item(Scope::Intake)], NOW).unwrap());
    let mut mine = new_item(Scope::Intake);
    mine.author = coach;
    let (records, _) = s
        .grantee_append_items(&access(&g), std::slice::from_ref(&mine), NOW, &test_log)
        .unwrap()
        .unwrap();
    let mut elsewhere = new_item(Scope::Notities);
    elsewhere.author = coach;
    let _ = stored(s.put_items(v, &[elsewhere], NOW).unwrap());
    let page = read_items(
        s,
        &access(&g),
        ItemSelection::Own(all(0, 10)),
        NOW,
        &test_log,
    )
    .unwrap()
    .expect("an appender may read back")
    .0;
    assert_eq!(page.items, records, "its own intake item only");
    // A read-only grantee has nothing of its own to select.
    assert_eq!(
        read_items(
            s,
            &access(&readers),
            ItemSelection::Own(all(0, 10)),
            NOW,
            &test_log
        )
        .unwrap()
        .map(|_| ()),
        Err(GrantDenied::ScopeNotGranted)
    );
}

pub(super) fn failed_log_builder_writes_nothing(s: &Arc<dyn Store>) {
    let v = vault();
    let g = grant(
        v,
        party(),
        &[(Scope::Intake, Mode::Append), (Scope::Intake, Mode::Read)],
    );
    assert_eq!(s.insert_grant(&g, None).unwrap(), InsertGrant::Inserted);
    let broken = |head: LogHead, event: AccessEvent<'_>| {
        Ok(LogEntryRecord {
            seq: head.next_seq + 7,
            ..test_log(head, event)?
        })
    };
    let note = new_item(Scope::Intake);
    assert!(matches!(
        s.grantee_append_items(&access(&g), std::slice::from_ref(&note), NOW, &broken),
        Err(StoreError::Internal(_))
    ));
    assert!(matches!(
        read_items(s, &access(&g), ItemSelection::Page(all(0, 1)), NOW, &broken),
        Err(StoreError::Internal(_))
    ));
    assert_eq!(
        s.item(v, note.id).unwrap(),
        None,
        "no item without its log entry"
    );
    assert_eq!(s.log_head(v).unwrap(), LogHead::default());
    assert_eq!(s.grant(g.id).unwrap().unwrap().use_count, 0);
}

pub(super) fn scope_keys_per_recipient_and_grantee_fetch(s: &Arc<dyn Store>) {
    let v = vault();
    let grantee = party();
    let key = |scope, epoch, recipient| WrappedKeyRecord {
        scope,
        epoch,
        recipient,
        wrapped: Blob(vec![epoch as u8; 8]),
    };
    let owner = party();
    s.put_scope_keys(
        v,
        owner,
        &[
            key(Scope::Notities, 1, owner),
            key(Scope::Vragenlijsten, 1, grantee),
            key(Scope::Vragenlijsten, 2, grantee),
            key(Scope::Notities, 1, grantee),
        ],
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        s.scope_keys(v, owner).unwrap(),
        vec![key(Scope::Notities, 1, owner)]
    );
    assert_eq!(s.scope_keys(v, grantee).unwrap().len(), 3);
    assert!(s.scope_keys(vault(), grantee).unwrap().is_empty());

    let g = grant(v, grantee, &[(Scope::Vragenlijsten, Mode::Read)]);
    assert_eq!(s.insert_grant(&g, None).unwrap(), InsertGrant::Inserted);
    let (keys, entry) = read_keys(s, &access(&g), NOW, &test_log).unwrap().unwrap();
    assert_eq!(
        keys,
        vec![
            key(Scope::Vragenlijsten, 1, grantee),
            key(Scope::Vragenlijsten, 2, grantee)
        ],
        "never a key of an ungranted scope"
    );
    assert_eq!(entry.entry.0, b"keys 2");
}

pub(super) fn the_owners_key_of_an_epoch_is_written_once(s: &Arc<dyn Store>) {
    let v = vault();
    let owner = party();
    let grantee = party();
    let key = |epoch, recipient, byte: u8| WrappedKeyRecord {
        scope: Scope::Notities,
        epoch,
        recipient,
        wrapped: Blob(vec![byte; 8]),
    };
    s.put_scope_keys(v, owner, &[key(1, owner, 1), key(1, grantee, 1)])
        .unwrap()
        .unwrap();
    // The same bytes again (a retried request): fine. A re-wrap for a grantee: replaces.
    s.put_scope_keys(v, owner, &[key(1, owner, 1), key(1, grantee, 2)])
        .unwrap()
        .unwrap();
    assert_eq!(s.scope_keys(v, grantee).unwrap(), vec![key(1, grantee, 2)]);
    // Another key of its own for epoch 1 (a second device rotating at the same time): refused,
    // and nothing of that request stored.
    let taken = s
        .put_scope_keys(v, owner, &[key(2, owner, 3), key(1, owner, 4)])
        .unwrap();
    assert_eq!(
        taken,
        Err(EpochTaken {
            scope: Scope::Notities,
            epoch: 1
        })
    );
    assert_eq!(s.scope_keys(v, owner).unwrap(), vec![key(1, owner, 1)]);
    // Two different keys for one slot within one request: refused too.
    assert!(s
        .put_scope_keys(v, owner, &[key(5, owner, 5), key(5, owner, 6)])
        .unwrap()
        .is_err());
    assert_eq!(s.scope_keys(v, owner).unwrap(), vec![key(1, owner, 1)]);
}

pub(super) fn requests_by_reference_expire(s: &Arc<dyn Store>) {
    let request = RequestRecord {
        reference: Nonce::random(&mut OsRng),
        requester: party(),
        signed: Blob(b"request".to_vec()),
        created_at: NOW,
        expires_at: NOW + 100,
    };
    assert_eq!(s.insert_request(&request).unwrap(), Insert::Inserted);
    let clash = RequestRecord {
        requester: party(),
        ..request.clone()
    };
    assert_eq!(s.insert_request(&clash).unwrap(), Insert::Exists);
    assert_eq!(
        s.request(request.reference, NOW).unwrap(),
        Some(request.clone()),
        "first one kept"
    );
    assert_eq!(
        s.request(request.reference, NOW + 100).unwrap(),
        None,
        "expired"
    );
    assert_eq!(s.request(Nonce::random(&mut OsRng), NOW).unwrap(), None);
}

pub(super) fn nonces_are_single_use(s: &Arc<dyn Store>) {
    let n = Nonce::random(&mut OsRng);
    let (claim, mark) = s.claim_request_nonce(n, NOW + 5).unwrap();
    assert_eq!(claim, NonceClaim::Fresh);
    assert_eq!(
        s.claim_request_nonce(n, NOW + 5).unwrap().0,
        NonceClaim::Replayed,
        "a claim counts at once, before it is durable"
    );
    s.sync(mark).unwrap();
    assert_eq!(
        s.claim_request_nonce(n, NOW + 5).unwrap().0,
        NonceClaim::Replayed,
        "and after"
    );
    assert_eq!(
        s.claim_request_nonce(n, NOW + 6).unwrap().0,
        NonceClaim::Fresh,
        "the same nonce signed at another time is another request"
    );
    let same_nonce = GrantRecord {
        nonce: n,
        ..grant(vault(), party(), &[(Scope::Notities, Mode::Read)])
    };
    assert_eq!(
        s.insert_grant(&same_nonce, None).unwrap(),
        InsertGrant::Inserted,
        "request and grant nonces are separate"
    );
    assert_eq!(
        s.claim_request_nonce(same_nonce.nonce, NOW + 5).unwrap().0,
        NonceClaim::Replayed
    );
}

pub(super) fn grants_insert_list_and_revoke(s: &Arc<dyn Store>) {
    let v = vault();
    let grantee = party();
    let g = grant(v, grantee, &[(Scope::Notities, Mode::Read)]);
    assert_eq!(s.insert_grant(&g, None).unwrap(), InsertGrant::Inserted);
    assert_eq!(s.insert_grant(&g, None).unwrap(), InsertGrant::Exists);
    let replay = GrantRecord {
        id: GrantId::random(&mut OsRng),
        ..g.clone()
    };
    assert_eq!(
        s.insert_grant(&replay, None).unwrap(),
        InsertGrant::NonceReplayed
    );
    assert_eq!(s.grant(replay.id).unwrap(), None);
    let other = grant(vault(), grantee, &[(Scope::Intake, Mode::Append)]);
    assert_eq!(s.insert_grant(&other, None).unwrap(), InsertGrant::Inserted);

    assert_eq!(s.grants_for_vault(v).unwrap(), vec![g.clone()]);
    let mut mine: Vec<_> = s
        .grants_for_grantee(grantee)
        .unwrap()
        .into_iter()
        .map(|g| g.id)
        .collect();
    mine.sort();
    let mut expected = vec![g.id, other.id];
    expected.sort();
    assert_eq!(mine, expected);

    let revocation = Blob(b"revoked".to_vec());
    assert_eq!(
        s.revoke_grant(other.vault, g.id, NOW, &revocation, None)
            .unwrap(),
        RevokeGrant::Unknown,
        "wrong vault"
    );
    let RevokeGrant::Revoked(revoked) = s.revoke_grant(v, g.id, NOW, &revocation, None).unwrap()
    else {
        panic!("not revoked");
    };
    assert_eq!(
        (revoked.revoked_at, revoked.revocation.clone()),
        (Some(NOW), Some(revocation.clone()))
    );
    assert_eq!(
        s.revoke_grant(v, g.id, NOW + 50, &Blob(b"again".to_vec()), None)
            .unwrap(),
        RevokeGrant::AlreadyRevoked(revoked.clone()),
        "idempotent: the first revocation stands"
    );
    assert_eq!(s.grant(g.id).unwrap(), Some(revoked));
}

pub(super) fn links_open_count_and_die(s: &Arc<dyn Store>) {
    let v = vault();
    let l = link(v);
    assert_eq!(s.insert_link(&l, None).unwrap(), InsertLink::Inserted);
    assert_eq!(s.insert_link(&l, None).unwrap(), InsertLink::Exists);

    let OpenLink::Opened(opened, entry) = s
        .open_link(l.id, NOW, &passcode(b"right"), &test_log)
        .unwrap()
    else {
        panic!("not opened");
    };
    assert_eq!((opened.uses, opened.sealed.clone()), (1, l.sealed.clone()));
    assert_eq!(entry.entry.0, b"link Opened");
    assert_eq!(
        s.open_link(l.id, NOW, &passcode(b"wrong"), &test_log)
            .unwrap(),
        OpenLink::WrongPasscode { remaining: 4 }
    );
    for _ in 0..2 {
        assert!(matches!(
            s.open_link(l.id, NOW, &passcode(b"right"), &test_log)
                .unwrap(),
            OpenLink::Opened(..)
        ));
    }
    assert_eq!(
        s.open_link(l.id, NOW, &passcode(b"right"), &test_log)
            .unwrap(),
        OpenLink::Gone,
        "max uses reached"
    );
    assert_eq!(
        s.log_head(v).unwrap().next_seq,
        4,
        "every counted attempt is logged"
    );

    let expiring = link(v);
    assert_eq!(
        s.insert_link(&expiring, None).unwrap(),
        InsertLink::Inserted
    );
    assert_eq!(
        s.open_link(
            expiring.id,
            expiring.expires_at,
            &passcode(b"right"),
            &test_log
        )
        .unwrap(),
        OpenLink::Gone
    );

    let revoked = link(v);
    assert_eq!(s.insert_link(&revoked, None).unwrap(), InsertLink::Inserted);
    assert_eq!(
        s.revoke_link(vault(), revoked.id, None).unwrap(),
        RevokeLink::Unknown,
        "only the vault's owner revokes"
    );
    assert_eq!(
        s.revoke_link(v, revoked.id, None).unwrap(),
        RevokeLink::Revoked
    );
    assert_eq!(
        s.open_link(revoked.id, NOW, &passcode(b"right"), &test_log)
            .unwrap(),
        OpenLink::Gone
    );
    assert_eq!(
        s.open_link(
            LinkId::random(&mut OsRng),
            NOW,
            &passcode(b"right"),
            &test_log
        )
        .unwrap(),
        OpenLink::Gone
    );

    let guessed = link(v);
    assert_eq!(s.insert_link(&guessed, None).unwrap(), InsertLink::Inserted);
    for remaining in (0..PASSCODE_FAILURE_LIMIT).rev() {
        assert_eq!(
            s.open_link(guessed.id, NOW, &passcode(b"wrong"), &test_log)
                .unwrap(),
            OpenLink::WrongPasscode { remaining }
        );
    }
    assert_eq!(
        s.open_link(guessed.id, NOW, &passcode(b"right"), &test_log)
            .unwrap(),
        OpenLink::Gone,
        "dead after five wrong passcodes, even with the right one"
    );
}

pub(super) fn parallel_wrong_passcodes_stop_at_limit(s: &Arc<dyn Store>) {
    let v = vault();
    let l = link(v);
    assert_eq!(s.insert_link(&l, None).unwrap(), InsertLink::Inserted);
    let outcomes: Vec<OpenLink> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..20)
            .map(|_| {
                scope.spawn(|| {
                    s.open_link(l.id, NOW, &passcode(b"wrong"), &test_log)
                        .unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let wrong = outcomes
        .iter()
        .filter(|o| matches!(o, OpenLink::WrongPasscode { .. }))
        .count();
    let gone = outcomes.iter().filter(|o| **o == OpenLink::Gone).count();
    assert_eq!(
        (wrong, gone),
        (5, 15),
        "exactly five passcodes were ever checked"
    );
    assert_eq!(
        s.open_link(l.id, NOW, &passcode(b"right"), &test_log)
            .unwrap(),
        OpenLink::Gone
    );
    assert_eq!(s.log_head(v).unwrap().next_seq, 5);
}

pub(super) fn link_revocation_is_logged_in_the_same_write(s: &Arc<dyn Store>) {
    let v = vault();
    let l = link(v);
    assert_eq!(s.insert_link(&l, None).unwrap(), InsertLink::Inserted);
    let entry = |seq: u64, label: &str| LogEntryRecord {
        seq,
        hash: sha256(label.as_bytes()),
        entry: Blob(label.as_bytes().to_vec()),
    };
    let first = entry(0, "first");
    assert_eq!(s.append_log(v, &first).unwrap(), AppendLog::Appended);
    let head = s.log_head(v).unwrap();

    let stale = entry(0, "revoke at an old head");
    assert_eq!(
        s.revoke_link(v, l.id, Some(&stale)).unwrap(),
        RevokeLink::LogHeadMoved(head)
    );
    assert_eq!(
        s.revoke_link(vault(), l.id, Some(&entry(1, "other vault")))
            .unwrap(),
        RevokeLink::Unknown
    );
    assert_eq!(
        s.revoke_link(
            v,
            LinkId::random(&mut OsRng),
            Some(&entry(1, "unknown link"))
        )
        .unwrap(),
        RevokeLink::Unknown
    );
    assert_eq!(s.log_head(v).unwrap(), head, "refusals log nothing");
    assert!(
        matches!(
            s.open_link(l.id, NOW, &passcode(b"right"), &test_log)
                .unwrap(),
            OpenLink::Opened(..)
        ),
        "refusals leave the link open"
    );

    let head = s.log_head(v).unwrap();
    let revoke = entry(head.next_seq, "revoke");
    assert_eq!(
        s.revoke_link(v, l.id, Some(&revoke)).unwrap(),
        RevokeLink::Revoked
    );
    assert_eq!(
        s.log_from(v, head.next_seq, 10).unwrap(),
        vec![revoke.clone()],
        "the revocation's entry is appended with it"
    );
    assert!(s.link(l.id).unwrap().unwrap().revoked);
    assert_eq!(
        s.revoke_link(v, l.id, Some(&entry(revoke.seq + 1, "again")))
            .unwrap(),
        RevokeLink::AlreadyRevoked
    );
    assert_eq!(
        s.log_head(v).unwrap().next_seq,
        revoke.seq + 1,
        "a second revocation logs nothing"
    );
    assert_eq!(
        s.open_link(l.id, NOW, &passcode(b"right"), &test_log)
            .unwrap(),
        OpenLink::Gone
    );
}

pub(super) fn log_append_is_compare_and_set(s: &Arc<dyn Store>) {
    let v = vault();
    let e0 = test_log(
        LogHead::default(),
        AccessEvent::KeysRead {
            grant: &grant(v, party(), &[]),
            keys: &[],
        },
    )
    .unwrap();
    assert_eq!(s.append_log(v, &e0).unwrap(), AppendLog::Appended);
    let head = s.log_head(v).unwrap();
    assert_eq!(
        head,
        LogHead {
            next_seq: 1,
            prev_hash: Some(e0.hash)
        }
    );
    assert_eq!(
        s.append_log(v, &e0).unwrap(),
        AppendLog::SeqMismatch(head),
        "a second writer at seq 0 loses"
    );
    let e1 = LogEntryRecord {
        seq: 1,
        ..e0.clone()
    };
    assert_eq!(s.append_log(v, &e1).unwrap(), AppendLog::Appended);
    assert_eq!(s.log_from(v, 0, 10).unwrap(), vec![e0.clone(), e1.clone()]);
    assert_eq!(s.log_from(v, 1, 10).unwrap(), vec![e1]);
    assert_eq!(s.log_from(v, 0, 1).unwrap(), vec![e0]);
    assert!(
        s.log_from(vault(), 0, 10).unwrap().is_empty(),
        "logs are per vault"
    );
}

pub(super) fn parallel_grantee_reads_keep_the_log_chain_intact(s: &Arc<dyn Store>) {
    let v = vault();
    let g = grant(v, party(), &[(Scope::Notities, Mode::Read)]);
    assert_eq!(s.insert_grant(&g, None).unwrap(), InsertGrant::Inserted);
    let _ = stored(s.put_items(v, &[new_item(Scope::Notities)], NOW).unwrap());
    let refusal = AccessEvent::Refused {
        grant: None,
        grantee: party(),
        mode: Mode::Read,
        reason: Refusal::NoGrant,
    };
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..10 {
                    let _ = read_items(
                        s,
                        &access(&g),
                        ItemSelection::Page(all(0, 10)),
                        NOW,
                        &test_log,
                    )
                    .unwrap()
                    .unwrap();
                }
            });
        }
        // Other writers move the head under the readers' batches.
        for _ in 0..2 {
            scope.spawn(|| {
                for _ in 0..10 {
                    let _ = s.log_event(v, refusal, &test_log).unwrap();
                }
            });
        }
    });
    let entries = s.log_from(v, 0, 100).unwrap();
    assert_eq!(entries.len(), 60);
    let mut head = LogHead::default();
    for e in entries {
        assert_eq!(e.seq, head.next_seq);
        assert_eq!(
            e.hash,
            test_log(head, refusal).unwrap().hash,
            "chain unbroken"
        );
        head = head_after(&e);
    }
    assert_eq!(
        s.grant(g.id).unwrap().unwrap().use_count,
        40,
        "no lost updates"
    );
}

pub(super) fn batched_reads_recheck_each_grant_in_order(s: &Arc<dyn Store>) {
    let (v, w) = (vault(), vault());
    let read = &[(Scope::Notities, Mode::Read)];
    let open = grant(v, party(), read);
    let revoked = grant(v, party(), read);
    let once = GrantRecord {
        max_uses: Some(1),
        ..grant(w, party(), read)
    };
    for g in [&open, &revoked, &once] {
        assert_eq!(s.insert_grant(g, None).unwrap(), InsertGrant::Inserted);
    }
    assert!(matches!(
        s.revoke_grant(v, revoked.id, NOW, &Blob(b"revocation".to_vec()), None)
            .unwrap(),
        RevokeGrant::Revoked(_)
    ));
    let unknown = GranteeAccess {
        grant: GrantId::random(&mut OsRng),
        ..access(&open)
    };
    let nothing = GranteeRead::Items(Vec::new());
    let batch = [
        access(&open),
        access(&revoked),
        access(&once),
        access(&open),
        access(&once),
        unknown,
    ]
    .map(|access| LoggedRead {
        access,
        read: &nothing,
        now: NOW,
        log: &test_read_log,
    });
    let outcomes = s.log_grantee_reads(&batch).unwrap();
    let seqs: Vec<_> = outcomes
        .iter()
        .map(|o| o.as_ref().map(|e| e.seq).map_err(|d| *d))
        .collect();
    assert_eq!(
        seqs,
        vec![
            Ok(0),
            Err(GrantDenied::Revoked),
            Ok(0),
            Ok(1),
            Err(GrantDenied::UsesExhausted),
            Err(GrantDenied::Unknown),
        ],
        "each read is checked after the ones before it; each vault's chain goes on"
    );
    let logged = |i: usize| outcomes[i].clone().unwrap();
    let signing = |i: usize| {
        let label = String::from_utf8(logged(i).entry.0).unwrap();
        label.rsplit(' ').next().unwrap().to_owned()
    };
    assert_eq!(
        (signing(0), signing(3), signing(2)),
        ("Deferred".into(), "Signed".into(), "Signed".into()),
        "each vault's last entry of the batch is signed and covers the ones before it"
    );
    assert_eq!(s.log_from(v, 0, 10).unwrap(), vec![logged(0), logged(3)]);
    assert_eq!(s.log_from(w, 0, 10).unwrap(), vec![logged(2)]);
    assert_eq!(
        logged(3).hash,
        test_log(head_after(&logged(0)), nothing.event(&open))
            .unwrap()
            .hash,
        "the second entry extends the first"
    );
    let uses = |g: &GrantRecord| s.grant(g.id).unwrap().unwrap().use_count;
    assert_eq!((uses(&open), uses(&revoked), uses(&once)), (2, 0, 1));
}

/// Batches of grantee reads and other writers of the same log (refusals) from many threads
/// at once: every entry lands at its own seq, each links to the one before, and every logged
/// read counts one use.
pub(super) fn read_batches_and_other_log_writers_keep_one_chain(s: &Arc<dyn Store>) {
    const THREADS: usize = 4;
    const ROUNDS: usize = 15;
    const BATCH: usize = 5;
    let v = vault();
    let g = grant(v, party(), &[(Scope::Notities, Mode::Read)]);
    assert_eq!(s.insert_grant(&g, None).unwrap(), InsertGrant::Inserted);
    let refusal = AccessEvent::Refused {
        grant: None,
        grantee: party(),
        mode: Mode::Read,
        reason: Refusal::NoGrant,
    };
    let nothing = GranteeRead::Items(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                for _ in 0..ROUNDS {
                    let batch = [LoggedRead {
                        access: access(&g),
                        read: &nothing,
                        now: NOW,
                        log: &test_read_log,
                    }; BATCH];
                    let outcomes = s.log_grantee_reads(&batch).unwrap();
                    assert!(outcomes.iter().all(Result::is_ok));
                }
            });
            scope.spawn(|| {
                for _ in 0..ROUNDS {
                    s.log_event(v, refusal, &test_log).unwrap();
                }
            });
        }
    });
    let total = THREADS * ROUNDS * (BATCH + 1);
    let entries = s.log_from(v, 0, total + 10).unwrap();
    assert_eq!(entries.len(), total);
    let mut head = LogHead::default();
    for e in &entries {
        assert_eq!(e.seq, head.next_seq, "one entry per seq, in order");
        assert_eq!(
            e.hash,
            test_log(head, refusal).unwrap().hash,
            "each entry links to the one before"
        );
        head = head_after(e);
    }
    assert_eq!(s.log_head(v).unwrap(), head);
    let reads = u64::try_from(THREADS * ROUNDS * BATCH).unwrap();
    assert_eq!(s.grant(g.id).unwrap().unwrap().use_count, reads);
    assert_eq!(s.grants_for_vault(v).unwrap()[0].use_count, reads);
}

pub(super) fn purge_removes_only_expired(s: &Arc<dyn Store>) {
    let keep = Nonce::random(&mut OsRng);
    let old = Nonce::random(&mut OsRng);
    assert_eq!(
        s.claim_request_nonce(old, NOW).unwrap().0,
        NonceClaim::Fresh
    );
    assert_eq!(
        s.claim_request_nonce(keep, NOW + 60).unwrap().0,
        NonceClaim::Fresh
    );
    let lifelong = GrantRecord {
        nonce: keep,
        ..grant(vault(), party(), &[(Scope::Notities, Mode::Read)])
    };
    assert_eq!(
        s.insert_grant(&lifelong, None).unwrap(),
        InsertGrant::Inserted
    );
    let session = |expires_at: UnixTime| SessionRecord {
        token_hash: sha256(&expires_at.to_be_bytes()),
        account: AccountId::random(&mut OsRng),
        created_at: NOW - 100,
        expires_at,
    };
    s.put_session(&session(NOW)).unwrap();
    s.put_session(&session(NOW + 1)).unwrap();
    let request = RequestRecord {
        reference: Nonce::random(&mut OsRng),
        requester: party(),
        signed: Blob::default(),
        created_at: NOW - 100,
        expires_at: NOW - 1,
    };
    assert_eq!(s.insert_request(&request).unwrap(), Insert::Inserted);

    let purged = s.purge_expired(NOW).unwrap();
    assert_eq!(
        purged,
        Purged {
            sessions: 1,
            nonces: 1,
            requests: 1
        }
    );
    assert_eq!(
        s.claim_request_nonce(keep, NOW + 60).unwrap().0,
        NonceClaim::Replayed
    );
    assert_eq!(
        s.claim_request_nonce(old, NOW + 60).unwrap().0,
        NonceClaim::Fresh,
        "a purged nonce is gone"
    );
    let replay = GrantRecord {
        id: GrantId::random(&mut OsRng),
        ..lifelong
    };
    assert_eq!(
        s.insert_grant(&replay, None).unwrap(),
        InsertGrant::NonceReplayed,
        "grant nonces stay"
    );
    assert!(s
        .session(session(NOW + 1).token_hash, NOW)
        .unwrap()
        .is_some());
}
