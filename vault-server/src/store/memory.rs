//! In-memory [`Store`]: one mutex over plain maps. Every method computes its changes first and
//! applies them while holding the lock, so it is trivially atomic. For tests and demos.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use crypto::encoding::UnixTime;
use crypto::{Digest, GrantId, ItemId, LinkId, Mode, Nonce, PartyId, RootSecret, Scope, VaultId};

use super::*;
use crate::ids::AccountId;

/// A [`Store`] that keeps everything in memory and loses it on drop.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    accounts: HashMap<AccountId, AccountRecord>,
    /// By credential id.
    passkeys: BTreeMap<Vec<u8>, PasskeyRecord>,
    sessions: HashMap<Digest, SessionRecord>,
    devices: HashMap<PartyId, DeviceRecord>,
    vaults: HashMap<VaultId, VaultRecord>,
    items: BTreeMap<(VaultId, u64), ItemRecord>,
    item_seqs: HashMap<(VaultId, ItemId), u64>,
    last_seq: HashMap<VaultId, u64>,
    scope_keys: BTreeMap<(VaultId, PartyId, Scope, u32), WrappedKeyRecord>,
    requests: HashMap<Nonce, RequestRecord>,
    grant_nonces: HashSet<Nonce>,
    /// Claimed request nonces by expiry, as the sled store keeps them.
    request_nonces: BTreeSet<(UnixTime, Nonce)>,
    grants: BTreeMap<GrantId, GrantRecord>,
    links: HashMap<LinkId, LinkRecord>,
    log: BTreeMap<(VaultId, u64), LogEntryRecord>,
    log_heads: HashMap<VaultId, LogHead>,
    parties: HashMap<PartyId, PartyRecord>,
    server_root: Option<RootSecret>,
}

impl MemoryStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a half-applied change (changes are
        // applied after all checks), so a poisoned lock is still consistent.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Inner {
    fn log_head(&self, vault: VaultId) -> LogHead {
        self.log_heads.get(&vault).copied().unwrap_or_default()
    }

    /// Checks that an owner-signed entry (if any) sits at the head; `Err` carries the head.
    fn at_head(&self, vault: VaultId, entry: Option<&LogEntryRecord>) -> Result<(), LogHead> {
        let head = self.log_head(vault);
        match entry {
            Some(e) if e.seq != head.next_seq => Err(head),
            _ => Ok(()),
        }
    }

    fn append_entry(&mut self, vault: VaultId, entry: LogEntryRecord) {
        self.log_heads.insert(vault, head_after(&entry));
        self.log.insert((vault, entry.seq), entry);
    }

    fn active_grant(
        &self,
        access: &GranteeAccess,
        now: UnixTime,
    ) -> Result<&GrantRecord, GrantDenied> {
        let grant = self.grants.get(&access.grant).ok_or(GrantDenied::Unknown)?;
        grant.check_active(access.vault, access.grantee, now)?;
        Ok(grant)
    }

    fn count_use(&mut self, id: GrantId) {
        if let Some(g) = self.grants.get_mut(&id) {
            g.use_count += 1;
        }
    }

    fn page(&self, vault: VaultId, query: &ItemQuery) -> ItemPage {
        let limit = query.limit.max(1);
        let mut page = ItemPage {
            next: query.after,
            ..ItemPage::default()
        };
        let range = (vault, query.after.0.saturating_add(1))..=(vault, u64::MAX);
        for (_, record) in self.items.range(range) {
            if page.items.len() == limit {
                page.more = true;
                break;
            }
            page.next = record.seq;
            if query.wants(record.item.scope, record.stored_at, record.item.author) {
                page.items.push(record.clone());
            }
        }
        page
    }

    /// What `grant` shows of `selection`.
    fn select(&self, vault: VaultId, selection: ItemSelection, grant: &GrantRecord) -> ItemPage {
        match selection {
            ItemSelection::Page(q) => self.page(vault, &narrowed(&q, grant)),
            ItemSelection::Own(q) => self.page(vault, &own_uploads(&q, grant)),
            ItemSelection::One(id) => ItemPage {
                items: self
                    .item(vault, id)
                    .filter(|r| grant.scopes(Mode::Read).contains(r.item.scope) && grant.shows(r))
                    .into_iter()
                    .collect(),
                ..ItemPage::default()
            },
        }
    }

    fn item(&self, vault: VaultId, id: ItemId) -> Option<ItemRecord> {
        let seq = self.item_seqs.get(&(vault, id))?;
        self.items.get(&(vault, *seq)).cloned()
    }

    fn store_items(&mut self, vault: VaultId, items: &[NewItem], now: UnixTime) -> PutItems {
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = items
            .iter()
            .find(|i| !seen.insert(i.id) || self.item_seqs.contains_key(&(vault, i.id)))
        {
            return PutItems::Duplicate(dup.id);
        }
        let mut seq = self.last_seq.get(&vault).copied().unwrap_or(0);
        let mut stored = Vec::with_capacity(items.len());
        for item in items {
            seq += 1;
            let record = ItemRecord {
                seq: SyncCursor(seq),
                stored_at: now,
                item: item.clone(),
            };
            self.item_seqs.insert((vault, item.id), seq);
            self.items.insert((vault, seq), record.clone());
            stored.push(record);
        }
        self.last_seq.insert(vault, seq);
        PutItems::Stored(stored)
    }
}

impl Store for MemoryStore {
    fn create_account(
        &self,
        account: &AccountRecord,
        passkey: &PasskeyRecord,
    ) -> StoreResult<CredentialInsert> {
        let mut s = self.lock();
        if s.passkeys.contains_key(&passkey.credential_id) || s.accounts.contains_key(&account.id) {
            return Ok(CredentialInsert::CredentialTaken);
        }
        s.accounts.insert(account.id, account.clone());
        s.passkeys
            .insert(passkey.credential_id.clone(), passkey.clone());
        Ok(CredentialInsert::Stored)
    }

    fn account(&self, id: AccountId) -> StoreResult<Option<AccountRecord>> {
        Ok(self.lock().accounts.get(&id).cloned())
    }

    fn add_passkey(&self, passkey: &PasskeyRecord) -> StoreResult<CredentialInsert> {
        let mut s = self.lock();
        if s.passkeys.contains_key(&passkey.credential_id) {
            return Ok(CredentialInsert::CredentialTaken);
        }
        if !s.accounts.contains_key(&passkey.account) {
            return Err(StoreError::Internal("passkey added to an unknown account"));
        }
        s.passkeys
            .insert(passkey.credential_id.clone(), passkey.clone());
        Ok(CredentialInsert::Stored)
    }

    fn passkeys(&self, account: AccountId) -> StoreResult<Vec<PasskeyRecord>> {
        let mut list: Vec<_> = self
            .lock()
            .passkeys
            .values()
            .filter(|p| p.account == account)
            .cloned()
            .collect();
        list.sort_by_key(|p| (p.created_at, p.credential_id.clone()));
        Ok(list)
    }

    fn update_passkey(&self, passkey: &PasskeyRecord) -> StoreResult<bool> {
        let mut s = self.lock();
        match s.passkeys.get_mut(&passkey.credential_id) {
            Some(stored) if stored.account == passkey.account => {
                *stored = passkey.clone();
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn remove_passkey(
        &self,
        account: AccountId,
        credential_id: &[u8],
    ) -> StoreResult<RemovePasskey> {
        let mut s = self.lock();
        if s.passkeys
            .get(credential_id)
            .is_none_or(|p| p.account != account)
        {
            return Ok(RemovePasskey::Unknown);
        }
        if s.passkeys.values().filter(|p| p.account == account).count() == 1 {
            return Ok(RemovePasskey::LastPasskey);
        }
        s.passkeys.remove(credential_id);
        Ok(RemovePasskey::Removed)
    }

    fn put_session(&self, session: &SessionRecord) -> StoreResult<()> {
        self.lock()
            .sessions
            .insert(session.token_hash, session.clone());
        Ok(())
    }

    fn session(&self, token_hash: Digest, now: UnixTime) -> StoreResult<Option<SessionRecord>> {
        Ok(self
            .lock()
            .sessions
            .get(&token_hash)
            .filter(|s| now < s.expires_at)
            .cloned())
    }

    fn delete_session(&self, token_hash: Digest) -> StoreResult<()> {
        self.lock().sessions.remove(&token_hash);
        Ok(())
    }

    fn enroll_device(&self, device: &DeviceRecord) -> StoreResult<EnrollDevice> {
        let mut s = self.lock();
        match s.devices.get(&device.party) {
            Some(existing) if existing.account != device.account => Ok(EnrollDevice::OtherAccount),
            Some(_) => Ok(EnrollDevice::Enrolled),
            None => {
                s.devices.insert(device.party, device.clone());
                Ok(EnrollDevice::Enrolled)
            }
        }
    }

    fn enroll_party(&self, party: &PartyRecord) -> StoreResult<Insert> {
        let mut s = self.lock();
        if s.parties.contains_key(&party.party) {
            return Ok(Insert::Exists);
        }
        s.parties.insert(party.party, party.clone());
        Ok(Insert::Inserted)
    }

    fn party(&self, id: PartyId) -> StoreResult<Option<PartyRecord>> {
        Ok(self.lock().parties.get(&id).cloned())
    }

    fn server_root(&self, candidate: &RootSecret) -> StoreResult<RootSecret> {
        let mut s = self.lock();
        Ok(s.server_root
            .get_or_insert_with(|| candidate.clone())
            .clone())
    }

    fn device(&self, party: PartyId) -> StoreResult<Option<DeviceRecord>> {
        Ok(self.lock().devices.get(&party).cloned())
    }

    fn register_vault(&self, vault: &VaultRecord) -> StoreResult<RegisterVault> {
        let mut s = self.lock();
        if let Some(existing) = s.vaults.get(&vault.id) {
            return Ok(RegisterVault::AlreadyRegistered(existing.clone()));
        }
        s.vaults.insert(vault.id, vault.clone());
        Ok(RegisterVault::Registered)
    }

    fn vault(&self, id: VaultId) -> StoreResult<Option<VaultRecord>> {
        Ok(self.lock().vaults.get(&id).cloned())
    }

    fn put_items(&self, vault: VaultId, items: &[NewItem], now: UnixTime) -> StoreResult<PutItems> {
        Ok(self.lock().store_items(vault, items, now))
    }

    fn item(&self, vault: VaultId, id: ItemId) -> StoreResult<Option<ItemRecord>> {
        Ok(self.lock().item(vault, id))
    }

    fn list_items(&self, vault: VaultId, query: &ItemQuery) -> StoreResult<ItemPage> {
        Ok(self.lock().page(vault, query))
    }

    fn grantee_items(
        &self,
        access: &GranteeAccess,
        selection: ItemSelection,
        now: UnixTime,
    ) -> StoreResult<Result<ItemPage, GrantDenied>> {
        let s = self.lock();
        let grant = match s
            .active_grant(access, now)
            .and_then(|g| may_select(g, &selection).map(|()| g))
        {
            Ok(g) => g,
            Err(denied) => return Ok(Err(denied)),
        };
        Ok(Ok(s.select(access.vault, selection, grant)))
    }

    fn grantee_append_items(
        &self,
        access: &GranteeAccess,
        items: &[NewItem],
        now: UnixTime,
        log: LogBuilder<'_>,
    ) -> StoreResult<Result<(Vec<ItemRecord>, LogEntryRecord), AppendDenied>> {
        if items.is_empty() {
            return Err(StoreError::Internal("an append of no items"));
        }
        let mut s = self.lock();
        let grant = match s.active_grant(access, now) {
            Ok(g) => g.clone(),
            Err(denied) => return Ok(Err(AppendDenied::Grant(denied))),
        };
        if !items
            .iter()
            .all(|i| grant.scopes(Mode::Append).contains(i.scope))
        {
            return Ok(Err(AppendDenied::Grant(GrantDenied::ScopeNotGranted)));
        }
        let mut ids = HashSet::new();
        if let Some(dup) = items
            .iter()
            .find(|i| !ids.insert(i.id) || s.item_seqs.contains_key(&(access.vault, i.id)))
        {
            return Ok(Err(AppendDenied::Duplicate(dup.id)));
        }
        let first = s.last_seq.get(&access.vault).copied().unwrap_or(0) + 1;
        let records: Vec<ItemRecord> = items
            .iter()
            .zip(first..)
            .map(|(item, seq)| ItemRecord {
                seq: SyncCursor(seq),
                stored_at: now,
                item: item.clone(),
            })
            .collect();
        let head = s.log_head(access.vault);
        let entry = checked_entry(
            head,
            log(
                head,
                AccessEvent::ItemsAppended {
                    grant: &grant,
                    items: &records,
                },
            ),
        )?;
        // All checks done: apply.
        let PutItems::Stored(_) = s.store_items(access.vault, items, now) else {
            return Err(StoreError::Internal("duplicate item after check"));
        };
        s.count_use(access.grant);
        s.append_entry(access.vault, entry.clone());
        Ok(Ok((records, entry)))
    }

    fn put_scope_keys(
        &self,
        vault: VaultId,
        owner: PartyId,
        keys: &[WrappedKeyRecord],
    ) -> StoreResult<Result<(), EpochTaken>> {
        let mut s = self.lock();
        let held = owner_epoch_taken(owner, keys, |k| {
            Ok::<_, StoreError>(
                s.scope_keys
                    .get(&(vault, k.recipient, k.scope, k.epoch))
                    .cloned(),
            )
        })?;
        if let Some(taken) = held {
            return Ok(Err(taken));
        }
        for k in keys {
            s.scope_keys
                .insert((vault, k.recipient, k.scope, k.epoch), k.clone());
        }
        Ok(Ok(()))
    }

    fn scope_keys(&self, vault: VaultId, recipient: PartyId) -> StoreResult<Vec<WrappedKeyRecord>> {
        let s = self.lock();
        let from = (vault, recipient, Scope::ALL[0], 0);
        Ok(s.scope_keys
            .range(from..)
            .take_while(|((v, r, _, _), _)| *v == vault && *r == recipient)
            .map(|(_, k)| k.clone())
            .collect())
    }

    fn grantee_scope_keys(
        &self,
        access: &GranteeAccess,
        now: UnixTime,
    ) -> StoreResult<Result<Vec<WrappedKeyRecord>, GrantDenied>> {
        let s = self.lock();
        let scopes = match s.active_grant(access, now).and_then(readable) {
            Ok(g) => g.scopes(Mode::Read),
            Err(denied) => return Ok(Err(denied)),
        };
        Ok(Ok(s
            .scope_keys
            .range((access.vault, access.grantee, Scope::ALL[0], 0)..)
            .take_while(|((v, r, _, _), _)| *v == access.vault && *r == access.grantee)
            .map(|(_, k)| k)
            .filter(|k| scopes.contains(k.scope))
            .cloned()
            .collect()))
    }

    fn log_grantee_reads(&self, reads: &[LoggedRead<'_>]) -> StoreResult<LoggedReads> {
        let mut s = self.lock();
        let plan = ReadPlan::new(
            reads,
            |id| Ok(s.grants.get(&id).cloned()),
            |vault| Ok(s.log_head(vault)),
        )?;
        for (id, (_, after)) in plan.grants {
            if let Some(after) = after {
                s.grants.insert(id, after);
            }
        }
        for (access, entry) in plan.entries {
            s.append_entry(access.vault, entry);
        }
        Ok(plan.outcomes)
    }

    fn insert_request(&self, request: &RequestRecord) -> StoreResult<Insert> {
        let mut s = self.lock();
        if s.requests.contains_key(&request.reference) {
            return Ok(Insert::Exists);
        }
        s.requests.insert(request.reference, request.clone());
        Ok(Insert::Inserted)
    }

    fn request(&self, reference: Nonce, now: UnixTime) -> StoreResult<Option<RequestRecord>> {
        Ok(self
            .lock()
            .requests
            .get(&reference)
            .filter(|r| now < r.expires_at)
            .cloned())
    }

    fn claim_request_nonce(
        &self,
        nonce: Nonce,
        expires_at: UnixTime,
    ) -> StoreResult<(NonceClaim, SyncMark)> {
        let mut s = self.lock();
        let claim = if s.request_nonces.insert((expires_at, nonce)) {
            NonceClaim::Fresh
        } else {
            NonceClaim::Replayed
        };
        Ok((claim, SyncMark(0)))
    }

    fn sync(&self, _mark: SyncMark) -> StoreResult<()> {
        // Nothing here outlives the process.
        Ok(())
    }

    fn is_durable(&self, _mark: SyncMark) -> bool {
        true
    }

    fn insert_grant(
        &self,
        grant: &GrantRecord,
        log: Option<&LogEntryRecord>,
    ) -> StoreResult<InsertGrant> {
        let mut s = self.lock();
        if s.grants.contains_key(&grant.id) {
            return Ok(InsertGrant::Exists);
        }
        if s.grant_nonces.contains(&grant.nonce) {
            return Ok(InsertGrant::NonceReplayed);
        }
        if let Err(head) = s.at_head(grant.vault, log) {
            return Ok(InsertGrant::LogHeadMoved(head));
        }
        s.grant_nonces.insert(grant.nonce);
        s.grants.insert(grant.id, grant.clone());
        if let Some(entry) = log {
            s.append_entry(grant.vault, entry.clone());
        }
        Ok(InsertGrant::Inserted)
    }

    fn grant(&self, id: GrantId) -> StoreResult<Option<GrantRecord>> {
        Ok(self.lock().grants.get(&id).cloned())
    }

    fn grants_for_vault(&self, vault: VaultId) -> StoreResult<Vec<GrantRecord>> {
        Ok(self
            .lock()
            .grants
            .values()
            .filter(|g| g.vault == vault)
            .cloned()
            .collect())
    }

    fn grants_for_grantee(&self, grantee: PartyId) -> StoreResult<Vec<GrantRecord>> {
        Ok(self
            .lock()
            .grants
            .values()
            .filter(|g| g.grantee == grantee)
            .cloned()
            .collect())
    }

    fn revoke_grant(
        &self,
        vault: VaultId,
        id: GrantId,
        at: UnixTime,
        revocation: &Blob,
        log: Option<&LogEntryRecord>,
    ) -> StoreResult<RevokeGrant> {
        let mut s = self.lock();
        let Some(grant) = s.grants.get(&id).filter(|g| g.vault == vault) else {
            return Ok(RevokeGrant::Unknown);
        };
        if grant.revoked_at.is_some() {
            return Ok(RevokeGrant::AlreadyRevoked(grant.clone()));
        }
        if let Err(head) = s.at_head(vault, log) {
            return Ok(RevokeGrant::LogHeadMoved(head));
        }
        let mut revoked = grant.clone();
        revoked.revoked_at = Some(at);
        revoked.revocation = Some(revocation.clone());
        s.grants.insert(id, revoked.clone());
        if let Some(entry) = log {
            s.append_entry(vault, entry.clone());
        }
        Ok(RevokeGrant::Revoked(revoked))
    }

    fn insert_link(
        &self,
        link: &LinkRecord,
        log: Option<&LogEntryRecord>,
    ) -> StoreResult<InsertLink> {
        let mut s = self.lock();
        if s.links.contains_key(&link.id) {
            return Ok(InsertLink::Exists);
        }
        if let Err(head) = s.at_head(link.vault, log) {
            return Ok(InsertLink::LogHeadMoved(head));
        }
        s.links.insert(link.id, link.clone());
        if let Some(entry) = log {
            s.append_entry(link.vault, entry.clone());
        }
        Ok(InsertLink::Inserted)
    }

    fn link(&self, id: LinkId) -> StoreResult<Option<LinkRecord>> {
        Ok(self.lock().links.get(&id).cloned())
    }

    fn open_link(
        &self,
        id: LinkId,
        now: UnixTime,
        passcode_ok: PasscodeCheck<'_>,
        log: LogBuilder<'_>,
    ) -> StoreResult<OpenLink> {
        let mut s = self.lock();
        let Some(link) = s.links.get(&id).filter(|l| l.is_open(now)).cloned() else {
            return Ok(OpenLink::Gone);
        };
        let ok = passcode_ok(&link);
        let mut updated = link.clone();
        let outcome = if ok {
            updated.uses += 1;
            LinkOutcome::Opened
        } else {
            updated.failures += 1;
            LinkOutcome::WrongPasscode
        };
        let head = s.log_head(link.vault);
        let entry = checked_entry(
            head,
            log(
                head,
                AccessEvent::LinkAttempt {
                    link: &updated,
                    outcome,
                },
            ),
        )?;
        s.links.insert(id, updated.clone());
        s.append_entry(link.vault, entry.clone());
        Ok(match outcome {
            LinkOutcome::Opened => OpenLink::Opened(updated, entry),
            LinkOutcome::WrongPasscode => OpenLink::WrongPasscode {
                remaining: PASSCODE_FAILURE_LIMIT.saturating_sub(updated.failures),
            },
        })
    }

    fn revoke_link(
        &self,
        vault: VaultId,
        id: LinkId,
        log: Option<&LogEntryRecord>,
    ) -> StoreResult<RevokeLink> {
        let mut s = self.lock();
        let Some(link) = s.links.get(&id).filter(|l| l.vault == vault) else {
            return Ok(RevokeLink::Unknown);
        };
        if link.revoked {
            return Ok(RevokeLink::AlreadyRevoked);
        }
        let mut revoked = link.clone();
        revoked.revoked = true;
        if let Err(head) = s.at_head(vault, log) {
            return Ok(RevokeLink::LogHeadMoved(head));
        }
        s.links.insert(id, revoked);
        if let Some(entry) = log {
            s.append_entry(vault, entry.clone());
        }
        Ok(RevokeLink::Revoked)
    }

    fn log_head(&self, vault: VaultId) -> StoreResult<LogHead> {
        Ok(self.lock().log_head(vault))
    }

    fn log_event(
        &self,
        vault: VaultId,
        event: AccessEvent<'_>,
        log: LogBuilder<'_>,
    ) -> StoreResult<LogEntryRecord> {
        let mut s = self.lock();
        let head = s.log_head(vault);
        let entry = checked_entry(head, log(head, event))?;
        s.append_entry(vault, entry.clone());
        Ok(entry)
    }

    fn append_log(&self, vault: VaultId, entry: &LogEntryRecord) -> StoreResult<AppendLog> {
        let mut s = self.lock();
        let head = s.log_head(vault);
        if entry.seq != head.next_seq {
            return Ok(AppendLog::SeqMismatch(head));
        }
        s.append_entry(vault, entry.clone());
        Ok(AppendLog::Appended)
    }

    fn log_from(
        &self,
        vault: VaultId,
        from_seq: u64,
        limit: usize,
    ) -> StoreResult<Vec<LogEntryRecord>> {
        Ok(self
            .lock()
            .log
            .range((vault, from_seq)..=(vault, u64::MAX))
            .take(limit)
            .map(|(_, e)| e.clone())
            .collect())
    }

    fn purge_expired(&self, now: UnixTime) -> StoreResult<Purged> {
        let mut s = self.lock();
        let before = (s.sessions.len(), s.request_nonces.len(), s.requests.len());
        s.sessions.retain(|_, r| now < r.expires_at);
        s.request_nonces.retain(|(expires_at, _)| now < *expires_at);
        s.requests.retain(|_, r| now < r.expires_at);
        Ok(Purged {
            sessions: before.0 - s.sessions.len(),
            nonces: before.1 - s.request_nonces.len(),
            requests: before.2 - s.requests.len(),
        })
    }
}
