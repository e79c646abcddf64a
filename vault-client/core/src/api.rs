//! Typed calls of the HTTP contract (`spec/api.md`), each signed with `crypto::http_sig`.

use crypto::encoding::UnixTime;
use crypto::log::SignedEntry;
use crypto::{
    GrantId, Identity, ItemId, LinkId, Nonce, PartyId, Profile, PublicKeys, SealedItem,
    SignedGrant, SignedRequest, SignedRevocation, VaultId, WrappedScopeKey,
};
use rand_core::OsRng;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::transport::{HttpRequest, Transport, Unreachable};

/// A call to the server failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No connection.
    #[error(transparent)]
    Unreachable(#[from] Unreachable),
    /// The server refused, with its stable error code.
    #[error("server refused ({status} {code}): {message}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// Stable snake_case code from the error body.
        code: String,
        /// The server's safe English message.
        message: String,
        /// Tries left, with `wrong_passcode`.
        remaining: Option<u32>,
    },
    /// The response was not what the contract promises.
    #[error("unexpected response from the server (HTTP {status}); is it a Rugzak server of the same version?")]
    Malformed {
        /// HTTP status.
        status: u16,
    },
    /// The request could not be signed or encoded: a bug in this client.
    #[error("internal error: could not build the request")]
    Internal,
}

impl ApiError {
    /// Tries left after a wrong share-link passcode.
    #[must_use]
    pub fn remaining(&self) -> Option<u32> {
        match self {
            Self::Refused { remaining, .. } => *remaining,
            _ => None,
        }
    }

    /// A stable code for every case: the server's when it refused, `unreachable` without a
    /// connection, else `server_error`.
    #[must_use]
    pub fn stable_code(&self) -> &str {
        match self {
            Self::Refused { code, .. } => code,
            Self::Unreachable(_) => "unreachable",
            Self::Malformed { .. } | Self::Internal => "server_error",
        }
    }

    /// The server's error code, when it refused.
    #[must_use]
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Refused { code, .. } => Some(code),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    code: String,
    message: String,
    #[serde(default)]
    remaining: Option<u32>,
}

/// `POST /v1/parties`.
#[derive(Debug, Serialize, Deserialize)]
pub struct EnrolParty {
    /// The party's keys.
    pub keys: PublicKeys,
    /// Professionals' profile; `None` for an inwoner.
    pub profile: Option<Profile>,
}

/// `GET /v1/parties/{party}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartyInfo {
    /// The party's keys.
    pub keys: PublicKeys,
    /// Its profile, if any.
    pub profile: Option<Profile>,
}

#[derive(Serialize)]
struct KeysBody<'a> {
    keys: &'a PublicKeys,
}

#[derive(Deserialize)]
struct KeysOwned {
    keys: PublicKeys,
}

#[derive(Serialize, Deserialize)]
struct ItemsBody {
    items: Vec<SealedItem>,
}

/// One page of `GET /v1/vaults/{vault}/items`.
#[derive(Debug, Serialize, Deserialize)]
pub struct ItemsPage {
    /// Items in upload order.
    pub items: Vec<SealedItem>,
    /// Cursor after this page (pass as `after`; keep it to fetch only newer items later).
    pub next: u64,
    /// Whether more items may follow now.
    pub more: bool,
}

#[derive(Serialize, Deserialize)]
struct ScopeKeysBody {
    keys: Vec<WrappedScopeKey>,
}

#[derive(Deserialize)]
struct Created<T> {
    #[serde(alias = "reference", alias = "grant", alias = "vault", alias = "party")]
    id: T,
}

#[derive(Serialize)]
struct GrantSubmit<'a> {
    grant: &'a SignedGrant,
    request: &'a SignedRequest,
    log: &'a SignedEntry,
}

#[derive(Serialize)]
struct RevokeSubmit<'a> {
    revocation: &'a SignedRevocation,
    log: &'a SignedEntry,
}

#[derive(Serialize)]
struct RevokeLinkSubmit<'a> {
    log: &'a SignedEntry,
}

#[derive(Deserialize)]
struct RevokeAnswer {
    already_revoked: bool,
}

/// A grant as the server reports it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GrantStatus {
    /// The signed grant.
    pub grant: SignedGrant,
    /// Keys of the vault that signed it.
    pub vault_keys: PublicKeys,
    /// Its revocation, if revoked.
    pub revoked: Option<SignedRevocation>,
    /// How often it was used.
    pub uses: u32,
}

impl GrantStatus {
    /// Whether the server reports it neither revoked nor outside its period at `now`.
    #[must_use]
    pub fn is_active(&self, now: UnixTime) -> bool {
        self.revoked.is_none() && self.grant.grant.is_active(now)
    }
}

#[derive(Deserialize)]
struct GrantsBody {
    grants: Vec<GrantStatus>,
}

#[derive(Deserialize)]
struct EntriesBody {
    entries: Vec<SignedEntry>,
}

/// The server's API as one signed-in party.
pub struct Api<'a> {
    transport: &'a dyn Transport,
    identity: &'a Identity,
    clock: &'a dyn Fn() -> UnixTime,
}

impl std::fmt::Debug for Api<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api")
            .field("server", &self.transport.server())
            .field("as", &self.identity.public().party_id())
            .finish()
    }
}

impl<'a> Api<'a> {
    /// Calls over `transport` as `identity`; `clock` gives the signing time.
    pub fn new(
        transport: &'a dyn Transport,
        identity: &'a Identity,
        clock: &'a dyn Fn() -> UnixTime,
    ) -> Self {
        Self {
            transport,
            identity,
            clock,
        }
    }

    /// The server's base URL.
    #[must_use]
    pub fn server(&self) -> &str {
        self.transport.server()
    }

    /// The signing time.
    #[must_use]
    pub fn now(&self) -> UnixTime {
        (self.clock)()
    }

    async fn call<B: Serialize + ?Sized, R: DeserializeOwned>(
        &self,
        method: &'static str,
        path_and_query: String,
        body: Option<&B>,
    ) -> Result<R, ApiError> {
        let status_and_body = self.raw(method, path_and_query, body).await?;
        parse_json(status_and_body)
    }

    async fn raw<B: Serialize + ?Sized>(
        &self,
        method: &'static str,
        path_and_query: String,
        body: Option<&B>,
    ) -> Result<(u16, Vec<u8>), ApiError> {
        let body = match body {
            Some(b) => serde_json::to_vec(b).map_err(|_| ApiError::Internal)?,
            None => Vec::new(),
        };
        let signed = crypto::http_sig::SignedCall::sign(
            self.identity,
            method,
            &path_and_query,
            &body,
            self.now(),
            Nonce::random(&mut OsRng),
        )
        .map_err(|_| ApiError::Internal)?;
        let request = HttpRequest {
            method,
            path_and_query,
            headers: signed.headers().into_iter().collect(),
            body,
        };
        checked(self.transport.send(&request).await?)
    }

    /// `POST /v1/parties`.
    pub async fn enrol_party(&self, profile: Option<&Profile>) -> Result<PartyId, ApiError> {
        let body = EnrolParty {
            keys: self.identity.public(),
            profile: profile.cloned(),
        };
        let created: Created<PartyId> =
            self.call("POST", "/v1/parties".into(), Some(&body)).await?;
        Ok(created.id)
    }

    /// `GET /v1/parties/{party}`.
    pub async fn party(&self, party: PartyId) -> Result<PartyInfo, ApiError> {
        self.call::<(), _>("GET", format!("/v1/parties/{party}"), None)
            .await
    }

    /// `POST /v1/vaults`.
    pub async fn enrol_vault(&self) -> Result<VaultId, ApiError> {
        let keys = self.identity.public();
        let created: Created<VaultId> = self
            .call("POST", "/v1/vaults".into(), Some(&KeysBody { keys: &keys }))
            .await?;
        Ok(created.id)
    }

    /// `GET /v1/vaults/{vault}/keys`.
    pub async fn vault_keys(&self, vault: VaultId) -> Result<PublicKeys, ApiError> {
        self.call::<(), _>("GET", format!("/v1/vaults/{vault}/keys"), None)
            .await
    }

    /// `GET /v1/server`: the log-signing key.
    pub async fn server_keys(&self) -> Result<PublicKeys, ApiError> {
        let k: KeysOwned = self.call::<(), _>("GET", "/v1/server".into(), None).await?;
        Ok(k.keys)
    }

    /// `POST /v1/vaults/{vault}/items` (owner).
    pub async fn put_items(&self, vault: VaultId, items: Vec<SealedItem>) -> Result<(), ApiError> {
        self.raw(
            "POST",
            format!("/v1/vaults/{vault}/items"),
            Some(&ItemsBody { items }),
        )
        .await
        .map(drop)
    }

    /// `POST /v1/vaults/{vault}/append` (append grantee).
    pub async fn append_items(
        &self,
        vault: VaultId,
        items: Vec<SealedItem>,
    ) -> Result<(), ApiError> {
        self.raw(
            "POST",
            format!("/v1/vaults/{vault}/append"),
            Some(&ItemsBody { items }),
        )
        .await
        .map(drop)
    }

    /// One page of `GET /v1/vaults/{vault}/items`.
    pub async fn items_page(
        &self,
        vault: VaultId,
        after: Option<u64>,
    ) -> Result<ItemsPage, ApiError> {
        let path = match after {
            Some(cursor) => format!("/v1/vaults/{vault}/items?after={cursor}"),
            None => format!("/v1/vaults/{vault}/items"),
        };
        self.call::<(), _>("GET", path, None).await
    }

    /// `GET /v1/vaults/{vault}/items?own=true`: my own appended items (an appender).
    pub async fn own_items_page(
        &self,
        vault: VaultId,
        after: Option<u64>,
    ) -> Result<ItemsPage, ApiError> {
        let path = match after {
            Some(cursor) => format!("/v1/vaults/{vault}/items?own=true&after={cursor}"),
            None => format!("/v1/vaults/{vault}/items?own=true"),
        };
        self.call::<(), _>("GET", path, None).await
    }

    /// `GET /v1/vaults/{vault}/append-keys`: the vault's wrapped copies of the newest epoch of
    /// each scope I may append to (their `append_key` labels are what I seal to).
    pub async fn append_keys(&self, vault: VaultId) -> Result<Vec<WrappedScopeKey>, ApiError> {
        let body: ScopeKeysBody = self
            .call::<(), _>("GET", format!("/v1/vaults/{vault}/append-keys"), None)
            .await?;
        Ok(body.keys)
    }

    /// `GET /v1/vaults/{vault}/items/{item}`.
    pub async fn item(&self, vault: VaultId, item: ItemId) -> Result<SealedItem, ApiError> {
        self.call::<(), _>("GET", format!("/v1/vaults/{vault}/items/{item}"), None)
            .await
    }

    /// `POST /v1/vaults/{vault}/scope-keys` (owner).
    pub async fn put_scope_keys(
        &self,
        vault: VaultId,
        keys: Vec<WrappedScopeKey>,
    ) -> Result<(), ApiError> {
        self.raw(
            "POST",
            format!("/v1/vaults/{vault}/scope-keys"),
            Some(&ScopeKeysBody { keys }),
        )
        .await
        .map(drop)
    }

    /// `GET /v1/vaults/{vault}/scope-keys`: the keys wrapped for me.
    pub async fn scope_keys(&self, vault: VaultId) -> Result<Vec<WrappedScopeKey>, ApiError> {
        let body: ScopeKeysBody = self
            .call::<(), _>("GET", format!("/v1/vaults/{vault}/scope-keys"), None)
            .await?;
        Ok(body.keys)
    }

    /// `POST /v1/requests`: returns the reference.
    pub async fn post_request(&self, request: &SignedRequest) -> Result<Nonce, ApiError> {
        let created: Created<Nonce> = self
            .call("POST", "/v1/requests".into(), Some(request))
            .await?;
        Ok(created.id)
    }

    /// `GET /v1/requests/{reference}`.
    pub async fn request(&self, reference: Nonce) -> Result<SignedRequest, ApiError> {
        self.call::<(), _>("GET", format!("/v1/requests/{reference}"), None)
            .await
    }

    /// `POST /v1/vaults/{vault}/grants`.
    pub async fn post_grant(
        &self,
        grant: &SignedGrant,
        request: &SignedRequest,
        log: &SignedEntry,
    ) -> Result<GrantId, ApiError> {
        let vault = grant.grant.vault;
        let body = GrantSubmit {
            grant,
            request,
            log,
        };
        let created: Created<GrantId> = self
            .call("POST", format!("/v1/vaults/{vault}/grants"), Some(&body))
            .await?;
        Ok(created.id)
    }

    /// `GET /v1/vaults/{vault}/grants` (owner).
    pub async fn vault_grants(&self, vault: VaultId) -> Result<Vec<GrantStatus>, ApiError> {
        let body: GrantsBody = self
            .call::<(), _>("GET", format!("/v1/vaults/{vault}/grants"), None)
            .await?;
        Ok(body.grants)
    }

    /// `GET /v1/grants`: grants where I am the grantee.
    pub async fn my_grants(&self) -> Result<Vec<GrantStatus>, ApiError> {
        let body: GrantsBody = self.call::<(), _>("GET", "/v1/grants".into(), None).await?;
        Ok(body.grants)
    }

    /// `POST /v1/vaults/{vault}/grants/{grant}/revoke`: whether it was revoked before.
    pub async fn revoke(
        &self,
        revocation: &SignedRevocation,
        log: &SignedEntry,
    ) -> Result<bool, ApiError> {
        let r = revocation.revocation;
        let answer: RevokeAnswer = self
            .call(
                "POST",
                format!("/v1/vaults/{}/grants/{}/revoke", r.vault, r.grant),
                Some(&RevokeSubmit { revocation, log }),
            )
            .await?;
        Ok(answer.already_revoked)
    }

    /// `POST /v1/vaults/{vault}/links`.
    pub async fn post_link(&self, vault: VaultId, link: &NewLink<'_>) -> Result<(), ApiError> {
        self.raw("POST", format!("/v1/vaults/{vault}/links"), Some(link))
            .await
            .map(drop)
    }

    /// `DELETE /v1/vaults/{vault}/links/{id}` with the vault-signed `revoke` entry naming the
    /// link. Revoking a revoked link succeeds again (and logs nothing more).
    pub async fn revoke_link(
        &self,
        vault: VaultId,
        link: LinkId,
        log: &SignedEntry,
    ) -> Result<(), ApiError> {
        self.raw(
            "DELETE",
            format!("/v1/vaults/{vault}/links/{link}"),
            Some(&RevokeLinkSubmit { log }),
        )
        .await
        .map(drop)
    }

    /// `GET /v1/vaults/{vault}/log?from=SEQ`.
    pub async fn log(&self, vault: VaultId, from: u64) -> Result<Vec<SignedEntry>, ApiError> {
        let body: EntriesBody = self
            .call::<(), _>("GET", format!("/v1/vaults/{vault}/log?from={from}"), None)
            .await?;
        Ok(body.entries)
    }

    /// `POST /v1/vaults/{vault}/log` (vault-signed entries such as an export).
    pub async fn append_log(&self, entry: &SignedEntry) -> Result<(), ApiError> {
        let vault = entry.entry.vault;
        self.raw("POST", format!("/v1/vaults/{vault}/log"), Some(entry))
            .await
            .map(drop)
    }
}

/// The status and body of a 2xx response; anything else as the contract's error.
fn checked(response: crate::transport::HttpResponse) -> Result<(u16, Vec<u8>), ApiError> {
    if (200..300).contains(&response.status) {
        return Ok((response.status, response.body));
    }
    Err(match serde_json::from_slice::<ErrorBody>(&response.body) {
        Ok(e) => ApiError::Refused {
            status: response.status,
            code: e.code,
            message: e.message,
            remaining: e.remaining,
        },
        Err(_) => ApiError::Malformed {
            status: response.status,
        },
    })
}

#[derive(Serialize)]
struct OpenLinkBody<'a> {
    recipient: &'a str,
    passcode: Option<&'a str>,
}

#[derive(Serialize, Deserialize)]
struct SealedBody {
    #[serde(with = "crypto::encoding::bytes")]
    sealed: Vec<u8>,
}

/// `POST /v1/links/{id}`: anyone holding a share link fetches its sealed selection; no
/// account, so the request is not signed.
pub async fn open_link(
    transport: &dyn Transport,
    link: LinkId,
    recipient: &str,
    passcode: Option<&str>,
) -> Result<Vec<u8>, ApiError> {
    let body = serde_json::to_vec(&OpenLinkBody {
        recipient,
        passcode,
    })
    .map_err(|_| ApiError::Internal)?;
    let request = HttpRequest {
        method: "POST",
        path_and_query: format!("/v1/links/{link}"),
        headers: Vec::new(),
        body,
    };
    let (status, body) = checked(transport.send(&request).await?)?;
    let sealed: SealedBody =
        serde_json::from_slice(&body).map_err(|_| ApiError::Malformed { status })?;
    Ok(sealed.sealed)
}

/// `POST /v1/vaults/{vault}/links`.
#[derive(Debug, Serialize)]
pub struct NewLink<'a> {
    /// The link id.
    pub id: LinkId,
    /// The sealed selection.
    #[serde(with = "crypto::encoding::bytes")]
    pub sealed: &'a [u8],
    /// When the server stops serving it.
    pub expires: UnixTime,
    /// Use limit.
    pub max_uses: Option<u32>,
    /// Passcode (the server keeps a slow hash).
    pub passcode: Option<&'a str>,
    /// The vault-signed `share-link-create` entry.
    pub log: &'a SignedEntry,
}

fn parse_json<R: DeserializeOwned>((status, body): (u16, Vec<u8>)) -> Result<R, ApiError> {
    serde_json::from_slice(&body).map_err(|_| ApiError::Malformed { status })
}
