//! The router: every route, its rate limits, OpenAPI, request ids and tracing.

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, MatchedPath};
use axum::handler::HandlerWithoutStateExt as _;
use axum::http::HeaderValue;
use axum::http::{header, Request};
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::AppError;
use crate::rate_limit::{self, Bucket};
use crate::state::AppState;
use crate::{accounts, grants, items, links, log_routes, vaults};

#[derive(OpenApi)]
#[openapi(
    info(title = "Rugzak vault server", description = "Stores ciphertext, wrapped keys and the consent log of Rugzak vaults."),
    modifiers(&SessionAuth),
    components(schemas(crate::error::ErrorBody)),
    tags(
        (name = "accounts", description = "Accounts, passkeys and sessions"),
        (name = "vaults", description = "Parties, vaults and the server key"),
        (name = "items", description = "Items and scope keys"),
        (name = "grants", description = "Access requests and grants"),
        (name = "links", description = "Share links"),
        (name = "log", description = "Consent log"),
        (name = "ops", description = "Operations"),
    )
)]
struct ApiDoc;

/// Declares the bearer session scheme referenced by `security(("session" = []))`.
struct SessionAuth;

impl Modify for SessionAuth {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Liveness answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    status: &'static str,
}

/// Liveness: the process serves requests.
#[utoipa::path(get, path = "/healthz", tag = "ops", responses((status = 200, body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// The routes with their OpenAPI description.
fn api(state: &AppState) -> OpenApiRouter<AppState> {
    let login_limited = OpenApiRouter::new()
        .routes(routes!(accounts::register_start))
        .routes(routes!(accounts::register_finish))
        .routes(routes!(accounts::login_start))
        .routes(routes!(accounts::login_finish))
        .routes(routes!(accounts::discover_start))
        .routes(routes!(accounts::discover_finish))
        .route_layer(middleware::from_fn_with_state(
            (state.clone(), Bucket::Login),
            rate_limit::limit,
        ));
    let passcode_limited = OpenApiRouter::new()
        .routes(routes!(links::open_link))
        .route_layer(middleware::from_fn_with_state(
            (state.clone(), Bucket::Passcode),
            rate_limit::limit,
        ));
    let request_limited = OpenApiRouter::new()
        .routes(routes!(grants::post_request))
        .route_layer(middleware::from_fn_with_state(
            (state.clone(), Bucket::Request),
            rate_limit::limit,
        ));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(healthz))
        .merge(login_limited)
        .routes(routes!(accounts::logout))
        .routes(routes!(accounts::account))
        .routes(routes!(accounts::list_passkeys))
        .routes(routes!(accounts::add_passkey_start))
        .routes(routes!(accounts::add_passkey_finish))
        .routes(routes!(accounts::remove_passkey))
        .merge(passcode_limited)
        .merge(request_limited)
        .routes(routes!(vaults::enrol_party))
        .routes(routes!(vaults::party))
        .routes(routes!(vaults::register_vault))
        .routes(routes!(vaults::vault_keys))
        .routes(routes!(vaults::server))
        .routes(routes!(items::put_items, items::list_items))
        .routes(routes!(items::get_item))
        .routes(routes!(items::put_scope_keys, items::get_scope_keys))
        .routes(routes!(items::append))
        .routes(routes!(items::get_append_keys))
        .routes(routes!(grants::get_request))
        .routes(routes!(grants::submit_grant, grants::vault_grants))
        .routes(routes!(grants::my_grants))
        .routes(routes!(grants::revoke))
        .routes(routes!(links::create_link))
        .routes(routes!(links::revoke_link))
        .routes(routes!(log_routes::read_log, log_routes::append_log))
        .routes(routes!(log_routes::audit_events))
}

/// The OpenAPI document of every route.
#[must_use]
pub fn openapi(state: &AppState) -> utoipa::openapi::OpenApi {
    api(state).into_openapi()
}

/// The span of one request: request id, method and route template. Never the raw URI: path
/// segments can be capabilities (share-link ids) and query strings can carry anything.
fn request_span(req: &Request<Body>) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    tracing::info_span!("request", id, method = %req.method(), route)
}

/// The policy of every response: the web app loads only its own files (WebAssembly needs
/// `wasm-unsafe-eval`), shows its own pictures and camera frames, and talks only to this server.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; \
     worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

async fn not_found() -> AppError {
    AppError::NotFound
}

/// The application: all routes over `state`.
pub fn app(state: AppState) -> Router {
    let (router, openapi) = api(&state).split_for_parts();
    let openapi_json = openapi.to_json().unwrap_or_else(|_| "{}".to_owned());
    let body_limit = state.config().body_limit;
    let router = router.route(
        "/v1/openapi.json",
        get(move || async move {
            ([(header::CONTENT_TYPE, "application/json")], openapi_json).into_response()
        }),
    );
    let router = match &state.config().web_dir {
        // The web app's files; anything else (an unknown API path too) is the API's 404. A
        // share link (`/open#<key>`) is the app's page too: the key stays in the fragment,
        // which browsers never send.
        Some(dir) => router
            .route_service("/open", ServeFile::new(dir.join("index.html")))
            .fallback_service(
                ServeDir::new(dir)
                    .append_index_html_on_directories(true)
                    .not_found_service(not_found.into_service()),
            ),
        None => router.fallback(not_found),
    };
    router
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::auth::durable_nonces,
        ))
        // The web app runs only its own code: scripts and WebAssembly from this origin, no
        // inline script, no framing. API answers are JSON and unaffected.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        // Responses hold tokens and ciphertext: never cache them; never sniff their type.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
