//! The thin HTTP layer: everything else in the client builds requests and reads responses as
//! plain values, so the web app can swap in `fetch` and tests can swap in a fake server. No
//! I/O here: the transports live with the shells (`rugzak-cli` has the ureq one).

use std::future::Future;
use std::pin::Pin;

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

/// The stable code of [`InsecureServer`], for scripts.
pub const INSECURE_SERVER: &str = "insecure_server";

/// A server URL the client refuses to talk to: plain `http://` to another machine, user
/// information in the address (`https://bank.example@elders.example`), or no web URL at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "onveilige server-URL {server}: gebruik https:// (http:// mag alleen naar deze computer: \
     localhost, 127.0.0.1 of ::1) / insecure server URL {server}: use https:// (plain http:// \
     only to this computer: localhost, 127.0.0.1, ::1) ({INSECURE_SERVER})"
)]
pub struct InsecureServer {
    /// The URL as given.
    pub server: String,
}

/// Checks that `url` is `https://HOST…`, or `http://` to the loopback interface (`localhost`,
/// `127.0.0.1`, `[::1]`, with an optional port) for local development and tests. Refuses user
/// information (`…@host`), white space and control characters, which make the host shown
/// differ from the host used.
pub fn check_server_url(url: &str) -> Result<(), InsecureServer> {
    let refuse = || InsecureServer {
        server: url.chars().filter(|c| !c.is_control()).collect(),
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(refuse());
    }
    let lower = url.to_ascii_lowercase();
    let (secure, rest) = if let Some(rest) = lower.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = lower.strip_prefix("http://") {
        (false, rest)
    } else {
        return Err(refuse());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(refuse());
    }
    let (host, port) = split_host_port(authority).ok_or_else(refuse)?;
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let host_ok = if secure {
        !host.is_empty()
    } else {
        matches!(host, "localhost" | "127.0.0.1" | "[::1]")
    };
    if port_ok && host_ok {
        Ok(())
    } else {
        Err(refuse())
    }
}

/// `host[:port]` or `[v6]:port`; `None` for an unclosed bracket or junk after it.
fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if authority.starts_with('[') {
        let end = authority.find(']')?;
        let (host, after) = authority.split_at(end + 1);
        match after {
            "" => Some((host, None)),
            _ => after.strip_prefix(':').map(|port| (host, Some(port))),
        }
    } else {
        Some(match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        })
    }
}

/// A response on its way. Boxed, so that the trait stays object-safe, and not `Send`, so
/// that a browser's `fetch` can implement it.
pub type Sending<'a> = Pin<Box<dyn Future<Output = Result<HttpResponse, Unreachable>> + 'a>>;

/// Sends requests to one server: a blocking client answers with a ready future (the CLI), a
/// browser with `fetch` (the web app), a test with an in-process server.
pub trait Transport {
    /// The server's base URL, as named in access requests.
    fn server(&self) -> &str;
    /// Sends `request` and returns whatever status came back.
    fn send<'a>(&'a self, request: &'a HttpRequest) -> Sending<'a>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_plain_http_only_to_this_computer() {
        for ok in [
            "https://rugzak.example.nl",
            "https://rugzak.example.nl:8443/",
            "HTTPS://Rugzak.Example.NL/pad?x=1",
            "http://127.0.0.1:8080",
            "http://localhost",
            "http://LOCALHOST:9/",
            "http://[::1]:8080",
            "http://[::1]",
        ] {
            assert_eq!(check_server_url(ok), Ok(()), "{ok}");
        }
        for refused in [
            "http://rugzak.example.nl",
            "http://10.0.0.1:8080",
            "http://127.0.0.2",
            "http://localhost.example.nl",
            "http://localhost:8080@evil.example",
            "https://rugzak.example.nl@evil.example",
            "http://127.0.0.1:80x",
            "http://[::1]x",
            "http://[::1",
            "https://",
            "ftp://127.0.0.1",
            "127.0.0.1:8080",
            "https://rugzak.example.nl /x",
            "",
        ] {
            assert!(check_server_url(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn the_refusal_says_what_to_do_in_dutch_and_english_with_a_code() {
        let err = check_server_url("http://rugzak.example.nl").expect_err("insecure");
        let text = err.to_string();
        assert!(
            text.starts_with("onveilige server-URL http://rugzak.example.nl"),
            "{text}"
        );
        assert!(text.contains("use https://"), "{text}");
        assert!(text.ends_with("(insecure_server)"), "{text}");
    }
}
