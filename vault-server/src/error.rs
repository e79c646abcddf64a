//! The one error type of the HTTP API: a stable machine `code`, a safe bilingual message.
//!
//! Messages never echo request content (no field values, no ids from the body, no secrets):
//! only our own fixed texts and, for field errors, the JSON path of the field.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::store::{GrantDenied, StoreError};

/// The JSON body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable snake_case code for programs (`unknown_vault`, `body_too_large`, ...).
    #[schema(example = "unknown_vault")]
    pub code: &'static str,
    /// Text for people, Dutch first, then English.
    pub message: String,
}

/// What went wrong with a field of a JSON body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldProblem {
    /// A required field is absent.
    Missing,
    /// A field the schema does not know.
    Unknown,
    /// Bytes that are not unpadded base64url.
    MalformedBase64,
    /// Bytes of the wrong length (ids, keys, signatures).
    WrongLength,
    /// Any other wrong value or type.
    Invalid,
}

/// An API error. Each variant maps to one status and one stable code.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The body exceeds the configured limit.
    #[error("request body too large")]
    BodyTooLarge,
    /// The body is not declared as JSON.
    #[error("unsupported content type")]
    UnsupportedMediaType,
    /// The body is not well-formed JSON.
    #[error("malformed JSON")]
    MalformedJson,
    /// A field has a problem; `path` is the field's JSON path (names from our schema only).
    #[error("invalid field {path}")]
    InvalidField {
        /// JSON path, e.g. `credential.response`.
        path: String,
        /// What is wrong with it.
        problem: FieldProblem,
    },
    /// A path segment is not a well-formed id.
    #[error("malformed id in path")]
    MalformedPath,
    /// The query string is malformed.
    #[error("malformed query")]
    MalformedQuery,
    /// No vault with this id.
    #[error("unknown vault")]
    UnknownVault,
    /// No account with this id.
    #[error("unknown account")]
    UnknownAccount,
    /// No route for this path.
    #[error("no such endpoint")]
    NotFound,
    /// The route exists, but not for this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// No valid session token.
    #[error("not authenticated")]
    Unauthenticated,
    /// The ceremony id is unknown, used or expired.
    #[error("unknown or expired ceremony")]
    UnknownCeremony,
    /// The authenticator's response did not verify.
    #[error("passkey rejected")]
    PasskeyRejected,
    /// The passkey is registered already.
    #[error("passkey already registered")]
    CredentialTaken,
    /// The account has no such passkey.
    #[error("unknown passkey")]
    UnknownPasskey,
    /// Removing the last passkey would lock the account.
    #[error("cannot remove the last passkey")]
    LastPasskey,
    /// A grantee's grant does not allow the request (see [`GrantDenied`]).
    #[error("grant refused: {0}")]
    Grant(#[from] GrantDenied),
    /// Too many requests from this client.
    #[error("rate limited")]
    RateLimited {
        /// Seconds until a retry may succeed.
        retry_after_secs: u64,
    },
    /// Too many passkey ceremonies in progress server-wide.
    #[error("too many pending ceremonies")]
    Busy,
    /// The store failed.
    #[error("storage failure: {0}")]
    Storage(#[from] StoreError),
    /// A bug on our side.
    #[error("internal error: {0}")]
    Internal(&'static str),
}

impl AppError {
    /// The HTTP status.
    #[must_use]
    pub const fn status(&self) -> StatusCode {
        match self {
            Self::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::MalformedJson | Self::MalformedPath | Self::MalformedQuery => {
                StatusCode::BAD_REQUEST
            }
            Self::InvalidField { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::UnknownVault | Self::UnknownAccount | Self::NotFound | Self::UnknownPasskey => {
                StatusCode::NOT_FOUND
            }
            Self::UnknownCeremony => StatusCode::GONE,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Unauthenticated | Self::PasskeyRejected => StatusCode::UNAUTHORIZED,
            Self::CredentialTaken | Self::LastPasskey => StatusCode::CONFLICT,
            Self::Grant(GrantDenied::Unknown) => StatusCode::NOT_FOUND,
            Self::Grant(_) => StatusCode::FORBIDDEN,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Storage(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine code.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::BodyTooLarge => "body_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::MalformedJson => "malformed_json",
            Self::InvalidField { problem, .. } => match problem {
                FieldProblem::Missing => "missing_field",
                FieldProblem::Unknown => "unknown_field",
                FieldProblem::MalformedBase64 => "malformed_base64",
                FieldProblem::WrongLength => "wrong_length",
                FieldProblem::Invalid => "invalid_field",
            },
            Self::MalformedPath => "malformed_id",
            Self::MalformedQuery => "malformed_query",
            Self::UnknownVault => "unknown_vault",
            Self::UnknownAccount => "unknown_account",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Unauthenticated => "unauthenticated",
            Self::UnknownCeremony => "unknown_ceremony",
            Self::PasskeyRejected => "passkey_rejected",
            Self::CredentialTaken => "credential_taken",
            Self::UnknownPasskey => "unknown_passkey",
            Self::LastPasskey => "last_passkey",
            Self::Grant(denied) => match denied {
                GrantDenied::Unknown => "unknown_grant",
                GrantDenied::Revoked => "grant_revoked",
                GrantDenied::NotYetValid => "grant_not_yet_valid",
                GrantDenied::Expired => "grant_expired",
                GrantDenied::ScopeNotGranted => "scope_not_granted",
            },
            Self::RateLimited { .. } => "rate_limited",
            Self::Busy => "busy",
            Self::Storage(_) => "storage_error",
            Self::Internal(_) => "internal_error",
        }
    }

    /// The message for people: Dutch, then English. Contains no request content.
    #[must_use]
    pub fn message(&self) -> String {
        match self {
            Self::BodyTooLarge => "Het verzoek is te groot. / The request body is too large.".into(),
            Self::UnsupportedMediaType => {
                "Stuur JSON met Content-Type: application/json. / Send JSON with Content-Type: application/json."
                    .into()
            }
            Self::MalformedJson => "Het verzoek is geen geldige JSON. / The request body is not valid JSON.".into(),
            Self::InvalidField { path, problem } => {
                let (nl, en) = match problem {
                    FieldProblem::Missing => ("ontbreekt", "is missing"),
                    FieldProblem::Unknown => ("is onbekend", "is not known"),
                    FieldProblem::MalformedBase64 => ("is geen base64url", "is not base64url"),
                    FieldProblem::WrongLength => ("heeft de verkeerde lengte", "has the wrong length"),
                    FieldProblem::Invalid => ("heeft een ongeldige waarde", "has an invalid value"),
                };
                format!("Veld `{path}` {nl}. / Field `{path}` {en}.")
            }
            Self::MalformedPath => "Een id in het pad is ongeldig. / An id in the path is malformed.".into(),
            Self::MalformedQuery => "De query is ongeldig. / The query string is malformed.".into(),
            Self::UnknownVault => "Deze rugzak bestaat niet. / There is no such vault.".into(),
            Self::UnknownAccount => "Dit account bestaat niet. / There is no such account.".into(),
            Self::NotFound => "Dit adres bestaat niet. / There is no such endpoint.".into(),
            Self::MethodNotAllowed => {
                "Deze methode kan hier niet. / This method is not allowed here.".into()
            }
            Self::Unauthenticated => "Log eerst in. / Log in first.".into(),
            Self::UnknownCeremony => {
                "Deze aanmelding is verlopen of al gebruikt; begin opnieuw. / This ceremony expired or was used; start again."
                    .into()
            }
            Self::PasskeyRejected => "De passkey is niet geaccepteerd. / The passkey was not accepted.".into(),
            Self::CredentialTaken => {
                "Deze passkey is al geregistreerd. / This passkey is registered already.".into()
            }
            Self::UnknownPasskey => "Deze passkey bestaat niet. / There is no such passkey.".into(),
            Self::LastPasskey => {
                "Dit is je laatste passkey; voeg eerst een andere toe. / This is your last passkey; add another first."
                    .into()
            }
            Self::Grant(denied) => match denied {
                GrantDenied::Unknown => "Deze toegang bestaat niet. / There is no such grant.",
                GrantDenied::Revoked => "Deze toegang is ingetrokken. / This grant was revoked.",
                GrantDenied::NotYetValid => "Deze toegang geldt nog niet. / This grant is not valid yet.",
                GrantDenied::Expired => "Deze toegang is verlopen. / This grant has expired.",
                GrantDenied::ScopeNotGranted => {
                    "Deze toegang geldt niet voor dit onderdeel of deze handeling. / This grant does not cover this scope or action."
                }
            }
            .into(),
            Self::RateLimited { retry_after_secs } => format!(
                "Te veel pogingen; probeer het over {retry_after_secs} s opnieuw. / Too many attempts; retry in {retry_after_secs} s."
            ),
            Self::Busy => "De server is druk; probeer het zo opnieuw. / The server is busy; retry shortly.".into(),
            Self::Storage(_) | Self::Internal(_) => {
                "Er ging iets mis bij de server. / Something went wrong on the server.".into()
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            // Our own error texts carry no request content; store errors name trees, not data.
            tracing::error!(code = self.code(), error = %self, "request failed");
        } else {
            tracing::debug!(code = self.code(), "request refused");
        }
        let retry_after = match &self {
            Self::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        let unauthenticated = matches!(self, Self::Unauthenticated);
        let body = ErrorBody {
            code: self.code(),
            message: self.message(),
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if unauthenticated {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_refusals_have_distinct_stable_codes() {
        let all = [
            GrantDenied::Unknown,
            GrantDenied::Revoked,
            GrantDenied::NotYetValid,
            GrantDenied::Expired,
            GrantDenied::ScopeNotGranted,
        ];
        let codes: std::collections::BTreeSet<_> =
            all.iter().map(|d| AppError::from(*d).code()).collect();
        assert_eq!(codes.len(), all.len());
        assert_eq!(
            AppError::from(GrantDenied::Unknown).status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            AppError::from(GrantDenied::Revoked).status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(AppError::from(GrantDenied::Revoked).code(), "grant_revoked");
    }

    #[test]
    fn server_errors_do_not_expose_their_cause() {
        let err = AppError::Storage(StoreError::Backend("/var/lib/rugzak: disk full".into()));
        assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            !err.message().contains("disk"),
            "the cause goes to the log only"
        );
    }
}
