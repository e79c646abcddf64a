//! Serves a [`FakeServer`] over plain HTTP/1.1 on 127.0.0.1 so that the real `rugzak` binary
//! can be driven against the contract before (and independently of) the real server.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;

use vault_client::transport::HttpRequest;

use super::FakeServer;

/// The system clock, as the real `rugzak` reads it.
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Starts the server on a free port in a background thread; returns its base URL.
pub fn spawn() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        let server = FakeServer::new(now());
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            server.now.set(now());
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let mut parts = line.split_whitespace();
            let method = match parts.next() {
                Some("GET") => "GET",
                Some("POST") => "POST",
                Some("DELETE") => "DELETE",
                _ => continue,
            };
            let target = parts.next().unwrap_or("/").to_owned();
            let mut headers = Vec::new();
            let mut length = 0usize;
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                    break;
                }
                if let Some((name, value)) = h.trim().split_once(':') {
                    let (name, value) = (name.trim().to_owned(), value.trim().to_owned());
                    if name.eq_ignore_ascii_case("content-length") {
                        length = value.parse().unwrap_or(0);
                    }
                    for known in [
                        "Rugzak-Key",
                        "Rugzak-Timestamp",
                        "Rugzak-Nonce",
                        "Rugzak-Signature",
                    ] {
                        if name.eq_ignore_ascii_case(known) {
                            headers.push((known, value.clone()));
                        }
                    }
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            let response = if target == "/healthz" {
                vault_client::HttpResponse {
                    status: 200,
                    body: b"{}".to_vec(),
                }
            } else {
                let request = HttpRequest {
                    method,
                    path_and_query: target,
                    headers,
                    body,
                };
                server.answer(&request).expect("fake is up")
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                response.status,
                response.body.len()
            );
            let _ = stream.write_all(&response.body);
        }
    });
    format!("http://{addr}")
}
