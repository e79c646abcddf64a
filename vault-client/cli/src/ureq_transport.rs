//! The CLI's transport: blocking HTTP over ureq.

use std::time::Duration;

use vault_client::transport::{
    check_server_url, HttpRequest, HttpResponse, InsecureServer, Sending, Transport, Unreachable,
};

/// A blocking HTTP transport (ureq).
#[derive(Debug)]
pub struct UreqTransport {
    base: String,
    agent: ureq::Agent,
    /// Set when `base` failed [`check_server_url`]: every request is refused with it.
    insecure: Option<InsecureServer>,
}

impl UreqTransport {
    /// A transport to `base` (e.g. `https://rugzak.example.nl`, or `http://127.0.0.1:8080`); a
    /// trailing `/` is dropped. A base that fails [`check_server_url`] sends nothing: every
    /// request fails (callers should check first with [`Self::checked`] for a clear error).
    #[must_use]
    pub fn new(base: &str) -> Self {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .build();
        Self {
            base: base.trim_end_matches('/').to_owned(),
            agent,
            insecure: check_server_url(base).err(),
        }
    }

    /// [`Self::new`], refusing an insecure `base` at once.
    pub fn checked(base: &str) -> Result<Self, InsecureServer> {
        check_server_url(base)?;
        Ok(Self::new(base))
    }
}

impl Transport for UreqTransport {
    fn server(&self) -> &str {
        &self.base
    }

    fn send<'a>(&'a self, request: &'a HttpRequest) -> Sending<'a> {
        // Blocking: the answer is there before the future is handed back.
        Box::pin(std::future::ready(self.send_now(request)))
    }
}

impl UreqTransport {
    fn send_now(&self, request: &HttpRequest) -> Result<HttpResponse, Unreachable> {
        if let Some(insecure) = &self.insecure {
            return Err(Unreachable {
                server: self.base.clone(),
                reason: insecure.to_string(),
            });
        }
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

#[cfg(test)]
mod tests {
    use pollster::FutureExt as _;
    use vault_client::transport::INSECURE_SERVER;

    use super::*;

    #[test]
    fn an_insecure_transport_sends_nothing() {
        assert!(UreqTransport::checked("http://rugzak.example.nl").is_err());
        let transport = UreqTransport::new("http://rugzak.example.nl");
        let request = HttpRequest {
            method: "GET",
            path_and_query: "/v1/server".into(),
            headers: Vec::new(),
            body: Vec::new(),
        };
        let err = transport.send(&request).block_on().expect_err("refused");
        assert!(err.reason.contains(INSECURE_SERVER), "{err}");
    }
}
