//! The thin HTTP layer: everything else in the client builds requests and reads responses as
//! plain values, so the web app can swap in `fetch` and tests can swap in a fake server.

use std::time::Duration;

/// One HTTP request, already signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`, `POST`, `DELETE`.
    pub method: &'static str,
    /// Path and query exactly as signed (`/v1/...`).
    pub path_and_query: String,
    /// Extra headers (the four `Rugzak-*` signature headers).
    pub headers: Vec<(&'static str, String)>,
    /// JSON body bytes; empty for `GET` (and sent without a `Content-Type` when empty).
    pub body: Vec<u8>,
}

/// The status and body of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// HTTP status code.
    pub status: u16,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// The server could not be reached at all (no HTTP status).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("server {server} unreachable: {reason}")]
pub struct Unreachable {
    /// The server's base URL.
    pub server: String,
    /// What the network layer said (no request content).
    pub reason: String,
}

/// Sends requests to one server.
pub trait Transport {
    /// The server's base URL, as named in access requests.
    fn server(&self) -> &str;
    /// Sends `request` and returns whatever status came back.
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, Unreachable>;
}

/// A blocking HTTP transport (ureq).
#[derive(Debug)]
pub struct UreqTransport {
    base: String,
    agent: ureq::Agent,
}

impl UreqTransport {
    /// A transport to `base` (e.g. `http://127.0.0.1:8080`); a trailing `/` is dropped.
    #[must_use]
    pub fn new(base: &str) -> Self {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .build();
        Self {
            base: base.trim_end_matches('/').to_owned(),
            agent,
        }
    }
}

impl Transport for UreqTransport {
    fn server(&self) -> &str {
        &self.base
    }

    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, Unreachable> {
        let url = format!("{}{}", self.base, request.path_and_query);
        let mut call = self.agent.request(request.method, &url);
        for (name, value) in &request.headers {
            call = call.set(name, value);
        }
        let result = if request.body.is_empty() {
            call.call()
        } else {
            call.set("Content-Type", "application/json")
                .send_bytes(&request.body)
        };
        let response = match result {
            Ok(response) | Err(ureq::Error::Status(_, response)) => response,
            Err(ureq::Error::Transport(err)) => {
                return Err(Unreachable {
                    server: self.base.clone(),
                    reason: err.kind().to_string(),
                })
            }
        };
        let status = response.status();
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut response.into_reader(), &mut body).map_err(|err| {
            Unreachable {
                server: self.base.clone(),
                reason: err.kind().to_string(),
            }
        })?;
        Ok(HttpResponse { status, body })
    }
}
