//! Which names are sensitive: header names, JSON keys, form fields and URL query parameters.
//! Names are compared after normalising (lower case, `_`, `-`, `.` and spaces removed), so
//! `X-Api-Key`, `api_key`, `apiKey` and `API-KEY` are one name.

/// Writes the table of names that are always secret ([`EXACT`]) and `is_exact` from one list.
/// The relay matches with a `match` on byte strings, which compiles to a length switch and a
/// few word compares (the fastest lookup measured, `cargo bench`); the widget searches the
/// table, shortest names first, comparing only the names of the right length: the `match`'s
/// inlined compares were several times the table's size in its wasm.
macro_rules! exact_names {
    ($($name:literal,)*) => {
        /// Normalised names whose value is always secret, whatever its type; shortest first.
        #[cfg(any(target_family = "wasm", test))]
        const EXACT: &[&[u8]] = &[$($name),*];

        #[cfg(not(target_family = "wasm"))]
        fn is_exact(n: &[u8]) -> bool {
            matches!(n, $($name)|*)
        }
    };
}

exact_names! {
    b"pwd",
    b"otp",
    b"ssn",
    b"cvv",
    b"cvc",
    b"pin",
    b"jwt",
    b"pass",
    b"auth",
    b"totp",
    b"cvv2",
    b"cvc2",
    b"iban",
    b"token",
    b"passwd",
    b"secret",
    b"apikey",
    b"cookie",
    b"bearer",
    b"idtoken",
    b"session",
    b"password",
    b"ccnumber",
    b"authtoken",
    b"sessionid",
    b"setcookie",
    b"accesskey",
    b"secretkey",
    b"signature",
    b"csrftoken",
    b"xsrftoken",
    b"passphrase",
    b"credential",
    b"privatekey",
    b"cardnumber",
    b"creditcard",
    b"accesstoken",
    b"credentials",
    b"refreshtoken",
    b"clientsecret",
    b"securitycode",
    b"sessiontoken",
    b"authorization",
    b"secretaccesskey",
    b"creditcardnumber",
}

#[cfg(any(target_family = "wasm", test))]
fn in_table(n: &[u8]) -> bool {
    let first = EXACT.partition_point(|e| e.len() < n.len());
    EXACT[first..]
        .iter()
        .take_while(|e| e.len() == n.len())
        .any(|e| *e == n)
}

#[cfg(target_family = "wasm")]
fn is_exact(n: &[u8]) -> bool {
    in_table(n)
}

/// Substrings that make a name sensitive when its value is text (so `max_tokens: 256` keeps its
/// number while `github_token: "…"` loses its value).
fn contains_sensitive_part(n: &[u8]) -> bool {
    (0..n.len()).any(|j| {
        let rest = &n[j..];
        match rest[0] {
            b'p' => rest.starts_with(b"passw") || rest.starts_with(b"privatekey"),
            b's' => rest.starts_with(b"secret") || rest.starts_with(b"sessionid"),
            b't' => rest.starts_with(b"token"),
            b'a' => rest.starts_with(b"apikey") || rest.starts_with(b"accesskey"),
            b'c' => {
                rest.starts_with(b"credential")
                    || rest.starts_with(b"cardnumber")
                    || rest.starts_with(b"creditcard")
            }
            _ => false,
        }
    })
}

/// Extra query-parameter names that carry secrets in URLs (OAuth codes, signed-URL parts).
const URL_EXTRA: &[&str] = &[
    "code",
    "key",
    "sig",
    "sid",
    "state",
    "xamzsignature",
    "xamzcredential",
    "xamzsecuritytoken",
    "xgoogsignature",
    "xgoogcredential",
    "awsaccesskeyid",
];

/// Normalises a name for comparison.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if !matches!(c, '_' | '-' | '.' | ' ') {
            push_lower(c, &mut out);
        }
    }
    out
}

/// Lower case for comparing names, without core's Unicode case tables (which
/// `char::to_lowercase` brings into the widget's wasm). Folds ASCII, Latin-1, Latin Extended-A, basic Greek and
/// Cyrillic, and the two other letters whose lower case is ASCII (the Kelvin sign and the
/// dotted capital I), so it agrees with `to_lowercase` wherever the result could match a
/// built-in name. Host-given names in other scripts must be given in the case pages use.
fn push_lower(c: char, out: &mut String) {
    let code = c as u32;
    let lower = match code {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE | 0x391..=0x3A1 | 0x3A3..=0x3AB | 0x410..=0x42F => {
            code + 0x20
        }
        0x400..=0x40F => code + 0x50,
        0x100..=0x12F | 0x132..=0x137 | 0x14A..=0x177 if code.is_multiple_of(2) => code + 1,
        0x139..=0x148 | 0x179..=0x17E if !code.is_multiple_of(2) => code + 1,
        0x178 => 0xFF,
        0x212A => u32::from(b'k'),
        0x130 => {
            out.push_str("i\u{307}");
            return;
        }
        _ => code,
    };
    out.push(char::from_u32(lower).unwrap_or(c));
}

/// Longest name classified without allocating; longer names take the slow path.
const FAST_LEN: usize = 48;

/// Normalises an ASCII name into `buf` (no allocation); `None` for non-ASCII or long names.
fn normalise_ascii<'b>(name: &[u8], buf: &'b mut [u8; FAST_LEN]) -> Option<&'b [u8]> {
    let mut n = 0;
    for &c in name {
        if matches!(c, b'_' | b'-' | b'.' | b' ') {
            continue;
        }
        if !c.is_ascii() || n == FAST_LEN {
            return None;
        }
        buf[n] = c.to_ascii_lowercase();
        n += 1;
    }
    Some(&buf[..n])
}

/// How sensitive a key is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyClass {
    /// Not sensitive.
    Plain,
    /// Replace the value whatever it is.
    Always,
    /// Replace text values; keep numbers and booleans.
    TextOnly,
}

/// Classifies a JSON key or form field name; `extra` holds host-given normalised names.
pub fn classify_key(name: &str, extra: &[String]) -> KeyClass {
    classify_bytes(name.as_bytes(), extra)
}

/// [`classify_key`] on raw bytes, allocation-free for the names real payloads use.
pub fn classify_bytes(name: &[u8], extra: &[String]) -> KeyClass {
    let mut buf = [0u8; FAST_LEN];
    let slow;
    let n: &[u8] = match normalise_ascii(name, &mut buf) {
        Some(n) => n,
        None => {
            slow = normalise(&String::from_utf8_lossy(name));
            slow.as_bytes()
        }
    };
    if n.len() < 2 {
        return KeyClass::Plain;
    }
    if is_exact(n) || extra.iter().any(|e| e.as_bytes() == n) {
        KeyClass::Always
    } else if contains_sensitive_part(n) {
        KeyClass::TextOnly
    } else {
        KeyClass::Plain
    }
}

/// True when a URL query parameter's value must be replaced.
pub fn is_sensitive_param(name: &str, extra: &[String]) -> bool {
    classify_key(name, extra) != KeyClass::Plain || URL_EXTRA.contains(&normalise(name).as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_match_and_the_table_find_exactly_the_listed_names() {
        assert!(EXACT.is_sorted_by_key(|e| e.len()));
        let mut probes: Vec<Vec<u8>> = vec![Vec::new(), b"x".to_vec(), b"passwordx".to_vec()];
        for name in EXACT {
            probes.push(name.to_vec());
            probes.push([name, &b"x"[..]].concat());
            probes.push(name[1..].to_vec());
            probes.push(name[..name.len() - 1].to_vec());
        }
        for probe in probes {
            let listed = EXACT.contains(&probe.as_slice());
            let name = String::from_utf8_lossy(&probe);
            assert_eq!(is_exact(&probe), listed, "the match, {name}");
            assert_eq!(in_table(&probe), listed, "the table, {name}");
        }
    }

    #[test]
    fn spellings_of_one_name_are_one_name() {
        for k in ["api_key", "apiKey", "API-KEY", "Api.Key", "apikey"] {
            assert_eq!(classify_key(k, &[]), KeyClass::Always, "{k}");
        }
    }

    #[test]
    fn counts_named_like_tokens_keep_numbers() {
        assert_eq!(classify_key("max_tokens", &[]), KeyClass::TextOnly);
        assert_eq!(classify_key("github_token", &[]), KeyClass::TextOnly);
        assert_eq!(classify_key("total", &[]), KeyClass::Plain);
        assert_eq!(classify_key("passenger", &[]), KeyClass::Plain);
    }

    /// `push_lower` stands in for `char::to_lowercase`: it must agree on every letter it folds,
    /// and on every letter whose lower case is ASCII, or a spelling of a built-in name would
    /// slip through.
    #[test]
    fn the_case_fold_agrees_with_unicode_where_it_matters() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let unicode: String = c.to_lowercase().collect();
            let mut ours = String::new();
            push_lower(c, &mut ours);
            let folds = ours != c.to_string();
            if folds || unicode.chars().any(|l| l.is_ascii()) {
                assert_eq!(ours, unicode, "U+{:04X}", c as u32);
            }
        }
        for c in ['Ä', 'Ø', 'Ł', 'Ŵ', 'Ÿ', 'Σ', 'Ж', 'Ё'] {
            let mut ours = String::new();
            push_lower(c, &mut ours);
            assert_eq!(ours, c.to_lowercase().collect::<String>(), "{c}");
            assert_ne!(ours, c.to_string(), "{c} is folded");
        }
        assert_eq!(classify_key("TO\u{212A}EN", &[]), KeyClass::Always);
        assert_eq!(
            classify_key("x-tenant-PASSWÖRT", &["xtenantpasswört".into()]),
            KeyClass::Always
        );
    }

    #[test]
    fn host_names_are_honoured() {
        assert_eq!(
            classify_key("x-tenant-pin", &["xtenantpin".into()]),
            KeyClass::Always
        );
        assert!(is_sensitive_param("code", &[]));
        assert!(is_sensitive_param("X-Amz-Signature", &[]));
        assert!(!is_sensitive_param("page", &[]));
    }
}
