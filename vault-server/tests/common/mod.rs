//! Test harness shared by the router, signed-API, log-privacy and binary tests: the real router
//! over the memory store with a movable clock ([`Harness`]), called through `oneshot`; accounts
//! with the software passkey authenticator ([`accounts`]); what the parties sign ([`consent`]);
//! and a vault with an enrolled GP ([`world`]).

#![allow(clippy::unwrap_used, reason = "tests")]
#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, request, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt as _;
use serde_json::Value;
use tower::ServiceExt as _;
use url::Url;
use vault_server::store::{MemoryStore, Store};
use vault_server::{app, AppState, ServerConfig};

pub mod accounts;
pub mod consent;
pub mod world;

pub const ORIGIN: &str = "http://localhost:8080";
pub const T0: i64 = 1_800_000_000;

/// The server's public URL, the origin its passkeys are bound to.
pub fn origin() -> Url {
    Url::parse(ORIGIN).unwrap()
}

#[derive(Clone)]
pub struct Harness {
    pub router: Router,
    pub clock: Arc<AtomicI64>,
    pub store: Arc<dyn Store>,
    pub state: AppState,
}

pub fn harness_with(config: impl FnOnce(&mut ServerConfig)) -> Harness {
    harness_on(Arc::new(MemoryStore::new()), config)
}

pub fn harness_on(store: Arc<dyn Store>, config: impl FnOnce(&mut ServerConfig)) -> Harness {
    let mut cfg = ServerConfig::new(origin());
    config(&mut cfg);
    let clock = Arc::new(AtomicI64::new(T0));
    let time = Arc::clone(&clock);
    let state = AppState::with_clock(
        Arc::clone(&store),
        cfg,
        Arc::new(move || time.load(Ordering::SeqCst)),
    )
    .unwrap();
    Harness {
        router: app(state.clone()),
        state,
        clock,
        store,
    }
}

pub fn harness() -> Harness {
    harness_with(|_| {})
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("<no code>")
    }

    /// The status with the error code, to compare both at once (a mismatch shows both).
    pub fn error(&self) -> (StatusCode, &str) {
        (self.status, self.code())
    }

    /// A string field of the JSON body (an id or a token).
    pub fn string(&self, field: &str) -> String {
        self.body[field].as_str().unwrap().to_owned()
    }
}

impl Harness {
    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap()
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn post(&self, path: &str, body: &Value, token: Option<&str>) -> Reply {
        let req = bearer(Method::POST, path, token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()));
        self.send(req.unwrap()).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.call(Method::GET, path, token).await
    }

    pub async fn call(&self, method: Method, path: &str, token: Option<&str>) -> Reply {
        let req = bearer(method, path, token).body(Body::empty());
        self.send(req.unwrap()).await
    }

    /// Sends a request signed by `who` (nonce fresh unless given), JSON body if any.
    pub async fn signed(
        &self,
        who: &crypto::Identity,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Reply {
        self.signed_with(who, method, path, body, fresh_nonce())
            .await
    }

    /// As [`Self::signed`] with a chosen nonce (replay tests).
    pub async fn signed_with(
        &self,
        who: &crypto::Identity,
        method: Method,
        path: &str,
        body: Option<&Value>,
        nonce: crypto::Nonce,
    ) -> Reply {
        let bytes = body
            .map(|b| serde_json::to_vec(b).unwrap())
            .unwrap_or_default();
        let content_type = body.map(|_| "application/json");
        self.send_signed(who, method, path, nonce, bytes, content_type)
            .await
    }

    /// A signed request with raw body bytes and a chosen content type (or none).
    pub async fn signed_raw(
        &self,
        who: &crypto::Identity,
        method: Method,
        path: &str,
        bytes: Vec<u8>,
        content_type: Option<&str>,
    ) -> Reply {
        self.send_signed(who, method, path, fresh_nonce(), bytes, content_type)
            .await
    }

    /// Signs `bytes` as `who` at the harness clock and sends them.
    async fn send_signed(
        &self,
        who: &crypto::Identity,
        method: Method,
        path: &str,
        nonce: crypto::Nonce,
        bytes: Vec<u8>,
        content_type: Option<&str>,
    ) -> Reply {
        let call = crypto::http_sig::SignedCall::sign(
            who,
            method.as_str(),
            path,
            &bytes,
            self.now(),
            nonce,
        )
        .unwrap();
        self.send_call(&call, method, path, bytes, content_type)
            .await
    }

    /// Sends `call`'s signature headers on a request to `path` (signed for it or, in tamper
    /// tests, for another).
    pub async fn send_call(
        &self,
        call: &crypto::http_sig::SignedCall,
        method: Method,
        path: &str,
        bytes: Vec<u8>,
        content_type: Option<&str>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        for (name, value) in call.headers() {
            req = req.header(name, value);
        }
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        self.send(req.body(Body::from(bytes)).unwrap()).await
    }

    /// The server key that countersigns the consent log, as `/v1/server` publishes it.
    pub async fn server_keys(&self) -> crypto::PublicKeys {
        let r = self.get("/v1/server", None).await;
        serde_json::from_value(r.body["keys"].clone()).unwrap()
    }

    /// The server's clock (a unix time the tests move by hand).
    pub fn now(&self) -> i64 {
        self.clock.load(Ordering::SeqCst)
    }

    pub fn advance(&self, secs: i64) {
        self.clock.fetch_add(secs, Ordering::SeqCst);
    }
}

/// A request with the session `token`, if any, as its bearer credential.
fn bearer(method: Method, path: &str, token: Option<&str>) -> request::Builder {
    let req = Request::builder().method(method).uri(path);
    match token {
        Some(t) => req.header(header::AUTHORIZATION, format!("Bearer {t}")),
        None => req,
    }
}

fn fresh_nonce() -> crypto::Nonce {
    crypto::Nonce::random(&mut rand_core::OsRng)
}
