//! Signed webhooks in the Standard Webhooks format (`webhook-id`, `webhook-timestamp`,
//! `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`), so receivers can use
//! any Standard Webhooks library to verify them. The id is stable across retries, so a receiver
//! can drop duplicates of an at-least-once delivery.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

const SECRET_PREFIX: &str = "whsec_";

/// The raw key of a `whsec_…` secret.
pub fn decode_secret(secret: &str) -> Result<Vec<u8>, String> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    let key = STANDARD
        .decode(encoded)
        .map_err(|_| "the webhook secret must be whsec_ followed by base64".to_owned())?;
    if key.len() < 24 {
        return Err("the webhook secret must hold at least 24 random bytes".into());
    }
    Ok(key)
}

/// The `webhook-signature` value for one message.
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

pub struct Webhook {
    url: String,
    key: Vec<u8>,
    client: reqwest::Client,
}

impl Webhook {
    pub fn new(url: String, secret: &str) -> Result<Webhook, String> {
        let client = reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            // A redirect would re-send the report somewhere the team did not configure.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Webhook {
            url,
            key: decode_secret(secret)?,
            client,
        })
    }

    /// Posts one message; a failure says why in log-safe words (never the URL or the body).
    pub async fn send(&self, id: &str, body: Vec<u8>) -> Result<(), Failure> {
        let timestamp = jiff::Timestamp::now().as_second();
        let signature = sign(&self.key, id, timestamp, &body);
        let res = self
            .client
            .post(&self.url)
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await
            .map_err(|e| Failure {
                reason: e.without_url().to_string(),
                retry_after: None,
                gone: false,
            })?;
        let status = res.status();
        if status.is_success() {
            return Ok(());
        }
        Err(Failure {
            reason: format!("the webhook answered {}", status.as_u16()),
            retry_after: res
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(retry_after),
            // Standard Webhooks: 410 Gone means the endpoint was removed on purpose.
            gone: status == reqwest::StatusCode::GONE,
        })
    }
}

/// The longest one delivery request may take, connection included.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(15);

/// Why a send failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Log-safe: no URL, no body.
    pub reason: String,
    /// The receiver's `Retry-After`: no retry before it.
    pub retry_after: Option<Duration>,
    /// 410: the endpoint is gone and must not be sent to again.
    pub gone: bool,
}

/// Longest `Retry-After` believed: a receiver cannot park deliveries for longer than a day.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(86_400);

/// `Retry-After` as seconds or an HTTP date, from now.
fn retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    let wait = if let Ok(secs) = value.parse::<u64>() {
        Duration::from_secs(secs)
    } else {
        let at = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
        let secs = at.as_second() - jiff::Timestamp::now().as_second();
        Duration::from_secs(secs.max(0) as u64)
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_webhooks_reference_vector() {
        // The example from the Standard Webhooks specification.
        let key = decode_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            sign(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn retry_after_is_read_as_seconds_or_a_date_and_capped() {
        assert_eq!(retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(retry_after("99999999"), Some(MAX_RETRY_AFTER));
        assert_eq!(retry_after("soon"), None);
        let later = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(300);
        let date = jiff::fmt::rfc2822::DateTimePrinter::new()
            .timestamp_to_rfc9110_string(&later)
            .unwrap();
        let wait = retry_after(&date).unwrap();
        assert!(
            wait > Duration::from_secs(290) && wait <= Duration::from_secs(300),
            "{wait:?}"
        );
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn short_or_malformed_secrets_are_refused() {
        assert!(decode_secret("whsec_c2hvcnQ=").is_err());
        assert!(decode_secret("whsec_not base64!").is_err());
    }
}
