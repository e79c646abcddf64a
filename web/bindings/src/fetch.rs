//! The browser's transport: the client core's signed requests sent with `fetch`.

use js_sys::{Reflect, Uint8Array};
use vault_client::transport::{check_server_url, HttpRequest, HttpResponse, Sending, Transport};
use vault_client::Unreachable;
use wasm_bindgen::{JsCast as _, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestInit, Response};

/// Sends the core's requests to one server with the global `fetch` (page or worker).
#[derive(Debug, Clone)]
pub struct FetchTransport {
    base: String,
}

impl FetchTransport {
    /// A transport to `base`; refused as the core refuses it for the CLI (plain `http://` only
    /// to this computer).
    pub fn new(base: &str) -> Result<Self, vault_client::transport::InsecureServer> {
        check_server_url(base)?;
        Ok(Self {
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    async fn send_now(&self, request: &HttpRequest) -> Result<HttpResponse, Unreachable> {
        let unreachable = |what: &str| Unreachable {
            server: self.base.clone(),
            reason: what.to_owned(),
        };
        let headers = Headers::new().map_err(|_| unreachable("headers"))?;
        for (name, value) in &request.headers {
            headers
                .set(name, value)
                .map_err(|_| unreachable("header"))?;
        }
        let init = RequestInit::new();
        init.set_method(request.method);
        if !request.body.is_empty() {
            headers
                .set("Content-Type", "application/json")
                .map_err(|_| unreachable("header"))?;
            let body = Uint8Array::from(request.body.as_slice());
            init.set_body(&body);
        }
        init.set_headers(&headers);
        let url = format!("{}{}", self.base, request.path_and_query);
        let req = Request::new_with_str_and_init(&url, &init).map_err(|_| unreachable("url"))?;
        let fetch = Reflect::get(&js_sys::global(), &JsValue::from_str("fetch"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .ok_or_else(|| unreachable("no fetch"))?;
        let promise = fetch
            .call1(&JsValue::UNDEFINED, &req)
            .map_err(|_| unreachable("fetch"))?;
        let response: Response = JsFuture::from(js_sys::Promise::from(promise))
            .await
            .map_err(|_| unreachable("network"))?
            .dyn_into()
            .map_err(|_| unreachable("response"))?;
        let buffer = JsFuture::from(response.array_buffer().map_err(|_| unreachable("body"))?)
            .await
            .map_err(|_| unreachable("body"))?;
        Ok(HttpResponse {
            status: response.status(),
            body: Uint8Array::new(&buffer).to_vec(),
        })
    }
}

impl Transport for FetchTransport {
    fn server(&self) -> &str {
        &self.base
    }

    fn send<'a>(&'a self, request: &'a HttpRequest) -> Sending<'a> {
        Box::pin(self.send_now(request))
    }
}
