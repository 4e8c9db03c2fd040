//! Widget keys and admin tokens: generation, format checks, hashing and comparison.
//!
//! A secret is `bc_pub_` or `bc_adm_` followed by 32 base62 characters from the OS RNG. Only its
//! SHA-256 is stored; its first 12 characters (the prefix) identify it in lists and logs.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Which kind of secret, told apart by the visible prefix so a leaked one is easy to classify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// Public, create-only widget key that ships in the page.
    WidgetKey,
    /// Admin token for reading and triaging reports.
    AdminToken,
    /// Read-only link to one report, for people outside the team.
    ShareLink,
    /// A signed-in browser's session cookie.
    Session,
}

impl SecretKind {
    pub fn tag(self) -> &'static str {
        match self {
            SecretKind::WidgetKey => "bc_pub_",
            SecretKind::AdminToken => "bc_adm_",
            SecretKind::ShareLink => "bc_shr_",
            SecretKind::Session => "bc_ses_",
        }
    }
}

/// Number of random base62 characters after the tag.
pub const RANDOM_LEN: usize = 32;
/// Characters shown in lists and logs: the tag plus five random characters.
pub const PREFIX_LEN: usize = 12;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Draws a fresh secret of `kind` from the operating system's RNG.
pub fn generate(kind: SecretKind) -> Result<String, getrandom::Error> {
    let mut out = String::with_capacity(kind.tag().len() + RANDOM_LEN);
    out.push_str(kind.tag());
    let mut buf = [0u8; 64];
    while out.len() < kind.tag().len() + RANDOM_LEN {
        getrandom::fill(&mut buf)?;
        // Rejection sampling: 248 = 4 * 62, so accepted bytes map uniformly onto the alphabet.
        for &b in buf.iter().filter(|&&b| b < 248) {
            if out.len() == kind.tag().len() + RANDOM_LEN {
                break;
            }
            out.push(BASE62[(b % 62) as usize] as char);
        }
    }
    Ok(out)
}

/// True when `candidate` has the exact shape of a secret of `kind`. Checked before any lookup so
/// garbage never reaches the store.
pub fn is_well_formed(kind: SecretKind, candidate: &str) -> bool {
    candidate.strip_prefix(kind.tag()).is_some_and(|rest| {
        rest.len() == RANDOM_LEN && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// True when `text` contains something shaped like any bugcap secret. Used to refuse secrets in
/// places they must never travel (query strings) without ever echoing them.
pub fn contains_secret_shape(text: &str) -> bool {
    [
        SecretKind::WidgetKey,
        SecretKind::AdminToken,
        SecretKind::ShareLink,
    ]
    .iter()
    .any(|k| text.contains(k.tag()))
}

/// The lookup prefix stored beside the hash.
pub fn prefix(secret: &str) -> &str {
    secret.get(..PREFIX_LEN).unwrap_or(secret)
}

/// Hex SHA-256, the only form in which a secret is stored.
pub fn hash(secret: &str) -> String {
    crate::hex::encode(&Sha256::digest(secret.as_bytes()))
}

/// Compares a presented secret with a stored hash without leaking, through timing, how much of
/// it matched.
pub fn matches_hash(secret: &str, stored_hash: &str) -> bool {
    hash(secret).as_bytes().ct_eq(stored_hash.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_are_well_formed_and_distinct() {
        let a = generate(SecretKind::WidgetKey).unwrap();
        let b = generate(SecretKind::WidgetKey).unwrap();
        assert!(is_well_formed(SecretKind::WidgetKey, &a), "{a}");
        assert!(!is_well_formed(SecretKind::AdminToken, &a));
        assert_ne!(a, b);
        let t = generate(SecretKind::AdminToken).unwrap();
        assert!(is_well_formed(SecretKind::AdminToken, &t));
        assert_eq!(prefix(&t).len(), PREFIX_LEN);
    }

    #[test]
    fn malformed_secrets_are_refused() {
        for bad in [
            "",
            "bc_pub_",
            "bc_pub_short",
            "bc_pub_0123456789012345678901234567890",
            "bc_pub_012345678901234567890123456789012",
            "bc_pub_0123456789012345678901234567890!",
            "xx_pub_01234567890123456789012345678901",
        ] {
            assert!(!is_well_formed(SecretKind::WidgetKey, bad), "{bad}");
        }
    }

    #[test]
    fn hash_matches_only_the_same_secret() {
        let s = generate(SecretKind::WidgetKey).unwrap();
        let h = hash(&s);
        assert_eq!(h.len(), 64);
        assert!(matches_hash(&s, &h));
        let mut other = s.clone();
        other.pop();
        other.push(if s.ends_with('a') { 'b' } else { 'a' });
        assert!(!matches_hash(&other, &h));
    }

    #[test]
    fn all_base62_characters_are_reachable() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            seen.extend(generate(SecretKind::AdminToken).unwrap()[7..].bytes());
        }
        assert_eq!(seen.len(), 62);
    }
}
