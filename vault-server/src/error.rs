//! The one error type of the HTTP API: a stable machine `code`, a safe bilingual message.
//!
//! Messages never echo request content (no field values, no ids from the body, no secrets):
//! only our own fixed texts and, for field errors, the JSON path of the field.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::store::StoreError;

/// The JSON body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable snake_case code for programs (`unknown_vault`, `body_too_large`, ...).
    #[schema(example = "unknown_vault")]
    pub code: &'static str,
    /// Text for people, Dutch first, then English.
    pub message: String,
    /// Passcode tries left (`wrong_passcode` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u8>,
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

/// Why a grantee request was refused (each has its own stable code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GranteeRefusal {
    /// The grant was revoked.
    Revoked,
    /// The grant expired.
    Expired,
    /// The grant is not valid yet.
    NotYetValid,
    /// The grant's uses are used up.
    UsesExhausted,
    /// The grant does not cover the scope (in this mode).
    ScopeNotGranted,
    /// An append-only grantee tried to read.
    AppendOnly,
    /// The caller has no grant on this vault.
    NoGrant,
}

impl GranteeRefusal {
    /// The stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Revoked => "grant_revoked",
            Self::Expired => "grant_expired",
            Self::NotYetValid => "grant_not_yet_valid",
            Self::UsesExhausted => "grant_uses_exhausted",
            Self::ScopeNotGranted => "scope_not_granted",
            Self::AppendOnly => "append_only",
            Self::NoGrant => "no_grant",
        }
    }

    const fn message(self) -> &'static str {
        match self {
            Self::Revoked => "De toegang is ingetrokken. / The grant was revoked.",
            Self::Expired => "De toegang is verlopen. / The grant has expired.",
            Self::NotYetValid => "De toegang geldt nog niet. / The grant is not valid yet.",
            Self::UsesExhausted => {
                "De toegang is opgebruikt. / The grant's uses are exhausted."
            }
            Self::ScopeNotGranted => {
                "Voor dit onderdeel is geen toegang gegeven. / This scope was not granted."
            }
            Self::AppendOnly => {
                "Je mag alleen toevoegen, niet lezen. / This grant allows appending only, not reading."
            }
            Self::NoGrant => "Je hebt geen toegang tot deze rugzak. / You have no grant on this vault.",
        }
    }
}

/// An API error. Each variant maps to one status and one stable code.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The body exceeds the configured limit.
    #[error("request body too large")]
    BodyTooLarge,
    /// More items (or keys) in one request than the endpoint takes.
    #[error("too many items in one request")]
    TooManyItems,
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
    /// Too many requests from this client.
    #[error("rate limited")]
    RateLimited {
        /// Seconds until a retry may succeed.
        retry_after_secs: u64,
    },
    /// This key sent too many bad signatures from this address lately.
    #[error("too many bad signatures")]
    TooManyBadSignatures {
        /// Seconds until it is no longer refused.
        retry_after_secs: u64,
    },
    /// Too many passkey ceremonies in progress server-wide.
    #[error("too many pending ceremonies")]
    Busy,
    /// A request needing a signature carries none.
    #[error("missing request signature")]
    MissingSignature,
    /// The signature headers cannot be read.
    #[error("malformed request signature headers")]
    MalformedSignature,
    /// The signing key is not enrolled.
    #[error("unknown signing key")]
    UnknownKey,
    /// The request signature does not verify.
    #[error("bad request signature")]
    BadSignature,
    /// The request was signed too far from the server's time.
    #[error("request time outside the allowed clock skew")]
    ClockSkew,
    /// The request's nonce was used before.
    #[error("replayed request")]
    ReplayedRequest,
    /// The caller is not the vault's owner.
    #[error("not the owner of this vault")]
    NotOwner,
    /// A grantee was refused.
    #[error("grantee refused: {}", .0.code())]
    Grantee(GranteeRefusal),
    /// The submitted grant does not verify against the vault key.
    #[error("forged grant")]
    ForgedGrant,
    /// The grant asks more than the request.
    #[error("widened scope")]
    WidenedScope,
    /// The grant lasts longer than requested.
    #[error("expiry beyond request")]
    ExpiryBeyondRequest,
    /// The grant does not answer the given request.
    #[error("grant does not match request")]
    GrantRequestMismatch,
    /// The access request is expired or not yet valid.
    #[error("request expired")]
    RequestExpired,
    /// The access request is malformed or its signature does not verify.
    #[error("invalid access request")]
    InvalidRequest,
    /// The request nonce was already answered by a grant.
    #[error("grant nonce reused")]
    NonceReused,
    /// A grant with this id exists.
    #[error("grant exists")]
    GrantExists,
    /// No such grant on this vault.
    #[error("unknown grant")]
    UnknownGrant,
    /// The revocation does not verify.
    #[error("invalid revocation")]
    InvalidRevocation,
    /// The accompanying log entry does not verify or does not describe this action.
    #[error("invalid log entry")]
    InvalidLogEntry,
    /// The log entry is not at the current head.
    #[error("log head moved")]
    LogHeadMoved,
    /// An item id exists with other content.
    #[error("item conflict")]
    ItemConflict,
    /// An item is not sealed the way this endpoint needs.
    #[error("wrong sealing")]
    WrongSealing,
    /// A scope key is for another vault.
    #[error("scope key for another vault")]
    WrongVault,
    /// A scope key's vault signature does not verify (forged or altered labels or ciphertext).
    #[error("scope key not signed by the vault")]
    ForgedScopeKey,
    /// The vault already holds another key of its own for this scope and epoch.
    #[error("epoch taken")]
    EpochTaken {
        /// The scope.
        scope: crypto::Scope,
        /// The epoch.
        epoch: u32,
    },
    /// An appended item is sealed to an append key older than the scope's newest epoch (the
    /// keys rotated since the appender fetched them).
    #[error("stale append key")]
    StaleAppendKey {
        /// The scope.
        scope: crypto::Scope,
        /// Its newest epoch.
        newest: u32,
    },
    /// No such item.
    #[error("unknown item")]
    UnknownItem,
    /// No such access request (or expired).
    #[error("request not found")]
    RequestNotFound,
    /// The access request exists already.
    #[error("request exists")]
    RequestExists,
    /// Unknown party.
    #[error("unknown party")]
    UnknownParty,
    /// A share link is unknown, expired, revoked or used up (deliberately one answer).
    #[error("link not found")]
    LinkNotFound,
    /// A share link with this id exists.
    #[error("link exists")]
    LinkExists,
    /// Wrong share-link passcode.
    #[error("wrong passcode")]
    WrongPasscode {
        /// Tries left.
        remaining: u8,
    },
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
            Self::BodyTooLarge | Self::TooManyItems => StatusCode::PAYLOAD_TOO_LARGE,
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
            Self::RateLimited { .. } | Self::TooManyBadSignatures { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::MissingSignature
            | Self::UnknownKey
            | Self::BadSignature
            | Self::ClockSkew
            | Self::ReplayedRequest => StatusCode::UNAUTHORIZED,
            Self::MalformedSignature => StatusCode::BAD_REQUEST,
            Self::NotOwner | Self::Grantee(_) => StatusCode::FORBIDDEN,
            Self::ForgedGrant
            | Self::WidenedScope
            | Self::ExpiryBeyondRequest
            | Self::GrantRequestMismatch
            | Self::RequestExpired
            | Self::InvalidRequest
            | Self::InvalidRevocation
            | Self::InvalidLogEntry
            | Self::WrongSealing
            | Self::WrongVault
            | Self::ForgedScopeKey => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NonceReused
            | Self::GrantExists
            | Self::LogHeadMoved
            | Self::EpochTaken { .. }
            | Self::StaleAppendKey { .. }
            | Self::ItemConflict
            | Self::RequestExists
            | Self::LinkExists => StatusCode::CONFLICT,
            Self::UnknownGrant
            | Self::UnknownItem
            | Self::RequestNotFound
            | Self::UnknownParty
            | Self::LinkNotFound => StatusCode::NOT_FOUND,
            Self::WrongPasscode { .. } => StatusCode::UNAUTHORIZED,
            Self::Storage(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine code.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::BodyTooLarge => "body_too_large",
            Self::TooManyItems => "too_many_items",
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
            Self::RateLimited { .. } => "rate_limited",
            Self::TooManyBadSignatures { .. } => "too_many_bad_signatures",
            Self::Busy => "busy",
            Self::MissingSignature => "missing_signature",
            Self::MalformedSignature => "malformed_signature",
            Self::UnknownKey => "unknown_key",
            Self::BadSignature => "bad_signature",
            Self::ClockSkew => "clock_skew",
            Self::ReplayedRequest => "replayed_request",
            Self::NotOwner => "not_owner",
            Self::Grantee(refusal) => refusal.code(),
            Self::ForgedGrant => "forged_grant",
            Self::WidenedScope => "widened_scope",
            Self::ExpiryBeyondRequest => "expiry_beyond_request",
            Self::GrantRequestMismatch => "grant_request_mismatch",
            Self::RequestExpired => "request_expired",
            Self::InvalidRequest => "invalid_request",
            Self::NonceReused => "nonce_reused",
            Self::GrantExists => "grant_exists",
            Self::UnknownGrant => "unknown_grant",
            Self::InvalidRevocation => "invalid_revocation",
            Self::InvalidLogEntry => "invalid_log_entry",
            Self::LogHeadMoved => "log_head_moved",
            Self::EpochTaken { .. } => "epoch_taken",
            Self::StaleAppendKey { .. } => "stale_append_key",
            Self::ItemConflict => "item_conflict",
            Self::WrongSealing => "wrong_sealing",
            Self::WrongVault => "wrong_vault",
            Self::ForgedScopeKey => "forged_scope_key",
            Self::UnknownItem => "unknown_item",
            Self::RequestNotFound => "request_not_found",
            Self::RequestExists => "request_exists",
            Self::UnknownParty => "unknown_party",
            Self::LinkNotFound => "link_not_found",
            Self::LinkExists => "link_exists",
            Self::WrongPasscode { .. } => "wrong_passcode",
            Self::Storage(_) => "storage_error",
            Self::Internal(_) => "internal_error",
        }
    }

    /// The message for people: Dutch, then English. Contains no request content.
    #[must_use]
    pub fn message(&self) -> String {
        match self {
            Self::BodyTooLarge => "Het verzoek is te groot. / The request body is too large.".into(),
            Self::TooManyItems => "Te veel items in één verzoek; stuur ze in delen. / Too many items in one request; send them in parts.".into(),
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
            Self::RateLimited { retry_after_secs } => format!(
                "Te veel pogingen; probeer het over {retry_after_secs} s opnieuw. / Too many attempts; retry in {retry_after_secs} s."
            ),
            Self::TooManyBadSignatures { retry_after_secs } => format!(
                "Te veel verzoeken met een ongeldige handtekening; probeer het over {retry_after_secs} s opnieuw. / Too many requests with bad signatures; retry in {retry_after_secs} s."
            ),
            Self::Busy => "De server is druk; probeer het zo opnieuw. / The server is busy; retry shortly.".into(),
            Self::MissingSignature => "Dit verzoek moet ondertekend zijn. / This request must be signed.".into(),
            Self::MalformedSignature => "De handtekening-headers zijn ongeldig. / The signature headers are malformed.".into(),
            Self::UnknownKey => "Deze sleutel is niet aangemeld. / This key is not enrolled.".into(),
            Self::BadSignature => "De handtekening klopt niet. / The request signature does not verify.".into(),
            Self::ClockSkew => "De klok van dit apparaat loopt te ver uit de pas. / The request time is too far from the server's clock.".into(),
            Self::ReplayedRequest => "Dit verzoek is al eens verstuurd. / This request was already sent (replay).".into(),
            Self::NotOwner => "Alleen de eigenaar van de rugzak mag dit. / Only the vault's owner may do this.".into(),
            Self::Grantee(refusal) => refusal.message().into(),
            Self::ForgedGrant => "De toestemming is niet door deze rugzak ondertekend. / The grant is not signed by this vault.".into(),
            Self::WidenedScope => "De toestemming geeft meer dan gevraagd. / The grant gives more than was requested.".into(),
            Self::ExpiryBeyondRequest => "De toestemming duurt langer dan gevraagd. / The grant lasts longer than requested.".into(),
            Self::GrantRequestMismatch => "De toestemming hoort niet bij dit verzoek. / The grant does not answer this request.".into(),
            Self::RequestExpired => "Het toegangsverzoek is verlopen. / The access request has expired.".into(),
            Self::InvalidRequest => "Het toegangsverzoek is ongeldig. / The access request is invalid.".into(),
            Self::NonceReused => "Op dit verzoek is al geantwoord. / This request was already answered.".into(),
            Self::GrantExists => "Deze toestemming bestaat al. / This grant exists already.".into(),
            Self::UnknownGrant => "Deze toestemming bestaat niet. / There is no such grant.".into(),
            Self::InvalidRevocation => "De intrekking klopt niet. / The revocation does not verify.".into(),
            Self::InvalidLogEntry => "De logregel klopt niet bij deze actie. / The log entry does not verify or does not match this action.".into(),
            Self::LogHeadMoved => "Het logboek is intussen gewijzigd; haal het op en onderteken opnieuw. / The log moved on; refetch its head and sign again.".into(),
            Self::EpochTaken { scope, epoch } => format!("Er is al een sleutel voor {scope} versie {epoch}; haal de sleutels opnieuw op. / The vault already holds another key for {scope} epoch {epoch}; fetch the keys again and rotate past it."),
            Self::ItemConflict => "Er bestaat al een item met dit id. / An item with this id exists with other content.".into(),
            Self::StaleAppendKey { scope, newest } => format!("De sleutels van {scope} zijn intussen vernieuwd (nu versie {newest}); probeer het opnieuw. / The keys of {scope} were renewed meanwhile (now epoch {newest}); fetch them again and retry."),
            Self::WrongSealing => "Dit item is niet op de juiste manier versleuteld voor deze route. / This item is not sealed the way this endpoint needs.".into(),
            Self::WrongVault => "Deze sleutel hoort bij een andere rugzak. / This key belongs to another vault.".into(),
            Self::ForgedScopeKey => "Deze sleutel is niet door de rugzak ondertekend. / This key is not signed by the vault.".into(),
            Self::UnknownItem => "Dit item bestaat niet. / There is no such item.".into(),
            Self::RequestNotFound => "Dit toegangsverzoek bestaat niet (meer). / There is no such access request (any more).".into(),
            Self::RequestExists => "Dit toegangsverzoek bestaat al. / This access request exists already.".into(),
            Self::UnknownParty => "Deze partij is niet bekend. / There is no such party.".into(),
            Self::LinkNotFound => "Deze link bestaat niet of werkt niet meer. / This link does not exist or no longer works.".into(),
            Self::LinkExists => "Deze link bestaat al. / This link exists already.".into(),
            Self::WrongPasscode { remaining } => format!("Verkeerde toegangscode; nog {remaining} pogingen. / Wrong passcode; {remaining} tries left."),
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
            Self::RateLimited { retry_after_secs }
            | Self::TooManyBadSignatures { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        let unauthenticated = matches!(self, Self::Unauthenticated);
        let remaining = match &self {
            Self::WrongPasscode { remaining } => Some(*remaining),
            _ => None,
        };
        let body = ErrorBody {
            code: self.code(),
            message: self.message(),
            remaining,
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
    fn grantee_refusals_have_distinct_stable_codes_and_are_forbidden() {
        let all = [
            GranteeRefusal::Revoked,
            GranteeRefusal::Expired,
            GranteeRefusal::NotYetValid,
            GranteeRefusal::UsesExhausted,
            GranteeRefusal::ScopeNotGranted,
            GranteeRefusal::AppendOnly,
            GranteeRefusal::NoGrant,
        ];
        let codes: std::collections::BTreeSet<_> =
            all.iter().map(|r| AppError::Grantee(*r).code()).collect();
        assert_eq!(codes.len(), all.len());
        for refusal in all {
            assert_eq!(AppError::Grantee(refusal).status(), StatusCode::FORBIDDEN);
        }
        assert_eq!(
            AppError::Grantee(GranteeRefusal::Revoked).code(),
            "grant_revoked"
        );
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
