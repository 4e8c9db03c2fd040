//! API errors: one enum, each variant mapped to an HTTP status and a stable error `code`.
//! Every error leaves the relay as `{"error": {"code", "message", "field"?}}`.

use bugcap_protocol::ValidationError;
use hyper::StatusCode;

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("send the key in the x-bugcap-key header; keys in URLs end up in logs and are refused")]
    KeyInQuery,
    #[error("send the key in the x-bugcap-key header, not in the body")]
    KeyInBody,
    #[error("the body nests deeper than {0} levels")]
    TooDeep(usize),
    #[error("the body is not valid JSON: {message}")]
    InvalidJson { message: String },
    #[error("{message}")]
    InvalidField { field: String, message: String },
    #[error("{0}")]
    Validation(ValidationError),
    #[error("this request needs a widget key in the x-bugcap-key header")]
    MissingKey,
    #[error("the widget key is unknown, malformed or revoked")]
    InvalidKey,
    #[error("this request needs an admin token: Authorization: Bearer bc_adm_…")]
    MissingToken,
    #[error("the admin token is unknown, malformed or revoked")]
    InvalidToken,
    #[error("the admin token lacks the {0} scope")]
    InsufficientScope(&'static str),
    #[error("{0}")]
    OriginNotAllowed(&'static str),
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("a report with this id was filed with another key")]
    IdConflict,
    #[error("the body is larger than the limit of {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("the request body did not arrive within {0} s")]
    RequestTimeout(u64),
    #[error("send the body as Content-Type: application/json")]
    UnsupportedMediaType,
    #[error("too many requests from this {}; retry in {} s", .0.reason(), .0.retry_after_secs())]
    RateLimited(crate::limit::rate::Throttled),
    #[error("storage is unavailable; retry later")]
    Unavailable(#[source] StoreError),
    #[error("this content type is not accepted; allowed: {allowed}")]
    MediaTypeNotAllowed { field: String, allowed: String },
    #[error("the declared size is over the limit of {limit} bytes for this type")]
    MediaTooLarge { field: String, limit: u64 },
    #[error("the report declares no attachment with this name")]
    AttachmentNotDeclared,
    #[error("{field} differs from what the report declared for this attachment")]
    DeclarationMismatch { field: String },
    #[error("this attachment is already complete")]
    MediaAlreadyComplete,
    #[error("the report's wait for this attachment is over; it was delivered without it")]
    MediaWindowClosed,
    #[error("nothing has been uploaded for this attachment yet")]
    MediaNotUploaded,
    #[error(
        "the stored object's {0} does not match the declaration; it was deleted, upload it again"
    )]
    MediaMismatch(&'static str),
    #[error("the upload URL's signature does not match this request")]
    SignatureInvalid,
    #[error("the upload URL has expired; ask for a new one")]
    UrlExpired,
    #[error("the uploaded bytes do not match the declared {0}")]
    UploadMismatch(&'static str),
    #[error("object storage is unavailable; retry later")]
    ObjectStore(#[source] crate::media::MediaError),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::KeyInQuery
            | ApiError::KeyInBody
            | ApiError::TooDeep(_)
            | ApiError::InvalidJson { .. } => StatusCode::BAD_REQUEST,
            ApiError::InvalidField { .. } | ApiError::Validation(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::MissingKey
            | ApiError::InvalidKey
            | ApiError::MissingToken
            | ApiError::InvalidToken => StatusCode::UNAUTHORIZED,
            ApiError::InsufficientScope(_) | ApiError::OriginNotAllowed(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::IdConflict => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::ObjectStore(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::MediaTypeNotAllowed { .. }
            | ApiError::DeclarationMismatch { .. }
            | ApiError::MediaMismatch(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::MediaTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::AttachmentNotDeclared => StatusCode::NOT_FOUND,
            ApiError::MediaAlreadyComplete
            | ApiError::MediaNotUploaded
            | ApiError::MediaWindowClosed => StatusCode::CONFLICT,
            ApiError::SignatureInvalid | ApiError::UrlExpired => StatusCode::FORBIDDEN,
            ApiError::UploadMismatch(_) => StatusCode::BAD_REQUEST,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::KeyInQuery => "key_in_query",
            ApiError::KeyInBody => "key_in_body",
            ApiError::TooDeep(_) => "too_deep",
            ApiError::InvalidJson { .. } => "invalid_json",
            ApiError::InvalidField { .. } => "invalid_field",
            ApiError::Validation(v) => v.code,
            ApiError::MissingKey => "missing_key",
            ApiError::InvalidKey => "invalid_key",
            ApiError::MissingToken => "missing_token",
            ApiError::InvalidToken => "invalid_token",
            ApiError::InsufficientScope(_) => "insufficient_scope",
            ApiError::OriginNotAllowed(_) => "origin_not_allowed",
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::RequestTimeout(_) => "request_timeout",
            ApiError::IdConflict => "id_conflict",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::RateLimited(_) => "rate_limited",
            ApiError::Unavailable(_) | ApiError::ObjectStore(_) => "unavailable",
            ApiError::MediaTypeNotAllowed { .. } => "media_type_not_allowed",
            ApiError::MediaTooLarge { .. } => "media_too_large",
            ApiError::AttachmentNotDeclared => "attachment_not_declared",
            ApiError::DeclarationMismatch { .. } => "declaration_mismatch",
            ApiError::MediaAlreadyComplete => "media_already_complete",
            ApiError::MediaNotUploaded => "media_not_uploaded",
            ApiError::MediaWindowClosed => "media_window_closed",
            ApiError::MediaMismatch(_) => "media_mismatch",
            ApiError::SignatureInvalid => "signature_invalid",
            ApiError::UrlExpired => "url_expired",
            ApiError::UploadMismatch(_) => "upload_mismatch",
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::InvalidField { field, .. } => Some(field),
            ApiError::Validation(v) => Some(&v.field),
            ApiError::MediaTypeNotAllowed { field, .. }
            | ApiError::MediaTooLarge { field, .. }
            | ApiError::DeclarationMismatch { field } => Some(field),
            _ => None,
        }
    }

    /// The JSON body sent to the client.
    pub fn body(&self) -> serde_json::Value {
        let mut error = serde_json::json!({ "code": self.code(), "message": self.to_string() });
        if let Some(field) = self.field() {
            error["field"] = field.into();
        }
        serde_json::json!({ "error": error })
    }
}

/// Refused credentials, as answers.
impl From<crate::auth::AuthError> for ApiError {
    fn from(e: crate::auth::AuthError) -> Self {
        use crate::auth::AuthError;
        match e {
            AuthError::KeyInQuery => ApiError::KeyInQuery,
            AuthError::MissingKey => ApiError::MissingKey,
            AuthError::InvalidKey => ApiError::InvalidKey,
            AuthError::MissingToken => ApiError::MissingToken,
            AuthError::InvalidToken => ApiError::InvalidToken,
            AuthError::InsufficientScope(scope) => ApiError::InsufficientScope(scope),
            AuthError::OriginNotAllowed(why) => ApiError::OriginNotAllowed(why),
            AuthError::Store(e) => ApiError::Unavailable(e),
        }
    }
}

/// A declaration the media policy refuses, as answers.
impl From<crate::media::policy::PolicyError> for ApiError {
    fn from(e: crate::media::policy::PolicyError) -> Self {
        use crate::media::policy::PolicyError;
        match e {
            PolicyError::TypeNotAllowed { field, allowed } => {
                ApiError::MediaTypeNotAllowed { field, allowed }
            }
            PolicyError::TooLarge { field, limit } => ApiError::MediaTooLarge { field, limit },
        }
    }
}

/// A refused upload to the local store, as answers.
impl From<crate::media::local::UploadError> for ApiError {
    fn from(e: crate::media::local::UploadError) -> Self {
        use crate::media::local::UploadError;
        match e {
            UploadError::SignatureInvalid => ApiError::SignatureInvalid,
            UploadError::UrlExpired => ApiError::UrlExpired,
            UploadError::Mismatch(what) => ApiError::UploadMismatch(what),
            UploadError::Storage(e) => ApiError::ObjectStore(e),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Unavailable(e)
    }
}

impl From<ValidationError> for ApiError {
    fn from(e: ValidationError) -> Self {
        ApiError::Validation(e)
    }
}
