//! Request extractors whose every rejection is an [`AppError`] with a precise code.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{AppError, FieldProblem};

/// A JSON body: requires `Content-Type: application/json` (or `+json`), honours the body
/// limit, and reports the path of a bad field without echoing its value.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

/// Whether a `Content-Type` names JSON: `application/json` or `application/<something>+json`.
pub fn is_json(content_type: Option<&header::HeaderValue>) -> bool {
    let Some(Ok(text)) = content_type.map(|v| v.to_str()) else {
        return false;
    };
    let mime = text
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers().get(header::CONTENT_TYPE)) {
            return Err(AppError::UnsupportedMediaType);
        }
        parse_json(&body_bytes(req, state).await?).map(Self)
    }
}

/// The whole body, within the body limit (else `413 body_too_large`).
pub async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, AppError> {
    Bytes::from_request(req, state)
        .await
        .map_err(|e: BytesRejection| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::BodyTooLarge
            } else {
                AppError::MalformedJson
            }
        })
}

/// Parses JSON, mapping errors to codes by their kind and path only.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() {
            AppError::InvalidField {
                problem: classify(&inner.to_string()),
                path,
            }
        } else {
            AppError::MalformedJson
        }
    })?;
    de.end().map_err(|_| AppError::MalformedJson)?;
    Ok(value)
}

/// Sorts a serde data error by its fixed wording (serde's and `crypto::encoding`'s). The
/// wording itself never reaches the client, because it may quote the offending value.
fn classify(message: &str) -> FieldProblem {
    if message.starts_with("missing field") {
        FieldProblem::Missing
    } else if message.starts_with("unknown field") {
        FieldProblem::Unknown
    } else if message.contains("malformed base64url") {
        FieldProblem::MalformedBase64
    } else if message.contains("unexpected length") || message.contains("invalid length") {
        FieldProblem::WrongLength
    } else {
        FieldProblem::Invalid
    }
}

/// Path parameters (ids); a malformed one is `400 malformed_id`.
#[derive(Debug, Clone, Copy)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| Self(v))
            .map_err(|_| AppError::MalformedPath)
    }
}

/// A query string; a malformed one is `400 malformed_query`.
#[derive(Debug, Clone, Copy)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| Self(v))
            .map_err(|_| AppError::MalformedQuery)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code, reason = "fields are only deserialised")]
    struct Probe {
        vault: crypto::VaultId,
        count: u32,
    }

    fn code(json: &str) -> &'static str {
        parse_json::<Probe>(json.as_bytes())
            .map(|_| "ok")
            .unwrap_or_else(|e| e.code())
    }

    #[test]
    fn json_errors_get_precise_codes() {
        let v = crypto::VaultId::from_bytes([1; 16]);
        assert_eq!(code(&format!(r#"{{"vault":"{v}","count":1}}"#)), "ok");
        assert_eq!(code(r#"{"vault":"#), "malformed_json");
        assert_eq!(
            code(&format!(r#"{{"vault":"{v}","count":1}} trailing"#)),
            "malformed_json"
        );
        assert_eq!(code(r#"{"count":1}"#), "missing_field");
        assert_eq!(
            code(&format!(r#"{{"vault":"{v}","count":1,"x":2}}"#)),
            "unknown_field"
        );
        assert_eq!(code(r#"{"vault":"!!!","count":1}"#), "malformed_base64");
        assert_eq!(code(r#"{"vault":"AAAA","count":1}"#), "wrong_length");
        assert_eq!(
            code(&format!(r#"{{"vault":"{v}","count":"geheim"}}"#)),
            "invalid_field"
        );
    }

    #[test]
    fn field_errors_name_the_path_but_never_the_value() {
        let err =
            parse_json::<Probe>(br#"{"vault":"AAAA","count":"geheime-notitie"}"#).unwrap_err();
        let text = err.message();
        assert!(text.contains("`vault`"), "{text}");
        assert!(!text.contains("AAAA") && !text.contains("geheime"));
    }

    #[test]
    fn content_types() {
        let ct = |s: &'static str| header::HeaderValue::from_static(s);
        assert!(is_json(Some(&ct("application/json"))));
        assert!(is_json(Some(&ct("application/json; charset=utf-8"))));
        assert!(is_json(Some(&ct("application/problem+json"))));
        assert!(!is_json(Some(&ct("text/plain"))));
        assert!(!is_json(None));
    }
}
