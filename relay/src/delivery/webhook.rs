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
            .timeout(Duration::from_secs(15))
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

    /// Posts one message; `Err` holds a log-safe reason (never the URL or the body).
    pub async fn send(&self, id: &str, body: Vec<u8>) -> Result<(), String> {
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
            .map_err(|e| e.without_url().to_string())?;
        if res.status().is_success() {
            Ok(())
        } else {
            Err(format!("the webhook answered {}", res.status().as_u16()))
        }
    }
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
    fn short_or_malformed_secrets_are_refused() {
        assert!(decode_secret("whsec_c2hvcnQ=").is_err());
        assert!(decode_secret("whsec_not base64!").is_err());
    }
}
