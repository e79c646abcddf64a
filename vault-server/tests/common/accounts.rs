//! Accounts: the registration and login ceremonies answered by the software passkey
//! authenticator, and the session-token routes, as calls on the [`Harness`].

use serde::Serialize;
use serde_json::{json, Value};
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse};

use axum::http::{Method, StatusCode};

use super::{origin, Harness, Reply};

pub type Authenticator = WebauthnAuthenticator<SoftPasskey>;

pub fn authenticator() -> Authenticator {
    WebauthnAuthenticator::new(SoftPasskey::new(true))
}

/// Runs the authenticator on a registration challenge; returns the body that finishes it.
pub fn answer_registration(auth: &mut Authenticator, challenge: &Value) -> Value {
    // The server asks for a discoverable passkey; the software authenticator cannot keep one.
    // A browser with such an authenticator would make a non-discoverable one instead, which
    // the server accepts: the test plays that browser.
    let mut options = challenge["options"].clone();
    options["publicKey"]["authenticatorSelection"]["requireResidentKey"] = json!(false);
    options["publicKey"]["authenticatorSelection"]["residentKey"] = json!("preferred");
    let options: CreationChallengeResponse = serde_json::from_value(options).unwrap();
    answer(challenge, auth.do_registration(origin(), options).unwrap())
}

/// Runs the authenticator on a login challenge; returns the body that finishes it.
pub fn answer_login(auth: &mut Authenticator, challenge: &Value) -> Value {
    let options: RequestChallengeResponse =
        serde_json::from_value(challenge["options"].clone()).unwrap();
    answer(
        challenge,
        auth.do_authentication(origin(), options).unwrap(),
    )
}

/// Answers a login that names no account, as a browser does with a discoverable passkey: the
/// person picks `credential` (base64url) and the assertion carries the passkey's user handle,
/// `handle` (base64url). The software authenticator has no discovery of its own, so the test
/// plays the browser's part of picking the credential.
pub fn answer_discover(
    auth: &mut Authenticator,
    challenge: &Value,
    credential: &str,
    handle: Option<&str>,
) -> Value {
    let mut options = challenge["options"].clone();
    options["publicKey"]["allowCredentials"] = json!([{ "type": "public-key", "id": credential }]);
    let options: RequestChallengeResponse = serde_json::from_value(options).unwrap();
    let mut finish = answer(
        challenge,
        auth.do_authentication(origin(), options).unwrap(),
    );
    finish["credential"]["response"]["userHandle"] = json!(handle);
    finish
}

fn answer(challenge: &Value, credential: impl Serialize) -> Value {
    json!({ "ceremony": challenge["ceremony"], "credential": credential })
}

impl Harness {
    pub async fn register_start(&self, label: &str) -> Reply {
        let body = json!({ "label": label });
        self.post("/v1/accounts/register/start", &body, None).await
    }

    pub async fn register_finish(&self, answer: &Value) -> Reply {
        self.post("/v1/accounts/register/finish", answer, None)
            .await
    }

    pub async fn login_start(&self, account: &str) -> Reply {
        let body = json!({ "account": account });
        self.post("/v1/session/login/start", &body, None).await
    }

    pub async fn login_finish(&self, answer: &Value) -> Reply {
        self.post("/v1/session/login/finish", answer, None).await
    }

    pub async fn discover_start(&self) -> Reply {
        self.post("/v1/session/discover/start", &json!(null), None)
            .await
    }

    pub async fn discover_finish(&self, answer: &Value) -> Reply {
        self.post("/v1/session/discover/finish", answer, None).await
    }

    /// Registers a new account with `auth`'s passkey; returns (account id, token).
    pub async fn register(&self, auth: &mut Authenticator, label: &str) -> (String, String) {
        let start = self.register_start(label).await;
        assert_eq!(start.status, StatusCode::OK, "{:?}", start.body);
        let finish = self
            .register_finish(&answer_registration(auth, &start.body))
            .await;
        assert_eq!(finish.status, StatusCode::OK, "{:?}", finish.body);
        (finish.string("account"), finish.string("token"))
    }

    /// Logs in to `account` with `auth`'s passkey; the reply carries the new token.
    pub async fn login(&self, auth: &mut Authenticator, account: &str) -> Reply {
        let start = self.login_start(account).await;
        assert_eq!(start.status, StatusCode::OK, "{:?}", start.body);
        self.login_finish(&answer_login(auth, &start.body)).await
    }

    pub async fn logout(&self, token: &str) -> Reply {
        self.post("/v1/session/logout", &json!({}), Some(token))
            .await
    }

    /// The account that `token` is a session of.
    pub async fn account(&self, token: &str) -> Reply {
        self.get("/v1/account", Some(token)).await
    }

    pub async fn passkeys(&self, token: &str) -> Reply {
        self.get("/v1/account/passkeys", Some(token)).await
    }

    pub async fn add_passkey_start(&self, token: &str, label: &str) -> Reply {
        let body = json!({ "label": label });
        self.post("/v1/account/passkeys/start", &body, Some(token))
            .await
    }

    pub async fn add_passkey_finish(&self, token: &str, answer: &Value) -> Reply {
        self.post("/v1/account/passkeys/finish", answer, Some(token))
            .await
    }

    pub async fn remove_passkey(&self, token: &str, id: &str) -> Reply {
        let path = format!("/v1/account/passkeys/{id}");
        self.call(Method::DELETE, &path, Some(token)).await
    }
}
