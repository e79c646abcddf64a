//! Test harness shared by the router and log-privacy tests: the real router over the memory
//! store with a movable clock, and the software passkey authenticator.

#![allow(clippy::unwrap_used, reason = "tests")]
#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt as _;
use serde_json::{json, Value};
use tower::ServiceExt as _;
use url::Url;
use vault_server::store::{MemoryStore, Store};
use vault_server::{app, AppState, ServerConfig};
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse};

pub const ORIGIN: &str = "http://localhost:8080";
pub const T0: i64 = 1_800_000_000;

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
    let mut cfg = ServerConfig::new(Url::parse(ORIGIN).unwrap());
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
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(req.body(Body::from(body.to_string())).unwrap())
            .await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.call(Method::GET, path, token).await
    }

    pub async fn call(&self, method: Method, path: &str, token: Option<&str>) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// Sends a request signed by `who` (nonce fresh unless given), JSON body if any.
    pub async fn signed(
        &self,
        who: &crypto::Identity,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Reply {
        let nonce = crypto::Nonce::random(&mut rand_core::OsRng);
        self.signed_with(who, method, path, body, nonce).await
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
        let now = self.clock.load(Ordering::SeqCst);
        let sig =
            crypto::http_sig::SignedCall::sign(who, method.as_str(), path, &bytes, now, nonce)
                .unwrap();
        let mut req = Request::builder().method(method).uri(path);
        for (name, value) in sig.headers() {
            req = req.header(name, value);
        }
        if body.is_some() {
            req = req.header(header::CONTENT_TYPE, "application/json");
        }
        self.send(req.body(Body::from(bytes)).unwrap()).await
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
        let now = self.clock.load(Ordering::SeqCst);
        let nonce = crypto::Nonce::random(&mut rand_core::OsRng);
        let sig =
            crypto::http_sig::SignedCall::sign(who, method.as_str(), path, &bytes, now, nonce)
                .unwrap();
        let mut req = Request::builder().method(method).uri(path);
        for (name, value) in sig.headers() {
            req = req.header(name, value);
        }
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        self.send(req.body(Body::from(bytes)).unwrap()).await
    }

    pub fn advance(&self, secs: i64) {
        self.clock.fetch_add(secs, Ordering::SeqCst);
    }
}

pub fn authenticator() -> WebauthnAuthenticator<SoftPasskey> {
    WebauthnAuthenticator::new(SoftPasskey::new(true))
}

pub fn origin() -> Url {
    Url::parse(ORIGIN).unwrap()
}

/// Runs the authenticator on a registration challenge; returns (ceremony, credential JSON).
pub fn create(auth: &mut WebauthnAuthenticator<SoftPasskey>, challenge: &Value) -> (Value, Value) {
    let options: CreationChallengeResponse =
        serde_json::from_value(challenge["options"].clone()).unwrap();
    let credential = auth.do_registration(origin(), options).unwrap();
    (
        challenge["ceremony"].clone(),
        serde_json::to_value(credential).unwrap(),
    )
}

/// Runs the authenticator on a login challenge; returns (ceremony, credential JSON).
pub fn assert_login(
    auth: &mut WebauthnAuthenticator<SoftPasskey>,
    challenge: &Value,
) -> (Value, Value) {
    let options: RequestChallengeResponse =
        serde_json::from_value(challenge["options"].clone()).unwrap();
    let credential = auth.do_authentication(origin(), options).unwrap();
    (
        challenge["ceremony"].clone(),
        serde_json::to_value(credential).unwrap(),
    )
}

/// Registers a new account; returns (account id, token).
pub async fn register(
    h: &Harness,
    auth: &mut WebauthnAuthenticator<SoftPasskey>,
    label: &str,
) -> (String, String) {
    let start = h
        .post(
            "/v1/accounts/register/start",
            &json!({ "label": label }),
            None,
        )
        .await;
    assert_eq!(start.status, StatusCode::OK, "{:?}", start.body);
    let (ceremony, credential) = create(auth, &start.body);
    let finish = h
        .post(
            "/v1/accounts/register/finish",
            &json!({ "ceremony": ceremony, "credential": credential }),
            None,
        )
        .await;
    assert_eq!(finish.status, StatusCode::OK, "{:?}", finish.body);
    (
        finish.body["account"].as_str().unwrap().to_owned(),
        finish.body["token"].as_str().unwrap().to_owned(),
    )
}

pub async fn login(
    h: &Harness,
    auth: &mut WebauthnAuthenticator<SoftPasskey>,
    account: &str,
) -> Reply {
    let start = h
        .post(
            "/v1/session/login/start",
            &json!({ "account": account }),
            None,
        )
        .await;
    assert_eq!(start.status, StatusCode::OK, "{:?}", start.body);
    let (ceremony, credential) = assert_login(auth, &start.body);
    h.post(
        "/v1/session/login/finish",
        &json!({ "ceremony": ceremony, "credential": credential }),
        None,
    )
    .await
}
