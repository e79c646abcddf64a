//! Items and scope keys: the owner uploads and syncs; grantees read their granted scopes and
//! append to their append scopes, each call logged in the same write as its data.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use crypto::encoding::UnixTime;
use crypto::{ItemId, Mode, Scope, SealedItem, Sealing, WrappedScopeKey};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Caller, Grantee, Json as Body, NoBody, Owner, VaultCaller};
use crate::consent::{refusal_error, EntryMaker};
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::group_commit::ReadToLog;
use crate::state::AppState;
use crate::store::{
    AccessEvent, AppendDenied, Blob, GrantDenied, GrantRecord, GranteeAccess, GranteeRead,
    ItemQuery, ItemRecord, ItemSelection, NewItem, PutItems, Refusal, ScopeSet, Store, StoreError,
    StoreResult, SyncCursor, VaultRecord, WrappedKeyRecord,
};

/// Most items in one `POST …/items` (owner upload): bounds the look-ups, the body-file write
/// and the transaction one request causes (`413 too_many_items` beyond).
pub const MAX_UPLOAD_ITEMS: usize = 1000;
/// Most items in one `POST …/append` (grantee): one transaction, one sync, one log entry.
pub const MAX_APPEND_ITEMS: usize = 100;
/// Most wrapped keys in one `POST …/scope-keys`: each costs a signature check.
pub const MAX_UPLOAD_KEYS: usize = 1000;

/// Default and largest page size of an item listing.
const DEFAULT_PAGE: usize = 100;
const MAX_PAGE: usize = 1000;

/// `{items: [SealedItem]}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Items {
    /// The items.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<SealedItem>,
}

/// `{stored: n}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Stored {
    /// How many were stored.
    pub stored: usize,
}

/// A page of items.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemPageJson {
    /// The items, in upload order.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<SealedItem>,
    /// Cursor after this page: pass it as `after` for the next page, or keep it to fetch only
    /// newer items later. Advances past items a grantee may not see, too.
    pub next: u64,
    /// Whether more items may follow now.
    pub more: bool,
}

/// Query of an item listing.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// Cursor: items after this one.
    pub after: Option<u64>,
    /// At most this many (1..=1000, default 100).
    pub limit: Option<usize>,
    /// `true`: only the caller's own uploads in the scopes it may append to (a grantee reading
    /// back what it wrote; logged like any read).
    pub own: Option<bool>,
}

/// `{keys: [WrappedScopeKey]}`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Keys {
    /// The wrapped keys.
    #[schema(value_type = Vec<Object>)]
    pub keys: Vec<WrappedScopeKey>,
}

fn sealed(record: &ItemRecord) -> SealedItem {
    SealedItem {
        id: record.item.id,
        scope: record.item.scope,
        sealing: record.item.sealing,
        ciphertext: record.item.ciphertext.0.clone(),
    }
}

fn new_item(item: SealedItem, author: crypto::PartyId) -> NewItem {
    NewItem {
        id: item.id,
        scope: item.scope,
        sealing: item.sealing,
        author,
        ciphertext: Blob(item.ciphertext),
    }
}

fn wrapped(record: &WrappedKeyRecord) -> Result<WrappedScopeKey, StoreError> {
    postcard::from_bytes(&record.wrapped.0).map_err(|_| StoreError::Corrupt { tree: "scope_keys" })
}

/// Picks the grant a grantee's call uses: an active one covering `mode` (on every scope of
/// `scopes`, when the call concerns given scopes); otherwise the most telling refusal.
/// `grants` are the vault's (a few per inwoner), not the grantee's (a huisarts may hold
/// thousands).
pub fn choose_grant(
    grants: &[GrantRecord],
    access: (crypto::VaultId, crypto::PartyId),
    mode: Mode,
    scopes: Option<ScopeSet>,
    now: UnixTime,
) -> Result<GrantRecord, (Option<Box<GrantRecord>>, Refusal)> {
    let (vault, grantee) = access;
    let mine: Vec<&GrantRecord> = grants
        .iter()
        .filter(|g| g.vault == vault && g.grantee == grantee)
        .collect();
    let covers = |g: &GrantRecord| {
        let granted = g.scopes(mode);
        scopes.map_or(!granted.is_empty(), |needed| {
            !needed.is_empty() && needed.intersect(granted) == needed
        })
    };
    if let Some(g) = mine
        .iter()
        .find(|g| covers(g) && g.check_active(vault, grantee, now).is_ok())
    {
        return Ok((*g).clone());
    }
    let Some(first) = mine
        .iter()
        .find(|g| g.check_active(vault, grantee, now).is_err())
        .or_else(|| mine.first())
    else {
        return Err((None, Refusal::NoGrant));
    };
    let reason = match first.check_active(vault, grantee, now) {
        Err(denied) => Refusal::Grant(denied),
        Ok(())
            if mode == Mode::Read
                && !first.scopes(Mode::Append).is_empty()
                && first.scopes(Mode::Read).is_empty() =>
        {
            Refusal::AppendOnly
        }
        Ok(()) => Refusal::Grant(crate::store::GrantDenied::ScopeNotGranted),
    };
    Err((Some(Box::new((*first).clone())), reason))
}

/// One grantee append: picks the grant, runs `op` with it, and logs a refusal when there is
/// one. `op` returns `Err(denied)` when the store refused (it re-checks the grant atomically).
fn grantee_call<T>(
    s: &dyn Store,
    state: &AppState,
    vault: &VaultRecord,
    caller: &Caller,
    mode: Mode,
    scopes: Option<ScopeSet>,
    op: impl FnOnce(&GrantRecord, &EntryMaker<'_>) -> StoreResult<Result<T, Refusal>>,
) -> StoreResult<Result<T, AppError>> {
    let now = state.now();
    if let Err(e) = proof_in_time(caller, now) {
        return Ok(Err(e));
    }
    let maker = entry_maker(state, vault, caller, now);
    let grants = s.grants_for_vault(vault.id)?;
    let (grant, refusal) =
        match choose_grant(&grants, (vault.id, caller.party()), mode, scopes, now) {
            Ok(grant) => match op(&grant, &maker)? {
                Ok(out) => return Ok(Ok(out)),
                Err(refusal) => (Some(Box::new(grant)), refusal),
            },
            Err(refused) => refused,
        };
    log_refusal(
        s,
        state,
        &maker,
        (vault.id, caller.party()),
        mode,
        (grant.as_deref(), refusal),
    )
    .map(Err)
}

/// Whether the caller's request, checked for clock skew when it arrived, is still within the
/// skew of `now`, the time of the entry that keeps it as proof (the log's rules require it).
/// A request signed at the edge of the window can fall out of it while it waits: it alone is
/// refused, as `clock_skew` (and logged nowhere, like any request that fails authentication).
pub(crate) fn proof_in_time(caller: &Caller, now: UnixTime) -> Result<(), AppError> {
    caller
        .proof
        .check_time::<()>(now)
        .map_err(|_| AppError::ClockSkew)
}

/// The maker of the server-signed entries for a grantee's call.
fn entry_maker<'a>(
    state: &'a AppState,
    vault: &'a VaultRecord,
    caller: &'a Caller,
    now: UnixTime,
) -> EntryMaker<'a> {
    EntryMaker {
        server: state.identity(),
        vault: &vault.keys,
        proof: Some(&caller.proof),
        now,
    }
}

/// Logs a refused grantee call (`access`: vault and caller) and returns its API error. A
/// caller that holds no grant on the vault at all is logged only as far as
/// [`crate::refusals`] admits it (once per window, so strangers cannot flood a log).
fn log_refusal(
    s: &dyn Store,
    state: &AppState,
    maker: &EntryMaker<'_>,
    access: (crypto::VaultId, crypto::PartyId),
    mode: Mode,
    refused: (Option<&GrantRecord>, Refusal),
) -> StoreResult<AppError> {
    let (vault, grantee) = access;
    let (grant, reason) = refused;
    if grant.is_none() && !state.stranger_refusals().admit(vault, grantee, maker.now) {
        return Ok(refusal_error(reason));
    }
    s.log_event(
        vault,
        AccessEvent::Refused {
            grant,
            grantee,
            mode,
            reason,
        },
        &|h, e| maker.build(h, e),
    )?;
    Ok(refusal_error(reason))
}

/// A grantee read before it is logged: what was read under which grant, or the refusal.
enum Attempt<X> {
    Read(Box<GrantRecord>, GranteeRead, X),
    Refused(Option<Box<GrantRecord>>, Refusal),
}

/// A grantee read, first half (no disk wait): picks the grant covering `scope` (any readable
/// scope when `None`) and runs `read` under it.
fn attempt_read<X>(
    s: &dyn Store,
    call: &VaultCaller<NoBody>,
    (mode, scope): (Mode, Option<Scope>),
    now: UnixTime,
    read: impl FnOnce(&GrantRecord) -> StoreResult<Result<(GranteeRead, X), GrantDenied>>,
) -> StoreResult<Attempt<X>> {
    let grants = s.grants_for_vault(call.vault.id)?;
    Ok(
        match choose_grant(
            &grants,
            (call.vault.id, call.caller.party()),
            mode,
            scope.map(|one| ScopeSet::EMPTY.with(one)),
            now,
        ) {
            Ok(grant) => match read(&grant)? {
                Ok((what, extra)) => Attempt::Read(Box::new(grant), what, extra),
                Err(denied) => Attempt::Refused(Some(Box::new(grant)), Refusal::Grant(denied)),
            },
            Err((grant, refusal)) => Attempt::Refused(grant, refusal),
        },
    )
}

/// A grantee read, second half: logs it in the next group commit and returns it once its
/// entry is durable; a refusal (also one found while logging) is logged instead.
async fn finish_read<X>(
    state: &AppState,
    call: VaultCaller<NoBody>,
    attempt: Attempt<X>,
) -> Result<(GranteeRead, X), AppError> {
    let now = state.now();
    proof_in_time(&call.caller, now)?;
    let (grant, refusal) = match attempt {
        Attempt::Read(grant, read, extra) => {
            let logged = state
                .log_read(ReadToLog {
                    access: access(&grant),
                    read,
                    vault_keys: call.vault.keys,
                    proof: call.caller.proof.clone(),
                    now,
                })
                .await?;
            match logged.entry {
                Ok(_) => {
                    call.caller.proof_logged();
                    return Ok((logged.read, extra));
                }
                Err(denied) => (Some(grant), Refusal::Grant(denied)),
            }
        }
        Attempt::Refused(grant, refusal) => (grant, refusal),
    };
    let st = state.clone();
    Err(state
        .store(move |s| {
            let maker = entry_maker(&st, &call.vault, &call.caller, now);
            log_refusal(
                s,
                &st,
                &maker,
                (call.vault.id, call.caller.party()),
                Mode::Read,
                (grant.as_deref(), refusal),
            )
        })
        .await?)
}

fn access(grant: &GrantRecord) -> GranteeAccess {
    GranteeAccess {
        vault: grant.vault,
        grant: grant.id,
        grantee: grant.grantee,
    }
}

/// Uploads the owner's items (sealed with scope keys), all or nothing. Re-uploading an
/// identical item is accepted; the same id with other bytes is a conflict.
#[utoipa::path(post, path = "/v1/vaults/{vault}/items", tag = "items", request_body = Items,
    params(("vault" = String, Path, description = "Vault id")),
    responses((status = 201, body = Stored), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn put_items(
    State(state): State<AppState>,
    owner: Owner<Body<Items>>,
) -> Result<(StatusCode, Json<Stored>), AppError> {
    let Body(Items { items }) = owner.body;
    if items.len() > MAX_UPLOAD_ITEMS {
        return Err(AppError::TooManyItems);
    }
    if items
        .iter()
        .any(|i| !matches!(i.sealing, Sealing::ScopeKey { .. }))
    {
        return Err(AppError::WrongSealing);
    }
    let author = owner.caller.party();
    let vault = owner.vault.id;
    let now = state.now();
    let items: Vec<NewItem> = items.into_iter().map(|i| new_item(i, author)).collect();
    let stored = state
        .store(move |s| {
            let mut fresh = Vec::with_capacity(items.len());
            for item in items {
                match s.item(vault, item.id)? {
                    Some(existing) if existing.item == item => {}
                    Some(_) => return Ok(Err(AppError::ItemConflict)),
                    None => fresh.push(item),
                }
            }
            Ok(match s.put_items(vault, &fresh, now)? {
                PutItems::Stored(records) => Ok(records.len()),
                PutItems::Duplicate(_) => Err(AppError::ItemConflict),
            })
        })
        .await??;
    Ok((StatusCode::CREATED, Json(Stored { stored })))
}

/// Lists items after a cursor: all for the owner; a grantee's granted scopes only, logged.
#[utoipa::path(get, path = "/v1/vaults/{vault}/items", tag = "items",
    params(("vault" = String, Path, description = "Vault id"), ("after" = Option<u64>, Query, description = "Cursor"), ("limit" = Option<usize>, Query, description = "Page size"), ("own" = Option<bool>, Query, description = "Only the caller's own appended items")),
    responses((status = 200, body = ItemPageJson), (status = 403, body = ErrorBody)))]
pub async fn list_items(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<PageQuery>,
    call: VaultCaller<NoBody>,
) -> Result<Json<ItemPageJson>, AppError> {
    let own = q.own.unwrap_or(false);
    let query = ItemQuery {
        after: SyncCursor(q.after.unwrap_or(0)),
        scopes: ScopeSet::ALL,
        stored_from: None,
        author: own.then(|| call.caller.party()),
        limit: q.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE),
    };
    let vault = call.vault.id;
    // A page may scan far past `limit` items when few are in the scopes asked for: on the
    // blocking pool, not on the request task.
    if call.is_owner {
        let page = state.store(move |s| s.list_items(vault, &query)).await?;
        return Ok(Json(page_json(page.items, page.next, page.more)));
    }
    let now = state.now();
    let (mode, selection) = if own {
        (Mode::Append, ItemSelection::Own(query))
    } else {
        (Mode::Read, ItemSelection::Page(query))
    };
    let (call, attempt) = state
        .store(move |s| {
            let attempt = attempt_read(s, &call, (mode, None), now, |grant| {
                Ok(s.grantee_items(&access(grant), selection, now)?
                    .map(|page| (GranteeRead::Items(page.items), (page.next, page.more))))
            })?;
            Ok((call, attempt))
        })
        .await?;
    let (read, (next, more)) = finish_read(&state, call, attempt).await?;
    Ok(Json(page_json(items_of(read)?, next, more)))
}

fn page_json(items: Vec<ItemRecord>, next: SyncCursor, more: bool) -> ItemPageJson {
    ItemPageJson {
        items: items.iter().map(sealed).collect(),
        next: next.0,
        more,
    }
}

/// The items of an item read.
fn items_of(read: GranteeRead) -> Result<Vec<ItemRecord>, AppError> {
    match read {
        GranteeRead::Items(items) => Ok(items),
        GranteeRead::Keys(_) => Err(AppError::Internal("item read came back as a key read")),
    }
}

/// One item: for the owner, or a grantee with `read` on its scope (logged).
#[utoipa::path(get, path = "/v1/vaults/{vault}/items/{item}", tag = "items",
    params(("vault" = String, Path, description = "Vault id"), ("item" = String, Path, description = "Item id")),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_item(
    State(state): State<AppState>,
    ApiPath(ids): ApiPath<(String, ItemId)>,
    call: VaultCaller<NoBody>,
) -> Result<Json<SealedItem>, AppError> {
    let item = ids.1;
    let vault = call.vault.id;
    let now = state.now();
    let attempt = state.store_now(|s| {
        let found = s.item(vault, item)?;
        if call.is_owner {
            return Ok(found.map(Err).ok_or(AppError::UnknownItem));
        }
        // A grantee learns nothing of items it may not see, not even whether they exist: an
        // unknown id is refused (and logged) like an item outside the grant.
        let Some(record) = found else {
            let refused = attempt_read(s, &call, (Mode::Read, None), now, |_| {
                Ok(Err::<(GranteeRead, ()), _>(GrantDenied::ScopeNotGranted))
            });
            return refused.map(|attempt| Ok(Ok(attempt)));
        };
        // The grant chosen covers reading this item's scope; an item from before its history
        // window is refused (and logged) like one outside the grant.
        attempt_read(
            s,
            &call,
            (Mode::Read, Some(record.item.scope)),
            now,
            |grant| {
                Ok(if grant.shows(&record) {
                    Ok((GranteeRead::Items(vec![record]), ()))
                } else {
                    Err(GrantDenied::ScopeNotGranted)
                })
            },
        )
        .map(|attempt| Ok(Ok(attempt)))
    })??;
    let record = match attempt {
        Err(owned) => owned,
        Ok(attempt) => {
            let (read, ()) = finish_read(&state, call, attempt).await?;
            items_of(read)?
                .into_iter()
                .next()
                .ok_or(AppError::Internal("a logged item read without its item"))?
        }
    };
    Ok(Json(sealed(&record)))
}

/// Stores scope keys wrapped for the owner or grantees.
#[utoipa::path(post, path = "/v1/vaults/{vault}/scope-keys", tag = "items", request_body = Keys,
    params(("vault" = String, Path, description = "Vault id")),
    responses((status = 201, body = Stored), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_scope_keys(
    State(state): State<AppState>,
    owner: Owner<Body<Keys>>,
) -> Result<(StatusCode, Json<Stored>), AppError> {
    let Body(Keys { keys }) = owner.body;
    if keys.len() > MAX_UPLOAD_KEYS {
        return Err(AppError::TooManyItems);
    }
    let vault = owner.vault.id;
    if keys.iter().any(|k| k.vault != vault) {
        return Err(AppError::WrongVault);
    }
    // The server hands these keys to grantees: it stores only what the vault key signed, so a
    // stolen device key or a bug cannot plant a key the recipient would then reject.
    if !keys.iter().all(|k| k.verify(&owner.vault.keys).is_ok()) {
        return Err(AppError::ForgedScopeKey);
    }
    let records = keys
        .iter()
        .map(|k| {
            Ok(WrappedKeyRecord {
                scope: k.scope,
                epoch: k.epoch,
                recipient: k.recipient,
                wrapped: Blob(
                    postcard::to_allocvec(k)
                        .map_err(|_| AppError::Internal("scope key does not encode"))?,
                ),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let stored = records.len();
    let owner_party = owner.vault.keys.party_id();
    state
        .store(move |s| s.put_scope_keys(vault, owner_party, &records))
        .await?
        .map_err(|taken| AppError::EpochTaken {
            scope: taken.scope,
            epoch: taken.epoch,
        })?;
    Ok((StatusCode::CREATED, Json(Stored { stored })))
}

/// The scope keys wrapped for the caller (a grantee: granted scopes only, logged).
#[utoipa::path(get, path = "/v1/vaults/{vault}/scope-keys", tag = "items",
    params(("vault" = String, Path, description = "Vault id")),
    responses((status = 200, body = Keys), (status = 403, body = ErrorBody)))]
pub async fn get_scope_keys(
    State(state): State<AppState>,
    call: VaultCaller<NoBody>,
) -> Result<Json<Keys>, AppError> {
    let vault = call.vault.id;
    let records = if call.is_owner {
        state.store_now(|s| s.scope_keys(vault, call.caller.party()))?
    } else {
        let now = state.now();
        let attempt = state.store_now(|s| {
            attempt_read(s, &call, (Mode::Read, None), now, |grant| {
                Ok(s.grantee_scope_keys(&access(grant), now)?
                    .map(|keys| (GranteeRead::Keys(keys), ())))
            })
        })?;
        match finish_read(&state, call, attempt).await? {
            (GranteeRead::Keys(keys), ()) => keys,
            (GranteeRead::Items(_), ()) => {
                return Err(AppError::Internal("key read came back as an item read"))
            }
        }
    };
    let keys = records.iter().map(wrapped).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(Keys { keys }))
}

/// A grantee appends items sealed to owner and author (`append` sealing): all of them or none,
/// under one grant, with ONE log entry for the request in the same write (its proof is the
/// request, which a log may keep only once).
#[utoipa::path(post, path = "/v1/vaults/{vault}/append", tag = "items", request_body = Items,
    params(("vault" = String, Path, description = "Vault id")),
    responses((status = 201, body = Stored), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody)))]
pub async fn append(
    State(state): State<AppState>,
    call: Grantee<Body<Items>>,
) -> Result<(StatusCode, Json<Stored>), AppError> {
    let Body(Items { items }) = call.body;
    if items.len() > MAX_APPEND_ITEMS {
        return Err(AppError::TooManyItems);
    }
    if items.is_empty()
        || items
            .iter()
            .any(|i| !matches!(i.sealing, Sealing::AppendKey { .. }))
    {
        return Err(AppError::WrongSealing);
    }
    let author = call.caller.party();
    let scopes: ScopeSet = items.iter().map(|i| i.scope).collect();
    let items: Vec<NewItem> = items.into_iter().map(|i| new_item(i, author)).collect();
    let st = state.clone();
    let owner = call.vault.keys.party_id();
    let stored = state
        .store(move |s| {
            // Sealed to an older epoch than the newest, the revoked reader of that epoch could
            // open it: refused, the appender fetches the keys again (a race with a rotation).
            let newest = newest_epochs(&s.scope_keys(call.vault.id, owner)?);
            if let Some(stale) = items.iter().find_map(|i| match i.sealing {
                Sealing::AppendKey { epoch } => newest
                    .get(&i.scope)
                    .filter(|&&n| n > epoch)
                    .map(|&n| (i.scope, n)),
                _ => None,
            }) {
                return Ok(Err(AppError::StaleAppendKey {
                    scope: stale.0,
                    newest: stale.1,
                }));
            }
            let outcome = grantee_call(
                s,
                &st,
                &call.vault,
                &call.caller,
                Mode::Append,
                Some(scopes),
                |g, maker| {
                    let build = |h, e: AccessEvent<'_>| maker.build(h, e);
                    Ok(
                        match s.grantee_append_items(&access(g), &items, maker.now, &build)? {
                            Ok((records, _)) => Ok(Ok(records.len())),
                            Err(AppendDenied::Grant(denied)) => Err(Refusal::Grant(denied)),
                            Err(AppendDenied::Duplicate(_)) => Ok(Err(AppError::ItemConflict)),
                        },
                    )
                },
            )?;
            Ok(outcome.and_then(|stored| stored))
        })
        .await??;
    Ok((StatusCode::CREATED, Json(Stored { stored })))
}

/// The newest epoch per scope among `keys`.
fn newest_epochs(keys: &[WrappedKeyRecord]) -> std::collections::BTreeMap<Scope, u32> {
    let mut newest = std::collections::BTreeMap::new();
    for k in keys {
        let e = newest.entry(k.scope).or_insert(k.epoch);
        *e = (*e).max(k.epoch);
    }
    newest
}

/// The append keys of the newest epoch of each scope the caller may append to: the vault's
/// own wrapped copies, whose `append_key` label the vault signed (the appender checks it).
/// Public material, so not logged as a read; a caller without an active append grant is
/// refused (and that refusal logged).
#[utoipa::path(get, path = "/v1/vaults/{vault}/append-keys", tag = "items",
    params(("vault" = String, Path, description = "Vault id")),
    responses((status = 200, body = Keys), (status = 403, body = ErrorBody)))]
pub async fn get_append_keys(
    State(state): State<AppState>,
    call: Grantee<NoBody>,
) -> Result<Json<Keys>, AppError> {
    let owner = call.vault.keys.party_id();
    let st = state.clone();
    let records = state
        .store(move |s| {
            grantee_call(
                s,
                &st,
                &call.vault,
                &call.caller,
                Mode::Append,
                None,
                |g, _| {
                    let scopes = g.scopes(Mode::Append);
                    let keys = s.scope_keys(call.vault.id, owner)?;
                    let newest = newest_epochs(&keys);
                    Ok(Ok(keys
                        .into_iter()
                        .filter(|k| {
                            scopes.contains(k.scope) && newest.get(&k.scope) == Some(&k.epoch)
                        })
                        .collect::<Vec<_>>()))
                },
            )
        })
        .await??;
    let keys = records.iter().map(wrapped).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(Keys { keys }))
}
