//! Router tests: every endpoint's success and failure paths through the real router
//! (`oneshot`), with the in-memory store and the software passkey authenticator.

#![allow(clippy::unwrap_used, reason = "tests")]

mod common;

use std::num::NonZeroU32;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::accounts::{answer_discover, answer_login, answer_registration, authenticator};
use common::*;
use rand_core::OsRng;
use serde_json::json;
use vault_server::RateLimits;
use webauthn_rs::prelude::RequestChallengeResponse;

// ---------------------------------------------------------------- ops

#[tokio::test]
async fn healthz_answers_with_a_request_id() {
    let h = harness();
    let r = h.get("/healthz", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, json!({ "status": "ok" }));
    assert!(
        r.headers.get("x-request-id").is_some(),
        "every response carries its request id"
    );
    assert_eq!(r.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    assert_eq!(
        r.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
        "nosniff"
    );
}

#[tokio::test]
async fn the_web_app_is_served_at_the_root_under_a_strict_policy_and_api_404s_stay_json() {
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>Rugzak</title>",
    )
    .unwrap();
    std::fs::write(dir.path().join("app.js"), "console.log(1)").unwrap();
    let web = dir.path().to_path_buf();
    let h = harness_with(move |c| c.web_dir = Some(web));
    let get = |path: &str| {
        h.router
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
    };
    let page = get("/").await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let policy = page.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    for part in [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ] {
        assert!(policy.contains(part), "{part} in {policy}");
    }
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let body = page.into_body().collect().await.unwrap().to_bytes();
    assert!(body.starts_with(b"<!doctype html>"));
    // A share link's page is the app too (the key stays in the fragment, never sent).
    let open = get("/open").await.unwrap();
    assert_eq!(open.status(), StatusCode::OK);
    let body = open.into_body().collect().await.unwrap().to_bytes();
    assert!(body.starts_with(b"<!doctype html>"));
    let script = get("/app.js").await.unwrap();
    assert_eq!(script.status(), StatusCode::OK);
    assert!(script.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .contains("javascript"));
    // An unknown API path or file is the API's JSON 404, not a page.
    for path in ["/v1/nothing-here", "/missing.js"] {
        let r = h.get(path, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.code(), "not_found", "{path}");
    }
    // Without a web folder there is no page at all.
    let bare = harness();
    assert_eq!(bare.get("/", None).await.code(), "not_found");
}

#[tokio::test]
async fn openapi_documents_every_route() {
    let h = harness();
    let r = h.get("/v1/openapi.json", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let paths = r.body["paths"].as_object().unwrap();
    let expected = [
        ("/healthz", "get"),
        ("/v1/accounts/register/start", "post"),
        ("/v1/accounts/register/finish", "post"),
        ("/v1/session/login/start", "post"),
        ("/v1/session/login/finish", "post"),
        ("/v1/session/discover/start", "post"),
        ("/v1/session/discover/finish", "post"),
        ("/v1/session/logout", "post"),
        ("/v1/account", "get"),
        ("/v1/account/passkeys", "get"),
        ("/v1/account/passkeys/start", "post"),
        ("/v1/account/passkeys/finish", "post"),
        ("/v1/account/passkeys/{id}", "delete"),
        ("/v1/parties", "post"),
        ("/v1/parties/{party}", "get"),
        ("/v1/vaults", "post"),
        ("/v1/vaults/{vault}/keys", "get"),
        ("/v1/server", "get"),
        ("/v1/vaults/{vault}/items", "post"),
        ("/v1/vaults/{vault}/items", "get"),
        ("/v1/vaults/{vault}/items/{item}", "get"),
        ("/v1/vaults/{vault}/scope-keys", "post"),
        ("/v1/vaults/{vault}/scope-keys", "get"),
        ("/v1/vaults/{vault}/append", "post"),
        ("/v1/vaults/{vault}/append-keys", "get"),
        ("/v1/requests", "post"),
        ("/v1/requests/{reference}", "get"),
        ("/v1/vaults/{vault}/grants", "post"),
        ("/v1/vaults/{vault}/grants", "get"),
        ("/v1/grants", "get"),
        ("/v1/vaults/{vault}/grants/{grant}/revoke", "post"),
        ("/v1/vaults/{vault}/links", "post"),
        ("/v1/links/{id}", "post"),
        ("/v1/vaults/{vault}/links/{id}", "delete"),
        ("/v1/vaults/{vault}/log", "get"),
        ("/v1/vaults/{vault}/log", "post"),
        ("/v1/vaults/{vault}/log/audit-events", "get"),
    ];
    for (path, method) in expected {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} undocumented"
        );
    }
    let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(
        documented,
        expected.len(),
        "a documented route is missing from this test"
    );
    assert!(r.body["components"]["securitySchemes"]["session"].is_object());
}

#[tokio::test]
async fn unknown_routes_and_methods_get_json_errors() {
    let h = harness();
    let r = h.get("/v1/nope", None).await;
    assert_eq!(r.error(), (StatusCode::NOT_FOUND, "not_found"));
    let r = h.call(Method::DELETE, "/healthz", None).await;
    assert_eq!(
        r.error(),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
    assert!(
        r.body["message"].as_str().unwrap().contains(" / "),
        "Dutch / English"
    );
}

// ---------------------------------------------------------------- bad input

#[tokio::test]
async fn bad_bodies_get_precise_4xx_codes() {
    let h = harness_with(|c| c.body_limit = 256);
    let path = "/v1/accounts/register/start";

    let plain = Request::post(path)
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(r#"{"label":"x"}"#))
        .unwrap();
    let r = h.send(plain).await;
    assert_eq!(
        r.error(),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );

    let missing_ct = Request::post(path)
        .body(Body::from(r#"{"label":"x"}"#))
        .unwrap();
    assert_eq!(h.send(missing_ct).await.code(), "unsupported_media_type");

    let broken = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"label":"#))
        .unwrap();
    let r = h.send(broken).await;
    assert_eq!(r.error(), (StatusCode::BAD_REQUEST, "malformed_json"));

    let r = h.post(path, &json!({}), None).await;
    assert_eq!(
        r.error(),
        (StatusCode::UNPROCESSABLE_ENTITY, "missing_field")
    );
    let r = h
        .post(path, &json!({ "label": "x", "extra": 1 }), None)
        .await;
    assert_eq!(r.code(), "unknown_field");
    let r = h.post(path, &json!({ "label": 5 }), None).await;
    assert_eq!(r.code(), "invalid_field");
    let r = h.post(path, &json!({ "label": "   " }), None).await;
    assert_eq!(r.code(), "invalid_field");
    let r = h
        .post(path, &json!({ "label": "a".repeat(65) }), None)
        .await;
    assert_eq!(r.code(), "invalid_field");

    let r = h
        .post(path, &json!({ "label": "x".repeat(300) }), None)
        .await;
    assert_eq!(r.error(), (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"));

    assert_eq!(h.login_start("!!").await.code(), "malformed_base64");
    assert_eq!(h.login_start("AAAA").await.code(), "wrong_length");
}

// ---------------------------------------------------------------- accounts

#[tokio::test]
async fn register_then_use_the_session() {
    let h = harness();
    let mut auth = authenticator();
    let (account, token) = h.register(&mut auth, "Mijn rugzak").await;

    let r = h.account(&token).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.body,
        json!({ "id": account, "created_at": T0 }),
        "no name is kept"
    );

    let r = h.get("/v1/account", None).await;
    assert_eq!(r.error(), (StatusCode::UNAUTHORIZED, "unauthenticated"));
    assert_eq!(r.headers.get(header::WWW_AUTHENTICATE).unwrap(), "Bearer");
    assert_eq!(h.account("forged-token").await.code(), "unauthenticated");
}

#[tokio::test]
async fn registration_ceremonies_are_single_use_expire_and_bind_their_challenge() {
    let h = harness();
    let start = h.register_start("a").await;
    let finish = answer_registration(&mut authenticator(), &start.body);
    assert_eq!(h.register_finish(&finish).await.status, StatusCode::OK);
    let again = h.register_finish(&finish).await;
    assert_eq!(again.error(), (StatusCode::GONE, "unknown_ceremony"));

    // A response made for one ceremony's challenge does not finish another ceremony.
    let a = h.register_start("a").await;
    let b = h.register_start("b").await;
    let mut answer_for_a = answer_registration(&mut authenticator(), &a.body);
    answer_for_a["ceremony"] = b.body["ceremony"].clone();
    let r = h.register_finish(&answer_for_a).await;
    assert_eq!(r.error(), (StatusCode::UNAUTHORIZED, "passkey_rejected"));

    let late = h.register_start("c").await;
    let finish = answer_registration(&mut authenticator(), &late.body);
    h.advance(301);
    let r = h.register_finish(&finish).await;
    assert_eq!(r.code(), "unknown_ceremony", "expired after five minutes");
}

#[tokio::test]
async fn login_with_the_passkey_and_refusals() {
    let h = harness();
    let mut auth = authenticator();
    let (account, _) = h.register(&mut auth, "Inwoner").await;

    let r = h.login(&mut auth, &account).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let token = r.string("token");
    assert_eq!(h.account(&token).await.status, StatusCode::OK);
    let listed = h.passkeys(&token).await;
    assert_eq!(
        listed.body[0]["last_used_at"],
        json!(T0),
        "the login is recorded"
    );

    let unknown = vault_server::ids::AccountId::random(&mut OsRng);
    let r = h.login_start(&unknown.to_string()).await;
    assert_eq!(r.error(), (StatusCode::NOT_FOUND, "unknown_account"));

    // Another authenticator (a different key) cannot answer this account's challenge.
    let start = h.login_start(&account).await;
    let mut stranger = authenticator();
    let (_, _) = h.register(&mut stranger, "Ander").await;
    let options: RequestChallengeResponse =
        serde_json::from_value(start.body["options"].clone()).unwrap();
    assert!(
        stranger.do_authentication(origin(), options).is_err(),
        "it holds no allowed credential"
    );

    // A tampered assertion is rejected, and the ceremony is spent.
    let mut finish = answer_login(&mut auth, &start.body);
    let signature = &mut finish["credential"]["response"]["signature"];
    let mut raw = crypto::encoding::b64::decode(signature.as_str().unwrap()).unwrap();
    *raw.last_mut().unwrap() ^= 1;
    *signature = json!(crypto::encoding::b64::encode(raw));
    let r = h.login_finish(&finish).await;
    assert_eq!(r.error(), (StatusCode::UNAUTHORIZED, "passkey_rejected"));
    assert_eq!(h.login_finish(&finish).await.code(), "unknown_ceremony");
}

#[tokio::test]
async fn login_without_naming_the_account_finds_it_by_the_passkey() {
    let h = harness();
    let mut auth = authenticator();
    let (account, token) = h.register(&mut auth, "Annelies").await;
    let credential = h.passkeys(&token).await.body[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (other, _) = h.register(&mut authenticator(), "Ander").await;

    // The registration asks for a discoverable passkey; the login names no credential.
    let start = h.register_start("x").await;
    let selection = &start.body["options"]["publicKey"]["authenticatorSelection"];
    assert_eq!(selection["residentKey"], "required");
    assert_eq!(selection["requireResidentKey"], true);
    let start = h.discover_start().await;
    assert_eq!(start.status, StatusCode::OK, "{:?}", start.body);
    let options = &start.body["options"];
    assert!(
        options["publicKey"]["allowCredentials"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "{options}"
    );
    assert_eq!(options["publicKey"]["userVerification"], "required");

    let finish = answer_discover(&mut auth, &start.body, &credential, Some(&account));
    let r = h.discover_finish(&finish).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        r.string("account"),
        account,
        "the passkey said which account"
    );
    let session = r.string("token");
    assert_eq!(h.account(&session).await.body["id"], json!(account));
    assert_eq!(
        h.passkeys(&session).await.body[0]["last_used_at"],
        json!(T0),
        "the login is recorded"
    );
    assert_eq!(
        h.discover_finish(&finish).await.error(),
        (StatusCode::GONE, "unknown_ceremony"),
        "single use"
    );

    // The user handle only says where to look: a valid assertion with another account's handle,
    // or none, opens nothing.
    for handle in [Some(other.as_str()), None] {
        let start = h.discover_start().await;
        let finish = answer_discover(&mut auth, &start.body, &credential, handle);
        let r = h.discover_finish(&finish).await;
        assert_eq!(
            r.error(),
            (StatusCode::UNAUTHORIZED, "passkey_rejected"),
            "{handle:?}"
        );
    }

    // A ceremony of the other kind does not finish here.
    let start = h.login_start(&account).await;
    let finish = answer_login(&mut auth, &start.body);
    let r = h.discover_finish(&finish).await;
    assert_eq!(r.error(), (StatusCode::GONE, "unknown_ceremony"));
}

#[tokio::test]
async fn sessions_end_by_logout_and_by_expiry() {
    let h = harness();
    let mut auth = authenticator();
    let (account, token) = h.register(&mut auth, "x").await;
    let r = h.logout(&token).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        h.account(&token).await.code(),
        "unauthenticated",
        "logged out"
    );
    assert_eq!(h.logout(&token).await.status, StatusCode::UNAUTHORIZED);

    let r = h.login(&mut auth, &account).await;
    let token = r.string("token");
    assert_eq!(r.body["expires_at"], json!(T0 + 12 * 3600));
    h.advance(12 * 3600);
    assert_eq!(h.account(&token).await.code(), "unauthenticated", "expired");
}

#[tokio::test]
async fn add_list_and_remove_passkeys() {
    let h = harness();
    let (_, token) = h.register(&mut authenticator(), "x").await;

    let r = h
        .post(
            "/v1/account/passkeys/start",
            &json!({ "label": "laptop" }),
            None,
        )
        .await;
    assert_eq!(r.code(), "unauthenticated");
    let r = h
        .post("/v1/account/passkeys/start", &json!({}), Some(&token))
        .await;
    assert_eq!(r.code(), "missing_field");
    let start = h.add_passkey_start(&token, "laptop").await;
    assert_eq!(start.status, StatusCode::OK);
    let excluded = start.body["options"]["publicKey"]["excludeCredentials"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(excluded, 1, "the existing passkey is excluded");
    let mut laptop = authenticator();
    let finish = answer_registration(&mut laptop, &start.body);

    // Another account cannot finish this ceremony.
    let (_, other_token) = h.register(&mut authenticator(), "y").await;
    let r = h.add_passkey_finish(&other_token, &finish).await;
    assert_eq!(r.code(), "unknown_ceremony");

    let start = h.add_passkey_start(&token, "laptop").await;
    let finish = answer_registration(&mut laptop, &start.body);
    let r = h.add_passkey_finish(&token, &finish).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let new_id = r.string("id");

    let list = h.passkeys(&token).await;
    assert_eq!(list.body.as_array().unwrap().len(), 2);
    let first_id = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .find(|id| *id != new_id)
        .unwrap();

    let r = h.remove_passkey(&token, "!!").await;
    assert_eq!(r.error(), (StatusCode::BAD_REQUEST, "malformed_id"));
    let r = h.remove_passkey(&token, "AAAA").await;
    assert_eq!(r.error(), (StatusCode::NOT_FOUND, "unknown_passkey"));
    let r = h.remove_passkey(&other_token, &new_id).await;
    assert_eq!(r.code(), "unknown_passkey", "not another account's passkey");
    let r = h.remove_passkey(&token, &first_id).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = h.remove_passkey(&token, &new_id).await;
    assert_eq!(r.error(), (StatusCode::CONFLICT, "last_passkey"));
}

#[tokio::test]
async fn login_endpoints_are_rate_limited() {
    let h = harness_with(|c| {
        c.rate_limits = RateLimits {
            login_per_minute: NonZeroU32::new(2).unwrap(),
            ..RateLimits::default()
        };
    });
    for _ in 0..2 {
        assert_eq!(h.register_start("x").await.status, StatusCode::OK);
    }
    let r = h.login_start("AAAAAAAAAAAAAAAAAAAAAA").await;
    assert_eq!(
        r.error(),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        "the budget is shared"
    );
    assert!(r.headers.get(header::RETRY_AFTER).is_some());
    assert_eq!(
        h.get("/healthz", None).await.status,
        StatusCode::OK,
        "other routes are not limited"
    );
}

#[tokio::test]
async fn maintenance_purges_expired_sessions() {
    let h = harness();
    let mut auth = authenticator();
    let (account, old_token) = h.register(&mut auth, "x").await;
    h.advance(12 * 3600);
    let fresh = h.login(&mut auth, &account).await;
    h.state.maintain().await.unwrap();
    assert_eq!(h.account(&old_token).await.code(), "unauthenticated");
    let token = fresh.string("token");
    assert_eq!(h.account(&token).await.status, StatusCode::OK);
    let again = h.store.purge_expired(T0 + 12 * 3600).unwrap();
    assert_eq!(
        again.sessions, 0,
        "maintenance already removed the expired session"
    );
}

#[tokio::test]
async fn rate_limits_are_per_client_address() {
    use axum::extract::connect_info::MockConnectInfo;
    let h = harness_with(|c| {
        c.rate_limits = RateLimits {
            login_per_minute: NonZeroU32::new(1).unwrap(),
            ..RateLimits::default()
        };
    });
    let from = |ip: [u8; 4]| Harness {
        router: vault_server::app(h.state.clone())
            .layer(MockConnectInfo(std::net::SocketAddr::from((ip, 40000)))),
        clock: h.clock.clone(),
        store: h.store.clone(),
        state: h.state.clone(),
    };
    let (a, b) = (from([10, 0, 0, 1]), from([10, 0, 0, 2]));
    assert_eq!(a.register_start("x").await.status, StatusCode::OK);
    assert_eq!(a.register_start("x").await.code(), "rate_limited");
    assert_eq!(
        b.register_start("x").await.status,
        StatusCode::OK,
        "another address has its own budget"
    );
}

#[tokio::test]
async fn pending_ceremonies_are_capped() {
    let h = harness_with(|c| c.max_pending_ceremonies = 2);
    for _ in 0..2 {
        assert_eq!(h.register_start("x").await.status, StatusCode::OK);
    }
    let r = h.register_start("x").await;
    assert_eq!(r.error(), (StatusCode::SERVICE_UNAVAILABLE, "busy"));
    h.advance(301);
    assert_eq!(
        h.register_start("x").await.status,
        StatusCode::OK,
        "expired ceremonies make room"
    );
}
